// A minimal fork-join loop over fixed chunks. Chunks are handed out by an
// atomic counter, so which thread runs a chunk varies from run to run; callers
// keep results independent of that (per-firm state, integer accumulators).
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace msmesim::detail {

/// Calls fn(worker, begin, end) for consecutive chunks of [0, n). `worker` is
/// in [0, threads) and identifies the calling thread's scratch space. The
/// first exception thrown by any chunk is rethrown after all threads stop.
template <class Fn>
void parallel_chunks(std::size_t n, std::size_t chunk, int threads, Fn&& fn) {
  if (n == 0) return;
  chunk = std::max<std::size_t>(chunk, 1);
  const std::size_t chunks = (n + chunk - 1) / chunk;
  const int workers = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(std::max(threads, 1)), chunks));
  if (workers <= 1) {
    for (std::size_t c = 0; c < chunks; ++c) fn(0, c * chunk, std::min(n, (c + 1) * chunk));
    return;
  }
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::exception_ptr error;
  std::mutex error_mutex;
  auto body = [&](int worker) {
    try {
      for (;;) {
        if (failed.load(std::memory_order_relaxed)) return;
        std::size_t c = next.fetch_add(1, std::memory_order_relaxed);
        if (c >= chunks) return;
        fn(worker, c * chunk, std::min(n, (c + 1) * chunk));
      }
    } catch (...) {
      std::lock_guard<std::mutex> lock(error_mutex);
      if (!error) error = std::current_exception();
      failed = true;
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(static_cast<std::size_t>(workers - 1));
  for (int w = 1; w < workers; ++w) pool.emplace_back(body, w);
  body(0);
  for (auto& t : pool) t.join();
  if (error) std::rethrow_exception(error);
}

/// Number of threads to use when the user asks for `requested` (0 = all cores).
inline int resolve_threads(int requested) {
  if (requested > 0) return requested;
  unsigned hc = std::thread::hardware_concurrency();
  return hc == 0 ? 1 : static_cast<int>(hc);
}

}  // namespace msmesim::detail
