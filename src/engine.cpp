// The monthly firm kernel and the run driver. See docs/model.md for the
// equations; the comments here explain implementation choices.
#include "msmesim/engine.hpp"

#include <boost/math/distributions/poisson.hpp>

#include <algorithm>
#include <array>
#include <bit>
#include <chrono>
#include <cmath>

#include "detail/annuity.hpp"
#include "detail/columns.hpp"
#include "detail/coop_book.hpp"
#include "detail/distributions.hpp"
#include "detail/draws.hpp"
#include "detail/firm_draw.hpp"
#include "detail/kernel.hpp"
#include "detail/parallel.hpp"
#include "detail/philox.hpp"
#include "detail/programme_book.hpp"
#include "msmesim/error.hpp"
#include "msmesim/rng.hpp"

namespace msmesim {

namespace {

// ---- accumulator layout -------------------------------------------------------
// Aggregates are summed per thread as 64-bit integers (counts, and money
// rounded to whole rupiah per firm). Integer sums are exact and independent of
// order, so results do not depend on the thread count or on scheduling.
enum MonthlyMetric : int {
  m_active,
  m_distressed,
  m_closed,
  m_new_closures,
  m_reopened,
  m_employment,
  m_revenue,
  m_affected,
  m_problem,                        // + Channel
  m_credit = m_problem + kChannels,  // + Lender: outstanding at month end
  m_new_loans = m_credit + kLenders,
  m_new_credit = m_new_loans + kLenders,
  m_defaults = m_new_credit + kLenders,
  m_arrears = m_defaults + kLenders,
  m_payables,
  m_cash,
  m_upgrades,
  m_downgrades,
  m_class,  // + SizeClass: open firms by current class
  m_operating = m_class + kSizeClasses,
  m_draw,
  m_debt_paid,
  m_receivables,
  m_transitions,  // + from * 4 + to
  // Member firms of a cooperative (non-members are the rest).
  m_member_active = m_transitions + kSizeClasses * kSizeClasses,
  m_member_distressed,
  m_member_closed,
  m_member_employment,
  m_member_revenue,
  m_closures_by = m_member_revenue + 1,  // + ClosureReason (1..3; slot 0 unused)
  m_investment = m_closures_by + kClosureReasons,
  m_assets,
  m_ever_illiquid,
  // The credit book per lender (docs/model.md §11): loans outstanding at
  // month end, of which in arrears (count and arrears), restructured (count
  // and principal), and principal recovered from closing firms.
  m_loans,  // + Lender
  m_in_arrears = m_loans + kLenders,
  m_arrears_by = m_in_arrears + kLenders,
  m_restructured = m_arrears_by + kLenders,
  m_restructured_rp = m_restructured + kLenders,
  m_recovered = m_restructured_rp + kLenders,
  m_count = m_recovered + kLenders
};

/// Replication word of the burn-in's draws, apart from every run's.
constexpr std::uint32_t kBurnInReplication = 0xB0000000u;
/// Monthly exit rate assumed for a population that was not burnt in:
/// 8.2 % a year (McKenzie & Paffhausen 2019).
constexpr double kDefaultExitRateMonth = 0.082 / 12.0;

enum GroupMetric : int {
  g_active,
  g_distressed,
  g_closed,
  g_new_closures,
  g_employment,
  g_revenue,
  g_affected,
  g_problem,  // + Channel
  g_upgrades = g_problem + kChannels,
  g_downgrades,
  g_count
};

inline std::int64_t rp(double x) { return static_cast<std::int64_t>(x + 0.5); }  // x >= 0

// Smallest integer >= x for x in [-1, 2^31): truncation and one correction,
// cheaper than std::ceil on baseline x86-64.
inline int ceil_positive(double x) {
  const int t = static_cast<int>(x);
  return t + (static_cast<double>(t) < x ? 1 : 0);
}

std::uint32_t fnv1a(const std::string& s) {
  std::uint32_t h = 2166136261u;
  for (unsigned char c : s) {
    h ^= c;
    h *= 16777619u;
  }
  return h;
}

// A shock resolved against the population.
struct CompiledShock {
  Channel channel;
  std::uint32_t purpose;
  int onset_index;  // month index of onset (may be negative)
  ShockProfile profile;
  std::vector<double> incidence_by_sector;
  std::vector<std::uint8_t> sector_ok, region_ok;
  std::array<std::uint8_t, kSizeClasses> class_ok{};
  // Severity distributions: [0] the shock's, then one per sector that has
  // its own; sector_dist[s] indexes them.
  struct Dist {
    SeverityDist severity;
    detail::TabulatedQuantile beta;
    double quantile(double u) const {
      switch (severity.kind) {
        case SeverityDist::Kind::fixed: return severity.a;
        case SeverityDist::Kind::uniform: return severity.a + u * (severity.b - severity.a);
        case SeverityDist::Kind::beta: return beta(u);
      }
      return 0.0;
    }
  };
  std::vector<Dist> dists;
  std::vector<std::uint8_t> sector_dist;
  double quantile(double u, std::size_t sector) const { return dists[sector_dist[sector]].quantile(u); }
  static Dist compile(const SeverityDist& severity) {
    Dist d;
    d.severity = severity;
    if (severity.kind == SeverityDist::Kind::beta) {
      const double m = severity.a, sd = severity.b;
      if (sd == 0.0 || m == 0.0 || m == 1.0) {
        d.severity = SeverityDist::fixed(m);
      } else {
        d.beta = detail::beta_by_mean(m, m * (1.0 - m) / (sd * sd) - 1.0);
      }
    }
    return d;
  }
};

/// The terms of an annuity loan: monthly rate, months, and the annuity
/// denominator 1 - (1 + r)^-months, computed once per lender and run (pow is
/// too slow to call for every credit application).
using detail::Annuity;

double installment(double principal, double rate_year, int months) {
  return Annuity(rate_year, months).installment(principal);
}

}  // namespace

// ---- Simulation::Impl ------------------------------------------------------------

struct Simulation::Impl {
  const Population* pop;
  Scenario sc;
  RunOptions opt;
  int threads = 1;
  FirmParams P;
  /// Loan terms by lender, at the rate as given (the repayment-capacity test)
  /// and at the rate as stored with a formal loan (a float).
  std::array<Annuity, kLenders> annuity, annuity_stored;
  /// Per-firm constants of the run (derive_constants): revenue per worker,
  /// pre-shock profit and the cash the owner keeps in the firm; and the
  /// firm's cash target in months of outflows.
  std::vector<double> productivity_rp, base_profit_rp, cash_target_rp;
  // Grants the firm keeps in the business as working capital (programmes).
  std::vector<double> working_capital_rp;
  std::vector<float> cash_months;
  /// Draws new firms (entrants, re-entrants, the burn-in's replacements).
  detail::FirmDrawer drawer;
  /// The burn-in (docs/model.md §4): no entrants; a firm that closes is
  /// replaced by a new one in its place.
  bool burn_in = false;
  /// Months whose firms are kept in RunResult::panel, and the panel's rows.
  std::vector<std::uint8_t> panel_month;
  std::vector<std::vector<Column>> panel_parts;

  FirmState st;
  FirmFlows flows;
  std::size_t initial = 0;
  std::vector<std::int64_t> entries_per_month;
  // Entry beyond the baseline (entry_refill_months): room reserved, used.
  std::int64_t refill_reserve = 0, refill_used = 0;
  std::vector<std::int64_t> refill_done;  // [month]
  std::vector<std::uint32_t> templates;  // initial firms whose region, sector and class entrants take
  std::vector<std::uint8_t> template_class;
  std::vector<CompiledShock> shocks;
  Linkage linkage;
  std::size_t n_sectors = 0, n_regions = 0;
  std::vector<std::vector<double>> mean_severity;  // [shock][sector] over initial firms
  std::vector<double> sector_share;                // initial firms by sector, shares

  // Cooperatives (docs/model.md §14): their books, and per firm the year's
  // transactions with its cooperative and which joint effects apply to it
  // (bit 0 joint buying, bit 1 joint selling).
  detail::CoopBook coop;
  std::size_t n_coops = 0;
  std::vector<double> coop_txn_rp;
  std::vector<std::uint8_t> joint;
  std::vector<detail::CoopTotals> coop_total;                     // [month]
  std::vector<std::vector<detail::CoopTotals>> coop_by_type;      // [month][type]
  std::vector<std::vector<detail::CoopTotals>> coop_by_region;    // [month][region]
  std::vector<std::vector<detail::CoopTotals>> coop_panel;        // [month][cooperative], if asked for
  // Support programmes and the government ledger (empty without programmes).
  detail::ProgrammeBook programmes;
  detail::ProgrammeEffects effects;
  // Variable-cost share before joint buying and programmes, and the
  // programmes' factor on it (docs/model.md §15).
  std::vector<float> base_vcs;
  std::vector<double> cost_factor;

  int t = 0;
  bool finished = false;
  double elapsed = 0.0;

  // Per-thread accumulators and the per-month totals they are reduced into.
  std::vector<std::vector<std::int64_t>> acc;
  std::vector<std::vector<std::int64_t>> monthly;  // [month][metric]
  std::vector<std::vector<std::int64_t>> groups;   // [month][group block]
  std::vector<std::int64_t> entries_done;          // [month]
  std::vector<std::vector<double>> expected_sector;  // [month][sector] reference revenue
  std::vector<double> base_by_sector;                // pre-shock revenue, initial firms
  std::vector<std::vector<double>> base_class_sector, base_region_sector;
  std::int64_t initial_employment = 0;

  // Group (breakdown) totals are laid out as sector, class and region blocks
  // of g_count metrics. While stepping, a thread accumulates either directly
  // into those blocks (three additions per metric per firm) or, when the
  // number of (region, sector, class) cells is small enough, into one cell
  // per firm, expanded into the blocks once a month.
  static constexpr std::size_t kMaxCells = 1u << 16;
  bool use_cells = false;
  std::size_t n_cells = 0;
  std::vector<std::uint32_t> cell;  // per firm: (region, sector, initial class) cell index

  std::uint32_t cell_index(std::size_t i) const {
    return static_cast<std::uint32_t>((st.region[i] * n_sectors + st.sector[i]) * kSizeClasses + st.initial_class[i]);
  }
  std::size_t group_base_sector() const { return m_count; }
  std::size_t group_base_class() const { return m_count + n_sectors * g_count; }
  std::size_t group_base_region() const { return group_base_class() + kSizeClasses * g_count; }
  std::size_t group_total_size() const { return group_base_region() + n_regions * g_count; }
  std::size_t acc_size() const { return use_cells ? m_count + n_cells * g_count : group_total_size(); }
  // The cooperatives' sums follow the group block in each accumulator.
  std::size_t coop_base() const { return acc_size(); }

  /// Refuses, before allocating, a run whose state and results would not
  /// fit in the memory available (ResourceLimit on `population`).
  void require_memory_for(std::size_t capacity) const {
    FirmState one;
    one.resize(1, shocks.size());
    // The state, the engine's per-firm arrays (about 72 bytes), the
    // programmes' (at most 24 bytes each), the flows and the microdata.
    auto per_firm = static_cast<std::int64_t>(one.memory_bytes()) + 72 +
                    24 * static_cast<std::int64_t>(sc.programmes.size());
    if (opt.record_flows) per_firm += 18 * 8 + 1;
    if (opt.microdata) per_firm += 96;
    const auto months = static_cast<std::int64_t>(sc.months);
    const auto cells = static_cast<std::int64_t>(n_regions + n_sectors + kSizeClasses + 1);
    std::int64_t outputs = months * cells * 64 * 8;
    if (opt.cooperative_panel) outputs += months * static_cast<std::int64_t>(pop->cooperatives.region.size()) * 40 * 8;
    const std::int64_t bytes = static_cast<std::int64_t>(capacity) * per_firm + outputs;
    detail::require_bytes("population", std::to_string(initial) + " firms",
                          bytes,
                          "a run of " + std::to_string(capacity) + " firms (entrants included) for " +
                              std::to_string(months) + " months (" + std::to_string(per_firm) + " bytes a firm" +
                              (opt.microdata ? ", microdata included: microdata=false saves 96" : "") +
                              (opt.record_flows ? ", flows recorded" : "") + ")");
  }

