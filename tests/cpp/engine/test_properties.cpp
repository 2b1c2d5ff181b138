// Property-based tests: random valid scenarios on small generated
// populations, checked against the invariants the model promises.
//
// Each case is drawn by a small generator from std::mt19937_64 seeded with
// the case number (the test's parameter, e.g. Seeds/...EveryInvariantHolds/case7),
// so a failure names its case and `--gtest_filter='*Properties*/case7'`
// reproduces it (with the same standard library: its distributions draw the
// numbers); the failure message also describes the scenario drawn (shocks,
// programmes, population, threads, seed).
//
// - Invariants: random shocks on every channel (onsets, profiles, paths,
//   incidences, targets, severities within their valid ranges), programmes
//   of every kind with random rules and kind parameters, populations of
//   2,000-5,000 firms with and without cooperatives, 1 or 2 threads. Every
//   month: the cash identity of every stepped firm (docs/model.md §5), the
//   cooperatives' balance sheets; at the end: conservation of firms in the
//   monthly table, the breakdowns and the microdata, member counts,
//   programme budgets (commitments included), the ledger's totals, the
//   cooperatives' deposits and counts, and no NaN or infinity anywhere.
// - Monotonicity under common random numbers: scaling every shock's
//   severity up never closes fewer firms, and a larger budget for a
//   programme that funds its recipients never saves fewer, up to net
//   reversals of single firms in one run and with no tolerance over all the
//   cases; a programme changes only the firms it reaches. The comments at
//   those tests say exactly what is asserted and why.
// - PropertiesKurSubsidy and PropertiesCooperativeMembers guard two engine
//   bugs the random cases found (now fixed).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <map>
#include <msmesim/msmesim.hpp>
#include <numeric>
#include <random>
#include <sstream>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "support.hpp"

namespace msmesim {
namespace {

// ---- the generator -------------------------------------------------------------------------

class Gen {
 public:
  explicit Gen(std::uint64_t seed) : rng_(seed) {}
  double uniform(double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(rng_); }
  int integer(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool chance(double p) { return uniform(0.0, 1.0) < p; }
  double log_uniform(double lo, double hi) { return std::exp(uniform(std::log(lo), std::log(hi))); }
  /// A random non-empty subset of `all` with at most `most` elements, in the
  /// order of `all`.
  template <class T>
  std::vector<T> subset(const std::vector<T>& all, int most) {
    std::vector<std::size_t> idx(all.size());
    std::iota(idx.begin(), idx.end(), std::size_t{0});
    std::shuffle(idx.begin(), idx.end(), rng_);
    const int n = integer(1, std::min(most, static_cast<int>(all.size())));
    idx.resize(static_cast<std::size_t>(n));
    std::sort(idx.begin(), idx.end());
    std::vector<T> out;
    for (std::size_t k : idx) out.push_back(all[k]);
    return out;
  }

 private:
  std::mt19937_64 rng_;
};

std::string fmt(double x) {
  std::ostringstream o;
  o.precision(6);
  o << x;
  return o.str();
}

const std::vector<SizeClass>& all_classes() {
  static const std::vector<SizeClass> v(kAllSizeClasses.begin(), kAllSizeClasses.end());
  return v;
}

SeverityDist random_severity(Gen& g) {
  switch (g.integer(0, 2)) {
    case 0:
      return SeverityDist::fixed(g.chance(0.05) ? 1.0 : g.uniform(0.0, 0.9));
    case 1: {
      const double lo = g.uniform(0.0, 0.6);
      return SeverityDist::uniform(lo, g.uniform(lo, std::min(1.0, lo + 0.5)));
    }
    default: {
      const double mean = g.uniform(0.03, 0.8);
      // sd strictly below sqrt(mean (1 - mean)), the largest a beta allows.
      return SeverityDist::beta(mean, g.uniform(0.02, 0.9) * std::sqrt(mean * (1.0 - mean)));
    }
  }
}

Shock random_shock(Gen& g, const Scenario& sc, const Population& pop, int k) {
  Shock s;
  s.name = "shock" + std::to_string(k);
  s.channel = kAllChannels[static_cast<std::size_t>(g.integer(0, kChannels - 1))];
  s.onset = sc.start.plus(g.integer(-3, sc.months - 1));
  if (g.chance(0.2)) {
    s.profile.path.resize(static_cast<std::size_t>(g.integer(1, 8)));
    for (double& x : s.profile.path) x = g.uniform(0.0, 1.0);
  } else {
    s.profile.ramp_months = g.integer(0, 3);
    s.profile.plateau_months = g.integer(0, 8);
    s.profile.recovery_half_life_months = g.chance(0.2) ? 0.0 : g.uniform(0.5, 12.0);
  }
  s.incidence = g.chance(0.3) ? 1.0 : g.uniform(0.0, 1.0);
  if (g.chance(0.25))
    for (const auto& sector : g.subset(pop.sector_names, 3)) s.incidence_by_sector[sector] = g.uniform(0.0, 1.0);
  s.severity = random_severity(g);
  if (g.chance(0.25)) s.target.sectors = g.subset(pop.sector_names, 4);
  if (g.chance(0.2)) s.target.regions = g.subset(pop.region_names, 15);
  if (g.chance(0.15)) s.target.classes = g.subset(all_classes(), 3);
  return s;
}

AttributeRange random_range(Gen& g) {
  static const std::map<std::string, double> scale = {{"revenue_rp_month", 3e7},
                                                      {"assets_rp", 1e8},
                                                      {"workers", 10.0},
                                                      {"cash_rp", 3e7},
                                                      {"online_share", 1.0},
                                                      {"owner_capability", 1.0},
                                                      {"fixed_cost_rp_month", 3e6},
                                                      {"months_unable", 4.0},
                                                      {"age_months", 24.0}};
  const auto& names = eligibility_attributes();
  AttributeRange r;
  r.attribute = names[static_cast<std::size_t>(g.integer(0, static_cast<int>(names.size()) - 1))];
  const double s = scale.at(r.attribute);
  r.min = g.chance(0.4) ? -std::numeric_limits<double>::infinity() : g.uniform(0.0, s);
  r.max = g.chance(0.4) ? std::numeric_limits<double>::infinity()
                        : (std::isinf(r.min) ? 0.0 : r.min) + g.uniform(0.0, 2.0 * s);
  return r;
}

Eligibility random_eligibility(Gen& g, const Population& pop) {
  Eligibility e;
  if (g.chance(0.3)) e.classes = g.subset(all_classes(), 3);
  if (g.chance(0.25)) e.sectors = g.subset(pop.sector_names, 4);
  if (g.chance(0.25)) e.regions = g.subset(pop.region_names, 20);
  e.registered = g.chance(0.3) ? g.integer(0, 1) : -1;
  e.never_had_kur = g.chance(0.15);
  e.cooperative_member = g.chance(0.2) ? g.integer(0, 1) : -1;
  e.online_seller = g.chance(0.2) ? g.integer(0, 1) : -1;
  e.in_distress = g.chance(0.2);
  if (g.chance(0.3)) {
    const int n = g.integer(1, 2);
    for (int k = 0; k < n; ++k) e.ranges.push_back(random_range(g));
  }
  if (g.chance(0.3)) {
    const std::vector<CoopType> types(kAllCoopTypes.begin(), kAllCoopTypes.end());
    e.coop_types = g.subset(types, 3);
  }
  return e;
}

Programme random_programme(Gen& g, ProgrammeKind kind, const Scenario& sc, const Population& pop, int k) {
  Programme p;
  p.name = "p" + std::to_string(k) + "_" + std::string(to_string(kind));
  p.kind = kind;
  const int first = g.integer(-2, sc.months - 1);
  p.start = sc.start.plus(first);
  p.end = sc.start.plus(g.integer(first, sc.months + 2));
  p.budget_rp = g.chance(0.08) ? 0.0 : g.log_uniform(1e6, 5e9);
  p.quota = g.chance(0.25) ? g.integer(0, 300) : -1;
  if (g.chance(0.35)) {
    const double base = default_amount_rp(kind) > 0.0 ? default_amount_rp(kind) : 1e6;
    p.amount_rp = base * g.log_uniform(0.1, 5.0);
  }
  p.eligibility = random_eligibility(g, pop);
  p.allocation = kAllAllocations[static_cast<std::size_t>(g.integer(0, 3))];
  p.uptake = g.chance(0.4) ? 1.0 : g.uniform(0.05, 1.0);
  p.monthly_capacity = g.chance(0.4) ? g.integer(0, 400) : -1;
  p.admin_cost_share = g.chance(0.5) ? 0.0 : g.uniform(0.0, 0.3);
  const bool credit = kind == ProgrammeKind::kur_subsidy || kind == ProgrammeKind::credit_guarantee;
  p.leakage_share = g.chance(0.5) ? 0.0 : (!credit && g.chance(0.05)) ? 1.0 : g.uniform(0.0, 0.5);
  for (const ParamInfo& info : programme_params(kind)) {
    if (!g.chance(0.5)) continue;
    const double hi = std::isfinite(info.max) ? info.max : 1e9;
    // Half the time near the bottom of the range, where most real values are.
    const double top = g.chance(0.5) ? info.min + 0.2 * (hi - info.min) : hi;
    double v = g.uniform(info.min, top);
    if (info.integer) v = std::min(std::round(v), info.max);
    if (info.integer && info.max - info.min > 60 && g.chance(0.7)) v = std::round(g.uniform(info.min, info.min + 36));
    p.params[std::string(info.name)] = v;
  }
  return p;
}

/// One random case: a population (size, cooperatives or not), a scenario,
/// a run seed and a thread count.
struct Case {
  int number = 0;
  std::int64_t firms = 0;
  bool cooperatives = true;
  int threads = 1;
  std::uint64_t run_seed = 1;
  Scenario scenario;

