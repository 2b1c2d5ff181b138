// Batched per-firm-month draws (see draws.cpp).
#pragma once

#include <cstddef>
#include <cstdint>

namespace msmesim::detail {

inline constexpr std::size_t kDrawBatch = 128;

struct FirmMonthDrawSpec {
  std::uint64_t seed;
  std::uint32_t replication;
  std::uint32_t month;
  std::uint32_t purpose;
  double noise_sd, noise_shift;  // noise = exp(noise_sd z1 + noise_shift)
  double walk_sd, walk_shift;    // walk  = exp(walk_sd z2 + walk_shift)
};

/// For firms first .. first+len-1 (len <= kDrawBatch): two standard normals
/// each (Box-Muller in single precision on the top 23 bits of two words of a
/// Philox4x32-10 block; a block serves two consecutive firms), turned into the
/// revenue noise and the growth step. Bitwise identical to the scalar
/// definition on every instruction set (no fused multiply-add, exact
/// conversions).
void firm_month_draws(const FirmMonthDrawSpec& spec, std::uint32_t first, std::size_t len, double* noise,
                      double* walk);

}  // namespace msmesim::detail
