// Merging replications into the ensemble's summaries, and the result tables
// with their intervals (Student t for means, the delta method for ratios).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>

#include <boost/math/distributions/students_t.hpp>

#include "core/columns.hpp"
#include "ensembles/ensemble_state.hpp"
#include "msmesim/core/error.hpp"

namespace msmesim::detail {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// Half-width factor of a two-sided interval at `confidence` with n values.
double t_factor(double confidence, std::uint32_t n) {
  if (n < 2) return kNaN;
  const boost::math::students_t_distribution<double> t(static_cast<double>(n - 1));
  return boost::math::quantile(t, 0.5 + confidence / 2.0);
}

std::string quantile_name(double p) {
  const double pct = p * 100.0;
  char buf[32];
  if (std::abs(pct - std::round(pct)) < 1e-9)
    std::snprintf(buf, sizeof buf, "q%02d", static_cast<int>(std::round(pct)));
  else
    std::snprintf(buf, sizeof buf, "q%g", pct);
  return buf;
}

/// Index of `name` in `names`, appended when new.
std::uint32_t code_of(std::vector<std::string>& names, std::map<std::string, std::uint32_t>& index,
                      const std::string& name) {
  auto [it, inserted] = index.emplace(name, static_cast<std::uint32_t>(names.size()));
  if (inserted) names.push_back(name);
  return it->second;
}

struct Interval {
  double n = 0, mean = kNaN, sd = kNaN, se = kNaN, lo = kNaN, hi = kNaN;
};

Interval interval_of(const std::vector<double>& v, double confidence) {
  Interval out;
  Moments m;
  for (double x : v) m.add(x);
  out.n = m.n;
  if (m.n == 0) return out;
  out.mean = m.mean;
  out.sd = m.sd();
  if (m.n >= 2) {
    out.se = out.sd / std::sqrt(static_cast<double>(m.n));
    const double h = t_factor(confidence, m.n) * out.se;
    out.lo = out.mean - h;
    out.hi = out.mean + h;
  }
  return out;
}

}  // namespace

double Moments::sd() const { return n < 2 ? kNaN : std::sqrt(m2 / static_cast<double>(n - 1)); }

std::vector<std::string> outcome_metric_names() {
  std::vector<std::string> v(kLevelNames.begin(), kLevelNames.end());
  v.insert(v.end(), kPairedNames.begin(), kPairedNames.end());
  return v;
}

void merge(Summaries& s, const EnsembleOptions& o, RepSummary&& rep) {
  for (std::size_t k = 0; k < rep.scenario.size(); ++k) {
    RepScenario& x = rep.scenario[k];
    for (std::size_t t = 0; t < kSeriesTables.size(); ++t) {
      auto& stats = s.series[k][t];
      if (s.merged == 0) {
        s.layout[k][t] = std::move(x.layout[t]);
        if (s.layout[k][t].cells() > 0) stats.emplace(s.layout[k][t].cells(), o.quantiles, o.exact_quantiles_up_to);
      }
      if (!stats) continue;
      if (x.series[t].size() != stats->cells())
        throw Error("ensemble: replication " + std::to_string(rep.replication) + " of scenario '" +
                    s.scenario_names[k] + "' has a differently shaped " + kSeriesTables[t] + " table");
      stats->add(x.series[t].data());
    }
    const auto r = static_cast<std::int64_t>(rep.replication);
    for (std::size_t j = 0; j < kPublicLevels; ++j) {
      s.out_replication.push_back(r);
      s.out_scenario.push_back(static_cast<std::uint16_t>(k));
      s.out_metric.push_back(static_cast<std::uint16_t>(j));
      s.out_value.push_back(x.level[j]);
    }
    if (k == 0) continue;
    for (std::size_t j = 0; j < kPaired; ++j) {
      s.out_replication.push_back(r);
      s.out_scenario.push_back(static_cast<std::uint16_t>(k));
      s.out_metric.push_back(static_cast<std::uint16_t>(kPublicLevels + j));
      s.out_value.push_back(x.paired[j]);
    }
    auto& gm = s.group_moments[k];
    if (gm.empty()) gm.resize(x.groups.size());
    for (std::size_t g = 0; g < x.groups.size() && g < gm.size(); ++g) {
      gm[g][0].add(x.groups[g][0]);
      gm[g][1].add(x.groups[g][1]);
    }
    auto& ps = s.pairing_sums[k];
    if (ps.empty()) ps.assign(x.pairing.size(), std::vector<RatioSums>(s.pairing.count()));
    for (std::size_t p = 0; p < x.pairing.size(); ++p)
      for (std::size_t c = 0; c < s.pairing.count(); ++c) {
        const auto& cnt = x.pairing[p][c];
        RatioSums& R = ps[p][c];
        const double n = cnt[0];
        ++R.reps;
        R.n += n;
        R.nn += n * n;
        for (std::size_t a = 0; a < kPairings; ++a) {
          const double v = cnt[1 + a];
          R.x[a] += v;
          R.xx[a] += v * v;
          R.xn[a] += v * n;
        }
      }
  }
  ++s.merged;
}

