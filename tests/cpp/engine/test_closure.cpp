// The closure rule: a firm closes after closure_after_months consecutive
// months unable to meet its obligations (src/engine/firm_month.cpp: step_chunk, close_firm).
#include <gtest/gtest.h>

#include <msmesim/msmesim.hpp>

#include <string>
#include <vector>

#include "support.hpp"

namespace msmesim {
namespace {

constexpr std::size_t kDoomed = 0, kHealthy = 1, kShortShock = 2;

// Three micro firms in three regions of one sector:
//  0 can never pay: no cash, fixed cost five times its revenue;
//  1 is healthy: Rp 4 M profit a month and Rp 50 M in cash;
//  2 is healthy but has no cash, so a deep sales shock leaves it short.
Population three_firms() {
  std::vector<test::FirmInit> f(3);
  f[kDoomed].region = 0;
  f[kDoomed].cash_rp = 0.0;
  f[kDoomed].fixed_cost_rp_month = 50e6;
  f[kHealthy].region = 1;
  f[kShortShock].region = 2;
  f[kShortShock].cash_rp = 0.0;
  f[kShortShock].variable_cost_share = 0.3f;
  f[kShortShock].fixed_cost_rp_month = 2e6;
  return test::make_population({"r0", "r1", "r2"}, {"trade"}, f);
}

// No randomness, no credit, and a sales shock of `severity` on region r2
// following `path` from the first month.
Scenario closure_scenario(int closure_after, std::vector<double> path, int months = 14, double severity = 0.9) {
  Scenario sc = test::quiet_scenario(months);
  test::refuse_all_credit(sc.params);
  sc.params.closure_after_months = closure_after;
  Shock s = test::fixed_shock(Channel::sales, severity, sc.start, {0, 0, 0.0, std::move(path)}, "slump");
  s.target.regions = {"r2"};
  sc.shocks.push_back(s);
  return sc;
}

// A slump firm 2 recovers from in one month, even after three slump months:
// each leaves Rp 1.12 M unpaid (revenue 3.4 M against the owner's 1.5 M
// subsistence, paid first, and 3.02 M of costs), and a normal month has
// Rp 3.5 M to spare after the owner.
constexpr double kSlump = 0.66;

class ClosureRule : public ::testing::TestWithParam<int> {};

TEST_P(ClosureRule, FirmThatCanNeverPayClosesInMonthClosureAfterMonthsMinusOne) {
  const int n = GetParam();
  const Population pop = three_firms();
  Simulation sim(pop, closure_scenario(n, {0.0}));
  // Month by month: distressed and counting until the rule bites.
  for (int m = 0; m < n - 1; ++m) {
    sim.step();
    const FirmState& st = sim.state();
    EXPECT_EQ(st.status[kDoomed], static_cast<std::uint8_t>(FirmStatus::distressed)) << "month " << m;
    EXPECT_EQ(st.months_unable[kDoomed], m + 1) << "month " << m;
    EXPECT_EQ(st.first_distress_month[kDoomed], 0);
    EXPECT_EQ(st.closure_month[kDoomed], -1);
  }
  sim.step();
  EXPECT_EQ(sim.state().status[kDoomed], static_cast<std::uint8_t>(FirmStatus::closed));
  while (!sim.done()) sim.step();
  const RunResult r = sim.result();
  EXPECT_EQ(r.firms.column("closure_month").number(kDoomed), n - 1);
  EXPECT_EQ(test::text_at(r.firms, "status", kDoomed), "closed");
  EXPECT_EQ(r.firms.column("final_workers").number(kDoomed), 0.0);
  EXPECT_EQ(r.firms.column("months_distressed").number(kDoomed), n);
  // The monthly table shows the closure in that month and keeps it.
  const auto closed = r.monthly.numbers("closed_firms");
  const auto new_closures = r.monthly.numbers("new_closures");
  for (int m = 0; m < r.months; ++m) {
    const auto k = static_cast<std::size_t>(m);
    EXPECT_EQ(new_closures[k], m == n - 1 ? 1.0 : 0.0) << "month " << m;
    EXPECT_EQ(closed[k], m >= n - 1 ? 1.0 : 0.0) << "month " << m;
  }
}

TEST_P(ClosureRule, HealthyFirmNeverCloses) {
  const Population pop = three_firms();
  const RunResult r = run(pop, closure_scenario(GetParam(), {0.0}, 24));
  EXPECT_EQ(r.firms.column("closure_month").number(kHealthy), -1.0);
  EXPECT_EQ(test::text_at(r.firms, "status", kHealthy), "active");
  EXPECT_EQ(r.firms.column("first_distress_month").number(kHealthy), -1.0);
  EXPECT_EQ(r.firms.column("months_distressed").number(kHealthy), 0.0);
}

TEST_P(ClosureRule, TwoMonthShortfallClosesOnlyWhenTheRuleIsTwoMonthsOrLess) {
  const int n = GetParam();
  const Population pop = three_firms();
  const RunResult r = run(pop, closure_scenario(n, {1.0, 1.0, 0.0}, 14, kSlump));
  // The slump leaves firm 2 unable to pay in months 0 and 1; in month 2 its
  // sales return and it settles its payables.
  EXPECT_EQ(r.firms.column("first_distress_month").number(kShortShock), 0.0);
  if (n <= 2) {
    EXPECT_EQ(r.firms.column("closure_month").number(kShortShock), n - 1);
    EXPECT_EQ(test::text_at(r.firms, "status", kShortShock), "closed");
  } else {
    EXPECT_EQ(r.firms.column("closure_month").number(kShortShock), -1.0);
    EXPECT_EQ(test::text_at(r.firms, "status", kShortShock), "active");
    EXPECT_EQ(r.firms.column("months_distressed").number(kShortShock), 2.0);
  }
}

INSTANTIATE_TEST_SUITE_P(Engine, ClosureRule, ::testing::Values(1, 2, 3, 5, 8),
                         [](const ::testing::TestParamInfo<int>& p) {
                           return "after_" + std::to_string(p.param) + "_months";
                         });

TEST(ClosureRuleCounter, ResetsAfterAMonthInWhichTheFirmPaysEverything) {
  // Three months short, one month paying, three months short, ...: with a
  // four-month rule the firm never closes although it is distressed most of
  // the time.
  const Population pop = three_firms();
  Scenario sc = closure_scenario(4, {1, 1, 1, 0, 1, 1, 1, 0, 1, 1, 1, 0, 1, 1, 1, 0}, 16, kSlump);
  Simulation sim(pop, sc);
  std::vector<int> unable;
  while (!sim.done()) {
    sim.step();
    unable.push_back(sim.state().months_unable[kShortShock]);
  }
  EXPECT_EQ(unable, (std::vector<int>{1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0}));
  const RunResult r = sim.result();
  EXPECT_EQ(r.firms.column("closure_month").number(kShortShock), -1.0);
  EXPECT_EQ(r.firms.column("months_distressed").number(kShortShock), 12.0);
  // The same pattern with a three-month rule closes it in month 2.
  const RunResult r3 = run(pop, closure_scenario(3, {1, 1, 1, 0}, 16, kSlump));
  EXPECT_EQ(r3.firms.column("closure_month").number(kShortShock), 2.0);
}

// One firm without cash whose fixed costs it cannot pay, owing a bank Rp 5
// million over 12 months at 12 %, with `assets_rp` of assets.
Population failing_bank_debtor(double assets_rp) {
  std::vector<test::FirmInit> f(1);
  f[0].cash_rp = 0.0;
  f[0].assets_rp = assets_rp;
  f[0].fixed_cost_rp_month = 50e6;
  f[0].loan_principal_rp = 5e6;
  f[0].loan_rate_year = 0.12f;
  f[0].loan_months_left = 12;
  f[0].loan_lender = Lender::bank;
  return test::make_population({"r0"}, {"trade"}, f);
}

// Six quiet months, no credit to be had, closure after three months unable to pay.
Scenario failing_debtor_scenario() {
  Scenario sc = test::quiet_scenario(6);
  test::refuse_all_credit(sc.params);
  sc.params.closure_after_months = 3;
  return sc;
}

TEST(ClosureRuleCounter, ClosureWritesOffTheOutstandingLoanAsADefault) {
  const RunResult r = run(failing_bank_debtor(0.0), failing_debtor_scenario());  // nothing to sell
  const auto defaults = r.monthly.numbers("defaults_bank_rp");
  const auto outstanding = r.monthly.numbers("credit_outstanding_bank_rp");
  // Unpaid instalments are capitalised, so the written-off debt exceeds the
  // original principal.
  EXPECT_EQ(defaults[0], 0.0);
  EXPECT_EQ(defaults[1], 0.0);
  EXPECT_GT(defaults[2], 5e6);
  EXPECT_GT(outstanding[1], 5e6);
  EXPECT_EQ(outstanding[2], 0.0);
  EXPECT_EQ(defaults[3], 0.0);
  EXPECT_EQ(r.firms.column("final_debt_rp").number(0), 0.0);
  EXPECT_GT(r.monthly.numbers("arrears_rp")[0], 0.0);
}

// A closing firm's cash and what its assets fetch (liquidation_value_share
// of them) repay its formal loan first; the rest is written off. Recovered
// plus written off is what was outstanding.
TEST(ClosureRuleCounter, LiquidationRepaysWhatItCanAndTheRestIsWrittenOff) {
  Scenario sc = failing_debtor_scenario();
  sc.params.liquidation_value_share = 0.5;
  const RunResult r = run(failing_bank_debtor(6e6), sc);
  const auto defaults = r.monthly.numbers("defaults_bank_rp");
  const auto outstanding = r.monthly.numbers("credit_outstanding_bank_rp");
  const auto book = r.credit_book;
  const auto lender = book.numbers("lender"), month = book.numbers("month"), recovered = book.numbers("recovered_rp"),
             written_off = book.numbers("written_off_rp");
  double rec = 0, off = 0;
  for (std::size_t k = 0; k < lender.size(); ++k)
    if (month[k] == 2 && lender[k] == static_cast<double>(Lender::bank)) {
      rec = recovered[k];
      off = written_off[k];
    }
  EXPECT_EQ(rec, 3e6);  // half of the assets
  EXPECT_NEAR(off, defaults[2], 0.5);
  EXPECT_NEAR(rec + off, outstanding[1], 0.02 * outstanding[1]);  // (and a month's interest)
  EXPECT_NEAR(r.firms.column("loan_written_off_rp").number(0), defaults[2], 0.5);
  EXPECT_EQ(r.firms.column("closure_reason").number(0), static_cast<double>(ClosureReason::insolvent));
}

// The owner is paid first (docs/model.md §5): in a slump firm 2's revenue
// goes to its owner's subsistence before its suppliers; what the owner could
// not draw is owed and claimed the next month; owing the owner is distress.
TEST(OwnerClaim, IsPaidBeforeSuppliersAndWhatIsUnpaidIsOwed) {
  const Population pop = three_firms();
  RunOptions opt;
  opt.record_flows = true;
  Simulation sim(pop, closure_scenario(8, {1.0, 1.0, 0.0}), opt);
  const FirmParams P;  // the scenario's parameters are the defaults
  // Pre-shock profit: revenue 10 M at a variable-cost share of 0.3 (a
  // float), fixed cost 2 M, no paid workers, no online sales.
  const double subsistence = P.subsistence_share * (10e6 * (1.0 - static_cast<double>(0.3f)) - 2e6);
  sim.step();
  {
    const FirmFlows& f = sim.flows();
    const double cash_in = f.cash_before[kShortShock] + f.revenue_received[kShortShock];
    ASSERT_LT(cash_in, subsistence) << "the slump leaves less than the owner's subsistence";
    EXPECT_NEAR(f.owner_due[kShortShock], subsistence, 1e-6);
    EXPECT_EQ(f.owner_draw[kShortShock], cash_in) << "all cash goes to the owner";
    EXPECT_EQ(f.operating_paid[kShortShock], 0.0) << "nothing is left for the suppliers";
    EXPECT_EQ(f.payables_after[kShortShock], f.operating_cost[kShortShock]);
    EXPECT_NEAR(sim.state().owner_owed_rp[kShortShock], subsistence - cash_in, 1e-6);
    EXPECT_EQ(sim.state().status[kShortShock], static_cast<std::uint8_t>(FirmStatus::distressed));
  }
  const double owed = sim.state().owner_owed_rp[kShortShock];
  sim.step();
  EXPECT_NEAR(sim.flows().owner_due[kShortShock], owed + subsistence, 1e-6) << "the unpaid claim carries over";
  // The healthy firm pays its owner and its suppliers in full.
  EXPECT_EQ(sim.flows().payables_after[kHealthy], 0.0);
  EXPECT_EQ(sim.state().owner_owed_rp[kHealthy], 0.0);
}

}  // namespace
}  // namespace msmesim
