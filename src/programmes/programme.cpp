// Programme specifications: names, kind-specific parameters with their
// defaults and sources, and validation (docs/model.md §15).
#include "msmesim/programmes/programme.hpp"

#include <cmath>
#include <iterator>
#include <limits>
#include <set>

#include "msmesim/core/error.hpp"

namespace msmesim {

namespace {

template <class E, std::size_t N>
E from_name(std::string_view name, const E (&all)[N], const std::string& field, const char* what) {
  std::string allowed;
  for (E e : all) {
    if (to_string(e) == name) return e;
    allowed += (allowed.empty() ? "" : ", ") + std::string(to_string(e));
  }
  throw InvalidArgument(field, "'" + std::string(name) + "'", std::string("one of the ") + what + ": " + allowed);
}

// Defaults are those of Programme (a test compares them).
constexpr ParamInfo kProgrammeFields[] = {
    {"budget_rp", 0.0, 0.0, std::numeric_limits<double>::infinity(), "Rp", false,
     "Government money for the programme: transfers, administrative cost and leakage together (0: it spends nothing).",
     ""},
    {"quota", -1.0, 0.0, std::numeric_limits<double>::infinity(), "recipients", true,
     "Recipients in all (unset: no quota).", ""},
    {"amount_rp", -1.0, 0.0, std::numeric_limits<double>::infinity(), "Rp", false,
     "Per-recipient amount (unset: the kind's default).", ""},
    {"uptake", 1.0, 0.0, 1.0, "share", false, "Share of eligible firms that know of the programme and would apply.", ""},
    {"monthly_capacity", -1.0, 0.0, std::numeric_limits<double>::infinity(), "recipients a month", true,
     "New recipients a month (unset: no limit).", ""},
    {"admin_cost_share", 0.0, 0.0, 10.0, "Rp per Rp", false,
     "Administrative cost per rupiah reaching recipients or leaking.", ""},
    {"leakage_share", 0.0, 0.0, 1.0, "share", false, "Share of each award that never reaches the recipient.", ""},
};

struct ProgrammeFieldAccess {
  double (*get)(const Programme&);
  void (*set)(Programme&, double);
};

constexpr ProgrammeFieldAccess kProgrammeAccess[] = {
    {[](const Programme& p) { return p.budget_rp; }, [](Programme& p, double v) { p.budget_rp = v; }},
    {[](const Programme& p) { return static_cast<double>(p.quota); },
     [](Programme& p, double v) { p.quota = static_cast<std::int64_t>(v); }},
    {[](const Programme& p) { return p.amount_rp; }, [](Programme& p, double v) { p.amount_rp = v; }},
    {[](const Programme& p) { return p.uptake; }, [](Programme& p, double v) { p.uptake = v; }},
    {[](const Programme& p) { return static_cast<double>(p.monthly_capacity); },
     [](Programme& p, double v) { p.monthly_capacity = static_cast<std::int64_t>(v); }},
    {[](const Programme& p) { return p.admin_cost_share; }, [](Programme& p, double v) { p.admin_cost_share = v; }},
    {[](const Programme& p) { return p.leakage_share; }, [](Programme& p, double v) { p.leakage_share = v; }},
};
static_assert(std::size(kProgrammeFields) == std::size(kProgrammeAccess));

std::size_t programme_field_index(std::string_view name) {
  return field_index(kProgrammeFields, name, "programme field");
}

}  // namespace

std::span<const ParamInfo> programme_field_table() { return {kProgrammeFields, std::size(kProgrammeFields)}; }

double programme_field(const Programme& p, std::string_view name) {
  return kProgrammeAccess[programme_field_index(name)].get(p);
}

void set_programme_field(Programme& p, std::string_view name, double value) {
  const std::size_t i = programme_field_index(name);
  // A whole field holds a 64-bit integer: anything else cannot be stored
  // (the range is Programme::validate's).
  if (kProgrammeFields[i].integer && !(value == std::floor(value) && std::abs(value) < 9223372036854775808.0))
    throw InvalidArgument(std::string(name), detail::format_value(value), "a whole number");
  kProgrammeAccess[i].set(p, value);
}

ProgrammeKind programme_kind_from_string(std::string_view name, const std::string& field) {
  return from_name(name, kAllProgrammeKinds, field, "programme kinds");
}

std::string_view to_string(Allocation allocation) {
  switch (allocation) {
    case Allocation::first_come: return "first_come";
    case Allocation::lottery: return "lottery";
    case Allocation::most_distressed: return "most_distressed";
    case Allocation::smallest_first: return "smallest_first";
  }
  return "?";
}

Allocation allocation_from_string(std::string_view name, const std::string& field) {
  return from_name(name, kAllAllocations, field, "allocation rules");
}

const std::vector<std::string>& eligibility_attributes() {
  static const std::vector<std::string> names = {"revenue_rp_month", "assets_rp",           "workers",
                                                 "cash_rp",          "online_share",        "owner_capability",
                                                 "fixed_cost_rp_month", "months_unable",    "age_months"};
  return names;
}

void Eligibility::validate(const std::string& field) const {
  auto flag = [&](const char* name, int v) {
    if (v < -1 || v > 1) throw InvalidArgument(field + "." + name, std::to_string(v), "-1 (any), 0 or 1");
  };
  flag("registered", registered);
  flag("cooperative_member", cooperative_member);
  flag("online_seller", online_seller);
  std::set<CoopType> types;
  for (auto c : coop_types)
    if (!types.insert(c).second)
      throw InvalidArgument(field + ".coop_types", "'" + std::string(to_string(c)) + "' twice", "each type at most once");
  std::set<SizeClass> seen;
  for (auto c : classes)
    if (!seen.insert(c).second)
      throw InvalidArgument(field + ".classes", "'" + std::string(to_string(c)) + "' twice", "each class at most once");
  for (std::size_t k = 0; k < ranges.size(); ++k) {
    const auto& r = ranges[k];
    const std::string f = field + ".ranges[" + std::to_string(k) + "]";
    const auto& names = eligibility_attributes();
    bool known = false;
    std::string allowed;
    for (const auto& n : names) {
      known = known || n == r.attribute;
      allowed += (allowed.empty() ? "" : ", ") + n;
    }
    if (!known) throw InvalidArgument(f + ".attribute", "'" + r.attribute + "'", "one of " + allowed);
    if (!std::isfinite(r.min) && !(std::isinf(r.min) && r.min < 0))
      throw InvalidArgument(f + ".min", detail::format_value(r.min), "a number or -inf");
    if (!std::isfinite(r.max) && !(std::isinf(r.max) && r.max > 0))
      throw InvalidArgument(f + ".max", detail::format_value(r.max), "a number or inf");
    if (r.max < r.min)
      throw InvalidArgument(f + ".max", detail::format_value(r.max),
                            "a number >= min (" + detail::format_value(r.min) + ")");
  }
}

namespace {

// clang-format off
const std::vector<ProgrammeKindInfo>& kind_rows() {
  static const std::vector<ParamInfo> none;
  static const std::vector<ParamInfo> kur = {
      {"rate_points", 0.03, 0.0, 1.0, "1/year", false,
       "Interest points the government pays on a subsidised KUR loan; the borrower pays kur_rate_year less these (never below 0).",
       "Seed 002 (Banjarbaru KUR subsidy with Bank Kalsel); size an assumption (PEN 2020 paid 6 then 3 points)."},
      {"subsidy_months", 0, 0, 360, "months", true,
       "Months of the loan the subsidy covers; 0: its whole term.", "Assumption."},
      {"ceiling_micro_rp", 50e6, 0.0, kInf, "Rp", false,
       "Largest subsidised loan to a micro firm.", "KUR micro ceiling (kur_ceiling_micro_rp)."},
      {"ceiling_small_rp", 500e6, 0.0, kInf, "Rp", false,
       "Largest subsidised loan to a small firm.", "KUR small ceiling (kur_ceiling_small_rp)."},
  };
  static const std::vector<ParamInfo> voucher = {
      {"transferable", 1, 0, 1, "flag", true,
       "1: vouchers can be passed on, and resale_share of their value is sold to others (leakage); 0: barcoded, used only by the recipient.",
       "Seed 002: vouchers were resold; barcodes were to stop it."},
      {"resale_share", 0.3, 0.0, 1.0, "share of value", false,
       "Share of a transferable voucher's value its recipient sells on.", "Assumption (seed 002 reports resale, not its size)."},
      {"resale_price", 0.5, 0.0, 1.0, "share of face value", false,
       "What the recipient gets for a resold voucher, from the buyer (outside the ledger).", "Assumption."},
      {"demand_uplift", 0.1, 0.0, 5.0, "share of online sales", false,
       "Extra demand on the online part of a recipient's sales while it holds vouchers (free shipping for its buyers).",
       "Seed 002 (sell without worrying about the burden of shipping costs); size an assumption."},
      {"months", 0, 0, 1200, "months", true,
       "Months a recipient receives vouchers; 0: until the programme's end.", "Assumption."},
  };
  static const std::vector<ParamInfo> training = {
      {"success_base", 0.1, 0.0, 1.0, "probability", false,
       "Odds that a trainee with owner capability 0 starts selling online (or more) after training.",
       "Seed 002: age and education decide success online; size an assumption."},
      {"success_capability", 0.7, 0.0, 1.0, "probability per unit capability", false,
       "Extra odds of success per unit of owner capability (0-1).", "Seed 002; size an assumption."},
      {"online_gain", 0.2, 0.0, 1.0, "share of sales", false,
       "Increase of a successful trainee's online share of sales (capped at 1).", "Assumption."},
      {"demand_uplift", 0.03, 0.0, 5.0, "share of demand", false,
       "Lasting extra demand of a successful trainee (a wider market online).", "Assumption."},
  };
  static const std::vector<ParamInfo> market = {
      {"demand_uplift", 0.1, 0.0, 5.0, "share of demand", false,
       "Extra demand for a participating firm (bazaar, exhibition, purchases under a local-procurement rule).",
       "Seed 002 (mayor's circular to buy sasirangan, purun, knitted goods); seed 000 (SME bazaars); size an assumption."},
      {"duration_months", 3, 0, 1200, "months", true,
       "Months the extra demand lasts from the award; 0: it lasts (a lasting procurement rule).", "Assumption."},
  };
  static const std::vector<ParamInfo> rental = {
      {"fixed_cost_cut", 0.5, 0.0, 1.0, "share of fixed cost", false,
       "Share of a recipient's monthly fixed cost (shop rent) the programme pays, up to the amount a month.",
       "Seed 000: shop rental facilitation in 29 of 40 kecamatan; size an assumption."},
  };
  static const std::vector<ParamInfo> guarantee = {
      {"approval_boost", 0.2, 0.0, 1.0, "probability", false,
       "Added to a guaranteed applicant's approval odds at KUR and bank lenders (capped at 1).",
       "Seed 000 §5.3 (credit guarantee, KUR expansion); size an assumption."},
      {"ceiling_factor", 1.5, 1.0, 10.0, "x ceiling", false,
       "Multiplies the KUR ceilings and the bank's ceiling for a guaranteed applicant.", "Assumption."},
      {"tightening_relief", 0.5, 0.0, 1.0, "share", false,
       "Share of the capital shock's tightening of approval odds the guarantee removes.", "Assumption."},
      {"fee_share", 0.015, 0.0, 0.5, "share of the loan", false,
       "Guarantee fee the programme pays per rupiah lent under guarantee.",
       "Assumption (the government pays KUR's guarantee fee, imbal jasa penjaminan)."},
      {"coverage", 0.7, 0.0, 1.0, "share of a default", false,
       "Share of a guaranteed loan outstanding when its firm closes that the programme pays the lender.",
       "Assumption (KUR guarantees cover 70 % of a default)."},
  };
  static const std::vector<ParamInfo> csr = {
      {"earmarked", 1, 0, 1, "flag", true,
       "1: the cooperative may lend the funds only to its member firms (not pay withdrawals or lend to other members with them); 0: general capital.",
       "Seed 000 §5.4 (CSR funds to finance cooperatives' capital for their members)."},
      {"member_rate_year", 0.03, 0.0, 5.0, "1/year", false,
       "Rate member firms pay on loans from the earmarked funds (while any are left to lend).",
       "The state enterprises' CSR micro-loan programme (PUMK, Permen BUMN PER-05/MBU/04/2021): an administration fee of 3 % a year."},
      {"member_term_months", 36, 1, 360, "months", true, "Term of loans from the earmarked funds.",
       "PUMK: working-capital loans for at most 3 years."},
      {"member_ceiling_revenue_months", 6.0, 0.0, 120.0, "months of revenue", false,
       "Ceiling of a loan from the earmarked funds, in months of the firm's baseline revenue (within the cooperative's credit line).",
       "Assumption (PUMK lends up to Rp 250 M a firm, for working capital and fixed assets)."},
  };
  static const std::vector<ParamInfo> certificate = {
      {"price_premium", 0.05, 0.0, 1.0, "share of price", false,
       "Higher price a certified firm gets for the same goods (revenue up, costs not).",
       "Seed 002 (IPR and halal certification; handicraft firms grew to small after it); size an assumption."},
      {"market_uplift", 0.0, 0.0, 5.0, "share of demand", false,
       "Extra demand a certified firm reaches (markets that require the certificate).", "Assumption."},
      {"per_year", 15, 0, 1000000, "firms per calendar year", true,
       "Certifications the programme pays for in a calendar year; 0: no yearly limit.",
       "Seed 002: at least 15 firms a year are facilitated (IPR fee Rp 500,000)."},
  };
  static const std::vector<ParamInfo> clinic = {
      {"counsellors", 1, 0, 1000, "counsellors per service", true,
       "Counsellors serving at once, in the cooperative hours and in the SME hours each.", "Assumption."},
      {"minutes", 30, 1, 480, "minutes", true,
       "Length of a consultation slot (at most 30 minutes).", "Seed 003."},
      {"coop_hours", 3, 0, 24, "hours per weekday", true,
       "Hours a weekday for cooperatives (09.00-12.00).", "Seed 003: Monday to Friday, 09.00-12.00."},
      {"sme_hours", 3, 0, 24, "hours per weekday", true,
       "Hours a weekday for SMEs (13.00-16.00).", "Seed 003: Monday to Friday, 13.00-16.00."},
      {"registration_odds", 0.5, 0.0, 1.0, "probability", false,
       "Odds that an unregistered firm registers after its consultation (then it can borrow at KUR and banks that require it).",
       "Seed 003 (licensing and legality help); size an assumption."},
      {"cost_saving", 0.03, 0.0, 1.0, "share of variable cost", false,
       "Lasting cut in a consulted firm's variable-cost share (better management): a lower failure hazard.",
       "Seed 003; size an assumption."},
      {"revival_odds", 0.3, 0.0, 1.0, "probability", false,
       "Odds that an inactive cooperative holds its members' meeting after a consultation, and is active again.",
       "Seed 003 (the clinic helps cooperatives hold their RAT); size an assumption."},
  };
  static const std::vector<ParamInfo> collaboration = {
      {"join", 1, 0, 1, "flag", true,
       "1: a firm that is no member joins an active producer, consumer or marketing cooperative of its kecamatan (capital access and joint trade).",
       "Seed 004: the MoU between cooperatives and micro enterprises (capital access, capacity, distribution, marketing)."},
      {"marketing_uplift", 0.03, 0.0, 5.0, "share of demand", false,
       "Lasting extra demand from the cooperative's marketing and distribution.", "Seed 004; size an assumption."},
      {"capacity_saving", 0.02, 0.0, 1.0, "share of variable cost", false,
       "Lasting cut in the variable-cost share from capacity building.", "Seed 004; size an assumption."},
  };
  static const std::vector<ParamInfo> network = {
      {"financing_share", 0.5, 0.0, 1.0, "share of free funds", false,
       "Share of its free funds a savings & loan cooperative of the network places with the network's other cooperatives (joint financing).",
       "Seed 000 §5.4 (joint financing among cooperatives)."},
      {"joint_trade", 1, 0, 1, "flag", true,
       "1: the network's cooperatives buy and sell jointly for their members, whatever their type.",
       "Seed 000 §5.4 (joint buying and selling)."},
  };
  static const std::vector<ParamInfo> restructuring = {
      {"deferral_months", 6, 0, 24, "months", true,
       "Months the loan's service is deferred from the award; its term waits meanwhile.",
       "Permenko 6/2020 (KUR: principal deferred up to 6 months); POJK 11/POJK.03/2020 (restructuring of affected debtors, deferral up to a year)."},
      {"interest_deferred", 0, 0, 1, "flag", true,
       "1: the interest is deferred too (added to the loan); 0: only the principal, the interest is paid.",
       "Permenko 6/2020 defers KUR principal; POJK 11/2020 allows either."},
      {"extension_months", 6, 0, 120, "months", true,
       "Months added to the loan's term after the deferral, so that the instalment falls (it never rises).",
       "POJK 11/2020 and Permenko 6/2020 (perpanjangan jangka waktu); size an assumption."},
      {"uptake_kur", 1.0, 0.0, 1.0, "share", false,
       "Share of eligible KUR debtors whose bank restructures the loan when they apply (0: KUR loans are not covered).",
       "Assumption (KUR relief was a government scheme through its distributing banks)."},
      {"uptake_bank", 0.7, 0.0, 1.0, "share", false,
       "As uptake_kur, for commercial bank loans.",
       "Assumption: by November 2020 banks had restructured Rp 371 T for 5.8 million MSME debtors (OJK), about a third of MSME credit."},
      {"uptake_cooperative", 0.0, 0.0, 1.0, "share", false,
       "As uptake_kur, for loans from cooperatives (not under POJK 11/2020).", "Assumption."},
      {"require_affected", 1, 0, 1, "flag", true,
       "1: only debtors affected by the shocks last month (a main problem) or in arrears; 0: any debtor.",
       "POJK 11/2020: debtors affected by COVID-19."},
  };
  static const std::vector<ParamInfo> extra_subsidy = {
      {"rate_points", 0.06, 0.0, 1.0, "1/year", false,
       "Interest points the government pays on an existing KUR loan each month of the programme (the borrower's rate falls by as much, never below 0).",
       "PMK 85/PMK.05/2020, Permenko 8/2020 and 16/2020: 6 points from April to December 2020; 3 points from January 2021."},
      {"max_arrears_installments", 3, 0, 120, "instalments", false,
       "Only loans whose arrears are at most this many instalments (collectability 1 or 2).",
       "Permenko 8/2020: KUR debtors of collectability 1 or 2 (under 90 days overdue)."},
  };
  static const std::vector<ParamInfo> bpum = {
      {"exclude_informal", 0, 0, 1, "flag", true,
       "1: firms with an informal loan are not eligible either; 0: only loans from banks, KUR and cooperatives count as credit.",
       "BPUM 2020: recipients had no loan from a bank or other financial institution; informal credit did not count."},
      {"max_cash_rp", 1e15, 0.0, 1e15, "Rp", false,
       "Only firms with at most this cash (BPUM 2020 required a bank balance of at most Rp 2 million; the default, 1e15, is no limit).",
       "BPUM 2020 requirements (Kemenkop UKM); off by default because a firm's cash here is not its bank balance."},
  };
  static const std::vector<ParamInfo> virtual_meeting = {
      {"due_only", 1, 0, 1, "flag", true,
       "1: only cooperatives that would lose their active status without a meeting this year (and inactive ones); 0: any cooperative without the means.",
       "Assumption (support targets cooperatives at risk of becoming inactive)."},
  };
  // One row per kind, in the order of ProgrammeKind: its name, recipients
  // (firms, cooperatives), whether it spends a budget, its default amount
  // and what that amount is, its own parameters (above), the hooks its
  // mechanism uses and what its ledger's transfers are.
  using enum ProgrammeHook;
  constexpr auto h = [](std::initializer_list<ProgrammeHook> hooks) {
    std::uint32_t bits = 0;
    for (const ProgrammeHook x : hooks) bits |= hook_bit(x);
    return bits;
  };
  static const std::vector<ProgrammeKindInfo> rows = {
      {ProgrammeKind::cash_grant, "cash_grant", true, false, true, 2.4e6,
       "BPUM 2020: Rp 2.4 million per micro firm", &none, h({award}),
       "the grant, kept in the business as working capital"},
      {ProgrammeKind::kur_subsidy, "kur_subsidy", true, false, true, 0.0,
       "none: what it pays follows from the loans and rate_points", &kur,
       h({eligibility, credit_offer, loan_upkeep}),
       "the interest points paid to the bank on the borrower's behalf, month by month over the covered term"},
      {ProgrammeKind::shipping_voucher, "shipping_voucher", true, false, true, 3e5, "a month's voucher", &voucher,
       h({eligibility, award, monthly_benefit, demand}),
       "vouchers redeemed against the firm's shipping, month by month (vouchers sold on are leakage)"},
      {ProgrammeKind::digital_training, "digital_training", true, false, true, 1.5e6, "per trainee", &training,
       h({eligibility, award, demand}), "the training, in kind"},
      {ProgrammeKind::market_access, "market_access", true, false, true, 1e6, "per participating firm", &market,
       h({award, demand}), "the firm's place at the event or in the procurement, in kind"},
      {ProgrammeKind::shop_rental, "shop_rental", true, false, true, 1e6, "at most, paid a month per firm", &rental,
       h({eligibility, award, monthly_benefit, firm_cost}), "the rent paid, month by month"},
      {ProgrammeKind::credit_guarantee, "credit_guarantee", true, false, true, 0.0,
       "none: what it pays follows from the loans, fee_share and coverage", &guarantee,
       h({eligibility, credit_offer, loan_upkeep}),
       "the guarantee fee of each loan guaranteed, and claims on guaranteed loans of firms that close"},
      {ProgrammeKind::csr_capital, "csr_capital", false, true, true, 100e6, "per cooperative", &csr,
       h({award_cooperative}), "capital to the cooperative"},
      {ProgrammeKind::certification, "certification", true, false, true, 5e5, "the IPR fee (seed 002)", &certificate,
       h({award, demand, own_capacity}), "the certification fee"},
      {ProgrammeKind::clinic, "clinic", true, true, true, 1.5e5, "per consultation", &clinic,
       h({eligibility, award, award_cooperative, own_capacity}), "consultations, in kind (firms and cooperatives)"},
      {ProgrammeKind::coop_collaboration, "coop_collaboration", true, false, true, 5e5, "per firm", &collaboration,
       h({award, demand}), "the facilitation, in kind"},
      {ProgrammeKind::coop_network, "coop_network", false, true, true, 10e6, "facilitation per cooperative", &network,
       h({award_cooperative}), "the facilitation of the cooperative's joining, in kind"},
      {ProgrammeKind::loan_restructuring, "loan_restructuring", true, false, false, 0.0,
       "none: lenders bear the relief", &restructuring, h({eligibility, award, loan_upkeep}),
       "none: lenders bear the relief (the debt service they defer is relief_rp)"},
      {ProgrammeKind::kur_extra_subsidy, "kur_extra_subsidy", true, false, true, 0.0,
       "none: what it pays follows from the loans and rate_points", &extra_subsidy,
       h({eligibility, award, loan_upkeep, firm_cost}),
       "the interest points paid to the lender on the borrower's behalf, month by month"},
      {ProgrammeKind::bpum, "bpum", true, false, true, 2.4e6, "BPUM 2020: Rp 2.4 million per micro firm", &bpum,
       h({eligibility, award}), "the grant, kept in the business as working capital"},
      {ProgrammeKind::virtual_rat, "virtual_rat", false, true, true, 5e6,
       "per cooperative: training and a year's video-meeting service", &virtual_meeting,
       h({eligibility, award_cooperative}), "the training and the video-meeting service, in kind"},
  };
  return rows;
}
// clang-format on

}  // namespace

std::span<const ProgrammeKindInfo> programme_kind_table() { return kind_rows(); }

const ProgrammeKindInfo& programme_kind_info(ProgrammeKind kind) {
  return kind_rows()[static_cast<std::size_t>(kind)];
}

std::string_view to_string(ProgrammeKind kind) {
  return static_cast<std::size_t>(kind) < kind_rows().size() ? programme_kind_info(kind).name : "?";
}
std::string_view to_string(ProgrammeHook hook) {
  switch (hook) {
    case ProgrammeHook::eligibility: return "eligibility";
    case ProgrammeHook::award: return "award";
    case ProgrammeHook::award_cooperative: return "award_cooperative";
    case ProgrammeHook::credit_offer: return "credit_offer";
    case ProgrammeHook::monthly_benefit: return "monthly_benefit";
    case ProgrammeHook::loan_upkeep: return "loan_upkeep";
    case ProgrammeHook::demand: return "demand";
    case ProgrammeHook::firm_cost: return "firm_cost";
    case ProgrammeHook::own_capacity: return "own_capacity";
  }
  return "?";
}
std::string_view describe(ProgrammeHook hook) {
  switch (hook) {
    case ProgrammeHook::eligibility:
      return "in the eligibility scan, after the shared tests, on a block of firms (or per cooperative)";
    case ProgrammeHook::award: return "when a firm is awarded (the book records the award and the firm's state)";
    case ProgrammeHook::award_cooperative: return "when a cooperative is awarded (the book pays and records)";
    case ProgrammeHook::credit_offer:
      return "the offer is a flag the firm's credit search reads; the loans taken are approved after the month "
             "with the kind's outlay, approval and refusal";
    case ProgrammeHook::monthly_benefit: return "every month a benefit runs, within the budget";
    case ProgrammeHook::loan_upkeep: return "at the start of every month, over the loans the programme holds";
    case ProgrammeHook::demand: return "the kind keeps a demand factor per firm, lasting or temporary";
    case ProgrammeHook::firm_cost: return "what one award costs depends on the firm";
    case ProgrammeHook::own_capacity: return "a schedule of its own limits the month's awards";
  }
  return "?";
}
bool serves_cooperatives(ProgrammeKind kind) { return programme_kind_info(kind).serves_cooperatives; }
bool serves_firms(ProgrammeKind kind) { return programme_kind_info(kind).serves_firms; }
bool spends_budget(ProgrammeKind kind) { return programme_kind_info(kind).spends_budget; }
double default_amount_rp(ProgrammeKind kind) { return programme_kind_info(kind).default_amount_rp; }
const std::vector<ParamInfo>& programme_params(ProgrammeKind kind) { return *programme_kind_info(kind).params; }

double Programme::amount() const { return amount_rp >= 0.0 ? amount_rp : default_amount_rp(kind); }

const ParamInfo* find_programme_param(ProgrammeKind kind, std::string_view name) {
  for (const auto& info : programme_params(kind))
    if (name == info.name) return &info;
  return nullptr;
}

std::string programme_params_allowed(ProgrammeKind kind) {
  std::string names;
  for (const auto& info : programme_params(kind)) names += (names.empty() ? "" : ", ") + std::string(info.name);
  return names.empty() ? std::string(to_string(kind)) + " has no parameters"
                       : "a parameter of " + std::string(to_string(kind)) + ": " + names;
}

double Programme::param(std::string_view key) const {
  const ParamInfo* info = find_programme_param(kind, key);
  if (info == nullptr)
    throw InvalidArgument(std::string("params.") + std::string(key), "'" + std::string(key) + "'",
                          programme_params_allowed(kind));
  const auto it = params.find(std::string(key));
  return it == params.end() ? info->default_value : it->second;
}

void Programme::validate(const std::string& field) const {
  if (name.empty()) throw InvalidArgument(field + ".name", "''", "a non-empty name");
  if (start.month < 1 || start.month > 12) throw InvalidArgument(field + ".start", start.to_string(), "a month YYYY-MM");
  if (end.month < 1 || end.month > 12) throw InvalidArgument(field + ".end", end.to_string(), "a month YYYY-MM");
  if (end.months_since(start) < 0)
    throw InvalidArgument(field + ".end", end.to_string(), "a month not before start (" + start.to_string() + ")");
  for (std::size_t i = 0; i < std::size(kProgrammeFields); ++i) {
    const ParamInfo& row = kProgrammeFields[i];
    const double v = kProgrammeAccess[i].get(*this);
    if (!field_unset(row, v)) validate_field(row, v, field + "." + std::string(row.name));
  }
  eligibility.validate(field + ".eligibility");
  // A kind that pays on the loans it holds grosses its payments up by what
  // leaks: some of each must reach the loans.
  const ProgrammeKindInfo& row = programme_kind_info(kind);
  if (row.uses(ProgrammeHook::loan_upkeep) && row.spends_budget && leakage_share >= 1.0)
    throw InvalidArgument(field + ".leakage_share", detail::format_value(leakage_share),
                          "a number in [0, 1) for a " + std::string(to_string(kind)) + " (some of it must reach the loans)");
  for (const auto& [key, value] : params) {
    const std::string f = field + ".params." + key;
    const ParamInfo* info = find_programme_param(kind, key);
    if (info == nullptr) throw InvalidArgument(f, "'" + key + "'", programme_params_allowed(kind));
    validate_param(*info, value, f);
  }
}

}  // namespace msmesim
