#include "io/csv.hpp"

#include <fcntl.h>
#if defined(_WIN32)
#include <io.h>
#include <process.h>
#else
#include <unistd.h>
#endif

#include <algorithm>
#include <atomic>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>

#include "msmesim/core/error.hpp"
#include "msmesim/core/params.hpp"

namespace msmesim::detail::csv {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(path + ": cannot open for reading");
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

namespace {

// The convention of a file whose first record starts at text[i]: semicolons
// outside quotes and no comma there mark a spreadsheet export in an
// Indonesian locale.
CsvLocale detect_locale(const std::string& text, std::size_t i) {
  bool in_quotes = false;
  std::size_t commas = 0, semicolons = 0;
  for (; i < text.size(); ++i) {
    const char ch = text[i];
    if (ch == '"') in_quotes = !in_quotes;  // (a doubled quote toggles twice)
    if (in_quotes) continue;
    if (ch == '\n') break;
    commas += ch == ',';
    semicolons += ch == ';';
  }
  return semicolons > 0 && commas == 0 ? CsvLocale::id : CsvLocale::en;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

// A number written in the Indonesian convention (1.234.567,89; -0,5;
// 1,5E+06) in the form from_chars reads, or "" when it is not one.
std::string plain_number(std::string_view v) {
  std::string out;
  if (!v.empty() && (v.front() == '-' || v.front() == '+')) {
    if (v.front() == '-') out += '-';
    v.remove_prefix(1);
  }
  std::string_view exponent;
  if (const auto e = v.find_first_of("eE"); e != std::string_view::npos) {
    exponent = v.substr(e);
    v = v.substr(0, e);
    std::string_view digits = exponent.substr(1);
    if (!digits.empty() && (digits.front() == '-' || digits.front() == '+')) digits.remove_prefix(1);
    if (!all_digits(digits)) return "";
  }
  std::string_view whole = v, fraction;
  bool has_fraction = false;
  if (const auto c = v.find(','); c != std::string_view::npos) {
    whole = v.substr(0, c);
    fraction = v.substr(c + 1);
    has_fraction = true;
    if (!all_digits(fraction)) return "";
  }
  // Points only between groups of three digits, the first of one to three.
  std::size_t group = 0;
  for (std::size_t start = 0;; ++group) {
    const auto dot = whole.find('.', start);
    const std::string_view part = whole.substr(start, dot == std::string_view::npos ? whole.npos : dot - start);
    if (!all_digits(part) || (group == 0 && part.size() > 3 && dot != std::string_view::npos) ||
        (group > 0 && part.size() != 3))
      return "";
    out += part;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (has_fraction) {
    out += '.';
    out += fraction;
  }
  out += exponent;
  return out;
}

// What `allowed` means in the file's convention.
std::string in_locale(const std::string& allowed, CsvLocale locale) {
  if (locale != CsvLocale::id) return allowed;
  return allowed +
         ", written in the Indonesian convention of this file (fields separated by semicolons): a decimal comma "
         "and points between thousands, as 1.234.567,5";
}

}  // namespace

Document read_csv(const std::string& path, CsvLocale locale) {
  std::string text = read_file(path);
  std::size_t i = 0;
  if (text.size() >= 3 && text.compare(0, 3, "\xEF\xBB\xBF") == 0) i = 3;  // UTF-8 BOM
  if (text.compare(0, 4, "PK\x03\x04") == 0)
    throw ParseError(path, 1, "(file)", "a zip archive, as an .xlsx workbook is",
                     "a CSV file; msmesim.load_population_csv and the msmesim command read .xlsx workbooks "
                     "(docs/data.md)");
  if (locale == CsvLocale::detect) locale = detect_locale(text, i);
  const char separator = locale == CsvLocale::id ? ';' : ',';
  std::vector<Record> out;
  std::int64_t line = 1;
  Record rec;
  rec.line = 1;
  std::string field;
  bool in_quotes = false, field_started = false, any = false;
  auto end_field = [&] {
    rec.fields.push_back(std::move(field));
    field.clear();
    field_started = false;
  };
  auto end_record = [&] {
    end_field();
    if (!(rec.fields.size() == 1 && rec.fields[0].empty())) out.push_back(std::move(rec));
    rec = Record{};
    rec.line = line;
    any = false;
  };
  for (; i < text.size(); ++i) {
    char ch = text[i];
    if (in_quotes) {
      if (ch == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          in_quotes = false;
        }
      } else {
        if (ch == '\n') ++line;
        field += ch;
      }
      continue;
    }
    if (ch == '"' && !field_started) {
      in_quotes = true;
      field_started = true;
      any = true;
    } else if (ch == separator) {
      end_field();
      any = true;
    } else if (ch == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      continue;
    } else if (ch == '\n') {
      ++line;
      end_record();
    } else {
      field += ch;
      field_started = true;
      any = true;
    }
  }
  if (in_quotes)
    throw ParseError(path, rec.line, "(record)", "an unterminated quoted field", "a closing double quote");
  if (any || !field.empty()) end_record();
  return {std::move(out), locale};
}

std::string trim(std::string s) {
  auto not_space = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  return s;
}

std::string format_number(double v) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, res.ptr);
}

