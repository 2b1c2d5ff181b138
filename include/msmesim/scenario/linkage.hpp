// Sector linkages through an input-output table (MODEL §4). Demand losses
// travel upstream through the Leontief inverse L = (I - A)^-1; raw-material
// shortages travel downstream through the Ghosh inverse G = (I - B)^-1 with
// B = diag(x)^-1 A diag(x). Only the spill-over beyond a sector's own direct
// loss is added to its firms, so a uniform shock has no spill-over.
#pragma once

#include <string>
#include <vector>

namespace msmesim {

/// A (regional) input-output table over the population's sectors.
struct InputOutput {
  /// Sector names, in the order of the matrix rows and columns.
  std::vector<std::string> sectors;
  /// Technical coefficients, row-major n x n: a[i * n + j] is the input from
  /// sector i per rupiah of output of sector j.
  std::vector<double> technical_coefficients;
  /// Gross output by sector (any unit). Empty: the population's baseline
  /// revenue by sector.
  std::vector<double> output;

  void validate(const std::string& field = "input_output") const;
};

/// Spill-overs precomputed for a population: which sector of the table each
/// population sector is, and the two inverses.
class Linkage {
 public:
  Linkage() = default;
  /// `population_sectors` names the population's sectors; `sector_output` is
  /// its baseline output per sector (used when io.output is empty). Sectors
  /// missing from the table get no spill-over; table sectors missing from the
  /// population are an error.
  Linkage(const InputOutput& io, const std::vector<std::string>& population_sectors,
          const std::vector<double>& sector_output);

  bool enabled() const { return n_ > 0; }
  /// Given each population sector's direct demand loss and raw-material
  /// shortage (shares 0-1), writes the spill-over shares (>= 0) to add.
  void spill(const std::vector<double>& demand_loss, const std::vector<double>& raw_material_loss,
             std::vector<double>& demand_spill, std::vector<double>& raw_material_spill) const;

  /// Leontief inverse, row-major, in table order (for inspection and tests).
  const std::vector<double>& leontief_inverse() const { return leontief_; }
  const std::vector<double>& ghosh_inverse() const { return ghosh_; }

 private:
  std::size_t n_ = 0;
  std::vector<int> table_of_pop_;  // population sector -> table index (-1: none)
  std::vector<double> leontief_, ghosh_, output_, final_demand_, value_added_;
};

}  // namespace msmesim
