// The Simulation API: stepping, results, progress callbacks and misuse.
#include <gtest/gtest.h>

#include <msmesim/msmesim.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "support.hpp"

namespace msmesim {
namespace {

const Population& population() {
  static const Population pop = generate_population(test::small_spec(500), 1);
  return pop;
}

TEST(Simulation, StepAfterTheLastMonthThrowsError) {
  Simulation sim(population(), test::quiet_scenario(2));
  sim.step();
  sim.step();
  EXPECT_TRUE(sim.done());
  EXPECT_THROW(sim.step(), Error);
  EXPECT_EQ(sim.months_done(), 2);
}

TEST(Simulation, ResultCanBeTakenOnlyOnce) {
  Simulation sim(population(), test::quiet_scenario(2));
  sim.run();
  const RunResult r = sim.result();
  EXPECT_EQ(r.months, 2);
  EXPECT_THROW((void)sim.result(), Error);
}

TEST(Simulation, StepAfterResultThrowsError) {
  Simulation sim(population(), test::quiet_scenario(4));
  sim.step();
  const RunResult partial = sim.result();
  EXPECT_EQ(partial.months, 1);
  EXPECT_EQ(partial.monthly.rows(), 1u);
  EXPECT_THROW(sim.step(), Error);
}

TEST(Simulation, ProgressCallbackSeesEveryMonth) {
  std::vector<std::pair<int, int>> calls;
  RunOptions opt;
  opt.progress = [&](int done, int total) {
    calls.emplace_back(done, total);
    return true;
  };
  (void)run(population(), test::quiet_scenario(3), opt);
  EXPECT_EQ(calls, (std::vector<std::pair<int, int>>{{1, 3}, {2, 3}, {3, 3}}));
}

TEST(Simulation, ProgressCallbackReturningFalseCancelsWithMonthsCompleted) {
  RunOptions opt;
  opt.progress = [](int done, int) { return done < 3; };
  try {
    (void)run(population(), test::quiet_scenario(12), opt);
    FAIL() << "no exception";
  } catch (const Cancelled& e) {
    EXPECT_EQ(e.months_completed(), 3);
    EXPECT_NE(std::string(e.what()).find("3"), std::string::npos);
  }
  Simulation sim(population(), test::quiet_scenario(12), opt);
  EXPECT_THROW(sim.run(), Cancelled);
  EXPECT_EQ(sim.months_done(), 3);
  // Cancelled is an msmesim::Error.
  Simulation again(population(), test::quiet_scenario(12), opt);
  EXPECT_THROW(again.run(), Error);
}

TEST(Simulation, InvalidInputsAreRejectedAtConstruction) {
  RunOptions opt;
  opt.threads = -1;
  try {
    Simulation sim(population(), test::quiet_scenario(2), opt);
    FAIL() << "no exception";
  } catch (const InvalidArgument& e) {
    EXPECT_EQ(e.field(), "threads");
  }
  Scenario sc = test::quiet_scenario(2);
  sc.months = 0;
  EXPECT_THROW(Simulation(population(), sc), InvalidArgument);
  Population broken = population();
  broken.workers[3] = 0;
  try {
    Simulation sim(broken, test::quiet_scenario(2));
    FAIL() << "no exception";
  } catch (const InvalidArgument& e) {
    EXPECT_EQ(e.field(), "firms[3].workers");
  }
}

TEST(Simulation, StateCoversInitialFirmsAndCapacityForEntrants) {
  Scenario sc = test::quiet_scenario(12);
  sc.params.entry_rate_month = 0.01;
  Simulation sim(population(), sc);
  EXPECT_EQ(sim.state().count, population().size());
  EXPECT_GE(sim.state().capacity(), population().size());
  sim.run();
  EXPECT_EQ(sim.state().count, sim.state().capacity()) << "capacity is exactly the planned entries";
  EXPECT_GT(sim.state().count, population().size());
}

TEST(Simulation, ThreadsZeroUsesEveryCoreAndGivesTheSameResult) {
  RunOptions all;
  all.threads = 0;
  const RunResult b = run(population(), test::generic_covid_scenario(6), all);
  EXPECT_GE(b.threads, 1);
  const RunResult c = run(population(), test::generic_covid_scenario(6), RunOptions{});
  EXPECT_TRUE(test::results_identical(b, c));
}

TEST(Simulation, SummaryMentionsTheScenarioAndPopulation) {
  const RunResult r = run(population(), test::quiet_scenario(3));
  const std::string s = r.summary();
  EXPECT_NE(s.find("quiet"), std::string::npos) << s;
  EXPECT_NE(s.find("small-test"), std::string::npos) << s;
}

TEST(ResultTables, ColumnLookupNumbersAndText) {
  const RunResult r = run(population(), test::quiet_scenario(2));
  EXPECT_TRUE(r.monthly.has("active_firms"));
  EXPECT_FALSE(r.monthly.has("active"));
  try {
    (void)r.monthly.column("active");
    FAIL() << "no exception";
  } catch (const InvalidArgument& e) {
    EXPECT_EQ(e.field(), "column");
    EXPECT_NE(e.allowed().find("active_firms"), std::string::npos);
  }
  EXPECT_EQ(r.monthly.column("active_firms").unit, "firms");
  // Categorical columns: numbers are codes, text is the category.
  const Column& sector = r.firms.column("sector");
  EXPECT_EQ(sector.categories, population().sector_names);
  EXPECT_EQ(sector.text(0), population().sector_names[population().sector[0]]);
  EXPECT_EQ(sector.number(0), static_cast<double>(population().sector[0]));
  // A firm without a main problem has an empty last_main_problem.
  EXPECT_EQ(r.firms.column("last_main_problem").text(0), "");
  // Every table's columns are equally long.
  for (const Table* t : {&r.monthly, &r.by_sector, &r.by_class, &r.by_region, &r.firms})
    for (const auto& c : t->columns) EXPECT_EQ(c.size(), t->rows()) << c.name;
  EXPECT_EQ(r.by_region.rows(), 2u * population().region_names.size());
  EXPECT_EQ(r.by_class.rows(), 2u * kSizeClasses);
}

TEST(ResultTables, WriteCsvWritesHeaderPrefixAndRows) {
  const auto dir = test::test_temp_dir();
  const RunResult r = run(population(), test::quiet_scenario(3));
  const std::string path = (dir / "monthly.csv").string();
  r.monthly.write_csv(path, {{"scenario", "quiet, v1"}});
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0].rfind("scenario,month,date,active_firms,", 0), 0u) << lines[0];
  EXPECT_EQ(lines[1].rfind("\"quiet, v1\",0,2020-01,", 0), 0u) << lines[1];
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
}

}  // namespace
}  // namespace msmesim

