// Support programmes (docs/model.md §15): validation, the ledger's
// invariants (spending within budget, totals that agree, zero budget
// changes nothing), and each mechanism's behaviour — the seed facts as
// mechanisms, not numbers.
#include <gtest/gtest.h>

#include <msmesim/msmesim.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "programmes/prog.hpp"
#include "support.hpp"

namespace msmesim {
namespace {

const Population& bogor() {
  static const Population pop = generate_population(presets::bogor_population_spec(40000), 3, 2);
  return pop;
}

Programme make(const std::string& name, ProgrammeKind kind, double budget, YearMonth start = {2020, 4},
               YearMonth end = {2020, 12}) {
  Programme p;
  p.name = name;
  p.kind = kind;
  p.budget_rp = budget;
  p.start = start;
  p.end = end;
  return p;
}

/// One programme of every kind, with budgets that run out.
std::vector<Programme> every_kind() {
  Programme grant = make("bpum", ProgrammeKind::cash_grant, 3e9, {2020, 5});
  grant.eligibility.classes = {SizeClass::micro};
  grant.uptake = 0.6;
  grant.monthly_capacity = 400;
  grant.admin_cost_share = 0.03;
  grant.leakage_share = 0.05;
  Programme kur = make("kur subsidy", ProgrammeKind::kur_subsidy, 2e8, {2020, 4}, {2021, 12});
  kur.eligibility.never_had_kur = true;
  kur.admin_cost_share = 0.01;
  kur.params["subsidy_months"] = 6;
  Programme voucher = make("ongkir", ProgrammeKind::shipping_voucher, 3e8, {2020, 6});
  voucher.monthly_capacity = 100;
  Programme training = make("digital", ProgrammeKind::digital_training, 2e8, {2020, 6}, {2021, 6});
  training.monthly_capacity = 30;
  training.allocation = Allocation::lottery;
  Programme bazaar = make("bazaar", ProgrammeKind::market_access, 1e8, {2020, 8}, {2020, 8});
  bazaar.eligibility.sectors = {"food_beverage"};
  Programme rent = make("rent", ProgrammeKind::shop_rental, 5e8);
  rent.allocation = Allocation::most_distressed;
  rent.leakage_share = 0.1;
  return {grant, kur, voucher, training, bazaar, rent};
}

RunResult run_with(const Population& pop, const Scenario& sc, int threads = 2) {
  RunOptions opt;
  opt.seed = 11;
  opt.threads = threads;
  opt.microdata = false;
  return run(pop, sc, opt);
}

const RunResult& every_kind_run() {
  static const RunResult r = [] {
    Scenario sc = test::covid_without_relief(24);
    sc.programmes = every_kind();
    return run_with(bogor(), sc);
  }();
  return r;
}

double sum(const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0); }

/// Sum of `col` per programme code.
std::map<int, double> by_programme(const Table& t, const char* col) {
  std::map<int, double> out;
  const auto prog = t.numbers("programme"), v = t.numbers(col);
  for (std::size_t k = 0; k < v.size(); ++k) out[static_cast<int>(prog[k])] += v[k];
  return out;
}

// ---- validation ---------------------------------------------------------------------

// A kind is its row plus its mechanism: the hooks the row names are exactly
// the hooks its mechanism sets, and what the row says of its recipients
// follows from them.
TEST(ProgrammeKindTable, EachKindsMechanismUsesExactlyTheHooksItsRowNames) {
  for (const ProgrammeKindInfo& row : programme_kind_table()) {
    const detail::Mechanism& m = detail::mechanism_of(row.kind);
    EXPECT_EQ(m.hooks(), row.hooks) << row.name;
    for (const ProgrammeHook h : kAllProgrammeHooks) {
      EXPECT_NE(to_string(h), "?");
      EXPECT_NE(describe(h), "?");
    }
    // Firms are served through an award or a credit offer; cooperatives
    // through an award of their own.
    EXPECT_EQ(row.serves_firms, row.uses(ProgrammeHook::award) || row.uses(ProgrammeHook::credit_offer))
        << row.name;
    EXPECT_EQ(row.serves_cooperatives, row.uses(ProgrammeHook::award_cooperative)) << row.name;
    // A credit offer comes with what approving it commits and does.
    EXPECT_EQ(m.offers != nullptr, m.offer_outlay != nullptr) << row.name;
    EXPECT_EQ(m.offers != nullptr, m.offer_approved != nullptr) << row.name;
    // (and the offer's terms, made at setup; the loans taken are kept up).
    EXPECT_TRUE(m.offers == nullptr || (m.setup != nullptr && row.uses(ProgrammeHook::loan_upkeep))) << row.name;
    // A benefit paid monthly, and a temporary demand effect, end: the kind
    // keeps when.
    EXPECT_TRUE(m.expires || (m.pay_monthly == nullptr && m.temporary == nullptr)) << row.name;
    EXPECT_TRUE(m.changes_demand || m.temporary == nullptr) << row.name;
    EXPECT_FALSE(row.ledger.empty()) << row.name;
  }
}

TEST(ProgrammeSpec, InvalidValuesNameTheField) {
  Scenario sc = test::covid_without_relief(36);
  auto check = [&](auto change, const std::string& field, const std::string& allowed_part) {
    Scenario s = sc;
    s.programmes = {make("p", ProgrammeKind::cash_grant, 1e9)};
    change(s.programmes[0]);
    const auto e = test::expect_invalid([&] { s.validate(); });
    EXPECT_EQ(e.field(), field);
    EXPECT_NE(e.allowed().find(allowed_part), std::string::npos) << e.allowed();
  };
  check([](Programme& p) { p.budget_rp = -1; }, "programmes[0].budget_rp", ">= 0");
  check([](Programme& p) { p.end = {2020, 1}; }, "programmes[0].end", "not before start");
  check([](Programme& p) { p.uptake = 1.5; }, "programmes[0].uptake", "[0, 1]");
  check([](Programme& p) { p.leakage_share = -0.1; }, "programmes[0].leakage_share", "[0, 1]");
  check([](Programme& p) { p.monthly_capacity = -5; }, "programmes[0].monthly_capacity", "integer");
  check([](Programme& p) { p.name.clear(); }, "programmes[0].name", "non-empty");
  check([](Programme& p) { p.params["rate_points"] = 0.1; }, "programmes[0].params.rate_points", "cash_grant has no parameters");
  check(
      [](Programme& p) {
        p.kind = ProgrammeKind::kur_subsidy;
        p.params["subsidy_months"] = 2.5;
      },
      "programmes[0].params.subsidy_months", "whole number");
  check([](Programme& p) { p.eligibility.ranges = {{"height", 0, 1}}; }, "programmes[0].eligibility.ranges[0].attribute",
        "revenue_rp_month");
  check([](Programme& p) { p.eligibility.registered = 2; }, "programmes[0].eligibility.registered", "-1 (any)");
  // Two programmes with one name.
  Scenario twice = sc;
  twice.programmes = {make("same", ProgrammeKind::cash_grant, 1), make("same", ProgrammeKind::shop_rental, 1)};
  EXPECT_EQ(test::expect_invalid([&] { twice.validate(); }).field(), "programmes[1].name");
  // Names of sectors and regions are checked against the population.
  Scenario sector = sc;
  sector.programmes = {make("p", ProgrammeKind::cash_grant, 1e9)};
  sector.programmes[0].eligibility.sectors = {"fishing"};
  const auto e = test::expect_invalid([&] { Simulation sim(bogor(), sector); });
  EXPECT_EQ(e.field(), "programmes[0] ('p').eligibility.sectors");
  EXPECT_EQ(e.value(), "'fishing'");
  EXPECT_EQ(programme_kind_from_string("kur_subsidy"), ProgrammeKind::kur_subsidy);
  EXPECT_EQ(test::expect_invalid([] { (void)allocation_from_string("random"); }).field(), "allocation");
}

// ---- invariants ---------------------------------------------------------------------

TEST(ProgrammeLedger, SpendingNeverExceedsTheBudget) {
  const RunResult& r = every_kind_run();
  const auto& t = r.programmes_monthly;
  const auto prog = t.numbers("programme"), spent = t.numbers("spent_to_date_rp"),
             committed = t.numbers("committed_rp"), left = t.numbers("budget_left_rp");
  const auto programmes = every_kind();
  std::vector<double> last(programmes.size(), 0.0);
  for (std::size_t k = 0; k < spent.size(); ++k) {
    const auto p = static_cast<std::size_t>(prog[k]);
    const double budget = programmes[p].budget_rp;
    ASSERT_LE(spent[k] + committed[k], budget * (1 + 1e-12)) << programmes[p].name << " row " << k;
    ASSERT_GE(left[k], -1e-6 * budget);
    ASSERT_GE(spent[k], last[p]);  // cumulative
    last[p] = spent[k];
  }
  // Every programme spent something, and the tight ones ran out.
  for (std::size_t p = 0; p < programmes.size(); ++p) EXPECT_GT(last[p], 0.0) << programmes[p].name;
  const auto rejected = by_programme(t, "rejected_budget");
  EXPECT_GT(rejected.at(0), 0.0);  // the grant
  EXPECT_GT(rejected.at(5), 0.0);  // the rent
}

TEST(ProgrammeLedger, LedgerPaymentsAndMonthlyTotalsAgree) {
  const RunResult& r = every_kind_run();
  for (const char* col : {"transfer_rp", "admin_rp", "leakage_rp"}) {
    const auto monthly = by_programme(r.programmes_monthly, col), ledger = by_programme(r.programme_ledger, col),
               payments = by_programme(r.programme_payments, col);
    for (const auto& [p, x] : monthly) {
      EXPECT_NEAR(ledger.count(p) ? ledger.at(p) : 0.0, x, 1e-9 * std::max(1.0, x)) << col << " programme " << p;
      EXPECT_NEAR(payments.count(p) ? payments.at(p) : 0.0, x, 1e-9 * std::max(1.0, x)) << col << " programme " << p;
    }
  }
  // Spent to date = transfers + administrative cost + leakage so far.
  const auto& t = r.programmes_monthly;
  const std::size_t n = every_kind().size();
  const auto spent = t.numbers("spent_to_date_rp"), tr = t.numbers("transfer_rp"), ad = t.numbers("admin_rp"),
             lk = t.numbers("leakage_rp");
  std::vector<double> cumulative(n, 0.0);
  for (std::size_t k = 0; k < spent.size(); ++k) {
    cumulative[k % n] += tr[k] + ad[k] + lk[k];
    ASSERT_NEAR(spent[k], cumulative[k % n], 1e-6 * std::max(1.0, spent[k])) << "row " << k;
  }
  // The administrative cost is its share of what was paid out.
  const auto admin = by_programme(t, "admin_rp"), transfer = by_programme(t, "transfer_rp"),
             leak = by_programme(t, "leakage_rp");
  EXPECT_NEAR(admin.at(0), 0.03 * (transfer.at(0) + leak.at(0)), 1e-6 * admin.at(0));
  EXPECT_NEAR(leak.at(0), 0.05 / 0.95 * transfer.at(0), 1e-6 * leak.at(0));
}

TEST(ProgrammeLedger, CashTransfersReachTheRecipientsCash) {
  // Hand-built firms with ample cash: the grant adds exactly what reaches
  // them to their cash before the month's flows.
  std::vector<test::FirmInit> firms(6);
  Population pop = test::make_population({"r0"}, {"trade"}, firms);
  Scenario without = test::quiet_scenario(3);
  Scenario with = without;
  Programme grant = make("grant", ProgrammeKind::cash_grant, 1e9, {2020, 2}, {2020, 2});
  grant.leakage_share = 0.25;
  grant.monthly_capacity = 4;
  with.programmes = {grant};
  RunOptions opt;
  opt.record_flows = true;
  Simulation a(pop, without, opt), b(pop, with, opt);
  for (int m = 0; m < 2; ++m) {
    a.step();
    b.step();
  }
  const RunResult rb = b.result();
  const auto firm = rb.programme_payments.numbers("firm"), transfer = rb.programme_payments.numbers("transfer_rp");
  ASSERT_EQ(firm.size(), 4u);
  double received = 0.0;
  for (std::size_t i = 0; i < 6; ++i) received += b.flows().cash_before[i] - a.flows().cash_before[i];
  EXPECT_NEAR(received, sum(transfer), 1e-6);
  EXPECT_DOUBLE_EQ(transfer[0], 2.4e6 * 0.75);
}

TEST(ProgrammeLedger, AZeroBudgetChangesNothing) {
  Scenario plain = test::covid_without_relief(24);
  Scenario zero = plain;
  zero.programmes = every_kind();
  for (auto& p : zero.programmes) p.budget_rp = 0.0;
  const RunResult a = run_with(bogor(), plain), b = run_with(bogor(), zero);
  EXPECT_TRUE(test::tables_identical(a.monthly, b.monthly, "monthly"));
  EXPECT_TRUE(test::tables_identical(a.by_region, b.by_region, "by_region"));
  EXPECT_TRUE(test::tables_identical(a.cooperatives_monthly, b.cooperatives_monthly, "cooperatives_monthly"));
  EXPECT_EQ(sum(b.programmes_monthly.numbers("spent_to_date_rp")), 0.0);
  EXPECT_EQ(b.programme_payments.rows(), 0u);
}

TEST(ProgrammeLedger, AnyThreadCountGivesTheSameResult) {
  Scenario sc = test::covid_without_relief(24);
  sc.programmes = every_kind();
  EXPECT_TRUE(test::results_identical(run_with(bogor(), sc, 1), every_kind_run()));
}

TEST(ProgrammeLedger, CapacityAndQuotaHold) {
  const RunResult& r = every_kind_run();
  const auto prog = r.programmes_monthly.numbers("programme"), fresh = r.programmes_monthly.numbers("new_recipients");
  for (std::size_t k = 0; k < fresh.size(); ++k) {
    const double cap = prog[k] == 0 ? 400.0 : prog[k] == 3 ? 30.0 : 1e18;
    ASSERT_LE(fresh[k], cap) << "row " << k;
  }
  Scenario sc = test::covid_without_relief(12);
  Programme q = make("quota", ProgrammeKind::cash_grant, 1e12);
  q.quota = 250;
  sc.programmes = {q};
  const RunResult rq = run_with(bogor(), sc);
  EXPECT_EQ(sum(rq.programmes_monthly.numbers("new_recipients")), 250.0);
  EXPECT_GT(sum(rq.programmes_monthly.numbers("rejected_quota")), 0.0);
}

TEST(ProgrammeLedger, UptakeIsTheShareOfEligibleFirmsThatApply) {
  const auto& t = every_kind_run().programmes_monthly;
  const auto prog = t.numbers("programme"), eligible = t.numbers("eligible"), applicants = t.numbers("applicants");
  // The grant's first month (May 2020, month 4): uptake 0.6.
  for (std::size_t k = 0; k < prog.size(); ++k)
    if (prog[k] == 0 && eligible[k] > 0) {
      EXPECT_NEAR(applicants[k] / eligible[k], 0.6, 0.02);
      break;
    }
}

// ---- mechanisms ------------------------------------------------------------------------

TEST(ProgrammeAllocation, SmallestFirstAndMostDistressedServeTheRightFirms) {
  std::vector<test::FirmInit> firms(3);
  firms[0].revenue_rp_month = 30e6;
  firms[1].revenue_rp_month = 10e6;
  firms[2].revenue_rp_month = 20e6;
  Population pop = test::make_population({"r0"}, {"trade"}, firms);
  Scenario sc = test::quiet_scenario(2);
  Programme p = make("one", ProgrammeKind::cash_grant, 1e9, {2020, 1}, {2020, 1});
  p.monthly_capacity = 1;
  p.allocation = Allocation::smallest_first;
  sc.programmes = {p};
  const auto firm = run(pop, sc).programme_payments.numbers("firm");
  ASSERT_EQ(firm.size(), 1u);
  EXPECT_EQ(firm[0], 1.0);
  // Most distressed: the firm with the least cash per revenue.
  pop.cash_rp = {50e6, 60e6, 5e6};
  sc.programmes[0].allocation = Allocation::most_distressed;
  EXPECT_EQ(run(pop, sc).programme_payments.numbers("firm")[0], 2.0);
}

TEST(KurSubsidy, TheNeverHadKurRuleLeavesTheBudgetUnspentWhereMostFirmsHadKur) {
  // Seed 002: only 12 micro firms got the subsidy because it required never
  // having had KUR, and most micro firms had. The same rule on a population
  // where most firms had KUR and on one where few had.
  auto with_kur_share = [](double share) {
    Population pop = bogor();
    for (std::size_t i = 0; i < pop.size(); ++i)
      pop.ever_kur[i] = (static_cast<double>((i * 2654435761u) % 1000) / 1000.0) < share ? 1 : 0;
    return pop;
  };
  Scenario sc = test::covid_without_relief(24);
  sc.params.entry_rate_month = 0.0;  // entrants never had KUR: the population's share alone
  sc.params.entry_refill_months = 0.0;
  Programme kur = make("kur", ProgrammeKind::kur_subsidy, 1e9, {2020, 4}, {2021, 12});
  kur.eligibility.never_had_kur = true;
  kur.eligibility.classes = {SizeClass::micro};
  sc.programmes = {kur};
  const Population most = with_kur_share(0.9), few = with_kur_share(0.1);
  const RunResult a = run_with(most, sc), b = run_with(few, sc);
  const double got_a = sum(a.programmes_monthly.numbers("new_recipients")),
               got_b = sum(b.programmes_monthly.numbers("new_recipients"));
  EXPECT_GT(got_b, 4.0 * got_a);
  EXPECT_GT(got_a, 0.0);
  const double left_a = a.programmes_monthly.numbers("budget_left_rp").back();
  EXPECT_GT(left_a, 0.9 * 1e9);  // mostly unspent
}

TEST(KurSubsidy, SubsidisedLoansCarryTheLowerRateAndTheGovernmentPaysThePoints) {
  std::vector<test::FirmInit> firms(1);
  firms[0].cash_rp = 0.0;
  firms[0].revenue_rp_month = 10e6;
  Population pop = test::make_population({"r0"}, {"trade"}, firms);
  Scenario sc = test::quiet_scenario(12);
  sc.params.coop_approval = 0.0;
  sc.params.kur_approval = 1.0;
  sc.params.cash_buffer_months = 6;  // it wants a larger buffer than it holds: it borrows
  Programme kur = make("kur", ProgrammeKind::kur_subsidy, 1e9, {2020, 1}, {2020, 1});
  kur.params["rate_points"] = 0.04;
  kur.params["subsidy_months"] = 3;
  sc.programmes = {kur};
  Simulation sim(pop, sc);
  sim.step();
  const FirmState& st = sim.state();
  ASSERT_EQ(st.loan_lender[0], static_cast<std::uint8_t>(Lender::kur));
  const double principal = st.loan_principal_rp[0];
  ASSERT_GT(principal, 0.0);
  EXPECT_EQ(st.loan_rate_year[0], static_cast<float>(sc.params.kur_rate_year - 0.04));
  sim.step();  // month 1: the first service; the government pays 4 points on the balance
  for (int m = 2; m < 4; ++m) sim.step();
  // After the three covered months the loan reverts to the full rate.
  EXPECT_EQ(sim.state().loan_rate_year[0], static_cast<float>(sc.params.kur_rate_year));
  const RunResult r = sim.result();
  const auto month = r.programme_payments.numbers("month"), transfer = r.programme_payments.numbers("transfer_rp");
  ASSERT_EQ(transfer.size(), 3u);
  EXPECT_EQ(month[0], 1.0);
  EXPECT_NEAR(transfer[0], principal * 0.04 / 12.0, 1e-6);
  EXPECT_LT(transfer[2], transfer[0]);  // on a falling balance
  EXPECT_EQ(r.programmes_monthly.numbers("new_recipients")[0], 1.0);
}

TEST(ShippingVoucher, TransferableVouchersLeakAndBarcodedOnesDoNot) {
  Scenario sc = test::covid_without_relief(12);
  Programme v = make("ongkir", ProgrammeKind::shipping_voucher, 5e8, {2020, 6});
  sc.programmes = {v};
  const RunResult transferable = run_with(bogor(), sc);
  sc.programmes[0].params["transferable"] = 0;
  const RunResult barcoded = run_with(bogor(), sc);
  EXPECT_GT(sum(transferable.programmes_monthly.numbers("leakage_rp")), 0.0);
  EXPECT_GT(sum(transferable.programmes_monthly.numbers("resale_proceeds_rp")), 0.0);
  EXPECT_EQ(sum(barcoded.programmes_monthly.numbers("leakage_rp")), 0.0);
  EXPECT_GT(sum(barcoded.programmes_monthly.numbers("transfer_rp")), sum(transferable.programmes_monthly.numbers("transfer_rp")));
  // Only online sellers get vouchers.
  for (double f : barcoded.programme_payments.numbers("firm"))
    if (f < static_cast<double>(bogor().size())) {
      ASSERT_GT(bogor().online_share[static_cast<std::size_t>(f)], 0.0f);
    }
}

TEST(DigitalTraining, HelpsHighCapabilityOwnersMore) {
  Scenario sc = test::covid_without_relief(12);
  Programme t = make("digital", ProgrammeKind::digital_training, 1e12, {2020, 2}, {2020, 2});
  t.monthly_capacity = 8000;
  t.allocation = Allocation::lottery;
  sc.programmes = {t};
  Simulation sim(bogor(), sc);
  sim.step();
  sim.step();
  const FirmState& st = sim.state();
  int high = 0, high_ok = 0, low = 0, low_ok = 0;
  for (std::size_t i = 0; i < bogor().size(); ++i) {
    const bool trained = st.online_share[i] != bogor().online_share[i];
    const float cap = bogor().owner_capability[i];
    if (cap > 0.7f) {
      ++high;
      high_ok += trained;
    } else if (cap < 0.3f) {
      ++low;
      low_ok += trained;
    }
  }
  ASSERT_GT(high, 100);
  ASSERT_GT(low, 100);
  // Trainees are a lottery of the firms: the share who succeeded rises with capability.
  EXPECT_GT(static_cast<double>(high_ok) / high, 2.0 * static_cast<double>(low_ok) / low);
}

TEST(MarketAccess, TemporaryDemandEndsAfterItsDurationAndLastingDemandStays) {
  std::vector<test::FirmInit> firms(2);
  Population pop = test::make_population({"r0"}, {"trade"}, firms);
  Scenario sc = test::quiet_scenario(8);
  Programme b = make("bazaar", ProgrammeKind::market_access, 1e9, {2020, 2}, {2020, 2});
  b.params["duration_months"] = 3;
  b.params["demand_uplift"] = 0.2;
  b.monthly_capacity = 1;
  b.allocation = Allocation::smallest_first;  // equal revenue: the lower index first
  Programme rule = make("procurement", ProgrammeKind::market_access, 1e9, {2020, 2}, {2020, 2});
  rule.params["duration_months"] = 0;
  rule.params["demand_uplift"] = 0.1;
  rule.allocation = Allocation::smallest_first;
  rule.eligibility.ranges = {{"revenue_rp_month", 0, 1e12}};
  sc.programmes = {b, rule};
  Simulation sim(pop, sc);
  const double base = pop.revenue_rp_month[0];
  std::vector<double> level0, level1, factor0, factor1, expected0;
  for (int m = 0; m < 8; ++m) {
    sim.step();
    level0.push_back(sim.state().level_rp[0]);
    level1.push_back(sim.state().level_rp[1]);
    factor0.push_back(sim.state().demand_factor[0]);
    factor1.push_back(sim.state().demand_factor[1]);
    expected0.push_back(sim.state().expected_rp[0]);
  }
  // Firm 0 got both (capacity 1, lowest index first), firm 1 the lasting
  // rule only. The lasting rule moves the revenue level; the bazaar is a
  // temporary factor on demand, which the firm knows to be temporary: it
  // does not enter its expected revenue (nor so its hiring).
  EXPECT_DOUBLE_EQ(level0[1], base * 1.1);
  EXPECT_DOUBLE_EQ(level1[1], base * 1.1);
  EXPECT_FLOAT_EQ(static_cast<float>(factor0[1]), 1.2f);
  EXPECT_DOUBLE_EQ(factor1[1], 1.0);
  EXPECT_DOUBLE_EQ(expected0[1], base * 1.1);
  EXPECT_FLOAT_EQ(static_cast<float>(factor0[3]), 1.2f);
  EXPECT_DOUBLE_EQ(factor0[4], 1.0);  // the bazaar's three months are over
  EXPECT_NEAR(level0[7], base * 1.1, 1e-6);
  EXPECT_DOUBLE_EQ(level1[7], base * 1.1);
}

TEST(ShopRental, PaysPartOfTheRentInCoveredKecamatanOnly) {
  std::vector<test::FirmInit> firms(4);
  firms[2].region = 1;
  firms[3].region = 1;
  firms[1].fixed_cost_rp_month = 4e6;
  Population pop = test::make_population({"covered", "other"}, {"trade"}, firms);
  Scenario sc = test::quiet_scenario(3);
  Programme rent = make("rent", ProgrammeKind::shop_rental, 1e9, {2020, 1}, {2020, 2});
  rent.eligibility.regions = {"covered"};
  rent.amount_rp = 1.5e6;
  sc.programmes = {rent};
  const RunResult r = run(pop, sc);
  const auto month = r.programme_payments.numbers("month"), firm = r.programme_payments.numbers("firm"),
             transfer = r.programme_payments.numbers("transfer_rp");
  ASSERT_EQ(firm.size(), 4u);  // two firms, two months; none in March (after the end)
  for (std::size_t k = 0; k < firm.size(); ++k) {
    ASSERT_LT(firm[k], 2.0);
    ASSERT_LE(month[k], 1.0);
    // Half the fixed cost, at most the amount.
    EXPECT_DOUBLE_EQ(transfer[k], firm[k] == 0.0 ? 0.5 * 1e6 : 1.5e6);
  }
}

TEST(ProgrammeBudget, MoreBudgetNeverClosesMoreFirms) {
  // On the same seed a larger budget serves a superset of recipients (the
  // order of service does not depend on the budget), so it never closes
  // more firms — for a cash grant (most distressed first), shop rental and
  // an interest subsidy (first come).
  std::vector<Programme> programmes;
  Programme g = make("grant", ProgrammeKind::cash_grant, 0.0, {2020, 4}, {2020, 9});
  g.eligibility.classes = {SizeClass::micro};
  g.allocation = Allocation::most_distressed;
  g.amount_rp = 5e6;
  programmes.push_back(g);
  Programme r = make("rent", ProgrammeKind::shop_rental, 0.0, {2020, 4}, {2020, 12});
  r.allocation = Allocation::most_distressed;
  programmes.push_back(r);
  Programme k = make("kur", ProgrammeKind::kur_subsidy, 0.0, {2020, 4}, {2021, 6});
  k.params["rate_points"] = 0.06;
  programmes.push_back(k);
  const std::map<std::string, std::vector<double>> budgets = {
      {"grant", {0.0, 2e9, 5e9, 10e9, 20e9}}, {"rent", {0.0, 0.5e9, 1e9, 2e9}}, {"kur", {0.0, 0.1e9, 0.3e9, 1e9}}};
  for (Programme p : programmes) {
    double last = std::numeric_limits<double>::infinity();
    for (double budget : budgets.at(p.name)) {
      p.budget_rp = budget;
      Scenario sc = test::covid_without_relief(24);
      sc.programmes = {p};
      const double closed = run_with(bogor(), sc).monthly.numbers("closed_firms").back();
      EXPECT_LE(closed, last) << p.name << " budget " << budget;
      last = closed;
    }
  }
}

TEST(CreditGuarantee, MoreLoansAreApprovedAndTheProgrammePaysFeesAndClaims) {
  Scenario without = test::covid_without_relief(24);
  Scenario with = without;
  Programme g = make("guarantee", ProgrammeKind::credit_guarantee, 5e9, {2020, 3}, {2021, 6});
  g.eligibility.classes = {SizeClass::micro, SizeClass::small};
  with.programmes = {g};
  const RunResult a = run_with(bogor(), without), b = run_with(bogor(), with);
  auto loans = [](const RunResult& r) {
    return sum(r.monthly.numbers("new_loans_kur")) + sum(r.monthly.numbers("new_loans_bank"));
  };
  EXPECT_GT(loans(b), 1.01 * loans(a));  // (about +2 % with the preset: most loans are within the affordability rule anyway)
  const auto& t = b.programmes_monthly;
  const double recipients = sum(t.numbers("new_recipients"));
  EXPECT_GT(recipients, 100.0);
  EXPECT_GT(sum(t.numbers("beneficiaries")), 0.0);  // claims on guaranteed loans of closed firms
  const auto spent = t.numbers("spent_to_date_rp");
  EXPECT_LE(spent.back(), 5e9 * (1 + 1e-12));
  // Fees: 1.5 % of what was guaranteed, paid in the month of the loan.
  const auto& pay = b.programme_payments;
  EXPECT_GT(pay.rows(), recipients - 1);
}

TEST(CsrCapital, ReachesOnlyCooperativeMembers) {
  Scenario without = test::covid_without_relief(24);
  // (Entry beyond the baseline answers the number of open firms: off, so
  // that only the members' fate can change.)
  without.params.entry_refill_months = 0.0;
  Scenario with = without;
  Programme csr = make("tjsl", ProgrammeKind::csr_capital, 20e9, {2020, 4}, {2020, 6});
  csr.eligibility.coop_types = {CoopType::producer, CoopType::consumer, CoopType::savings_loan};
  with.programmes = {csr};
  RunOptions opt;
  opt.threads = 2;
  Simulation a(bogor(), without, opt), b(bogor(), with, opt);
  a.run();
  b.run();
  // Every rupiah went to cooperatives of the chosen types.
  const RunResult rb = b.result();
  const auto firm = rb.programme_payments.numbers("firm"), coop = rb.programme_payments.numbers("cooperative");
  ASSERT_GT(firm.size(), 100u);
  for (std::size_t k = 0; k < firm.size(); ++k) {
    ASSERT_EQ(firm[k], -1.0);
    const auto type = static_cast<CoopType>(b.cooperatives().type[static_cast<std::size_t>(coop[k])]);
    ASSERT_TRUE(type == CoopType::producer || type == CoopType::consumer || type == CoopType::savings_loan);
  }
  // Firms that are no members are exactly as without the programme; member
  // firms borrow more from their cooperatives.
  const FirmState &x = a.state(), &y = b.state();
  ASSERT_EQ(x.count, y.count);
  double member_loans_a = 0, member_loans_b = 0;
  for (std::size_t i = 0; i < x.count; ++i) {
    if (x.cooperative[i] < 0) {
      ASSERT_EQ(x.cash_rp[i], y.cash_rp[i]) << "firm " << i;
      ASSERT_EQ(x.status[i], y.status[i]) << "firm " << i;
    }
  }
  const RunResult ra = a.result();
  member_loans_a = sum(ra.monthly.numbers("new_credit_cooperative_rp"));
  member_loans_b = sum(rb.monthly.numbers("new_credit_cooperative_rp"));
  EXPECT_GT(member_loans_b, member_loans_a);
}

TEST(Certification, KeepsToItsYearlyQuotaAndRaisesTheCertifiedFirmsMargin) {
  Scenario sc = test::covid_without_relief(24);
  Programme c = make("ipr", ProgrammeKind::certification, 1e9, {2020, 1}, {2021, 12});
  c.eligibility.sectors = {"food_beverage"};
  sc.programmes = {c};
  Simulation sim(bogor(), sc);
  sim.run();
  const RunResult r = sim.result();
  const auto month = r.programmes_monthly.numbers("month"), fresh = r.programmes_monthly.numbers("new_recipients");
  double y2020 = 0, y2021 = 0;
  for (std::size_t k = 0; k < month.size(); ++k) (month[k] < 12 ? y2020 : y2021) += fresh[k];
  EXPECT_EQ(y2020, 15.0);  // seed 002: 15 firms a year
  EXPECT_EQ(y2021, 15.0);
  int checked = 0;
  for (double f : r.programme_payments.numbers("firm")) {
    const auto i = static_cast<std::size_t>(f);
    if (i >= bogor().size() || bogor().cooperative[i] >= 0) continue;  // (joint buying changes members' costs too)
    EXPECT_NEAR(sim.state().variable_cost_share[i], bogor().variable_cost_share[i] / 1.05, 1e-6);
    ++checked;
  }
  EXPECT_GT(checked, 20);
}

TEST(Clinic, ThroughputNeverExceedsItsSchedule) {
  Scenario sc = test::covid_without_relief(12);
  Programme clinic = make("clean-and-clear", ProgrammeKind::clinic, 1e12, {2020, 3}, {2020, 12});
  sc.programmes = {clinic};
  Scenario without = sc;
  without.programmes.clear();
  const RunResult r = run_with(bogor(), sc), a = run_with(bogor(), without);
  const auto& t = r.programmes_monthly;
  const auto month = t.numbers("month"), fresh = t.numbers("new_recipients"), capacity = t.numbers("capacity"),
             waiting = t.numbers("rejected_capacity");
  // March 2020 has 22 weekdays: 22 x 3 hours x 2 half-hour slots, for
  // cooperatives and for SMEs.
  EXPECT_EQ(capacity[2], 2.0 * 22 * 3 * 2);
  for (std::size_t k = 0; k < month.size(); ++k) {
    if (month[k] < 2) {
      ASSERT_EQ(fresh[k], 0.0);  // before it opens
    } else {
      ASSERT_LE(fresh[k], capacity[k]) << "month " << month[k];
    }
  }
  EXPECT_GT(waiting[2], 0.0);  // a queue
  // Consulted firms register; consulted cooperatives revive.
  EXPECT_GT(r.cooperatives_monthly.numbers("active")[11], a.cooperatives_monthly.numbers("active")[11]);
  const auto pay_coop = r.programme_payments.numbers("cooperative");
  EXPECT_GT(std::count_if(pay_coop.begin(), pay_coop.end(), [](double c) { return c >= 0; }), 100);
}

TEST(CoopCollaboration, MicroFirmsJoinACooperativeOfTheirKecamatan) {
  Scenario sc = test::covid_without_relief(6);
  Programme mou = make("mou", ProgrammeKind::coop_collaboration, 1e9, {2020, 2}, {2020, 2});
  mou.eligibility.classes = {SizeClass::micro};
  mou.eligibility.cooperative_member = 0;
  mou.monthly_capacity = 500;
  sc.programmes = {mou};
  Simulation sim(bogor(), sc);
  sim.run();
  const FirmState& st = sim.state();
  const RunResult r = sim.result();
  const auto firms = r.programme_payments.numbers("firm");
  ASSERT_EQ(firms.size(), 500u);
  int joined = 0;
  for (double f : firms) {
    const auto i = static_cast<std::size_t>(f);
    ASSERT_LT(i, st.count);
    if (i < bogor().size()) {
      ASSERT_EQ(bogor().cooperative[i], -1);  // (or an entrant of the run)
    }
    if (st.cooperative[i] < 0) continue;
    ++joined;
    const auto c = static_cast<std::size_t>(st.cooperative[i]);
    EXPECT_EQ(bogor().cooperatives.region[c], st.region[i]);
    EXPECT_TRUE(bogor().cooperatives.active[c]);
  }
  EXPECT_GT(joined, 400);
  const auto members = r.monthly.numbers("member_active_firms");
  EXPECT_GT(members[1] - members[0], 400.0);
}

TEST(CoopNetwork, JoinedCooperativesTradeJointlyAndShareFinance) {
  Scenario sc = test::covid_without_relief(12);
  Programme net = make("network", ProgrammeKind::coop_network, 1e12, {2020, 1}, {2020, 1});
  sc.programmes = {net};
  Simulation sim(bogor(), sc);
  sim.step();
  // Members of savings & loan and service cooperatives now buy jointly too.
  const FirmState& st = sim.state();
  const double bought = 1.0 - sc.params.joint_buying_discount * sc.params.joint_buying_share;
  int checked = 0;
  for (std::size_t i = 0; i < bogor().size(); ++i) {
    const auto c = bogor().cooperative[i];
    if (c < 0 || !sim.cooperatives().active[static_cast<std::size_t>(c)]) continue;
    if (bogor().cooperatives.type[static_cast<std::size_t>(c)] != static_cast<std::uint8_t>(CoopType::savings_loan)) continue;
    EXPECT_FLOAT_EQ(st.variable_cost_share[i], static_cast<float>(bogor().variable_cost_share[i] * bought));
    ++checked;
  }
  EXPECT_GT(checked, 10);
  for (int m = 1; m < 12; ++m) sim.step();
  const RunResult r = sim.result();
  EXPECT_GT(sum(r.cooperatives_monthly.numbers("joint_placed_rp")), 0.0);
}

// ---- national credit relief (docs/model.md §15) ---------------------------------------------------

/// Firms with a KUR loan (0-1), a bank loan (2) and none (3), all hit by a
/// sales shock from the first month.
Population relief_firms() {
  std::vector<test::FirmInit> f(4);
  for (int k = 0; k < 3; ++k) {
    f[static_cast<std::size_t>(k)].loan_principal_rp = 12e6;
    f[static_cast<std::size_t>(k)].loan_rate_year = 0.06f;
    f[static_cast<std::size_t>(k)].loan_months_left = 20;
    f[static_cast<std::size_t>(k)].loan_lender = k < 2 ? Lender::kur : Lender::bank;
  }
  return test::make_population({"r0"}, {"trade"}, f);
}

Scenario relief_scenario(int months) {
  Scenario sc = test::quiet_scenario(months);
  test::refuse_all_credit(sc.params);
  sc.shocks = {test::fixed_shock(Channel::sales, 0.3, sc.start, {0, 24, 6.0, {}}, "slump")};
  return sc;
}

// Restructuring (POJK 11/POJK.03/2020): an affected KUR borrower's
// instalments are deferred to interest only for deferral_months, its term
// is extended, and afterwards its instalment is set for what is left —
// never above the one before. The lender bears it: no budget is spent, the
// relief is counted. Bank loans here find no willing lender (uptake 0).
TEST(LoanRestructuring, DefersInstalmentsExtendsTheTermAndNeverRaisesTheInstalment) {
  const Population pop = relief_firms();
  Scenario sc = relief_scenario(10);
  Programme r = make("pojk11", ProgrammeKind::loan_restructuring, 0.0, {2020, 1}, {2020, 12});
  r.params["deferral_months"] = 3;
  r.params["extension_months"] = 6;
  r.params["uptake_bank"] = 0.0;
  sc.programmes = {r};
  RunOptions o;
  o.record_flows = true;
  Simulation sim(pop, sc, o);
  const double installment_before = [&] {
    Simulation plain(pop, relief_scenario(1));
    return plain.state().loan_installment_rp[0];
  }();
  std::vector<double> due0, left0, installment0;
  for (int m = 0; m < 10; ++m) {
    sim.step();
    due0.push_back(sim.flows().debt_service_due[0]);
    left0.push_back(sim.state().loan_months_left[0]);
    installment0.push_back(sim.state().loan_installment_rp[0]);
    EXPECT_EQ(sim.state().loan_restructured[2], 0) << "a bank loan, uptake 0";
    EXPECT_EQ(sim.state().loan_restructured[3], 0) << "no loan";
  }
  EXPECT_EQ(sim.state().loan_restructured[0], 1);
  EXPECT_EQ(sim.state().loan_restructured[1], 1);
  // Affected from the first month (its loss is the month's main problem),
  // restructured from the second: interest only for three months (the rate
  // on the balance).
  EXPECT_NEAR(due0[0], installment_before, 1e-6 * installment_before);
  for (int m = 1; m <= 3; ++m) EXPECT_LT(due0[static_cast<std::size_t>(m)], 0.6 * installment_before) << m;
  // Then the instalment of the extended term, not above the one before.
  EXPECT_GT(due0[5], 0.6 * installment_before);
  EXPECT_LE(installment0[5], installment_before * (1 + 1e-9));
  EXPECT_GT(left0[5], 20.0 - 6.0 + 6.0 - 1.0);  // six months added; served: one before, one after the deferral
  const RunResult res = sim.result();
  const auto relief = res.programmes_monthly.numbers("relief_rp"), spent = res.programmes_monthly.numbers("spent_to_date_rp");
  double total_relief = 0;
  for (double x : relief) total_relief += x;
  EXPECT_GT(total_relief, 0.0);
  EXPECT_EQ(spent.back(), 0.0);
  const auto book = res.credit_book;
  const auto lender = book.numbers("lender"), restructured = book.numbers("restructured");
  double kur_restructured = 0;
  for (std::size_t k = 0; k < lender.size(); ++k)
    if (lender[k] == static_cast<double>(Lender::kur)) kur_restructured = std::max(kur_restructured, restructured[k]);
  EXPECT_EQ(kur_restructured, 2.0);
}

// Only affected debtors (a material loss to a shock, or arrears) qualify
// unless require_affected is 0; a restructured loan is current (its arrears
// cleared).
TEST(LoanRestructuring, OnlyAffectedDebtorsAndArrearsAreCleared) {
  Population pop = relief_firms();
  Scenario calm = test::quiet_scenario(3);
  test::refuse_all_credit(calm.params);
  Programme r = make("pojk11", ProgrammeKind::loan_restructuring, 0.0, {2020, 1}, {2020, 12});
  calm.programmes = {r};
  Simulation a(pop, calm);
  a.run();
  EXPECT_EQ(a.state().loan_restructured[0], 0) << "not affected";
  calm.programmes[0].params["require_affected"] = 0;
  Simulation b(pop, calm);
  b.step();
  EXPECT_EQ(b.state().loan_restructured[0], 1);
  // A debtor in arrears is affected; its arrears are cleared.
  pop.debt_arrears_rp[1] = 1e6;
  calm.programmes[0].params["require_affected"] = 1;
  Simulation c(pop, calm);
  c.step();
  EXPECT_EQ(c.state().loan_restructured[1], 1);
  EXPECT_EQ(c.state().loan_restructured[0], 0);
}

// The extra KUR interest subsidy (PEN 2020-2021): existing KUR loans (not in
// deep arrears) carry a rate lower by rate_points while the programme runs;
// the government pays the points on the balance each month; the full rate
// returns afterwards.
TEST(KurExtraSubsidy, LowersTheRateOfExistingKurLoansWhileItRuns) {
  Population pop = relief_firms();
  pop.debt_arrears_rp[1] = 10e6;  // many instalments overdue (and no cash to catch up): excluded
  pop.cash_rp[1] = 0.0;
  Scenario sc = relief_scenario(8);
  Programme k = make("kur plus", ProgrammeKind::kur_extra_subsidy, 1e9, {2020, 2}, {2020, 5});
  k.params["rate_points"] = 0.06;
  sc.programmes = {k};
  Simulation sim(pop, sc);
  std::vector<float> rate0, rate2;
  for (int m = 0; m < 8; ++m) {
    sim.step();
    rate0.push_back(sim.state().loan_rate_year[0]);
    rate2.push_back(sim.state().loan_rate_year[2]);
    EXPECT_EQ(sim.state().loan_rate_year[1], 0.06f) << "in arrears, month " << m;
  }
  EXPECT_EQ(rate0[0], 0.06f);
  for (int m = 1; m <= 4; ++m) EXPECT_EQ(rate0[static_cast<std::size_t>(m)], 0.0f) << m;
  EXPECT_EQ(rate0[5], 0.06f);  // the programme ended in May
  for (float r : rate2) EXPECT_EQ(r, 0.06f);  // a bank loan
  const RunResult r = sim.result();
  const auto transfer = r.programmes_monthly.numbers("transfer_rp");
  for (int m = 1; m <= 4; ++m) {
    EXPECT_GT(transfer[static_cast<std::size_t>(m)], 0.0);
    EXPECT_LT(transfer[static_cast<std::size_t>(m)], 12e6 * 0.06 / 12.0 + 1.0);  // the points on the balance
  }
  EXPECT_EQ(transfer[6], 0.0);
}

// BPUM (Banpres Produktif Usaha Mikro, 2020-2021): a one-off grant to micro
// firms without credit from a bank, KUR or a cooperative, kept in the
// business as working capital (the owner does not draw it).
TEST(Bpum, PaysMicroFirmsWithoutFormalCreditAndTheGrantStaysInTheBusiness) {
  std::vector<test::FirmInit> f(4);
  f[1].loan_principal_rp = 5e6;  // a KUR borrower
  f[1].loan_rate_year = 0.06f;
  f[1].loan_months_left = 10;
  f[1].loan_lender = Lender::kur;
  f[2].revenue_rp_month = 400e6;  // a medium firm
  f[2].assets_rp = 6e9;
  const Population pop = test::make_population({"r0"}, {"trade"}, f);
  Scenario sc = test::quiet_scenario(4);
  Scenario with = sc;
  Programme b = make("bpum", ProgrammeKind::bpum, 1e9, {2020, 1}, {2020, 1});
  with.programmes = {b};
  const RunResult a = run(pop, sc), r = run(pop, with);
  const auto paid = r.programme_payments.numbers("firm");
  std::vector<double> got(paid.begin(), paid.end());
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (std::vector<double>{0.0, 3.0}));
  const double amount = b.amount();
  EXPECT_EQ(amount, 2.4e6);
  // Firm 0's cash keeps the grant (quiet world: everything else the same).
  EXPECT_NEAR(r.firms.numbers("final_cash_rp")[0] - a.firms.numbers("final_cash_rp")[0], amount, 1.0);
  EXPECT_EQ(r.firms.numbers("final_cash_rp")[1], a.firms.numbers("final_cash_rp")[1]);
}

