#include "msmesim/error.hpp"

#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>

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

ParseError::ParseError(const std::string& message, std::string file, std::int64_t line, std::string column,
                       std::string value, std::string allowed)
    : Error(message),
      file_(std::move(file)),
      line_(line),
      column_(std::move(column)),
      value_(std::move(value)),
      allowed_(std::move(allowed)) {}

Cancelled::Cancelled(int months_completed)
    : Error("run cancelled after " + std::to_string(months_completed) + " month(s)"),
      months_completed_(months_completed) {}

Cancelled::Cancelled(int completed, const std::string& what) : Error(what), months_completed_(completed) {}

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

void require_memory(const std::string& field, std::int64_t firms) {
  std::ifstream meminfo("/proc/meminfo");
  std::string line;
  std::int64_t available_kib = -1;
  while (std::getline(meminfo, line))
    if (line.rfind("MemAvailable:", 0) == 0) {
      std::istringstream in(line.substr(13));
      in >> available_kib;
    }
  if (available_kib <= 0) return;  // not known here: the allocation itself will tell
  const std::int64_t most = available_kib * 1024 / kBytesPerFirm;
  if (firms > most)
    throw InvalidArgument(field, std::to_string(firms),
                          "at most " + std::to_string(most) + " firms with the " +
                              format_value(std::round(static_cast<double>(available_kib) / (1024.0 * 1024.0) * 10.0) / 10.0) +
                              " GiB of memory available (about " + std::to_string(kBytesPerFirm) + " bytes a firm)");
}

}  // namespace detail
}  // namespace msmesim