  Impl(const Population& p, const Scenario& s, RunOptions o, bool burning_in = false)
      : pop(&p), sc(s), opt(std::move(o)), burn_in(burning_in) {
    p.validate();
    sc.validate();
    if (opt.threads < 0)
      throw InvalidArgument("threads", std::to_string(opt.threads), "an integer >= 0 (0 uses every core)");
    threads = detail::resolve_threads(opt.threads);
    P = sc.params;
    const double rates[kLenders] = {P.coop_rate_year, P.kur_rate_year, P.bank_rate_year, P.informal_rate_year};
    const double terms[kLenders] = {P.coop_term_months, P.kur_term_months, P.bank_term_months, P.informal_term_months};
    for (int l = 0; l < kLenders; ++l) {
      const auto li = static_cast<std::size_t>(l);
      annuity[li] = Annuity(rates[l], static_cast<int>(terms[l]));
      annuity_stored[li] = Annuity(static_cast<double>(static_cast<float>(rates[l])), static_cast<int>(terms[l]));
    }
    n_sectors = p.sector_names.size();
    n_regions = p.region_names.size();
    initial = p.size();
    if (static_cast<std::int64_t>(sc.months) > 32000)
      throw InvalidArgument("months", std::to_string(sc.months), "at most 32000");
    compile_shocks();
    make_drawer();
    plan_entries();
    panel_month.assign(static_cast<std::size_t>(sc.months), 0);
    for (int m : opt.panel_months) {
      if (m < 0 || m >= sc.months)
        throw InvalidArgument("panel_months", std::to_string(m),
                              "month indices from 0 to " + std::to_string(sc.months - 1));
      panel_month[static_cast<std::size_t>(m)] = 1;
    }
    const std::size_t capacity = initial + static_cast<std::size_t>(total_entries());
    if (capacity > static_cast<std::size_t>(kMaxFirms))
      throw InvalidArgument("entry_rate_month", detail::format_value(P.entry_rate_month),
                            "a rate that keeps the population below " + std::to_string(kMaxFirms) + " firms");
    require_memory_for(capacity);
    st.resize(capacity, shocks.size());
    if (opt.record_flows) flows.resize(capacity);
    productivity_rp.assign(capacity, 0.0);
    base_profit_rp.assign(capacity, 0.0);
    cash_target_rp.assign(capacity, 0.0);
    working_capital_rp.assign(capacity, 0.0);
    cash_months.assign(capacity, 0.0f);
    init_initial_firms();
    compute_references();
    if (sc.input_output && P.linkage_strength > 0) linkage = Linkage(*sc.input_output, p.sector_names, base_by_sector);
    n_cells = n_regions * n_sectors * kSizeClasses;
    use_cells = n_cells <= kMaxCells;
    cell.assign(capacity, 0);
    if (use_cells)
      for (std::size_t i = 0; i < initial; ++i) cell[i] = cell_index(i);
    init_cooperatives();
    if (!sc.programmes.empty())
      programmes = detail::ProgrammeBook(sc.programmes, *pop, P, sc.start, capacity, opt.seed, opt.replication,
                                         threads, kChunk, &cost_factor);
    acc.assign(static_cast<std::size_t>(threads),
               std::vector<std::int64_t>(acc_size() + n_coops * detail::kCoopFields, 0));
    monthly.reserve(static_cast<std::size_t>(sc.months));
    groups.reserve(static_cast<std::size_t>(sc.months));
  }

  // The cooperatives' books, and the joint buying and selling their member
  // firms enjoy while the cooperative is active.
  void init_cooperatives() {
    n_coops = pop->cooperatives.size();
    const std::size_t capacity = st.region.size();
    base_vcs.assign(capacity, 0.0f);
    std::copy(pop->variable_cost_share.begin(), pop->variable_cost_share.end(), base_vcs.begin());
    cost_factor.assign(capacity, 1.0);
    coop_txn_rp.assign(capacity, 0.0);
    joint.assign(capacity, 0);
    if (n_coops == 0) return;
    std::vector<std::int64_t> members(n_coops, 0);
    std::vector<double> firm_loans(n_coops, 0.0);
    for (std::size_t i = 0; i < initial; ++i) {
      const auto c = st.cooperative[i];
      if (c < 0) continue;
      ++members[static_cast<std::size_t>(c)];
      if (st.loan_lender[i] == static_cast<std::uint8_t>(Lender::cooperative))
        firm_loans[static_cast<std::size_t>(c)] += st.loan_principal_rp[i];
    }
    // The population's active flags must follow the run's rule for being
    // active, or the first year end would silently redefine them.
    const auto& co = pop->cooperatives;
    const unsigned window = (1u << static_cast<int>(P.coop_active_rat_years)) - 1u;
    for (std::size_t c = 0; c < n_coops; ++c) {
      const int held = std::popcount(static_cast<unsigned>(co.rat_history[c]) & window);
      if ((held >= static_cast<int>(P.coop_active_rat_min)) != (co.active[c] != 0))
        throw InvalidArgument(
            "coop_active_rat_min", detail::format_value(P.coop_active_rat_min),
            "a rule under which the population's cooperatives are active as they are (cooperative " +
                std::to_string(c) + " is " + (co.active[c] ? "active" : "inactive") + " with " + std::to_string(held) +
                " RAT(s) in the last " + detail::format_value(P.coop_active_rat_years) +
                " years); match the population's rule (CooperativeSpec.active_rat_min, active_rat_years)");
    }
    coop = detail::CoopBook(pop->cooperatives, members, firm_loans, P, sc.months);
    for (std::size_t i = 0; i < initial; ++i)
      if (st.cooperative[i] >= 0) apply_joint(i);
  }

  // Sets firm i's joint effects to what its cooperative offers now.
  void apply_joint(std::size_t i) {
    const auto c = static_cast<std::size_t>(st.cooperative[i]);
    const std::uint8_t want =
        static_cast<std::uint8_t>((coop.joint_buying(c) ? 1u : 0u) | (coop.joint_selling(c) ? 2u : 0u));
    const std::uint8_t had = joint[i];
    if (want == had) return;
    const double buying = (want & 1u) ? 1.0 - P.joint_buying_discount * P.joint_buying_share : 1.0;
    st.variable_cost_share[i] = static_cast<float>(static_cast<double>(base_vcs[i]) * buying * cost_factor[i]);
    const double uplift = 1.0 + P.joint_selling_uplift;
    // A wider market lasts while the cooperative sells jointly: the
    // potential moves with the level.
    if ((want & 2u) && !(had & 2u)) {
      st.level_rp[i] *= uplift;
      st.expected_rp[i] *= uplift;
      st.potential_rp[i] *= uplift;
    } else if (!(want & 2u) && (had & 2u)) {
      st.level_rp[i] /= uplift;
      st.expected_rp[i] /= uplift;
      st.potential_rp[i] /= uplift;
    }
    joint[i] = want;
    derive_constants(i);
  }

  // Firm i's variable-cost share after a programme changed its factor (or
  // its online share), and the constants that depend on it.
  void refresh_costs(std::size_t i) {
    const double buying = (joint[i] & 1u) ? 1.0 - P.joint_buying_discount * P.joint_buying_share : 1.0;
    st.variable_cost_share[i] = static_cast<float>(static_cast<double>(base_vcs[i]) * buying * cost_factor[i]);
    derive_constants(i);
  }

  std::int64_t total_entries() const {
    std::int64_t s = refill_reserve;
    for (auto e : entries_per_month) s += e;
    return s;
  }

  void compile_shocks() {
    shocks.reserve(sc.shocks.size());
    for (std::size_t k = 0; k < sc.shocks.size(); ++k) {
      const Shock& sh = sc.shocks[k];
      const std::string f = "shocks[" + std::to_string(k) + "]" + (sh.name.empty() ? "" : " ('" + sh.name + "')");
      CompiledShock cs;
      cs.channel = sh.channel;
      // Named shocks are keyed by name, so adding or reordering shocks does not
      // change the draws of the others.
      cs.purpose = sh.name.empty() ? static_cast<std::uint32_t>(Purpose::shock_base) + static_cast<std::uint32_t>(k)
                                   : 0x80000000u | (fnv1a(sh.name) & 0x7FFFFFFFu);
      cs.onset_index = sh.onset.months_since(sc.start);
      cs.profile = sh.profile;
      cs.dists.push_back(CompiledShock::compile(sh.severity));
      cs.sector_dist.assign(n_sectors, 0);
      for (const auto& [name, dist] : sh.severity_by_sector) {
        const std::size_t sector = pop->sector_index(name, f + ".severity_by_sector");
        cs.sector_dist[sector] = static_cast<std::uint8_t>(cs.dists.size());
        cs.dists.push_back(CompiledShock::compile(dist));
      }
      cs.incidence_by_sector.assign(n_sectors, sh.incidence);
      for (const auto& [name, p] : sh.incidence_by_sector)
        cs.incidence_by_sector[pop->sector_index(name, f + ".incidence_by_sector")] = p;
      cs.sector_ok.assign(n_sectors, sh.target.sectors.empty() ? 1 : 0);
      for (const auto& name : sh.target.sectors) cs.sector_ok[pop->sector_index(name, f + ".target.sectors")] = 1;
      cs.region_ok.assign(n_regions, sh.target.regions.empty() ? 1 : 0);
      for (const auto& name : sh.target.regions) cs.region_ok[pop->region_index(name, f + ".target.regions")] = 1;
      cs.class_ok.fill(sh.target.classes.empty() ? 1 : 0);
      for (auto c : sh.target.classes) cs.class_ok[static_cast<std::size_t>(c)] = 1;
      shocks.push_back(std::move(cs));
    }
  }

  // Entrants are drawn like the population's firms (docs/model.md §9): from
  // the spec it was generated from, or one estimated from a registry.
  void make_drawer() {
    const PopulationSpec& given = pop->entry_spec;
    bool usable = given.sectors.size() == pop->sector_names.size();
    for (std::size_t s = 0; usable && s < given.sectors.size(); ++s)
      usable = given.sectors[s].name == pop->sector_names[s];
    if (usable) {
      try {
        // Only the parts the drawer uses need to be valid.
        PopulationSpec spec = given;
        spec.regions.assign(1, RegionSpec{"any", 1.0});
        spec.cooperatives = CooperativeSpec{};
        spec.validate();
      } catch (const InvalidArgument&) {
        usable = false;
      }
    }
    drawer = detail::FirmDrawer(usable ? given : estimate_entry_spec(*pop));
  }

  void plan_entries() {
    entries_per_month.assign(static_cast<std::size_t>(sc.months), 0);
    if (!pop->entry_templates.empty() && pop->entry_templates.size() == pop->entry_template_class.size()) {
      templates = pop->entry_templates;
      template_class = pop->entry_template_class;
    } else {
      for (std::size_t i = 0; i < initial; ++i) templates.push_back(static_cast<std::uint32_t>(i));
    }
    if (burn_in) return;  // closed firms are replaced in their place
    if (P.entry_refill_months > 0.0)
      refill_reserve = static_cast<std::int64_t>(std::ceil(P.entry_refill_max_share * static_cast<double>(initial)));
    // Entry balances the baseline exits unless a rate is given.
    const double rate = P.entry_rate_month >= 0.0
                            ? P.entry_rate_month
                            : (pop->baseline_exit_rate_month >= 0.0 ? pop->baseline_exit_rate_month
                                                                    : kDefaultExitRateMonth) +
                                  P.net_entry_rate_month;
    const double lambda = rate * static_cast<double>(initial);
    if (lambda <= 0) return;
    using namespace boost::math::policies;
    boost::math::poisson_distribution<double, policy<discrete_quantile<integer_round_up>, promote_double<false>>> dist(lambda);
    for (int m = 0; m < sc.months; ++m) {
      const auto w = detail::philox_words(opt.seed, opt.replication, 0, static_cast<std::uint32_t>(m),
                                          static_cast<std::uint32_t>(Purpose::entry_count));
      entries_per_month[static_cast<std::size_t>(m)] =
          static_cast<std::int64_t>(boost::math::quantile(dist, to_unit(w[0])));
    }
  }

  // Constants of a firm for the run: baseline revenue per worker and
  // pre-shock monthly profit (docs/model.md §5), kept so that the monthly
  // step need not recompute them.
  // Firm i's monthly operating profit at `revenue` with `workers` (the
  // owner unpaid), before interest (docs/model.md §5).
  double profit_at(std::size_t i, double revenue, double workers) const {
    return revenue * (1.0 - static_cast<double>(st.variable_cost_share[i]) -
                      static_cast<double>(st.online_share[i]) * P.shipping_cost_share) -
           (workers - 1.0) * st.wage_rp[i] - st.fixed_cost_rp[i];
  }

