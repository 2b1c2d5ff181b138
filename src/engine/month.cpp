// The driver: one month in order (entrants, programmes, the firms in
// parallel chunks, cooperatives, totals), its context, and Simulation's API.
#include "engine/impl.hpp"

#include <chrono>

namespace msmesim {

Simulation::Impl::MonthContext Simulation::Impl::month_context() const {
  MonthContext c;
  c.t = t;
  c.calendar = sc.start.plus(t).month - 1;
  c.review = (t + 1) % sc.class_review_months == 0;
  std::vector<double> intensity(shocks.size());
  for (std::size_t k = 0; k < shocks.size(); ++k) {
    intensity[k] = shocks[k].profile.intensity(t - shocks[k].onset_index);
    if (intensity[k] > 0.0)
      c.active.push_back({st.shock_severity[k].data(), shocks[k].channel, intensity[k]});
  }
  c.season.resize(n_sectors);
  for (std::size_t s = 0; s < n_sectors; ++s) c.season[s] = pop->sector_seasonality[s][static_cast<std::size_t>(c.calendar)];
  c.demand_keep.assign(n_sectors, 1.0);
  c.raw_spill.assign(n_sectors, 0.0);
  if (linkage.enabled()) {
    std::vector<double> d(n_sectors, 0.0), r(n_sectors, 0.0), ds, rs;
    for (std::size_t s = 0; s < n_sectors; ++s) {
      double dkeep = 1.0, rkeep = 1.0;
      for (std::size_t k = 0; k < shocks.size(); ++k) {
        if (intensity[k] <= 0.0) continue;
        const double loss = mean_severity[k][s] * intensity[k];
        if (shocks[k].channel == Channel::sales) dkeep *= 1.0 - loss;
        if (shocks[k].channel == Channel::raw_materials) rkeep *= 1.0 - loss;
      }
      d[s] = 1.0 - dkeep;
      r[s] = 1.0 - rkeep;
    }
    linkage.spill(d, r, ds, rs);
    for (std::size_t s = 0; s < n_sectors; ++s) {
      c.demand_keep[s] = 1.0 - P.linkage_strength * ds[s];
      c.raw_spill[s] = P.linkage_strength * rs[s];
    }
  }
  for (const auto& sh : c.active)
    c.by_channel[static_cast<std::size_t>(sh.channel)].push_back({sh.severity, sh.intensity});
  auto& pa = c.phase_a;
  pa.draws.seed = opt.seed;
  pa.draws.replication = opt.replication;
  pa.draws.month = static_cast<std::uint32_t>(t);
  pa.draws.purpose = static_cast<std::uint32_t>(Purpose::firm_month);
  pa.draws.noise_sd = P.revenue_noise_sd;
  pa.draws.noise_shift = -0.5 * P.revenue_noise_sd * P.revenue_noise_sd;
  pa.draws.walk_sd = P.growth_sd_year / std::sqrt(12.0);
  // A mean-one innovation of the revenue level (the drift moves the potential).
  pa.draws.walk_shift = -0.5 * pa.draws.walk_sd * pa.draws.walk_sd;
  pa.season = c.season.data();
  pa.demand_keep = c.demand_keep.data();
  pa.raw_spill = c.raw_spill.data();
  for (int ch = 0; ch < kChannels; ++ch) {
    pa.shocks[ch] = c.by_channel[static_cast<std::size_t>(ch)].data();
    pa.shock_count[ch] = static_cast<int>(c.by_channel[static_cast<std::size_t>(ch)].size());
  }
  pa.capacity_factor = 1.0 + P.capacity_slack;
  pa.raw_material_output_cap = P.raw_material_output_cap;
  pa.raw_material_price_pass = P.raw_material_price_pass;
  pa.shipping_cost_share = P.shipping_cost_share;
  pa.distribution_cost_uplift = P.distribution_cost_uplift;
  pa.receivable_delay_max = P.receivable_delay_max;
  pa.informal_rate_month = P.informal_rate_year * (1.0 / 12.0);
  pa.owner_draw_share = P.owner_draw_share;
  pa.subsistence_share = P.subsistence_share;
  pa.cash_buffer_months = P.cash_buffer_months;
  pa.expectation_weight = P.expectation_weight;
  pa.reversion = P.revenue_reversion_half_life_months > 0.0
                     ? 1.0 - std::exp2(-1.0 / P.revenue_reversion_half_life_months)
                     : 1.0;
  pa.potential_growth = std::exp(P.growth_drift_year / 12.0);
  pa.depreciation_month = P.depreciation_rate_year / 12.0;
  pa.investment_trigger = P.investment_trigger;
  pa.target_scale = 1.0 / (1.0 - 0.5 * P.investment_trigger);
  pa.viability_share = P.viability_income_share;
  return c;
}

void Simulation::Impl::step_month() {
  if (finished || t >= sc.months) throw Error("the run is complete; no month left to step");
  const auto entered = admit_entrants();
  if (!programmes.empty()) {
    // Programmes act before the firms' month: awards, running benefits.
    effects.changed.clear();
    effects.joined.clear();
    effects.working_capital.clear();
    effects.coops_changed = false;
    programmes.begin_month(t, st, n_coops > 0 ? &coop : nullptr, effects);
    for (const auto& [i, rp] : effects.working_capital) {
      working_capital_rp[i] += rp;
      derive_constants(i);
    }
    for (const std::uint32_t i : effects.joined) apply_joint(i);
    if (effects.coops_changed)
      for (std::size_t i = 0; i < st.count; ++i)
        if (st.cooperative[i] >= 0) apply_joint(i);
    for (const std::uint32_t i : effects.changed) refresh_costs(i);
  }
  const MonthContext ctx = month_context();
  for (auto& a : acc) std::fill(a.begin(), a.end(), 0);
  const std::size_t n = st.count;
  const bool panel = panel_month[static_cast<std::size_t>(t)] != 0;
  std::vector<double> revenue_before;
  if (panel) revenue_before.assign(st.revenue_total_rp.begin(), st.revenue_total_rp.begin() + static_cast<std::ptrdiff_t>(n));
  detail::parallel_chunks(n, kChunk, threads, [&](int worker, std::size_t b, std::size_t e) {
    step_chunk(b, e, ctx, acc[static_cast<std::size_t>(worker)].data());
  });
  if (!programmes.empty()) programmes.end_month(t, st);
  // Reduce (integer sums: order does not matter).
  std::vector<std::int64_t> total(acc_size() + n_coops * detail::kCoopFields, 0);
  for (const auto& a : acc)
    for (std::size_t k = 0; k < total.size(); ++k) total[k] += a[k];
  // In the burn-in the cooperatives' books stand as the register has them
  // (their credit lines are the register's every month): the firms settle
  // into the credit the run will offer them from its first month.
  if (n_coops > 0 && !burn_in) step_cooperatives(ctx, total.data() + coop_base());
  // The panel shows the firms at the month's end (SHU paid at a year end included).
  if (panel) record_panel(n, revenue_before);
  total.resize(acc_size());
  if (use_cells) {
    // Expand (region, sector, class) cells into the three breakdowns.
    std::vector<std::int64_t> expanded(group_total_size(), 0);
    std::copy(total.begin(), total.begin() + m_count, expanded.begin());
    for (std::size_t r = 0; r < n_regions; ++r)
      for (std::size_t s = 0; s < n_sectors; ++s)
        for (std::size_t c = 0; c < static_cast<std::size_t>(kSizeClasses); ++c) {
          const std::int64_t* cell_sum = &total[m_count + ((r * n_sectors + s) * kSizeClasses + c) * g_count];
          std::int64_t* sec = &expanded[group_base_sector() + s * g_count];
          std::int64_t* cls = &expanded[group_base_class() + c * g_count];
          std::int64_t* reg = &expanded[group_base_region() + r * g_count];
          for (std::size_t k = 0; k < static_cast<std::size_t>(g_count); ++k) {
            sec[k] += cell_sum[k];
            cls[k] += cell_sum[k];
            reg[k] += cell_sum[k];
          }
        }
    total = std::move(expanded);
  }
  monthly.emplace_back(total.begin(), total.begin() + m_count);
  groups.emplace_back(total.begin() + m_count, total.end());
  entries_done.push_back(entered);
  std::vector<double> expected(n_sectors);
  for (std::size_t s = 0; s < n_sectors; ++s) expected[s] = base_by_sector[s] * ctx.season[s];
  expected_sector.push_back(std::move(expected));
  ++t;
}

// One month of the firm panel (RunOptions::panel_months): every firm that
// exists, at the month's end.
void Simulation::Impl::record_panel(std::size_t n, const std::vector<double>& revenue_before) {
  std::vector<std::int32_t> month(n, t), firm(n);
  std::vector<std::uint8_t> status(st.status.begin(), st.status.begin() + static_cast<std::ptrdiff_t>(n));
  std::vector<std::uint8_t> klass(st.size_class.begin(), st.size_class.begin() + static_cast<std::ptrdiff_t>(n));
  std::vector<double> revenue(n), cash(st.cash_rp.begin(), st.cash_rp.begin() + static_cast<std::ptrdiff_t>(n)),
      assets(st.assets_rp.begin(), st.assets_rp.begin() + static_cast<std::ptrdiff_t>(n)), debt(n);
  std::vector<std::uint16_t> workers(st.workers.begin(), st.workers.begin() + static_cast<std::ptrdiff_t>(n));
  for (std::size_t i = 0; i < n; ++i) {
    firm[i] = static_cast<std::int32_t>(i);
    revenue[i] = st.revenue_total_rp[i] - (i < revenue_before.size() ? revenue_before[i] : 0.0);
    debt[i] = st.loan_principal_rp[i] + st.informal_principal_rp[i];
    if (st.status[i] == static_cast<std::uint8_t>(FirmStatus::closed)) workers[i] = 0;
  }
  std::vector<Column> part;
  part.push_back(detail::make_column("month", std::move(month)));
  part.push_back(detail::make_column("firm", std::move(firm)));
  part.push_back(detail::make_categorical("status", std::move(status), {"active", "distressed", "closed"}));
  std::vector<std::string> classes;
  for (auto c : kAllSizeClasses) classes.emplace_back(to_string(c));
  part.push_back(detail::make_categorical("size_class", std::move(klass), classes));
  part.push_back(detail::make_column("revenue_rp", std::move(revenue), "Rp"));
  part.push_back(detail::make_column("cash_rp", std::move(cash), "Rp"));
  part.push_back(detail::make_column("assets_rp", std::move(assets), "Rp"));
  part.push_back(detail::make_column("debt_rp", std::move(debt), "Rp"));
  part.push_back(detail::make_column("workers", std::move(workers), "workers"));
  panel_parts.push_back(std::move(part));
}

// Mean severity of the month's shocks on a channel over all initial firms
// (the regency-wide stress the cooperatives feel).
double Simulation::Impl::channel_stress(const MonthContext& ctx, Channel channel) const {
  double stress = 0.0;
  for (std::size_t k = 0; k < shocks.size(); ++k) {
    if (shocks[k].channel != channel) continue;
    const double intensity = shocks[k].profile.intensity(ctx.t - shocks[k].onset_index);
    if (intensity <= 0.0) continue;
    double mean = 0.0;
    for (std::size_t s = 0; s < n_sectors; ++s) mean += sector_share[s] * mean_severity[k][s];
    stress += intensity * mean;
  }
  return std::min(stress, 1.0);
}

// The cooperatives' month, after the firms': their books, and at a year
// end the SHU paid to member firms and the joint effects of cooperatives
// that became active or inactive.
void Simulation::Impl::step_cooperatives(const MonthContext& ctx, const std::int64_t* sums) {
  detail::CoopMonthInput in;
  in.month = ctx.t;
  in.year_end = ctx.calendar == 11;
  in.capital_stress = channel_stress(ctx, Channel::capital);
  in.sales_stress = channel_stress(ctx, Channel::sales);
  in.restrictions = sc.restriction(sc.start.plus(ctx.t));
  in.seed = opt.seed;
  in.replication = opt.replication;
  std::vector<detail::CoopTotals> per_coop;
  std::vector<double> shu_rate;
  coop.month(in, sums, per_coop, shu_rate);
  if (in.year_end) {
    for (std::size_t i = 0; i < st.count; ++i) {
      const auto c = st.cooperative[i];
      if (c < 0) continue;
      if (st.status[i] != static_cast<std::uint8_t>(FirmStatus::closed)) {
        const double shu = coop_txn_rp[i] * shu_rate[static_cast<std::size_t>(c)];
        st.cash_rp[i] += shu;
        if (opt.record_flows && flows.stepped[i]) {
          flows.shu_received[i] = shu;
          flows.cash_after[i] = st.cash_rp[i];
        }
      }
      coop_txn_rp[i] = 0.0;
      apply_joint(i);
    }
  }
  detail::CoopTotals all;
  std::vector<detail::CoopTotals> by_type(kCoopTypes), by_region(n_regions);
  const auto& co = coop.state();
  for (std::size_t c = 0; c < per_coop.size(); ++c) {
    all.add(per_coop[c]);
    by_type[co.type[c]].add(per_coop[c]);
    by_region[co.region[c]].add(per_coop[c]);
  }
  coop_total.push_back(all);
  coop_by_type.push_back(std::move(by_type));
  coop_by_region.push_back(std::move(by_region));
  if (opt.cooperative_panel) coop_panel.push_back(std::move(per_coop));
}

// ---- Simulation ------------------------------------------------------------------

Simulation::Simulation(const Population& population, const Scenario& scenario, RunOptions options)
    : impl_(std::make_unique<Impl>(population, scenario, std::move(options))) {}
Simulation::~Simulation() = default;
Simulation::Simulation(Simulation&&) noexcept = default;
Simulation& Simulation::operator=(Simulation&&) noexcept = default;

int Simulation::months_done() const { return impl_->t; }
int Simulation::months_total() const { return impl_->sc.months; }
bool Simulation::done() const { return impl_->t >= impl_->sc.months; }

void Simulation::step() {
  if (impl_->finished) throw Error("result() has been taken; the simulation cannot step further");
  const auto t0 = std::chrono::steady_clock::now();
  impl_->step_month();
  impl_->elapsed += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void Simulation::run() {
  while (!done()) {
    step();
    if (impl_->opt.progress && !impl_->opt.progress(impl_->t, impl_->sc.months)) throw Cancelled(impl_->t);
  }
}

const FirmState& Simulation::state() const { return impl_->st; }
const FirmFlows& Simulation::flows() const { return impl_->flows; }
const Cooperatives& Simulation::cooperatives() const {
  return impl_->n_coops > 0 ? impl_->coop.state() : impl_->pop->cooperatives;
}

RunResult Simulation::result() {
  if (impl_->finished) throw Error("result() can be taken once");
  return impl_->build_result(/*move_state=*/false);
}

RunResult run(const Population& population, const Scenario& scenario, const RunOptions& options) {
  Simulation sim(population, scenario, options);
  sim.run();
  // Nobody else can see this simulation's state, so the firm table may take it.
  return sim.impl_->build_result(/*move_state=*/true);
}

}  // namespace msmesim
