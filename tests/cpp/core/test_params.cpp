// The parameter tables and by-name access of FirmParams and PopulationSpec
// (params.hpp, population.hpp).
#include <gtest/gtest.h>

#include <msmesim/msmesim.hpp>

#include <cmath>
#include <limits>
#include <set>
#include <string>

#include "support.hpp"

namespace msmesim {
namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }


// ---- FirmParams ----------------------------------------------------------------------

TEST(FirmParams, DefaultsValidate) { EXPECT_NO_THROW(FirmParams{}.validate()); }

TEST(FirmParams, TableHasUniqueNamesAndEveryDefaultInsideItsRange) {
  const auto table = firm_param_table();
  ASSERT_FALSE(table.empty());
  std::set<std::string_view> names;
  const FirmParams defaults;
  for (const auto& row : table) {
    EXPECT_TRUE(names.insert(row.name).second) << "duplicate " << row.name;
    EXPECT_LE(row.min, row.max) << row.name;
    EXPECT_GE(row.default_value, row.min) << row.name;
    EXPECT_LE(row.default_value, row.max) << row.name;
    EXPECT_TRUE(std::isfinite(row.default_value)) << row.name;
    if (row.integer) {
      EXPECT_EQ(row.default_value, std::floor(row.default_value)) << row.name;
    }
    EXPECT_FALSE(row.unit.empty()) << row.name;
    EXPECT_FALSE(row.description.empty()) << row.name;
    EXPECT_FALSE(row.source.empty()) << row.name;
    EXPECT_EQ(defaults.get(row.name), row.default_value) << row.name;
  }
}

TEST(FirmParams, SetAndGetByName) {
  FirmParams p;
  p.set("closure_after_months", 6);
  EXPECT_EQ(p.closure_after_months, 6.0);
  EXPECT_EQ(p.get("closure_after_months"), 6.0);
  p.set("revenue_noise_sd", 0.0);
  EXPECT_EQ(p.revenue_noise_sd, 0.0);
  p.set("revenue_noise_sd", 2.0);  // inclusive maximum
  EXPECT_EQ(p.get("revenue_noise_sd"), 2.0);
}

TEST(FirmParams, SetRejectsNonIntegerValuesOfIntegerParameters) {
  FirmParams p;
  const auto e = test::expect_invalid([&] { p.set("closure_after_months", 2.5); });
  EXPECT_EQ(e.field(), "closure_after_months");
  EXPECT_EQ(e.value(), "2.5");
  EXPECT_TRUE(contains(e.what(), "2.5")) << e.what();
  EXPECT_TRUE(contains(e.what(), "[1, 120]")) << e.what();
  EXPECT_TRUE(contains(e.allowed(), "whole number")) << e.allowed();
  EXPECT_EQ(p.closure_after_months, FirmParams{}.closure_after_months) << "a rejected value must not be stored";
}

TEST(FirmParams, SetRejectsOutOfRangeValuesWithFieldValueAndRange) {
  FirmParams p;
  {
    const auto e = test::expect_invalid([&] { p.set("closure_after_months", 0); });
    EXPECT_EQ(e.field(), "closure_after_months");
    EXPECT_EQ(e.value(), "0");
    EXPECT_TRUE(contains(e.what(), "[1, 120]")) << e.what();
  }
  {
    const auto e = test::expect_invalid([&] { p.set("closure_after_months", 121); });
    EXPECT_TRUE(contains(e.what(), "121")) << e.what();
  }
  {
    const auto e = test::expect_invalid([&] { p.set("revenue_noise_sd", 3.5); });
    EXPECT_EQ(e.field(), "revenue_noise_sd");
    EXPECT_TRUE(contains(e.what(), "3.5")) << e.what();
    EXPECT_TRUE(contains(e.what(), "[0, 2]")) << e.what();
  }
  {
    const auto e = test::expect_invalid([&] { p.set("kur_approval", -0.1); });
    EXPECT_EQ(e.field(), "kur_approval");
    EXPECT_TRUE(contains(e.what(), "-0.1")) << e.what();
    EXPECT_TRUE(contains(e.what(), "[0, 1]")) << e.what();
  }
  {
    // Unbounded above: the message says so.
    const auto e = test::expect_invalid([&] { p.set("kur_ceiling_micro_rp", -1); });
    EXPECT_EQ(e.field(), "kur_ceiling_micro_rp");
    EXPECT_TRUE(contains(e.what(), ">= 0")) << e.what();
  }
  EXPECT_EQ(p.revenue_noise_sd, FirmParams{}.revenue_noise_sd);
  EXPECT_EQ(p.kur_approval, FirmParams{}.kur_approval);
}

