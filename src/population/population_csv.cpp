// Reading and writing firm registries as CSV (RFC 4180: comma-separated,
// double-quoted fields may contain commas, quotes and newlines; the reader is
// in detail/csv.cpp). Cooperatives and memberships: cooperative_csv.cpp.
#include <limits>
#include <map>

#include "io/csv.hpp"
#include "msmesim/core/error.hpp"
#include "msmesim/population/population.hpp"

namespace msmesim {

namespace csv = detail::csv;

namespace {

// Column definitions: required or optional (defaults are in docs/data.md).
enum Col {
  c_region, c_sector, c_workers, c_revenue, c_assets, c_size_class, c_vcost, c_fixed, c_wage,
  c_online, c_owner, c_registered, c_ever_kur, c_cash, c_loan_principal, c_loan_rate,
  c_loan_months, c_loan_lender, c_cooperative,
  // The state a firm carries from before the first month (docs/data.md).
  c_base_workers, c_level, c_expected, c_capital_intensity, c_cash_target, c_loan_term, c_loan_installment,
  c_informal_principal, c_informal_months, c_informal_installment, c_arrears, c_payables, c_owed,
  c_months_unable, c_months_low_income, c_age, c_firm_id, c_count
};
constexpr csv::ColumnDef kCols[c_count] = {
    {"region", true}, {"sector", true}, {"workers", true}, {"revenue_rp_month", true},
    {"assets_rp", true}, {"size_class", false}, {"variable_cost_share", false},
    {"fixed_cost_rp_month", false}, {"wage_rp_month", false}, {"online_share", false},
    {"owner_capability", false}, {"registered", false}, {"ever_kur", false}, {"cash_rp", false},
    {"loan_principal_rp", false}, {"loan_rate_year", false}, {"loan_months_left", false},
    {"loan_lender", false}, {"cooperative", false},
    {"base_workers", false}, {"revenue_level_rp", false}, {"expected_revenue_rp", false},
    {"capital_intensity", false}, {"cash_target_months", false}, {"loan_term_months", false},
    {"loan_installment_rp", false}, {"informal_principal_rp", false}, {"informal_months_left", false},
    {"informal_installment_rp", false}, {"debt_arrears_rp", false}, {"payables_rp", false},
    {"owner_owed_rp", false}, {"months_unable", false}, {"months_low_income", false}, {"age_months", false},
    {"firm_id", false}};

}  // namespace

Population detail::csv::read_firms(const std::string& path, std::string_view name, ClassRegime regime,
                                   std::vector<CoopRef>* refs, CsvLocale locale) {
  const csv::Document doc = csv::read_csv(path, locale);
  const auto& records = doc.records;
  if (records.empty()) throw ParseError(path, 1, "(header)", "an empty file", "a header row naming the columns");
  const auto& header = records.front();
  const std::vector<int> index = csv::map_header(path, header, kCols);

  Population pop;
  pop.name = name.empty() ? path : std::string(name);
  pop.regime = regime;
  const std::size_t n = records.size() - 1;
  if (n == 0) throw ParseError(path, header.line + 1, "(record)", "no firms", "at least one data row");
  pop.resize(n);
  std::map<std::string, std::size_t> region_ids, sector_ids;
  for (std::size_t r = 0; r < n; ++r) {
    const csv::Record& rec = records[r + 1];
    csv::check_field_count(path, rec, header);
    csv::Reader rd{path, rec, index, kCols, doc.locale};
    const std::string region = rd.text(c_region);
    const std::string sector = rd.text(c_sector);
    auto [rit, rnew] = region_ids.emplace(region, pop.region_names.size());
    if (rnew) {
      if (pop.region_names.size() >= 65535) rd.fail(c_region, region, "at most 65535 distinct regions");
      pop.region_names.push_back(region);
    }
    auto [sit, snew] = sector_ids.emplace(sector, pop.sector_names.size());
    if (snew) {
      if (pop.sector_names.size() >= 255) rd.fail(c_sector, sector, "at most 255 distinct sectors");
      pop.sector_names.push_back(sector);
    }
    pop.region[r] = static_cast<std::uint16_t>(rit->second);
    pop.sector[r] = static_cast<std::uint8_t>(sit->second);
    const auto workers = rd.integer(c_workers, 1, 65535, 1, "a whole number from 1 to 65535 (the owner counts)");
    const double revenue = rd.number(c_revenue, 1e-9, 1e15, 0, "a number > 0 (Rp per month), at most 1e15");
    const double assets = rd.number(c_assets, 0, 1e16, 0, "a number >= 0 (Rp), at most 1e16");
    const double v = rd.number(c_vcost, 0, 0.999, 0.6, "a share in [0, 0.999]");
    const double fixed = rd.number(c_fixed, 0, 1e15, 0.1 * revenue, "a number >= 0 (Rp per month), at most 1e15");
    const double wage = rd.number(c_wage, 0, 1e12, 1.5e6, "a number >= 0 (Rp per month per paid worker), at most 1e12");
    const double outflows = v * revenue + static_cast<double>(workers - 1) * wage + fixed;
    pop.workers[r] = static_cast<std::uint16_t>(workers);
    pop.revenue_rp_month[r] = revenue;
    pop.assets_rp[r] = assets;
    pop.variable_cost_share[r] = static_cast<float>(v);
    pop.fixed_cost_rp_month[r] = fixed;
    pop.wage_rp_month[r] = wage;
    pop.online_share[r] = static_cast<float>(rd.number(c_online, 0, 1, 0, "a share in [0, 1]"));
    pop.owner_capability[r] = static_cast<float>(rd.number(c_owner, 0, 1, 0.5, "a value in [0, 1]"));
    pop.registered[r] = rd.flag(c_registered, 1);
    pop.ever_kur[r] = rd.flag(c_ever_kur, 0);
    // Without cash_rp a firm holds one month of its outflows, which must be
    // a cash_rp the file could give (and save_population_csv writes).
    if (!rd.present(c_cash) && outflows > 1e16)
      rd.fail(c_cash, "(empty: one month of outflows, " + csv::format_number(outflows) + ")",
              "a number >= 0 (Rp), at most 1e16: give cash_rp for this firm, its default would be larger");
    pop.cash_rp[r] = rd.number(c_cash, 0, 1e16, outflows, "a number >= 0 (Rp), at most 1e16");
    pop.loan_principal_rp[r] = rd.number(c_loan_principal, 0, 1e16, 0, "a number >= 0 (Rp), at most 1e16");
    pop.loan_rate_year[r] = static_cast<float>(rd.number(c_loan_rate, 0, 5, 0.07, "a yearly rate in [0, 5]"));
    pop.loan_months_left[r] = static_cast<std::uint16_t>(
        rd.integer(c_loan_months, pop.loan_principal_rp[r] > 0 ? 1 : 0, 600, pop.loan_principal_rp[r] > 0 ? 12 : 0,
                   "a whole number of months from 1 to 600 while a loan is outstanding"));
    std::uint8_t lender = static_cast<std::uint8_t>(Lender::kur);
    if (rd.present(c_loan_lender)) {
      std::string l = rd.text(c_loan_lender);
      try {
        lender = static_cast<std::uint8_t>(lender_from_string(l));
      } catch (const InvalidArgument& e) {
        rd.fail(c_loan_lender, l, e.allowed());
      }
    }
    pop.loan_lender[r] = lender;
    // Cooperative ids are resolved against the cooperatives file (cooperative_csv.cpp).
    const std::int64_t coop = rd.integer(c_cooperative, -1, std::numeric_limits<std::int64_t>::max(), -1,
                                         "-1 (none) or a cooperative id >= 0");
    pop.cooperative[r] = -1;
    if (coop >= 0) {
      if (!refs)
        rd.fail(c_cooperative, rd.text(c_cooperative),
                "-1 or empty without a cooperatives file (pass one to load_population_csv)");
      refs->push_back({r, rec.line, coop, rd.text(c_cooperative)});
    }
    const char* money = "a number >= 0 (Rp), at most 1e16";
    pop.base_workers[r] = static_cast<std::uint16_t>(
        rd.integer(c_base_workers, 0, 65535, 0, "0 (as workers) or a whole number from 1 to 65535"));
    pop.revenue_level_rp[r] = rd.number(c_level, 0, 1e15, 0, "0 (the revenue) or a number > 0 (Rp per month)");
    pop.expected_revenue_rp[r] = rd.number(c_expected, 0, 1e15, 0, "0 (the level) or a number > 0 (Rp per month)");
    pop.capital_intensity[r] =
        static_cast<float>(rd.number(c_capital_intensity, 0, 1e4, 0, "0 (assets / revenue) or a number up to 10000"));
    pop.cash_target_months[r] = static_cast<float>(
        rd.number(c_cash_target, -1, 1200, -1, "-1 (cash / outflows) or months from 0 to 1200"));
    pop.loan_term_months[r] = static_cast<std::uint16_t>(
        rd.integer(c_loan_term, 0, 600, 0, "0 (the months left) or a whole number of months up to 600"));
    if (pop.loan_principal_rp[r] > 0 && pop.loan_term_months[r] != 0 && pop.loan_term_months[r] < pop.loan_months_left[r])
      rd.fail(c_loan_term, rd.text(c_loan_term),
              "0 or at least loan_months_left (" + std::to_string(pop.loan_months_left[r]) + ")");
    pop.loan_installment_rp[r] = rd.number(c_loan_installment, 0, 1e16, 0, "0 (the annuity) or a number (Rp), at most 1e16");
    pop.informal_principal_rp[r] = rd.number(c_informal_principal, 0, 1e16, 0, money);
    pop.informal_months_left[r] = static_cast<std::uint16_t>(
        rd.integer(c_informal_months, pop.informal_principal_rp[r] > 0 ? 1 : 0, 600,
                   pop.informal_principal_rp[r] > 0 ? 12 : 0,
                   "a whole number of months from 1 to 600 while an informal loan is outstanding"));
    pop.informal_installment_rp[r] =
        rd.number(c_informal_installment, 0, 1e16, 0, "0 (the annuity) or a number (Rp), at most 1e16");
    pop.debt_arrears_rp[r] = rd.number(c_arrears, 0, 1e16, 0, money);
    if (pop.debt_arrears_rp[r] > pop.loan_principal_rp[r] + pop.informal_principal_rp[r] + 0.5)
      rd.fail(c_arrears, rd.text(c_arrears),
              "at most the loans outstanding (" +
                  csv::format_number(pop.loan_principal_rp[r] + pop.informal_principal_rp[r]) +
                  "): overdue service is part of a loan");
    pop.payables_rp[r] = rd.number(c_payables, 0, 1e16, 0, money);
    pop.owner_owed_rp[r] = rd.number(c_owed, 0, 1e16, 0, money);
    pop.months_unable[r] = static_cast<std::uint8_t>(rd.integer(c_months_unable, 0, 255, 0, "a whole number from 0 to 255"));
    pop.months_low_income[r] =
        static_cast<std::uint8_t>(rd.integer(c_months_low_income, 0, 255, 0, "a whole number from 0 to 255"));
    pop.age_months[r] = static_cast<std::int32_t>(
        rd.integer(c_age, -1, 100000, -1, "-1 (established, age unknown) or months from 0 to 100000"));
    if (rd.present(c_size_class)) {
      std::string sc = rd.text(c_size_class);
      try {
        pop.size_class[r] = static_cast<std::uint8_t>(size_class_from_string(sc));
      } catch (const InvalidArgument& e) {
        rd.fail(c_size_class, sc, e.allowed());
      }
    } else {
      pop.size_class[r] = static_cast<std::uint8_t>(
          classify(pop.regime, ClassCriterion::higher_of, assets, 12.0 * revenue, static_cast<int>(workers)));
    }
  }
  pop.sector_seasonality.assign(pop.sector_names.size(), {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1});
  return pop;
}

Population load_population_csv(const std::string& path, std::string_view name, ClassRegime regime,
                               CsvLocale locale) {
  Population pop = csv::read_firms(path, name, regime, nullptr, locale);
  pop.validate();
  return pop;
}

void save_population_csv(const Population& pop, const std::string& path) {
  pop.validate();
  csv::write_atomically(path, [&](std::ostream& out) {
    using csv::csv_quote, csv::format_number;
    for (int c = 0; c < c_count - 1; ++c) out << (c ? "," : "") << kCols[c].name;
    out << "\n";
    // `cooperative` holds the cooperative's index, which save_cooperatives_csv writes as its id.
    for (std::size_t i = 0; i < pop.size(); ++i) {
      out << csv_quote(pop.region_names[pop.region[i]]) << ',' << csv_quote(pop.sector_names[pop.sector[i]]) << ','
          << pop.workers[i] << ',' << format_number(pop.revenue_rp_month[i]) << ','
          << format_number(pop.assets_rp[i]) << ',' << to_string(static_cast<SizeClass>(pop.size_class[i])) << ','
          << format_number(pop.variable_cost_share[i]) << ',' << format_number(pop.fixed_cost_rp_month[i]) << ','
          << format_number(pop.wage_rp_month[i]) << ',' << format_number(pop.online_share[i]) << ','
          << format_number(pop.owner_capability[i]) << ',' << int(pop.registered[i]) << ',' << int(pop.ever_kur[i])
          << ',' << format_number(pop.cash_rp[i]) << ',' << format_number(pop.loan_principal_rp[i]) << ','
          << format_number(pop.loan_rate_year[i]) << ',' << pop.loan_months_left[i] << ','
          << to_string(static_cast<Lender>(pop.loan_lender[i])) << ',' << pop.cooperative[i] << ','
          << pop.base_workers[i] << ',' << format_number(pop.revenue_level_rp[i]) << ','
          << format_number(pop.expected_revenue_rp[i]) << ',' << format_number(pop.capital_intensity[i]) << ','
          << format_number(pop.cash_target_months[i]) << ',' << pop.loan_term_months[i] << ','
          << format_number(pop.loan_installment_rp[i]) << ',' << format_number(pop.informal_principal_rp[i]) << ','
          << pop.informal_months_left[i] << ',' << format_number(pop.informal_installment_rp[i]) << ','
          << format_number(pop.debt_arrears_rp[i]) << ',' << format_number(pop.payables_rp[i]) << ','
          << format_number(pop.owner_owed_rp[i]) << ',' << int(pop.months_unable[i]) << ','
          << int(pop.months_low_income[i]) << ',' << pop.age_months[i] << '\n';
    }
  });
}

}  // namespace msmesim
