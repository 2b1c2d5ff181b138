// The run's engine inside (private to src/engine/): the state of a
// simulation, Simulation::Impl, and the layout of its accumulators. Each
// part of what it does is in a file of its own:
//   setup.cpp       building a run: shocks, entry plan, cooperatives, programmes
//   entry.cpp       a firm's start-up: the population's firms, entrants,
//                   the burn-in's replacements
//   month.cpp       the driver: one month in order, its context, the
//                   cooperatives' month, the panel; Simulation's API
//   firm_month.cpp  the firm's month (phase B around the kernels), closure,
//                   class review
//   credit.cpp      credit: the lenders a firm in need turns to
//   build_result.cpp  RunResult from the months' totals
//   burn_in.cpp     the population's burn-in and the entry spec of a registry
// See docs/model.md for the equations and docs/design.md for the layout.
#pragma once

#include "msmesim/engine/engine.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "core/annuity.hpp"
#include "core/columns.hpp"
#include "cooperatives/coop_book.hpp"
#include "core/distributions.hpp"
#include "kernels/draws.hpp"
#include "population/firm_draw.hpp"
#include "kernels/kernel.hpp"
#include "core/parallel.hpp"
#include "core/philox.hpp"
#include "programmes/programme_book.hpp"
#include "msmesim/core/error.hpp"
#include "msmesim/core/rng.hpp"

namespace msmesim {

namespace engine {

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

inline std::uint32_t fnv1a(const std::string& s) {
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

inline double installment(double principal, double rate_year, int months) {
  return Annuity(rate_year, months).installment(principal);
}

}  // namespace engine

using namespace engine;  // (only the engine's own files include this header)

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

  void require_memory_for(std::size_t capacity) const;

  Impl(const Population& p, const Scenario& s, RunOptions o, bool burning_in = false);

  void init_cooperatives();

  void apply_joint(std::size_t i);

  void refresh_costs(std::size_t i);

  std::int64_t total_entries() const {
    std::int64_t s = refill_reserve;
    for (auto e : entries_per_month) s += e;
    return s;
  }

  void compile_shocks();

  void make_drawer();

  void plan_entries();

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

  void draw_exits(std::size_t i, int from_month);

  void expose(std::size_t i);

  SizeClass classify_firm(double assets, double revenue_month, int workers) const {
    return classify(sc.class_regime, sc.class_criterion, assets, 12.0 * revenue_month, workers);
  }

  void reset_histories(std::size_t i);

  void init_initial_firms();

  /// How a firm opens (open_firm): its workforce, revenue level and
  /// expectation, assets and cash, and whether it opens in distress.
  struct Opening {
    int workers;
    double level_rp, expected_rp, assets_rp, cash_rp;
    bool distressed;
  };
  /// The one start-up of a firm (entry.cpp): the population's firms,
  /// entrants, the burn-in's replacements and re-entrants all open here.
  void open_firm(std::size_t i, int from_month, const Opening& o);

  void start_new_firm(std::size_t i, int t_now, std::uint16_t region, std::uint8_t sector, int cls,
                      std::int32_t coop_index);

  void compute_references();

  std::int64_t admit_entrants();

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

  MonthContext month_context() const;

  void step_month();

  void record_panel(std::size_t n, const std::vector<double>& revenue_before);

  double channel_stress(const MonthContext& ctx, Channel channel) const;

  void step_cooperatives(const MonthContext& ctx, const std::int64_t* sums);

  static constexpr std::size_t kBatch = detail::kDrawBatch;
  // Firms per chunk. Chunk boundaries never depend on the thread count, so the
  // per-chunk money sums (rounded once per chunk) are reproducible.
  static constexpr std::size_t kChunk = 8192;
  static constexpr std::size_t kEntrantChunk = 1024;  // entrants per task

  void step_chunk(std::size_t b, std::size_t e, const MonthContext& ctx, std::int64_t* a);

  detail::PhaseAInputs phase_a_inputs() const;

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

  NewLoans seek_credit(std::size_t i, int t_now, double shortfall, double invest_gap, double cap_sev,
                       std::int64_t* a, double& denied_by_shock) const;

  void close_firm(std::size_t i, int t_now, std::int64_t* a, ClosureReason reason);

  template <class GroupAdd>
  void review_class(std::size_t i, int t_now, std::int64_t* a, GroupAdd& group_add);

  // ---- results ------------------------------------------------------------------------

  /// With `move_state` the firm table takes the state vectors (no copy).
  RunResult build_result(bool move_state);
};

}  // namespace msmesim
