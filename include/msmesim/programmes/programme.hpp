// Support programmes (MODEL §5, docs/model.md §15): what a government puts
// money into, for whom and under which rules. A programme has a kind (its
// mechanism), a window of months in which it takes new recipients, a
// budget and optional quota, eligibility built from composable conditions,
// an allocation rule when applicants exceed what is left, an uptake
// probability (how well it is known), a monthly capacity, administrative
// cost and leakage; kind-specific parameters are set by name
// (programme_params lists them with defaults, ranges and sources).
// Programmes stack; the engine never spends beyond a budget.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "msmesim/core/params.hpp"
#include "msmesim/core/types.hpp"

namespace msmesim {

/// The mechanism of a programme (docs/model.md §15).
enum class ProgrammeKind : std::uint8_t {
  cash_grant,        ///< one-off transfer (BPUM-style)
  kur_subsidy,       ///< KUR loans at a subsidised rate; the government pays the difference
  shipping_voucher,  ///< pays shipping on online sales, monthly
  digital_training,  ///< batches of training; success depends on owner capability
  market_access,     ///< bazaars, exhibitions, local-procurement rules: demand for targeted firms
  shop_rental,       ///< pays part of the fixed cost (shop rent), monthly
  credit_guarantee,  ///< KUR expansion: better approval odds and ceilings, a guarantee fee, claims on default
  csr_capital,       ///< CSR (TJSL) funds into cooperatives' capital, lent to member firms only
  certification,     ///< IPR / halal certification: a yearly quota, the fee, a price premium
  clinic,            ///< the Clean & Clear consultation clinic: a scheduled queue for firms and cooperatives
  coop_collaboration,  ///< cooperative-micro-enterprise MoU: membership, capacity, distribution, marketing
  coop_network,      ///< joint financing, buying and selling among cooperatives that join a network
  loan_restructuring,  ///< credit relief: deferred instalments, longer terms, arrears cleared (POJK 11/2020)
  kur_extra_subsidy,   ///< extra interest subsidy on existing KUR loans (PEN 2020-2021)
  bpum,                ///< Banpres Produktif Usaha Mikro: a one-off grant to micro firms without bank credit
  virtual_rat,         ///< support for cooperatives to hold their members' meeting (RAT) online
};
inline constexpr int kProgrammeKinds = 16;
inline constexpr ProgrammeKind kAllProgrammeKinds[] = {
    ProgrammeKind::cash_grant,       ProgrammeKind::kur_subsidy,   ProgrammeKind::shipping_voucher,
    ProgrammeKind::digital_training, ProgrammeKind::market_access, ProgrammeKind::shop_rental,
    ProgrammeKind::credit_guarantee, ProgrammeKind::csr_capital,   ProgrammeKind::certification,
    ProgrammeKind::clinic,           ProgrammeKind::coop_collaboration, ProgrammeKind::coop_network,
    ProgrammeKind::loan_restructuring, ProgrammeKind::kur_extra_subsidy, ProgrammeKind::bpum,
    ProgrammeKind::virtual_rat};
/// Whether a kind's recipients are cooperatives (csr_capital, coop_network,
/// virtual_rat) or, for the clinic, both firms and cooperatives.
bool serves_cooperatives(ProgrammeKind kind);
bool serves_firms(ProgrammeKind kind);
/// Whether a kind's awards cost the government money. Those that do not
/// (loan_restructuring: lenders bear the relief) act whatever their budget.
bool spends_budget(ProgrammeKind kind);
std::string_view to_string(ProgrammeKind kind);
/// Parses a kind name; throws InvalidArgument naming `field`.
ProgrammeKind programme_kind_from_string(std::string_view name, const std::string& field = "kind");

/// Who is served first when applicants exceed what is left of the budget,
/// quota or monthly capacity.
enum class Allocation : std::uint8_t {
  first_come,       ///< in order of first application (ties by a random arrival)
  lottery,          ///< at random, drawn afresh every month
  most_distressed,  ///< most months unable to pay first, then least cash per revenue
  smallest_first,   ///< smallest pre-shock revenue first
};
inline constexpr Allocation kAllAllocations[] = {Allocation::first_come, Allocation::lottery,
                                                 Allocation::most_distressed, Allocation::smallest_first};
std::string_view to_string(Allocation allocation);
Allocation allocation_from_string(std::string_view name, const std::string& field = "allocation");

/// A numeric firm attribute within [min, max]; `attribute` is one of
/// eligibility_attributes().
struct AttributeRange {
  std::string attribute;
  double min = 0.0;
  double max = 0.0;
};

/// Names of the attributes an AttributeRange may test: revenue_rp_month
/// (pre-shock), assets_rp, workers, cash_rp, online_share, owner_capability,
/// fixed_cost_rp_month, months_unable, age_months.
const std::vector<std::string>& eligibility_attributes();

/// Conditions a firm must all meet (empty lists and -1 mean "any").
struct Eligibility {
  std::vector<SizeClass> classes;    ///< current size class
  std::vector<std::string> sectors;  ///< sector names of the population
  std::vector<std::string> regions;  ///< region (kecamatan) names
  int registered = -1;               ///< 1: registered only; 0: unregistered only
  bool never_had_kur = false;        ///< only firms that never had a KUR loan
  int cooperative_member = -1;       ///< 1: members of a cooperative only; 0: non-members only
  int online_seller = -1;            ///< 1: firms selling online only; 0: offline only
  bool in_distress = false;          ///< only firms unable to meet their obligations last month
  std::vector<AttributeRange> ranges;
  /// For programmes that serve cooperatives: their types (empty: any). The
  /// regions above apply to cooperatives too.
  std::vector<CoopType> coop_types;

