// Scenario files in TOML (docs/scenario.md), read with toml++: a strict
// reader that knows every key, checks types and ranges, and names the file,
// line and key path of anything wrong; and the writer for the round trip.
#include "msmesim/scenario/scenario_file.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <sstream>

#include "io/csv.hpp"
#include "msmesim/scenario/presets.hpp"
#include "msmesim/programmes/programme.hpp"

namespace msmesim {

ScenarioFileError::ScenarioFileError(std::string file, std::int64_t line, std::string key, std::string value,
                                     std::string allowed)
    : ParseError(file + ":" + std::to_string(line) + ": key '" + key + "': got " + value + "; allowed: " + allowed,
                 file, line, key, value, allowed) {}

ScenarioFileError::ScenarioFileError(const std::string& message, const ScenarioFileError& first,
                                     std::shared_ptr<const std::vector<ScenarioFileError>> all)
    : ParseError(message, first.file(), first.line(), first.column(), first.value(), first.allowed()),
      all_(std::move(all)) {}

ScenarioFileError ScenarioFileError::combined(std::vector<ScenarioFileError> all) {
  if (all.empty()) throw std::logic_error("ScenarioFileError::combined needs at least one error");
  if (all.size() == 1) return all.front();
  std::stable_sort(all.begin(), all.end(),
                   [](const ScenarioFileError& a, const ScenarioFileError& b) { return a.line() < b.line(); });
  std::string message = all.front().file() + ": " + std::to_string(all.size()) + " errors:";
  for (const auto& e : all)
    message += "\n  line " + std::to_string(e.line()) + ": key '" + e.key() + "': got " + e.value() +
               "; allowed: " + e.allowed();
  const ScenarioFileError first = all.front();
  return ScenarioFileError(message, first, std::make_shared<const std::vector<ScenarioFileError>>(std::move(all)));
}

std::vector<ScenarioFileError> ScenarioFileError::errors() const {
  if (all_) return *all_;
  return {*this};
}

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

/// "did you mean 'x'? " for the candidate closest to `given`, or "".
std::string hint(std::string_view given, std::span<const std::string_view> candidates) {
  const std::string best = closest_name(given, candidates);
  return best.empty() ? std::string() : "did you mean '" + best + "'? ";
}

std::string describe(const toml::node& n) {
  if (const auto* s = n.as_string()) return "'" + s->get() + "'";
  if (const auto* i = n.as_integer()) return std::to_string(i->get());
  if (const auto* f = n.as_floating_point()) return detail::format_value(f->get());
  if (const auto* b = n.as_boolean()) return b->get() ? "true" : "false";
  if (n.is_table()) return "a table";
  if (n.is_array()) return "an array";
  return "a date or time";
}

/// A piece of a TOML text: code (keys, values other than strings,
/// punctuation), a comment, or a string with its delimiters.
struct Span {
  enum Kind { code, comment, basic, literal, ml_basic, ml_literal } kind;
  std::size_t begin, end;
  bool closed;  ///< a string's closing delimiter is there
};

/// Splits a TOML text into code, comments and strings as TOML's grammar
/// does (a string left open ends at the line break, or a multi-line one at
/// the end of the text, where the parser reports it).
std::vector<Span> toml_spans(std::string_view text) {
  std::vector<Span> spans;
  std::size_t k = 0, code_begin = 0;
  auto flush_code = [&](std::size_t end) {
    if (end > code_begin) spans.push_back({Span::code, code_begin, end, true});
  };
  auto run = [&](std::size_t at, char q) {
    std::size_t n = 0;
    while (at + n < text.size() && text[at + n] == q) ++n;
    return n;
  };
  while (k < text.size()) {
    const char ch = text[k];
    if (ch != '#' && ch != '"' && ch != '\'') {
      ++k;
      continue;
    }
    flush_code(k);
    const std::size_t begin = k;
    bool closed = false;
    Span::Kind kind = Span::comment;
    if (ch == '#') {
      while (k < text.size() && text[k] != '\n') ++k;
      closed = true;
    } else if (run(k, ch) >= 3) {  // multi-line: up to two quotes may end the content
      kind = ch == '"' ? Span::ml_basic : Span::ml_literal;
      k += 3;
      while (k < text.size()) {
        if (ch == '"' && text[k] == '\\') {
          k += 2;
        } else if (text[k] == ch && run(k, ch) >= 3) {
          k += run(k, ch);
          closed = true;
          break;
        } else {
          ++k;
        }
      }
      k = std::min(k, text.size());
    } else {
      kind = ch == '"' ? Span::basic : Span::literal;
      ++k;
      while (k < text.size() && text[k] != '\n') {
        if (ch == '"' && text[k] == '\\' && k + 1 < text.size() && text[k + 1] != '\n') {
          k += 2;
        } else if (text[k] == ch) {
          ++k;
          closed = true;
          break;
        } else {
          ++k;
        }
      }
    }
    spans.push_back({kind, begin, k, closed});
    code_begin = k;
  }
  flush_code(text.size());
  return spans;
}

/// The code point of the well-formed UTF-8 sequence at text[k] and its
/// length, or length 0 where the bytes are not well-formed UTF-8.
std::pair<char32_t, std::size_t> utf8_at(std::string_view text, std::size_t k) {
  const auto byte = [&](std::size_t i) { return k + i < text.size() ? static_cast<unsigned char>(text[k + i]) : 0u; };
  const auto cont = [&](std::size_t i) { return (byte(i) & 0xC0u) == 0x80u; };
  const unsigned b0 = byte(0);
  if (b0 >= 0xC2 && b0 <= 0xDF && cont(1)) return {static_cast<char32_t>(((b0 & 0x1Fu) << 6) | (byte(1) & 0x3Fu)), 2};
  if (b0 >= 0xE0 && b0 <= 0xEF && cont(1) && cont(2)) {
    const char32_t c = ((b0 & 0x0Fu) << 12) | ((byte(1) & 0x3Fu) << 6) | (byte(2) & 0x3Fu);
    if (c >= 0x800 && (c < 0xD800 || c > 0xDFFF)) return {c, 3};
  }
  if (b0 >= 0xF0 && b0 <= 0xF4 && cont(1) && cont(2) && cont(3)) {
    const char32_t c = ((b0 & 0x07u) << 18) | ((byte(1) & 0x3Fu) << 12) | ((byte(2) & 0x3Fu) << 6) | (byte(3) & 0x3Fu);
    if (c >= 0x10000 && c <= 0x10FFFF) return {c, 4};
  }
  return {0, 0};
}

/// `text` in the form handed to toml++. The toml++ of Debian 12 (3.3.0)
/// asks "is this Unicode whitespace?" of characters in keys, after a
/// backslash in a multi-line string and between tokens, and for many code
/// points (U+00A1 to U+0499 among them) that lookup runs into
/// __builtin_unreachable: undefined behaviour (toml++ issue 295, fixed after
/// 3.3). So it never sees a character beyond ASCII outside a comment: inside
/// strings they are written as \uXXXX escapes (a literal string holding one
/// becomes the same string in double quotes), which reads back to the same
/// text; anywhere else TOML allows none, and it is an error here. Lines are
/// kept, so toml++'s line numbers stay right.
std::string readable_by_toml(std::string_view text, const std::string& source) {
  bool ascii = true;
  for (const char ch : text) ascii = ascii && static_cast<unsigned char>(ch) < 0x80;
  if (ascii) return std::string(text);
  auto line_at = [&](std::size_t k) {
    return static_cast<std::int64_t>(1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(k), '\n'));
  };
  auto shown = [&](std::size_t k) {
    const auto [c, len] = utf8_at(text, k);
    char code[16];
    std::snprintf(code, sizeof code, "U+%04X", static_cast<unsigned>(c));
    return len == 0 ? std::string("a byte that is not UTF-8")
                    : "'" + std::string(text.substr(k, len)) + "' (" + code + ")";
  };
  auto escape = [](char32_t c) {
    char buf[16];
    if (c <= 0xFFFF) {
      std::snprintf(buf, sizeof buf, "\\u%04X", static_cast<unsigned>(c));
    } else {
      std::snprintf(buf, sizeof buf, "\\U%08X", static_cast<unsigned>(c));
    }
    return std::string(buf);
  };
  std::string out;
  out.reserve(text.size() + 64);
  for (const Span& s : toml_spans(text)) {
    const std::string_view part = text.substr(s.begin, s.end - s.begin);
    if (s.kind == Span::comment) {
      out += part;
      continue;
    }
    if (s.kind == Span::code) {
      for (std::size_t k = s.begin; k < s.end; ++k) {
        if (static_cast<unsigned char>(text[k]) < 0x80) {
          out += text[k];
        } else if (k == 0 && text.substr(0, 3) == "\xEF\xBB\xBF") {  // a byte order mark
          out += text.substr(0, 3);
          k += 2;
        } else {
          throw ScenarioFileError(source, line_at(k), "(syntax)", shown(k) + " outside a string or comment",
                                  "a TOML document (https://toml.io): characters beyond ASCII only inside strings "
                                  "and comments");
        }
      }
      continue;
    }
    bool has_other = false;
    for (const char ch : part) has_other = has_other || static_cast<unsigned char>(ch) >= 0x80;
    if (!has_other) {
      out += part;
      continue;
    }
    const bool multi = s.kind == Span::ml_basic || s.kind == Span::ml_literal;
    const bool literal = s.kind == Span::literal || s.kind == Span::ml_literal;
    const std::size_t delim = multi ? 3 : 1;
    // A closing run of quotes may hold up to two quotes of the content.
    const std::size_t content_end = s.closed ? s.end - delim : s.end;
    out += multi ? "\"\"\"" : "\"";
    for (std::size_t k = s.begin + delim; k < content_end; ++k) {
      const char ch = text[k];
      if (static_cast<unsigned char>(ch) >= 0x80) {
        const auto [c, len] = utf8_at(text, k);
        if (len == 0) {
          out += ch;  // not UTF-8: toml++ reports it
        } else {
          out += escape(c);
          k += len - 1;
        }
      } else if (literal && (ch == '\\' || ch == '"')) {
        out += '\\';
        out += ch;
      } else if (!literal && ch == '\\' && k + 1 < content_end) {
        if (static_cast<unsigned char>(text[k + 1]) >= 0x80)
          throw ScenarioFileError(source, line_at(k), "(syntax)", "a backslash before " + shown(k + 1) + " in a string",
                                  "an escape sequence: \\b, \\t, \\n, \\f, \\r, \\\", \\\\, \\uXXXX or \\UXXXXXXXX");
        out += ch;
        out += text[++k];
      } else {
        out += ch;
      }
    }
    if (s.closed) out += multi ? "\"\"\"" : "\"";
  }
  return out;
}

