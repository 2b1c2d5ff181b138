#include "msmesim/core/rng.hpp"

#include "core/philox.hpp"

namespace msmesim {

std::array<std::uint32_t, 4> random_words(std::uint64_t seed, std::uint32_t replication,
                                          std::uint32_t entity, std::uint32_t time,
                                          std::uint32_t purpose) {
  return detail::philox_words(seed, replication, entity, time, purpose);
}

}  // namespace msmesim
