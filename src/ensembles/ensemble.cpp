// The ensemble runner: replications are handed to worker threads in order;
// each runs every scenario of its replication (the baseline first) and
// reduces them to a RepSummary, which the calling thread merges strictly in
// replication order. The calling thread also reports progress and stops the
// workers when asked to.
#include "msmesim/ensembles/ensemble.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <exception>
#include <limits>
#include <map>
#include <mutex>
#include <initializer_list>
#include <set>
#include <string_view>
#include <thread>

#include "ensembles/checkpoint.hpp"
#include "ensembles/ensemble_state.hpp"
#include "core/parallel.hpp"
#include "msmesim/engine/engine.hpp"
#include "msmesim/core/error.hpp"

namespace msmesim {

namespace {
constexpr double kUnbounded = std::numeric_limits<double>::infinity();
// clang-format off
constexpr ParamInfo kEnsembleOptions[] = {
    {"seed", 1, 0, kUnbounded, "", true,
     "Replication r of every scenario draws from the streams of (seed, r) (common random numbers).", ""},
    {"first_replication", 0, 0, 4294967295.0, "replication", true,
     "Replications are numbered from here: a later batch continues an earlier one without overlap.", ""},
    {"replications", 10, 1, 2147483647.0, "replications", true, "Replications of every scenario (Ensemble::run).", ""},
    {"threads", 1, 0, kUnbounded, "threads", true,
     "Worker threads (0: every core). Results do not depend on it.", ""},
    {"confidence", 0.90, 0.5, 0.999, "probability", false,
     "Confidence level of the intervals of means and differences.", ""},
    {"healthy_cash_months", 1.0, 0.0, kUnbounded, "months", false,
     "Cash of at least this many months of fixed costs, wages and instalments at award counts as healthy "
     "(additionality by cash at award).", "Assumption."},
    {"exact_quantiles_up_to", 64, 0, 100000, "replications", true,
     "Series quantiles are exact up to this many replications per cell, then streamed (extended P-square).", ""},
};
// clang-format on
const ParamInfo& ensemble_option(std::string_view name) {
  return kEnsembleOptions[field_index(kEnsembleOptions, name, "ensemble option")];
}
}  // namespace

std::span<const ParamInfo> ensemble_option_table() { return kEnsembleOptions; }

namespace {

using detail::RepScenario;
using detail::RepSummary;
using detail::SeriesLayout;

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

const Table& table_of(const RunResult& r, std::size_t which) {
  switch (which) {
    case 0: return r.monthly;
    case 1: return r.by_sector;
    case 2: return r.by_class;
    case 3: return r.by_region;
    case 4: return r.cooperatives_monthly;
    default: return r.programmes_monthly;
  }
}

bool is_key(const std::string& name) {
  return name == "month" || name == "date" || name == "group" || name == "programme" || name == "kind";
}

/// The numeric cells of a table, row-major, and its layout.
void extract(const Table& t, std::vector<double>& cells, SeriesLayout& layout) {
  layout = SeriesLayout{};
  if (t.columns.empty()) return;
  const std::size_t rows = t.rows();
  const Column* month = &t.column("month");
  const Column* group = t.has("group") ? &t.column("group") : t.has("programme") ? &t.column("programme") : nullptr;
  std::vector<const Column*> vars;
  for (const Column& c : t.columns) {
    if (is_key(c.name) || std::holds_alternative<std::vector<std::string>>(c.data)) continue;
    vars.push_back(&c);
    layout.variables.push_back(c.name);
    layout.units.push_back(c.unit);
  }
  layout.grouped = group != nullptr;
  if (group != nullptr) layout.group_names = group->categories;
  layout.month.resize(rows);
  layout.group.assign(rows, -1);
  for (std::size_t i = 0; i < rows; ++i) {
    layout.month[i] = static_cast<std::int32_t>(month->number(i));
    if (group != nullptr) layout.group[i] = static_cast<std::int32_t>(group->number(i));
  }
  cells.resize(rows * vars.size());
  for (std::size_t v = 0; v < vars.size(); ++v)
    for (std::size_t i = 0; i < rows; ++i) cells[i * vars.size() + v] = vars[v]->number(i);
}

double last(const Table& t, std::string_view name) {
  const Column& c = t.column(name);
  return c.number(c.size() - 1);
}

double sum(const Table& t, std::string_view name) {
  if (!t.has(name)) return 0.0;
  const Column& c = t.column(name);
  double s = 0.0;
  for (std::size_t i = 0; i < c.size(); ++i) s += c.number(i);
  return s;
}

/// Months from the first month the revenue index falls below 0.95 to the
/// first later month it is back at 0.95 or more; when it never recovers, the
/// months to the end of the run (a lower bound); 0 when it never falls.
double months_to_recover(const Table& monthly) {
  const Column& idx = monthly.column("revenue_index");
  const std::size_t n = idx.size();
  std::size_t t0 = n;
  for (std::size_t t = 0; t < n; ++t)
    if (idx.number(t) < 0.95) {
      t0 = t;
      break;
    }
  if (t0 == n) return 0.0;
  for (std::size_t t = t0 + 1; t < n; ++t)
    if (idx.number(t) >= 0.95) return static_cast<double>(t - t0);
  return static_cast<double>(n - t0);
}

/// Last-month closed firms and employment per breakdown group: regions,
/// then size classes, then sectors.
std::vector<std::array<double, 2>> group_levels(const RunResult& r) {
  std::vector<std::array<double, 2>> out;
  for (const Table* t : {&r.by_region, &r.by_class, &r.by_sector}) {
    const Column& month = t->column("month");
    const Column& closed = t->column("closed_firms");
    const Column& emp = t->column("employment");
    const double last_month = month.number(month.size() - 1);
    for (std::size_t i = 0; i < month.size(); ++i)
      if (month.number(i) == last_month) out.push_back({closed.number(i), emp.number(i)});
  }
  return out;
}

struct Context {
  const Population* pop;
  const std::vector<Scenario>* scenarios;
  const EnsembleOptions* opt;
  const detail::Groups* pairing;
  int inner_threads;
  const std::atomic<bool>* stop;
};

RepSummary run_replication(const Context& cx, std::uint32_t replication) {
  const auto& scenarios = *cx.scenarios;
  const EnsembleOptions& o = *cx.opt;
  const std::size_t n0 = cx.pop->size();
  RepSummary out;
  out.replication = replication;
  out.scenario.resize(scenarios.size());
  std::vector<std::uint8_t> base_closed;
  std::vector<std::array<double, 2>> base_groups;
  const auto closed_code = static_cast<std::uint8_t>(FirmStatus::closed);
  for (std::size_t k = 0; k < scenarios.size(); ++k) {
    RunOptions ro;
    ro.seed = (o.common_random_numbers || k == 0) ? o.seed : splitmix64(o.seed + 0x632BE59BD9B4E019ULL * k);
    ro.replication = replication;
    ro.threads = cx.inner_threads;
    ro.microdata = false;
    const std::atomic<bool>* stop = cx.stop;
    ro.progress = [stop](int, int) { return !stop->load(std::memory_order_relaxed); };
    Simulation sim(*cx.pop, scenarios[k], ro);
    sim.run();
    const FirmState& st = sim.state();
    // Entrants are admitted alike in every scenario on common random
    // numbers (the same count, templates and draws), so they pair too.
    const std::size_t n_pair = o.common_random_numbers ? st.count : n0;
    std::vector<std::uint8_t> closed(n_pair);
    for (std::size_t i = 0; i < n_pair; ++i) closed[i] = st.status[i] == closed_code ? 1 : 0;
    const RunResult r = sim.result();
    RepScenario& s = out.scenario[k];
    for (std::size_t t = 0; t < detail::kSeriesTables.size(); ++t) extract(table_of(r, t), s.series[t], s.layout[t]);

    auto& L = s.level;
    L[detail::L_active_firms_end] = last(r.monthly, "active_firms");
    L[detail::L_closed_firms_end] = last(r.monthly, "closed_firms");
    L[detail::L_employment_end] = last(r.monthly, "employment");
    L[detail::L_spent] = sum(r.programmes_monthly, "transfer_rp") + sum(r.programmes_monthly, "admin_rp") +
                         sum(r.programmes_monthly, "leakage_rp");
    L[detail::L_transfer] = sum(r.programmes_monthly, "transfer_rp");
    L[detail::L_months_to_recover] = months_to_recover(r.monthly);
    L[detail::L_upgrades] = sum(r.monthly, "upgrades");
    {
      const Column& idx = r.monthly.column("revenue_index");
      double lo = idx.number(0);
      for (std::size_t t = 1; t < idx.size(); ++t) lo = std::min(lo, idx.number(t));
      L[detail::L_revenue_index_trough] = lo;
    }
    L[detail::L_transfer_micro] = 0.0;
    if (!r.programme_ledger.columns.empty()) {
      const Column& recipient = r.programme_ledger.column("recipient");
      const Column& cls = r.programme_ledger.column("size_class");
      const Column& transfer = r.programme_ledger.column("transfer_rp");
      const auto micro = static_cast<double>(SizeClass::micro);
      for (std::size_t i = 0; i < transfer.size(); ++i)
        if (recipient.number(i) == 0 && cls.number(i) == micro) L[detail::L_transfer_micro] += transfer.number(i);
    }
    L[detail::L_member_closed] = last(r.monthly, "member_closed_firms");
    L[detail::L_nonmember_closed] = last(r.monthly, "nonmember_closed_firms");
    L[detail::L_member_employment] = last(r.monthly, "member_employment");
    L[detail::L_nonmember_employment] = last(r.monthly, "nonmember_employment");

    if (k == 0) {
      base_closed = std::move(closed);
      base_groups = group_levels(r);
      s.paired.fill(std::nan(""));
      continue;
    }
    const auto& B = out.scenario[0].level;
    auto& P = s.paired;
    P[detail::P_firms_saved] = B[detail::L_closed_firms_end] - L[detail::L_closed_firms_end];
    P[detail::P_jobs_saved] = L[detail::L_employment_end] - B[detail::L_employment_end];
    P[detail::P_net_cost] = L[detail::L_spent] - B[detail::L_spent];
    P[detail::P_recovery_months_gained] = B[detail::L_months_to_recover] - L[detail::L_months_to_recover];
    P[detail::P_class_advancements] = L[detail::L_upgrades] - B[detail::L_upgrades];
    P[detail::P_micro_spending_share] =
        L[detail::L_transfer] > 0 ? L[detail::L_transfer_micro] / L[detail::L_transfer] : std::nan("");
    P[detail::P_member_firms_saved] = B[detail::L_member_closed] - L[detail::L_member_closed];
    P[detail::P_nonmember_firms_saved] = B[detail::L_nonmember_closed] - L[detail::L_nonmember_closed];
    P[detail::P_member_jobs_saved] = L[detail::L_member_employment] - B[detail::L_member_employment];
    P[detail::P_nonmember_jobs_saved] = L[detail::L_nonmember_employment] - B[detail::L_nonmember_employment];

    const auto g = group_levels(r);
    s.groups.resize(g.size());
    for (std::size_t j = 0; j < g.size(); ++j) s.groups[j] = {base_groups[j][0] - g[j][0], g[j][1] - base_groups[j][1]};

    // Each recipient firm paired with itself in the baseline.
    const detail::Groups& G = *cx.pairing;
    const std::size_t n_prog = scenarios[k].programmes.size();
    s.pairing.assign(n_prog, std::vector<std::array<double, 1 + detail::kPairings>>(G.count()));
    if (n_prog > 0 && !r.programme_awards.columns.empty()) {
      const Table& aw = r.programme_awards;
      const Column& prog = aw.column("programme");
      const Column& firm = aw.column("firm");
      const Column& distressed = aw.column("distressed");
      const Column& cash = aw.column("cash_rp");
      const Column& obligations = aw.column("obligations_rp");
      for (std::size_t a = 0; a < aw.rows(); ++a) {
        const double f = firm.number(a);
        // Cooperatives do not pair, nor entrants without common random numbers.
        if (f < 0 || f >= static_cast<double>(std::min(closed.size(), base_closed.size()))) continue;
        const auto i = static_cast<std::size_t>(f);
        const bool closed_k = closed[i] != 0, closed_b = base_closed[i] != 0;
        const std::size_t outcome = closed_k ? (closed_b ? detail::A_closed_despite : detail::A_harmed)
                                             : (closed_b ? detail::A_additional : detail::A_deadweight);
        std::size_t cash_group = 0;
        if (distressed.number(a) == 0) {
          const double need = o.healthy_cash_months * obligations.number(a);
          cash_group = cash.number(a) >= need && cash.number(a) > 0 ? 2 : 1;
        }
        auto& cells = s.pairing[static_cast<std::size_t>(prog.number(a))];
        for (const std::size_t c : {G.all, G.size_class + st.initial_class[i], G.sector + st.sector[i],
                                    G.region + st.region[i], G.cash + cash_group}) {
          cells[c][0] += 1;
          cells[c][1 + outcome] += 1;
        }
      }
    }
  }
  return out;
}

/// The cells of the named dimensions, in the order given: all, size_class,
/// sector, region or cash_at_award.
detail::Groups make_groups(const Population& pop, std::initializer_list<std::string_view> dimensions) {
  detail::Groups g;
  for (const std::string_view dim : dimensions) {
    const auto d = static_cast<std::uint16_t>(g.dimensions.size());
    g.dimensions.emplace_back(dim);
    const std::size_t first = g.count();
    auto add = [&](std::string_view name) {
      g.dimension.push_back(d);
      g.group.emplace_back(name);
    };
    if (dim == "all") {
      g.all = first;
      add("all");
    } else if (dim == "size_class") {
      g.size_class = first;
      for (auto c : kAllSizeClasses) add(to_string(c));
    } else if (dim == "sector") {
      g.sector = first;
      for (const auto& name : pop.sector_names) add(name);
    } else if (dim == "region") {
      g.region = first;
      for (const auto& name : pop.region_names) add(name);
    } else {
      g.cash = first;
      for (const char* name : detail::kCashAtAward) add(name);
    }
  }
  return g;
}

}  // namespace

struct Ensemble::Impl {
  const Population* pop;
  std::vector<Scenario> scenarios;
  EnsembleOptions opt;
  detail::Summaries sum;
  double elapsed = 0.0;
  int threads_used = 1;
  bool cancelled = false;  // the latest run stopped before its end
  std::optional<detail::Checkpoint> checkpoint;
  std::atomic<std::uint32_t> resumed{0};  // replications read from the checkpoint
};

Ensemble::Ensemble(const Population& population, std::vector<Scenario> scenarios, EnsembleOptions options)
    : impl_(std::make_unique<Impl>()) {
  if (scenarios.empty()) throw InvalidArgument("scenarios", "[]", "at least one scenario (the first is the baseline)");
  std::set<std::string> names;
  for (std::size_t k = 0; k < scenarios.size(); ++k) {
    const std::string field = "scenarios[" + std::to_string(k) + "]";
    if (!names.insert(scenarios[k].name).second)
      throw InvalidArgument(field + ".name", "'" + scenarios[k].name + "'", "a name no other scenario has");
    if (!(scenarios[k].start == scenarios[0].start))
      throw InvalidArgument(field + ".start", scenarios[k].start.to_string(),
                            "the baseline's start, " + scenarios[0].start.to_string());
    if (scenarios[k].months != scenarios[0].months)
      throw InvalidArgument(field + ".months", std::to_string(scenarios[k].months),
                            "the baseline's months, " + std::to_string(scenarios[0].months));
    try {
      scenarios[k].validate();
    } catch (const InvalidArgument& e) {
      throw InvalidArgument(field + "." + e.field(), e.value(), e.allowed());
    }
  }
  if (options.threads < 0)
    throw InvalidArgument("threads", std::to_string(options.threads), "an integer >= 0 (0 uses every core)");
  validate_field(ensemble_option("confidence"), options.confidence, "confidence");
  validate_field(ensemble_option("healthy_cash_months"), options.healthy_cash_months, "healthy_cash_months");
  if (options.quantiles.empty())
    throw InvalidArgument("quantiles", "[]", "at least one probability in (0, 1), increasing");
  for (std::size_t j = 0; j < options.quantiles.size(); ++j) {
    const double q = options.quantiles[j];
    if (!(q > 0.0 && q < 1.0) || (j > 0 && !(q > options.quantiles[j - 1])))
      throw InvalidArgument("quantiles[" + std::to_string(j) + "]", detail::format_value(q),
                            "a probability in (0, 1) greater than the one before");
  }
  validate_field(ensemble_option("exact_quantiles_up_to"), options.exact_quantiles_up_to, "exact_quantiles_up_to");
  impl_->pop = &population;
  impl_->scenarios = std::move(scenarios);
  impl_->opt = std::move(options);
  auto& s = impl_->sum;
  for (const auto& sc : impl_->scenarios) {
    s.scenario_names.push_back(sc.name);
    std::vector<std::string> progs;
    for (const auto& p : sc.programmes) progs.push_back(p.name);
    s.programme_names.push_back(std::move(progs));
  }
  s.groups = make_groups(population, {"region", "size_class", "sector"});  // the order of group_levels
  s.pairing = make_groups(population, {"all", "size_class", "sector", "region", "cash_at_award"});
  s.series.resize(impl_->scenarios.size());
  s.layout.resize(impl_->scenarios.size());
  s.group_moments.resize(impl_->scenarios.size());
  s.pairing_sums.resize(impl_->scenarios.size());
  if (!impl_->opt.checkpoint.empty())
    impl_->checkpoint.emplace(impl_->opt.checkpoint, population, impl_->scenarios, impl_->opt);
}

Ensemble::~Ensemble() = default;
Ensemble::Ensemble(Ensemble&&) noexcept = default;
Ensemble& Ensemble::operator=(Ensemble&&) noexcept = default;

std::uint32_t Ensemble::replications_done() const { return impl_->sum.merged; }

void Ensemble::set_progress(std::function<bool(std::uint32_t, std::uint32_t)> progress) {
  impl_->opt.progress = std::move(progress);
}

void Ensemble::run(std::uint32_t replications) {
  Impl& im = *impl_;
  const auto t_start = std::chrono::steady_clock::now();
  const std::uint32_t begin = im.sum.merged;
  if (static_cast<std::uint64_t>(im.opt.first_replication) + begin + replications > 0xFFFFFFFFULL)
    throw InvalidArgument("replications", std::to_string(replications),
                          "a number that keeps replication indices below 2^32");
  const std::uint32_t end = begin + replications;
  const int threads = detail::resolve_threads(im.opt.threads);
  const int workers = static_cast<int>(std::min<std::uint32_t>(static_cast<std::uint32_t>(threads),
                                                                std::max<std::uint32_t>(replications, 1)));
  {
    // Refuse before starting what cannot end: the outcomes table (a few
    // numbers per replication, scenario and metric) has at most 2^31 rows,
    // and the replications in flight (one run per worker) with the outcomes
    // must fit in memory.
    const auto metrics = static_cast<std::uint64_t>(detail::outcome_metric_names().size());
    const std::uint64_t per_rep = metrics * im.scenarios.size();
    const std::uint64_t rows = (static_cast<std::uint64_t>(end)) * per_rep;
    if (rows > 0x7FFFFFFFULL)
      throw ResourceLimit("replications", std::to_string(replications),
                          "at most " + std::to_string(0x7FFFFFFFULL / per_rep - begin) + " more replications of " +
                              std::to_string(im.scenarios.size()) + " scenario(s): the outcomes table holds at most " +
                              "2^31 rows (" + std::to_string(per_rep) + " a replication)");
    const auto in_flight = static_cast<std::int64_t>(workers) * static_cast<std::int64_t>(im.pop->size()) * 512;
    const auto outcomes = static_cast<std::int64_t>(static_cast<std::uint64_t>(replications) * per_rep * 20);
    detail::require_bytes("replications", std::to_string(replications), in_flight + outcomes,
                          std::to_string(workers) + " replication(s) in flight on " + std::to_string(im.pop->size()) +
                              " firms (about 512 bytes a firm each) and the outcomes of " +
                              std::to_string(replications) + " more");
  }
  const int inner = std::max(1, threads / std::max(workers, 1));
  im.threads_used = threads;

  std::atomic<bool> stop{false};
  std::mutex mu;
  std::condition_variable cv;
  std::map<std::uint32_t, RepSummary> pending;  // finished, waiting for their turn
  std::uint32_t next = begin, merged = begin;
  std::exception_ptr error;
  int running = workers;
  const std::uint32_t window = 2 * static_cast<std::uint32_t>(workers);

  const Context cx{im.pop, &im.scenarios, &im.opt, &im.sum.pairing, inner, &stop};
  auto body = [&]() {
    for (;;) {
      std::uint32_t r;
      {
        std::unique_lock<std::mutex> lock(mu);
        cv.wait(lock, [&] { return stop.load() || next >= end || next < merged + window; });
        if (stop.load() || next >= end) break;
        r = next++;
      }
      try {
        const std::uint32_t id = im.opt.first_replication + r;
        std::optional<RepSummary> saved;
        if (im.checkpoint) saved = im.checkpoint->load(id);
        RepSummary rep;
        if (saved) {
          rep = std::move(*saved);
          ++im.resumed;
        } else {
          rep = run_replication(cx, id);
          if (im.checkpoint) im.checkpoint->save(rep);
        }
        std::lock_guard<std::mutex> lock(mu);
        pending.emplace(r, std::move(rep));
      } catch (const Cancelled&) {
        break;
      } catch (...) {
        std::lock_guard<std::mutex> lock(mu);
        if (!error) error = std::current_exception();
        stop = true;
      }
      cv.notify_all();
    }
    std::lock_guard<std::mutex> lock(mu);
    --running;
    cv.notify_all();
  };

  std::vector<std::thread> pool;
  pool.reserve(static_cast<std::size_t>(workers));
  for (int w = 0; w < workers && replications > 0; ++w) pool.emplace_back(body);
  if (replications == 0) running = 0;

  std::exception_ptr stopped_by;  // the progress callback's exception, if any
  bool cancelled = false;
  auto report = [&]() {
    if (!im.opt.progress) return;
    try {
      if (!im.opt.progress(merged - begin, replications)) cancelled = true;
    } catch (...) {
      stopped_by = std::current_exception();
    }
  };
  auto last_report = std::chrono::steady_clock::now();
  while (merged < end) {
    std::optional<RepSummary> ready;
    {
      std::unique_lock<std::mutex> lock(mu);
      cv.wait_for(lock, std::chrono::milliseconds(100), [&] {
        return error || running == 0 || (!pending.empty() && pending.begin()->first == merged);
      });
      if (!pending.empty() && pending.begin()->first == merged) {
        ready = std::move(pending.begin()->second);
        pending.erase(pending.begin());
      } else if (error || running == 0) {
        break;
      }
    }
    if (ready) {
      detail::merge(im.sum, im.opt, std::move(*ready));
      {
        std::lock_guard<std::mutex> lock(mu);
        ++merged;
      }
      cv.notify_all();
      report();
      last_report = std::chrono::steady_clock::now();
    } else if (std::chrono::steady_clock::now() - last_report >= std::chrono::milliseconds(100)) {
      report();
      last_report = std::chrono::steady_clock::now();
    }
    if (cancelled || stopped_by) break;
  }
  stop = true;
  cv.notify_all();
  for (auto& t : pool) t.join();
  im.elapsed += std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
  im.cancelled = merged < end;
  if (error) std::rethrow_exception(error);
  if (stopped_by) std::rethrow_exception(stopped_by);
  if (cancelled || merged < end)
    throw Cancelled(static_cast<int>(merged),
                    "ensemble cancelled after " + std::to_string(merged) + " replication(s) (kept)");
}

EnsembleResult Ensemble::result() const {
  EnsembleResult r;
  const Impl& im = *impl_;
  r.scenarios = im.sum.scenario_names;
  r.population = im.pop->name;
  r.seed = im.opt.seed;
  r.first_replication = im.opt.first_replication;
  r.replications = im.sum.merged;
  r.replications_resumed = im.resumed.load();
  r.common_random_numbers = im.opt.common_random_numbers;
  r.confidence = im.opt.confidence;
  r.start = im.scenarios.front().start;
  r.months = im.scenarios.front().months;
  r.region_names = im.pop->region_names;
  r.sector_names = im.pop->sector_names;
  std::set<std::string> progs;
  for (const auto& list : im.sum.programme_names)
    for (const auto& p : list)
      if (progs.insert(p).second) r.programme_names.push_back(p);
  r.elapsed_seconds = im.elapsed;
  r.threads = im.threads_used;
  r.cancelled = im.cancelled;
  detail::assemble(im.sum, im.opt, r);
  return r;
}

EnsembleResult run_ensemble(const Population& population, const std::vector<Scenario>& scenarios,
                            std::uint32_t replications, const EnsembleOptions& options) {
  Ensemble e(population, scenarios, options);
  e.run(replications);
  return e.result();
}

}  // namespace msmesim
