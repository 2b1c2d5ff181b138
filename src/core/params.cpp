#include "msmesim/core/params.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "msmesim/core/error.hpp"

namespace msmesim {

namespace {

#define MSMESIM_TABLE_ROW(name, def, lo, hi, unit, integer, desc, source) \
  ParamInfo{#name, def, lo, hi, unit, static_cast<bool>(integer), desc, source},
constexpr ParamInfo kFirmTable[] = {MSMESIM_FIRM_PARAMS(MSMESIM_TABLE_ROW)};
#undef MSMESIM_TABLE_ROW

#define MSMESIM_MEMBER_PTR(name, def, lo, hi, unit, integer, desc, source) &FirmParams::name,
constexpr double FirmParams::* kFirmMembers[] = {MSMESIM_FIRM_PARAMS(MSMESIM_MEMBER_PTR)};
#undef MSMESIM_MEMBER_PTR

static_assert(std::size(kFirmTable) == std::size(kFirmMembers));

std::size_t index_of(std::string_view name) {
  for (std::size_t i = 0; i < std::size(kFirmTable); ++i)
    if (kFirmTable[i].name == name) return i;
  std::vector<std::string_view> names;
  for (const auto& row : kFirmTable) names.push_back(row.name);
  throw InvalidArgument("params", "'" + std::string(name) + "'",
                        "a parameter listed in docs/parameters.md" + did_you_mean(name, names));
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

std::span<const ParamInfo> firm_param_table() { return {kFirmTable, std::size(kFirmTable)}; }

void validate_param(const ParamInfo& info, double value, const std::string& field) {
  if (info.integer && std::isfinite(value) && value != std::floor(value))
    throw InvalidArgument(field, detail::format_value(value),
                          "a whole number in [" + detail::format_value(info.min) + ", " +
                              detail::format_value(info.max) + "]");
  detail::require_range(field, value, info.min, info.max);
}

std::int64_t whole_max(const ParamInfo& row) {
  // 2^63 is the first double beyond the 64-bit integers.
  return row.max >= 9223372036854775808.0 ? std::numeric_limits<std::int64_t>::max()
                                          : static_cast<std::int64_t>(row.max);
}

std::size_t field_index(std::span<const ParamInfo> table, std::string_view name, const std::string& field) {
  for (std::size_t i = 0; i < table.size(); ++i)
    if (table[i].name == name) return i;
  std::vector<std::string_view> names;
  for (const auto& row : table) names.push_back(row.name);
  throw_unknown_name(field, name, names);
}

void validate_field(const ParamInfo& row, double value, const std::string& field) {
  if (row.integer) {
    // (Whole fields are held as integers: the value is one. An unbounded
    // range is up to the largest integer.)
    detail::require_range(field, static_cast<std::int64_t>(value), static_cast<std::int64_t>(row.min), whole_max(row));
  } else {
    detail::require_range(field, value, row.min, row.max);
  }
}

void FirmParams::validate() const {
  for (std::size_t i = 0; i < std::size(kFirmTable); ++i)
    validate_param(kFirmTable[i], this->*kFirmMembers[i], std::string(kFirmTable[i].name));
  if (coop_active_rat_min > coop_active_rat_years)
    throw InvalidArgument("coop_active_rat_min", detail::format_value(coop_active_rat_min),
                          "at most coop_active_rat_years (" + detail::format_value(coop_active_rat_years) + ")");
  if (coop_shu_member_share + coop_shu_reserve_share > 1.0 + 1e-12)
    throw InvalidArgument("coop_shu_reserve_share", detail::format_value(coop_shu_reserve_share),
                          "at most 1 - coop_shu_member_share (" + detail::format_value(1.0 - coop_shu_member_share) +
                              "): the members' share and the reserves are parts of one SHU");
}

double FirmParams::get(std::string_view name) const { return this->*kFirmMembers[index_of(name)]; }

void FirmParams::set(std::string_view name, double value) {
  std::size_t i = index_of(name);
  validate_param(kFirmTable[i], value, std::string(kFirmTable[i].name));
  this->*kFirmMembers[i] = value;
}

std::string did_you_mean(std::string_view name, std::span<const std::string_view> candidates) {
  const std::string best = closest_name(name, candidates);
  return best.empty() ? std::string() : " (did you mean '" + best + "'?)";
}

void throw_unknown_name(const std::string& field, std::string_view name, std::span<const std::string_view> candidates) {
  std::string all;
  for (auto c : candidates) all += (all.empty() ? "" : ", ") + std::string(c);
  throw InvalidArgument(field, "'" + std::string(name) + "'", "one of " + all + did_you_mean(name, candidates));
}

std::string closest_name(std::string_view name, std::span<const std::string_view> candidates) {
  // A hint only within a third of the name's length (at least 2 edits).
  std::string best;
  std::size_t best_d = std::max<std::size_t>(2, name.size() / 3) + 1;
  for (auto c : candidates) {
    std::size_t d = edit_distance(name, c);
    if (d < best_d) {
      best_d = d;
      best = std::string(c);
    }
  }
  return best;
}

}  // namespace msmesim
