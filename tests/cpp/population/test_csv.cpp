// Reading and writing firm registries as CSV (population_csv.cpp).
#include <gtest/gtest.h>

#include <msmesim/msmesim.hpp>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "support.hpp"

namespace msmesim {
namespace {

namespace fs = std::filesystem;

const char* kHeader = "region,sector,workers,revenue_rp_month,assets_rp\n";

std::string write_file(const fs::path& dir, const std::string& name, const std::string& content) {
  const fs::path p = dir / name;
  std::ofstream out(p, std::ios::binary);
  out << content;
  return p.string();
}

ParseError parse_error(const std::string& path) {
  try {
    (void)load_population_csv(path);
  } catch (const ParseError& e) {
    return e;
  }
  ADD_FAILURE() << "load_population_csv accepted " << path;
  return ParseError("", 0, "", "", "");
}

// Every attribute of `b` equals that of `a`; regions and sectors are compared
// by name because a loaded file numbers them in order of first appearance.
void expect_same_firms(const Population& a, const Population& b) {
  ASSERT_EQ(a.size(), b.size());
  std::size_t bad = 0;
  for (std::size_t i = 0; i < a.size() && bad < 5; ++i) {
    const bool same =
        a.region_names[a.region[i]] == b.region_names[b.region[i]] &&
        a.sector_names[a.sector[i]] == b.sector_names[b.sector[i]] && a.size_class[i] == b.size_class[i] &&
        a.workers[i] == b.workers[i] && a.revenue_rp_month[i] == b.revenue_rp_month[i] &&
        a.assets_rp[i] == b.assets_rp[i] && a.variable_cost_share[i] == b.variable_cost_share[i] &&
        a.fixed_cost_rp_month[i] == b.fixed_cost_rp_month[i] && a.wage_rp_month[i] == b.wage_rp_month[i] &&
        a.online_share[i] == b.online_share[i] && a.owner_capability[i] == b.owner_capability[i] &&
        a.registered[i] == b.registered[i] && a.ever_kur[i] == b.ever_kur[i] && a.cash_rp[i] == b.cash_rp[i] &&
        a.loan_principal_rp[i] == b.loan_principal_rp[i] && a.loan_rate_year[i] == b.loan_rate_year[i] &&
        a.loan_months_left[i] == b.loan_months_left[i] && a.loan_lender[i] == b.loan_lender[i] &&
        a.cooperative[i] == b.cooperative[i];
    if (!same) {
      ++bad;
      ADD_FAILURE() << "firm " << i << " did not round-trip";
    }
  }
  EXPECT_EQ(std::set<std::string>(a.region_names.begin(), a.region_names.end()),
            std::set<std::string>(b.region_names.begin(), b.region_names.end()));
  EXPECT_EQ(std::set<std::string>(a.sector_names.begin(), a.sector_names.end()),
            std::set<std::string>(b.sector_names.begin(), b.sector_names.end()));
}

TEST(PopulationCsv, GeneratedPopulationRoundTripsEveryAttributeExactly) {
  const auto dir = test::test_temp_dir();
  const Population pop = generate_population(presets::bogor_population_spec(3000), 8);
  const std::string path = (dir / "firms.csv").string();
  save_population_csv(pop, path);
  EXPECT_FALSE(fs::exists(path + ".tmp")) << "the temporary file is renamed into place";
  const Population back = load_population_csv(path, "registry");
  EXPECT_EQ(back.name, "registry");
  EXPECT_EQ(back.regime, ClassRegime::law20_2008);
  EXPECT_NO_THROW(back.validate());
  expect_same_firms(pop, back);
  // Saving what was loaded gives the same file again.
  const std::string again = (dir / "again.csv").string();
  save_population_csv(back, again);
  std::ifstream f1(path), f2(again);
  const std::string s1((std::istreambuf_iterator<char>(f1)), {}), s2((std::istreambuf_iterator<char>(f2)), {});
  EXPECT_EQ(s1, s2);
}

TEST(PopulationCsv, HandBuiltPopulationWithAwkwardNamesLoansAndCooperativesRoundTrips) {
  const auto dir = test::test_temp_dir();
  std::vector<test::FirmInit> firms(5);
  firms[0].loan_principal_rp = 12'345'678.9;
  firms[0].loan_rate_year = 0.07f;
  firms[0].loan_months_left = 17;
  firms[0].loan_lender = Lender::kur;
  firms[0].ever_kur = 1;
  firms[1].region = 1;
  firms[1].sector = 1;
  firms[1].cooperative = 12;
  firms[1].loan_principal_rp = 1e6;
  firms[1].loan_rate_year = 0.18f;
  firms[1].loan_months_left = 3;
  firms[1].loan_lender = Lender::cooperative;
  firms[2].region = 2;
  firms[2].workers = 25;
  firms[2].revenue_rp_month = 1.0 / 3.0 * 1e9;
  firms[2].online_share = 0.123456f;
  firms[2].owner_capability = 0.9f;
  firms[2].registered = 0;
  firms[3].loan_principal_rp = 5e5;
  firms[3].loan_rate_year = 0.3f;
  firms[3].loan_months_left = 1;
  firms[3].loan_lender = Lender::informal;
  firms[4].cash_rp = 0.0;
  firms[4].variable_cost_share = 0.0f;
  firms[4].fixed_cost_rp_month = 0.0;
  const Population pop = test::make_population({"Kota \"Baru\", Bogor", "two\nlines", "plain"},
                                               {"trade", "food, and drink"}, firms);
  const std::string path = (dir / "awkward.csv").string();
  save_population_csv(pop, path);
  const Population back = load_population_csv(path);
  EXPECT_EQ(back.name, path) << "without a name the path names the population";
  expect_same_firms(pop, back);
  EXPECT_EQ(back.region_names, pop.region_names);
}

TEST(PopulationCsv, RoundTripKeepsTheRegimeOfTheSizeClassesWhenTheReaderIsTold) {
  // Population::regime is "the regime of size_class". A CSV file carries no
  // regime, so the reader is told which one its size_class column follows;
  // a PP 7/2021 population read back that way keeps consistent classes.
  const auto dir = test::test_temp_dir();
  const PopulationSpec spec = test::pp7_spec(300);
  const Population pop = generate_population(spec, 3);
  const std::string path = (dir / "pp7.csv").string();
  save_population_csv(pop, path);
  const Population back = load_population_csv(path, "", ClassRegime::pp7_2021);
  expect_same_firms(pop, back);
  std::size_t inconsistent = 0;
  for (std::size_t i = 0; i < back.size(); ++i)
    if (classify(back.regime, ClassCriterion::higher_of, back.assets_rp[i], 12.0 * back.revenue_rp_month[i],
                 back.workers[i]) != static_cast<SizeClass>(back.size_class[i]))
      ++inconsistent;
  EXPECT_EQ(back.regime, ClassRegime::pp7_2021);
  EXPECT_EQ(inconsistent, 0u) << "size classes that do not match the loaded population's regime ("
                              << to_string(back.regime) << ")";
}

TEST(PopulationCsv, OptionalColumnsTakeTheirDocumentedDefaults) {
  const auto dir = test::test_temp_dir();
  const std::string path =
      write_file(dir, "minimal.csv", std::string(kHeader) + "a,trade,3,10000000,20000000\nb,food,1,30000000,1e9\n");
  const Population pop = load_population_csv(path);
  ASSERT_EQ(pop.size(), 2u);
  EXPECT_EQ(pop.region_names, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(pop.variable_cost_share[0], 0.6f);
  EXPECT_EQ(pop.fixed_cost_rp_month[0], 1e6);
  EXPECT_EQ(pop.wage_rp_month[0], 1.5e6);
  EXPECT_EQ(pop.registered[0], 1);
  EXPECT_EQ(pop.ever_kur[0], 0);
  EXPECT_EQ(pop.cooperative[0], -1);
  EXPECT_EQ(pop.loan_principal_rp[0], 0.0);
  EXPECT_EQ(pop.cash_rp[0], 0.6 * 10e6 + 2 * 1.5e6 + 1e6);  // a month of outflows
  // Without a size_class column the class follows Law 20/2008 (higher of).
  EXPECT_EQ(pop.size_class[0], static_cast<std::uint8_t>(SizeClass::micro));
  EXPECT_EQ(pop.size_class[1], static_cast<std::uint8_t>(SizeClass::medium));
}

TEST(PopulationCsv, AcceptsBomCrlfAndIgnoresXPrefixedColumns) {
  const auto dir = test::test_temp_dir();
  const std::string path = write_file(dir, "crlf.csv",
                                      "\xEF\xBB\xBFregion,x_note,sector,workers,revenue_rp_month,assets_rp,registered\r\n"
                                      "a,\"anything, really\",trade,1,5000000,1000000,no\r\n"
                                      "b,,food,2,6000000,2000000,YES\r\n");
  const Population pop = load_population_csv(path);
  ASSERT_EQ(pop.size(), 2u);
  EXPECT_EQ(pop.region_names, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(pop.sector_names, (std::vector<std::string>{"trade", "food"}));
  EXPECT_EQ(pop.registered[0], 0);
  EXPECT_EQ(pop.registered[1], 1);
  EXPECT_EQ(pop.workers[1], 2);
}

TEST(PopulationCsvErrors, NonNumericWorkers) {
  const auto dir = test::test_temp_dir();
  const std::string path =
      write_file(dir, "f.csv", std::string(kHeader) + "a,trade,2,5000000,1e7\na,trade,two,5000000,1e7\n");
  const ParseError e = parse_error(path);
  EXPECT_EQ(e.file(), path);
  EXPECT_EQ(e.line(), 3);
  EXPECT_EQ(e.column(), "workers");
  EXPECT_EQ(e.value(), "two");
  EXPECT_NE(std::string(e.what()).find(path + ":3"), std::string::npos) << e.what();
}

TEST(PopulationCsvErrors, FractionalOrZeroWorkers) {
  const auto dir = test::test_temp_dir();
  ParseError e = parse_error(write_file(dir, "f.csv", std::string(kHeader) + "a,trade,1.5,5000000,1e7\n"));
  EXPECT_EQ(e.column(), "workers");
  EXPECT_EQ(e.value(), "1.5");
  e = parse_error(write_file(dir, "g.csv", std::string(kHeader) + "a,trade,0,5000000,1e7\n"));
  EXPECT_EQ(e.column(), "workers");
  EXPECT_EQ(e.value(), "0");
}

TEST(PopulationCsvErrors, NegativeRevenue) {
  const auto dir = test::test_temp_dir();
  const std::string path = write_file(dir, "f.csv", std::string(kHeader) + "a,trade,1,-5,1e7\n");
  const ParseError e = parse_error(path);
  EXPECT_EQ(e.file(), path);
  EXPECT_EQ(e.line(), 2);
  EXPECT_EQ(e.column(), "revenue_rp_month");
  EXPECT_EQ(e.value(), "-5");
}

TEST(PopulationCsvErrors, UnknownColumnWithDidYouMean) {
  const auto dir = test::test_temp_dir();
  const std::string path =
      write_file(dir, "f.csv", "region,sector,workers,revenue_rp_mnth,assets_rp\na,trade,1,5000000,1e7\n");
  const ParseError e = parse_error(path);
  EXPECT_EQ(e.line(), 1);
  EXPECT_EQ(e.column(), "revenue_rp_mnth");
  EXPECT_EQ(e.value(), "revenue_rp_mnth");
  EXPECT_NE(e.allowed().find("did you mean 'revenue_rp_month'"), std::string::npos) << e.allowed();
}

TEST(PopulationCsvErrors, MissingRequiredColumn) {
  const auto dir = test::test_temp_dir();
  const std::string path = write_file(dir, "f.csv", "region,sector,workers,revenue_rp_month\na,trade,1,5000000\n");
  const ParseError e = parse_error(path);
  EXPECT_EQ(e.line(), 1);
  EXPECT_EQ(e.column(), "assets_rp");
  EXPECT_EQ(e.value(), "(missing)");
}

TEST(PopulationCsvErrors, DuplicateColumn) {
  const auto dir = test::test_temp_dir();
  const ParseError e = parse_error(
      write_file(dir, "f.csv", "region,sector,workers,revenue_rp_month,assets_rp,workers\na,t,1,5,1,1\n"));
  EXPECT_EQ(e.line(), 1);
  EXPECT_EQ(e.column(), "workers");
}

TEST(PopulationCsvErrors, WrongFieldCount) {
  const auto dir = test::test_temp_dir();
  const std::string path = write_file(
      dir, "f.csv", std::string(kHeader) + "a,trade,1,5000000,1e7\nb,food,1,5000000,1e7\nc,food,1,5000000,1e7,9\n");
  const ParseError e = parse_error(path);
  EXPECT_EQ(e.line(), 4);
  EXPECT_EQ(e.column(), "(record)");
  EXPECT_EQ(e.value(), "6 fields");
  EXPECT_NE(e.allowed().find("5 fields"), std::string::npos) << e.allowed();
}

TEST(PopulationCsvErrors, LineNumbersCountPhysicalLinesOfQuotedNewlines) {
  const auto dir = test::test_temp_dir();
  // The record on lines 2-3 has a quoted newline; the bad record is on line 4.
  const std::string path =
      write_file(dir, "f.csv", std::string(kHeader) + "\"multi\nline\",trade,1,5000000,1e7\na,trade,x,5000000,1e7\n");
  const ParseError e = parse_error(path);
  EXPECT_EQ(e.line(), 4);
  EXPECT_EQ(e.column(), "workers");
}

TEST(PopulationCsvErrors, UnknownLoanLender) {
  const auto dir = test::test_temp_dir();
  const std::string path = write_file(dir, "f.csv",
                                      "region,sector,workers,revenue_rp_month,assets_rp,loan_principal_rp,"
                                      "loan_months_left,loan_lender\n"
                                      "a,trade,1,5000000,1e7,1000000,12,kur\n"
                                      "a,trade,1,5000000,1e7,1000000,12,koperasi\n");
  const ParseError e = parse_error(path);
  EXPECT_EQ(e.line(), 3);
  EXPECT_EQ(e.column(), "loan_lender");
  EXPECT_EQ(e.value(), "koperasi");
  EXPECT_NE(e.allowed().find("cooperative"), std::string::npos) << e.allowed();
}

TEST(PopulationCsvErrors, BadFlagAndEmptyRequiredValue) {
  const auto dir = test::test_temp_dir();
  ParseError e = parse_error(write_file(dir, "f.csv",
                                        "region,sector,workers,revenue_rp_month,assets_rp,ever_kur\n"
                                        "a,trade,1,5000000,1e7,maybe\n"));
  EXPECT_EQ(e.column(), "ever_kur");
  EXPECT_EQ(e.value(), "maybe");
  e = parse_error(write_file(dir, "g.csv", std::string(kHeader) + "a,,1,5000000,1e7\n"));
  EXPECT_EQ(e.line(), 2);
  EXPECT_EQ(e.column(), "sector");
  EXPECT_EQ(e.value(), "");
}

TEST(PopulationCsvErrors, EmptyFile) {
  const auto dir = test::test_temp_dir();
  const std::string path = write_file(dir, "empty.csv", "");
  const ParseError e = parse_error(path);
  EXPECT_EQ(e.file(), path);
  EXPECT_EQ(e.line(), 1);
  EXPECT_EQ(e.column(), "(header)");
}

TEST(PopulationCsvErrors, HeaderWithoutFirms) {
  const auto dir = test::test_temp_dir();
  const ParseError e = parse_error(write_file(dir, "f.csv", kHeader));
  EXPECT_EQ(e.line(), 2);
  EXPECT_EQ(e.value(), "no firms");
}

TEST(PopulationCsvErrors, UnterminatedQuote) {
  const auto dir = test::test_temp_dir();
  const ParseError e =
      parse_error(write_file(dir, "f.csv", std::string(kHeader) + "a,trade,1,5000000,1e7\n\"open,trade,1,5,1\n"));
  EXPECT_EQ(e.line(), 3);
}

TEST(PopulationCsvErrors, MissingFileIsAnIoError) {
  const auto dir = test::test_temp_dir();
  EXPECT_THROW((void)load_population_csv((dir / "does_not_exist.csv").string()), IoError);
}

}  // namespace
}  // namespace msmesim
