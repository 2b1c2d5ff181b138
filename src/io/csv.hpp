// CSV helpers shared by the firm, cooperative and membership files: an
// RFC 4180 reader (comma-separated; double-quoted fields may contain commas,
// quotes and newlines), header mapping against a column table, typed field
// access with ParseError messages, and atomic writes.
#pragma once

#include <cstdint>
#include <functional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "msmesim/population/population.hpp"

namespace msmesim::detail::csv {

/// One record of a CSV file and the (1-based) line on which it starts.
struct Record {
  std::int64_t line = 0;
  std::vector<std::string> fields;
};

/// The records of a file and the convention they were read in (never
/// CsvLocale::detect).
struct Document {
  std::vector<Record> records;
  CsvLocale locale = CsvLocale::en;
};

/// Reads every non-blank record of `path` (a UTF-8 BOM is skipped; CRLF is
/// accepted), with fields separated as `locale` says (detect: semicolons
/// when the first record has a semicolon outside quotes and no comma, else
/// commas). Throws IoError if the file cannot be opened and ParseError for
/// an unterminated quoted field.
Document read_csv(const std::string& path, CsvLocale locale = CsvLocale::detect);

/// `s` without leading and trailing white space.
std::string trim(std::string s);
/// Shortest text that reads back as exactly `v`.
std::string format_number(double v);
/// Shortest text that reads back as exactly `v`, also when read as a double
/// and then narrowed to float (as the loaders read float columns): 0.999,
/// not 0.9990000128746033, which is above a column's bound of 0.999.
std::string format_number(float v);
/// `s`, double-quoted if it contains a comma, quote or line break.
std::string csv_quote(const std::string& s);

/// A column a file may have.
struct ColumnDef {
  const char* name;
  bool required;
};

/// Maps the header's columns to `cols`: the result holds, for each column of
/// `cols`, its field position or -1 if absent. Columns prefixed `x_` are
/// skipped; unknown (with a did-you-mean hint), repeated and missing required
/// columns are ParseErrors naming `path` and the header's line.
std::vector<int> map_header(const std::string& path, const Record& header, std::span<const ColumnDef> cols);

/// Throws ParseError unless `rec` has as many fields as the header.
void check_field_count(const std::string& path, const Record& rec, const Record& header);

/// Typed access to the fields of one record; failures are ParseErrors naming
/// the file, the record's line, the column and the value.
struct Reader {
  const std::string& path;
  const Record& rec;
  const std::vector<int>& index;
  std::span<const ColumnDef> cols;
  /// How numbers are written (CsvLocale::id: 1.234,5).
  CsvLocale locale = CsvLocale::en;

  const std::string* raw(int c) const;
  [[noreturn]] void fail(int c, const std::string& value, const std::string& allowed) const;
  /// The column exists and the field is not blank.
  bool present(int c) const;
  /// The trimmed field; blank in a required column is an error.
  std::string text(int c) const;
  /// A finite number in [lo, hi]; `fallback` when blank or absent (an error
  /// for a required column). In CsvLocale::id a decimal comma, and points
  /// between groups of three digits.
  double number(int c, double lo, double hi, double fallback, const char* allowed) const;
  /// A whole number in [lo, hi]; `fallback` when blank or absent.
  std::int64_t integer(int c, std::int64_t lo, std::int64_t hi, std::int64_t fallback, const char* allowed) const;
  /// 0/1, true/false, yes/no, y/n or ya/tidak (any case); `fallback` when
  /// blank or absent.
  std::uint8_t flag(int c, std::uint8_t fallback) const;
};

/// The whole content of a file; IoError naming it when it cannot be opened.
std::string read_file(const std::string& path);

/// Writes `path` through a temporary file beside it (a name of this process
/// and call), flushed to disk and renamed into place, so that readers never
/// see a half-written file and a crash leaves the old one. `body` writes
/// the content; if it throws, the temporary file is removed.
void write_atomically(const std::string& path, const std::function<void(std::ostream&)>& body);

/// A firm's entry in the `cooperative` column of a firm file: the firm's
/// row, the line it is on, the id and the id as written.
struct CoopRef {
  std::size_t firm = 0;
  std::int64_t line = 0;
  std::int64_t id = -1;
  std::string text;
};

/// Reads the firms of a firm file (population_csv.cpp) with every firm's
/// `cooperative` set to -1 and without validating. With `refs`, the
/// cooperative ids the file gives (other than -1 or empty) are appended to
/// it, in firm order; without, such an id is a ParseError.
Population read_firms(const std::string& path, std::string_view name, ClassRegime regime,
                      std::vector<CoopRef>* refs, CsvLocale locale = CsvLocale::detect);

}  // namespace msmesim::detail::csv
