// The cooperatives' monthly step (docs/model.md §14): books that balance,
// lending within liquidity, deposits conserved, the shock's effect on
// withdrawals, arrears and active cooperatives, SHU to members.
#include <gtest/gtest.h>

#include <msmesim/msmesim.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "support.hpp"

namespace msmesim {
namespace {

const Population& bogor(std::int64_t firms) {
  static std::map<std::int64_t, Population> cache;
  auto it = cache.find(firms);
  if (it == cache.end()) it = cache.emplace(firms, generate_population(presets::bogor_population_spec(firms), 3, 2)).first;
  return it->second;
}

RunResult run_panel(const Population& pop, const Scenario& sc, std::uint64_t seed = 9) {
  RunOptions opt;
  opt.seed = seed;
  opt.threads = 2;
  opt.microdata = false;
  opt.cooperative_panel = true;
  return run(pop, sc, opt);
}

double sum(const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0); }

TEST(CooperativeStep, EveryBalanceSheetBalancesEveryMonth) {
  const auto& pop = bogor(40000);
  Simulation sim(pop, presets::bogor_covid19_scenario(), RunOptions{});
  int checked = 0;
  while (!sim.done()) {
    sim.step();
    const Cooperatives& co = sim.cooperatives();
    ASSERT_EQ(co.size(), pop.cooperatives.size());
    for (std::size_t c = 0; c < co.size(); ++c) {
      const double size = co.cash_rp[c] + co.loans_rp[c] + co.other_assets_rp[c];
      ASSERT_NEAR(co.balance_gap_rp(c), 0.0, 1e-9 * std::max(1.0, size))
          << "month " << sim.months_done() - 1 << ", cooperative " << c;
      ASSERT_GE(co.cash_rp[c], 0.0);
      ASSERT_GE(co.deposits_rp[c], 0.0);
      ASSERT_GE(co.loans_rp[c], 0.0);
      ASSERT_GE(co.arrears_rp[c], 0.0);
      ASSERT_LE(co.arrears_rp[c], co.loans_rp[c] * (1 + 1e-12));
      ++checked;
    }
    EXPECT_NO_THROW(co.validate(pop.region_names.size()));
  }
  EXPECT_EQ(checked, 36 * static_cast<int>(pop.cooperatives.size()));
}

TEST(CooperativeStep, LoansNeverExceedLiquidity) {
  const auto& pop = bogor(40000);
  const RunResult r = run_panel(pop, presets::bogor_covid19_scenario());
  const auto& panel = r.cooperatives_panel;
  const auto lent = panel.numbers("new_loans_firms_rp"), lendable = panel.numbers("lendable_rp"),
             cash = panel.numbers("cash_rp"), deposits = panel.numbers("deposits_rp");
  const std::size_t n = pop.cooperatives.size();
  double total_lent = 0;
  for (std::size_t k = 0; k < lent.size(); ++k) {
    // What members borrowed in a month is within what the cooperative could
    // lend at its start: cash above the reserve held against deposits.
    ASSERT_LE(lent[k], lendable[k]) << "row " << k;
    if (k >= n) {
      const double reserve = presets::bogor_covid19_scenario().params.coop_reserve_ratio;
      ASSERT_LE(lendable[k], std::max(0.0, cash[k - n] - reserve * deposits[k - n]) * (1 + 1e-12) + 1e-6);
    }
    total_lent += lent[k];
  }
  EXPECT_GT(total_lent, 0.0);
  // Inactive cooperatives never lend.
  const auto active = panel.numbers("active");
  for (std::size_t k = n; k < lent.size(); ++k)
    if (active[k - n] == 0) {
      ASSERT_EQ(lent[k], 0.0) << "row " << k;
    }
}

TEST(CooperativeStep, MemberDepositsAreConserved) {
  const auto& pop = bogor(40000);
  const RunResult r = run_panel(pop, presets::bogor_covid19_scenario());
  const auto& m = r.cooperatives_monthly;
  const double initial = sum(pop.cooperatives.deposits_rp);
  const auto held = m.numbers("deposits_rp"), in = m.numbers("deposit_inflow_rp"), out = m.numbers("withdrawals_rp");
  double cumulative = initial;
  for (std::size_t t = 0; t < held.size(); ++t) {
    cumulative += in[t] - out[t];
    EXPECT_NEAR(held[t], cumulative, 1e-9 * initial) << "month " << t;  // in = out + held
  }
  // Per cooperative too, from the panel.
  const auto& panel = r.cooperatives_panel;
  const auto p_held = panel.numbers("deposits_rp"), p_in = panel.numbers("deposit_inflow_rp"),
             p_out = panel.numbers("withdrawals_rp");
  const std::size_t n = pop.cooperatives.size();
  for (std::size_t c = 0; c < n; ++c) {
    double d = pop.cooperatives.deposits_rp[c];
    for (std::size_t t = 0; t < held.size(); ++t) d += p_in[t * n + c] - p_out[t * n + c];
    ASSERT_NEAR(p_held[(held.size() - 1) * n + c], d, 1e-9 * std::max(1.0, pop.cooperatives.deposits_rp[c]));
  }
}

TEST(CooperativeStep, ACapitalShockRaisesWithdrawalsAndArrearsAndLowersActiveCooperatives) {
  const auto& pop = bogor(40000);
  Scenario calm = presets::bogor_covid19_scenario();
  calm.shocks.clear();
  Scenario capital = calm;
  capital.name = "capital";
  for (const auto& s : presets::covid19_shocks())
    if (s.channel == Channel::capital || s.channel == Channel::sales) capital.shocks.push_back(s);
  const RunResult a = run_panel(pop, calm), b = run_panel(pop, capital);
  auto first_year = [](const RunResult& r, const char* col) {
    const auto v = r.cooperatives_monthly.numbers(col);
    return std::accumulate(v.begin(), v.begin() + 12, 0.0);
  };
  EXPECT_GT(first_year(b, "withdrawals_rp"), 1.2 * first_year(a, "withdrawals_rp"));
  EXPECT_GT(first_year(b, "arrears_rp"), 1.2 * first_year(a, "arrears_rp"));
  const double active_a = a.cooperatives_monthly.numbers("active")[11], active_b = b.cooperatives_monthly.numbers("active")[11];
  EXPECT_LT(active_b, active_a - 10);
  // Without a shock the number of active cooperatives stays about where it was.
  EXPECT_NEAR(active_a, 589.0, 30.0);
}

TEST(CooperativeStep, BogorCovidTakesActiveCooperativesFrom589ToAbout540) {
  // Seed 000 Tables 2-3: 589 active in 2019, 540 in 2020. docs/model.md §14
  // reports the simulated figure (542 with seed 1).
  const auto& pop = bogor(presets::kBogorFirms);
  RunOptions opt;
  opt.threads = 2;
  opt.microdata = false;
  const RunResult r = run(pop, presets::bogor_covid19_scenario(), opt);
  const auto active = r.cooperatives_monthly.numbers("active");
  EXPECT_EQ(active[0], 589.0);
  EXPECT_GT(active[11], 515.0);
  EXPECT_LT(active[11], 565.0);
}

TEST(CooperativeStep, ShuGoesToMembersInProportionToTheirTransactions) {
  const auto& pop = bogor(40000);
  Scenario sc = presets::bogor_covid19_scenario(12);
  sc.shocks.clear();
  RunOptions opt;
  opt.record_flows = true;
  Simulation sim(pop, sc, opt);
  while (!sim.done()) sim.step();
  const auto& f = sim.flows();
  const auto& st = sim.state();
  double to_firms = 0;
  int paid = 0;
  for (std::size_t i = 0; i < st.count; ++i) {
    if (f.shu_received[i] > 0) {
      ASSERT_GE(st.cooperative[i], 0) << "SHU to a firm that is no member";
      to_firms += f.shu_received[i];
      ++paid;
    }
  }
  const RunResult r = sim.result();
  const double shu_paid = r.cooperatives_monthly.numbers("shu_paid_rp")[11];
  EXPECT_GT(paid, 100);
  EXPECT_GT(to_firms, 0.0);
  EXPECT_LT(to_firms, shu_paid);  // the rest goes to members who run no firm
  for (std::size_t t = 0; t < 11; ++t) EXPECT_EQ(r.cooperatives_monthly.numbers("shu_paid_rp")[t], 0.0);
}

TEST(CooperativeStep, MemberAndNonMemberOutcomesAddUpToTheTotals) {
  const auto& pop = bogor(40000);
  const RunResult r = run_panel(pop, presets::bogor_covid19_scenario());
  for (const char* col : {"active_firms", "distressed_firms", "closed_firms", "employment", "revenue_rp"}) {
    const auto all = r.monthly.numbers(col), members = r.monthly.numbers(std::string("member_") + col),
               others = r.monthly.numbers(std::string("nonmember_") + col);
    for (std::size_t t = 0; t < all.size(); ++t) EXPECT_EQ(members[t] + others[t], all[t]) << col << " month " << t;
  }
  std::int64_t members = 0;
  for (auto c : pop.cooperative) members += c >= 0;
  EXPECT_EQ(r.monthly.numbers("member_active_firms")[0] + r.monthly.numbers("member_closed_firms")[0],
            static_cast<double>(members));
}

TEST(CooperativeStep, WithoutCooperativesTheTablesAreEmptyAndNobodyBorrowsFromOne) {
  auto spec = presets::bogor_population_spec(20000);
  spec.cooperatives = CooperativeSpec{};
  const auto pop = generate_population(spec, 3, 2);
  const RunResult r = run_panel(pop, presets::bogor_covid19_scenario(12));
  EXPECT_EQ(r.cooperatives_monthly.rows(), 0u);
  EXPECT_EQ(sum(r.monthly.numbers("new_loans_cooperative")), 0.0);
  EXPECT_EQ(sum(r.monthly.numbers("member_active_firms")), 0.0);
}

}  // namespace
}  // namespace msmesim