/// The strict reader: one per file.
class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  /// Runs `read`; an error in it is kept (errors()) and reading goes on
  /// with what follows, so that a file's mistakes are reported together.
  template <class F>
  void collect(F&& read) const {
    try {
      read();
    } catch (const ScenarioFileError& e) {
      for (auto& one : e.errors()) errors_.push_back(std::move(one));
    }
  }
  /// Keeps an error found by a check that needs no unwinding.
  void record(ScenarioFileError e) const { errors_.push_back(std::move(e)); }
  /// Throws every error kept so far, as one.
  void throw_collected() const {
    if (!errors_.empty()) throw ScenarioFileError::combined(errors_);
  }
  bool clean() const { return errors_.empty(); }

  [[noreturn]] void fail(std::int64_t line, const std::string& key, const std::string& value,
                         const std::string& allowed) const {
    throw ScenarioFileError(file_, line, key, value, allowed);
  }
  [[noreturn]] void fail(const toml::node& n, const std::string& key, const std::string& allowed) const {
    fail(static_cast<std::int64_t>(n.source().begin.line), key, describe(n), allowed);
  }

  /// Errors on keys of `t` outside `known` (with the closest known key),
  /// each kept as the reading goes on.
  void only(const toml::table& t, const std::string& path, std::initializer_list<std::string_view> known) const {
    only(t, path, std::span<const std::string_view>(known.begin(), known.size()));
  }
  void only(const toml::table& t, const std::string& path, std::span<const std::string_view> known) const {
    for (auto&& [k, v] : t) {
      const std::string key(k.str());
      if (std::find(known.begin(), known.end(), key) != known.end()) continue;
      std::string all;
      for (auto c : known) all += (all.empty() ? "" : ", ") + std::string(c);
      // Every unknown key is kept (the keys known are read all the same).
      record(ScenarioFileError(file_, static_cast<std::int64_t>(k.source().begin.line), join(path, key),
                               "'" + key + "' (an unknown key)", hint(key, known) + "one of " + all));
    }
  }

  static std::string join(const std::string& path, std::string_view key) {
    return path.empty() ? std::string(key) : path + "." + std::string(key);
  }

  const toml::table* table(const toml::table& t, const std::string& path, std::string_view key) const {
    const toml::node* n = t.get(key);
    if (n == nullptr) return nullptr;
    if (!n->is_table()) fail(*n, join(path, key), "a table");
    return n->as_table();
  }
  const toml::array* array(const toml::table& t, const std::string& path, std::string_view key) const {
    const toml::node* n = t.get(key);
    if (n == nullptr) return nullptr;
    if (!n->is_array()) fail(*n, join(path, key), "an array");
    return n->as_array();
  }
  /// Each table of the array of tables `key` of the document's root `t`
  /// (`[[key]]`), read by `read(table, "key[i]")` on its own: a mistake in
  /// one is kept and the next is read.
  template <class F>
  void each_table(const toml::table& t, const std::string& key, F&& read) const {
    collect([&] {
      if (const toml::array* a = array(t, "", key))
        for (std::size_t k = 0; k < a->size(); ++k)
          collect([&] {
            const std::string path = key + "[" + std::to_string(k) + "]";
            if (!a->get(k)->is_table()) fail(*a->get(k), path, "a table ([[" + key + "]])");
            read(*a->get(k)->as_table(), path);
          });
    });
  }

  double number(const toml::node& n, const std::string& key, double lo, double hi) const {
    // An infinite value only where the range is open at both ends (the
    // bounds of an eligibility range); elsewhere a finite number, as
    // validation says ("a finite number >= 0").
    const bool finite = lo > -kInf;
    const std::string allowed = (finite && hi == kInf) ? "a finite number >= " + detail::format_value(lo)
                                                       : "a number" + range_text(lo, hi);
    double v = 0.0;
    if (const auto* i = n.as_integer()) {
      v = static_cast<double>(i->get());
    } else if (const auto* f = n.as_floating_point()) {
      v = f->get();
    } else {
      fail(n, key, allowed);
    }
    if (!(v >= lo && v <= hi) || std::isnan(v) || (finite && std::isinf(v))) fail(n, key, allowed);
    return v;
  }
  void number(const toml::table& t, const std::string& path, std::string_view key, double& out, double lo,
              double hi) const {
    if (const toml::node* n = t.get(key)) out = number(*n, join(path, key), lo, hi);
  }
  std::int64_t integer(const toml::node& n, const std::string& key, std::int64_t lo, std::int64_t hi) const {
    const auto* i = n.as_integer();
    if (i == nullptr || i->get() < lo || i->get() > hi) fail(n, key, "an integer" + range_text(lo, hi));
    return i->get();
  }
  template <class T>
  void integer(const toml::table& t, const std::string& path, std::string_view key, T& out, std::int64_t lo,
               std::int64_t hi) const {
    if (const toml::node* n = t.get(key)) out = static_cast<T>(integer(*n, join(path, key), lo, hi));
  }
  /// A whole option of the options' table (scenario_option), by its key path.
  template <class T>
  void option(const toml::table& t, const std::string& key_path, T& out) const {
    const ParamInfo& row = scenario_option(key_path);
    const auto dot = key_path.rfind('.');
    const std::string path = dot == std::string::npos ? "" : key_path.substr(0, dot);
    const std::string key = dot == std::string::npos ? key_path : key_path.substr(dot + 1);
    integer(t, path, key, out, static_cast<std::int64_t>(row.min), whole_max(row));
  }
  void boolean(const toml::table& t, const std::string& path, std::string_view key, bool& out) const {
    if (const toml::node* n = t.get(key)) {
      const auto* b = n->as_boolean();
      if (b == nullptr) fail(*n, join(path, key), "true or false");
      out = b->get();
    }
  }
  std::string text(const toml::node& n, const std::string& key, const std::string& allowed = "a string") const {
    const auto* s = n.as_string();
    if (s == nullptr) fail(n, key, allowed);
    return s->get();
  }
  void text(const toml::table& t, const std::string& path, std::string_view key, std::string& out) const {
    if (const toml::node* n = t.get(key)) out = text(*n, join(path, key));
  }
  std::vector<std::string> texts(const toml::table& t, const std::string& path, std::string_view key) const {
    std::vector<std::string> out;
    if (const toml::array* a = array(t, path, key))
      for (std::size_t k = 0; k < a->size(); ++k)
        out.push_back(text(*a->get(k), join(path, key) + "[" + std::to_string(k) + "]", "a string"));
    return out;
  }
  YearMonth month(const toml::node& n, const std::string& key) const {
    const std::string s = text(n, key, "a month \"YYYY-MM\"");
    try {
      return YearMonth::parse(s, key);
    } catch (const InvalidArgument&) {
      fail(n, key, "a month \"YYYY-MM\"");
    }
  }
  void month(const toml::table& t, const std::string& path, std::string_view key, YearMonth& out) const {
    if (const toml::node* n = t.get(key)) out = month(*n, join(path, key));
  }
  /// A name from a fixed vocabulary, through its parser.
  template <class F>
  auto name(const toml::node& n, const std::string& key, F parse) const {
    const std::string s = text(n, key);
    try {
      return parse(s, key);
    } catch (const InvalidArgument& e) {
      fail(n, key, e.allowed());
    }
  }

  const std::string& file() const { return file_; }

 private:
  mutable std::vector<ScenarioFileError> errors_;
  static std::string range_text(double lo, double hi) {
    if (lo == -kInf && hi == kInf) return "";
    if (hi == kInf) return " >= " + detail::format_value(lo);
    return " in [" + detail::format_value(lo) + ", " + detail::format_value(hi) + "]";
  }
  static std::string range_text(std::int64_t lo, std::int64_t hi) {
    if (hi == std::numeric_limits<std::int64_t>::max()) return " >= " + std::to_string(lo);
    return " in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
  }
  std::string file_;
};

