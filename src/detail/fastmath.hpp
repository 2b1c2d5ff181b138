// Elementary functions for the per-firm random draws, written as plain
// arithmetic on doubles and bit patterns: the compiler can vectorise loops
// over them, and their results do not depend on the C library's libm, so a
// seed gives the same numbers on any machine. Accuracy is a few units in the
// last place over the ranges used (checked against libm in the tests).
#pragma once

#include <bit>
#include <cstdint>

namespace msmesim::detail {

inline constexpr double kLn2Hi = 6.93147180369123816490e-01;  // high bits of ln 2
inline constexpr double kLn2Lo = 1.90821492927058770002e-10;  // ln 2 - kLn2Hi
inline constexpr double kTwoPi = 6.28318530717958647692;
inline constexpr double kTwo52 = 4503599627370496.0;          // 2^52
inline constexpr double kRoundMagic = 6755399441055744.0;     // 1.5 x 2^52

/// Round to nearest (ties to even) for |x| < 2^51, without a library call.
inline double round_nearest(double x) { return (x + kRoundMagic) - kRoundMagic; }

/// The integer value of a double holding a whole number in [0, 2^52), as
/// the low bits of a bit pattern (avoids double -> int64 conversions).
inline std::uint64_t low_bits_of_whole(double w) { return std::bit_cast<std::uint64_t>(w + kTwo52); }

/// Natural logarithm for finite x > 0 (normal numbers).
inline double fast_log(double x) {
  const auto bits = std::bit_cast<std::uint64_t>(x);
  // Biased exponent as a double: 2^52 + e_biased, minus 2^52.
  double e = std::bit_cast<double>(0x4330000000000000ULL | ((bits >> 52) & 0x7ffULL)) - kTwo52 - 1023.0;
  double m = std::bit_cast<double>((bits & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL);  // [1, 2)
  // Centre the mantissa on 1: m in [sqrt(1/2), sqrt(2)).
  // (Selects of constants, not conditional arithmetic, so that loops over
  // this function vectorise without masked instructions.)
  const bool big = m > 1.4142135623730951;
  m = m * (big ? 0.5 : 1.0);
  e = e + (big ? 1.0 : 0.0);
  const double f = m - 1.0;
  const double s = f / (2.0 + f);  // |s| <= 0.1716
  const double z = s * s;
  // log(m) = 2 atanh(s) = 2 (s + s^3/3 + s^5/5 + ...), truncated after s^19.
  double p = 1.0 / 19;
  p = p * z + 1.0 / 17;
  p = p * z + 1.0 / 15;
  p = p * z + 1.0 / 13;
  p = p * z + 1.0 / 11;
  p = p * z + 1.0 / 9;
  p = p * z + 1.0 / 7;
  p = p * z + 1.0 / 5;
  p = p * z + 1.0 / 3;
  p = p * z + 1.0;
  return e * kLn2Hi + (2.0 * s * p + e * kLn2Lo);
}

/// Exponential for |x| <= 700.
inline double fast_exp(double x) {
  const double n = round_nearest(x * 1.4426950408889634);  // x / ln 2, rounded
  const double r = (x - n * kLn2Hi) - n * kLn2Lo;         // |r| <= 0.347
  // e^r by its Taylor series to r^13 (remainder < 1e-16).
  double p = 1.0 / 6227020800.0;
  p = p * r + 1.0 / 479001600.0;
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  // 2^n from the biased exponent n + 1023 placed in the exponent field.
  const double scale = std::bit_cast<double>(low_bits_of_whole(n + 1023.0) << 52);
  return p * scale;
}

/// cos(2 pi u) and sin(2 pi u) for u in [0, 1].
inline void fast_sincos_turns(double u, double& c, double& s) {
  // Quadrant q = round(4u); reduced angle r = 2 pi (u - q/4) in [-pi/4, pi/4].
  const double q = round_nearest(4.0 * u);
  const double r = (u - 0.25 * q) * kTwoPi;
  const double r2 = r * r;
  // Taylor series of sin to r^17 and cos to r^18 (remainder < 1e-17).
  double sp = 1.0 / 355687428096000.0;
  sp = sp * r2 - 1.0 / 1307674368000.0;
  sp = sp * r2 + 1.0 / 6227020800.0;
  sp = sp * r2 - 1.0 / 39916800.0;
  sp = sp * r2 + 1.0 / 362880.0;
  sp = sp * r2 - 1.0 / 5040.0;
  sp = sp * r2 + 1.0 / 120.0;
  sp = sp * r2 - 1.0 / 6.0;
  const double sin_r = r + r * r2 * sp;
  double cp = -1.0 / 6402373705728000.0;
  cp = cp * r2 + 1.0 / 20922789888000.0;
  cp = cp * r2 - 1.0 / 87178291200.0;
  cp = cp * r2 + 1.0 / 479001600.0;
  cp = cp * r2 - 1.0 / 3628800.0;
  cp = cp * r2 + 1.0 / 40320.0;
  cp = cp * r2 - 1.0 / 720.0;
  cp = cp * r2 + 1.0 / 24.0;
  cp = cp * r2 - 0.5;
  const double cos_r = 1.0 + r2 * cp;
  // Rotate by q quarter turns: (cos, sin)(r + k pi/2) = (a, b) with a, b the
  // pair (cos r, sin r), swapped for odd k, and signs set by bit patterns
  // (no branches: k is a coin toss from one draw to the next).
  const auto k = low_bits_of_whole(q) & 3;
  const std::uint64_t swap = 0 - (k & 1);  // all ones for odd k
  const auto cb = std::bit_cast<std::uint64_t>(cos_r), sb = std::bit_cast<std::uint64_t>(sin_r);
  const std::uint64_t a = (cb & ~swap) | (sb & swap), b = (sb & ~swap) | (cb & swap);
  c = std::bit_cast<double>(a ^ (((k + 1) & 2) << 62));  // negative for k = 1, 2
  s = std::bit_cast<double>(b ^ ((k & 2) << 62));        // negative for k = 2, 3
}

}  // namespace msmesim::detail
