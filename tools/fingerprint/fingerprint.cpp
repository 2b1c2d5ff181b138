// Prints a fingerprint of every result table of every built-in scenario
// preset (each on its population at a given size, one replication), one
// line per preset: the same numbers give the same line, any difference in
// any table a different one. tools/compilers compares the lines of a GCC
// and a Clang build (docs/reliability.md, "Same results from either
// compiler").
//   msmesim_fingerprint [firms] [threads]
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <msmesim/msmesim.hpp>
#include <string>
#include <type_traits>
#include <variant>

namespace {

// FNV-1a over bytes.
struct Hash {
  std::uint64_t h = 1469598103934665603ull;
  void add(const void* p, std::size_t n) {
    const auto* b = static_cast<const unsigned char*>(p);
    for (std::size_t k = 0; k < n; ++k) {
      h ^= b[k];
      h *= 1099511628211ull;
    }
  }
};

std::uint64_t fingerprint(const msmesim::RunResult& r) {
  Hash hash;
  for (const auto& info : msmesim::run_result_tables()) {
    const msmesim::Table& table = r.*(info.member);
    for (const auto& column : table.columns) {
      hash.add(column.name.data(), column.name.size());
      std::visit(
          [&hash](const auto& values) {
            using T = typename std::decay_t<decltype(values)>::value_type;
            if constexpr (std::is_same_v<T, std::string>) {
              for (const auto& s : values) hash.add(s.data(), s.size() + 1);
            } else {
              hash.add(values.data(), values.size() * sizeof(T));
            }
          },
          column.data);
    }
  }
  return hash.h;
}

}  // namespace

int main(int argc, char** argv) {
  const std::int64_t firms = argc > 1 ? std::atoll(argv[1]) : 20000;
  const int threads = argc > 2 ? std::atoi(argv[2]) : 2;
  try {
    for (const std::string& name : msmesim::presets::scenario_names()) {
      msmesim::ScenarioFile f = msmesim::presets::scenario_file(name);
      if (f.population.firms == 0 || f.population.firms > firms) f.population.firms = firms;
      const msmesim::Population pop = msmesim::make_population(f.population, "", threads, f.scenario.params);
      msmesim::RunOptions options;
      options.seed = f.seed;
      options.threads = threads;
      const msmesim::RunResult r = msmesim::run(pop, f.scenario, options);
      std::printf("%s %lld firms: %016llx\n", name.c_str(), static_cast<long long>(pop.size()),
                  static_cast<unsigned long long>(fingerprint(r)));
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "msmesim_fingerprint: %s\n", e.what());
    return 1;
  }
  return 0;
}
