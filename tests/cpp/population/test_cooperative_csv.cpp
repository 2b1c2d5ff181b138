// Reading cooperatives and memberships from CSV next to a firm file
// (cooperative_csv.cpp); the round trips are in test_csv.cpp.
#include <gtest/gtest.h>

#include <msmesim/msmesim.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include "support.hpp"

namespace msmesim {
namespace {

namespace fs = std::filesystem;

// Four firms in regions north and south; the last two name a cooperative.
const char* kFirms =
    "region,sector,workers,revenue_rp_month,assets_rp,cooperative\n"
    "north,trade,1,5000000,1e7,\n"
    "south,food,2,6000000,2e7,-1\n"
    "north,trade,1,5000000,1e7,100\n"
    "south,food,3,7000000,3e7,7\n";
const char* kCoopHeader =
    "cooperative_id,region,type,members,own_capital_rp,deposits_rp,borrowed_rp,cash_rp,loans_rp\n";
// Ids 100 and 7: indices 0 and 1 in file order. Other assets balance the sheet.
const char* kCoops =
    "100,north,savings_loan,25,300e6,150e6,50e6,80e6,350e6\n"
    "7,south,producer,40,1e8,0,0,1e7,0\n";

std::string write_file(const fs::path& dir, const std::string& name, const std::string& content) {
  const fs::path p = dir / name;
  std::ofstream out(p, std::ios::binary);
  out << content;
  return p.string();
}

// The ParseError loading the files throws (an empty memberships path: none).
ParseError load_error(const std::string& firms, const std::string& coops, const std::string& members = "") {
  try {
    (void)load_population_csv(firms, "", ClassRegime::law20_2008, coops, members);
  } catch (const ParseError& e) {
    return e;
  }
  ADD_FAILURE() << "load_population_csv accepted " << firms << " with " << coops;
  return ParseError("", 0, "", "", "");
}

bool mentions(const ParseError& e, const std::string& text) {
  return std::string(e.what()).find(text) != std::string::npos;
}

TEST(CooperativeCsv, IdsMapToIndicesInFileOrderAndOptionalColumnsTakeTheirDefaults) {
  const auto dir = test::test_temp_dir();
  const std::string firms = write_file(dir, "firms.csv", kFirms);
  const std::string coops = write_file(dir, "coops.csv", std::string(kCoopHeader) + kCoops);
  const Population pop = load_population_csv(firms, "", ClassRegime::law20_2008, coops);
  EXPECT_EQ(pop.cooperative, (std::vector<std::int32_t>{-1, -1, 0, 1}));
  const Cooperatives& co = pop.cooperatives;
  ASSERT_EQ(co.size(), 2u);
  EXPECT_EQ(pop.region_names[co.region[0]], "north");
  EXPECT_EQ(pop.region_names[co.region[1]], "south");
  EXPECT_EQ(co.type[0], static_cast<std::uint8_t>(CoopType::savings_loan));
  EXPECT_EQ(co.type[1], static_cast<std::uint8_t>(CoopType::producer));
  EXPECT_EQ(co.members[0], 25);
  // Other assets are the balancing item.
  EXPECT_EQ(co.other_assets_rp[0], 300e6 + 150e6 + 50e6 - 80e6 - 350e6);
  EXPECT_EQ(co.other_assets_rp[1], 1e8 - 1e7);
  EXPECT_EQ(co.balance_gap_rp(0), 0.0);
  // Documented defaults: no surplus, arrears, volume or SHU; active, with a
  // RAT last year; healthy only with a positive SHU (none here).
  EXPECT_EQ(co.surplus_rp[0], 0.0);
  EXPECT_EQ(co.arrears_rp[0], 0.0);
  EXPECT_EQ(co.business_volume_rp_year[0], 0.0);
  EXPECT_EQ(co.shu_rp_year[0], 0.0);
  EXPECT_EQ(co.active[0], 1);
  EXPECT_EQ(co.rat_history[0], 1);
  EXPECT_EQ(co.healthy[0], 0);
}

TEST(CooperativeCsv, ActivityAndHealthDefaultsFollowTheRatHistoryAndTheAccounts) {
  const auto dir = test::test_temp_dir();
  const std::string firms = write_file(dir, "firms.csv", kFirms);
  const std::string coops = write_file(dir, "coops.csv",
                                       "cooperative_id,region,type,members,own_capital_rp,cash_rp,shu_rp_year,"
                                       "rat_history,active,healthy,x_note\n"
                                       "100,north,consumer,20,1e6,1e5,5e4,4,,,\"RAT three years ago\"\n"
                                       "7,south,service,20,1e6,1e5,5e4,8,,,\"RAT four years ago\"\n"
                                       "8,south,marketing,20,1e6,1e5,5e4,,0,,inactive\n"
                                       "9,south,marketing,20,1e6,1e5,5e4,1,,no,\n");
  const Population pop = load_population_csv(firms, "", ClassRegime::law20_2008, coops);
  const Cooperatives& co = pop.cooperatives;
  ASSERT_EQ(co.size(), 4u);
  EXPECT_EQ(co.active[0], 1) << "a RAT within the last three book years";
  EXPECT_EQ(co.healthy[0], 1) << "active, positive own capital, SHU and cash";
  EXPECT_EQ(co.active[1], 0) << "no RAT within the last three book years";
  EXPECT_EQ(co.healthy[1], 0);
  EXPECT_EQ(co.active[2], 0);
  EXPECT_EQ(co.rat_history[2], 0) << "an inactive cooperative without a history held no RAT";
  EXPECT_EQ(co.active[3], 1);
  EXPECT_EQ(co.healthy[3], 0) << "given";
}

TEST(CooperativeCsv, MembershipsFileGivesTheMemberships) {
  const auto dir = test::test_temp_dir();
  // The firm file has no cooperative column; the memberships file has an
  // unused x_ column and lists firms in any order.
  const std::string firms = write_file(dir, "firms.csv",
                                       "region,sector,workers,revenue_rp_month,assets_rp\n"
                                       "north,trade,1,5000000,1e7\nsouth,food,2,6000000,2e7\n"
                                       "north,trade,1,5000000,1e7\nsouth,food,3,7000000,3e7\n");
  const std::string coops = write_file(dir, "coops.csv", std::string(kCoopHeader) + kCoops);
  const std::string members = write_file(dir, "members.csv", "firm,x_since,cooperative_id\n3,2019,100\n0,2020,7\n");
  const Population pop = load_population_csv(firms, "", ClassRegime::law20_2008, coops, members);
  EXPECT_EQ(pop.cooperative, (std::vector<std::int32_t>{1, -1, -1, 0}));
  // A firm file whose ids repeat the memberships file is accepted too.
  const std::string agree =
      write_file(dir, "agree.csv", std::string(kFirms) + "north,trade,1,5000000,1e7,100\n");
  const std::string members2 = write_file(dir, "members2.csv", "firm,cooperative_id\n2,100\n3,7\n4,100\n");
  const Population pop2 = load_population_csv(agree, "", ClassRegime::law20_2008, coops, members2);
  EXPECT_EQ(pop2.cooperative, (std::vector<std::int32_t>{-1, -1, 0, 1, 0}));
  // Saved memberships use the cooperative's index as its id.
  const std::string saved = (dir / "saved.csv").string();
  save_memberships_csv(pop2, saved);
  std::ifstream in(saved);
  EXPECT_EQ(std::string((std::istreambuf_iterator<char>(in)), {}), "firm,cooperative_id\n2,0\n3,1\n4,0\n");
}

TEST(CooperativeCsv, ThreeArgumentLoaderRefusesCooperativeIds) {
  const auto dir = test::test_temp_dir();
  const std::string firms = write_file(dir, "firms.csv", kFirms);
  try {
    (void)load_population_csv(firms);
    ADD_FAILURE() << "cooperative ids were accepted without a cooperatives file";
  } catch (const ParseError& e) {
    EXPECT_EQ(e.file(), firms);
    EXPECT_EQ(e.line(), 4);
    EXPECT_EQ(e.column(), "cooperative");
    EXPECT_EQ(e.value(), "100");
    EXPECT_NE(e.allowed().find("-1 or empty without a cooperatives file"), std::string::npos) << e.allowed();
  }
  // Files without ids (-1 or empty) still load.
  const std::string none = write_file(dir, "none.csv",
                                      "region,sector,workers,revenue_rp_month,assets_rp,cooperative\n"
                                      "north,trade,1,5000000,1e7,\nsouth,food,2,6000000,2e7,-1\n");
  const Population pop = load_population_csv(none);
  EXPECT_EQ(pop.cooperative, (std::vector<std::int32_t>{-1, -1}));
  EXPECT_TRUE(pop.cooperatives.empty());
}

TEST(CooperativeCsvErrors, MemberOfAnUndefinedCooperative) {
  const auto dir = test::test_temp_dir();
  const std::string firms = write_file(dir, "firms.csv", std::string(kFirms) + "north,trade,1,5000000,1e7,99\n");
  const std::string coops = write_file(dir, "coops.csv", std::string(kCoopHeader) + kCoops);
  const ParseError e = load_error(firms, coops);
  EXPECT_EQ(e.file(), firms);
  EXPECT_EQ(e.line(), 6);
  EXPECT_EQ(e.column(), "cooperative");
  EXPECT_EQ(e.value(), "99");
  EXPECT_TRUE(mentions(e, firms + ":6: column 'cooperative': got '99'")) << e.what();
  EXPECT_NE(e.allowed().find(coops), std::string::npos) << e.allowed();
}

TEST(CooperativeCsvErrors, NegativeDeposits) {
  const auto dir = test::test_temp_dir();
  const std::string firms = write_file(dir, "firms.csv", kFirms);
  const std::string coops = write_file(dir, "coops.csv",
                                       std::string(kCoopHeader) + kCoops + "8,north,consumer,20,1e6,-5,0,0,0\n");
  const ParseError e = load_error(firms, coops);
  EXPECT_EQ(e.file(), coops);
  EXPECT_EQ(e.line(), 4);
  EXPECT_EQ(e.column(), "deposits_rp");
  EXPECT_EQ(e.value(), "-5");
  EXPECT_TRUE(mentions(e, "column 'deposits_rp': got '-5'; allowed: a number >= 0 (Rp)")) << e.what();
}

TEST(CooperativeCsvErrors, UnknownType) {
  const auto dir = test::test_temp_dir();
  const std::string firms = write_file(dir, "firms.csv", kFirms);
  const std::string coops =
      write_file(dir, "coops.csv", std::string(kCoopHeader) + "100,north,credit_union,25,1e6,0,0,0,0\n");
  const ParseError e = load_error(firms, coops);
  EXPECT_EQ(e.line(), 2);
  EXPECT_EQ(e.column(), "type");
  EXPECT_EQ(e.value(), "credit_union");
  for (const char* t : {"producer", "consumer", "marketing", "service", "savings_loan"})
    EXPECT_NE(e.allowed().find(t), std::string::npos) << e.allowed();
}

TEST(CooperativeCsvErrors, UnknownRegionNamesTheKnownOnes) {
  const auto dir = test::test_temp_dir();
  const std::string firms = write_file(dir, "firms.csv", kFirms);
  const std::string coops =
      write_file(dir, "coops.csv", std::string(kCoopHeader) + "100,nort,consumer,25,1e6,0,0,0,0\n");
  const ParseError e = load_error(firms, coops);
  EXPECT_EQ(e.file(), coops);
  EXPECT_EQ(e.line(), 2);
  EXPECT_EQ(e.column(), "region");
  EXPECT_EQ(e.value(), "nort");
  EXPECT_NE(e.allowed().find("north"), std::string::npos) << e.allowed();
  EXPECT_NE(e.allowed().find("south"), std::string::npos) << e.allowed();
  EXPECT_NE(e.allowed().find("did you mean 'north'"), std::string::npos) << e.allowed();
}

TEST(CooperativeCsvErrors, DuplicateCooperativeId) {
  const auto dir = test::test_temp_dir();
  const std::string firms = write_file(dir, "firms.csv", kFirms);
  const std::string coops =
      write_file(dir, "coops.csv", std::string(kCoopHeader) + kCoops + "100,south,consumer,25,1e6,0,0,0,0\n");
  const ParseError e = load_error(firms, coops);
  EXPECT_EQ(e.line(), 4);
  EXPECT_EQ(e.column(), "cooperative_id");
  EXPECT_EQ(e.value(), "100");
  EXPECT_NE(e.allowed().find("already used on line 2"), std::string::npos) << e.allowed();
}

TEST(CooperativeCsvErrors, UnbalancedBalanceSheet) {
  const auto dir = test::test_temp_dir();
  const std::string firms = write_file(dir, "firms.csv", kFirms);
  const std::string coops = write_file(dir, "coops.csv",
                                       "cooperative_id,region,type,members,own_capital_rp,deposits_rp,cash_rp,"
                                       "loans_rp,other_assets_rp\n"
                                       "100,north,consumer,25,1e6,5e5,2e5,3e5,5e5\n"
                                       "7,south,consumer,25,1e6,5e5,2e5,3e5,1e6\n");
  const ParseError e = load_error(firms, coops);
  EXPECT_EQ(e.file(), coops);
  EXPECT_EQ(e.line(), 2);
  EXPECT_EQ(e.column(), "(balance sheet)");
  EXPECT_NE(e.value().find("cooperative_id 100"), std::string::npos) << e.value();
  EXPECT_NE(e.value().find("-5e+05"), std::string::npos) << e.value();
  EXPECT_NE(e.allowed().find("other_assets_rp"), std::string::npos) << e.allowed();
}

TEST(CooperativeCsvErrors, NegativeBalancingItem) {
  const auto dir = test::test_temp_dir();
  const std::string firms = write_file(dir, "firms.csv", kFirms);
  const std::string coops =
      write_file(dir, "coops.csv", std::string(kCoopHeader) + "100,north,consumer,25,1e6,0,0,2e6,0\n");
  const ParseError e = load_error(firms, coops);
  EXPECT_EQ(e.line(), 2);
  EXPECT_EQ(e.column(), "other_assets_rp");
  EXPECT_NE(e.allowed().find("-1e+06"), std::string::npos) << e.allowed();
}

TEST(CooperativeCsvErrors, ArrearsAboveLoansAndBadRatHistory) {
  const auto dir = test::test_temp_dir();
  const std::string firms = write_file(dir, "firms.csv", kFirms);
  ParseError e = load_error(firms, write_file(dir, "a.csv",
                                              "cooperative_id,region,type,members,own_capital_rp,loans_rp,arrears_rp\n"
                                              "1,north,consumer,25,1e6,1e5,2e5\n"));
  EXPECT_EQ(e.column(), "arrears_rp");
  EXPECT_EQ(e.value(), "2e5");
  e = load_error(firms, write_file(dir, "b.csv",
                                   "cooperative_id,region,type,members,own_capital_rp,rat_history\n"
                                   "1,north,consumer,25,1e6,256\n"));
  EXPECT_EQ(e.column(), "rat_history");
  EXPECT_EQ(e.value(), "256");
  e = load_error(firms, write_file(dir, "c.csv",
                                   "cooperative_id,region,type,members,own_capital_rp\n"
                                   "1,north,consumer,-3,1e6\n"));
  EXPECT_EQ(e.column(), "members");
  EXPECT_EQ(e.value(), "-3");
}

TEST(CooperativeCsvErrors, UnknownAndMissingColumns) {
  const auto dir = test::test_temp_dir();
  const std::string firms = write_file(dir, "firms.csv", kFirms);
  ParseError e = load_error(firms, write_file(dir, "a.csv",
                                              "cooperative_id,region,type,members,own_capital_rp,deposit_rp\n"
                                              "1,north,consumer,25,1e6,0\n"));
  EXPECT_EQ(e.line(), 1);
  EXPECT_EQ(e.column(), "deposit_rp");
  EXPECT_NE(e.allowed().find("did you mean 'deposits_rp'"), std::string::npos) << e.allowed();
  e = load_error(firms, write_file(dir, "b.csv", "cooperative_id,region,type,own_capital_rp\n1,north,consumer,1e6\n"));
  EXPECT_EQ(e.column(), "members");
  EXPECT_EQ(e.value(), "(missing)");
}

TEST(CooperativeCsvErrors, FirmListedTwiceInMemberships) {
  const auto dir = test::test_temp_dir();
  const std::string firms = write_file(dir, "firms.csv", kFirms);
  const std::string coops = write_file(dir, "coops.csv", std::string(kCoopHeader) + kCoops);
  const std::string members =
      write_file(dir, "members.csv", "firm,cooperative_id\n2,100\n3,7\n2,7\n");
  const ParseError e = load_error(firms, coops, members);
  EXPECT_EQ(e.file(), members);
  EXPECT_EQ(e.line(), 4);
  EXPECT_EQ(e.column(), "firm");
  EXPECT_EQ(e.value(), "2");
  EXPECT_NE(e.allowed().find("already listed on line 2"), std::string::npos) << e.allowed();
}

TEST(CooperativeCsvErrors, MembershipOfAMissingFirmOrCooperative) {
  const auto dir = test::test_temp_dir();
  const std::string firms = write_file(dir, "firms.csv", kFirms);
  const std::string coops = write_file(dir, "coops.csv", std::string(kCoopHeader) + kCoops);
  ParseError e = load_error(firms, coops, write_file(dir, "a.csv", "firm,cooperative_id\n4,100\n"));
  EXPECT_EQ(e.line(), 2);
  EXPECT_EQ(e.column(), "firm");
  EXPECT_EQ(e.value(), "4");
  EXPECT_NE(e.allowed().find("from 0 to 3"), std::string::npos) << e.allowed();
  e = load_error(firms, coops, write_file(dir, "b.csv", "firm,cooperative_id\n2,100\n3,8\n"));
  EXPECT_EQ(e.line(), 3);
  EXPECT_EQ(e.column(), "cooperative_id");
  EXPECT_EQ(e.value(), "8");
  EXPECT_NE(e.allowed().find(coops), std::string::npos) << e.allowed();
}

TEST(CooperativeCsvErrors, FirmFileContradictingTheMembershipsFile) {
  const auto dir = test::test_temp_dir();
  const std::string firms = write_file(dir, "firms.csv", kFirms);
  const std::string coops = write_file(dir, "coops.csv", std::string(kCoopHeader) + kCoops);
  // The firm file puts firm 3 (line 5) in cooperative 7; the memberships file in 100.
  const ParseError e = load_error(firms, coops, write_file(dir, "m.csv", "firm,cooperative_id\n2,100\n3,100\n"));
  EXPECT_EQ(e.file(), firms);
  EXPECT_EQ(e.line(), 5);
  EXPECT_EQ(e.column(), "cooperative");
  EXPECT_EQ(e.value(), "7");
  EXPECT_NE(e.allowed().find("cooperative_id 100"), std::string::npos) << e.allowed();
}

TEST(CooperativeCsvErrors, MissingCooperativesFileIsAnIoError) {
  const auto dir = test::test_temp_dir();
  const std::string firms = write_file(dir, "firms.csv", kFirms);
  EXPECT_THROW((void)load_population_csv(firms, "", ClassRegime::law20_2008, (dir / "nope.csv").string()), IoError);
}

}  // namespace
}  // namespace msmesim
