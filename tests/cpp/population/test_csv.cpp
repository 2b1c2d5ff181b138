// Reading and writing firm registries as CSV (population_csv.cpp).
#include <gtest/gtest.h>

#include <msmesim/msmesim.hpp>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <tuple>

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

std::string read_text(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(f)), {});
}

// Firms, cooperatives and memberships of `pop` written to `dir`.
struct SavedTrio {
  std::string firms, cooperatives, memberships;
};
SavedTrio save_trio(const Population& pop, const fs::path& dir, const std::string& prefix = "") {
  SavedTrio t{(dir / (prefix + "firms.csv")).string(), (dir / (prefix + "cooperatives.csv")).string(),
              (dir / (prefix + "memberships.csv")).string()};
  save_population_csv(pop, t.firms);
  save_cooperatives_csv(pop, t.cooperatives);
  save_memberships_csv(pop, t.memberships);
  for (const auto* p : {&t.firms, &t.cooperatives, &t.memberships})
    EXPECT_FALSE(fs::exists(*p + ".tmp")) << "the temporary file is renamed into place: " << *p;
  return t;
}

TEST(PopulationCsv, GeneratedPopulationRoundTripsEveryAttributeExactly) {
  const auto dir = test::test_temp_dir();
  const Population pop = generate_population(presets::bogor_population_spec(3000), 8);
  ASSERT_FALSE(pop.cooperatives.empty()) << "the Bogor preset has cooperatives";
  ASSERT_GT(std::count_if(pop.cooperative.begin(), pop.cooperative.end(), [](std::int32_t c) { return c >= 0; }), 0)
      << "and member firms";
  const SavedTrio files = save_trio(pop, dir);
  const Population back = load_population_csv(files.firms, "registry", ClassRegime::law20_2008, files.cooperatives);
  EXPECT_EQ(back.name, "registry");
  EXPECT_EQ(back.regime, ClassRegime::law20_2008);
  EXPECT_NO_THROW(back.validate());
  expect_same_firms(pop, back);
  test::expect_same_cooperatives(pop, back);
  // The memberships file gives the same memberships as the firm file's column.
  const Population via =
      load_population_csv(files.firms, "registry", ClassRegime::law20_2008, files.cooperatives, files.memberships);
  EXPECT_EQ(via.cooperative, pop.cooperative);
  test::expect_same_cooperatives(pop, via);
  // Saving what was loaded gives the same files again.
  const SavedTrio again = save_trio(back, dir, "again_");
  EXPECT_EQ(read_text(files.firms), read_text(again.firms));
  EXPECT_EQ(read_text(files.cooperatives), read_text(again.cooperatives));
  EXPECT_EQ(read_text(files.memberships), read_text(again.memberships));
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
  firms[2].cooperative = 0;
  firms[3].loan_principal_rp = 5e5;
  firms[3].loan_rate_year = 0.3f;
  firms[3].loan_months_left = 1;
  firms[3].loan_lender = Lender::informal;
  firms[3].cooperative = 12;
  firms[4].cash_rp = 0.0;
  firms[4].variable_cost_share = 0.0f;
  firms[4].fixed_cost_rp_month = 0.0;
  Population pop = test::make_population({"Kota \"Baru\", Bogor", "two\nlines", "plain"},
                                         {"trade", "food, and drink"}, firms);
  // Thirteen cooperatives with awkward numbers: thirds, losses (negative own
  // capital, surplus and SHU), arrears, every RAT pattern and both flags.
  Cooperatives& co = pop.cooperatives;
  co.resize(13);
  for (std::size_t c = 0; c < co.size(); ++c) {
    const double k = static_cast<double>(c + 1);
    co.region[c] = static_cast<std::uint16_t>(c % 3);
    co.type[c] = static_cast<std::uint8_t>(c % kCoopTypes);
    co.members[c] = static_cast<std::int32_t>(20 + 7 * c);
    co.own_capital_rp[c] = c == 4 ? -1e6 / 3.0 : k * 1e9 / 3.0;
    co.deposits_rp[c] = k * 12'345'678.9;
    co.borrowed_rp[c] = c % 2 ? 0.0 : k * 1e7 / 7.0;
    co.surplus_rp[c] = c == 5 ? -2.5e5 : k * 0.1;
    co.cash_rp[c] = k * 1e6 + 0.3;
    co.loans_rp[c] = k * 5e6 / 3.0;
    co.arrears_rp[c] = co.loans_rp[c] / 9.0;
    co.other_assets_rp[c] =
        co.deposits_rp[c] + co.borrowed_rp[c] + co.own_capital_rp[c] + co.surplus_rp[c] - co.cash_rp[c] - co.loans_rp[c];
    co.business_volume_rp_year[c] = k * 1e8 / 3.0;
    co.shu_rp_year[c] = c == 6 ? -1e5 / 3.0 : k * 1e6 / 7.0;
    co.rat_history[c] = static_cast<std::uint8_t>(c * 37 % 256);
    co.active[c] = c % 4 == 3 ? 0 : 1;
    co.healthy[c] = c % 3 == 0 ? 1 : 0;
  }
  co.rat_history[12] = 255;
  ASSERT_NO_THROW(pop.validate());
  const SavedTrio files = save_trio(pop, dir);
  const Population back = load_population_csv(files.firms, "", ClassRegime::law20_2008, files.cooperatives);
  EXPECT_EQ(back.name, files.firms) << "without a name the path names the population";
  expect_same_firms(pop, back);
  EXPECT_EQ(back.region_names, pop.region_names);
  test::expect_same_cooperatives(pop, back);
  const Population via =
      load_population_csv(files.firms, "", ClassRegime::law20_2008, files.cooperatives, files.memberships);
  expect_same_firms(pop, via);
  test::expect_same_cooperatives(pop, via);
  EXPECT_EQ(read_text(files.memberships), "firm,cooperative_id\n1,12\n2,0\n3,12\n");
}

