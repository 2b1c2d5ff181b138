// The ensemble's internals shared by the runner (ensemble.cpp) and the
// result assembly (ensemble_result.cpp): what one replication yields and
// the running summaries it is merged into.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ensembles/streaming.hpp"
#include "msmesim/ensembles/ensemble.hpp"

namespace msmesim::detail {

/// The tables summarised month by month, as named in EnsembleResult::series.
inline constexpr std::array<const char*, 6> kSeriesTables{"monthly", "by_sector", "by_class",
                                                          "by_region", "cooperatives", "programmes"};

/// Levels of a scenario in one replication. The first kPublicLevels are
/// reported; the rest feed the paired metrics.
enum Level : std::size_t {
  L_active_firms_end,
  L_closed_firms_end,
  L_employment_end,
  L_spent,
  L_transfer,
  L_months_to_recover,
  L_upgrades,
  L_revenue_index_trough,
  kPublicLevels,
  L_transfer_micro = kPublicLevels,
  L_member_closed,
  L_nonmember_closed,
  L_member_employment,
  L_nonmember_employment,
  kLevels
};
inline constexpr std::array<const char*, kPublicLevels> kLevelNames{
    "active_firms_end", "closed_firms_end", "employment_end", "spent_rp",
    "transfer_rp",      "months_to_recover", "upgrades",      "revenue_index_trough"};

/// Differences from the baseline in the same replication.
enum Paired : std::size_t {
  P_firms_saved,
  P_jobs_saved,
  P_net_cost,
  P_recovery_months_gained,
  P_class_advancements,
  P_micro_spending_share,
  P_member_firms_saved,
  P_nonmember_firms_saved,
  P_member_jobs_saved,
  P_nonmember_jobs_saved,
  kPaired
};
inline constexpr std::array<const char*, kPaired> kPairedNames{
    "firms_saved",          "jobs_saved",          "net_cost_rp",          "recovery_months_gained",
    "class_advancements",   "micro_spending_share", "member_firms_saved",  "nonmember_firms_saved",
    "member_jobs_saved",    "nonmember_jobs_saved"};

/// Outcomes of a programme's recipient paired with itself in the baseline.
enum Pairing : std::size_t { A_additional, A_deadweight, A_closed_despite, A_harmed, kPairings };
inline constexpr std::array<const char*, kPairings> kPairingNames{"additional", "deadweight", "closed_despite",
                                                                  "harmed"};
inline constexpr std::array<const char*, 3> kCashAtAward{"distressed", "thin", "healthy"};

/// Cells of the breakdowns: (dimension, group) in a fixed order.
struct Groups {
  std::vector<std::string> dimensions;   // in order
  std::vector<std::uint16_t> dimension;  // per cell: index into dimensions
  std::vector<std::string> group;        // per cell
  std::size_t all = 0, size_class = 0, sector = 0, region = 0, cash = 0;  // first cell of each dimension
  std::size_t count() const { return group.size(); }
};

/// Rows and columns of one summarised table of one scenario.
struct SeriesLayout {
  std::vector<std::int32_t> month, group;  // per row; group -1 when ungrouped
  std::vector<std::string> group_names, variables, units;
  bool grouped = false;
  std::size_t cells() const { return month.size() * variables.size(); }
};

/// One scenario in one replication.
struct RepScenario {
  std::array<std::vector<double>, kSeriesTables.size()> series;  // row-major rows x variables
  std::array<SeriesLayout, kSeriesTables.size()> layout;
  std::array<double, kLevels> level{};
  std::array<double, kPaired> paired{};
  /// Per breakdown group (region, size class, sector): firms saved, jobs saved.
  std::vector<std::array<double, 2>> groups;
  /// [programme][additionality cell]: recipients, then kPairings counts.
  std::vector<std::vector<std::array<double, 1 + kPairings>>> pairing;
};

struct RepSummary {
  std::uint32_t replication = 0;
  std::vector<RepScenario> scenario;
};

/// Running mean and variance of one cell (Welford), in merge order.
struct Moments {
  std::uint32_t n = 0;
  double mean = 0.0, m2 = 0.0;
  void add(double x) {
    if (x != x) return;  // NaN
    ++n;
    const double d = x - mean;
    mean += d / static_cast<double>(n);
    m2 += d * (x - mean);
  }
  double sd() const;
};

/// Sums over replications for a ratio estimate (share = sum x / sum n).
struct RatioSums {
  std::uint32_t reps = 0;
  double n = 0, nn = 0;
  std::array<double, kPairings> x{}, xx{}, xn{};
};

/// Everything merged so far.
struct Summaries {
  std::vector<std::string> scenario_names;
  std::vector<std::vector<std::string>> programme_names;  // per scenario
  Groups groups;       // breakdown of firms and jobs saved
  Groups pairing;      // breakdown of additionality
  std::size_t region_groups = 0;  // first cells of Groups count regions, classes, sectors
  // [scenario][table]
  std::vector<std::array<std::optional<SeriesStats>, kSeriesTables.size()>> series;
  std::vector<std::array<SeriesLayout, kSeriesTables.size()>> layout;
  // Outcomes, one entry per (replication, scenario, metric).
  std::vector<std::int64_t> out_replication;
  std::vector<std::uint16_t> out_scenario, out_metric;
  std::vector<double> out_value;
  std::vector<std::vector<std::array<Moments, 2>>> group_moments;  // [scenario][group]
  std::vector<std::vector<std::vector<RatioSums>>> pairing_sums;  // [scenario][programme][cell]
  std::uint32_t merged = 0;
};

/// Names of the outcome metrics: levels, then paired.
std::vector<std::string> outcome_metric_names();

/// Merges one replication (in replication order).
void merge(Summaries& s, const EnsembleOptions& o, RepSummary&& rep);
/// Builds the result tables.
void assemble(const Summaries& s, const EnsembleOptions& o, EnsembleResult& r);

}  // namespace msmesim::detail
