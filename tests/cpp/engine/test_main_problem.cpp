// A firm's main problem is the shock channel that cost it most in the month
// (src/engine/firm_month.cpp). Shocks here hit every firm with a fixed severity.
#include <gtest/gtest.h>

#include <msmesim/msmesim.hpp>

#include <ostream>
#include <string>
#include <vector>

#include "support.hpp"

namespace msmesim {
namespace {

std::string problem_column(Channel c) { return "main_problem_" + std::string(to_string(c)); }

const Population& mixed_population() {
  static const Population pop = generate_population(test::small_spec(3000), 31);
  return pop;
}

// Nobody sells online: a distribution shock then always costs lost sales.
const Population& offline_population() {
  static const Population pop = [] {
    PopulationSpec spec = test::small_spec(3000);
    for (auto& s : spec.sectors) s.online_seller_share = 0.0;
    return generate_population(spec, 32);
  }();
  return pop;
}

constexpr int kOnset = 3;  // April 2020 with the run starting in January

class SingleChannel : public ::testing::TestWithParam<Channel> {};

TEST_P(SingleChannel, AffectedFirmsMainProblemIsTheShockedChannel) {
  const Channel ch = GetParam();
  Scenario sc = test::quiet_scenario(14);
  sc.params.revenue_noise_sd = 0.1;
  sc.params.growth_sd_year = 0.07;
  sc.shocks.push_back(test::fixed_shock(ch, 0.3, sc.start.plus(kOnset), {0, 6, 3.0, {}}));
  const RunResult r = run(mixed_population(), sc);
  const auto affected = r.monthly.numbers("affected_firms");
  const auto active = r.monthly.numbers("active_firms");
  const auto own = r.monthly.numbers(problem_column(ch));
  for (int m = 0; m < r.months; ++m) {
    const auto k = static_cast<std::size_t>(m);
    for (Channel other : kAllChannels) {
      const auto v = r.monthly.numbers(problem_column(other));
      if (m < kOnset || other != ch) {
        EXPECT_EQ(v[k], 0.0) << problem_column(other) << ", month " << m;
      }
    }
    if (m < kOnset) {
      EXPECT_EQ(affected[k], 0.0) << "month " << m;
    } else {
      EXPECT_GT(affected[k], 0.0) << "month " << m;
      EXPECT_EQ(own[k], affected[k]) << "month " << m;
    }
    // On the plateau (incidence 1) every open firm is affected.
    if (m >= kOnset && m < kOnset + 6) {
      EXPECT_GE(affected[k], active[k]) << "month " << m;
    }
  }
  // The same holds in every group of every breakdown.
  for (const Table* t : {&r.by_sector, &r.by_class, &r.by_region}) {
    const auto month = t->numbers("month");
    const auto a = t->numbers("affected_firms");
    const auto o = t->numbers(problem_column(ch));
    for (std::size_t row = 0; row < t->rows(); ++row) {
      EXPECT_EQ(o[row], a[row]) << "row " << row;
      if (month[row] < kOnset) {
        EXPECT_EQ(a[row], 0.0) << "row " << row;
      }
    }
  }
  // Every firm's latest main problem is the channel (or none if it closed
  // before the onset).
  std::size_t with_channel = 0;
  for (std::size_t i = 0; i < r.firms.rows(); ++i) {
    const std::string p = test::text_at(r.firms, "last_main_problem", i);
    EXPECT_TRUE(p.empty() || p == to_string(ch)) << "firm " << i << ": " << p;
    with_channel += p == to_string(ch) ? 1 : 0;
  }
  EXPECT_GT(with_channel, r.firms.rows() * 9 / 10);
}

INSTANTIATE_TEST_SUITE_P(Engine, SingleChannel,
                         ::testing::Values(Channel::sales, Channel::capital, Channel::distribution,
                                           Channel::raw_materials),
                         [](const ::testing::TestParamInfo<Channel>& p) { return std::string(to_string(p.param)); });

struct ChannelPair {
  Channel strong, weak;
  bool offline_only;
};

void PrintTo(const ChannelPair& p, std::ostream* os) {
  *os << to_string(p.strong) << " over " << to_string(p.weak) << (p.offline_only ? " (offline firms)" : "");
}

// Severities 0.6 against 0.02 separate the channels by a wide margin for any
// firm with a realistic cost structure. (A raw-material shock costs a firm
// its variable-cost share v times the price rise, so 0.6 beats 0.02 on sales
// whenever v > 0.07; the sector means here are 0.55-0.70.)
class OverlappingShocks : public ::testing::TestWithParam<ChannelPair> {};

TEST_P(OverlappingShocks, StrongerChannelDominatesWhileBothAreActive) {
  const ChannelPair cp = GetParam();
  const Population& pop = cp.offline_only ? offline_population() : mixed_population();
  Scenario sc = test::quiet_scenario(10);
  sc.params.revenue_noise_sd = 0.1;
  // The weak shock starts two months before the strong one and both last.
  sc.shocks.push_back(test::fixed_shock(cp.weak, 0.02, sc.start.plus(1), {0, 24, 6.0, {}}, "weak"));
  sc.shocks.push_back(test::fixed_shock(cp.strong, 0.6, sc.start.plus(kOnset), {0, 24, 6.0, {}}, "strong"));
  const RunResult r = run(pop, sc);
  const auto affected = r.monthly.numbers("affected_firms");
  const auto strong = r.monthly.numbers(problem_column(cp.strong));
  const auto weak = r.monthly.numbers(problem_column(cp.weak));
  EXPECT_EQ(affected[0], 0.0);
  for (int m = 1; m < r.months; ++m) {
    const auto k = static_cast<std::size_t>(m);
    ASSERT_GT(affected[k], 0.0) << "month " << m;
    if (m < kOnset) {
      // Alone, even a weak shock is the main problem.
      EXPECT_EQ(weak[k], affected[k]) << "month " << m;
      EXPECT_EQ(strong[k], 0.0) << "month " << m;
    } else {
      EXPECT_EQ(strong[k], affected[k]) << "month " << m;
      EXPECT_EQ(weak[k], 0.0) << "month " << m;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Engine, OverlappingShocks,
    ::testing::Values(ChannelPair{Channel::sales, Channel::distribution, false},
                      ChannelPair{Channel::sales, Channel::raw_materials, false},
                      ChannelPair{Channel::distribution, Channel::sales, true},
                      ChannelPair{Channel::capital, Channel::sales, false},
                      ChannelPair{Channel::raw_materials, Channel::sales, false},
                      ChannelPair{Channel::raw_materials, Channel::distribution, true}),
    [](const ::testing::TestParamInfo<ChannelPair>& p) {
      return std::string(to_string(p.param.strong)) + "_over_" + std::string(to_string(p.param.weak));
    });

TEST(MainProblem, NoShockMeansNoAffectedFirms) {
  const RunResult r = run(mixed_population(), test::quiet_scenario(6));
  for (double a : r.monthly.numbers("affected_firms")) EXPECT_EQ(a, 0.0);
  for (Channel ch : kAllChannels)
    for (double v : r.monthly.numbers("main_problem_share_" + std::string(to_string(ch)))) EXPECT_EQ(v, 0.0);
}

TEST(MainProblem, SharesAreMainProblemCountsOverAffectedFirms) {
  const Population pop = generate_population(presets::bogor_population_spec(3000), 4);
  const RunResult r = run(pop, presets::bogor_covid19_scenario(18));
  const auto affected = r.monthly.numbers("affected_firms");
  for (std::size_t m = 0; m < affected.size(); ++m) {
    double counted = 0, share_sum = 0;
    for (Channel ch : kAllChannels) {
      const double n = r.monthly.numbers(problem_column(ch))[m];
      const double share = r.monthly.numbers("main_problem_share_" + std::string(to_string(ch)))[m];
      counted += n;
      share_sum += share;
      if (affected[m] > 0) {
        EXPECT_DOUBLE_EQ(share, n / affected[m]);
      }
    }
    EXPECT_EQ(counted, affected[m]) << "month " << m;
    if (affected[m] > 0) {
      EXPECT_NEAR(share_sum, 1.0, 1e-12);
    }
  }
}

}  // namespace
}  // namespace msmesim
