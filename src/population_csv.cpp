// Reading and writing firm registries as CSV (RFC 4180: comma-separated,
// double-quoted fields may contain commas, quotes and newlines).
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "msmesim/error.hpp"
#include "msmesim/population.hpp"

namespace msmesim {

namespace {

struct Record {
  std::int64_t line = 0;  // line on which the record starts
  std::vector<std::string> fields;
};

std::vector<Record> read_csv(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(path + ": cannot open for reading");
  std::stringstream buf;
  buf << in.rdbuf();
  std::string text = buf.str();
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

// Column definitions: required or optional, and the documented default.
enum Col {
  c_region, c_sector, c_workers, c_revenue, c_assets, c_size_class, c_vcost, c_fixed, c_wage,
  c_online, c_owner, c_registered, c_ever_kur, c_cash, c_loan_principal, c_loan_rate,
  c_loan_months, c_loan_lender, c_cooperative, c_firm_id, c_count
};
struct ColInfo {
  const char* name;
  bool required;
};
constexpr ColInfo kCols[c_count] = {
    {"region", true}, {"sector", true}, {"workers", true}, {"revenue_rp_month", true},
    {"assets_rp", true}, {"size_class", false}, {"variable_cost_share", false},
    {"fixed_cost_rp_month", false}, {"wage_rp_month", false}, {"online_share", false},
    {"owner_capability", false}, {"registered", false}, {"ever_kur", false}, {"cash_rp", false},
    {"loan_principal_rp", false}, {"loan_rate_year", false}, {"loan_months_left", false},
    {"loan_lender", false}, {"cooperative", false}, {"firm_id", false}};

struct Reader {
  const std::string& path;
  const Record& rec;
  const std::vector<int>& index;

  const std::string* raw(Col c) const {
    int k = index[c];
    if (k < 0 || static_cast<std::size_t>(k) >= rec.fields.size()) return nullptr;
    return &rec.fields[static_cast<std::size_t>(k)];
  }
  [[noreturn]] void fail(Col c, const std::string& value, const std::string& allowed) const {
    throw ParseError(path, rec.line, kCols[c].name, value, allowed);
  }
  bool present(Col c) const {
    auto* r = raw(c);
    return r && !trim(*r).empty();
  }
  std::string text(Col c) const {
    auto* r = raw(c);
    std::string v = r ? trim(*r) : std::string();
    if (v.empty() && kCols[c].required) fail(c, "", "a value (the column is required)");
    return v;
  }
  double number(Col c, double lo, double hi, double fallback, const char* allowed) const {
    if (!present(c)) {
      if (kCols[c].required) fail(c, "", "a value (the column is required)");
      return fallback;
    }
    std::string v = text(c);
    double x = 0;
    auto res = std::from_chars(v.data(), v.data() + v.size(), x);
    if (res.ec != std::errc() || res.ptr != v.data() + v.size() || !std::isfinite(x) || x < lo || x > hi)
      fail(c, v, allowed);
    return x;
  }
  std::int64_t integer(Col c, std::int64_t lo, std::int64_t hi, std::int64_t fallback, const char* allowed) const {
    if (!present(c)) {
      if (kCols[c].required) fail(c, "", "a value (the column is required)");
      return fallback;
    }
    std::string v = text(c);
    std::int64_t x = 0;
    auto res = std::from_chars(v.data(), v.data() + v.size(), x);
    if (res.ec != std::errc() || res.ptr != v.data() + v.size() || x < lo || x > hi) fail(c, v, allowed);
    return x;
  }
  std::uint8_t flag(Col c, std::uint8_t fallback) const {
    if (!present(c)) return fallback;
    std::string v = text(c);
    std::string l = v;
    std::transform(l.begin(), l.end(), l.begin(), [](unsigned char ch) { return std::tolower(ch); });
    if (l == "1" || l == "true" || l == "yes" || l == "y") return 1;
    if (l == "0" || l == "false" || l == "no" || l == "n") return 0;
    fail(c, v, "0/1, true/false or yes/no");
  }
};

std::string format_number(double v) {
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

}  // namespace

Population load_population_csv(const std::string& path, std::string_view name, ClassRegime regime) {
  auto records = read_csv(path);
  if (records.empty()) throw ParseError(path, 1, "(header)", "an empty file", "a header row naming the columns");
  const auto& header = records.front();
  std::vector<int> index(c_count, -1);
  for (std::size_t k = 0; k < header.fields.size(); ++k) {
    std::string col = trim(header.fields[k]);
    if (col.rfind("x_", 0) == 0) continue;  // carried by the file, not used
    int found = -1;
    for (int c = 0; c < c_count; ++c)
      if (col == kCols[c].name) found = c;
    if (found < 0) {
      std::vector<std::string_view> names;
      for (const auto& ci : kCols) names.emplace_back(ci.name);
      std::string hint = closest_name(col, names);
      throw ParseError(path, header.line, col, col,
                       "a column documented in docs/data.md" +
                           (hint.empty() ? std::string() : " (did you mean '" + hint + "'?)") +
                           "; prefix a column with x_ to keep it in the file unused");
    }
    if (index[found] >= 0) throw ParseError(path, header.line, col, col, "each column once");
    index[found] = static_cast<int>(k);
  }
  for (int c = 0; c < c_count; ++c)
    if (kCols[c].required && index[c] < 0)
      throw ParseError(path, header.line, kCols[c].name, "(missing)",
                       "a header with the required columns region, sector, workers, revenue_rp_month, assets_rp");

  Population pop;
  pop.name = name.empty() ? path : std::string(name);
  pop.regime = regime;
  const std::size_t n = records.size() - 1;
  if (n == 0) throw ParseError(path, header.line + 1, "(record)", "no firms", "at least one data row");
  pop.resize(n);
  std::map<std::string, std::size_t> region_ids, sector_ids;
  for (std::size_t r = 0; r < n; ++r) {
    const Record& rec = records[r + 1];
    if (rec.fields.size() != header.fields.size())
      throw ParseError(path, rec.line, "(record)", std::to_string(rec.fields.size()) + " fields",
                       std::to_string(header.fields.size()) + " fields, as in the header");
    Reader rd{path, rec, index};
    const std::string region = rd.text(c_region);
    const std::string sector = rd.text(c_sector);
    auto [rit, rnew] = region_ids.emplace(region, pop.region_names.size());
    if (rnew) {
      if (pop.region_names.size() >= 65535) rd.fail(c_region, region, "at most 65535 distinct regions");
      pop.region_names.push_back(region);
    }
    auto [sit, snew] = sector_ids.emplace(sector, pop.sector_names.size());
    if (snew) {
      if (pop.sector_names.size() >= 255) rd.fail(c_sector, sector, "at most 255 distinct sectors");
      pop.sector_names.push_back(sector);
    }
    pop.region[r] = static_cast<std::uint16_t>(rit->second);
    pop.sector[r] = static_cast<std::uint8_t>(sit->second);
    const auto workers = rd.integer(c_workers, 1, 65535, 1, "a whole number from 1 to 65535 (the owner counts)");
    const double revenue = rd.number(c_revenue, 1e-9, 1e15, 0, "a number > 0 (Rp per month)");
    const double assets = rd.number(c_assets, 0, 1e16, 0, "a number >= 0 (Rp)");
    const double v = rd.number(c_vcost, 0, 0.999, 0.6, "a share in [0, 0.999]");
    const double fixed = rd.number(c_fixed, 0, 1e15, 0.1 * revenue, "a number >= 0 (Rp per month)");
    const double wage = rd.number(c_wage, 0, 1e12, 1.5e6, "a number >= 0 (Rp per month per paid worker)");
    const double outflows = v * revenue + static_cast<double>(workers - 1) * wage + fixed;
    pop.workers[r] = static_cast<std::uint16_t>(workers);
    pop.revenue_rp_month[r] = revenue;
    pop.assets_rp[r] = assets;
    pop.variable_cost_share[r] = static_cast<float>(v);
    pop.fixed_cost_rp_month[r] = fixed;
    pop.wage_rp_month[r] = wage;
    pop.online_share[r] = static_cast<float>(rd.number(c_online, 0, 1, 0, "a share in [0, 1]"));
    pop.owner_capability[r] = static_cast<float>(rd.number(c_owner, 0, 1, 0.5, "a value in [0, 1]"));
    pop.registered[r] = rd.flag(c_registered, 1);
    pop.ever_kur[r] = rd.flag(c_ever_kur, 0);
    pop.cash_rp[r] = rd.number(c_cash, 0, 1e16, outflows, "a number >= 0 (Rp)");
    pop.loan_principal_rp[r] = rd.number(c_loan_principal, 0, 1e16, 0, "a number >= 0 (Rp)");
    pop.loan_rate_year[r] = static_cast<float>(rd.number(c_loan_rate, 0, 5, 0.07, "a yearly rate in [0, 5]"));
    pop.loan_months_left[r] = static_cast<std::uint16_t>(
        rd.integer(c_loan_months, pop.loan_principal_rp[r] > 0 ? 1 : 0, 600, pop.loan_principal_rp[r] > 0 ? 12 : 0,
                   "a whole number of months from 1 to 600 while a loan is outstanding"));
    std::uint8_t lender = static_cast<std::uint8_t>(Lender::kur);
    if (rd.present(c_loan_lender)) {
      std::string l = rd.text(c_loan_lender);
      try {
        lender = static_cast<std::uint8_t>(lender_from_string(l));
      } catch (const InvalidArgument& e) {
        rd.fail(c_loan_lender, l, e.allowed());
      }
    }
    pop.loan_lender[r] = lender;
    pop.cooperative[r] = static_cast<std::int32_t>(rd.integer(c_cooperative, -1, 2147483647, -1,
                                                              "-1 (none) or a cooperative id >= 0"));
    if (rd.present(c_size_class)) {
      std::string sc = rd.text(c_size_class);
      try {
        pop.size_class[r] = static_cast<std::uint8_t>(size_class_from_string(sc));
      } catch (const InvalidArgument& e) {
        rd.fail(c_size_class, sc, e.allowed());
      }
    } else {
      pop.size_class[r] = static_cast<std::uint8_t>(
          classify(pop.regime, ClassCriterion::higher_of, assets, 12.0 * revenue, static_cast<int>(workers)));
    }
  }
  pop.sector_seasonality.assign(pop.sector_names.size(), {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1});
  pop.validate();
  return pop;
}

void save_population_csv(const Population& pop, const std::string& path) {
  pop.validate();
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary);
    if (!out) throw IoError(path + ": cannot open for writing");
    for (int c = 0; c < c_count - 1; ++c) out << (c ? "," : "") << kCols[c].name;
    out << "\n";
    for (std::size_t i = 0; i < pop.size(); ++i) {
      out << csv_quote(pop.region_names[pop.region[i]]) << ',' << csv_quote(pop.sector_names[pop.sector[i]]) << ','
          << pop.workers[i] << ',' << format_number(pop.revenue_rp_month[i]) << ','
          << format_number(pop.assets_rp[i]) << ',' << to_string(static_cast<SizeClass>(pop.size_class[i])) << ','
          << format_number(pop.variable_cost_share[i]) << ',' << format_number(pop.fixed_cost_rp_month[i]) << ','
          << format_number(pop.wage_rp_month[i]) << ',' << format_number(pop.online_share[i]) << ','
          << format_number(pop.owner_capability[i]) << ',' << int(pop.registered[i]) << ',' << int(pop.ever_kur[i])
          << ',' << format_number(pop.cash_rp[i]) << ',' << format_number(pop.loan_principal_rp[i]) << ','
          << format_number(pop.loan_rate_year[i]) << ',' << pop.loan_months_left[i] << ','
          << to_string(static_cast<Lender>(pop.loan_lender[i])) << ',' << pop.cooperative[i] << '\n';
    }
    if (!out) throw IoError(path + ": write failed");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) throw IoError(path + ": cannot rename " + tmp + " into place");
}

}  // namespace msmesim
