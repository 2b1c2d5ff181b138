// The programme kinds' mechanisms (docs/model.md §15): for each kind, the
// hooks through which it acts, one section per kind; mechanism_of() lists
// them in the order of ProgrammeKind. What every kind shares — eligibility
// common to all, uptake, order of service, budget, quota, capacity, the
// ledger — is the book's (programme_book.cpp). Adding a kind: its row in
// programme_kind_table() (naming the hooks it uses), a section here and its
// entry in the table at the end (docs/design.md).
#include <algorithm>
#include <chrono>
#include <cmath>

#include "core/annuity.hpp"
#include "core/parallel.hpp"
#include "core/philox.hpp"
#include "msmesim/core/rng.hpp"
#include "programmes/prog.hpp"

namespace msmesim::detail {

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

/// The kinds' hooks. A friend of the book: hooks pay, draw, set demand
/// factors and lower costs through it.
struct Kinds {
  using Book = ProgrammeBook;

  static double annuity_installment(double principal, float rate_year, int months) {
    return Annuity(static_cast<double>(rate_year), std::max(months, 1)).installment(principal);
  }
  /// Whether firm i still holds the KUR loan a programme took on, last seen
  /// with `months_seen` months left: open, still owing, to KUR, and no more
  /// months left than last seen (a new loan would have a fresh term).
  static bool same_kur_loan(std::size_t i, std::uint16_t months_seen, const FirmState& st) {
    return st.status[i] != static_cast<std::uint8_t>(FirmStatus::closed) && st.loan_principal_rp[i] > 0.0 &&
           st.loan_lender[i] == static_cast<std::uint8_t>(Lender::kur) && st.loan_months_left[i] <= months_seen;
  }
  // ---- cash_grant, bpum: business capital ------------------------------
  // The grant is kept in the business as working capital (a higher cash
  // target), not drawn by the owner.
  static void award_grant(Book& book, Prog& p, std::size_t i, int t, FirmState& st, CoopBook*,
                          ProgrammeEffects& fx) {
    st.cash_rp[i] += p.reaching();
    fx.working_capital.emplace_back(static_cast<std::uint32_t>(i), p.reaching());
    book.pay(p, i, t, st, p.reaching(), p.leaking());
  }
  // BPUM: micro firms without credit from a bank, KUR or a cooperative.
  static void eligible_bpum(const Book&, const Prog& p, std::size_t b, std::size_t e, const FirmState& st,
                            std::uint8_t* ok) {
    const auto micro = static_cast<std::uint8_t>(SizeClass::micro);
    const bool no_informal = p.spec.param("exclude_informal") > 0;
    const double most_cash = p.spec.param("max_cash_rp");
    keep_if(ok, b, e - b, [&](std::size_t i) {
      return (st.size_class[i] == micro) & (st.loan_principal_rp[i] <= 0.0) &
             (!no_informal | (st.informal_principal_rp[i] <= 0.0)) & (st.cash_rp[i] <= most_cash);
    });
  }

