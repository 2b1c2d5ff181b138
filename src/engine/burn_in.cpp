// The population's burn-in (docs/model.md §4) and the entry spec
// estimated from a registry population (§9).
#include "engine/impl.hpp"

namespace msmesim {

void burn_in(Population& pop, const FirmParams& params, int months, std::uint64_t seed, int threads) {
  if (months <= 0) return;
  params.validate();
  const std::size_t n = pop.size();
  Scenario sc;
  sc.name = "burn-in";
  sc.start = YearMonth{2020, 1}.plus(-months);  // ends in a December, before a run that starts in January
  sc.months = months;
  sc.params = params;
  sc.class_regime = pop.regime == ClassRegime::bps_workers ? ClassRegime::law20_2008 : pop.regime;
  RunOptions o;
  o.seed = seed;
  o.replication = kBurnInReplication;
  o.threads = threads;
  o.microdata = false;
  Simulation::Impl impl(pop, sc, o, /*burning_in=*/true);
  // The baseline exit rate: closures over the last two years (or fewer).
  const int window = std::min(months, 24);
  std::int64_t exits = 0;
  // The firms that closed in the window (their rows hold their
  // replacements, entered that month): a run's entrants take after them.
  std::vector<std::uint32_t> templates;
  std::vector<std::uint8_t> template_class;
  for (int m = 0; m < months; ++m) {
    impl.step_month();
    if (m >= months - window) {
      exits += impl.monthly.back()[m_new_closures];
      for (std::size_t i = 0; i < n; ++i)
        if (impl.st.entry_month[i] == m) {
          templates.push_back(static_cast<std::uint32_t>(i));
          template_class.push_back(pop.size_class[i]);
        }
    }
  }
  const FirmState& st = impl.st;
  const double uplift = 1.0 + params.joint_selling_uplift;
  for (std::size_t i = 0; i < n; ++i) {
    // The state without the cooperative's joint selling, which a run applies.
    const double joint = (impl.joint[i] & 2u) ? uplift : 1.0;
    pop.revenue_rp_month[i] = st.potential_rp[i] / joint;
    pop.revenue_level_rp[i] = st.level_rp[i] / joint;
    pop.expected_revenue_rp[i] = st.expected_rp[i] / joint;
    pop.region[i] = st.region[i];
    pop.sector[i] = st.sector[i];
    pop.size_class[i] = st.size_class[i];
    pop.workers[i] = st.workers[i];
    pop.base_workers[i] = st.base_workers[i];
    pop.assets_rp[i] = st.assets_rp[i];
    pop.capital_intensity[i] = st.capital_intensity[i];
    pop.variable_cost_share[i] = impl.base_vcs[i];
    pop.fixed_cost_rp_month[i] = st.fixed_cost_rp[i];
    pop.wage_rp_month[i] = st.wage_rp[i];
    pop.online_share[i] = st.online_share[i];
    pop.owner_capability[i] = st.owner_capability[i];
    pop.registered[i] = st.registered[i];
    pop.ever_kur[i] = st.ever_kur[i];
    pop.cash_rp[i] = st.cash_rp[i];
    pop.cash_target_months[i] = impl.cash_months[i];
    const bool formal = st.loan_principal_rp[i] > 0.0;
    pop.loan_principal_rp[i] = formal ? st.loan_principal_rp[i] : 0.0;
    pop.loan_rate_year[i] = formal ? st.loan_rate_year[i] : 0.0f;
    pop.loan_months_left[i] = formal ? std::max<std::uint16_t>(1, st.loan_months_left[i]) : 0;
    pop.loan_term_months[i] = formal ? std::max(st.loan_term_months[i], pop.loan_months_left[i]) : 0;
    pop.loan_installment_rp[i] = formal ? st.loan_installment_rp[i] : 0.0;
    pop.loan_lender[i] = st.loan_lender[i];
    const bool informal = st.informal_principal_rp[i] > 0.0;
    pop.informal_principal_rp[i] = informal ? st.informal_principal_rp[i] : 0.0;
    pop.informal_months_left[i] = informal ? std::max<std::uint16_t>(1, st.informal_months_left[i]) : 0;
    pop.informal_installment_rp[i] = informal ? st.informal_installment_rp[i] : 0.0;
    pop.debt_arrears_rp[i] = st.debt_arrears_rp[i];
    pop.payables_rp[i] = st.payables_rp[i];
    pop.owner_owed_rp[i] = st.owner_owed_rp[i];
    pop.months_unable[i] = st.months_unable[i];
    pop.months_low_income[i] = st.months_low_income[i];
    pop.age_months[i] = st.entry_month[i] >= 0 ? months - st.entry_month[i] : -1;
  }
  // The cooperatives keep the register's balance sheets and status; their
  // loan books must hold what the member firms owe after the burn-in
  // (Population::validate). A cooperative whose member firms now owe more
  // than its loans lent the difference out of its cash (then other assets,
  // then funds it borrowed): the balance sheet still balances.
  if (!pop.cooperatives.empty()) {
    Cooperatives& co = pop.cooperatives;
    std::vector<double> owed(co.size(), 0.0);
    for (std::size_t i = 0; i < n; ++i)
      if (pop.cooperative[i] >= 0 && pop.loan_lender[i] == static_cast<std::uint8_t>(Lender::cooperative))
        owed[static_cast<std::size_t>(pop.cooperative[i])] += pop.loan_principal_rp[i];
    for (std::size_t c = 0; c < co.size(); ++c) {
      double more = owed[c] - co.loans_rp[c];
      if (more <= 0.0) continue;
      co.loans_rp[c] += more;
      const double from_cash = std::min(more, co.cash_rp[c]);
      co.cash_rp[c] -= from_cash;
      more -= from_cash;
      const double from_other = std::min(more, co.other_assets_rp[c]);
      co.other_assets_rp[c] -= from_other;
      more -= from_other;
      co.borrowed_rp[c] += more;
    }
  }
  pop.baseline_exit_rate_month = static_cast<double>(exits) / (static_cast<double>(window) * static_cast<double>(n));
  pop.entry_templates = std::move(templates);
  pop.entry_template_class = std::move(template_class);
}

PopulationSpec estimate_entry_spec(const Population& pop) {
  PopulationSpec spec;
  spec.name = pop.name;
  const std::size_t n = pop.size();
  spec.firms = static_cast<std::int64_t>(std::max<std::size_t>(n, 1));
  spec.regime = pop.regime == ClassRegime::bps_workers ? ClassRegime::law20_2008 : pop.regime;
  std::vector<double> region_count(pop.region_names.size(), 0.0);
  for (std::size_t i = 0; i < n; ++i) region_count[pop.region[i]] += 1.0;
  for (std::size_t r = 0; r < pop.region_names.size(); ++r)
    spec.regions.push_back({pop.region_names[r], region_count[r]});
  const auto& P = spec.params;
  const std::size_t ns = pop.sector_names.size();
  struct Acc {
    double n = 0, v = 0, margin = 0, wage = 0, wage_n = 0, sellers = 0, online = 0;
  };
  std::vector<Acc> sec(ns);
  struct ClassAcc {
    double n = 0, revenue = 0, assets = 0, workers = 0, cash = 0, cash_n = 0, kur = 0;
  };
  std::array<ClassAcc, kMsmeClasses> cls{};
  double registered = 0;
  for (std::size_t i = 0; i < n; ++i) {
    Acc& a = sec[pop.sector[i]];
    const double R = pop.revenue_rp_month[i], v = pop.variable_cost_share[i];
    const int w0 = pop.base_workers[i] > 0 ? pop.base_workers[i] : pop.workers[i];
    a.n += 1;
    a.v += v;
    a.margin += 1.0 - v - (pop.fixed_cost_rp_month[i] + (w0 - 1) * pop.wage_rp_month[i]) / R;
    if (w0 > 1) {
      a.wage += pop.wage_rp_month[i];
      a.wage_n += 1;
    }
    if (pop.online_share[i] > 0) {
      a.sellers += 1;
      a.online += pop.online_share[i];
    }
    ClassAcc& c = cls[std::min<std::size_t>(pop.size_class[i], kMsmeClasses - 1)];
    c.n += 1;
    c.revenue += 12.0 * R;
    c.assets += pop.assets_rp[i];
    c.workers += w0;
    const double outflows = v * R + (w0 - 1) * pop.wage_rp_month[i] + pop.fixed_cost_rp_month[i];
    if (outflows > 0) {
      c.cash += pop.cash_rp[i] / outflows;
      c.cash_n += 1;
    }
    c.kur += pop.ever_kur[i];
    registered += pop.registered[i];
  }
  for (std::size_t s = 0; s < ns; ++s) {
    const Acc& a = sec[s];
    SectorSpec sp;
    sp.name = pop.sector_names[s];
    sp.weight = a.n;
    sp.seasonality = s < pop.sector_seasonality.size() ? pop.sector_seasonality[s] : sp.seasonality;
    const double k = std::max(a.n, 1.0);
    sp.variable_cost_share = std::clamp(a.v / k, 0.01, 0.9);
    const double room = 1.0 - sp.variable_cost_share - P.fixed_cost_min_share;
    sp.margin = std::clamp(a.margin / k, 0.01 * room, 0.9 * room);
    sp.wage_rp_month = a.wage_n > 0 ? a.wage / a.wage_n : 2e6;
    sp.online_seller_share = a.sellers / k;
    sp.online_sales_share = a.sellers > 0 ? std::clamp(a.online / a.sellers, 0.01, 0.99) : 0.3;
    spec.sectors.push_back(sp);
  }
  const auto& th = class_thresholds(spec.regime);
  for (int c = 0; c < kMsmeClasses; ++c) {
    const ClassAcc& a = cls[static_cast<std::size_t>(c)];
    ClassSpec& cs = spec.classes[static_cast<std::size_t>(c)];
    cs.weight = a.n;
    if (a.n <= 0) continue;
    const auto sc = static_cast<SizeClass>(c);
    auto inside = [](double v, double lo, double hi) { return std::clamp(v, lo + 1e-6 * (hi - lo) + 1.0, hi); };
    cs.revenue_mean_rp_year = inside(a.revenue / a.n, turnover_lower_rp_year(spec.regime, sc), th.turnover_max_rp_year[c]);
    cs.assets_mean_rp = inside(a.assets / a.n, assets_lower_rp(spec.regime, sc), th.assets_max_rp[c]);
    const int wlo = c == 0 ? 1 : th.workers_max[c - 1] + 1;
    cs.workers_mean = std::clamp(a.workers / a.n, static_cast<double>(wlo), static_cast<double>(th.workers_max[c]));
    if (a.cash_n > 0) cs.cash_months_mean = std::clamp(a.cash / a.cash_n, 0.0, 120.0);
    cs.ever_kur_share = a.kur / a.n;
  }
  spec.params.registered_share = n > 0 ? registered / static_cast<double>(n) : 0.0;
  return spec;
}

}  // namespace msmesim