  /// Checks what does not need the population; `field` prefixes names.
  void validate(const std::string& field) const;
};

/// The kind-specific parameters of `kind`, with defaults, ranges and
/// sources (the same description as the behavioural parameters).
const std::vector<ParamInfo>& programme_params(ProgrammeKind kind);

/// The hooks of the programmes' month (docs/model.md §15) through which a
/// kind acts; everything else — the shared eligibility, uptake, order of
/// service, budget, quota, capacity and the ledger — is the same for every
/// kind.
enum class ProgrammeHook : std::uint8_t {
  eligibility,        ///< a test of its own on top of the shared eligibility
  award,              ///< acts on a firm when the firm is awarded
  award_cooperative,  ///< acts on a cooperative when it is awarded
  credit_offer,       ///< offers loan terms in the firm's credit search; loans taken are approved after the month
  monthly_benefit,    ///< pays a benefit every month while the firm holds it
  loan_upkeep,        ///< a monthly pass over the loans it took on (interest paid, relief ended, claims)
  demand,             ///< changes the firm's demand (lasting, or while the benefit runs)
  firm_cost,          ///< what one award costs depends on the firm
  own_capacity,       ///< a schedule of its own limits how many it serves (clinic hours, certificates a year)
};
inline constexpr ProgrammeHook kAllProgrammeHooks[] = {
    ProgrammeHook::eligibility,     ProgrammeHook::award,       ProgrammeHook::award_cooperative,
    ProgrammeHook::credit_offer,    ProgrammeHook::monthly_benefit, ProgrammeHook::loan_upkeep,
    ProgrammeHook::demand,          ProgrammeHook::firm_cost,   ProgrammeHook::own_capacity};
std::string_view to_string(ProgrammeHook hook);
/// When the book calls the hook, in a sentence (docs/design.md).
std::string_view describe(ProgrammeHook hook);
/// The bit of `hook` in ProgrammeKindInfo::hooks.
constexpr std::uint32_t hook_bit(ProgrammeHook hook) { return 1u << static_cast<unsigned>(hook); }

/// One row per programme kind: all that is data about a kind — its name,
/// its recipients, whether it spends a budget, its default per-recipient
/// amount and what that amount is, its own parameters, the hooks its
/// mechanism uses and what its ledger lines pay for. to_string,
/// programme_kind_from_string, serves_firms, serves_cooperatives,
/// spends_budget, default_amount_rp and programme_params read it; the
/// kinds' mechanisms (one set of hooks per kind, checked against `hooks`)
/// are in src/programmes/mechanisms.cpp.
struct ProgrammeKindInfo {
  ProgrammeKind kind;
  std::string_view name;
  bool serves_firms;
  bool serves_cooperatives;
  bool spends_budget;
  double default_amount_rp;
  std::string_view amount_meaning;
  const std::vector<ParamInfo>* params;
  std::uint32_t hooks;      ///< the ProgrammeHook bits (hook_bit) its mechanism uses
  std::string_view ledger;  ///< what the ledger's transfer line of the kind pays for