namespace msmesim {
namespace {

/// Sets MSMESIM_MEMORY_LIMIT for the scope.
struct MemoryLimit {
  explicit MemoryLimit(const char* v) { ::setenv("MSMESIM_MEMORY_LIMIT", v, 1); }
  ~MemoryLimit() { ::unsetenv("MSMESIM_MEMORY_LIMIT"); }
};

TEST(ResourceGuards, APopulationThatWouldNotFitIsRefusedBeforeAllocating) {
  const MemoryLimit limit("8M");  // about 80,000 firms' attributes
  try {
    (void)generate_population(test::small_spec(1'000'000), 1);
    ADD_FAILURE() << "not refused";
  } catch (const ResourceLimit& e) {
    EXPECT_EQ(e.field(), "firms");
    EXPECT_EQ(e.value(), "1000000");
    EXPECT_NE(e.allowed().find("8.0 MiB are available (MSMESIM_MEMORY_LIMIT)"), std::string::npos) << e.what();
  }
  EXPECT_NO_THROW((void)generate_population(test::small_spec(2'000), 1));
}

TEST(ResourceGuards, ARunWhoseStateAndResultsWouldNotFitIsRefused) {
  const Population pop = generate_population(test::small_spec(20'000), 1);
  RunOptions o;
  {
    const MemoryLimit limit("4M");  // the run needs about 8 MiB with its microdata
    try {
      Simulation sim(pop, test::quiet_scenario(), o);
      ADD_FAILURE() << "not refused";
    } catch (const ResourceLimit& e) {
      EXPECT_EQ(e.field(), "population");
      EXPECT_NE(e.allowed().find("microdata=false"), std::string::npos) << e.what();
    }
  }
  {
    const MemoryLimit limit("64M");
    EXPECT_NO_THROW(Simulation(pop, test::quiet_scenario(), o));
  }
}

TEST(ResourceGuards, AnEnsembleBeyondItsOutputsOrMemoryIsRefused) {
  const Population pop = generate_population(test::small_spec(2'000), 1);
  Ensemble e(pop, {test::quiet_scenario(6)});
  // More replications than the outcomes table can index.
  try {
    e.run(0xF0000000u);
    ADD_FAILURE() << "not refused";
  } catch (const ResourceLimit& err) {
    EXPECT_EQ(err.field(), "replications");
    EXPECT_NE(err.allowed().find("2^31 rows"), std::string::npos) << err.what();
  }
  {
    const MemoryLimit limit("1M");
    EXPECT_THROW(e.run(20'000), ResourceLimit);
  }
  EXPECT_EQ(e.replications_done(), 0u);  // nothing was started
  e.run(2);
  EXPECT_EQ(e.replications_done(), 2u);
}

TEST(ResourceGuards, AMalformedLimitNamesTheVariable) {
  for (const char* bad : {"lots", "0", "-5", "12X", "1e30G", "8 G", "nan"}) {
    const MemoryLimit limit(bad);
    const auto e = test::expect_invalid([] { (void)generate_population(test::small_spec(100), 1); });
    EXPECT_EQ(e.field(), "MSMESIM_MEMORY_LIMIT") << bad;
    std::string quoted(1, '\'');
    quoted.append(bad).push_back('\'');
    EXPECT_EQ(e.value(), quoted);
  }
  for (const char* good : {"2G", "512m", "100000000", "1.5G"}) {
    const MemoryLimit limit(good);
    EXPECT_NO_THROW((void)generate_population(test::small_spec(100), 1)) << good;
  }
}

}  // namespace
}  // namespace msmesim