// Virtual RAT (docs/model.md §14): restrictions on gatherings block the
// members' meetings of a year; a cooperative that can meet online holds its
// meeting at its usual odds, counted as virtual.
TEST(VirtualRat, UnderRestrictionsOnlyCooperativesThatMeetOnlineHoldTheirMeeting) {
  static const Population pop = generate_population(presets::bogor_population_spec(20000), 11, 2);
  Scenario sc = test::covid_without_relief(12);
  sc.shocks.clear();
  sc.restrictions = {Restriction{{2020, 1}, {2020, 12}, 1.0, "psbb"}};
  Scenario with = sc;
  Programme v = make("rat online", ProgrammeKind::virtual_rat, 1e12, {2020, 1}, {2020, 6});
  v.params["due_only"] = 0;
  with.programmes = {v};
  RunOptions o;
  o.threads = 2;
  o.cooperative_panel = true;
  const RunResult a = run(pop, sc, o), b = run(pop, with, o);
  const auto held_a = a.cooperatives_monthly.numbers("rat_held"), held_b = b.cooperatives_monthly.numbers("rat_held");
  const auto virt_b = b.cooperatives_monthly.numbers("rat_virtual");
  const auto founded = a.cooperatives_monthly.numbers("founded");
  double founded_a = 0;
  for (double x : founded) founded_a += x;
  // Without the programme only the year's new cooperatives (founding
  // meetings) meet.
  EXPECT_EQ(held_a[11], founded_a);
  EXPECT_GT(held_b[11], held_a[11] + 100);
  EXPECT_GT(virt_b[11], 100);
  EXPECT_LE(virt_b[11], held_b[11]);
  EXPECT_GT(b.cooperatives_monthly.numbers("active")[11], a.cooperatives_monthly.numbers("active")[11]);
}