void assemble(const Summaries& s, const EnsembleOptions& o, EnsembleResult& r) {
  const std::size_t S = s.scenario_names.size();
  const double conf = o.confidence;
  std::vector<std::string> qnames;
  for (double p : o.quantiles) qnames.push_back(quantile_name(p));

  // Series.
  r.series.clear();
  for (std::size_t t = 0; t < kSeriesTables.size(); ++t) {
    std::vector<std::uint16_t> scen;
    std::vector<std::int32_t> month, group;
    std::vector<std::int32_t> var;
    std::vector<std::int64_t> n;
    std::vector<double> mean, sd, mn, mx;
    std::vector<std::vector<double>> q(o.quantiles.size());
    std::vector<std::string> group_names, var_names;
    std::map<std::string, std::uint32_t> group_index, var_index;
    bool grouped = false;
    std::vector<double> qv(o.quantiles.size());
    for (std::size_t k = 0; k < S; ++k) {
      const auto& stats = s.series[k][t];
      if (!stats) continue;
      const SeriesLayout& L = s.layout[k][t];
      grouped = grouped || L.grouped;
      std::vector<std::uint32_t> gcode, vcode;
      for (const auto& g : L.group_names) gcode.push_back(code_of(group_names, group_index, g));
      for (const auto& v : L.variables) vcode.push_back(code_of(var_names, var_index, v));
      const std::size_t V = L.variables.size();
      for (std::size_t i = 0; i < L.month.size(); ++i)
        for (std::size_t v = 0; v < V; ++v) {
          const std::size_t c = i * V + v;
          scen.push_back(static_cast<std::uint16_t>(k));
          month.push_back(L.month[i]);
          group.push_back(L.group[i] >= 0 ? static_cast<std::int32_t>(gcode[static_cast<std::size_t>(L.group[i])]) : -1);
          var.push_back(static_cast<std::int32_t>(vcode[v]));
          n.push_back(stats->count(c));
          mean.push_back(stats->mean(c));
          sd.push_back(stats->sd(c));
          mn.push_back(stats->min(c));
          mx.push_back(stats->max(c));
          if (stats->count(c) > 0) {
            stats->quantiles(c, qv.data());
          } else {
            std::fill(qv.begin(), qv.end(), kNaN);
          }
          for (std::size_t j = 0; j < qv.size(); ++j) q[j].push_back(qv[j]);
        }
    }
    Table tb;
    tb.columns.push_back(make_categorical("scenario", std::move(scen), s.scenario_names));
    tb.columns.push_back(make_column("month", std::move(month)));
    if (grouped) tb.columns.push_back(make_categorical("group", std::move(group), std::move(group_names)));
    tb.columns.push_back(make_categorical("variable", std::move(var), std::move(var_names)));
    tb.columns.push_back(make_column("n", std::move(n)));
    tb.columns.push_back(make_column("mean", std::move(mean)));
    tb.columns.push_back(make_column("sd", std::move(sd)));
    tb.columns.push_back(make_column("min", std::move(mn)));
    tb.columns.push_back(make_column("max", std::move(mx)));
    for (std::size_t j = 0; j < q.size(); ++j) tb.columns.push_back(make_column(qnames[j], std::move(q[j])));
    r.series.emplace_back(kSeriesTables[t], std::move(tb));
  }

  // Outcomes (exact, per replication).
  const auto metric_names = outcome_metric_names();
  r.outcomes = Table{};
  r.outcomes.columns.push_back(make_column("replication", s.out_replication));
  r.outcomes.columns.push_back(make_categorical("scenario", s.out_scenario, s.scenario_names));
  r.outcomes.columns.push_back(make_categorical("metric", s.out_metric, metric_names));
  r.outcomes.columns.push_back(make_column("value", s.out_value));

  // Comparison with the baseline.
  {
    std::vector<std::uint16_t> scen;
    std::vector<std::string> metric;
    std::vector<std::int64_t> nn;
    std::vector<double> mean, sd, se, lo, hi, p05, p50, p95;
    // values[k][metric] over replications, in merge order
    const std::size_t M = metric_names.size();
    std::vector<std::vector<std::vector<double>>> values(S, std::vector<std::vector<double>>(M));
    for (std::size_t i = 0; i < s.out_value.size(); ++i) values[s.out_scenario[i]][s.out_metric[i]].push_back(s.out_value[i]);
    auto push = [&](std::size_t k, const std::string& name, const Interval& iv, double a, double b, double c) {
      scen.push_back(static_cast<std::uint16_t>(k));
      metric.push_back(name);
      nn.push_back(static_cast<std::int64_t>(iv.n));
      mean.push_back(iv.mean);
      sd.push_back(iv.sd);
      se.push_back(iv.se);
      lo.push_back(iv.lo);
      hi.push_back(iv.hi);
      p05.push_back(a);
      p50.push_back(b);
      p95.push_back(c);
    };
    for (std::size_t k = 1; k < S; ++k) {
      for (std::size_t j = 0; j < kPaired; ++j) {
        const auto& v = values[k][kPublicLevels + j];
        std::vector<double> sorted;
        for (double x : v)
          if (!std::isnan(x)) sorted.push_back(x);
        std::sort(sorted.begin(), sorted.end());
        push(k, kPairedNames[j], interval_of(v, conf), sorted_quantile(sorted, 0.05), sorted_quantile(sorted, 0.5),
             sorted_quantile(sorted, 0.95));
      }
      // Cost per job and per firm saved: ratio of means, delta-method interval.
      const auto& cost = values[k][std::size_t{kPublicLevels} + P_net_cost];
      for (const auto& [name, which] : {std::pair<const char*, std::size_t>{"cost_per_job_saved_rp", P_jobs_saved},
                                        std::pair<const char*, std::size_t>{"cost_per_firm_saved_rp", P_firms_saved}}) {
        const auto& d = values[k][kPublicLevels + which];
        Interval iv;
        const std::size_t m = d.size();
        iv.n = static_cast<double>(m);
        if (m > 0) {
          double sc = 0, sdn = 0;
          for (std::size_t i = 0; i < m; ++i) {
            sc += cost[i];
            sdn += d[i];
          }
          const double mc = sc / static_cast<double>(m), md = sdn / static_cast<double>(m);
          if (md > 0) {
            const double R = mc / md;
            iv.mean = R;
            if (m >= 2) {
              double ss = 0;
              for (std::size_t i = 0; i < m; ++i) ss += (cost[i] - R * d[i]) * (cost[i] - R * d[i]);
              iv.sd = std::sqrt(ss / static_cast<double>(m - 1)) / md;
              iv.se = iv.sd / std::sqrt(static_cast<double>(m));
              const double h = t_factor(conf, static_cast<std::uint32_t>(m)) * iv.se;
              iv.lo = R - h;
              iv.hi = R + h;
            }
          }
        }
        push(k, name, iv, kNaN, kNaN, kNaN);
      }
    }
    Table tb;
    std::vector<std::string> names(kPairedNames.begin(), kPairedNames.end());
    names.emplace_back("cost_per_job_saved_rp");
    names.emplace_back("cost_per_firm_saved_rp");
    std::map<std::string, std::uint32_t> index;
    for (std::size_t i = 0; i < names.size(); ++i) index.emplace(names[i], static_cast<std::uint32_t>(i));
    std::vector<std::uint16_t> mcode;
    for (const auto& x : metric) mcode.push_back(static_cast<std::uint16_t>(index.at(x)));
    tb.columns.push_back(make_categorical("scenario", std::move(scen), s.scenario_names));
    tb.columns.push_back(make_categorical("metric", std::move(mcode), names));
    tb.columns.push_back(make_column("n", std::move(nn)));
    tb.columns.push_back(make_column("mean", std::move(mean)));
    tb.columns.push_back(make_column("sd", std::move(sd)));
    tb.columns.push_back(make_column("se", std::move(se)));
    tb.columns.push_back(make_column("ci_low", std::move(lo)));
    tb.columns.push_back(make_column("ci_high", std::move(hi)));
    tb.columns.push_back(make_column("p05", std::move(p05)));
    tb.columns.push_back(make_column("p50", std::move(p50)));
    tb.columns.push_back(make_column("p95", std::move(p95)));
    r.comparison = std::move(tb);
  }

  // Firms and jobs saved by group.
  {
    std::vector<std::uint16_t> scen, dim, metric;
    std::vector<std::string> group;
    std::vector<std::int64_t> nn;
    std::vector<double> mean, sd, lo, hi;
    for (std::size_t k = 1; k < S; ++k)
      for (std::size_t g = 0; g < s.group_moments[k].size(); ++g)
        for (std::size_t m = 0; m < 2; ++m) {
          const Moments& mo = s.group_moments[k][g][m];
          scen.push_back(static_cast<std::uint16_t>(k));
          dim.push_back(s.groups.dimension[g]);
          group.push_back(s.groups.group[g]);
          metric.push_back(static_cast<std::uint16_t>(m));
          nn.push_back(mo.n);
          mean.push_back(mo.n ? mo.mean : kNaN);
          sd.push_back(mo.sd());
          const double h = mo.n >= 2 ? t_factor(conf, mo.n) * mo.sd() / std::sqrt(static_cast<double>(mo.n)) : kNaN;
          lo.push_back(mo.mean - h);
          hi.push_back(mo.mean + h);
        }
    Table tb;
    tb.columns.push_back(make_categorical("scenario", std::move(scen), s.scenario_names));
    tb.columns.push_back(make_categorical("dimension", std::move(dim), s.groups.dimensions));
    tb.columns.push_back(make_column("group", std::move(group)));
    tb.columns.push_back(make_categorical("metric", std::move(metric), std::vector<std::string>{"firms_saved", "jobs_saved"}));
    tb.columns.push_back(make_column("n", std::move(nn)));
    tb.columns.push_back(make_column("mean", std::move(mean)));
    tb.columns.push_back(make_column("sd", std::move(sd)));
    tb.columns.push_back(make_column("ci_low", std::move(lo)));
    tb.columns.push_back(make_column("ci_high", std::move(hi)));
    r.comparison_by_group = std::move(tb);
  }

  // Additionality and deadweight per recipient.
  {
    std::vector<std::uint16_t> scen, dim;
    std::vector<std::string> prog, group;
    std::vector<std::int64_t> reps;
    std::vector<double> recipients;
    std::array<std::vector<double>, kPairings> share, lo, hi;
    for (std::size_t k = 1; k < S; ++k)
      for (std::size_t p = 0; p < s.pairing_sums[k].size(); ++p)
        for (std::size_t c = 0; c < s.pairing.count(); ++c) {
          const RatioSums& R = s.pairing_sums[k][p][c];
          if (R.n == 0 && c != s.pairing.all) continue;
          const double m = static_cast<double>(R.reps);
          scen.push_back(static_cast<std::uint16_t>(k));
          prog.push_back(s.programme_names[k][p]);
          dim.push_back(s.pairing.dimension[c]);
          group.push_back(s.pairing.group[c]);
          reps.push_back(R.reps);
          recipients.push_back(m > 0 ? R.n / m : kNaN);
          for (std::size_t a = 0; a < kPairings; ++a) {
            const double sh = R.n > 0 ? R.x[a] / R.n : kNaN;
            double l = kNaN, h = kNaN;
            if (R.n > 0 && R.reps >= 2) {
              // Ratio estimator over replications: var of (x - share n).
              const double ss = R.xx[a] - 2 * sh * R.xn[a] + sh * sh * R.nn;
              const double nbar = R.n / m;
              const double se = std::sqrt(std::max(0.0, ss) / (m - 1) / m) / nbar;
              const double half = t_factor(conf, R.reps) * se;
              l = std::max(0.0, sh - half);
              h = std::min(1.0, sh + half);
            }
            share[a].push_back(sh);
            lo[a].push_back(l);
            hi[a].push_back(h);
          }
        }
    Table tb;
    tb.columns.push_back(make_categorical("scenario", std::move(scen), s.scenario_names));
    tb.columns.push_back(make_column("programme", std::move(prog)));
    tb.columns.push_back(make_categorical("dimension", std::move(dim), s.pairing.dimensions));
    tb.columns.push_back(make_column("group", std::move(group)));
    tb.columns.push_back(make_column("replications", std::move(reps)));
    tb.columns.push_back(make_column("recipients", std::move(recipients), "firms"));
    for (std::size_t a = 0; a < kPairings; ++a) {
      const std::string name = kPairingNames[a];
      tb.columns.push_back(make_column(name, std::move(share[a]), "share"));
      tb.columns.push_back(make_column(name + "_ci_low", std::move(lo[a]), "share"));
      tb.columns.push_back(make_column(name + "_ci_high", std::move(hi[a]), "share"));
    }
    r.additionality = std::move(tb);
  }

  std::size_t bytes = s.out_replication.capacity() * sizeof(std::int64_t) +
                      (s.out_scenario.capacity() + s.out_metric.capacity()) * sizeof(std::uint16_t) +
                      s.out_value.capacity() * sizeof(double);
  for (const auto& per : s.series)
    for (const auto& st : per)
      if (st) bytes += st->memory_bytes();
  for (const auto& gm : s.group_moments) bytes += gm.capacity() * sizeof(gm[0]);
  for (const auto& ps : s.pairing_sums)
    for (const auto& v : ps) bytes += v.capacity() * sizeof(RatioSums);
  r.memory_bytes = bytes;
}

}  // namespace msmesim::detail