/// The line of the node a validation error's field names (or of the
/// nearest enclosing node that exists): "programmes[0].budget_rp" is the
/// TOML path programmes -> 0 -> budget_rp.
std::int64_t line_of(const toml::table& root, const std::string& field) {
  const toml::node* node = &root;
  std::int64_t line = 1;
  std::string part;
  auto step = [&](const std::string& key) {
    if (node == nullptr || key.empty()) return;
    const toml::node* next = nullptr;
    if (const auto* t = node->as_table()) next = t->get(key);
    if (next != nullptr) {
      node = next;
      if (node->source().begin.line > 0) line = static_cast<std::int64_t>(node->source().begin.line);
    } else {
      node = nullptr;
    }
  };
  for (std::size_t k = 0; k <= field.size(); ++k) {
    const char ch = k < field.size() ? field[k] : '.';
    if (ch == '.' || ch == '[' || ch == ' ' || ch == '(') {
      step(part);
      part.clear();
      if (ch == ' ' || ch == '(') {
        // "programmes[0] ('name').field": skip the quoted name.
        while (k < field.size() && field[k] != ')') ++k;
      }
    } else if (ch == ']') {
      if (node != nullptr && node->is_array()) {
        const auto* a = node->as_array();
        const std::size_t idx = static_cast<std::size_t>(std::stoul(part));
        node = idx < a->size() ? a->get(idx) : nullptr;
        if (node != nullptr && node->source().begin.line > 0) line = static_cast<std::int64_t>(node->source().begin.line);
      }
      part.clear();
    } else {
      part += ch;
    }
  }
  return line;
}

// ---- the options' table ---------------------------------------------------------------------

namespace {
// clang-format off
constexpr ParamInfo kOptionTable[] = {
    {"seed", 1, 0, kInf, "", true,
     "The run's seed: replication r of every scenario draws from the streams of (seed, r).", ""},
    {"replications", 1, 1, 1000000, "replications", true, "Replications `msmesim run` and `compare` make.", ""},
    {"horizon.months", 36, 1, kMaxMonths, "months", true, "Months the run steps from `horizon.start`.", ""},
    {"class_review.months", 12, 1, 120, "months", true,
     "Months between reviews of the firms' size classes.",
     "PP 7/2021: classes by yearly revenue or assets; reviewed yearly (assumption)."},
    {"population.firms", 0, 1, 2000000000, "firms", true,
     "Firms to generate (unset: the preset's own size); cooperatives scale along.", ""},
    {"population.seed", 1, 0, kInf, "", true, "Seed of the population's generation.", ""},
    {"population.burn_in_months", -1, 0, 1200, "months", true,
     "Months of burn-in before the first reported month (unset: the built-in population's own; a registry "
     "file is not burnt in unless a number is given).", ""},
    {"outputs.panel_months", -1, 0, kMaxMonths - 1, "month index", true,
     "Months (indices from 0) whose every firm is written to panel.csv (unset: none).", ""},
};
// clang-format on
}  // namespace
}  // namespace

std::span<const ParamInfo> scenario_option_table() { return kOptionTable; }

const ParamInfo& scenario_option(std::string_view key) {
  return kOptionTable[field_index(kOptionTable, key, "scenario option")];
}

