#include "msmesim/core/error.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
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

std::string format_bytes(double bytes) {
  const char* units[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  while (bytes >= 1024.0 && u < 4) {
    bytes /= 1024.0;
    ++u;
  }
  char buf[48];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", bytes, units[u]);
  return buf;
}

std::int64_t memory_limit_bytes() {
  std::int64_t limit = -1;
  std::ifstream meminfo("/proc/meminfo");
  std::string line;
  while (std::getline(meminfo, line))
    if (line.rfind("MemAvailable:", 0) == 0) {
      std::istringstream in(line.substr(13));
      std::int64_t kib = -1;
      in >> kib;
      if (kib > 0) limit = kib * 1024;
    }
  if (const char* env = std::getenv("MSMESIM_MEMORY_LIMIT"); env != nullptr && *env != '\0') {
    const std::string text = env;
    char* end = nullptr;
    errno = 0;
    const double v = std::strtod(text.c_str(), &end);
    std::string suffix(end);
    double scale = 1.0;
    if (suffix == "K" || suffix == "k") scale = 1024.0;
    else if (suffix == "M" || suffix == "m") scale = 1024.0 * 1024.0;
    else if (suffix == "G" || suffix == "g") scale = 1024.0 * 1024.0 * 1024.0;
    else if (!suffix.empty()) scale = -1.0;
    if (end == text.c_str() || errno != 0 || scale < 0.0 || !(v > 0.0) || !(v * scale < 9.0e18))
      throw InvalidArgument("MSMESIM_MEMORY_LIMIT", "'" + text + "'",
                            "a positive number of bytes, optionally with a K, M or G suffix (e.g. 8G)");
    const auto env_limit = static_cast<std::int64_t>(v * scale);
    limit = limit < 0 ? env_limit : std::min(limit, env_limit);
  }
  return limit;
}

void require_bytes(const std::string& field, const std::string& value, std::int64_t bytes, const std::string& what) {
  const std::int64_t limit = memory_limit_bytes();
  if (limit < 0 || bytes <= limit) return;  // not known here: the allocation itself will tell
  throw ResourceLimit(field, value,
                      "a request that fits in memory: " + what + " needs about " +
                          format_bytes(static_cast<double>(bytes)) + " and " + format_bytes(static_cast<double>(limit)) +
                          " are available" + (std::getenv("MSMESIM_MEMORY_LIMIT") ? " (MSMESIM_MEMORY_LIMIT)" : ""));
}

void require_memory(const std::string& field, std::int64_t firms) {
  require_bytes(field, std::to_string(firms), firms * kBytesPerFirm,
                "a run of " + std::to_string(firms) + " firms (about " + std::to_string(kBytesPerFirm) +
                    " bytes a firm with its population and results)");
}

}  // namespace detail
}  // namespace msmesim
