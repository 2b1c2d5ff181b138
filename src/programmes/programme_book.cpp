// The programmes' monthly step and the government ledger (docs/model.md §15).
#include "programmes/programme_book.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>
#include <tuple>

#include "core/annuity.hpp"

#include "core/parallel.hpp"
#include "core/philox.hpp"
#include "msmesim/error.hpp"
#include "msmesim/rng.hpp"

namespace msmesim::detail {

namespace {

enum Attr : int { a_revenue, a_assets, a_workers, a_cash, a_online, a_capability, a_fixed, a_unable, a_age };

constexpr std::int16_t kNever = std::numeric_limits<std::int16_t>::max();
// Time words of the draws that belong to no month: a firm's awareness and
// arrival; a cooperative's (kept apart from the firms' by the entity's top bit).
constexpr std::uint32_t kCoopEntity = 0x80000000u;

/// The stream of a programme's draws: a hash of its name, kept clear of the
/// engine's own purposes.
std::uint32_t purpose_of(const std::string& name) {
  std::uint32_t h = 2166136261u;
  for (unsigned char ch : name) h = (h ^ ch) * 16777619u;
  return 0x40000000u | (h & 0x3FFFFFFFu);
}

bool monthly(ProgrammeKind k) { return k == ProgrammeKind::shipping_voucher || k == ProgrammeKind::shop_rental; }

bool changes_demand(ProgrammeKind k) {
  return k == ProgrammeKind::shipping_voucher || k == ProgrammeKind::digital_training ||
         k == ProgrammeKind::market_access || k == ProgrammeKind::certification ||
         k == ProgrammeKind::coop_collaboration;
}

/// Monday-to-Friday days of a calendar month.
int weekdays(const YearMonth& ym) {
  using namespace std::chrono;
  const year_month_day first{year{ym.year}, month{static_cast<unsigned>(ym.month)}, day{1}};
  const year_month_day_last last{year{ym.year}, month_day_last{month{static_cast<unsigned>(ym.month)}}};
  const unsigned days = static_cast<unsigned>(last.day());
  unsigned wd = weekday{sys_days{first}}.c_encoding();  // 0 = Sunday
  int count = 0;
  for (unsigned d = 0; d < days; ++d, wd = (wd + 1) % 7) count += (wd != 0 && wd != 6) ? 1 : 0;
  return count;
}

}  // namespace

struct ProgrammeBook::Prog {
  Programme spec;
  std::uint16_t index = 0;
  std::uint32_t purpose = 0;
  int t0 = 0, t1 = -1;  // window of new awards, month indices
  double amount = 0.0;
  unsigned class_ok = 0, type_ok = 0;
  std::vector<std::uint8_t> sector_ok, region_ok;
  bool some_sectors = false, some_regions = false;  // not every sector (kecamatan) is eligible
  struct Range {
    Attr attr;
    double lo, hi;
  };
  std::vector<Range> ranges;
  double spent = 0.0;      // transfers, administrative cost and leakage paid so far
  double committed = 0.0;  // promised to subsidised loans, not yet paid
  std::int64_t recipients = 0;
  std::vector<std::int16_t> awarded;        // firms: month of the award, -1 none
  std::vector<std::int16_t> first_applied;  // firms: for first_come
  std::vector<float> arrival;               // firms: their random arrival in the month they first applied
  std::vector<std::uint8_t> applies;        // firms: the persistent uptake draw, 0 not drawn yet, 1 applies, 2 not
  std::vector<std::int16_t> coop_awarded;   // cooperatives
  std::vector<double> factor;               // demand factor this programme applies
  std::vector<std::int16_t> until;          // month the benefit or effect ends (exclusive)
  std::vector<std::uint32_t> active;        // firms with a running benefit or effect
  // Loans under offers (KUR subsidy, guarantee).
  int offer = -1;
  double points = 0.0;
  int covered = 0;
  std::vector<std::uint32_t> offered;
  struct Loan {
    std::uint32_t firm;
    std::uint16_t months_left;  // as last seen
    std::uint16_t covered_left;
    double commitment;          // subsidy: outlay still promised
    double principal;           // guarantee: as last seen
  };
  std::vector<Loan> loans;
  std::vector<Relief> relief;  // loans the programme relieves
  std::array<double, kLenders> lender_uptake{};  // restructuring: share of each lender's debtors it serves
  // Certification's yearly count.
  int year = 0;
  std::int64_t this_year = 0;

