// Scenario files (docs/scenario.md): the built-in preset equals the code
// preset, files round-trip, `extends` starts from a preset, and every kind
// of broken file gives one error naming file, line, key, value and what is
// allowed.
#include <gtest/gtest.h>

#include <msmesim/msmesim.hpp>

#include <algorithm>
#include <filesystem>
#include <set>
#include <fstream>

#include "support.hpp"

namespace msmesim {
namespace {

ScenarioFileError expect_file_error(const std::string& text) {
  try {
    (void)parse_scenario(text, "bad.toml");
  } catch (const ScenarioFileError& e) {
    return e;
  }
  ADD_FAILURE() << "no ScenarioFileError for:\n" << text;
  return ScenarioFileError("", 0, "", "", "");
}

TEST(ScenarioFile, ThePresetFileIsTheBuiltInScenario) {
  const ScenarioFile f = presets::scenario_file("bogor-covid19");
  EXPECT_EQ(f.scenario.name, "bogor-covid19");
  EXPECT_EQ(f.population.preset, "bogor");
  EXPECT_EQ(f.population.firms, presets::kBogorFirms);
  // Same text as the scenario built in code, and the same results.
  ScenarioFile code = f;
  code.scenario = presets::bogor_covid19_scenario();
  EXPECT_EQ(to_toml(f), to_toml(code));
  const Population pop = generate_population(presets::bogor_population_spec(20000), 3, 2);
  RunOptions opt;
  opt.seed = 4;
  opt.threads = 2;
  EXPECT_TRUE(test::results_identical(run(pop, f.scenario, opt), run(pop, presets::bogor_covid19_scenario(), opt)));
  EXPECT_NE(std::find(presets::scenario_names().begin(), presets::scenario_names().end(), "bogor-covid19"),
            presets::scenario_names().end());
  EXPECT_EQ(test::expect_invalid([] { (void)presets::scenario_text("atlantis"); }).field(), "preset");
}

TEST(ScenarioFile, RoundTripsThroughTomlText) {
  ScenarioFile f = presets::scenario_file("bogor-covid19");
  f.description = "round trip";
  f.seed = 42;
  f.replications = 3;
  f.population.firms = 5000;
  f.outputs.dir = "out";
  f.outputs.microdata = true;
  f.scenario.params.closure_after_months = 4;
  f.scenario.params.coop_reserve_ratio = 0.2;
  Shock s;
  s.name = "garment";
  s.channel = Channel::raw_materials;
  s.onset = {2020, 6};
  s.profile.path = {0.2, 0.5, 1.0, 0.25};
  s.severity = SeverityDist::uniform(0.1, 0.4);
  s.target.sectors = {"clothing"};
  s.target.classes = {SizeClass::micro, SizeClass::small};
  s.target.regions = {"Cibinong"};
  f.scenario.shocks.push_back(s);
  Programme p;
  p.name = "kur";
  p.kind = ProgrammeKind::kur_subsidy;
  p.start = {2020, 5};
  p.end = {2021, 4};
  p.budget_rp = 2e9;
  p.quota = 100;
  p.monthly_capacity = 20;
  p.uptake = 0.4;
  p.allocation = Allocation::lottery;
  p.eligibility.never_had_kur = true;
  p.eligibility.registered = 1;
  p.eligibility.classes = {SizeClass::micro};
  p.eligibility.ranges = {{"revenue_rp_month", 0, 5e6}};
  p.params["rate_points"] = 0.05;
  p.params["subsidy_months"] = 6;
  f.scenario.programmes.push_back(p);
  Programme c;
  c.name = "csr";
  c.kind = ProgrammeKind::csr_capital;
  c.budget_rp = 1e9;
  c.amount_rp = 5e7;
  c.eligibility.coop_types = {CoopType::producer};
  f.scenario.programmes.push_back(c);
  f.scenario.input_output->technical_coefficients[0] = 0.11;  // not the preset any more
  const std::string text = to_toml(f);
  const ScenarioFile g = parse_scenario(text, "round.toml");
  EXPECT_EQ(to_toml(g), text);
  // The preset's national measures, then the two added here.
  const std::size_t preset = presets::bogor_covid19_scenario().programmes.size();
  EXPECT_EQ(g.scenario.programmes.size(), preset + 2);
  EXPECT_EQ(g.scenario.programmes[preset].param("rate_points"), 0.05);
  EXPECT_EQ(g.scenario.shocks.back().profile.path, s.profile.path);
  EXPECT_EQ(g.scenario.params.closure_after_months, 4);
  EXPECT_EQ(g.scenario.input_output->technical_coefficients[0], 0.11);
  // And through a file.
  const auto path = (std::filesystem::temp_directory_path() / "msmesim_round.toml").string();
  save_scenario_file(g, path);
  EXPECT_EQ(to_toml(load_scenario_file(path)), text);
  std::filesystem::remove(path);
}

TEST(ScenarioFile, ExtendsAPresetAndChangesWhatItNeeds) {
  const ScenarioFile f = parse_scenario(R"(
extends = "bogor-covid19"
name = "short"
[horizon]
months = 12
[params]
closure_after_months = 2
[[programmes]]
name = "bpum"
kind = "cash_grant"
start = "2020-05"
end = "2020-08"
budget_rp = 1e9
eligibility = { classes = ["micro"] }
)");
  EXPECT_EQ(f.scenario.name, "short");
  EXPECT_EQ(f.scenario.months, 12);
  EXPECT_EQ(f.scenario.start, (YearMonth{2020, 1}));  // from the preset
  EXPECT_EQ(f.scenario.shocks.size(), 5u);
  EXPECT_EQ(f.scenario.params.closure_after_months, 2);
  // The file's programme comes after the measures the preset has in force.
  const auto& preset = presets::bogor_covid19_scenario().programmes;
  ASSERT_EQ(f.scenario.programmes.size(), preset.size() + 1);
  for (std::size_t k = 0; k < preset.size(); ++k) EXPECT_EQ(f.scenario.programmes[k].name, preset[k].name);
  EXPECT_EQ(f.scenario.programmes.back().name, "bpum");
  EXPECT_EQ(f.scenario.programmes.back().eligibility.classes, std::vector<SizeClass>{SizeClass::micro});
  EXPECT_EQ(f.extends, "bogor-covid19");
  // Unless it drops them: the counterfactual without the national measures.
  const ScenarioFile g = parse_scenario("extends = \"bogor-covid19\"\ninherit_programmes = false\n");
  EXPECT_TRUE(g.scenario.programmes.empty());
  EXPECT_EQ(g.scenario.shocks.size(), 5u);
  EXPECT_THROW((void)parse_scenario("name = \"x\"\ninherit_programmes = false\n"), ScenarioFileError);
}

TEST(ScenarioFileErrors, EachBrokenFileNamesFileLineKeyAndWhatIsAllowed) {
  struct Case {
    const char* text;
    std::int64_t line;
    const char* key;
    const char* allowed_part;
  };
  const Case cases[] = {
      // Wrong type.
      {"name = \"x\"\n[horizon]\nmonths = \"many\"\n", 3, "horizon.months", "an integer"},
      // Negative budget.
      {"name = \"x\"\n\n[[programmes]]\nname = \"g\"\nkind = \"cash_grant\"\nbudget_rp = -5\n", 6,
       "programmes[0].budget_rp", ">= 0"},
      // Unknown key, with a hint.
      {"name = \"x\"\n[horizon]\nmonth = 12\n", 3, "horizon.month", "did you mean 'months'"},
      {"name = \"x\"\nshcoks = []\n", 2, "shcoks", "did you mean 'shocks'"},
      {"name = \"x\"\n[params]\nclosure_after_month = 3\n", 3, "params.closure_after_month",
       "did you mean 'closure_after_months'"},
      // End before start: a check across keys, at the line of the key.
      {"name = \"x\"\n[[programmes]]\nname = \"g\"\nkind = \"cash_grant\"\nstart = \"2020-06\"\nend = \"2020-02\"\n", 6,
       "programmes[0].end", "not before start"},
      // Out of range, bad month, unknown names.
      {"name = \"x\"\n[[shocks]]\nchannel = \"sales\"\nincidence = 1.5\n", 4, "shocks[0].incidence", "[0, 1]"},
      {"name = \"x\"\n[horizon]\nstart = \"March 2020\"\n", 3, "horizon.start", "YYYY-MM"},
      {"name = \"x\"\n[[shocks]]\nchannel = \"weather\"\n", 3, "shocks[0].channel", "sales"},
      {"name = \"x\"\n[[programmes]]\nname = \"g\"\nkind = \"free_lunch\"\n", 4, "programmes[0].kind", "cash_grant"},
      {"name = \"x\"\n[[programmes]]\nname = \"g\"\nkind = \"kur_subsidy\"\nparams = { rate = 0.1 }\n", 5,
       "programmes[0].params.rate", "rate_points"},
      {"name = \"x\"\n[[programmes]]\nname = \"g\"\nkind = \"cash_grant\"\nuptake = 2\n", 5, "programmes[0].uptake",
       "[0, 1]"},
      {"extends = \"atlantis\"\n", 1, "extends", "bogor-covid19"},
      // Names of the built-in population, known before a run.
      {"name = \"x\"\n[[shocks]]\nchannel = \"sales\"\nsectors = [\"trade\", \"fishing\"]\n", 4, "shocks[0].sectors[1]",
       "a sector of the bogor population"},
      {"name = \"x\"\n[[programmes]]\nname = \"g\"\nkind = \"shop_rental\"\n"
       "eligibility = { regions = [\"Cibinnong\"] }\n", 5, "programmes[0].eligibility.regions[0]", "did you mean 'Cibinong'"},
      // Malformed TOML and an empty file.
      {"name = \"x\"\n[horizon\nmonths = 3\n", 2, "(syntax)", "TOML"},
      {"", 1, "(document)", "a scenario"},
      {"# only a comment\n", 1, "(document)", "a scenario"},
  };
  for (const Case& c : cases) {
    const ScenarioFileError e = expect_file_error(c.text);
    EXPECT_EQ(e.file(), "bad.toml") << c.text;
    EXPECT_EQ(e.line(), c.line) << c.text;
    EXPECT_EQ(e.key(), c.key) << c.text;
    EXPECT_NE(e.allowed().find(c.allowed_part), std::string::npos) << e.what();
    const std::string what = e.what();
    EXPECT_EQ(what.find('\n'), std::string::npos) << "one line: " << what;
    EXPECT_EQ(what.rfind("bad.toml:" + std::to_string(c.line) + ": key '" + c.key + "'", 0), 0u) << what;
    EXPECT_EQ(e.errors().size(), 1u) << "one mistake, one error: " << what;
  }
}

TEST(ScenarioFileErrors, EveryMistakeOfAFileIsReportedTogether) {
  const std::string text =
      "name = \"x\"\n"                                           // 1
      "shcoks = []\n"                                             // 2 unknown key
      "[horizon]\n"                                               // 3
      "start = \"March 2020\"\n"                                  // 4 bad month
      "months = 36\n"                                             // 5
      "[params]\n"                                                // 6
      "closure_after_month = 3\n"                                 // 7 unknown parameter
      "revenue_noise_sd = -1\n"                                   // 8 out of range
      "[[programmes]]\n"                                          // 9
      "name = \"g\"\n"                                             // 10
      "kind = \"cash_grant\"\n"                                    // 11
      "budget_rp = -5\n"                                          // 12 negative budget
      "uptake = 2\n"                                              // 13 out of range
      "[[programmes]]\n"                                          // 14
      "name = \"h\"\n"                                             // 15
      "kind = \"kur_subsidy\"\n"                                   // 16
      "params = { rate = 0.1 }\n";                                // 17 unknown programme parameter
  const ScenarioFileError e = expect_file_error(text);
  const auto all = e.errors();
  std::vector<std::pair<std::int64_t, std::string>> got;
  for (const auto& x : all) got.emplace_back(x.line(), x.key());
  const std::vector<std::pair<std::int64_t, std::string>> expected = {
      {2, "shcoks"},
      {4, "horizon.start"},
      {7, "params.closure_after_month"},
      {8, "params.revenue_noise_sd"},
      {12, "programmes[0].budget_rp"},
      {13, "programmes[0].uptake"},
      {17, "programmes[1].params.rate"}};
  EXPECT_EQ(got, expected) << e.what();
  // The error itself is the first; its message lists them all, one a line.
  EXPECT_EQ(e.line(), 2);
  EXPECT_EQ(e.key(), "shcoks");
  const std::string what = e.what();
  EXPECT_EQ(what.rfind("bad.toml: 7 errors:", 0), 0u) << what;
  for (const auto& x : all) EXPECT_NE(what.find("line " + std::to_string(x.line()) + ": key '" + x.key() + "'"), std::string::npos) << what;
  // Checks across keys come once the keys themselves are right, and are
  // collected too: two unknown kecamatan and an end before the start.
  const ScenarioFileError names = expect_file_error(
      "name = \"x\"\n[[shocks]]\nchannel = \"sales\"\nregions = [\"Atlantis\", \"Cibinnong\"]\n"
      "[[programmes]]\nname = \"g\"\nkind = \"cash_grant\"\nstart = \"2020-06\"\nend = \"2020-02\"\n");
  std::vector<std::string> keys;
  for (const auto& x : names.errors()) keys.push_back(x.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"shocks[0].regions[0]", "shocks[0].regions[1]", "programmes[0].end"}))
      << names.what();
}