std::string format_number(float v) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, res.ptr);
}

std::string csv_quote(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char ch : s) {
    if (ch == '"') out += '"';
    out += ch;
  }
  return out + "\"";
}

std::vector<int> map_header(const std::string& path, const Record& header, std::span<const ColumnDef> cols) {
  std::vector<int> index(cols.size(), -1);
  for (std::size_t k = 0; k < header.fields.size(); ++k) {
    std::string col = trim(header.fields[k]);
    if (col.rfind("x_", 0) == 0) continue;  // carried by the file, not used
    int found = -1;
    for (std::size_t c = 0; c < cols.size(); ++c)
      if (col == cols[c].name) found = static_cast<int>(c);
    if (found < 0) {
      std::vector<std::string_view> names;
      for (const auto& ci : cols) names.emplace_back(ci.name);
      throw ParseError(path, header.line, col, col,
                       "a column documented in docs/data.md" + did_you_mean(col, names) +
                           "; prefix a column with x_ to keep it in the file unused");
    }
    if (index[static_cast<std::size_t>(found)] >= 0) throw ParseError(path, header.line, col, col, "each column once");
    index[static_cast<std::size_t>(found)] = static_cast<int>(k);
  }
  std::string required;
  for (const auto& ci : cols)
    if (ci.required) required += (required.empty() ? "" : ", ") + std::string(ci.name);
  for (std::size_t c = 0; c < cols.size(); ++c)
    if (cols[c].required && index[c] < 0)
      throw ParseError(path, header.line, cols[c].name, "(missing)", "a header with the required columns " + required);
  return index;
}

void check_field_count(const std::string& path, const Record& rec, const Record& header) {
  if (rec.fields.size() != header.fields.size())
    throw ParseError(path, rec.line, "(record)", std::to_string(rec.fields.size()) + " fields",
                     std::to_string(header.fields.size()) + " fields, as in the header");
}

const std::string* Reader::raw(int c) const {
  int k = index[static_cast<std::size_t>(c)];
  if (k < 0 || static_cast<std::size_t>(k) >= rec.fields.size()) return nullptr;
  return &rec.fields[static_cast<std::size_t>(k)];
}

void Reader::fail(int c, const std::string& value, const std::string& allowed) const {
  throw ParseError(path, rec.line, cols[static_cast<std::size_t>(c)].name, value, allowed);
}

bool Reader::present(int c) const {
  auto* r = raw(c);
  return r && !trim(*r).empty();
}

std::string Reader::text(int c) const {
  auto* r = raw(c);
  std::string v = r ? trim(*r) : std::string();
  if (v.empty() && cols[static_cast<std::size_t>(c)].required) fail(c, "", "a value (the column is required)");
  return v;
}

