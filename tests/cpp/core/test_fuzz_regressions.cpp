// Regression tests for what fuzzing the loaders found (fuzz/, tools/fuzz).
// Every input kept under tests/data/fuzz/<target>/ goes through the checks of
// that fuzz target (fuzz/harness.hpp): it loads and writes back to what loads
// again, or it is refused with an msmesim::Error, never anything else. The
// findings are then checked one by one for the error (or the value) they
// must give now. The seed corpus (fuzz/corpus/) goes through the same checks.
#include <gtest/gtest.h>

#include <msmesim/msmesim.hpp>

#include <algorithm>
#include <filesystem>
#include <set>
#include <system_error>
#include <string>
#include <typeinfo>
#include <vector>

#include <unistd.h>

#include "../../../fuzz/harness.hpp"

namespace msmesim {
namespace {

namespace fs = std::filesystem;

fs::path data_dir(const std::string& target) {
  return fs::path(MSMESIM_SOURCE_DIR) / "tests" / "data" / "fuzz" / target;
}

// The seed corpus of a target (fuzz/corpus/scenario, fuzz/corpus/population_csv).
fs::path seed_dir(const std::string& target) {
  return fs::path(MSMESIM_SOURCE_DIR) / "fuzz" / "corpus" / target.substr(std::string("fuzz_").size());
}

std::vector<fs::path> files_in(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.is_regular_file()) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

std::string input(const std::string& target, const std::string& name) {
  const fs::path path = data_dir(target) / name;
  EXPECT_TRUE(fs::exists(path)) << path;
  return fuzz::read_text(path);
}

// A directory of this process alone for the files a test writes, removed
// with it (test runs of several build trees may share the temporary directory).
struct Scratch {
  fs::path dir;
  explicit Scratch(const std::string& leaf)
      : dir(fs::path(::testing::TempDir()) /
            ("msmesim_fuzz_regressions_" + std::to_string(::getpid()) + "_" + leaf)) {
    fs::create_directories(dir);
  }
  ~Scratch() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
};

// Runs `check` on every file of `dir`; only an msmesim::Error may escape.
template <class F>
void every_input(const fs::path& dir, F check) {
  const auto files = files_in(dir);
  ASSERT_FALSE(files.empty()) << dir;
  for (const auto& file : files) {
    try {
      check(fuzz::read_text(file));
    } catch (const Error&) {
      // refused with a typed error: allowed
    } catch (const std::exception& e) {
      ADD_FAILURE() << file.filename() << ": " << typeid(e).name() << ": " << e.what();
    }
  }
}

ScenarioFileError scenario_error(const std::string& text) {
  try {
    (void)parse_scenario(text, "fuzz.toml");
  } catch (const ScenarioFileError& e) {
    return e;
  }
  ADD_FAILURE() << "no ScenarioFileError for:\n" << text;
  return ScenarioFileError("", 0, "", "", "");
}

ParseError csv_error(const std::string& data, const fs::path& dir) {
  try {
    (void)fuzz::load_csv_input(fuzz::split_csv_input(data), dir);
  } catch (const ParseError& e) {
    return e;
  }
  ADD_FAILURE() << "no ParseError for:\n" << data;
  return ParseError("", 0, "", "", "");
}

// ---- every kept input -------------------------------------------------------------------

TEST(FuzzRegressions, EveryScenarioInputLoadsAndRoundTripsOrIsRefusedWithAnError) {
  every_input(data_dir("fuzz_scenario"), [](const std::string& text) { fuzz::check_scenario(text); });
}

TEST(FuzzRegressions, EveryCsvInputLoadsAndRoundTripsOrIsRefusedWithAnError) {
  const Scratch scratch("csv");
  every_input(data_dir("fuzz_population_csv"), [&](const std::string& data) { fuzz::check_csv(data, scratch.dir); });
}

// The seeds too: they exercise the round trips on valid files.
TEST(FuzzRegressions, EverySeedLoadsAndRoundTripsOrIsRefusedWithAnError) {
  every_input(seed_dir("fuzz_scenario"), [](const std::string& text) { fuzz::check_scenario(text); });
  const Scratch scratch("seeds");
  every_input(seed_dir("fuzz_population_csv"), [&](const std::string& data) { fuzz::check_csv(data, scratch.dir); });
}

// ---- scenario files: characters beyond ASCII (toml++ 3.3 reached __builtin_unreachable) ----

TEST(FuzzRegressions, NonAsciiOutsideStringsIsASyntaxErrorNamingTheCharacterAndLine) {
  const auto bare = scenario_error(input("fuzz_scenario", "toml-non-ascii-bare-key.toml"));
  EXPECT_EQ(bare.key(), "(syntax)");
  EXPECT_EQ(bare.line(), 1);
  EXPECT_NE(bare.value().find("U+00E9"), std::string::npos) << bare.what();
  EXPECT_NE(bare.allowed().find("only inside strings and comments"), std::string::npos) << bare.what();
  // The fuzzer's input: a section sign after a key.
  const auto found = scenario_error(input("fuzz_scenario", "crash-46713c3e-non-ascii-after-key.toml"));
  EXPECT_EQ(found.key(), "(syntax)");
  EXPECT_EQ(found.line(), 3);
  EXPECT_NE(found.value().find("U+00A7"), std::string::npos) << found.what();
}

TEST(FuzzRegressions, NonAsciiInQuotedKeysLoadsAsWritten) {
  const ScenarioFile f = parse_scenario(input("fuzz_scenario", "toml-non-ascii-in-quoted-key.toml"));
  ASSERT_EQ(f.scenario.shocks.size(), 1u);
  const auto& by = f.scenario.shocks[0].incidence_by_sector;
  ASSERT_EQ(by.size(), 2u);
  EXPECT_EQ(by.at("kerajinan \xC3\xA9"), 0.5);
  EXPECT_EQ(by.at("kopi \xC2\xA7"), 0.25);
  EXPECT_EQ(parse_scenario(to_toml(f)).scenario.shocks[0].incidence_by_sector, by);
}

TEST(FuzzRegressions, NonAsciiInStringsLoadsAsWritten) {
  const ScenarioFile after = parse_scenario(input("fuzz_scenario", "toml-non-ascii-after-line-ending-backslash.toml"));
  EXPECT_EQ(after.description, "\xC2\xA7 after a line-ending backslash");
  const ScenarioFile literal = parse_scenario(input("fuzz_scenario", "toml-non-ascii-in-literal-strings.toml"));
  EXPECT_EQ(literal.scenario.name, "caf\xC3\xA9 \"quoted\" \\ ");
  EXPECT_EQ(literal.description, "line \xD0\x96\n2'");
  EXPECT_EQ(parse_scenario(to_toml(literal)).description, literal.description);
}

TEST(FuzzRegressions, BackslashBeforeNonAsciiIsASyntaxError) {
  const auto e = scenario_error(input("fuzz_scenario", "toml-backslash-before-non-ascii.toml"));
  EXPECT_EQ(e.key(), "(syntax)");
  EXPECT_EQ(e.line(), 2);
  EXPECT_NE(e.value().find("a backslash before"), std::string::npos) << e.what();
  EXPECT_NE(e.allowed().find("escape sequence"), std::string::npos) << e.what();
}

// ---- scenario files: to_toml's shortest floats ----------------------------------------------

TEST(FuzzRegressions, ToTomlKeepsKeysThatLookLikeNumbers) {
  const ScenarioFile f = parse_scenario(input("fuzz_scenario", "to-toml-number-like-keys.toml"));
  const ScenarioFile again = parse_scenario(to_toml(f));
  std::set<std::string> keys;
  for (const auto& [k, v] : again.scenario.shocks.at(0).incidence_by_sector) keys.insert(k);
  EXPECT_EQ(keys, (std::set<std::string>{"-2e-3", "1e5", "craft-1e5"}));
  // The fuzzer's input: a key that starts with a number ("1e5subsidy_months").
  const ScenarioFile found = parse_scenario(input("fuzz_scenario", "crash-0ca1adc4-key-starting-with-a-number.toml"));
  const ScenarioFile found_again = parse_scenario(to_toml(found));
  keys.clear();
  for (const auto& [k, v] : found_again.scenario.shocks.at(0).incidence_by_sector) keys.insert(k);
  EXPECT_EQ(keys, (std::set<std::string>{"-2e-3", "1e5subsidy_months", "c2aft-1e5"}));
}

TEST(FuzzRegressions, ToTomlKeepsNumbersInsideMultiLineStrings) {
  const ScenarioFile f = parse_scenario(input("fuzz_scenario", "to-toml-number-in-multi-line-string.toml"));
  EXPECT_EQ(f.description, "x\n'1.50 y");
  EXPECT_EQ(parse_scenario(to_toml(f)).description, "x\n'1.50 y");
}

TEST(FuzzRegressions, ToTomlWritesStringsWithLineBreaksThatReadBack) {
  // The fuzzer's input: a name with ''' and a line break, which toml++ wrote
  // as a multi-line literal string ended early by the '''.
  const ScenarioFile quotes = parse_scenario(input("fuzz_scenario", "crash-2b8c7073-multi-line-literal-string.toml"));
  EXPECT_NE(quotes.scenario.name.find("'''"), std::string::npos);
  EXPECT_EQ(parse_scenario(to_toml(quotes)).scenario.name, quotes.scenario.name);
  // A leading line break was dropped by the multi-line string.
  const ScenarioFile lead = parse_scenario(input("fuzz_scenario", "to-toml-leading-line-break.toml"));
  EXPECT_EQ(lead.scenario.name, "\nstarts with a line break");
  EXPECT_EQ(parse_scenario(to_toml(lead)).scenario.name, lead.scenario.name);
  // A key with a line break was written back as text that did not read
  // back (toml++ writes some such keys bare): a sector name holds no
  // control character, so such a key is refused where it is read.
  // Likewise a key with a single quote, which toml++ also writes bare.
  for (const char* file : {"to-toml-key-with-line-break.toml", "crash-30408c51-key-with-escaped-line-break.toml",
                           "crash-6a106155-key-with-a-single-quote.toml"}) {
    try {
      (void)parse_scenario(input("fuzz_scenario", file));
      ADD_FAILURE() << file << " was accepted";
    } catch (const ScenarioFileError& e) {
      EXPECT_EQ(e.key(), "shocks[0].incidence_by_sector") << e.what();
      EXPECT_EQ(e.line(), 10) << e.what();
    }
  }
}

// ---- CSV files: what the savers write must load again ------------------------------------------

TEST(FuzzRegressions, DefaultCashAboveTheColumnsBoundIsAnErrorOnCashRp) {
  const Scratch scratch("cash");
  const auto e = csv_error(input("fuzz_population_csv", "round-trip-default-cash-above-bound.csv"), scratch.dir);
  EXPECT_EQ(e.column(), "cash_rp");
  EXPECT_EQ(e.line(), 2);
  EXPECT_NE(e.value().find("one month of outflows"), std::string::npos) << e.what();
  EXPECT_NE(e.allowed().find("at most 1e16"), std::string::npos) << e.what();
}

TEST(FuzzRegressions, BalancingItemAboveTheColumnsBoundIsAnErrorOnOtherAssets) {
  const Scratch scratch("balancing");
  const auto e = csv_error(input("fuzz_population_csv", "round-trip-balancing-item-above-bound.csv"), scratch.dir);
  EXPECT_EQ(e.column(), "other_assets_rp");
  EXPECT_EQ(e.line(), 2);
  EXPECT_NE(e.file().find("cooperatives.csv"), std::string::npos) << e.what();
  EXPECT_NE(e.allowed().find("as the balancing item it would be 2.7e+16"), std::string::npos) << e.what();
}

TEST(FuzzRegressions, FloatColumnsAtTheirBoundSaveToTextThatLoadsAgain) {
  const Scratch scratch("float");
  const fs::path& dir = scratch.dir;
  const auto in = fuzz::split_csv_input(input("fuzz_population_csv", "round-trip-float-share-at-bound.csv"));
  const Population pop = fuzz::load_csv_input(in, dir);
  const std::string saved = fuzz::save_all(pop, dir, "saved_");
  EXPECT_NE(saved.find(",0.999,"), std::string::npos) << saved;
  auto back = fuzz::split_csv_input(saved);
  back.files = 1;
  const Population again = fuzz::load_csv_input(back, dir);
  EXPECT_EQ(again.variable_cost_share, pop.variable_cost_share);
  EXPECT_EQ(again.online_share, pop.online_share);
  EXPECT_EQ(again.owner_capability, pop.owner_capability);
  EXPECT_EQ(again.loan_rate_year, pop.loan_rate_year);
}

TEST(FuzzRegressions, AmountsOutOfRangeNameTheUpperBound) {
  const Scratch scratch("bound");
  const auto e = csv_error("region,sector,workers,revenue_rp_month,assets_rp\na,trade,1,5e6,2e16\n", scratch.dir);
  EXPECT_EQ(e.column(), "assets_rp");
  EXPECT_EQ(e.value(), "2e16");
  EXPECT_EQ(e.allowed(), "a number >= 0 (Rp), at most 1e16");
}

}  // namespace
}  // namespace msmesim
