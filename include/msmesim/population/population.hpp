// A population of firms (MSMEs), stored as a structure of arrays: one
// contiguous std::vector per attribute, all of the same length. A Population
// is the *initial* state; runs copy what they change, so one population
// serves any number of scenarios and replications.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "msmesim/cooperatives/cooperative.hpp"
#include "msmesim/core/params.hpp"
#include "msmesim/core/size_class.hpp"
#include "msmesim/core/types.hpp"

namespace msmesim {

// clang-format off
/// Parameters per size class (micro, small, medium): name, three defaults,
/// minimum, maximum, unit, integer, description, source.
#define MSMESIM_CLASS_PARAMS(X) \
  X(weight, 64.6e6, 798.7e3, 65.5e3, 0.0, kInf, "relative weight", false, \
    "Relative number of firms in the class (counts or shares).", \
    "MODEL §7: 64.6 M micro, 798.7 k small, 65.5 k medium MSMEs in Indonesia, 2019.") \
  X(revenue_mean_rp_year, 76.1e6, 1.64e9, 29.7e9, 0.0, kInf, "Rp/year", false, \
    "Mean annual revenue of firms in the class.", \
    "MODEL §7: Rp 76.1 M micro, Rp 1.64 B small, Rp 29.7 B medium.") \
  X(revenue_sigma_log, 0.8, 0.6, 0.5, 0.0, 5.0, "log-sd", false, \
    "Dispersion (log standard deviation) of annual revenue within the class, before truncation to the class bounds.", \
    "Assumption.") \
  X(assets_mean_rp, 20e6, 150e6, 2.5e9, 0.0, kInf, "Rp", false, \
    "Mean business assets (excluding land and buildings) within the class.", \
    "Assumption within the Law 20/2008 asset bands.") \
  X(assets_sigma_log, 0.8, 0.7, 0.7, 0.0, 5.0, "log-sd", false, \
    "Dispersion of assets within the class, before truncation to the class bounds.", "Assumption.") \
  X(workers_mean, 1.648, 7.203, 56.06, 1.0, 1000.0, "workers", false, \
    "Mean workers (owner included) per firm.", \
    "MODEL §7: 119.6 M workers; micro 89 %, small 4.81 %, medium 3.07 % of them, over the firm counts above.") \
  X(cash_months_mean, 1.0, 2.0, 3.0, 0.0, 120.0, "months of outflows", false, \
    "Mean cash on hand at the start, in months of the firm's regular outflows.", \
    "Assumption (most MSMEs reported reserves for less than three months in 2020).") \
  X(cash_months_sigma_log, 0.8, 0.7, 0.6, 0.0, 5.0, "log-sd", false, \
    "Dispersion of the cash reserve.", "Assumption.") \
  X(ever_kur_share, 0.25, 0.45, 0.20, 0.0, 1.0, "share", false, \
    "Share of firms that have ever had a KUR loan.", \
    "Assumption (seed 002: most micro firms had applied for KUR before).") \
  X(formal_loan_share, 0.15, 0.35, 0.45, 0.0, 1.0, "share", false, \
    "Share of firms with a formal loan outstanding at the start.", "Assumption.") \
  X(kur_share_of_formal, 0.7, 0.5, 0.2, 0.0, 1.0, "share", false, \
    "Share of those loans that are KUR (the rest are bank loans).", "Assumption.") \
  X(loan_revenue_months, 2.0, 3.0, 4.0, 0.0, 120.0, "months of revenue", false, \
    "Original size of an outstanding loan in months of revenue.", "Assumption.")

/// Population-wide generation parameters.
#define MSMESIM_POPULATION_PARAMS(X) \
  X(registered_share, 0.5586, 0.0, 1.0, "share", false, \
    "Share of firms registered with the cooperatives & SME office (NIB / fostered).", \
    "Seed 003: about 420,000 of 751,888 recorded MSMEs fostered by Diskopukm Bogor.") \
  X(owner_capability_mean, 0.5, 0.0, 1.0, "index", false, \
    "Mean owner capability (0-1; proxy for age and education).", "Assumption (seed 002: age and education decide training success).") \
  X(owner_capability_concentration, 4.0, 0.01, 1e6, "Beta a+b", false, \
    "Concentration of the Beta distribution of owner capability.", "Assumption.") \
  X(revenue_assets_correlation, 0.6, -1.0, 1.0, "correlation", false, \
    "Gaussian-copula correlation between a firm's revenue and assets within its class.", "Assumption.") \
  X(variable_cost_concentration, 30.0, 0.01, 1e6, "Beta a+b", false, \
    "Concentration of the Beta distribution of variable-cost shares around the sector mean.", "Assumption.") \
  X(margin_concentration, 10.0, 0.01, 1e6, "Beta a+b", false, \
    "Concentration of the Beta distribution of operating margins around the sector mean.", "Assumption.") \
  X(online_share_concentration, 5.0, 0.01, 1e6, "Beta a+b", false, \
    "Concentration of the online share of sales among online sellers.", "Assumption.") \
  X(fixed_cost_min_share, 0.03, 0.0, 0.9, "share of revenue", false, \
    "Smallest fixed cost (rent, utilities, permits) as a share of revenue.", "Assumption.") \
  X(initial_kur_rate_year, 0.07, 0.0, 5.0, "1/year", false, \
    "Rate of KUR loans outstanding at the start.", "MODEL §7: KUR rate 7 % in 2019.") \
  X(initial_bank_rate_year, 0.12, 0.0, 5.0, "1/year", false, \
    "Rate of bank loans outstanding at the start.", "Assumption.") \
  X(initial_kur_term_months, 24, 1, 360, "months", true, \
    "Original term of KUR loans outstanding at the start.", "Assumption.") \
  X(initial_bank_term_months, 36, 1, 360, "months", true, \
    "Original term of bank loans outstanding at the start.", "Assumption.") \
  X(burn_in_months, 120, 0, 1200, "months", true, \
    "Months the generated firms are stepped through the model's own processes without shocks or programmes before they are returned (closed firms replaced by new ones in their place), so that the population is a draw from the model's stationary state: loans with their age, cash, assets, distress and the firms' ages. 0: the population as drawn.", \
    "docs/model.md §4 (a world that stands still before the shock): long enough for the fragile firms of the initial draw to have exited and been replaced and every loan drawn at the start to be repaid; after 60 months insolvencies still rise by a fifth in the first reported year, after 120 they are flat (docs/validation.md).")

/// Per-sector parameters (values come from the preset): name, minimum,
/// maximum, unit, description.
#define MSMESIM_SECTOR_PARAMS(X) \
  X(weight, 0.0, kInf, "relative weight", "Relative number of firms in the sector.") \
  X(variable_cost_share, 0.0, 0.95, "share of revenue", "Mean variable (input) cost per rupiah of sales.") \
  X(margin, 0.0, 0.9, "share of revenue", "Mean operating margin before shipping and debt service (the owner's income).") \
  X(wage_rp_month, 0.0, kInf, "Rp/month", "Monthly wage of a paid worker (the owner is unpaid).") \
  X(online_seller_share, 0.0, 1.0, "share", "Share of firms selling online before the shock.") \
  X(online_sales_share, 0.0, 1.0, "share of sales", "Mean online share of sales among online sellers.")
// clang-format on

/// Generation parameters of one size class.
struct ClassSpec {
#define MSMESIM_DECLARE_CLASS(name, d0, d1, d2, lo, hi, unit, integer, desc, source) double name = d0;
  MSMESIM_CLASS_PARAMS(MSMESIM_DECLARE_CLASS)
#undef MSMESIM_DECLARE_CLASS
};

/// Population-wide generation parameters.
struct PopulationParams {
#define MSMESIM_DECLARE_POP(name, def, lo, hi, unit, integer, desc, source) double name = def;
  MSMESIM_POPULATION_PARAMS(MSMESIM_DECLARE_POP)
#undef MSMESIM_DECLARE_POP
};

/// A sector: its name, weight and cost structure.
struct SectorSpec {
  std::string name;
#define MSMESIM_DECLARE_SECTOR(name, lo, hi, unit, desc) double name = 0.0;
  MSMESIM_SECTOR_PARAMS(MSMESIM_DECLARE_SECTOR)
#undef MSMESIM_DECLARE_SECTOR
  /// Demand multiplier by calendar month (January first); 1 = no seasonality.
  std::array<double, 12> seasonality{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
};

/// A region (kecamatan) and its weight in the population.
struct RegionSpec {
  std::string name;
  double weight = 1.0;
};

/// Everything needed to generate a synthetic population.
struct PopulationSpec {
  std::string name = "custom";
  std::int64_t firms = 10000;
  std::vector<RegionSpec> regions;
  std::vector<SectorSpec> sectors;
  std::array<ClassSpec, kMsmeClasses> classes = default_classes();
  PopulationParams params;
  /// Regime whose bounds the generated classes respect (the data behind the
  /// class defaults are from 2019, under Law 20/2008).
  ClassRegime regime = ClassRegime::law20_2008;
  /// Cooperatives and membership (none unless cooperatives.count > 0).
  CooperativeSpec cooperatives;
  /// The firms' behaviour under which the population is burnt in
  /// (params.burn_in_months) and the loans drawn at the start are sized
  /// (max_debt_service_share): give the scenario's parameters so that a run
  /// without shocks stands still under them.
  FirmParams firm_params;