namespace {

// ---- reading the parts ---------------------------------------------------------------------

void read_population(const Reader& r, const toml::table& t, PopulationSource& p) {
  const std::string path = "population";
  r.only(t, path,
         {"preset", "firms", "seed", "firms_csv", "cooperatives_csv", "memberships_csv", "regime", "csv_locale",
          "burn_in_months"});
  r.option(t, "population.burn_in_months", p.burn_in_months);
  r.text(t, path, "preset", p.preset);
  r.option(t, "population.firms", p.firms);
  std::int64_t seed = static_cast<std::int64_t>(p.seed);
  r.option(t, "population.seed", seed);
  p.seed = static_cast<std::uint64_t>(seed);
  r.text(t, path, "firms_csv", p.firms_csv);
  r.text(t, path, "cooperatives_csv", p.cooperatives_csv);
  r.text(t, path, "memberships_csv", p.memberships_csv);
  r.text(t, path, "regime", p.regime);
  r.text(t, path, "csv_locale", p.csv_locale);
  if (t.get("firms_csv") != nullptr && t.get("preset") == nullptr) p.preset.clear();
  if (const toml::node* n = t.get("preset")) {
    (void)r.name(*n, "population.preset", [](std::string_view s, const std::string& key) {
      return presets::population_preset(s, key).name;
    });
    if (!p.firms_csv.empty()) r.fail(*n, "population.preset", "no preset when firms_csv is given");
  }
  if (const toml::node* n = t.get("regime")) (void)r.name(*n, "population.regime", class_regime_from_string);
  if (const toml::node* n = t.get("csv_locale")) {
    (void)r.name(*n, "population.csv_locale", [](std::string_view s, std::string_view f) { return parse_csv_locale(s, f); });
    if (p.firms_csv.empty()) r.fail(*n, "population.csv_locale", "a convention only together with firms_csv");
  }
  if (const toml::node* n = t.get("cooperatives_csv"))
    if (p.firms_csv.empty()) r.fail(*n, "population.cooperatives_csv", "a file only together with firms_csv");
  if (const toml::node* n = t.get("memberships_csv"))
    if (p.cooperatives_csv.empty()) r.fail(*n, "population.memberships_csv", "a file only together with cooperatives_csv");
}

void read_params(const Reader& r, const toml::table& t, FirmParams& P) {
  for (auto&& [k, v] : t) r.collect([&, &k = k, &v = v] {
    const std::string key(k.str());
    const ParamInfo* info = nullptr;
    for (const auto& i : firm_param_table())
      if (key == i.name) info = &i;
    if (info == nullptr) {
      std::vector<std::string_view> names;
      for (const auto& i : firm_param_table()) names.push_back(i.name);
      r.fail(static_cast<std::int64_t>(k.source().begin.line), "params." + key, "'" + key + "' (an unknown parameter)",
             hint(key, names) + "a name from docs/parameters.md");
    }
    const std::string f = "params." + key;
    const double value = info->integer ? static_cast<double>(r.integer(v, f, static_cast<std::int64_t>(info->min),
                                                                         static_cast<std::int64_t>(info->max)))
                                       : r.number(v, f, info->min, info->max);
    P.set(key, value);
  });
}

/// A field described by a table row: a whole number or a number in the
/// row's range (an unbounded whole field: up to the largest integer).
double read_field(const Reader& r, const toml::node& n, const std::string& key, const ParamInfo& row) {
  if (!row.integer) return r.number(n, key, row.min, row.max);
  return static_cast<double>(r.integer(n, key, static_cast<std::int64_t>(row.min), whole_max(row)));
}

/// A table row's value for the file: an integer for a whole field.
void write_field(toml::table& t, const ParamInfo& row, double v) {
  if (row.integer) {
    t.insert(std::string(row.name), static_cast<std::int64_t>(v));
  } else {
    t.insert(std::string(row.name), v);
  }
}

SeverityDist read_severity(const Reader& r, const toml::node& n, const std::string& path) {
  if (!n.is_table()) r.fail(n, path, "a table { distribution = \"beta\", mean = ..., sd = ... }");
  const toml::table& t = *n.as_table();
  r.only(t, path, {"distribution", "value", "low", "high", "mean", "sd"});
  const toml::node* d = t.get("distribution");
  if (d == nullptr) r.fail(static_cast<std::int64_t>(n.source().begin.line), path + ".distribution", "nothing",
                           "'fixed', 'uniform' or 'beta'");
  const std::string kind = r.text(*d, path + ".distribution");
  auto need = [&](std::string_view key) {
    const toml::node* v = t.get(key);
    if (v == nullptr)
      r.fail(static_cast<std::int64_t>(n.source().begin.line), Reader::join(path, key), "nothing", "a number in [0, 1]");
    return r.number(*v, Reader::join(path, key), 0.0, 1.0);
  };
  SeverityDist s;
  if (kind == "fixed") {
    s = SeverityDist::fixed(need("value"));
  } else if (kind == "uniform") {
    s = SeverityDist::uniform(need("low"), need("high"));
  } else if (kind == "beta") {
    s = SeverityDist::beta(need("mean"), need("sd"));
  } else {
    r.fail(*d, path + ".distribution", "'fixed', 'uniform' or 'beta'");
  }
  return s;
}

/// A sector's name as a key of a by-sector table. It holds no control
/// character and no single quote: toml++ 3.3 writes a key with a line
/// break, a tab or a ' back bare, as text that does not read back.
std::string sector_key(const Reader& r, const toml::key& k, const std::string& field) {
  const std::string name(k.str());
  if (std::any_of(name.begin(), name.end(),
                  [](char ch) { return static_cast<unsigned char>(ch) < 0x20 || ch == 0x7F || ch == '\''; }))
    r.fail(static_cast<std::int64_t>(k.source().begin.line), field,
           "a key with a control character (a line break, a tab) or a single quote",
           "sector names: printable text without a single quote");
  return name;
}

Shock read_shock(const Reader& r, const toml::table& t, const std::string& path) {
  {
    std::vector<std::string_view> keys{"name", "channel", "onset"};
    for (const ParamInfo& row : shock_field_table()) keys.push_back(row.name);
    for (std::string_view k : {"path", "incidence_by_sector", "severity", "severity_by_sector", "sectors", "regions",
                               "classes"})
      keys.push_back(k);
    r.only(t, path, keys);
  }
  Shock s;
  r.text(t, path, "name", s.name);
  if (const toml::node* n = t.get("channel")) s.channel = r.name(*n, path + ".channel", channel_from_string);
  r.month(t, path, "onset", s.onset);
  // The numeric fields, as shock_field_table() describes them.
  for (const ParamInfo& row : shock_field_table())
    if (const toml::node* n = t.get(row.name)) set_shock_field(s, row.name, read_field(r, *n, Reader::join(path, row.name), row));
  if (const toml::array* a = r.array(t, path, "path"))
    for (std::size_t k = 0; k < a->size(); ++k)
      s.profile.path.push_back(r.number(*a->get(k), path + ".path[" + std::to_string(k) + "]", 0.0, 1.0));
  if (const toml::table* by = r.table(t, path, "incidence_by_sector"))
    for (auto&& [k, v] : *by) {
      const std::string name = sector_key(r, k, path + ".incidence_by_sector");
      s.incidence_by_sector[name] = r.number(v, path + ".incidence_by_sector." + name, 0.0, 1.0);
    }
  if (const toml::node* n = t.get("severity")) s.severity = read_severity(r, *n, path + ".severity");
  if (const toml::table* by = r.table(t, path, "severity_by_sector"))
    for (auto&& [k, v] : *by) {
      const std::string name = sector_key(r, k, path + ".severity_by_sector");
      s.severity_by_sector[name] = read_severity(r, v, path + ".severity_by_sector." + name);
    }
  s.target.sectors = r.texts(t, path, "sectors");
  s.target.regions = r.texts(t, path, "regions");
  if (const toml::array* a = r.array(t, path, "classes"))
    for (std::size_t k = 0; k < a->size(); ++k)
      s.target.classes.push_back(
          r.name(*a->get(k), path + ".classes[" + std::to_string(k) + "]",
                 [](std::string_view x, const std::string& f) { return size_class_from_string(x, f); }));
  return s;
}

Eligibility read_eligibility(const Reader& r, const toml::table& t, const std::string& path) {
  r.only(t, path, {"classes", "sectors", "regions", "registered", "never_had_kur", "cooperative_member",
                   "online_seller", "in_distress", "ranges", "coop_types"});
  Eligibility e;
  if (const toml::array* a = r.array(t, path, "classes"))
    for (std::size_t k = 0; k < a->size(); ++k)
      e.classes.push_back(r.name(*a->get(k), path + ".classes[" + std::to_string(k) + "]",
                                 [](std::string_view x, const std::string& f) { return size_class_from_string(x, f); }));
  e.sectors = r.texts(t, path, "sectors");
  e.regions = r.texts(t, path, "regions");
  auto tristate = [&](std::string_view key, int& out) {
    bool b = false;
    if (t.get(key) != nullptr) {
      r.boolean(t, path, key, b);
      out = b ? 1 : 0;
    }
  };
  tristate("registered", e.registered);
  tristate("cooperative_member", e.cooperative_member);
  tristate("online_seller", e.online_seller);
  r.boolean(t, path, "never_had_kur", e.never_had_kur);
  r.boolean(t, path, "in_distress", e.in_distress);
  if (const toml::table* ranges = r.table(t, path, "ranges"))
    for (auto&& [k, v] : *ranges) {
      const std::string f = path + ".ranges." + std::string(k.str());
      const auto& names = eligibility_attributes();
      if (std::find(names.begin(), names.end(), std::string(k.str())) == names.end()) {
        std::string all;
        for (const auto& x : names) all += (all.empty() ? "" : ", ") + x;
        r.fail(static_cast<std::int64_t>(k.source().begin.line), f, "'" + std::string(k.str()) + "' (an unknown attribute)",
               "one of " + all);
      }
      const auto* a = v.as_array();
      if (a == nullptr || a->size() != 2) r.fail(v, f, "[min, max]");
      e.ranges.push_back({std::string(k.str()), r.number(*a->get(0), f + "[0]", -kInf, kInf),
                          r.number(*a->get(1), f + "[1]", -kInf, kInf)});
    }
  if (const toml::array* a = r.array(t, path, "coop_types"))
    for (std::size_t k = 0; k < a->size(); ++k)
      e.coop_types.push_back(r.name(*a->get(k), path + ".coop_types[" + std::to_string(k) + "]",
                                    [](std::string_view x, const std::string& f) { return coop_type_from_string(x, f); }));
  return e;
}

Programme read_programme(const Reader& r, const toml::table& t, const std::string& path) {
  {
    std::vector<std::string_view> keys{"name", "kind", "start", "end"};
    for (const ParamInfo& row : programme_field_table()) keys.push_back(row.name);
    for (std::string_view k : {"eligibility", "allocation", "params"}) keys.push_back(k);
    r.collect([&] { r.only(t, path, keys); });
  }
  Programme p;
  r.collect([&] { r.text(t, path, "name", p.name); });
  // (The kind decides what its params may be: without one, reading stops here.)
  const toml::node* kind = t.get("kind");
  if (kind == nullptr) {
    std::string all;
    for (auto k : kAllProgrammeKinds) all += (all.empty() ? "" : ", ") + std::string(to_string(k));
    r.fail(static_cast<std::int64_t>(t.source().begin.line), path + ".kind", "nothing", "one of " + all);
  }
  p.kind = r.name(*kind, path + ".kind", programme_kind_from_string);
  r.collect([&] { r.month(t, path, "start", p.start); });
  r.collect([&] { r.month(t, path, "end", p.end); });
  // The shared numeric fields, as programme_field_table() describes them
  // (an optional one is set by being present).
  for (const ParamInfo& row : programme_field_table())
    if (const toml::node* n = t.get(row.name))
      r.collect([&] { set_programme_field(p, row.name, read_field(r, *n, Reader::join(path, row.name), row)); });
  r.collect([&] {
    if (const toml::table* e = r.table(t, path, "eligibility"))
      p.eligibility = read_eligibility(r, *e, path + ".eligibility");
  });
  r.collect([&] {
    if (const toml::node* n = t.get("allocation")) p.allocation = r.name(*n, path + ".allocation", allocation_from_string);
  });
  if (const toml::table* params = r.table(t, path, "params")) {
    for (auto&& [k, v] : *params) r.collect([&, &k = k, &v = v] {
      const std::string key(k.str());
      const std::string f = path + ".params." + key;
      const ParamInfo* info = find_programme_param(p.kind, key);
      if (info == nullptr)
        r.fail(static_cast<std::int64_t>(k.source().begin.line), f, "'" + key + "' (an unknown parameter)",
               programme_params_allowed(p.kind));
      p.params[key] = info->integer ? static_cast<double>(r.integer(v, f, static_cast<std::int64_t>(info->min),
                                                                    static_cast<std::int64_t>(info->max)))
                                    : r.number(v, f, info->min, info->max);
    });
  }
  return p;
}

std::optional<InputOutput> read_input_output(const Reader& r, const toml::table& t) {
  const std::string path = "input_output";
  r.only(t, path, {"preset", "sectors", "coefficients", "output"});
  if (const toml::node* n = t.get("preset")) {
    const std::string name = r.text(*n, path + ".preset");
    if (name == "none") return std::nullopt;
    if (name != "bogor") r.fail(*n, path + ".preset", "'bogor' or 'none'");
    if (t.get("sectors") != nullptr) r.fail(*t.get("sectors"), path + ".sectors", "no table together with a preset");
    return presets::bogor_input_output();
  }
  InputOutput io;
  io.sectors = r.texts(t, path, "sectors");
  if (const toml::array* rows = r.array(t, path, "coefficients"))
    for (std::size_t i = 0; i < rows->size(); ++i) {
      const std::string f = path + ".coefficients[" + std::to_string(i) + "]";
      const auto* row = rows->get(i)->as_array();
      if (row == nullptr || row->size() != io.sectors.size())
        r.fail(*rows->get(i), f, "an array of " + std::to_string(io.sectors.size()) + " numbers (one per sector)");
      for (std::size_t j = 0; j < row->size(); ++j)
        io.technical_coefficients.push_back(r.number(*row->get(j), f + "[" + std::to_string(j) + "]", 0.0, 1.0));
    }
  if (const toml::array* a = r.array(t, path, "output"))
    for (std::size_t k = 0; k < a->size(); ++k)
      io.output.push_back(r.number(*a->get(k), path + ".output[" + std::to_string(k) + "]", 0.0, kInf));
  return io;
}

/// Merges `over` into `base`: tables key by key, anything else replaced.
void merge(toml::table& base, const toml::table& over) {
  for (auto&& [k, v] : over) {
    toml::node* mine = base.get(k.str());
    if (mine != nullptr && mine->is_table() && v.is_table()) {
      merge(*mine->as_table(), *v.as_table());
    } else {
      base.insert_or_assign(k, v);
    }
  }
}

ScenarioFile read(const toml::table& root, const Reader& r, const std::string& source, const toml::table& lines) {
  // Each key or part is read on its own: a mistake is kept and the rest is
  // still read, so that every mistake of the file is reported at once.
  r.collect([&] {
    r.only(root, "", {"name", "description", "extends", "seed", "replications", "population", "horizon", "params",
                      "shocks", "restrictions", "input_output", "class_review", "programmes", "outputs"});
  });
  ScenarioFile f;
  f.source = source;
  Scenario& sc = f.scenario;
  sc.input_output.reset();
  r.collect([&] { r.text(root, "", "name", sc.name); });
  r.collect([&] { r.text(root, "", "description", f.description); });
  r.collect([&] { r.text(root, "", "extends", f.extends); });
  r.collect([&] {
    std::int64_t seed = 1;
    r.option(root, "seed", seed);
    f.seed = static_cast<std::uint64_t>(seed);
  });
  r.collect([&] { r.option(root, "replications", f.replications); });
  r.collect([&] {
    if (const toml::table* t = r.table(root, "", "population")) read_population(r, *t, f.population);
  });
  r.collect([&] {
    if (const toml::table* t = r.table(root, "", "horizon")) {
      r.collect([&] { r.only(*t, "horizon", {"start", "months"}); });
      r.collect([&] { r.month(*t, "horizon", "start", sc.start); });
      r.collect([&] { r.option(*t, "horizon.months", sc.months); });
    }
  });
  r.collect([&] {
    if (const toml::table* t = r.table(root, "", "params")) read_params(r, *t, sc.params);
  });
  r.each_table(root, "shocks",
               [&](const toml::table& t, const std::string& path) { sc.shocks.push_back(read_shock(r, t, path)); });
  r.each_table(root, "restrictions", [&](const toml::table& t, const std::string& path) {
    r.only(t, path, {"name", "start", "end", "intensity"});
    Restriction x;
    r.text(t, path, "name", x.name);
    r.month(t, path, "start", x.start);
    r.month(t, path, "end", x.end);
    r.number(t, path, "intensity", x.intensity, 0.0, 1.0);
    sc.restrictions.push_back(x);
  });
  r.collect([&] {
    if (const toml::table* t = r.table(root, "", "input_output")) sc.input_output = read_input_output(r, *t);
  });
  r.collect([&] {
    if (const toml::table* t = r.table(root, "", "class_review")) {
      r.collect([&] { r.only(*t, "class_review", {"regime", "criterion", "months"}); });
      r.collect([&] {
        if (const toml::node* n = t->get("regime"))
          sc.class_regime = r.name(*n, "class_review.regime", class_regime_from_string);
      });
      r.collect([&] {
        if (const toml::node* n = t->get("criterion"))
          sc.class_criterion = r.name(*n, "class_review.criterion", class_criterion_from_string);
      });
      r.collect([&] { r.option(*t, "class_review.months", sc.class_review_months); });
    }
  });
  r.each_table(root, "programmes", [&](const toml::table& t, const std::string& path) {
    sc.programmes.push_back(read_programme(r, t, path));
  });
  r.collect([&] {
    if (const toml::table* t = r.table(root, "", "outputs")) {
      r.collect([&] {
        r.only(*t, "outputs", {"dir", "report", "microdata", "cooperative_panel", "panel_months", "survey_window"});
      });
      r.collect([&] { r.text(*t, "outputs", "dir", f.outputs.dir); });
      r.collect([&] { r.text(*t, "outputs", "report", f.outputs.report); });
      r.collect([&] { r.boolean(*t, "outputs", "microdata", f.outputs.microdata); });
      r.collect([&] { r.boolean(*t, "outputs", "cooperative_panel", f.outputs.cooperative_panel); });
      r.collect([&] {
        if (const toml::array* a = r.array(*t, "outputs", "panel_months"))
          for (std::size_t k = 0; k < a->size(); ++k)
            f.outputs.panel_months.push_back(static_cast<int>(
                r.integer(*a->get(k), "outputs.panel_months[" + std::to_string(k) + "]",
                          static_cast<std::int64_t>(scenario_option("outputs.panel_months").min),
                          whole_max(scenario_option("outputs.panel_months")))));
      });
      r.collect([&] {
        if (const toml::array* a = r.array(*t, "outputs", "survey_window")) {
          if (a->size() != 2)
            r.fail(*t->get("survey_window"), "outputs.survey_window", "two months [\"YYYY-MM\", \"YYYY-MM\"]");
          sc.survey_start = YearMonth::parse(r.text(*a->get(0), "outputs.survey_window[0]"), "outputs.survey_window[0]");
          sc.survey_end = YearMonth::parse(r.text(*a->get(1), "outputs.survey_window[1]"), "outputs.survey_window[1]");
        }
      });
    }
  });
  // The checks that need more than one key read what was read: after a
  // mistake above they would report its consequences, so the mistakes are
  // reported first.
  r.throw_collected();
  // What needs more than one key: the scenario's own checks, with the line
  // of the key they name.
  try {
    sc.validate();
  } catch (const InvalidArgument& e) {
    r.record(ScenarioFileError(r.file(), line_of(lines, e.field()), e.field(), e.value(), e.allowed()));
  }
  // With a built-in population the names of sectors and kecamatan are known
  // now (a registry file's are checked when the run starts).
  if (!f.population.preset.empty() && f.population.firms_csv.empty()) {
    const PopulationSpec spec = presets::population_preset(f.population.preset).spec(1);
    std::vector<std::string> regions, sectors;
    for (const auto& x : spec.regions) regions.push_back(x.name);
    for (const auto& x : spec.sectors) sectors.push_back(x.name);
    auto check = [&](const std::vector<std::string>& given, const std::vector<std::string>& known,
                     const std::string& field, const char* what) {
      for (std::size_t k = 0; k < given.size(); ++k) {
        if (std::find(known.begin(), known.end(), given[k]) != known.end()) continue;
        std::string all;
        std::vector<std::string_view> names;
        for (const auto& n : known) {
          names.push_back(n);
          all += (all.empty() ? "" : ", ") + n;
        }
        const std::string key = field + "[" + std::to_string(k) + "]";
        r.record(ScenarioFileError(r.file(), line_of(lines, key), key, "'" + given[k] + "'",
                                   hint(given[k], names) + std::string(what) + " of the " + f.population.preset +
                                       " population: " + all));
      }
    };
    for (std::size_t k = 0; k < sc.shocks.size(); ++k) {
      const std::string p = "shocks[" + std::to_string(k) + "]";
      check(sc.shocks[k].target.sectors, sectors, p + ".sectors", "a sector");
      check(sc.shocks[k].target.regions, regions, p + ".regions", "a kecamatan");
      std::vector<std::string> by;
      for (const auto& [name, v] : sc.shocks[k].incidence_by_sector) by.push_back(name);
      for (const auto& name : by)
        if (std::find(sectors.begin(), sectors.end(), name) == sectors.end())
          r.record(ScenarioFileError(r.file(), line_of(lines, p + ".incidence_by_sector"),
                                     p + ".incidence_by_sector." + name, "'" + name + "'",
                                     "a sector of the " + f.population.preset + " population"));
      for (const auto& [name, v] : sc.shocks[k].severity_by_sector)
        if (std::find(sectors.begin(), sectors.end(), name) == sectors.end())
          r.record(ScenarioFileError(r.file(), line_of(lines, p + ".severity_by_sector"),
                                     p + ".severity_by_sector." + name, "'" + name + "'",
                                     "a sector of the " + f.population.preset + " population"));
    }
    for (std::size_t k = 0; k < sc.programmes.size(); ++k) {
      const std::string p = "programmes[" + std::to_string(k) + "].eligibility";
      check(sc.programmes[k].eligibility.sectors, sectors, p + ".sectors", "a sector");
      check(sc.programmes[k].eligibility.regions, regions, p + ".regions", "a kecamatan");
    }
  }
  r.throw_collected();
  return f;
}

}  // namespace

