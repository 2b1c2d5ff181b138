// The libm-free functions behind the per-firm draws (src/kernels/fastmath.hpp)
// against the C library, and the batched draws (src/kernels/draws.cpp) against their
// scalar definition.
#include <gtest/gtest.h>

#include <msmesim/msmesim.hpp>

#include <cmath>
#include <cstdint>
#include <limits>

#include "kernels/draws.hpp"
#include "kernels/fastmath.hpp"

namespace msmesim {
namespace {

constexpr float kEpsF = std::numeric_limits<float>::epsilon();

TEST(FastMath, LogIsWithinAFewUlpOfTheLibrary) {
  // Every uniform the draws use (2^-24 .. 1 - 2^-24), and well beyond.
  double worst = 0.0;
  for (float x = std::ldexp(1.0f, -26); x < 1e12f; x *= 1.0009765625f) {
    const double want = std::log(static_cast<double>(x));
    const double err = std::abs(detail::fast_log(x) - want) / std::max(1.0, std::abs(want));
    worst = std::max(worst, err);
  }
  EXPECT_LE(worst, 4 * kEpsF);
  for (std::uint32_t w : {0u, 1u, 255u, 256u, 0x7fffffffu, 0xffffff00u, 0xffffffffu}) {
    const float u = detail::unit_from_top23(w);
    EXPECT_GT(u, 0.0f);
    EXPECT_LT(u, 1.0f);
    EXPECT_NEAR(detail::fast_log(u), std::log(static_cast<double>(u)), 4 * kEpsF * std::max(1.0, -std::log(static_cast<double>(u))));
  }
}

TEST(FastMath, ExpIsWithinAFewUlpOfTheLibrary) {
  double worst = 0.0;
  for (float x = -40.0f; x <= 40.0f; x += 0.000977f) {
    const double want = std::exp(static_cast<double>(x));
    worst = std::max(worst, std::abs(detail::fast_exp(x) - want) / want);
  }
  EXPECT_LE(worst, 4 * kEpsF);
}

TEST(FastMath, SinCosOfTurnsMatchTheLibrary) {
  double worst = 0.0;
  for (int k = 0; k <= 1 << 20; ++k) {
    const float u = static_cast<float>(k) / static_cast<float>(1 << 20);
    float c = 0.0f, s = 0.0f;
    detail::fast_sincos_turns(u, c, s);
    const double angle = 2.0 * std::acos(-1.0) * u;
    worst = std::max({worst, std::abs(c - std::cos(angle)), std::abs(s - std::sin(angle))});
  }
  EXPECT_LE(worst, 4 * kEpsF);
  // Every quadrant, with the right signs.
  for (float u : {0.0f, 0.125f, 0.25f, 0.375f, 0.5f, 0.625f, 0.75f, 0.875f, 1.0f}) {
    float c = 0.0f, s = 0.0f;
    detail::fast_sincos_turns(u, c, s);
    const double angle = 2.0 * std::acos(-1.0) * u;
    EXPECT_NEAR(c, std::cos(angle), 1e-7) << u;
    EXPECT_NEAR(s, std::sin(angle), 1e-7) << u;
  }
}

// The scalar definition of one firm's draws (draws.hpp).
void reference_draws(const detail::FirmMonthDrawSpec& spec, std::uint32_t firm, double& noise, double& walk) {
  const auto w = random_words(spec.seed, spec.replication, firm / 2, spec.month, spec.purpose);
  const std::uint32_t a = (firm % 2 == 0) ? w[0] : w[2], b = (firm % 2 == 0) ? w[1] : w[3];
  const float u0 = static_cast<float>((a >> 9) + 0.5) / 8388608.0f;  // exact
  const float u1 = static_cast<float>((b >> 9) + 0.5) / 8388608.0f;
  const float radius = std::sqrt(-2.0f * detail::fast_log(u0));
  float c = 0.0f, s = 0.0f;
  detail::fast_sincos_turns(u1, c, s);
  noise = detail::fast_exp(static_cast<float>(spec.noise_sd) * (radius * c) + static_cast<float>(spec.noise_shift));
  walk = detail::fast_exp(static_cast<float>(spec.walk_sd) * (radius * s) + static_cast<float>(spec.walk_shift));
}

TEST(FirmMonthDraws, EqualTheScalarDefinitionBitForBit) {
  const detail::FirmMonthDrawSpec spec{0x1234567890ull, 3, 17, 1, 0.15, -0.01125, 0.02, 0.001};
  // Even and odd first firms, full and partial batches.
  for (std::uint32_t first : {0u, 1u, 37u, 64u, 1000001u}) {
    for (std::size_t len : {std::size_t{1}, std::size_t{7}, detail::kDrawBatch}) {
      alignas(64) double noise[detail::kDrawBatch], walk[detail::kDrawBatch];
      detail::firm_month_draws(spec, first, len, noise, walk);
      for (std::size_t j = 0; j < len; ++j) {
        double n = 0.0, w = 0.0;
        reference_draws(spec, first + static_cast<std::uint32_t>(j), n, w);
        EXPECT_EQ(noise[j], n) << "firm " << first + j;
        EXPECT_EQ(walk[j], w) << "firm " << first + j;
      }
    }
  }
}

TEST(FirmMonthDraws, AreLognormalWithTheRequestedParameters) {
  const double sd = 0.15, shift = -0.5 * sd * sd;
  const detail::FirmMonthDrawSpec spec{7, 0, 3, 1, sd, shift, 0.3, 0.0};
  constexpr std::uint32_t kFirms = 200'000;
  double sum = 0, sum2 = 0, sum_walk = 0, cross = 0, walk2 = 0;
  for (std::uint32_t first = 0; first < kFirms; first += detail::kDrawBatch) {
    alignas(64) double noise[detail::kDrawBatch], walk[detail::kDrawBatch];
    detail::firm_month_draws(spec, first, detail::kDrawBatch, noise, walk);
    for (std::size_t j = 0; j < detail::kDrawBatch; ++j) {
      const double z1 = (std::log(noise[j]) - shift) / sd, z2 = std::log(walk[j]) / 0.3;
      sum += z1;
      sum2 += z1 * z1;
      sum_walk += z2;
      walk2 += z2 * z2;
      cross += z1 * z2;
    }
  }
  const double n = kFirms;
  // Standard normals: mean 0 and variance 1 within sampling error (5 sd),
  // the two draws of a firm uncorrelated; the noise has mean 1.
  EXPECT_NEAR(sum / n, 0.0, 5 / std::sqrt(n));
  EXPECT_NEAR(sum2 / n, 1.0, 5 * std::sqrt(2 / n));
  EXPECT_NEAR(sum_walk / n, 0.0, 5 / std::sqrt(n));
  EXPECT_NEAR(walk2 / n, 1.0, 5 * std::sqrt(2 / n));
  EXPECT_NEAR(cross / n, 0.0, 5 / std::sqrt(n));
}

}  // namespace
}  // namespace msmesim