// North Sumatra (seed 001): of 11,917 cooperatives in the ministry's data,
// 93 held their annual meeting virtually during the pandemic. With
// physical meetings restricted through 2020 and 2021 and the share of
// cooperatives able to meet online that presets::kNorthSumatraVirtualRatShare
// sets (docs/model.md §14 derives it), the mechanism gives
// that figure: distinct cooperatives with a virtual meeting in the two
// years, mean of five seeds, within 15.
TEST(VirtualRat, ReproducesNorthSumatra93Of11917) {
  auto spec = presets::bogor_population_spec(2000);
  spec.cooperatives = presets::north_sumatra_cooperative_spec();
  spec.params.burn_in_months = 0;
  double total = 0;
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    const Population pop = generate_population(spec, seed, 2);
    Scenario sc = test::covid_without_relief(24);
    sc.shocks.clear();
    sc.restrictions = {Restriction{{2020, 3}, {2021, 12}, 1.0, "psbb-ppkm"}};
    RunOptions o;
    o.seed = seed;
    o.threads = 2;
    o.cooperative_panel = true;
    o.microdata = false;
    const RunResult r = run(pop, sc, o);
    const auto month = r.cooperatives_panel.numbers("month"), coop = r.cooperatives_panel.numbers("cooperative"),
               virt = r.cooperatives_panel.numbers("rat_virtual");
    std::vector<std::uint8_t> met(pop.cooperatives.size() + 1000, 0);
    for (std::size_t k = 0; k < virt.size(); ++k)
      if (virt[k] > 0 && (month[k] == 11 || month[k] == 23)) met.at(static_cast<std::size_t>(coop[k])) = 1;
    for (auto x : met) total += x;
  }
  EXPECT_NEAR(total / 5.0, 93.0, 15.0);
}

}  // namespace
}  // namespace msmesim
