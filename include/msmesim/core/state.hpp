// The evolving state of every firm during a run, as a structure of arrays.
// Capacity covers the initial firms plus every entrant the run will admit;
// `count` firms exist so far. Read it between months through
// Simulation::state(); it is written only by the engine.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

namespace msmesim {

/// Why a firm closed (FirmState::closure_reason).
enum class ClosureReason : std::uint8_t {
  open = 0,        ///< not closed
  owner_exit = 1,  ///< the owner left for reasons outside the business (a job, the household)
  unviable = 2,    ///< the business no longer supported the household for longer than the owner's patience
  insolvent = 3,   ///< unable to meet its obligations for closure_after_months months
};
inline constexpr int kClosureReasons = 4;
inline constexpr std::array<ClosureReason, kClosureReasons> kAllClosureReasons = {
    ClosureReason::open, ClosureReason::owner_exit, ClosureReason::unviable, ClosureReason::insolvent};
/// "open", "owner_exit", "unviable", "insolvent".
constexpr std::string_view to_string(ClosureReason reason) {
  switch (reason) {
    case ClosureReason::owner_exit: return "owner_exit";
    case ClosureReason::unviable: return "unviable";
    case ClosureReason::insolvent: return "insolvent";
    default: return "open";
  }
}

struct FirmState {
  std::size_t count = 0;  ///< firms that exist so far (initial + entered)

  // Attributes fixed at entry.
  std::vector<std::uint16_t> region;
  std::vector<std::uint8_t> sector;
  std::vector<std::uint8_t> registered;
  std::vector<std::uint8_t> ever_kur;
  std::vector<std::int32_t> cooperative;
  std::vector<double> base_revenue_rp;   ///< pre-shock monthly revenue (potential at entry)
  std::vector<std::uint16_t> base_workers;
  std::vector<float> variable_cost_share;
  std::vector<double> fixed_cost_rp;
  std::vector<double> wage_rp;
  std::vector<float> online_share;
  std::vector<float> owner_capability;
  std::vector<float> capital_intensity;   ///< assets kept per rupiah of monthly revenue, on average
  std::vector<std::int16_t> entry_month;  ///< -1 for the initial population
  std::vector<std::uint8_t> initial_class;

  // Dynamic state.
  std::vector<std::uint8_t> status;       ///< FirmStatus
  std::vector<std::uint8_t> size_class;   ///< current SizeClass
  std::vector<std::uint16_t> workers;
  std::vector<double> assets_rp;          ///< business assets (depreciation, investment)
  std::vector<double> potential_rp;       ///< long-run monthly revenue the level returns to
  std::vector<double> level_rp;           ///< underlying monthly revenue (mean-reverting to the potential)
  std::vector<float> demand_factor;       ///< temporary programme demand factor this month (1: none)
  std::vector<double> expected_rp;        ///< smoothed expected revenue (temporary factors excluded)
  std::vector<double> cash_rp;
  std::vector<double> payables_rp;        ///< unpaid operating costs carried forward
  std::vector<double> receivables_rp;     ///< revenue to be received next month
  std::vector<double> owner_owed_rp;      ///< subsistence the owner could not draw yet
  std::vector<double> loan_principal_rp;  ///< formal loan (cooperative, KUR or bank)
  std::vector<float> loan_rate_year;
  std::vector<double> loan_installment_rp;
  std::vector<std::uint16_t> loan_months_left;
  std::vector<std::uint16_t> loan_term_months;  ///< the loan's term when made (or last restructured)
  std::vector<std::uint8_t> loan_lender;
  std::vector<std::int8_t> loan_deferral;       ///< months of deferred service left: > 0 interest only, < 0 nothing due
  std::vector<std::uint8_t> loan_restructured;  ///< 1 while the formal loan is a restructured one
  std::vector<double> informal_principal_rp;
  std::vector<double> debt_arrears_rp;    ///< debt service due and not yet paid (delinquency)
  std::vector<double> informal_installment_rp;
  std::vector<std::uint16_t> informal_months_left;
  std::vector<double> revenue_window_rp;  ///< revenue since the last class review
  std::vector<std::uint8_t> months_unable;   ///< consecutive months unable to meet obligations
  std::vector<std::uint8_t> months_low_income;  ///< consecutive months the business did not support the household
  /// The month the owner leaves for reasons outside the business (kNeverMonth: not within the run).
  std::vector<std::int16_t> owner_exit_month;
  std::vector<std::uint8_t> months_overstaffed;
  std::vector<std::uint8_t> main_problem;    ///< Channel of the latest month, or kNoProblem

