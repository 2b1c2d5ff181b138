// A scenario: what happens to a population — horizon, shocks, behavioural
// parameters, sector linkages and the class regime used for the yearly
// re-evaluation. Validated once before a run; names of sectors and regions
// are checked against the population when the run starts.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "msmesim/linkage.hpp"
#include "msmesim/params.hpp"
#include "msmesim/programme.hpp"
#include "msmesim/shock.hpp"
#include "msmesim/size_class.hpp"
#include "msmesim/types.hpp"

namespace msmesim {

inline constexpr int kMaxMonths = 1200;

struct Scenario {
  std::string name = "baseline";
  /// Calendar month of month index 0.
  YearMonth start{2020, 1};
  int months = 36;
  std::vector<Shock> shocks;
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

  /// Throws InvalidArgument naming the first invalid field.
  void validate() const;
};

}  // namespace msmesim
