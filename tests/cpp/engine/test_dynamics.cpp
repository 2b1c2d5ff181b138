// Credible dynamics (docs/model.md §4-§5, docs/validation.md): a world
// without shocks stands still; every loan, the population's included, obeys
// the affordability rule; firms without loans exit at the documented
// baseline rate; a larger budget of any programme, and more demand, never
// close more firms in expectation; firms move between classes both ways.
#include <gtest/gtest.h>

#include <msmesim/msmesim.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "support.hpp"

namespace msmesim {
namespace {

double mean(const std::vector<double>& v, std::size_t from, std::size_t to) {
  double s = 0;
  for (std::size_t i = from; i < to; ++i) s += v[i];
  return s / static_cast<double>(to - from);
}

/// `preset`'s scenario without shocks, restrictions or programmes, and its
/// population (`firms` firms) burnt in under the scenario's parameters.
struct NoShock {
  Population pop;
  Scenario scenario;
};

NoShock no_shock(const std::string& preset, std::int64_t firms, std::uint64_t seed, int months = 36) {
  ScenarioFile f = presets::scenario_file(preset);
  f.population.firms = firms;
  f.population.seed = seed;
  NoShock out;
  out.scenario = f.scenario;
  out.scenario.shocks.clear();
  out.scenario.restrictions.clear();
  out.scenario.programmes.clear();
  out.scenario.months = months;
  out.pop = make_population(f.population, "", 2, out.scenario.params);
  return out;
}

RunResult run_no_shock(const NoShock& w, std::uint64_t seed) {
  RunOptions o;
  o.seed = seed;
  o.threads = 2;
  o.microdata = false;
  return run(w.pop, w.scenario, o);
}

// ---- a world that stands still -----------------------------------------------------------------

// Tolerances, from the spread over seeds of the preset's own noise (40,000
// firms, two seeds pooled; docs/validation.md gives the measured figures):
// stocks month by month, flows as yearly means against the first year.
constexpr double kActiveTol = 0.02;       // active firms, each month, vs month 0
constexpr double kEmploymentTol = 0.03;   // employment, each month, vs month 0
constexpr double kIndexTol = 0.05;        // revenue index, each month, vs 1
constexpr double kClosuresTol = 0.10;     // closures a month, years 2 and 3 vs year 1
constexpr double kEntryTol = 0.05;        // entries vs closures over the 36 months
constexpr double kNewLoansTol = 0.10;     // new loans a month per lender, years 2 and 3 vs year 1
constexpr double kOutstandingTol = 0.12;  // principal outstanding per lender, years 2 and 3 vs year 1
constexpr double kBankTol = 0.18;         // bank principal: few, large, long loans
constexpr double kClassSharePoints = 0.5; // share of each class, each month, vs month 0 (points)
constexpr double kCoopActiveTol = 0.10;   // active cooperatives at each year end vs the start

class Stationary : public ::testing::TestWithParam<std::string> {};

TEST_P(Stationary, ANoShockRunStandsStillForThirtySixMonths) {
  const std::string preset = GetParam();
  std::vector<RunResult> runs;
  for (std::uint64_t seed : {1u, 2u}) runs.push_back(run_no_shock(no_shock(preset, 40000, seed), seed));
  const std::size_t T = 36;
  auto pooled = [&](const std::string& col) {
    std::vector<double> v(T, 0.0);
    for (const auto& r : runs) {
      const auto x = r.monthly.numbers(col);
      for (std::size_t t = 0; t < T; ++t) v[t] += x[t];
    }
    return v;
  };
  const auto active = pooled("active_firms"), employment = pooled("employment");
  for (std::size_t t = 0; t < T; ++t) {
    EXPECT_NEAR(active[t] / active[0], 1.0, kActiveTol) << "active firms, month " << t;
    EXPECT_NEAR(employment[t] / employment[0], 1.0, kEmploymentTol) << "employment, month " << t;
  }
  for (const auto& r : runs)
    for (double x : r.monthly.numbers("revenue_index")) EXPECT_NEAR(x, 1.0, kIndexTol) << "revenue index";
  const auto closures = pooled("new_closures"), entries = pooled("entries");
  for (std::size_t y : {1u, 2u})
    EXPECT_NEAR(mean(closures, 12 * y, 12 * y + 12) / mean(closures, 0, 12), 1.0, kClosuresTol) << "closures, year "
                                                                                                 << y + 1;
  EXPECT_NEAR(mean(entries, 0, T) / mean(closures, 0, T), 1.0, kEntryTol) << "entries against closures";
  for (Lender l : kAllLenders) {
    const std::string name(to_string(l));
    const auto outstanding = pooled("credit_outstanding_" + name + "_rp"), fresh = pooled("new_loans_" + name);
    if (mean(fresh, 0, T) < 5.0) continue;  // (no cooperatives in the preset)
    for (std::size_t y : {1u, 2u}) {
      EXPECT_NEAR(mean(fresh, 12 * y, 12 * y + 12) / mean(fresh, 0, 12), 1.0, kNewLoansTol)
          << name << " new loans, year " << y + 1;
      EXPECT_NEAR(mean(outstanding, 12 * y, 12 * y + 12) / mean(outstanding, 0, 12), 1.0,
                  l == Lender::bank ? kBankTol : kOutstandingTol)
          << name << " principal outstanding, year " << y + 1;
    }
  }
  for (SizeClass c : {SizeClass::micro, SizeClass::small, SizeClass::medium}) {
    const auto firms = pooled("firms_" + std::string(to_string(c)));
    for (std::size_t t = 0; t < T; ++t)
      EXPECT_NEAR(100.0 * firms[t] / active[t], 100.0 * firms[0] / active[0], kClassSharePoints)
          << to_string(c) << " share, month " << t;
  }
  for (const auto& r : runs) {
    if (r.cooperatives_monthly.columns.empty()) continue;
    const auto coops = r.cooperatives_monthly.numbers("active");
    for (std::size_t t : {11u, 23u, 35u})
      EXPECT_NEAR(coops[t] / coops[0], 1.0, kCoopActiveTol) << "active cooperatives, month " << t;
  }
}

INSTANTIATE_TEST_SUITE_P(Presets, Stationary, ::testing::ValuesIn(presets::scenario_names()),
                         [](const ::testing::TestParamInfo<std::string>& p) {
                           std::string s = p.param;
                           std::replace(s.begin(), s.end(), '-', '_');
                           return s;
                         });

// The burn-in is what makes it so: the population as drawn is not in the
// model's steady state (its firms' loans, cash and assets are drawn, not
// lived), and a run of it starts with a wave of borrowing.
TEST(Stationary, WithoutTheBurnInTheFirstMonthsAreATransient) {
  ScenarioFile f = presets::scenario_file("bogor-covid19");
  f.population.firms = 20000;
  f.population.burn_in_months = 0;
  Scenario sc = f.scenario;
  sc.shocks.clear();
  sc.restrictions.clear();
  sc.programmes.clear();
  sc.months = 24;
  const Population raw = make_population(f.population, "", 2, sc.params);
  EXPECT_EQ(raw.baseline_exit_rate_month, -1.0);
  RunOptions o;
  o.threads = 2;
  o.microdata = false;
  const auto fresh = run(raw, sc, o).monthly.numbers("new_loans_kur");
  EXPECT_GT(fresh[0], 3.0 * mean(fresh, 12, 24));
  const NoShock w = no_shock("bogor-covid19", 20000, 1, 24);
  EXPECT_GT(w.pop.baseline_exit_rate_month, 0.0);
  const auto settled = run_no_shock(w, 1).monthly.numbers("new_loans_kur");
  EXPECT_LT(settled[0], 1.3 * mean(settled, 12, 24));
}

// ---- loans obey the affordability rule ----------------------------------------------------------

/// The firm's monthly profit at its potential revenue (FirmParams
/// max_debt_service_share caps debt service at a share of it).
double base_profit(const FirmState& st, std::size_t i, const FirmParams& P) {
  return st.base_revenue_rp[i] * (1.0 - static_cast<double>(st.variable_cost_share[i]) -
                                  static_cast<double>(st.online_share[i]) * P.shipping_cost_share) -
         (static_cast<double>(st.base_workers[i]) - 1.0) * st.wage_rp[i] - st.fixed_cost_rp[i];
}

// Every loan the population starts with and every loan made in the run
// (shock, relief programmes and all) has its debt service within
// max_debt_service_share of the firm's pre-shock profit when it is made.
TEST(Affordability, EveryLoanAtTheStartAndAtEveryOriginationFitsTheRule) {
  ScenarioFile f = presets::scenario_file("bogor-covid19");
  f.population.firms = 20000;
  const Population pop = make_population(f.population, "", 2, f.scenario.params);
  const FirmParams& P = f.scenario.params;
  RunOptions o;
  o.threads = 2;
  Simulation sim(pop, f.scenario, o);
  std::int64_t checked = 0, failures = 0;
  std::string first;
  // (Profit before the month as well as after: programmes at its start and
  // cooperatives' joint buying at a year end change it around the loan.)
  std::vector<double> profit_before;
  auto check = [&](const FirmState& st, std::size_t i, const std::string& when) {
    const double service = st.loan_installment_rp[i] + st.informal_installment_rp[i];
    const double profit = std::max(base_profit(st, i, P), i < profit_before.size() ? profit_before[i] : 0.0);
    const double most = P.max_debt_service_share * std::max(0.0, profit);
    ++checked;
    if (service > most * (1 + 1e-6) + 1.0 && ++failures <= 5)
      first += when + ", firm " + std::to_string(i) + ": debt service " + std::to_string(service) + " > " +
               std::to_string(most) + "\n";
  };
  {
    const FirmState& st = sim.state();
    for (std::size_t i = 0; i < st.count; ++i)
      if (st.loan_principal_rp[i] > 0.0 || st.informal_principal_rp[i] > 0.0) check(st, i, "at the start");
  }
  const std::int64_t at_start = checked;
  EXPECT_GT(at_start, 1000);
  std::vector<double> formal_before, informal_before;
  while (!sim.done()) {
    const FirmState& st = sim.state();
    formal_before.assign(st.loan_principal_rp.begin(), st.loan_principal_rp.begin() + st.capacity());
    informal_before.assign(st.informal_principal_rp.begin(), st.informal_principal_rp.begin() + st.capacity());
    const std::size_t n_before = st.count;
    profit_before.assign(n_before, 0.0);
    for (std::size_t i = 0; i < n_before; ++i) profit_before[i] = base_profit(st, i, P);
    sim.step();
    const FirmState& now = sim.state();
    for (std::size_t i = 0; i < now.count; ++i) {
      if (now.status[i] == static_cast<std::uint8_t>(FirmStatus::closed)) continue;
      const bool entrant = i >= n_before;
      const bool new_formal = now.loan_principal_rp[i] > 0.0 && (entrant || formal_before[i] <= 0.0);
      const bool new_informal = now.informal_principal_rp[i] > 0.0 && (entrant || informal_before[i] <= 0.0);
      if (new_formal || new_informal) check(now, i, "month " + std::to_string(sim.months_done() - 1));
    }
  }
  EXPECT_GT(checked - at_start, 10000);
  EXPECT_EQ(failures, 0) << failures << " of " << checked << " loans break the rule; first:\n" << first;
}

// ---- exits by every route ------------------------------------------------------------------------

// Without a shock, firms that hold no loan close at their documented
// baseline rate, about 6 % a year (docs/model.md §5: all firms about 9.6 %,
// near McKenzie & Paffhausen's 8.2 % across 16 panels of small firms;
// docs/validation.md), and borrowers not at many times that rate.
TEST(Exits, FirmsWithoutLoansCloseAtTheBaselineRate) {
  const NoShock w = no_shock("bogor-covid19", 60000, 3, 24);
  RunOptions o;
  o.seed = 3;
  o.threads = 2;
  const RunResult r = run(w.pop, w.scenario, o);
  const auto closure = r.firms.numbers("closure_month"), reason = r.firms.numbers("closure_reason");
  double without = 0, without_closed = 0, with = 0, with_closed = 0;
  std::array<double, 4> by_reason{};
  for (std::size_t i = 0; i < w.pop.size(); ++i) {
    const bool borrower = w.pop.loan_principal_rp[i] > 0.0 || w.pop.informal_principal_rp[i] > 0.0;
    const bool closed = closure[i] >= 0 && closure[i] < 12;
    (borrower ? with : without) += 1;
    (borrower ? with_closed : without_closed) += closed;
    if (closed) by_reason.at(static_cast<std::size_t>(reason[i])) += 1;
  }
  const double rate_without = without_closed / without, rate_with = with_closed / with;
  EXPECT_GT(without, 10000);
  EXPECT_GE(rate_without, 0.05) << "firms without loans: " << 100 * rate_without << " % closed in a year";
  EXPECT_LE(rate_without, 0.08) << "firms without loans: " << 100 * rate_without << " % closed in a year";
  const double rate_all = (without_closed + with_closed) / (without + with);
  EXPECT_NEAR(rate_all, 0.096, 0.015) << "all firms: " << 100 * rate_all << " % closed in a year";
  EXPECT_LT(rate_with, 3.0 * rate_without) << "borrowers " << 100 * rate_with << " %, others " << 100 * rate_without;
  // Every route is taken; debt is not the main one.
  const double all = by_reason[1] + by_reason[2] + by_reason[3];
  EXPECT_GT(by_reason[static_cast<int>(ClosureReason::owner_exit)] / all, 0.35);
  EXPECT_GT(by_reason[static_cast<int>(ClosureReason::unviable)], 0.0);
  EXPECT_GT(by_reason[static_cast<int>(ClosureReason::insolvent)], 0.0);
  EXPECT_LT(by_reason[static_cast<int>(ClosureReason::insolvent)] / all, 0.5);
}

// ---- programmes never close more firms in expectation ---------------------------------------------

/// A programme of `kind` with the kind's defaults, open April-December 2020.
Programme programme_of(ProgrammeKind kind, double budget) {
  Programme p;
  p.name = std::string(to_string(kind));
  p.kind = kind;
  p.start = {2020, 4};
  p.end = {2020, 12};
  p.budget_rp = budget;
  return p;
}

/// Mean firms closed by the end over `seeds`, the COVID-19 shocks without
/// the national relief, one programme of `kind` with `budget`.
double expected_closed(const Population& pop, ProgrammeKind kind, double budget, int seeds) {
  double closed = 0;
  for (int s = 1; s <= seeds; ++s) {
    Scenario sc = test::covid_without_relief(24);
    sc.programmes = {programme_of(kind, budget)};
    if (kind == ProgrammeKind::virtual_rat) sc.restrictions = {Restriction{{2020, 4}, {2021, 12}, 1.0, "psbb"}};
    RunOptions o;
    o.seed = static_cast<std::uint64_t>(s);
    o.threads = 2;
    o.microdata = false;
    closed += run(pop, sc, o).monthly.numbers("closed_firms").back();
  }
  return closed / seeds;
}

// Every kind, with its defaults: no budget, a budget B and 3 B, on common
// random numbers; the mean over seeds of the firms closed never rises with
// the budget (docs/model.md §15: each kind helps its recipients through a
// documented mechanism — money, cheaper credit, lower costs, more demand
// that the firm knows to be temporary — and none of them makes a firm
// worse off in expectation). Single runs may reverse by a few firms
// (thresholds: tests/cpp/engine/test_properties.cpp).
class BudgetMonotone : public ::testing::TestWithParam<ProgrammeKind> {};

TEST_P(BudgetMonotone, ALargerBudgetNeverClosesMoreFirmsInExpectation) {
  static const Population pop = generate_population(presets::bogor_population_spec(6000), 7, 2);
  const ProgrammeKind kind = GetParam();
  const double B = 0.3e9;  // Rp 2 B at Bogor's 40,000-firm test scale
  const double none = expected_closed(pop, kind, 0.0, 4), some = expected_closed(pop, kind, B, 4),
               more = expected_closed(pop, kind, 3.0 * B, 4);
  EXPECT_LE(some, none) << to_string(kind) << ": budget 0 -> B";
  EXPECT_LE(more, some) << to_string(kind) << ": budget B -> 3B";
}

INSTANTIATE_TEST_SUITE_P(AllKinds, BudgetMonotone, ::testing::ValuesIn(kAllProgrammeKinds),
                         [](const ::testing::TestParamInfo<ProgrammeKind>& p) {
                           return std::string(to_string(p.param));
                         });

// More demand never closes more firms: a bazaar (temporary, of several
// sizes), a lasting procurement rule and shipping vouchers, seed by seed,
// against the same run without them. A temporary uplift is a factor the
// firm knows to be temporary: it neither hires on it nor buys assets for it.
TEST(DemandUplift, NeverRaisesClosures) {
  static const Population pop = generate_population(presets::bogor_population_spec(6000), 8, 2);
  struct Variant {
    ProgrammeKind kind;
    double uplift;
    int months;
  };
  for (const Variant v : {Variant{ProgrammeKind::market_access, 0.2, 3}, Variant{ProgrammeKind::market_access, 1.0, 3},
                          Variant{ProgrammeKind::market_access, 3.0, 2}, Variant{ProgrammeKind::market_access, 0.1, 0},
                          Variant{ProgrammeKind::shipping_voucher, 0.5, 0}}) {
    double total_without = 0, total_with = 0;
    for (std::uint64_t seed = 1; seed <= 4; ++seed) {
      Scenario without = test::covid_without_relief(24);
      Scenario with = without;
      Programme p = programme_of(v.kind, 5e9);
      p.params["demand_uplift"] = v.uplift;
      if (v.kind == ProgrammeKind::market_access) p.params["duration_months"] = v.months;
      with.programmes = {p};
      RunOptions o;
      o.seed = seed;
      o.threads = 2;
      o.microdata = false;
      const double a = run(pop, without, o).monthly.numbers("closed_firms").back();
      const double b = run(pop, with, o).monthly.numbers("closed_firms").back();
      EXPECT_LE(b, a + 2) << to_string(v.kind) << " uplift " << v.uplift << " for " << v.months << " months, seed "
                          << seed;
      total_without += a;
      total_with += b;
    }
    EXPECT_LE(total_with, total_without) << to_string(v.kind) << " uplift " << v.uplift << " for " << v.months
                                         << " months, over the seeds";
  }
}

// ---- assets and classes --------------------------------------------------------------------------

// Retained earnings, investment and depreciation move assets, and with
// revenue they move firms between classes both ways at the yearly reviews:
// without a shock upgrades and downgrades roughly balance; the shock tips
// the balance down.
TEST(ClassMobility, FirmsMoveUpAndDownBetweenClasses) {
  const NoShock w = no_shock("bogor-covid19", 40000, 4);
  RunOptions o;
  o.seed = 4;
  o.threads = 2;
  const RunResult calm = run(w.pop, w.scenario, o);
  double up = 0, down = 0;
  for (double x : calm.monthly.numbers("upgrades")) up += x;
  for (double x : calm.monthly.numbers("downgrades")) down += x;
  EXPECT_GT(up, 20);
  EXPECT_GT(down, 20);
  EXPECT_NEAR(up / down, 1.0, 0.5);
  double invested = 0;
  for (double x : calm.monthly.numbers("investment_rp")) invested += x;
  EXPECT_GT(invested, 0.0);
  // Firm by firm: the microdata count the same moves.
  double firm_up = 0, firm_down = 0;
  for (double x : calm.firms.numbers("upgrades")) firm_up += x;
  for (double x : calm.firms.numbers("downgrades")) firm_down += x;
  EXPECT_EQ(firm_up, up);
  EXPECT_EQ(firm_down, down);
  Scenario shock = presets::scenario_file("bogor-covid19").scenario;
  const RunResult hit = run(w.pop, shock, o);
  double hit_up = 0, hit_down = 0;
  for (double x : hit.monthly.numbers("upgrades")) hit_up += x;
  for (double x : hit.monthly.numbers("downgrades")) hit_down += x;
  EXPECT_GT(hit_down / std::max(hit_up, 1.0), down / up);
}

// Banjarbaru (seed 002): "in 2021 there are 4 MSMEs in the handicraft
// sector who have been upgraded to small businesses after obtaining
// business assistance facilitation and IPR registration". In the preset
// the assistance widens the market of promising handicraft micro firms and
// IPR adds a price premium; the yearly class review (Law 20/2008) moves the
// ones that cross Rp 300 M a year up. Over five seeds about four of the
// recipients move up in 2021; on the same firms and random numbers without
// the two programmes, hardly any.
TEST(ClassMobility, BanjarbaruAssistanceAndIprUpgradeAboutFourHandicraftFirms) {
  double with_total = 0, without_total = 0;
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    ScenarioFile f = presets::scenario_file("banjarbaru-handicraft");
    f.population.seed = seed;
    const Population pop = make_population(f.population, "", 2, f.scenario.params);
    Scenario without = f.scenario;
    std::erase_if(without.programmes, [](const Programme& p) {
      return p.name == "business assistance" || p.name == "IPR certification";
    });
    ASSERT_EQ(without.programmes.size() + 2, f.scenario.programmes.size());
    RunOptions o;
    o.seed = seed;
    o.threads = 2;
    Simulation a(pop, f.scenario, o), b(pop, without, o);
    a.run();
    b.run();
    const RunResult r = a.result();
    std::vector<std::uint8_t> recipient(a.state().count, 0);
    const auto firm = r.programme_payments.numbers("firm"), prog = r.programme_payments.numbers("programme");
    for (std::size_t k = 0; k < firm.size(); ++k) {
      const std::string& name = f.scenario.programmes[static_cast<std::size_t>(prog[k])].name;
      if (firm[k] >= 0 && (name == "business assistance" || name == "IPR certification"))
        recipient[static_cast<std::size_t>(firm[k])] = 1;
    }
    auto upgraded_in_2021 = [](const FirmState& st, std::size_t i) {
      return st.initial_class[i] == static_cast<std::uint8_t>(SizeClass::micro) && st.upgrades[i] > 0 &&
             st.class_change_month[i] <= 11;
    };
    for (std::size_t i = 0; i < recipient.size(); ++i) {
      if (!recipient[i]) continue;
      with_total += upgraded_in_2021(a.state(), i);
      without_total += i < b.state().count && upgraded_in_2021(b.state(), i);
    }
  }
  EXPECT_GE(with_total / 5.0, 2.5);
  EXPECT_LE(with_total / 5.0, 6.5);
  EXPECT_LE(without_total / 5.0, 1.5);
  EXPECT_LT(without_total, 0.5 * with_total);
}

// ---- shocks end ----------------------------------------------------------------------------------

// Every shock of the preset ends (docs/model.md §6): from the month the
// last one is over, no firm counts as affected (the previous version's
// shocks never reached zero, and 99.96 % of firms were "affected" in 2022).
TEST(ShocksEnd, NoFirmIsAffectedOnceThePresetsShocksAreOver) {
  const NoShock w = no_shock("bogor-covid19", 5000, 2);
  const Scenario sc = presets::bogor_covid19_scenario();
  int over = 0;
  for (const Shock& s : sc.shocks) {
    const int end = s.profile.months_to_end();
    ASSERT_GE(end, 0) << s.name;
    over = std::max(over, s.onset.months_since(sc.start) + end);
  }
  ASSERT_LT(over, sc.months);
  RunOptions o;
  o.threads = 2;
  o.microdata = false;
  const auto affected = run(w.pop, sc, o).monthly.numbers("affected_firms");
  EXPECT_GT(affected[3], 1000.0);
  for (std::size_t t = static_cast<std::size_t>(over); t < affected.size(); ++t)
    EXPECT_EQ(affected[t], 0.0) << "month " << t;
}

}  // namespace
}  // namespace msmesim