ScenarioFile parse_scenario(std::string_view text, const std::string& source) {
  return parse_scenario(text, source, {});
}

std::vector<Programme> parse_programme_tables(std::string_view text, const std::string& source, const std::string& key) {
  toml::table root;
  try {
    root = toml::parse(readable_by_toml(text, source), source);
  } catch (const toml::parse_error& e) {
    throw ScenarioFileError(source, static_cast<std::int64_t>(e.source().begin.line), "(syntax)",
                            "'" + std::string(e.description()) + "'", "a TOML document (https://toml.io)");
  }
  const Reader r(source);
  std::vector<Programme> out;
  r.each_table(root, key, [&](const toml::table& t, const std::string& path) {
    out.push_back(read_programme(r, t, path));
  });
  r.throw_collected();
  return out;
}

ScenarioFile parse_scenario(std::string_view text, const std::string& source, std::span<const std::string> other_keys) {
  toml::table root;
  try {
    root = toml::parse(readable_by_toml(text, source), source);
  } catch (const toml::parse_error& e) {
    throw ScenarioFileError(source, static_cast<std::int64_t>(e.source().begin.line), "(syntax)",
                            "'" + std::string(e.description()) + "'", "a TOML document (https://toml.io)");
  }
  for (const std::string& key : other_keys) root.erase(key);
  const Reader r(source);
  if (root.empty())
    throw ScenarioFileError(source, 1, "(document)", "an empty file",
                            "a scenario: at least a name, or extends = \"bogor-covid19\" (docs/scenario.md)");
  // A file may start from a built-in preset and change what it needs.
  if (const toml::node* n = root.get("extends")) {
    const std::string name = r.text(*n, "extends");
    std::string base_text;
    try {
      base_text = presets::scenario_text(name, "extends");
    } catch (const InvalidArgument& e) {
      r.fail(*n, "extends", e.allowed());
    }
    toml::table base = toml::parse(base_text, "preset:" + name);
    // A file that brings its own registry files does not take the preset's
    // generated population.
    if (const toml::table* pop = root["population"].as_table(); pop != nullptr && pop->contains("firms_csv"))
      if (toml::table* inherited = base["population"].as_table()) {
        inherited->erase("preset");
        inherited->erase("firms");
      }
    // The file's programmes come after the preset's (a planner adds a
    // programme to the measures in force), unless it says otherwise.
    bool inherit = true;
    if (const toml::node* flag = root.get("inherit_programmes")) {
      if (!flag->is_boolean()) r.fail(*flag, "inherit_programmes", "true or false");
      inherit = flag->as_boolean()->get();
    }
    toml::array programmes;
    if (inherit)
      if (const toml::array* a = base["programmes"].as_array()) programmes = *a;
    if (const toml::array* a = root["programmes"].as_array())
      for (const auto& x : *a) programmes.push_back(x);
    merge(base, root);
    base.erase("inherit_programmes");
    if (programmes.empty()) {
      base.erase("programmes");
    } else {
      base.insert_or_assign("programmes", programmes);
    }
    return read(base, r, source, base);
  }
  if (const toml::node* flag = root.get("inherit_programmes"))
    r.fail(*flag, "inherit_programmes", "only in a file that extends a preset");
  return read(root, r, source, root);
}

