// Reading and writing cooperatives and memberships as CSV, next to the firm
// file (population_csv.cpp). Columns and defaults are in docs/data.md.
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <unordered_map>

#include "io/csv.hpp"
#include "msmesim/core/error.hpp"
#include "msmesim/population/population.hpp"

namespace msmesim {

namespace csv = detail::csv;

namespace {

constexpr std::int64_t kMaxId = std::numeric_limits<std::int64_t>::max();
constexpr double kMaxRp = 1e16;

enum CoopCol {
  k_id, k_region, k_type, k_members, k_own, k_deposits, k_borrowed, k_surplus, k_cash, k_loans, k_arrears,
  k_other, k_volume, k_shu, k_rat, k_active, k_healthy, k_virtual, k_count
};
constexpr csv::ColumnDef kCoopCols[k_count] = {
    {"cooperative_id", true}, {"region", true}, {"type", true}, {"members", true},
    {"own_capital_rp", true}, {"deposits_rp", false}, {"borrowed_rp", false}, {"surplus_rp", false},
    {"cash_rp", false}, {"loans_rp", false}, {"arrears_rp", false}, {"other_assets_rp", false},
    {"business_volume_rp_year", false}, {"shu_rp_year", false}, {"rat_history", false}, {"active", false},
    {"healthy", false}, {"virtual_rat", false}};

enum MemberCol { m_firm, m_cooperative_id, m_count };
constexpr csv::ColumnDef kMemberCols[m_count] = {{"firm", true}, {"cooperative_id", true}};

// Bits of rat_history inside the default activity window (a RAT in at least
// one of the last three book years; CooperativeSpec::active_rat_*).
constexpr unsigned kDefaultActiveWindow = 0b111;

// Tolerance of the balance check, as in Cooperatives::validate.
double balance_tolerance(double assets) { return 1e-6 * std::max(1.0, assets); }

// Cooperative index of each id of a cooperatives file, and the line that defined it.
struct CoopIds {
  std::unordered_map<std::int64_t, std::pair<std::int32_t, std::int64_t>> index;
  std::string path;

