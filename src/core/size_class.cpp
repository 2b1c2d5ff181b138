#include "msmesim/core/size_class.hpp"

#include <algorithm>

#include "msmesim/core/error.hpp"

namespace msmesim {

namespace {
constexpr double kMillion = 1e6;
constexpr double kBillion = 1e9;

// Law 20/2008 art. 6 (seed 002 Table 1 prints "1 Billion" for the upper bound
// of medium assets; the Law says Rp 10 billion, which is used here).
const ClassThresholds kLaw20 = {{50 * kMillion, 500 * kMillion, 10 * kBillion},
                                {300 * kMillion, 2.5 * kBillion, 50 * kBillion},
                                {4, 19, 99}};
// Government Regulation 7/2021 art. 35.
const ClassThresholds kPp7 = {{1 * kBillion, 5 * kBillion, 10 * kBillion},
                              {2 * kBillion, 15 * kBillion, 50 * kBillion},
                              {4, 19, 99}};

SizeClass by_bounds(const std::array<double, kMsmeClasses>& upper, double v) {
  for (int c = 0; c < kMsmeClasses; ++c)
    if (v <= upper[c]) return static_cast<SizeClass>(c);
  return SizeClass::large;
}
}  // namespace

std::string_view to_string(ClassRegime r) {
  switch (r) {
    case ClassRegime::law20_2008: return "law20_2008";
    case ClassRegime::pp7_2021: return "pp7_2021";
    case ClassRegime::bps_workers: return "bps_workers";
  }
  return "?";
}

std::string_view to_string(ClassCriterion c) {
  switch (c) {
    case ClassCriterion::higher_of: return "higher_of";
    case ClassCriterion::turnover: return "turnover";
    case ClassCriterion::assets: return "assets";
  }
  return "?";
}

ClassRegime class_regime_from_string(std::string_view s, const std::string& field) {
  for (auto r : {ClassRegime::law20_2008, ClassRegime::pp7_2021, ClassRegime::bps_workers})
    if (to_string(r) == s) return r;
  throw InvalidArgument(field, "'" + std::string(s) + "'",
                        "one of law20_2008, pp7_2021, bps_workers");
}

ClassCriterion class_criterion_from_string(std::string_view s, const std::string& field) {
  for (auto c : {ClassCriterion::higher_of, ClassCriterion::turnover, ClassCriterion::assets})
    if (to_string(c) == s) return c;
  throw InvalidArgument(field, "'" + std::string(s) + "'", "one of higher_of, turnover, assets");
}

const ClassThresholds& class_thresholds(ClassRegime regime) {
  return regime == ClassRegime::pp7_2021 ? kPp7 : kLaw20;
}

double assets_lower_rp(ClassRegime regime, SizeClass c) {
  int i = static_cast<int>(c);
  return i == 0 ? 0.0 : class_thresholds(regime).assets_max_rp[i - 1];
}

double turnover_lower_rp_year(ClassRegime regime, SizeClass c) {
  int i = static_cast<int>(c);
  return i == 0 ? 0.0 : class_thresholds(regime).turnover_max_rp_year[i - 1];
}

SizeClass classify_by_assets(ClassRegime regime, double assets_rp) {
  return by_bounds(class_thresholds(regime).assets_max_rp, assets_rp);
}

SizeClass classify_by_turnover(ClassRegime regime, double turnover_rp_year) {
  return by_bounds(class_thresholds(regime).turnover_max_rp_year, turnover_rp_year);
}

SizeClass classify_by_workers(int workers) {
  if (workers <= 4) return SizeClass::micro;
  if (workers <= 19) return SizeClass::small;
  if (workers <= 99) return SizeClass::medium;
  return SizeClass::large;
}

SizeClass classify(ClassRegime regime, ClassCriterion criterion, double assets_rp,
                   double turnover_rp_year, int workers) {
  if (regime == ClassRegime::bps_workers) return classify_by_workers(workers);
  switch (criterion) {
    case ClassCriterion::turnover: return classify_by_turnover(regime, turnover_rp_year);
    case ClassCriterion::assets: return classify_by_assets(regime, assets_rp);
    case ClassCriterion::higher_of:
    default:
      return std::max(classify_by_assets(regime, assets_rp),
                      classify_by_turnover(regime, turnover_rp_year));
  }
}

}  // namespace msmesim