  bool uses(ProgrammeHook hook) const { return (hooks & hook_bit(hook)) != 0; }
};
/// Every kind's row, in the order of ProgrammeKind (kAllProgrammeKinds).
std::span<const ProgrammeKindInfo> programme_kind_table();
const ProgrammeKindInfo& programme_kind_info(ProgrammeKind kind);
/// The parameter `name` of `kind`, or nullptr.
const ParamInfo* find_programme_param(ProgrammeKind kind, std::string_view name);
/// "a parameter of <kind>: a, b, c" (or that it has none), for errors.
std::string programme_params_allowed(ProgrammeKind kind);

struct Programme {
  std::string name;  ///< unique within a scenario; keys the programme's random numbers
  ProgrammeKind kind = ProgrammeKind::cash_grant;
  YearMonth start{2020, 4};  ///< first month new recipients are taken
  YearMonth end{2020, 12};   ///< last month new recipients are taken (monthly benefits stop after it)
  /// Government money for the programme: transfers, administrative cost and
  /// leakage together. 0: the programme does nothing.
  double budget_rp = 0.0;
  std::int64_t quota = -1;             ///< recipients in all; -1: no quota
  double amount_rp = -1.0;             ///< per-recipient amount (per kind; -1: the kind's default)
  Eligibility eligibility;
  Allocation allocation = Allocation::first_come;
  double uptake = 1.0;                 ///< share of eligible firms that know of it and would apply
  std::int64_t monthly_capacity = -1;  ///< new recipients a month; -1: no limit
  double admin_cost_share = 0.0;       ///< administrative cost per rupiah reaching recipients or leaking
  double leakage_share = 0.0;          ///< share of each award that never reaches the recipient
  std::map<std::string, double> params;  ///< kind-specific, by name; unset ones take their defaults

  /// The per-recipient amount in effect (amount_rp, or the kind's default).
  double amount() const;
  /// A kind-specific parameter (set or default); InvalidArgument if unknown.
  double param(std::string_view name) const;
  /// Checks every field; `field` prefixes names (e.g. "programmes[0]").
  void validate(const std::string& field) const;
};

/// The default per-recipient amount of a kind (Rp) and what it means.
double default_amount_rp(ProgrammeKind kind);

/// The numeric fields every programme shares (budget, quota, amount,
/// uptake, capacity, administrative cost, leakage) as one table: name,
/// default, allowed range, whole or not, unit, meaning. Programme::validate,
/// the scenario file's reader and writer, the bindings and
/// docs/parameters.md take the fields from it. A field whose default lies
/// below its range (-1) is optional: that value means "not set" (no quota,
/// no capacity limit, the kind's default amount).
std::span<const ParamInfo> programme_field_table();
/// Value of the shared numeric field `name` of `p` (a row of
/// programme_field_table()); InvalidArgument naming it if unknown.
double programme_field(const Programme& p, std::string_view name);
/// Sets it (checked by Programme::validate, not here).
void set_programme_field(Programme& p, std::string_view name, double value);
/// Whether a row is optional, and `value` its "not set" marker.
inline bool field_unset(const ParamInfo& row, double value) { return row.default_value < row.min && value == row.default_value; }

}  // namespace msmesim
