// The distributions' functions that need Boost.Math (kept out of the header,
// which every part of the engine includes).
#include "core/distributions.hpp"

#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/normal.hpp>

namespace msmesim::detail {

namespace {
using MathPolicy = boost::math::policies::policy<boost::math::policies::promote_double<false>>;
}  // namespace

double normal_quantile(double u) {
  static const boost::math::normal_distribution<double, MathPolicy> n01(0.0, 1.0);
  return boost::math::quantile(n01, u);
}

double normal_cdf(double z) {
  static const boost::math::normal_distribution<double, MathPolicy> n01(0.0, 1.0);
  if (z == -std::numeric_limits<double>::infinity()) return 0.0;
  if (z == std::numeric_limits<double>::infinity()) return 1.0;
  return boost::math::cdf(n01, z);
}

TabulatedQuantile beta_by_mean(double mean, double concentration, int points) {
  if (mean <= 0.0) return TabulatedQuantile::constant(0.0);
  if (mean >= 1.0) return TabulatedQuantile::constant(1.0);
  static std::mutex mutex;
  static std::map<std::tuple<double, double, int>, TabulatedQuantile> cache;
  const auto key = std::make_tuple(mean, concentration, points);
  {
    std::lock_guard<std::mutex> lock(mutex);
    if (auto it = cache.find(key); it != cache.end()) return it->second;
  }
  boost::math::beta_distribution<double, MathPolicy> d(mean * concentration, (1.0 - mean) * concentration);
  TabulatedQuantile table([d](double u) { return boost::math::quantile(d, u); }, points);
  std::lock_guard<std::mutex> lock(mutex);
  if (cache.size() > 4096) cache.clear();  // bounded: parameter sweeps create many
  return cache.emplace(key, std::move(table)).first->second;
}

}  // namespace msmesim::detail
