// Compiler- and platform-specific hints, in one place. Each changes speed
// only, never a result: without them (another compiler, another processor,
// or MSMESIM_PORTABLE, which builds the code a compiler without them would
// build) the engine gives the same numbers bit for bit
// (docs/reliability.md, "Same results from either compiler").
#pragma once

#if (defined(__GNUC__) || defined(__clang__)) && !defined(MSMESIM_PORTABLE)
/// Inline this function (or lambda) even where the optimiser would not.
#define MSMESIM_ALWAYS_INLINE __attribute__((always_inline))
/// Fetch the cache line of `address` ahead of its use.
#define MSMESIM_PREFETCH(address) __builtin_prefetch(address)
#else
#define MSMESIM_ALWAYS_INLINE
#define MSMESIM_PREFETCH(address) static_cast<void>(address)
#endif

#include <cstddef>

namespace msmesim::detail {

/// Fetches element i of each of `arrays` (vectors) ahead of its use.
template <class... Arrays>
inline void prefetch_at(std::size_t i, const Arrays&... arrays) {
  (MSMESIM_PREFETCH(arrays.data() + i), ...);
}

}  // namespace msmesim::detail

/// x86-64 code paths chosen at run time by what the processor supports:
/// GCC or Clang targeting x86-64 (the kernels' AVX2 and AVX-512 versions,
/// Philox with AVX-512 intrinsics).
#if (defined(__GNUC__) || defined(__clang__)) && defined(__x86_64__) && !defined(MSMESIM_PORTABLE)
#define MSMESIM_X86_DISPATCH 1
#else
#define MSMESIM_X86_DISPATCH 0
#endif

/// One function compiled for several instruction sets, the best chosen when
/// the library loads. Needs ifunc resolvers: x86-64 ELF (Linux, the BSDs);
/// elsewhere (macOS, Windows) the function is compiled once, for the
/// baseline instruction set.
#if MSMESIM_X86_DISPATCH && defined(__ELF__)
#define MSMESIM_TARGET_CLONES(...) __attribute__((target_clones(__VA_ARGS__)))
#else
#define MSMESIM_TARGET_CLONES(...)
#endif