TEST(ScenarioFile, AnAnalysisKeepsItsTablesBesideTheScenario) {
  const std::string text =
      "name = \"x\"\n"
      "[optimise]\ntotal_budget_rp = 1e9\n"
      "[[candidates]]\nname = \"g\"\nkind = \"cash_grant\"\namount_rp = 2e6\n"
      "[[candidates]]\nname = \"v\"\nkind = \"shipping_voucher\"\nuptake = 0.5\n";
  // Read as a scenario, the analysis's keys are unknown; left to the caller, they are not read.
  EXPECT_EQ(expect_file_error(text).key(), "optimise");
  const std::vector<std::string> others = {"optimise", "candidates"};
  const ScenarioFile f = parse_scenario(text, "bad.toml", others);
  EXPECT_EQ(f.scenario.name, "x");
  EXPECT_TRUE(f.scenario.programmes.empty());
  const auto candidates = parse_programme_tables(text, "bad.toml", "candidates");
  ASSERT_EQ(candidates.size(), 2u);
  EXPECT_EQ(candidates[0].kind, ProgrammeKind::cash_grant);
  EXPECT_EQ(candidates[0].amount_rp, 2e6);
  EXPECT_EQ(candidates[1].uptake, 0.5);
  EXPECT_TRUE(parse_programme_tables(text, "bad.toml", "absent").empty());
  // Mistakes in candidates are named by their key and line, together.
  try {
    (void)parse_programme_tables(
        "[[candidates]]\nname = \"g\"\nkind = \"cash_grant\"\nuptake = 2\n[[candidates]]\nkind = \"nope\"\n",
        "bad.toml", "candidates");
    ADD_FAILURE() << "accepted";
  } catch (const ScenarioFileError& e) {
    std::vector<std::string> keys;
    for (const auto& x : e.errors()) keys.push_back(x.key());
    EXPECT_EQ(keys, (std::vector<std::string>{"candidates[0].uptake", "candidates[1].kind"})) << e.what();
  }
}

