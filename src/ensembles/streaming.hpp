// Running summaries of many cells (one value per cell and replication):
// count, mean and standard deviation (Welford), minimum, maximum and
// quantiles. Quantiles are exact (linear interpolation between order
// statistics, as NumPy's default) while a cell holds at most `exact_up_to`
// values; after that the cell streams through Boost.Accumulators' extended
// P-square estimator, fed first with the values it held, so memory per cell
// stays bounded. NaN values are skipped. The result depends only on the
// order of the values added, which the ensemble fixes (replication order).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace msmesim::detail {

class SeriesStats {
 public:
  SeriesStats(std::size_t cells, std::vector<double> quantiles, std::uint32_t exact_up_to);
  ~SeriesStats();
  SeriesStats(SeriesStats&&) noexcept;
  SeriesStats& operator=(SeriesStats&&) noexcept;

  /// Adds one value per cell (`values` has cells() elements).
  void add(const double* values);

  std::size_t cells() const { return count_.size(); }
  std::uint32_t count(std::size_t c) const { return count_[c]; }
  double mean(std::size_t c) const;
  double sd(std::size_t c) const;  ///< sample standard deviation (n - 1)
  double min(std::size_t c) const;
  double max(std::size_t c) const;
  /// The quantiles of cell c, in the order given at construction.
  void quantiles(std::size_t c, double* out) const;
  std::size_t memory_bytes() const;

 private:
  struct Streams;
  std::vector<double> probs_;
  std::uint32_t exact_up_to_;
  std::vector<std::uint32_t> count_;
  std::vector<double> mean_, m2_, min_, max_;
  std::vector<double> held_;  // [cell][exact_up_to]: values while exact; freed when every cell streams
  std::size_t streaming_cells_ = 0;
  std::unique_ptr<Streams> streams_;
};

/// Type-7 quantile of sorted values (NumPy's default).
double sorted_quantile(const std::vector<double>& sorted, double p);

}  // namespace msmesim::detail
