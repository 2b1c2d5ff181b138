// A scenario: what happens to a population — horizon, shocks, behavioural
// parameters, sector linkages and the class regime used for the yearly
// re-evaluation. Validated once before a run; names of sectors and regions
// are checked against the population when the run starts.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "msmesim/scenario/linkage.hpp"
#include "msmesim/core/params.hpp"
#include "msmesim/programmes/programme.hpp"
#include "msmesim/scenario/shock.hpp"
#include "msmesim/core/size_class.hpp"
#include "msmesim/core/types.hpp"

namespace msmesim {

inline constexpr int kMaxMonths = 1200;

/// Restrictions on gatherings (PSBB, PPKM) from `start` to `end` (calendar
/// months, inclusive): `intensity` is the share of the month physical
/// meetings were not allowed. They block cooperatives' members' meetings
/// (RAT) unless a cooperative can meet online (docs/model.md §14).
struct Restriction {
  YearMonth start{2020, 4};
  YearMonth end{2020, 6};
  double intensity = 1.0;
  std::string name;
  void validate(const std::string& field) const;
};

struct Scenario {
  std::string name = "baseline";
  /// Calendar month of month index 0.
  YearMonth start{2020, 1};
  int months = 36;
  std::vector<Shock> shocks;
  /// Restrictions on gatherings (where several cover a month, the largest
  /// intensity counts).
  std::vector<Restriction> restrictions;
  /// Support programmes (docs/model.md §15), in the order they are served.
  std::vector<Programme> programmes;
  FirmParams params;
  /// Input-output table for sector spill-overs; none: no spill-overs.
  std::optional<InputOutput> input_output;
  /// Regime and criterion of the yearly size-class re-evaluation ("naik kelas").
  ClassRegime class_regime = ClassRegime::law20_2008;
  ClassCriterion class_criterion = ClassCriterion::higher_of;
  /// Re-evaluate classes every `class_review_months` months, from the
  /// trailing window of that length (annualised).
  int class_review_months = 12;

  /// Survey window of the main-problem shares in summaries (Table 1 of
  /// seed 000 was surveyed March-June 2020); both empty: none.
  std::optional<YearMonth> survey_start, survey_end;

  /// Throws InvalidArgument naming the first invalid field.
  void validate() const;
  /// Intensity of the restrictions in the calendar month `ym` (0-1).
  double restriction(const YearMonth& ym) const;
};

}  // namespace msmesim
