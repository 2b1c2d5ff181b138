#include "msmesim/io/results.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <sstream>
#include <utility>

#include "io/csv.hpp"
#include "msmesim/core/error.hpp"
#include "msmesim/core/params.hpp"

namespace msmesim {

std::size_t Column::size() const {
  return std::visit([](const auto& v) { return v.size(); }, data);
}

double Column::number(std::size_t row) const {
  return std::visit(
      [row](const auto& v) -> double {
        using T = typename std::decay_t<decltype(v)>::value_type;
        if constexpr (std::is_same_v<T, std::string>) {
          return std::nan("");
        } else {
          return static_cast<double>(v[row]);
        }
      },
      data);
}

namespace {
std::string format_double(double x) {
  if (std::isnan(x)) return "";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, x);
  return std::string(buf, res.ptr);
}
}  // namespace

std::string Column::text(std::size_t row) const {
  return std::visit(
      [&](const auto& v) -> std::string {
        using T = typename std::decay_t<decltype(v)>::value_type;
        if constexpr (std::is_same_v<T, std::string>) {
          return v[row];
        } else if constexpr (std::is_floating_point_v<T>) {
          return format_double(static_cast<double>(v[row]));
        } else {
          if (!categories.empty()) {
            const auto code = static_cast<std::int64_t>(v[row]);
            if (code >= 0 && static_cast<std::size_t>(code) < categories.size())
              return categories[static_cast<std::size_t>(code)];
            return "";
          }
          return std::to_string(static_cast<std::int64_t>(v[row]));
        }
      },
      data);
}

bool Table::has(std::string_view name) const {
  return std::any_of(columns.begin(), columns.end(), [&](const Column& c) { return c.name == name; });
}

const Column& Table::column(std::string_view name) const {
  for (const auto& c : columns)
    if (c.name == name) return c;
  std::string known;
  for (const auto& c : columns) known += (known.empty() ? "" : ", ") + c.name;
  throw InvalidArgument("column", "'" + std::string(name) + "'", "one of " + known);
}

std::vector<double> Table::numbers(std::string_view name) const {
  const Column& c = column(name);
  std::vector<double> out(c.size());
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = c.number(i);
  return out;
}

void Table::write_csv(const std::string& path, const std::vector<std::pair<std::string, std::string>>& prefix) const {
  using detail::csv::csv_quote;
  detail::csv::write_atomically(path, [&](std::ostream& out) {
    bool first = true;
    for (const auto& [k, v] : prefix) {
      out << (first ? "" : ",") << csv_quote(k);
      first = false;
    }
    for (const auto& c : columns) {
      out << (first ? "" : ",") << csv_quote(c.name);
      first = false;
    }
    out << '\n';
    std::string pre;
    for (const auto& [k, v] : prefix) pre += csv_quote(v) + ",";
    const std::size_t n = rows();
    for (std::size_t r = 0; r < n; ++r) {
      out << pre;
      for (std::size_t k = 0; k < columns.size(); ++k) out << (k ? "," : "") << csv_quote(columns[k].text(r));
      out << '\n';
    }
  });
}

double RunResult::firm_months_per_second() const {
  if (elapsed_seconds <= 0 || monthly.rows() == 0) return 0.0;
  double firm_months = 0;
  const auto active = monthly.numbers("active_firms");
  const auto closed = monthly.numbers("closed_firms");
  for (std::size_t m = 0; m < active.size(); ++m) firm_months += active[m] + closed[m];
  return firm_months / elapsed_seconds;
}

namespace {
std::string thousands(double x) {
  const bool neg = x < 0;
  auto v = static_cast<long long>(std::llround(std::fabs(x)));
  const std::string digits = std::to_string(v);
  std::string s = neg ? "-" : "";
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) s += ',';
    s += digits[i];
  }
  return s;
}
std::string percent(double x, int digits = 1) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f %%", digits, 100.0 * x);
  return buf;
}
}  // namespace

