// Cooperative agents: generation from the Bogor tables, membership and
// validation (cooperative.hpp).
#include <gtest/gtest.h>

#include <msmesim/msmesim.hpp>

#include <cmath>
#include <algorithm>
#include <map>
#include <numeric>
#include <set>
#include <vector>

#include "support.hpp"

namespace msmesim {
namespace {

// Seed 000 Table 5 (condition of cooperatives in Bogor Regency, 2019).
constexpr std::int64_t kCount = 1651, kActive = 589, kMembers = 91555, kRat = 203;
constexpr double kOwn = 248589778560.0, kExternal = 107549168854.0, kVolume = 550099401555.0,
                 kShu = 42667055523.0;

/// The register as generated (no burn-in: these tests are about the
/// generator's cooperatives and memberships).
const Population& bogor(std::int64_t firms) {
  static std::map<std::int64_t, Population> cache;
  auto it = cache.find(firms);
  if (it == cache.end()) {
    auto spec = presets::bogor_population_spec(firms);
    spec.params.burn_in_months = 0;
    it = cache.emplace(firms, generate_population(spec, 7, 2)).first;
  }
  return it->second;
}

double sum(const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0); }

TEST(Cooperatives, BogorTotalsMatchThe2019ConditionTable) {
  const auto& co = bogor(presets::kBogorFirms).cooperatives;
  ASSERT_EQ(static_cast<std::int64_t>(co.size()), kCount);
  std::int64_t active = 0, members = 0, rat = 0;
  double external = 0;
  for (std::size_t c = 0; c < co.size(); ++c) {
    active += co.active[c];
    members += co.members[c];
    rat += co.rat_history[c] & 1;
    external += co.external_capital_rp(c);
  }
  EXPECT_EQ(active, kActive);
  EXPECT_EQ(members, kMembers);
  EXPECT_EQ(rat, kRat);  // members' meetings held in the last book year
  // Within 1 % (the tolerance); the generator meets them to rounding.
  EXPECT_NEAR(sum(co.own_capital_rp), kOwn, 0.01 * kOwn);
  EXPECT_NEAR(external, kExternal, 0.01 * kExternal);
  EXPECT_NEAR(sum(co.business_volume_rp_year), kVolume, 0.01 * kVolume);
  EXPECT_NEAR(sum(co.shu_rp_year), kShu, 0.01 * kShu);
  // The generator meets them to rounding. A burnt-in population keeps the
  // register's own capital (the burn-in may move loans out of cash, or
  // borrow, where member firms now owe a cooperative more than its
  // register's loans).
  EXPECT_NEAR(sum(co.own_capital_rp), kOwn, 1e-6 * kOwn);
  EXPECT_NEAR(external, kExternal, 1e-6 * kExternal);
  const auto burnt = generate_population(presets::bogor_population_spec(20000), 7, 2).cooperatives;
  double burnt_external = 0;
  for (std::size_t c = 0; c < burnt.size(); ++c) burnt_external += burnt.external_capital_rp(c);
  EXPECT_NEAR(sum(burnt.own_capital_rp), kOwn, 1e-6 * kOwn);
  EXPECT_NEAR(burnt_external, kExternal, 0.01 * kExternal);
}

TEST(Cooperatives, ActiveCountsPerKecamatanMatchTheTableExactly) {
  const auto& pop = bogor(presets::kBogorFirms);
  const auto& table = presets::bogor_active_cooperatives_2019();
  const auto& names = presets::bogor_kecamatan();
  ASSERT_EQ(pop.region_names, names);
  std::vector<int> active(names.size(), 0), all(names.size(), 0);
  for (std::size_t c = 0; c < pop.cooperatives.size(); ++c) {
    active[pop.cooperatives.region[c]] += pop.cooperatives.active[c];
    ++all[pop.cooperatives.region[c]];
  }
  for (std::size_t r = 0; r < names.size(); ++r) {
    EXPECT_EQ(active[r], table[r]) << names[r];
    EXPECT_GE(all[r], active[r]) << names[r];
  }
}

TEST(Cooperatives, TypesFollowTable4AndEveryBalanceSheetBalances) {
  const auto& co = bogor(presets::kBogorFirms).cooperatives;
  std::vector<int> by_type(kCoopTypes, 0);
  for (std::size_t c = 0; c < co.size(); ++c) ++by_type[co.type[c]];
  // Table 4's 2020 shares (94, 1451, 33, 50, 62 of 1,690) apportioned to 1,651.
  EXPECT_EQ(by_type, (std::vector<int>{92, 1417, 32, 49, 61}));
  for (std::size_t c = 0; c < co.size(); ++c) {
    const double size = co.cash_rp[c] + co.loans_rp[c] + co.other_assets_rp[c];
    ASSERT_NEAR(co.balance_gap_rp(c), 0.0, 1e-9 * size) << "cooperative " << c;
    ASSERT_GE(co.other_assets_rp[c], 0.0);
    if (!co.active[c]) {
      EXPECT_EQ(co.business_volume_rp_year[c], 0.0);
      EXPECT_EQ(co.shu_rp_year[c], 0.0);
      EXPECT_EQ(co.rat_history[c] & 7, 0) << "an inactive cooperative held a RAT in the window";
      EXPECT_EQ(co.healthy[c], 0);
    } else {
      EXPECT_NE(co.rat_history[c] & 7, 0) << "an active cooperative without a RAT in three years";
    }
    EXPECT_GE(co.members[c], 20);
  }
}

TEST(Cooperatives, MemberFirmsBelongToExistingCooperativesOfTheirRegion) {
  for (std::int64_t firms : {std::int64_t{20000}, presets::kBogorFirms}) {
    const auto& pop = bogor(firms);
    const auto& co = pop.cooperatives;
    std::vector<std::int64_t> member_firms(co.size(), 0);
    std::int64_t members = 0;
    for (std::size_t i = 0; i < pop.size(); ++i) {
      const auto c = pop.cooperative[i];
      if (c < 0) continue;
      ASSERT_LT(static_cast<std::size_t>(c), co.size());
      ASSERT_EQ(co.region[static_cast<std::size_t>(c)], pop.region[i]) << "firm " << i;
      ++member_firms[static_cast<std::size_t>(c)];
      ++members;
    }
    for (std::size_t c = 0; c < co.size(); ++c) EXPECT_LE(member_firms[c], co.members[c]);
    // Half of the members run a firm, scaled to the population's size.
    const double expected = 0.5 * kMembers * static_cast<double>(firms) / static_cast<double>(presets::kBogorFirms);
    EXPECT_NEAR(static_cast<double>(members), expected, 1.0 + 0.001 * expected) << firms << " firms";
  }
}

TEST(Cooperatives, GenerationIsDeterministicAndIndependentOfThreads) {
  const auto spec = presets::bogor_population_spec(30000);
  const auto a = generate_population(spec, 11, 1);
  const auto b = generate_population(spec, 11, 2);
  EXPECT_EQ(a.cooperative, b.cooperative);
  EXPECT_EQ(a.cooperatives.type, b.cooperatives.type);
  EXPECT_EQ(a.cooperatives.own_capital_rp, b.cooperatives.own_capital_rp);
  EXPECT_EQ(a.cooperatives.rat_history, b.cooperatives.rat_history);
  const auto c = generate_population(spec, 12, 1);
  EXPECT_NE(a.cooperative, c.cooperative);
  EXPECT_NE(a.cooperatives.own_capital_rp, c.cooperatives.own_capital_rp);
  // The firms as drawn do not depend on the cooperatives (in the burn-in
  // that follows the members borrow from them and trade through them).
  auto drawn = spec;
  drawn.params.burn_in_months = 0;
  auto no_coops = drawn;
  no_coops.cooperatives = CooperativeSpec{};
  const auto d = generate_population(no_coops, 11, 1);
  EXPECT_EQ(d.revenue_rp_month, generate_population(drawn, 11, 1).revenue_rp_month);
  EXPECT_TRUE(d.cooperatives.empty());
  EXPECT_TRUE(std::all_of(d.cooperative.begin(), d.cooperative.end(), [](auto id) { return id == -1; }));
}

TEST(Cooperatives, AStrictRatRuleMakesEveryActiveCooperativeHoldOneEachYear) {
  auto spec = presets::bogor_population_spec(5000);
  spec.cooperatives.active_rat_min = 3;
  EXPECT_EQ(test::expect_invalid([&] { spec.validate(); }).field(), "cooperatives.rat_last_year");
  spec.cooperatives.rat_last_year = spec.cooperatives.active_total();
  const auto pop = generate_population(spec, 3, 1);
  for (std::size_t c = 0; c < pop.cooperatives.size(); ++c)
    EXPECT_EQ(pop.cooperatives.rat_history[c] & 7, pop.cooperatives.active[c] ? 7 : 0);
}

TEST(Cooperatives, InvalidSpecsNameTheField) {
  auto check = [](auto mutate, const std::string& field) {
    auto spec = presets::bogor_population_spec(1000);
    mutate(spec.cooperatives);
    const auto e = test::expect_invalid([&] { spec.validate(); });
    EXPECT_EQ(e.field(), field);
    EXPECT_FALSE(e.allowed().empty());
  };
  check([](CooperativeSpec& c) { c.count = -1; }, "cooperatives.count");
  check([](CooperativeSpec& c) { c.active_by_region.pop_back(); }, "cooperatives.active_by_region");
  check([](CooperativeSpec& c) { c.active_by_region[3] = -2; }, "cooperatives.active_by_region[3]");
  check([](CooperativeSpec& c) { c.count = 500; }, "cooperatives.active_by_region (sum)");
  check([](CooperativeSpec& c) { c.type_weights = {0, 0, 0, 0, 0}; }, "cooperatives.type_weights");
  check([](CooperativeSpec& c) { c.type_weights[1] = -1; }, "cooperatives.type_weights.consumer");
  check([](CooperativeSpec& c) { c.members = 100; }, "cooperatives.members");
  check([](CooperativeSpec& c) { c.own_capital_rp = -5; }, "cooperatives.own_capital_rp");
  check([](CooperativeSpec& c) { c.firm_member_share = 2; }, "cooperatives.firm_member_share");
  check([](CooperativeSpec& c) { c.rat_last_year = 600; }, "cooperatives.rat_last_year");
  check([](CooperativeSpec& c) { c.loan_share_of_funds[4] = 0.9; }, "cooperatives.loan_share_of_funds.savings_loan");
  check([](CooperativeSpec& c) { c.inactive_size_factor = 0; }, "cooperatives.inactive_size_factor");
}

TEST(Cooperatives, PopulationValidationRejectsMembershipOfMissingCooperatives) {
  auto pop = bogor(20000);
  pop.cooperative[5] = static_cast<std::int32_t>(pop.cooperatives.size());
  auto e = test::expect_invalid([&] { pop.validate(); });
  EXPECT_NE(e.field().find("cooperative"), std::string::npos);
  EXPECT_EQ(e.value(), std::to_string(pop.cooperatives.size()));
  pop.cooperative[5] = -1;
  const double deposits = pop.cooperatives.deposits_rp[0];
  pop.cooperatives.deposits_rp[0] = -1.0;
  e = test::expect_invalid([&] { pop.validate(); });
  EXPECT_EQ(e.field(), "cooperatives.deposits_rp of cooperative 0");
  pop.cooperatives.deposits_rp[0] = deposits + 1e9;  // now the books do not balance
  e = test::expect_invalid([&] { pop.validate(); });
  EXPECT_EQ(e.field(), "cooperatives.balance sheet of cooperative 0");
  pop.cooperatives.deposits_rp[0] = deposits;
  pop.cooperatives.type[1] = 9;
  e = test::expect_invalid([&] { pop.validate(); });
  EXPECT_EQ(e.field(), "cooperatives.type of cooperative 1");
}

}  // namespace
}  // namespace msmesim
