// What the fuzz targets check, shared with the regression tests
// (tests/cpp/core/test_fuzz_regressions.cpp), so that a saved input is fed
// to exactly the same calls.
//
// The contract: a loader either succeeds or throws a subclass of
// msmesim::Error (InvalidArgument, TypeMismatch, ParseError, IoError). On
// success, what it loaded writes back (to_toml, save_*_csv) to a file that
// loads again to the same thing. A broken promise on valid data is reported
// as a Finding, which is not an msmesim::Error; so is any other exception
// (std::out_of_range, std::bad_alloc, ...). The fuzz targets abort on both.
#pragma once

#include <msmesim/core/error.hpp>
#include <msmesim/population/population.hpp>
#include <msmesim/scenario/presets.hpp>
#include <msmesim/scenario/scenario_file.hpp>
#include <msmesim/core/size_class.hpp>

#include <cxxabi.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <typeinfo>
#include <utility>

namespace msmesim::fuzz {

/// A promise of the loaders that does not hold (not an msmesim::Error).
class Finding : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

/// Largest population the scenario check generates (larger ones are only
/// specified and validated, never allocated).
inline constexpr std::int64_t kMaxGeneratedFirms = 2000;

// ---- scenario files -----------------------------------------------------------------------

/// Parses `text` as a scenario file. Throws msmesim::Error when it is
/// rejected. When it loads: to_toml() must parse again and write the same
/// text, and the built-in population it names must be generated (at most
/// kMaxGeneratedFirms firms) or at least specified validly.
inline void check_scenario(std::string_view text) {
  const ScenarioFile file = parse_scenario(text, "<fuzz>");
  const std::string once = to_toml(file);
  ScenarioFile again;
  try {
    again = parse_scenario(once, "<fuzz>");
  } catch (const Error& e) {
    throw Finding(std::string("to_toml wrote a scenario that parse_scenario rejects: ") + e.what() + "\n" + once);
  }
  const std::string twice = to_toml(again);
  if (twice != once) throw Finding("to_toml of the re-read scenario differs:\n" + once + "\n-- re-read --\n" + twice);

  const PopulationSource& source = file.population;
  if (!source.firms_csv.empty()) return;  // registry files are not read here
  try {
    if (source.firms >= 1 && source.firms <= kMaxGeneratedFirms) {
      make_population(source).validate();
    } else {
      const std::int64_t firms = source.firms >= 1 ? source.firms
                                 : source.preset == "banjarbaru" ? presets::kBanjarbaruFirms
                                                                 : presets::kBogorFirms;
      (source.preset == "banjarbaru" ? presets::banjarbaru_population_spec(firms)
                                     : presets::bogor_population_spec(firms))
          .validate();
    }
  } catch (const Error& e) {
    throw Finding(std::string("a scenario that loads names a population that cannot be made: ") + e.what());
  }
}

// ---- CSV files ----------------------------------------------------------------------------

/// A CSV input: an optional first byte \x01 (pp7_2021) or \x02 (bps_workers)
/// choosing the size-class regime (law20_2008 otherwise), then the firm file,
/// optionally followed by a form feed (\f) and a cooperatives file, and by
/// another form feed and a memberships file.
struct CsvInput {
  ClassRegime regime = ClassRegime::law20_2008;
  int files = 1;  ///< 1: firms; 2: and cooperatives; 3: and memberships
  std::string firms, cooperatives, memberships;
};

inline CsvInput split_csv_input(std::string_view data) {
  CsvInput in;
  if (!data.empty() && (data.front() == '\x01' || data.front() == '\x02')) {
    in.regime = data.front() == '\x01' ? ClassRegime::pp7_2021 : ClassRegime::bps_workers;
    data.remove_prefix(1);
  }
  const std::size_t first = data.find('\f');
  in.firms = std::string(data.substr(0, first));
  if (first == std::string_view::npos) return in;
  data.remove_prefix(first + 1);
  const std::size_t second = data.find('\f');
  in.cooperatives = std::string(data.substr(0, second));
  in.files = 2;
  if (second == std::string_view::npos) return in;
  in.memberships = std::string(data.substr(second + 1));
  in.files = 3;
  return in;
}

inline void write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) throw Finding("cannot write " + path.string());
}

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// Loads the files of `in` (written to `dir`) as load_population_csv does
/// for a registry. Throws msmesim::Error when they are rejected.
inline Population load_csv_input(const CsvInput& in, const std::filesystem::path& dir) {
  const std::string firms = (dir / "firms.csv").string();
  const std::string coops = (dir / "cooperatives.csv").string();
  const std::string members = (dir / "memberships.csv").string();
  write_text(firms, in.firms);
  if (in.files == 1) return load_population_csv(firms, "fuzz", in.regime);
  write_text(coops, in.cooperatives);
  if (in.files == 2) return load_population_csv(firms, "fuzz", in.regime, coops);
  write_text(members, in.memberships);
  return load_population_csv(firms, "fuzz", in.regime, coops, members);
}

/// Writes `pop` with save_population_csv, save_cooperatives_csv and
/// save_memberships_csv into `dir` under `prefix`; returns the three texts.
inline std::string save_all(const Population& pop, const std::filesystem::path& dir, const std::string& prefix) {
  const auto firms = dir / (prefix + "firms.csv"), coops = dir / (prefix + "cooperatives.csv"),
             members = dir / (prefix + "memberships.csv");
  save_population_csv(pop, firms.string());
  save_cooperatives_csv(pop, coops.string());
  save_memberships_csv(pop, members.string());
  return read_text(firms) + "\f" + read_text(coops) + "\f" + read_text(members);
}

/// Loads `data` (a CsvInput) with files written to `dir`. Throws
/// msmesim::Error when it is rejected. When it loads, the files the savers
/// write must load again (the same way: with the firms' cooperative column
/// or with a memberships file) and save to the same text.
inline void check_csv(std::string_view data, const std::filesystem::path& dir) {
  const CsvInput in = split_csv_input(data);
  const Population pop = load_csv_input(in, dir);
  const std::string once = save_all(pop, dir, "saved_");
  CsvInput back = split_csv_input(once);
  back.regime = in.regime;
  back.files = in.files;
  if (in.files == 2) back.memberships.clear();
  Population again;
  try {
    again = load_csv_input(back, dir);
  } catch (const Error& e) {
    throw Finding(std::string("the saved files do not load again: ") + e.what() + "\n" + once);
  }
  const std::string twice = save_all(again, dir, "resaved_");
  if (twice != once) throw Finding("the re-read population saves differently:\n" + once + "\n-- re-read --\n" + twice);
}

// ---- the fuzz targets' guard --------------------------------------------------------------

/// Runs `check`: an msmesim::Error is an accepted outcome; anything else
/// escaping is reported on stderr and aborts (a finding for libFuzzer).
template <class F>
void guard(const char* target, F&& check) {
  auto report = [&](const std::type_info& type, const char* what) {
    int status = 0;
    std::unique_ptr<char, void (*)(void*)> name(abi::__cxa_demangle(type.name(), nullptr, nullptr, &status),
                                                std::free);
    std::fprintf(stderr, "\n%s: %s escaped the loader: %s\n", target, name ? name.get() : type.name(), what);
    std::abort();
  };
  try {
    std::forward<F>(check)();
  } catch (const Error&) {
    // Rejected with a typed error: what the loaders promise.
  } catch (const std::exception& e) {
    report(typeid(e), e.what());
  } catch (...) {
    report(typeid(void), "(not a std::exception)");
  }
}

}  // namespace msmesim::fuzz
