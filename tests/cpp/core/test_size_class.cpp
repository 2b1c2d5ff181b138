// Size-class thresholds of Law 20/2008, PP 7/2021 and BPS (size_class.hpp).
// Upper bounds are inclusive: a value exactly on a bound stays in the lower
// class and the next representable double above it moves up.
#include <gtest/gtest.h>

#include <msmesim/msmesim.hpp>

#include <array>
#include <cmath>
#include <limits>
#include <string>

namespace msmesim {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();
constexpr double kHuge = 1e18;  // far above every bound

double above(double x) { return std::nextafter(x, kInfinity); }

SizeClass next_class(int c) { return static_cast<SizeClass>(c + 1); }  // medium -> large

struct RegimeBounds {
  ClassRegime regime;
  std::array<double, 3> assets;    // inclusive upper bounds micro, small, medium (Rp)
  std::array<double, 3> turnover;  // inclusive upper bounds micro, small, medium (Rp / year)
};

// The numbers of the Law and of the Regulation, written out here rather than
// read from the library.
const RegimeBounds kLaw20{ClassRegime::law20_2008, {50e6, 500e6, 10e9}, {300e6, 2.5e9, 50e9}};
const RegimeBounds kPp7{ClassRegime::pp7_2021, {1e9, 5e9, 10e9}, {2e9, 15e9, 50e9}};

class MonetaryBounds : public ::testing::TestWithParam<RegimeBounds> {};

TEST_P(MonetaryBounds, ThresholdTableMatchesTheRegulation) {
  const auto& b = GetParam();
  const auto& th = class_thresholds(b.regime);
  for (int c = 0; c < 3; ++c) {
    EXPECT_EQ(th.assets_max_rp[c], b.assets[c]) << c;
    EXPECT_EQ(th.turnover_max_rp_year[c], b.turnover[c]) << c;
  }
  EXPECT_EQ(th.workers_max, (std::array<int, 3>{4, 19, 99}));
}

TEST_P(MonetaryBounds, LowerBoundsAreThePreviousClassUpperBounds) {
  const auto& b = GetParam();
  EXPECT_EQ(assets_lower_rp(b.regime, SizeClass::micro), 0.0);
  EXPECT_EQ(turnover_lower_rp_year(b.regime, SizeClass::micro), 0.0);
  for (int c = 1; c < 3; ++c) {
    EXPECT_EQ(assets_lower_rp(b.regime, static_cast<SizeClass>(c)), b.assets[c - 1]);
    EXPECT_EQ(turnover_lower_rp_year(b.regime, static_cast<SizeClass>(c)), b.turnover[c - 1]);
  }
  EXPECT_EQ(assets_lower_rp(b.regime, SizeClass::large), b.assets[2]);
  EXPECT_EQ(turnover_lower_rp_year(b.regime, SizeClass::large), b.turnover[2]);
}

TEST_P(MonetaryBounds, AssetsExactlyOnABoundStayInTheLowerClass) {
  const auto& b = GetParam();
  EXPECT_EQ(classify_by_assets(b.regime, 0.0), SizeClass::micro);
  for (int c = 0; c < 3; ++c) {
    EXPECT_EQ(classify_by_assets(b.regime, b.assets[c]), static_cast<SizeClass>(c)) << b.assets[c];
    EXPECT_EQ(classify_by_assets(b.regime, above(b.assets[c])), next_class(c)) << b.assets[c];
  }
  EXPECT_EQ(classify_by_assets(b.regime, kHuge), SizeClass::large);
}

TEST_P(MonetaryBounds, TurnoverExactlyOnABoundStaysInTheLowerClass) {
  const auto& b = GetParam();
  EXPECT_EQ(classify_by_turnover(b.regime, 0.0), SizeClass::micro);
  for (int c = 0; c < 3; ++c) {
    EXPECT_EQ(classify_by_turnover(b.regime, b.turnover[c]), static_cast<SizeClass>(c)) << b.turnover[c];
    EXPECT_EQ(classify_by_turnover(b.regime, above(b.turnover[c])), next_class(c)) << b.turnover[c];
  }
  EXPECT_EQ(classify_by_turnover(b.regime, kHuge), SizeClass::large);
}

TEST_P(MonetaryBounds, AssetsCriterionIgnoresTurnoverAndWorkers) {
  const auto& b = GetParam();
  for (int c = 0; c < 3; ++c) {
    EXPECT_EQ(classify(b.regime, ClassCriterion::assets, b.assets[c], kHuge, 500), static_cast<SizeClass>(c));
    EXPECT_EQ(classify(b.regime, ClassCriterion::assets, b.assets[c], 0.0, 1), static_cast<SizeClass>(c));
    EXPECT_EQ(classify(b.regime, ClassCriterion::assets, above(b.assets[c]), 0.0, 1), next_class(c));
  }
}

TEST_P(MonetaryBounds, TurnoverCriterionIgnoresAssetsAndWorkers) {
  const auto& b = GetParam();
  for (int c = 0; c < 3; ++c) {
    EXPECT_EQ(classify(b.regime, ClassCriterion::turnover, kHuge, b.turnover[c], 500), static_cast<SizeClass>(c));
    EXPECT_EQ(classify(b.regime, ClassCriterion::turnover, 0.0, b.turnover[c], 1), static_cast<SizeClass>(c));
    EXPECT_EQ(classify(b.regime, ClassCriterion::turnover, 0.0, above(b.turnover[c]), 1), next_class(c));
  }
}

TEST_P(MonetaryBounds, HigherOfTakesTheHigherOfTheTwoMonetaryClasses) {
  const auto& b = GetParam();
  for (int c = 0; c < 3; ++c) {
    // Each criterion alone decides when the other is at zero.
    EXPECT_EQ(classify(b.regime, ClassCriterion::higher_of, b.assets[c], 0.0, 1), static_cast<SizeClass>(c));
    EXPECT_EQ(classify(b.regime, ClassCriterion::higher_of, above(b.assets[c]), 0.0, 1), next_class(c));
    EXPECT_EQ(classify(b.regime, ClassCriterion::higher_of, 0.0, b.turnover[c], 1), static_cast<SizeClass>(c));
    EXPECT_EQ(classify(b.regime, ClassCriterion::higher_of, 0.0, above(b.turnover[c]), 1), next_class(c));
    // Both on the same bound: still the lower class; either just above: up.
    EXPECT_EQ(classify(b.regime, ClassCriterion::higher_of, b.assets[c], b.turnover[c], 1),
              static_cast<SizeClass>(c));
    EXPECT_EQ(classify(b.regime, ClassCriterion::higher_of, above(b.assets[c]), b.turnover[c], 1), next_class(c));
    EXPECT_EQ(classify(b.regime, ClassCriterion::higher_of, b.assets[c], above(b.turnover[c]), 1), next_class(c));
  }
  // Micro assets with medium turnover is medium, and the other way round.
  EXPECT_EQ(classify(b.regime, ClassCriterion::higher_of, b.assets[0], b.turnover[2], 1), SizeClass::medium);
  EXPECT_EQ(classify(b.regime, ClassCriterion::higher_of, b.assets[2], b.turnover[0], 1), SizeClass::medium);
  // Workers do not count under a monetary regime.
  EXPECT_EQ(classify(b.regime, ClassCriterion::higher_of, 0.0, 0.0, 500), SizeClass::micro);
}

INSTANTIATE_TEST_SUITE_P(SizeClass, MonetaryBounds, ::testing::Values(kLaw20, kPp7),
                         [](const ::testing::TestParamInfo<RegimeBounds>& p) {
                           return std::string(to_string(p.param.regime));
                         });

TEST(SizeClassWorkers, BpsBoundsAreInclusive) {
  EXPECT_EQ(classify_by_workers(1), SizeClass::micro);
  EXPECT_EQ(classify_by_workers(4), SizeClass::micro);
  EXPECT_EQ(classify_by_workers(5), SizeClass::small);
  EXPECT_EQ(classify_by_workers(19), SizeClass::small);
  EXPECT_EQ(classify_by_workers(20), SizeClass::medium);
  EXPECT_EQ(classify_by_workers(99), SizeClass::medium);
  EXPECT_EQ(classify_by_workers(100), SizeClass::large);
  EXPECT_EQ(classify_by_workers(65535), SizeClass::large);
}

TEST(SizeClassWorkers, BpsRegimeUsesOnlyWorkersWhateverTheCriterion) {
  for (auto crit : {ClassCriterion::higher_of, ClassCriterion::turnover, ClassCriterion::assets}) {
    EXPECT_EQ(classify(ClassRegime::bps_workers, crit, kHuge, kHuge, 4), SizeClass::micro);
    EXPECT_EQ(classify(ClassRegime::bps_workers, crit, kHuge, kHuge, 5), SizeClass::small);
    EXPECT_EQ(classify(ClassRegime::bps_workers, crit, 0.0, 0.0, 19), SizeClass::small);
    EXPECT_EQ(classify(ClassRegime::bps_workers, crit, 0.0, 0.0, 20), SizeClass::medium);
    EXPECT_EQ(classify(ClassRegime::bps_workers, crit, 0.0, 0.0, 99), SizeClass::medium);
    EXPECT_EQ(classify(ClassRegime::bps_workers, crit, 0.0, 0.0, 100), SizeClass::large);
  }
}

TEST(SizeClassNames, RegimesAndCriteriaRoundTripThroughTheirNames) {
  for (auto r : {ClassRegime::law20_2008, ClassRegime::pp7_2021, ClassRegime::bps_workers})
    EXPECT_EQ(class_regime_from_string(to_string(r)), r);
  for (auto c : {ClassCriterion::higher_of, ClassCriterion::turnover, ClassCriterion::assets})
    EXPECT_EQ(class_criterion_from_string(to_string(c)), c);
  try {
    class_regime_from_string("pp7", "class_regime");
    FAIL() << "no exception";
  } catch (const InvalidArgument& e) {
    EXPECT_EQ(e.field(), "class_regime");
    EXPECT_EQ(e.value(), "'pp7'");
    EXPECT_NE(e.allowed().find("pp7_2021"), std::string::npos);
  }
  EXPECT_THROW(class_criterion_from_string("revenue"), InvalidArgument);
}

}  // namespace
}  // namespace msmesim
