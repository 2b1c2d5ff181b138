// Phase A of the monthly firm step: everything about a firm's month that is
// plain arithmetic on its own state — shock factors, demand, revenue, costs,
// receivables, debt due, the owner's draw target, the credit shortfall and
// the cost of each shock channel — for a batch of firms, without branches,
// so the compiler vectorises it across firms. Phase B (engine.cpp) then does
// the branching part (credit, payments, distress, labour, closure) firm by
// firm. Compiled for several instruction sets; results are bit-identical.
#pragma once

#include <cstddef>
#include <cstdint>

#include "detail/draws.hpp"

namespace msmesim::detail {

/// Read-only views of the state arrays phase A needs.
struct PhaseAInputs {
  const std::uint8_t* sector;
  const float* online_share;
  const float* variable_cost_share;
  const double* base_revenue_rp;
  const std::uint16_t* base_workers;
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
  const ShockTerm* shocks[4]; ///< per channel (sales, capital, distribution, raw materials)
  int shock_count[4];
  double capacity_factor;     ///< 1 + capacity_slack
  double raw_material_output_cap, raw_material_price_pass;
  double shipping_cost_share, distribution_cost_uplift;
  double receivable_delay_max;
  double informal_rate_month;
  double owner_draw_share, subsistence_share;
  double cash_buffer_months;
  double expectation_weight;
};

/// Phase A results for one batch (index j = firm first + j).
struct PhaseAOut {
  double sales_keep[kDrawBatch], cap_keep[kDrawBatch], dist_keep[kDrawBatch], raw_keep[kDrawBatch];
  double cap_sev[kDrawBatch];
  double productivity[kDrawBatch];
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
  double shortfall[kDrawBatch];
  double cost_sales[kDrawBatch], cost_capital[kDrawBatch], cost_distribution[kDrawBatch], cost_raw[kDrawBatch];
  double expected_next[kDrawBatch];
  double need_workers[kDrawBatch];  ///< expected revenue / productivity, before rounding up
  double level_next[kDrawBatch];
};

void firm_month_phase_a(const PhaseAInputs& in, const PhaseAMonth& month, std::uint32_t first, std::size_t len,
                        PhaseAOut& out);

}  // namespace msmesim::detail
