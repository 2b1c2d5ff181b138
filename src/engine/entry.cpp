// A firm's start-up (docs/model.md §4, §9): the population's firms as
// they stand before the first month, entrants and the burn-in's
// replacements; their exposure to the shocks and their owners' exit months.
#include "engine/impl.hpp"

namespace msmesim {

// The month a firm's owner leaves for reasons outside the business: drawn
// once when the run starts (the hazard is memoryless, so this is the
// remaining time) or the firm enters (docs/model.md §5, exits).
void Simulation::Impl::draw_exits(std::size_t i, int from_month) {
  const auto w = detail::philox_words(opt.seed, opt.replication, static_cast<std::uint32_t>(i),
                                      static_cast<std::uint32_t>(from_month),
                                      static_cast<std::uint32_t>(Purpose::firm_exits));
  const auto cls = static_cast<SizeClass>(st.size_class[i]);
  const double year = cls == SizeClass::micro   ? P.owner_exit_rate_year_micro
                      : cls == SizeClass::small ? P.owner_exit_rate_year_small
                                                : P.owner_exit_rate_year_medium;
  double exit_month = kNeverMonth;
  if (year >= 1.0) {
    exit_month = from_month;
  } else if (year > 0.0) {
    const double month = -std::expm1(std::log1p(-year) / 12.0);
    exit_month = std::min(exit_month, from_month + std::floor(std::log(to_unit(w[0])) / std::log1p(-month)));
  }
  st.owner_exit_month[i] = static_cast<std::int16_t>(exit_month);
}

void Simulation::Impl::expose(std::size_t i) {
  for (std::size_t k = 0; k < shocks.size(); ++k) {
    const auto& cs = shocks[k];
    float sev = 0.0f;
    if (cs.sector_ok[st.sector[i]] && cs.region_ok[st.region[i]] && cs.class_ok[st.size_class[i]]) {
      const auto w = detail::philox_words(opt.seed, opt.replication, static_cast<std::uint32_t>(i), kNoMonth,
                                          cs.purpose);
      if (to_unit(w[0]) < cs.incidence_by_sector[st.sector[i]])
        sev = static_cast<float>(cs.quantile(to_unit(w[1]), st.sector[i]));
    }
    st.shock_severity[k][i] = sev;
  }
}

// A firm's histories and counters as a new firm starts them.
void Simulation::Impl::reset_histories(std::size_t i) {
  working_capital_rp[i] = 0.0;
  st.payables_rp[i] = 0.0;
  st.receivables_rp[i] = 0.0;
  st.owner_owed_rp[i] = 0.0;
  st.loan_principal_rp[i] = 0.0;
  st.loan_rate_year[i] = 0.0f;
  st.loan_installment_rp[i] = 0.0;
  st.loan_months_left[i] = 0;
  st.loan_term_months[i] = 0;
  st.loan_lender[i] = static_cast<std::uint8_t>(Lender::bank);
  st.loan_deferral[i] = 0;
  st.loan_restructured[i] = 0;
  st.informal_principal_rp[i] = 0.0;
  st.debt_arrears_rp[i] = 0.0;
  st.informal_installment_rp[i] = 0.0;
  st.informal_months_left[i] = 0;
  st.revenue_window_rp[i] = 0.0;
  st.months_unable[i] = 0;
  st.months_low_income[i] = 0;
  st.months_overstaffed[i] = 0;
  st.main_problem[i] = kNoProblem;
  st.first_distress_month[i] = -1;
  st.closure_month[i] = -1;
  st.closure_reason[i] = static_cast<std::uint8_t>(ClosureReason::open);
  st.class_change_month[i] = -1;
  st.upgrades[i] = 0;
  st.downgrades[i] = 0;
  st.months_distressed[i] = 0;
  st.ever_illiquid[i] = 0;
  st.revenue_total_rp[i] = 0.0;
  st.investment_total_rp[i] = 0.0;
  st.loan_written_off_rp[i] = 0.0;
  st.last_main_problem[i] = kNoProblem;
  st.demand_factor[i] = 1.0f;
}

// The population's firms as they stand before the first month, with the
// state they carry (docs/model.md §4; zero or -1 columns derived).
void Simulation::Impl::init_initial_firms() {
  const Population& p = *pop;
  st.count = initial;
  detail::parallel_chunks(initial, 16384, threads, [&](int, std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) {
      reset_histories(i);
      st.region[i] = p.region[i];
      st.sector[i] = p.sector[i];
      st.registered[i] = p.registered[i];
      st.ever_kur[i] = p.ever_kur[i];
      st.cooperative[i] = p.cooperative[i];
      const double R0 = p.revenue_rp_month[i];
      st.base_revenue_rp[i] = R0;
      st.potential_rp[i] = R0;
      st.base_workers[i] = p.base_workers[i] > 0 ? p.base_workers[i] : p.workers[i];
      st.variable_cost_share[i] = p.variable_cost_share[i];
      st.fixed_cost_rp[i] = p.fixed_cost_rp_month[i];
      st.wage_rp[i] = p.wage_rp_month[i];
      st.online_share[i] = p.online_share[i];
      st.owner_capability[i] = p.owner_capability[i];
      st.capital_intensity[i] =
          p.capital_intensity[i] > 0.0f ? p.capital_intensity[i] : static_cast<float>(p.assets_rp[i] / R0);
      st.entry_month[i] = -1;
      const double level = p.revenue_level_rp[i] > 0.0 ? p.revenue_level_rp[i] : R0;
      const auto cls = static_cast<std::uint8_t>(classify_firm(p.assets_rp[i], level, p.workers[i]));
      st.initial_class[i] = cls;
      st.size_class[i] = cls;
      open_firm(i, 0,
                {p.workers[i], level, p.expected_revenue_rp[i] > 0.0 ? p.expected_revenue_rp[i] : level, p.assets_rp[i],
                 p.cash_rp[i], p.months_unable[i] > 0});
      const double outflows = R0 * static_cast<double>(p.variable_cost_share[i]) +
                              (st.base_workers[i] - 1.0) * p.wage_rp_month[i] + p.fixed_cost_rp_month[i];
      cash_months[i] = p.cash_target_months[i] >= 0.0f
                           ? p.cash_target_months[i]
                           : static_cast<float>(outflows > 0.0 ? p.cash_rp[i] / outflows : 0.0);
      // What a registry firm carries into the run.
      st.payables_rp[i] = p.payables_rp[i];
      st.owner_owed_rp[i] = p.owner_owed_rp[i];
      st.debt_arrears_rp[i] = p.debt_arrears_rp[i];
      st.months_unable[i] = p.months_unable[i];
      st.months_low_income[i] = p.months_low_income[i];
      const bool has_loan = p.loan_principal_rp[i] > 0.0;
      st.loan_lender[i] = p.loan_lender[i];
      if (has_loan) {
        st.loan_principal_rp[i] = p.loan_principal_rp[i];
        st.loan_rate_year[i] = p.loan_rate_year[i];
        st.loan_months_left[i] = p.loan_months_left[i];
        st.loan_term_months[i] = p.loan_term_months[i] > 0 ? p.loan_term_months[i] : p.loan_months_left[i];
        st.loan_installment_rp[i] =
            p.loan_installment_rp[i] > 0.0
                ? p.loan_installment_rp[i]
                : installment(p.loan_principal_rp[i], p.loan_rate_year[i], p.loan_months_left[i]);
      }
      if (p.informal_principal_rp[i] > 0.0) {
        st.informal_principal_rp[i] = p.informal_principal_rp[i];
        st.informal_months_left[i] = p.informal_months_left[i];
        st.informal_installment_rp[i] =
            p.informal_installment_rp[i] > 0.0
                ? p.informal_installment_rp[i]
                : installment(p.informal_principal_rp[i], P.informal_rate_year, p.informal_months_left[i]);
      }
      derive_constants(i);
      expose(i);
    }
  });
  for (std::size_t i = 0; i < initial; ++i) initial_employment += p.workers[i];
}

