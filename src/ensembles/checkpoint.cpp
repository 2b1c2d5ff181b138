// An ensemble's checkpoint directory (see detail/checkpoint.hpp).
#include "ensembles/checkpoint.hpp"

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <type_traits>

#include "io/csv.hpp"
#include "msmesim/core/error.hpp"
#include "msmesim/scenario/scenario_file.hpp"
#include "msmesim/version.hpp"

namespace msmesim::detail {

namespace {

namespace fs = std::filesystem;

constexpr char kMagic[8] = {'M', 'S', 'M', 'R', 'E', 'P', '0', '1'};
constexpr const char* kManifest = "manifest.txt";

/// FNV-1a over bytes, then word by word for long arrays (fingerprints and
/// checksums; not cryptographic).
struct Hash {
  std::uint64_t h = 1469598103934665603ULL;
  void bytes(const void* p, std::size_t n) {
    const auto* c = static_cast<const unsigned char*>(p);
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
      std::uint64_t w;
      std::memcpy(&w, c + i, 8);
      h = (h ^ w) * 0x100000001B3ULL;
      h ^= h >> 29;
    }
    for (; i < n; ++i) h = (h ^ c[i]) * 0x100000001B3ULL;
  }
  template <class T>
  void vec(const std::vector<T>& v) {
    const std::uint64_t n = v.size();
    bytes(&n, sizeof n);
    if constexpr (std::is_same_v<T, std::string>) {
      for (const auto& s : v) bytes(s.data(), s.size()), bytes("\0", 1);
    } else {
      bytes(v.data(), v.size() * sizeof(T));
    }
  }
  std::string hex() const {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return buf;
  }
};

std::string population_fingerprint(const Population& p) {
  Hash h;
  h.vec(p.region_names);
  h.vec(p.sector_names);
  const auto regime = static_cast<int>(p.regime);
  h.bytes(&regime, sizeof regime);
  h.vec(p.sector_seasonality);
  h.vec(p.region), h.vec(p.sector), h.vec(p.size_class), h.vec(p.workers), h.vec(p.revenue_rp_month);
  h.vec(p.assets_rp), h.vec(p.variable_cost_share), h.vec(p.fixed_cost_rp_month), h.vec(p.wage_rp_month);
  h.vec(p.online_share), h.vec(p.owner_capability), h.vec(p.registered), h.vec(p.ever_kur), h.vec(p.cash_rp);
  h.vec(p.loan_principal_rp), h.vec(p.loan_rate_year), h.vec(p.loan_months_left), h.vec(p.loan_lender);
  h.vec(p.cooperative);
  const Cooperatives& c = p.cooperatives;
  h.vec(c.region), h.vec(c.type), h.vec(c.members), h.vec(c.own_capital_rp), h.vec(c.deposits_rp);
  h.vec(c.borrowed_rp), h.vec(c.surplus_rp), h.vec(c.cash_rp), h.vec(c.loans_rp), h.vec(c.arrears_rp);
  h.vec(c.other_assets_rp), h.vec(c.business_volume_rp_year), h.vec(c.shu_rp_year), h.vec(c.rat_history);
  h.vec(c.active), h.vec(c.healthy);
  return h.hex();
}

// ---- binary encoding -------------------------------------------------------------

struct Writer {
  std::string out;
  template <class T>
  void pod(const T& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    out.append(reinterpret_cast<const char*>(&v), sizeof v);
  }
  template <class T>
  void vec(const std::vector<T>& v) {
    pod(static_cast<std::uint64_t>(v.size()));
    if constexpr (std::is_same_v<T, std::string>) {
      for (const auto& s : v) vec(std::vector<char>(s.begin(), s.end()));
    } else {
      static_assert(std::is_trivially_copyable_v<T>);
      out.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
    }
  }
};

struct Reader {
  const std::string& in;
  std::size_t at = 0;
  void need(std::size_t n) const {
    if (n > in.size() - at) throw std::runtime_error("truncated at byte " + std::to_string(at));
  }
  template <class T>
  void pod(T& v) {
    need(sizeof v);
    std::memcpy(&v, in.data() + at, sizeof v);
    at += sizeof v;
  }
  template <class T>
  void vec(std::vector<T>& v) {
    std::uint64_t n = 0;
    pod(n);
    if constexpr (std::is_same_v<T, std::string>) {
      if (n > in.size() - at) throw std::runtime_error("bad string count at byte " + std::to_string(at));
      v.resize(static_cast<std::size_t>(n));
      for (auto& s : v) {
        std::vector<char> chars;
        vec(chars);
        s.assign(chars.begin(), chars.end());
      }
    } else {
      if (n > (in.size() - at) / sizeof(T)) throw std::runtime_error("bad length at byte " + std::to_string(at));
      v.resize(static_cast<std::size_t>(n));
      // An empty vector's data() may be null, which memcpy must never get.
      if (!v.empty()) std::memcpy(v.data(), in.data() + at, v.size() * sizeof(T));
      at += v.size() * sizeof(T);
    }
  }
};

void write_file_durably(const std::string& path, const std::string& bytes) {
  csv::write_atomically(path, [&](std::ostream& out) { out.write(bytes.data(), static_cast<std::streamsize>(bytes.size())); });
}

std::string encode_replication(const RepSummary& rep) {
  Writer w;
  w.pod(rep.replication);
  w.pod(static_cast<std::uint64_t>(rep.scenario.size()));
  for (const RepScenario& s : rep.scenario) {
    for (std::size_t t = 0; t < kSeriesTables.size(); ++t) {
      w.vec(s.series[t]);
      const SeriesLayout& l = s.layout[t];
      w.vec(l.month), w.vec(l.group), w.vec(l.group_names), w.vec(l.variables), w.vec(l.units);
      w.pod(static_cast<std::uint8_t>(l.grouped));
    }
    w.pod(s.level);
    w.pod(s.paired);
    w.vec(s.groups);
    w.pod(static_cast<std::uint64_t>(s.pairing.size()));
    for (const auto& p : s.pairing) w.vec(p);
  }
  return std::move(w.out);
}

RepSummary decode_replication(const std::string& bytes) {
  Reader r{bytes};
  RepSummary rep;
  r.pod(rep.replication);
  std::uint64_t scenarios = 0;
  r.pod(scenarios);
  if (scenarios > 65535) throw std::runtime_error("bad scenario count");
  rep.scenario.resize(static_cast<std::size_t>(scenarios));
  for (RepScenario& s : rep.scenario) {
    for (std::size_t t = 0; t < kSeriesTables.size(); ++t) {
      r.vec(s.series[t]);
      SeriesLayout& l = s.layout[t];
      r.vec(l.month), r.vec(l.group), r.vec(l.group_names), r.vec(l.variables), r.vec(l.units);
      std::uint8_t grouped = 0;
      r.pod(grouped);
      l.grouped = grouped != 0;
      if (s.series[t].size() != l.cells()) throw std::runtime_error("series and layout disagree");
    }
    r.pod(s.level);
    r.pod(s.paired);
    r.vec(s.groups);
    std::uint64_t programmes = 0;
    r.pod(programmes);
    if (programmes > 65535) throw std::runtime_error("bad programme count");
    s.pairing.resize(static_cast<std::size_t>(programmes));
    for (auto& p : s.pairing) r.vec(p);
  }
  if (r.at != bytes.size()) throw std::runtime_error("trailing bytes");
  return rep;
}

std::string checkpoint_manifest(const Population& pop, const std::vector<Scenario>& scenarios,
                                const EnsembleOptions& options) {
  std::ostringstream m;
  m << "msmesim ensemble checkpoint\n"
    << "format = 1\n"
    << "msmesim = " << version_string << "\n"
    << "seed = " << options.seed << "\n"
    << "common_random_numbers = " << (options.common_random_numbers ? "true" : "false") << "\n"
    << "healthy_cash_months = " << format_value(options.healthy_cash_months) << "\n"
    << "population = '" << pop.name << "', " << pop.size() << " firms, " << pop.cooperatives.region.size()
    << " cooperatives, fingerprint " << population_fingerprint(pop) << "\n";
  for (std::size_t k = 0; k < scenarios.size(); ++k) {
    ScenarioFile f;
    f.scenario = scenarios[k];
    const std::string text = to_toml(f);
    Hash h;
    h.bytes(text.data(), text.size());
    m << "scenario " << k << " = '" << scenarios[k].name << "', fingerprint " << h.hex() << "\n";
  }
  return m.str();
}

}  // namespace

