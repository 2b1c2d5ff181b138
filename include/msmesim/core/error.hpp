// Typed errors. Every invalid value is reported with the field it came from,
// the value itself and what would have been allowed, so that a planner can fix
// a scenario without reading code. Nothing is clamped silently.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace msmesim {

/// Base of every error msmesim throws.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A value outside what is allowed. `field` names it the way the user wrote it
/// (a C++ member, a Python keyword or a CSV column), `value` is the offending
/// value as text and `allowed` says what would be accepted.
class InvalidArgument : public Error {
 public:
  InvalidArgument(std::string field, std::string value, std::string allowed);
  const std::string& field() const noexcept { return field_; }
  const std::string& value() const noexcept { return value_; }
  const std::string& allowed() const noexcept { return allowed_; }

 private:
  std::string field_, value_, allowed_;
};

/// A value of the wrong kind (text where a number belongs, and the like).
class TypeMismatch : public InvalidArgument {
 public:
  using InvalidArgument::InvalidArgument;
};

/// A request that would need more memory than is available (or more
/// outputs than an ensemble can index), refused before anything is
/// allocated. `field` names what to lower, `value` the request and
/// `allowed` the estimate against the limit. The limit is the memory
/// available now (MemAvailable of /proc/meminfo), or the environment
/// variable MSMESIM_MEMORY_LIMIT when set (bytes, or with a K, M or G
/// suffix), whichever is smaller.
class ResourceLimit : public InvalidArgument {
 public:
  using InvalidArgument::InvalidArgument;
};

/// A malformed input file: names the file, the line (1-based), the column and
/// the value that could not be read.
class ParseError : public Error {
 public:
  ParseError(std::string file, std::int64_t line, std::string column, std::string value,
             std::string allowed);
  const std::string& file() const noexcept { return file_; }
  std::int64_t line() const noexcept { return line_; }
  const std::string& column() const noexcept { return column_; }
  const std::string& value() const noexcept { return value_; }
  const std::string& allowed() const noexcept { return allowed_; }

 protected:
  /// For subclasses that word the message themselves.
  ParseError(const std::string& message, std::string file, std::int64_t line, std::string column, std::string value,
             std::string allowed);

 private:
  std::string file_;
  std::int64_t line_;
  std::string column_, value_, allowed_;
};

/// A file that cannot be opened or written.
class IoError : public Error {
 public:
  using Error::Error;
};

/// A run stopped because its progress callback asked it to.
class Cancelled : public Error {
 public:
  explicit Cancelled(int months_completed);
  /// An ensemble stopped after `completed` replications (kept).
  Cancelled(int completed, const std::string& what);
  /// Months (of a run) or replications (of an ensemble) completed.
  int months_completed() const noexcept { return months_completed_; }

 private:
  int months_completed_;
};

namespace detail {
/// Formats a number the way error messages show it (shortest round-trip form).
std::string format_value(double v);
std::string format_value(std::int64_t v);
/// Throws InvalidArgument unless lo <= v <= hi and v is finite.
void require_range(const std::string& field, double v, double lo, double hi);
/// Throws InvalidArgument unless lo <= v <= hi.
void require_range(const std::string& field, std::int64_t v, std::int64_t lo, std::int64_t hi);
/// Bytes of memory a run needs per firm (population, state and results), an
/// upper estimate.
inline constexpr std::int64_t kBytesPerFirm = 1024;
/// Bytes that may be allocated now: the smaller of MemAvailable and
/// MSMESIM_MEMORY_LIMIT; -1 when neither is known. A malformed
/// MSMESIM_MEMORY_LIMIT is an InvalidArgument naming it.
std::int64_t memory_limit_bytes();
/// Throws ResourceLimit on `field` (whose request is `value`) when `bytes`
/// (what `what` needs) exceed memory_limit_bytes().
void require_bytes(const std::string& field, const std::string& value, std::int64_t bytes, const std::string& what);
/// Throws ResourceLimit on `field` when `firms` firms (a run with its
/// population, about kBytesPerFirm each) would not fit.
void require_memory(const std::string& field, std::int64_t firms);
/// Bytes as text ("1.5 GiB", "320 MiB", "12 KiB").
std::string format_bytes(double bytes);
}  // namespace detail

}  // namespace msmesim
