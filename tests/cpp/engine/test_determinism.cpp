// Results depend only on (population, scenario, seed, replication): never on
// the thread count, on how the run is driven, or on earlier runs.
#include <gtest/gtest.h>

#include <msmesim/msmesim.hpp>

#include "support.hpp"

namespace msmesim {
namespace {

// Enough firms for 9 chunks of 8192 firms, so that 8 threads all get work.
const Population& big_population() {
  static const Population pop = generate_population(presets::bogor_population_spec(74'000), 99, 2);
  return pop;
}

Scenario covid_with_entries(int months = 24) {
  Scenario sc = presets::bogor_covid19_scenario(months);
  sc.params.entry_rate_month = 0.002;
  sc.params.reentry_monthly_prob = 0.05;
  return sc;
}

RunResult run_with(const Population& pop, const Scenario& sc, int threads, std::uint64_t seed = 5,
                   std::uint32_t replication = 0) {
  RunOptions opt;
  opt.seed = seed;
  opt.replication = replication;
  opt.threads = threads;
  opt.cooperative_panel = true;
  return run(pop, sc, opt);
}

TEST(Determinism, OneTwoAndEightThreadsGiveBitwiseIdenticalResults) {
  const Scenario sc = covid_with_entries();
  const RunResult one = run_with(big_population(), sc, 1);
  const RunResult two = run_with(big_population(), sc, 2);
  const RunResult eight = run_with(big_population(), sc, 8);
  EXPECT_EQ(one.threads, 1);
  EXPECT_EQ(eight.threads, 8);
  EXPECT_GT(one.monthly.numbers("closed_firms").back(), 0.0);
  double entries = 0;
  for (double e : one.monthly.numbers("entries")) entries += e;
  EXPECT_GT(entries, 0.0);
  // The cooperatives lend to members, so their books take part.
  EXPECT_GE(one.cooperatives_panel.rows(), 24u * big_population().cooperatives.size());
  EXPECT_EQ(one.cooperatives_panel.rows() % 24u, 0u);
  double coop_loans = 0;
  for (double x : one.monthly.numbers("new_loans_cooperative")) coop_loans += x;
  EXPECT_GT(coop_loans, 0.0);
  EXPECT_TRUE(test::results_identical(one, two));
  EXPECT_TRUE(test::results_identical(one, eight));
}

TEST(Determinism, SameSeedTwiceGivesIdenticalResults) {
  const Population pop = generate_population(presets::bogor_population_spec(3000), 1);
  const Scenario sc = covid_with_entries();
  EXPECT_TRUE(test::results_identical(run_with(pop, sc, 1, 42), run_with(pop, sc, 1, 42)));
}

TEST(Determinism, DifferentSeedsOrReplicationsGiveDifferentResults) {
  const Population pop = generate_population(presets::bogor_population_spec(3000), 1);
  const Scenario sc = covid_with_entries();
  const RunResult a = run_with(pop, sc, 1, 42, 0);
  const RunResult b = run_with(pop, sc, 1, 43, 0);
  const RunResult c = run_with(pop, sc, 1, 42, 1);
  EXPECT_NE(a.monthly.numbers("revenue_rp"), b.monthly.numbers("revenue_rp"));
  EXPECT_NE(a.monthly.numbers("revenue_rp"), c.monthly.numbers("revenue_rp"));
  EXPECT_NE(b.monthly.numbers("revenue_rp"), c.monthly.numbers("revenue_rp"));
  EXPECT_EQ(c.replication, 1u);
  EXPECT_EQ(b.seed, 43u);
}

TEST(Determinism, SteppingMonthByMonthEqualsRunningToTheEnd) {
  const Population pop = generate_population(presets::bogor_population_spec(3000), 2);
  const Scenario sc = covid_with_entries(18);
  RunOptions opt;
  opt.seed = 8;
  opt.threads = 2;
  opt.record_flows = true;  // recording flows must not change the results
  Simulation sim(pop, sc, opt);
  EXPECT_EQ(sim.months_total(), 18);
  for (int m = 0; m < 18; ++m) {
    EXPECT_EQ(sim.months_done(), m);
    EXPECT_FALSE(sim.done());
    sim.step();
  }
  EXPECT_TRUE(sim.done());
  const RunResult stepped = sim.result();
  RunOptions plain;
  plain.seed = 8;
  EXPECT_TRUE(test::results_identical(stepped, run(pop, sc, plain)));
}

TEST(Determinism, OnePopulationServesManyRunsUnchanged) {
  const Population pop = generate_population(presets::bogor_population_spec(2000), 3);
  const Population copy = pop;
  const Scenario sc = covid_with_entries();
  const RunResult first = run_with(pop, sc, 1);
  (void)run_with(pop, presets::bogor_covid19_scenario(6), 2, 77);
  EXPECT_TRUE(test::populations_identical(pop, copy));
  EXPECT_TRUE(test::results_identical(first, run_with(pop, sc, 1)));
}

TEST(Determinism, WithoutMicrodataTheAggregatesAreUnchanged) {
  const Population pop = generate_population(presets::bogor_population_spec(2000), 4);
  const Scenario sc = covid_with_entries(12);
  RunOptions opt;
  opt.seed = 3;
  const RunResult full = run(pop, sc, opt);
  opt.microdata = false;
  const RunResult lean = run(pop, sc, opt);
  EXPECT_EQ(lean.firms.rows(), 0u);
  EXPECT_TRUE(lean.firms.columns.empty());
  EXPECT_TRUE(test::tables_identical(full.monthly, lean.monthly, "monthly"));
  EXPECT_TRUE(test::tables_identical(full.by_sector, lean.by_sector, "by_sector"));
  EXPECT_TRUE(test::tables_identical(full.by_class, lean.by_class, "by_class"));
  EXPECT_TRUE(test::tables_identical(full.by_region, lean.by_region, "by_region"));
}

TEST(Determinism, FirmDrawsDoNotDependOnWhichOtherFirmsExist) {
  // Common random numbers per firm: a firm's path in a population is the same
  // when another, unrelated firm is removed from the end of the population.
  std::vector<test::FirmInit> firms(4);
  firms[3].revenue_rp_month = 20e6;
  const Population four = test::make_population({"r"}, {"trade"}, firms);
  firms.pop_back();
  const Population three = test::make_population({"r"}, {"trade"}, firms);
  Scenario sc = test::quiet_scenario(12);
  sc.params.revenue_noise_sd = 0.2;
  sc.params.growth_sd_year = 0.1;
  const RunResult a = run(four, sc);
  const RunResult b = run(three, sc);
  const auto ra = a.firms.numbers("revenue_total_rp");
  const auto rb = b.firms.numbers("revenue_total_rp");
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(ra[i], rb[i]) << i;
}

}  // namespace
}  // namespace msmesim
