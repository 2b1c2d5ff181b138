// Size classes of Indonesian enterprises under the legal regimes the model
// supports (MODEL §2). Upper bounds are inclusive: a firm with assets of
// exactly Rp 50 million is micro under Law 20/2008.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "msmesim/core/types.hpp"

namespace msmesim {

/// Which definition of micro/small/medium applies.
enum class ClassRegime : std::uint8_t {
  law20_2008 = 0,  ///< Law 20/2008: net assets (excl. land and buildings) and annual turnover
  pp7_2021 = 1,    ///< Government Regulation 7/2021: business capital and annual turnover
  bps_workers = 2  ///< BPS statistical definition by number of workers
};

/// How the two monetary criteria (assets/capital and turnover) combine.
enum class ClassCriterion : std::uint8_t {
  higher_of = 0,  ///< the higher of the classes indicated by assets and by turnover
  turnover = 1,   ///< annual turnover only (PP 7/2021 art. 35(5) for running firms)
  assets = 2      ///< assets (capital) only
};

std::string_view to_string(ClassRegime r);
std::string_view to_string(ClassCriterion c);
ClassRegime class_regime_from_string(std::string_view s, const std::string& field = "class_regime");
ClassCriterion class_criterion_from_string(std::string_view s,
                                           const std::string& field = "class_criterion");

/// Inclusive upper bounds for micro, small and medium. Above medium is large.
struct ClassThresholds {
  std::array<double, kMsmeClasses> assets_max_rp;
  std::array<double, kMsmeClasses> turnover_max_rp_year;
  std::array<int, kMsmeClasses> workers_max;
};

/// The thresholds of a regime (workers bounds are BPS's for every regime).
const ClassThresholds& class_thresholds(ClassRegime regime);

/// Lower bound (exclusive) and upper bound (inclusive) of class `c` in Rp.
/// Micro's lower bound is 0.
double assets_lower_rp(ClassRegime regime, SizeClass c);
double turnover_lower_rp_year(ClassRegime regime, SizeClass c);

SizeClass classify_by_assets(ClassRegime regime, double assets_rp);
SizeClass classify_by_turnover(ClassRegime regime, double turnover_rp_year);
/// BPS: micro 1-4 workers, small 5-19, medium 20-99, large 100+.
SizeClass classify_by_workers(int workers);

/// The class of a firm under `regime` and `criterion`. Under bps_workers only
/// `workers` matters.
SizeClass classify(ClassRegime regime, ClassCriterion criterion, double assets_rp,
                   double turnover_rp_year, int workers);

}  // namespace msmesim