double Reader::number(int c, double lo, double hi, double fallback, const char* allowed) const {
  if (!present(c)) {
    if (cols[static_cast<std::size_t>(c)].required) fail(c, "", "a value (the column is required)");
    return fallback;
  }
  const std::string written = text(c);
  const std::string v = locale == CsvLocale::id ? plain_number(written) : written;
  double x = 0;
  auto res = std::from_chars(v.data(), v.data() + v.size(), x);
  if (v.empty() || res.ec != std::errc() || res.ptr != v.data() + v.size() || !std::isfinite(x) || x < lo || x > hi)
    fail(c, written, in_locale(allowed, locale));
  return x;
}

std::int64_t Reader::integer(int c, std::int64_t lo, std::int64_t hi, std::int64_t fallback,
                             const char* allowed) const {
  if (!present(c)) {
    if (cols[static_cast<std::size_t>(c)].required) fail(c, "", "a value (the column is required)");
    return fallback;
  }
  const std::string written = text(c);
  const std::string v = locale == CsvLocale::id ? plain_number(written) : written;
  std::int64_t x = 0;
  auto res = std::from_chars(v.data(), v.data() + v.size(), x);
  if (v.empty() || res.ec != std::errc() || res.ptr != v.data() + v.size() || x < lo || x > hi)
    fail(c, written, in_locale(allowed, locale));
  return x;
}

std::uint8_t Reader::flag(int c, std::uint8_t fallback) const {
  if (!present(c)) return fallback;
  std::string v = text(c);
  std::string l = v;
  std::transform(l.begin(), l.end(), l.begin(), [](unsigned char ch) { return std::tolower(ch); });
  if (l == "1" || l == "true" || l == "yes" || l == "y" || l == "ya") return 1;
  if (l == "0" || l == "false" || l == "no" || l == "n" || l == "tidak") return 0;
  fail(c, v, "0/1, true/false, yes/no or ya/tidak");
}

namespace {

int process_id() {
#if defined(_WIN32)
  return ::_getpid();
#else
  return static_cast<int>(::getpid());
#endif
}

// Puts a closed file's contents on disk.
bool flush_to_disk(const std::string& file) {
#if defined(_WIN32)
  const int fd = ::_open(file.c_str(), _O_RDWR | _O_BINARY);  // (_commit needs write access)
  if (fd < 0) return false;
  const bool ok = ::_commit(fd) == 0;
  ::_close(fd);
#else
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
#endif
  return ok;
}

}  // namespace

void write_atomically(const std::string& path, const std::function<void(std::ostream&)>& body) {
  // A name of this process and call alone, so that concurrent writers of
  // the same file never share a temporary file.
  static std::atomic<std::uint64_t> calls{0};
  const std::string tmp = path + ".tmp" + std::to_string(process_id()) + "-" + std::to_string(calls++);
  try {
    std::ofstream out(tmp, std::ios::binary);
    if (!out) throw IoError(path + ": cannot open " + tmp + " for writing");
    body(out);
    out.close();
    if (!out) throw IoError(path + ": write failed (" + tmp + ")");
    // On disk before it takes the final name.
    if (!flush_to_disk(tmp)) throw IoError(path + ": cannot flush " + tmp + " to disk");
  } catch (...) {
    std::remove(tmp.c_str());
    throw;
  }
  // (std::filesystem::rename replaces an existing file on every platform;
  // std::rename does not on Windows.)
  std::error_code renamed;
  std::filesystem::rename(tmp, path, renamed);
  if (renamed) {
    std::remove(tmp.c_str());
    throw IoError(path + ": cannot rename " + tmp + " into place");
  }
}

}  // namespace msmesim::detail::csv

namespace msmesim {

std::string_view to_string(CsvLocale locale) {
  switch (locale) {
    case CsvLocale::en:
      return "en";
    case CsvLocale::id:
      return "id";
    case CsvLocale::detect:
      break;
  }
  return "auto";
}

CsvLocale parse_csv_locale(std::string_view text, std::string_view field) {
  for (const CsvLocale l : {CsvLocale::detect, CsvLocale::en, CsvLocale::id})
    if (text == to_string(l)) return l;
  throw InvalidArgument(std::string(field), std::string(text),
                        "auto (detected from the header row), en (commas, 1234.5) or id (semicolons, 1.234,5)");
}

}  // namespace msmesim