TEST(PopulationCsv, PopulationWithoutCooperativesRoundTripsWithTheThreeArgumentLoader) {
  const auto dir = test::test_temp_dir();
  const Population pop = generate_population(test::small_spec(500), 4);
  ASSERT_TRUE(pop.cooperatives.empty());
  const SavedTrio files = save_trio(pop, dir);
  const Population back = load_population_csv(files.firms);
  expect_same_firms(pop, back);
  EXPECT_TRUE(back.cooperatives.empty());
  // The (empty) cooperatives and memberships files load too.
  const Population via = load_population_csv(files.firms, "", ClassRegime::law20_2008, files.cooperatives,
                                             files.memberships);
  expect_same_firms(pop, via);
  EXPECT_TRUE(via.cooperatives.empty());
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

// `en_csv` (commas, 1234.5) rewritten as a spreadsheet in an Indonesian
// locale exports it: semicolons, decimal commas and points between
// thousands (1.234.567,5).
std::string indonesian(const std::string& en_csv) {
  std::string out, field;
  bool quoted = false, was_quoted = false;
  auto end_field = [&] {
    double x = 0;
    const auto res = std::from_chars(field.data(), field.data() + field.size(), x);
    std::string f = field;
    if (!was_quoted && !field.empty() && res.ec == std::errc() && res.ptr == field.data() + field.size()) {
      const auto exp = f.find_first_of("eE");
      std::string mantissa = f.substr(0, exp), tail = exp == std::string::npos ? "" : f.substr(exp);
      const std::string sign = !mantissa.empty() && mantissa[0] == '-' ? "-" : "";
      if (!sign.empty()) mantissa.erase(0, 1);
      const auto dot = mantissa.find('.');
      std::string whole = mantissa.substr(0, dot), frac = dot == std::string::npos ? "" : mantissa.substr(dot + 1);
      for (int k = static_cast<int>(whole.size()) - 3; k > 0; k -= 3) whole.insert(static_cast<std::size_t>(k), ".");
      f = sign + whole + (frac.empty() ? "" : "," + frac) + tail;
    } else if (was_quoted || f.find(';') != std::string::npos) {
      std::string q = "\"";
      for (char ch : f) q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
      f = q + "\"";
    }
    out += f;
    field.clear();
    was_quoted = false;
  };
  for (std::size_t i = 0; i < en_csv.size(); ++i) {
    const char ch = en_csv[i];
    if (quoted) {
      if (ch == '"' && i + 1 < en_csv.size() && en_csv[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (ch == '"') {
        quoted = false;
      } else {
        field += ch;
      }
    } else if (ch == '"') {
      quoted = was_quoted = true;
    } else if (ch == ',') {
      end_field();
      out += ';';
    } else if (ch == '\n') {
      end_field();
      out += "\r\n";  // as spreadsheets write
    } else {
      field += ch;
    }
  }
  return out;
}

TEST(PopulationCsv, IndonesianSpreadsheetExportsGiveTheSamePopulationDetectedOrNamed) {
  const auto dir = test::test_temp_dir();
  const Population pop = generate_population(presets::bogor_population_spec(2000), 4);
  const SavedTrio en = save_trio(pop, dir);
  const std::string firms_text = indonesian(read_text(en.firms));
  ASSERT_NE(firms_text.find(';'), std::string::npos);
  ASSERT_NE(firms_text.find(','), std::string::npos) << "decimal commas";
  const std::string firms = write_file(dir, "id_firms.csv", "\xEF\xBB\xBF" + firms_text);
  const std::string coops = write_file(dir, "id_coops.csv", indonesian(read_text(en.cooperatives)));
  const std::string members = write_file(dir, "id_members.csv", indonesian(read_text(en.memberships)));
  const Population plain = load_population_csv(en.firms, "r", ClassRegime::law20_2008, en.cooperatives, en.memberships);
  for (const CsvLocale locale : {CsvLocale::detect, CsvLocale::id}) {
    const Population back = load_population_csv(firms, "r", ClassRegime::law20_2008, coops, members, locale);
    expect_same_firms(plain, back);
    test::expect_same_cooperatives(plain, back);
    EXPECT_EQ(back.cooperative, plain.cooperative);
  }
  // Without cooperatives too (the three-argument loader), an English file
  // named as one.
  Population alone = pop;
  alone.cooperatives = Cooperatives{};
  std::fill(alone.cooperative.begin(), alone.cooperative.end(), -1);
  const std::string alone_en = (dir / "alone.csv").string();
  save_population_csv(alone, alone_en);
  const std::string alone_id = write_file(dir, "alone_id.csv", indonesian(read_text(alone_en)));
  expect_same_firms(load_population_csv(alone_en, "r", ClassRegime::law20_2008, CsvLocale::en),
                    load_population_csv(alone_id, "r", ClassRegime::law20_2008));
  // Read in the wrong convention, the file is refused with a reason.
  EXPECT_THROW((void)load_population_csv(firms, "r", ClassRegime::law20_2008, CsvLocale::en), ParseError);
}

TEST(PopulationCsvErrors, IndonesianNumbersOutsideTheConventionNameIt) {
  const auto dir = test::test_temp_dir();
  const std::string header = "region;sector;workers;revenue_rp_month;assets_rp\n";
  const Population ok = load_population_csv(
      write_file(dir, "ok.csv", header + "a;trade;2;1.234.567,5;1,5E+07\nb;food;1.200;12;-0\n"));
  ASSERT_EQ(ok.size(), 2u);
  EXPECT_EQ(ok.revenue_rp_month[0], 1234567.5);
  EXPECT_EQ(ok.assets_rp[0], 1.5e7);
  EXPECT_EQ(ok.workers[1], 1200);
  for (const auto& [row, column, value] :
       {std::tuple{"a;trade;1,5;5000000;1\n", "workers", "1,5"}, std::tuple{"a;trade;2;5000000.5;1\n", "revenue_rp_month", "5000000.5"},
        std::tuple{"a;trade;2;12.34;1\n", "revenue_rp_month", "12.34"}, std::tuple{"a;trade;2;1.2345;1\n", "revenue_rp_month", "1.2345"},
        std::tuple{"a;trade;2;1,2,3;1\n", "revenue_rp_month", "1,2,3"}, std::tuple{"a;trade;2;5;1,5e\n", "assets_rp", "1,5e"}}) {
    const ParseError e = parse_error(write_file(dir, "bad.csv", header + row));
    EXPECT_EQ(e.line(), 2) << row;
    EXPECT_EQ(e.column(), column) << row;
    EXPECT_EQ(e.value(), value) << row;
    EXPECT_NE(e.allowed().find("Indonesian convention"), std::string::npos) << e.allowed();
  }
  // An English file's message says nothing of conventions.
  const ParseError en = parse_error(write_file(dir, "en.csv", std::string(kHeader) + "a,trade,2,x,1\n"));
  EXPECT_EQ(en.allowed().find("convention"), std::string::npos) << en.allowed();
}

TEST(PopulationCsvErrors, AWorkbookIsNamedAsOne) {
  const auto dir = test::test_temp_dir();
  const ParseError e = parse_error(write_file(dir, "register.xlsx", std::string("PK\x03\x04", 4) + "rest of a zip"));
  EXPECT_EQ(e.line(), 1);
  EXPECT_NE(e.value().find(".xlsx"), std::string::npos) << e.value();
  EXPECT_NE(e.allowed().find("load_population_csv"), std::string::npos) << e.allowed();
  EXPECT_EQ(parse_csv_locale("id"), CsvLocale::id);
  EXPECT_EQ(to_string(CsvLocale::detect), "auto");
  EXPECT_THROW((void)parse_csv_locale("de"), InvalidArgument);
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
