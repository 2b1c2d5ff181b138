// The vectorised kernels of the monthly firm step (see kernels/kernel.hpp),
// compiled for several instruction sets and chosen once, by what the
// processor supports (isa_versions.inc; the debt pass's versions are in
// kernel_debt.cpp).
#include "kernels/kernel.hpp"

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "core/portable.hpp"
#include "msmesim/core/error.hpp"

namespace msmesim::detail {

namespace {

#define MSMESIM_KERNEL_BODY "kernels/kernel_body.inc"
#include "kernels/isa_versions.inc"

struct Kernels {
  const char* isa;
  decltype(&isa_default::firm_month_phase_a) phase_a;
  decltype(&isa_default::firm_month_pay) pay;
  DebtKernel debt;
};

// The versions this processor runs, best first.
std::vector<Kernels> supported_kernels() {
  std::vector<Kernels> v;
#if MSMESIM_X86_DISPATCH
  __builtin_cpu_init();  // may run before the library's own constructors
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
      __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq"))
    v.push_back({"avx512", isa_avx512::firm_month_phase_a, isa_avx512::firm_month_pay, debt_kernel("avx512")});
  if (__builtin_cpu_supports("avx2"))
    v.push_back({"avx2", isa_avx2::firm_month_phase_a, isa_avx2::firm_month_pay, debt_kernel("avx2")});
#endif
  v.push_back({"default", isa_default::firm_month_phase_a, isa_default::firm_month_pay, debt_kernel("default")});
  return v;
}

const std::vector<Kernels>& all_kernels() {
  static const std::vector<Kernels> supported = supported_kernels();
  return supported;
}

// The version in use: the best, unless use_kernel_isa chose another.
std::atomic<const Kernels*> chosen{nullptr};

const Kernels& kernels() {
  const Kernels* k = chosen.load(std::memory_order_relaxed);
  return k != nullptr ? *k : all_kernels().front();
}

}  // namespace

std::vector<std::string> kernel_isas() {
  std::vector<std::string> names;
  for (const Kernels& k : all_kernels()) names.emplace_back(k.isa);
  return names;
}

void use_kernel_isa(const std::string& isa) {
  if (isa.empty()) {
    chosen.store(nullptr, std::memory_order_relaxed);
    return;
  }
  for (const Kernels& k : all_kernels())
    if (isa == k.isa) {
      chosen.store(&k, std::memory_order_relaxed);
      return;
    }
  std::string supported;
  for (const Kernels& k : all_kernels()) supported += (supported.empty() ? "" : ", ") + std::string(k.isa);
  throw InvalidArgument("kernel instruction set", isa, "one this processor runs: " + supported);
}

void firm_month_phase_a(const PhaseAInputs& in, const PhaseAMonth& month, std::uint32_t first, std::size_t len,
                        PhaseAOut& out) {
  kernels().phase_a(in, month, first, len, out);
}

void firm_month_pay(const MoneyState& st, std::uint32_t first, std::size_t len, const double* open,
                    const double* credit, const double* denied, double affected_min, const PhaseAOut& pre,
                    PayOut& out) {
  kernels().pay(st, first, len, open, credit, denied, affected_min, pre, out);
}

void firm_month_debt(const DebtState& st, std::uint32_t first, std::size_t len, const double* open,
                     const PhaseAOut& pre, PayOut& out) {
  kernels().debt(st, first, len, open, pre, out);
}

}  // namespace msmesim::detail