std::string RunResult::summary() const {
  std::ostringstream o;
  const std::size_t T = monthly.rows();
  o << "msmesim " << "- scenario '" << scenario << "' on " << population << " (" << thousands(static_cast<double>(initial_firms))
    << " firms), " << months << " months from " << start.to_string() << ", seed " << seed;
  if (replication) o << ", replication " << replication;
  o << "\n";
  if (T == 0) return o.str();
  const auto active = monthly.numbers("active_firms");
  const auto closed = monthly.numbers("closed_firms");
  const auto employment = monthly.numbers("employment");
  const auto index = monthly.numbers("revenue_index");
  const auto distressed = monthly.numbers("distressed_firms");
  const auto entries = monthly.numbers("entries");
  const auto& dates = std::get<std::vector<std::string>>(monthly.column("date").data);
  double total_entries = 0;
  for (double e : entries) total_entries += e;
  const double end_active = active.back();
  o << "  Open firms      " << thousands(static_cast<double>(initial_firms)) << " -> " << thousands(end_active) << " ("
    << percent(end_active / static_cast<double>(initial_firms) - 1.0) << "); closed " << thousands(closed.back())
    << " (" << percent(closed.back() / (static_cast<double>(initial_firms) + total_entries)) << " of all firms), entered "
    << thousands(total_entries) << "\n";
  o << "  Employment      " << thousands(static_cast<double>(initial_employment)) << " -> " << thousands(employment.back())
    << " (" << percent(employment.back() / static_cast<double>(initial_employment) - 1.0) << ")\n";
  const auto trough = std::min_element(index.begin(), index.end()) - index.begin();
  o << "  Revenue index   trough " << format_double(std::round(index[static_cast<std::size_t>(trough)] * 1000) / 1000)
    << " in " << dates[static_cast<std::size_t>(trough)] << "; " << format_double(std::round(index.back() * 1000) / 1000)
    << " in " << dates.back() << " (1 = pre-shock)\n";
  const auto peak = std::max_element(distressed.begin(), distressed.end()) - distressed.begin();
  o << "  Distress        peak " << thousands(distressed[static_cast<std::size_t>(peak)]) << " firms in "
    << dates[static_cast<std::size_t>(peak)] << "\n";
  {
    double owner = 0, unviable = 0, insolvent = 0;
    for (double x : monthly.numbers("closures_owner_exit")) owner += x;
    for (double x : monthly.numbers("closures_unviable")) unviable += x;
    for (double x : monthly.numbers("closures_insolvent")) insolvent += x;
    o << "  Closures        " << thousands(owner) << " owner left, " << thousands(unviable)
      << " no longer kept the household, " << thousands(insolvent) << " insolvent\n";
  }
  // Main problems: on the survey window (Table 1 of seed 000), with the
  // window in the label, and over the whole run.
  const auto aff = monthly.numbers("affected_firms");
  std::array<std::vector<double>, kChannels> by_channel;
  for (auto ch : kAllChannels)
    by_channel[static_cast<std::size_t>(ch)] = monthly.numbers("main_problem_" + std::string(to_string(ch)));
  auto main_problems = [&](std::size_t from, std::size_t to, const std::string& label) {
    double affected = 0;
    std::array<double, kChannels> problem{};
    for (std::size_t m = from; m < to && m < T; ++m) {
      affected += aff[m];
      for (int ch = 0; ch < kChannels; ++ch) problem[static_cast<std::size_t>(ch)] += by_channel[static_cast<std::size_t>(ch)][m];
    }
    if (affected <= 0) return;
    o << "  Main problem    ";
    for (auto ch : kAllChannels)
      o << (ch == Channel::sales ? "" : ", ") << to_string(ch) << " "
        << percent(problem[static_cast<std::size_t>(ch)] / affected, 0);
    o << " (" << label << ")\n";
  };
  if (survey_start && survey_end) {
    const int from = std::max(0, survey_start->months_since(start)), to = survey_end->months_since(start) + 1;
    if (to > from)
      main_problems(static_cast<std::size_t>(from), static_cast<std::size_t>(to),
                    "survey window " + survey_start->to_string() + " to " + survey_end->to_string() +
                        ", of affected firm-months");
  }
  main_problems(0, T, "whole run, of affected firm-months");
  double up = 0, down = 0;
  for (double x : monthly.numbers("upgrades")) up += x;
  for (double x : monthly.numbers("downgrades")) down += x;
  o << "  Size classes    " << thousands(up) << " moved up, " << thousands(down) << " moved down\n";
  o << "  New credit      ";
  for (auto l : kAllLenders) {
    double loans = 0, amount = 0;
    for (double x : monthly.numbers("new_loans_" + std::string(to_string(l)))) loans += x;
    for (double x : monthly.numbers("new_credit_" + std::string(to_string(l)) + "_rp")) amount += x;
    o << (l == Lender::cooperative ? "" : ", ") << to_string(l) << " " << thousands(loans) << " loans (Rp "
      << format_double(std::round(amount / 1e8) / 10) << " B)";
  }
  o << "\n";
  if (cooperatives_monthly.rows() > 0) {
    // Active cooperatives at the start, at each year end, and their deposits.
    const auto coops_active = cooperatives_monthly.numbers("active");
    const auto deposits = cooperatives_monthly.numbers("deposits_rp");
    const auto members_open = monthly.numbers("member_active_firms");
    const auto members_closed = monthly.numbers("member_closed_firms");
    const auto others_open = monthly.numbers("nonmember_active_firms");
    const auto others_closed = monthly.numbers("nonmember_closed_firms");
    const auto founded = cooperatives_monthly.numbers("founded");
    const auto registered = cooperatives_monthly.numbers("cooperatives");
    o << "  Cooperatives    active " << thousands(coops_active.front() - founded.front());  // before the first month
    for (std::size_t m = 0; m < coops_active.size(); ++m)
      if (start.plus(static_cast<int>(m)).month == 12 || m + 1 == coops_active.size())
        o << " -> " << thousands(coops_active[m]) << " (" << start.plus(static_cast<int>(m)).to_string() << ")";
    o << "; registered " << thousands(registered.front() - founded.front()) << " -> " << thousands(registered.back())
      << "; deposits " << std::showpos << format_double(std::round(1000.0 * (deposits.back() / deposits.front() - 1.0)) / 10)
      << std::noshowpos << " %\n";
    auto closed_share = [](double open, double shut) { return open + shut > 0 ? 100.0 * shut / (open + shut) : 0.0; };
    char buf[200];
    std::snprintf(buf, sizeof buf, "  Members         %.1f %% of member firms closed, %.1f %% of the others\n",
                  closed_share(members_open.back(), members_closed.back()),
                  closed_share(others_open.back(), others_closed.back()));
    o << buf;
  }
  if (elapsed_seconds > 0) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "  Run             %.3f s, %.1f M firm-months/s on %d thread(s)\n", elapsed_seconds,
                  firm_months_per_second() / 1e6, threads);
    o << buf;
  }
  return o.str();
}

