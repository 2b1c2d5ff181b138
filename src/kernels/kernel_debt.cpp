// The debt pass of the monthly firm step (kernels/kernel_debt.inc),
// compiled for the same instruction sets as kernel.cpp's kernels and
// chosen with them (a translation unit of its own keeps each file's
// compilation short).
#include <bit>
#include <cstdint>
#include <string>

#include "core/portable.hpp"
#include "kernels/kernel.hpp"

namespace msmesim::detail {

namespace {

#define MSMESIM_KERNEL_BODY "kernels/kernel_debt.inc"
#include "kernels/isa_versions.inc"

}  // namespace

DebtKernel debt_kernel(const std::string& isa) {
#if MSMESIM_X86_DISPATCH
  if (isa == "avx512") return isa_avx512::firm_month_debt;
  if (isa == "avx2") return isa_avx2::firm_month_debt;
#endif
  static_cast<void>(isa);
  return isa_default::firm_month_debt;
}

}  // namespace msmesim::detail
