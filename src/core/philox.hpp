// Inline Philox for the hot loops inside the library (not installed).
#pragma once

#include <Random123/philox.h>

#include <array>
#include <cstdint>

namespace msmesim::detail {

inline std::array<std::uint32_t, 4> philox_words(std::uint64_t seed, std::uint32_t replication,
                                                 std::uint32_t entity, std::uint32_t time,
                                                 std::uint32_t purpose) {
  r123::Philox4x32 rng;
  r123::Philox4x32::ctr_type ctr = {{entity, time, purpose, replication}};
  r123::Philox4x32::key_type key = {
      {static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}};
  auto r = rng(ctr, key);
  return {r[0], r[1], r[2], r[3]};
}

}  // namespace msmesim::detail
