// The evolving state of every firm during a run, as a structure of arrays.
// Capacity covers the initial firms plus every entrant the run will admit;
// `count` firms exist so far. Read it between months through
// Simulation::state(); it is written only by the engine.
#pragma once

#include <cstdint>
#include <vector>

namespace msmesim {

struct FirmState {
  std::size_t count = 0;  ///< firms that exist so far (initial + entered)

  // Attributes fixed at entry.
  std::vector<std::uint16_t> region;
  std::vector<std::uint8_t> sector;
  std::vector<std::uint8_t> registered;
  std::vector<std::uint8_t> ever_kur;
  std::vector<std::int32_t> cooperative;
  std::vector<double> assets_rp;
  std::vector<double> base_revenue_rp;   ///< pre-shock monthly revenue
  std::vector<std::uint16_t> base_workers;
  std::vector<float> variable_cost_share;
  std::vector<double> fixed_cost_rp;
  std::vector<double> wage_rp;
  std::vector<float> online_share;
  std::vector<float> owner_capability;
  std::vector<std::int16_t> entry_month;  ///< -1 for the initial population
  std::vector<std::uint8_t> initial_class;

  // Dynamic state.
  std::vector<std::uint8_t> status;       ///< FirmStatus
  std::vector<std::uint8_t> size_class;   ///< current SizeClass
  std::vector<std::uint16_t> workers;
  std::vector<double> level_rp;           ///< underlying monthly revenue (random walk)
  std::vector<double> expected_rp;        ///< smoothed expected revenue
  std::vector<double> cash_rp;
  std::vector<double> payables_rp;        ///< unpaid operating costs carried forward
  std::vector<double> receivables_rp;     ///< revenue to be received next month
  std::vector<double> owner_owed_rp;      ///< subsistence the owner could not draw yet
  std::vector<double> loan_principal_rp;  ///< formal loan (cooperative, KUR or bank)
  std::vector<float> loan_rate_year;
  std::vector<double> loan_installment_rp;
  std::vector<std::uint16_t> loan_months_left;
  std::vector<std::uint8_t> loan_lender;
  std::vector<double> informal_principal_rp;
  std::vector<double> debt_arrears_rp;    ///< debt service due and not yet paid (delinquency)
  std::vector<double> informal_installment_rp;
  std::vector<std::uint16_t> informal_months_left;
  std::vector<double> revenue_window_rp;  ///< revenue since the last class review
  std::vector<std::uint8_t> months_unable;   ///< consecutive months unable to meet obligations
  std::vector<std::uint8_t> months_overstaffed;
  std::vector<std::uint8_t> main_problem;    ///< Channel of the latest month, or kNoProblem

  // Histories kept for the microdata.
  std::vector<std::int16_t> first_distress_month;  ///< -1: never
  std::vector<std::int16_t> closure_month;         ///< -1: open
  std::vector<std::int16_t> class_change_month;    ///< -1: never
  std::vector<std::uint8_t> upgrades;
  std::vector<std::uint8_t> downgrades;
  std::vector<std::uint16_t> months_distressed;
  std::vector<double> revenue_total_rp;
  std::vector<std::uint8_t> last_main_problem;     ///< latest month with a problem

  /// Exposure of each firm to each shock: severity (0 if not hit), one
  /// vector per shock.
  std::vector<std::vector<float>> shock_severity;

  void resize(std::size_t capacity, std::size_t shocks);
  std::size_t capacity() const { return status.size(); }
  std::size_t memory_bytes() const;
};

/// Per-firm cash flows of the latest month, recorded when
/// RunOptions::record_flows is set. For every firm that was open during the
/// month: cash_after = cash_before + revenue_received + new_credit
///   - operating_paid - debt_service_paid - owner_draw.
struct FirmFlows {
  std::vector<std::uint8_t> stepped;  ///< 1 if the firm was open and stepped
  std::vector<double> cash_before, cash_after;
  std::vector<double> revenue, revenue_received;
  std::vector<double> operating_cost;  ///< incurred this month (variable, shipping, wages, fixed)
  std::vector<double> operating_paid;  ///< paid this month, including earlier payables
  std::vector<double> payables_before, payables_after;
  std::vector<double> debt_service_due, debt_service_paid;
  std::vector<double> owner_due;  ///< the owner's claim, paid first (owed from earlier months included)
  std::vector<double> owner_draw, new_credit;
  std::vector<double> shu_received;  ///< the cooperative's SHU paid to a member at a book year's end

  void resize(std::size_t capacity);
};

}  // namespace msmesim
