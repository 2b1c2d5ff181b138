// Scenario files (docs/scenario.md): a scenario, its population and how to
// run it, in TOML — parsed once here, so C++ programs and Python share one
// loader and one validation. Unknown keys are errors (with a "did you
// mean"); every error names the file, the line, the key path, the value and
// what is allowed (ScenarioFileError). A file may start from a built-in
// preset (`extends = "bogor-covid19"`) and change what it needs. A loaded
// file written back with to_toml() loads to the same scenario.
#pragma once

#include <cstdint>
#include <span>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "msmesim/core/error.hpp"
#include "msmesim/population/population.hpp"
#include "msmesim/scenario/scenario.hpp"

namespace msmesim {

/// An error in a scenario file: file, line, key path (`column()`), value
/// and what is allowed. Derives from ParseError. A file with several
/// mistakes is reported with all of them at once: the error then describes
/// the first (file, line, key, value, allowed), its message lists every
/// one, and errors() holds each.
class ScenarioFileError : public ParseError {
 public:
  ScenarioFileError(std::string file, std::int64_t line, std::string key, std::string value, std::string allowed);
  /// One error for `all` (at least one), in the order given.
  static ScenarioFileError combined(std::vector<ScenarioFileError> all);
  const std::string& key() const noexcept { return column(); }
  /// Every error found in the file (this one alone when it is the only one).
  std::vector<ScenarioFileError> errors() const;

 private:
  ScenarioFileError(const std::string& message, const ScenarioFileError& first,
                    std::shared_ptr<const std::vector<ScenarioFileError>> all);
  std::shared_ptr<const std::vector<ScenarioFileError>> all_;
};

/// Where a run's firms (and cooperatives) come from.
struct PopulationSource {
  /// A built-in population ("bogor"), or empty when `firms_csv` is given.
  std::string preset = "bogor";
  /// Firms to generate (0: the preset's own size); cooperatives scale along.
  std::int64_t firms = 0;
  std::uint64_t seed = 1;  ///< generation seed
  /// Registry files (docs/data.md); paths relative to the scenario file.
  std::string firms_csv, cooperatives_csv, memberships_csv;
  std::string regime = "law20_2008";  ///< size-class regime of a registry file
  /// Months of burn-in (docs/model.md §4): -1 the built-in population's own
  /// (a registry file is not burnt in unless a number is given).
  std::int64_t burn_in_months = -1;
  /// How the registry files write fields and numbers: "auto" (detected from
  /// each file's header row), "en" (commas, 1234.5) or "id" (semicolons,
  /// 1.234,5: a spreadsheet export in an Indonesian locale).
  std::string csv_locale = "auto";
};

/// What a run writes.
struct OutputSpec {
  std::string dir;     ///< CSV files (empty: none)
  std::string report;  ///< an HTML report (empty: none)
  bool microdata = false;
  bool cooperative_panel = false;
  /// Months (indices from 0) whose every firm is written to panel.csv.
  std::vector<int> panel_months;
};

struct ScenarioFile {
  std::string description;
  std::string extends;  ///< the preset it started from (empty: none)
  Scenario scenario;
  PopulationSource population;
  std::uint64_t seed = 1;
  std::int32_t replications = 1;
  OutputSpec outputs;
  std::string source;  ///< the file it was read from (for relative paths)
};

/// The numeric options of a scenario file, one row per key path (`seed`,
/// `replications`, `horizon.months`, `class_review.months`,
/// `population.firms`, `population.seed`, `population.burn_in_months`,
/// `outputs.panel_months`, the last for each element): default, range,
/// unit and meaning. The reader takes its ranges from here,
/// Scenario::validate the horizon's and the class review's, and
/// docs/scenario.md lists them. A default below the range marks an option
/// that is unset unless given.
std::span<const ParamInfo> scenario_option_table();
/// The row of `key` (a key path of the table above); InvalidArgument
/// otherwise.
const ParamInfo& scenario_option(std::string_view key);

/// Reads and validates a scenario file. Throws ScenarioFileError (and
/// IoError when the file cannot be read).
ScenarioFile load_scenario_file(const std::string& path);
/// The same from text; `source` names it in errors (and is the base of
/// relative paths).
ScenarioFile parse_scenario(std::string_view text, const std::string& source = "<scenario>");
/// As above, leaving the top-level keys `other_keys` to the caller: the
/// settings of an analysis kept in the same file (`[optimise]` with its
/// `[[candidates]]` and `[designs]`, `[sweep]`, `[sensitivity]`;
/// docs/portfolio.md, docs/sweeps.md).
ScenarioFile parse_scenario(std::string_view text, const std::string& source,
                            std::span<const std::string> other_keys);
/// The programmes of the array of tables `key` of a TOML document (the
/// `[[candidates]]` of an optimisation), each read as a scenario's
/// `[[programmes]]` are, errors named `key[i].field` at their lines and
/// reported together. An absent key gives none.
std::vector<Programme> parse_programme_tables(std::string_view text, const std::string& source, const std::string& key);
/// The scenario as a TOML document (every key written, no `extends`).
std::string to_toml(const ScenarioFile& file);
/// Writes to_toml(file) to `path` (through a temporary file, renamed).
void save_scenario_file(const ScenarioFile& file, const std::string& path);

/// Generates or reads the population a scenario file describes, burnt in
/// under `params` (the scenario's, so that a run without shocks stands still
/// under them). Refuses, before allocating, a population that would not fit
/// in the memory available (error on `population.firms`).
Population make_population(const PopulationSource& source, const std::string& base_dir = "", int threads = 1,
                           const FirmParams& params = {});

namespace presets {
/// Names of the scenario files built into the library (presets/*.toml).
std::vector<std::string> scenario_names();
/// The text of a built-in scenario file; InvalidArgument naming `field`
/// for an unknown name.
const std::string& scenario_text(std::string_view name, const std::string& field = "preset");
/// A built-in scenario file, parsed.
ScenarioFile scenario_file(std::string_view name);
}  // namespace presets

}  // namespace msmesim