  std::string describe() const {
    std::ostringstream o;
    o << "case " << number << " (std::mt19937_64 seed " << number << "): " << firms
      << " Bogor firms (population seed 7) " << (cooperatives ? "with" : "without") << " cooperatives, " << threads
      << " thread(s), run seed " << run_seed << "; " << scenario.months << " months from " << scenario.start.to_string()
      << ", regime " << to_string(scenario.class_regime) << ", review every " << scenario.class_review_months
      << " months, input-output " << (scenario.input_output ? "on" : "off") << ", closure_after_months "
      << scenario.params.closure_after_months << ", entry_rate_month " << scenario.params.entry_rate_month
      << ", reentry_monthly_prob " << scenario.params.reentry_monthly_prob << ", joint_financing_share "
      << fmt(scenario.params.joint_financing_share) << "\n";
    for (const auto& s : scenario.shocks) {
      o << "  shock " << s.name << ": " << to_string(s.channel) << " from " << s.onset.to_string() << ", "
        << s.severity.describe() << ", incidence " << fmt(s.incidence);
      if (!s.incidence_by_sector.empty()) o << " (" << s.incidence_by_sector.size() << " by sector)";
      if (s.profile.path.empty())
        o << ", ramp " << s.profile.ramp_months << " plateau " << s.profile.plateau_months << " half-life "
          << fmt(s.profile.recovery_half_life_months);
      else
        o << ", path of " << s.profile.path.size();
      o << ", targets " << s.target.sectors.size() << " sectors " << s.target.regions.size() << " regions "
        << s.target.classes.size() << " classes\n";
    }
    for (const auto& p : scenario.programmes) {
      o << "  programme " << p.name << ": " << p.start.to_string() << ".." << p.end.to_string() << ", budget "
        << fmt(p.budget_rp) << ", amount " << fmt(p.amount()) << ", quota " << p.quota << ", capacity "
        << p.monthly_capacity << ", " << to_string(p.allocation) << ", uptake " << fmt(p.uptake) << ", admin "
        << fmt(p.admin_cost_share) << ", leakage " << fmt(p.leakage_share);
      for (const auto& [name, v] : p.params) o << ", " << name << "=" << fmt(v);
      o << "\n";
    }
    return o.str();
  }
};

const Population& population(std::int64_t firms, bool cooperatives) {
  static std::map<std::pair<std::int64_t, bool>, Population> cache;
  const auto key = std::make_pair(firms, cooperatives);
  auto it = cache.find(key);
  if (it == cache.end()) {
    PopulationSpec spec = presets::bogor_population_spec(firms);
    if (!cooperatives) spec.cooperatives = CooperativeSpec{};
    it = cache.emplace(key, generate_population(spec, 7, 2)).first;
  }
  return it->second;
}

/// The scenario part of a case; `with_programmes` = false gives shocks only.
Scenario random_scenario(Gen& g, const Population& pop, int number, bool with_programmes) {
  Scenario sc;
  sc.name = "random-" + std::to_string(number);
  sc.start = {g.integer(2019, 2021), g.integer(1, 12)};
  sc.months = g.integer(12, 30);
  const ClassRegime regimes[] = {ClassRegime::law20_2008, ClassRegime::pp7_2021, ClassRegime::bps_workers};
  const ClassCriterion criteria[] = {ClassCriterion::higher_of, ClassCriterion::turnover, ClassCriterion::assets};
  if (g.chance(0.3)) {
    sc.class_regime = regimes[g.integer(0, 2)];
    sc.class_criterion = criteria[g.integer(0, 2)];
  }
  const int reviews[] = {3, 6, 12};
  sc.class_review_months = reviews[g.integer(0, 2)];
  FirmParams& P = sc.params;
  P.closure_after_months = g.integer(2, 6);
  const double entry[] = {0.0, 4.655e-5, 1e-3, 4e-3};
  P.entry_rate_month = entry[g.integer(0, 3)];
  if (g.chance(0.3)) {
    P.reentry_monthly_prob = g.uniform(0.02, 0.3);
    P.reentry_min_demand = g.uniform(0.3, 1.0);
  }
  P.revenue_noise_sd = g.uniform(0.0, 0.3);
  P.growth_sd_year = g.uniform(0.0, 0.2);
  P.cash_buffer_months = g.uniform(0.5, 3.0);
  if (!pop.cooperatives.empty() && g.chance(0.4)) {
    P.joint_financing_share = g.uniform(0.1, 1.0);
    P.joint_financing_scope = g.integer(0, 1);
  }
  if (g.chance(0.5)) {
    sc.input_output = presets::bogor_input_output();
    P.linkage_strength = g.uniform(0.0, 1.0);
  }
  const int shocks = g.chance(0.05) ? 0 : g.integer(1, 5);
  for (int k = 0; k < shocks; ++k) sc.shocks.push_back(random_shock(g, sc, pop, k));
  if (with_programmes) {
    // Every kind comes up in turn (case n has kind n mod 12), with up to
    // three others at random.
    sc.programmes.push_back(
        random_programme(g, kAllProgrammeKinds[static_cast<std::size_t>(number) % kProgrammeKinds], sc, pop, 0));
    const int more = g.integer(0, 3);
    for (int k = 1; k <= more; ++k)
      sc.programmes.push_back(random_programme(
          g, kAllProgrammeKinds[static_cast<std::size_t>(g.integer(0, kProgrammeKinds - 1))], sc, pop, k));
  }
  return sc;
}

Case make_case(int number, bool with_programmes = true) {
  Gen g(static_cast<std::uint64_t>(number));
  Case c;
  c.number = number;
  const std::int64_t sizes[] = {2000, 3000, 4000, 5000};
  c.firms = sizes[g.integer(0, 3)];
  c.cooperatives = g.chance(0.7);
  c.threads = g.integer(1, 2);
  c.run_seed = static_cast<std::uint64_t>(g.integer(1, 1000));
  c.scenario = random_scenario(g, population(c.firms, c.cooperatives), number, with_programmes);
  return c;
}

// ---- checks ----------------------------------------------------------------------------------

/// Collects failures and keeps the first few messages.
struct Failures {
  std::int64_t count = 0;
  std::string text;
  void add(const std::string& what) {
    if (++count <= 8) text += "  " + what + "\n";
  }
  template <class Fn>
  void check(bool ok, Fn&& message) {
    if (!ok) add(message());
  }
};

std::string precise(double x) {
  std::ostringstream o;
  o.precision(17);
  o << x;
  return o.str();
}

/// The cash identity of every firm stepped in the latest month (the
/// tolerance of test_accounting.cpp: 1e-9 of the largest flow).
void check_cash(const Simulation& sim, Failures& f, std::int64_t& reopened) {
  const FirmFlows& fl = sim.flows();
  const FirmState& st = sim.state();
  const int month = sim.months_done() - 1;
  const auto at = [&](std::size_t i) {
    return "month " + std::to_string(month) + ", firm " + std::to_string(i) + ": ";
  };
  reopened = 0;
  for (std::size_t i = 0; i < st.count; ++i) {
    if (!fl.stepped[i]) {
      // Closed firms are not stepped; one that reopens this month is active
      // again and is stepped from the next month.
      if (st.status[i] == static_cast<std::uint8_t>(FirmStatus::active) && st.closure_month[i] == -1)
        ++reopened;
      else
        f.check(st.status[i] == static_cast<std::uint8_t>(FirmStatus::closed),
                [&] { return at(i) + "not stepped, neither closed nor reopened"; });
      continue;
    }
    const double in = fl.cash_in(i);
    const double out = fl.cash_out(i);
    const double scale = std::max({in, out, fl.cash_after[i], 1.0});
    f.check(std::fabs(fl.cash_after[i] - (in - out)) <= 1e-9 * scale, [&] {
      return at(i) + "cash after " + precise(fl.cash_after[i]) + " != before + in - out = " + precise(in - out);
    });
    const double op_scale = std::max({fl.operating_cost[i], fl.payables_before[i], fl.operating_paid[i], 1.0});
    f.check(std::fabs(fl.operating_paid[i] + fl.payables_after[i] - (fl.operating_cost[i] + fl.payables_before[i])) <=
                1e-9 * op_scale,
            [&] { return at(i) + "operating costs paid + payables after != incurred + payables before"; });
    f.check(fl.cash_after[i] >= 0.0, [&] { return at(i) + "negative cash " + precise(fl.cash_after[i]); });
    f.check(fl.cash_after[i] == st.cash_rp[i], [&] { return at(i) + "flows.cash_after differs from the state"; });
    f.check(fl.debt_service_paid[i] >= 0.0 && fl.debt_service_paid[i] <= fl.debt_service_due[i] * (1 + 1e-12) + 1e-6,
            [&] { return at(i) + "debt service paid outside [0, due]"; });
    f.check(fl.operating_paid[i] >= 0.0 && fl.payables_after[i] >= 0.0 && fl.owner_draw[i] >= 0.0 &&
                fl.new_credit[i] >= 0.0 && fl.revenue[i] >= 0.0 && fl.revenue_received[i] >= 0.0 &&
                fl.shu_received[i] >= 0.0 && fl.investment[i] >= 0.0 && fl.debt_prepaid[i] >= 0.0 &&
                fl.closure_payout[i] >= 0.0,
            [&] { return at(i) + "a negative flow"; });
  }
  const std::string bad = test::first_non_finite(st);
  f.check(bad.empty(), [&] { return "month " + std::to_string(month) + ": non-finite state " + bad; });
}

/// Every cooperative's balance sheet balances, with non-negative cash,
/// deposits and loans and arrears within the loans.
void check_books(const Simulation& sim, Failures& f) {
  const Cooperatives& co = sim.cooperatives();
  const int month = sim.months_done() - 1;
  for (std::size_t c = 0; c < co.size(); ++c) {
    const double size = std::max({co.cash_rp[c] + co.loans_rp[c] + co.other_assets_rp[c], 1.0});
    const auto at = [&] { return "month " + std::to_string(month) + ", cooperative " + std::to_string(c) + ": "; };
    f.check(std::fabs(co.balance_gap_rp(c)) <= 1e-9 * size,
            [&] { return at() + "balance sheet off by " + precise(co.balance_gap_rp(c)); });
    f.check(co.cash_rp[c] >= 0.0 && co.deposits_rp[c] >= 0.0 && co.loans_rp[c] >= 0.0 && co.arrears_rp[c] >= 0.0,
            [&] {
              return at() + "negative cash, deposits, loans or arrears: cash " + precise(co.cash_rp[c]) + ", deposits " +
                     precise(co.deposits_rp[c]) + ", loans " + precise(co.loans_rp[c]) + ", arrears " +
                     precise(co.arrears_rp[c]);
            });
    f.check(co.arrears_rp[c] <= co.loans_rp[c] * (1 + 1e-12), [&] { return at() + "arrears above loans"; });
  }
}

/// No NaN or infinity in any numeric column of `t`.
void check_finite(const Table& t, const std::string& name, Failures& f) {
  for (const Column& c : t.columns)
    std::visit(
        [&](const auto& v) {
          using T = typename std::decay_t<decltype(v)>::value_type;
          if constexpr (std::is_floating_point_v<T>) {
            for (std::size_t r = 0; r < v.size(); ++r)
              if (!std::isfinite(static_cast<double>(v[r]))) {
                f.add(name + "." + c.name + " row " + std::to_string(r) + " = " + precise(static_cast<double>(v[r])));
                return;
              }
          }
        },
        c.data);
}

std::vector<double> per_month_sum(const Table& t, std::string_view column, std::size_t months) {
  std::vector<double> out(months, 0.0);
  const auto month = t.numbers("month");
  const auto v = t.numbers(column);
  for (std::size_t r = 0; r < v.size(); ++r) out.at(static_cast<std::size_t>(month[r])) += v[r];
  return out;
}

bool near(double a, double b, double rel) {
  return std::fabs(a - b) <= rel * std::max({std::fabs(a), std::fabs(b), 1.0});
}

/// Firms are conserved: open + closed = initial + entered every month, in
/// the monthly table and in every breakdown; the breakdowns add up to the
/// monthly totals; the microdata holds every firm; member and non-member
/// counts add up, and member firms are the memberships of the state.
void check_counts(const RunResult& r, const std::vector<double>& memberships, const std::vector<double>& reopened_seen,
                  Failures& f) {
  const std::size_t T = static_cast<std::size_t>(r.months);
  f.check(r.monthly.rows() == T, [&] { return "monthly has " + std::to_string(r.monthly.rows()) + " rows"; });
  const auto active = r.monthly.numbers("active_firms"), closed = r.monthly.numbers("closed_firms"),
             distressed = r.monthly.numbers("distressed_firms"), entries = r.monthly.numbers("entries"),
             new_closures = r.monthly.numbers("new_closures"), reopened = r.monthly.numbers("reopened_firms"),
             employment = r.monthly.numbers("employment");
  double entered = 0;
  for (std::size_t m = 0; m < T; ++m) {
    const std::string at = "month " + std::to_string(m) + ": ";
    entered += entries[m];
    f.check(active[m] + closed[m] == static_cast<double>(r.initial_firms) + entered, [&] {
      return at + "active " + fmt(active[m]) + " + closed " + fmt(closed[m]) + " != initial + entered " +
             fmt(static_cast<double>(r.initial_firms) + entered);
    });
    const double previous = m == 0 ? 0.0 : closed[m - 1] - reopened[m - 1];
    f.check(closed[m] == previous + new_closures[m],
            [&] { return at + "closed != previous - reopened + new closures"; });
    f.check(distressed[m] >= 0 && distressed[m] <= active[m], [&] { return at + "distressed outside [0, active]"; });
    f.check(reopened[m] == reopened_seen[m],
            [&] { return at + "reopened_firms differs from the firms that reopened"; });
    double by_class = 0;
    for (auto c : kAllSizeClasses) by_class += r.monthly.numbers("firms_" + std::string(to_string(c)))[m];
    f.check(by_class == active[m], [&] { return at + "firms by current class do not add up to active firms"; });
    for (const char* c : {"active_firms", "distressed_firms", "closed_firms", "employment", "revenue_rp"}) {
      const double a = r.monthly.numbers(std::string("member_") + c)[m],
                   b = r.monthly.numbers(std::string("nonmember_") + c)[m];
      f.check(a + b == r.monthly.numbers(c)[m], [&] { return at + "member + nonmember " + c + " != total"; });
    }
    const double members = r.monthly.numbers("member_active_firms")[m] + r.monthly.numbers("member_closed_firms")[m];
    f.check(members == memberships[m], [&] {
      return at + "member firms (active + closed) " + fmt(members) + " != memberships " + fmt(memberships[m]);
    });
  }
  const std::pair<const char*, const Table*> tables[] = {
      {"by_sector", &r.by_sector}, {"by_class", &r.by_class}, {"by_region", &r.by_region}};
  const std::size_t groups[] = {r.sector_names.size(), static_cast<std::size_t>(kSizeClasses), r.region_names.size()};
  for (std::size_t k = 0; k < 3; ++k) {
    const char* name = tables[k].first;  // (not a structured binding: lambdas capture it)
    const Table* t = tables[k].second;
    f.check(t->rows() == T * groups[k], [&] { return std::string(name) + " has the wrong number of rows"; });
    for (const char* c : {"active_firms", "closed_firms", "new_closures", "distressed_firms", "employment",
                          "affected_firms", "main_problem_sales", "main_problem_capital", "main_problem_distribution",
                          "main_problem_raw_materials", "upgrades", "downgrades", "revenue_rp"}) {
      const auto sums = per_month_sum(*t, c, T);
      const auto total = r.monthly.numbers(c);
      for (std::size_t m = 0; m < T; ++m)
        f.check(sums[m] == total[m], [&] {
          return std::string(name) + "." + c + ", month " + std::to_string(m) + ": groups " + precise(sums[m]) +
                 " != monthly " + precise(total[m]);
        });
    }
  }
  // The microdata: one row per firm that ever existed.
  f.check(r.firms.rows() == static_cast<std::size_t>(r.initial_firms + static_cast<std::int64_t>(entered)), [&] {
    return "firms has " + std::to_string(r.firms.rows()) +
           " rows, initial + entered = " + fmt(static_cast<double>(r.initial_firms) + entered);
  });
  const auto entry_month = r.firms.numbers("entry_month"), final_workers = r.firms.numbers("final_workers");
  const auto& status = r.firms.column("status");
  std::vector<double> entered_by_month(T, 0.0);
  double closed_now = 0, workers = 0;
  for (std::size_t i = 0; i < r.firms.rows(); ++i) {
    if (entry_month[i] >= 0) entered_by_month.at(static_cast<std::size_t>(entry_month[i])) += 1;
    if (i < static_cast<std::size_t>(r.initial_firms) && entry_month[i] != -1)
      f.add("an initial firm with an entry month");
    if (status.text(i) == "closed")
      closed_now += 1;
    else
      workers += final_workers[i];
  }
  f.check(entered_by_month == entries, [] { return std::string("entry months in the microdata != entries"); });
  f.check(closed_now == closed[T - 1] - reopened[T - 1], [&] {
    return "closed firms in the microdata " + fmt(closed_now) + " != monthly " + fmt(closed[T - 1] - reopened[T - 1]);
  });
  // A firm that reopens in the last month is open in the microdata, with
  // its one worker, but counted closed (and not employed) in that month.
  f.check(workers == employment[T - 1] + reopened[T - 1], [&] {
    return "final workers of open firms " + fmt(workers) + " != employment + firms reopened in the last month " +
           fmt(employment[T - 1] + reopened[T - 1]);
  });
}

/// Programmes: cumulative outlay (transfers, administration, leakage) plus
/// what is promised never exceeds the budget; spent to date is the running
/// sum of the outlays; budget left = budget - spent - committed; capacity,
/// quota and yearly limits hold; the ledger and the payments add up to the
/// monthly table; every award is counted once; a zero budget does nothing.
void check_programmes(const RunResult& r, const Scenario& sc, Failures& f) {
  const auto& progs = sc.programmes;
  const auto& t = r.programmes_monthly;
  if (progs.empty()) {
    f.check(t.rows() == 0 && r.programme_payments.rows() == 0,
            [] { return std::string("programme tables without programmes"); });
    return;
  }
  const std::size_t n = progs.size();
  f.check(t.rows() == n * static_cast<std::size_t>(r.months), [] { return std::string("programmes_monthly rows"); });
  const auto prog = t.numbers("programme"), month = t.numbers("month"), spent = t.numbers("spent_to_date_rp"),
             committed = t.numbers("committed_rp"), left = t.numbers("budget_left_rp"), tr = t.numbers("transfer_rp"),
             ad = t.numbers("admin_rp"), lk = t.numbers("leakage_rp"), fresh = t.numbers("new_recipients"),
             eligible = t.numbers("eligible"), applicants = t.numbers("applicants"), capacity = t.numbers("capacity");
  std::vector<double> cumulative(n, 0.0), last_spent(n, 0.0), recipients(n, 0.0);
  std::vector<std::map<int, double>> by_year(n);
  for (std::size_t k = 0; k < t.rows(); ++k) {
    const auto p = static_cast<std::size_t>(prog[k]);
    const Programme& spec = progs.at(p);
    const double budget = spec.budget_rp;
    const std::string at = spec.name + ", month " + fmt(month[k]) + ": ";
    cumulative[p] += tr[k] + ad[k] + lk[k];
    recipients[p] += fresh[k];
    f.check(tr[k] >= 0 && ad[k] >= 0 && lk[k] >= 0, [&] { return at + "a negative outlay"; });
    f.check(spent[k] + committed[k] <= budget * (1 + 1e-12), [&] {
      return at + "spent " + precise(spent[k]) + " + committed " + precise(committed[k]) + " > budget " +
             precise(budget);
    });
    f.check(committed[k] >= -1e-6 * std::max(budget, 1.0),
            [&] { return at + "negative commitments " + precise(committed[k]); });
    f.check(left[k] >= -1e-6 * std::max(budget, 1.0), [&] { return at + "budget left " + precise(left[k]) + " < 0"; });
    f.check(near(left[k], budget - spent[k] - committed[k], 1e-9),
            [&] { return at + "budget left != budget - spent - committed"; });
    f.check(spent[k] >= last_spent[p], [&] { return at + "spent to date fell"; });
    last_spent[p] = spent[k];
    f.check(near(spent[k], cumulative[p], 1e-9),
            [&] { return at + "spent to date " + precise(spent[k]) + " != running outlay " + precise(cumulative[p]); });
    f.check(applicants[k] <= eligible[k],
            [&] { return at + "applicants " + fmt(applicants[k]) + " > eligible " + fmt(eligible[k]); });
    if (spec.monthly_capacity >= 0) {
      // The clinic's capacity applies to its cooperative and its SME hours each.
      const double most = static_cast<double>(spec.monthly_capacity) * (spec.kind == ProgrammeKind::clinic ? 2.0 : 1.0);
      f.check(fresh[k] <= most, [&] { return at + fmt(fresh[k]) + " new recipients above the monthly capacity"; });
    }
    const bool offers = spec.kind == ProgrammeKind::kur_subsidy || spec.kind == ProgrammeKind::credit_guarantee;
    if (!offers && capacity[k] >= 0)
      f.check(fresh[k] <= capacity[k], [&] { return at + "new recipients above the month's capacity column"; });
    if (spec.quota >= 0)
      f.check(recipients[p] <= static_cast<double>(spec.quota), [&] { return at + "recipients above the quota"; });
    by_year[p][sc.start.plus(static_cast<int>(month[k])).year] += fresh[k];
    if (budget == 0.0 && spends_budget(spec.kind))
      f.check(spent[k] == 0.0 && fresh[k] == 0.0 && committed[k] == 0.0, [&] { return at + "a zero budget spent"; });
    if (!spends_budget(spec.kind))
      f.check(spent[k] == 0.0 && committed[k] == 0.0, [&] { return at + "a programme without a budget spent"; });
  }
  for (std::size_t p = 0; p < n; ++p) {
    const Programme& spec = progs[p];
    if (spec.kind == ProgrammeKind::certification && spec.param("per_year") > 0)
      for (const auto& entry : by_year[p]) {
        const auto year = entry.first;
        const auto x = entry.second;
        f.check(x <= spec.param("per_year"),
                [&] { return spec.name + ": " + fmt(x) + " certifications in " + std::to_string(year); });
      }
  }
  // The ledger and the payments add up to the monthly table, programme by
  // programme; one award row per new recipient.
  auto by_programme = [&](const Table& tb, const char* col) {
    std::vector<double> out(n, 0.0);
    if (tb.rows() == 0) return out;
    const auto pr = tb.numbers("programme"), v = tb.numbers(col);
    for (std::size_t k = 0; k < v.size(); ++k) out.at(static_cast<std::size_t>(pr[k])) += v[k];
    return out;
  };
  for (const char* col : {"transfer_rp", "admin_rp", "leakage_rp"}) {
    const auto monthly = by_programme(t, col), ledger = by_programme(r.programme_ledger, col),
               payments = by_programme(r.programme_payments, col);
    for (std::size_t p = 0; p < n; ++p) {
      f.check(near(ledger[p], monthly[p], 1e-9), [&] { return progs[p].name + ": ledger " + col + " != monthly"; });
      f.check(near(payments[p], monthly[p], 1e-9), [&] { return progs[p].name + ": payments " + col + " != monthly"; });
    }
  }
  std::vector<double> awards(n, 0.0);
  if (r.programme_awards.rows() > 0)
    for (double x : r.programme_awards.numbers("programme")) awards.at(static_cast<std::size_t>(x)) += 1;
  for (std::size_t p = 0; p < n; ++p)
    f.check(awards[p] == recipients[p], [&] {
      return progs[p].name + ": " + fmt(awards[p]) + " award rows for " + fmt(recipients[p]) + " new recipients";
    });
}

/// Cooperatives: registered = initial + founded; deposits held = initial +
/// paid in - withdrawn (docs/model.md §14, step 4), in all and per
/// cooperative; breakdowns by type and kecamatan add up; what the network
/// lends equals what it is owed; open member firms add up to the monthly
/// member count; loans to member firms stay within what could be lent.
void check_cooperatives(const RunResult& r, const Population& pop, Failures& f) {
  if (pop.cooperatives.empty()) {
    f.check(r.cooperatives_monthly.rows() == 0, [] { return std::string("cooperative tables without cooperatives"); });
    return;
  }
  const std::size_t T = static_cast<std::size_t>(r.months);
  const auto& m = r.cooperatives_monthly;
  const auto registered = m.numbers("cooperatives"), founded = m.numbers("founded"), held = m.numbers("deposits_rp"),
             in = m.numbers("deposit_inflow_rp"), out = m.numbers("withdrawals_rp"), active = m.numbers("active"),
             healthy = m.numbers("healthy"), lent = m.numbers("joint_lent_rp"), owed = m.numbers("joint_borrowed_rp"),
             placed = m.numbers("joint_placed_rp"), received = m.numbers("joint_received_rp"),
             open_members = m.numbers("member_firms_open"), loans = m.numbers("loans_rp"),
             arrears = m.numbers("arrears_rp");
  const auto member_active = r.monthly.numbers("member_active_firms");
  const double initial = std::accumulate(pop.cooperatives.deposits_rp.begin(), pop.cooperatives.deposits_rp.end(), 0.0);
  double count = static_cast<double>(pop.cooperatives.size()), deposits = initial;
  for (std::size_t t = 0; t < T; ++t) {
    const std::string at = "cooperatives, month " + std::to_string(t) + ": ";
    count += founded[t];
    deposits += in[t] - out[t];
    f.check(registered[t] == count, [&] { return at + "registered != initial + founded"; });
    f.check(std::fabs(held[t] - deposits) <= 1e-9 * std::max(initial, 1.0),
            [&] { return at + "deposits " + precise(held[t]) + " != initial + in - out " + precise(deposits); });
    f.check(healthy[t] <= active[t] && active[t] <= registered[t],
            [&] { return at + "healthy <= active <= registered fails"; });
    f.check(near(lent[t], owed[t], 1e-9), [&] { return at + "joint financing lent != owed"; });
    f.check(near(placed[t], received[t], 1e-9), [&] { return at + "joint financing placed != received"; });
    f.check(open_members[t] == member_active[t], [&] {
      return at + "open member firms " + fmt(open_members[t]) + " != monthly member_active_firms " +
             fmt(member_active[t]);
    });
    f.check(arrears[t] <= loans[t] * (1 + 1e-12), [&] { return at + "arrears above loans"; });
  }
  for (const auto& named : {std::pair<const char*, const Table*>{"cooperatives_by_type", &r.cooperatives_by_type},
                            {"cooperatives_by_region", &r.cooperatives_by_region}}) {
    const char* name = named.first;  // (not structured bindings: lambdas capture them)
    const Table* tb = named.second;
    for (const char* c : {"cooperatives", "founded", "active", "healthy", "stressed", "rat_held", "member_firms_open",
                          "new_loans_firms"}) {
      const auto sums = per_month_sum(*tb, c, T);
      const auto total = m.numbers(c);
      for (std::size_t t = 0; t < T; ++t)
        f.check(sums[t] == total[t],
                [&] { return std::string(name) + "." + c + " does not add up, month " + std::to_string(t); });
    }
    for (const char* c : {"cash_rp", "deposits_rp", "loans_rp", "own_capital_rp", "withdrawals_rp", "shu_paid_rp"}) {
      const auto sums = per_month_sum(*tb, c, T);
      const auto total = m.numbers(c);
      for (std::size_t t = 0; t < T; ++t)
        f.check(near(sums[t], total[t], 1e-9),
                [&] { return std::string(name) + "." + c + " does not add up, month " + std::to_string(t); });
    }
  }
  // Per cooperative, from the panel (founders pay their deposits in when
  // the cooperative is founded).
  const auto& p = r.cooperatives_panel;
  if (p.rows() == 0) {
    f.add("no cooperative panel");
    return;
  }
  const std::size_t n = p.rows() / T;
  const auto p_held = p.numbers("deposits_rp"), p_in = p.numbers("deposit_inflow_rp"),
             p_out = p.numbers("withdrawals_rp"), p_lent = p.numbers("new_loans_firms_rp"),
             p_lendable = p.numbers("lendable_rp"), p_cash = p.numbers("cash_rp");
  for (std::size_t c = 0; c < n; ++c) {
    double d = c < pop.cooperatives.size() ? pop.cooperatives.deposits_rp[c] : 0.0;
    for (std::size_t t = 0; t < T; ++t) {
      const std::size_t k = t * n + c;
      d += p_in[k] - p_out[k];
      f.check(std::fabs(p_held[k] - d) <= 1e-9 * std::max(d, 1.0), [&] {
        return "cooperative " + std::to_string(c) + ", month " + std::to_string(t) + ": deposits " +
               precise(p_held[k]) + " != initial + in - out " + precise(d);
      });
      f.check(p_lent[k] <= p_lendable[k] * (1 + 1e-12) + 1e-6, [&] {
        return "cooperative " + std::to_string(c) + ", month " + std::to_string(t) + ": lent to firms above lendable";
      });
      f.check(p_cash[k] >= 0.0, [&] { return "cooperative " + std::to_string(c) + ": negative cash"; });
    }
  }
}

// ---- the invariants ---------------------------------------------------------------------------

class PropertiesRandomScenario : public ::testing::TestWithParam<int> {};

TEST_P(PropertiesRandomScenario, EveryInvariantHolds) {
  const Case c = make_case(GetParam());
  SCOPED_TRACE(c.describe());
  const Population& pop = population(c.firms, c.cooperatives);
  ASSERT_NO_THROW(c.scenario.validate());
  RunOptions opt;
  opt.seed = c.run_seed;
  opt.threads = c.threads;
  opt.record_flows = true;
  opt.cooperative_panel = true;
  Simulation sim(pop, c.scenario, opt);
  Failures f;
  std::vector<double> memberships, reopened;
  std::int64_t stepped_months = 0;
  while (!sim.done()) {
    sim.step();
    std::int64_t back = 0;
    check_cash(sim, f, back);
    reopened.push_back(static_cast<double>(back));
    check_books(sim, f);
    const FirmState& st = sim.state();
    double members = 0;
    for (std::size_t i = 0; i < st.count; ++i) {
      const std::int32_t co = st.cooperative[i];
      if (co < 0) continue;
      members += 1;
      // Firms join only cooperatives of the population, and one of their
      // own kecamatan when they join during the run.
      f.check(static_cast<std::size_t>(co) < pop.cooperatives.size(), [&] { return "a member of a new cooperative"; });
      if (i < pop.size() && pop.cooperative[i] != co)
        f.check(pop.cooperatives.region[static_cast<std::size_t>(co)] == st.region[i],
                [&] { return "firm " + std::to_string(i) + " joined a cooperative of another kecamatan"; });
    }
    memberships.push_back(members);
    ++stepped_months;
  }
  ASSERT_EQ(stepped_months, c.scenario.months);
  // Members (persons) include the member firms.
  {
    const Cooperatives& co = sim.cooperatives();
    std::vector<std::int64_t> firms_of(co.size(), 0);
    for (std::size_t i = 0; i < sim.state().count; ++i)
      if (sim.state().cooperative[i] >= 0) ++firms_of[static_cast<std::size_t>(sim.state().cooperative[i])];
    for (std::size_t k = 0; k < co.size(); ++k)
      f.check(firms_of[k] <= co.members[k], [&] {
        return "cooperative " + std::to_string(k) + ": " + std::to_string(firms_of[k]) + " member firms but " +
               std::to_string(co.members[k]) + " members";
      });
  }
  const RunResult r = sim.result();
  check_counts(r, memberships, reopened, f);
  check_programmes(r, c.scenario, f);
  check_cooperatives(r, pop, f);
  for (const auto& [name, t] : {std::pair<const char*, const Table*>{"monthly", &r.monthly},
                                {"by_sector", &r.by_sector},
                                {"by_class", &r.by_class},
                                {"by_region", &r.by_region},
                                {"firms", &r.firms},
                                {"cooperatives_monthly", &r.cooperatives_monthly},
                                {"cooperatives_by_type", &r.cooperatives_by_type},
                                {"cooperatives_by_region", &r.cooperatives_by_region},
                                {"cooperatives_panel", &r.cooperatives_panel},
                                {"programmes_monthly", &r.programmes_monthly},
                                {"programme_ledger", &r.programme_ledger},
                                {"programme_payments", &r.programme_payments},
                                {"programme_awards", &r.programme_awards}})
    check_finite(*t, name, f);
  EXPECT_EQ(f.count, 0) << f.text;
}

std::string case_name(const ::testing::TestParamInfo<int>& info) { return "case" + std::to_string(info.param); }

INSTANTIATE_TEST_SUITE_P(Seeds, PropertiesRandomScenario, ::testing::Range(1, 41), case_name);

// ---- monotonicity under common random numbers ----------------------------------------------
//
// With common random numbers every firm draws the same numbers in both runs,
// yet its decisions are thresholds (hire when cash covers the buffer, borrow
// when short, close after closure_after_months), so a small change can move
// a firm across one and change its fate either way. docs/model.md §13 says
// as much for lay-offs: monotonicity "holds for the totals, not for every
// firm". The random cases show that the totals of one run hold only up to
// such reversals; in expectation they hold. So each run is held to a
// tolerance in firms (reversal_tolerance), and the sum over all the cases to
// the property with no tolerance. The findings behind each tolerance are in
// the comments of the tests.

/// Net reversals of single firms tolerated in one run: `share` of the firms,
/// at least 2.
double reversal_tolerance(std::int64_t firms, double share) {
  return std::max(2.0, std::floor(share * static_cast<double>(firms)));
}

/// `d` scaled up by `factor`, firm by firm: every quantile of the result is
/// at least the same quantile of `d`, so that with common random numbers
/// every hit firm draws at least its old severity. Fixed and uniform
/// severities are multiplied (capped at 1). A beta keeps its concentration
/// k = mean (1 - mean) / sd^2 - 1 while its mean grows: Beta(m' k, (1 - m') k)
/// with m' > m has a larger first and a smaller second shape parameter, which
/// dominates Beta(m k, (1 - m) k) stochastically (scaling mean and sd together
/// would not).
SeverityDist scaled(const SeverityDist& d, double factor) {
  switch (d.kind) {
    case SeverityDist::Kind::fixed:
      return SeverityDist::fixed(std::min(1.0, d.a * factor));
    case SeverityDist::Kind::uniform:
      return SeverityDist::uniform(std::min(1.0, d.a * factor), std::min(1.0, d.b * factor));
    case SeverityDist::Kind::beta: {
      const double k = d.a * (1.0 - d.a) / (d.b * d.b) - 1.0;
      const double m = std::min(0.995, d.a * factor);
      return SeverityDist::beta(m, std::sqrt(m * (1.0 - m) / (k + 1.0)));
    }
  }
  return d;
}

RunResult run_case(const Case& c, const Scenario& sc) {
  RunOptions opt;
  opt.seed = c.run_seed;
  opt.threads = c.threads;
  opt.microdata = true;
  return run(population(c.firms, c.cooperatives), sc, opt);
}

// Severity monotonicity: case n's scenario (shocks and programmes), re-entry
// off (so that closed firms by the end are the closures), and the same
// scenario with every shock's severity scaled up by a factor in [1.2, 2.5].
// Returns the closed firms month by month under both.
std::pair<std::vector<double>, std::vector<double>> closures_under_stronger_shocks(int number, Case& c,
                                                                                   double& factor) {
  c = make_case(number);
  c.scenario.params.reentry_monthly_prob = 0.0;
  Gen g(100000 + static_cast<std::uint64_t>(number));
  factor = g.uniform(1.2, 2.5);
  Scenario stronger = c.scenario;
  for (auto& s : stronger.shocks) s.severity = scaled(s.severity, factor);
  return {run_case(c, c.scenario).monthly.numbers("closed_firms"),
          run_case(c, stronger).monthly.numbers("closed_firms")};
}

constexpr int kSeverityCases = 30;
/// Stronger shocks: net reversals tolerated in one run, as a share of firms.
constexpr double kSeverityReversals = 0.005;

class PropertiesStrongerShocks : public ::testing::TestWithParam<int> {};

// One run: the firms closed by the end, and in every month, under the
// stronger shocks are at least those under the shocks as drawn, less
// reversal_tolerance(firms, 0.5 %).
//
// Why a tolerance: in 500 cases of this generator the end never fell and a
// month's total fell once, by one firm (case 162, shocks only: under the
// weaker capital shock a firm kept enough cash above the buffer to hire a
// second worker it could not carry and closed; under the stronger one its
// receivables came later, it did not hire and survived). Hypothesis, in
// tests/python/test_properties.py, found a run where the end fell by 10 of
// 3,000 firms: two shocks of fixed severity 0.0425 raised to 0.051, with
// revenue noise 0.26; 22 firms closed only under the weaker shocks and 15
// only under the stronger, nearly all through the timing of a hire. Over 20
// replications of that scenario the stronger shocks closed 4.0 more firms
// on average (standard error 1.4), from 15 more to 7 fewer: the property
// holds in expectation, and a single run can reverse by a few tenths of a
// percent of the firms when the shocks barely change.
TEST_P(PropertiesStrongerShocks, NeverCloseFewerFirmsBeyondSingleFirmReversals) {
  Case c;
  double factor = 0;
  const auto [a, b] = closures_under_stronger_shocks(GetParam(), c, factor);
  SCOPED_TRACE(c.describe() + "severities scaled by " + fmt(factor));
  ASSERT_EQ(a.size(), b.size());
  const double tol = reversal_tolerance(c.firms, kSeverityReversals);
  EXPECT_GE(b.back(), a.back() - tol) << "closed by the end: " << a.back() << " under the shocks as drawn, " << b.back()
                                      << " under the stronger ones";
  for (std::size_t m = 0; m < a.size(); ++m)
    EXPECT_GE(b[m], a[m] - tol) << "month " << m << ": closed " << a[m] << " -> " << b[m];
}

INSTANTIATE_TEST_SUITE_P(Seeds, PropertiesStrongerShocks, ::testing::Range(1, kSeverityCases + 1), case_name);

// Over all the cases together, strictly: the stronger shocks close more
// firms by the end (with this generator 23,330 against 15,305).
TEST(PropertiesStrongerShocksOverAllCases, CloseMoreFirmsByTheEnd) {
  double weaker = 0, stronger = 0;
  for (int number = 1; number <= kSeverityCases; ++number) {
    Case c;
    double factor = 0;
    const auto [a, b] = closures_under_stronger_shocks(number, c, factor);
    weaker += a.back();
    stronger += b.back();
  }
  EXPECT_GT(stronger, weaker) << "closed by the end over " << kSeverityCases << " cases";
}

/// Kinds that put money, credit terms or cooperative capital into recipients
/// (their demand and costs are not changed).
bool funds_recipients(ProgrammeKind kind) {
  switch (kind) {
    case ProgrammeKind::cash_grant:
    case ProgrammeKind::kur_subsidy:
    case ProgrammeKind::credit_guarantee:
    case ProgrammeKind::csr_capital:
    case ProgrammeKind::shop_rental:
    case ProgrammeKind::clinic:
    case ProgrammeKind::coop_network:
      return true;
    default:
      return false;
  }
}

/// Firms a run's programmes paid or awarded.
std::vector<std::uint8_t> recipients_of(const RunResult& r, std::size_t firms) {
  std::vector<std::uint8_t> out(firms, 0);
  for (const Table* t : {&r.programme_payments, &r.programme_awards})
    if (t->rows() > 0)
      for (double x : t->numbers("firm"))
        if (x >= 0) out.at(static_cast<std::size_t>(x)) = 1;
  return out;
}

// Budget monotonicity: one random programme (kind: case number mod 12,
// random rules and kind parameters) on case n's shocks, re-entry off, run
// with no budget, a budget B (Rp 10 M - 3 B) and B times 1.5-4 on the same
// seed. Returns the three runs.
struct BudgetRuns {
  Case c;
  Programme programme;
  std::vector<double> budgets;
  std::vector<RunResult> runs;
};

BudgetRuns budget_runs(int number) {
  BudgetRuns out;
  Case& c = out.c;
  c = make_case(number, false);
  c.scenario.params.reentry_monthly_prob = 0.0;
  // Entry beyond the baseline answers the number of open firms, which a
  // programme changes: off, so that only the programme's own reach shows.
  c.scenario.params.entry_refill_months = 0.0;
  const ProgrammeKind kind = kAllProgrammeKinds[static_cast<std::size_t>(number) % kProgrammeKinds];
  const Population& pop = population(c.firms, c.cooperatives);
  Gen g(200000 + static_cast<std::uint64_t>(number));
  Programme p = random_programme(g, kind, c.scenario, pop, 0);
  p.budget_rp = g.log_uniform(1e7, 3e9);
  const double factor = g.uniform(1.5, 4.0);
  out.programme = p;
  out.budgets = {0.0, p.budget_rp, p.budget_rp * factor};
  for (double b : out.budgets) {
    Scenario sc = c.scenario;
    sc.programmes = {p};
    sc.programmes[0].budget_rp = b;
    out.runs.push_back(run_case(c, sc));
  }
  return out;
}

constexpr int kBudgetCases = 48;
/// Larger budgets: net reversals tolerated in one run, as a share of firms.
constexpr double kBudgetReversals = 0.002;

class PropertiesLargerBudget : public ::testing::TestWithParam<int> {};

// (1) Locality, exactly: a programme reaches only the firms it pays or
// awards and, through their cooperatives, cooperative members (and entrants,
// which copy the online share of the firm they are modelled on). Every
// other firm ends bitwise the same under either budget. Not checked for
// kur_subsidy and credit_guarantee: every applicant borrows on the offer's
// terms in its month, before the loans are approved within the budget, and
// applicants that were not approved are in no output.
//
// (2) For the kinds that fund recipients (cash, credit terms, rent,
// consultations, cooperative capital and networks): a larger budget closes
// no more firms, less reversal_tolerance(firms, 0.2 %). In 1,400 cases of
// this generator (100 per kind with random kind parameters, 100 with
// defaults) a larger budget closed more firms in 8, by one firm each; in
// 800 Hypothesis examples (tests/python) credit_guarantee closed more firms
// than no programme in 6 of 89, by up to 3 of 3,000. The mechanisms are
// documented ones: a transfer lifts a firm's cash above the buffer the
// hiring rule asks for (docs/model.md §5) and it hires a worker it later
// cannot carry; a guaranteed or subsidised KUR loan of 24 months taken early
// occupies the firm's one formal-loan slot (§13) when a later shock hits,
// where without the programme it would have borrowed informally for 12
// months and had the slot free by then; a consulted firm registers and takes
// a formal loan; a savings & loan cooperative in a network places funds its
// own members would have borrowed. Over all the cases together the property
// holds with no tolerance (PropertiesLargerBudgetOverAllCases).
//
// The kinds that raise recipients' demand or change their costs
// (digital_training, market_access, shipping_voucher, certification,
// coop_collaboration) are not monotone, and only (1) is asserted for them.
// In the same random cases a larger budget closed up to 6 % more firms
// (case 760: a bazaar with demand_uplift 3.6 for 3 months), and with default
// kind parameters up to 0.4 % (a 10 % bazaar for 3 months). The documented
// mechanisms do it: the hiring rule takes a temporary uplift into expected
// revenue and hires as long as the gross margin covers the wage bill,
// leaving nothing for the owner's subsistence, shipping or debt service, and
// lay-offs wait for layoff_lag_months of distress, so a firm that hired on a
// bazaar or on vouchers can run out of cash once they end; digital training
// raises the online share, and so shipping_cost_share x online share of
// revenue, while a firm at its capacity sells no more; a firm that joins a
// cooperative asks it first for credit, at coop_rate_year 18 % over 12
// months rather than KUR's 6 % over 24. Not even the sum over cases holds
// for all of them: with default parameters a larger digital_training budget
// saved -6 firms in all over 100 random cases.
TEST_P(PropertiesLargerBudget, FundingNeverSavesFewerFirmsAndOnlyRecipientsChange) {
  const BudgetRuns br = budget_runs(GetParam());
  const Case& c = br.c;
  const ProgrammeKind kind = br.programme.kind;
  const Population& pop = population(c.firms, c.cooperatives);
  Case described = c;
  described.scenario.programmes = {br.programme};
  SCOPED_TRACE(described.describe() + "budgets 0, " + fmt(br.budgets[1]) + ", " + fmt(br.budgets[2]));
  const auto& runs = br.runs;
  const std::size_t n = runs[0].firms.rows();
  const bool offers = kind == ProgrammeKind::kur_subsidy || kind == ProgrammeKind::credit_guarantee;
  for (std::size_t k = 1; k < runs.size(); ++k) {
    ASSERT_EQ(runs[k].firms.rows(), n);
    const double before = runs[k - 1].monthly.numbers("closed_firms").back(),
                 after = runs[k].monthly.numbers("closed_firms").back();
    if (funds_recipients(kind)) {
      EXPECT_LE(after, before + reversal_tolerance(c.firms, kBudgetReversals))
          << "budget " << fmt(br.budgets[k - 1]) << " -> " << fmt(br.budgets[k]) << ": closed " << before << " -> "
          << after;
    }
    if (offers) continue;
    const auto got_a = recipients_of(runs[k - 1], n), got_b = recipients_of(runs[k], n);
    std::int64_t changed = 0;
    std::string first;
    for (const char* col : {"closure_month", "final_workers", "final_cash_rp", "revenue_total_rp", "final_debt_rp"}) {
      const auto x = runs[k - 1].firms.numbers(col), y = runs[k].firms.numbers(col);
      for (std::size_t i = 0; i < pop.size(); ++i) {
        if (got_a[i] || got_b[i] || pop.cooperative[i] >= 0) continue;
        if (std::memcmp(&x[i], &y[i], sizeof(double)) != 0 && ++changed == 1)
          first = "firm " + std::to_string(i) + " " + col + ": " + precise(x[i]) + " -> " + precise(y[i]);
      }
    }
    EXPECT_EQ(changed, 0) << "firms neither paid nor members changed between budgets " << fmt(br.budgets[k - 1])
                          << " and " << fmt(br.budgets[k]) << "; first: " << first;
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, PropertiesLargerBudget, ::testing::Range(1, kBudgetCases + 1), case_name);

// Over all the cases of the funding kinds together, with no tolerance: the
// programme saves firms, and a larger budget saves no fewer. (With this
// generator: 10,339 firms closed without the programmes, 10,332 with budget
// B, 10,329 with the larger budgets.)
TEST(PropertiesLargerBudgetOverAllCases, FundingSavesMoreFirms) {
  double none = 0, smaller = 0, larger = 0;
  for (int number = 1; number <= kBudgetCases; ++number) {
    if (!funds_recipients(kAllProgrammeKinds[static_cast<std::size_t>(number) % kProgrammeKinds])) continue;
    const BudgetRuns br = budget_runs(number);
    none += br.runs[0].monthly.numbers("closed_firms").back();
    smaller += br.runs[1].monthly.numbers("closed_firms").back();
    larger += br.runs[2].monthly.numbers("closed_firms").back();
  }
  EXPECT_LE(smaller, none) << "closed by the end over the cases: without the programmes " << none << ", with "
                           << smaller;
  EXPECT_LE(larger, smaller) << "closed by the end over the cases: budgets B " << smaller << ", larger " << larger;
}

// A KUR-subsidy offer with ceilings below the ordinary KUR ceilings must not
// take credit away from the firms it is offered to: the firm takes the
// larger of the subsidised and the ordinary loan (docs/model.md §15). Found
// by the random budget cases, when the programme's ceilings replaced KUR's
// (ceiling_micro_rp = 0, Rp 10 M budget: 7 more closures of 2,000 firms
// than without the programme).
TEST(PropertiesKurSubsidy, AnOfferNeverCutsOrdinaryKurCredit) {
  std::vector<test::FirmInit> firms(1);
  firms[0].cash_rp = 0.0;
  firms[0].revenue_rp_month = 10e6;
  const Population pop = test::make_population({"r0"}, {"trade"}, firms);
  Scenario without = test::quiet_scenario(2);
  without.params.coop_approval = 0.0;
  without.params.kur_approval = 1.0;
  without.params.cash_buffer_months = 6;  // it wants a larger buffer than it holds: it borrows
  for (double ceiling : {0.0, 1e6}) {
    Scenario with = without;
    Programme kur;
    kur.name = "kur";
    kur.kind = ProgrammeKind::kur_subsidy;
    kur.start = {2020, 1};
    kur.end = {2020, 1};
    kur.budget_rp = 1e9;
    kur.params["ceiling_micro_rp"] = ceiling;
    with.programmes = {kur};
    Simulation a(pop, without), b(pop, with);
    a.step();
    b.step();
    ASSERT_EQ(a.state().loan_lender[0], static_cast<std::uint8_t>(Lender::kur));
    const double ordinary = a.state().loan_principal_rp[0];
    ASSERT_GT(ordinary, ceiling);
    const bool kur_loan = b.state().loan_lender[0] == static_cast<std::uint8_t>(Lender::kur);
    EXPECT_TRUE(kur_loan) << "ceiling " << ceiling << ": no KUR loan under the offer";
    EXPECT_GE(kur_loan ? b.state().loan_principal_rp[0] : 0.0, ordinary)
        << "ceiling " << ceiling << ": the offer cut the firm's KUR credit";
  }
}

}  // namespace
}  // namespace msmesim

namespace msmesim {
namespace {

// A firm that joins a cooperative through a coop_collaboration programme
// becomes one of its members: Cooperatives::members counts persons, member
// firms included (cooperative.hpp), so it must grow by the firms that
// joined. (Found here: the award once set the firm's cooperative and left
// the members as they were, and with enough joiners a cooperative ended
// with more member firms than members — 60,000 Bogor firms and an
// unlimited collaboration: 449 cooperatives, by up to 156.)
TEST(PropertiesCooperativeMembers, FirmsThatJoinAreCountedAsMembers) {
  const Population& pop = population(3000, true);
  Scenario sc = test::quiet_scenario(3);
  Programme mou;
  mou.name = "mou";
  mou.kind = ProgrammeKind::coop_collaboration;
  mou.start = {2020, 1};
  mou.end = {2020, 3};
  mou.budget_rp = 1e12;
  sc.programmes = {mou};
  Simulation sim(pop, sc);
  sim.run();
  const Cooperatives& co = sim.cooperatives();
  std::vector<std::int64_t> joined(co.size(), 0);
  std::int64_t all = 0;
  for (std::size_t i = 0; i < pop.size(); ++i)
    if (sim.state().cooperative[i] >= 0 && pop.cooperative[i] < 0) {
      ++joined[static_cast<std::size_t>(sim.state().cooperative[i])];
      ++all;
    }
  ASSERT_GT(all, 100);
  for (std::size_t c = 0; c < pop.cooperatives.size(); ++c)
    EXPECT_EQ(co.members[c], pop.cooperatives.members[c] + joined[c]) << "cooperative " << c;
}

}  // namespace
}  // namespace msmesim
