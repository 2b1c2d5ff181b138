// The programmes' monthly step and the government ledger (docs/model.md §15).
#include "detail/programme_book.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <tuple>

#include "detail/parallel.hpp"
#include "detail/philox.hpp"
#include "msmesim/error.hpp"
#include "msmesim/rng.hpp"

namespace msmesim::detail {

namespace {

enum Attr : int { a_revenue, a_assets, a_workers, a_cash, a_online, a_capability, a_fixed, a_unable, a_age };

/// The stream of a programme's draws: a hash of its name, kept clear of the
/// engine's own purposes.
std::uint32_t purpose_of(const std::string& name) {
  std::uint32_t h = 2166136261u;
  for (unsigned char ch : name) h = (h ^ ch) * 16777619u;
  return 0x40000000u | (h & 0x3FFFFFFFu);
}

bool monthly(ProgrammeKind k) { return k == ProgrammeKind::shipping_voucher || k == ProgrammeKind::shop_rental; }

}  // namespace

struct ProgrammeBook::Prog {
  Programme spec;
  std::uint16_t index = 0;
  std::uint32_t purpose = 0;
  int t0 = 0, t1 = -1;  // window of new awards, month indices
  double amount = 0.0;
  unsigned class_ok = 0;
  std::vector<std::uint8_t> sector_ok, region_ok;
  struct Range {
    Attr attr;
    double lo, hi;
  };
  std::vector<Range> ranges;
  double spent = 0.0;      // transfers, administrative cost and leakage paid so far
  double committed = 0.0;  // promised to subsidised loans, not yet paid
  std::int64_t recipients = 0;
  std::vector<std::int16_t> awarded;        // month of the award, -1 none
  std::vector<std::int16_t> first_applied;  // for first_come
  std::vector<double> factor;               // demand factor this programme applies
  std::vector<std::int16_t> until;          // month the benefit or effect ends (exclusive)
  std::vector<std::uint32_t> active;        // firms with a running benefit or effect
  // KUR subsidy.
  int offer = -1;
  double points = 0.0;
  int covered = 0;
  std::vector<std::uint32_t> offered;
  struct Loan {
    std::uint32_t firm;
    std::uint16_t months_left;  // as last seen
    std::uint16_t covered_left;
    double commitment;          // outlay still promised
  };
  std::vector<Loan> loans;

