#include "population/firm_draw.hpp"

#include <algorithm>
#include <cmath>

namespace msmesim::detail {

namespace {
double lognormal_by_mean(double mean, double sigma, double u) {
  if (mean <= 0) return 0.0;
  if (sigma <= 0) return mean;
  return std::exp(std::log(mean) - 0.5 * sigma * sigma + sigma * normal_quantile(u));
}
}  // namespace

FirmDrawer::FirmDrawer(const PopulationSpec& spec) : params_(spec.params) {
  const auto& P = spec.params;
  const auto& th = class_thresholds(spec.regime);
  for (int c = 0; c < kMsmeClasses; ++c) {
    const auto sc = static_cast<SizeClass>(c);
    const auto& cs = spec.classes[static_cast<std::size_t>(c)];
    classes_[static_cast<std::size_t>(c)] = cs;
    if (cs.weight <= 0) continue;
    revenue_[static_cast<std::size_t>(c)].fit(cs.revenue_mean_rp_year, cs.revenue_sigma_log,
                                              turnover_lower_rp_year(spec.regime, sc), th.turnover_max_rp_year[c]);
    assets_[static_cast<std::size_t>(c)].fit(cs.assets_mean_rp, cs.assets_sigma_log, assets_lower_rp(spec.regime, sc),
                                             th.assets_max_rp[c]);
    workers_[static_cast<std::size_t>(c)].fit(c == 0 ? 1 : th.workers_max[c - 1] + 1, th.workers_max[c],
                                              cs.workers_mean);
  }
  sectors_.resize(spec.sectors.size());
  for (std::size_t s = 0; s < spec.sectors.size(); ++s) {
    const auto& sp = spec.sectors[s];
    Sector& out = sectors_[s];
    // Variable-cost shares live on [0, 1 - fmin] so that the minimum fixed
    // cost always fits: v = (1 - fmin) x Beta.
    out.vcost = beta_by_mean(sp.variable_cost_share / (1.0 - P.fixed_cost_min_share), P.variable_cost_concentration);
    // The margin is drawn as a share q of what variable and minimum fixed
    // costs leave, so every firm starts viable: m = q (1 - v - fmin).
    out.margin_q = beta_by_mean(sp.margin / (1.0 - sp.variable_cost_share - P.fixed_cost_min_share),
                                P.margin_concentration);
    out.online = beta_by_mean(sp.online_sales_share, P.online_share_concentration);
    out.wage = sp.wage_rp_month;
    out.online_seller_share = sp.online_seller_share;
  }
  capability_ = beta_by_mean(P.owner_capability_mean, P.owner_capability_concentration);
  rho_ = P.revenue_assets_correlation;
  rho_c_ = std::sqrt(std::max(0.0, 1.0 - rho_ * rho_));
}

FirmDraw FirmDrawer::draw(const RandomStream& rng, std::uint32_t id, std::uint32_t time, int c, int s) const {
  const auto ci = static_cast<std::size_t>(c);
  const auto& cs = classes_[ci];
  const Sector& sp = sectors_[static_cast<std::size_t>(s)];
  const auto& P = params_;
  FirmDraw f;
  const auto ra = rng.uniforms(id, time, Purpose::gen_revenue_assets);
  const double z1 = normal_quantile(ra[0]);
  const double z2 = rho_ * z1 + rho_c_ * normal_quantile(ra[1]);
  f.revenue_rp_month = revenue_[ci](ra[0]) / 12.0;
  f.assets_rp = assets_[ci](std::clamp(normal_cdf(z2), 1e-12, 1.0 - 1e-12));
  f.workers = workers_[ci](rng.uniforms(id, time, Purpose::gen_workers)[0]);
  const double revenue = f.revenue_rp_month;
  const auto uc = rng.uniforms(id, time, Purpose::gen_costs);
  const double v = static_cast<float>((1.0 - P.fixed_cost_min_share) * sp.vcost(uc[0]));  // as stored
  const double m = sp.margin_q(uc[1]) * (1.0 - v - P.fixed_cost_min_share);
  const int paid = f.workers - 1;
  const double affordable = revenue * (1.0 - v - m - P.fixed_cost_min_share);
  // A firm whose revenue cannot carry the sector wage pays less (family
  // and piece-rate labour); an owner-only firm is given the wage it could
  // afford for one worker, which it pays if it grows and hires.
  f.wage_rp_month = std::min(sp.wage, affordable / std::max(paid, 1));
  f.fixed_cost_rp_month = std::max(0.0, revenue * (1.0 - v - m) - paid * f.wage_rp_month);  // >= fmin R up to rounding
  f.variable_cost_share = v;
  const auto uo = rng.uniforms(id, time, Purpose::gen_online);
  f.online_share = uo[0] < sp.online_seller_share ? static_cast<double>(static_cast<float>(sp.online(uo[1]))) : 0.0;
  f.owner_capability = static_cast<float>(capability_(rng.uniforms(id, time, Purpose::gen_owner)[0]));
  const auto uf = rng.uniforms(id, time, Purpose::gen_flags);
  f.registered = uf[0] < P.registered_share ? 1 : 0;
  f.ever_kur = uf[1] < cs.ever_kur_share ? 1 : 0;
  f.cash_months = lognormal_by_mean(cs.cash_months_mean, cs.cash_months_sigma_log,
                                    rng.uniforms(id, time, Purpose::gen_cash)[0]);
  return f;
}

}  // namespace msmesim::detail