ScenarioFile load_scenario_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError("cannot read scenario file '" + path + "'");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_scenario(text.str(), path);
}

namespace {

toml::array months_path(const std::vector<double>& v) {
  toml::array a;
  for (double x : v) a.push_back(x);
  return a;
}

/// The library prints floats with 17 significant digits (0.61099999999999999);
/// rewrites every float outside strings in its shortest form that reads
/// back to the same double (0.611).
std::string shortest_floats(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (const Span& span : toml_spans(text)) {
    if (span.kind != Span::code) {  // strings and comments as they are
      out.append(text, span.begin, span.end - span.begin);
      continue;
    }
    for (std::size_t k = span.begin; k < span.end;) {
      const char ch = text[k];
      const bool starts = (ch >= '0' && ch <= '9') || ((ch == '-' || ch == '+') && k + 1 < span.end &&
                                                        text[k + 1] >= '0' && text[k + 1] <= '9');
      // Bare keys are made of letters, digits, '_' and '-' ("craft-2",
      // "1e5", "1e5x"): a word followed by '=' is a key, kept as written, and
      // so is one that is not a number alone.
      const bool word_before = !out.empty() && (std::isalnum(static_cast<unsigned char>(out.back())) ||
                                                out.back() == '_' || out.back() == '-');
      if (starts && !word_before) {
        auto word_char = [](char c) {
          return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '+' || c == '.';
        };
        std::size_t end = k + 1;
        while (end < span.end && word_char(text[end])) ++end;
        const std::string token = text.substr(k, end - k);
        const std::size_t next = text.find_first_not_of(" \t", end);
        const bool key = next != std::string::npos && text[next] == '=';
        const bool number = token.find_first_not_of("0123456789.eE+-") == std::string::npos;
        if (!key && number && token.find_first_of(".eE") != std::string::npos) {
          char* stop = nullptr;
          const double v = std::strtod(token.c_str(), &stop);
          std::string s = detail::format_value(v);
          if (s.find_first_of(".eEin") == std::string::npos) s += ".0";
          out += (stop == token.c_str() + token.size() && std::strtod(s.c_str(), nullptr) == v) ? s : token;
        } else {
          out += token;
        }
        k = end;
        continue;
      }
      out += ch;
      ++k;
    }
  }
  return out;
}

toml::array names(const std::vector<std::string>& v) {
  toml::array a;
  for (const auto& x : v) a.push_back(x);
  return a;
}

}  // namespace

