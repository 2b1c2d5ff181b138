// The vectorised kernels of the monthly firm step, for a batch of firms,
// without branches so that the compiler vectorises them across firms.
// Phase A: everything about a firm's month that is plain arithmetic on its
// own state — shock factors, demand, revenue, costs, receivables, debt due,
// the owner's claim, the credit shortfall and the cost of each shock channel.
// Phase B (src/engine/firm_month.cpp) then runs in passes: credit, firm by firm; payments
// (firm_month_pay) and debt service (firm_month_debt) here; distress,
// labour, closure and counts, firm by firm. Compiled for several
// instruction sets; results are bit-identical.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "kernels/draws.hpp"
#include "msmesim/core/types.hpp"

// Tells GCC that a loop's iterations are independent (the kernels' arrays do
// not overlap); other compilers vectorise without it.
#if defined(__GNUC__) && !defined(__clang__)
#define MSMESIM_IVDEP _Pragma("GCC ivdep")
#else
#define MSMESIM_IVDEP
#endif

namespace msmesim::detail {

// min and max that the vectoriser maps to minpd/maxpd (the same results as
// std::min/std::max for the non-NaN values used here).
inline double min2(double a, double b) { return b < a ? b : a; }
inline double max2(double a, double b) { return a < b ? b : a; }

/// A month's payments out of the cash `available`, in order: the owner's
/// claim, operating costs (with earlier payables), the month's debt service,
/// arrears of earlier months (docs/model.md §5). Phase B applies it to the
/// cash with any new credit.
struct Payments {
  double draw, owed;                        ///< to the owner; still owed to the owner
  double operating_paid, unpaid_operating;  ///< of operating costs and earlier payables
  double debt_paid, unpaid_debt;            ///< of this month's debt service
  double catch_up;                          ///< arrears of earlier months repaid
  double cash_after;
};

inline Payments pay_month(double available, double owner_due, double operating_due, double debt_due,
                          double arrears_before) {
  Payments p;
  p.draw = min2(available, owner_due);
  available -= p.draw;
  p.owed = owner_due - p.draw;
  p.operating_paid = min2(available, operating_due);
  available -= p.operating_paid;
  p.unpaid_operating = operating_due - p.operating_paid;
  p.debt_paid = min2(available, debt_due);
  available -= p.debt_paid;
  p.unpaid_debt = debt_due - p.debt_paid;
  p.catch_up = min2(available, arrears_before);
  p.cash_after = available - p.catch_up;
  return p;
}

/// The main problem: the channel (0-3) that cost the firm most this month,
/// ties to the first; -1 when no channel cost anything. As a double, so that
/// a vectorised loop needs no mixed-width selects.
inline double main_channel(double sales, double capital, double distribution, double raw) {
  double main = -1.0, worst = 0.0;
  const double cost[4] = {sales, capital, distribution, raw};
  for (int ch = 0; ch < 4; ++ch) {
    const bool more = cost[ch] > worst;
    worst = more ? cost[ch] : worst;
    main = more ? static_cast<double>(ch) : main;
  }
  return main;
}

/// Read-only views of the state arrays phase A needs.
struct PhaseAInputs {
  const std::uint8_t* sector;
  const float* online_share;
  const float* variable_cost_share;
  const std::uint16_t* workers;
  const double* level_rp;
  const double* expected_rp;
  const double* wage_rp;
  const double* fixed_cost_rp;
  const double* payables_rp;
  const double* receivables_rp;
  const double* cash_rp;
  const double* owner_owed_rp;
  const double* loan_principal_rp;
  const float* loan_rate_year;
  const double* loan_installment_rp;
  const std::uint16_t* loan_months_left;
  const double* informal_principal_rp;
  const double* debt_arrears_rp;
  const double* informal_installment_rp;
  const std::uint16_t* informal_months_left;
  const double* productivity_rp;  ///< baseline revenue per worker
  const double* base_profit_rp;   ///< pre-shock monthly profit
  const double* potential_rp;
  const float* demand_factor;     ///< temporary programme factor
  const double* assets_rp;
  const float* capital_intensity;
  const double* cash_target_rp;   ///< cash the owner keeps in the firm
  const std::int8_t* loan_deferral;
  const std::uint8_t* months_unable;
};

/// A shock active this month: each firm's severity and the intensity.
struct ShockTerm {
  const float* severity;
  double intensity;
};

/// Month-level constants of phase A.
struct PhaseAMonth {
  FirmMonthDrawSpec draws;
  const double* season;       ///< per sector
  const double* demand_keep;  ///< per sector: 1 - demand spill-over
  const double* raw_spill;    ///< per sector
  const ShockTerm* shocks[kChannels]; ///< per Channel (sales, capital, distribution, raw materials)
  int shock_count[kChannels];
  double capacity_factor;     ///< 1 + capacity_slack
  double raw_material_output_cap, raw_material_price_pass;
  double shipping_cost_share, distribution_cost_uplift;
  double receivable_delay_max;
  double informal_rate_month;
  double owner_draw_share, subsistence_share;
  double cash_buffer_months;
  double expectation_weight;
  double reversion;          ///< share of the gap to the potential the level closes a month
  double potential_growth;   ///< monthly factor of the potential (growth drift)
  double depreciation_month;
  double investment_trigger;
  double target_scale;       ///< target assets per rupiah of capital intensity x expected revenue
  double viability_share;
};

/// Phase A results for one batch (index j = firm first + j).
struct PhaseAOut {
  double sales_keep[kDrawBatch], cap_keep[kDrawBatch], dist_keep[kDrawBatch], raw_keep[kDrawBatch];
  double cap_sev[kDrawBatch];
  double demand_free[kDrawBatch];  ///< demand before the sales shock
  double reachable[kDrawBatch];    ///< demand the firm can reach (before its capacity)
  double capacity_free[kDrawBatch];
  double revenue[kDrawBatch];
  double operating_cost[kDrawBatch];
  double operating_due[kDrawBatch];
  double received[kDrawBatch];
  double receivables_after[kDrawBatch];
  double loan_interest[kDrawBatch], loan_due[kDrawBatch];
  double informal_interest[kDrawBatch], informal_due[kDrawBatch];
  double profit[kDrawBatch];
  double owner_due[kDrawBatch];  ///< the owner's claim this month, paid first (what is owed included)
  double available[kDrawBatch];
  double buffer[kDrawBatch];
  double cash_floor[kDrawBatch];    ///< working capital the firm keeps: its cash target, at least the buffer
  double shortfall[kDrawBatch];
  double cost_sales[kDrawBatch], cost_capital[kDrawBatch], cost_distribution[kDrawBatch], cost_raw[kDrawBatch];
  double expected_next[kDrawBatch];
  double need_workers[kDrawBatch];  ///< expected revenue / productivity, before rounding up
  double need_capped[kDrawBatch];   ///< need_workers capped at 65535 (loop 2b of phase A)
  double level_next[kDrawBatch];
  double potential_next[kDrawBatch];
  double assets_next[kDrawBatch];   ///< assets after this month's wear, before investment
  double invest_want[kDrawBatch];   ///< assets the firm wants to buy this month
  double reserve[kDrawBatch];       ///< the wear of its assets since it last bought, kept in cash
  double invest_gap[kDrawBatch];    ///< part of it its cash cannot pay (to borrow)
  double prepay[kDrawBatch];        ///< informal debt the firm repays early from cash beyond its target
  double low_income[kDrawBatch];    ///< 1 if the business did not support the household
};

void firm_month_phase_a(const PhaseAInputs& in, const PhaseAMonth& month, std::uint32_t first, std::size_t len,
                        PhaseAOut& out);

/// The state arrays the month's payments change (debt arrears only read).
struct MoneyState {
  double* cash_rp;
  double* payables_rp;
  double* receivables_rp;
  double* owner_owed_rp;
  const double* debt_arrears_rp;
  double* level_rp;
  double* expected_rp;
  double* revenue_window_rp;
  double* revenue_total_rp;
  double* potential_rp;
  double* assets_rp;
  double* investment_total_rp;
};

/// Payments of a batch, for the later passes of phase B.
struct PayOut {
  double draw[kDrawBatch], operating_paid[kDrawBatch], debt_paid[kDrawBatch], unpaid_debt[kDrawBatch],
      catch_up[kDrawBatch], investment[kDrawBatch], prepaid[kDrawBatch];
  double main_problem[kDrawBatch];  ///< main_channel (-1: none)
};

/// Pass 2 of phase B for firms first .. first+len-1: each open firm (open[j]
/// is 1.0) pays out of its cash plus new credit (pay_month), then buys the
/// assets it planned from what is left above its buffer; its cash,
/// payables, receivables, what it owes its owner, its revenue level and
/// potential, expectation, assets and revenue totals are updated, and its
/// main problem is classified with the credit refused because of the capital
/// shock (denied[j]) added to the capital channel (a firm whose costliest
/// channel costs less than `affected_min` of its expected revenue is not
/// affected). Closed firms keep their state.
void firm_month_pay(const MoneyState& st, std::uint32_t first, std::size_t len, const double* open,
                    const double* credit, const double* denied, double affected_min, const PhaseAOut& pre,
                    PayOut& out);

/// The debt state firm_month_debt changes.
struct DebtState {
  double* loan_principal_rp;
  double* loan_installment_rp;
  double* informal_principal_rp;
  double* informal_installment_rp;
  double* debt_arrears_rp;
  std::uint16_t* loan_months_left;
  std::uint16_t* informal_months_left;
  std::int8_t* loan_deferral;
};

/// Pass 3 of phase B: applies the month's debt payments (out.debt_paid,
/// catch_up, unpaid_debt) of each open firm, the formal loan first. Unpaid
/// service is capitalised (arrears) and the term does not advance; paying
/// arrears repays the capitalised amounts; a loan below half a rupiah is
/// repaid. A loan's term advances by a month when its service was paid in
/// full and ends when it is repaid; while its service is deferred
/// (loan_deferral) the term waits and the deferral counts down.
void firm_month_debt(const DebtState& st, std::uint32_t first, std::size_t len, const double* open,
                     const PhaseAOut& pre, PayOut& out);

/// The debt pass compiled for `isa` ("avx512", "avx2" or "default"; the
/// x86 ones only where MSMESIM_X86_DISPATCH) — kernel_debt.cpp, for
/// kernel.cpp's dispatch.
using DebtKernel = void (*)(const DebtState&, std::uint32_t, std::size_t, const double*, const PhaseAOut&, PayOut&);
DebtKernel debt_kernel(const std::string& isa);

/// The instruction sets whose version of the kernels this processor runs,
/// best first ("avx512", "avx2", "default"); the best is used.
std::vector<std::string> kernel_isas();
/// Uses the kernels of `isa` (one of kernel_isas(); empty: the best) from
/// now on, so that tests can compare the versions. InvalidArgument names an
/// instruction set this processor does not run.
void use_kernel_isa(const std::string& isa);

}  // namespace msmesim::detail
