// Google Benchmark of the hot paths. The headline counter is
// `firm_months/s`: firms stepped per second of one replication's monthly
// step (single thread unless the benchmark name says otherwise).
#include <benchmark/benchmark.h>

#include <map>
#include <memory>
#include <msmesim/msmesim.hpp>

namespace {

const msmesim::Population& bogor_population(std::int64_t firms) {
  static std::map<std::int64_t, std::unique_ptr<msmesim::Population>> cache;
  auto& slot = cache[firms];
  if (!slot)
    slot = std::make_unique<msmesim::Population>(
        msmesim::generate_population(msmesim::presets::bogor_population_spec(firms), 1, 2));
  return *slot;
}

// One replication's monthly step on the Bogor COVID-19 preset. A fresh
// simulation starts (untimed) whenever the 36 months run out, so the timed
// months cover the whole shock path.
void BM_MonthlyStep(benchmark::State& state) {
  const auto firms = state.range(0);
  const int threads = static_cast<int>(state.range(1));
  const auto& pop = bogor_population(firms);
  const auto scenario = msmesim::presets::bogor_covid19_scenario();
  msmesim::RunOptions options;
  options.threads = threads;
  options.microdata = false;
  auto sim = std::make_unique<msmesim::Simulation>(pop, scenario, options);
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
  state.counters["firm_months/s"] = benchmark::Counter(static_cast<double>(firm_months), benchmark::Counter::kIsRate);
  state.counters["firm_months/s/thread"] =
      benchmark::Counter(static_cast<double>(firm_months) / threads, benchmark::Counter::kIsRate);
}
// Five whole runs (5 x 36 months), so that the mean covers the pre-shock,
// peak and recovery months in their true proportions.
BENCHMARK(BM_MonthlyStep)
    ->ArgsProduct({{100'000, 751'888}, {1, 2}})
    ->ArgNames({"firms", "threads"})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(5 * 36)
    ->UseRealTime();

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

// A whole run (setup, 36 months, results) at the default size.
void BM_FullRun(benchmark::State& state) {
  const auto& pop = bogor_population(state.range(0));
  const auto scenario = msmesim::presets::bogor_covid19_scenario();
  msmesim::RunOptions options;
  options.threads = static_cast<int>(state.range(1));
  for (auto _ : state) {
    auto result = msmesim::run(pop, scenario, options);
    benchmark::DoNotOptimize(result.monthly.rows());
  }
  state.counters["firm_months/s"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * static_cast<double>(state.range(0)) * 36, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_FullRun)->Args({751'888, 2})->ArgNames({"firms", "threads"})->Unit(benchmark::kSecond)->UseRealTime()->Iterations(2);

}  // namespace

BENCHMARK_MAIN();
