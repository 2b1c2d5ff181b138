#include "msmesim/error.hpp"

#include <charconv>
#include <cmath>
#include <limits>

namespace msmesim {

InvalidArgument::InvalidArgument(std::string field, std::string value, std::string allowed)
    : Error(field + ": got " + value + "; allowed: " + allowed),
      field_(std::move(field)),
      value_(std::move(value)),
      allowed_(std::move(allowed)) {}

ParseError::ParseError(std::string file, std::int64_t line, std::string column, std::string value,
                       std::string allowed)
    : Error(file + ":" + std::to_string(line) + ": column '" + column + "': got '" + value +
            "'; allowed: " + allowed),
      file_(std::move(file)),
      line_(line),
      column_(std::move(column)),
      value_(std::move(value)),
      allowed_(std::move(allowed)) {}

Cancelled::Cancelled(int months_completed)
    : Error("run cancelled after " + std::to_string(months_completed) + " month(s)"),
      months_completed_(months_completed) {}

namespace detail {

std::string format_value(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, res.ptr);
}

std::string format_value(std::int64_t v) { return std::to_string(v); }

void require_range(const std::string& field, double v, double lo, double hi) {
  if (std::isfinite(v) && v >= lo && v <= hi) return;
  std::string allowed;
  constexpr double inf = std::numeric_limits<double>::infinity();
  if (hi == inf || hi >= std::numeric_limits<double>::max())
    allowed = "a finite number >= " + format_value(lo);
  else
    allowed = "a number in [" + format_value(lo) + ", " + format_value(hi) + "]";
  throw InvalidArgument(field, format_value(v), allowed);
}

void require_range(const std::string& field, std::int64_t v, std::int64_t lo, std::int64_t hi) {
  if (v >= lo && v <= hi) return;
  std::string allowed = hi == std::numeric_limits<std::int64_t>::max()
                            ? "an integer >= " + std::to_string(lo)
                            : "an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
  throw InvalidArgument(field, std::to_string(v), allowed);
}

}  // namespace detail
}  // namespace msmesim