// Opens firm i from month `from_month` — one start-up for the population's
// firms, entrants, the burn-in's replacements and re-entrants: its
// workforce, revenue level and expectation, assets and cash; open (active,
// or distressed as a registry may carry it); nothing owed to suppliers or
// to the owner, nothing receivable, no months of distress, low income or
// surplus staff; no closure; and its owner's exit month drawn from
// `from_month`. Its class must be set (the exit hazard is by class).
void Simulation::Impl::open_firm(std::size_t i, int from_month, const Opening& o) {
  st.workers[i] = static_cast<std::uint16_t>(o.workers);
  st.level_rp[i] = o.level_rp;
  st.expected_rp[i] = o.expected_rp;
  st.assets_rp[i] = o.assets_rp;
  st.cash_rp[i] = o.cash_rp;
  st.status[i] = static_cast<std::uint8_t>(o.distressed ? FirmStatus::distressed : FirmStatus::active);
  st.payables_rp[i] = 0.0;
  st.receivables_rp[i] = 0.0;
  st.owner_owed_rp[i] = 0.0;
  st.months_unable[i] = 0;
  st.months_low_income[i] = 0;
  st.months_overstaffed[i] = 0;
  st.closure_month[i] = -1;
  st.closure_reason[i] = static_cast<std::uint8_t>(ClosureReason::open);
  draw_exits(i, from_month);
}

