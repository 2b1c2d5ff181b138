// A shock (MODEL §4): one channel, a calendar onset, a time profile, an
// incidence (who is hit) and a severity distribution (how hard). Each hit
// firm draws its own severity once; its loss in month t is
// severity x intensity(t). Several shocks may overlap; on one channel they
// combine multiplicatively: keep = prod_k (1 - severity_k x intensity_k(t)).
#pragma once

#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "msmesim/core/params.hpp"
#include "msmesim/core/types.hpp"

namespace msmesim {

/// How severities are distributed over the firms a shock hits (all in [0, 1]).
struct SeverityDist {
  enum class Kind { fixed, uniform, beta };
  Kind kind = Kind::fixed;
  double a = 0.0;  ///< fixed: the value; uniform: low; beta: mean
  double b = 0.0;  ///< uniform: high; beta: standard deviation

  static SeverityDist fixed(double value) { return {Kind::fixed, value, 0.0}; }
  static SeverityDist uniform(double low, double high) { return {Kind::uniform, low, high}; }
  /// Beta with the given mean and standard deviation (sd^2 < mean (1 - mean)).
  static SeverityDist beta(double mean, double sd) { return {Kind::beta, mean, sd}; }

  double mean() const;
  /// Throws InvalidArgument naming `field`.
  void validate(const std::string& field) const;
  /// "beta(mean=0.35, sd=0.2)"
  std::string describe() const;
};

/// Intensity over time, 0 to 1; every shock ends. Without an explicit path:
/// a linear ramp over `ramp_months` (0 = full at onset), `plateau_months` at
/// full intensity, then the recovery: with `recovery_months` > 0 the
/// intensity falls in equal steps to 0 over that many months; otherwise it
/// decays with `recovery_half_life_months` (0 = ends at once) and ends once
/// it falls below `end_below` of its peak. With a path: path[k] is the
/// intensity k months after onset, and the shock ends with its path.
struct ShockProfile {
  int ramp_months = 0;
  int plateau_months = 3;
  double recovery_half_life_months = 6.0;
  std::vector<double> path;
  /// Months of a linear recovery to 0 after the plateau (0: the half-life).
  int recovery_months = 0;
  /// A decaying shock ends when its intensity falls below this.
  double end_below = 0.05;

  /// Intensity `months_since_onset` months after onset (negative: 0).
  double intensity(int months_since_onset) const;
  /// Months after onset from which the intensity is 0 for good (-1: never,
  /// only for a half-life decay with end_below 0).
  int months_to_end() const;
  void validate(const std::string& field) const;
};

/// Who can be hit. Empty lists mean everybody.
struct ShockTarget {
  std::vector<std::string> sectors;
  std::vector<std::string> regions;
  std::vector<SizeClass> classes;
};

struct Shock {
  std::string name;
  Channel channel = Channel::sales;
  YearMonth onset{2020, 3};
  ShockProfile profile;
  /// Share of (targeted) firms hit.
  double incidence = 1.0;
  /// Incidence for particular sectors, overriding `incidence`.
  std::map<std::string, double> incidence_by_sector;
  SeverityDist severity = SeverityDist::fixed(0.3);
  /// Severity for particular sectors, overriding `severity` (sectors are
  /// hit differently: docs/model.md §12).
  std::map<std::string, SeverityDist> severity_by_sector;
  ShockTarget target;

  /// Checks everything that does not need the population; `field` prefixes
  /// error names (e.g. "shocks[0]").
  void validate(const std::string& field) const;
};

/// The numeric fields of a shock — its incidence and its profile's months
/// and thresholds — as one table (name, default, allowed range, whole or
/// not, unit, meaning). Shock::validate, the scenario file's reader and
/// writer, the bindings, the Python layer and docs/parameters.md all take
/// the fields from it, so that a range is written once.
std::span<const ParamInfo> shock_field_table();
/// Value of the numeric field `name` (a row of shock_field_table()) of `s`.
/// Throws InvalidArgument naming the field for an unknown name.
double shock_field(const Shock& s, std::string_view name);
/// Sets it (checked by Shock::validate, not here).
void set_shock_field(Shock& s, std::string_view name, double value);

}  // namespace msmesim