  double left() const { return spec.budget_rp - spent - committed; }
  /// Outlay (administration and leakage included) per rupiah reaching a recipient.
  double outlay_per_recipient_rupiah() const { return (1.0 + spec.admin_cost_share) / (1.0 - spec.leakage_share); }
};

ProgrammeBook::ProgrammeBook() = default;
ProgrammeBook::~ProgrammeBook() = default;
ProgrammeBook::ProgrammeBook(ProgrammeBook&&) noexcept = default;
ProgrammeBook& ProgrammeBook::operator=(ProgrammeBook&&) noexcept = default;
const Programme& ProgrammeBook::spec(std::size_t k) const { return progs_[k].spec; }

ProgrammeBook::ProgrammeBook(const std::vector<Programme>& programmes, const Population& pop, const FirmParams& P,
                             const YearMonth& run_start, std::size_t capacity, std::uint64_t seed,
                             std::uint32_t replication, int threads, std::size_t chunk,
                             std::vector<double>* cost_factor)
    : n_(programmes.size()),
      pop_(&pop),
      P_(P),
      start_(run_start),
      seed_(seed),
      replication_(replication),
      threads_(threads),
      chunk_(std::max<std::size_t>(chunk, 1)),
      cost_factor_(cost_factor) {
  n_regions_ = pop.region_names.size();
  n_sectors_ = pop.sector_names.size();
  progs_.resize(programmes.size());
  for (std::size_t k = 0; k < programmes.size(); ++k) {
    Prog& p = progs_[k];
    const Programme& s = programmes[k];
    const std::string f = "programmes[" + std::to_string(k) + "] ('" + s.name + "')";
    p.spec = s;
    p.index = static_cast<std::uint16_t>(k);
    p.purpose = purpose_of(s.name);
    p.t0 = s.start.months_since(run_start);
    p.t1 = s.end.months_since(run_start);
    p.amount = s.amount();
    for (auto c : s.eligibility.classes) p.class_ok |= 1u << static_cast<unsigned>(c);
    if (s.eligibility.classes.empty()) p.class_ok = 0xFu;
    for (auto c : s.eligibility.coop_types) p.type_ok |= 1u << static_cast<unsigned>(c);
    if (s.eligibility.coop_types.empty()) p.type_ok = 0xFFu;
    p.sector_ok.assign(n_sectors_, s.eligibility.sectors.empty() ? 1 : 0);
    for (const auto& name : s.eligibility.sectors) p.sector_ok[pop.sector_index(name, f + ".eligibility.sectors")] = 1;
    p.region_ok.assign(n_regions_, s.eligibility.regions.empty() ? 1 : 0);
    for (const auto& name : s.eligibility.regions) p.region_ok[pop.region_index(name, f + ".eligibility.regions")] = 1;
    p.some_sectors = std::find(p.sector_ok.begin(), p.sector_ok.end(), 0) != p.sector_ok.end();
    p.some_regions = std::find(p.region_ok.begin(), p.region_ok.end(), 0) != p.region_ok.end();
    const auto& names = eligibility_attributes();
    for (const auto& r : s.eligibility.ranges) {
      const auto at = std::find(names.begin(), names.end(), r.attribute) - names.begin();
      p.ranges.push_back({static_cast<Attr>(at), r.min, r.max});
    }
    if (serves_firms(s.kind)) {
      p.awarded.assign(capacity, -1);
      if (s.allocation == Allocation::first_come) {
        p.first_applied.assign(capacity, -1);
        p.arrival.assign(capacity, 0.0f);
      }
      if (s.uptake < 1.0) p.applies.assign(capacity, 0);
    }
    if (changes_demand(s.kind)) p.factor.assign(capacity, 1.0);
    if (monthly(s.kind) || s.kind == ProgrammeKind::market_access) p.until.assign(capacity, 0);
    if (s.kind == ProgrammeKind::kur_subsidy) {
      p.offer = static_cast<int>(kur_offers_.size());
      kur_prog_.push_back(k);
      p.points = s.param("rate_points");
      const int term = static_cast<int>(P.kur_term_months);
      p.covered = s.param("subsidy_months") > 0 ? std::min(term, static_cast<int>(s.param("subsidy_months"))) : term;
      KurOffer o;
      o.rate_year = std::max(0.0, P.kur_rate_year - p.points);
      o.ceiling_micro_rp = s.param("ceiling_micro_rp");
      o.ceiling_small_rp = s.param("ceiling_small_rp");
      o.annuity = Annuity(o.rate_year, term);
      o.annuity_stored = Annuity(static_cast<double>(static_cast<float>(o.rate_year)), term);
      kur_offers_.push_back(o);
    }
    if (s.kind == ProgrammeKind::loan_restructuring) {
      p.lender_uptake[static_cast<std::size_t>(Lender::cooperative)] = s.param("uptake_cooperative");
      p.lender_uptake[static_cast<std::size_t>(Lender::kur)] = s.param("uptake_kur");
      p.lender_uptake[static_cast<std::size_t>(Lender::bank)] = s.param("uptake_bank");
    }
    if (s.kind == ProgrammeKind::kur_extra_subsidy) p.points = s.param("rate_points");
    if (s.kind == ProgrammeKind::credit_guarantee) {
      p.offer = static_cast<int>(guarantee_offers_.size());
      guarantee_prog_.push_back(k);
      guarantee_offers_.push_back(
          {s.param("approval_boost"), s.param("ceiling_factor"), s.param("tightening_relief")});
    }
  }
  const std::size_t chunks = (capacity + chunk_ - 1) / chunk_ + 1;
  if (kur_offers_.size() > 127 || guarantee_offers_.size() > 127)
    throw InvalidArgument("programmes", std::to_string(std::max(kur_offers_.size(), guarantee_offers_.size())) +
                                            " programmes of one credit kind",
                          "at most 127 kur_subsidy and 127 credit_guarantee programmes");
  if (!kur_offers_.empty()) {
    kur_of_.assign(capacity, -1);
    kur_taken_.resize(chunks);
  }
  if (!guarantee_offers_.empty()) {
    guarantee_of_.assign(capacity, -1);
    guarantee_taken_.resize(chunks);
  }
  cells_.assign(progs_.size() * n_regions_ * kSizeClasses * n_sectors_ * 3, 0.0);
  coop_cells_.assign(progs_.size() * n_regions_ * 3, 0.0);
}

void ProgrammeBook::reprice_restructured(Relief& loan, FirmState& st) {
  // The instalment for what is left of the extended term; if the deferred
  // interest raised it above the one before, the term is extended until it
  // is not (repayment capacity is never worse than when the loan was made).
  const std::size_t i = loan.firm;
  const double principal = st.loan_principal_rp[i];
  const float rate = st.loan_rate_year[i];
  int months = std::max<int>(1, st.loan_months_left[i]);
  double installment = annuity_installment(principal, rate, months);
  const double r = static_cast<double>(rate) / 12.0;
  if (installment > loan.installment_before && loan.installment_before > principal * r) {
    const double needed = r > 0.0 ? std::ceil(-std::log(1.0 - principal * r / loan.installment_before) / std::log1p(r))
                                   : std::ceil(principal / loan.installment_before);
    months = static_cast<int>(std::min(600.0, std::max(static_cast<double>(months), needed)));
    installment = annuity_installment(principal, rate, months);
  }
  st.loan_months_left[i] = static_cast<std::uint16_t>(months);
  st.loan_installment_rp[i] = std::min(installment, std::max(loan.installment_before, principal * r));
  loan.repriced = true;
}

void ProgrammeBook::prefetch_loan(std::size_t i, const FirmState& st) {
  __builtin_prefetch(&st.status[i]);
  __builtin_prefetch(&st.loan_principal_rp[i]);
  __builtin_prefetch(&st.loan_lender[i]);
  __builtin_prefetch(&st.loan_months_left[i]);
  __builtin_prefetch(&st.loan_rate_year[i]);
  __builtin_prefetch(&st.region[i]);
  __builtin_prefetch(&st.size_class[i]);
  __builtin_prefetch(&st.sector[i]);
}

void ProgrammeBook::prefetch_award(const Prog& p, std::size_t i, const FirmState& st) {
  prefetch_loan(i, st);
  __builtin_prefetch(&st.cash_rp[i]);
  __builtin_prefetch(&st.workers[i]);
  __builtin_prefetch(&st.fixed_cost_rp[i]);
  __builtin_prefetch(&st.wage_rp[i]);
  __builtin_prefetch(&st.loan_installment_rp[i]);
  __builtin_prefetch(&st.informal_installment_rp[i]);
  __builtin_prefetch(&p.awarded[i]);
}

bool ProgrammeBook::same_kur_loan(std::size_t i, std::uint16_t months_seen, const FirmState& st) {
  // Open, still owing, to KUR, and no more months left than last seen (a
  // new loan would have a fresh term).
  return st.status[i] != static_cast<std::uint8_t>(FirmStatus::closed) && st.loan_principal_rp[i] > 0.0 &&
         st.loan_lender[i] == static_cast<std::uint8_t>(Lender::kur) && st.loan_months_left[i] <= months_seen;
}

double ProgrammeBook::relief_transfer(const Relief& loan, const FirmState& st) {
  // The points the borrower no longer pays, on this month's balance.
  const std::size_t i = loan.firm;
  const double points = static_cast<double>(loan.rate_before) - static_cast<double>(st.loan_rate_year[i]);
  return st.loan_principal_rp[i] * points / 12.0;
}

void ProgrammeBook::pay_relief(Prog& p, Relief& loan, int t, FirmState& st) {
  const double transfer = relief_transfer(loan, st);
  const double leak = p.spec.leakage_share;
  pay(p, loan.firm, t, st, transfer, transfer / (1.0 - leak) * leak);
}

void ProgrammeBook::set_factor(Prog& p, std::size_t i, FirmState& st, double factor) {
  // A lasting effect moves the firm's potential (and its level and
  // expectation with it); a temporary one only this month's demand, which
  // the firm's expectations — its workforce and assets — leave out.
  const double ratio = factor / p.factor[i];
  if (temporary_demand(p)) {
    st.demand_factor[i] = static_cast<float>(static_cast<double>(st.demand_factor[i]) * ratio);
  } else {
    st.potential_rp[i] *= ratio;
    st.level_rp[i] *= ratio;
    st.expected_rp[i] *= ratio;
  }
  p.factor[i] = factor;
}

bool ProgrammeBook::temporary_demand(const Prog& p) {
  return p.spec.kind == ProgrammeKind::shipping_voucher ||
         (p.spec.kind == ProgrammeKind::market_access && p.spec.param("duration_months") > 0);
}

void ProgrammeBook::lower_costs(std::size_t i, double saving, ProgrammeEffects& fx) {
  if (saving <= 0.0 || cost_factor_ == nullptr) return;
  (*cost_factor_)[i] *= 1.0 - saving;
  fx.changed.push_back(static_cast<std::uint32_t>(i));
}

std::array<std::uint32_t, 4> ProgrammeBook::draw(const Prog& p, std::size_t i, std::uint32_t time) const {
  return philox_words(seed_, replication_, static_cast<std::uint32_t>(i), time, p.purpose);
}

void ProgrammeBook::book(Prog& p, double* cell, int t, std::int32_t firm, std::int32_t coop, double transfer,
                         double leakage) {
  const double admin = (transfer + leakage) * p.spec.admin_cost_share;
  p.spent += transfer + leakage + admin;
  ProgrammeMonth& m = months_.back()[p.index];
  m.transfer_rp += transfer;
  m.leakage_rp += leakage;
  m.admin_rp += admin;
  cell[0] += transfer;
  cell[1] += admin;
  cell[2] += leakage;
  payments_.push_back({t, p.index, firm, coop, transfer, admin, leakage});
}

std::size_t ProgrammeBook::cell_of(const Prog& p, std::size_t i, const FirmState& st) const {
  return ((static_cast<std::size_t>(p.index) * n_regions_ + st.region[i]) * kSizeClasses + st.size_class[i]) *
             n_sectors_ +
         st.sector[i];
}

void ProgrammeBook::pay(Prog& p, std::size_t i, int t, const FirmState& st, double transfer, double leakage) {
  book(p, &cells_[cell_of(p, i, st) * 3], t, static_cast<std::int32_t>(i), -1, transfer, leakage);
}

void ProgrammeBook::pay_coop(Prog& p, std::size_t c, int t, const CoopBook& coop, double transfer, double leakage) {
  const std::size_t cell = static_cast<std::size_t>(p.index) * n_regions_ + coop.state().region[c];
  book(p, &coop_cells_[cell * 3], t, -1, static_cast<std::int32_t>(c), transfer, leakage);
}

// Column by column over a block of firms: each test is a straight loop over
// one or two attributes that the compiler vectorises (conditions joined by
// & and |, without branches), and only the tests the programme sets are
// made. ok[j] is firm b + j's eligibility.
void ProgrammeBook::eligible_block(const Prog& p, std::size_t b, std::size_t e, const FirmState& st, int t,
                                   std::uint8_t* ok) const {
  const std::size_t n = e - b;
  const auto closed = static_cast<std::uint8_t>(FirmStatus::closed);
  const Eligibility& el = p.spec.eligibility;
  {
    const std::uint8_t* status = st.status.data() + b;
    const std::int16_t* awarded = p.awarded.data() + b;
    const std::uint8_t* cls = st.size_class.data() + b;
    const unsigned class_ok = p.class_ok;
    for (std::size_t j = 0; j < n; ++j)
      ok[j] = static_cast<std::uint8_t>((status[j] != closed) & (awarded[j] < 0) & ((class_ok >> cls[j]) & 1u));
  }
  auto keep = [&](auto&& test) {
    for (std::size_t j = 0; j < n; ++j) ok[j] = static_cast<std::uint8_t>(ok[j] & (test(b + j) ? 1 : 0));
  };
  if (p.some_sectors)
    keep([&](std::size_t i) { return p.sector_ok[st.sector[i]] != 0; });
  if (p.some_regions)
    keep([&](std::size_t i) { return p.region_ok[st.region[i]] != 0; });
  if (el.registered >= 0) {
    const auto want = static_cast<std::uint8_t>(el.registered);
    keep([&](std::size_t i) { return st.registered[i] == want; });
  }
  if (el.never_had_kur) keep([&](std::size_t i) { return st.ever_kur[i] == 0; });
  if (el.cooperative_member >= 0) {
    const bool want = el.cooperative_member == 1;
    keep([&](std::size_t i) { return (st.cooperative[i] >= 0) == want; });
  }
  if (el.online_seller >= 0) {
    const bool want = el.online_seller == 1;
    keep([&](std::size_t i) { return (st.online_share[i] > 0.0f) == want; });
  }
  if (el.in_distress) keep([&](std::size_t i) { return st.months_unable[i] != 0; });
  for (const auto& r : p.ranges) {
    const double lo = r.lo, hi = r.hi;
    auto in = [lo, hi](double v) { return !(v < lo) && !(v > hi); };
    switch (r.attr) {
      case a_revenue: keep([&](std::size_t i) { return in(st.base_revenue_rp[i]); }); break;
      case a_assets: keep([&](std::size_t i) { return in(st.assets_rp[i]); }); break;
      case a_workers: keep([&](std::size_t i) { return in(st.workers[i]); }); break;
      case a_cash: keep([&](std::size_t i) { return in(st.cash_rp[i]); }); break;
      case a_online: keep([&](std::size_t i) { return in(st.online_share[i]); }); break;
      case a_capability: keep([&](std::size_t i) { return in(st.owner_capability[i]); }); break;
      case a_fixed: keep([&](std::size_t i) { return in(st.fixed_cost_rp[i]); }); break;
      case a_unable: keep([&](std::size_t i) { return in(st.months_unable[i]); }); break;
      case a_age:
        keep([&](std::size_t i) {
          return in(st.entry_month[i] < 0 ? std::numeric_limits<double>::infinity() : t - st.entry_month[i]);
        });
        break;
    }
  }
  // What the mechanism itself needs.
  switch (p.spec.kind) {
    case ProgrammeKind::shipping_voucher: keep([&](std::size_t i) { return st.online_share[i] > 0.0f; }); break;
    case ProgrammeKind::shop_rental: keep([&](std::size_t i) { return st.fixed_cost_rp[i] > 0.0; }); break;
    case ProgrammeKind::digital_training: keep([&](std::size_t i) { return st.online_share[i] < 1.0f; }); break;
    case ProgrammeKind::kur_subsidy: {
      // A firm that can take a KUR loan: class, registration, a free
      // formal slot, and no offer of another subsidy this month.
      const unsigned small = static_cast<unsigned>(SizeClass::small);
      const bool need_registered = P_.kur_requires_registered > 0;
      keep([&](std::size_t i) {
        return (st.size_class[i] <= small) & (!need_registered | (st.registered[i] != 0)) &
               (st.loan_principal_rp[i] <= 0.0) & (kur_of_[i] < 0);
      });
      break;
    }
    case ProgrammeKind::credit_guarantee:
      keep([&](std::size_t i) { return (st.loan_principal_rp[i] <= 0.0) & (guarantee_of_[i] < 0); });
      break;
    case ProgrammeKind::clinic:
      // Firms come with a problem: no registration, or unable to pay.
      keep([&](std::size_t i) { return st.registered[i] == 0 || st.months_unable[i] > 0; });
      break;
    case ProgrammeKind::loan_restructuring: {
      // A formal loan of a covered lender, not deferred already, of a
      // debtor affected by the shocks or in arrears; then the lender's
      // willingness (a persistent draw, only for those still eligible).
      const bool affected_only = p.spec.param("require_affected") > 0;
      keep([&](std::size_t i) {
        return (st.loan_principal_rp[i] > 0.0) & (p.lender_uptake[st.loan_lender[i]] > 0.0) &
               (st.loan_deferral[i] == 0) &
               (!affected_only | (st.main_problem[i] != kNoProblem) | (st.debt_arrears_rp[i] > 0.0));
      });
      for (std::size_t j = 0; j < n; ++j)
        if (ok[j]) ok[j] = lender_willing(p, b + j, st) ? 1 : 0;
      break;
    }
    case ProgrammeKind::kur_extra_subsidy: {
      // KUR loans of collectability 1 or 2.
      const auto kur = static_cast<std::uint8_t>(Lender::kur);
      const double most = p.spec.param("max_arrears_installments");
      keep([&](std::size_t i) {
        return (st.loan_principal_rp[i] > 0.0) & (st.loan_lender[i] == kur) &
               (st.debt_arrears_rp[i] <= most * st.loan_installment_rp[i]);
      });
      break;
    }
    case ProgrammeKind::bpum: {
      // Micro firms without credit from a bank, KUR or a cooperative.
      const auto micro = static_cast<std::uint8_t>(SizeClass::micro);
      const bool no_informal = p.spec.param("exclude_informal") > 0;
      const double most_cash = p.spec.param("max_cash_rp");
      keep([&](std::size_t i) {
        return (st.size_class[i] == micro) & (st.loan_principal_rp[i] <= 0.0) &
               (!no_informal | (st.informal_principal_rp[i] <= 0.0)) & (st.cash_rp[i] <= most_cash);
      });
      break;
    }
    default: break;
  }
}

bool ProgrammeBook::lender_willing(const Prog& p, std::size_t i, const FirmState& st) const {
  const double share = p.lender_uptake[st.loan_lender[i]];
  return share >= 1.0 || to_unit(draw(p, i, kNoMonth)[2]) < share;
}

double ProgrammeBook::annuity_installment(double principal, float rate_year, int months) {
  return Annuity(static_cast<double>(rate_year), std::max(months, 1)).installment(principal);
}

bool ProgrammeBook::coop_eligible(const Prog& p, std::size_t c, const CoopBook& coop) const {
  const Cooperatives& co = coop.state();
  if (p.coop_awarded[c] >= 0 || !((p.type_ok >> co.type[c]) & 1u) || !p.region_ok[co.region[c]]) return false;
  // The clinic serves cooperatives that are inactive or not healthy; the
  // others, active ones.
  if (p.spec.kind == ProgrammeKind::clinic) return !co.active[c] || !co.healthy[c];
  // Virtual-RAT support: cooperatives without the means, at risk of
  // becoming inactive (or already inactive) unless due_only is 0.
  if (p.spec.kind == ProgrammeKind::virtual_rat)
    return !co.virtual_rat[c] && (p.spec.param("due_only") <= 0 || !co.active[c] || coop.due_for_rat(c));
  return co.active[c] != 0;
}

double ProgrammeBook::cost_of(const Prog& p, std::size_t i, const FirmState& st) const {
  const double admin = 1.0 + p.spec.admin_cost_share;
  if (p.spec.kind == ProgrammeKind::shop_rental)
    return std::min(p.amount, p.spec.param("fixed_cost_cut") * st.fixed_cost_rp[i]) * admin;
  if (p.spec.kind == ProgrammeKind::kur_extra_subsidy)
    return st.loan_principal_rp[i] * std::min(p.points, static_cast<double>(st.loan_rate_year[i])) / 12.0 *
           p.outlay_per_recipient_rupiah();
  if (p.spec.kind == ProgrammeKind::loan_restructuring) return 0.0;  // lenders bear the relief
  return p.amount * admin;
}

void ProgrammeBook::pay_monthly(Prog& p, std::size_t i, int t, FirmState& st) {
  const double leak = p.spec.leakage_share;
  if (p.spec.kind == ProgrammeKind::shop_rental) {
    const double award = std::min(p.amount, p.spec.param("fixed_cost_cut") * st.fixed_cost_rp[i]);
    st.cash_rp[i] += award * (1.0 - leak);
    pay(p, i, t, st, award * (1.0 - leak), award * leak);
    return;
  }
  // Vouchers: a share may be sold on (transferable ones); the recipient
  // redeems the rest up to its shipping cost, and only redeemed vouchers
  // are paid for (resold ones are redeemed by their buyers: leakage).
  const double kept = p.amount * (1.0 - leak);
  const double resold = p.spec.param("transferable") > 0 ? kept * p.spec.param("resale_share") : 0.0;
  const double shipping = P_.shipping_cost_share * static_cast<double>(st.online_share[i]) * st.expected_rp[i];
  const double redeemed = std::min(kept - resold, shipping);
  const double proceeds = resold * p.spec.param("resale_price");
  st.cash_rp[i] += redeemed + proceeds;
  months_.back()[p.index].resale_proceeds_rp += proceeds;
  pay(p, i, t, st, redeemed, p.amount * leak + resold);
}

void ProgrammeBook::award(Prog& p, std::size_t i, int t, FirmState& st, CoopBook* coop, ProgrammeEffects& fx) {
  ProgrammeMonth& m = months_.back()[p.index];
  const double cash_before = st.cash_rp[i], obligations_before = monthly_obligations(i, st);
  const double leak = p.spec.leakage_share;
  const double in_kind = p.amount * (1.0 - leak), lost = p.amount * leak;
  switch (p.spec.kind) {
    case ProgrammeKind::kur_subsidy:
    case ProgrammeKind::credit_guarantee:
    case ProgrammeKind::csr_capital:
    case ProgrammeKind::coop_network:
    case ProgrammeKind::virtual_rat:
      return;  // offers are made in scan_firms; cooperatives in award_coop
    case ProgrammeKind::cash_grant:
    case ProgrammeKind::bpum:
      // Business capital: the grant is kept in the business as working
      // capital (a higher cash target), not drawn by the owner.
      st.cash_rp[i] += in_kind;
      fx.working_capital.emplace_back(static_cast<std::uint32_t>(i), in_kind);
      pay(p, i, t, st, in_kind, lost);
      break;
    case ProgrammeKind::loan_restructuring: {
      // Deferred service (principal only, or interest too), the term
      // extended, and the formal loan's arrears cleared: a restructured loan
      // is current (the unpaid service is already in its principal).
      const int months = static_cast<int>(p.spec.param("deferral_months"));
      const int extension = static_cast<int>(p.spec.param("extension_months"));
      p.relief.push_back({static_cast<std::uint32_t>(i), st.loan_installment_rp[i], st.loan_rate_year[i],
                          st.loan_months_left[i], false});
      st.loan_deferral[i] = static_cast<std::int8_t>(p.spec.param("interest_deferred") > 0 ? -months : months);
      st.debt_arrears_rp[i] -= std::min(st.debt_arrears_rp[i], st.loan_principal_rp[i]);
      st.loan_months_left[i] = static_cast<std::uint16_t>(std::min(65535, st.loan_months_left[i] + extension));
      st.loan_term_months[i] = static_cast<std::uint16_t>(std::min(65535, st.loan_term_months[i] + months + extension));
      st.loan_restructured[i] = 1;
      if (months == 0) reprice_restructured(p.relief.back(), st);
      break;
    }
    case ProgrammeKind::kur_extra_subsidy: {
      // The borrower's rate falls by the points while the programme runs;
      // the government pays them on the balance month by month.
      const float rate_before = st.loan_rate_year[i];
      p.relief.push_back({static_cast<std::uint32_t>(i), st.loan_installment_rp[i], rate_before,
                          st.loan_months_left[i], false});
      const double lower = std::max(0.0, static_cast<double>(rate_before) - p.points);
      st.loan_rate_year[i] = static_cast<float>(lower);
      st.loan_installment_rp[i] =
          annuity_installment(st.loan_principal_rp[i], st.loan_rate_year[i], st.loan_months_left[i]);
      pay_relief(p, p.relief.back(), t, st);
      ++m.beneficiaries;
      break;
    }
    case ProgrammeKind::shipping_voucher: {
      const int months = static_cast<int>(p.spec.param("months"));
      p.until[i] = months > 0 ? static_cast<std::int16_t>(t + months) : kNever;
      p.active.push_back(static_cast<std::uint32_t>(i));
      set_factor(p, i, st, 1.0 + p.spec.param("demand_uplift") * static_cast<double>(st.online_share[i]));
      pay_monthly(p, i, t, st);
      ++m.beneficiaries;
      break;
    }
    case ProgrammeKind::shop_rental:
      p.until[i] = kNever;
      p.active.push_back(static_cast<std::uint32_t>(i));
      pay_monthly(p, i, t, st);
      ++m.beneficiaries;
      break;
    case ProgrammeKind::digital_training: {
      // Training is paid for whatever comes of it; success depends on the
      // owner's capability.
      pay(p, i, t, st, in_kind, lost);
      const double odds = p.spec.param("success_base") +
                          p.spec.param("success_capability") * static_cast<double>(st.owner_capability[i]);
      // A trained owner starts selling online where it pays: the margin on
      // the wider market covers the shipping on the sales moved online.
      const double online = static_cast<double>(st.online_share[i]);
      const double gain = std::min(1.0, online + p.spec.param("online_gain")) - online;
      const double uplift = p.spec.param("demand_uplift");
      const double ship = P_.shipping_cost_share;
      const bool pays = uplift * (1.0 - static_cast<double>(st.variable_cost_share[i]) - (online + gain) * ship) >=
                        gain * ship;
      if (pays && to_unit(draw(p, i, static_cast<std::uint32_t>(t))[1]) < odds) {
        st.online_share[i] = static_cast<float>(online + gain);
        set_factor(p, i, st, 1.0 + uplift);
        fx.changed.push_back(static_cast<std::uint32_t>(i));
      }
      break;
    }
    case ProgrammeKind::market_access: {
      pay(p, i, t, st, in_kind, lost);
      set_factor(p, i, st, 1.0 + p.spec.param("demand_uplift"));
      const int months = static_cast<int>(p.spec.param("duration_months"));
      if (months > 0) {
        p.until[i] = static_cast<std::int16_t>(t + months);
        p.active.push_back(static_cast<std::uint32_t>(i));
      }
      break;
    }
    case ProgrammeKind::certification: {
      // The fee is paid; the certified firm sells at a premium (revenue up,
      // costs as before) and may reach new markets.
      pay(p, i, t, st, in_kind, lost);
      const double premium = p.spec.param("price_premium");
      set_factor(p, i, st, (1.0 + premium) * (1.0 + p.spec.param("market_uplift")));
      lower_costs(i, premium / (1.0 + premium), fx);
      ++p.this_year;
      break;
    }
    case ProgrammeKind::clinic: {
      pay(p, i, t, st, in_kind, lost);
      const auto w = draw(p, i, static_cast<std::uint32_t>(t));
      if (!st.registered[i] && to_unit(w[1]) < p.spec.param("registration_odds")) st.registered[i] = 1;
      lower_costs(i, p.spec.param("cost_saving"), fx);
      break;
    }
    case ProgrammeKind::coop_collaboration: {
      pay(p, i, t, st, in_kind, lost);
      if (p.spec.param("join") > 0 && st.cooperative[i] < 0 && coop != nullptr) {
        // An active producer, consumer or marketing cooperative of its
        // kecamatan, at random.
        const Cooperatives& co = coop->state();
        std::vector<std::uint32_t> near;
        for (std::size_t c = 0; c < coop->initial_size(); ++c)
          if (co.active[c] && co.region[c] == st.region[i] &&
              co.type[c] != static_cast<std::uint8_t>(CoopType::service) &&
              co.type[c] != static_cast<std::uint8_t>(CoopType::savings_loan))
            near.push_back(static_cast<std::uint32_t>(c));
        if (!near.empty()) {
          const auto pick = (static_cast<std::uint64_t>(draw(p, i, static_cast<std::uint32_t>(t))[2]) * near.size()) >> 32;
          st.cooperative[i] = static_cast<std::int32_t>(near[static_cast<std::size_t>(pick)]);
          coop->add_member(near[static_cast<std::size_t>(pick)]);  // the firm's owner is a member now
          fx.joined.push_back(static_cast<std::uint32_t>(i));
        }
      }
      set_factor(p, i, st, 1.0 + p.spec.param("marketing_uplift"));
      lower_costs(i, p.spec.param("capacity_saving"), fx);
      break;
    }
  }
  p.awarded[i] = static_cast<std::int16_t>(t);
  record_award(p, i, t, cash_before, obligations_before,
               st.status[i] == static_cast<std::uint8_t>(FirmStatus::distressed));
  ++p.recipients;
  ++m.new_recipients;
}

void ProgrammeBook::record_award(const Prog& p, std::size_t i, int t, double cash_rp, double obligations_rp,
                                 bool distressed) {
  awards_.push_back({t, p.index, static_cast<std::int32_t>(i), -1, static_cast<std::uint8_t>(distressed), cash_rp,
                     obligations_rp});
}

void ProgrammeBook::award_coop(Prog& p, std::size_t c, int t, CoopBook& coop, ProgrammeEffects& fx) {
  ProgrammeMonth& m = months_.back()[p.index];
  const double leak = p.spec.leakage_share;
  const double in_kind = p.amount * (1.0 - leak), lost = p.amount * leak;
  switch (p.spec.kind) {
    case ProgrammeKind::csr_capital:
      coop.add_capital(c, in_kind, p.spec.param("earmarked") > 0,
                       {p.spec.param("member_rate_year"), static_cast<int>(p.spec.param("member_term_months")),
                        p.spec.param("member_ceiling_revenue_months")});
      break;
    case ProgrammeKind::coop_network:
      coop.join_network(c, p.spec.param("financing_share"), p.spec.param("joint_trade") > 0);
      fx.coops_changed = fx.coops_changed || p.spec.param("joint_trade") > 0;
      break;
    case ProgrammeKind::virtual_rat:
      coop.enable_virtual_rat(c);
      break;
    case ProgrammeKind::clinic:
      if (!coop.state().active[c] &&
          to_unit(philox_words(seed_, replication_, kCoopEntity | static_cast<std::uint32_t>(c),
                               static_cast<std::uint32_t>(t), p.purpose)[1]) < p.spec.param("revival_odds")) {
        coop.revive(c);
        fx.coops_changed = true;
      }
      break;
    default: return;
  }
  pay_coop(p, c, t, coop, in_kind, lost);
  p.coop_awarded[c] = static_cast<std::int16_t>(t);
  awards_.push_back({t, p.index, -1, static_cast<std::int32_t>(c), 0, 0.0, 0.0});
  ++p.recipients;
  ++m.new_recipients;
}

std::int64_t ProgrammeBook::clinic_slots(const Prog& p, int t, bool cooperatives) const {
  const double hours = p.spec.param(cooperatives ? "coop_hours" : "sme_hours");
  const double per_hour = std::floor(60.0 / p.spec.param("minutes"));
  return static_cast<std::int64_t>(weekdays(start_.plus(t))) * static_cast<std::int64_t>(hours * per_hour) *
         static_cast<std::int64_t>(p.spec.param("counsellors"));
}

ProgrammeBook::Applicant ProgrammeBook::key_of(const Prog& p, std::uint32_t i, int t, const FirmState& st) const {
  Applicant a{0.0, 0.0, i};
  switch (p.spec.allocation) {
    case Allocation::first_come:
      a.first = p.first_applied[i];
      a.second = p.arrival[i];  // arrival within the month
      break;
    case Allocation::lottery:
      a.first = to_unit(draw(p, i, static_cast<std::uint32_t>(t))[0]);
      break;
    case Allocation::most_distressed:
      a.first = -static_cast<double>(st.months_unable[i]);
      a.second = st.cash_rp[i] / std::max(st.base_revenue_rp[i], 1.0);
      break;
    case Allocation::smallest_first:
      a.first = st.base_revenue_rp[i];
      break;
  }
  return a;
}

void ProgrammeBook::order_first(std::vector<Applicant>& order, std::size_t k) { order_from(order, 0, k); }

void ProgrammeBook::order_from(std::vector<Applicant>& order, std::size_t from, std::size_t k) {
  auto less = [](const Applicant& a, const Applicant& b) {
    return std::tie(a.first, a.second, a.id) < std::tie(b.first, b.second, b.id);
  };
  const auto begin = order.begin() + static_cast<std::ptrdiff_t>(from);
  if (from + k < order.size()) {
    std::nth_element(begin, begin + static_cast<std::ptrdiff_t>(k), order.end(), less);
    std::sort(begin, begin + static_cast<std::ptrdiff_t>(k), less);
  } else {
    std::sort(begin, order.end(), less);
  }
}

std::vector<ProgrammeBook::Applicant> ProgrammeBook::in_order(const Prog& p, const std::vector<std::uint32_t>& ids,
                                                              int t, const FirmState& st) const {
  std::vector<Applicant> order;
  order.reserve(ids.size());
  for (const std::uint32_t i : ids) order.push_back(key_of(p, i, t, st));
  order_first(order, order.size());
  return order;
}

std::vector<ProgrammeBook::Applicant> ProgrammeBook::coops_in_order(const Prog& p,
                                                                    const std::vector<std::uint32_t>& ids, int t,
                                                                    const CoopBook& coop) const {
  const Cooperatives& co = coop.state();
  std::vector<Applicant> order;
  order.reserve(ids.size());
  for (const std::uint32_t c : ids) {
    Applicant a{0.0, 0.0, c};
    const auto w = philox_words(seed_, replication_, kCoopEntity | c, static_cast<std::uint32_t>(t), p.purpose);
    switch (p.spec.allocation) {
      case Allocation::first_come:  // cooperatives apply once: their arrival
        a.first = to_unit(philox_words(seed_, replication_, kCoopEntity | c, kNoMonth, p.purpose)[1]);
        break;
      case Allocation::lottery:
        a.first = to_unit(w[0]);
        break;
      case Allocation::most_distressed:  // least cash against deposits first
        a.first = co.cash_rp[c] / std::max(co.deposits_rp[c] + co.own_capital_rp[c], 1.0);
        break;
      case Allocation::smallest_first:
        a.first = co.own_capital_rp[c];
        break;
    }
    order.push_back(a);
  }
  std::sort(order.begin(), order.end(), [](const Applicant& a, const Applicant& b) {
    return std::tie(a.first, a.second, a.id) < std::tie(b.first, b.second, b.id);
  });
  return order;
}

void ProgrammeBook::scan_firms(Prog& p, int t, FirmState& st, CoopBook* coop, ProgrammeEffects& fx) {
  ProgrammeMonth& m = months_.back()[p.index];
  // Eligible firms, and those who know of the programme and apply (a
  // persistent draw per firm: uptake is how well it is socialised), in
  // firm order whatever the thread count.
  const std::size_t n = st.count;
  const std::size_t chunks = (n + chunk_ - 1) / chunk_;
  std::vector<std::vector<Applicant>> lists(chunks);
  std::vector<std::int64_t> counts(chunks, 0);
  const bool first_come = p.spec.allocation == Allocation::first_come;
  const bool offers = p.spec.kind == ProgrammeKind::kur_subsidy || p.spec.kind == ProgrammeKind::credit_guarantee;
  // When nothing can be awarded this month (no money for one more award,
  // the quota or the year's certifications used up), applicants are only
  // counted: all of them wait.
  const bool per_firm_cost =
      p.spec.kind == ProgrammeKind::shop_rental || p.spec.kind == ProgrammeKind::kur_extra_subsidy;
  const double unit = per_firm_cost || !spends_budget(p.spec.kind) ? 0.0 : p.amount * (1.0 + p.spec.admin_cost_share);
  const bool year_full = p.spec.kind == ProgrammeKind::certification && p.spec.param("per_year") > 0 &&
                         start_.plus(t).year == p.year && p.this_year >= static_cast<std::int64_t>(p.spec.param("per_year"));
  const bool count_only = !offers && ((unit > 0.0 && unit > p.left()) || year_full);
  std::vector<std::int64_t> waiting(chunks, 0);
  parallel_chunks(n, chunk_, threads_, [&](int, std::size_t b, std::size_t e) {
    const std::size_t c = b / chunk_;
    constexpr std::size_t kBlock = 512;
    std::uint8_t ok[kBlock];
    for (std::size_t bb = b; bb < e; bb += kBlock) {
      const std::size_t be = std::min(e, bb + kBlock);
      eligible_block(p, bb, be, st, t, ok);
      for (std::size_t i = bb; i < be; ++i) {
        if (!ok[i - bb]) continue;
        ++counts[c];
        // The uptake draw is the firm's own and does not change: drawn
        // once, when the firm is first eligible, and kept.
        bool applies = true;
        if (p.spec.uptake < 1.0 || (first_come && p.first_applied[i] < 0)) {
          if (!p.applies.empty() && p.applies[i] == 2) continue;
          if (p.applies.empty() || p.applies[i] == 0 || (first_come && p.first_applied[i] < 0)) {
            const auto w = draw(p, i, kNoMonth);
            applies = !(p.spec.uptake < 1.0) || to_unit(w[0]) < p.spec.uptake;
            if (!p.applies.empty()) p.applies[i] = applies ? 1 : 2;
            if (applies && first_come && p.first_applied[i] < 0) {
              p.first_applied[i] = static_cast<std::int16_t>(t);
              p.arrival[i] = static_cast<float>(to_unit(w[1]));
            }
          }
        }
        if (!applies) continue;
        if (count_only) {
          ++waiting[c];
          continue;
        }
        // (Credit offers are ordered later, among the loans taken.)
        lists[c].push_back(offers ? Applicant{0.0, 0.0, static_cast<std::uint32_t>(i)}
                                  : key_of(p, static_cast<std::uint32_t>(i), t, st));
      }
    }
  });
  std::vector<Applicant> apps;
  for (std::size_t c = 0; c < chunks; ++c) m.eligible += counts[c];
  if (count_only) {
    const std::int64_t w = std::accumulate(waiting.begin(), waiting.end(), std::int64_t{0});
    m.applicants += w;
    (year_full ? m.rejected_capacity : m.rejected_budget) += w;
    return;
  }
  std::size_t total = 0;
  for (const auto& l : lists) total += l.size();
  apps.reserve(total);
  for (const auto& l : lists) apps.insert(apps.end(), l.begin(), l.end());

  if (offers) {
    // Every applicant may borrow under the offer this month; the loans
    // taken are approved after the firms' month, within budget, quota and
    // capacity (end_month). The applicants are the firms that borrow.
    auto& of = p.spec.kind == ProgrammeKind::kur_subsidy ? kur_of_ : guarantee_of_;
    for (const Applicant& a : apps) {
      of[a.id] = static_cast<std::int8_t>(p.offer);
      p.offered.push_back(a.id);
    }
    return;
  }
  m.applicants += static_cast<std::int64_t>(apps.size());
  std::int64_t capacity = p.spec.monthly_capacity;
  if (p.spec.kind == ProgrammeKind::clinic) {
    const std::int64_t slots = clinic_slots(p, t, false);
    capacity = capacity < 0 ? slots : std::min(capacity, slots);
  }
  if (p.spec.kind == ProgrammeKind::certification && p.spec.param("per_year") > 0) {
    const int year = start_.plus(t).year;
    if (year != p.year) {
      p.year = year;
      p.this_year = 0;
    }
    const std::int64_t year_left = static_cast<std::int64_t>(p.spec.param("per_year")) - p.this_year;
    capacity = capacity < 0 ? year_left : std::min(capacity, year_left);
  }
  // (The clinic's cooperative slots were counted in scan_coops.)
  m.capacity = p.spec.kind == ProgrammeKind::clinic ? std::max<std::int64_t>(m.capacity, 0) + capacity : capacity;

  // Applicants are served in order until the first who cannot be — the
  // quota, the month's capacity or the money is used up — and everyone
  // after waits, for the same reason. So only the first few need ordering:
  // at most one more than the quota, capacity or budget could serve.
  std::size_t need = apps.size();
  if (capacity >= 0) need = std::min<std::size_t>(need, static_cast<std::size_t>(capacity) + 1);
  if (p.spec.quota >= 0)
    need = std::min<std::size_t>(need, static_cast<std::size_t>(std::max<std::int64_t>(0, p.spec.quota - p.recipients)) + 1);
  if (unit > 0.0) {
    need = std::min<std::size_t>(need, static_cast<std::size_t>(std::max(0.0, p.left()) / unit) + 2);
  } else {
    need = std::min<std::size_t>(need, 1024);  // costs differ by firm: order block by block
  }
  need = std::max<std::size_t>(need, std::min<std::size_t>(apps.size(), 64));
  std::size_t ordered = 0;  // apps[0, ordered) are in order
  std::int64_t served = 0;
  for (std::size_t k = 0; k < apps.size(); ++k) {
    if (k == ordered) {
      // Order the next block (growing), as the earlier ones are served.
      const std::size_t block = std::min(apps.size() - k, std::max(need, 4 * ordered));
      order_from(apps, k, block);
      ordered = k + block;
    }
    // Applicants in the order of service are scattered over the firms:
    // fetch the state of the one a few places ahead.
    if (k + kPrefetchAhead < ordered) prefetch_award(p, apps[k + kPrefetchAhead].id, st);
    const std::size_t i = apps[k].id;
    std::int64_t* rejected = nullptr;
    if (p.spec.quota >= 0 && p.recipients >= p.spec.quota) {
      rejected = &m.rejected_quota;
    } else if (capacity >= 0 && served >= capacity) {
      rejected = &m.rejected_capacity;
    } else if (spends_budget(p.spec.kind) && (cost_of(p, i, st) > p.left() || p.left() <= 0.0)) {
      rejected = &m.rejected_budget;
    }
    if (rejected != nullptr) {
      *rejected += static_cast<std::int64_t>(apps.size() - k);
      break;
    }
    award(p, i, t, st, coop, fx);
    ++served;
  }
}

void ProgrammeBook::scan_coops(Prog& p, int t, CoopBook& coop, ProgrammeEffects& fx) {
  ProgrammeMonth& m = months_.back()[p.index];
  const std::size_t n = coop.size();
  if (p.coop_awarded.size() < n) p.coop_awarded.resize(n, -1);
  std::vector<std::uint32_t> apps;
  for (std::size_t c = 0; c < n; ++c) {
    if (!coop_eligible(p, c, coop)) continue;
    ++m.eligible;
    if (p.spec.uptake < 1.0 &&
        !(to_unit(philox_words(seed_, replication_, kCoopEntity | static_cast<std::uint32_t>(c), kNoMonth,
                               p.purpose)[0]) < p.spec.uptake))
      continue;
    apps.push_back(static_cast<std::uint32_t>(c));
  }
  m.applicants += static_cast<std::int64_t>(apps.size());
  std::int64_t capacity = p.spec.monthly_capacity;
  if (p.spec.kind == ProgrammeKind::clinic) {
    const std::int64_t slots = clinic_slots(p, t, true);
    capacity = capacity < 0 ? slots : std::min(capacity, slots);
  }
  m.capacity = capacity;
  const double cost = p.amount * (1.0 + p.spec.admin_cost_share);
  std::int64_t served = 0;
  for (const Applicant& a : coops_in_order(p, apps, t, coop)) {
    if (p.spec.quota >= 0 && p.recipients >= p.spec.quota) {
      ++m.rejected_quota;
    } else if (capacity >= 0 && served >= capacity) {
      ++m.rejected_capacity;
    } else if (cost > p.left() || p.left() <= 0.0) {
      ++m.rejected_budget;
    } else {
      award_coop(p, a.id, t, coop, fx);
      ++served;
    }
  }
}

void ProgrammeBook::begin_month(int t, FirmState& st, CoopBook* coop, ProgrammeEffects& fx) {
  months_.emplace_back(progs_.size());
  const auto closed = static_cast<std::uint8_t>(FirmStatus::closed);
  for (Prog& p : progs_) {
    ProgrammeMonth& m = months_.back()[p.index];
    const ProgrammeKind kind = p.spec.kind;

    // Subsidised loans: the government pays its interest points on this
    // month's service, within what it promised; a loan that ended early
    // releases the rest.
    if (kind == ProgrammeKind::kur_subsidy) {
      std::size_t kept = 0;
      for (auto loan : p.loans) {
        const std::size_t i = loan.firm;
        const bool same_loan = same_kur_loan(i, loan.months_left, st);
        if (same_loan) {
          const double leak = p.spec.leakage_share;
          double transfer = st.loan_principal_rp[i] * p.points / 12.0;
          const double outlay = transfer / (1.0 - leak) * (1.0 + p.spec.admin_cost_share);
          if (outlay > loan.commitment) transfer *= loan.commitment / outlay;
          const double before = p.spent;
          pay(p, i, t, st, transfer, transfer / (1.0 - leak) * leak);
          const double used = std::min(p.spent - before, loan.commitment);
          loan.commitment -= used;
          p.committed -= used;
          ++m.beneficiaries;
          loan.months_left = st.loan_months_left[i];
          if (--loan.covered_left == 0) {
            // The subsidy ends: the rest of the loan at the full KUR rate.
            const auto full = static_cast<float>(P_.kur_rate_year);
            st.loan_rate_year[i] = full;
            st.loan_installment_rp[i] =
                Annuity(static_cast<double>(full), st.loan_months_left[i]).installment(st.loan_principal_rp[i]);
          }
        }
        if (same_loan && loan.covered_left > 0) {
          p.loans[kept++] = loan;
        } else {
          p.committed -= loan.commitment;  // released
        }
      }
      p.loans.resize(kept);
      if (p.loans.empty()) p.committed = 0.0;
    }

    // Restructured loans: when the deferral ends, the instalment is set for
    // what is left of the (extended) term — never above the one before —
    // and the relief lenders grant meanwhile is counted.
    if (kind == ProgrammeKind::loan_restructuring) {
      std::size_t kept = 0;
      for (auto loan : p.relief) {
        const std::size_t i = loan.firm;
        if (st.status[i] == closed || st.loan_principal_rp[i] <= 0.0 || st.loan_restructured[i] == 0) continue;
        if (st.loan_deferral[i] != 0) {
          m.relief_rp += std::max(0.0, loan.installment_before -
                                           (st.loan_deferral[i] > 0 ? st.loan_principal_rp[i] *
                                                                          static_cast<double>(st.loan_rate_year[i]) / 12.0
                                                                    : 0.0));
          ++m.beneficiaries;
          p.relief[kept++] = loan;
          continue;
        }
        reprice_restructured(loan, st);
      }
      p.relief.resize(kept);
    }

    // The extra KUR subsidy: paid each month of the programme on the loans
    // it took on; when the programme ends (or its money), the full rate
    // returns. A loan repaid or of a firm that closed leaves it.
    if (kind == ProgrammeKind::kur_extra_subsidy) {
      // What each loan's relief costs this month, read from the firms in
      // parallel (each loan is another firm's); then paid in the
      // programme's order while the budget lasts.
      const std::size_t n_loans = p.relief.size();
      std::vector<double> cost(n_loans), transfer(n_loans);
      std::vector<std::uint32_t> cell(n_loans);
      std::vector<std::uint16_t> months_left(n_loans);
      std::vector<std::uint8_t> same(n_loans);
      parallel_chunks(n_loans, kReliefChunk, threads_, [&](int, std::size_t b, std::size_t e) {
        for (std::size_t k = b; k < e; ++k) {
          // The loans are in the order of award, their firms scattered:
          // fetch the firm a few loans ahead.
          if (k + kPrefetchAhead < e) prefetch_loan(p.relief[k + kPrefetchAhead].firm, st);
          const Relief& loan = p.relief[k];
          const std::size_t i = loan.firm;
          months_left[k] = st.loan_months_left[i];
          same[k] = same_kur_loan(i, loan.months_seen, st);
          if (!same[k]) continue;
          cost[k] = cost_of(p, i, st);
          transfer[k] = relief_transfer(loan, st);
          cell[k] = static_cast<std::uint32_t>(cell_of(p, i, st));
        }
      });
      const double leak = p.spec.leakage_share;
      std::size_t kept = 0;
      for (std::size_t k = 0; k < n_loans; ++k) {
        if (!same[k]) continue;
        Relief loan = p.relief[k];
        const std::size_t i = loan.firm;
        if (t > p.t1 || cost[k] > p.left()) {
          st.loan_rate_year[i] = loan.rate_before;
          st.loan_installment_rp[i] =
              annuity_installment(st.loan_principal_rp[i], loan.rate_before, st.loan_months_left[i]);
          continue;
        }
        loan.months_seen = months_left[k];
        book(p, &cells_[cell[k] * 3], t, static_cast<std::int32_t>(i), -1, transfer[k],
             transfer[k] / (1.0 - leak) * leak);
        ++m.beneficiaries;
        p.relief[kept++] = loan;
      }
      p.relief.resize(kept);
    }

    // Guaranteed loans: a firm that closed with its guaranteed loan
    // outstanding costs the programme its coverage of that loan (as
    // outstanding at the start of the month), while the budget lasts.
    if (kind == ProgrammeKind::credit_guarantee) {
      std::size_t kept = 0;
      for (auto loan : p.loans) {
        const std::size_t i = loan.firm;
        if (st.status[i] == closed) {
          const double leak = p.spec.leakage_share;
          double claim = p.spec.param("coverage") * loan.principal;
          const double most = p.left() / p.outlay_per_recipient_rupiah();
          claim = std::min(claim, std::max(0.0, most));
          if (claim > 0.0) {
            pay(p, i, t, st, claim, claim / (1.0 - leak) * leak);
            ++m.beneficiaries;
          }
          continue;
        }
        const bool same_loan = st.loan_principal_rp[i] > 0.0 && st.loan_months_left[i] <= loan.months_left;
        if (!same_loan) continue;  // repaid
        loan.principal = st.loan_principal_rp[i];
        loan.months_left = st.loan_months_left[i];
        p.loans[kept++] = loan;
      }
      p.loans.resize(kept);
    }

    // Running benefits (vouchers, rent) and effects that expire.
    if (!p.active.empty()) {
      std::size_t kept = 0;
      for (const std::uint32_t i : p.active) {
        bool keep = st.status[i] != closed && t < p.until[i];
        if (keep && monthly(kind)) {
          if (t > p.t1) {
            keep = false;
          } else if (cost_of(p, i, st) > p.left()) {
            keep = false;  // the budget is spent: the benefit stops
            ++m.rejected_budget;
          } else {
            pay_monthly(p, i, t, st);
            ++m.beneficiaries;
          }
        }
        if (keep) {
          p.active[kept++] = i;
        } else if (!p.factor.empty()) {
          set_factor(p, i, st, 1.0);
        }
      }
      p.active.resize(kept);
    }

    // New recipients.
    const bool open_window = t >= p.t0 && t <= p.t1;
    const bool quota_left = p.spec.quota < 0 || p.recipients < p.spec.quota;
    if (!open_window || !quota_left || (spends_budget(kind) && p.left() <= 0.0)) continue;
    if (serves_cooperatives(kind) && coop != nullptr) scan_coops(p, t, *coop, fx);
    if (serves_firms(kind)) scan_firms(p, t, st, coop, fx);
  }
}

void ProgrammeBook::end_month(int t, FirmState& st) {
  // Loans taken this month under offers, approved in each programme's order
  // of service while budget, quota and capacity last. A subsidised loan not
  // approved stays with its bank at the full KUR rate; a guarantee not
  // issued leaves the loan unguaranteed.
  auto approve = [&](std::vector<std::vector<LoanTaken>>& taken, std::vector<std::int8_t>& offer_of,
                     const std::vector<std::size_t>& prog_of, bool subsidy) {
    std::vector<LoanTaken> loans;
    for (auto& list : taken) {
      loans.insert(loans.end(), list.begin(), list.end());
      list.clear();
    }
    std::sort(loans.begin(), loans.end());
    std::vector<std::vector<std::uint32_t>> by_offer(prog_of.size());
    for (const LoanTaken& k : loans) by_offer[static_cast<std::size_t>(offer_of[k.firm])].push_back(k.firm);
    for (std::size_t o = 0; o < prog_of.size(); ++o) {
      if (by_offer[o].empty()) continue;
      Prog& p = progs_[prog_of[o]];
      ProgrammeMonth& m = months_.back()[p.index];
      m.applicants += static_cast<std::int64_t>(by_offer[o].size());
      std::int64_t served = 0;
      for (const Applicant& a : in_order(p, by_offer[o], t, st)) {
        const std::size_t i = a.id;
        const double amount = st.loan_principal_rp[i];
        double outlay = 0.0;
        if (subsidy) {
          // The government's share of the interest over the covered
          // months, on the annuity's schedule: what is promised.
          const double r = static_cast<double>(st.loan_rate_year[i]) / 12.0;
          double balance = amount, interest = 0.0;
          for (int j = 0; j < p.covered && balance > 0.0; ++j) {
            interest += balance * p.points / 12.0;
            balance -= st.loan_installment_rp[i] - balance * r;
          }
          outlay = interest * p.outlay_per_recipient_rupiah();
        } else {
          outlay = p.spec.param("fee_share") * amount * p.outlay_per_recipient_rupiah();
        }
        bool approved = false;
        if (p.spec.quota >= 0 && p.recipients >= p.spec.quota) {
          ++m.rejected_quota;
        } else if (p.spec.monthly_capacity >= 0 && served >= p.spec.monthly_capacity) {
          ++m.rejected_capacity;
        } else if (outlay > p.left()) {
          ++m.rejected_budget;
        } else {
          approved = true;
        }
        if (approved) {
          if (subsidy) {
            p.committed += outlay;
          } else {
            const double fee = p.spec.param("fee_share") * amount;
            pay(p, i, t, st, fee, fee / (1.0 - p.spec.leakage_share) * p.spec.leakage_share);
          }
          p.loans.push_back(
              {static_cast<std::uint32_t>(i), st.loan_months_left[i], static_cast<std::uint16_t>(p.covered), outlay, amount});
          p.awarded[i] = static_cast<std::int16_t>(t);
          const LoanTaken& k = *std::lower_bound(
              loans.begin(), loans.end(), i, [](const LoanTaken& x, std::size_t firm) { return x.firm < firm; });
          record_award(p, i, t, k.cash_rp, k.obligations_rp, k.distressed);
          ++p.recipients;
          ++m.new_recipients;
          ++served;
        } else if (subsidy) {
          const auto full = static_cast<float>(P_.kur_rate_year);
          st.loan_rate_year[i] = full;
          st.loan_installment_rp[i] = Annuity(static_cast<double>(full), st.loan_months_left[i]).installment(amount);
        }
      }
    }
  };
  if (!kur_offers_.empty()) approve(kur_taken_, kur_of_, kur_prog_, true);
  if (!guarantee_offers_.empty()) approve(guarantee_taken_, guarantee_of_, guarantee_prog_, false);

  for (Prog& p : progs_) {
    auto* of = p.spec.kind == ProgrammeKind::kur_subsidy      ? &kur_of_
               : p.spec.kind == ProgrammeKind::credit_guarantee ? &guarantee_of_
                                                                : nullptr;
    if (of != nullptr)
      for (const std::uint32_t i : p.offered) (*of)[i] = -1;
    p.offered.clear();
    ProgrammeMonth& m = months_.back()[p.index];
    m.committed_rp = p.committed;
    m.spent_to_date_rp = p.spent;
    m.budget_left_rp = p.spec.budget_rp - p.spent - p.committed;
  }
  // The month's ledger, cell by cell.
  const std::size_t n_progs = progs_.size();
  std::size_t cell = 0, coop_cell = 0;
  for (std::size_t k = 0; k < n_progs; ++k) {
    for (std::size_t r = 0; r < n_regions_; ++r)
      for (std::size_t c = 0; c < static_cast<std::size_t>(kSizeClasses); ++c)
        for (std::size_t s = 0; s < n_sectors_; ++s, cell += 3) {
          if (cells_[cell] == 0.0 && cells_[cell + 1] == 0.0 && cells_[cell + 2] == 0.0) continue;
          ledger_.push_back({t, static_cast<std::uint16_t>(k), static_cast<std::uint16_t>(r), 0,
                             static_cast<std::uint8_t>(c), static_cast<std::uint8_t>(s), cells_[cell], cells_[cell + 1],
                             cells_[cell + 2]});
          cells_[cell] = cells_[cell + 1] = cells_[cell + 2] = 0.0;
        }
    for (std::size_t r = 0; r < n_regions_; ++r, coop_cell += 3) {
      double* x = &coop_cells_[coop_cell];
      if (x[0] == 0.0 && x[1] == 0.0 && x[2] == 0.0) continue;
      ledger_.push_back({t, static_cast<std::uint16_t>(k), static_cast<std::uint16_t>(r), 1, 255, 255, x[0], x[1], x[2]});
      x[0] = x[1] = x[2] = 0.0;
    }
  }
}

}  // namespace msmesim::detail