  /// Throws InvalidArgument naming the first invalid field.
  void validate() const;
  /// Value of a class, population or sector parameter by its flat name:
  /// "micro_revenue_mean_rp_year", "registered_share", "sector.trade.margin".
  double get(std::string_view name) const;
  void set(std::string_view name, double value);
  /// Every flat name `get` and `set` accept.
  std::vector<std::string> parameter_names() const;

  static std::array<ClassSpec, kMsmeClasses> default_classes();
};

/// Table rows for the class, population and sector parameters (for
/// documentation and by-name access). Class rows carry the micro default.
std::span<const ParamInfo> class_param_table();
std::span<const ParamInfo> population_param_table();
std::span<const ParamInfo> sector_param_table();
/// Defaults of a class parameter for micro, small, medium.
std::array<double, kMsmeClasses> class_param_defaults(std::string_view name);

/// Largest number of firms a population may hold (entity ids are 32-bit).
inline constexpr std::int64_t kMaxFirms = 2'000'000'000;

/// Initial state of every firm; all vectors have size().
struct Population {
  std::string name;
  std::vector<std::string> region_names;
  std::vector<std::string> sector_names;
  /// Regime of `size_class`.
  ClassRegime regime = ClassRegime::law20_2008;
  /// Per sector: demand multiplier by calendar month.
  std::vector<std::array<double, 12>> sector_seasonality;

