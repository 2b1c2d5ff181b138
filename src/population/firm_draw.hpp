// Drawing one firm from a PopulationSpec: its revenue and assets within its
// class (truncated lognormals joined by a Gaussian copula), workers, costs,
// online selling, owner capability, registration, KUR history and the cash
// the owner keeps. The same draws make the generated population, the new
// firms of a run and the firms that replace closed ones during a burn-in
// (docs/model.md §4, §9), so that entrants come from the same world.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "core/distributions.hpp"
#include "msmesim/population/population.hpp"
#include "msmesim/core/rng.hpp"

namespace msmesim::detail {

/// One drawn firm (monthly amounts in Rp).
struct FirmDraw {
  double revenue_rp_month = 0.0;  ///< potential (pre-shock) revenue
  double assets_rp = 0.0;
  int workers = 1;                ///< owner included, at potential revenue
  double variable_cost_share = 0.0;
  double fixed_cost_rp_month = 0.0;
  double wage_rp_month = 0.0;
  double online_share = 0.0;
  double owner_capability = 0.0;
  std::uint8_t registered = 0;
  std::uint8_t ever_kur = 0;
  double cash_months = 0.0;  ///< cash kept, in months of outflows
  /// Monthly outflows at potential revenue: inputs, wages and fixed cost.
  double outflows_rp() const {
    return variable_cost_share * revenue_rp_month + (workers - 1) * wage_rp_month + fixed_cost_rp_month;
  }
};

class FirmDrawer {
 public:
  FirmDrawer() = default;
  /// Fits the spec's distributions (the spec must validate).
  explicit FirmDrawer(const PopulationSpec& spec);
  /// Firm `entity`'s draws at `time` (kNoMonth for generation) in class
  /// `size_class` (micro, small, medium) and sector `sector`.
  FirmDraw draw(const RandomStream& rng, std::uint32_t entity, std::uint32_t time, int size_class, int sector) const;
  bool empty() const { return sectors_.empty(); }

 private:
  struct Sector {
    TabulatedQuantile vcost, margin_q, online;
    double wage = 0.0, online_seller_share = 0.0;
  };
  std::array<TruncatedLognormal, kMsmeClasses> revenue_, assets_, cash_months_;
  std::array<TruncatedGeometric, kMsmeClasses> workers_;
  std::array<ClassSpec, kMsmeClasses> classes_{};
  std::vector<Sector> sectors_;
  TabulatedQuantile capability_;
  PopulationParams params_;
  double rho_ = 0.0, rho_c_ = 1.0;
};

}  // namespace msmesim::detail
