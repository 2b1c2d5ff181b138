#include "msmesim/scenario/shock.hpp"

#include <cmath>
#include <cstdint>
#include <iterator>

#include "msmesim/core/error.hpp"

namespace msmesim {

double SeverityDist::mean() const {
  switch (kind) {
    case Kind::fixed: return a;
    case Kind::uniform: return 0.5 * (a + b);
    case Kind::beta: return a;
  }
  return a;
}

void SeverityDist::validate(const std::string& field) const {
  switch (kind) {
    case Kind::fixed:
      detail::require_range(field + ".value", a, 0.0, 1.0);
      break;
    case Kind::uniform:
      detail::require_range(field + ".low", a, 0.0, 1.0);
      detail::require_range(field + ".high", b, a, 1.0);
      break;
    case Kind::beta: {
      detail::require_range(field + ".mean", a, 0.0, 1.0);
      if (a == 0.0 || a == 1.0) {
        if (b != 0.0)
          throw InvalidArgument(field + ".sd", detail::format_value(b), "0 when the mean is 0 or 1");
        break;
      }
      const double max_sd = std::sqrt(a * (1.0 - a));
      if (!(std::isfinite(b) && b >= 0.0 && b < max_sd))
        throw InvalidArgument(field + ".sd", detail::format_value(b),
                              "a number in [0, " + detail::format_value(max_sd) +
                                  ") (a Beta's sd is below sqrt(mean (1 - mean)))");
      break;
    }
  }
}

std::string SeverityDist::describe() const {
  using detail::format_value;
  switch (kind) {
    case Kind::fixed: return "fixed(" + format_value(a) + ")";
    case Kind::uniform: return "uniform(" + format_value(a) + ", " + format_value(b) + ")";
    case Kind::beta: return "beta(mean=" + format_value(a) + ", sd=" + format_value(b) + ")";
  }
  return "?";
}

double ShockProfile::intensity(int k) const {
  if (k < 0) return 0.0;
  if (!path.empty()) return static_cast<std::size_t>(k) < path.size() ? path[static_cast<std::size_t>(k)] : 0.0;
  if (k < ramp_months) return static_cast<double>(k + 1) / (ramp_months + 1);
  const int after_plateau = k - ramp_months - plateau_months;
  if (after_plateau < 0) return 1.0;
  if (recovery_months > 0)
    return after_plateau < recovery_months
               ? 1.0 - static_cast<double>(after_plateau + 1) / static_cast<double>(recovery_months + 1)
               : 0.0;
  if (recovery_half_life_months <= 0.0) return 0.0;
  const double decayed = std::exp2(-static_cast<double>(after_plateau + 1) / recovery_half_life_months);
  return decayed < end_below ? 0.0 : decayed;
}

int ShockProfile::months_to_end() const {
  if (!path.empty()) return static_cast<int>(path.size());
  const int recovery = recovery_months > 0                    ? recovery_months
                       : recovery_half_life_months <= 0.0     ? 0
                       : end_below <= 0.0                     ? -1
                                                              : static_cast<int>(std::floor(
                                                                    -recovery_half_life_months * std::log2(end_below)));
  return recovery < 0 ? -1 : ramp_months + plateau_months + recovery;
}

namespace {

// Defaults are those of Shock and ShockProfile (a test compares them).
constexpr ParamInfo kShockFields[] = {
    {"incidence", 1.0, 0.0, 1.0, "share", false,
     "Share of the targeted firms the shock hits (incidence_by_sector overrides it for named sectors).", ""},
    {"ramp_months", 0.0, 0.0, 600.0, "months", true,
     "Months of a linear ramp up to full intensity after the onset (0: full at onset).", ""},
    {"plateau_months", 3.0, 0.0, 1200.0, "months", true, "Months at full intensity after the ramp.", ""},
    {"recovery_half_life_months", 6.0, 0.0, 1200.0, "months", false,
     "Half-life of the decay after the plateau when recovery_months is 0 (0: the shock ends at once).", ""},
    {"recovery_months", 0.0, 0.0, 1200.0, "months", true,
     "Months of a linear recovery to 0 after the plateau (0: the half-life decay instead).", ""},
    {"end_below", 0.05, 0.0, 1.0, "share of the peak", false,
     "A decaying shock ends once its intensity falls below this share of its peak.", ""},
};

struct ShockFieldAccess {
  double (*get)(const Shock&);
  void (*set)(Shock&, double);
};

constexpr ShockFieldAccess kShockAccess[] = {
    {[](const Shock& s) { return s.incidence; }, [](Shock& s, double v) { s.incidence = v; }},
    {[](const Shock& s) { return static_cast<double>(s.profile.ramp_months); },
     [](Shock& s, double v) { s.profile.ramp_months = static_cast<int>(v); }},
    {[](const Shock& s) { return static_cast<double>(s.profile.plateau_months); },
     [](Shock& s, double v) { s.profile.plateau_months = static_cast<int>(v); }},
    {[](const Shock& s) { return s.profile.recovery_half_life_months; },
     [](Shock& s, double v) { s.profile.recovery_half_life_months = v; }},
    {[](const Shock& s) { return static_cast<double>(s.profile.recovery_months); },
     [](Shock& s, double v) { s.profile.recovery_months = static_cast<int>(v); }},
    {[](const Shock& s) { return s.profile.end_below; }, [](Shock& s, double v) { s.profile.end_below = v; }},
};
static_assert(std::size(kShockFields) == std::size(kShockAccess));

std::size_t shock_field_index(std::string_view name) { return field_index(kShockFields, name, "shock field"); }

const ParamInfo& shock_row(std::string_view name) { return kShockFields[shock_field_index(name)]; }

}  // namespace

std::span<const ParamInfo> shock_field_table() { return {kShockFields, std::size(kShockFields)}; }

double shock_field(const Shock& s, std::string_view name) { return kShockAccess[shock_field_index(name)].get(s); }

void set_shock_field(Shock& s, std::string_view name, double value) {
  const std::size_t i = shock_field_index(name);
  // A whole field holds an int: anything else cannot be stored (the range
  // is Shock::validate's).
  if (kShockFields[i].integer && !(value == std::floor(value) && value >= -2147483648.0 && value <= 2147483647.0))
    throw InvalidArgument(std::string(name), detail::format_value(value), "a whole number");
  kShockAccess[i].set(s, value);
}

void ShockProfile::validate(const std::string& field) const {
  // Every row but the incidence is a field of the profile.
  Shock s;
  s.profile = *this;
  for (std::size_t i = 0; i < std::size(kShockFields); ++i)
    if (kShockFields[i].name != "incidence")
      validate_field(kShockFields[i], kShockAccess[i].get(s), field + "." + std::string(kShockFields[i].name));
  if (path.size() > 1200)
    throw InvalidArgument(field + ".path", std::to_string(path.size()) + " values", "at most 1200 values");
  for (std::size_t k = 0; k < path.size(); ++k)
    detail::require_range(field + ".path[" + std::to_string(k) + "]", path[k], 0.0, 1.0);
}

void Shock::validate(const std::string& field) const {
  profile.validate(field + ".profile");
  severity.validate(field + ".severity");
  validate_field(shock_row("incidence"), incidence, field + ".incidence");
  for (const auto& [sector, p] : incidence_by_sector)
    detail::require_range(field + ".incidence_by_sector." + sector, p, 0.0, 1.0);
  for (const auto& [sector, dist] : severity_by_sector) dist.validate(field + ".severity_by_sector." + sector);
  if (onset.month < 1 || onset.month > 12)
    throw InvalidArgument(field + ".onset", onset.to_string(), "a month 1..12");
}

}  // namespace msmesim