  std::vector<std::uint16_t> region;            ///< index into region_names
  std::vector<std::uint8_t> sector;             ///< index into sector_names
  std::vector<std::uint8_t> size_class;         ///< SizeClass under `regime`
  std::vector<std::uint16_t> workers;           ///< owner included, >= 1
  std::vector<double> revenue_rp_month;         ///< pre-shock monthly revenue
  std::vector<double> assets_rp;                ///< business assets excl. land and buildings
  std::vector<float> variable_cost_share;       ///< input cost per rupiah of sales
  std::vector<double> fixed_cost_rp_month;      ///< rent, utilities, permits
  std::vector<double> wage_rp_month;            ///< per paid worker
  std::vector<float> online_share;              ///< share of sales made online
  std::vector<float> owner_capability;          ///< 0-1
  std::vector<std::uint8_t> registered;         ///< 1 if registered (NIB)
  std::vector<std::uint8_t> ever_kur;           ///< 1 if ever had KUR
  std::vector<double> cash_rp;                  ///< cash on hand
  std::vector<double> loan_principal_rp;        ///< formal loan outstanding (0: none)
  std::vector<float> loan_rate_year;            ///< its yearly rate
  std::vector<std::uint16_t> loan_months_left;  ///< its remaining term
  std::vector<std::uint8_t> loan_lender;        ///< Lender of the loan
  std::vector<std::int32_t> cooperative;        ///< index into `cooperatives`, -1 if none
  // The state a firm carries from before the first month (burn-in, or a
  // registry's records). Zero or -1 means "derive it" as noted.
  std::vector<std::uint16_t> base_workers;      ///< workers at potential revenue (0: `workers`)
  std::vector<double> revenue_level_rp;         ///< current monthly revenue level (0: revenue_rp_month)
  std::vector<double> expected_revenue_rp;      ///< the firm's expectation of it (0: the level)
  std::vector<float> capital_intensity;         ///< assets kept per rupiah of monthly revenue (0: assets / revenue)
  std::vector<float> cash_target_months;        ///< cash the owner keeps, in months of outflows (< 0: cash / outflows)
  std::vector<std::uint16_t> loan_term_months;  ///< the formal loan's term when made (0: its months left)
  std::vector<double> loan_installment_rp;      ///< its monthly installment (0: the annuity of what is left)
  std::vector<double> informal_principal_rp;    ///< informal loan outstanding
  std::vector<std::uint16_t> informal_months_left;
  std::vector<double> informal_installment_rp;  ///< (0: the annuity at the run's informal rate)
  std::vector<double> debt_arrears_rp;          ///< debt service overdue
  std::vector<double> payables_rp;              ///< operating costs unpaid
  std::vector<double> owner_owed_rp;            ///< subsistence the owner could not draw
  std::vector<std::uint8_t> months_unable;      ///< consecutive months unable to meet obligations
  std::vector<std::uint8_t> months_low_income;  ///< consecutive months the business did not support the household
  std::vector<std::int32_t> age_months;         ///< months since the firm started (-1: established, age unknown)
  /// The cooperatives firms may belong to (region indices as for firms).
  Cooperatives cooperatives;
  /// What new firms are drawn from (entrants of a run, replacements during
  /// the burn-in): the generating spec, or one estimated from a registry.
  PopulationSpec entry_spec;
  /// Share of firms that closed a month during the last 24 months of the
  /// burn-in (-1: not burnt in); a run's entry balances it
  /// (entry_rate_month = -1).
  double baseline_exit_rate_month = -1.0;
  /// Rows of the firms that closed in those months, with their class: a
  /// run's entrants take a template's region, sector, class and cooperative,
  /// so that entry replaces what exits (empty: any firm).
  std::vector<std::uint32_t> entry_templates;
  std::vector<std::uint8_t> entry_template_class;

