// The vectorised kernels of the monthly firm step (see detail/kernel.hpp):
// phase A and the payment and debt passes of phase B. The formulas are those
// of docs/model.md §5-§8.
#include "detail/kernel.hpp"

#include <cstdint>

namespace msmesim::detail {

__attribute__((target_clones("default", "avx2", "avx512f")))
void firm_month_phase_a(const PhaseAInputs& in, const PhaseAMonth& mo, std::uint32_t first, std::size_t len,
                        PhaseAOut& out) {
  alignas(64) double noise[kDrawBatch], walk[kDrawBatch];
  firm_month_draws(mo.draws, first, len, noise, walk);

  // Shock factors: keep = prod over a channel's shocks of (1 - severity x intensity),
  // with the sector spill-overs on demand and raw materials.
  // The keep factors live in `out` (sales_keep, cap_keep, dist_keep, raw_keep).
  double* const keep_sales = out.sales_keep;
  double* const keep_cap = out.cap_keep;
  double* const keep_dist = out.dist_keep;
  double* const keep_raw = out.raw_keep;
MSMESIM_IVDEP
  for (std::size_t j = 0; j < len; ++j) {
    const std::size_t s = in.sector[first + j];
    keep_sales[j] = mo.demand_keep[s];
    keep_cap[j] = 1.0;
    keep_dist[j] = 1.0;
    keep_raw[j] = 1.0 - mo.raw_spill[s];
  }
  auto apply = [&](int ch, double* __restrict keep) {
    for (int k = 0; k < mo.shock_count[ch]; ++k) {
      const float* __restrict sev = mo.shocks[ch][k].severity + first;
      const double intensity = mo.shocks[ch][k].intensity;
MSMESIM_IVDEP
      for (std::size_t j = 0; j < len; ++j) keep[j] *= 1.0 - static_cast<double>(sev[j]) * intensity;
    }
  };
  apply(0, keep_sales);
  apply(1, keep_cap);
  apply(2, keep_dist);
  apply(3, keep_raw);

  // Month constants and array pointers in locals: the stores to `out` below
  // are doubles and could otherwise alias `mo`, preventing vectorisation.
  const double we = mo.expectation_weight;
  const double capacity_factor = mo.capacity_factor, raw_output_cap = mo.raw_material_output_cap,
               raw_price_pass = mo.raw_material_price_pass, shipping_share = mo.shipping_cost_share,
               dist_uplift = mo.distribution_cost_uplift, delay_max = mo.receivable_delay_max,
               informal_rate_month = mo.informal_rate_month, owner_draw_share = mo.owner_draw_share,
               subsistence_share = mo.subsistence_share, buffer_months = mo.cash_buffer_months,
               reversion = mo.reversion, potential_growth = mo.potential_growth,
               depreciation = mo.depreciation_month, trigger_keep = 1.0 - mo.investment_trigger,
               target_scale = mo.target_scale, viability = mo.viability_share;
  const double* const season = mo.season;
  const std::uint8_t* const sector = in.sector;
  const float* const online_share = in.online_share;
  const float* const variable_cost_share = in.variable_cost_share;
  const double* const productivity_rp = in.productivity_rp;
  const double* const base_profit_rp = in.base_profit_rp;
  const std::uint16_t* const workers_of = in.workers;
  const double* const level_rp = in.level_rp;
  const double* const expected_rp = in.expected_rp;
  const double* const wage_rp = in.wage_rp;
  const double* const fixed_cost_rp = in.fixed_cost_rp;
  const double* const payables_rp = in.payables_rp;
  const double* const receivables_rp = in.receivables_rp;
  const double* const cash_rp = in.cash_rp;
  const double* const owner_owed_rp = in.owner_owed_rp;
  const double* const loan_principal_rp = in.loan_principal_rp;
  const float* const loan_rate_year = in.loan_rate_year;
  const double* const loan_installment_rp = in.loan_installment_rp;
  const std::uint16_t* const loan_months_left = in.loan_months_left;
  const double* const informal_principal_rp = in.informal_principal_rp;
  const double* const debt_arrears_rp = in.debt_arrears_rp;
  const double* const informal_installment_rp = in.informal_installment_rp;
  const std::uint16_t* const informal_months_left = in.informal_months_left;
  const double* const potential_rp = in.potential_rp;
  const float* const demand_factor = in.demand_factor;
  const double* const assets_rp = in.assets_rp;
  const float* const capital_intensity = in.capital_intensity;
  const double* const cash_target_rp = in.cash_target_rp;
  const std::int8_t* const loan_deferral = in.loan_deferral;
  const std::uint8_t* const months_unable = in.months_unable;
  // Every firm's outputs depend only on its own inputs (no aliasing between
  // the state arrays and `out`), which the compiler cannot prove by itself.
  // Loop 1: demand, revenue, costs, receivables and debt service due.
MSMESIM_IVDEP
  for (std::size_t j = 0; j < len; ++j) {
    const std::size_t i = first + j;
    const double sales_keep = keep_sales[j], dist_keep = keep_dist[j];
    const double dist_block = 1.0 - dist_keep;
    const double cap_sev = 1.0 - keep_cap[j];
    const double raw_sev = 1.0 - keep_raw[j];

    // Revenue: demand (with the temporary programme factor), distribution
    // blockage, and the capacity of the workforce and of the assets.
    const double productivity = productivity_rp[i];
    const double demand_free = level_rp[i] * season[sector[i]] * noise[j] * static_cast<double>(demand_factor[i]);
    const double demand = demand_free * sales_keep;
    const double online = static_cast<double>(online_share[i]);
    const double reachable = demand * (online + (1.0 - online) * dist_keep);
    const double staff = static_cast<double>(workers_of[i]);
    const double kappa = static_cast<double>(capital_intensity[i]);
    const double staff_capacity = staff * productivity * capacity_factor;
    // Assets carry capacity_factor x assets / capital intensity of output;
    // a firm without assets on record is limited by its workforce alone.
    const double capital_capacity = kappa > 0.0 ? assets_rp[i] / kappa * capacity_factor : staff_capacity;
    const double capacity_free = min2(staff_capacity, capital_capacity);
    const double capacity = capacity_free * (1.0 - raw_output_cap * raw_sev);
    const double revenue = min2(reachable, capacity);

    // Costs incurred.
    const double v = static_cast<double>(variable_cost_share[i]);
    const double variable = v * revenue * (1.0 + raw_price_pass * raw_sev);
    const double shipping = online * revenue * shipping_share * (1.0 + dist_uplift * dist_block);
    const double wage = wage_rp[i];
    const double wages = (staff - 1.0) * wage;
    const double fixed = fixed_cost_rp[i];
    const double operating_cost = variable + shipping + wages + fixed;
    const double operating_due = operating_cost + payables_rp[i];

    // Receivables delayed by the capital shock.
    const double delay = delay_max * cap_sev;
    // The delayed amount is a share of the firm's expected (smoothed) revenue,
    // so that month-to-month noise is passed through rather than smoothed.
    const double delayed = min2(revenue, delay * expected_rp[i]);
    const double received = revenue - delayed + receivables_rp[i];

    // Debt service due (all zero without a loan); a deferred loan owes its
    // interest only (deferral > 0) or nothing (< 0).
    const double lp = loan_principal_rp[i];
    const double loan_interest = lp * (static_cast<double>(loan_rate_year[i]) * (1.0 / 12.0));
    const double scheduled = loan_months_left[i] <= 1 ? lp + loan_interest
                                                       : min2(loan_installment_rp[i], lp + loan_interest);
    const int deferral = loan_deferral[i];
    const double loan_due = deferral > 0 ? loan_interest : (deferral < 0 ? 0.0 : scheduled);
    const double ip = informal_principal_rp[i];
    const double informal_interest = ip * informal_rate_month;
    const double informal_due = informal_months_left[i] <= 1
                                    ? ip + informal_interest
                                    : min2(informal_installment_rp[i], ip + informal_interest);
    const double depreciation_rp = assets_rp[i] * depreciation;

    out.cap_sev[j] = cap_sev;
    out.demand_free[j] = demand_free;
    out.reachable[j] = reachable;
    out.capacity_free[j] = capacity_free;
    out.revenue[j] = revenue;
    out.operating_cost[j] = operating_cost;
    out.operating_due[j] = operating_due;
    out.received[j] = received;
    out.receivables_after[j] = delayed;
    out.loan_interest[j] = loan_interest;
    out.loan_due[j] = loan_due;
    out.informal_interest[j] = informal_interest;
    out.informal_due[j] = informal_due;
    // Profit after the wear of the assets (kept in the firm to replace them).
    out.profit[j] = revenue - operating_cost - loan_interest - informal_interest - depreciation_rp;
    out.assets_next[j] = assets_rp[i] - depreciation_rp;
  }
  // Loop 2: the channel costs, next month's expectations, revenue level and
  // potential, the assets the firm plans to buy, and whether the business
  // still supports the household. (One loop for everything needs more
  // vector registers than there are.)
MSMESIM_IVDEP
  for (std::size_t j = 0; j < len; ++j) {
    const std::size_t i = first + j;
    const double sales_keep = keep_sales[j], dist_keep = keep_dist[j];
    const double dist_block = 1.0 - dist_keep;
    const double raw_sev = 1.0 - keep_raw[j];
    const double demand_free = out.demand_free[j], reachable = out.reachable[j];
    const double demand = demand_free * sales_keep;
    const double online = static_cast<double>(online_share[i]);
    const double v = static_cast<double>(variable_cost_share[i]);
    const double revenue = out.revenue[j], capacity_free = out.capacity_free[j], delayed = out.receivables_after[j];
    const double productivity = productivity_rp[i];
    // Cost of each channel this month (credit refused because of the shock
    // is added to the capital cost in phase B).
    out.cost_sales[j] = demand_free * (1.0 - sales_keep);
    out.cost_capital[j] = delayed;
    out.cost_distribution[j] = demand * (1.0 - online) * dist_block +
                               online * revenue * shipping_share * dist_uplift * dist_block;
    out.cost_raw[j] = v * revenue * raw_price_pass * raw_sev +
                      max2(0.0, min2(reachable, capacity_free) - revenue);
    // The firm knows a temporary programme is temporary: its expectation,
    // which sets its workforce and its assets, leaves that factor out.
    const double expected_next =
        (1.0 - we) * expected_rp[i] + we * (reachable / static_cast<double>(demand_factor[i]));
    out.expected_next[j] = expected_next;
    out.need_workers[j] = expected_next / productivity - 1e-9;  // ceiled in phase B
    // The level returns towards the potential; the innovation is the walk.
    const double potential = potential_rp[i];
    out.level_next[j] = ((1.0 - reversion) * level_rp[i] + reversion * potential) * walk[j];
    out.potential_next[j] = potential * potential_growth;
    // Assets: a firm not in distress whose assets have worn more than the
    // trigger below its target buys back to the target.
    // The assets the firm's potential needs (no more than expected demand
    // warrants: in a slump it postpones). Between purchases the firm keeps
    // the wear of its assets in cash (a reserve for the next purchase), so
    // that it seldom needs credit for it.
    const double target =
        static_cast<double>(capital_intensity[i]) * min2(potential_rp[i], expected_next) * target_scale;
    const double assets = out.assets_next[j];
    const double reserve = max2(0.0, target - assets);
    // (Compared as doubles, so that the loop vectorises.)
    const double calm = static_cast<double>(months_unable[i]) == 0.0 ? 1.0 : 0.0;
    const double worn = assets <= trigger_keep * target ? 1.0 : 0.0;
    out.invest_want[j] = calm * worn * reserve;
    out.reserve[j] = reserve;
  }
  // Loop 2b: whether the business still supports the household (a loop of
  // its own, so that both vectorise).
MSMESIM_IVDEP
  for (std::size_t j = 0; j < len; ++j) {
    const std::size_t i = first + j;
    const double expected_next = out.expected_next[j];
    const double online = static_cast<double>(online_share[i]);
    const double v = static_cast<double>(variable_cost_share[i]);
    // The household's income from the business at expected revenue, with
    // no more workers than that revenue needs (an owner sheds surplus
    // workers before giving up).
    // (ceil through a 32-bit conversion, which vectorises; workers fit.)
    const double need_raw = min2(out.need_workers[j], 65535.0);
    const double need_floor = static_cast<double>(static_cast<std::int32_t>(need_raw));
    const double needed = max2(1.0, need_floor + (need_floor < need_raw ? 1.0 : 0.0));
    const double staff = min2(static_cast<double>(workers_of[i]), needed);
    const double income = expected_next * (1.0 - v - online * shipping_share) - (staff - 1.0) * wage_rp[i] -
                          fixed_cost_rp[i] - out.loan_interest[j] - out.informal_interest[j];
    out.low_income[j] = income < viability * max2(base_profit_rp[i], 0.0) ? 1.0 : 0.0;
  }
  // Loop 3: the owner's claim and the credit needed. The owner is paid
  // first (household and business money are one purse): subsistence, what
  // could not be drawn in earlier months, a share of profit when the firm's
  // position after its obligations, receivables counted, exceeds the
  // working-capital buffer — counting receivables makes the claim the same
  // whether customers pay now or late, so late payment squeezes suppliers
  // and lenders rather than the owner — and the cash beyond what the firm
  // keeps (its cash target, or its buffer and planned investment if more).
MSMESIM_IVDEP
  for (std::size_t j = 0; j < len; ++j) {
    const std::size_t i = first + j;
    const double wages = (static_cast<double>(workers_of[i]) - 1.0) * wage_rp[i];
    const double debt_due = out.loan_due[j] + out.informal_due[j];
    const double available = cash_rp[i] + out.received[j];
    const double buffer = buffer_months * (wages + fixed_cost_rp[i] + debt_due);
    const double obligations = out.operating_due[j] + debt_due + debt_arrears_rp[i];
    const double owed = owner_owed_rp[i];
    const double subsistence = subsistence_share * max2(base_profit_rp[i], 0.0);
    const double profit_draw = owner_draw_share * max2(out.profit[j], 0.0);
    const double position = available + out.receivables_after[j] - obligations - owed;
    const double claim = max2(subsistence, min2(profit_draw, max2(0.0, position - buffer)));
    // The firm keeps its working capital (its cash target, at least the
    // buffer) and pays for planned assets from what is above it.
    const double want = out.invest_want[j];
    const double floor_cash = max2(cash_target_rp[i], buffer);
    const double keep = floor_cash + out.reserve[j];
    const double excess = max2(0.0, available - obligations - owed - claim - keep);
    // Cash beyond what the firm keeps first repays informal debt early (the
    // dearest credit), then goes to the household.
    const double informal_left = max2(0.0, informal_principal_rp[i] + out.informal_interest[j] - out.informal_due[j]);
    const double prepay = min2(excess, informal_left);
    out.prepay[j] = prepay;
    const double owner_due = owed + claim + excess - prepay;
    out.owner_due[j] = owner_due;
    out.available[j] = available;
    out.buffer[j] = buffer;
    out.cash_floor[j] = floor_cash;
    // Arrears from earlier months are owed too: a delinquent firm seeks
    // credit to clear them.
    const double shortfall = owner_due + obligations + buffer - available;
    out.shortfall[j] = shortfall;
    out.invest_gap[j] = max2(0.0, want - max2(0.0, buffer - shortfall - floor_cash));
  }
}

__attribute__((target_clones("default", "avx2", "avx512f")))
void firm_month_pay(const MoneyState& st, std::uint32_t first, std::size_t len, const double* open_d,
                    const double* credit, const double* denied, double affected_min, const PhaseAOut& pre,
                    PayOut& out) {
  double* const cash_rp = st.cash_rp;
  double* const payables_rp = st.payables_rp;
  double* const receivables_rp = st.receivables_rp;
  double* const owner_owed_rp = st.owner_owed_rp;
  const double* const debt_arrears_rp = st.debt_arrears_rp;
  double* const level_rp = st.level_rp;
  double* const expected_rp = st.expected_rp;
  double* const revenue_window_rp = st.revenue_window_rp;
  double* const revenue_total_rp = st.revenue_total_rp;
  double* const potential_rp = st.potential_rp;
  double* const assets_rp = st.assets_rp;
  double* const investment_total_rp = st.investment_total_rp;
  // Every value is loaded unconditionally and then selected, so that the
  // loop has no control flow and vectorises (blends need AVX).
MSMESIM_IVDEP
  for (std::size_t j = 0; j < len; ++j) {
    const std::size_t i = first + j;
    const bool open = open_d[j] != 0.0;
    const Payments paid = pay_month(pre.available[j] + credit[j], pre.owner_due[j], pre.operating_due[j],
                                    pre.loan_due[j] + pre.informal_due[j], debt_arrears_rp[i]);
    // An unmet claim stays owed to the household (a cash squeeze does not
    // make the owner's family need less).
    const double owed = paid.owed < 0.5 ? 0.0 : paid.owed;
    // The planned assets are bought from what is left above the firm's
    // working capital (credit for them included).
    const double investment = min2(pre.invest_want[j], max2(0.0, paid.cash_after - pre.cash_floor[j]));
    const double prepaid = min2(pre.prepay[j], max2(0.0, paid.cash_after - investment - pre.cash_floor[j]));
    const double owed_before = owner_owed_rp[i], cash_before = cash_rp[i], payables_before = payables_rp[i],
                 receivables_before = receivables_rp[i], receivables_after = pre.receivables_after[j];
    owner_owed_rp[i] = open ? owed : owed_before;
    cash_rp[i] = open ? paid.cash_after - investment - prepaid : cash_before;
    payables_rp[i] = open ? paid.unpaid_operating : payables_before;
    receivables_rp[i] = open ? receivables_after : receivables_before;
    const double assets_before = assets_rp[i], invested_before = investment_total_rp[i];
    assets_rp[i] = open ? pre.assets_next[j] + investment : assets_before;
    investment_total_rp[i] = open ? invested_before + investment : invested_before;
    out.draw[j] = paid.draw;
    out.operating_paid[j] = paid.operating_paid;
    out.debt_paid[j] = paid.debt_paid;
    out.unpaid_debt[j] = paid.unpaid_debt;
    out.catch_up[j] = paid.catch_up;
    out.investment[j] = open ? investment : 0.0;
    out.prepaid[j] = open ? prepaid : 0.0;
    // The revenue level returns towards the potential (phase A); expected
    // revenue is smoothed.
    const double level_before = level_rp[i], level_next = pre.level_next[j];
    const double expected_before = expected_rp[i], expected_next = pre.expected_next[j];
    const double potential_before = potential_rp[i], potential_next = pre.potential_next[j];
    const double month_revenue = pre.revenue[j];
    level_rp[i] = open ? level_next : level_before;
    expected_rp[i] = open ? expected_next : expected_before;
    potential_rp[i] = open ? potential_next : potential_before;
    const double revenue = open ? month_revenue : 0.0;
    revenue_window_rp[i] += revenue;
    revenue_total_rp[i] += revenue;
    const double cost_capital = pre.cost_capital[j] + denied[j];
    const double worst = max2(max2(pre.cost_sales[j], cost_capital), max2(pre.cost_distribution[j], pre.cost_raw[j]));
    const bool material = worst >= affected_min * expected_before;
    out.main_problem[j] =
        material ? main_channel(pre.cost_sales[j], cost_capital, pre.cost_distribution[j], pre.cost_raw[j]) : -1.0;
  }
}

__attribute__((target_clones("default", "avx2", "avx512f")))
void firm_month_debt(const DebtState& st, std::uint32_t first, std::size_t len, const double* open_d,
                     const PhaseAOut& pre, PayOut& out) {
  alignas(64) double formal_term_of[kDrawBatch], informal_term_of[kDrawBatch];
  double* const loan_principal_rp = st.loan_principal_rp;
  double* const loan_installment_rp = st.loan_installment_rp;
  double* const informal_principal_rp = st.informal_principal_rp;
  double* const informal_installment_rp = st.informal_installment_rp;
  double* const debt_arrears_rp = st.debt_arrears_rp;
  // Branch-free (whether a firm holds a loan is a coin toss from one firm
  // to the next): every value is computed and the results selected.
MSMESIM_IVDEP
  for (std::size_t j = 0; j < len; ++j) {
    const std::size_t i = first + j;
    const bool open = open_d[j] != 0.0;
    const double loan_due = pre.loan_due[j], informal_due = pre.informal_due[j];
    const double debt_paid = out.debt_paid[j], catch_up = out.catch_up[j], unpaid_debt = out.unpaid_debt[j];
    const double lp0 = loan_principal_rp[i], ip0 = informal_principal_rp[i], arrears_before = debt_arrears_rp[i];
    const double loan_installment = loan_installment_rp[i], informal_installment = informal_installment_rp[i];
    // The formal loan's service, then the informal loan's.
    // A deferred loan may owe nothing this month; it is still outstanding.
    const bool has_formal = lp0 > 0.0;
    const double pay_formal = min2(debt_paid, loan_due);
    const double pay_left = has_formal ? debt_paid - pay_formal : debt_paid;
    double lp = has_formal ? lp0 + (pre.loan_interest[j] - pay_formal) : lp0;
    const double formal_served = has_formal ? (pay_formal >= loan_due ? 1.0 : 0.0) : 0.0;
    lp = has_formal ? (lp < 0.5 ? 0.0 : lp) : lp;
    const bool has_informal = informal_due > 0.0;
    const double pay_informal = min2(pay_left, informal_due);
    double ip = has_informal ? ip0 + (pre.informal_interest[j] - pay_informal) : ip0;
    const double informal_served = has_informal ? (pay_informal >= informal_due ? 1.0 : 0.0) : 0.0;
    ip = has_informal ? (ip < 0.5 ? 0.0 : ip) : ip;
    ip = max2(0.0, ip - out.prepaid[j]);
    // Arrears: what is caught up repays the formal loan first.
    const double to_formal = min2(catch_up, lp);
    lp -= to_formal;
    ip = max2(0.0, ip - (catch_up - to_formal));
    const double arrears = min2(arrears_before - catch_up + unpaid_debt, lp + ip);
    const bool formal_repaid = lp < 0.5, informal_repaid = ip < 0.5;
    lp = formal_repaid ? 0.0 : lp;
    ip = informal_repaid ? 0.0 : ip;
    debt_arrears_rp[i] = open ? (arrears < 0.5 ? 0.0 : arrears) : arrears_before;
    loan_principal_rp[i] = open ? lp : lp0;
    informal_principal_rp[i] = open ? ip : ip0;
    loan_installment_rp[i] = open ? (formal_repaid ? 0.0 : loan_installment) : loan_installment;
    informal_installment_rp[i] = open ? (informal_repaid ? 0.0 : informal_installment) : informal_installment;
    // What to do with each loan's term (a 16-bit count, updated below): 0
    // nothing, 1 one month served, 2 repaid.
    const double formal_term = formal_repaid ? 2.0 : formal_served;
    const double informal_term = informal_repaid ? 2.0 : informal_served;
    formal_term_of[j] = open ? formal_term : 0.0;
    informal_term_of[j] = open ? informal_term : 0.0;
  }
  // The terms, in a loop of their own (16-bit counts): 0 keeps a term, 1
  // serves a month of it, 2 ends it.
  // A deferred loan's term waits while its deferral counts down; a loan
  // repaid ends its deferral.
  std::uint16_t* const loan_months_left = st.loan_months_left;
  std::uint16_t* const informal_months_left = st.informal_months_left;
  std::int8_t* const loan_deferral = st.loan_deferral;
MSMESIM_IVDEP
  for (std::size_t j = 0; j < len; ++j) {
    const std::size_t i = first + j;
    const int formal = static_cast<int>(formal_term_of[j]), informal = static_cast<int>(informal_term_of[j]);
    const int m_formal = loan_months_left[i], m_informal = informal_months_left[i];
    const int deferral = loan_deferral[i];
    const int serve = (formal == 1) & (m_formal > 0) & (deferral == 0);
    const int formal_left = formal == 2 ? 0 : m_formal - serve;
    const int informal_left = informal == 2 ? 0 : m_informal - ((informal == 1) & (m_informal > 0));
    const int ticked = deferral - (deferral > 0 ? 1 : 0) + (deferral < 0 ? 1 : 0);
    const int stepped = open_d[j] != 0.0 ? ticked : deferral;
    loan_months_left[i] = static_cast<std::uint16_t>(formal_left);
    informal_months_left[i] = static_cast<std::uint16_t>(informal_left);
    loan_deferral[i] = static_cast<std::int8_t>(formal == 2 ? 0 : stepped);
  }
}

}  // namespace msmesim::detail
