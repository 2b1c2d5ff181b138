// Vocabulary shared by every part of the engine: size classes, shock channels,
// lender kinds, firm status and calendar months. Each enum has a stable
// snake_case name used in files, Python and outputs.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace msmesim {

/// Size class of an enterprise. `large` is reached only by growth: the
/// population generator creates micro, small and medium firms.
enum class SizeClass : std::uint8_t { micro = 0, small = 1, medium = 2, large = 3 };
inline constexpr int kSizeClasses = 4;      ///< including `large`
inline constexpr int kMsmeClasses = 3;      ///< micro, small, medium

/// The four shock channels of MODEL §4 (seed 000, Table 1).
enum class Channel : std::uint8_t { sales = 0, capital = 1, distribution = 2, raw_materials = 3 };
inline constexpr int kChannels = 4;

/// Where a loan comes from. Only members of a cooperative borrow from it.
enum class Lender : std::uint8_t { cooperative = 0, kur = 1, bank = 2, informal = 3 };
inline constexpr int kLenders = 4;

/// Kind of cooperative (koperasi), as in seed 000 Table 4.
enum class CoopType : std::uint8_t { producer = 0, consumer = 1, marketing = 2, service = 3, savings_loan = 4 };
inline constexpr int kCoopTypes = 5;

/// Status of a firm at the end of a month.
enum class FirmStatus : std::uint8_t { active = 0, distressed = 1, closed = 2 };

/// A firm's main problem in a month: the channel costing it most, or none.
inline constexpr std::uint8_t kNoProblem = 255;

std::string_view to_string(SizeClass c);
std::string_view to_string(Channel c);
std::string_view to_string(Lender l);
std::string_view to_string(FirmStatus s);
std::string_view to_string(CoopType t);

/// Parse the snake_case names above; throw InvalidArgument naming `field`.
SizeClass size_class_from_string(std::string_view s, const std::string& field = "size_class");
Channel channel_from_string(std::string_view s, const std::string& field = "channel");
Lender lender_from_string(std::string_view s, const std::string& field = "lender");
CoopType coop_type_from_string(std::string_view s, const std::string& field = "type");

inline constexpr std::array<SizeClass, kSizeClasses> kAllSizeClasses = {
    SizeClass::micro, SizeClass::small, SizeClass::medium, SizeClass::large};
inline constexpr std::array<Channel, kChannels> kAllChannels = {
    Channel::sales, Channel::capital, Channel::distribution, Channel::raw_materials};
inline constexpr std::array<Lender, kLenders> kAllLenders = {Lender::cooperative, Lender::kur,
                                                             Lender::bank, Lender::informal};
inline constexpr std::array<CoopType, kCoopTypes> kAllCoopTypes = {
    CoopType::producer, CoopType::consumer, CoopType::marketing, CoopType::service, CoopType::savings_loan};

/// A calendar month. Month index 0 of a run is its `start`.
struct YearMonth {
  int year = 2020;
  int month = 1;  ///< 1..12

  /// "2020-03"
  std::string to_string() const;
  /// Parses "YYYY-MM"; throws InvalidArgument naming `field`.
  static YearMonth parse(std::string_view text, const std::string& field);
  /// The month `offset` months after this one.
  YearMonth plus(int offset) const;
  /// Months from `other` to this (this - other).
  int months_since(const YearMonth& other) const;
  friend bool operator==(const YearMonth&, const YearMonth&) = default;
};

}  // namespace msmesim
