// Enum names, their parsing and calendar months (types.hpp).
#include <gtest/gtest.h>

#include <msmesim/msmesim.hpp>

#include <string>

namespace msmesim {
namespace {

TEST(YearMonth, ParsesAndAdds) {
  auto ym = YearMonth::parse("2020-03", "onset");
  EXPECT_EQ(ym.year, 2020);
  EXPECT_EQ(ym.month, 3);
  EXPECT_EQ(ym.plus(10).to_string(), "2021-01");
}

TEST(YearMonth, PlusHandlesYearBoundariesBothWays) {
  const YearMonth jan{2020, 1};
  EXPECT_EQ(jan.plus(0), jan);
  EXPECT_EQ(jan.plus(-1), (YearMonth{2019, 12}));
  EXPECT_EQ(jan.plus(11), (YearMonth{2020, 12}));
  EXPECT_EQ(jan.plus(12), (YearMonth{2021, 1}));
  EXPECT_EQ(jan.plus(-13), (YearMonth{2018, 12}));
}

TEST(YearMonth, MonthsSinceIsTheInverseOfPlus) {
  const YearMonth start{2020, 1};
  for (int k = -30; k <= 30; ++k) EXPECT_EQ(start.plus(k).months_since(start), k) << k;
  EXPECT_EQ((YearMonth{2021, 7}).months_since(YearMonth{2020, 3}), 16);
}

TEST(YearMonth, ToStringPadsYearAndMonth) {
  EXPECT_EQ((YearMonth{2020, 3}).to_string(), "2020-03");
  EXPECT_EQ((YearMonth{2021, 12}).to_string(), "2021-12");
}

TEST(YearMonth, ParseRejectsMalformedTextNamingTheField) {
  for (const char* bad : {"2020-3", "2020/03", "2020-13", "2020-00", "20x0-03", "", "2020-03-01", "1800-01"}) {
    try {
      YearMonth::parse(bad, "shocks[0].onset");
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const InvalidArgument& e) {
      EXPECT_EQ(e.field(), "shocks[0].onset");
      EXPECT_EQ(e.value(), "'" + std::string(bad) + "'");
      EXPECT_NE(e.allowed().find("YYYY-MM"), std::string::npos);
    }
  }
}

TEST(EnumNames, RoundTripThroughTheirSnakeCaseNames) {
  for (auto c : kAllSizeClasses) EXPECT_EQ(size_class_from_string(to_string(c)), c);
  for (auto c : kAllChannels) EXPECT_EQ(channel_from_string(to_string(c)), c);
  for (auto l : kAllLenders) EXPECT_EQ(lender_from_string(to_string(l)), l);
  EXPECT_EQ(to_string(SizeClass::micro), "micro");
  EXPECT_EQ(to_string(SizeClass::large), "large");
  EXPECT_EQ(to_string(Channel::raw_materials), "raw_materials");
  EXPECT_EQ(to_string(Lender::kur), "kur");
  EXPECT_EQ(to_string(FirmStatus::active), "active");
  EXPECT_EQ(to_string(FirmStatus::distressed), "distressed");
  EXPECT_EQ(to_string(FirmStatus::closed), "closed");
}

TEST(EnumNames, UnknownNamesRaiseInvalidArgumentListingTheChoices) {
  try {
    channel_from_string("salez", "shocks[2].channel");
    FAIL() << "no exception";
  } catch (const InvalidArgument& e) {
    EXPECT_EQ(e.field(), "shocks[2].channel");
    EXPECT_EQ(e.value(), "'salez'");
    EXPECT_NE(e.allowed().find("sales, capital, distribution, raw_materials"), std::string::npos);
  }
  EXPECT_THROW(size_class_from_string("Micro"), InvalidArgument);
  try {
    lender_from_string("koperasi");
    FAIL() << "no exception";
  } catch (const InvalidArgument& e) {
    EXPECT_EQ(e.field(), "lender");
    EXPECT_NE(e.allowed().find("cooperative"), std::string::npos);
  }
}

TEST(Errors, InvalidArgumentMessageNamesFieldValueAndAllowed) {
  const InvalidArgument e("months", "0", "an integer in [1, 1200]");
  EXPECT_EQ(std::string(e.what()), "months: got 0; allowed: an integer in [1, 1200]");
  const Error& base = e;  // every error derives from msmesim::Error
  EXPECT_NE(std::string(base.what()).find("months"), std::string::npos);
}

TEST(Errors, ParseErrorCarriesFileLineColumnAndValue) {
  const ParseError e("firms.csv", 7, "workers", "two", "a whole number");
  EXPECT_EQ(e.file(), "firms.csv");
  EXPECT_EQ(e.line(), 7);
  EXPECT_EQ(e.column(), "workers");
  EXPECT_EQ(e.value(), "two");
  EXPECT_EQ(std::string(e.what()), "firms.csv:7: column 'workers': got 'two'; allowed: a whole number");
}

}  // namespace
}  // namespace msmesim