// ---- hand-built cooperatives -------------------------------------------------------

namespace msmesim {
namespace {

// One cooperative of `type` per entry of `types` in region 0, each with
// balanced books (cash 200 M, loans 100 M, funds from own capital and
// deposits) and a RAT last year; `members[k]` is the cooperative of firm k.
Population world(const std::vector<CoopType>& types, const std::vector<std::int32_t>& members) {
  std::vector<test::FirmInit> firms(members.size());
  for (std::size_t k = 0; k < members.size(); ++k) firms[k].cooperative = members[k];
  Population pop = test::make_population({"r0"}, {"trade"}, firms);
  auto& co = pop.cooperatives;
  co.resize(types.size());
  for (std::size_t c = 0; c < types.size(); ++c) {
    co.type[c] = static_cast<std::uint8_t>(types[c]);
    co.members[c] = 50;
    co.own_capital_rp[c] = 200e6;
    co.deposits_rp[c] = 100e6;
    co.cash_rp[c] = 200e6;
    co.loans_rp[c] = 100e6;
    co.business_volume_rp_year[c] = 600e6;
    co.shu_rp_year[c] = 30e6;
    co.rat_history[c] = 1;
    co.active[c] = 1;
    co.healthy[c] = 1;
  }
  pop.validate();
  return pop;
}

TEST(JointBuyingAndSelling, ApplyToMembersOfActiveCooperativesOfTheRightTypes) {
  // Cooperatives: 0 consumer (buys jointly), 1 marketing (buys and sells),
  // 2 savings & loan (neither). Firm 3 is no member.
  const Population pop = world({CoopType::consumer, CoopType::marketing, CoopType::savings_loan}, {0, 1, 2, -1});
  const Scenario sc = test::quiet_scenario(1);
  const FirmParams& P = sc.params;
  Simulation sim(pop, sc);
  const FirmState& st = sim.state();
  const double base_v = pop.variable_cost_share[0];
  const auto bought = static_cast<float>(base_v * (1.0 - P.joint_buying_discount * P.joint_buying_share));
  EXPECT_EQ(st.variable_cost_share[0], bought);
  EXPECT_EQ(st.variable_cost_share[1], bought);
  EXPECT_EQ(st.variable_cost_share[2], pop.variable_cost_share[2]);
  EXPECT_EQ(st.variable_cost_share[3], pop.variable_cost_share[3]);
  const double R = pop.revenue_rp_month[0];
  EXPECT_EQ(st.level_rp[0], R);
  EXPECT_DOUBLE_EQ(st.level_rp[1], R * (1.0 + P.joint_selling_uplift));
  EXPECT_EQ(st.level_rp[2], R);
  EXPECT_EQ(st.level_rp[3], R);
}

TEST(JointBuyingAndSelling, EndWhenTheCooperativeBecomesInactive) {
  // A marketing cooperative whose only meeting in the window is two years
  // old: without a meeting this year it is no longer active.
  Population pop = world({CoopType::marketing}, {0, -1});
  pop.cooperatives.rat_history[0] = 4;
  Scenario sc = test::quiet_scenario(13);
  sc.params.coop_rat_prob_due_healthy = 0.0;
  sc.params.coop_rat_prob_due_unhealthy = 0.0;
  Simulation sim(pop, sc);
  EXPECT_NE(sim.state().variable_cost_share[0], pop.variable_cost_share[0]);
  for (int m = 0; m < 12; ++m) sim.step();
  EXPECT_EQ(sim.cooperatives().active[0], 0);
  EXPECT_EQ(sim.state().variable_cost_share[0], pop.variable_cost_share[0]);
  // Its demand is back to what the firm alone would have (no noise, no drift).
  EXPECT_DOUBLE_EQ(sim.state().level_rp[0], sim.state().level_rp[1]);
}

TEST(ProducerCooperatives, SupplyTheConsumerCooperativesOfTheirKecamatan) {
  const Population pop = world({CoopType::producer, CoopType::consumer}, {-1});
  Scenario without = test::quiet_scenario(3), with = without;
  without.params.producer_supply_share = 0.0;
  with.params.producer_supply_share = 0.2;
  RunOptions opt;
  opt.cooperative_panel = true;
  const auto a = run(pop, without, opt).cooperatives_panel.numbers("business_volume_rp");
  const auto b = run(pop, with, opt).cooperatives_panel.numbers("business_volume_rp");
  EXPECT_DOUBLE_EQ(a[0], 50e6);  // 600 M a year, a twelfth a month
  EXPECT_DOUBLE_EQ(b[0], 50e6 + 0.2 * 50e6);
  EXPECT_DOUBLE_EQ(b[1], a[1]);  // the consumer's own volume is unchanged
}

TEST(CooperativeShu, GoesOnlyToMembersWithTransactions) {
  // A savings & loan cooperative (no joint buying): members' transactions
  // are the interest they pay it. Firm 0 has a cooperative loan, firm 1
  // none (and, with ample cash, never borrows).
  std::vector<std::int32_t> members = {0, 0};
  Population pop = world({CoopType::savings_loan}, members);
  pop.loan_principal_rp[0] = 20e6;
  pop.loan_rate_year[0] = 0.18f;
  pop.loan_months_left[0] = 24;
  pop.loan_lender[0] = static_cast<std::uint8_t>(Lender::cooperative);
  pop.cash_rp[0] = pop.cash_rp[1] = 500e6;
  pop.validate();
  Scenario sc = test::quiet_scenario(12);
  sc.params.coop_rat_prob_routine = 1.0;
  RunOptions opt;
  opt.record_flows = true;
  Simulation sim(pop, sc, opt);
  for (int m = 0; m < 12; ++m) sim.step();
  EXPECT_GT(sim.flows().shu_received[0], 0.0);
  EXPECT_EQ(sim.flows().shu_received[1], 0.0);
  EXPECT_EQ(sim.cooperatives().rat_history[0] & 1, 1);
}

TEST(CooperativeRules, ARunWhoseActiveRuleContradictsThePopulationIsRefused) {
  Population pop = world({CoopType::consumer}, {0});
  Scenario sc = test::quiet_scenario(3);
  sc.params.coop_active_rat_min = 3;  // the cooperative held one meeting in three years
  const auto e = test::expect_invalid([&] { Simulation sim(pop, sc); });
  EXPECT_EQ(e.field(), "coop_active_rat_min");
  EXPECT_EQ(e.value(), "3");
  EXPECT_NE(e.allowed().find("cooperative 0 is active with 1 RAT(s)"), std::string::npos) << e.allowed();
  sc.params.coop_active_rat_years = 2;
  const auto e2 = test::expect_invalid([&] { sc.params.validate(); });
  EXPECT_EQ(e2.field(), "coop_active_rat_min");
  EXPECT_NE(e2.allowed().find("coop_active_rat_years"), std::string::npos);
}

}  // namespace
}  // namespace msmesim
