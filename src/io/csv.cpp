#include "io/csv.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
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

std::vector<Record> read_csv(const std::string& path) {
  std::string text = read_file(path);
  std::size_t i = 0;
  if (text.size() >= 3 && text.compare(0, 3, "\xEF\xBB\xBF") == 0) i = 3;  // UTF-8 BOM
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
    } else if (ch == ',') {
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
  return out;
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
  std::string v = text(c);
  double x = 0;
  auto res = std::from_chars(v.data(), v.data() + v.size(), x);
  if (res.ec != std::errc() || res.ptr != v.data() + v.size() || !std::isfinite(x) || x < lo || x > hi)
    fail(c, v, allowed);
  return x;
}

std::int64_t Reader::integer(int c, std::int64_t lo, std::int64_t hi, std::int64_t fallback,
                             const char* allowed) const {
  if (!present(c)) {
    if (cols[static_cast<std::size_t>(c)].required) fail(c, "", "a value (the column is required)");
    return fallback;
  }
  std::string v = text(c);
  std::int64_t x = 0;
  auto res = std::from_chars(v.data(), v.data() + v.size(), x);
  if (res.ec != std::errc() || res.ptr != v.data() + v.size() || x < lo || x > hi) fail(c, v, allowed);
  return x;
}

std::uint8_t Reader::flag(int c, std::uint8_t fallback) const {
  if (!present(c)) return fallback;
  std::string v = text(c);
  std::string l = v;
  std::transform(l.begin(), l.end(), l.begin(), [](unsigned char ch) { return std::tolower(ch); });
  if (l == "1" || l == "true" || l == "yes" || l == "y") return 1;
  if (l == "0" || l == "false" || l == "no" || l == "n") return 0;
  fail(c, v, "0/1, true/false or yes/no");
}

void write_atomically(const std::string& path, const std::function<void(std::ostream&)>& body) {
  // A name of this process and call alone, so that concurrent writers of
  // the same file never share a temporary file.
  static std::atomic<std::uint64_t> calls{0};
  const std::string tmp = path + ".tmp" + std::to_string(::getpid()) + "-" + std::to_string(calls++);
  try {
    std::ofstream out(tmp, std::ios::binary);
    if (!out) throw IoError(path + ": cannot open " + tmp + " for writing");
    body(out);
    out.close();
    if (!out) throw IoError(path + ": write failed (" + tmp + ")");
    // On disk before it takes the final name.
    const int fd = ::open(tmp.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || ::fsync(fd) != 0) {
      if (fd >= 0) ::close(fd);
      throw IoError(path + ": cannot flush " + tmp + " to disk");
    }
    ::close(fd);
  } catch (...) {
    std::remove(tmp.c_str());
    throw;
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw IoError(path + ": cannot rename " + tmp + " into place");
  }
}

}  // namespace msmesim::detail::csv