  std::size_t size() const noexcept { return region.size(); }
  /// Resizes every attribute vector to n.
  void resize(std::size_t n);
  /// Checks lengths, index ranges and value ranges; the message names the firm
  /// (0-based row) and the attribute.
  void validate() const;
  /// Bytes held by the attribute vectors.
  std::size_t memory_bytes() const;
  /// Index of a region or sector by name; throws InvalidArgument listing the
  /// known names.
  std::size_t region_index(std::string_view name, const std::string& field = "region") const;
  std::size_t sector_index(std::string_view name, const std::string& field = "sector") const;
};

/// Draws a synthetic population from `spec`. Deterministic in (spec, seed).
/// Region, sector and class counts are apportioned exactly (largest
/// remainder) and shuffled; within a class revenue and assets follow
/// truncated lognormal distributions (Boost.Math) joined by a Gaussian copula.
/// `threads` only changes speed, never the result.
Population generate_population(const PopulationSpec& spec, std::uint64_t seed, int threads = 1);

/// (Re)draws the cooperatives of `pop` and its firms' membership from
/// spec.cooperatives: deterministic in (spec, seed); leaves the firms'
/// other attributes alone. Called by generate_population.
void generate_cooperatives(const PopulationSpec& spec, std::uint64_t seed, Population& pop);

/// Steps the firms of `pop` for `months` months through the model's own
/// processes under `params`, without shocks or programmes, replacing each
/// firm that closes by a new firm in its place (drawn from pop.entry_spec),
/// and writes the firms' state back: cash, loans with their age, assets,
/// revenue level, workers, distress and ages (docs/model.md §4). The
/// cooperatives are left as they are. Deterministic in (population, params,
/// months, seed); `threads` only changes speed. Sets
/// pop.baseline_exit_rate_month.
void burn_in(Population& pop, const FirmParams& params, int months, std::uint64_t seed, int threads = 1);

/// A spec for the firms of a registry (sectors, classes and shares
/// estimated from its firms) from which entrants are drawn.
PopulationSpec estimate_entry_spec(const Population& pop);

/// How a CSV file writes its fields and numbers (docs/data.md, "Spreadsheet
/// exports"): `en` separates fields with commas and writes 1234.5; `id`, as
/// a spreadsheet in an Indonesian locale exports, separates fields with
/// semicolons and writes 1.234,5 (a decimal comma, points between thousands);
/// `detect` takes `id` when the header row is separated by semicolons, `en`
/// otherwise.
enum class CsvLocale : std::uint8_t { detect = 0, en = 1, id = 2 };
/// "auto", "en" or "id".
std::string_view to_string(CsvLocale locale);
/// The locale named by `text` ("auto", "en" or "id"); InvalidArgument naming
/// `field` otherwise.
CsvLocale parse_csv_locale(std::string_view text, std::string_view field = "csv_locale");

/// Reads firms from a CSV file whose columns are documented in docs/data.md.
/// `regime` is the regime of the file's size_class column (and the one used
/// to classify firms whose size_class is empty). Errors name the file, line,
/// column and value.
Population load_population_csv(const std::string& path, std::string_view name = "",
                               ClassRegime regime = ClassRegime::law20_2008, CsvLocale locale = CsvLocale::detect);
/// As above, with the population's cooperatives read from `cooperatives_path`
/// and, when `memberships_path` is not empty, the firms' memberships from that
/// file (otherwise from the firm file's `cooperative` column). Columns are in
/// docs/data.md; a membership naming a cooperative the file does not define is
/// an error naming file, line, column and value.
Population load_population_csv(const std::string& path, std::string_view name, ClassRegime regime,
                               const std::string& cooperatives_path, const std::string& memberships_path = "",
                               CsvLocale locale = CsvLocale::detect);
/// Writes a population in the format load_population_csv reads (the firms'
/// `cooperative` column holds cooperative ids as in save_cooperatives_csv).
void save_population_csv(const Population& pop, const std::string& path);
/// Writes the population's cooperatives (one row each, with its id).
void save_cooperatives_csv(const Population& pop, const std::string& path);
/// Writes the memberships: one row per member firm (firm row, cooperative id).
void save_memberships_csv(const Population& pop, const std::string& path);

}  // namespace msmesim