toml::table severity_table(const SeverityDist& d) {
  switch (d.kind) {
    case SeverityDist::Kind::fixed: return toml::table{{"distribution", "fixed"}, {"value", d.a}};
    case SeverityDist::Kind::uniform: return toml::table{{"distribution", "uniform"}, {"low", d.a}, {"high", d.b}};
    case SeverityDist::Kind::beta: break;
  }
  return toml::table{{"distribution", "beta"}, {"mean", d.a}, {"sd", d.b}};
}

std::string to_toml(const ScenarioFile& f) {
  const Scenario& sc = f.scenario;
  toml::table root;
  root.insert("name", sc.name);
  if (!f.description.empty()) root.insert("description", f.description);
  root.insert("seed", static_cast<std::int64_t>(f.seed));
  root.insert("replications", static_cast<std::int64_t>(f.replications));
  toml::table pop;
  if (!f.population.preset.empty()) pop.insert("preset", f.population.preset);
  if (f.population.firms > 0) pop.insert("firms", f.population.firms);
  pop.insert("seed", static_cast<std::int64_t>(f.population.seed));
  if (!f.population.firms_csv.empty()) {
    pop.insert("firms_csv", f.population.firms_csv);
    pop.insert("regime", f.population.regime);
    if (f.population.csv_locale != "auto") pop.insert("csv_locale", f.population.csv_locale);
  }
  if (!f.population.cooperatives_csv.empty()) pop.insert("cooperatives_csv", f.population.cooperatives_csv);
  if (!f.population.memberships_csv.empty()) pop.insert("memberships_csv", f.population.memberships_csv);
  if (f.population.burn_in_months >= 0) pop.insert("burn_in_months", f.population.burn_in_months);
  root.insert("population", pop);
  root.insert("horizon", toml::table{{"start", sc.start.to_string()}, {"months", sc.months}});
  // Parameters that differ from the defaults.
  toml::table params;
  const FirmParams defaults;
  for (const auto& info : firm_param_table()) {
    const double v = sc.params.get(info.name), d = defaults.get(info.name);
    if (v == d) continue;
    if (info.integer) {
      params.insert(std::string(info.name), static_cast<std::int64_t>(v));
    } else {
      params.insert(std::string(info.name), v);
    }
  }
  if (!params.empty()) root.insert("params", params);
  toml::array shocks;
  for (const Shock& s : sc.shocks) {
    toml::table t{{"name", s.name}, {"channel", std::string(to_string(s.channel))}, {"onset", s.onset.to_string()}};
    for (const ParamInfo& row : shock_field_table()) write_field(t, row, shock_field(s, row.name));
    if (!s.profile.path.empty()) t.insert("path", months_path(s.profile.path));
    if (!s.incidence_by_sector.empty()) {
      toml::table by;
      for (const auto& [k, v] : s.incidence_by_sector) by.insert(k, v);
      t.insert("incidence_by_sector", by);
    }
    t.insert("severity", severity_table(s.severity));
    if (!s.severity_by_sector.empty()) {
      toml::table by;
      for (const auto& [k, v] : s.severity_by_sector) by.insert(k, severity_table(v));
      t.insert("severity_by_sector", by);
    }
    if (!s.target.sectors.empty()) t.insert("sectors", names(s.target.sectors));
    if (!s.target.regions.empty()) t.insert("regions", names(s.target.regions));
    if (!s.target.classes.empty()) {
      toml::array a;
      for (auto c : s.target.classes) a.push_back(std::string(to_string(c)));
      t.insert("classes", a);
    }
    shocks.push_back(t);
  }
  if (!shocks.empty()) root.insert("shocks", shocks);
  toml::array restrictions;
  for (const Restriction& x : sc.restrictions) {
    toml::table t{{"start", x.start.to_string()}, {"end", x.end.to_string()}, {"intensity", x.intensity}};
    if (!x.name.empty()) t.insert("name", x.name);
    restrictions.push_back(t);
  }
  if (!restrictions.empty()) root.insert("restrictions", restrictions);
  if (!sc.input_output) {
    root.insert("input_output", toml::table{{"preset", "none"}});
  } else {
    const InputOutput& io = *sc.input_output;
    const InputOutput bogor = presets::bogor_input_output();
    if (io.sectors == bogor.sectors && io.technical_coefficients == bogor.technical_coefficients &&
        io.output == bogor.output) {
      root.insert("input_output", toml::table{{"preset", "bogor"}});
    } else {
      toml::table t{{"sectors", names(io.sectors)}};
      toml::array rows;
      const std::size_t n = io.sectors.size();
      for (std::size_t i = 0; i < n; ++i) {
        toml::array row;
        for (std::size_t j = 0; j < n; ++j) row.push_back(io.technical_coefficients[i * n + j]);
        rows.push_back(row);
      }
      t.insert("coefficients", rows);
      if (!io.output.empty()) t.insert("output", months_path(io.output));
      root.insert("input_output", t);
    }
  }
  root.insert("class_review", toml::table{{"regime", std::string(to_string(sc.class_regime))},
                                          {"criterion", std::string(to_string(sc.class_criterion))},
                                          {"months", sc.class_review_months}});
  toml::array progs;
  for (const Programme& p : sc.programmes) {
    toml::table t{{"name", p.name},
                  {"kind", std::string(to_string(p.kind))},
                  {"start", p.start.to_string()},
                  {"end", p.end.to_string()},
                  {"allocation", std::string(to_string(p.allocation))}};
    for (const ParamInfo& row : programme_field_table()) {
      const double v = programme_field(p, row.name);
      if (!field_unset(row, v)) write_field(t, row, v);
    }
    const Eligibility& e = p.eligibility;
    toml::table el;
    if (!e.classes.empty()) {
      toml::array a;
      for (auto c : e.classes) a.push_back(std::string(to_string(c)));
      el.insert("classes", a);
    }
    if (!e.sectors.empty()) el.insert("sectors", names(e.sectors));
    if (!e.regions.empty()) el.insert("regions", names(e.regions));
    if (e.registered >= 0) el.insert("registered", e.registered == 1);
    if (e.cooperative_member >= 0) el.insert("cooperative_member", e.cooperative_member == 1);
    if (e.online_seller >= 0) el.insert("online_seller", e.online_seller == 1);
    if (e.never_had_kur) el.insert("never_had_kur", true);
    if (e.in_distress) el.insert("in_distress", true);
    if (!e.ranges.empty()) {
      toml::table ranges;
      for (const auto& rg : e.ranges) ranges.insert(rg.attribute, toml::array{rg.min, rg.max});
      el.insert("ranges", ranges);
    }
    if (!e.coop_types.empty()) {
      toml::array a;
      for (auto c : e.coop_types) a.push_back(std::string(to_string(c)));
      el.insert("coop_types", a);
    }
    if (!el.empty()) t.insert("eligibility", el);
    if (!p.params.empty()) {
      toml::table pt;
      for (const auto& [k, v] : p.params) {
        const ParamInfo* info = find_programme_param(p.kind, k);
        if (info != nullptr && info->integer) {
          pt.insert(k, static_cast<std::int64_t>(v));
        } else {
          pt.insert(k, v);
        }
      }
      t.insert("params", pt);
    }
    progs.push_back(t);
  }
  if (!progs.empty()) root.insert("programmes", progs);
  toml::table out{{"microdata", f.outputs.microdata}, {"cooperative_panel", f.outputs.cooperative_panel}};
  if (!f.outputs.panel_months.empty()) {
    toml::array a;
    for (int m : f.outputs.panel_months) a.push_back(static_cast<std::int64_t>(m));
    out.insert("panel_months", a);
  }
  if (sc.survey_start) out.insert("survey_window", toml::array{sc.survey_start->to_string(), sc.survey_end->to_string()});
  if (!f.outputs.dir.empty()) out.insert("dir", f.outputs.dir);
  if (!f.outputs.report.empty()) out.insert("report", f.outputs.report);
  root.insert("outputs", out);
  // Every string in double quotes on one line, with escapes: toml++ 3.3
  // writes a string with a line break as a multi-line string that may not
  // read back (''' inside a literal one ends it early; a leading line break
  // is dropped), and, with those off, as a literal string holding the break.
  constexpr auto flags = toml::toml_formatter::default_flags &
                         ~(toml::format_flags::allow_literal_strings | toml::format_flags::allow_multi_line_strings);
  std::ostringstream o;
  o << "# msmesim scenario (docs/scenario.md)\n" << toml::toml_formatter{root, flags} << "\n";
  return shortest_floats(o.str());
}

