// Cooperatives (koperasi) as agents, stored like firms: a structure of arrays,
// one contiguous std::vector per attribute. A firm is a member of at most one
// cooperative (Population::cooperative holds its index). The generation spec
// reproduces a regency's cooperative statistics (seed 000 Tables 2-5 for
// Bogor); docs/model.md §14 gives every default and its source.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "msmesim/core/types.hpp"

namespace msmesim {

/// Initial state of every cooperative; all vectors have size(). Money in
/// rupiah. The balance sheet balances:
///
///     cash_rp + loans_rp + other_assets_rp
///       == deposits_rp + borrowed_rp + own_capital_rp + surplus_rp
///
/// Own capital (modal sendiri) is the members' principal and mandatory
/// savings, reserves and grants; external capital (modal luar) is the
/// members' voluntary deposits plus what the cooperative borrowed elsewhere
/// (Law 25/1992 art. 41).
struct Cooperatives {
  std::vector<std::uint16_t> region;                ///< index into Population::region_names
  std::vector<std::uint8_t> type;                   ///< CoopType
  std::vector<std::int32_t> members;                ///< persons, member firms included
  std::vector<double> own_capital_rp;               ///< equity
  std::vector<double> deposits_rp;                  ///< members' voluntary savings, withdrawable
  std::vector<double> borrowed_rp;                  ///< external capital other than deposits
  std::vector<double> surplus_rp;                   ///< SHU of the current book year, not yet shared out
  std::vector<double> cash_rp;                      ///< liquid funds
  std::vector<double> loans_rp;                     ///< loans to members outstanding
  std::vector<double> arrears_rp;                   ///< overdue member repayments (within loans_rp)
  std::vector<double> other_assets_rp;              ///< inventory, equipment and other assets
  std::vector<double> business_volume_rp_year;      ///< business volume of the last book year
  std::vector<double> shu_rp_year;                  ///< SHU of the last book year
  std::vector<std::uint8_t> rat_history;            ///< bit k: members' meeting (RAT) held k+1 years ago
  std::vector<std::uint8_t> active;                 ///< 1 if active (see CooperativeSpec::active_rat_*)
  std::vector<std::uint8_t> healthy;                ///< 1 if solvent, liquid and with positive SHU
  std::vector<std::uint8_t> virtual_rat;            ///< 1 if it can hold its members' meeting online

  std::size_t size() const noexcept { return region.size(); }
  bool empty() const noexcept { return region.empty(); }
  /// Resizes every attribute vector to n (new entries zero).
  void resize(std::size_t n);
  /// Reserves room for n cooperatives in every attribute vector.
  void reserve(std::size_t n);
  /// External capital (modal luar): deposits plus borrowed funds.
  double external_capital_rp(std::size_t c) const { return deposits_rp[c] + borrowed_rp[c]; }
  /// Assets minus liabilities and equity (zero when the books balance).
  double balance_gap_rp(std::size_t c) const {
    return cash_rp[c] + loans_rp[c] + other_assets_rp[c] -
           (deposits_rp[c] + borrowed_rp[c] + own_capital_rp[c] + surplus_rp[c]);
  }
  /// Checks lengths, index and value ranges and that every balance sheet
  /// balances (to 1e-6 of its size); `regions` is the number of regions of
  /// the population. Messages name the cooperative (0-based) and the field.
  void validate(std::size_t regions) const;
  /// Bytes held by the attribute vectors.
  std::size_t memory_bytes() const;
};

/// How to generate the cooperatives of a synthetic population. With
/// `count` = 0 the population has none. Totals are met exactly; see
/// docs/model.md §14 for the distributions behind them.
struct CooperativeSpec {
  std::int64_t count = 0;                 ///< registered cooperatives
  /// Active cooperatives per region, met exactly (one entry per region of
  /// the population spec); when empty, `active` is apportioned by region weight.
  std::vector<std::int64_t> active_by_region;
  std::int64_t active = 0;                ///< used when active_by_region is empty
  /// Relative number of cooperatives of each type (apportioned exactly).
  std::array<double, kCoopTypes> type_weights{1, 1, 1, 1, 1};
  std::int64_t members = 0;               ///< member persons in all cooperatives
  std::int64_t min_members = 20;          ///< members of the smallest cooperative
  double own_capital_rp = 0.0;            ///< total own capital
  double external_capital_rp = 0.0;       ///< total external capital (deposits + borrowed)
  double business_volume_rp_year = 0.0;   ///< total business volume of the last book year
  double shu_rp_year = 0.0;               ///< total SHU of the last book year
  std::int64_t rat_last_year = 0;         ///< active cooperatives that held their RAT last year
  /// Active = held a members' meeting in at least `active_rat_min` of the
  /// last `active_rat_years` book years.
  int active_rat_years = 3;
  int active_rat_min = 1;
  /// Share of members who run a firm of the population (member firms).
  double firm_member_share = 0.5;
  /// Population size the member figures refer to; member firms scale with
  /// firms / reference_firms (0: the spec's firms, no scaling).
  std::int64_t reference_firms = 0;
  double size_sigma_log = 1.0;            ///< dispersion of cooperative size (capital)
  double members_sigma_log = 0.6;         ///< dispersion of membership
  double inactive_size_factor = 0.2;      ///< capital of an inactive cooperative relative to an active one
  double deposit_share_of_external = 0.5; ///< members' deposits within external capital
  double cash_share_of_funds = 0.15;      ///< liquid share of the balance sheet
  /// Loans to members as a share of the balance sheet, by type.
  std::array<double, kCoopTypes> loan_share_of_funds{0.25, 0.20, 0.15, 0.25, 0.70};
  /// Business volume per rupiah of capital, relative, by type.
  std::array<double, kCoopTypes> volume_weight{2.0, 1.5, 2.0, 1.0, 0.5};
  /// Share of the cooperatives able to hold their members' meeting (RAT)
  /// online when physical meetings are restricted.
  double virtual_rat_share = 0.0;

  /// Active cooperatives in all: the sum of active_by_region, or `active`.
  std::int64_t active_total() const;
  /// Throws InvalidArgument naming the first invalid field; `regions` is
  /// the number of regions of the population spec.
  void validate(std::size_t regions) const;
};

}  // namespace msmesim
