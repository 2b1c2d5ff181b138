#include "msmesim/shock.hpp"

#include <cmath>

#include "msmesim/error.hpp"

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

void ShockProfile::validate(const std::string& field) const {
  detail::require_range(field + ".ramp_months", std::int64_t{ramp_months}, 0, 600);
  detail::require_range(field + ".plateau_months", std::int64_t{plateau_months}, 0, 1200);
  detail::require_range(field + ".recovery_half_life_months", recovery_half_life_months, 0.0, 1200.0);
  detail::require_range(field + ".recovery_months", std::int64_t{recovery_months}, 0, 1200);
  detail::require_range(field + ".end_below", end_below, 0.0, 1.0);
  if (path.size() > 1200)
    throw InvalidArgument(field + ".path", std::to_string(path.size()) + " values", "at most 1200 values");
  for (std::size_t k = 0; k < path.size(); ++k)
    detail::require_range(field + ".path[" + std::to_string(k) + "]", path[k], 0.0, 1.0);
}

void Shock::validate(const std::string& field) const {
  profile.validate(field + ".profile");
  severity.validate(field + ".severity");
  detail::require_range(field + ".incidence", incidence, 0.0, 1.0);
  for (const auto& [sector, p] : incidence_by_sector)
    detail::require_range(field + ".incidence_by_sector." + sector, p, 0.0, 1.0);
  for (const auto& [sector, dist] : severity_by_sector) dist.validate(field + ".severity_by_sector." + sector);
  if (onset.month < 1 || onset.month > 12)
    throw InvalidArgument(field + ".onset", onset.to_string(), "a month 1..12");
}

}  // namespace msmesim