namespace {

constexpr TableInfo kRunTables[] = {
    {"monthly", &RunResult::monthly, "one per month"},
    {"by_sector", &RunResult::by_sector, "one per month and sector"},
    {"by_class", &RunResult::by_class, "one per month and size class at the start (a cohort)"},
    {"by_region", &RunResult::by_region, "one per month and region (kecamatan)"},
    {"firms", &RunResult::firms, "one per firm: the initial firms, then the entrants (microdata)"},
    {"credit_book", &RunResult::credit_book, "one per month and lender"},
    {"panel", &RunResult::panel, "one per firm and month of RunOptions::panel_months"},
    {"cooperatives_monthly", &RunResult::cooperatives_monthly, "one per month (cooperatives)"},
    {"cooperatives_by_type", &RunResult::cooperatives_by_type, "one per month and cooperative type"},
    {"cooperatives_by_region", &RunResult::cooperatives_by_region, "one per month and region (cooperatives)"},
    {"cooperatives_panel", &RunResult::cooperatives_panel,
     "one per cooperative and month (RunOptions::cooperative_panel)"},
    {"programmes_monthly", &RunResult::programmes_monthly, "one per programme and month"},
    {"programme_ledger", &RunResult::programme_ledger,
     "one per programme, month, region, size class and sector (the government ledger)"},
    {"programme_payments", &RunResult::programme_payments, "one per payment to a recipient"},
    {"programme_awards", &RunResult::programme_awards, "one per award, with the recipient's state then"},
};


}  // namespace

std::span<const TableInfo> run_result_tables() { return {kRunTables, std::size(kRunTables)}; }

const Table& RunResult::table(std::string_view name) const {
  for (const TableInfo& t : kRunTables)
    if (t.name == name) return this->*t.member;
  std::vector<std::string_view> names;
  for (const TableInfo& t : kRunTables) names.push_back(t.name);
  throw_unknown_name("table", name, names);
}

Table& RunResult::table(std::string_view name) { return const_cast<Table&>(std::as_const(*this).table(name)); }

}  // namespace msmesim
