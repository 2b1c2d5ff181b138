// Cash accounting of the monthly firm kernel and conservation of firm counts
// in the result tables (src/engine/: step_chunk, close_firm, build_result).
#include <gtest/gtest.h>

#include <msmesim/msmesim.hpp>

#include <algorithm>
#include <cmath>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "support.hpp"

namespace msmesim {
namespace {

// ---- cash accounting --------------------------------------------------------------------

struct AccountingTally {
  std::int64_t firm_months = 0, with_credit = 0, unpaid = 0, closures = 0, hit = 0, failures = 0;
  std::vector<double> reopened;  // per month: firms not stepped because they reopened
  std::string first_failures;
  void fail(int month, std::size_t firm, const std::string& what) {
    if (++failures <= 5) first_failures += "month " + std::to_string(month) + ", firm " + std::to_string(firm) + ": " +
                                           what + "\n";
  }
};

std::string describe(double lhs, double rhs) {
  std::ostringstream o;
  o.precision(17);
  o << lhs << " vs " << rhs << " (diff " << lhs - rhs << ")";
  return o.str();
}

// Checks every firm stepped in the latest month of `sim`.
void check_month(const Simulation& sim, AccountingTally& tally) {
  const FirmFlows& f = sim.flows();
  const FirmState& st = sim.state();
  const int month = sim.months_done() - 1;
  std::int64_t reopened = 0;
  for (std::size_t i = 0; i < st.count; ++i) {
    if (!f.stepped[i]) {
      // Closed firms are not stepped; a closed firm that reopens this month is
      // active again but only stepped from the next month.
      if (st.status[i] == static_cast<std::uint8_t>(FirmStatus::active) && st.closure_month[i] == -1)
        ++reopened;
      else if (st.status[i] != static_cast<std::uint8_t>(FirmStatus::closed))
        tally.fail(month, i, "not stepped, neither closed nor reopened");
      continue;
    }
    ++tally.firm_months;
    const double in = f.cash_in(i);
    const double out = f.cash_out(i);
    const double scale = std::max({in, out, f.cash_after[i], 1.0});
    if (std::fabs(f.cash_after[i] - (in - out)) > 1e-9 * scale)
      tally.fail(month, i, "cash: " + describe(f.cash_after[i], in - out));
    const double op_scale = std::max({f.operating_cost[i], f.payables_before[i], f.operating_paid[i], 1.0});
    if (std::fabs(f.operating_paid[i] + f.payables_after[i] - (f.operating_cost[i] + f.payables_before[i])) >
        1e-9 * op_scale)
      tally.fail(month, i,
                 "payables: " + describe(f.operating_paid[i] + f.payables_after[i],
                                         f.operating_cost[i] + f.payables_before[i]));
    if (!(f.cash_after[i] >= 0.0)) tally.fail(month, i, "negative cash " + describe(f.cash_after[i], 0));
    if (!(f.cash_after[i] == st.cash_rp[i])) tally.fail(month, i, "flows.cash_after differs from the state");
    if (!(f.debt_service_paid[i] >= 0.0 && f.debt_service_paid[i] <= f.debt_service_due[i]))
      tally.fail(month, i, "debt service paid " + describe(f.debt_service_paid[i], f.debt_service_due[i]));
    if (!(f.operating_paid[i] >= 0.0 && f.payables_after[i] >= 0.0 && f.owner_draw[i] >= 0.0 &&
          f.new_credit[i] >= 0.0 && f.revenue[i] >= 0.0 && f.revenue_received[i] >= 0.0 && f.investment[i] >= 0.0 &&
          f.debt_prepaid[i] >= 0.0 && f.closure_payout[i] >= 0.0))
      tally.fail(month, i, "a negative flow");
    // Payables are the state's, and a firm only owes when it ran out of cash.
    if (st.status[i] != static_cast<std::uint8_t>(FirmStatus::closed) && !(f.payables_after[i] == st.payables_rp[i]))
      tally.fail(month, i, "flows.payables_after differs from the state");
    // A closing firm's cash goes to its lenders and its owner.
    if (st.status[i] == static_cast<std::uint8_t>(FirmStatus::closed) && !(f.cash_after[i] == 0.0))
      tally.fail(month, i, "a closed firm still holds cash " + describe(f.cash_after[i], 0));
    if (f.payables_after[i] > 0.0 && f.cash_after[i] > 0.0)
      tally.fail(month, i, "unpaid costs while holding cash " + describe(f.cash_after[i], 0));
    for (double x : {f.cash_before[i], f.cash_after[i], f.revenue[i], f.revenue_received[i], f.operating_cost[i],
                     f.operating_paid[i], f.payables_before[i], f.payables_after[i], f.debt_service_due[i],
                     f.debt_service_paid[i], f.owner_draw[i], f.new_credit[i], f.investment[i], f.debt_prepaid[i],
                     f.closure_payout[i]})
      if (!std::isfinite(x)) tally.fail(month, i, "non-finite flow");
    if (f.new_credit[i] > 0) ++tally.with_credit;
    if (f.payables_after[i] > 0 || f.debt_service_paid[i] < f.debt_service_due[i]) ++tally.unpaid;
    if (st.closure_month[i] == month) ++tally.closures;
  }
  for (const auto& sev : st.shock_severity)
    for (std::size_t i = 0; i < st.count; ++i)
      if (sev[i] > 0) {
        ++tally.hit;
        break;
      }
  tally.reopened.push_back(static_cast<double>(reopened));
  const std::string bad = test::first_non_finite(st);
  if (!bad.empty()) tally.fail(month, 0, "non-finite state: " + bad);
  for (std::size_t i = 0; i < st.count; ++i)
    if (!(st.cash_rp[i] >= 0.0)) tally.fail(month, i, "negative cash in the state");
}

void expect_balanced_run(const Population& pop, const Scenario& sc, std::uint64_t seed, bool expect_reopenings = false) {
  RunOptions opt;
  opt.seed = seed;
  opt.record_flows = true;
  Simulation sim(pop, sc, opt);
  AccountingTally tally;
  while (!sim.done()) {
    sim.step();
    check_month(sim, tally);
  }
  EXPECT_EQ(tally.failures, 0) << tally.first_failures;
  EXPECT_EQ(tally.reopened, sim.result().monthly.numbers("reopened_firms"));
  EXPECT_GT(tally.firm_months, static_cast<std::int64_t>(pop.size()) * sc.months / 2);
  // The run must exercise what the identity is about.
  EXPECT_GT(tally.hit, 0) << "no firm was hit by a shock";
  EXPECT_GT(tally.with_credit, 0) << "no firm borrowed";
  EXPECT_GT(tally.unpaid, 0) << "no firm fell short";
  EXPECT_GT(tally.closures, 0) << "no firm closed";
  if (expect_reopenings) {
    double reopened = 0;
    for (double x : tally.reopened) reopened += x;
    EXPECT_GT(reopened, 0.0) << "no firm reopened";
  }
}

TEST(CashAccounting, BalancesForEveryFirmEveryMonthInTheBogorCovidPreset) {
  const Population pop = generate_population(presets::bogor_population_spec(4000), 11);
  Scenario sc = presets::bogor_covid19_scenario();
  sc.params.entry_rate_month = 0.002;  // entrants are stepped too
  expect_balanced_run(pop, sc, 11);
}

TEST(CashAccounting, BalancesWithReentryAndHeavierShocks) {
  const Population pop = generate_population(test::small_spec(3000), 12);
  Scenario sc = test::generic_covid_scenario(30);
  sc.shocks.push_back(test::fixed_shock(Channel::sales, 0.6, {2020, 5}, {0, 4, 3.0, {}}, "deep"));
  sc.params.reentry_monthly_prob = 0.2;
  sc.params.reentry_min_demand = 0.5;
  sc.params.closure_after_months = 2;
  expect_balanced_run(pop, sc, 3, true);
}

TEST(CashAccounting, FlowsAreEmptyUnlessRecorded) {
  const Population pop = generate_population(test::small_spec(200), 1);
  Simulation sim(pop, test::quiet_scenario(2));
  sim.step();
  EXPECT_TRUE(sim.flows().stepped.empty());
  EXPECT_TRUE(sim.flows().cash_after.empty());
}

// ---- conservation of firm counts -----------------------------------------------------------

// Sum over the groups of a long breakdown table, per month.
std::vector<double> per_month_sum(const Table& t, std::string_view column, std::size_t months) {
  std::vector<double> out(months, 0.0);
  const auto month = t.numbers("month");
  const auto v = t.numbers(column);
  for (std::size_t r = 0; r < v.size(); ++r) out.at(static_cast<std::size_t>(month[r])) += v[r];
  return out;
}

void expect_counts_conserved(const RunResult& r, bool expect_reopenings) {
  const std::size_t T = static_cast<std::size_t>(r.months);
  ASSERT_EQ(r.monthly.rows(), T);
  const auto active = r.monthly.numbers("active_firms");
  const auto closed = r.monthly.numbers("closed_firms");
  const auto entries = r.monthly.numbers("entries");
  const auto new_closures = r.monthly.numbers("new_closures");
  const auto reopened = r.monthly.numbers("reopened_firms");
  double cumulative_entries = 0, total_closures = 0, total_reopened = 0;
  for (std::size_t m = 0; m < T; ++m) {
    cumulative_entries += entries[m];
    total_closures += new_closures[m];
    total_reopened += reopened[m];
    EXPECT_EQ(active[m] + closed[m], static_cast<double>(r.initial_firms) + cumulative_entries) << "month " << m;
    // A firm that reopens is still counted closed in the month it reopens.
    const double previous = m == 0 ? 0.0 : closed[m - 1] - reopened[m - 1];
    EXPECT_EQ(closed[m], previous + new_closures[m]) << "month " << m;
  }
  EXPECT_GT(cumulative_entries, 0) << "the test needs entries";
  EXPECT_GT(total_closures, 0) << "the test needs closures";
  if (expect_reopenings) {
    EXPECT_GT(total_reopened, 0) << "the test needs reopenings";
  }

  // Breakdowns: every group table adds up to the monthly totals.
  for (const auto* name : {"by_sector", "by_class", "by_region"}) {
    const Table& t = std::string(name) == "by_sector" ? r.by_sector
                     : std::string(name) == "by_class" ? r.by_class
                                                       : r.by_region;
    const std::size_t groups = std::string(name) == "by_sector"  ? r.sector_names.size()
                               : std::string(name) == "by_class" ? static_cast<std::size_t>(kSizeClasses)
                                                                 : r.region_names.size();
    EXPECT_EQ(t.rows(), T * groups) << name;
    for (const auto* c : {"active_firms", "closed_firms", "new_closures", "distressed_firms", "employment",
                          "affected_firms", "main_problem_sales", "main_problem_capital", "main_problem_distribution",
                          "main_problem_raw_materials", "upgrades", "downgrades"}) {
      const auto sums = per_month_sum(t, c, T);
      const auto total = r.monthly.numbers(c);
      for (std::size_t m = 0; m < T; ++m) EXPECT_EQ(sums[m], total[m]) << name << "." << c << ", month " << m;
    }
    const auto a = per_month_sum(t, "active_firms", T);
    const auto cl = per_month_sum(t, "closed_firms", T);
    cumulative_entries = 0;
    for (std::size_t m = 0; m < T; ++m) {
      cumulative_entries += entries[m];
      EXPECT_EQ(a[m] + cl[m], static_cast<double>(r.initial_firms) + cumulative_entries) << name << ", month " << m;
    }
  }

  // The firm table holds every firm that ever existed.
  ASSERT_EQ(r.firms.rows(), static_cast<std::size_t>(r.initial_firms) + static_cast<std::size_t>(cumulative_entries));
  const auto entry_month = r.firms.numbers("entry_month");
  std::vector<double> entered(T, 0.0);
  std::size_t closed_now = 0;
  for (std::size_t i = 0; i < r.firms.rows(); ++i) {
    if (entry_month[i] >= 0) entered.at(static_cast<std::size_t>(entry_month[i])) += 1;
    if (i < static_cast<std::size_t>(r.initial_firms)) {
      EXPECT_EQ(entry_month[i], -1) << i;
    }
    if (r.firms.column("status").text(i) == "closed") ++closed_now;
  }
  EXPECT_EQ(entered, entries);
  EXPECT_EQ(static_cast<double>(closed_now), closed[T - 1] - reopened[T - 1]);
  // Each group's firms at the end are the firms of that group in the table.
  const auto sector = r.firms.numbers("sector");
  const auto sector_month = r.by_sector.numbers("month");
  const auto sector_group = r.by_sector.numbers("group");
  const auto sa = r.by_sector.numbers("active_firms");
  const auto sc = r.by_sector.numbers("closed_firms");
  for (std::size_t row = 0; row < r.by_sector.rows(); ++row) {
    if (sector_month[row] != static_cast<double>(T - 1)) continue;
    const auto n = std::count(sector.begin(), sector.end(), sector_group[row]);
    EXPECT_EQ(sa[row] + sc[row], static_cast<double>(n)) << "sector " << sector_group[row];
  }
}

TEST(FirmCounts, ActivePlusClosedEqualsInitialPlusEntriesEveryMonthAndInEveryBreakdown) {
  const Population pop = generate_population(presets::bogor_population_spec(3000), 5);
  Scenario sc = presets::bogor_covid19_scenario();
  sc.params.entry_rate_month = 0.002;
  RunOptions opt;
  opt.seed = 5;
  const RunResult r = run(pop, sc, opt);
  expect_counts_conserved(r, false);
}

TEST(FirmCounts, ConservedWhenClosedFirmsReopen) {
  const Population pop = generate_population(test::small_spec(3000), 6);
  Scenario sc = test::generic_covid_scenario();
  sc.params.entry_rate_month = 0.002;
  sc.params.reentry_monthly_prob = 0.1;
  sc.params.reentry_min_demand = 0.5;
  RunOptions opt;
  opt.seed = 6;
  const RunResult r = run(pop, sc, opt);
  expect_counts_conserved(r, true);
}

TEST(BreakdownTotals, RevenueOfTheGroupsAddsUpToTheMonthlyRevenue) {
  // Money is accumulated as whole rupiah, so the groups of every breakdown
  // add up exactly to the monthly total.
  const Population pop = generate_population(presets::bogor_population_spec(3000), 5);
  Scenario sc = presets::bogor_covid19_scenario(12);
  sc.params.entry_rate_month = 0.002;
  const RunResult r = run(pop, sc);
  const std::size_t T = static_cast<std::size_t>(r.months);
  const auto total = r.monthly.numbers("revenue_rp");
  for (const auto& [name, table] : {std::pair<const char*, const Table*>{"by_sector", &r.by_sector},
                                    {"by_class", &r.by_class},
                                    {"by_region", &r.by_region}}) {
    const auto sums = per_month_sum(*table, "revenue_rp", T);
    for (std::size_t m = 0; m < T; ++m) {
      std::ostringstream o;
      o.precision(17);
      o << name << ", month " << m << ": groups " << sums[m] << " vs monthly " << total[m];
      EXPECT_EQ(sums[m], total[m]) << o.str();
    }
  }
}

TEST(FirmCounts, InitialFirmsAndEmploymentAreThePopulations) {
  const Population pop = generate_population(test::small_spec(1000), 2);
  const RunResult r = run(pop, test::quiet_scenario(3));
  EXPECT_EQ(r.initial_firms, 1000);
  std::int64_t workers = 0;
  for (auto w : pop.workers) workers += w;
  EXPECT_EQ(r.initial_employment, workers);
  EXPECT_EQ(r.months, 3);
  EXPECT_EQ(r.monthly.column("date").text(0), "2020-01");
  EXPECT_EQ(r.monthly.column("date").text(2), "2020-03");
}

}  // namespace
}  // namespace msmesim
