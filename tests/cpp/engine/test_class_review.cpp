// The periodic size-class re-evaluation ("naik kelas", src/engine/firm_month.cpp:
// review_class) and the class columns of the results.
#include <gtest/gtest.h>

#include <msmesim/msmesim.hpp>

#include <string>
#include <vector>

#include "support.hpp"

namespace msmesim {
namespace {

// Firm 0: small by turnover (Rp 30 M a month = Rp 360 M a year > Rp 300 M),
// micro by assets. Firm 1: micro throughout. Both under Law 20/2008.
Population two_firms() {
  std::vector<test::FirmInit> f(2);
  f[0].revenue_rp_month = 30e6;
  f[0].assets_rp = 10e6;
  f[0].cash_rp = 500e6;
  f[1].revenue_rp_month = 10e6;
  f[1].cash_rp = 500e6;
  return test::make_population({"r"}, {"trade"}, f);
}

// A sales shock halving firm 0's sales for good (its region is the only one,
// so target by size class).
Scenario halving_scenario(int months, int review_months) {
  Scenario sc = test::quiet_scenario(months);
  sc.class_review_months = review_months;
  Shock s = test::fixed_shock(Channel::sales, 0.5, sc.start, {0, 600, 0.0, {}}, "halving");
  s.target.classes = {SizeClass::small};
  sc.shocks = {s};
  return sc;
}

TEST(ClassReview, HalvedTurnoverDowngradesAtTheFirstReview) {
  const Population pop = two_firms();
  const RunResult r = run(pop, halving_scenario(24, 12));
  EXPECT_EQ(test::text_at(r.firms, "initial_class", 0), "small");
  EXPECT_EQ(test::text_at(r.firms, "final_class", 0), "micro");
  EXPECT_EQ(r.firms.column("class_change_month").number(0), 11.0);
  EXPECT_EQ(r.firms.column("downgrades").number(0), 1.0);
  EXPECT_EQ(r.firms.column("upgrades").number(0), 0.0);
  EXPECT_EQ(test::text_at(r.firms, "final_class", 1), "micro");
  EXPECT_EQ(r.firms.column("class_change_month").number(1), -1.0);
  const auto downgrades = r.monthly.numbers("downgrades");
  for (std::size_t m = 0; m < downgrades.size(); ++m) EXPECT_EQ(downgrades[m], m == 11 ? 1.0 : 0.0) << m;
  EXPECT_EQ(r.class_transitions[1][0], 1);
  std::int64_t transitions = 0;
  for (const auto& row : r.class_transitions)
    for (auto x : row) transitions += x;
  EXPECT_EQ(transitions, 1);
  // Open firms by current class move; the by_class breakdown keeps the cohort.
  const auto small = r.monthly.numbers("firms_small");
  const auto micro = r.monthly.numbers("firms_micro");
  EXPECT_EQ(small[10], 1.0);
  EXPECT_EQ(micro[10], 1.0);
  EXPECT_EQ(small[11], 0.0);
  EXPECT_EQ(micro[11], 2.0);
  const auto group = r.by_class.numbers("group");
  const auto month = r.by_class.numbers("month");
  const auto active = r.by_class.numbers("active_firms");
  const auto down = r.by_class.numbers("downgrades");
  for (std::size_t row = 0; row < r.by_class.rows(); ++row) {
    if (group[row] == 1.0) {
      EXPECT_EQ(active[row], 1.0) << "the small cohort keeps its firm, month " << month[row];
      EXPECT_EQ(down[row], month[row] == 11 ? 1.0 : 0.0);
    }
  }
}

TEST(ClassReview, ReviewPeriodSetsTheReviewMonths) {
  const Population pop = two_firms();
  const RunResult r = run(pop, halving_scenario(12, 5));
  EXPECT_EQ(r.firms.column("class_change_month").number(0), 4.0);
  // Stable turnover: no further change at months 9 and beyond.
  EXPECT_EQ(r.firms.column("downgrades").number(0), 1.0);
}

TEST(ClassReview, SteadyFirmsKeepTheirClass) {
  const Population pop = two_firms();
  const RunResult r = run(pop, test::quiet_scenario(36));
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(r.firms.column("class_change_month").number(i), -1.0) << i;
    EXPECT_EQ(test::text_at(r.firms, "initial_class", i), test::text_at(r.firms, "final_class", i)) << i;
  }
  for (double x : r.monthly.numbers("upgrades")) EXPECT_EQ(x, 0.0);
  for (double x : r.monthly.numbers("downgrades")) EXPECT_EQ(x, 0.0);
}

TEST(ClassReview, InitialClassFollowsTheScenarioRegime) {
  // Rp 360 M a year is small under Law 20/2008 but micro under PP 7/2021;
  // under BPS the single worker makes it micro.
  const Population pop = two_firms();
  Scenario sc = test::quiet_scenario(1);
  EXPECT_EQ(test::text_at(run(pop, sc).firms, "initial_class", 0), "small");
  sc.class_regime = ClassRegime::pp7_2021;
  EXPECT_EQ(test::text_at(run(pop, sc).firms, "initial_class", 0), "micro");
  sc.class_regime = ClassRegime::bps_workers;
  EXPECT_EQ(test::text_at(run(pop, sc).firms, "initial_class", 0), "micro");
  sc.class_regime = ClassRegime::law20_2008;
  sc.class_criterion = ClassCriterion::assets;
  EXPECT_EQ(test::text_at(run(pop, sc).firms, "initial_class", 0), "micro");
}

TEST(ClassReview, ClassCountsAddUpToActiveFirms) {
  const Population pop = generate_population(presets::bogor_population_spec(3000), 5);
  Scenario sc = presets::bogor_covid19_scenario(36);
  sc.params.entry_rate_month = 0.002;
  const RunResult r = run(pop, sc);
  const auto active = r.monthly.numbers("active_firms");
  double up = 0, down = 0;
  for (std::size_t m = 0; m < active.size(); ++m) {
    double sum = 0;
    for (auto c : kAllSizeClasses) sum += r.monthly.numbers("firms_" + std::string(to_string(c)))[m];
    EXPECT_EQ(sum, active[m]) << "month " << m;
    up += r.monthly.numbers("upgrades")[m];
    down += r.monthly.numbers("downgrades")[m];
  }
  double up_t = 0, down_t = 0;
  for (int from = 0; from < kSizeClasses; ++from)
    for (int to = 0; to < kSizeClasses; ++to) {
      const auto n = static_cast<double>(r.class_transitions[static_cast<std::size_t>(from)][static_cast<std::size_t>(to)]);
      if (to > from) up_t += n;
      if (to < from) down_t += n;
      if (to == from) {
        EXPECT_EQ(n, 0.0);
      }
    }
  EXPECT_EQ(up, up_t);
  EXPECT_EQ(down, down_t);
  EXPECT_GT(up + down, 0.0);
}

}  // namespace
}  // namespace msmesim
