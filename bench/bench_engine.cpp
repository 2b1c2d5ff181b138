// Google Benchmark of the hot paths. The headline counter is
// `firm_months/s`: firms stepped per second of one replication's monthly
// step (single thread unless the benchmark name says otherwise).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>
#include <msmesim/msmesim.hpp>
#include <thread>
#include <vector>

namespace {

// Bytes of firm state per firm: all of it (what a month may read) and the
// part that changes during a run (what it may write). A month reads nearly
// all of a firm's state and writes a part of the dynamic state, so these are
// upper bounds of the traffic per firm-month.
struct StateBytes {
  double read = 0, written = 0;
};
StateBytes state_bytes(const msmesim::FirmState& st) {
  StateBytes b;
  const auto cap = static_cast<double>(st.capacity());
  b.read = static_cast<double>(st.memory_bytes()) / cap;
  auto add = [&b](const auto& v) { b.written += sizeof(typename std::decay_t<decltype(v)>::value_type); };
  add(st.status), add(st.size_class), add(st.workers), add(st.level_rp), add(st.expected_rp), add(st.cash_rp);
  add(st.payables_rp), add(st.receivables_rp), add(st.owner_owed_rp), add(st.loan_principal_rp);
  add(st.loan_rate_year), add(st.loan_installment_rp), add(st.loan_months_left), add(st.loan_lender);
  add(st.informal_principal_rp), add(st.debt_arrears_rp), add(st.informal_installment_rp);
  add(st.informal_months_left), add(st.revenue_window_rp), add(st.months_unable), add(st.months_overstaffed);
  add(st.main_problem), add(st.first_distress_month), add(st.closure_month), add(st.class_change_month);
  add(st.upgrades), add(st.downgrades), add(st.months_distressed), add(st.revenue_total_rp);
  add(st.last_main_problem);
  return b;
}

const msmesim::Population& bogor_population(std::int64_t firms) {
  static std::map<std::int64_t, std::unique_ptr<msmesim::Population>> cache;
  auto& slot = cache[firms];
  if (!slot)
    slot = std::make_unique<msmesim::Population>(
        msmesim::generate_population(msmesim::presets::bogor_population_spec(firms), 1, 2));
  return *slot;
}

/// Steps `scenario` month by month, one month per iteration; a fresh
/// simulation starts (untimed) whenever the months run out, so the timed
/// months cover the whole shock path. Returns the firm-months stepped and
/// leaves the last simulation in `sim`.
std::int64_t step_months(benchmark::State& state, const msmesim::Population& pop, const msmesim::Scenario& scenario,
                         int threads, std::unique_ptr<msmesim::Simulation>& sim) {
  msmesim::RunOptions options;
  options.threads = threads;
  options.microdata = false;
  sim = std::make_unique<msmesim::Simulation>(pop, scenario, options);
  std::int64_t firm_months = 0;
  for (auto _ : state) {
    if (sim->done()) {
      state.PauseTiming();
      sim = std::make_unique<msmesim::Simulation>(pop, scenario, options);
      state.ResumeTiming();
    }
    sim->step();
    firm_months += static_cast<std::int64_t>(sim->state().count);
  }
  return firm_months;
}

// One replication's monthly step on the Bogor COVID-19 preset.
void BM_MonthlyStep(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(1));
  std::unique_ptr<msmesim::Simulation> sim;
  const std::int64_t firm_months =
      step_months(state, bogor_population(state.range(0)), msmesim::presets::bogor_covid19_scenario(), threads, sim);
  state.counters["firm_months/s"] = benchmark::Counter(static_cast<double>(firm_months), benchmark::Counter::kIsRate);
  state.counters["firm_months/s/thread"] =
      benchmark::Counter(static_cast<double>(firm_months) / threads, benchmark::Counter::kIsRate);
  const StateBytes b = state_bytes(sim->state());
  state.counters["state_bytes_read/firm_month"] = b.read;
  state.counters["state_bytes_written/firm_month"] = b.written;
  state.counters["state_bytes/s"] =
      benchmark::Counter(static_cast<double>(firm_months) * (b.read + b.written), benchmark::Counter::kIsRate);
}
// Five whole runs (5 x 36 months), so that the mean covers the pre-shock,
// peak and recovery months in their true proportions.
BENCHMARK(BM_MonthlyStep)
    ->ArgsProduct({{100'000, 751'888}, {1, 2}})
    ->ArgNames({"firms", "threads"})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(5 * 36)
    ->UseRealTime();

