// Credit (docs/model.md §5): the lenders a firm in need turns to, in
// order, and what each grants.
#include "engine/impl.hpp"

namespace msmesim {

// Tries the lenders in order (cooperative, KUR, bank, informal) until the
// shortfall and the investment gap are covered; at most one formal and one informal loan are held
// at a time. Adds to `denied_by_shock` what a lender refused only because
// of the capital shock: the same draw would have been approved at the
// shock-free odds (common random numbers make this exact per firm).
Simulation::Impl::NewLoans Simulation::Impl::seek_credit(std::size_t i, int t_now, double shortfall, double invest_gap, double cap_sev,
                     std::int64_t* a, double& denied_by_shock) const {
  const auto w = detail::philox_words(opt.seed, opt.replication, static_cast<std::uint32_t>(i),
                                      static_cast<std::uint32_t>(t_now),
                                      static_cast<std::uint32_t>(Purpose::firm_credit));
  const double R0 = st.base_revenue_rp[i];
  const bool distressed = st.months_unable[i] > 0;
  bool formal_free = st.loan_principal_rp[i] <= 0.0;
  const bool informal_free = st.informal_principal_rp[i] <= 0.0;
  const auto cls = static_cast<SizeClass>(st.size_class[i]);
  NewLoans out;
  // What the firm needs: its shortfall and what its own cash cannot pay
  // of its investment. A formal lender is asked for at least the usual
  // working-capital loan when cash falls short (loans are sized to the
  // business); an informal one lends what is needed.
  const double shortfall_pos = std::max(0.0, shortfall);
  double need = shortfall_pos + invest_gap;
  double ask = shortfall_pos > 0.0 ? std::max(shortfall_pos, P.credit_request_revenue_months * R0) + invest_gap : need;
  // Repayment capacity is judged on the lower of the firm's pre-shock
  // profit and its profit at the sales it now expects: a lender does not
  // size a loan on income a slump has taken away.
  const double expected_profit = profit_at(i, st.expected_rp[i], static_cast<double>(st.workers[i]));
  const double base_profit = std::min(base_profit_rp[i], expected_profit);
  double existing_service = st.loan_installment_rp[i] + st.informal_installment_rp[i];
  const detail::KurOffer* offer = nullptr;
  const detail::CoopBook::EarmarkTerms* earmark = nullptr;
  const detail::GuaranteeOffer* guarantee = programmes.empty() ? nullptr : programmes.guarantee_offer(i);
  // The formal lenders in order while the firm has no formal loan, then
  // the informal one if it has no informal loan. (Bounds rather than a
  // test per lender: which loans a firm holds is a coin toss from one
  // firm to the next.)
  static_assert(static_cast<int>(Lender::informal) == kLenders - 1, "the informal lender comes last");
  const int informal_index = static_cast<int>(Lender::informal);
  // (By arithmetic: GCC makes each ?: a branch, a coin toss from firm to firm.)
  const int first = informal_index * static_cast<int>(!formal_free),
            end = informal_index + static_cast<int>(informal_free);
  for (int k = first; k < end; ++k) {
    if (need <= 0.0) break;
    const Lender l = kAllLenders[static_cast<std::size_t>(k)];
    const bool formal = l != Lender::informal;
    if (formal && !formal_free) {  // a formal loan was granted: on to the informal lender
      k = informal_index - 1;
      continue;
    }
    double base = 0.0, tightening = 0.0, ceiling = 0.0, rate = 0.0, term = 1.0;
    switch (l) {
      case Lender::cooperative:
        // Only members borrow from their cooperative, within the credit
        // line it opened for the month (its liquidity shared among its
        // member firms), in whole rupiah.
        if (st.cooperative[i] < 0) continue;
        base = P.coop_approval;
        tightening = P.coop_tightening;
        earmark = coop.earmark_terms(static_cast<std::size_t>(st.cooperative[i]));
        // Earmarked (CSR) funds are lent on their own terms (docs/model.md §15).
        ceiling = std::floor(
            std::min((earmark != nullptr ? earmark->ceiling_revenue_months : P.coop_ceiling_revenue_months) * R0,
                     coop.line_rp(static_cast<std::size_t>(st.cooperative[i]))));
        rate = earmark != nullptr ? earmark->rate_year : P.coop_rate_year;
        term = earmark != nullptr ? earmark->term_months : P.coop_term_months;
        break;
      case Lender::kur:
        if (cls > SizeClass::small) continue;
        if (P.kur_requires_registered > 0 && !st.registered[i]) continue;
        base = P.kur_approval;
        tightening = P.kur_tightening;
        // A subsidy offer (docs/model.md §15) lowers the rate the firm
        // pays and sets the programme's ceilings.
        offer = programmes.empty() ? nullptr : programmes.kur_offer(i);
        if (offer != nullptr) {
          ceiling = cls == SizeClass::micro ? offer->ceiling_micro_rp : offer->ceiling_small_rp;
          rate = offer->rate_year;
        } else {
          ceiling = cls == SizeClass::micro ? P.kur_ceiling_micro_rp : P.kur_ceiling_small_rp;
          rate = P.kur_rate_year;
        }
        term = P.kur_term_months;
        break;
      case Lender::bank:
        if (P.bank_requires_registered > 0 && !st.registered[i]) continue;
        base = P.bank_approval;
        tightening = P.bank_tightening;
        ceiling = std::min(P.bank_ceiling_revenue_months * R0,
                           P.bank_collateral_ratio > 0 ? st.assets_rp[i] / P.bank_collateral_ratio : 0.0);
        rate = P.bank_rate_year;
        term = P.bank_term_months;
        break;
      case Lender::informal:
        base = P.informal_approval;
        tightening = P.informal_tightening;
        ceiling = P.informal_ceiling_revenue_months * R0;
        rate = P.informal_rate_year;
        term = P.informal_term_months;
        break;
    }
    // A guarantee offer (docs/model.md §15) improves the odds and the
    // ceiling at KUR and bank lenders.
    const bool guaranteed = guarantee != nullptr && (l == Lender::kur || l == Lender::bank);
    if (guaranteed) {
      base = std::min(1.0, base + guarantee->approval_boost);
      ceiling *= guarantee->ceiling_factor;
      tightening *= 1.0 - guarantee->tightening_relief;
    }
    // Repayment capacity: the installment, with the debt service already
    // owed, must fit in a share of the firm's pre-shock profit.
    const double capacity_rp = std::max(0.0, P.max_debt_service_share * base_profit - existing_service);
    if (l == Lender::kur && offer != nullptr) {
      // The firm takes the larger of the subsidised loan (within the
      // programme's ceilings) and an ordinary KUR loan: an offer never
      // cuts the KUR credit the firm could have had without it.
      double ordinary = cls == SizeClass::micro ? P.kur_ceiling_micro_rp : P.kur_ceiling_small_rp;
      if (guaranteed) ordinary *= guarantee->ceiling_factor;
      auto loan_for = [&](double cap, double per_rupiah_rp) {
        return std::min({ask, cap, per_rupiah_rp > 0.0 ? capacity_rp / per_rupiah_rp : 0.0});
      };
      const double per_ordinary = annuity[static_cast<std::size_t>(Lender::kur)].installment(1.0);
      if (loan_for(ordinary, per_ordinary) > loan_for(ceiling, offer->annuity.installment(1.0))) {
        offer = nullptr;
        ceiling = ordinary;
        rate = P.kur_rate_year;
      }
    }
    const bool subsidised = l == Lender::kur && offer != nullptr;
    const bool earmarked = l == Lender::cooperative && earmark != nullptr;
    const double per_rupiah =
        subsidised  ? offer->annuity.installment(1.0)
        : earmarked ? detail::Annuity(static_cast<double>(static_cast<float>(rate)), static_cast<int>(term))
                          .installment(1.0)
                    : annuity[static_cast<std::size_t>(l)].installment(1.0);
    const double affordable = per_rupiah > 0.0 ? capacity_rp / per_rupiah : 0.0;
    double amount = std::min({formal ? ask : need, ceiling, affordable});
    if (l == Lender::cooperative) {
      amount = std::floor(amount);  // whole rupiah, as the cooperative books it
      // What the member would have asked for without the line: the
      // cooperative's unmet demand, which joint financing can fill.
      const double wanted = std::floor(std::min({ask, P.coop_ceiling_revenue_months * R0, affordable}));
      if (wanted > amount)
        a[coop_base() + static_cast<std::size_t>(st.cooperative[i]) * detail::kCoopFields +
          detail::cf_credit_unmet_rp] += rp(wanted - amount);
    }
    if (amount <= 0.0) continue;
    const double odds_free = base * ((formal && distressed) ? P.distressed_approval_factor : 1.0);
    const double odds = odds_free * (1.0 - tightening * cap_sev);
    const double u = to_unit(w[static_cast<std::size_t>(l)]);
    if (u < odds) {
      const int li = static_cast<int>(l);
      a[m_new_loans + li] += 1;
      a[m_new_credit + li] += rp(amount);
      if (l == Lender::cooperative) {
        std::int64_t* cs = a + coop_base() + static_cast<std::size_t>(st.cooperative[i]) * detail::kCoopFields;
        cs[detail::cf_new_loans_rp] += rp(amount);
        cs[detail::cf_new_loans] += 1;
      }
      if (formal) {
        out.formal_rp = amount;
        out.formal_lender = l;
        out.formal_rate_year = rate;
        out.formal_term = static_cast<int>(term);
        out.formal_subsidised = subsidised;
        out.formal_guaranteed = guaranteed;
        out.formal_earmarked = earmarked;
        formal_free = false;
      } else {
        out.informal_rp = amount;
        out.informal_rate_year = rate;
        out.informal_term = static_cast<int>(term);
      }
      need -= amount;
      ask -= amount;
      existing_service += amount * per_rupiah;
    } else if (u < odds_free) {
      denied_by_shock += amount;
    }
  }
  return out;
}

}  // namespace msmesim