  double left() const { return spec.budget_rp - spent - committed; }
  /// Outlay (administration and leakage included) per rupiah reaching a recipient.
  double outlay_per_recipient_rupiah() const { return (1.0 + spec.admin_cost_share) / (1.0 - spec.leakage_share); }
};

ProgrammeBook::ProgrammeBook() = default;
ProgrammeBook::~ProgrammeBook() = default;
const Programme& ProgrammeBook::spec(std::size_t k) const { return progs_[k].spec; }
ProgrammeBook::ProgrammeBook(ProgrammeBook&&) noexcept = default;
ProgrammeBook& ProgrammeBook::operator=(ProgrammeBook&&) noexcept = default;

ProgrammeBook::ProgrammeBook(const std::vector<Programme>& programmes, const Population& pop, const FirmParams& P,
                             const YearMonth& run_start, std::size_t capacity, std::uint64_t seed,
                             std::uint32_t replication, int threads, std::size_t chunk)
    : pop_(&pop), P_(P), seed_(seed), replication_(replication), threads_(threads), chunk_(chunk) {
  n_regions_ = pop.region_names.size();
  n_sectors_ = pop.sector_names.size();
  progs_.resize(programmes.size());
  n_ = programmes.size();
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
    p.class_ok = 0;
    for (auto c : s.eligibility.classes) p.class_ok |= 1u << static_cast<unsigned>(c);
    if (s.eligibility.classes.empty()) p.class_ok = 0xFu;
    p.sector_ok.assign(n_sectors_, s.eligibility.sectors.empty() ? 1 : 0);
    for (const auto& name : s.eligibility.sectors) p.sector_ok[pop.sector_index(name, f + ".eligibility.sectors")] = 1;
    p.region_ok.assign(n_regions_, s.eligibility.regions.empty() ? 1 : 0);
    for (const auto& name : s.eligibility.regions) p.region_ok[pop.region_index(name, f + ".eligibility.regions")] = 1;
    const auto& names = eligibility_attributes();
    for (const auto& r : s.eligibility.ranges) {
      const auto at = std::find(names.begin(), names.end(), r.attribute) - names.begin();
      p.ranges.push_back({static_cast<Attr>(at), r.min, r.max});
    }
    p.awarded.assign(capacity, -1);
    if (s.allocation == Allocation::first_come) p.first_applied.assign(capacity, -1);
    const bool demand = s.kind == ProgrammeKind::shipping_voucher || s.kind == ProgrammeKind::digital_training ||
                        s.kind == ProgrammeKind::market_access;
    if (demand) p.factor.assign(capacity, 1.0);
    if (monthly(s.kind) || s.kind == ProgrammeKind::market_access) p.until.assign(capacity, 0);
    if (s.kind == ProgrammeKind::kur_subsidy) {
      if (s.leakage_share >= 1.0)
        throw InvalidArgument(f + ".leakage_share", detail::format_value(s.leakage_share),
                              "below 1 for a kur_subsidy (a subsidy must reach some loans)");
      p.offer = static_cast<int>(offers_.size());
      offer_prog_.push_back(k);
      p.points = s.param("rate_points");
      const int term = static_cast<int>(P.kur_term_months);
      p.covered = s.param("subsidy_months") > 0 ? std::min(term, static_cast<int>(s.param("subsidy_months"))) : term;
      KurOffer o;
      o.rate_year = std::max(0.0, P.kur_rate_year - p.points);
      o.ceiling_micro_rp = s.param("ceiling_micro_rp");
      o.ceiling_small_rp = s.param("ceiling_small_rp");
      o.annuity = Annuity(o.rate_year, term);
      o.annuity_stored = Annuity(static_cast<double>(static_cast<float>(o.rate_year)), term);
      offers_.push_back(o);
    }
  }
  if (!offers_.empty()) {
    if (offers_.size() > 127)
      throw InvalidArgument("programmes", std::to_string(offers_.size()) + " kur_subsidy programmes", "at most 127");
    offer_.assign(capacity, -1);
    taken_.resize((capacity + chunk_ - 1) / std::max<std::size_t>(chunk_, 1) + 1);
  }
  cells_.assign(progs_.size() * n_regions_ * kSizeClasses * n_sectors_ * 3, 0.0);
}

void ProgrammeBook::set_factor(Prog& p, std::size_t i, FirmState& st, double factor) {
  const double ratio = factor / p.factor[i];
  st.level_rp[i] *= ratio;
  st.expected_rp[i] *= ratio;
  p.factor[i] = factor;
}

std::array<std::uint32_t, 4> ProgrammeBook::draw(const Prog& p, std::size_t i, std::uint32_t time) const {
  return philox_words(seed_, replication_, static_cast<std::uint32_t>(i), time, p.purpose);
}

void ProgrammeBook::pay(Prog& p, std::size_t i, int t, const FirmState& st, double transfer, double leakage) {
  const double admin = (transfer + leakage) * p.spec.admin_cost_share;
  p.spent += transfer + leakage + admin;
  ProgrammeMonth& m = months_.back()[p.index];
  m.transfer_rp += transfer;
  m.leakage_rp += leakage;
  m.admin_rp += admin;
  const std::size_t cell =
      (((static_cast<std::size_t>(p.index) * n_regions_ + st.region[i]) * kSizeClasses + st.size_class[i]) *
           n_sectors_ +
       st.sector[i]) *
      3;
  cells_[cell] += transfer;
  cells_[cell + 1] += admin;
  cells_[cell + 2] += leakage;
  payments_.push_back({t, p.index, static_cast<std::uint32_t>(i), transfer, admin, leakage});
}