  // ---- kur_subsidy: interest points on new KUR loans -------------------
  static void setup_kur(Book& book, Prog& p, std::size_t k) {
    const Programme& s = p.spec;
    p.offer = static_cast<int>(book.kur_offers_.size());
    book.kur_prog_.push_back(k);
    p.points = s.param("rate_points");
    const int term = static_cast<int>(book.P_.kur_term_months);
    p.covered = s.param("subsidy_months") > 0 ? std::min(term, static_cast<int>(s.param("subsidy_months"))) : term;
    KurOffer o;
    o.rate_year = std::max(0.0, book.P_.kur_rate_year - p.points);
    o.ceiling_micro_rp = s.param("ceiling_micro_rp");
    o.ceiling_small_rp = s.param("ceiling_small_rp");
    o.annuity = Annuity(o.rate_year, term);
    o.annuity_stored = Annuity(static_cast<double>(static_cast<float>(o.rate_year)), term);
    book.kur_offers_.push_back(o);
  }
  // A firm that can take a KUR loan: class, registration, a free formal
  // slot, and no offer of another subsidy this month.
  static void eligible_kur(const Book& book, const Prog&, std::size_t b, std::size_t e, const FirmState& st,
                           std::uint8_t* ok) {
    const unsigned small = static_cast<unsigned>(SizeClass::small);
    const bool need_registered = book.P_.kur_requires_registered > 0;
    const auto& kur_of = book.kur_of_;
    keep_if(ok, b, e - b, [&](std::size_t i) {
      return (st.size_class[i] <= small) & (!need_registered | (st.registered[i] != 0)) &
             (st.loan_principal_rp[i] <= 0.0) & (kur_of[i] < 0);
    });
  }
  // The government's share of the interest over the covered months, on the
  // annuity's schedule: what is promised.
  static double outlay_kur(const Prog& p, std::size_t i, const FirmState& st) {
    const double amount = st.loan_principal_rp[i];
    const double r = static_cast<double>(st.loan_rate_year[i]) / 12.0;
    double balance = amount, interest = 0.0;
    for (int j = 0; j < p.covered && balance > 0.0; ++j) {
      interest += balance * p.points / 12.0;
      balance -= st.loan_installment_rp[i] - balance * r;
    }
    return interest * p.outlay_per_recipient_rupiah();
  }
  static void approved_kur(Book&, Prog& p, std::size_t, int, FirmState&, double outlay) { p.committed += outlay; }
  // A subsidised loan not approved stays with its bank at the full KUR rate.
  static void refused_kur(const Book& book, std::size_t i, FirmState& st) {
    const auto full = static_cast<float>(book.P_.kur_rate_year);
    st.loan_rate_year[i] = full;
    st.loan_installment_rp[i] =
        Annuity(static_cast<double>(full), st.loan_months_left[i]).installment(st.loan_principal_rp[i]);
  }
  // The government pays its interest points on this month's service, within
  // what it promised; a loan that ended early releases the rest.
  static void upkeep_kur(Book& book, Prog& p, int t, FirmState& st, ProgrammeMonth& m) {
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
        book.pay(p, i, t, st, transfer, transfer / (1.0 - leak) * leak);
        const double used = std::min(p.spent - before, loan.commitment);
        loan.commitment -= used;
        p.committed -= used;
        ++m.beneficiaries;
        loan.months_left = st.loan_months_left[i];
        if (--loan.covered_left == 0) {
          // The subsidy ends: the rest of the loan at the full KUR rate.
          const auto full = static_cast<float>(book.P_.kur_rate_year);
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

  // ---- credit_guarantee: guarantees on new KUR and bank loans ----------
  static void setup_guarantee(Book& book, Prog& p, std::size_t k) {
    const Programme& s = p.spec;
    p.offer = static_cast<int>(book.guarantee_offers_.size());
    book.guarantee_prog_.push_back(k);
    book.guarantee_offers_.push_back(
        {s.param("approval_boost"), s.param("ceiling_factor"), s.param("tightening_relief")});
  }
  static void eligible_guarantee(const Book& book, const Prog&, std::size_t b, std::size_t e, const FirmState& st,
                                 std::uint8_t* ok) {
    const auto& guarantee_of = book.guarantee_of_;
    keep_if(ok, b, e - b,
            [&](std::size_t i) { return (st.loan_principal_rp[i] <= 0.0) & (guarantee_of[i] < 0); });
  }
  static double outlay_guarantee(const Prog& p, std::size_t i, const FirmState& st) {
    return p.spec.param("fee_share") * st.loan_principal_rp[i] * p.outlay_per_recipient_rupiah();
  }
  // The fee is paid when the loan is guaranteed; a guarantee not issued
  // leaves the loan unguaranteed.
  static void approved_guarantee(Book& book, Prog& p, std::size_t i, int t, FirmState& st, double) {
    const double fee = p.spec.param("fee_share") * st.loan_principal_rp[i];
    book.pay(p, i, t, st, fee, fee / (1.0 - p.spec.leakage_share) * p.spec.leakage_share);
  }
  // A firm that closed with its guaranteed loan outstanding costs the
  // programme its coverage of that loan (as outstanding at the start of the
  // month), while the budget lasts.
  static void upkeep_guarantee(Book& book, Prog& p, int t, FirmState& st, ProgrammeMonth& m) {
    const auto closed = static_cast<std::uint8_t>(FirmStatus::closed);
    std::size_t kept = 0;
    for (auto loan : p.loans) {
      const std::size_t i = loan.firm;
      if (st.status[i] == closed) {
        const double leak = p.spec.leakage_share;
        double claim = p.spec.param("coverage") * loan.principal;
        const double most = p.left() / p.outlay_per_recipient_rupiah();
        claim = std::min(claim, std::max(0.0, most));
        if (claim > 0.0) {
          book.pay(p, i, t, st, claim, claim / (1.0 - leak) * leak);
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

  // ---- shipping_voucher: a monthly voucher for online sellers ----------
  static void eligible_voucher(const Book&, const Prog&, std::size_t b, std::size_t e, const FirmState& st,
                               std::uint8_t* ok) {
    keep_if(ok, b, e - b, [&](std::size_t i) { return st.online_share[i] > 0.0f; });
  }
  static void award_voucher(Book& book, Prog& p, std::size_t i, int t, FirmState& st, CoopBook*,
                            ProgrammeEffects&) {
    const int months = static_cast<int>(p.spec.param("months"));
    p.until[i] = months > 0 ? static_cast<std::int16_t>(t + months) : kNever;
    p.active.push_back(static_cast<std::uint32_t>(i));
    book.set_factor(p, i, st, 1.0 + p.spec.param("demand_uplift") * static_cast<double>(st.online_share[i]));
    pay_voucher(book, p, i, t, st);
    ++book.month_of(p).beneficiaries;
  }
  // A share may be sold on (transferable vouchers); the recipient redeems
  // the rest up to its shipping cost, and only redeemed vouchers are paid
  // for (resold ones are redeemed by their buyers: leakage).
  static void pay_voucher(Book& book, Prog& p, std::size_t i, int t, FirmState& st) {
    const double leak = p.spec.leakage_share;
    const double kept = p.amount * (1.0 - leak);
    const double resold = p.spec.param("transferable") > 0 ? kept * p.spec.param("resale_share") : 0.0;
    const double shipping = book.P_.shipping_cost_share * static_cast<double>(st.online_share[i]) * st.expected_rp[i];
    const double redeemed = std::min(kept - resold, shipping);
    const double proceeds = resold * p.spec.param("resale_price");
    st.cash_rp[i] += redeemed + proceeds;
    book.month_of(p).resale_proceeds_rp += proceeds;
    book.pay(p, i, t, st, redeemed, p.amount * leak + resold);
  }
  // Vouchers change demand only while they are held.
  static bool always_temporary(const Prog&) { return true; }

  // ---- shop_rental: rent paid month by month ---------------------------
  static void eligible_rental(const Book&, const Prog&, std::size_t b, std::size_t e, const FirmState& st,
                              std::uint8_t* ok) {
    keep_if(ok, b, e - b, [&](std::size_t i) { return st.fixed_cost_rp[i] > 0.0; });
  }
  static double rent(const Prog& p, std::size_t i, const FirmState& st) {
    return std::min(p.amount, p.spec.param("fixed_cost_cut") * st.fixed_cost_rp[i]);
  }
  static double cost_rental(const Prog& p, std::size_t i, const FirmState& st) {
    return rent(p, i, st) * (1.0 + p.spec.admin_cost_share);
  }
  static void award_rental(Book& book, Prog& p, std::size_t i, int t, FirmState& st, CoopBook*,
                           ProgrammeEffects&) {
    p.until[i] = kNever;
    p.active.push_back(static_cast<std::uint32_t>(i));
    pay_rental(book, p, i, t, st);
    ++book.month_of(p).beneficiaries;
  }
  static void pay_rental(Book& book, Prog& p, std::size_t i, int t, FirmState& st) {
    const double leak = p.spec.leakage_share;
    const double award = rent(p, i, st);
    st.cash_rp[i] += award * (1.0 - leak);
    book.pay(p, i, t, st, award * (1.0 - leak), award * leak);
  }

  // ---- digital_training: online selling, if the owner succeeds ---------
  static void eligible_training(const Book&, const Prog&, std::size_t b, std::size_t e, const FirmState& st,
                                std::uint8_t* ok) {
    keep_if(ok, b, e - b, [&](std::size_t i) { return st.online_share[i] < 1.0f; });
  }
  // Training is paid for whatever comes of it; success depends on the
  // owner's capability.
  static void award_training(Book& book, Prog& p, std::size_t i, int t, FirmState& st, CoopBook*,
                             ProgrammeEffects& fx) {
    book.pay(p, i, t, st, p.reaching(), p.leaking());
    const double odds =
        p.spec.param("success_base") + p.spec.param("success_capability") * static_cast<double>(st.owner_capability[i]);
    // A trained owner starts selling online where it pays: the margin on
    // the wider market covers the shipping on the sales moved online.
    const double online = static_cast<double>(st.online_share[i]);
    const double gain = std::min(1.0, online + p.spec.param("online_gain")) - online;
    const double uplift = p.spec.param("demand_uplift");
    const double ship = book.P_.shipping_cost_share;
    const bool pays =
        uplift * (1.0 - static_cast<double>(st.variable_cost_share[i]) - (online + gain) * ship) >= gain * ship;
    if (pays && to_unit(book.draw(p, i, static_cast<std::uint32_t>(t))[1]) < odds) {
      st.online_share[i] = static_cast<float>(online + gain);
      book.set_factor(p, i, st, 1.0 + uplift);
      fx.changed.push_back(static_cast<std::uint32_t>(i));
    }
  }

  // ---- market_access: bazaars, local procurement -----------------------
  static void award_market(Book& book, Prog& p, std::size_t i, int t, FirmState& st, CoopBook*,
                           ProgrammeEffects&) {
    book.pay(p, i, t, st, p.reaching(), p.leaking());
    book.set_factor(p, i, st, 1.0 + p.spec.param("demand_uplift"));
    const int months = static_cast<int>(p.spec.param("duration_months"));
    if (months > 0) {
      p.until[i] = static_cast<std::int16_t>(t + months);
      p.active.push_back(static_cast<std::uint32_t>(i));
    }
  }
  // A bazaar of limited duration: the firm knows its demand will end.
  static bool market_temporary(const Prog& p) { return p.spec.param("duration_months") > 0; }

  // ---- certification: a price premium and new markets -----------------
  // The fee is paid; the certified firm sells at a premium (revenue up,
  // costs as before) and may reach new markets.
  static void award_certification(Book& book, Prog& p, std::size_t i, int t, FirmState& st, CoopBook*,
                                  ProgrammeEffects& fx) {
    book.pay(p, i, t, st, p.reaching(), p.leaking());
    const double premium = p.spec.param("price_premium");
    book.set_factor(p, i, st, (1.0 + premium) * (1.0 + p.spec.param("market_uplift")));
    book.lower_costs(i, premium / (1.0 + premium), fx);
    ++p.this_year;
  }
  // At most per_year certificates a calendar year.
  static std::int64_t certificates_left(const Book& book, Prog& p, int t, bool) {
    if (p.spec.param("per_year") <= 0) return -1;
    const int year = book.start_.plus(t).year;
    if (year != p.year) {
      p.year = year;
      p.this_year = 0;
    }
    return static_cast<std::int64_t>(p.spec.param("per_year")) - p.this_year;
  }
  static bool year_full(const Book& book, const Prog& p, int t) {
    return p.spec.param("per_year") > 0 && book.start_.plus(t).year == p.year &&
           p.this_year >= static_cast<std::int64_t>(p.spec.param("per_year"));
  }

  // ---- clinic: consultations for firms and cooperatives ----------------
  // Firms come with a problem: no registration, or unable to pay.
  static void eligible_clinic(const Book&, const Prog&, std::size_t b, std::size_t e, const FirmState& st,
                              std::uint8_t* ok) {
    keep_if(ok, b, e - b, [&](std::size_t i) { return st.registered[i] == 0 || st.months_unable[i] > 0; });
  }
  // The clinic serves cooperatives that are inactive or not healthy.
  static bool coop_eligible_clinic(const Prog&, std::size_t c, const CoopBook& coop) {
    const Cooperatives& co = coop.state();
    return !co.active[c] || !co.healthy[c];
  }
  static void award_clinic(Book& book, Prog& p, std::size_t i, int t, FirmState& st, CoopBook*,
                           ProgrammeEffects& fx) {
    book.pay(p, i, t, st, p.reaching(), p.leaking());
    const auto w = book.draw(p, i, static_cast<std::uint32_t>(t));
    if (!st.registered[i] && to_unit(w[1]) < p.spec.param("registration_odds")) st.registered[i] = 1;
    book.lower_costs(i, p.spec.param("cost_saving"), fx);
  }
  static void award_coop_clinic(Book& book, Prog& p, std::size_t c, int t, CoopBook& coop, ProgrammeEffects& fx) {
    if (!coop.state().active[c] &&
        to_unit(philox_words(book.seed_, book.replication_, kCoopEntity | static_cast<std::uint32_t>(c),
                             static_cast<std::uint32_t>(t), p.purpose)[1]) < p.spec.param("revival_odds")) {
      coop.revive(c);
      fx.coops_changed = true;
    }
  }
  // Slots this month: its schedule on the calendar (weekdays, hours, the
  // minutes of a consultation, counsellors).
  static std::int64_t clinic_slots(const Book& book, Prog& p, int t, bool cooperatives) {
    const double hours = p.spec.param(cooperatives ? "coop_hours" : "sme_hours");
    const double per_hour = std::floor(60.0 / p.spec.param("minutes"));
    return static_cast<std::int64_t>(weekdays(book.start_.plus(t))) * static_cast<std::int64_t>(hours * per_hour) *
           static_cast<std::int64_t>(p.spec.param("counsellors"));
  }

  // ---- coop_collaboration: firms working through a cooperative --------
  static void award_collaboration(Book& book, Prog& p, std::size_t i, int t, FirmState& st, CoopBook* coop,
                                  ProgrammeEffects& fx) {
    book.pay(p, i, t, st, p.reaching(), p.leaking());
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
        const auto pick =
            (static_cast<std::uint64_t>(book.draw(p, i, static_cast<std::uint32_t>(t))[2]) * near.size()) >> 32;
        st.cooperative[i] = static_cast<std::int32_t>(near[static_cast<std::size_t>(pick)]);
        coop->add_member(near[static_cast<std::size_t>(pick)]);  // the firm's owner is a member now
        fx.joined.push_back(static_cast<std::uint32_t>(i));
      }
    }
    book.set_factor(p, i, st, 1.0 + p.spec.param("marketing_uplift"));
    book.lower_costs(i, p.spec.param("capacity_saving"), fx);
  }

  // ---- csr_capital, coop_network, virtual_rat: cooperatives ------------
  static void award_csr(Book&, Prog& p, std::size_t c, int, CoopBook& coop, ProgrammeEffects&) {
    coop.add_capital(c, p.reaching(), p.spec.param("earmarked") > 0,
                     {p.spec.param("member_rate_year"), static_cast<int>(p.spec.param("member_term_months")),
                      p.spec.param("member_ceiling_revenue_months")});
  }
  static void award_network(Book&, Prog& p, std::size_t c, int, CoopBook& coop, ProgrammeEffects& fx) {
    coop.join_network(c, p.spec.param("financing_share"), p.spec.param("joint_trade") > 0);
    fx.coops_changed = fx.coops_changed || p.spec.param("joint_trade") > 0;
  }
  // Cooperatives without the means, at risk of becoming inactive (or
  // already inactive) unless due_only is 0.
  static bool coop_eligible_rat(const Prog& p, std::size_t c, const CoopBook& coop) {
    const Cooperatives& co = coop.state();
    return !co.virtual_rat[c] && (p.spec.param("due_only") <= 0 || !co.active[c] || coop.due_for_rat(c));
  }
  static void award_rat(Book&, Prog&, std::size_t c, int, CoopBook& coop, ProgrammeEffects&) {
    coop.enable_virtual_rat(c);
  }

  // ---- loan_restructuring: deferral and a longer term (POJK 11/2020) ---
  static void setup_restructuring(Book&, Prog& p, std::size_t) {
    const Programme& s = p.spec;
    p.lender_uptake[static_cast<std::size_t>(Lender::cooperative)] = s.param("uptake_cooperative");
    p.lender_uptake[static_cast<std::size_t>(Lender::kur)] = s.param("uptake_kur");
    p.lender_uptake[static_cast<std::size_t>(Lender::bank)] = s.param("uptake_bank");
  }
  static bool lender_willing(const Book& book, const Prog& p, std::size_t i, const FirmState& st) {
    const double share = p.lender_uptake[st.loan_lender[i]];
    return share >= 1.0 || to_unit(book.draw(p, i, kNoMonth)[2]) < share;
  }
  // A formal loan of a covered lender, not deferred already, of a debtor
  // affected by the shocks or in arrears; then the lender's willingness (a
  // persistent draw, only for those still eligible).
  static void eligible_restructuring(const Book& book, const Prog& p, std::size_t b, std::size_t e,
                                     const FirmState& st, std::uint8_t* ok) {
    const bool affected_only = p.spec.param("require_affected") > 0;
    keep_if(ok, b, e - b, [&](std::size_t i) {
      return (st.loan_principal_rp[i] > 0.0) & (p.lender_uptake[st.loan_lender[i]] > 0.0) &
             (st.loan_deferral[i] == 0) &
             (!affected_only | (st.main_problem[i] != kNoProblem) | (st.debt_arrears_rp[i] > 0.0));
    });
    for (std::size_t j = 0; j < e - b; ++j)
      if (ok[j]) ok[j] = lender_willing(book, p, b + j, st) ? 1 : 0;
  }
  // Deferred service (principal only, or interest too), the term extended,
  // and the formal loan's arrears cleared: a restructured loan is current
  // (the unpaid service is already in its principal).
  static void award_restructuring(Book&, Prog& p, std::size_t i, int, FirmState& st, CoopBook*,
                                  ProgrammeEffects&) {
    const int months = static_cast<int>(p.spec.param("deferral_months"));
    const int extension = static_cast<int>(p.spec.param("extension_months"));
    p.relief.push_back(
        {static_cast<std::uint32_t>(i), st.loan_installment_rp[i], st.loan_rate_year[i], st.loan_months_left[i], false});
    st.loan_deferral[i] = static_cast<std::int8_t>(p.spec.param("interest_deferred") > 0 ? -months : months);
    st.debt_arrears_rp[i] -= std::min(st.debt_arrears_rp[i], st.loan_principal_rp[i]);
    st.loan_months_left[i] = static_cast<std::uint16_t>(std::min(65535, st.loan_months_left[i] + extension));
    st.loan_term_months[i] = static_cast<std::uint16_t>(std::min(65535, st.loan_term_months[i] + months + extension));
    st.loan_restructured[i] = 1;
    if (months == 0) reprice_restructured(p.relief.back(), st);
  }
  // The instalment for what is left of the extended term; if the deferred
  // interest raised it above the one before, the term is extended until it
  // is not (repayment capacity is never worse than when the loan was made).
  static void reprice_restructured(Relief& loan, FirmState& st) {
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
  // When the deferral ends, the instalment is set for what is left of the
  // (extended) term — never above the one before — and the relief lenders
  // grant meanwhile is counted.
  static void upkeep_restructuring(Book&, Prog& p, int, FirmState& st, ProgrammeMonth& m) {
    const auto closed = static_cast<std::uint8_t>(FirmStatus::closed);
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

  // ---- kur_extra_subsidy: interest points on existing KUR loans --------
  static void setup_extra(Book&, Prog& p, std::size_t) { p.points = p.spec.param("rate_points"); }
  // KUR loans of collectability 1 or 2.
  static void eligible_extra(const Book&, const Prog& p, std::size_t b, std::size_t e, const FirmState& st,
                             std::uint8_t* ok) {
    const auto kur = static_cast<std::uint8_t>(Lender::kur);
    const double most = p.spec.param("max_arrears_installments");
    keep_if(ok, b, e - b, [&](std::size_t i) {
      return (st.loan_principal_rp[i] > 0.0) & (st.loan_lender[i] == kur) &
             (st.debt_arrears_rp[i] <= most * st.loan_installment_rp[i]);
    });
  }
  static double cost_extra(const Prog& p, std::size_t i, const FirmState& st) {
    return st.loan_principal_rp[i] * std::min(p.points, static_cast<double>(st.loan_rate_year[i])) / 12.0 *
           p.outlay_per_recipient_rupiah();
  }
  /// The points the borrower no longer pays, on this month's balance.
  static double relief_transfer(const Relief& loan, const FirmState& st) {
    const std::size_t i = loan.firm;
    const double points = static_cast<double>(loan.rate_before) - static_cast<double>(st.loan_rate_year[i]);
    return st.loan_principal_rp[i] * points / 12.0;
  }
  // The borrower's rate falls by the points while the programme runs; the
  // government pays them on the balance month by month.
  static void award_extra(Book& book, Prog& p, std::size_t i, int t, FirmState& st, CoopBook*,
                          ProgrammeEffects&) {
    const float rate_before = st.loan_rate_year[i];
    p.relief.push_back(
        {static_cast<std::uint32_t>(i), st.loan_installment_rp[i], rate_before, st.loan_months_left[i], false});
    const double lower = std::max(0.0, static_cast<double>(rate_before) - p.points);
    st.loan_rate_year[i] = static_cast<float>(lower);
    st.loan_installment_rp[i] =
        annuity_installment(st.loan_principal_rp[i], st.loan_rate_year[i], st.loan_months_left[i]);
    const double transfer = relief_transfer(p.relief.back(), st);
    const double leak = p.spec.leakage_share;
    book.pay(p, i, t, st, transfer, transfer / (1.0 - leak) * leak);
    ++book.month_of(p).beneficiaries;
  }
  // Paid each month of the programme on the loans it took on; when the
  // programme ends (or its money), the full rate returns. A loan repaid or
  // of a firm that closed leaves it.
  static void upkeep_extra(Book& book, Prog& p, int t, FirmState& st, ProgrammeMonth& m) {
    // What each loan's relief costs this month, read from the firms in
    // parallel (each loan is another firm's); then paid in the programme's
    // order while the budget lasts.
    const std::size_t n_loans = p.relief.size();
    std::vector<double> cost(n_loans), transfer(n_loans);
    std::vector<std::uint32_t> cell(n_loans);
    std::vector<std::uint16_t> months_left(n_loans);
    std::vector<std::uint8_t> same(n_loans);
    parallel_chunks(n_loans, Book::kReliefChunk, book.threads_, [&](int, std::size_t b, std::size_t e) {
      for (std::size_t k = b; k < e; ++k) {
        // The loans are in the order of award, their firms scattered:
        // fetch the firm a few loans ahead.
        if (k + Book::kPrefetchAhead < e) Book::prefetch_loan(p.relief[k + Book::kPrefetchAhead].firm, st);
        const Relief& loan = p.relief[k];
        const std::size_t i = loan.firm;
        months_left[k] = st.loan_months_left[i];
        same[k] = same_kur_loan(i, loan.months_seen, st);
        if (!same[k]) continue;
        cost[k] = cost_extra(p, i, st);
        transfer[k] = relief_transfer(loan, st);
        cell[k] = static_cast<std::uint32_t>(book.cell_of(p, i, st));
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
      book.book(p, &book.cells_[cell[k] * 3], t, static_cast<std::int32_t>(i), -1, transfer[k],
                transfer[k] / (1.0 - leak) * leak);
      ++m.beneficiaries;
      p.relief[kept++] = loan;
    }
    p.relief.resize(kept);
  }

  // ---- The table: one mechanism per kind, in the order of ProgrammeKind
  // (each a designated initializer, its hooks in the order of Mechanism).
  static std::array<Mechanism, std::size(kAllProgrammeKinds)> table() {
    std::array<Mechanism, std::size(kAllProgrammeKinds)> t{};
    auto at = [&](ProgrammeKind k) -> Mechanism& { return t[static_cast<std::size_t>(k)]; };
    at(ProgrammeKind::cash_grant) = {.award = award_grant};
    at(ProgrammeKind::kur_subsidy) = {.setup = setup_kur, .eligible = eligible_kur, .offers = &Book::kur_of_,
                                      .offer_outlay = outlay_kur, .offer_approved = approved_kur,
                                      .offer_refused = refused_kur, .upkeep = upkeep_kur};
    at(ProgrammeKind::shipping_voucher) = {.eligible = eligible_voucher, .award = award_voucher,
                                           .pay_monthly = pay_voucher, .changes_demand = true,
                                           .temporary = always_temporary, .expires = true};
    at(ProgrammeKind::digital_training) = {.eligible = eligible_training, .award = award_training,
                                           .changes_demand = true};
    at(ProgrammeKind::market_access) = {.award = award_market, .changes_demand = true,
                                        .temporary = market_temporary, .expires = true};
    at(ProgrammeKind::shop_rental) = {.eligible = eligible_rental, .award = award_rental, .pay_monthly = pay_rental,
                                      .expires = true, .cost = cost_rental};
    at(ProgrammeKind::credit_guarantee) = {.setup = setup_guarantee, .eligible = eligible_guarantee,
                                           .offers = &Book::guarantee_of_, .offer_outlay = outlay_guarantee,
                                           .offer_approved = approved_guarantee, .upkeep = upkeep_guarantee};
    at(ProgrammeKind::csr_capital) = {.award_coop = award_csr};
    at(ProgrammeKind::certification) = {.award = award_certification, .changes_demand = true,
                                        .capacity = certificates_left, .full = year_full};
    at(ProgrammeKind::clinic) = {.eligible = eligible_clinic, .coop_eligible = coop_eligible_clinic,
                                 .award = award_clinic, .award_coop = award_coop_clinic, .capacity = clinic_slots};
    at(ProgrammeKind::coop_collaboration) = {.award = award_collaboration, .changes_demand = true};
    at(ProgrammeKind::coop_network) = {.award_coop = award_network};
    at(ProgrammeKind::loan_restructuring) = {.setup = setup_restructuring, .eligible = eligible_restructuring,
                                             .award = award_restructuring, .upkeep = upkeep_restructuring};
    at(ProgrammeKind::kur_extra_subsidy) = {.setup = setup_extra, .eligible = eligible_extra, .award = award_extra,
                                            .upkeep = upkeep_extra, .cost = cost_extra};
    at(ProgrammeKind::bpum) = {.eligible = eligible_bpum, .award = award_grant};
    at(ProgrammeKind::virtual_rat) = {.coop_eligible = coop_eligible_rat, .award_coop = award_rat};
    return t;
  }
};

std::uint32_t Mechanism::hooks() const {
  std::uint32_t bits = 0;
  auto set = [&](bool on, ProgrammeHook h) { bits |= on ? hook_bit(h) : 0u; };
  set(eligible != nullptr || coop_eligible != nullptr, ProgrammeHook::eligibility);
  set(award != nullptr, ProgrammeHook::award);
  set(award_coop != nullptr, ProgrammeHook::award_cooperative);
  set(offers != nullptr, ProgrammeHook::credit_offer);
  set(pay_monthly != nullptr, ProgrammeHook::monthly_benefit);
  set(upkeep != nullptr, ProgrammeHook::loan_upkeep);
  set(changes_demand, ProgrammeHook::demand);
  set(cost != nullptr, ProgrammeHook::firm_cost);
  set(capacity != nullptr || full != nullptr, ProgrammeHook::own_capacity);
  return bits;
}

const Mechanism& mechanism_of(ProgrammeKind kind) {
  static const auto mechanisms = Kinds::table();
  return mechanisms[static_cast<std::size_t>(kind)];
}

}  // namespace msmesim::detail
