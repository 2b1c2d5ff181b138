#include "msmesim/population/population.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "core/annuity.hpp"
#include "core/distributions.hpp"
#include "population/firm_draw.hpp"
#include "core/parallel.hpp"
#include "msmesim/core/error.hpp"
#include "msmesim/core/rng.hpp"

namespace msmesim {

// ---- parameter tables -------------------------------------------------------

namespace {

#define MSMESIM_CLASS_ROW(name, d0, d1, d2, lo, hi, unit, integer, desc, source) \
  ParamInfo{#name, d0, lo, hi, unit, static_cast<bool>(integer), desc, source},
constexpr ParamInfo kClassTable[] = {MSMESIM_CLASS_PARAMS(MSMESIM_CLASS_ROW)};
#undef MSMESIM_CLASS_ROW
#define MSMESIM_CLASS_MEMBER(name, d0, d1, d2, lo, hi, unit, integer, desc, source) &ClassSpec::name,
constexpr double ClassSpec::* kClassMembers[] = {MSMESIM_CLASS_PARAMS(MSMESIM_CLASS_MEMBER)};
#undef MSMESIM_CLASS_MEMBER
#define MSMESIM_CLASS_DEFAULTS(name, d0, d1, d2, lo, hi, unit, integer, desc, source) \
  std::array<double, kMsmeClasses>{d0, d1, d2},
constexpr std::array<double, kMsmeClasses> kClassDefaults[] = {
    MSMESIM_CLASS_PARAMS(MSMESIM_CLASS_DEFAULTS)};
#undef MSMESIM_CLASS_DEFAULTS

#define MSMESIM_POP_ROW(name, def, lo, hi, unit, integer, desc, source) \
  ParamInfo{#name, def, lo, hi, unit, static_cast<bool>(integer), desc, source},
constexpr ParamInfo kPopTable[] = {MSMESIM_POPULATION_PARAMS(MSMESIM_POP_ROW)};
#undef MSMESIM_POP_ROW
#define MSMESIM_POP_MEMBER(name, def, lo, hi, unit, integer, desc, source) &PopulationParams::name,
constexpr double PopulationParams::* kPopMembers[] = {MSMESIM_POPULATION_PARAMS(MSMESIM_POP_MEMBER)};
#undef MSMESIM_POP_MEMBER

#define MSMESIM_SECTOR_ROW(name, lo, hi, unit, desc) \
  ParamInfo{#name, 0.0, lo, hi, unit, false, desc, "Preset (see docs/model.md)"},
constexpr ParamInfo kSectorTable[] = {MSMESIM_SECTOR_PARAMS(MSMESIM_SECTOR_ROW)};
#undef MSMESIM_SECTOR_ROW
#define MSMESIM_SECTOR_MEMBER(name, lo, hi, unit, desc) &SectorSpec::name,
constexpr double SectorSpec::* kSectorMembers[] = {MSMESIM_SECTOR_PARAMS(MSMESIM_SECTOR_MEMBER)};
#undef MSMESIM_SECTOR_MEMBER

constexpr std::array<const char*, kMsmeClasses> kClassPrefix = {"micro_", "small_", "medium_"};

int find_row(std::span<const ParamInfo> table, std::string_view name) {
  for (std::size_t i = 0; i < table.size(); ++i)
    if (table[i].name == name) return static_cast<int>(i);
  return -1;
}

std::string in_quotes(std::string_view s) { return "'" + std::string(s) + "'"; }

}  // namespace

std::span<const ParamInfo> class_param_table() { return kClassTable; }
std::span<const ParamInfo> population_param_table() { return kPopTable; }
std::span<const ParamInfo> sector_param_table() { return kSectorTable; }

std::array<double, kMsmeClasses> class_param_defaults(std::string_view name) {
  int r = find_row(kClassTable, name);
  if (r < 0) throw InvalidArgument("class parameter", in_quotes(name), "a class parameter name");
  return kClassDefaults[r];
}

std::array<ClassSpec, kMsmeClasses> PopulationSpec::default_classes() {
  std::array<ClassSpec, kMsmeClasses> out{};
  for (std::size_t r = 0; r < std::size(kClassTable); ++r)
    for (int c = 0; c < kMsmeClasses; ++c) out[c].*kClassMembers[r] = kClassDefaults[r][c];
  return out;
}

// ---- by-name access --------------------------------------------------------

std::vector<std::string> PopulationSpec::parameter_names() const {
  std::vector<std::string> names;
  for (const auto& row : kPopTable) names.emplace_back(row.name);
  for (int c = 0; c < kMsmeClasses; ++c)
    for (const auto& row : kClassTable) names.push_back(kClassPrefix[c] + std::string(row.name));
  for (const auto& s : sectors)
    for (const auto& row : kSectorTable) names.push_back("sector." + s.name + "." + std::string(row.name));
  return names;
}

namespace {
// Resolves a flat name to a pointer into the spec and its table row.
template <class Spec>
auto resolve(Spec& spec, std::string_view name) -> std::pair<decltype(&spec.params.registered_share), const ParamInfo*> {
  if (int r = find_row(kPopTable, name); r >= 0) return {&(spec.params.*kPopMembers[r]), &kPopTable[r]};
  for (int c = 0; c < kMsmeClasses; ++c) {
    std::string_view prefix = kClassPrefix[c];
    if (name.substr(0, prefix.size()) == prefix) {
      if (int r = find_row(kClassTable, name.substr(prefix.size())); r >= 0)
        return {&(spec.classes[c].*kClassMembers[r]), &kClassTable[r]};
    }
  }
  if (name.substr(0, 7) == "sector.") {
    auto rest = name.substr(7);
    auto dot = rest.rfind('.');
    if (dot != std::string_view::npos) {
      auto sname = rest.substr(0, dot);
      auto field = rest.substr(dot + 1);
      for (auto& s : spec.sectors)
        if (s.name == sname)
          if (int r = find_row(kSectorTable, field); r >= 0)
            return {&(s.*kSectorMembers[r]), &kSectorTable[r]};
    }
  }
  std::vector<std::string> all = spec.parameter_names();
  std::vector<std::string_view> views(all.begin(), all.end());
  throw InvalidArgument("population parameter", in_quotes(name),
                        "a name listed in docs/parameters.md" + did_you_mean(name, views));
}
}  // namespace

double PopulationSpec::get(std::string_view key) const {
  auto& self = const_cast<PopulationSpec&>(*this);
  return *resolve(self, key).first;
}

void PopulationSpec::set(std::string_view key, double value) {
  auto [ptr, row] = resolve(*this, key);
  validate_param(*row, value, std::string(key));
  *ptr = value;
}

// ---- validation ---------------------------------------------------------------

void PopulationSpec::validate() const {
  detail::require_range("firms", firms, std::int64_t{1}, kMaxFirms);
  if (regions.empty())
    throw InvalidArgument("regions", "an empty list", "at least one region");
  if (regions.size() > 65535)
    throw InvalidArgument("regions", std::to_string(regions.size()) + " regions", "at most 65535");
  std::set<std::string> seen;
  double region_weight = 0;
  for (std::size_t i = 0; i < regions.size(); ++i) {
    const auto& r = regions[i];
    const std::string f = "regions[" + std::to_string(i) + "]";
    if (r.name.empty()) throw InvalidArgument(f + ".name", "''", "a non-empty name");
    if (!seen.insert(r.name).second)
      throw InvalidArgument(f + ".name", in_quotes(r.name), "a name not used by another region");
    detail::require_range(f + ".weight", r.weight, 0.0, kInf);
    region_weight += r.weight;
  }
  if (!(region_weight > 0))
    throw InvalidArgument("regions.weight", "all zero", "at least one positive weight");
  if (sectors.empty()) throw InvalidArgument("sectors", "an empty list", "at least one sector");
  if (sectors.size() > 255)
    throw InvalidArgument("sectors", std::to_string(sectors.size()) + " sectors", "at most 255");
  seen.clear();
  double sector_weight = 0;
  for (std::size_t i = 0; i < sectors.size(); ++i) {
    const auto& s = sectors[i];
    const std::string f = "sector." + (s.name.empty() ? std::to_string(i) : s.name);
    if (s.name.empty()) throw InvalidArgument("sectors[" + std::to_string(i) + "].name", "''", "a non-empty name");
    if (!seen.insert(s.name).second)
      throw InvalidArgument(f + ".name", in_quotes(s.name), "a name not used by another sector");
    for (std::size_t r = 0; r < std::size(kSectorTable); ++r)
      validate_param(kSectorTable[r], s.*kSectorMembers[r], f + "." + std::string(kSectorTable[r].name));
    if (s.variable_cost_share + s.margin + params.fixed_cost_min_share >= 1.0)
      throw InvalidArgument(f + ".margin", detail::format_value(s.margin),
                            "less than 1 - variable_cost_share - fixed_cost_min_share = " +
                                detail::format_value(1.0 - s.variable_cost_share - params.fixed_cost_min_share));
    for (int m = 0; m < 12; ++m)
      detail::require_range(f + ".seasonality[" + std::to_string(m) + "]", s.seasonality[m], 1e-9, 100.0);
    sector_weight += s.weight;
  }
  if (!(sector_weight > 0))
    throw InvalidArgument("sectors.weight", "all zero", "at least one positive weight");
  cooperatives.validate(regions.size());
  firm_params.validate();
  for (std::size_t r = 0; r < std::size(kPopTable); ++r)
    validate_param(kPopTable[r], params.*kPopMembers[r], std::string(kPopTable[r].name));
  double class_weight = 0;
  const auto& th = class_thresholds(regime);
  for (int c = 0; c < kMsmeClasses; ++c) {
    for (std::size_t r = 0; r < std::size(kClassTable); ++r)
      validate_param(kClassTable[r], classes[c].*kClassMembers[r], kClassPrefix[c] + std::string(kClassTable[r].name));
    class_weight += classes[c].weight;
    if (classes[c].weight <= 0) continue;
    const auto sc = static_cast<SizeClass>(c);
    auto inside = [&](const std::string& field, double v, double lo, double hi) {
      if (!(v > lo && v <= hi))
        throw InvalidArgument(field, detail::format_value(v),
                              "a value in (" + detail::format_value(lo) + ", " + detail::format_value(hi) +
                                  "], the class bounds under " + std::string(to_string(regime)));
    };
    inside(kClassPrefix[c] + std::string("revenue_mean_rp_year"), classes[c].revenue_mean_rp_year,
           turnover_lower_rp_year(regime, sc), th.turnover_max_rp_year[c]);
    inside(kClassPrefix[c] + std::string("assets_mean_rp"), classes[c].assets_mean_rp,
           assets_lower_rp(regime, sc), th.assets_max_rp[c]);
    const int wlo = c == 0 ? 1 : th.workers_max[c - 1] + 1;
    if (!(classes[c].workers_mean >= wlo && classes[c].workers_mean <= th.workers_max[c]))
      throw InvalidArgument(kClassPrefix[c] + std::string("workers_mean"),
                            detail::format_value(classes[c].workers_mean),
                            "a value in [" + std::to_string(wlo) + ", " + std::to_string(th.workers_max[c]) +
                                "], the BPS worker bounds of the class");
  }
  if (!(class_weight > 0))
    throw InvalidArgument("class weights", "all zero", "at least one positive class weight");
  if (regime == ClassRegime::bps_workers)
    throw InvalidArgument("regime", "'bps_workers'",
                          "law20_2008 or pp7_2021 (generation needs monetary class bounds)");
}

// ---- Population ---------------------------------------------------------------

void Population::resize(std::size_t n) {
  region.resize(n);
  sector.resize(n);
  size_class.resize(n);
  workers.resize(n);
  revenue_rp_month.resize(n);
  assets_rp.resize(n);
  variable_cost_share.resize(n);
  fixed_cost_rp_month.resize(n);
  wage_rp_month.resize(n);
  online_share.resize(n);
  owner_capability.resize(n);
  registered.resize(n);
  ever_kur.resize(n);
  cash_rp.resize(n);
  loan_principal_rp.resize(n);
  loan_rate_year.resize(n);
  loan_months_left.resize(n);
  loan_lender.resize(n);
  cooperative.resize(n, -1);
  base_workers.resize(n);
  revenue_level_rp.resize(n);
  expected_revenue_rp.resize(n);
  capital_intensity.resize(n);
  cash_target_months.resize(n, -1.0f);
  loan_term_months.resize(n);
  loan_installment_rp.resize(n);
  informal_principal_rp.resize(n);
  informal_months_left.resize(n);
  informal_installment_rp.resize(n);
  debt_arrears_rp.resize(n);
  payables_rp.resize(n);
  owner_owed_rp.resize(n);
  months_unable.resize(n);
  months_low_income.resize(n);
  age_months.resize(n, -1);
}

std::size_t Population::memory_bytes() const {
  auto b = [](const auto& v) { return v.size() * sizeof(v[0]); };
  return b(region) + b(sector) + b(size_class) + b(workers) + b(revenue_rp_month) + b(assets_rp) +
         b(variable_cost_share) + b(fixed_cost_rp_month) + b(wage_rp_month) + b(online_share) +
         b(owner_capability) + b(registered) + b(ever_kur) + b(cash_rp) + b(loan_principal_rp) +
         b(loan_rate_year) + b(loan_months_left) + b(loan_lender) + b(cooperative) + b(base_workers) +
         b(revenue_level_rp) + b(expected_revenue_rp) + b(capital_intensity) + b(cash_target_months) +
         b(loan_term_months) + b(loan_installment_rp) + b(informal_principal_rp) + b(informal_months_left) +
         b(informal_installment_rp) + b(debt_arrears_rp) + b(payables_rp) + b(owner_owed_rp) + b(months_unable) +
         b(months_low_income) + b(age_months) + cooperatives.memory_bytes();
}

namespace {
std::string list_names(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i) out += ", ";
    if (i == 60 && names.size() > 64) {
      out += "... (" + std::to_string(names.size()) + " in all)";
      break;
    }
    out += names[i];
  }
  return out;
}
std::size_t index_in(const std::vector<std::string>& names, std::string_view name, const std::string& field,
                     const char* what) {
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return i;
  std::vector<std::string_view> views(names.begin(), names.end());
  throw InvalidArgument(field, in_quotes(name),
                        std::string("a ") + what + " of the population: " + list_names(names) +
                            did_you_mean(name, views));
}
}  // namespace

std::size_t Population::region_index(std::string_view key, const std::string& field) const {
  return index_in(region_names, key, field, "region");
}
std::size_t Population::sector_index(std::string_view key, const std::string& field) const {
  return index_in(sector_names, key, field, "sector");
}

void Population::validate() const {
  const std::size_t n = size();
  auto check_len = [&](std::size_t len, const char* field) {
    if (len != n)
      throw InvalidArgument(field, std::to_string(len) + " values",
                            std::to_string(n) + " values, one per firm (as many as 'region')");
  };
  check_len(sector.size(), "sector");
  check_len(size_class.size(), "size_class");
  check_len(workers.size(), "workers");
  check_len(revenue_rp_month.size(), "revenue_rp_month");
  check_len(assets_rp.size(), "assets_rp");
  check_len(variable_cost_share.size(), "variable_cost_share");
  check_len(fixed_cost_rp_month.size(), "fixed_cost_rp_month");
  check_len(wage_rp_month.size(), "wage_rp_month");
  check_len(online_share.size(), "online_share");
  check_len(owner_capability.size(), "owner_capability");
  check_len(registered.size(), "registered");
  check_len(ever_kur.size(), "ever_kur");
  check_len(cash_rp.size(), "cash_rp");
  check_len(loan_principal_rp.size(), "loan_principal_rp");
  check_len(loan_rate_year.size(), "loan_rate_year");
  check_len(loan_months_left.size(), "loan_months_left");
  check_len(loan_lender.size(), "loan_lender");
  check_len(cooperative.size(), "cooperative");
  check_len(base_workers.size(), "base_workers");
  check_len(revenue_level_rp.size(), "revenue_level_rp");
  check_len(expected_revenue_rp.size(), "expected_revenue_rp");
  check_len(capital_intensity.size(), "capital_intensity");
  check_len(cash_target_months.size(), "cash_target_months");
  check_len(loan_term_months.size(), "loan_term_months");
  check_len(loan_installment_rp.size(), "loan_installment_rp");
  check_len(informal_principal_rp.size(), "informal_principal_rp");
  check_len(informal_months_left.size(), "informal_months_left");
  check_len(informal_installment_rp.size(), "informal_installment_rp");
  check_len(debt_arrears_rp.size(), "debt_arrears_rp");
  check_len(payables_rp.size(), "payables_rp");
  check_len(owner_owed_rp.size(), "owner_owed_rp");
  check_len(months_unable.size(), "months_unable");
  check_len(months_low_income.size(), "months_low_income");
  check_len(age_months.size(), "age_months");
  if (n == 0) throw InvalidArgument("population", "0 firms", "at least one firm");
  cooperatives.validate(region_names.size());
  if (static_cast<std::int64_t>(n) > kMaxFirms)
    throw InvalidArgument("population", std::to_string(n) + " firms", "at most " + std::to_string(kMaxFirms));
  if (region_names.empty() || region_names.size() > 65535)
    throw InvalidArgument("region_names", std::to_string(region_names.size()) + " names", "1 to 65535 names");
  if (sector_names.empty() || sector_names.size() > 255)
    throw InvalidArgument("sector_names", std::to_string(sector_names.size()) + " names", "1 to 255 names");
  if (sector_seasonality.size() != sector_names.size())
    throw InvalidArgument("sector_seasonality", std::to_string(sector_seasonality.size()) + " rows",
                          "one row per sector (" + std::to_string(sector_names.size()) + ")");
  for (std::size_t s = 0; s < sector_seasonality.size(); ++s)
    for (int m = 0; m < 12; ++m)
      detail::require_range("sector_seasonality[" + std::to_string(s) + "][" + std::to_string(m) + "]",
                            sector_seasonality[s][m], 1e-9, 100.0);
  for (std::size_t i = 0; i < n; ++i) {
    // The field name is built only on failure: this loop runs over every
    // firm at the start of every run.
    auto fail = [i](const char* field, const std::string& value, const std::string& allowed) {
      throw InvalidArgument("firms[" + std::to_string(i) + "]." + field, value, allowed);
    };
    if (region[i] >= region_names.size())
      fail("region", std::to_string(region[i]), "an index below " + std::to_string(region_names.size()));
    if (sector[i] >= sector_names.size())
      fail("sector", std::to_string(sector[i]), "an index below " + std::to_string(sector_names.size()));
    if (size_class[i] >= kSizeClasses) fail("size_class", std::to_string(size_class[i]), "0 (micro) to 3 (large)");
    if (workers[i] < 1) fail("workers", std::to_string(workers[i]), "an integer >= 1 (the owner counts)");
    if (!(std::isfinite(revenue_rp_month[i]) && revenue_rp_month[i] > 0))
      fail("revenue_rp_month", detail::format_value(revenue_rp_month[i]), "a finite number > 0");
    if (!(std::isfinite(assets_rp[i]) && assets_rp[i] >= 0))
      fail("assets_rp", detail::format_value(assets_rp[i]), "a finite number >= 0");
    if (!(variable_cost_share[i] >= 0 && variable_cost_share[i] < 1))
      fail("variable_cost_share", detail::format_value(variable_cost_share[i]), "a share in [0, 1)");
    if (!(std::isfinite(fixed_cost_rp_month[i]) && fixed_cost_rp_month[i] >= 0))
      fail("fixed_cost_rp_month", detail::format_value(fixed_cost_rp_month[i]), "a finite number >= 0");
    if (!(std::isfinite(wage_rp_month[i]) && wage_rp_month[i] >= 0))
      fail("wage_rp_month", detail::format_value(wage_rp_month[i]), "a finite number >= 0");
    if (!(online_share[i] >= 0 && online_share[i] <= 1))
      fail("online_share", detail::format_value(online_share[i]), "a share in [0, 1]");
    if (!(owner_capability[i] >= 0 && owner_capability[i] <= 1))
      fail("owner_capability", detail::format_value(owner_capability[i]), "a value in [0, 1]");
    if (registered[i] > 1) fail("registered", std::to_string(registered[i]), "0 or 1");
    if (ever_kur[i] > 1) fail("ever_kur", std::to_string(ever_kur[i]), "0 or 1");
    if (!(std::isfinite(cash_rp[i]) && cash_rp[i] >= 0))
      fail("cash_rp", detail::format_value(cash_rp[i]), "a finite number >= 0");
    if (!(std::isfinite(loan_principal_rp[i]) && loan_principal_rp[i] >= 0))
      fail("loan_principal_rp", detail::format_value(loan_principal_rp[i]), "a finite number >= 0");
    if (!(loan_rate_year[i] >= 0 && loan_rate_year[i] <= 5))
      fail("loan_rate_year", detail::format_value(loan_rate_year[i]), "a rate in [0, 5] per year");
    if (loan_lender[i] >= kLenders) fail("loan_lender", std::to_string(loan_lender[i]), "0 to 3");
    if (loan_principal_rp[i] > 0 && loan_months_left[i] < 1)
      fail("loan_months_left", std::to_string(loan_months_left[i]), "at least 1 while a loan is outstanding");
    auto money = [&](const char* field, double v) {
      if (!(std::isfinite(v) && v >= 0)) fail(field, detail::format_value(v), "a finite number >= 0");
    };
    money("revenue_level_rp", revenue_level_rp[i]);
    money("expected_revenue_rp", expected_revenue_rp[i]);
    money("loan_installment_rp", loan_installment_rp[i]);
    money("informal_principal_rp", informal_principal_rp[i]);
    money("informal_installment_rp", informal_installment_rp[i]);
    money("debt_arrears_rp", debt_arrears_rp[i]);
    money("payables_rp", payables_rp[i]);
    money("owner_owed_rp", owner_owed_rp[i]);
    if (!(std::isfinite(capital_intensity[i]) && capital_intensity[i] >= 0 && capital_intensity[i] <= 1e4))
      fail("capital_intensity", detail::format_value(capital_intensity[i]), "a number in [0, 10000] (0: derived)");
    if (!(cash_target_months[i] <= 1200) || std::isnan(cash_target_months[i]))
      fail("cash_target_months", detail::format_value(cash_target_months[i]), "at most 1200 months (< 0: derived)");
    if (loan_principal_rp[i] > 0 && loan_term_months[i] != 0 && loan_term_months[i] < loan_months_left[i])
      fail("loan_term_months", std::to_string(loan_term_months[i]),
           "0 or at least loan_months_left (" + std::to_string(loan_months_left[i]) + ")");
    if (informal_principal_rp[i] > 0 && informal_months_left[i] < 1)
      fail("informal_months_left", std::to_string(informal_months_left[i]),
           "at least 1 while an informal loan is outstanding");
    if (debt_arrears_rp[i] > loan_principal_rp[i] + informal_principal_rp[i] + 0.5)
      fail("debt_arrears_rp", detail::format_value(debt_arrears_rp[i]),
           "at most the loans outstanding (" + detail::format_value(loan_principal_rp[i] + informal_principal_rp[i]) +
               "): overdue service is part of a loan");
    if (age_months[i] < -1) fail("age_months", std::to_string(age_months[i]), "-1 (established) or an age >= 0");
    if (cooperative[i] < -1 || cooperative[i] >= static_cast<std::int64_t>(cooperatives.size()))
      fail("cooperative", std::to_string(cooperative[i]),
           cooperatives.empty() ? std::string("-1 (the population has no cooperatives)")
                                : "-1 (none) or a cooperative index from 0 to " + std::to_string(cooperatives.size() - 1));
  }
  // What member firms owe their cooperative is part of its loan book.
  if (!cooperatives.empty()) {
    std::vector<double> owed(cooperatives.size(), 0.0);
    for (std::size_t i = 0; i < n; ++i)
      if (cooperative[i] >= 0 && loan_lender[i] == static_cast<std::uint8_t>(Lender::cooperative))
        owed[static_cast<std::size_t>(cooperative[i])] += loan_principal_rp[i];
    for (std::size_t c = 0; c < owed.size(); ++c)
      if (owed[c] > cooperatives.loans_rp[c] * (1.0 + 1e-9) + 1.0)
        throw InvalidArgument("cooperatives[" + std::to_string(c) + "].loans_rp",
                              detail::format_value(cooperatives.loans_rp[c]),
                              "at least what its member firms owe it (" + detail::format_value(owed[c]) +
                                  ", their loan_principal_rp with loan_lender 0): their loans are part of its book");
  }
}

// ---- generation ------------------------------------------------------------------

namespace {

template <class T>
void shuffle_labels(std::vector<T>& labels, const RandomStream& rng, Purpose purpose) {
  // Fisher-Yates driven by counter-based draws: label i swaps with j <= i.
  for (std::size_t i = labels.size(); i-- > 1;) {
    const auto w = rng.words(static_cast<std::uint32_t>(i), kNoMonth, purpose);
    const auto j = static_cast<std::size_t>((static_cast<std::uint64_t>(w[0]) * (i + 1)) >> 32);
    std::swap(labels[i], labels[j]);
  }
}

double remaining_balance(double principal, double rate_year, int term, int months_left) {
  const double r = rate_year / 12.0;
  if (r <= 0) return principal * months_left / term;
  const double inst = principal * r / (1.0 - std::pow(1.0 + r, -term));
  return inst * (1.0 - std::pow(1.0 + r, -months_left)) / r;
}

}  // namespace

Population generate_population(const PopulationSpec& spec, std::uint64_t seed, int threads) {
  spec.validate();
  {
    // Refuse before allocating: the attributes and the draws' scratch.
    Population one;
    one.resize(1);
    const auto per_firm = static_cast<std::int64_t>(one.memory_bytes()) + 48;
    detail::require_bytes("firms", std::to_string(spec.firms), spec.firms * per_firm,
                          "a population of " + std::to_string(spec.firms) + " firms (" + std::to_string(per_firm) +
                              " bytes a firm)");
  }
  const auto n = static_cast<std::size_t>(spec.firms);
  const RandomStream rng{seed, 0};
  const auto& P = spec.params;

  Population pop;
  pop.name = spec.name;
  pop.regime = spec.regime;
  for (const auto& r : spec.regions) pop.region_names.push_back(r.name);
  for (const auto& s : spec.sectors) {
    pop.sector_names.push_back(s.name);
    pop.sector_seasonality.push_back(s.seasonality);
  }
  pop.resize(n);

  // Exact marginal counts: regions in blocks, sectors and classes shuffled.
  std::vector<double> w;
  for (const auto& r : spec.regions) w.push_back(r.weight);
  auto region_counts = detail::apportion(spec.firms, w);
  std::size_t pos = 0;
  for (std::size_t r = 0; r < region_counts.size(); ++r)
    for (std::int64_t k = 0; k < region_counts[r]; ++k) pop.region[pos++] = static_cast<std::uint16_t>(r);

  w.clear();
  for (const auto& s : spec.sectors) w.push_back(s.weight);
  auto sector_counts = detail::apportion(spec.firms, w);
  pos = 0;
  for (std::size_t s = 0; s < sector_counts.size(); ++s)
    for (std::int64_t k = 0; k < sector_counts[s]; ++k) pop.sector[pos++] = static_cast<std::uint8_t>(s);
  shuffle_labels(pop.sector, rng, Purpose::gen_sector);

  w.clear();
  for (const auto& c : spec.classes) w.push_back(c.weight);
  auto class_counts = detail::apportion(spec.firms, w);
  pos = 0;
  for (int c = 0; c < kMsmeClasses; ++c)
    for (std::int64_t k = 0; k < class_counts[c]; ++k) pop.size_class[pos++] = static_cast<std::uint8_t>(c);
  shuffle_labels(pop.size_class, rng, Purpose::gen_class);

  // Every firm is drawn by the drawer that also draws a run's entrants.
  const detail::FirmDrawer drawer(spec);
  const FirmParams& F = spec.firm_params;
  const detail::Annuity kur_annuity(P.initial_kur_rate_year, static_cast<int>(P.initial_kur_term_months));
  const detail::Annuity bank_annuity(P.initial_bank_rate_year, static_cast<int>(P.initial_bank_term_months));
  detail::parallel_chunks(n, 16384, detail::resolve_threads(threads), [&](int, std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) {
      const auto id = static_cast<std::uint32_t>(i);
      const int c = pop.size_class[i];
      const auto& cs = spec.classes[static_cast<std::size_t>(c)];
      const detail::FirmDraw f = drawer.draw(rng, id, kNoMonth, c, pop.sector[i]);
      const double revenue = f.revenue_rp_month;
      const double outflows = f.outflows_rp();

      // A loan outstanding at the start, within the repayment capacity every
      // new loan must respect (docs/model.md §5): its installment is at most
      // max_debt_service_share of the firm's pre-shock profit.
      const auto ul = rng.uniforms(id, kNoMonth, Purpose::gen_loan);
      std::uint8_t ever_kur = f.ever_kur;
      double principal = 0;
      float rate = 0;
      std::uint16_t months_left = 0, term_months = 0;
      double installment = 0;
      std::uint8_t lender = static_cast<std::uint8_t>(Lender::bank);
      const double profit = revenue * (1.0 - f.variable_cost_share - f.online_share * F.shipping_cost_share) -
                            (f.workers - 1) * f.wage_rp_month - f.fixed_cost_rp_month;
      if (ul[0] < cs.formal_loan_share && cs.loan_revenue_months > 0 && profit > 0) {
        const bool kur = ul[1] < cs.kur_share_of_formal;
        lender = static_cast<std::uint8_t>(kur ? Lender::kur : Lender::bank);
        const double r = kur ? P.initial_kur_rate_year : P.initial_bank_rate_year;
        const int term = static_cast<int>(kur ? P.initial_kur_term_months : P.initial_bank_term_months);
        const int left = 1 + std::min(term - 1, static_cast<int>(ul[2] * term));
        const detail::Annuity& annuity = kur ? kur_annuity : bank_annuity;
        const double original =
            std::min(cs.loan_revenue_months * revenue, F.max_debt_service_share * profit / annuity.installment(1.0));
        principal = remaining_balance(original, r, term, left);
        rate = static_cast<float>(r);
        months_left = static_cast<std::uint16_t>(left);
        term_months = static_cast<std::uint16_t>(term);
        installment = annuity.installment(original);
        if (kur) ever_kur = 1;
      }

      pop.workers[i] = static_cast<std::uint16_t>(f.workers);
      pop.revenue_rp_month[i] = revenue;
      pop.assets_rp[i] = f.assets_rp;
      pop.variable_cost_share[i] = static_cast<float>(f.variable_cost_share);
      pop.fixed_cost_rp_month[i] = f.fixed_cost_rp_month;
      pop.wage_rp_month[i] = f.wage_rp_month;
      pop.online_share[i] = static_cast<float>(f.online_share);
      pop.owner_capability[i] = static_cast<float>(f.owner_capability);
      pop.registered[i] = f.registered;
      pop.ever_kur[i] = ever_kur;
      pop.cash_rp[i] = f.cash_months * outflows;
      pop.cash_target_months[i] = static_cast<float>(f.cash_months);
      // Assets wear between purchases (docs/model.md §5): a firm drawn at a
      // uniform point of its replacement cycle has worn its assets below its
      // target by that much, so that the firms do not all buy together.
      {
        const double wear = F.depreciation_rate_year / 12.0;
        const double cycle = wear > 0.0 && F.investment_trigger > 0.0
                                 ? std::log(1.0 - F.investment_trigger) / std::log(1.0 - wear)
                                 : 0.0;
        const double phase = rng.uniforms(static_cast<std::uint32_t>(i), kNoMonth, Purpose::gen_asset_phase)[0];
        const double kept = cycle > 0.0 ? std::pow(1.0 - wear, phase * cycle) : 1.0;
        pop.capital_intensity[i] = static_cast<float>(f.assets_rp / (revenue * kept));
      }
      pop.loan_principal_rp[i] = principal;
      pop.loan_rate_year[i] = rate;
      pop.loan_months_left[i] = months_left;
      pop.loan_term_months[i] = term_months;
      pop.loan_installment_rp[i] = installment;
      pop.loan_lender[i] = lender;
      pop.cooperative[i] = -1;
    }
  });
  pop.entry_spec = spec;
  generate_cooperatives(spec, seed, pop);
  if (spec.params.burn_in_months > 0)
    burn_in(pop, spec.firm_params, static_cast<int>(spec.params.burn_in_months), seed, threads);
  return pop;
}

}  // namespace msmesim