  bool contains(std::int64_t id) const { return index.count(id) != 0; }
  std::int32_t at(std::int64_t id) const { return index.at(id).first; }
  std::string allowed() const {
    return "a cooperative_id defined in " + path + " (" + std::to_string(index.size()) + " cooperatives)";
  }
};

// Reads the cooperatives file into pop.cooperatives; regions are matched by
// name against the firms' regions.
CoopIds read_cooperatives(const std::string& path, Population& pop, CsvLocale locale) {
  const csv::Document doc = csv::read_csv(path, locale);
  const auto& records = doc.records;
  if (records.empty()) throw ParseError(path, 1, "(header)", "an empty file", "a header row naming the columns");
  const auto& header = records.front();
  const std::vector<int> index = csv::map_header(path, header, kCoopCols);
  const std::size_t n = records.size() - 1;
  if (n > 2147483647u)
    throw ParseError(path, records.back().line, "(record)", std::to_string(n) + " cooperatives",
                     "at most 2147483647 cooperatives");
  std::map<std::string, std::uint16_t, std::less<>> region_ids;
  for (std::size_t r = 0; r < pop.region_names.size(); ++r)
    region_ids.emplace(pop.region_names[r], static_cast<std::uint16_t>(r));

  CoopIds ids;
  ids.path = path;
  Cooperatives& co = pop.cooperatives;
  co = Cooperatives{};
  co.resize(n);
  for (std::size_t c = 0; c < n; ++c) {
    const csv::Record& rec = records[c + 1];
    csv::check_field_count(path, rec, header);
    csv::Reader rd{path, rec, index, kCoopCols, doc.locale};
    const std::int64_t id = rd.integer(k_id, 0, kMaxId, 0, "a whole number >= 0, each id once");
    auto [it, fresh] = ids.index.emplace(id, std::pair{static_cast<std::int32_t>(c), rec.line});
    if (!fresh)
      rd.fail(k_id, rd.text(k_id),
              "each id once (" + std::to_string(id) + " is already used on line " +
                  std::to_string(it->second.second) + ")");

    const std::string region = rd.text(k_region);
    auto rit = region_ids.find(region);
    if (rit == region_ids.end()) {
      std::string allowed = "a region of the firm file";
      try {
        (void)pop.region_index(region, "region");
      } catch (const InvalidArgument& e) {
        allowed = e.allowed() + " (the regions of the firm file)";
      }
      rd.fail(k_region, region, allowed);
    }
    co.region[c] = rit->second;
    const std::string type = rd.text(k_type);
    try {
      co.type[c] = static_cast<std::uint8_t>(coop_type_from_string(type, "type"));
    } catch (const InvalidArgument& e) {
      rd.fail(k_type, type, e.allowed());
    }
    co.members[c] = static_cast<std::int32_t>(
        rd.integer(k_members, 0, 2147483647, 0, "a whole number of persons from 0 to 2147483647"));

    const char* money = "a number >= 0 (Rp), at most 1e16";
    co.own_capital_rp[c] =
        rd.number(k_own, -kMaxRp, kMaxRp, 0, "a number (Rp; negative when losses exceed it) from -1e16 to 1e16");
    co.deposits_rp[c] = rd.number(k_deposits, 0, kMaxRp, 0, money);
    co.borrowed_rp[c] = rd.number(k_borrowed, 0, kMaxRp, 0, money);
    co.surplus_rp[c] = rd.number(k_surplus, -kMaxRp, kMaxRp, 0, "a number (Rp; negative for a loss) from -1e16 to 1e16");
    co.cash_rp[c] = rd.number(k_cash, 0, kMaxRp, 0, money);
    co.loans_rp[c] = rd.number(k_loans, 0, kMaxRp, 0, money);
    co.arrears_rp[c] = rd.number(k_arrears, 0, kMaxRp, 0, money);
    if (co.arrears_rp[c] > co.loans_rp[c])
      rd.fail(k_arrears, rd.text(k_arrears),
              "a number >= 0 (Rp) and at most loans_rp (" + csv::format_number(co.loans_rp[c]) + ")");
    const double funds = co.deposits_rp[c] + co.borrowed_rp[c] + co.own_capital_rp[c] + co.surplus_rp[c];
    if (rd.present(k_other)) {
      co.other_assets_rp[c] = rd.number(k_other, 0, kMaxRp, 0, money);
      const double assets = co.cash_rp[c] + co.loans_rp[c] + co.other_assets_rp[c];
      if (std::abs(co.balance_gap_rp(c)) > balance_tolerance(assets))
        throw ParseError(path, rec.line, "(balance sheet)",
                         "cooperative_id " + std::to_string(id) + ": assets - liabilities - equity = " +
                             csv::format_number(co.balance_gap_rp(c)),
                         "cash_rp + loans_rp + other_assets_rp = deposits_rp + borrowed_rp + own_capital_rp + "
                         "surplus_rp (leave other_assets_rp empty to make it the balancing item)");
    } else {
      // The balancing item.
      double other = funds - co.cash_rp[c] - co.loans_rp[c];
      if (other < 0 && -other <= balance_tolerance(co.cash_rp[c] + co.loans_rp[c])) other = 0;
      // The balancing item must be an other_assets_rp the file could give
      // (and save_cooperatives_csv writes).
      if (other < 0 || other > kMaxRp)
        rd.fail(k_other, "",
                "a number >= 0 (Rp), at most 1e16; as the balancing item it would be " + csv::format_number(other) +
                    " (deposits_rp + borrowed_rp + own_capital_rp + surplus_rp - cash_rp - loans_rp)");
      co.other_assets_rp[c] = other;
    }
    co.business_volume_rp_year[c] = rd.number(k_volume, 0, kMaxRp, 0, money);
    co.shu_rp_year[c] = rd.number(k_shu, -kMaxRp, kMaxRp, 0, "a number (Rp; negative for a loss) from -1e16 to 1e16");

    const bool has_rat = rd.present(k_rat);
    const auto rat = static_cast<std::uint8_t>(
        rd.integer(k_rat, 0, 255, 0, "a whole number from 0 to 255 (bit k: a RAT held k+1 years ago)"));
    co.active[c] = rd.flag(k_active, has_rat ? ((rat & kDefaultActiveWindow) != 0 ? 1 : 0) : 1);
    co.rat_history[c] = has_rat ? rat : static_cast<std::uint8_t>(co.active[c]);
    // Healthy by default as generated: active, solvent, liquid and with a positive SHU.
    const bool sound = co.active[c] && co.own_capital_rp[c] > 0 && co.shu_rp_year[c] > 0 && co.cash_rp[c] > 0;
    co.healthy[c] = rd.flag(k_healthy, sound ? 1 : 0);
    co.virtual_rat[c] = rd.flag(k_virtual, 0);
  }
  co.validate(pop.region_names.size());
  return ids;
}

// Memberships from a memberships file (firm row, cooperative id).
void read_memberships(const std::string& path, const CoopIds& ids, const std::string& firm_path, Population& pop,
                      CsvLocale locale) {
  const csv::Document doc = csv::read_csv(path, locale);
  const auto& records = doc.records;
  if (records.empty()) throw ParseError(path, 1, "(header)", "an empty file", "a header row naming the columns");
  const auto& header = records.front();
  const std::vector<int> index = csv::map_header(path, header, kMemberCols);
  const std::size_t firms = pop.size();
  std::vector<std::int64_t> listed_on(firms, 0);
  for (std::size_t k = 1; k < records.size(); ++k) {
    const csv::Record& rec = records[k];
    csv::check_field_count(path, rec, header);
    csv::Reader rd{path, rec, index, kMemberCols, doc.locale};
    const std::int64_t firm = rd.integer(m_firm, 0, kMaxId, 0, "a firm row >= 0 (0-based data row of the firm file)");
    if (firm >= static_cast<std::int64_t>(firms))
      rd.fail(m_firm, rd.text(m_firm),
              "a firm row from 0 to " + std::to_string(firms - 1) + " (0-based data rows of " + firm_path + ")");
    const auto f = static_cast<std::size_t>(firm);
    if (listed_on[f] != 0)
      rd.fail(m_firm, rd.text(m_firm),
              "each firm once (firm " + std::to_string(firm) + " is already listed on line " +
                  std::to_string(listed_on[f]) + "; a firm belongs to at most one cooperative)");
    listed_on[f] = rec.line;
    const std::int64_t id = rd.integer(m_cooperative_id, 0, kMaxId, 0, "a cooperative id >= 0");
    if (!ids.contains(id)) rd.fail(m_cooperative_id, rd.text(m_cooperative_id), ids.allowed());
    pop.cooperative[f] = ids.at(id);
  }
}

}  // namespace

Population load_population_csv(const std::string& path, std::string_view name, ClassRegime regime,
                               const std::string& cooperatives_path, const std::string& memberships_path,
                               CsvLocale locale) {
  std::vector<csv::CoopRef> refs;
  Population pop = csv::read_firms(path, name, regime, &refs, locale);
  const CoopIds ids = read_cooperatives(cooperatives_path, pop, locale);
  for (const auto& ref : refs)
    if (!ids.contains(ref.id)) throw ParseError(path, ref.line, "cooperative", ref.text, ids.allowed());
  if (memberships_path.empty()) {
    for (const auto& ref : refs) pop.cooperative[ref.firm] = ids.at(ref.id);
  } else {
    read_memberships(memberships_path, ids, path, pop, locale);
    // The firm file may repeat the memberships, but not contradict them.
    for (const auto& ref : refs) {
      const std::int32_t c = pop.cooperative[ref.firm];
      if (c != ids.at(ref.id)) {
        std::string given = "none";
        for (const auto& [id, entry] : ids.index)
          if (entry.first == c) given = "cooperative_id " + std::to_string(id);
        throw ParseError(path, ref.line, "cooperative", ref.text,
                         "-1, empty or the cooperative the memberships file " + memberships_path +
                             " gives this firm (" + given + ")");
      }
    }
  }
  pop.validate();
  return pop;
}

void save_cooperatives_csv(const Population& pop, const std::string& path) {
  pop.validate();
  const Cooperatives& co = pop.cooperatives;
  csv::write_atomically(path, [&](std::ostream& out) {
    using csv::format_number;
    for (int k = 0; k < k_count; ++k) out << (k ? "," : "") << kCoopCols[k].name;
    out << "\n";
    // The id is the cooperative's index, as in the firm file's `cooperative` column.
    for (std::size_t c = 0; c < co.size(); ++c) {
      out << c << ',' << csv::csv_quote(pop.region_names[co.region[c]]) << ','
          << to_string(static_cast<CoopType>(co.type[c])) << ',' << co.members[c] << ','
          << format_number(co.own_capital_rp[c]) << ',' << format_number(co.deposits_rp[c]) << ','
          << format_number(co.borrowed_rp[c]) << ',' << format_number(co.surplus_rp[c]) << ','
          << format_number(co.cash_rp[c]) << ',' << format_number(co.loans_rp[c]) << ','
          << format_number(co.arrears_rp[c]) << ',' << format_number(co.other_assets_rp[c]) << ','
          << format_number(co.business_volume_rp_year[c]) << ',' << format_number(co.shu_rp_year[c]) << ','
          << int(co.rat_history[c]) << ',' << int(co.active[c]) << ',' << int(co.healthy[c]) << ','
          << int(co.virtual_rat[c]) << '\n';
    }
  });
}

void save_memberships_csv(const Population& pop, const std::string& path) {
  pop.validate();
  csv::write_atomically(path, [&](std::ostream& out) {
    out << kMemberCols[m_firm].name << ',' << kMemberCols[m_cooperative_id].name << '\n';
    for (std::size_t i = 0; i < pop.size(); ++i)
      if (pop.cooperative[i] >= 0) out << i << ',' << pop.cooperative[i] << '\n';
  });
}

}  // namespace msmesim
