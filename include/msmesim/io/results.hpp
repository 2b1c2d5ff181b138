// What a run produces: monthly aggregates, breakdowns by sector, size class
// and region, and firm-level microdata. All are columnar tables (one
// contiguous vector per column) that Python exposes without copying.
#pragma once

#include <array>
#include <optional>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "msmesim/core/types.hpp"

namespace msmesim {

/// One named column. Categorical columns hold integer codes into `categories`
/// (a code of -1, or 255 for 8-bit codes, means missing).
struct Column {
  using Data = std::variant<std::vector<std::uint8_t>, std::vector<std::int16_t>, std::vector<std::uint16_t>,
                            std::vector<std::int32_t>, std::vector<std::int64_t>, std::vector<float>,
                            std::vector<double>, std::vector<std::string>>;
  std::string name;
  Data data;
  std::vector<std::string> categories;
  std::string unit;  ///< e.g. "Rp", "firms", "workers"; empty for indices and codes

  std::size_t size() const;
  /// Element `row` as a double (categorical codes as their code).
  double number(std::size_t row) const;
  /// Element `row` as text (categories resolved).
  std::string text(std::size_t row) const;
};

/// A table of equally long columns.
struct Table {
  std::vector<Column> columns;

  std::size_t rows() const { return columns.empty() ? 0 : columns.front().size(); }
  bool has(std::string_view name) const;
  /// Throws InvalidArgument listing the columns when `name` is unknown.
  const Column& column(std::string_view name) const;
  /// Values of a numeric column as doubles (copy; for tests and summaries).
  std::vector<double> numbers(std::string_view name) const;
  /// Writes the table as CSV; `prefix` columns (name, value) are prepended to
  /// every row. Written to a temporary file and renamed into place.
  void write_csv(const std::string& path,
                 const std::vector<std::pair<std::string, std::string>>& prefix = {}) const;
};

/// The outcome of one run (one scenario, one replication).
struct RunResult {
  std::string scenario;
  std::string population;
  std::uint64_t seed = 0;
  std::uint32_t replication = 0;
  YearMonth start;
  int months = 0;
  /// The scenario's survey window for main-problem shares (none: empty).
  std::optional<YearMonth> survey_start, survey_end;
  std::int64_t initial_firms = 0;
  std::int64_t initial_employment = 0;
  std::vector<std::string> region_names, sector_names;

  /// One row per month.
  Table monthly;
  /// Long tables: one row per (month, group). Size class is the firm's class
  /// at the start of the run (a cohort), so re-classification does not move
  /// firms between groups.
  Table by_sector, by_class, by_region;
  /// One row per firm (initial firms, then entrants in order of entry).
  Table firms;
  /// The credit book: one row per month and lender (loans outstanding and
  /// their principal, new loans, loans in arrears and their arrears,
  /// restructured loans, principal written off and recovered from closing
  /// firms).
  Table credit_book;
  /// Every firm at the end of each month of RunOptions::panel_months (long:
  /// month, firm, status, size class, revenue, cash, assets, debt, workers).
  Table panel;
  /// Cooperatives (empty without them): one row per month; long tables by
  /// type and by region (column `group`); and, when asked for
  /// (RunOptions::cooperative_panel), one row per cooperative and month.
  Table cooperatives_monthly, cooperatives_by_type, cooperatives_by_region, cooperatives_panel;
  /// Programmes (docs/model.md §15): reach and money per programme and
  /// month; the government ledger by programme, month, region, size class
  /// and sector (transfers, administrative cost and leakage); every payment
  /// to a recipient firm; every award with the recipient's state then.
  Table programmes_monthly, programme_ledger, programme_payments, programme_awards;
  /// class_transitions[from][to]: re-classifications over the run, by class
  /// before and after (micro, small, medium, large).
  std::array<std::array<std::int64_t, kSizeClasses>, kSizeClasses> class_transitions{};

  double elapsed_seconds = 0.0;
  int threads = 1;

  /// Firm-months stepped per second of wall time.
  double firm_months_per_second() const;
  /// A short readable summary of the run.
  std::string summary() const;
  /// The table called `name` (a row of run_result_tables()); InvalidArgument
  /// on field `table` naming the tables there are otherwise.
  Table& table(std::string_view name);
  const Table& table(std::string_view name) const;
};

/// A table of a RunResult: the name the bindings, the Python layer, the
/// output files and the docs call it by, the member that holds it, and what
/// one row is.
struct TableInfo {
  std::string_view name;
  Table RunResult::*member;
  std::string_view rows;
};

/// Every table of a RunResult, in order: whatever lists, writes or
/// documents the tables iterates over this.
std::span<const TableInfo> run_result_tables();

}  // namespace msmesim
