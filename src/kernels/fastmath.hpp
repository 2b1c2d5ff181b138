// Elementary functions for the per-firm random draws, written as plain
// arithmetic on floats and bit patterns: the compiler can vectorise loops over
// them, and their results do not depend on the C library's libm, so a seed
// gives the same numbers on any machine. The draws need a few significant
// digits, not sixteen: in single precision vectors hold twice as many lanes
// and the series are half as long. Accuracy is a few float ulp over the
// ranges used (checked against libm in the tests).
#pragma once

#include <bit>
#include <cstdint>

namespace msmesim::detail {

inline constexpr float kLn2HiF = 0.693145751953125f;       // ln 2, 16 high bits
inline constexpr float kLn2LoF = 1.42860676533018708e-06f;  // ln 2 - kLn2HiF
inline constexpr float kTwo23F = 8388608.0f;                // 2^23
inline constexpr float kRoundMagicF = 12582912.0f;          // 1.5 x 2^23

/// Round to nearest (ties to even) for |x| < 2^22.
inline float round_nearest(float x) { return (x + kRoundMagicF) - kRoundMagicF; }

/// Natural logarithm for finite x > 0 (normal numbers), single precision.
inline float fast_log(float x) {
  const auto bits = std::bit_cast<std::uint32_t>(x);
  // Biased exponent as a float: 2^23 + e_biased, minus 2^23.
  float e = std::bit_cast<float>(0x4B000000u | ((bits >> 23) & 0xffu)) - kTwo23F - 127.0f;
  const std::uint32_t m_bits = (bits & 0x007fffffu) | 0x3f800000u;  // m in [1, 2)
  const bool big = std::bit_cast<float>(m_bits) > 1.41421356f;
  // Halved when big by lowering the exponent (m x 0.5, exactly): integer
  // arithmetic, not a multiplication done under a condition, which could
  // trap and keep GCC from vectorising the loop (AVX-512's masks aside).
  const float m = std::bit_cast<float>(m_bits - (static_cast<std::uint32_t>(big) << 23));
  e = e + (big ? 1.0f : 0.0f);
  const float f = m - 1.0f;
  const float s = f / (2.0f + f);  // |s| <= 0.1716
  const float z = s * s;
  // 2 atanh(s) truncated after s^9.
  float p = 1.0f / 9;
  p = p * z + 1.0f / 7;
  p = p * z + 1.0f / 5;
  p = p * z + 1.0f / 3;
  p = p * z + 1.0f;
  return e * kLn2HiF + (2.0f * s * p + e * kLn2LoF);
}

/// Exponential for |x| <= 87, single precision.
inline float fast_exp(float x) {
  const float n = round_nearest(x * 1.44269504f);
  const float r = (x - n * kLn2HiF) - n * kLn2LoF;  // |r| <= 0.347
  // Taylor series to r^7 (remainder < 6e-9).
  float p = 1.0f / 5040;
  p = p * r + 1.0f / 720;
  p = p * r + 1.0f / 120;
  p = p * r + 1.0f / 24;
  p = p * r + 1.0f / 6;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  // 2^n from the biased exponent n + 127 in the low bits of n + 127 + 2^23.
  const std::uint32_t biased = std::bit_cast<std::uint32_t>(n + (kTwo23F + 127.0f)) & 0xffu;
  return p * std::bit_cast<float>(biased << 23);
}

/// cos(2 pi u) and sin(2 pi u) for u in [0, 1], single precision.
inline void fast_sincos_turns(float u, float& c, float& s) {
  const float q = round_nearest(4.0f * u);
  const float r = (u - 0.25f * q) * 6.28318531f;  // [-pi/4, pi/4]
  const float r2 = r * r;
  // sin to r^9 and cos to r^10 (remainders < 2e-9).
  float sp = 1.0f / 362880;
  sp = sp * r2 - 1.0f / 5040;
  sp = sp * r2 + 1.0f / 120;
  sp = sp * r2 - 1.0f / 6;
  const float sin_r = r + r * r2 * sp;
  float cp = -1.0f / 3628800;
  cp = cp * r2 + 1.0f / 40320;
  cp = cp * r2 - 1.0f / 720;
  cp = cp * r2 + 1.0f / 24;
  cp = cp * r2 - 0.5f;
  const float cos_r = 1.0f + r2 * cp;
  // Rotate by q quarter turns as in the double version.
  const std::uint32_t k = std::bit_cast<std::uint32_t>(q + kTwo23F) & 3u;
  const std::uint32_t swap = 0u - (k & 1u);
  const auto cb = std::bit_cast<std::uint32_t>(cos_r), sb = std::bit_cast<std::uint32_t>(sin_r);
  const std::uint32_t a = (cb & ~swap) | (sb & swap), b = (sb & ~swap) | (cb & swap);
  c = std::bit_cast<float>(a ^ (((k + 1u) & 2u) << 30));
  s = std::bit_cast<float>(b ^ ((k & 2u) << 30));
}

/// A uniform in (0, 1) from the top 23 bits of a word, exact in float (k +
/// 1/2 with k < 2^23 fits in the 24-bit significand): (k + 0.5) / 2^23, from
/// 2^-24 to 1 - 2^-24.
inline float unit_from_top23(std::uint32_t w) {
  return (static_cast<float>(static_cast<std::int32_t>(w >> 9)) + 0.5f) * (1.0f / 8388608.0f);
}

}  // namespace msmesim::detail
