// Writes the generated part of the seed corpus and the scenario dictionary:
// every built-in preset's text and its to_toml() form into <dir>/scenario,
// CSV inputs of a small generated Bogor population into <dir>/population_csv
// (the input format is in fuzz/harness.hpp), and fuzz_scenario.dict next to
// <dir>. The hand-made seeds are committed as they are, and every seed is
// checked as the fuzz targets check it. Usage: seed_corpus fuzz/corpus
#include <cstddef>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <msmesim/core/params.hpp>
#include <msmesim/programmes/programme.hpp>
#include <msmesim/core/types.hpp>

#include "harness.hpp"

namespace fs = std::filesystem;
using namespace msmesim;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// The header and the first `rows` records of a file written by a saver
// (no quoted line breaks: region and sector names have none).
std::string head(const std::string& text, std::size_t rows) {
  std::string out;
  const auto lines = lines_of(text);
  for (std::size_t k = 0; k < lines.size() && k <= rows; ++k) out += lines[k] + "\n";
  return out;
}

void write(const fs::path& path, const std::string& text) {
  fuzz::write_text(path, text);
  std::printf("%s (%zu bytes)\n", path.string().c_str(), text.size());
}

}  // namespace

int main(int argc, char** argv) try {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
    return 2;
  }
  const fs::path root = argv[1];
  const fs::path scen = root / "scenario", csv = root / "population_csv";
  fs::create_directories(scen);
  fs::create_directories(csv);

  for (const auto& name : presets::scenario_names()) {
    write(scen / ("preset-" + name + ".toml"), presets::scenario_text(name));
    write(scen / ("preset-" + name + ".to_toml.toml"), to_toml(presets::scenario_file(name)));
  }

  // The dictionary: every key, name and parameter a scenario file may hold.
  {
    std::set<std::string> words = {
        "extends", "name", "description", "seed", "replications", "population", "preset", "firms", "firms_csv",
        "cooperatives_csv", "memberships_csv", "regime", "horizon", "start", "months", "params", "shocks",
        "channel", "onset", "ramp_months", "plateau_months", "recovery_half_life_months", "path", "incidence",
        "incidence_by_sector", "severity", "distribution", "value", "low", "high", "mean", "sd", "fixed",
        "uniform", "beta", "sectors", "regions", "classes", "input_output", "coefficients", "output", "none",
        "class_review", "criterion", "programmes", "kind", "end", "budget_rp", "quota", "amount_rp",
        "eligibility", "allocation", "uptake", "monthly_capacity", "admin_cost_share", "leakage_share",
        "registered", "never_had_kur", "cooperative_member", "online_seller", "in_distress", "ranges",
        "coop_types", "outputs", "dir", "report", "microdata", "cooperative_panel", "bogor", "banjarbaru",
        "law20_2008", "pp7_2021", "bps_workers", "higher_of", "turnover", "assets"};
    for (const auto& info : firm_param_table()) words.insert(std::string(info.name));
    for (const auto kind : kAllProgrammeKinds) {
      words.insert(std::string(to_string(kind)));
      for (const auto& info : programme_params(kind)) words.insert(std::string(info.name));
    }
    for (const auto a : kAllAllocations) words.insert(std::string(to_string(a)));
    for (const auto c : kAllSizeClasses) words.insert(std::string(to_string(c)));
    for (const auto c : kAllChannels) words.insert(std::string(to_string(c)));
    for (const auto c : kAllCoopTypes) words.insert(std::string(to_string(c)));
    for (const auto& a : eligibility_attributes()) words.insert(a);
    for (const auto& n : presets::scenario_names()) words.insert(n);
    for (const auto& sector : presets::bogor_population_spec(1).sectors) words.insert(sector.name);
    const char* tokens[] = {"[[", "]]", " = ", "\"\"\"", "'''", "{ ", " }", "inf", "nan", "-0.0", "1e308", "5e-324",
                            "9223372036854775807", "-9223372036854775808", "\"2020-01\"", "\"9999-12\"", "\\u0000"};
    std::string dict = "# Keys and names of scenario files (written by fuzz/seed_corpus.cpp).\n";
    for (const auto& w : words) dict += "\"" + w + "\"\n";
    for (const char* token : tokens) {
      dict += "\"";
      for (const char* ch = token; *ch != '\0'; ++ch) {
        if (*ch == '"' || *ch == '\\') dict += '\\';
        dict += *ch;
      }
      dict += "\"\n";
    }
    write(root.parent_path() / "fuzz_scenario.dict", dict);
  }

  // A small Bogor population with its cooperatives: the first firms that
  // belong to a cooperative and a few that do not.
  const Population pop = generate_population(presets::bogor_population_spec(2000), 1);
  std::vector<std::size_t> keep;
  std::set<std::int32_t> coops;
  for (std::size_t i = 0; i < pop.size() && coops.size() < 3; ++i)
    if (pop.cooperative[i] >= 0 && coops.insert(pop.cooperative[i]).second) keep.push_back(i);
  for (std::size_t i = 0; i < pop.size() && keep.size() < 8; ++i)
    if (pop.cooperative[i] < 0) keep.push_back(i);
  Population small = pop;
  small.resize(keep.size());
  auto take = [&](auto member) {
    for (std::size_t k = 0; k < keep.size(); ++k) (small.*member)[k] = (pop.*member)[keep[k]];
  };
  take(&Population::region);
  take(&Population::sector);
  take(&Population::size_class);
  take(&Population::workers);
  take(&Population::revenue_rp_month);
  take(&Population::assets_rp);
  take(&Population::variable_cost_share);
  take(&Population::fixed_cost_rp_month);
  take(&Population::wage_rp_month);
  take(&Population::online_share);
  take(&Population::owner_capability);
  take(&Population::registered);
  take(&Population::ever_kur);
  take(&Population::cash_rp);
  take(&Population::loan_principal_rp);
  take(&Population::loan_rate_year);
  take(&Population::loan_months_left);
  take(&Population::loan_lender);
  take(&Population::cooperative);
  // Only the cooperatives the kept firms belong to, renumbered.
  Cooperatives& co = small.cooperatives;
  const Cooperatives& all = pop.cooperatives;
  co = Cooperatives{};
  co.resize(coops.size());
  std::size_t c = 0;
  for (const std::int32_t old : coops) {
    const auto o = static_cast<std::size_t>(old);
    co.region[c] = all.region[o];
    co.type[c] = all.type[o];
    co.members[c] = all.members[o];
    co.own_capital_rp[c] = all.own_capital_rp[o];
    co.deposits_rp[c] = all.deposits_rp[o];
    co.borrowed_rp[c] = all.borrowed_rp[o];
    co.surplus_rp[c] = all.surplus_rp[o];
    co.cash_rp[c] = all.cash_rp[o];
    co.loans_rp[c] = all.loans_rp[o];
    co.arrears_rp[c] = all.arrears_rp[o];
    co.other_assets_rp[c] = all.other_assets_rp[o];
    co.business_volume_rp_year[c] = all.business_volume_rp_year[o];
    co.shu_rp_year[c] = all.shu_rp_year[o];
    co.rat_history[c] = all.rat_history[o];
    co.active[c] = all.active[o];
    co.healthy[c] = all.healthy[o];
    for (auto& m : small.cooperative)
      if (m == old) m = static_cast<std::int32_t>(c);
    ++c;
  }
  small.validate();

  const fs::path tmp = fs::temp_directory_path() / "msmesim-seed-corpus";
  fs::create_directories(tmp);
  const std::string saved = fuzz::save_all(small, tmp, "");
  fs::remove_all(tmp);
  const fuzz::CsvInput files = fuzz::split_csv_input(saved);
  // Firms only: without a cooperatives file the cooperative column must be -1 or empty.
  Population alone = small;
  alone.cooperatives = Cooperatives{};
  for (auto& m : alone.cooperative) m = -1;
  const fs::path tmp2 = fs::temp_directory_path() / "msmesim-seed-corpus-alone";
  fs::create_directories(tmp2);
  const std::string firms_alone = fuzz::split_csv_input(fuzz::save_all(alone, tmp2, "")).firms;
  fs::remove_all(tmp2);

  write(csv / "bogor-firms.csv", firms_alone);
  write(csv / "bogor-firms-3rows.csv", head(firms_alone, 3));
  write(csv / "bogor-firms-pp7.csv", "\x01" + head(firms_alone, 4));
  write(csv / "bogor-firms-bps.csv", "\x02" + head(firms_alone, 4));
  write(csv / "bogor-firms-cooperatives.csv", files.firms + "\f" + files.cooperatives);
  write(csv / "bogor-firms-cooperatives-memberships.csv",
        files.firms + "\f" + files.cooperatives + "\f" + files.memberships);
  // The memberships from their own file only (the firms' column left -1).
  write(csv / "bogor-memberships-only.csv", firms_alone + "\f" + files.cooperatives + "\f" + files.memberships);

  // Each seed must load and round-trip (what the fuzz target checks first).
  const fs::path check = fs::temp_directory_path() / "msmesim-seed-corpus-check";
  fs::create_directories(check);
  for (const auto& entry : fs::directory_iterator(csv)) {
    try {
      fuzz::check_csv(fuzz::read_text(entry.path()), check);
    } catch (const Error& e) {
      std::printf("  %s is rejected: %s\n", entry.path().filename().string().c_str(), e.what());
    }
  }
  fs::remove_all(check);
  for (const auto& entry : fs::directory_iterator(scen)) {
    try {
      fuzz::check_scenario(fuzz::read_text(entry.path()));
    } catch (const Error& e) {
      std::printf("  %s is rejected: %s\n", entry.path().filename().string().c_str(), e.what());
    }
  }
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "seed_corpus: %s\n", e.what());
  return 1;
}
