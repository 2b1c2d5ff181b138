// One description of each thing a user names: every consumer of a field
// table — validation, the scenario file's reader and writer — agrees with
// the table, so that a range or a default is written once.
#include <gtest/gtest.h>

#include <msmesim/msmesim.hpp>

#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace msmesim {
namespace {

Shock a_shock() {
  Shock s;
  s.name = "s";
  s.channel = Channel::sales;
  s.onset = {2020, 3};
  return s;
}

std::string scenario_with_shock_field(std::string_view name, const std::string& value) {
  return "name = \"x\"\n[[shocks]]\nchannel = \"sales\"\nonset = \"2020-03\"\nseverity = { distribution = \"fixed\", "
         "value = 0.3 }\n" +
         std::string(name) + " = " + value + "\n";
}

std::string text_of(double v, bool integer) {
  if (integer) return std::to_string(static_cast<long long>(v));
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  std::string s = buf;
  if (s.find_first_of(".eE") == std::string::npos) s += ".0";
  return s;
}

TEST(ShockFieldTable, DefaultsAreThoseOfAShock) {
  const Shock s;
  ASSERT_FALSE(shock_field_table().empty());
  for (const ParamInfo& row : shock_field_table()) {
    EXPECT_EQ(shock_field(s, row.name), row.default_value) << row.name;
    EXPECT_GE(row.default_value, row.min) << row.name;
    EXPECT_LE(row.default_value, row.max) << row.name;
    EXPECT_FALSE(row.unit.empty()) << row.name;
    EXPECT_FALSE(row.description.empty()) << row.name;
  }
}

TEST(ShockFieldTable, ValidationAndTheFileReaderAllowTheSameRange) {
  for (const ParamInfo& row : shock_field_table()) {
    const std::string field = std::string(row.name);
    // The ends of the range are accepted by both.
    for (const double v : {row.min, row.max}) {
      Shock s = a_shock();
      set_shock_field(s, row.name, v);
      EXPECT_NO_THROW(s.validate("shock")) << field << " = " << v;
      const Scenario sc = parse_scenario(scenario_with_shock_field(row.name, text_of(v, row.integer)), "f.toml").scenario;
      ASSERT_EQ(sc.shocks.size(), 1u);
      EXPECT_EQ(shock_field(sc.shocks[0], row.name), v) << field;
    }
    // Just beyond them, both refuse, naming the field and the same range.
    const double step = row.integer ? 1.0 : 1e-3 * std::max(1.0, row.max - row.min);
    for (const double v : {row.min - step, row.max + step}) {
      Shock s = a_shock();
      set_shock_field(s, row.name, v);
      std::string validate_allowed, file_allowed;
      try {
        s.validate("shock");
        ADD_FAILURE() << field << " = " << v << " passed validation";
      } catch (const InvalidArgument& e) {
        EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
        validate_allowed = e.allowed();
      }
      try {
        (void)parse_scenario(scenario_with_shock_field(row.name, text_of(v, row.integer)), "f.toml");
        ADD_FAILURE() << field << " = " << v << " passed the file reader";
      } catch (const ScenarioFileError& e) {
        EXPECT_EQ(e.key(), "shocks[0]." + field);
        file_allowed = e.allowed();
      }
      // "an integer in [0, 600]" / "a number in [0, 1]" from both.
      EXPECT_EQ(validate_allowed, file_allowed) << field;
    }
  }
}

TEST(ShockFieldTable, EveryFieldRoundTripsThroughAFile) {
  ScenarioFile f;
  f.scenario.name = "x";
  Shock s = a_shock();
  s.severity = SeverityDist::fixed(0.3);
  // A value other than the default in every field.
  for (const ParamInfo& row : shock_field_table()) {
    const double v = row.default_value == row.max ? row.min : (row.integer ? row.default_value + 1 : (row.default_value + row.max) / 2);
    set_shock_field(s, row.name, v);
  }
  f.scenario.shocks.push_back(s);
  const Scenario back = parse_scenario(to_toml(f), "back.toml").scenario;
  ASSERT_EQ(back.shocks.size(), 1u);
  for (const ParamInfo& row : shock_field_table())
    EXPECT_EQ(shock_field(back.shocks[0], row.name), shock_field(s, row.name)) << row.name;
}

TEST(FieldTables, AWholeFieldRefusesWhatAnIntegerCannotHold) {
  Shock s;
  EXPECT_THROW(set_shock_field(s, "plateau_months", 2.5), InvalidArgument);
  EXPECT_THROW(set_shock_field(s, "ramp_months", 1e300), InvalidArgument);
  EXPECT_EQ(s.profile.plateau_months, 3);  // untouched
  Programme p;
  EXPECT_THROW(set_programme_field(p, "quota", std::numeric_limits<double>::infinity()), InvalidArgument);
  EXPECT_THROW(set_programme_field(p, "monthly_capacity", 0.5), InvalidArgument);
  EXPECT_EQ(p.quota, -1);
}

TEST(ShockFieldTable, AnUnknownFieldNameIsRefusedWithAHint) {
  Shock s;
  try {
    (void)shock_field(s, "plateau_month");
    FAIL() << "no error";
  } catch (const InvalidArgument& e) {
    EXPECT_NE(e.allowed().find("did you mean 'plateau_months'"), std::string::npos) << e.allowed();
  }
}

Programme a_programme() {
  Programme p;
  p.name = "p";
  p.kind = ProgrammeKind::cash_grant;
  return p;
}

std::string scenario_with_programme_field(std::string_view name, const std::string& value) {
  return "name = \"x\"\n[[programmes]]\nname = \"p\"\nkind = \"cash_grant\"\n" + std::string(name) + " = " + value + "\n";
}

TEST(ProgrammeFieldTable, DefaultsAreThoseOfAProgramme) {
  const Programme p;
  ASSERT_FALSE(programme_field_table().empty());
  for (const ParamInfo& row : programme_field_table()) {
    EXPECT_EQ(programme_field(p, row.name), row.default_value) << row.name;
    // In range, or the "not set" marker of an optional field.
    EXPECT_TRUE(field_unset(row, row.default_value) || (row.default_value >= row.min && row.default_value <= row.max))
        << row.name;
    EXPECT_FALSE(row.unit.empty()) << row.name;
    EXPECT_FALSE(row.description.empty()) << row.name;
  }
  EXPECT_TRUE(field_unset(programme_field_table()[1], -1.0));  // quota
  EXPECT_FALSE(field_unset(programme_field_table()[0], 0.0));  // budget_rp
}

TEST(ProgrammeFieldTable, ValidationAndTheFileReaderAllowTheSameRange) {
  for (const ParamInfo& row : programme_field_table()) {
    const std::string field = std::string(row.name);
    const double top = std::isinf(row.max) ? 1e12 : row.max;
    for (const double v : {row.min, top}) {
      Programme p = a_programme();
      set_programme_field(p, row.name, v);
      EXPECT_NO_THROW(p.validate("programmes[0]")) << field << " = " << v;
      const Scenario sc =
          parse_scenario(scenario_with_programme_field(row.name, text_of(v, row.integer)), "f.toml").scenario;
      ASSERT_EQ(sc.programmes.size(), 1u);
      EXPECT_EQ(programme_field(sc.programmes[0], row.name), v) << field;
    }
    // Below the range (for an optional field, below its marker too) and,
    // when bounded, above it: both refuse with the same allowed values.
    const double step = row.integer ? 1.0 : 1e-3 * (std::isinf(row.max) ? 1.0 : std::max(1.0, row.max - row.min));
    std::vector<double> bad{field_unset(row, row.default_value) ? row.default_value - step : row.min - step};
    if (!std::isinf(row.max)) bad.push_back(row.max + step);
    for (const double v : bad) {
      Programme p = a_programme();
      set_programme_field(p, row.name, v);
      std::string validate_allowed, file_allowed;
      try {
        p.validate("programmes[0]");
        ADD_FAILURE() << field << " = " << v << " passed validation";
      } catch (const InvalidArgument& e) {
        EXPECT_EQ(e.field(), "programmes[0]." + field) << e.what();
        validate_allowed = e.allowed();
      }
      try {
        (void)parse_scenario(scenario_with_programme_field(row.name, text_of(v, row.integer)), "f.toml");
        ADD_FAILURE() << field << " = " << v << " passed the file reader";
      } catch (const ScenarioFileError& e) {
        EXPECT_EQ(e.key(), "programmes[0]." + field);
        file_allowed = e.allowed();
      }
      EXPECT_EQ(validate_allowed, file_allowed) << field << " = " << v;
    }
  }
}

TEST(ProgrammeFieldTable, EveryFieldRoundTripsThroughAFileSetOrNot) {
  for (const bool set : {false, true}) {
    ScenarioFile f;
    f.scenario.name = "x";
    Programme p = a_programme();
    if (set)
      for (const ParamInfo& row : programme_field_table()) {
        const double top = std::isinf(row.max) ? 1e9 : row.max;
        set_programme_field(p, row.name, row.integer ? std::floor((row.min + top) / 2) : (row.min + top) / 2);
      }
    f.scenario.programmes.push_back(p);
    const Scenario back = parse_scenario(to_toml(f), "back.toml").scenario;
    ASSERT_EQ(back.programmes.size(), 1u);
    for (const ParamInfo& row : programme_field_table())
      EXPECT_EQ(programme_field(back.programmes[0], row.name), programme_field(p, row.name)) << row.name;
  }
}

TEST(RunResultTables, EveryTableIsFoundByItsNameAndAnUnknownOneIsRefusedWithAHint) {
  RunResult r;
  std::set<const Table*> seen;
  for (const TableInfo& t : run_result_tables()) {
    EXPECT_EQ(&r.table(t.name), &(r.*t.member)) << t.name;
    EXPECT_FALSE(t.rows.empty()) << t.name;
    seen.insert(&r.table(t.name));
  }
  // Each member once: no two names for one table.
  EXPECT_EQ(seen.size(), run_result_tables().size());
  // Every Table member of RunResult is listed (the struct holds only these
  // tables besides scalars, names and class_transitions).
  EXPECT_EQ(run_result_tables().size(), 15u);
  try {
    (void)r.table("montly");
    FAIL() << "no error";
  } catch (const InvalidArgument& e) {
    EXPECT_EQ(e.field(), "table");
    EXPECT_NE(e.allowed().find("did you mean 'monthly'"), std::string::npos) << e.allowed();
  }
}

TEST(ProgrammeKindTable, OneRowPerKindInTheEnumsOrderAndEveryLookupReadsIt) {
  const auto rows = programme_kind_table();
  ASSERT_EQ(rows.size(), static_cast<std::size_t>(kProgrammeKinds));
  std::set<std::string_view> names;
  for (std::size_t k = 0; k < rows.size(); ++k) {
    const ProgrammeKindInfo& row = rows[k];
    EXPECT_EQ(row.kind, kAllProgrammeKinds[k]) << row.name;
    EXPECT_EQ(static_cast<std::size_t>(row.kind), k) << row.name;
    EXPECT_TRUE(names.insert(row.name).second) << row.name << " twice";
    EXPECT_EQ(to_string(row.kind), row.name);
    EXPECT_EQ(programme_kind_from_string(row.name), row.kind);
    EXPECT_EQ(serves_firms(row.kind), row.serves_firms) << row.name;
    EXPECT_EQ(serves_cooperatives(row.kind), row.serves_cooperatives) << row.name;
    EXPECT_TRUE(row.serves_firms || row.serves_cooperatives) << row.name << " serves nobody";
    EXPECT_EQ(spends_budget(row.kind), row.spends_budget) << row.name;
    EXPECT_EQ(default_amount_rp(row.kind), row.default_amount_rp) << row.name;
    EXPECT_GE(row.default_amount_rp, 0.0) << row.name;
    EXPECT_FALSE(row.amount_meaning.empty()) << row.name;
    ASSERT_NE(row.params, nullptr) << row.name;
    EXPECT_EQ(&programme_params(row.kind), row.params) << row.name;
    // Each kind's parameters: unique names, defaults in range.
    std::set<std::string_view> params;
    for (const ParamInfo& p : *row.params) {
      EXPECT_TRUE(params.insert(p.name).second) << row.name << "." << p.name;
      EXPECT_GE(p.default_value, p.min) << row.name << "." << p.name;
      EXPECT_LE(p.default_value, p.max) << row.name << "." << p.name;
    }
  }
}

// The options of a scenario file: the defaults are the structs', the
// reader refuses just outside each range and takes its ends, and the
// scenario's own validation agrees with the reader.
TEST(ScenarioOptionTable, DefaultsAreTheStructsAndTheReaderTakesItsRangesFromIt) {
  const ScenarioFile f;
  const Scenario sc;
  const std::map<std::string, double> defaults = {
      {"seed", static_cast<double>(f.seed)},
      {"replications", f.replications},
      {"horizon.months", sc.months},
      {"class_review.months", sc.class_review_months},
      {"population.firms", static_cast<double>(f.population.firms)},
      {"population.seed", static_cast<double>(f.population.seed)},
      {"population.burn_in_months", static_cast<double>(f.population.burn_in_months)},
  };
  for (const ParamInfo& row : scenario_option_table()) {
    ASSERT_TRUE(row.integer) << row.name;
    EXPECT_EQ(&scenario_option(row.name), &row);
    const std::string key(row.name);
    if (key == "outputs.panel_months") continue;  // a list (each element in range)
    ASSERT_TRUE(defaults.count(key)) << key;
    // A default below the range is "unset" (the struct's marker).
    EXPECT_EQ(defaults.at(key), row.default_value) << key;
    const auto dot = key.find('.');
    auto file = [&](std::int64_t v) {
      const std::string kv = (dot == std::string::npos ? key : key.substr(dot + 1)) + " = " + std::to_string(v);
      std::string text = "extends = \"bogor-covid19\"\n";
      text += dot == std::string::npos ? kv + "\n" : "[" + key.substr(0, dot) + "]\n" + kv + "\n";
      return text;
    };
    const auto lo = static_cast<std::int64_t>(row.min), hi = whole_max(row);
    EXPECT_NO_THROW((void)parse_scenario(file(lo))) << key;
    try {
      (void)parse_scenario(file(lo - 1));
      ADD_FAILURE() << key << " = " << lo - 1 << " accepted";
    } catch (const ScenarioFileError& e) {
      EXPECT_EQ(e.key(), key);
    }
    if (hi < std::numeric_limits<std::int64_t>::max()) {
      EXPECT_NO_THROW((void)parse_scenario(file(hi))) << key;
      EXPECT_THROW((void)parse_scenario(file(hi + 1)), ScenarioFileError) << key;
    }
  }
  // Scenario::validate takes the horizon's and the class review's ranges
  // from the same rows.
  Scenario s;
  s.months = static_cast<int>(whole_max(scenario_option("horizon.months")));
  EXPECT_NO_THROW(s.validate());
  s.months += 1;
  EXPECT_THROW(s.validate(), InvalidArgument);
  s = Scenario{};
  s.class_review_months = static_cast<int>(whole_max(scenario_option("class_review.months"))) + 1;
  EXPECT_THROW(s.validate(), InvalidArgument);
}

TEST(EnsembleOptionTable, DefaultsAreEnsembleOptionsAndValidationReadsTheRanges) {
  const EnsembleOptions o;
  const std::map<std::string, double> defaults = {
      {"seed", static_cast<double>(o.seed)},
      {"first_replication", o.first_replication},
      {"threads", o.threads},
      {"confidence", o.confidence},
      {"healthy_cash_months", o.healthy_cash_months},
      {"exact_quantiles_up_to", o.exact_quantiles_up_to},
  };
  std::set<std::string> seen;
  for (const ParamInfo& row : ensemble_option_table()) {
    seen.insert(std::string(row.name));
    if (row.name == "replications") continue;  // Ensemble::run's argument
    ASSERT_TRUE(defaults.count(std::string(row.name))) << row.name;
    EXPECT_EQ(defaults.at(std::string(row.name)), row.default_value) << row.name;
  }
  EXPECT_EQ(seen.size(), defaults.size() + 1);
  // Just outside a range is refused when the ensemble is made.
  const Population pop = generate_population(presets::bogor_population_spec(200), 1, 1);
  const std::vector<Scenario> scs{Scenario{}};
  for (const char* name : {"confidence", "healthy_cash_months", "exact_quantiles_up_to"}) {
    const ParamInfo& row = ensemble_option_table()[field_index(ensemble_option_table(), name, "option")];
    for (const double bad : {row.min - 1.0, row.max + (row.integer ? 1.0 : 1e-6)}) {
      if (std::isinf(bad) || (row.integer && bad < 0)) continue;
      EnsembleOptions x;
      if (std::string(name) == "confidence") x.confidence = bad;
      if (std::string(name) == "healthy_cash_months") x.healthy_cash_months = bad;
      if (std::string(name) == "exact_quantiles_up_to") x.exact_quantiles_up_to = static_cast<std::uint32_t>(bad);
      try {
        Ensemble e(pop, scs, x);
        ADD_FAILURE() << name << " = " << bad << " accepted";
      } catch (const InvalidArgument& e) {
        EXPECT_EQ(e.field(), name);
      }
    }
  }
}

}  // namespace
}  // namespace msmesim