Checkpoint::Checkpoint(const std::string& dir, const Population& pop, const std::vector<Scenario>& scenarios,
                       const EnsembleOptions& options)
    : dir_(dir) {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec || !fs::is_directory(dir_))
    throw IoError(dir_ + ": cannot create the checkpoint directory" + (ec ? " (" + ec.message() + ")" : ""));
  const std::string manifest = checkpoint_manifest(pop, scenarios, options);
  const std::string path = (fs::path(dir_) / kManifest).string();
  if (fs::exists(path)) {
    const std::string old = csv::read_file(path);
    if (old != manifest) {
      // Name the first line that differs.
      std::istringstream a(old), b(manifest);
      std::string la, lb;
      while (std::getline(a, la) && std::getline(b, lb) && la == lb) {
      }
      throw InvalidArgument("checkpoint", "'" + dir_ + "'",
                            "an empty directory or the checkpoint of this same ensemble (it holds one of another: '" +
                                la + "' where this ensemble has '" + lb + "')");
    }
  } else {
    write_file_durably(path, manifest);
  }
}

std::string Checkpoint::file_of(std::uint32_t replication) const {
  char name[32];
  std::snprintf(name, sizeof name, "rep-%010u.bin", replication);
  return (fs::path(dir_) / name).string();
}

std::optional<RepSummary> Checkpoint::load(std::uint32_t replication) const {
  const std::string path = file_of(replication);
  std::error_code ec;
  if (!fs::exists(path, ec)) return std::nullopt;
  const std::string bytes = csv::read_file(path);
  auto damaged = [&](const std::string& why) {
    return IoError(path + ": damaged checkpoint file (" + why + "); delete it and the replication is run again");
  };
  if (bytes.size() < sizeof kMagic + 8 || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0)
    throw damaged("not a replication file of this format");
  const std::string body = bytes.substr(sizeof kMagic, bytes.size() - sizeof kMagic - 8);
  std::uint64_t stored = 0;
  std::memcpy(&stored, bytes.data() + bytes.size() - 8, 8);
  Hash h;
  h.bytes(body.data(), body.size());
  if (h.h != stored) throw damaged("checksum mismatch");
  RepSummary rep;
  try {
    rep = decode_replication(body);
  } catch (const std::runtime_error& e) {
    throw damaged(e.what());
  }
  if (rep.replication != replication) throw damaged("it holds replication " + std::to_string(rep.replication));
  return rep;
}

void Checkpoint::save(const RepSummary& rep) const {
  const std::string body = encode_replication(rep);
  Hash h;
  h.bytes(body.data(), body.size());
  std::string bytes(kMagic, sizeof kMagic);
  bytes += body;
  bytes.append(reinterpret_cast<const char*>(&h.h), sizeof h.h);
  write_file_durably(file_of(rep.replication), bytes);
}

}  // namespace msmesim::detail