TEST(ScenarioFileErrors, AMissingFileAndAPopulationTooLargeForMemory) {
  EXPECT_THROW((void)load_scenario_file("/nonexistent/scenario.toml"), IoError);
  PopulationSource huge;
  huge.firms = 2000000000;
  const auto e = test::expect_invalid([&] { (void)make_population(huge); });
  EXPECT_EQ(e.field(), "population.firms");
  EXPECT_NE(e.allowed().find("fits in memory"), std::string::npos) << e.allowed();
  EXPECT_THROW((void)make_population(huge), ResourceLimit);
}

TEST(ScenarioFile, PopulationFromRegistryFilesRelativeToTheScenario) {
  const auto dir = std::filesystem::temp_directory_path() / "msmesim_registry_test";
  std::filesystem::create_directories(dir);
  const Population pop = generate_population(presets::bogor_population_spec(2000), 5, 1);
  save_population_csv(pop, (dir / "firms.csv").string());
  save_cooperatives_csv(pop, (dir / "coops.csv").string());
  const ScenarioFile f = parse_scenario(
      "name = \"registry\"\n[population]\nfirms_csv = \"firms.csv\"\ncooperatives_csv = \"coops.csv\"\n",
      (dir / "s.toml").string());
  const Population read = make_population(f.population, dir.string());
  EXPECT_EQ(read.size(), pop.size());
  EXPECT_EQ(read.cooperatives.size(), pop.cooperatives.size());
  // A file that extends a preset may bring its own registry.
  const ScenarioFile g = parse_scenario(
      "extends = \"bogor-covid19\"\n[population]\nfirms_csv = \"firms.csv\"\ncooperatives_csv = \"coops.csv\"\n",
      (dir / "t.toml").string());
  EXPECT_TRUE(g.population.preset.empty());
  EXPECT_EQ(make_population(g.population, dir.string()).size(), pop.size());
  std::filesystem::remove_all(dir);
}

