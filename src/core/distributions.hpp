// Distributions used to draw firms and shocks by inverse transform from
// counter-based uniforms. All quantiles come from Boost.Math; where a quantile
// is too slow to call per firm (Beta), it is tabulated once on a fine grid.
#pragma once


#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <mutex>
#include <tuple>
#include <vector>

namespace msmesim::detail {

/// Boost.Math evaluates in long double by default; double precision is ample
/// here and several times faster.

double normal_quantile(double u);
double normal_cdf(double z);

/// Quantile function sampled on a uniform grid of `points` + 1 nodes and
/// interpolated linearly, except in the first and last interval, where the
/// exact quantile is evaluated (linear interpolation would spread 1/points of
/// the draws evenly over the tail instead of following its shape).
class TabulatedQuantile {
 public:
  TabulatedQuantile() = default;
  template <class Quantile>
  TabulatedQuantile(Quantile q, int points) : values_(static_cast<std::size_t>(points) + 1), exact_(q) {
    for (int i = 0; i <= points; ++i) values_[static_cast<std::size_t>(i)] = q(static_cast<double>(i) / points);
  }
  static TabulatedQuantile constant(double v) {
    TabulatedQuantile t;
    t.values_ = {v, v};
    return t;
  }
  double operator()(double u) const {
    const double x = u * static_cast<double>(values_.size() - 1);
    const auto i = static_cast<std::size_t>(x);
    if (exact_ && (i == 0 || i >= values_.size() - 2)) return exact_(u);
    if (i >= values_.size() - 1) return values_.back();
    const double f = x - static_cast<double>(i);
    return values_[i] + f * (values_[i + 1] - values_[i]);
  }

 private:
  std::vector<double> values_;
  std::function<double(double)> exact_;
};

/// Beta distribution with the given mean and concentration (a + b), tabulated.
/// Mean 0 or 1 gives a constant. Tables are cached for the life of the
/// process (building one costs a few milliseconds; ensembles reuse them).
TabulatedQuantile beta_by_mean(double mean, double concentration, int points = 2048);

/// Lognormal truncated to (lo, hi] whose truncated mean is `mean`; sampled by
/// inverse transform. sigma 0 gives the constant `mean`.
class TruncatedLognormal {
 public:
  TruncatedLognormal() = default;
  /// Returns false when `mean` is not strictly inside (lo, hi).
  bool fit(double mean, double sigma, double lo, double hi) {
    sigma_ = sigma;
    lo_ = lo;
    hi_ = hi;
    if (!(mean > lo && mean <= hi)) return false;
    if (sigma <= 0.0) {
      constant_ = mean;
      return true;
    }
    double a = std::log(mean) - 12.0 * sigma - 12.0, b = std::log(mean) + 12.0 * sigma + 12.0;
    for (int it = 0; it < 200; ++it) {
      double mid = 0.5 * (a + b);
      if (truncated_mean(mid) < mean) a = mid;
      else b = mid;
    }
    set_mu(0.5 * (a + b));
    return true;
  }
  double operator()(double u) const {
    if (sigma_ <= 0.0) return constant_;
    double p = plo_ + u * (phi_ - plo_);
    p = std::clamp(p, 1e-300, 1.0 - 1e-16);  // guards the open interval of the normal quantile
    double x = std::exp(mu_ + sigma_ * normal_quantile(p));
    return std::clamp(x, lo_, hi_);  // rounding at the ends only
  }
  double mu() const { return mu_; }

 private:
  double truncated_mean(double mu) const {
    const double la = lo_ > 0 ? (std::log(lo_) - mu) / sigma_ : -std::numeric_limits<double>::infinity();
    const double lb = std::isfinite(hi_) ? (std::log(hi_) - mu) / sigma_
                                         : std::numeric_limits<double>::infinity();
    const double den = normal_cdf(lb) - normal_cdf(la);
    if (den <= 0) return la > 0 ? lo_ : hi_;
    return std::exp(mu + 0.5 * sigma_ * sigma_) *
           (normal_cdf(lb - sigma_) - normal_cdf(la - sigma_)) / den;
  }
  void set_mu(double mu) {
    mu_ = mu;
    const double la = lo_ > 0 ? (std::log(lo_) - mu) / sigma_ : -std::numeric_limits<double>::infinity();
    const double lb = std::isfinite(hi_) ? (std::log(hi_) - mu) / sigma_
                                         : std::numeric_limits<double>::infinity();
    plo_ = normal_cdf(la);
    phi_ = normal_cdf(lb);
  }
  double mu_ = 0, sigma_ = 0, lo_ = 0, hi_ = 0, plo_ = 0, phi_ = 1, constant_ = 0;
};

/// A discrete distribution on [lo, hi] with P(k) proportional to q^(k - lo),
/// q chosen so the mean is `mean` (a truncated geometric).
class TruncatedGeometric {
 public:
  bool fit(int lo, int hi, double mean) {
    lo_ = lo;
    if (!(mean >= lo && mean <= hi)) return false;
    const int n = hi - lo + 1;
    auto mean_for = [&](double logq) {
      double s = 0, sk = 0;
      for (int k = 0; k < n; ++k) {
        double w = std::exp(logq * k - (logq > 0 ? logq * (n - 1) : 0.0));
        s += w;
        sk += w * k;
      }
      return lo + sk / s;
    };
    double a = -50, b = 50;
    for (int it = 0; it < 200; ++it) {
      double mid = 0.5 * (a + b);
      if (mean_for(mid) < mean) a = mid;
      else b = mid;
    }
    const double logq = 0.5 * (a + b);
    cdf_.assign(static_cast<std::size_t>(n), 0.0);
    double s = 0;
    for (int k = 0; k < n; ++k) {
      s += std::exp(logq * k - (logq > 0 ? logq * (n - 1) : 0.0));
      cdf_[k] = s;
    }
    for (auto& c : cdf_) c /= s;
    cdf_.back() = 1.0;
    return true;
  }
  int operator()(double u) const {
    auto it = std::lower_bound(cdf_.begin(), cdf_.end(), u);
    if (it == cdf_.end()) --it;
    return lo_ + static_cast<int>(it - cdf_.begin());
  }

 private:
  int lo_ = 0;
  std::vector<double> cdf_;
};

/// Largest-remainder apportionment of `total` items to `weights`.
inline std::vector<std::int64_t> apportion(std::int64_t total, const std::vector<double>& weights) {
  double sum = 0;
  for (double w : weights) sum += w;
  std::vector<std::int64_t> counts(weights.size(), 0);
  std::vector<std::pair<double, std::size_t>> rema;
  std::int64_t assigned = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    const double quota = static_cast<double>(total) * weights[i] / sum;
    counts[i] = static_cast<std::int64_t>(std::floor(quota));
    assigned += counts[i];
    rema.emplace_back(quota - std::floor(quota), i);
  }
  std::stable_sort(rema.begin(), rema.end(),
                   [](const auto& x, const auto& y) { return x.first > y.first; });
  for (std::size_t k = 0; assigned < total && k < rema.size(); ++k, ++assigned)
    ++counts[rema[k].second];
  return counts;
}

}  // namespace msmesim::detail
