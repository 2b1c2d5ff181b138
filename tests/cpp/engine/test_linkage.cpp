// Input-output spill-overs between sectors (linkage.hpp) and their use in a
// run.
#include <gtest/gtest.h>

#include <msmesim/msmesim.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "support.hpp"

namespace msmesim {
namespace {

const std::vector<std::string> kBogorSectors = {"food_beverage", "handicraft", "clothing", "metal",
                                                "leather",       "trade",      "services"};

std::size_t index_of(const std::vector<std::string>& v, const std::string& name) {
  for (std::size_t i = 0; i < v.size(); ++i)
    if (v[i] == name) return i;
  ADD_FAILURE() << "no sector " << name;
  return 0;
}

TEST(Linkage, LeontiefInverseSolvesIMinusATimesLEqualsI) {
  const InputOutput io = presets::bogor_input_output();
  const Linkage link(io, kBogorSectors, std::vector<double>(7, 1.0));
  ASSERT_TRUE(link.enabled());
  const auto& L = link.leontief_inverse();
  const std::size_t n = io.sectors.size();
  ASSERT_EQ(L.size(), n * n);
  const auto& A = io.technical_coefficients;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      double v = 0;
      for (std::size_t k = 0; k < n; ++k) v += ((i == k ? 1.0 : 0.0) - A[i * n + k]) * L[k * n + j];
      EXPECT_NEAR(v, i == j ? 1.0 : 0.0, 1e-12) << i << "," << j;
      EXPECT_GE(L[i * n + j], i == j ? 1.0 : 0.0) << "L >= I for a productive economy";
    }
}

TEST(Linkage, GhoshInverseSolvesIMinusBTimesGEqualsI) {
  const InputOutput io = presets::bogor_input_output();
  const std::vector<double> output = {5, 1, 2, 1, 1, 8, 3};
  const Linkage link(io, kBogorSectors, output);
  const auto& G = link.ghosh_inverse();
  const std::size_t n = io.sectors.size();
  const auto& A = io.technical_coefficients;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      double v = 0;
      for (std::size_t k = 0; k < n; ++k) {
        const double b = A[i * n + k] * output[k] / output[i];  // B = diag(x)^-1 A diag(x)
        v += ((i == k ? 1.0 : 0.0) - b) * G[k * n + j];
      }
      EXPECT_NEAR(v, i == j ? 1.0 : 0.0, 1e-12) << i << "," << j;
    }
}

TEST(Linkage, UniformLossesSpillNothing) {
  const Linkage link(presets::bogor_input_output(), kBogorSectors, {5, 1, 2, 1, 1, 8, 3});
  std::vector<double> ds, rs;
  link.spill(std::vector<double>(7, 0.3), std::vector<double>(7, 0.2), ds, rs);
  ASSERT_EQ(ds.size(), 7u);
  ASSERT_EQ(rs.size(), 7u);
  for (std::size_t s = 0; s < 7; ++s) {
    EXPECT_NEAR(ds[s], 0.0, 1e-12) << kBogorSectors[s];
    EXPECT_NEAR(rs[s], 0.0, 1e-12) << kBogorSectors[s];
  }
  link.spill(std::vector<double>(7, 0.0), std::vector<double>(7, 0.0), ds, rs);
  for (std::size_t s = 0; s < 7; ++s) {
    EXPECT_EQ(ds[s], 0.0);
    EXPECT_EQ(rs[s], 0.0);
  }
}

TEST(Linkage, DemandLossInClothingSpillsUpstreamButNotBackOntoClothing) {
  const Linkage link(presets::bogor_input_output(), kBogorSectors, {5, 1, 2, 1, 1, 8, 3});
  std::vector<double> d(7, 0.0), ds, rs;
  const std::size_t clothing = index_of(kBogorSectors, "clothing");
  d[clothing] = 0.4;
  link.spill(d, std::vector<double>(7, 0.0), ds, rs);
  EXPECT_GT(ds[index_of(kBogorSectors, "leather")], 0.0);
  EXPECT_GT(ds[index_of(kBogorSectors, "trade")], 0.0);
  EXPECT_GT(ds[index_of(kBogorSectors, "metal")], 0.0);
  // Clothing loses what it lost directly; the spill-over adds nothing to it.
  EXPECT_EQ(ds[clothing], 0.0);
  for (std::size_t s = 0; s < 7; ++s) {
    EXPECT_GE(ds[s], 0.0) << kBogorSectors[s];
    EXPECT_LT(ds[s], 0.4) << kBogorSectors[s];
    EXPECT_EQ(rs[s], 0.0) << "no raw-material loss, no raw-material spill-over";
  }
}

TEST(Linkage, RawMaterialShortageSpillsDownstream) {
  const Linkage link(presets::bogor_input_output(), kBogorSectors, {5, 1, 2, 1, 1, 8, 3});
  std::vector<double> r(7, 0.0), ds, rs;
  const std::size_t leather = index_of(kBogorSectors, "leather");
  r[leather] = 0.5;
  link.spill(std::vector<double>(7, 0.0), r, ds, rs);
  // Clothing buys leather (a[leather][clothing] = 0.01).
  EXPECT_GT(rs[index_of(kBogorSectors, "clothing")], 0.0);
  EXPECT_EQ(rs[leather], 0.0);
  for (std::size_t s = 0; s < 7; ++s) EXPECT_EQ(ds[s], 0.0);
}