bool ProgrammeBook::eligible(const Prog& p, std::size_t i, const FirmState& st, int t) const {
  if (st.status[i] == static_cast<std::uint8_t>(FirmStatus::closed) || p.awarded[i] >= 0) return false;
  const Eligibility& e = p.spec.eligibility;
  const unsigned cls = st.size_class[i];
  if (!((p.class_ok >> cls) & 1u) || !p.sector_ok[st.sector[i]] || !p.region_ok[st.region[i]]) return false;
  if (e.registered >= 0 && st.registered[i] != e.registered) return false;
  if (e.never_had_kur && st.ever_kur[i] != 0) return false;
  if (e.cooperative_member >= 0 && (st.cooperative[i] >= 0) != (e.cooperative_member == 1)) return false;
  if (e.online_seller >= 0 && (st.online_share[i] > 0.0f) != (e.online_seller == 1)) return false;
  if (e.in_distress && st.months_unable[i] == 0) return false;
  for (const auto& r : p.ranges) {
    double v = 0.0;
    switch (r.attr) {
      case a_revenue: v = st.base_revenue_rp[i]; break;
      case a_assets: v = st.assets_rp[i]; break;
      case a_workers: v = st.workers[i]; break;
      case a_cash: v = st.cash_rp[i]; break;
      case a_online: v = st.online_share[i]; break;
      case a_capability: v = st.owner_capability[i]; break;
      case a_fixed: v = st.fixed_cost_rp[i]; break;
      case a_unable: v = st.months_unable[i]; break;
      case a_age: v = st.entry_month[i] < 0 ? std::numeric_limits<double>::infinity() : t - st.entry_month[i]; break;
    }
    if (v < r.lo || v > r.hi) return false;
  }
  // What the mechanism itself needs.
  switch (p.spec.kind) {
    case ProgrammeKind::shipping_voucher: return st.online_share[i] > 0.0f;
    case ProgrammeKind::shop_rental: return st.fixed_cost_rp[i] > 0.0;
    case ProgrammeKind::digital_training: return st.online_share[i] < 1.0f;
    case ProgrammeKind::kur_subsidy:
      // A firm that can take a KUR loan: class, registration, a free
      // formal slot, and no offer of another subsidy this month.
      return cls <= static_cast<unsigned>(SizeClass::small) && (P_.kur_requires_registered <= 0 || st.registered[i]) &&
             st.loan_principal_rp[i] <= 0.0 && offer_[i] < 0;
    default: return true;
  }
}

double ProgrammeBook::cost_of(const Prog& p, std::size_t i, const FirmState& st) const {
  const double admin = 1.0 + p.spec.admin_cost_share;
  switch (p.spec.kind) {
    case ProgrammeKind::shop_rental:
      return std::min(p.amount, p.spec.param("fixed_cost_cut") * st.fixed_cost_rp[i]) * admin;
    default: return p.amount * admin;
  }
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

void ProgrammeBook::award(Prog& p, std::size_t i, int t, FirmState& st, std::vector<std::uint32_t>& changed) {
  ProgrammeMonth& m = months_.back()[p.index];
  const double leak = p.spec.leakage_share;
  const auto t16 = static_cast<std::int16_t>(t);
  constexpr std::int16_t kNever = std::numeric_limits<std::int16_t>::max();
  switch (p.spec.kind) {
    case ProgrammeKind::kur_subsidy:
      return;  // offered to every applicant in scan_and_award; awarded in end_month
    case ProgrammeKind::cash_grant:
      st.cash_rp[i] += p.amount * (1.0 - leak);
      pay(p, i, t, st, p.amount * (1.0 - leak), p.amount * leak);
      break;
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
      pay(p, i, t, st, p.amount * (1.0 - leak), p.amount * leak);
      const double odds = p.spec.param("success_base") +
                          p.spec.param("success_capability") * static_cast<double>(st.owner_capability[i]);
      if (to_unit(draw(p, i, static_cast<std::uint32_t>(t))[1]) < odds) {
        st.online_share[i] =
            static_cast<float>(std::min(1.0, static_cast<double>(st.online_share[i]) + p.spec.param("online_gain")));
        set_factor(p, i, st, 1.0 + p.spec.param("demand_uplift"));
        changed.push_back(static_cast<std::uint32_t>(i));
      }
      break;
    }
    case ProgrammeKind::market_access: {
      pay(p, i, t, st, p.amount * (1.0 - leak), p.amount * leak);
      set_factor(p, i, st, 1.0 + p.spec.param("demand_uplift"));
      const int months = static_cast<int>(p.spec.param("duration_months"));
      if (months > 0) {
        p.until[i] = static_cast<std::int16_t>(t + months);
        p.active.push_back(static_cast<std::uint32_t>(i));
      }
      break;
    }
  }
  p.awarded[i] = t16;
  ++p.recipients;
  ++m.new_recipients;
}

