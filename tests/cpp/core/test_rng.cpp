// Counter-based random numbers (rng.hpp).
#include <gtest/gtest.h>

#include <msmesim/msmesim.hpp>

#include <array>
#include <cstdint>
#include <set>

namespace msmesim {
namespace {

using Words = std::array<std::uint32_t, 4>;

TEST(RandomWords, ArePureFunctionsOfTheirArguments) {
  const Words a = random_words(42, 3, 17, 5, 200);
  // Interleave other calls: no hidden state may leak between calls.
  (void)random_words(1, 0, 0, 0, 1);
  (void)random_words(42, 3, 18, 5, 200);
  const Words b = random_words(42, 3, 17, 5, 200);
  EXPECT_EQ(a, b);
  const RandomStream rs{42, 3};
  EXPECT_EQ(rs.words(17, 5, Purpose::firm_month), a);
  EXPECT_EQ(rs.words(17, 5, 200u), a);
}

TEST(RandomWords, ChangeWithEveryPartOfTheKeyAndCounter) {
  const Words base = random_words(42, 3, 17, 5, 200);
  EXPECT_NE(random_words(43, 3, 17, 5, 200), base) << "seed";
  EXPECT_NE(random_words(42ull | (1ull << 40), 3, 17, 5, 200), base) << "high seed bits";
  EXPECT_NE(random_words(42, 4, 17, 5, 200), base) << "replication";
  EXPECT_NE(random_words(42, 3, 18, 5, 200), base) << "entity";
  EXPECT_NE(random_words(42, 3, 17, 6, 200), base) << "time";
  EXPECT_NE(random_words(42, 3, 17, kNoMonth, 200), base) << "time = kNoMonth";
  EXPECT_NE(random_words(42, 3, 17, 5, 201), base) << "purpose";
}

TEST(RandomWords, SwappingCounterFieldsGivesDifferentWords) {
  // entity and time are separate counter words, not summed or xor-ed.
  EXPECT_NE(random_words(1, 0, 2, 3, 200), random_words(1, 0, 3, 2, 200));
  EXPECT_NE(random_words(1, 0, 5, 0, 0), random_words(1, 0, 0, 5, 0));
}

TEST(RandomWords, AreWellSpreadOverManyEntities) {
  // A cheap sanity check of the generator: distinct words and a mean near 1/2.
  std::set<std::uint32_t> seen;
  double sum = 0;
  const int n = 20000;
  for (int i = 0; i < n; ++i) {
    const Words w = random_words(7, 0, static_cast<std::uint32_t>(i), 0, 200);
    seen.insert(w[0]);
    for (auto x : w) sum += to_unit(x);
  }
  EXPECT_GE(seen.size(), static_cast<std::size_t>(n - 2));
  EXPECT_NEAR(sum / (4.0 * n), 0.5, 0.01);
}

TEST(ToUnit, IsStrictlyInsideTheOpenUnitInterval) {
  constexpr double lo = to_unit(0u);
  constexpr double hi = to_unit(0xFFFFFFFFu);
  EXPECT_GT(lo, 0.0);
  EXPECT_LT(hi, 1.0);
  EXPECT_DOUBLE_EQ(lo, 0.5 / 4294967296.0);
  EXPECT_DOUBLE_EQ(hi, 1.0 - 0.5 / 4294967296.0);
  EXPECT_LT(to_unit(0x7FFFFFFFu), 0.5);
  EXPECT_GT(to_unit(0x80000000u), 0.5);
}

TEST(RandomStream, UniformsAreToUnitOfTheWords) {
  const RandomStream rs{9, 1};
  const auto w = rs.words(3, 4, Purpose::firm_credit);
  const auto u = rs.uniforms(3, 4, Purpose::firm_credit);
  for (int k = 0; k < 4; ++k) {
    EXPECT_EQ(u[k], to_unit(w[k]));
    EXPECT_GT(u[k], 0.0);
    EXPECT_LT(u[k], 1.0);
  }
}

}  // namespace
}  // namespace msmesim
