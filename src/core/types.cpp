#include "msmesim/core/types.hpp"

#include <charconv>
#include <cstdio>

#include "msmesim/core/error.hpp"

namespace msmesim {

namespace {
constexpr std::array<std::string_view, kSizeClasses> kClassNames = {"micro", "small", "medium",
                                                                    "large"};
constexpr std::array<std::string_view, kChannels> kChannelNames = {"sales", "capital",
                                                                   "distribution", "raw_materials"};
constexpr std::array<std::string_view, kLenders> kLenderNames = {"cooperative", "kur", "bank",
                                                                 "informal"};
constexpr std::array<std::string_view, kCoopTypes> kCoopTypeNames = {"producer", "consumer", "marketing",
                                                                     "service", "savings_loan"};
constexpr std::array<std::string_view, 3> kStatusNames = {"active", "distressed", "closed"};

template <std::size_t N>
std::string join(const std::array<std::string_view, N>& names) {
  std::string out;
  for (std::size_t i = 0; i < N; ++i) {
    if (i) out += ", ";
    out += names[i];
  }
  return out;
}

template <std::size_t N>
std::size_t find_name(const std::array<std::string_view, N>& names, std::string_view s,
                      const std::string& field) {
  for (std::size_t i = 0; i < N; ++i)
    if (names[i] == s) return i;
  throw InvalidArgument(field, "'" + std::string(s) + "'", "one of " + join(names));
}
}  // namespace

std::string_view to_string(SizeClass c) { return kClassNames.at(static_cast<std::size_t>(c)); }
std::string_view to_string(Channel c) { return kChannelNames.at(static_cast<std::size_t>(c)); }
std::string_view to_string(Lender l) { return kLenderNames.at(static_cast<std::size_t>(l)); }
std::string_view to_string(FirmStatus s) { return kStatusNames.at(static_cast<std::size_t>(s)); }
std::string_view to_string(CoopType t) { return kCoopTypeNames.at(static_cast<std::size_t>(t)); }

SizeClass size_class_from_string(std::string_view s, const std::string& field) {
  return static_cast<SizeClass>(find_name(kClassNames, s, field));
}
Channel channel_from_string(std::string_view s, const std::string& field) {
  return static_cast<Channel>(find_name(kChannelNames, s, field));
}
Lender lender_from_string(std::string_view s, const std::string& field) {
  return static_cast<Lender>(find_name(kLenderNames, s, field));
}
CoopType coop_type_from_string(std::string_view s, const std::string& field) {
  return static_cast<CoopType>(find_name(kCoopTypeNames, s, field));
}

std::string YearMonth::to_string() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d", year, month);
  return buf;
}

YearMonth YearMonth::parse(std::string_view text, const std::string& field) {
  const std::string allowed = "a month written YYYY-MM, e.g. 2020-03";
  if (text.size() != 7 || text[4] != '-')
    throw InvalidArgument(field, "'" + std::string(text) + "'", allowed);
  YearMonth ym;
  auto r1 = std::from_chars(text.data(), text.data() + 4, ym.year);
  auto r2 = std::from_chars(text.data() + 5, text.data() + 7, ym.month);
  if (r1.ec != std::errc() || r1.ptr != text.data() + 4 || r2.ec != std::errc() ||
      r2.ptr != text.data() + 7 || ym.month < 1 || ym.month > 12 || ym.year < 1900 ||
      ym.year > 2200)
    throw InvalidArgument(field, "'" + std::string(text) + "'", allowed);
  return ym;
}

YearMonth YearMonth::plus(int offset) const {
  int idx = year * 12 + (month - 1) + offset;
  YearMonth r;
  r.year = idx / 12;
  r.month = idx % 12 + 1;
  return r;
}

int YearMonth::months_since(const YearMonth& other) const {
  return (year * 12 + month) - (other.year * 12 + other.month);
}

}  // namespace msmesim