TEST(ScenarioFile, EveryPresetAndExampleFileLoadsAndRuns) {
  std::vector<ScenarioFile> files;
  for (const auto& name : presets::scenario_names()) files.push_back(presets::scenario_file(name));
  const auto dir = std::filesystem::path(MSMESIM_SOURCE_DIR) / "examples" / "scenarios";
  std::vector<std::filesystem::path> paths;
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    if (entry.path().extension() == ".toml") paths.push_back(entry.path());
  std::sort(paths.begin(), paths.end());
  EXPECT_GE(paths.size(), static_cast<std::size_t>(kProgrammeKinds));
  for (const auto& p : paths) files.push_back(load_scenario_file(p.string()));
  // Every kind of programme has an example.
  std::set<ProgrammeKind> kinds;
  for (const auto& f : files)
    for (const auto& p : f.scenario.programmes) kinds.insert(p.kind);
  EXPECT_EQ(kinds.size(), static_cast<std::size_t>(kProgrammeKinds));
  for (ScenarioFile f : files) {
    f.population.firms = 5000;
    const Population pop = make_population(f.population, dir.string(), 2);
    RunOptions opt;
    opt.seed = f.seed;
    opt.threads = 2;
    opt.microdata = false;
    const RunResult r = run(pop, f.scenario, opt);
    EXPECT_EQ(r.monthly.rows(), static_cast<std::size_t>(f.scenario.months)) << f.scenario.name;
    if (!f.scenario.programmes.empty()) {
      EXPECT_GT(r.programme_payments.rows(), 0u) << f.scenario.name;
    }
  }
}

}  // namespace
}  // namespace msmesim