void ProgrammeBook::scan_and_award(Prog& p, int t, FirmState& st, std::vector<std::uint32_t>& changed) {
  ProgrammeMonth& m = months_.back()[p.index];
  // Eligible firms, and those who know of the programme and apply (a
  // persistent draw per firm: uptake is how well it is socialised), in
  // firm order whatever the thread count.
  const std::size_t n = st.count;
  const std::size_t chunks = (n + chunk_ - 1) / chunk_;
  std::vector<std::vector<std::uint32_t>> lists(chunks);
  std::vector<std::int64_t> counts(chunks, 0);
  const bool first_come = p.spec.allocation == Allocation::first_come;
  parallel_chunks(n, chunk_, threads_, [&](int, std::size_t b, std::size_t e) {
    const std::size_t c = b / chunk_;
    for (std::size_t i = b; i < e; ++i) {
      if (!eligible(p, i, st, t)) continue;
      ++counts[c];
      if (p.spec.uptake < 1.0 && !(to_unit(draw(p, i, kNoMonth)[0]) < p.spec.uptake)) continue;
      lists[c].push_back(static_cast<std::uint32_t>(i));
      if (first_come && p.first_applied[i] < 0) p.first_applied[i] = static_cast<std::int16_t>(t);
    }
  });
  std::vector<std::uint32_t> apps;
  for (std::size_t c = 0; c < chunks; ++c) {
    m.eligible += counts[c];
    apps.insert(apps.end(), lists[c].begin(), lists[c].end());
  }
  // (For a KUR subsidy the applicants are the firms that borrow under it:
  // counted in end_month.)
  if (p.spec.kind != ProgrammeKind::kur_subsidy) m.applicants = static_cast<std::int64_t>(apps.size());

  if (p.spec.kind == ProgrammeKind::kur_subsidy) {
    // Every applicant may borrow at the subsidised rate this month; the
    // loans taken are approved after the firms' month, within budget,
    // quota and capacity (end_month).
    for (const std::uint32_t i : apps) {
      offer_[i] = static_cast<std::int8_t>(p.offer);
      p.offered.push_back(i);
    }
    return;
  }
  std::vector<Applicant> order = in_order(p, apps, t, st);
  const std::int64_t capacity = p.spec.monthly_capacity;
  std::int64_t served = 0;
  for (const Applicant& a : order) {
    const std::size_t i = a.firm;
    if (p.spec.quota >= 0 && p.recipients >= p.spec.quota) {
      ++m.rejected_quota;
    } else if (capacity >= 0 && served >= capacity) {
      ++m.rejected_capacity;
    } else if (cost_of(p, i, st) > p.left() || p.left() <= 0.0) {
      ++m.rejected_budget;
    } else {
      award(p, i, t, st, changed);
      ++served;
    }
  }
}