  void derive_constants(std::size_t i) {
    const double R0 = st.base_revenue_rp[i];
    const double base_workers = static_cast<double>(st.base_workers[i]);
    productivity_rp[i] = R0 / base_workers;
    base_profit_rp[i] = profit_at(i, R0, base_workers);
    const double outflows = R0 * static_cast<double>(st.variable_cost_share[i]) +
                            (base_workers - 1.0) * st.wage_rp[i] + st.fixed_cost_rp[i];
    cash_target_rp[i] = static_cast<double>(cash_months[i]) * outflows + working_capital_rp[i];
  }

  // The month a firm's owner leaves for reasons outside the business: drawn
  // once when the run starts (the hazard is memoryless, so this is the
  // remaining time) or the firm enters (docs/model.md §5, exits).
  void draw_exits(std::size_t i, int from_month) {
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

  void expose(std::size_t i) {
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

  SizeClass classify_firm(double assets, double revenue_month, int workers) const {
    return classify(sc.class_regime, sc.class_criterion, assets, 12.0 * revenue_month, workers);
  }

  // A firm's histories and counters as a new firm starts them.
  void reset_histories(std::size_t i) {
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
  void init_initial_firms() {
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
        st.assets_rp[i] = p.assets_rp[i];
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
        st.level_rp[i] = level;
        st.expected_rp[i] = p.expected_revenue_rp[i] > 0.0 ? p.expected_revenue_rp[i] : level;
        st.workers[i] = p.workers[i];
        const auto cls = static_cast<std::uint8_t>(classify_firm(p.assets_rp[i], level, p.workers[i]));
        st.initial_class[i] = cls;
        st.size_class[i] = cls;
        st.status[i] = static_cast<std::uint8_t>(p.months_unable[i] > 0 ? FirmStatus::distressed : FirmStatus::active);
        st.cash_rp[i] = p.cash_rp[i];
        const double outflows = R0 * static_cast<double>(p.variable_cost_share[i]) +
                                (st.base_workers[i] - 1.0) * p.wage_rp_month[i] + p.fixed_cost_rp_month[i];
        cash_months[i] = p.cash_target_months[i] >= 0.0f
                             ? p.cash_target_months[i]
                             : static_cast<float>(outflows > 0.0 ? p.cash_rp[i] / outflows : 0.0);
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
        draw_exits(i, 0);
        expose(i);
      }
    });
    for (std::size_t i = 0; i < initial; ++i) initial_employment += p.workers[i];
  }

  // A new firm in row i from month t (an entrant, or in a burn-in the firm
  // replacing one that closed): region and sector as given, drawn like the
  // population's firms of class `cls` (docs/model.md §9), starting at
  // entrant_revenue_factor of its potential with as many workers and
  // assets, no debt and its cash target in cash; a member of `coop` if >= 0.
  void start_new_firm(std::size_t i, int t_now, std::uint16_t region, std::uint8_t sector, int cls,
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
    st.level_rp[i] = level;
    st.expected_rp[i] = level;
    const int workers = std::max(1, static_cast<int>(std::lround(scale * f.workers)));
    st.workers[i] = static_cast<std::uint16_t>(workers);
    st.assets_rp[i] = scale * f.assets_rp;
    const auto klass = static_cast<std::uint8_t>(classify_firm(st.assets_rp[i], level, workers));
    st.initial_class[i] = klass;
    st.size_class[i] = klass;
    st.status[i] = static_cast<std::uint8_t>(FirmStatus::active);
    cash_months[i] = static_cast<float>(f.cash_months);
    st.cash_rp[i] = f.cash_months * (f.variable_cost_share * level + (workers - 1) * f.wage_rp_month +
                                     f.fixed_cost_rp_month);
    if (use_cells) cell[i] = cell_index(i);
    derive_constants(i);
    draw_exits(i, t_now + 1);
    expose(i);
    if (coop_index >= 0 && n_coops > 0) {
      // An entrant joins its template's cooperative (admit_entrants counts
      // the new member); a burn-in replacement takes over its predecessor's
      // membership.
      st.cooperative[i] = coop_index;
      apply_joint(i);
    }
  }

  void compute_references() {
    base_by_sector.assign(n_sectors, 0.0);
    base_class_sector.assign(kSizeClasses, std::vector<double>(n_sectors, 0.0));
    base_region_sector.assign(n_regions, std::vector<double>(n_sectors, 0.0));
    mean_severity.assign(shocks.size(), std::vector<double>(n_sectors, 0.0));
    std::vector<double> count(n_sectors, 0.0);
    for (std::size_t i = 0; i < initial; ++i) {
      const std::size_t s = st.sector[i];
      const double r = st.level_rp[i];
      base_by_sector[s] += r;
      base_class_sector[st.initial_class[i]][s] += r;
      base_region_sector[st.region[i]][s] += r;
      count[s] += 1.0;
      for (std::size_t k = 0; k < shocks.size(); ++k) mean_severity[k][s] += st.shock_severity[k][i];
    }
    for (std::size_t k = 0; k < shocks.size(); ++k)
      for (std::size_t s = 0; s < n_sectors; ++s)
        if (count[s] > 0) mean_severity[k][s] /= count[s];
    sector_share.assign(n_sectors, 0.0);
    for (std::size_t s = 0; s < n_sectors; ++s)
      sector_share[s] = initial > 0 ? count[s] / static_cast<double>(initial) : 0.0;
  }

