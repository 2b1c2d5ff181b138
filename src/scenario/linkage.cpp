#include "msmesim/scenario/linkage.hpp"

#include <Eigen/Dense>
#include <cmath>
#include <set>

#include "msmesim/core/error.hpp"

namespace msmesim {

void InputOutput::validate(const std::string& field) const {
  const std::size_t n = sectors.size();
  if (n == 0) throw InvalidArgument(field + ".sectors", "an empty list", "at least one sector");
  std::set<std::string> seen;
  for (const auto& s : sectors)
    if (!seen.insert(s).second) throw InvalidArgument(field + ".sectors", "'" + s + "' twice", "distinct names");
  if (technical_coefficients.size() != n * n)
    throw InvalidArgument(field + ".technical_coefficients", std::to_string(technical_coefficients.size()) + " values",
                          std::to_string(n * n) + " values (" + std::to_string(n) + " x " + std::to_string(n) +
                              ", row-major)");
  for (std::size_t j = 0; j < n; ++j) {
    double col = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const double a = technical_coefficients[i * n + j];
      detail::require_range(field + ".technical_coefficients[" + sectors[i] + "][" + sectors[j] + "]", a, 0.0, 1.0);
      col += a;
    }
    if (col >= 1.0)
      throw InvalidArgument(field + ".technical_coefficients column '" + sectors[j] + "'",
                            "sum " + detail::format_value(col),
                            "a column sum below 1 (inputs cost less than the output they make)");
  }
  if (!output.empty()) {
    if (output.size() != n)
      throw InvalidArgument(field + ".output", std::to_string(output.size()) + " values",
                            std::to_string(n) + " values, one per sector, or none");
    for (std::size_t i = 0; i < n; ++i)
      detail::require_range(field + ".output[" + sectors[i] + "]", output[i], 1e-12, 1e300);
  }
}

Linkage::Linkage(const InputOutput& io, const std::vector<std::string>& population_sectors,
                 const std::vector<double>& sector_output) {
  io.validate();
  n_ = io.sectors.size();
  table_of_pop_.assign(population_sectors.size(), -1);
  std::vector<int> pop_of_table(n_, -1);
  for (std::size_t t = 0; t < n_; ++t) {
    for (std::size_t p = 0; p < population_sectors.size(); ++p)
      if (population_sectors[p] == io.sectors[t]) {
        table_of_pop_[p] = static_cast<int>(t);
        pop_of_table[t] = static_cast<int>(p);
      }
    if (pop_of_table[t] < 0) {
      std::string known;
      for (const auto& s : population_sectors) known += (known.empty() ? "" : ", ") + s;
      throw InvalidArgument("input_output.sectors", "'" + io.sectors[t] + "'", "a sector of the population: " + known);
    }
  }
  output_.resize(n_);
  for (std::size_t t = 0; t < n_; ++t)
    output_[t] = io.output.empty() ? sector_output.at(static_cast<std::size_t>(pop_of_table[t])) : io.output[t];
  for (std::size_t t = 0; t < n_; ++t)
    if (!(output_[t] > 0))
      throw InvalidArgument("input_output.output[" + io.sectors[t] + "]", detail::format_value(output_[t]),
                            "a positive output (the sector has no firms; give input_output.output explicitly)");

  using Mat = Eigen::MatrixXd;
  const auto n = static_cast<Eigen::Index>(n_);
  Mat A(n, n);
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index j = 0; j < n; ++j) A(i, j) = io.technical_coefficients[static_cast<std::size_t>(i * n + j)];
  Eigen::VectorXd x = Eigen::Map<const Eigen::VectorXd>(output_.data(), n);
  const Mat I = Mat::Identity(n, n);
  Eigen::VectorXd f = (I - A) * x;
  for (Eigen::Index i = 0; i < n; ++i)
    if (f(i) <= 0)
      throw InvalidArgument("input_output", "final demand of '" + io.sectors[static_cast<std::size_t>(i)] + "' = " +
                                                detail::format_value(f(i)),
                            "positive final demand (I - A) x for every sector; check the coefficients or give the "
                            "regional outputs in input_output.output");
  const Mat L = (I - A).partialPivLu().inverse();
  const Mat B = x.cwiseInverse().asDiagonal() * A * x.asDiagonal();
  const Mat G = (I - B).partialPivLu().inverse();
  // Value added (primary inputs) per sector: v_j = x_j (1 - sum_i a_ij).
  Eigen::VectorXd v = x.cwiseProduct(Eigen::VectorXd::Ones(n) - A.colwise().sum().transpose());
  leontief_.resize(n_ * n_);
  ghosh_.resize(n_ * n_);
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index j = 0; j < n; ++j) {
      leontief_[static_cast<std::size_t>(i * n + j)] = L(i, j);
      ghosh_[static_cast<std::size_t>(i * n + j)] = G(i, j);
    }
  final_demand_.assign(f.data(), f.data() + n);
  value_added_.assign(v.data(), v.data() + n);
}

void Linkage::spill(const std::vector<double>& demand_loss, const std::vector<double>& raw_material_loss,
                    std::vector<double>& demand_spill, std::vector<double>& raw_material_spill) const {
  const std::size_t np = table_of_pop_.size();
  demand_spill.assign(np, 0.0);
  raw_material_spill.assign(np, 0.0);
  if (!enabled()) return;
  std::vector<double> d(n_, 0.0), r(n_, 0.0);
  for (std::size_t p = 0; p < np; ++p)
    if (table_of_pop_[p] >= 0) {
      d[static_cast<std::size_t>(table_of_pop_[p])] = demand_loss[p];
      r[static_cast<std::size_t>(table_of_pop_[p])] = raw_material_loss[p];
    }
  for (std::size_t p = 0; p < np; ++p) {
    const int t = table_of_pop_[p];
    if (t < 0) continue;
    const auto i = static_cast<std::size_t>(t);
    // Upstream: output loss of i when final demand of every j falls by d_j.
    double up = 0, down = 0;
    for (std::size_t j = 0; j < n_; ++j) {
      up += leontief_[i * n_ + j] * d[j] * final_demand_[j];
      down += r[j] * value_added_[j] * ghosh_[j * n_ + i];
    }
    up /= output_[i];
    down /= output_[i];
    demand_spill[p] = std::max(0.0, up - d[i]);
    raw_material_spill[p] = std::max(0.0, down - r[i]);
  }
}

}  // namespace msmesim
