// The kernels of the monthly step are compiled for several instruction sets
// (src/kernels/kernel.cpp); every version this processor runs gives the same bits.
#include <gtest/gtest.h>

#include <msmesim/msmesim.hpp>

#include <cstring>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "kernels/kernel.hpp"

namespace msmesim {
namespace {

// Restores the best version when a test ends, whatever happens.
struct BestKernelsAfter {
  ~BestKernelsAfter() { detail::use_kernel_isa(""); }
};

TEST(KernelIsas, TheDefaultVersionIsAlwaysThereAndLast) {
  const auto isas = detail::kernel_isas();
  ASSERT_FALSE(isas.empty());
  EXPECT_EQ(isas.back(), "default");
}

// Whether two tables hold the same columns with the same bits.
bool same_bits(const Table& a, const Table& b) {
  if (a.columns.size() != b.columns.size()) return false;
  for (std::size_t c = 0; c < a.columns.size(); ++c) {
    const Column &x = a.columns[c], &y = b.columns[c];
    if (x.name != y.name || x.data.index() != y.data.index()) return false;
    const bool same = std::visit(
        [&](const auto& u) {
          using V = std::decay_t<decltype(u)>;
          const V& v = std::get<V>(y.data);
          if constexpr (std::is_same_v<typename V::value_type, std::string>) {
            return u == v;
          } else {
            return u.size() == v.size() &&
                   (u.empty() || std::memcmp(u.data(), v.data(), u.size() * sizeof(typename V::value_type)) == 0);
          }
        },
        x.data);
    if (!same) return false;
  }
  return true;
}

TEST(KernelIsas, EveryVersionGivesTheSameBits) {
  const BestKernelsAfter restore;
  const Population pop = generate_population(presets::bogor_population_spec(20'000), 3, 2);
  const Scenario sc = presets::bogor_covid19_scenario(18);  // shocks and the relief programmes
  std::vector<RunResult> runs;
  for (const std::string& isa : detail::kernel_isas()) {
    detail::use_kernel_isa(isa);
    RunOptions o;
    o.seed = 5;
    o.threads = 2;
    runs.push_back(run(pop, sc, o));
  }
  const auto isas = detail::kernel_isas();
  for (std::size_t k = 1; k < runs.size(); ++k) {
    EXPECT_TRUE(same_bits(runs[0].monthly, runs[k].monthly)) << isas[k] << " against " << isas[0];
    EXPECT_TRUE(same_bits(runs[0].firms, runs[k].firms)) << isas[k] << " against " << isas[0];
    EXPECT_TRUE(same_bits(runs[0].credit_book, runs[k].credit_book)) << isas[k] << " against " << isas[0];
    EXPECT_TRUE(same_bits(runs[0].programme_payments, runs[k].programme_payments)) << isas[k];
  }
}

TEST(KernelIsas, AnUnknownInstructionSetIsRefusedByName) {
  const BestKernelsAfter restore;
  try {
    detail::use_kernel_isa("sse9");
    FAIL() << "no error";
  } catch (const InvalidArgument& e) {
    EXPECT_EQ(e.field(), "kernel instruction set");
    EXPECT_EQ(e.value(), "sse9");
    EXPECT_NE(e.allowed().find("default"), std::string::npos);
  }
}

}  // namespace
}  // namespace msmesim