TEST(FirmParams, SetRejectsNonFiniteValues) {
  FirmParams p;
  const auto nan = std::numeric_limits<double>::quiet_NaN();
  const auto inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(test::expect_invalid([&] { p.set("revenue_noise_sd", nan); }).value(), "nan");
  EXPECT_EQ(test::expect_invalid([&] { p.set("closure_after_months", nan); }).field(), "closure_after_months");
  EXPECT_EQ(test::expect_invalid([&] { p.set("kur_ceiling_micro_rp", inf); }).value(), "inf");
}

TEST(FirmParams, UnknownNameGivesADidYouMeanHint) {
  FirmParams p;
  const auto e = test::expect_invalid([&] { p.set("closure_after_month", 3); });
  EXPECT_EQ(e.value(), "'closure_after_month'");
  EXPECT_TRUE(contains(e.allowed(), "did you mean 'closure_after_months'")) << e.allowed();
  const auto g = test::expect_invalid([&] { (void)p.get("kur_aproval"); });
  EXPECT_TRUE(contains(g.allowed(), "did you mean 'kur_approval'")) << g.allowed();
  const auto far = test::expect_invalid([&] { (void)p.get("zzzzzzzzzzzzzzzzzzzzzzzzzzzz"); });
  EXPECT_FALSE(contains(far.allowed(), "did you mean")) << far.allowed();
}

TEST(FirmParams, ValidateNamesTheFirstParameterOutOfRange) {
  FirmParams p;
  p.hire_speed = 1.5;
  const auto e = test::expect_invalid([&] { p.validate(); });
  EXPECT_EQ(e.field(), "hire_speed");
  EXPECT_EQ(e.value(), "1.5");
  FirmParams q;
  q.kur_term_months = 12.5;
  EXPECT_EQ(test::expect_invalid([&] { q.validate(); }).field(), "kur_term_months");
}

TEST(ClosestName, SuggestsOnlyNearbyNames) {
  const std::string_view names[] = {"sales", "capital", "distribution", "raw_materials"};
  EXPECT_EQ(closest_name("salse", names), "sales");
  EXPECT_EQ(closest_name("raw_material", names), "raw_materials");
  EXPECT_EQ(closest_name("completely_different_thing", names), "");
}

// ---- PopulationSpec ---------------------------------------------------------------------

TEST(PopulationParams, TablesHaveUniqueNamesAndDefaultsInsideTheirRanges) {
  std::set<std::string_view> names;
  for (const auto& row : population_param_table()) {
    EXPECT_TRUE(names.insert(row.name).second) << row.name;
    EXPECT_GE(row.default_value, row.min) << row.name;
    EXPECT_LE(row.default_value, row.max) << row.name;
  }
  names.clear();
  for (const auto& row : class_param_table()) {
    EXPECT_TRUE(names.insert(row.name).second) << row.name;
    for (double d : class_param_defaults(row.name)) {
      EXPECT_GE(d, row.min) << row.name;
      EXPECT_LE(d, row.max) << row.name;
    }
  }
  names.clear();
  for (const auto& row : sector_param_table()) EXPECT_TRUE(names.insert(row.name).second) << row.name;
  EXPECT_EQ(class_param_defaults("revenue_mean_rp_year"), (std::array<double, 3>{76.1e6, 1.64e9, 29.7e9}));
  EXPECT_THROW(class_param_defaults("no_such_parameter"), InvalidArgument);
}

TEST(PopulationSpecByName, GetsClassPopulationAndSectorParameters) {
  const PopulationSpec spec = test::small_spec();
  EXPECT_EQ(spec.get("micro_revenue_mean_rp_year"), 76.1e6);
  EXPECT_EQ(spec.get("small_revenue_mean_rp_year"), 1.64e9);
  EXPECT_EQ(spec.get("medium_workers_mean"), 56.06);
  EXPECT_EQ(spec.get("registered_share"), 0.5586);
  EXPECT_EQ(spec.get("sector.trade.margin"), 0.12);
  EXPECT_EQ(spec.get("sector.clothing.online_sales_share"), 0.40);
}