std::vector<ProgrammeBook::Applicant> ProgrammeBook::in_order(const Prog& p, const std::vector<std::uint32_t>& firms,
                                                               int t, const FirmState& st) const {
  std::vector<Applicant> order;
  order.reserve(firms.size());
  for (const std::uint32_t i : firms) {
    Applicant a{0.0, 0.0, i};
    switch (p.spec.allocation) {
      case Allocation::first_come:
        a.first = p.first_applied[i];
        a.second = to_unit(draw(p, i, kNoMonth)[1]);  // arrival within the month
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
    order.push_back(a);
  }
  std::sort(order.begin(), order.end(), [](const Applicant& a, const Applicant& b) {
    return std::tie(a.first, a.second, a.firm) < std::tie(b.first, b.second, b.firm);
  });
  return order;
}

void ProgrammeBook::begin_month(int t, FirmState& st, std::vector<std::uint32_t>& changed) {
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
        const bool same_loan = st.status[i] != closed && st.loan_principal_rp[i] > 0.0 &&
                               st.loan_lender[i] == static_cast<std::uint8_t>(Lender::kur) &&
                               st.loan_months_left[i] <= loan.months_left;
        if (same_loan) {
          const double leak = p.spec.leakage_share;
          double transfer = st.loan_principal_rp[i] * p.points / 12.0;
          double outlay = transfer / (1.0 - leak) * (1.0 + p.spec.admin_cost_share);
          if (outlay > loan.commitment) {
            transfer *= loan.commitment / outlay;
            outlay = loan.commitment;
          }
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
    if (open_window && quota_left && p.left() > 0.0) scan_and_award(p, t, st, changed);
  }
}

void ProgrammeBook::end_month(int t, FirmState& st) {
  // Subsidised KUR loans taken this month: approved in each programme's
  // order of service while budget, quota and capacity last; a loan not
  // approved stays with its bank at the full KUR rate.
  if (!offers_.empty()) {
    std::vector<std::vector<std::uint32_t>> firms(offers_.size());
    std::vector<std::pair<std::uint32_t, double>> loans;
    for (auto& list : taken_) {
      for (const KurTaken& k : list) loans.emplace_back(k.firm, k.principal_rp);
      list.clear();
    }
    std::sort(loans.begin(), loans.end());
    for (const auto& [firm, amount] : loans) firms[static_cast<std::size_t>(offer_[firm])].push_back(firm);
    for (std::size_t o = 0; o < offers_.size(); ++o) {
      if (firms[o].empty()) continue;
      Prog& p = progs_[offer_prog_[o]];
      ProgrammeMonth& m = months_.back()[p.index];
      const KurOffer& offer = offers_[o];
      const double r = static_cast<double>(static_cast<float>(offer.rate_year)) / 12.0;
      m.applicants += static_cast<std::int64_t>(firms[o].size());
      std::int64_t served = 0;
      for (const Applicant& a : in_order(p, firms[o], t, st)) {
        const std::size_t i = a.firm;
        const double amount = st.loan_principal_rp[i];
        // The government's share of the interest over the covered months,
        // on the annuity's schedule: what is promised to this loan.
        double balance = amount, interest = 0.0;
        const double installment = st.loan_installment_rp[i];
        for (int j = 0; j < p.covered && balance > 0.0; ++j) {
          interest += balance * p.points / 12.0;
          balance -= installment - balance * r;
        }
        const double commitment = interest * p.outlay_per_recipient_rupiah();
        bool approved = false;
        if (p.spec.quota >= 0 && p.recipients >= p.spec.quota) {
          ++m.rejected_quota;
        } else if (p.spec.monthly_capacity >= 0 && served >= p.spec.monthly_capacity) {
          ++m.rejected_capacity;
        } else if (commitment > p.left()) {
          ++m.rejected_budget;
        } else {
          approved = true;
        }
        if (approved) {
          p.committed += commitment;
          p.loans.push_back({static_cast<std::uint32_t>(i), st.loan_months_left[i], static_cast<std::uint16_t>(p.covered),
                             commitment});
          p.awarded[i] = static_cast<std::int16_t>(t);
          ++p.recipients;
          ++m.new_recipients;
          ++served;
        } else {
          const auto full = static_cast<float>(P_.kur_rate_year);
          st.loan_rate_year[i] = full;
          st.loan_installment_rp[i] = Annuity(static_cast<double>(full), st.loan_months_left[i]).installment(amount);
        }
      }
    }
  }
  for (Prog& p : progs_) {
    for (const std::uint32_t i : p.offered) offer_[i] = -1;
    p.offered.clear();
    ProgrammeMonth& m = months_.back()[p.index];
    m.committed_rp = p.committed;
    m.spent_to_date_rp = p.spent;
    m.budget_left_rp = p.spec.budget_rp - p.spent - p.committed;
  }
  // The month's ledger, cell by cell.
  const std::size_t n_progs = progs_.size();
  std::size_t cell = 0;
  for (std::size_t k = 0; k < n_progs; ++k)
    for (std::size_t r = 0; r < n_regions_; ++r)
      for (std::size_t c = 0; c < static_cast<std::size_t>(kSizeClasses); ++c)
        for (std::size_t s = 0; s < n_sectors_; ++s, cell += 3) {
          if (cells_[cell] == 0.0 && cells_[cell + 1] == 0.0 && cells_[cell + 2] == 0.0) continue;
          ledger_.push_back({t, static_cast<std::uint16_t>(k), static_cast<std::uint16_t>(r),
                             static_cast<std::uint8_t>(c), static_cast<std::uint8_t>(s), cells_[cell], cells_[cell + 1],
                             cells_[cell + 2]});
          cells_[cell] = cells_[cell + 1] = cells_[cell + 2] = 0.0;
        }
}

}  // namespace msmesim::detail
