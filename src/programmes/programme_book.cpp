// The programmes' monthly step and the government ledger (docs/model.md §15).
#include "programmes/programme_book.hpp"

#include <algorithm>
#include <limits>
#include <numeric>
#include <tuple>

#include "core/parallel.hpp"
#include "core/portable.hpp"
#include "core/philox.hpp"
#include "msmesim/core/error.hpp"
#include "msmesim/core/rng.hpp"
#include "programmes/prog.hpp"

namespace msmesim::detail {

namespace {

/// The stream of a programme's draws: a hash of its name, kept clear of the
/// engine's own purposes.
std::uint32_t purpose_of(const std::string& name) {
  std::uint32_t h = 2166136261u;
  for (unsigned char ch : name) h = (h ^ ch) * 16777619u;
  return 0x40000000u | (h & 0x3FFFFFFFu);
}

}  // namespace

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
    p.mech = &mechanism_of(s.kind);
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
    if (p.mech->changes_demand) p.factor.assign(capacity, 1.0);
    if (p.mech->expires) p.until.assign(capacity, 0);
    if (p.mech->setup != nullptr) p.mech->setup(*this, p, k);
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

void ProgrammeBook::prefetch_loan(std::size_t i, const FirmState& st) {
  prefetch_at(i, st.status, st.loan_principal_rp, st.loan_lender, st.loan_months_left, st.loan_rate_year, st.region,
              st.size_class, st.sector);
}

void ProgrammeBook::prefetch_award(const Prog& p, std::size_t i, const FirmState& st) {
  prefetch_loan(i, st);
  prefetch_at(i, st.cash_rp, st.workers, st.fixed_cost_rp, st.wage_rp, st.loan_installment_rp,
              st.informal_installment_rp, p.awarded);
}

void ProgrammeBook::set_factor(Prog& p, std::size_t i, FirmState& st, double factor) {
  // A lasting effect moves the firm's potential (and its level and
  // expectation with it); a temporary one only this month's demand, which
  // the firm's expectations — its workforce and assets — leave out.
  const double ratio = factor / p.factor[i];
  if (p.mech->temporary != nullptr && p.mech->temporary(p)) {
    st.demand_factor[i] = static_cast<float>(static_cast<double>(st.demand_factor[i]) * ratio);
  } else {
    st.potential_rp[i] *= ratio;
    st.level_rp[i] *= ratio;
    st.expected_rp[i] *= ratio;
  }
  p.factor[i] = factor;
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
  if (p.mech->eligible != nullptr) p.mech->eligible(*this, p, b, e, st, ok);
}

bool ProgrammeBook::coop_eligible(const Prog& p, std::size_t c, const CoopBook& coop) const {
  const Cooperatives& co = coop.state();
  if (p.coop_awarded[c] >= 0 || !((p.type_ok >> co.type[c]) & 1u) || !p.region_ok[co.region[c]]) return false;
  // The mechanism's own test, or active ones.
  return p.mech->coop_eligible != nullptr ? p.mech->coop_eligible(p, c, coop) : co.active[c] != 0;
}

double ProgrammeBook::cost_of(const Prog& p, std::size_t i, const FirmState& st) const {
  return p.mech->cost != nullptr ? p.mech->cost(p, i, st) : p.amount * (1.0 + p.spec.admin_cost_share);
}

ProgrammeMonth& ProgrammeBook::month_of(const Prog& p) { return months_.back()[p.index]; }

void ProgrammeBook::award(Prog& p, std::size_t i, int t, FirmState& st, CoopBook* coop, ProgrammeEffects& fx) {
  ProgrammeMonth& m = month_of(p);
  const double cash_before = st.cash_rp[i], obligations_before = monthly_obligations(i, st);
  p.mech->award(*this, p, i, t, st, coop, fx);
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
  ProgrammeMonth& m = month_of(p);
  p.mech->award_coop(*this, p, c, t, coop, fx);
  pay_coop(p, c, t, coop, p.reaching(), p.leaking());
  p.coop_awarded[c] = static_cast<std::int16_t>(t);
  awards_.push_back({t, p.index, -1, static_cast<std::int32_t>(c), 0, 0.0, 0.0});
  ++p.recipients;
  ++m.new_recipients;
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

std::int64_t ProgrammeBook::own_capacity(Prog& p, int t, bool cooperatives) {
  std::int64_t capacity = p.spec.monthly_capacity;
  if (p.mech->capacity != nullptr) {
    const std::int64_t own = p.mech->capacity(*this, p, t, cooperatives);
    if (own >= 0) capacity = capacity < 0 ? own : std::min(capacity, own);
  }
  return capacity;
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
  const bool offers = p.mech->offers != nullptr;
  // When nothing can be awarded this month (no money for one more award,
  // the quota or the year's certifications used up), applicants are only
  // counted: all of them wait.
  const bool per_firm_cost = p.mech->cost != nullptr;
  const double unit = per_firm_cost || !spends_budget(p.spec.kind) ? 0.0 : p.amount * (1.0 + p.spec.admin_cost_share);
  const bool year_full = p.mech->full != nullptr && p.mech->full(*this, p, t);
  const bool count_only = !offers && ((unit > 0.0 && unit > p.left()) || year_full);
  std::vector<std::int64_t> waiting(chunks, 0);
  parallel_chunks(n, chunk_, threads_, [&](int, std::size_t b, std::size_t e) {
    const std::size_t c = b / chunk_;
    constexpr std::size_t kBlock = 512;
    std::uint8_t ok[kBlock];
    std::uint32_t eligible[kBlock];
    for (std::size_t bb = b; bb < e; bb += kBlock) {
      const std::size_t be = std::min(e, bb + kBlock);
      eligible_block(p, bb, be, st, t, ok);
      // The eligible firms listed without a branch (eligibility is a coin
      // toss from one firm to the next), then served in firm order.
      std::size_t n_eligible = 0;
      for (std::size_t i = bb; i < be; ++i) {
        eligible[n_eligible] = static_cast<std::uint32_t>(i);
        n_eligible += ok[i - bb] != 0;
      }
      counts[c] += static_cast<std::int64_t>(n_eligible);
      for (std::size_t q = 0; q < n_eligible; ++q) {
        const std::size_t i = eligible[q];
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
    auto& of = this->*(p.mech->offers);
    for (const Applicant& a : apps) {
      of[a.id] = static_cast<std::int8_t>(p.offer);
      p.offered.push_back(a.id);
    }
    return;
  }
  m.applicants += static_cast<std::int64_t>(apps.size());
  std::int64_t capacity = own_capacity(p, t, false);
  // (A kind that serves cooperatives too counted their capacity in scan_coops.)
  m.capacity = serves_cooperatives(p.spec.kind) ? std::max<std::int64_t>(m.capacity, 0) + capacity : capacity;

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
  const std::int64_t capacity = own_capacity(p, t, true);
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

    // The loans it holds: interest paid, relief ended, claims.
    if (p.mech->upkeep != nullptr) p.mech->upkeep(*this, p, t, st, m);

    // Running benefits (vouchers, rent) and effects that expire.
    if (!p.active.empty()) {
      std::size_t kept = 0;
      for (const std::uint32_t i : p.active) {
        bool keep = st.status[i] != closed && t < p.until[i];
        if (keep && p.mech->pay_monthly != nullptr) {
          if (t > p.t1) {
            keep = false;
          } else if (cost_of(p, i, st) > p.left()) {
            keep = false;  // the budget is spent: the benefit stops
            ++m.rejected_budget;
          } else {
            p.mech->pay_monthly(*this, p, i, t, st);
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

void ProgrammeBook::approve_offers(int t, FirmState& st, std::vector<std::vector<LoanTaken>>& taken,
                                   const std::vector<std::int8_t>& offer_of, const std::vector<std::size_t>& prog_of) {
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
    ProgrammeMonth& m = month_of(p);
    m.applicants += static_cast<std::int64_t>(by_offer[o].size());
    std::int64_t served = 0;
    for (const Applicant& a : in_order(p, by_offer[o], t, st)) {
      const std::size_t i = a.id;
      const double amount = st.loan_principal_rp[i];
      const double outlay = p.mech->offer_outlay(p, i, st);
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
        p.mech->offer_approved(*this, p, i, t, st, outlay);
        p.loans.push_back({static_cast<std::uint32_t>(i), st.loan_months_left[i],
                           static_cast<std::uint16_t>(p.covered), outlay, amount});
        p.awarded[i] = static_cast<std::int16_t>(t);
        const LoanTaken& k = *std::lower_bound(
            loans.begin(), loans.end(), i, [](const LoanTaken& x, std::size_t firm) { return x.firm < firm; });
        record_award(p, i, t, k.cash_rp, k.obligations_rp, k.distressed);
        ++p.recipients;
        ++m.new_recipients;
        ++served;
      } else if (p.mech->offer_refused != nullptr) {
        p.mech->offer_refused(*this, i, st);
      }
    }
  }
}

void ProgrammeBook::end_month(int t, FirmState& st) {
  // Loans taken this month under offers, approved in each programme's order
  // of service while budget, quota and capacity last; what a refusal means
  // is the kind's (a subsidised loan stays with its bank at the full KUR
  // rate; a guarantee not issued leaves the loan unguaranteed).
  if (!kur_offers_.empty()) approve_offers(t, st, kur_taken_, kur_of_, kur_prog_);
  if (!guarantee_offers_.empty()) approve_offers(t, st, guarantee_taken_, guarantee_of_, guarantee_prog_);

  for (Prog& p : progs_) {
    if (p.mech->offers != nullptr)
      for (const std::uint32_t i : p.offered) (this->*(p.mech->offers))[i] = -1;
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
