// Shared helpers of the msmesim GoogleTest suite: small population specs, a
// builder for hand-made populations, quiet scenarios, bitwise comparison of
// result tables and a few state checks.
#pragma once

#include <gtest/gtest.h>

#include <msmesim/msmesim.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <ostream>
#include <sstream>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

namespace msmesim {
// Readable names of enum parameters in test output (found by ADL).
inline void PrintTo(Channel c, std::ostream* os) { *os << to_string(c); }
inline void PrintTo(SizeClass c, std::ostream* os) { *os << to_string(c); }
inline void PrintTo(ClassRegime r, std::ostream* os) { *os << to_string(r); }
}  // namespace msmesim

namespace msmesim::test {

// ---- population specs ------------------------------------------------------------

inline SectorSpec make_sector(std::string name, double weight, double variable_cost_share, double margin,
                              double wage_rp_month, double online_seller_share, double online_sales_share) {
  SectorSpec s;
  s.name = std::move(name);
  s.weight = weight;
  s.variable_cost_share = variable_cost_share;
  s.margin = margin;
  s.wage_rp_month = wage_rp_month;
  s.online_seller_share = online_seller_share;
  s.online_sales_share = online_sales_share;
  return s;
}

/// Three regions (weights 3:2:1) and three sectors (trade, food, clothing;
/// weights 5:3:2) with the default class parameters.
// Runs `fn`, expecting InvalidArgument; returns it for inspection.
template <class Fn>
InvalidArgument expect_invalid(Fn&& fn) {
  try {
    fn();
  } catch (const InvalidArgument& e) {
    return e;
  }
  ADD_FAILURE() << "no InvalidArgument thrown";
  return InvalidArgument("", "", "");
}

/// Test specs return the population as drawn (no burn-in): mechanism tests
/// need firms whose every attribute they know; the burn-in has tests of its
/// own (test_burn_in.cpp).
inline PopulationSpec small_spec(std::int64_t firms = 3000) {
  PopulationSpec spec;
  spec.name = "small-test";
  spec.firms = firms;
  spec.params.burn_in_months = 0;
  spec.regions = {{"north", 3.0}, {"central", 2.0}, {"south", 1.0}};
  spec.sectors = {make_sector("trade", 5.0, 0.70, 0.12, 1.8e6, 0.15, 0.30),
                  make_sector("food", 3.0, 0.55, 0.20, 2.0e6, 0.20, 0.30),
                  make_sector("clothing", 2.0, 0.55, 0.17, 2.2e6, 0.25, 0.40)};
  return spec;
}

// A small spec under PP 7/2021, with class means inside that regime's bounds
// and equal class weights (so every class is well represented).
inline PopulationSpec pp7_spec(std::int64_t firms) {
  PopulationSpec spec = small_spec(firms);
  spec.regime = ClassRegime::pp7_2021;
  for (auto& c : spec.classes) c.weight = 1.0;
  spec.set("micro_revenue_mean_rp_year", 500e6);
  spec.set("micro_assets_mean_rp", 300e6);
  spec.set("small_revenue_mean_rp_year", 5e9);
  spec.set("small_assets_mean_rp", 2e9);
  spec.set("medium_revenue_mean_rp_year", 25e9);
  spec.set("medium_assets_mean_rp", 7e9);
  return spec;
}

// ---- hand-built populations ----------------------------------------------------------

/// One firm of a hand-built population. Defaults describe a healthy micro
/// firm: Rp 10 M a month of sales, half of it inputs, Rp 1 M fixed cost.
struct FirmInit {
  std::uint16_t region = 0;
  std::uint8_t sector = 0;
  std::uint16_t workers = 1;
  double revenue_rp_month = 10e6;
  double assets_rp = 10e6;
  float variable_cost_share = 0.5f;
  double fixed_cost_rp_month = 1e6;
  double wage_rp_month = 2e6;
  float online_share = 0.0f;
  float owner_capability = 0.5f;
  std::uint8_t registered = 1;
  std::uint8_t ever_kur = 0;
  double cash_rp = 50e6;
  double loan_principal_rp = 0.0;
  float loan_rate_year = 0.0f;
  std::uint16_t loan_months_left = 0;
  Lender loan_lender = Lender::bank;
  std::int32_t cooperative = -1;
};

/// A population of the given firms; size classes follow Law 20/2008 (higher
/// of assets and turnover). Sectors have no seasonality.
inline Population make_population(const std::vector<std::string>& regions, const std::vector<std::string>& sectors,
                                  const std::vector<FirmInit>& firms, std::string name = "hand-built") {
  Population p;
  p.name = std::move(name);
  p.region_names = regions;
  p.sector_names = sectors;
  p.regime = ClassRegime::law20_2008;
  p.sector_seasonality.assign(sectors.size(), {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1});
  p.resize(firms.size());
  for (std::size_t i = 0; i < firms.size(); ++i) {
    const FirmInit& f = firms[i];
    p.region[i] = f.region;
    p.sector[i] = f.sector;
    p.workers[i] = f.workers;
    p.revenue_rp_month[i] = f.revenue_rp_month;
    p.assets_rp[i] = f.assets_rp;
    p.size_class[i] = static_cast<std::uint8_t>(
        classify(p.regime, ClassCriterion::higher_of, f.assets_rp, 12.0 * f.revenue_rp_month, f.workers));
    p.variable_cost_share[i] = f.variable_cost_share;
    p.fixed_cost_rp_month[i] = f.fixed_cost_rp_month;
    p.wage_rp_month[i] = f.wage_rp_month;
    p.online_share[i] = f.online_share;
    p.owner_capability[i] = f.owner_capability;
    p.registered[i] = f.registered;
    p.ever_kur[i] = f.ever_kur;
    p.cash_rp[i] = f.cash_rp;
    p.loan_principal_rp[i] = f.loan_principal_rp;
    p.loan_rate_year[i] = f.loan_rate_year;
    p.loan_months_left[i] = f.loan_months_left;
    p.loan_lender[i] = static_cast<std::uint8_t>(f.loan_lender);
    p.cooperative[i] = f.cooperative;
  }
  return p;
}

/// Every attribute of the cooperatives of `b` equals that of `a` exactly;
/// regions are compared by name (a loaded firm file numbers them in order of
/// first appearance).
inline void expect_same_cooperatives(const Population& a, const Population& b) {
  const Cooperatives& x = a.cooperatives;
  const Cooperatives& y = b.cooperatives;
  ASSERT_EQ(x.size(), y.size());
  std::size_t bad = 0;
  for (std::size_t c = 0; c < x.size() && bad < 5; ++c) {
    auto check = [&](bool same, const char* field) {
      if (same) return;
      ++bad;
      ADD_FAILURE() << "cooperative " << c << ": " << field << " did not round-trip";
    };
    check(a.region_names[x.region[c]] == b.region_names[y.region[c]], "region");
    check(x.type[c] == y.type[c], "type");
    check(x.members[c] == y.members[c], "members");
    check(x.own_capital_rp[c] == y.own_capital_rp[c], "own_capital_rp");
    check(x.deposits_rp[c] == y.deposits_rp[c], "deposits_rp");
    check(x.borrowed_rp[c] == y.borrowed_rp[c], "borrowed_rp");
    check(x.surplus_rp[c] == y.surplus_rp[c], "surplus_rp");
    check(x.cash_rp[c] == y.cash_rp[c], "cash_rp");
    check(x.loans_rp[c] == y.loans_rp[c], "loans_rp");
    check(x.arrears_rp[c] == y.arrears_rp[c], "arrears_rp");
    check(x.other_assets_rp[c] == y.other_assets_rp[c], "other_assets_rp");
    check(x.business_volume_rp_year[c] == y.business_volume_rp_year[c], "business_volume_rp_year");
    check(x.shu_rp_year[c] == y.shu_rp_year[c], "shu_rp_year");
    check(x.rat_history[c] == y.rat_history[c], "rat_history");
    check(x.active[c] == y.active[c], "active");
    check(x.healthy[c] == y.healthy[c], "healthy");
  }
}

// ---- scenarios ---------------------------------------------------------------------------

/// A scenario without randomness in revenue (no noise, no random walk), no
/// entry and no shocks: a firm's path depends only on its own numbers.
inline Scenario quiet_scenario(int months = 12) {
  Scenario sc;
  sc.name = "quiet";
  sc.start = {2020, 1};
  sc.months = months;
  sc.params.revenue_noise_sd = 0.0;
  sc.params.growth_sd_year = 0.0;
  sc.params.growth_drift_year = 0.0;
  sc.params.entry_rate_month = 0.0;
  sc.params.entry_refill_months = 0.0;
  // No exits but through the closure rule, no wear of assets (and so no
  // investment): each mechanism test sees only what it sets up.
  sc.params.owner_exit_rate_year_micro = 0.0;
  sc.params.owner_exit_rate_year_small = 0.0;
  sc.params.owner_exit_rate_year_medium = 0.0;
  sc.params.viability_income_share = 0.0;
  sc.params.unviable_grace_months = 120;
  sc.params.depreciation_rate_year = 0.0;
  return sc;
}

/// The Bogor COVID-19 preset without its national relief programmes
/// (restructuring, extra KUR subsidy, BPUM): a programme under test is
/// compared with no programme at all, and a shock's effect with no relief.
inline Scenario covid_without_relief(int months = 36) {
  Scenario sc = presets::bogor_covid19_scenario(months);
  sc.programmes.clear();
  return sc;
}

/// The COVID-19 shocks of the Bogor preset without their sector-specific
/// parts and without the input-output table, for populations with other
/// sectors.
inline Scenario generic_covid_scenario(int months = 36) {
  Scenario sc = covid_without_relief(months);
  sc.input_output.reset();
  for (auto& s : sc.shocks) {
    s.incidence_by_sector.clear();
    s.severity_by_sector.clear();
    s.target = {};
  }
  return sc;
}

/// No lender ever approves a loan.
inline void refuse_all_credit(FirmParams& p) {
  p.coop_approval = 0.0;
  p.kur_approval = 0.0;
  p.bank_approval = 0.0;
  p.informal_approval = 0.0;
}

/// A shock on one channel hitting every targeted firm with a fixed severity.
inline Shock fixed_shock(Channel channel, double severity, YearMonth onset = {2020, 3}, ShockProfile profile = {},
                         std::string name = "") {
  Shock s;
  s.name = std::move(name);
  s.channel = channel;
  s.onset = onset;
  s.profile = std::move(profile);
  s.incidence = 1.0;
  s.severity = SeverityDist::fixed(severity);
  return s;
}

// ---- bitwise comparison of results ------------------------------------------------------------

/// Adds a failure naming the first differing element unless the columns are
/// bitwise identical (name, unit, categories, type and every element; floating
/// point compared with memcmp, so -0.0 != 0.0 and NaN payloads count).
inline bool columns_identical(const Column& a, const Column& b, const std::string& where) {
  if (a.name != b.name) {
    ADD_FAILURE() << where << ": column names differ: '" << a.name << "' vs '" << b.name << "'";
    return false;
  }
  const std::string at = where + "." + a.name;
  if (a.unit != b.unit || a.categories != b.categories) {
    ADD_FAILURE() << at << ": unit or categories differ";
    return false;
  }
  if (a.data.index() != b.data.index()) {
    ADD_FAILURE() << at << ": element types differ";
    return false;
  }
  return std::visit(
      [&](const auto& va) -> bool {
        using V = std::decay_t<decltype(va)>;
        using T = typename V::value_type;
        const V& vb = std::get<V>(b.data);
        if (va.size() != vb.size()) {
          ADD_FAILURE() << at << ": " << va.size() << " vs " << vb.size() << " rows";
          return false;
        }
        for (std::size_t r = 0; r < va.size(); ++r) {
          bool same;
          if constexpr (std::is_same_v<T, std::string>) {
            same = va[r] == vb[r];
          } else {
            same = std::memcmp(&va[r], &vb[r], sizeof(T)) == 0;
          }
          if (!same) {
            std::ostringstream o;
            o.precision(17);
            o << at << ": row " << r << " differs: " << a.text(r) << " vs " << b.text(r);
            if constexpr (std::is_floating_point_v<T>) o << " (" << va[r] << " vs " << vb[r] << ")";
            ADD_FAILURE() << o.str();
            return false;
          }
        }
        return true;
      },
      a.data);
}

/// Every column of two tables, in order, bitwise.
inline bool tables_identical(const Table& a, const Table& b, const std::string& where) {
  if (a.columns.size() != b.columns.size()) {
    ADD_FAILURE() << where << ": " << a.columns.size() << " vs " << b.columns.size() << " columns";
    return false;
  }
  bool ok = true;
  for (std::size_t k = 0; k < a.columns.size(); ++k) ok = columns_identical(a.columns[k], b.columns[k], where) && ok;
  return ok;
}

/// All tables and the run's metadata except wall time and thread count.
inline bool results_identical(const RunResult& a, const RunResult& b) {
  bool ok = true;
  auto check = [&](bool same, const char* what) {
    if (!same) {
      ADD_FAILURE() << "RunResult." << what << " differs";
      ok = false;
    }
  };
  check(a.scenario == b.scenario, "scenario");
  check(a.population == b.population, "population");
  check(a.seed == b.seed, "seed");
  check(a.replication == b.replication, "replication");
  check(a.start == b.start, "start");
  check(a.months == b.months, "months");
  check(a.initial_firms == b.initial_firms, "initial_firms");
  check(a.initial_employment == b.initial_employment, "initial_employment");
  check(a.region_names == b.region_names, "region_names");
  check(a.sector_names == b.sector_names, "sector_names");
  check(a.class_transitions == b.class_transitions, "class_transitions");
  ok = tables_identical(a.monthly, b.monthly, "monthly") && ok;
  ok = tables_identical(a.by_sector, b.by_sector, "by_sector") && ok;
  ok = tables_identical(a.by_class, b.by_class, "by_class") && ok;
  ok = tables_identical(a.by_region, b.by_region, "by_region") && ok;
  ok = tables_identical(a.firms, b.firms, "firms") && ok;
  ok = tables_identical(a.cooperatives_monthly, b.cooperatives_monthly, "cooperatives_monthly") && ok;
  ok = tables_identical(a.cooperatives_by_type, b.cooperatives_by_type, "cooperatives_by_type") && ok;
  ok = tables_identical(a.cooperatives_by_region, b.cooperatives_by_region, "cooperatives_by_region") && ok;
  ok = tables_identical(a.cooperatives_panel, b.cooperatives_panel, "cooperatives_panel") && ok;
  ok = tables_identical(a.programmes_monthly, b.programmes_monthly, "programmes_monthly") && ok;
  ok = tables_identical(a.programme_ledger, b.programme_ledger, "programme_ledger") && ok;
  ok = tables_identical(a.programme_payments, b.programme_payments, "programme_payments") && ok;
  ok = tables_identical(a.programme_awards, b.programme_awards, "programme_awards") && ok;
  return ok;
}

/// Every attribute of two populations, bitwise.
inline bool populations_identical(const Population& a, const Population& b) {
  bool ok = a.name == b.name && a.region_names == b.region_names && a.sector_names == b.sector_names &&
            a.regime == b.regime && a.sector_seasonality == b.sector_seasonality && a.size() == b.size();
  if (!ok) {
    ADD_FAILURE() << "population names, regime, seasonality or size differ";
    return false;
  }
  auto same = [&](const auto& x, const auto& y, const char* what) {
    if (x.size() != y.size() || (!x.empty() && std::memcmp(x.data(), y.data(), x.size() * sizeof(x[0])) != 0)) {
      ADD_FAILURE() << "Population." << what << " differs";
      ok = false;
    }
  };
  same(a.region, b.region, "region");
  same(a.sector, b.sector, "sector");
  same(a.size_class, b.size_class, "size_class");
  same(a.workers, b.workers, "workers");
  same(a.revenue_rp_month, b.revenue_rp_month, "revenue_rp_month");
  same(a.assets_rp, b.assets_rp, "assets_rp");
  same(a.variable_cost_share, b.variable_cost_share, "variable_cost_share");
  same(a.fixed_cost_rp_month, b.fixed_cost_rp_month, "fixed_cost_rp_month");
  same(a.wage_rp_month, b.wage_rp_month, "wage_rp_month");
  same(a.online_share, b.online_share, "online_share");
  same(a.owner_capability, b.owner_capability, "owner_capability");
  same(a.registered, b.registered, "registered");
  same(a.ever_kur, b.ever_kur, "ever_kur");
  same(a.cash_rp, b.cash_rp, "cash_rp");
  same(a.loan_principal_rp, b.loan_principal_rp, "loan_principal_rp");
  same(a.loan_rate_year, b.loan_rate_year, "loan_rate_year");
  same(a.loan_months_left, b.loan_months_left, "loan_months_left");
  same(a.loan_lender, b.loan_lender, "loan_lender");
  same(a.cooperative, b.cooperative, "cooperative");
  return ok;
}

// ---- table access -----------------------------------------------------------------------------

/// A numeric column as doubles.
inline std::vector<double> col(const Table& t, std::string_view name) { return t.numbers(name); }

/// Text of element `row` of column `name` (categories resolved).
inline std::string text_at(const Table& t, std::string_view name, std::size_t row) {
  return t.column(name).text(row);
}

// ---- state checks -------------------------------------------------------------------------------

/// Names the first non-finite floating-point value among the first
/// `state.count` firms, or returns "" when all are finite.
inline std::string first_non_finite(const FirmState& st) {
  const std::size_t n = st.count;
  std::string bad;
  auto scan = [&](const auto& v, const char* what) {
    if (!bad.empty()) return;
    for (std::size_t i = 0; i < n; ++i)
      if (!std::isfinite(static_cast<double>(v[i]))) {
        bad = std::string(what) + "[" + std::to_string(i) + "] = " + std::to_string(static_cast<double>(v[i]));
        return;
      }
  };
  scan(st.assets_rp, "assets_rp");
  scan(st.base_revenue_rp, "base_revenue_rp");
  scan(st.variable_cost_share, "variable_cost_share");
  scan(st.fixed_cost_rp, "fixed_cost_rp");
  scan(st.wage_rp, "wage_rp");
  scan(st.online_share, "online_share");
  scan(st.owner_capability, "owner_capability");
  scan(st.level_rp, "level_rp");
  scan(st.expected_rp, "expected_rp");
  scan(st.cash_rp, "cash_rp");
  scan(st.payables_rp, "payables_rp");
  scan(st.receivables_rp, "receivables_rp");
  scan(st.loan_principal_rp, "loan_principal_rp");
  scan(st.loan_rate_year, "loan_rate_year");
  scan(st.loan_installment_rp, "loan_installment_rp");
  scan(st.informal_principal_rp, "informal_principal_rp");
  scan(st.informal_installment_rp, "informal_installment_rp");
  scan(st.revenue_window_rp, "revenue_window_rp");
  scan(st.revenue_total_rp, "revenue_total_rp");
  for (std::size_t k = 0; k < st.shock_severity.size(); ++k) scan(st.shock_severity[k], "shock_severity");
  return bad;
}

// ---- files ----------------------------------------------------------------------------------------

/// A fresh directory for the running test under the GoogleTest temp dir.
inline std::filesystem::path test_temp_dir() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string leaf = "msmesim_";
  leaf += info ? std::string(info->test_suite_name()) + "_" + info->name() : "test";
  for (char& c : leaf)
    if (c == '/') c = '_';
  const std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) / leaf;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace msmesim::test