  // Admits this month's entrants: each takes the region, sector, class and
  // cooperative of a template — a firm that closed in the last two years of
  // the population's burn-in, so that entrants replace what exits, or any
  // initial firm — and is drawn afresh like the population's firms
  // (docs/model.md §9).
  std::int64_t admit_entrants() {
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

  // ---- one month ------------------------------------------------------------------

  struct ActiveShock {
    const float* severity;
    Channel channel;
    double intensity;
  };

  struct MonthContext {
    int t = 0;
    int calendar = 0;  // 0 = January
    bool review = false;
    std::vector<ActiveShock> active;
    std::vector<double> season;           // per sector
    std::vector<double> demand_keep;      // per sector: 1 - spill-over
    std::vector<double> raw_spill;        // per sector
    std::array<std::vector<detail::ShockTerm>, kChannels> by_channel;
    detail::PhaseAMonth phase_a{};        // points into the vectors above
  };

  MonthContext month_context() const {
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

  void step_month() {
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
  void record_panel(std::size_t n, const std::vector<double>& revenue_before) {
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
  double channel_stress(const MonthContext& ctx, Channel channel) const {
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
  void step_cooperatives(const MonthContext& ctx, const std::int64_t* sums) {
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

  static constexpr std::size_t kBatch = detail::kDrawBatch;
  // Firms per chunk. Chunk boundaries never depend on the thread count, so the
  // per-chunk money sums (rounded once per chunk) are reproducible.
  static constexpr std::size_t kChunk = 8192;
  static constexpr std::size_t kEntrantChunk = 1024;  // entrants per task

  // Phase B of the monthly step for the firms [b, e): phase A
  // (kernel.cpp) computes the arithmetic of a batch of firms without
  // branches; here each firm seeks credit, pays, lays off or hires, may close
  // and is counted. Each firm reads only its own state and month-level
  // constants and writes only its own state and the thread's accumulators.
  // Array pointers and parameters are held in locals: stores to byte arrays
  // may alias anything and would otherwise force reloads through `this`.
  void step_chunk(std::size_t b, std::size_t e, const MonthContext& ctx, std::int64_t* a) {
    const int t_now = ctx.t;
    const FirmParams K = P;
    const std::size_t base_sector = group_base_sector(), base_class = group_base_class(),
                      base_region = group_base_region();
    const bool cells = use_cells;
    const std::uint32_t* const cell_of = cell.data();
    const bool record = opt.record_flows;
    const bool review = ctx.review;
    const detail::PhaseAInputs in = phase_a_inputs();
    const detail::PhaseAMonth& mo = ctx.phase_a;
    auto* const cash_rp = st.cash_rp.data();
    auto* const closure_month = st.closure_month.data();
    auto* const ever_kur = st.ever_kur.data();
    auto* const expected_rp = st.expected_rp.data();
    auto* const first_distress_month = st.first_distress_month.data();
    auto* const informal_installment_rp = st.informal_installment_rp.data();
    auto* const informal_months_left = st.informal_months_left.data();
    auto* const informal_principal_rp = st.informal_principal_rp.data();
    auto* const debt_arrears_rp = st.debt_arrears_rp.data();
    auto* const initial_class = st.initial_class.data();
    auto* const last_main_problem = st.last_main_problem.data();
    auto* const level_rp = st.level_rp.data();
    auto* const loan_installment_rp = st.loan_installment_rp.data();
    auto* const loan_lender = st.loan_lender.data();
    auto* const loan_months_left = st.loan_months_left.data();
    auto* const loan_principal_rp = st.loan_principal_rp.data();
    auto* const loan_rate_year = st.loan_rate_year.data();
    auto* const main_problem = st.main_problem.data();
    auto* const months_distressed = st.months_distressed.data();
    auto* const months_overstaffed = st.months_overstaffed.data();
    auto* const months_unable = st.months_unable.data();
    auto* const payables_rp = st.payables_rp.data();
    auto* const owner_owed_rp = st.owner_owed_rp.data();
    auto* const receivables_rp = st.receivables_rp.data();
    auto* const region = st.region.data();
    auto* const revenue_total_rp = st.revenue_total_rp.data();
    auto* const revenue_window_rp = st.revenue_window_rp.data();
    auto* const sector = st.sector.data();
    auto* const size_class = st.size_class.data();
    auto* const status = st.status.data();
    auto* const variable_cost_share = st.variable_cost_share.data();
    auto* const base_revenue_rp = st.base_revenue_rp.data();
    auto* const fixed_cost_rp = st.fixed_cost_rp.data();
    auto* const workers_of = st.workers.data();
    auto* const wage_rp = st.wage_rp.data();
    auto* const months_low_income = st.months_low_income.data();
    const double unviable_hazard = 1.0 / K.unviable_patience_months;
    const int unviable_grace = static_cast<int>(K.unviable_grace_months);
    const std::int16_t* const owner_exit_month = st.owner_exit_month.data();
    auto* const ever_illiquid = st.ever_illiquid.data();
    const double* const assets_rp = st.assets_rp.data();
    auto* const loan_term_months = st.loan_term_months.data();
    auto* const loan_deferral = st.loan_deferral.data();
    const std::uint8_t* const loan_restructured = st.loan_restructured.data();
    const std::int32_t* const coop_of = st.cooperative.data();
    std::int64_t* const coop_sums = a + coop_base();
    double* const coop_txn = coop_txn_rp.data();
    const std::uint8_t* const joint_of = joint.data();
    const double joint_share = K.joint_buying_share;
    const bool has_members = n_coops > 0;
    // Monthly counts of this chunk, kept in locals and added once at the end.
    std::int64_t count_active = 0, count_distressed = 0, count_employment = 0, count_closed = 0, count_affected = 0,
                 sum_revenue_rp = 0;
    std::int64_t count_class[kSizeClasses] = {0, 0, 0, 0};
    std::int64_t count_problem[kChannels] = {0, 0, 0, 0};
    double sum_operating = 0, sum_draw = 0, sum_debt_paid = 0, sum_arrears = 0, sum_payables = 0,
           sum_cash = 0, sum_receivables = 0, sum_investment = 0, sum_assets = 0;
    double sum_credit[kLenders] = {0, 0, 0, 0};
    // The credit book: loans outstanding, in arrears, restructured.
    std::int64_t count_loans[kLenders] = {0, 0, 0, 0}, count_in_arrears[kLenders] = {0, 0, 0, 0},
                 count_restructured[kLenders] = {0, 0, 0, 0}, count_illiquid = 0;
    double sum_arrears_by[kLenders] = {0, 0, 0, 0}, sum_restructured[kLenders] = {0, 0, 0, 0};
    detail::PhaseAOut pre;
    // Per-batch results passed between the passes of phase B.
    NewLoans new_loans[kBatch];
    detail::PayOut paid;
    const detail::MoneyState money{cash_rp,     payables_rp,      receivables_rp,         owner_owed_rp,
                                   debt_arrears_rp, level_rp,    expected_rp,      revenue_window_rp,
                                   revenue_total_rp, st.potential_rp.data(), st.assets_rp.data(),
                                   st.investment_total_rp.data()};
    const detail::DebtState debt{loan_principal_rp, loan_installment_rp, informal_principal_rp, informal_installment_rp,
                                 debt_arrears_rp,   loan_months_left,    informal_months_left,  loan_deferral};
    for (std::size_t b0 = b; b0 < e; b0 += kBatch) {
      const std::size_t len = std::min(kBatch, e - b0);
      detail::firm_month_phase_a(in, mo, static_cast<std::uint32_t>(b0), len, pre);
      // Phase B runs in four passes over the batch, each with few live
      // arrays: (1) closed firms and credit, sparse; (2) payments and the
      // money state, branch-free so that it vectorises; (3) debt service;
      // (4) distress, labour, closure and the month's counts.
      alignas(64) double open_d[kBatch], credit[kBatch], denied[kBatch], coop_principal[kBatch];
      // The batch's open and closed firms, those that seek credit, and the
      // cooperatives' members (open ones, and all), in firm order: the later
      // loops run over these lists rather than branch on each firm, whether
      // it is open or seeks credit being a coin toss from one to the next.
      std::uint16_t open_list[kBatch], closed_list[kBatch], seek_list[kBatch], member_list[kBatch],
          all_members[kBatch];
      std::size_t n_open = 0, n_closed = 0, n_seek = 0, n_members = 0, n_all_members = 0;
      std::uint16_t holder_list[kBatch];  // open firms with a loan at the month's end (pass 4)
      std::uint16_t credit_list[kBatch];  // firms that obtained credit this month
      std::size_t n_holders = 0, n_credit = 0;
      // Pass 1.
      for (std::size_t j = 0; j < len; ++j) {
        const std::size_t i = b0 + j;
        const bool open = status[i] != static_cast<std::uint8_t>(FirmStatus::closed);
        open_d[j] = static_cast<double>(open);  // (a conversion: a select would be a branch)
        credit[j] = 0.0;
        denied[j] = 0.0;
        // A member's loan from its cooperative before this month's service.
        // (By arithmetic: principals are never negative, so a loan from
        // another lender gives +0, as the select did.)
        coop_principal[j] = loan_principal_rp[i] *
                            static_cast<double>(loan_lender[i] == static_cast<std::uint8_t>(Lender::cooperative));
        const auto jj = static_cast<std::uint16_t>(j);
        const bool member = coop_of[i] >= 0;
        open_list[n_open] = jj;
        n_open += open;
        closed_list[n_closed] = jj;
        n_closed += !open;
        seek_list[n_seek] = jj;
        n_seek += open & ((pre.shortfall[j] > 0.0) | (pre.invest_gap[j] > 0.0));
        member_list[n_members] = jj;
        n_members += open & member;
        all_members[n_all_members] = jj;
        n_all_members += member;
        if (record) {
          flows.stepped[i] = 0;
          flows.shu_received[i] = 0.0;
          flows.cash_before[i] = cash_rp[i];
          flows.payables_before[i] = payables_rp[i];
          flows.debt_service_due[i] = pre.loan_due[j] + pre.informal_due[j] + debt_arrears_rp[i];
        }
      }
      // Re-entry (off by default): a closed firm may reopen once its
      // market has recovered; it restarts with one worker, no debt and a
      // month of outflows in cash. It counts as open from next month.
      for (std::size_t q = 0; q < n_closed && K.reentry_monthly_prob > 0.0; ++q) {
        const std::size_t j = closed_list[q];
        const std::size_t i = b0 + j;
        if (!(pre.sales_keep[j] >= K.reentry_min_demand)) continue;
        const auto w = detail::philox_words(opt.seed, opt.replication, static_cast<std::uint32_t>(i),
                                            static_cast<std::uint32_t>(t_now),
                                            static_cast<std::uint32_t>(Purpose::firm_reentry));
        if (to_unit(w[0]) < K.reentry_monthly_prob) {
          status[i] = static_cast<std::uint8_t>(FirmStatus::active);
          workers_of[i] = 1;
          cash_rp[i] = variable_cost_share[i] * base_revenue_rp[i] + fixed_cost_rp[i];
          payables_rp[i] = 0.0;
          receivables_rp[i] = 0.0;
          owner_owed_rp[i] = 0.0;
          months_unable[i] = 0;
          months_low_income[i] = 0;
          months_overstaffed[i] = 0;
          expected_rp[i] = level_rp[i];
          closure_month[i] = -1;
          st.closure_reason[i] = static_cast<std::uint8_t>(ClosureReason::open);
          // The business restarts with the tools of one worker.
          st.assets_rp[i] = static_cast<double>(st.capital_intensity[i]) * productivity_rp[i];
          draw_exits(i, t_now + 1);
          a[m_reopened] += 1;
        }
      }
      // Credit: sought when obligations plus a buffer exceed the cash at
      // hand. New loans are installed in pass 3, after this month's
      // payments, so that their service starts next month.
      for (std::size_t q = 0; q < n_seek; ++q) {
        const std::size_t j = seek_list[q];
        const std::size_t i = b0 + j;
        new_loans[j] = seek_credit(i, t_now, pre.shortfall[j], pre.invest_gap[j], pre.cap_sev[j], a, denied[j]);
        credit[j] = new_loans[j].total();
        credit_list[n_credit] = static_cast<std::uint16_t>(j);
        n_credit += credit[j] != 0.0;
        const NewLoans& loans = new_loans[j];
        if (loans.formal_subsidised || loans.formal_guaranteed) {
          // Approved (or not) after the month; the award keeps the firm's
          // state as it sought the loan, before this month's payments.
          const detail::LoanTaken taken{static_cast<std::uint32_t>(i), loans.formal_rp, cash_rp[i],
                                        detail::monthly_obligations(i, st),
                                        status[i] == static_cast<std::uint8_t>(FirmStatus::distressed)};
          if (loans.formal_subsidised) programmes.kur_taken(b / kChunk).push_back(taken);
          if (loans.formal_guaranteed) programmes.guarantee_taken(b / kChunk).push_back(taken);
        }
      }

      // Pass 2 (kernel.cpp): payments and the money state.
      detail::firm_month_pay(money, static_cast<std::uint32_t>(b0), len, open_d, credit, denied, K.affected_min_share,
                             pre, paid);

      // Pass 3 (kernel.cpp): debt service; then the loan terms and the new
      // loans, installed after this month's payments so that their service
      // starts next month.
      detail::firm_month_debt(debt, static_cast<std::uint32_t>(b0), len, open_d, pre, paid);
      for (std::size_t q = 0; q < n_credit; ++q) {
        const std::size_t j = credit_list[q];
        const std::size_t i = b0 + j;
        {
          const NewLoans& loans = new_loans[j];
          if (loans.formal_rp > 0.0) {
            loan_principal_rp[i] = loans.formal_rp;
            loan_rate_year[i] = static_cast<float>(loans.formal_rate_year);
            loan_months_left[i] = static_cast<std::uint16_t>(loans.formal_term);
            loan_term_months[i] = static_cast<std::uint16_t>(loans.formal_term);
            loan_deferral[i] = 0;
            st.loan_restructured[i] = 0;
            loan_lender[i] = static_cast<std::uint8_t>(loans.formal_lender);
            if (loans.formal_subsidised) {
              loan_installment_rp[i] = programmes.kur_offer(i)->annuity_stored.installment(loans.formal_rp);
            } else if (loans.formal_earmarked) {
              loan_installment_rp[i] = detail::Annuity(static_cast<double>(loan_rate_year[i]), loans.formal_term)
                                           .installment(loans.formal_rp);
            } else {
              loan_installment_rp[i] =
                  annuity_stored[static_cast<std::size_t>(loans.formal_lender)].installment(loans.formal_rp);
            }
            if (loans.formal_lender == Lender::kur) ever_kur[i] = 1;
          }
          if (loans.informal_rp > 0.0) {
            informal_principal_rp[i] = loans.informal_rp;
            informal_months_left[i] = static_cast<std::uint16_t>(loans.informal_term);
            informal_installment_rp[i] =
                annuity[static_cast<std::size_t>(Lender::informal)].installment(loans.informal_rp);
          }
        }
      }

      // Pass 3c: dealings with the cooperative — its loan's service (unpaid
      // interest is added to the loan), overdue service, and the
      // transactions that earn a share of its SHU (loan interest and joint
      // purchases). Write-offs are booked by close_firm.
      if (has_members)
        for (std::size_t q = 0; q < n_members; ++q) {
          const std::size_t j = member_list[q];
          const std::size_t i = b0 + j;
          const std::int32_t member_of = coop_of[i];
          std::int64_t* cs = coop_sums + static_cast<std::size_t>(member_of) * detail::kCoopFields;
          double txn = 0.0;
          if (coop_principal[j] > 0.0) {
            // Interest accrues on a deferred loan too (it is added to the
            // principal when nothing is paid).
            const double interest = pre.loan_interest[j];
            // (No new formal loan was installed: the slot was taken.)
            const double after = loan_principal_rp[i];
            cs[detail::cf_repaid_rp] += rp(std::max(0.0, coop_principal[j] - after + interest));
            cs[detail::cf_interest_rp] += rp(interest);
            cs[detail::cf_firm_arrears_rp] += rp(std::min(debt_arrears_rp[i], after));
            txn += interest;
          }
          if (joint_of[i] & 1u) txn += joint_share * static_cast<double>(variable_cost_share[i]) * pre.revenue[j];
          const std::int64_t txn_rp = rp(txn);
          cs[detail::cf_transactions_rp] += txn_rp;
          coop_txn[i] += static_cast<double>(txn_rp);
        }

      // Pass 4: distress, labour, closure, class review and the counts.
      // Cell mode: one addition per metric into the firm's (region, sector,
      // class) cell; otherwise three, into the sector, class and region blocks.
      auto add_to_groups = [&](std::size_t i, int metric, std::int64_t v) __attribute__((always_inline)) {
        const auto k = static_cast<std::size_t>(metric);
        if (cells) {
          a[m_count + static_cast<std::size_t>(cell_of[i]) * g_count + k] += v;
        } else {
          a[base_sector + sector[i] * static_cast<std::size_t>(g_count) + k] += v;
          a[base_class + initial_class[i] * static_cast<std::size_t>(g_count) + k] += v;
          a[base_region + region[i] * static_cast<std::size_t>(g_count) + k] += v;
        }
      };
      // Closed firms are only counted.
      count_closed += static_cast<std::int64_t>(n_closed);
      for (std::size_t q = 0; q < n_closed; ++q) add_to_groups(b0 + closed_list[q], g_closed, 1);
      for (std::size_t q = 0; q < n_open; ++q) {
        const std::size_t j = open_list[q];
        const std::size_t i = b0 + j;
        auto group_add = [&](int metric, std::int64_t v) __attribute__((always_inline)) {
          add_to_groups(i, metric, v);
        };
        const double revenue = pre.revenue[j];
        const double operating_cost = pre.operating_cost[j];
        const double unpaid_operating = payables_rp[i];
        if (record) {
          flows.stepped[i] = 1;
          flows.cash_after[i] = cash_rp[i];
          flows.revenue[i] = revenue;
          flows.revenue_received[i] = pre.received[j];
          flows.operating_cost[i] = operating_cost;
          flows.operating_paid[i] = paid.operating_paid[j];
          flows.payables_after[i] = unpaid_operating;
          flows.debt_service_paid[i] = paid.debt_paid[j] + paid.catch_up[j];
          flows.debt_prepaid[i] = paid.prepaid[j];
          flows.closure_payout[i] = 0.0;
          flows.owner_due[i] = pre.owner_due[j];
          flows.owner_draw[i] = paid.draw[j];
          flows.new_credit[i] = credit[j];
          flows.credit_sought[i] = std::max(0.0, pre.shortfall[j]) + pre.invest_gap[j];
          flows.investment_gap[i] = pre.invest_gap[j];
          flows.investment[i] = paid.investment[j];
        }

        // Whether a firm is affected, unable to pay, or over-staffed is close
        // to a coin toss from one firm to the next in a shock, so these
        // updates are written as arithmetic (the compiler turns selects
        // into branches) rather than branches.
        const int main = static_cast<int>(paid.main_problem[j]);
        const bool affected = main >= 0;
        const int problem = main & -static_cast<int>(affected);  // main when affected, else 0
        main_problem[i] = static_cast<std::uint8_t>(kNoProblem + affected * (main - kNoProblem));
        last_main_problem[i] = static_cast<std::uint8_t>(last_main_problem[i] + affected * (main - last_main_problem[i]));
        count_affected += affected;
        count_problem[problem] += affected;
        group_add(g_affected, affected);
        group_add(g_problem + problem, affected);

        // Distress: unpaid operating costs, arrears, or an owner still owed;
        // a firm stays delinquent until its arrears are cleared.
        // Its suppliers or lenders unpaid: the months of the closure rule.
        const bool creditors_unpaid = (unpaid_operating > 0.0) | (debt_arrears_rp[i] > 0.0);
        const bool unable = creditors_unpaid | (owner_owed_rp[i] > 0.0);
        // Illiquid: could not pay its suppliers or lenders in full.
        ever_illiquid[i] = static_cast<std::uint8_t>(ever_illiquid[i] | (unpaid_operating > 0.0) |
                                                     (paid.unpaid_debt[j] > 0.0));
        // The household: months in a row the business did not support it.
        const bool low_income = pre.low_income[j] != 0.0;
        {
          const int low_before = months_low_income[i];
          months_low_income[i] = static_cast<std::uint8_t>((low_before + (low_before < 255)) * low_income);
        }
        {
          const int unable_before = months_unable[i];
          months_unable[i] =
              static_cast<std::uint8_t>((unable_before + (unable_before < 255)) * creditors_unpaid);
          const std::int16_t first = first_distress_month[i];
          first_distress_month[i] = static_cast<std::int16_t>(first + (unable & (first < 0)) * (t_now - first));
          const int distressed_before = months_distressed[i];
          months_distressed[i] = static_cast<std::uint16_t>(distressed_before + (unable & (distressed_before < 65535)));
        }

        // Labour: the workforce the expected revenue needs at normal
        // productivity. Lay off down to it after a lag when losing money, in
        // distress, or when the business no longer supports the household;
        // hire towards it when expected demand exceeds capacity (slack
        // included) and the firm is healthy.
        const int workers = workers_of[i];
        const double expected = pre.expected_next[j];
        const int need = std::max(1, ceil_positive(pre.need_workers[j]));
        int new_workers = workers;
        const bool overstaffed = (unable | (pre.profit[j] < 0.0) | low_income) & (workers > need);
        const int over_before = months_overstaffed[i];
        int over = (over_before + (over_before < 255)) * overstaffed;
        if (overstaffed) {
          if (over > K.layoff_lag_months) {
            new_workers -= ceil_positive(K.layoff_speed * (workers - need));
            over = 0;
          }
        } else if (!unable & (expected > pre.capacity_free[j]) & (workers < need) & (cash_rp[i] >= pre.buffer[j])) {
          // Hire towards the need, but only as many as the expected revenue
          // pays for: gross margin after fixed costs covers the wage bill.
          const int target = std::min(65535, workers + ceil_positive(K.hire_speed * (need - workers)));
          const double margin = expected * (1.0 - variable_cost_share[i]) - fixed_cost_rp[i];
          const double wage = wage_rp[i];
          const int affordable = wage > 0.0 ? 1 + static_cast<int>(std::min(margin / wage, 65534.0)) : 65535;
          new_workers = std::max(workers, std::min(target, affordable));
        }
        months_overstaffed[i] = static_cast<std::uint8_t>(over);
        workers_of[i] = static_cast<std::uint16_t>(std::max(1, new_workers));

        // Accumulate the month's flows (money in double within the chunk).
        // Revenue is rounded per firm, as in the breakdowns, so that the
        // groups add up to the monthly total exactly.
        const std::int64_t revenue_rp = rp(revenue);
        sum_revenue_rp += revenue_rp;
        group_add(g_revenue, revenue_rp);
        sum_operating += operating_cost;
        sum_draw += paid.draw[j];
        sum_debt_paid += paid.debt_paid[j] + paid.catch_up[j] + paid.prepaid[j];
        sum_arrears += paid.unpaid_debt[j];
        sum_investment += paid.investment[j];

        // Exits by every route (docs/model.md §5): insolvency, a business
        // that no longer supports the household for longer than the owner's
        // patience, and the owner leaving for reasons outside the business.
        ClosureReason reason = ClosureReason::open;
        // (Conditions joined by & rather than &&: one branch, not two.)
        const bool patience_tried = low_income & (months_low_income[i] > unviable_grace);
        if (months_unable[i] >= K.closure_after_months) {
          reason = ClosureReason::insolvent;
        } else if (patience_tried &&
                   (unviable_hazard >= 1.0 ||
                    to_unit(detail::philox_words(opt.seed, opt.replication, static_cast<std::uint32_t>(i),
                                                 static_cast<std::uint32_t>(t_now),
                                                 static_cast<std::uint32_t>(Purpose::firm_unviable))[0]) <
                        unviable_hazard)) {
          // Each month of low income the owner gives up with odds 1/patience.
          reason = ClosureReason::unviable;
        } else if (t_now >= owner_exit_month[i]) {
          reason = ClosureReason::owner_exit;
        }
        if (reason != ClosureReason::open) {
          close_firm(i, t_now, a, reason);
          group_add(g_closed, 1);
          group_add(g_new_closures, 1);
          // In the burn-in a new firm takes the closed one's place.
          if (burn_in) start_new_firm(i, t_now, region[i], sector[i], pop->size_class[i], coop_of[i]);
          continue;
        }

        // Yearly class review from the trailing window, annualised.
        if (review) review_class(i, t_now, a, group_add);

        status[i] = static_cast<std::uint8_t>(unable ? FirmStatus::distressed : FirmStatus::active);
        ++count_active;
        group_add(g_active, 1);
        count_distressed += unable;
        group_add(g_distressed, unable);
        count_employment += workers_of[i];
        group_add(g_employment, workers_of[i]);
        ++count_class[size_class[i]];
        sum_payables += payables_rp[i];
        sum_cash += cash_rp[i];
        sum_receivables += receivables_rp[i];
        sum_credit[loan_lender[i]] += loan_principal_rp[i];  // adds 0 without a loan
        sum_credit[static_cast<int>(Lender::informal)] += informal_principal_rp[i];
        sum_assets += assets_rp[i];
        count_illiquid += ever_illiquid[i];
        // The credit book (after this pass): the firms with a loan.
        holder_list[n_holders] = static_cast<std::uint16_t>(j);
        n_holders += (loan_principal_rp[i] > 0.0) | (informal_principal_rp[i] > 0.0);
      }
      // The credit book: arrears fall on the formal loan first. Whether a
      // holder has a formal loan, an informal one or both is a coin toss:
      // each is counted by arithmetic, a loan it does not hold adding
      // nothing (amounts are never negative, so adding +0 leaves every sum
      // as it was).
      for (std::size_t q = 0; q < n_holders; ++q) {
        const std::size_t i = b0 + holder_list[q];
        const double lp_end = loan_principal_rp[i], ip_end = informal_principal_rp[i];
        const double arrears_now = debt_arrears_rp[i];
        const double formal_arrears = std::min(arrears_now, lp_end);
        const bool has_formal = lp_end > 0.0, has_informal = ip_end > 0.0;
        const int l = loan_lender[i];
        const bool restructured = has_formal & (loan_restructured[i] != 0);
        count_loans[l] += has_formal;
        count_in_arrears[l] += has_formal & (formal_arrears > 0.0);
        sum_arrears_by[l] += formal_arrears * static_cast<double>(has_formal);
        count_restructured[l] += restructured;
        sum_restructured[l] += lp_end * static_cast<double>(restructured);
        const int inf = static_cast<int>(Lender::informal);
        const double informal_arrears = arrears_now - formal_arrears;
        count_loans[inf] += has_informal;
        count_in_arrears[inf] += has_informal & (informal_arrears > 0.0);
        sum_arrears_by[inf] += informal_arrears * static_cast<double>(has_informal);
      }

      // Pass 5: member firms' counts for their cooperative and the
      // member/non-member outcomes (sparse: most firms are no members).
      if (has_members)
        for (std::size_t q = 0; q < n_all_members; ++q) {
          const std::size_t j = all_members[q];
          const std::size_t i = b0 + j;
          const std::int32_t member_of = coop_of[i];
          if (open_d[j] == 0.0) {
            a[m_member_closed] += 1;
            continue;
          }
          a[m_member_revenue] += rp(pre.revenue[j]);
          const auto s_i = static_cast<FirmStatus>(status[i]);
          if (s_i == FirmStatus::closed) {
            a[m_member_closed] += 1;
            continue;
          }
          const bool distressed = s_i == FirmStatus::distressed;
          std::int64_t* cs = coop_sums + static_cast<std::size_t>(member_of) * detail::kCoopFields;
          cs[detail::cf_open_members] += 1;
          cs[detail::cf_distressed_members] += distressed;
          a[m_member_active] += 1;
          a[m_member_distressed] += distressed;
          a[m_member_employment] += workers_of[i];
        }
    }
    // Chunks have fixed boundaries whatever the thread count, so these sums
    // are deterministic; rounded to whole rupiah they join the integer
    // accumulators, whose totals do not depend on order.
    a[m_active] += count_active;
    a[m_distressed] += count_distressed;
    a[m_employment] += count_employment;
    a[m_closed] += count_closed;
    a[m_affected] += count_affected;
    a[m_revenue] += sum_revenue_rp;
    for (int c = 0; c < kSizeClasses; ++c) a[m_class + c] += count_class[c];
    for (int ch = 0; ch < kChannels; ++ch) a[m_problem + ch] += count_problem[ch];
    a[m_operating] += std::llround(sum_operating);
    a[m_draw] += std::llround(sum_draw);
    a[m_debt_paid] += std::llround(sum_debt_paid);
    a[m_arrears] += std::llround(sum_arrears);
    a[m_payables] += std::llround(sum_payables);
    a[m_cash] += std::llround(sum_cash);
    a[m_receivables] += std::llround(sum_receivables);
    a[m_investment] += std::llround(sum_investment);
    a[m_assets] += std::llround(sum_assets);
    a[m_ever_illiquid] += count_illiquid;
    for (int l = 0; l < kLenders; ++l) {
      a[m_credit + l] += std::llround(sum_credit[l]);
      a[m_loans + l] += count_loans[l];
      a[m_in_arrears + l] += count_in_arrears[l];
      a[m_arrears_by + l] += std::llround(sum_arrears_by[l]);
      a[m_restructured + l] += count_restructured[l];
      a[m_restructured_rp + l] += std::llround(sum_restructured[l]);
    }
  }

  detail::PhaseAInputs phase_a_inputs() const {
    return {st.sector.data(),          st.online_share.data(),        st.variable_cost_share.data(),
            st.workers.data(),
            st.level_rp.data(),        st.expected_rp.data(),         st.wage_rp.data(),
            st.fixed_cost_rp.data(),   st.payables_rp.data(),         st.receivables_rp.data(),
            st.cash_rp.data(),         st.owner_owed_rp.data(),       st.loan_principal_rp.data(),   st.loan_rate_year.data(),
            st.loan_installment_rp.data(), st.loan_months_left.data(), st.informal_principal_rp.data(), st.debt_arrears_rp.data(),
            st.informal_installment_rp.data(), st.informal_months_left.data(), productivity_rp.data(),
            base_profit_rp.data(), st.potential_rp.data(), st.demand_factor.data(), st.assets_rp.data(),
            st.capital_intensity.data(), cash_target_rp.data(), st.loan_deferral.data(), st.months_unable.data()};
  }

  // Loans granted this month; installed after the month's payments so that
  // debt service starts next month.
  struct NewLoans {
    double formal_rp = 0.0;
    Lender formal_lender = Lender::bank;
    double formal_rate_year = 0.0;
    int formal_term = 0;
    bool formal_subsidised = false;  ///< a KUR loan under a subsidy offer
    bool formal_guaranteed = false;  ///< a KUR or bank loan under a guarantee offer
    bool formal_earmarked = false;   ///< a cooperative loan from earmarked (CSR) funds, on their terms
    double informal_rp = 0.0;
    double informal_rate_year = 0.0;
    int informal_term = 0;
    double total() const { return formal_rp + informal_rp; }
  };

  // Tries the lenders in order (cooperative, KUR, bank, informal) until the
  // shortfall and the investment gap are covered; at most one formal and one informal loan are held
  // at a time. Adds to `denied_by_shock` what a lender refused only because
  // of the capital shock: the same draw would have been approved at the
  // shock-free odds (common random numbers make this exact per firm).
  NewLoans seek_credit(std::size_t i, int t_now, double shortfall, double invest_gap, double cap_sev,
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
    const int first = formal_free ? 0 : informal_index, end = informal_free ? kLenders : informal_index;
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

  // A closing firm sells its assets at liquidation_value_share of their book
  // value and with its cash repays its loans, the formal one first; what is
  // not repaid is written off (defaults_<lender>_rp). What is left goes
  // with the owner.
  void close_firm(std::size_t i, int t_now, std::int64_t* a, ClosureReason reason) {
    double funds = std::max(0.0, st.cash_rp[i]) + P.liquidation_value_share * st.assets_rp[i];
    const double formal = st.loan_principal_rp[i], informal = st.informal_principal_rp[i];
    const double formal_repaid = std::min(funds, formal);
    funds -= formal_repaid;
    const double informal_repaid = std::min(funds, informal);
    const bool coop_loan = st.loan_lender[i] == static_cast<std::uint8_t>(Lender::cooperative);
    if (formal > 0.0) {
      const int l = st.loan_lender[i];
      a[m_defaults + l] += rp(formal - formal_repaid);
      a[m_recovered + l] += rp(formal_repaid);
      // A borrowing member's cooperative is repaid what the firm can and
      // writes off the rest.
      if (st.cooperative[i] >= 0 && coop_loan) {
        std::int64_t* cs = a + coop_base() + static_cast<std::size_t>(st.cooperative[i]) * detail::kCoopFields;
        cs[detail::cf_default_rp] += rp(formal - formal_repaid);
        cs[detail::cf_repaid_rp] += rp(formal_repaid);
      }
    }
    if (informal > 0.0) {
      a[m_defaults + static_cast<int>(Lender::informal)] += rp(informal - informal_repaid);
      a[m_recovered + static_cast<int>(Lender::informal)] += rp(informal_repaid);
    }
    st.loan_written_off_rp[i] = formal - formal_repaid;
    if (opt.record_flows && flows.stepped[i]) {
      flows.closure_payout[i] = st.cash_rp[i];
      flows.cash_after[i] = 0.0;
    }
    st.cash_rp[i] = 0.0;
    st.assets_rp[i] = 0.0;
    st.status[i] = static_cast<std::uint8_t>(FirmStatus::closed);
    st.closure_month[i] = static_cast<std::int16_t>(t_now);
    st.closure_reason[i] = static_cast<std::uint8_t>(reason);
    st.loan_principal_rp[i] = 0.0;
    st.loan_installment_rp[i] = 0.0;
    st.loan_months_left[i] = 0;
    st.loan_deferral[i] = 0;
    st.loan_restructured[i] = 0;
    st.informal_principal_rp[i] = 0.0;
    st.debt_arrears_rp[i] = 0.0;
    st.informal_installment_rp[i] = 0.0;
    st.informal_months_left[i] = 0;
    st.payables_rp[i] = 0.0;
    st.receivables_rp[i] = 0.0;
    st.owner_owed_rp[i] = 0.0;
    st.months_overstaffed[i] = 0;
    st.months_low_income[i] = 0;
    a[m_closed] += 1;
    a[m_new_closures] += 1;
    a[m_closures_by + static_cast<int>(reason)] += 1;
  }

  template <class GroupAdd>
  void review_class(std::size_t i, int t_now, std::int64_t* a, GroupAdd& group_add) {
    const int window = sc.class_review_months;
    const int window_start = t_now - window + 1;
    const int active_from = std::max<int>(st.entry_month[i], window_start);
    const int months_in = t_now - active_from + 1;
    const double turnover_year = st.revenue_window_rp[i] * 12.0 / std::max(1, months_in);
    st.revenue_window_rp[i] = 0.0;
    const auto old_class = static_cast<SizeClass>(st.size_class[i]);
    const auto new_class = classify(sc.class_regime, sc.class_criterion, st.assets_rp[i], turnover_year, st.workers[i]);
    if (new_class == old_class) return;
    a[m_transitions + static_cast<int>(old_class) * kSizeClasses + static_cast<int>(new_class)] += 1;
    if (new_class > old_class) {
      a[m_upgrades] += 1;
      group_add(g_upgrades, 1);
      if (st.upgrades[i] < 255) ++st.upgrades[i];
    } else {
      a[m_downgrades] += 1;
      group_add(g_downgrades, 1);
      if (st.downgrades[i] < 255) ++st.downgrades[i];
    }
    st.size_class[i] = static_cast<std::uint8_t>(new_class);
    st.class_change_month[i] = static_cast<std::int16_t>(t_now);
  }

  // ---- results ------------------------------------------------------------------------

  /// With `move_state` the firm table takes the state vectors (no copy).
  RunResult build_result(bool move_state);
};

// ---- result assembly -----------------------------------------------------------

namespace {

using detail::make_categorical;
using detail::make_column;

std::vector<std::string> names_of_classes() {
  std::vector<std::string> v;
  for (auto c : kAllSizeClasses) v.emplace_back(to_string(c));
  return v;
}

}  // namespace

RunResult Simulation::Impl::build_result(bool move_state) {
  RunResult r;
  r.scenario = sc.name;
  r.population = pop->name;
  r.seed = opt.seed;
  r.replication = opt.replication;
  r.start = sc.start;
  r.months = t;
  r.survey_start = sc.survey_start;
  r.survey_end = sc.survey_end;
  r.initial_firms = static_cast<std::int64_t>(initial);
  r.initial_employment = initial_employment;
  r.region_names = pop->region_names;
  r.sector_names = pop->sector_names;
  r.elapsed_seconds = elapsed;
  r.threads = threads;
  const auto T = static_cast<std::size_t>(t);

  // Monthly table.
  {
    auto col_i = [&](int metric) {
      std::vector<std::int64_t> v(T);
      for (std::size_t m = 0; m < T; ++m) v[m] = monthly[m][static_cast<std::size_t>(metric)];
      return v;
    };
    auto col_d = [&](int metric) {
      std::vector<double> v(T);
      for (std::size_t m = 0; m < T; ++m) v[m] = static_cast<double>(monthly[m][static_cast<std::size_t>(metric)]);
      return v;
    };
    std::vector<std::int32_t> month(T);
    std::vector<std::string> date(T);
    std::vector<double> expected(T), index(T);
    std::vector<std::int64_t> entries(T);
    for (std::size_t m = 0; m < T; ++m) {
      month[m] = static_cast<std::int32_t>(m);
      date[m] = sc.start.plus(static_cast<int>(m)).to_string();
      double e = 0;
      for (double x : expected_sector[m]) e += x;
      expected[m] = e;
      index[m] = e > 0 ? static_cast<double>(monthly[m][m_revenue]) / e : 0.0;
      entries[m] = entries_done[m];
    }
    auto& cols = r.monthly.columns;
    cols.push_back(make_column("month", month));
    cols.push_back(make_column("date", date));
    cols.push_back(make_column("active_firms", col_i(m_active), "firms"));
    cols.push_back(make_column("distressed_firms", col_i(m_distressed), "firms"));
    cols.push_back(make_column("closed_firms", col_i(m_closed), "firms"));
    cols.push_back(make_column("new_closures", col_i(m_new_closures), "firms"));
    cols.push_back(make_column("entries", entries, "firms"));
    {
      std::vector<std::int64_t> refill(T, 0);
      for (std::size_t m = 0; m < T && m < refill_done.size(); ++m) refill[m] = refill_done[m];
      cols.push_back(make_column("entries_refill", std::move(refill), "firms"));
    }
    cols.push_back(make_column("reopened_firms", col_i(m_reopened), "firms"));
    cols.push_back(make_column("employment", col_i(m_employment), "workers"));
    cols.push_back(make_column("revenue_rp", col_d(m_revenue), "Rp"));
    cols.push_back(make_column("expected_revenue_rp", expected, "Rp"));
    cols.push_back(make_column("revenue_index", index, "ratio"));
    cols.push_back(make_column("affected_firms", col_i(m_affected), "firms"));
    for (auto ch : kAllChannels) {
      const int c = static_cast<int>(ch);
      cols.push_back(make_column("main_problem_" + std::string(to_string(ch)), col_i(m_problem + c), "firms"));
    }
    for (auto ch : kAllChannels) {
      const int c = static_cast<int>(ch);
      std::vector<double> share(T);
      for (std::size_t m = 0; m < T; ++m) {
        const auto aff = monthly[m][m_affected];
        share[m] = aff > 0 ? static_cast<double>(monthly[m][static_cast<std::size_t>(m_problem + c)]) / static_cast<double>(aff) : 0.0;
      }
      cols.push_back(make_column("main_problem_share_" + std::string(to_string(ch)), share, "share"));
    }
    for (auto l : kAllLenders) {
      const int li = static_cast<int>(l);
      const std::string ln(to_string(l));
      cols.push_back(make_column("credit_outstanding_" + ln + "_rp", col_d(m_credit + li), "Rp"));
      cols.push_back(make_column("new_loans_" + ln, col_i(m_new_loans + li), "loans"));
      cols.push_back(make_column("new_credit_" + ln + "_rp", col_d(m_new_credit + li), "Rp"));
      cols.push_back(make_column("defaults_" + ln + "_rp", col_d(m_defaults + li), "Rp"));
    }
    cols.push_back(make_column("arrears_rp", col_d(m_arrears), "Rp"));
    cols.push_back(make_column("payables_rp", col_d(m_payables), "Rp"));
    cols.push_back(make_column("receivables_rp", col_d(m_receivables), "Rp"));
    cols.push_back(make_column("cash_rp", col_d(m_cash), "Rp"));
    cols.push_back(make_column("operating_cost_rp", col_d(m_operating), "Rp"));
    cols.push_back(make_column("debt_service_paid_rp", col_d(m_debt_paid), "Rp"));
    cols.push_back(make_column("owner_draw_rp", col_d(m_draw), "Rp"));
    cols.push_back(make_column("investment_rp", col_d(m_investment), "Rp"));
    cols.push_back(make_column("assets_rp", col_d(m_assets), "Rp"));
    cols.push_back(make_column("closures_owner_exit", col_i(m_closures_by + static_cast<int>(ClosureReason::owner_exit)),
                               "firms"));
    cols.push_back(make_column("closures_unviable", col_i(m_closures_by + static_cast<int>(ClosureReason::unviable)),
                               "firms"));
    cols.push_back(make_column("closures_insolvent", col_i(m_closures_by + static_cast<int>(ClosureReason::insolvent)),
                               "firms"));
    cols.push_back(make_column("ever_illiquid_firms", col_i(m_ever_illiquid), "firms"));
    cols.push_back(make_column("upgrades", col_i(m_upgrades), "firms"));
    cols.push_back(make_column("downgrades", col_i(m_downgrades), "firms"));
    for (auto c : kAllSizeClasses)
      cols.push_back(make_column("firms_" + std::string(to_string(c)), col_i(m_class + static_cast<int>(c)), "firms"));
    // Member firms of cooperatives and the rest, side by side.
    auto rest = [&](int all, int members) {
      std::vector<std::int64_t> v(T);
      for (std::size_t m = 0; m < T; ++m)
        v[m] = monthly[m][static_cast<std::size_t>(all)] - monthly[m][static_cast<std::size_t>(members)];
      return v;
    };
    const std::pair<const char*, std::pair<int, int>> member_cols[] = {
        {"active_firms", {m_active, m_member_active}},
        {"distressed_firms", {m_distressed, m_member_distressed}},
        {"closed_firms", {m_closed, m_member_closed}},
        {"employment", {m_employment, m_member_employment}},
        {"revenue_rp", {m_revenue, m_member_revenue}}};
    for (const auto& [name, pair] : member_cols) {
      const std::string unit = std::string(name) == "employment" ? "workers" : std::string(name) == "revenue_rp" ? "Rp" : "firms";
      cols.push_back(make_column("member_" + std::string(name), col_i(pair.second), unit));
      cols.push_back(make_column("nonmember_" + std::string(name), rest(pair.first, pair.second), unit));
    }
  }

  // The credit book per lender (long: one row per month and lender).
  {
    const std::size_t rows = T * kLenders;
    std::vector<std::int32_t> month(rows);
    std::vector<std::uint8_t> lender(rows);
    std::vector<std::int64_t> loans(rows), new_loans(rows), in_arrears(rows), restructured(rows);
    std::vector<double> outstanding(rows), new_rp(rows), arrears(rows), restructured_rp(rows), written_off(rows),
        recovered(rows);
    for (std::size_t m = 0; m < T; ++m)
      for (std::size_t l = 0; l < static_cast<std::size_t>(kLenders); ++l) {
        const std::size_t row = m * kLenders + l;
        const auto& x = monthly[m];
        const int li = static_cast<int>(l);
        month[row] = static_cast<std::int32_t>(m);
        lender[row] = static_cast<std::uint8_t>(l);
        loans[row] = x[static_cast<std::size_t>(m_loans + li)];
        outstanding[row] = static_cast<double>(x[static_cast<std::size_t>(m_credit + li)]);
        new_loans[row] = x[static_cast<std::size_t>(m_new_loans + li)];
        new_rp[row] = static_cast<double>(x[static_cast<std::size_t>(m_new_credit + li)]);
        in_arrears[row] = x[static_cast<std::size_t>(m_in_arrears + li)];
        arrears[row] = static_cast<double>(x[static_cast<std::size_t>(m_arrears_by + li)]);
        restructured[row] = x[static_cast<std::size_t>(m_restructured + li)];
        restructured_rp[row] = static_cast<double>(x[static_cast<std::size_t>(m_restructured_rp + li)]);
        written_off[row] = static_cast<double>(x[static_cast<std::size_t>(m_defaults + li)]);
        recovered[row] = static_cast<double>(x[static_cast<std::size_t>(m_recovered + li)]);
      }
    std::vector<std::string> lender_names;
    for (auto l : kAllLenders) lender_names.emplace_back(to_string(l));
    auto& c = r.credit_book.columns;
    c.push_back(make_column("month", std::move(month)));
    c.push_back(make_categorical("lender", std::move(lender), lender_names));
    c.push_back(make_column("loans", std::move(loans), "loans"));
    c.push_back(make_column("outstanding_rp", std::move(outstanding), "Rp"));
    c.push_back(make_column("new_loans", std::move(new_loans), "loans"));
    c.push_back(make_column("new_rp", std::move(new_rp), "Rp"));
    c.push_back(make_column("in_arrears", std::move(in_arrears), "loans"));
    c.push_back(make_column("arrears_rp", std::move(arrears), "Rp"));
    c.push_back(make_column("restructured", std::move(restructured), "loans"));
    c.push_back(make_column("restructured_rp", std::move(restructured_rp), "Rp"));
    c.push_back(make_column("written_off_rp", std::move(written_off), "Rp"));
    c.push_back(make_column("recovered_rp", std::move(recovered), "Rp"));
  }

  // The firm panel: the months asked for, one after the other.
  if (!panel_parts.empty()) {
    auto& cols = r.panel.columns;
    cols = std::move(panel_parts.front());
    for (std::size_t k = 1; k < panel_parts.size(); ++k)
      for (std::size_t c = 0; c < cols.size(); ++c)
        std::visit(
            [&](auto& dst) {
              auto& src = std::get<std::decay_t<decltype(dst)>>(panel_parts[k][c].data);
              dst.insert(dst.end(), std::make_move_iterator(src.begin()), std::make_move_iterator(src.end()));
            },
            cols[c].data);
    panel_parts.clear();
  }

  // Cooperatives: monthly totals, by type and by kecamatan, and the panel.
  if (n_coops > 0) {
    auto coop_table = [&](std::size_t n_groups, const std::vector<std::string>* names, auto get) {
      Table tb;
      const std::size_t rows = T * n_groups;
      std::vector<std::int32_t> month(rows);
      std::vector<std::uint16_t> group(rows);
      std::vector<const detail::CoopTotals*> row_of(rows);
      for (std::size_t m = 0; m < T; ++m)
        for (std::size_t g = 0; g < n_groups; ++g) {
          const std::size_t row = m * n_groups + g;
          month[row] = static_cast<std::int32_t>(m);
          group[row] = static_cast<std::uint16_t>(g);
          row_of[row] = &get(m, g);
        }
      tb.columns.push_back(make_column("month", month));
      if (names != nullptr) tb.columns.push_back(make_categorical("group", group, *names));
      auto counts = [&](const char* name, std::int64_t detail::CoopTotals::*f, const char* unit) {
        std::vector<std::int64_t> v(rows);
        for (std::size_t k = 0; k < rows; ++k) v[k] = row_of[k]->*f;
        tb.columns.push_back(make_column(name, std::move(v), unit));
      };
      auto money = [&](const char* name, double detail::CoopTotals::*f) {
        std::vector<double> v(rows);
        for (std::size_t k = 0; k < rows; ++k) v[k] = row_of[k]->*f;
        tb.columns.push_back(make_column(name, std::move(v), "Rp"));
      };
      counts("cooperatives", &detail::CoopTotals::cooperatives, "cooperatives");
      counts("founded", &detail::CoopTotals::founded, "cooperatives");
      counts("active", &detail::CoopTotals::active, "cooperatives");
      counts("healthy", &detail::CoopTotals::healthy, "cooperatives");
      counts("stressed", &detail::CoopTotals::stressed, "cooperatives");
      counts("rat_held", &detail::CoopTotals::rat_held, "cooperatives");
      counts("rat_virtual", &detail::CoopTotals::rat_virtual, "cooperatives");
      counts("member_firms_open", &detail::CoopTotals::member_firms_open, "firms");
      counts("new_loans_firms", &detail::CoopTotals::new_loans_firms, "loans");
      money("cash_rp", &detail::CoopTotals::cash_rp);
      money("lendable_rp", &detail::CoopTotals::lendable_rp);
      money("deposits_rp", &detail::CoopTotals::deposits_rp);
      money("deposit_inflow_rp", &detail::CoopTotals::deposit_inflow_rp);
      money("withdrawals_rp", &detail::CoopTotals::withdrawals_rp);
      money("withdrawals_unmet_rp", &detail::CoopTotals::withdrawals_unmet_rp);
      money("loans_rp", &detail::CoopTotals::loans_rp);
      money("firm_loans_rp", &detail::CoopTotals::firm_loans_rp);
      money("new_loans_firms_rp", &detail::CoopTotals::new_loans_firms_rp);
      money("new_loans_households_rp", &detail::CoopTotals::new_loans_households_rp);
      money("arrears_rp", &detail::CoopTotals::arrears_rp);
      money("defaults_rp", &detail::CoopTotals::defaults_rp);
      money("own_capital_rp", &detail::CoopTotals::own_capital_rp);
      money("borrowed_rp", &detail::CoopTotals::borrowed_rp);
      money("surplus_rp", &detail::CoopTotals::surplus_rp);
      money("shu_paid_rp", &detail::CoopTotals::shu_paid_rp);
      money("shu_funds_rp", &detail::CoopTotals::shu_funds_rp);
      money("business_volume_rp", &detail::CoopTotals::business_volume_rp);
      money("member_credit_unmet_rp", &detail::CoopTotals::member_credit_unmet_rp);
      money("joint_lent_rp", &detail::CoopTotals::joint_lent_rp);
      money("joint_borrowed_rp", &detail::CoopTotals::joint_borrowed_rp);
      money("joint_placed_rp", &detail::CoopTotals::joint_placed_rp);
      money("joint_received_rp", &detail::CoopTotals::joint_received_rp);
      return tb;
    };
    std::vector<std::string> type_names;
    for (auto ty : kAllCoopTypes) type_names.emplace_back(to_string(ty));
    r.cooperatives_monthly = coop_table(1, nullptr, [&](std::size_t m, std::size_t) -> const detail::CoopTotals& {
      return coop_total[m];
    });
    r.cooperatives_by_type = coop_table(kCoopTypes, &type_names, [&](std::size_t m, std::size_t g) -> const detail::CoopTotals& {
      return coop_by_type[m][g];
    });
    r.cooperatives_by_region = coop_table(n_regions, &pop->region_names,
                                          [&](std::size_t m, std::size_t g) -> const detail::CoopTotals& {
                                            return coop_by_region[m][g];
                                          });
    if (!coop_panel.empty()) {
      // Every cooperative that existed in the run, in every month (all
      // zero before a new cooperative was founded).
      const std::size_t n_panel = coop_panel.back().size();
      static const detail::CoopTotals none{};
      r.cooperatives_panel = coop_table(n_panel, nullptr, [&](std::size_t m, std::size_t g) -> const detail::CoopTotals& {
        return g < coop_panel[m].size() ? coop_panel[m][g] : none;
      });
      std::vector<std::int32_t> id(T * n_panel);
      for (std::size_t k = 0; k < id.size(); ++k) id[k] = static_cast<std::int32_t>(k % n_panel);
      const auto& co = coop.state();
      std::vector<std::uint16_t> region(id.size()), type(id.size());
      for (std::size_t k = 0; k < id.size(); ++k) {
        region[k] = co.region[k % n_panel];
        type[k] = co.type[k % n_panel];
      }
      auto& cols = r.cooperatives_panel.columns;
      cols.insert(cols.begin() + 1, make_column("cooperative", id));
      cols.insert(cols.begin() + 2, make_categorical("region", region, pop->region_names));
      cols.insert(cols.begin() + 3, make_categorical("type", type, type_names));
    }
  }

  // Programmes: reach and money by month, the ledger, the payments.
  if (!programmes.empty()) {
    const auto& book = programmes;
    std::vector<std::string> prog_names;
    for (std::size_t k = 0; k < book.size(); ++k) prog_names.push_back(book.spec(k).name);
    const auto& months = book.months();
    const std::size_t P_n = book.size(), rows = months.size() * P_n;
    std::vector<std::int32_t> month(rows);
    std::vector<std::uint16_t> prog(rows), kind(rows);
    std::vector<std::string> kind_names;
    for (auto k : kAllProgrammeKinds) kind_names.emplace_back(to_string(k));
    for (std::size_t m = 0; m < months.size(); ++m)
      for (std::size_t k = 0; k < P_n; ++k) {
        month[m * P_n + k] = static_cast<std::int32_t>(m);
        prog[m * P_n + k] = static_cast<std::uint16_t>(k);
        kind[m * P_n + k] = static_cast<std::uint16_t>(book.spec(k).kind);
      }
    Table& tb = r.programmes_monthly;
    tb.columns.push_back(make_column("month", month));
    tb.columns.push_back(make_categorical("programme", prog, prog_names));
    tb.columns.push_back(make_categorical("kind", kind, kind_names));
    auto counts = [&](const char* name, std::int64_t detail::ProgrammeMonth::*f, const char* unit) {
      std::vector<std::int64_t> v(rows);
      for (std::size_t m = 0; m < months.size(); ++m)
        for (std::size_t k = 0; k < P_n; ++k) v[m * P_n + k] = months[m][k].*f;
      tb.columns.push_back(make_column(name, std::move(v), unit));
    };
    auto money = [&](const char* name, double detail::ProgrammeMonth::*f) {
      std::vector<double> v(rows);
      for (std::size_t m = 0; m < months.size(); ++m)
        for (std::size_t k = 0; k < P_n; ++k) v[m * P_n + k] = months[m][k].*f;
      tb.columns.push_back(make_column(name, std::move(v), "Rp"));
    };
    counts("eligible", &detail::ProgrammeMonth::eligible, "firms");
    counts("applicants", &detail::ProgrammeMonth::applicants, "firms");
    counts("new_recipients", &detail::ProgrammeMonth::new_recipients, "firms");
    counts("beneficiaries", &detail::ProgrammeMonth::beneficiaries, "firms");
    counts("rejected_budget", &detail::ProgrammeMonth::rejected_budget, "firms");
    counts("rejected_capacity", &detail::ProgrammeMonth::rejected_capacity, "firms");
    counts("rejected_quota", &detail::ProgrammeMonth::rejected_quota, "firms");
    counts("capacity", &detail::ProgrammeMonth::capacity, "firms");
    money("transfer_rp", &detail::ProgrammeMonth::transfer_rp);
    money("admin_rp", &detail::ProgrammeMonth::admin_rp);
    money("leakage_rp", &detail::ProgrammeMonth::leakage_rp);
    money("committed_rp", &detail::ProgrammeMonth::committed_rp);
    money("spent_to_date_rp", &detail::ProgrammeMonth::spent_to_date_rp);
    money("budget_left_rp", &detail::ProgrammeMonth::budget_left_rp);
    money("resale_proceeds_rp", &detail::ProgrammeMonth::resale_proceeds_rp);
    money("relief_rp", &detail::ProgrammeMonth::relief_rp);

    const auto& ledger = book.ledger();
    const std::size_t L = ledger.size();
    std::vector<std::int32_t> l_month(L);
    std::vector<std::uint16_t> l_prog(L), l_region(L);
    std::vector<std::uint8_t> l_class(L), l_sector(L), l_recipient(L);
    std::vector<double> l_transfer(L), l_admin(L), l_leak(L);
    for (std::size_t k = 0; k < L; ++k) {
      const auto& row = ledger[k];
      l_month[k] = row.month;
      l_prog[k] = row.programme;
      l_region[k] = row.region;
      l_recipient[k] = row.recipient;
      l_class[k] = row.size_class;
      l_sector[k] = row.sector;
      l_transfer[k] = row.transfer_rp;
      l_admin[k] = row.admin_rp;
      l_leak[k] = row.leakage_rp;
    }
    Table& lt = r.programme_ledger;
    lt.columns.push_back(make_column("month", std::move(l_month)));
    lt.columns.push_back(make_categorical("programme", std::move(l_prog), prog_names));
    lt.columns.push_back(make_categorical("recipient", std::move(l_recipient), {"firm", "cooperative"}));
    lt.columns.push_back(make_categorical("region", std::move(l_region), pop->region_names));
    lt.columns.push_back(make_categorical("size_class", std::move(l_class), names_of_classes()));
    lt.columns.push_back(make_categorical("sector", std::move(l_sector), pop->sector_names));
    lt.columns.push_back(make_column("transfer_rp", std::move(l_transfer), "Rp"));
    lt.columns.push_back(make_column("admin_rp", std::move(l_admin), "Rp"));
    lt.columns.push_back(make_column("leakage_rp", std::move(l_leak), "Rp"));

    const auto& pays = book.payments();
    const std::size_t N = pays.size();
    std::vector<std::int32_t> p_month(N), p_firm(N), p_coop(N);
    std::vector<std::uint16_t> p_prog(N);
    std::vector<double> p_transfer(N), p_admin(N), p_leak(N);
    for (std::size_t k = 0; k < N; ++k) {
      p_month[k] = pays[k].month;
      p_prog[k] = pays[k].programme;
      p_firm[k] = pays[k].firm;
      p_coop[k] = pays[k].cooperative;
      p_transfer[k] = pays[k].transfer_rp;
      p_admin[k] = pays[k].admin_rp;
      p_leak[k] = pays[k].leakage_rp;
    }
    Table& pt = r.programme_payments;
    pt.columns.push_back(make_column("month", std::move(p_month)));
    pt.columns.push_back(make_categorical("programme", std::move(p_prog), prog_names));
    pt.columns.push_back(make_column("firm", std::move(p_firm)));
    pt.columns.push_back(make_column("cooperative", std::move(p_coop)));
    pt.columns.push_back(make_column("transfer_rp", std::move(p_transfer), "Rp"));
    pt.columns.push_back(make_column("admin_rp", std::move(p_admin), "Rp"));
    pt.columns.push_back(make_column("leakage_rp", std::move(p_leak), "Rp"));

    const auto& awards = book.awards();
    const std::size_t A = awards.size();
    std::vector<std::int32_t> a_month(A), a_firm(A), a_coop(A);
    std::vector<std::uint16_t> a_prog(A);
    std::vector<std::uint8_t> a_distressed(A);
    std::vector<double> a_cash(A), a_obligations(A);
    for (std::size_t k = 0; k < A; ++k) {
      a_month[k] = awards[k].month;
      a_prog[k] = awards[k].programme;
      a_firm[k] = awards[k].firm;
      a_coop[k] = awards[k].cooperative;
      a_distressed[k] = awards[k].distressed;
      a_cash[k] = awards[k].cash_rp;
      a_obligations[k] = awards[k].obligations_rp;
    }
    Table& at = r.programme_awards;
    at.columns.push_back(make_column("month", std::move(a_month)));
    at.columns.push_back(make_categorical("programme", std::move(a_prog), prog_names));
    at.columns.push_back(make_column("firm", std::move(a_firm)));
    at.columns.push_back(make_column("cooperative", std::move(a_coop)));
    at.columns.push_back(make_column("distressed", std::move(a_distressed)));
    at.columns.push_back(make_column("cash_rp", std::move(a_cash), "Rp"));
    at.columns.push_back(make_column("obligations_rp", std::move(a_obligations), "Rp"));
  }

  // Breakdowns (long form).
  auto breakdown = [&](std::size_t base, std::size_t n_groups, const std::vector<std::string>& names,
                       auto reference) {
    Table tb;
    const std::size_t rows = T * n_groups;
    std::vector<std::int32_t> month(rows);
    std::vector<std::uint16_t> group(rows);
    std::vector<double> expected(rows), index(rows);
    std::array<std::vector<std::int64_t>, g_count> v;
    for (auto& x : v) x.resize(rows);
    for (std::size_t m = 0; m < T; ++m)
      for (std::size_t g = 0; g < n_groups; ++g) {
        const std::size_t row = m * n_groups + g;
        month[row] = static_cast<std::int32_t>(m);
        group[row] = static_cast<std::uint16_t>(g);
        for (int k = 0; k < g_count; ++k)
          v[static_cast<std::size_t>(k)][row] = groups[m][base - m_count + g * g_count + static_cast<std::size_t>(k)];
        expected[row] = reference(m, g);
        index[row] = expected[row] > 0 ? static_cast<double>(v[g_revenue][row]) / expected[row] : 0.0;
      }
    tb.columns.push_back(make_column("month", month));
    tb.columns.push_back(make_categorical("group", group, names));
    tb.columns.push_back(make_column("active_firms", v[g_active], "firms"));
    tb.columns.push_back(make_column("distressed_firms", v[g_distressed], "firms"));
    tb.columns.push_back(make_column("closed_firms", v[g_closed], "firms"));
    tb.columns.push_back(make_column("new_closures", v[g_new_closures], "firms"));
    tb.columns.push_back(make_column("employment", v[g_employment], "workers"));
    std::vector<double> revenue(rows);
    for (std::size_t k = 0; k < rows; ++k) revenue[k] = static_cast<double>(v[g_revenue][k]);
    tb.columns.push_back(make_column("revenue_rp", revenue, "Rp"));
    tb.columns.push_back(make_column("expected_revenue_rp", expected, "Rp"));
    tb.columns.push_back(make_column("revenue_index", index, "ratio"));
    tb.columns.push_back(make_column("affected_firms", v[g_affected], "firms"));
    for (auto ch : kAllChannels)
      tb.columns.push_back(make_column("main_problem_" + std::string(to_string(ch)),
                                       v[static_cast<std::size_t>(g_problem + static_cast<int>(ch))], "firms"));
    tb.columns.push_back(make_column("upgrades", v[g_upgrades], "firms"));
    tb.columns.push_back(make_column("downgrades", v[g_downgrades], "firms"));
    return tb;
  };
  auto season_of = [&](std::size_t m, std::size_t s) {
    return pop->sector_seasonality[s][static_cast<std::size_t>(sc.start.plus(static_cast<int>(m)).month - 1)];
  };
  r.by_sector = breakdown(group_base_sector(), n_sectors, pop->sector_names,
                          [&](std::size_t m, std::size_t g) { return expected_sector[m][g]; });
  r.by_class = breakdown(group_base_class(), kSizeClasses, names_of_classes(), [&](std::size_t m, std::size_t g) {
    double e = 0;
    for (std::size_t s = 0; s < n_sectors; ++s) e += base_class_sector[g][s] * season_of(m, s);
    return e;
  });
  r.by_region = breakdown(group_base_region(), n_regions, pop->region_names, [&](std::size_t m, std::size_t g) {
    double e = 0;
    for (std::size_t s = 0; s < n_sectors; ++s) e += base_region_sector[g][s] * season_of(m, s);
    return e;
  });

  for (std::size_t m = 0; m < T; ++m)
    for (int from = 0; from < kSizeClasses; ++from)
      for (int to = 0; to < kSizeClasses; ++to)
        r.class_transitions[static_cast<std::size_t>(from)][static_cast<std::size_t>(to)] +=
            monthly[m][static_cast<std::size_t>(m_transitions + from * kSizeClasses + to)];

  // Firm microdata: the state vectors move into the table (no copy).
  if (opt.microdata) {
    const std::size_t n = st.count;
    auto shrink = [n, move_state](auto& v) {
      using V = std::decay_t<decltype(v)>;
      if (!move_state) return V(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(n));
      v.resize(n);
      return std::move(v);
    };
    std::vector<std::int32_t> firm(n);
    for (std::size_t i = 0; i < n; ++i) firm[i] = static_cast<std::int32_t>(i);
    std::vector<double> debt(n);
    for (std::size_t i = 0; i < n; ++i) debt[i] = st.loan_principal_rp[i] + st.informal_principal_rp[i];
    std::vector<std::uint16_t> final_workers(st.workers.begin(), st.workers.begin() + static_cast<std::ptrdiff_t>(n));
    for (std::size_t i = 0; i < n; ++i)
      if (st.status[i] == static_cast<std::uint8_t>(FirmStatus::closed)) final_workers[i] = 0;
    std::vector<std::string> statuses = {"active", "distressed", "closed"};
    std::vector<std::string> problems;
    for (auto ch : kAllChannels) problems.emplace_back(to_string(ch));
    auto& cols = r.firms.columns;
    cols.push_back(make_column("firm", firm));
    cols.push_back(make_column("entry_month", shrink(st.entry_month)));
    cols.push_back(make_categorical("region", shrink(st.region), pop->region_names));
    cols.push_back(make_categorical("sector", shrink(st.sector), pop->sector_names));
    cols.push_back(make_column("cooperative", shrink(st.cooperative)));
    cols.push_back(make_categorical("initial_class", shrink(st.initial_class), names_of_classes()));
    cols.push_back(make_categorical("final_class", shrink(st.size_class), names_of_classes()));
    cols.push_back(make_categorical("status", shrink(st.status), statuses));
    cols.push_back(make_column("initial_workers", shrink(st.base_workers), "workers"));
    cols.push_back(make_column("final_workers", std::move(final_workers), "workers"));
    // Open firms' workforce at the end (closed firms count 0 above).
    cols.push_back(make_column("first_distress_month", shrink(st.first_distress_month)));
    cols.push_back(make_column("closure_month", shrink(st.closure_month)));
    cols.push_back(make_column("class_change_month", shrink(st.class_change_month)));
    cols.push_back(make_column("upgrades", shrink(st.upgrades)));
    cols.push_back(make_column("downgrades", shrink(st.downgrades)));
    cols.push_back(make_column("months_distressed", shrink(st.months_distressed), "months"));
    cols.push_back(make_categorical("last_main_problem", shrink(st.last_main_problem), problems));
    cols.push_back(make_column("baseline_revenue_rp_month", shrink(st.base_revenue_rp), "Rp"));
    cols.push_back(make_column("revenue_total_rp", shrink(st.revenue_total_rp), "Rp"));
    cols.push_back(make_column("final_cash_rp", shrink(st.cash_rp), "Rp"));
    cols.push_back(make_column("final_debt_rp", std::move(debt), "Rp"));
    cols.push_back(make_column("online_share", shrink(st.online_share), "share"));
    cols.push_back(make_column("registered", shrink(st.registered)));
    cols.push_back(make_column("ever_kur", shrink(st.ever_kur)));
    std::vector<std::string> reasons;
    for (auto reason : kAllClosureReasons) reasons.emplace_back(to_string(reason));
    cols.push_back(make_categorical("closure_reason", shrink(st.closure_reason), reasons));
    cols.push_back(make_column("ever_illiquid", shrink(st.ever_illiquid)));
    cols.push_back(make_column("final_assets_rp", shrink(st.assets_rp), "Rp"));
    cols.push_back(make_column("investment_total_rp", shrink(st.investment_total_rp), "Rp"));
    cols.push_back(make_column("loan_written_off_rp", shrink(st.loan_written_off_rp), "Rp"));
  }
  finished = true;
  return r;
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

// ---- burn-in ---------------------------------------------------------------------

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
