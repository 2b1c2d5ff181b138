// The hot random draws of the monthly step, written so the compiler
// vectorises them across firms: Philox4x32-10 round by round over a batch of
// counters, then Box-Muller with the libm-free functions of fastmath.hpp.
// Compiled for several instruction sets (target_clones); the arithmetic is
// exactly rounded and never fused, so every clone gives the same bits.
#include "detail/draws.hpp"

#include <bit>

#include "detail/fastmath.hpp"

namespace msmesim::detail {

namespace {
constexpr std::uint32_t kM0 = 0xD2511F53u, kM1 = 0xCD9E8D57u;  // Philox4x32 multipliers
constexpr std::uint32_t kW0 = 0x9E3779B9u, kW1 = 0xBB67AE85u;  // Weyl key increments

// uint32 -> double without a (non-vectorisable on SSE2) unsigned conversion.
inline double u32_to_double(std::uint32_t x) {
  return std::bit_cast<double>(0x4330000000000000ULL | static_cast<std::uint64_t>(x)) - kTwo52;
}

inline void philox_rounds(std::uint32_t* c0, std::uint32_t* c1, std::uint32_t* c2, std::uint32_t* c3,
                          std::uint32_t k0, std::uint32_t k1, std::size_t len) {
  for (int round = 0; round < 10; ++round) {
    for (std::size_t j = 0; j < len; ++j) {
      const std::uint64_t p0 = static_cast<std::uint64_t>(kM0) * c0[j];
      const std::uint64_t p1 = static_cast<std::uint64_t>(kM1) * c2[j];
      const auto hi0 = static_cast<std::uint32_t>(p0 >> 32), lo0 = static_cast<std::uint32_t>(p0);
      const auto hi1 = static_cast<std::uint32_t>(p1 >> 32), lo1 = static_cast<std::uint32_t>(p1);
      const std::uint32_t n0 = hi1 ^ c1[j] ^ k0;
      const std::uint32_t n2 = hi0 ^ c3[j] ^ k1;
      c0[j] = n0;
      c1[j] = lo1;
      c2[j] = n2;
      c3[j] = lo0;
    }
    k0 += kW0;
    k1 += kW1;
  }
}
}  // namespace

__attribute__((target_clones("default", "avx2", "avx512f")))
void philox_lanes(std::uint64_t seed, std::uint32_t first, std::uint32_t c1v, std::uint32_t c2v,
                  std::uint32_t c3v, std::size_t len, std::uint32_t* w0, std::uint32_t* w1) {
  std::uint32_t c0[kDrawBatch], c1[kDrawBatch], c2[kDrawBatch], c3[kDrawBatch];
  for (std::size_t j = 0; j < len; ++j) {
    c0[j] = first + static_cast<std::uint32_t>(j);
    c1[j] = c1v;
    c2[j] = c2v;
    c3[j] = c3v;
  }
  philox_rounds(c0, c1, c2, c3, static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32), len);
  for (std::size_t j = 0; j < len; ++j) {
    w0[j] = c0[j];
    w1[j] = c1[j];
  }
}

__attribute__((target_clones("default", "avx2", "avx512f")))
void firm_month_draws(const FirmMonthDrawSpec& spec, std::uint32_t first, std::size_t len, double* noise,
                      double* walk) {
  // One Philox block (four words) serves two firms: firm i takes words 0-1
  // (i even) or 2-3 (i odd) of the block with counter word 0 = i / 2.
  constexpr std::size_t kBlocks = kDrawBatch / 2 + 1;
  std::uint32_t c0[kBlocks], c1[kBlocks], c2[kBlocks], c3[kBlocks];
  const std::uint32_t first_block = first >> 1;
  const std::size_t blocks = ((first + static_cast<std::uint32_t>(len) - 1) >> 1) - first_block + 1;
  for (std::size_t k = 0; k < blocks; ++k) {
    c0[k] = first_block + static_cast<std::uint32_t>(k);
    c1[k] = spec.month;
    c2[k] = spec.purpose;
    c3[k] = spec.replication;
  }
  philox_rounds(c0, c1, c2, c3, static_cast<std::uint32_t>(spec.seed), static_cast<std::uint32_t>(spec.seed >> 32),
                blocks);
  // Words of firm j in two arrays, so that the next loop is a straight sweep.
  std::uint32_t w0[kDrawBatch + 1], w1[kDrawBatch + 1];
  for (std::size_t k = 0; k < blocks; ++k) {
    w0[2 * k] = c0[k];
    w1[2 * k] = c1[k];
    w0[2 * k + 1] = c2[k];
    w1[2 * k + 1] = c3[k];
  }
  const std::size_t offset = first & 1;  // an odd first firm starts on the block's second half
  const double nsd = spec.noise_sd, nshift = spec.noise_shift, wsd = spec.walk_sd, wshift = spec.walk_shift;
  for (std::size_t j = 0; j < len; ++j) {
    // Uniforms in (0, 1): (word + 0.5) / 2^32, as to_unit().
    const double u0 = (u32_to_double(w0[j + offset]) + 0.5) * (1.0 / 4294967296.0);
    const double u1 = (u32_to_double(w1[j + offset]) + 0.5) * (1.0 / 4294967296.0);
    const double radius = __builtin_sqrt(-2.0 * fast_log(u0));
    double c, s;
    fast_sincos_turns(u1, c, s);
    noise[j] = fast_exp(nsd * (radius * c) + nshift);
    walk[j] = fast_exp(wsd * (radius * s) + wshift);
  }
}

}  // namespace msmesim::detail
