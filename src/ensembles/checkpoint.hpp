// An ensemble's checkpoint (EnsembleOptions::checkpoint): a directory with a
// manifest naming what the ensemble is (population, scenarios, seed and the
// options that shape a replication) and one file per completed replication
// holding exactly what is merged into the summaries. Files are written to a
// temporary name and renamed, so a process killed at any moment leaves only
// whole files; each ends with a checksum. Resuming merges the saved
// replications in replication order with the ones still to run, so the
// result is bitwise that of an uninterrupted ensemble.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ensembles/ensemble_state.hpp"
#include "msmesim/population/population.hpp"
#include "msmesim/scenario/scenario.hpp"

namespace msmesim::detail {

class Checkpoint {
 public:
  /// Opens (creating it if needed) the checkpoint directory `dir` of an
  /// ensemble of `scenarios` on `pop`. Throws IoError when the directory
  /// cannot be created or written, and InvalidArgument on field
  /// `checkpoint` when it holds the checkpoint of a different ensemble.
  Checkpoint(const std::string& dir, const Population& pop, const std::vector<Scenario>& scenarios,
             const EnsembleOptions& options);

  /// The saved replication `replication`, or nothing when it was not saved.
  /// Throws IoError naming the file when it is damaged.
  std::optional<RepSummary> load(std::uint32_t replication) const;
  /// Saves a completed replication (through a temporary file, renamed).
  void save(const RepSummary& rep) const;

  const std::string& dir() const { return dir_; }

 private:
  std::string file_of(std::uint32_t replication) const;
  std::string dir_;
};

}  // namespace msmesim::detail
