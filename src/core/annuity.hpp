// Level-payment (annuity) loans: the monthly installment that repays a
// principal over a term at a yearly rate.
#pragma once

#include <cmath>

namespace msmesim::detail {

struct Annuity {
  double r = 0.0;
  int months = 0;
  double denominator = 1.0;

  Annuity() = default;
  Annuity(double rate_year, int term) : r(rate_year / 12.0), months(term) {
    if (months > 0 && r > 0.0) denominator = 1.0 - std::pow(1.0 + r, -months);
  }
  /// The monthly installment that repays `principal` over the term.
  double installment(double principal) const {
    if (months <= 0) return principal * (1.0 + r);
    if (r <= 0.0) return principal / months;
    return principal * r / denominator;
  }
};

}  // namespace msmesim::detail