// A STREAM-style copy kernel (a[i] = b[i] over 2 x 256 MiB of doubles) on
// 1 or 2 threads: the machine's sustainable memory bandwidth, counted as
// STREAM counts copy (bytes read + bytes written), to set the engine's
// traffic against (bench/run reports the ratio).
void BM_StreamCopy(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(0));
  const std::size_t n = std::size_t{32} << 20;
  std::vector<double> a(n, 1.0), b(n, 2.0);
  for (auto _ : state) {
    std::vector<std::thread> pool;
    const std::size_t per = n / static_cast<std::size_t>(threads);
    for (int t = 0; t < threads; ++t)
      pool.emplace_back([&, t] {
        const std::size_t lo = per * static_cast<std::size_t>(t), hi = t + 1 == threads ? n : lo + per;
        double* __restrict dst = a.data();
        const double* __restrict src = b.data();
        for (std::size_t i = lo; i < hi; ++i) dst[i] = src[i];
      });
    for (auto& th : pool) th.join();
    benchmark::DoNotOptimize(a.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(2 * n * sizeof(double)));
}
BENCHMARK(BM_StreamCopy)->Arg(1)->Arg(2)->ArgName("threads")->Unit(benchmark::kMillisecond)->UseRealTime();

// The monthly step with one programme of every kind, as in the example
// scenario files (examples/scenarios/<kind>.toml, written for the full
// Bogor population), on top of the preset's relief programmes, at 751,888
// firms on one thread: the package's cost is this against
// BM_MonthlyStep/firms:751888/threads:1.
void BM_MonthlyStepWithProgrammes(benchmark::State& state) {
  const auto& pop = bogor_population(state.range(0));
  auto scenario = msmesim::presets::bogor_covid19_scenario();
  for (auto kind : msmesim::kAllProgrammeKinds) {
    const auto file = msmesim::load_scenario_file(std::string(MSMESIM_SOURCE_DIR) + "/examples/scenarios/" +
                                                  std::string(msmesim::to_string(kind)) + ".toml");
    // (The example files extend the preset: its relief programmes are there already.)
    for (const auto& p : file.scenario.programmes)
      if (std::none_of(scenario.programmes.begin(), scenario.programmes.end(),
                       [&](const msmesim::Programme& q) { return q.name == p.name; }))
        scenario.programmes.push_back(p);
  }
  std::unique_ptr<msmesim::Simulation> sim;
  const std::int64_t firm_months = step_months(state, pop, scenario, static_cast<int>(state.range(1)), sim);
  state.counters["firm_months/s"] = benchmark::Counter(static_cast<double>(firm_months), benchmark::Counter::kIsRate);
  state.counters["programmes"] = static_cast<double>(scenario.programmes.size());
}
BENCHMARK(BM_MonthlyStepWithProgrammes)
    ->Args({751'888, 1})
    ->ArgNames({"firms", "threads"})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(2 * 36)
    ->UseRealTime();

// One replication of an ensemble of the Bogor preset at 100,000 firms (one
// scenario, one thread), summaries included: against BM_MonthlyStep's pace
// it shows what a replication costs beyond its months (setting up the run,
// building its tables and merging them into the streaming summaries).
void BM_EnsembleReplication(benchmark::State& state) {
  const auto& pop = bogor_population(state.range(0));
  msmesim::EnsembleOptions options;
  options.exact_quantiles_up_to = 8;  // most iterations stream, as in a long ensemble
  msmesim::Ensemble ensemble(pop, {msmesim::presets::bogor_covid19_scenario()}, options);
  for (auto _ : state) ensemble.run(1);
  state.counters["firm_months/s"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * static_cast<double>(state.range(0)) * 36, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_EnsembleReplication)->Arg(100'000)->ArgName("firms")->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(20);

// Drawing a synthetic population (per firm).
void BM_GeneratePopulation(benchmark::State& state) {
  const auto spec = msmesim::presets::bogor_population_spec(state.range(0));
  for (auto _ : state) {
    auto pop = msmesim::generate_population(spec, 1, 1);
    benchmark::DoNotOptimize(pop.revenue_rp_month.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_GeneratePopulation)->Arg(100'000)->Unit(benchmark::kMillisecond);

// The counter-based generator alone (one Philox4x32-10 block).
void BM_PhiloxBlock(benchmark::State& state) {
  std::uint32_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(msmesim::random_words(42, 0, i++, 7, 200));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PhiloxBlock);

// A whole run (setup, 36 months, results without the firm table) at the
// default size: what bench/run's Python run does, to measure Python's cost.
void BM_FullRun(benchmark::State& state) {
  const auto& pop = bogor_population(state.range(0));
  const auto scenario = msmesim::presets::bogor_covid19_scenario();
  msmesim::RunOptions options;
  options.threads = static_cast<int>(state.range(1));
  options.microdata = false;
  for (auto _ : state) {
    auto result = msmesim::run(pop, scenario, options);
    benchmark::DoNotOptimize(result.monthly.rows());
  }
  state.counters["firm_months/s"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * static_cast<double>(state.range(0)) * 36, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_FullRun)->Args({751'888, 2})->ArgNames({"firms", "threads"})->Unit(benchmark::kSecond)->UseRealTime()->Iterations(3);

}  // namespace

BENCHMARK_MAIN();
