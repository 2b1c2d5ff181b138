// Synthetic population generation and validation (population.hpp).
#include <gtest/gtest.h>

#include <boost/math/distributions/beta.hpp>
#include <msmesim/msmesim.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <vector>

#include "support.hpp"

namespace msmesim {
namespace {

// Largest-remainder apportionment, written independently of the library.
std::vector<std::int64_t> largest_remainder(std::int64_t total, const std::vector<double>& weights) {
  const double sum = std::accumulate(weights.begin(), weights.end(), 0.0);
  std::vector<std::int64_t> counts;
  std::vector<std::pair<double, std::size_t>> rest;
  std::int64_t given = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    const double q = static_cast<double>(total) * weights[i] / sum;
    counts.push_back(static_cast<std::int64_t>(std::floor(q)));
    given += counts.back();
    rest.emplace_back(q - std::floor(q), i);
  }
  std::stable_sort(rest.begin(), rest.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  for (std::size_t k = 0; given < total; ++k, ++given) ++counts[rest[k].second];
  return counts;
}

template <class T>
std::vector<std::int64_t> histogram(const std::vector<T>& codes, std::size_t groups) {
  std::vector<std::int64_t> h(groups, 0);
  for (auto c : codes) ++h.at(c);
  return h;
}

InvalidArgument validate_error(const PopulationSpec& spec) {
  try {
    spec.validate();
  } catch (const InvalidArgument& e) {
    return e;
  }
  ADD_FAILURE() << "spec.validate() accepted an invalid spec";
  return InvalidArgument("", "", "");
}

TEST(GeneratePopulation, CountsByRegionSectorAndClassAreApportionedExactly) {
  const PopulationSpec spec = test::small_spec(3001);
  const Population pop = generate_population(spec, 5);
  ASSERT_EQ(pop.size(), 3001u);
  // 3001 x 3:2:1 = 1500.5, 1000.33, 500.17 -> the largest remainder goes to north.
  EXPECT_EQ(histogram(pop.region, 3), (std::vector<std::int64_t>{1501, 1000, 500}));
  // 3001 x 5:3:2 = 1500.5, 900.3, 600.2 -> trade gets the extra firm.
  EXPECT_EQ(histogram(pop.sector, 3), (std::vector<std::int64_t>{1501, 900, 600}));
  std::vector<double> cw;
  for (const auto& c : spec.classes) cw.push_back(c.weight);
  const auto expected_classes = largest_remainder(3001, cw);
  auto classes = histogram(pop.size_class, kSizeClasses);
  EXPECT_EQ(classes[3], 0) << "generation never creates large firms";
  classes.resize(3);
  EXPECT_EQ(classes, expected_classes);
  EXPECT_EQ(pop.region_names, (std::vector<std::string>{"north", "central", "south"}));
  EXPECT_EQ(pop.sector_names, (std::vector<std::string>{"trade", "food", "clothing"}));
  EXPECT_EQ(pop.name, "small-test");
}

TEST(GeneratePopulation, ApportionmentHandlesUnevenWeightsAndManyGroups) {
  PopulationSpec spec = presets::bogor_population_spec(4999);
  const Population pop = generate_population(spec, 1);
  std::vector<double> rw, sw;
  for (const auto& r : spec.regions) rw.push_back(r.weight);
  for (const auto& s : spec.sectors) sw.push_back(s.weight);
  EXPECT_EQ(histogram(pop.region, spec.regions.size()), largest_remainder(4999, rw));
  EXPECT_EQ(histogram(pop.sector, spec.sectors.size()), largest_remainder(4999, sw));
}

TEST(GeneratePopulation, ResultValidatesAndMatchesItsOwnClassUnderTheRegime) {
  const PopulationSpec spec = test::small_spec(4000);
  const Population pop = generate_population(spec, 3);
  EXPECT_NO_THROW(pop.validate());
  const auto& th = class_thresholds(spec.regime);
  for (std::size_t i = 0; i < pop.size(); ++i) {
    const auto c = static_cast<SizeClass>(pop.size_class[i]);
    const int ci = pop.size_class[i];
    ASSERT_LT(ci, 3) << i;
    const double turnover = 12.0 * pop.revenue_rp_month[i];
    ASSERT_GT(turnover, turnover_lower_rp_year(spec.regime, c)) << "firm " << i;
    ASSERT_LE(turnover, th.turnover_max_rp_year[ci]) << "firm " << i;
    ASSERT_GT(pop.assets_rp[i], assets_lower_rp(spec.regime, c)) << "firm " << i;
    ASSERT_LE(pop.assets_rp[i], th.assets_max_rp[ci]) << "firm " << i;
    ASSERT_EQ(classify_by_turnover(spec.regime, turnover), c) << "firm " << i;
    ASSERT_EQ(classify_by_assets(spec.regime, pop.assets_rp[i]), c) << "firm " << i;
    ASSERT_EQ(classify_by_workers(pop.workers[i]), c) << "firm " << i << " has " << pop.workers[i] << " workers";
  }
}

TEST(GeneratePopulation, RespectsThePp7RegimeBoundsWhenAskedTo) {
  const PopulationSpec spec = test::pp7_spec(3000);
  const Population pop = generate_population(spec, 9);
  EXPECT_EQ(pop.regime, ClassRegime::pp7_2021);
  for (std::size_t i = 0; i < pop.size(); ++i) {
    const auto c = static_cast<SizeClass>(pop.size_class[i]);
    ASSERT_EQ(classify_by_turnover(ClassRegime::pp7_2021, 12.0 * pop.revenue_rp_month[i]), c) << i;
    ASSERT_EQ(classify_by_assets(ClassRegime::pp7_2021, pop.assets_rp[i]), c) << i;
  }
}

TEST(GeneratePopulation, ClassMeansAreCloseToTheSpec) {
  PopulationSpec spec = test::small_spec(9000);
  for (auto& c : spec.classes) c.weight = 1.0;  // 3000 firms per class
  const Population pop = generate_population(spec, 21);
  std::array<double, 3> revenue{}, assets{}, workers{}, n{};
  for (std::size_t i = 0; i < pop.size(); ++i) {
    const int c = pop.size_class[i];
    revenue[c] += 12.0 * pop.revenue_rp_month[i];
    assets[c] += pop.assets_rp[i];
    workers[c] += pop.workers[i];
    n[c] += 1;
  }
  for (int c = 0; c < 3; ++c) {
    ASSERT_EQ(n[c], 3000.0);
    const auto& cs = spec.classes[c];
    EXPECT_NEAR(revenue[c] / n[c] / cs.revenue_mean_rp_year, 1.0, 0.04) << "revenue, class " << c;
    EXPECT_NEAR(assets[c] / n[c] / cs.assets_mean_rp, 1.0, 0.05) << "assets, class " << c;
    EXPECT_NEAR(workers[c] / n[c] / cs.workers_mean, 1.0, 0.04) << "workers, class " << c;
  }
  // The documented micro figures: Rp 76.1 M a year and 1.648 workers.
  EXPECT_NEAR(revenue[0] / n[0], 76.1e6, 0.04 * 76.1e6);
  EXPECT_NEAR(workers[0] / n[0], 1.648, 0.04 * 1.648);
}

TEST(GeneratePopulation, FirmAttributesFollowTheSectorAndPopulationParameters) {
  const PopulationSpec spec = test::small_spec(9000);
  const Population pop = generate_population(spec, 4);
  std::vector<double> vsum(3, 0), online_sellers(3, 0), count(3, 0);
  double registered = 0;
  for (std::size_t i = 0; i < pop.size(); ++i) {
    const std::size_t s = pop.sector[i];
    vsum[s] += pop.variable_cost_share[i];
    online_sellers[s] += pop.online_share[i] > 0 ? 1 : 0;
    count[s] += 1;
    registered += pop.registered[i];
    // Every generated firm starts viable: its pre-shock profit is not negative.
    const double R = pop.revenue_rp_month[i];
    const double profit = R * (1.0 - pop.variable_cost_share[i]) - (pop.workers[i] - 1) * pop.wage_rp_month[i] -
                          pop.fixed_cost_rp_month[i];
    ASSERT_GE(profit, -1e-9 * R) << "firm " << i;
    ASSERT_GE(pop.cash_rp[i], 0.0);
    ASSERT_EQ(pop.cooperative[i], -1);
    if (pop.loan_principal_rp[i] > 0) {
      ASSERT_GE(pop.loan_months_left[i], 1);
      ASSERT_TRUE(pop.loan_lender[i] == static_cast<std::uint8_t>(Lender::kur) ||
                  pop.loan_lender[i] == static_cast<std::uint8_t>(Lender::bank));
      if (pop.loan_lender[i] == static_cast<std::uint8_t>(Lender::kur)) {
        ASSERT_EQ(pop.ever_kur[i], 1);
      }
    }
  }
  for (std::size_t s = 0; s < 3; ++s) {
    EXPECT_NEAR(vsum[s] / count[s], spec.sectors[s].variable_cost_share, 0.01) << spec.sectors[s].name;
    EXPECT_NEAR(online_sellers[s] / count[s], spec.sectors[s].online_seller_share, 0.04) << spec.sectors[s].name;
  }
  EXPECT_NEAR(registered / static_cast<double>(pop.size()), spec.params.registered_share, 0.03);
}

TEST(GeneratePopulation, VariableCostSharesHaveTheTailsOfTheirBetaDistribution) {
  // v = (1 - fixed_cost_min_share) x Beta(mean = sector share / (1 - fmin),
  // concentration = variable_cost_concentration). Count firms far in the
  // lower tail and compare with what the Beta distribution allows.
  const PopulationSpec spec = test::small_spec(60000);
  const Population pop = generate_population(spec, 4);
  const double fmin = spec.params.fixed_cost_min_share;
  const double conc = spec.params.variable_cost_concentration;
  const double cut = 0.2;
  for (std::size_t s = 0; s < spec.sectors.size(); ++s) {
    const double mean = spec.sectors[s].variable_cost_share / (1.0 - fmin);
    const boost::math::beta_distribution<double> beta(mean * conc, (1.0 - mean) * conc);
    double n = 0, low = 0;
    float lowest = 1.0f;
    for (std::size_t i = 0; i < pop.size(); ++i) {
      if (pop.sector[i] != s) continue;
      n += 1;
      low += pop.variable_cost_share[i] < cut ? 1 : 0;
      lowest = std::min(lowest, pop.variable_cost_share[i]);
    }
    const double expected = n * boost::math::cdf(beta, cut / (1.0 - fmin));
    EXPECT_LE(low, expected + 3.0 * std::sqrt(expected) + 3.0)
        << spec.sectors[s].name << ": " << low << " of " << n << " firms have a variable-cost share below " << cut
        << " where the Beta distribution expects " << expected << " (lowest share drawn: " << lowest << ")";
  }
}

TEST(GeneratePopulation, SameSeedGivesIdenticalPopulations) {
  const PopulationSpec spec = test::small_spec(2000);
  EXPECT_TRUE(test::populations_identical(generate_population(spec, 77), generate_population(spec, 77)));
}

TEST(GeneratePopulation, DifferentSeedsGiveDifferentPopulations) {
  const PopulationSpec spec = test::small_spec(2000);
  const Population a = generate_population(spec, 77);
  const Population b = generate_population(spec, 78);
  EXPECT_NE(a.revenue_rp_month, b.revenue_rp_month);
  EXPECT_NE(a.sector, b.sector);
  EXPECT_NE(a.cash_rp, b.cash_rp);
  // ... but the apportioned counts do not depend on the seed.
  EXPECT_EQ(histogram(a.sector, 3), histogram(b.sector, 3));
  EXPECT_EQ(histogram(a.size_class, 4), histogram(b.size_class, 4));
}

TEST(GeneratePopulation, OneAndEightThreadsGiveBitwiseIdenticalPopulations) {
  // Enough firms for every one of 8 threads to get chunks of its own, in the
  // draw and in the burn-in (two years of it: the threads' share of the work
  // is the same every month).
  PopulationSpec spec = presets::bogor_population_spec(140'000);
  spec.params.burn_in_months = 24;
  const Population one = generate_population(spec, 2024, 1);
  const Population eight = generate_population(spec, 2024, 8);
  EXPECT_TRUE(test::populations_identical(one, eight));
}

TEST(GeneratePopulation, RejectsAnInvalidSpec) {
  PopulationSpec spec = test::small_spec();
  spec.firms = 0;
  EXPECT_THROW(generate_population(spec, 1), InvalidArgument);
}

// ---- PopulationSpec::validate ------------------------------------------------------------

TEST(PopulationSpecValidate, AcceptsTheTestSpecAndTheBogorPreset) {
  EXPECT_NO_THROW(test::small_spec().validate());
  EXPECT_NO_THROW(presets::bogor_population_spec().validate());
}

TEST(PopulationSpecValidate, RejectsNegativeOrZeroFirms) {
  PopulationSpec spec = test::small_spec();
  spec.firms = -5;
  auto e = validate_error(spec);
  EXPECT_EQ(e.field(), "firms");
  EXPECT_EQ(e.value(), "-5");
  spec.firms = 0;
  EXPECT_EQ(validate_error(spec).field(), "firms");
}

TEST(PopulationSpecValidate, RejectsEmptyRegionsAndSectors) {
  PopulationSpec spec = test::small_spec();
  spec.regions.clear();
  EXPECT_EQ(validate_error(spec).field(), "regions");
  spec = test::small_spec();
  spec.sectors.clear();
  EXPECT_EQ(validate_error(spec).field(), "sectors");
  spec = test::small_spec();
  for (auto& r : spec.regions) r.weight = 0;
  EXPECT_EQ(validate_error(spec).field(), "regions.weight");
}

TEST(PopulationSpecValidate, RejectsDuplicateNamesNamingTheField) {
  PopulationSpec spec = test::small_spec();
  spec.regions[2].name = "north";
  auto e = validate_error(spec);
  EXPECT_EQ(e.field(), "regions[2].name");
  EXPECT_EQ(e.value(), "'north'");
  spec = test::small_spec();
  spec.sectors[2].name = "trade";
  e = validate_error(spec);
  EXPECT_EQ(e.field(), "sector.trade.name");
  EXPECT_EQ(e.value(), "'trade'");
  spec = test::small_spec();
  spec.regions[1].name = "";
  EXPECT_EQ(validate_error(spec).field(), "regions[1].name");
}

TEST(PopulationSpecValidate, RejectsInconsistentOrOutOfRangeParameters) {
  PopulationSpec spec = test::small_spec();
  spec.regions[1].weight = -1;
  EXPECT_EQ(validate_error(spec).field(), "regions[1].weight");

  spec = test::small_spec();
  spec.sectors[0].margin = 0.3;  // 0.70 + 0.30 + fixed_cost_min_share >= 1
  auto e = validate_error(spec);
  EXPECT_EQ(e.field(), "sector.trade.margin");
  EXPECT_EQ(e.value(), "0.3");

  spec = test::small_spec();
  spec.sectors[1].online_seller_share = 1.2;
  EXPECT_EQ(validate_error(spec).field(), "sector.food.online_seller_share");

  spec = test::small_spec();
  spec.params.registered_share = 2;
  EXPECT_EQ(validate_error(spec).field(), "registered_share");

  spec = test::small_spec();
  spec.classes[0].revenue_mean_rp_year = 400e6;  // above the micro turnover bound of Rp 300 M
  e = validate_error(spec);
  EXPECT_EQ(e.field(), "micro_revenue_mean_rp_year");
  EXPECT_NE(e.allowed().find("law20_2008"), std::string::npos) << e.allowed();

  spec = test::small_spec();
  spec.classes[1].workers_mean = 3;
  EXPECT_EQ(validate_error(spec).field(), "small_workers_mean");

  spec = test::small_spec();
  spec.regime = ClassRegime::bps_workers;
  EXPECT_EQ(validate_error(spec).field(), "regime");
}

// ---- Population --------------------------------------------------------------------------

TEST(PopulationValidate, NamesTheFirmAndTheAttribute) {
  std::vector<test::FirmInit> firms(3);
  Population pop = test::make_population({"a"}, {"s"}, firms);
  EXPECT_NO_THROW(pop.validate());
  pop.workers[1] = 0;
  try {
    pop.validate();
    FAIL() << "no exception";
  } catch (const InvalidArgument& e) {
    EXPECT_EQ(e.field(), "firms[1].workers");
    EXPECT_EQ(e.value(), "0");
  }
  pop = test::make_population({"a"}, {"s"}, firms);
  pop.sector[2] = 1;
  try {
    pop.validate();
    FAIL() << "no exception";
  } catch (const InvalidArgument& e) {
    EXPECT_EQ(e.field(), "firms[2].sector");
  }
  pop = test::make_population({"a"}, {"s"}, firms);
  pop.cash_rp.pop_back();
  try {
    pop.validate();
    FAIL() << "no exception";
  } catch (const InvalidArgument& e) {
    EXPECT_EQ(e.field(), "cash_rp");
  }
}

TEST(PopulationIndex, UnknownNamesListTheKnownOnesWithAHint) {
  const Population pop = generate_population(test::small_spec(100), 1);
  EXPECT_EQ(pop.sector_index("food"), 1u);
  EXPECT_EQ(pop.region_index("south"), 2u);
  try {
    (void)pop.sector_index("fod", "shocks[0].target.sectors");
    FAIL() << "no exception";
  } catch (const InvalidArgument& e) {
    EXPECT_EQ(e.field(), "shocks[0].target.sectors");
    EXPECT_EQ(e.value(), "'fod'");
    EXPECT_NE(e.allowed().find("trade, food, clothing"), std::string::npos) << e.allowed();
    EXPECT_NE(e.allowed().find("did you mean 'food'"), std::string::npos) << e.allowed();
  }
  try {
    (void)pop.region_index("east");
    FAIL() << "no exception";
  } catch (const InvalidArgument& e) {
    EXPECT_EQ(e.field(), "region");
    EXPECT_NE(e.allowed().find("north, central, south"), std::string::npos) << e.allowed();
  }
}

}  // namespace
}  // namespace msmesim
