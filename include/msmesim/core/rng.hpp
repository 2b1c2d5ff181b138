// Counter-based random numbers. Every draw is a pure function of
// (seed, replication, entity, time, purpose): no generator state is shared
// between threads, a firm gets the same draws whatever else runs, and two
// scenarios on the same seed share their random numbers.
#pragma once

#include <array>
#include <cstdint>

namespace msmesim {

/// What a draw is for. Values are part of the reproducibility contract:
/// changing one changes results, so they are never renumbered.
enum class Purpose : std::uint32_t {
  gen_region = 1,
  gen_sector = 2,
  gen_class = 3,
  gen_revenue_assets = 4,
  gen_workers = 5,
  gen_costs = 6,
  gen_online = 7,
  gen_owner = 8,
  gen_flags = 9,
  gen_cash = 10,
  gen_loan = 11,
  gen_coop_type = 12,
  gen_coop_size = 13,
  gen_coop_rat = 14,
  gen_coop_rat_years = 15,
  gen_coop_membership = 16,
  gen_coop_virtual = 17,
  gen_asset_phase = 18,
  firm_month = 200,        ///< revenue noise and the growth random walk
  firm_credit = 201,       ///< loan approvals
  firm_reentry = 202,      ///< reopening of closed firms
  firm_exits = 203,        ///< the month the owner leaves
  firm_unviable = 204,     ///< giving up a business that does not support the household
  entry_count = 300,       ///< how many firms enter in a month
  entrant_template = 301,  ///< which existing firm an entrant resembles
  coop_rat = 400,          ///< whether a cooperative holds its members' meeting
  coop_entry_count = 401,  ///< how many cooperatives are founded in a month
  coop_entrant_template = 402,  ///< which existing cooperative a new one resembles
  shock_base = 1000        ///< shock k uses shock_base + k
};

/// Sentinel `time` for draws that belong to no month (population generation,
/// shock incidence).
inline constexpr std::uint32_t kNoMonth = 0xFFFFFFFFu;

/// Four independent 32-bit words from Philox4x32-10 keyed by `seed` at counter
/// (entity, time, purpose, replication).
std::array<std::uint32_t, 4> random_words(std::uint64_t seed, std::uint32_t replication,
                                          std::uint32_t entity, std::uint32_t time,
                                          std::uint32_t purpose);

/// A uniform number in the open interval (0, 1) from one 32-bit word.
inline constexpr double to_unit(std::uint32_t word) {
  return (static_cast<double>(word) + 0.5) * (1.0 / 4294967296.0);
}

/// A (seed, replication) pair with convenience accessors.
struct RandomStream {
  std::uint64_t seed = 0;
  std::uint32_t replication = 0;

  std::array<std::uint32_t, 4> words(std::uint32_t entity, std::uint32_t time,
                                     Purpose purpose) const {
    return random_words(seed, replication, entity, time, static_cast<std::uint32_t>(purpose));
  }
  std::array<std::uint32_t, 4> words(std::uint32_t entity, std::uint32_t time,
                                     std::uint32_t purpose) const {
    return random_words(seed, replication, entity, time, purpose);
  }
  /// Four uniforms in (0, 1).
  std::array<double, 4> uniforms(std::uint32_t entity, std::uint32_t time, Purpose purpose) const {
    auto w = words(entity, time, purpose);
    return {to_unit(w[0]), to_unit(w[1]), to_unit(w[2]), to_unit(w[3])};
  }
};

}  // namespace msmesim