TEST(Linkage, MapsPopulationSectorsByNameAndIgnoresSectorsMissingFromTheTable) {
  InputOutput io;
  io.sectors = {"a", "b"};
  io.technical_coefficients = {0.1, 0.3, 0.2, 0.1};
  // The population lists its sectors in another order and has one more.
  const std::vector<std::string> pop = {"mining", "b", "a"};
  const Linkage link(io, pop, {1.0, 2.0, 3.0});
  std::vector<double> ds, rs;
  link.spill({0.5, 0.0, 0.2}, {0.0, 0.0, 0.0}, ds, rs);
  ASSERT_EQ(ds.size(), 3u);
  EXPECT_EQ(ds[0], 0.0) << "a sector outside the table gets no spill-over";
  EXPECT_GT(ds[1], 0.0) << "b supplies a";
  EXPECT_EQ(ds[2], 0.0);
}

TEST(Linkage, TableSectorMissingFromThePopulationIsAnError) {
  InputOutput io = presets::bogor_input_output();
  try {
    Linkage link(io, {"food_beverage", "handicraft", "clothing", "metal", "leather", "trade"},
                 std::vector<double>(6, 1.0));
    FAIL() << "no exception";
  } catch (const InvalidArgument& e) {
    EXPECT_EQ(e.field(), "input_output.sectors");
    EXPECT_EQ(e.value(), "'services'");
    EXPECT_NE(e.allowed().find("food_beverage"), std::string::npos) << e.allowed();
  }
  // The same when a run starts on a population without that sector.
  const Population pop = generate_population(test::small_spec(200), 1);
  Scenario sc = test::quiet_scenario(2);
  sc.input_output = io;
  EXPECT_THROW(Simulation(pop, sc), InvalidArgument);
}

TEST(Linkage, InputOutputValidateNamesTheProblem) {
  InputOutput io;
  io.sectors = {"a", "b"};
  io.technical_coefficients = {0.6, 0.1, 0.5, 0.1};  // column a sums to 1.1
  try {
    io.validate();
    FAIL() << "no exception";
  } catch (const InvalidArgument& e) {
    EXPECT_EQ(e.field(), "input_output.technical_coefficients column 'a'");
  }
  io.technical_coefficients = {0.1, 0.1, 0.1};
  EXPECT_THROW(io.validate(), InvalidArgument);
  io.technical_coefficients = {0.1, 0.1, -0.1, 0.1};
  EXPECT_THROW(io.validate(), InvalidArgument);
  io.technical_coefficients = {0.1, 0.1, 0.1, 0.1};
  io.sectors = {"a", "a"};
  EXPECT_THROW(io.validate(), InvalidArgument);
  io.sectors = {"a", "b"};
  io.output = {1.0};
  EXPECT_THROW(io.validate(), InvalidArgument);
  io.output = {1.0, 2.0};
  EXPECT_NO_THROW(io.validate());
}

TEST(LinkageInARun, ClothingSalesShockLowersRevenueOfUpstreamSectorsOnlyWithTheTable) {
  const Population pop = generate_population(presets::bogor_population_spec(4000), 41);
  Scenario without = test::quiet_scenario(6);
  Shock s = test::fixed_shock(Channel::sales, 0.5, without.start, {0, 12, 6.0, {}}, "clothing");
  s.target.sectors = {"clothing"};
  without.shocks = {s};
  // Any loss counts as being affected (by default a loss below 1 % of
  // expected revenue does not, which the upstream loss mostly is).
  without.params.affected_min_share = 0.0;
  Scenario with = without;
  with.input_output = presets::bogor_input_output();
  const RunResult a = run(pop, without);
  const RunResult b = run(pop, with);
  const auto group = a.by_sector.numbers("group");
  const auto month = a.by_sector.numbers("month");
  const auto ra = a.by_sector.numbers("revenue_rp");
  const auto rb = b.by_sector.numbers("revenue_rp");
  const auto leather = static_cast<double>(pop.sector_index("leather"));
  const auto clothing = static_cast<double>(pop.sector_index("clothing"));
  const auto trade = static_cast<double>(pop.sector_index("trade"));
  const auto affected_b = b.by_sector.numbers("affected_firms");
  const auto affected_a = a.by_sector.numbers("affected_firms");
  for (std::size_t row = 0; row < ra.size(); ++row) {
    if (month[row] != 0) continue;
    if (group[row] == leather || group[row] == trade) {
      EXPECT_LT(rb[row], ra[row]) << "sector " << group[row];
      EXPECT_GT(affected_b[row], 0.0);
      EXPECT_EQ(affected_a[row], 0.0);
    }
    // The shocked sector's own revenue is not cut further by the table.
    if (group[row] == clothing) {
      EXPECT_EQ(rb[row], ra[row]);
    }
  }
  // linkage_strength 0 switches the table off.
  Scenario off = with;
  off.params.linkage_strength = 0.0;
  EXPECT_TRUE(test::results_identical(a, run(pop, off)));
}

}  // namespace
}  // namespace msmesim