TEST(PopulationSpecByName, SetWritesTheRightMember) {
  PopulationSpec spec = test::small_spec();
  spec.set("micro_revenue_mean_rp_year", 80e6);
  EXPECT_EQ(spec.classes[0].revenue_mean_rp_year, 80e6);
  EXPECT_EQ(spec.classes[1].revenue_mean_rp_year, 1.64e9);
  spec.set("registered_share", 0.7);
  EXPECT_EQ(spec.params.registered_share, 0.7);
  spec.set("sector.trade.margin", 0.15);
  EXPECT_EQ(spec.sectors[0].margin, 0.15);
  EXPECT_EQ(spec.sectors[1].margin, 0.20);
  spec.set("initial_kur_term_months", 12);
  EXPECT_EQ(spec.get("initial_kur_term_months"), 12.0);
}

TEST(PopulationSpecByName, SetRejectsOutOfRangeAndNonIntegerValues) {
  PopulationSpec spec = test::small_spec();
  {
    const auto e = test::expect_invalid([&] { spec.set("registered_share", 1.5); });
    EXPECT_EQ(e.field(), "registered_share");
    EXPECT_TRUE(contains(e.what(), "1.5")) << e.what();
    EXPECT_TRUE(contains(e.what(), "[0, 1]")) << e.what();
  }
  {
    const auto e = test::expect_invalid([&] { spec.set("micro_revenue_mean_rp_year", -5); });
    EXPECT_EQ(e.field(), "micro_revenue_mean_rp_year");
    EXPECT_TRUE(contains(e.what(), "-5")) << e.what();
  }
  {
    const auto e = test::expect_invalid([&] { spec.set("sector.trade.margin", 0.95); });
    EXPECT_EQ(e.field(), "sector.trade.margin");
    EXPECT_TRUE(contains(e.what(), "[0, 0.9]")) << e.what();
  }
  {
    const auto e = test::expect_invalid([&] { spec.set("initial_kur_term_months", 12.5); });
    EXPECT_EQ(e.field(), "initial_kur_term_months");
    EXPECT_TRUE(contains(e.allowed(), "whole number")) << e.allowed();
  }
  EXPECT_EQ(spec.params.registered_share, 0.5586);
  EXPECT_EQ(spec.sectors[0].margin, 0.12);
}

TEST(PopulationSpecByName, UnknownNamesGiveADidYouMeanHint) {
  PopulationSpec spec = test::small_spec();
  const auto e = test::expect_invalid([&] { spec.set("registred_share", 0.5); });
  EXPECT_EQ(e.value(), "'registred_share'");
  EXPECT_TRUE(contains(e.allowed(), "did you mean 'registered_share'")) << e.allowed();
  const auto s = test::expect_invalid([&] { (void)spec.get("sector.trad.margin"); });
  EXPECT_TRUE(contains(s.allowed(), "did you mean 'sector.trade.margin'")) << s.allowed();
  const auto c = test::expect_invalid([&] { (void)spec.get("micro_revenue_mean_rp_yer"); });
  EXPECT_TRUE(contains(c.allowed(), "did you mean 'micro_revenue_mean_rp_year'")) << c.allowed();
  EXPECT_THROW((void)spec.get("sector.mining.margin"), InvalidArgument);
}

TEST(PopulationSpecByName, EveryListedNameResolves) {
  const PopulationSpec spec = test::small_spec();
  const auto names = spec.parameter_names();
  EXPECT_EQ(names.size(), population_param_table().size() + 3 * class_param_table().size() +
                              spec.sectors.size() * sector_param_table().size());
  std::set<std::string> unique(names.begin(), names.end());
  EXPECT_EQ(unique.size(), names.size());
  for (const auto& n : names) EXPECT_NO_THROW((void)spec.get(n)) << n;
  EXPECT_TRUE(unique.count("micro_revenue_mean_rp_year"));
  EXPECT_TRUE(unique.count("sector.food.wage_rp_month"));
}

}  // namespace
}  // namespace msmesim