// A new firm in row i from month t (an entrant, or in a burn-in the firm
// replacing one that closed): region and sector as given, drawn like the
// population's firms of class `cls` (docs/model.md §9), starting at
// entrant_revenue_factor of its potential with as many workers and
// assets, no debt and its cash target in cash; a member of `coop` if >= 0.
void Simulation::Impl::start_new_firm(std::size_t i, int t_now, std::uint16_t region, std::uint8_t sector, int cls,
                    std::int32_t coop_index) {
  const RandomStream rng{opt.seed, opt.replication};
  const detail::FirmDraw f = drawer.draw(rng, static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(t_now),
                                         std::min(cls, kMsmeClasses - 1), sector);
  const double scale = P.entrant_revenue_factor;
  reset_histories(i);
  st.region[i] = region;
  st.sector[i] = sector;
  st.registered[i] = f.registered;
  st.ever_kur[i] = f.ever_kur;
  st.cooperative[i] = -1;
  st.base_revenue_rp[i] = f.revenue_rp_month;
  st.potential_rp[i] = f.revenue_rp_month;
  st.base_workers[i] = static_cast<std::uint16_t>(f.workers);
  st.variable_cost_share[i] = static_cast<float>(f.variable_cost_share);
  base_vcs[i] = st.variable_cost_share[i];
  cost_factor[i] = 1.0;
  joint[i] = 0;
  coop_txn_rp[i] = 0.0;
  st.fixed_cost_rp[i] = f.fixed_cost_rp_month;
  st.wage_rp[i] = f.wage_rp_month;
  st.online_share[i] = static_cast<float>(f.online_share);
  st.owner_capability[i] = static_cast<float>(f.owner_capability);
  st.capital_intensity[i] = static_cast<float>(f.assets_rp / f.revenue_rp_month);
  st.entry_month[i] = static_cast<std::int16_t>(t_now);
  const double level = scale * f.revenue_rp_month;
  const int workers = std::max(1, static_cast<int>(std::lround(scale * f.workers)));
  const double assets = scale * f.assets_rp;
  const auto klass = static_cast<std::uint8_t>(classify_firm(assets, level, workers));
  st.initial_class[i] = klass;
  st.size_class[i] = klass;
  cash_months[i] = static_cast<float>(f.cash_months);
  const double cash =
      f.cash_months * (f.variable_cost_share * level + (workers - 1) * f.wage_rp_month + f.fixed_cost_rp_month);
  open_firm(i, t_now + 1, {workers, level, level, assets, cash, false});
  if (use_cells) cell[i] = cell_index(i);
  derive_constants(i);
  expose(i);
  if (coop_index >= 0 && n_coops > 0) {
    // An entrant joins its template's cooperative (admit_entrants counts
    // the new member); a burn-in replacement takes over its predecessor's
    // membership.
    st.cooperative[i] = coop_index;
    apply_joint(i);
  }
}

// Admits this month's entrants: each takes the region, sector, class and
// cooperative of a template — a firm that closed in the last two years of
// the population's burn-in, so that entrants replace what exits, or any
// initial firm — and is drawn afresh like the population's firms
// (docs/model.md §9).
std::int64_t Simulation::Impl::admit_entrants() {
  std::int64_t n_new = entries_per_month[static_cast<std::size_t>(t)];
  // Beyond the baseline, new firms take the places of firms lost since
  // the start as the shocks let demand return (docs/model.md §9).
  std::int64_t refill = 0;
  if (refill_reserve > refill_used && !monthly.empty()) {
    const double gap = static_cast<double>(initial) - static_cast<double>(monthly.back()[m_active]);
    const double demand = std::max(0.0, 1.0 - channel_stress(month_context(), Channel::sales));
    if (gap > 0.0) {
      const auto w = detail::philox_words(opt.seed, opt.replication, 1, static_cast<std::uint32_t>(t),
                                          static_cast<std::uint32_t>(Purpose::entry_count));
      refill = static_cast<std::int64_t>(std::floor(gap / P.entry_refill_months * demand + to_unit(w[0])));
      refill = std::min(refill, refill_reserve - refill_used);
      refill_used += refill;
      n_new += refill;
    }
  }
  refill_done.push_back(refill);
  // Each entrant is its own row, drawn from its own streams: in parallel.
  const std::size_t first = st.count;
  const auto count = static_cast<std::size_t>(n_new);
  st.count += count;
  detail::parallel_chunks(count, kEntrantChunk, threads, [&](int, std::size_t b, std::size_t e) {
    for (std::size_t k = b; k < e; ++k) {
      const std::size_t i = first + k;
      const auto w = detail::philox_words(opt.seed, opt.replication, static_cast<std::uint32_t>(i),
                                          static_cast<std::uint32_t>(t),
                                          static_cast<std::uint32_t>(Purpose::entrant_template));
      const auto pick = static_cast<std::size_t>((static_cast<std::uint64_t>(w[0]) * templates.size()) >> 32);
      const std::size_t j = templates[pick];
      const int cls = template_class.empty() ? pop->size_class[j] : template_class[pick];
      start_new_firm(i, t, st.region[j], st.sector[j], cls, pop->cooperative[j]);
    }
  });
  // Members who joined their template's cooperative (a burn-in keeps the
  // register's member counts).
  if (n_coops > 0 && !burn_in)
    for (std::size_t i = first; i < st.count; ++i)
      if (st.cooperative[i] >= 0) coop.add_member(static_cast<std::size_t>(st.cooperative[i]));
  return n_new;
}

}  // namespace msmesim