void save_scenario_file(const ScenarioFile& file, const std::string& path) {
  detail::csv::write_atomically(path, [&](std::ostream& o) { o << to_toml(file); });
}

Population make_population(const PopulationSource& source, const std::string& base_dir, int threads,
                           const FirmParams& params) {
  auto resolve = [&](const std::string& p) {
    if (p.empty()) return p;
    const std::filesystem::path fp(p);
    return fp.is_absolute() || base_dir.empty() ? p : (std::filesystem::path(base_dir) / fp).string();
  };
  if (!source.firms_csv.empty()) {
    const auto regime = class_regime_from_string(source.regime, "population.regime");
    const auto locale = parse_csv_locale(source.csv_locale, "population.csv_locale");
    const std::string name = std::filesystem::path(source.firms_csv).stem().string();
    Population pop = source.cooperatives_csv.empty()
                         ? load_population_csv(resolve(source.firms_csv), name, regime, locale)
                         : load_population_csv(resolve(source.firms_csv), name, regime,
                                               resolve(source.cooperatives_csv), resolve(source.memberships_csv),
                                               locale);
    // A registry is the state as recorded unless a burn-in is asked for.
    if (source.burn_in_months > 0) burn_in(pop, params, static_cast<int>(source.burn_in_months), source.seed, threads);
    return pop;
  }
  const presets::PopulationPreset& preset = presets::population_preset(source.preset);
  PopulationSpec spec = preset.spec(source.firms > 0 ? source.firms : preset.firms);
  detail::require_memory("population.firms", spec.firms);
  spec.firm_params = params;
  if (source.burn_in_months >= 0) spec.params.burn_in_months = static_cast<double>(source.burn_in_months);
  return generate_population(spec, source.seed, threads);
}

}  // namespace msmesim

namespace msmesim {

namespace detail {
const std::vector<std::pair<std::string, std::string>>& preset_files();
}

namespace presets {

std::vector<std::string> scenario_names() {
  std::vector<std::string> out;
  for (const auto& [name, text] : detail::preset_files()) out.push_back(name);
  return out;
}

const std::string& scenario_text(std::string_view name, const std::string& field) {
  std::string all;
  for (const auto& [n, text] : detail::preset_files()) {
    if (n == name) return text;
    all += (all.empty() ? "" : ", ") + n;
  }
  throw InvalidArgument(field, "'" + std::string(name) + "'", "a built-in preset: " + all);
}

ScenarioFile scenario_file(std::string_view name) {
  return parse_scenario(scenario_text(name), "preset:" + std::string(name));
}

}  // namespace presets
}  // namespace msmesim
