// Shocks: time profiles, severity distributions, scenario validation, and how
// shocks move the results (shock.hpp, scenario.hpp, src/engine/).
#include <gtest/gtest.h>

#include <msmesim/msmesim.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "support.hpp"

namespace msmesim {
namespace {


// ---- ShockProfile ------------------------------------------------------------------------

TEST(ShockProfile, RampPlateauAndHalfLifeDecay) {
  const ShockProfile p{2, 3, 6.0, {}};
  EXPECT_EQ(p.intensity(-1), 0.0);
  EXPECT_EQ(p.intensity(-100), 0.0);
  EXPECT_DOUBLE_EQ(p.intensity(0), 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(p.intensity(1), 2.0 / 3.0);
  for (int k = 2; k < 5; ++k) EXPECT_EQ(p.intensity(k), 1.0) << k;
  // Decay: the first month after the plateau keeps 2^(-1/6); six months after
  // the plateau ends the intensity has halved.
  EXPECT_DOUBLE_EQ(p.intensity(5), std::exp2(-1.0 / 6.0));
  EXPECT_DOUBLE_EQ(p.intensity(10), 0.5);
  EXPECT_DOUBLE_EQ(p.intensity(16), 0.25);
  // The decay ends once it falls below end_below (5 %): 2^(-26/6) < 0.05
  // 26 months after the plateau, at month 30.
  for (int k = 5; k < 30; ++k) {
    EXPECT_LT(p.intensity(k), p.intensity(k - 1)) << k;
    EXPECT_GE(p.intensity(k), p.end_below) << k;
  }
  for (int k = 30; k < 60; ++k) EXPECT_EQ(p.intensity(k), 0.0) << k;
  EXPECT_EQ(p.months_to_end(), 30);
  ShockProfile forever = p;
  forever.end_below = 0.0;
  EXPECT_GT(forever.intensity(200), 0.0);
  EXPECT_EQ(forever.months_to_end(), -1);
}

TEST(ShockProfile, LinearRecoveryReachesZeroAfterItsMonths) {
  ShockProfile p{1, 2, 6.0, {}};
  p.recovery_months = 4;  // overrides the half-life
  EXPECT_DOUBLE_EQ(p.intensity(0), 0.5);
  EXPECT_EQ(p.intensity(2), 1.0);
  EXPECT_DOUBLE_EQ(p.intensity(3), 0.8);
  EXPECT_DOUBLE_EQ(p.intensity(4), 0.6);
  EXPECT_DOUBLE_EQ(p.intensity(6), 0.2);
  EXPECT_EQ(p.intensity(7), 0.0);
  EXPECT_EQ(p.months_to_end(), 7);
  for (int k = 0; k < 40; ++k)
    EXPECT_EQ(p.intensity(k) > 0.0, k < p.months_to_end()) << k;
}

TEST(ShockProfile, NoRampMeansFullIntensityAtOnset) {
  const ShockProfile p{0, 1, 2.0, {}};
  EXPECT_EQ(p.intensity(0), 1.0);
  EXPECT_DOUBLE_EQ(p.intensity(1), std::exp2(-0.5));
  EXPECT_DOUBLE_EQ(p.intensity(2), 0.5);
}

TEST(ShockProfile, ZeroHalfLifeEndsTheShockAfterThePlateau) {
  const ShockProfile p{1, 2, 0.0, {}};
  EXPECT_DOUBLE_EQ(p.intensity(0), 0.5);
  EXPECT_EQ(p.intensity(1), 1.0);
  EXPECT_EQ(p.intensity(2), 1.0);
  EXPECT_EQ(p.intensity(3), 0.0);
  EXPECT_EQ(p.intensity(50), 0.0);
  const ShockProfile none{0, 0, 0.0, {}};
  EXPECT_EQ(none.intensity(0), 0.0);
}

TEST(ShockProfile, ExplicitPathOverridesTheShapeAndEndsWithIt) {
  const ShockProfile p{5, 5, 6.0, {0.2, 0.9, 0.4}};
  EXPECT_EQ(p.intensity(-1), 0.0);
  EXPECT_EQ(p.intensity(0), 0.2);
  EXPECT_EQ(p.intensity(1), 0.9);
  EXPECT_EQ(p.intensity(2), 0.4);
  EXPECT_EQ(p.intensity(3), 0.0);
  EXPECT_EQ(p.intensity(500), 0.0);
  EXPECT_EQ(p.months_to_end(), 3);
}

TEST(ShockProfile, ValidateNamesTheOffendingField) {
  EXPECT_NO_THROW((ShockProfile{1, 3, 6.0, {}}.validate("p")));
  EXPECT_EQ(test::expect_invalid([] { ShockProfile{-1, 3, 6.0, {}}.validate("shocks[0].profile"); }).field(),
            "shocks[0].profile.ramp_months");
  EXPECT_EQ(test::expect_invalid([] { ShockProfile{0, -2, 6.0, {}}.validate("p"); }).field(), "p.plateau_months");
  EXPECT_EQ(test::expect_invalid([] { ShockProfile{0, 1, -1.0, {}}.validate("p"); }).field(),
            "p.recovery_half_life_months");
  const auto e = test::expect_invalid([] { ShockProfile{0, 1, 1.0, {0.5, 1.5}}.validate("p"); });
  EXPECT_EQ(e.field(), "p.path[1]");
  EXPECT_EQ(e.value(), "1.5");
}

// ---- SeverityDist ----------------------------------------------------------------------------

TEST(SeverityDist, MeansAndDescriptions) {
  EXPECT_EQ(SeverityDist::fixed(0.3).mean(), 0.3);
  EXPECT_DOUBLE_EQ(SeverityDist::uniform(0.2, 0.6).mean(), 0.4);
  EXPECT_EQ(SeverityDist::beta(0.35, 0.2).mean(), 0.35);
  EXPECT_EQ(SeverityDist::beta(0.35, 0.2).describe(), "beta(mean=0.35, sd=0.2)");
  EXPECT_EQ(SeverityDist::fixed(0.3).describe(), "fixed(0.3)");
  EXPECT_EQ(SeverityDist::uniform(0.1, 0.5).describe(), "uniform(0.1, 0.5)");
}

TEST(SeverityDist, ValidateRejectsImpossibleDistributions) {
  EXPECT_NO_THROW(SeverityDist::beta(0.25, 0.125).validate("s"));
  EXPECT_NO_THROW(SeverityDist::beta(0.0, 0.0).validate("s"));
  EXPECT_NO_THROW(SeverityDist::uniform(0.0, 0.0).validate("s"));
  // A Beta's sd is below sqrt(mean (1 - mean)) = 0.5 at mean 0.5.
  auto e = test::expect_invalid([] { SeverityDist::beta(0.5, 0.5).validate("shocks[1].severity"); });
  EXPECT_EQ(e.field(), "shocks[1].severity.sd");
  EXPECT_EQ(e.value(), "0.5");
  EXPECT_NE(e.allowed().find("sqrt(mean (1 - mean))"), std::string::npos) << e.allowed();
  EXPECT_EQ(test::expect_invalid([] { SeverityDist::beta(0.1, 0.31).validate("s"); }).field(), "s.sd");
  EXPECT_EQ(test::expect_invalid([] { SeverityDist::beta(0.5, -0.1).validate("s"); }).field(), "s.sd");
  EXPECT_EQ(test::expect_invalid([] { SeverityDist::beta(0.0, 0.1).validate("s"); }).field(), "s.sd");
  EXPECT_EQ(test::expect_invalid([] { SeverityDist::beta(1.2, 0.1).validate("s"); }).field(), "s.mean");
  EXPECT_EQ(test::expect_invalid([] { SeverityDist::fixed(1.5).validate("s"); }).field(), "s.value");
  EXPECT_EQ(test::expect_invalid([] { SeverityDist::fixed(-0.1).validate("s"); }).field(), "s.value");
  EXPECT_EQ(test::expect_invalid([] { SeverityDist::uniform(0.5, 0.2).validate("s"); }).field(), "s.high");
  EXPECT_EQ(test::expect_invalid([] { SeverityDist::uniform(-0.5, 0.2).validate("s"); }).field(), "s.low");
}

TEST(SeverityDist, DrawnSeveritiesFollowTheDistribution) {
  const Population pop = generate_population(test::small_spec(4000), 3);
  Scenario sc = test::quiet_scenario(1);
  Shock fixed = test::fixed_shock(Channel::sales, 0.3, sc.start, {}, "fixed");
  fixed.incidence = 0.5;
  Shock uni = test::fixed_shock(Channel::sales, 0.0, sc.start, {}, "uniform");
  uni.severity = SeverityDist::uniform(0.2, 0.6);
  Shock beta = test::fixed_shock(Channel::capital, 0.0, sc.start, {}, "beta");
  beta.severity = SeverityDist::beta(0.25, 0.125);
  sc.shocks = {fixed, uni, beta};
  Simulation sim(pop, sc);
  const FirmState& st = sim.state();
  double hit = 0, usum = 0, bsum = 0, bsq = 0;
  for (std::size_t i = 0; i < st.count; ++i) {
    const float f = st.shock_severity[0][i];
    ASSERT_TRUE(f == 0.0f || f == 0.3f) << f;
    hit += f > 0 ? 1 : 0;
    const float u = st.shock_severity[1][i];
    ASSERT_GE(u, 0.2f);
    ASSERT_LE(u, 0.6f);
    usum += u;
    const float b = st.shock_severity[2][i];
    ASSERT_GE(b, 0.0f);
    ASSERT_LE(b, 1.0f);
    bsum += b;
    bsq += static_cast<double>(b) * b;
  }
  const double n = static_cast<double>(st.count);
  EXPECT_NEAR(hit / n, 0.5, 0.03);
  EXPECT_NEAR(usum / n, 0.4, 0.01);
  EXPECT_NEAR(bsum / n, 0.25, 0.01);
  EXPECT_NEAR(std::sqrt(bsq / n - (bsum / n) * (bsum / n)), 0.125, 0.01);
}

TEST(Shock, TargetsLimitWhoIsHit) {
  const Population pop = generate_population(test::small_spec(3000), 3);
  Scenario sc = test::quiet_scenario(1);
  Shock s = test::fixed_shock(Channel::sales, 0.4, sc.start);
  s.target.sectors = {"food"};
  s.target.regions = {"north", "south"};
  s.target.classes = {SizeClass::micro};
  Shock by_sector = test::fixed_shock(Channel::sales, 0.4, sc.start, {}, "by-sector");
  by_sector.incidence = 0.0;
  by_sector.incidence_by_sector = {{"clothing", 1.0}};
  sc.shocks = {s, by_sector};
  Simulation sim(pop, sc);
  const FirmState& st = sim.state();
  const auto food = pop.sector_index("food"), clothing = pop.sector_index("clothing");
  const auto central = pop.region_index("central");
  for (std::size_t i = 0; i < st.count; ++i) {
    const bool target = st.sector[i] == food && st.region[i] != central &&
                        st.size_class[i] == static_cast<std::uint8_t>(SizeClass::micro);
    ASSERT_EQ(st.shock_severity[0][i] > 0, target) << i;
    ASSERT_EQ(st.shock_severity[1][i] > 0, st.sector[i] == clothing) << i;
  }
}

// ---- the four channels on one firm ------------------------------------------------------------------

// One micro firm with Rp 10 M of monthly sales, 40 % of them online, half of
// sales spent on inputs, Rp 1 M fixed cost and ample cash; no randomness.
struct OneFirm {
  Population pop;
  OneFirm() {
    std::vector<test::FirmInit> f(1);
    f[0].online_share = 0.4f;
    f[0].cash_rp = 500e6;
    pop = test::make_population({"r"}, {"trade"}, f);
  }
  // Flows of the first `months` months under one shock at full intensity.
  std::vector<FirmFlows> flows(Channel ch, double severity, int months = 2) const {
    Scenario sc = test::quiet_scenario(months);
    sc.shocks = {test::fixed_shock(ch, severity, sc.start, {0, 1, 0.0, {}})};  // months 0 only
    RunOptions opt;
    opt.record_flows = true;
    Simulation sim(pop, sc, opt);
    std::vector<FirmFlows> out;
    while (!sim.done()) {
      sim.step();
      out.push_back(sim.flows());
    }
    return out;
  }
};

constexpr double kR = 10e6, kV = 0.5, kFixed = 1e6, kShip = 0.08;
// The state keeps shares and severities as float.
const double kOnline = static_cast<double>(0.4f);
double as_stored(double severity) { return static_cast<double>(static_cast<float>(severity)); }

TEST(ShockChannels, SalesShockRemovesItsSeverityOfDemand) {
  const auto f = OneFirm().flows(Channel::sales, 0.3);
  const double revenue = kR * (1.0 - as_stored(0.3));
  EXPECT_DOUBLE_EQ(f[0].revenue[0], revenue);
  EXPECT_DOUBLE_EQ(f[0].operating_cost[0], kV * revenue + kOnline * revenue * kShip + kFixed);
  EXPECT_DOUBLE_EQ(f[1].revenue[0], kR) << "the shock ends after its one-month plateau";
}

TEST(ShockChannels, DistributionShockBlocksOfflineSalesAndRaisesShipping) {
  const auto f = OneFirm().flows(Channel::distribution, 0.3);
  const double s = as_stored(0.3);
  const double revenue = kR * (kOnline + (1.0 - kOnline) * (1.0 - s));
  EXPECT_DOUBLE_EQ(f[0].revenue[0], revenue);
  EXPECT_DOUBLE_EQ(f[0].operating_cost[0], kV * revenue + kOnline * revenue * kShip * (1.0 + s) + kFixed);
}

TEST(ShockChannels, RawMaterialShockCutsCapacityAndRaisesInputCosts) {
  const auto f = OneFirm().flows(Channel::raw_materials, 0.6);
  // Capacity: one worker x Rp 10 M x (1 + 25 % slack) x (1 - 0.5 x 0.6).
  const double s = as_stored(0.6);
  const double revenue = kR * 1.25 * (1.0 - 0.5 * s);
  EXPECT_DOUBLE_EQ(f[0].revenue[0], revenue);
  EXPECT_DOUBLE_EQ(f[0].operating_cost[0], kV * revenue * (1.0 + 0.5 * s) + kOnline * revenue * kShip + kFixed);
}

TEST(ShockChannels, CapitalShockDelaysPartOfTheRevenueByOneMonth) {
  const auto f = OneFirm().flows(Channel::capital, 0.6, 3);
  // Half of the revenue at full severity: 0.5 x 0.6 = 30 % arrives a month late.
  const double delay = 0.5 * as_stored(0.6);
  EXPECT_DOUBLE_EQ(f[0].revenue[0], kR);
  EXPECT_DOUBLE_EQ(f[0].revenue_received[0], (1.0 - delay) * kR);
  EXPECT_DOUBLE_EQ(f[1].revenue_received[0], kR + delay * kR);
  EXPECT_DOUBLE_EQ(f[2].revenue_received[0], kR);
}

TEST(ShockChannels, OnsetBeforeTheRunStartIsAlreadyUnderway) {
  const OneFirm firm;
  Scenario sc = test::quiet_scenario(2);
  sc.shocks = {test::fixed_shock(Channel::sales, 1.0, sc.start.plus(-1), {0, 0, 0.0, {0.0, 0.5, 0.25}})};
  const RunResult r = run(firm.pop, sc);
  EXPECT_EQ(r.monthly.numbers("revenue_rp")[0], 0.5 * kR);
  EXPECT_EQ(r.monthly.numbers("revenue_rp")[1], 0.75 * kR);
}

TEST(ShockChannels, OverlappingShocksOnOneChannelMultiply) {
  const OneFirm firm;
  Scenario sc = test::quiet_scenario(1);
  sc.shocks = {test::fixed_shock(Channel::sales, 0.5, sc.start, {}, "a"),
               test::fixed_shock(Channel::sales, 0.2, sc.start, {}, "b")};
  const RunResult r = run(firm.pop, sc);
  EXPECT_EQ(r.monthly.numbers("revenue_rp")[0], 0.5 * 0.8 * kR);
}

// ---- Scenario::validate --------------------------------------------------------------------------

TEST(ScenarioValidate, AcceptsThePreset) { EXPECT_NO_THROW(presets::bogor_covid19_scenario().validate()); }

TEST(ScenarioValidate, NamesTheInvalidField) {
  Scenario sc;
  sc.months = 0;
  auto e = test::expect_invalid([&] { sc.validate(); });
  EXPECT_EQ(e.field(), "months");
  EXPECT_EQ(e.value(), "0");
  sc.months = kMaxMonths + 1;
  EXPECT_EQ(test::expect_invalid([&] { sc.validate(); }).field(), "months");

  sc = Scenario{};
  sc.class_review_months = 0;
  EXPECT_EQ(test::expect_invalid([&] { sc.validate(); }).field(), "class_review_months");

  sc = Scenario{};
  sc.start.month = 13;
  EXPECT_EQ(test::expect_invalid([&] { sc.validate(); }).field(), "start");

  sc = Scenario{};
  sc.params.closure_after_months = 0;
  EXPECT_EQ(test::expect_invalid([&] { sc.validate(); }).field(), "closure_after_months");
}

TEST(ScenarioValidate, ShockErrorsAreNamedByIndexAndName) {
  Scenario sc;
  Shock s = test::fixed_shock(Channel::sales, 0.3);
  s.incidence = -0.1;
  sc.shocks = {test::fixed_shock(Channel::capital, 0.2), s};
  auto e = test::expect_invalid([&] { sc.validate(); });
  EXPECT_EQ(e.field(), "shocks[1].incidence");
  EXPECT_EQ(e.value(), "-0.1");

  sc.shocks[1].incidence = 0.5;
  sc.shocks[1].name = "lockdown";
  sc.shocks[1].severity = SeverityDist::beta(0.5, 0.6);
  EXPECT_EQ(test::expect_invalid([&] { sc.validate(); }).field(), "shocks[1] ('lockdown').severity.sd");

  sc.shocks[1].severity = SeverityDist::fixed(0.3);
  sc.shocks[1].incidence_by_sector = {{"trade", 1.5}};
  EXPECT_EQ(test::expect_invalid([&] { sc.validate(); }).field(), "shocks[1] ('lockdown').incidence_by_sector.trade");

  sc.shocks[1].incidence_by_sector.clear();
  sc.shocks[0].name = "lockdown";
  EXPECT_EQ(test::expect_invalid([&] { sc.validate(); }).field(), "shocks[1] ('lockdown').name");

  sc.shocks[0].name = "";
  sc.shocks[0].onset.month = 0;
  EXPECT_EQ(test::expect_invalid([&] { sc.validate(); }).field(), "shocks[0].onset");
}

TEST(ScenarioValidate, UnknownSectorOrRegionInAShockFailsWhenTheRunStarts) {
  const Population pop = generate_population(test::small_spec(100), 1);
  Scenario sc = test::quiet_scenario(3);
  Shock s = test::fixed_shock(Channel::sales, 0.3, {2020, 3}, {}, "floods");
  s.target.sectors = {"trade", "fod"};
  sc.shocks = {s};
  EXPECT_NO_THROW(sc.validate()) << "names are checked against the population only when a run starts";
  auto e = test::expect_invalid([&] { Simulation sim(pop, sc); });
  EXPECT_EQ(e.field(), "shocks[0] ('floods').target.sectors");
  EXPECT_EQ(e.value(), "'fod'");
  EXPECT_NE(e.allowed().find("trade, food, clothing"), std::string::npos) << e.allowed();
  EXPECT_NE(e.allowed().find("did you mean 'food'"), std::string::npos) << e.allowed();

  sc.shocks[0].target.sectors.clear();
  sc.shocks[0].target.regions = {"East"};
  e = test::expect_invalid([&] { (void)run(pop, sc); });
  EXPECT_EQ(e.field(), "shocks[0] ('floods').target.regions");
  EXPECT_NE(e.allowed().find("north, central, south"), std::string::npos) << e.allowed();

  sc.shocks[0].target.regions.clear();
  sc.shocks[0].incidence_by_sector = {{"mining", 0.5}};
  EXPECT_EQ(test::expect_invalid([&] { (void)run(pop, sc); }).field(), "shocks[0] ('floods').incidence_by_sector");
}

// ---- zero-severity shocks ------------------------------------------------------------------------------

Scenario bogor_without_shocks(int months = 24) {
  Scenario sc = test::covid_without_relief(months);
  sc.shocks.clear();
  sc.params.entry_rate_month = 0.002;
  return sc;
}

std::vector<Shock> zero_shocks() {
  std::vector<Shock> v;
  for (Channel ch : kAllChannels) v.push_back(test::fixed_shock(ch, 0.0, {2020, 2}, {1, 3, 6.0, {}}));
  Shock u = test::fixed_shock(Channel::sales, 0.0, {2020, 4}, {}, "zero-uniform");
  u.severity = SeverityDist::uniform(0.0, 0.0);
  v.push_back(u);
  Shock b = test::fixed_shock(Channel::raw_materials, 0.0, {2020, 4}, {}, "zero-beta");
  b.severity = SeverityDist::beta(0.0, 0.0);
  b.target.sectors = {"clothing", "leather"};
  v.push_back(b);
  Shock none = test::fixed_shock(Channel::sales, 0.8, {2020, 2}, {}, "nobody");
  none.incidence = 0.0;  // severe but hits nobody
  v.push_back(none);
  return v;
}

class ZeroSeverity : public ::testing::TestWithParam<bool> {};

TEST_P(ZeroSeverity, ShockEqualsTheRunWithoutItBitwise) {
  const bool linkage = GetParam();
  const Population pop = generate_population(presets::bogor_population_spec(3000), 14);
  Scenario base = bogor_without_shocks();
  if (!linkage) base.input_output.reset();
  ASSERT_EQ(base.input_output.has_value(), linkage);
  Scenario zero = base;
  zero.shocks = zero_shocks();
  RunOptions opt;
  opt.seed = 14;
  EXPECT_TRUE(test::results_identical(run(pop, base, opt), run(pop, zero, opt)));
}

TEST_P(ZeroSeverity, AddingZeroShocksToTheCovidPresetChangesNothing) {
  const bool linkage = GetParam();
  const Population pop = generate_population(presets::bogor_population_spec(3000), 15);
  Scenario base = test::covid_without_relief(24);
  base.params.entry_rate_month = 0.002;
  if (!linkage) base.input_output.reset();
  Scenario zero = base;
  // Unnamed zero shocks first: the named preset shocks keep their draws.
  auto extra = zero_shocks();
  zero.shocks.insert(zero.shocks.begin(), extra.begin(), extra.end());
  RunOptions opt;
  opt.seed = 15;
  EXPECT_TRUE(test::results_identical(run(pop, base, opt), run(pop, zero, opt)));
}

INSTANTIATE_TEST_SUITE_P(Engine, ZeroSeverity, ::testing::Bool(), [](const ::testing::TestParamInfo<bool>& p) {
  return std::string(p.param ? "with_input_output" : "without_input_output");
});

// ---- stronger shocks close more firms ------------------------------------------------------------------------

// Closed firms per month after one shock on `channel` from March 2020, on the
// same population and seed.
std::vector<double> closed_by_month(Channel channel, double severity, double incidence, std::uint64_t seed = 16) {
  static const Population pop = generate_population(presets::bogor_population_spec(4000), 16);
  Scenario sc = test::covid_without_relief(24);
  Shock shock = test::fixed_shock(channel, severity, {2020, 3}, {1, 4, 6.0, {}}, "shock");
  shock.incidence = incidence;
  sc.shocks = {shock};
  RunOptions opt;
  opt.seed = seed;
  opt.microdata = false;
  return run(pop, sc, opt).monthly.numbers("closed_firms");
}

// Firms' decisions are thresholds in whole workers and months (a firm in a
// deeper slump needs a worker fewer, sheds him, and its owner's income
// recovers; the same firm in a milder slump keeps him and its owner gives
// up), so a stronger shock can spare a few firms one weaker would close:
// docs/model.md §13 says monotonicity holds for the totals, not for every
// firm. Each month is held to kReversals firms (a quarter of a percent of
// the 4,000), and the net over all the months of a test to none.
constexpr double kReversals = 10.0;

// Adds a failure for every month in which `strong` has more than kReversals
// fewer closed firms; adds strong - weak over the months to `net`.
void expect_not_fewer(const std::vector<double>& weak, const std::vector<double>& strong, const std::string& what,
                      double& net) {
  ASSERT_EQ(weak.size(), strong.size());
  for (std::size_t m = 0; m < weak.size(); ++m) {
    EXPECT_GE(strong[m] + kReversals, weak[m])
        << what << ": fewer firms closed by month " << m << " under the stronger shock (" << strong[m] << " vs "
        << weak[m] << ")";
    net += strong[m] - weak[m];
  }
}

// A stronger shock never closes fewer firms, month by month, on the same seed,
// on every channel.
class StrongerShock : public ::testing::TestWithParam<Channel> {};

TEST_P(StrongerShock, DoubleTheSeverityNeverClosesFewerFirms) {
  const Channel ch = GetParam();
  double net = 0;
  for (double s : {0.1, 0.2, 0.3, 0.4, 0.5}) {
    const auto weak = closed_by_month(ch, s, 1.0);
    const auto strong = closed_by_month(ch, 2.0 * s, 1.0);
    expect_not_fewer(weak, strong, "severity " + detail::format_value(s) + " vs " + detail::format_value(2.0 * s),
                     net);
  }
  EXPECT_GE(net, 0.0);
}

TEST_P(StrongerShock, DoubleTheIncidenceNeverClosesFewerFirms) {
  const Channel ch = GetParam();
  double net = 0;
  for (double inc : {0.2, 0.4, 0.5}) {
    const auto weak = closed_by_month(ch, 0.4, inc);
    const auto strong = closed_by_month(ch, 0.4, 2.0 * inc);
    expect_not_fewer(weak, strong,
                     "incidence " + detail::format_value(inc) + " vs " + detail::format_value(2.0 * inc), net);
  }
  EXPECT_GE(net, 0.0);
}

TEST_P(StrongerShock, AnyShockClosesAtLeastAsManyFirmsAsNoShock) {
  const Channel ch = GetParam();
  double net = 0;
  for (std::uint64_t seed : {16u, 17u, 18u}) {
    const auto none = closed_by_month(ch, 0.0, 1.0, seed);
    for (double s : {0.1, 0.3, 0.6})
      expect_not_fewer(none, closed_by_month(ch, s, 1.0, seed),
                       "seed " + std::to_string(seed) + ", severity 0 vs " + detail::format_value(s), net);
  }
  EXPECT_GE(net, 0.0);
}

// Severities 0, 0.1, ..., 0.9 in turn: each step up never closes fewer firms
// in any month, on every channel and several seeds. The capital channel is
// the delicate one: it moves cash in time (delayed receivables) rather than
// destroying it, which is monotone only because the owner's claim does not
// depend on when customers pay (docs/model.md §5).
TEST_P(StrongerShock, EveryStepUpInSeverityClosesAtLeastAsManyFirms) {
  const Channel ch = GetParam();
  double net = 0;
  for (std::uint64_t seed : {31u, 32u, 33u}) {
    std::vector<double> previous = closed_by_month(ch, 0.0, 1.0, seed);
    for (int k = 1; k <= 9; ++k) {
      auto closed = closed_by_month(ch, 0.1 * k, 1.0, seed);
      expect_not_fewer(previous, closed,
                       "seed " + std::to_string(seed) + ", severity " + detail::format_value(0.1 * k), net);
      previous = std::move(closed);
    }
  }
  EXPECT_GE(net, 0.0);
}

INSTANTIATE_TEST_SUITE_P(Engine, StrongerShock,
                         ::testing::Values(Channel::sales, Channel::capital, Channel::distribution,
                                           Channel::raw_materials),
                         [](const ::testing::TestParamInfo<Channel>& p) { return std::string(to_string(p.param)); });

// The COVID-19 preset with every severity scaled by 0, 0.5, 1 and 1.5: more
// shock never closes fewer firms, month by month, for several seeds.
TEST(StrongerShock, ScalingTheCovidPresetUpNeverClosesFewerFirms) {
  static const Population pop = generate_population(presets::bogor_population_spec(4000), 21);
  double net = 0;
  for (std::uint64_t seed : {21u, 22u, 23u}) {
    std::vector<double> previous;
    for (double scale : {0.0, 0.5, 1.0, 1.5}) {
      Scenario sc = test::covid_without_relief(36);
      for (auto& shock : sc.shocks) {
        const double mean = std::min(0.95, shock.severity.a * scale);
        const double sd = shock.severity.b * scale;
        shock.severity = mean == 0.0 ? SeverityDist::fixed(0.0)
                                     : SeverityDist::beta(mean, std::min(sd, 0.9 * std::sqrt(mean * (1.0 - mean))));
      }
      RunOptions opt;
      opt.seed = seed;
      opt.microdata = false;
      auto closed = run(pop, sc, opt).monthly.numbers("closed_firms");
      if (!previous.empty())
        expect_not_fewer(previous, closed, "seed " + std::to_string(seed) + ", scale " + detail::format_value(scale),
                         net);
      previous = std::move(closed);
    }
  }
  EXPECT_GE(net, 0.0);
}

}  // namespace
}  // namespace msmesim
