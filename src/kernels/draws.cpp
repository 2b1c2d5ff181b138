// The hot random draws of the monthly step, written so the compiler
// vectorises them across firms: Philox4x32-10 round by round over a batch of
// counters, then Box-Muller in single precision with the libm-free functions
// of fastmath.hpp. Compiled for several instruction sets (target_clones); the
// arithmetic is exactly rounded and never fused, so every clone gives the
// same bits.
#include "kernels/draws.hpp"

#include <bit>
#include <cmath>

#include "core/portable.hpp"

#if MSMESIM_X86_DISPATCH
#include <immintrin.h>  // Philox with AVX-512 or AVX2 (below), chosen at run time
#endif

#include "kernels/fastmath.hpp"

namespace msmesim::detail {

namespace {
constexpr std::uint32_t kM0 = 0xD2511F53u, kM1 = 0xCD9E8D57u;  // Philox4x32 multipliers
constexpr std::uint32_t kW0 = 0x9E3779B9u, kW1 = 0xBB67AE85u;  // Weyl key increments

// Philox4x32-10 over `len` lanes held as four arrays of counter words, in
// place. The portable loop vectorises, but compilers build the 32 x 32 -> 64
// bit products from three 64-bit multiplies; with AVX-512 or AVX2 the
// versions below take them straight from vpmuludq. Integer arithmetic:
// all give the same words.
// (noinline keeps GCC from inlining a clone into its caller; Clang refuses
// the combination and never inlines multiversioned functions anyway.)
#if MSMESIM_X86_DISPATCH && defined(__ELF__) && !defined(__clang__)
#define MSMESIM_NOINLINE_CLONES __attribute__((noinline))
#else
#define MSMESIM_NOINLINE_CLONES
#endif
MSMESIM_TARGET_CLONES("default", "avx2") MSMESIM_NOINLINE_CLONES
void philox_rounds_portable(std::uint32_t* c0, std::uint32_t* c1, std::uint32_t* c2, std::uint32_t* c3,
                            std::uint32_t k0, std::uint32_t k1, std::size_t len) {
  for (int round = 0; round < 10; ++round) {
    // vectorised: (tools/vectorised checks that this loop is)
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

#if MSMESIM_X86_DISPATCH
// GCC 12's intrinsic headers trip -Wmaybe-uninitialized (_mm512_undefined_*).
#if !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
// 16 lanes per vector, up to kMaxVectors vectors in flight.
__attribute__((target("avx512f"))) __attribute__((noinline))
void philox_rounds_avx512(std::uint32_t* c0, std::uint32_t* c1, std::uint32_t* c2, std::uint32_t* c3,
                          std::uint32_t k0, std::uint32_t k1, std::size_t len) {
  constexpr std::size_t kMaxVectors = (kDrawBatch + 15) / 16;
  const __m512i m0 = _mm512_set1_epi64(kM0), m1 = _mm512_set1_epi64(kM1);
  __m512i x0[kMaxVectors], x1[kMaxVectors], x2[kMaxVectors], x3[kMaxVectors];
  __mmask16 mask[kMaxVectors];
  const std::size_t vectors = (len + 15) / 16;
  for (std::size_t v = 0; v < vectors; ++v) {
    const std::size_t j = 16 * v, rest = len - j;
    mask[v] = rest >= 16 ? static_cast<__mmask16>(0xFFFF) : static_cast<__mmask16>((1u << rest) - 1);
    x0[v] = _mm512_maskz_loadu_epi32(mask[v], c0 + j);
    x1[v] = _mm512_maskz_loadu_epi32(mask[v], c1 + j);
    x2[v] = _mm512_maskz_loadu_epi32(mask[v], c2 + j);
    x3[v] = _mm512_maskz_loadu_epi32(mask[v], c3 + j);
  }
  constexpr __mmask16 kOdd = 0xAAAA;
  for (int round = 0; round < 10; ++round) {
    const __m512i ka = _mm512_set1_epi32(static_cast<int>(k0)), kb = _mm512_set1_epi32(static_cast<int>(k1));
    for (std::size_t v = 0; v < vectors; ++v) {
      // 64-bit products of the even lanes, and of the odd lanes shifted down.
      const __m512i e0 = _mm512_mul_epu32(x0[v], m0), o0 = _mm512_mul_epu32(_mm512_srli_epi64(x0[v], 32), m0);
      const __m512i e1 = _mm512_mul_epu32(x2[v], m1), o1 = _mm512_mul_epu32(_mm512_srli_epi64(x2[v], 32), m1);
      const __m512i hi0 = _mm512_mask_blend_epi32(kOdd, _mm512_srli_epi64(e0, 32), o0);
      const __m512i lo0 = _mm512_mask_blend_epi32(kOdd, e0, _mm512_slli_epi64(o0, 32));
      const __m512i hi1 = _mm512_mask_blend_epi32(kOdd, _mm512_srli_epi64(e1, 32), o1);
      const __m512i lo1 = _mm512_mask_blend_epi32(kOdd, e1, _mm512_slli_epi64(o1, 32));
      x0[v] = _mm512_ternarylogic_epi32(hi1, x1[v], ka, 0x96);  // three-way xor
      x2[v] = _mm512_ternarylogic_epi32(hi0, x3[v], kb, 0x96);
      x1[v] = lo1;
      x3[v] = lo0;
    }
    k0 += kW0;
    k1 += kW1;
  }
  for (std::size_t v = 0; v < vectors; ++v) {
    const std::size_t j = 16 * v;
    _mm512_mask_storeu_epi32(c0 + j, mask[v], x0[v]);
    _mm512_mask_storeu_epi32(c1 + j, mask[v], x1[v]);
    _mm512_mask_storeu_epi32(c2 + j, mask[v], x2[v]);
    _mm512_mask_storeu_epi32(c3 + j, mask[v], x3[v]);
  }
}
#if !defined(__clang__)
#pragma GCC diagnostic pop
#endif

// With AVX2: 8 lanes per vector, the 64-bit products from vpmuludq as
// above (the portable loop's AVX2 clone builds them from three 64-bit
// multiplies), one vector's ten rounds after another; the vectors are
// independent, so the processor overlaps them.
__attribute__((target("avx2"))) __attribute__((noinline))
void philox_rounds_avx2(std::uint32_t* c0, std::uint32_t* c1, std::uint32_t* c2, std::uint32_t* c3,
                        std::uint32_t k0, std::uint32_t k1, std::size_t len) {
  const __m256i m0 = _mm256_set1_epi64x(kM0), m1 = _mm256_set1_epi64x(kM1);
  const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  constexpr int kOdd = 0xAA;
  for (std::size_t j = 0; j < len; j += 8) {
    const auto rest = static_cast<int>(len - j < 8 ? len - j : 8);
    const __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32(rest), lane);
    auto* p0 = reinterpret_cast<int*>(c0 + j);
    auto* p1 = reinterpret_cast<int*>(c1 + j);
    auto* p2 = reinterpret_cast<int*>(c2 + j);
    auto* p3 = reinterpret_cast<int*>(c3 + j);
    __m256i x0 = _mm256_maskload_epi32(p0, mask), x1 = _mm256_maskload_epi32(p1, mask),
            x2 = _mm256_maskload_epi32(p2, mask), x3 = _mm256_maskload_epi32(p3, mask);
    std::uint32_t ka = k0, kb = k1;
    for (int round = 0; round < 10; ++round) {
      const __m256i e0 = _mm256_mul_epu32(x0, m0), o0 = _mm256_mul_epu32(_mm256_srli_epi64(x0, 32), m0);
      const __m256i e1 = _mm256_mul_epu32(x2, m1), o1 = _mm256_mul_epu32(_mm256_srli_epi64(x2, 32), m1);
      const __m256i hi0 = _mm256_blend_epi32(_mm256_srli_epi64(e0, 32), o0, kOdd);
      const __m256i lo0 = _mm256_blend_epi32(e0, _mm256_slli_epi64(o0, 32), kOdd);
      const __m256i hi1 = _mm256_blend_epi32(_mm256_srli_epi64(e1, 32), o1, kOdd);
      const __m256i lo1 = _mm256_blend_epi32(e1, _mm256_slli_epi64(o1, 32), kOdd);
      x0 = _mm256_xor_si256(_mm256_xor_si256(hi1, x1), _mm256_set1_epi32(static_cast<int>(ka)));
      x2 = _mm256_xor_si256(_mm256_xor_si256(hi0, x3), _mm256_set1_epi32(static_cast<int>(kb)));
      x1 = lo1;
      x3 = lo0;
      ka += kW0;
      kb += kW1;
    }
    _mm256_maskstore_epi32(p0, mask, x0);
    _mm256_maskstore_epi32(p1, mask, x1);
    _mm256_maskstore_epi32(p2, mask, x2);
    _mm256_maskstore_epi32(p3, mask, x3);
  }
}

bool cpu_has_avx512f() {
  __builtin_cpu_init();  // may run before the library's own constructors
  return __builtin_cpu_supports("avx512f") != 0;
}
bool cpu_has_avx2() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") != 0;
}
const bool kHasAvx512 = cpu_has_avx512f();
const bool kHasAvx2 = cpu_has_avx2();
#endif

// len <= kDrawBatch.
void philox_rounds(std::uint32_t* c0, std::uint32_t* c1, std::uint32_t* c2, std::uint32_t* c3, std::uint32_t k0,
                   std::uint32_t k1, std::size_t len) {
#if MSMESIM_X86_DISPATCH
  if (kHasAvx512) return philox_rounds_avx512(c0, c1, c2, c3, k0, k1, len);
  if (kHasAvx2) return philox_rounds_avx2(c0, c1, c2, c3, k0, k1, len);
#endif
  philox_rounds_portable(c0, c1, c2, c3, k0, k1, len);
}
}  // namespace

MSMESIM_TARGET_CLONES("default", "avx2", "avx512f")
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
  // Room for every block's two halves (an odd first firm with a full batch
  // spans kBlocks blocks; the last half is filled but not read).
  std::uint32_t w0[2 * kBlocks], w1[2 * kBlocks];
  for (std::size_t k = 0; k < blocks; ++k) {
    w0[2 * k] = c0[k];
    w1[2 * k] = c1[k];
    w0[2 * k + 1] = c2[k];
    w1[2 * k + 1] = c3[k];
  }
  const std::size_t offset = first & 1;  // an odd first firm starts on the block's second half
  // Single precision: the draws need a few digits, and float vectors hold
  // twice the lanes. The uniforms take the top 23 bits of each word.
  const auto nsd = static_cast<float>(spec.noise_sd), nshift = static_cast<float>(spec.noise_shift),
             wsd = static_cast<float>(spec.walk_sd), wshift = static_cast<float>(spec.walk_shift);
  // vectorised: (tools/vectorised checks that this loop is)
  for (std::size_t j = 0; j < len; ++j) {
    const float u0 = unit_from_top23(w0[j + offset]);
    const float u1 = unit_from_top23(w1[j + offset]);
    const float radius = std::sqrt(-2.0f * fast_log(u0));
    float c, s;
    fast_sincos_turns(u1, c, s);
    noise[j] = static_cast<double>(fast_exp(nsd * (radius * c) + nshift));
    walk[j] = static_cast<double>(fast_exp(wsd * (radius * s) + wshift));
  }
}

}  // namespace msmesim::detail