  // Histories kept for the microdata.
  std::vector<std::int16_t> first_distress_month;  ///< -1: never
  std::vector<std::int16_t> closure_month;         ///< -1: open
  std::vector<std::uint8_t> closure_reason;        ///< ClosureReason
  std::vector<std::int16_t> class_change_month;    ///< -1: never
  std::vector<std::uint8_t> upgrades;
  std::vector<std::uint8_t> downgrades;
  std::vector<std::uint16_t> months_distressed;
  /// 1 once the firm could not pay its operating costs or debt service in full.
  std::vector<std::uint8_t> ever_illiquid;
  std::vector<double> revenue_total_rp;
  std::vector<double> investment_total_rp;         ///< assets bought during the run
  std::vector<double> loan_written_off_rp;         ///< formal loan written off when the firm closed
  std::vector<std::uint8_t> last_main_problem;     ///< latest month with a problem

  /// Exposure of each firm to each shock: severity (0 if not hit), one
  /// vector per shock.
  std::vector<std::vector<float>> shock_severity;

  void resize(std::size_t capacity, std::size_t shocks);
  std::size_t capacity() const { return status.size(); }
  std::size_t memory_bytes() const;
};

/// Month index meaning "not within the run" (owner_exit_month).
inline constexpr std::int16_t kNeverMonth = 32767;

/// Every per-firm array of FirmState, in declaration order (shock
/// severities apart): X(name) for each. Bindings, state_names and the
/// tests iterate over it, so a column cannot be missing from one of them.
#define MSMESIM_FIRM_STATE_COLUMNS(X)                                                                                \
  X(region) X(sector) X(registered) X(ever_kur) X(cooperative) X(base_revenue_rp) X(base_workers)                  \
  X(variable_cost_share) X(fixed_cost_rp) X(wage_rp) X(online_share) X(owner_capability) X(capital_intensity)    \
  X(entry_month) X(initial_class) X(status) X(size_class) X(workers) X(assets_rp) X(potential_rp) X(level_rp)    \
  X(demand_factor) X(expected_rp) X(cash_rp) X(payables_rp) X(receivables_rp) X(owner_owed_rp)                  \
  X(loan_principal_rp) X(loan_rate_year) X(loan_installment_rp) X(loan_months_left) X(loan_term_months)         \
  X(loan_lender) X(loan_deferral) X(loan_restructured) X(informal_principal_rp) X(debt_arrears_rp)              \
  X(informal_installment_rp) X(informal_months_left) X(revenue_window_rp) X(months_unable) X(months_low_income) \
  X(owner_exit_month) X(months_overstaffed) X(main_problem) X(first_distress_month) X(closure_month) \
  X(closure_reason) X(class_change_month) X(upgrades) X(downgrades) X(months_distressed) X(ever_illiquid)        \
  X(revenue_total_rp) X(investment_total_rp) X(loan_written_off_rp) X(last_main_problem)

/// The money columns of FirmFlows (all but `stepped`), X(name) for each.
#define MSMESIM_FIRM_FLOW_COLUMNS(X)                                                                          \
  X(cash_before) X(cash_after) X(revenue) X(revenue_received) X(operating_cost) X(operating_paid)             \
  X(payables_before) X(payables_after) X(debt_service_due) X(debt_service_paid) X(owner_due) X(owner_draw)   \
  X(shu_received) X(new_credit) X(credit_sought) X(investment_gap) X(investment) X(debt_prepaid)              \
  X(closure_payout)

/// Per-firm cash flows of the latest month, recorded when
/// RunOptions::record_flows is set. For every firm that was open during the
/// month: cash_after = cash_before + revenue_received + new_credit + shu_received
///   - operating_paid - debt_service_paid - debt_prepaid - owner_draw - investment
///   - closure_payout.
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
  /// What the firm sought from lenders (0 when it sought none): its
  /// shortfall (obligations, owner's claim and buffer beyond its cash) and
  /// investment_gap. A formal lender is asked for at least
  /// credit_request_revenue_months of baseline revenue when cash falls short.
  std::vector<double> credit_sought;
  std::vector<double> investment_gap;  ///< planned assets its cash beyond its floor cannot pay
  std::vector<double> investment;    ///< assets bought this month
  std::vector<double> debt_prepaid;  ///< informal debt repaid early from cash beyond the firm's target
  std::vector<double> closure_payout;  ///< a closing firm's cash, paid to its lenders and its owner
  std::vector<double> shu_received;  ///< the cooperative's SHU paid to a member at a book year's end

  void resize(std::size_t capacity);

  /// Cash that came in to firm `i` this month, opening cash included.
  double cash_in(std::size_t i) const {
    return cash_before[i] + revenue_received[i] + new_credit[i] + shu_received[i];
  }
  /// Cash that went out of firm `i` this month: cash_after == cash_in - cash_out.
  double cash_out(std::size_t i) const {
    return operating_paid[i] + debt_service_paid[i] + debt_prepaid[i] + owner_draw[i] + investment[i] +
           closure_payout[i];
  }
};

}  // namespace msmesim
