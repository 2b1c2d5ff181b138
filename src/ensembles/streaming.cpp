#include "ensembles/streaming.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <boost/accumulators/accumulators.hpp>
#include <boost/accumulators/statistics/extended_p_square.hpp>
#include <boost/accumulators/statistics/stats.hpp>

namespace msmesim::detail {

namespace acc = boost::accumulators;
using Estimator = acc::accumulator_set<double, acc::stats<acc::tag::extended_p_square>>;

struct SeriesStats::Streams {
  std::vector<std::unique_ptr<Estimator>> cell;  // null while the cell is exact
};

double sorted_quantile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return std::numeric_limits<double>::quiet_NaN();
  const double h = p * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

SeriesStats::SeriesStats(std::size_t cells, std::vector<double> quantiles, std::uint32_t exact_up_to)
    : probs_(std::move(quantiles)),
      exact_up_to_(exact_up_to),
      count_(cells, 0),
      mean_(cells, 0.0),
      m2_(cells, 0.0),
      min_(cells, std::numeric_limits<double>::quiet_NaN()),
      max_(cells, std::numeric_limits<double>::quiet_NaN()),
      held_(cells * exact_up_to),
      streams_(std::make_unique<Streams>()) {
  streams_->cell.resize(cells);
}

SeriesStats::~SeriesStats() = default;
SeriesStats::SeriesStats(SeriesStats&&) noexcept = default;
SeriesStats& SeriesStats::operator=(SeriesStats&&) noexcept = default;

void SeriesStats::add(const double* values) {
  const std::size_t n = cells();
  for (std::size_t c = 0; c < n; ++c) {
    const double x = values[c];
    if (std::isnan(x)) continue;
    const std::uint32_t k = ++count_[c];
    const double d = x - mean_[c];
    mean_[c] += d / static_cast<double>(k);
    m2_[c] += d * (x - mean_[c]);
    min_[c] = k == 1 ? x : std::min(min_[c], x);
    max_[c] = k == 1 ? x : std::max(max_[c], x);
    auto& est = streams_->cell[c];
    if (!est && k <= exact_up_to_) {
      held_[c * exact_up_to_ + (k - 1)] = x;
      continue;
    }
    if (!est) {
      // The cell outgrows exact quantiles: stream from here, starting with
      // the values it held, in the order they came.
      est = std::make_unique<Estimator>(acc::extended_p_square_probabilities = probs_);
      for (std::uint32_t j = 0; j < exact_up_to_; ++j) (*est)(held_[c * exact_up_to_ + j]);
      if (++streaming_cells_ == n) held_ = std::vector<double>();
    }
    (*est)(x);
  }
}

double SeriesStats::mean(std::size_t c) const {
  return count_[c] == 0 ? std::numeric_limits<double>::quiet_NaN() : mean_[c];
}

double SeriesStats::sd(std::size_t c) const {
  return count_[c] < 2 ? std::numeric_limits<double>::quiet_NaN()
                       : std::sqrt(m2_[c] / static_cast<double>(count_[c] - 1));
}

double SeriesStats::min(std::size_t c) const { return min_[c]; }
double SeriesStats::max(std::size_t c) const { return max_[c]; }

void SeriesStats::quantiles(std::size_t c, double* out) const {
  const auto& est = streams_->cell[c];
  if (est) {
    // The P-square markers can cross the sample extremes only within
    // rounding; keep them inside [min, max].
    const auto q = acc::extended_p_square(*est);
    for (std::size_t j = 0; j < probs_.size(); ++j) out[j] = std::clamp(q[j], min_[c], max_[c]);
    return;
  }
  const std::uint32_t k = count_[c];
  std::vector<double> v(held_.begin() + static_cast<std::ptrdiff_t>(c * exact_up_to_),
                        held_.begin() + static_cast<std::ptrdiff_t>(c * exact_up_to_ + k));
  std::sort(v.begin(), v.end());
  for (std::size_t j = 0; j < probs_.size(); ++j) out[j] = sorted_quantile(v, probs_[j]);
}

std::size_t SeriesStats::memory_bytes() const {
  const std::size_t markers = 2 * probs_.size() + 3;
  // An estimator holds five vectors (probabilities and four of markers) and a count.
  const std::size_t per_estimator = sizeof(Estimator) + sizeof(double) * (probs_.size() + 4 * markers);
  return count_.capacity() * sizeof(std::uint32_t) +
         (mean_.capacity() + m2_.capacity() + min_.capacity() + max_.capacity() + held_.capacity()) *
             sizeof(double) +
         streams_->cell.capacity() * sizeof(void*) + streaming_cells_ * per_estimator;
}

}  // namespace msmesim::detail
