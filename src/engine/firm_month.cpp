// The firm's month around the kernels (detail/kernel.hpp): credit sought,
// payments, debt service, the cooperative's dealings, distress, labour,
// closure by every route and the yearly class review, with the month's
// counts (docs/model.md §5).
#include "engine/impl.hpp"

#include <bit>

#include "core/portable.hpp"

namespace msmesim {

// Phase B of the monthly step for the firms [b, e): phase A
// (kernel.cpp) computes the arithmetic of a batch of firms without
// branches; here each firm seeks credit, pays, lays off or hires, may close
// and is counted. Each firm reads only its own state and month-level
// constants and writes only its own state and the thread's accumulators.
// Array pointers and parameters are held in locals: stores to byte arrays
// may alias anything and would otherwise force reloads through `this`.
void Simulation::Impl::step_chunk(std::size_t b, std::size_t e, const MonthContext& ctx, std::int64_t* a) {
  const int t_now = ctx.t;
  const FirmParams K = P;
  const std::size_t base_sector = group_base_sector(), base_class = group_base_class(),
                    base_region = group_base_region();
  const bool cells = use_cells;
  const std::uint32_t* const cell_of = cell.data();
  const bool record = opt.record_flows;
  const bool review = ctx.review;
  const detail::PhaseAInputs in = phase_a_inputs();
  const detail::PhaseAMonth& mo = ctx.phase_a;
  auto* const cash_rp = st.cash_rp.data();
  auto* const ever_kur = st.ever_kur.data();
  auto* const expected_rp = st.expected_rp.data();
  auto* const first_distress_month = st.first_distress_month.data();
  auto* const informal_installment_rp = st.informal_installment_rp.data();
  auto* const informal_months_left = st.informal_months_left.data();
  auto* const informal_principal_rp = st.informal_principal_rp.data();
  auto* const debt_arrears_rp = st.debt_arrears_rp.data();
  auto* const initial_class = st.initial_class.data();
  auto* const last_main_problem = st.last_main_problem.data();
  auto* const level_rp = st.level_rp.data();
  auto* const loan_installment_rp = st.loan_installment_rp.data();
  auto* const loan_lender = st.loan_lender.data();
  auto* const loan_months_left = st.loan_months_left.data();
  auto* const loan_principal_rp = st.loan_principal_rp.data();
  auto* const loan_rate_year = st.loan_rate_year.data();
  auto* const main_problem = st.main_problem.data();
  auto* const months_distressed = st.months_distressed.data();
  auto* const months_overstaffed = st.months_overstaffed.data();
  auto* const months_unable = st.months_unable.data();
  auto* const payables_rp = st.payables_rp.data();
  auto* const owner_owed_rp = st.owner_owed_rp.data();
  auto* const receivables_rp = st.receivables_rp.data();
  auto* const region = st.region.data();
  auto* const revenue_total_rp = st.revenue_total_rp.data();
  auto* const revenue_window_rp = st.revenue_window_rp.data();
  auto* const sector = st.sector.data();
  auto* const size_class = st.size_class.data();
  auto* const status = st.status.data();
  auto* const variable_cost_share = st.variable_cost_share.data();
  auto* const base_revenue_rp = st.base_revenue_rp.data();
  auto* const fixed_cost_rp = st.fixed_cost_rp.data();
  auto* const workers_of = st.workers.data();
  auto* const wage_rp = st.wage_rp.data();
  auto* const months_low_income = st.months_low_income.data();
  const double unviable_hazard = 1.0 / K.unviable_patience_months;
  const int unviable_grace = static_cast<int>(K.unviable_grace_months);
  const std::int16_t* const owner_exit_month = st.owner_exit_month.data();
  auto* const ever_illiquid = st.ever_illiquid.data();
  const double* const assets_rp = st.assets_rp.data();
  auto* const loan_term_months = st.loan_term_months.data();
  auto* const loan_deferral = st.loan_deferral.data();
  const std::uint8_t* const loan_restructured = st.loan_restructured.data();
  const std::int32_t* const coop_of = st.cooperative.data();
  std::int64_t* const coop_sums = a + coop_base();
  double* const coop_txn = coop_txn_rp.data();
  const std::uint8_t* const joint_of = joint.data();
  const double joint_share = K.joint_buying_share;
  const bool has_members = n_coops > 0;
  // Monthly counts of this chunk, kept in locals and added once at the end.
  std::int64_t count_active = 0, count_distressed = 0, count_employment = 0, count_closed = 0, count_affected = 0,
               sum_revenue_rp = 0;
  std::int64_t count_class[kSizeClasses] = {0, 0, 0, 0};
  std::int64_t count_problem[kChannels] = {};
  double sum_operating = 0, sum_draw = 0, sum_debt_paid = 0, sum_arrears = 0, sum_payables = 0,
         sum_cash = 0, sum_receivables = 0, sum_investment = 0, sum_assets = 0;
  double sum_credit[kLenders] = {0, 0, 0, 0};
  // The credit book: loans outstanding, in arrears, restructured.
  std::int64_t count_loans[kLenders] = {0, 0, 0, 0}, count_in_arrears[kLenders] = {0, 0, 0, 0},
               count_restructured[kLenders] = {0, 0, 0, 0}, count_illiquid = 0;
  double sum_arrears_by[kLenders] = {0, 0, 0, 0}, sum_restructured[kLenders] = {0, 0, 0, 0};
  detail::PhaseAOut pre;
  // Per-batch results passed between the passes of phase B.
  NewLoans new_loans[kBatch];
  detail::PayOut paid;
  const detail::MoneyState money{cash_rp,     payables_rp,      receivables_rp,         owner_owed_rp,
                                 debt_arrears_rp, level_rp,    expected_rp,      revenue_window_rp,
                                 revenue_total_rp, st.potential_rp.data(), st.assets_rp.data(),
                                 st.investment_total_rp.data()};
  const detail::DebtState debt{loan_principal_rp, loan_installment_rp, informal_principal_rp, informal_installment_rp,
                               debt_arrears_rp,   loan_months_left,    informal_months_left,  loan_deferral};
  for (std::size_t b0 = b; b0 < e; b0 += kBatch) {
    const std::size_t len = std::min(kBatch, e - b0);
    detail::firm_month_phase_a(in, mo, static_cast<std::uint32_t>(b0), len, pre);
    // Phase B runs in four passes over the batch, each with few live
    // arrays: (1) closed firms and credit, sparse; (2) payments and the
    // money state, branch-free so that it vectorises; (3) debt service;
    // (4) distress, labour, closure and the month's counts.
    alignas(64) double open_d[kBatch], credit[kBatch], denied[kBatch], coop_principal[kBatch];
    // The batch's open and closed firms, those that seek credit, and the
    // cooperatives' members (open ones, and all), in firm order: the later
    // loops run over these lists rather than branch on each firm, whether
    // it is open or seeks credit being a coin toss from one to the next.
    std::uint16_t open_list[kBatch], closed_list[kBatch], seek_list[kBatch], member_list[kBatch],
        all_members[kBatch];
    std::size_t n_open = 0, n_closed = 0, n_seek = 0, n_members = 0, n_all_members = 0;
    std::uint16_t holder_list[kBatch];  // open firms with a loan at the month's end (pass 4)
    std::uint16_t credit_list[kBatch];  // firms that obtained credit this month
    std::size_t n_holders = 0, n_credit = 0;
    // Pass 1.
    for (std::size_t j = 0; j < len; ++j) {
      const std::size_t i = b0 + j;
      const bool open = status[i] != static_cast<std::uint8_t>(FirmStatus::closed);
      open_d[j] = static_cast<double>(open);  // (a conversion: a select would be a branch)
      credit[j] = 0.0;
      denied[j] = 0.0;
      // A member's loan from its cooperative before this month's service,
      // +0 for a loan from another lender — kept or cleared by its bits:
      // GCC turns both a select and a product with the test's 0 or 1 into
      // a branch, mispredicted whenever the lender changes from one firm
      // to the next.
      const std::uint64_t coop_bits =
          0u - static_cast<std::uint64_t>(loan_lender[i] == static_cast<std::uint8_t>(Lender::cooperative));
      coop_principal[j] = std::bit_cast<double>(std::bit_cast<std::uint64_t>(loan_principal_rp[i]) & coop_bits);
      const auto jj = static_cast<std::uint16_t>(j);
      const bool member = coop_of[i] >= 0;
      open_list[n_open] = jj;
      n_open += open;
      closed_list[n_closed] = jj;
      n_closed += !open;
      // Credit is sought by an open firm short of cash or of money for its
      // investment, if it can still borrow: a firm holding a formal and an
      // informal loan has no lender to turn to (seek_credit would find none).
      const bool can_borrow = (loan_principal_rp[i] <= 0.0) | (informal_principal_rp[i] <= 0.0);
      seek_list[n_seek] = jj;
      n_seek += open & can_borrow & ((pre.shortfall[j] > 0.0) | (pre.invest_gap[j] > 0.0));
      member_list[n_members] = jj;
      n_members += open & member;
      all_members[n_all_members] = jj;
      n_all_members += member;
      if (record) {
        flows.stepped[i] = 0;
        flows.shu_received[i] = 0.0;
        flows.cash_before[i] = cash_rp[i];
        flows.payables_before[i] = payables_rp[i];
        flows.debt_service_due[i] = pre.loan_due[j] + pre.informal_due[j] + debt_arrears_rp[i];
      }
    }
    // Re-entry (off by default): a closed firm may reopen once its
    // market has recovered; it restarts with one worker, no debt and a
    // month of outflows in cash. It counts as open from next month.
    for (std::size_t q = 0; q < n_closed && K.reentry_monthly_prob > 0.0; ++q) {
      const std::size_t j = closed_list[q];
      const std::size_t i = b0 + j;
      if (!(pre.sales_keep[j] >= K.reentry_min_demand)) continue;
      const auto w = detail::philox_words(opt.seed, opt.replication, static_cast<std::uint32_t>(i),
                                          static_cast<std::uint32_t>(t_now),
                                          static_cast<std::uint32_t>(Purpose::firm_reentry));
      if (to_unit(w[0]) < K.reentry_monthly_prob) {
        // The business restarts with one worker and the tools of one
        // worker, at its market's level (its histories are its own).
        open_firm(i, t_now + 1,
                  {1, level_rp[i], level_rp[i], static_cast<double>(st.capital_intensity[i]) * productivity_rp[i],
                   variable_cost_share[i] * base_revenue_rp[i] + fixed_cost_rp[i], false});
        a[m_reopened] += 1;
      }
    }
    // Credit: sought when obligations plus a buffer exceed the cash at
    // hand. New loans are installed in pass 3, after this month's
    // payments, so that their service starts next month.
    for (std::size_t q = 0; q < n_seek; ++q) {
      const std::size_t j = seek_list[q];
      const std::size_t i = b0 + j;
      new_loans[j] = seek_credit(i, t_now, pre.shortfall[j], pre.invest_gap[j], pre.cap_sev[j], a, denied[j]);
      credit[j] = new_loans[j].total();
      credit_list[n_credit] = static_cast<std::uint16_t>(j);
      n_credit += credit[j] != 0.0;
      const NewLoans& loans = new_loans[j];
      if (loans.formal_subsidised || loans.formal_guaranteed) {
        // Approved (or not) after the month; the award keeps the firm's
        // state as it sought the loan, before this month's payments.
        const detail::LoanTaken taken{static_cast<std::uint32_t>(i), loans.formal_rp, cash_rp[i],
                                      detail::monthly_obligations(i, st),
                                      status[i] == static_cast<std::uint8_t>(FirmStatus::distressed)};
        if (loans.formal_subsidised) programmes.kur_taken(b / kChunk).push_back(taken);
        if (loans.formal_guaranteed) programmes.guarantee_taken(b / kChunk).push_back(taken);
      }
    }

    // Pass 2 (kernel.cpp): payments and the money state.
    detail::firm_month_pay(money, static_cast<std::uint32_t>(b0), len, open_d, credit, denied, K.affected_min_share,
                           pre, paid);

    // Pass 3 (kernel.cpp): debt service; then the loan terms and the new
    // loans, installed after this month's payments so that their service
    // starts next month.
    detail::firm_month_debt(debt, static_cast<std::uint32_t>(b0), len, open_d, pre, paid);
    for (std::size_t q = 0; q < n_credit; ++q) {
      const std::size_t j = credit_list[q];
      const std::size_t i = b0 + j;
      {
        const NewLoans& loans = new_loans[j];
        if (loans.formal_rp > 0.0) {
          loan_principal_rp[i] = loans.formal_rp;
          loan_rate_year[i] = static_cast<float>(loans.formal_rate_year);
          loan_months_left[i] = static_cast<std::uint16_t>(loans.formal_term);
          loan_term_months[i] = static_cast<std::uint16_t>(loans.formal_term);
          loan_deferral[i] = 0;
          st.loan_restructured[i] = 0;
          loan_lender[i] = static_cast<std::uint8_t>(loans.formal_lender);
          if (loans.formal_subsidised) {
            loan_installment_rp[i] = programmes.kur_offer(i)->annuity_stored.installment(loans.formal_rp);
          } else if (loans.formal_earmarked) {
            loan_installment_rp[i] = detail::Annuity(static_cast<double>(loan_rate_year[i]), loans.formal_term)
                                         .installment(loans.formal_rp);
          } else {
            loan_installment_rp[i] =
                annuity_stored[static_cast<std::size_t>(loans.formal_lender)].installment(loans.formal_rp);
          }
          if (loans.formal_lender == Lender::kur) ever_kur[i] = 1;
        }
        if (loans.informal_rp > 0.0) {
          informal_principal_rp[i] = loans.informal_rp;
          informal_months_left[i] = static_cast<std::uint16_t>(loans.informal_term);
          informal_installment_rp[i] =
              annuity[static_cast<std::size_t>(Lender::informal)].installment(loans.informal_rp);
        }
      }
    }

    // Pass 3c: dealings with the cooperative — its loan's service (unpaid
    // interest is added to the loan), overdue service, and the
    // transactions that earn a share of its SHU (loan interest and joint
    // purchases). Write-offs are booked by close_firm.
    if (has_members)
      for (std::size_t q = 0; q < n_members; ++q) {
        const std::size_t j = member_list[q];
        const std::size_t i = b0 + j;
        const std::int32_t member_of = coop_of[i];
        std::int64_t* cs = coop_sums + static_cast<std::size_t>(member_of) * detail::kCoopFields;
        double txn = 0.0;
        if (coop_principal[j] > 0.0) {
          // Interest accrues on a deferred loan too (it is added to the
          // principal when nothing is paid).
          const double interest = pre.loan_interest[j];
          // (No new formal loan was installed: the slot was taken.)
          const double after = loan_principal_rp[i];
          cs[detail::cf_repaid_rp] += rp(std::max(0.0, coop_principal[j] - after + interest));
          cs[detail::cf_interest_rp] += rp(interest);
          cs[detail::cf_firm_arrears_rp] += rp(std::min(debt_arrears_rp[i], after));
          txn += interest;
        }
        if (joint_of[i] & 1u) txn += joint_share * static_cast<double>(variable_cost_share[i]) * pre.revenue[j];
        const std::int64_t txn_rp = rp(txn);
        cs[detail::cf_transactions_rp] += txn_rp;
        coop_txn[i] += static_cast<double>(txn_rp);
      }

    // Pass 4: distress, labour, closure, class review and the counts.
    // Cell mode: one addition per metric into the firm's (region, sector,
    // class) cell; otherwise three, into the sector, class and region blocks.
    auto add_to_groups = [&](std::size_t i, int metric, std::int64_t v) MSMESIM_ALWAYS_INLINE {
      const auto k = static_cast<std::size_t>(metric);
      if (cells) {
        a[m_count + static_cast<std::size_t>(cell_of[i]) * g_count + k] += v;
      } else {
        a[base_sector + sector[i] * static_cast<std::size_t>(g_count) + k] += v;
        a[base_class + initial_class[i] * static_cast<std::size_t>(g_count) + k] += v;
        a[base_region + region[i] * static_cast<std::size_t>(g_count) + k] += v;
      }
    };
    // Closed firms are only counted.
    count_closed += static_cast<std::int64_t>(n_closed);
    for (std::size_t q = 0; q < n_closed; ++q) add_to_groups(b0 + closed_list[q], g_closed, 1);
    for (std::size_t q = 0; q < n_open; ++q) {
      const std::size_t j = open_list[q];
      const std::size_t i = b0 + j;
      auto group_add = [&](int metric, std::int64_t v) MSMESIM_ALWAYS_INLINE {
        add_to_groups(i, metric, v);
      };
      const double revenue = pre.revenue[j];
      const double operating_cost = pre.operating_cost[j];
      const double unpaid_operating = payables_rp[i];
      if (record) {
        flows.stepped[i] = 1;
        flows.cash_after[i] = cash_rp[i];
        flows.revenue[i] = revenue;
        flows.revenue_received[i] = pre.received[j];
        flows.operating_cost[i] = operating_cost;
        flows.operating_paid[i] = paid.operating_paid[j];
        flows.payables_after[i] = unpaid_operating;
        flows.debt_service_paid[i] = paid.debt_paid[j] + paid.catch_up[j];
        flows.debt_prepaid[i] = paid.prepaid[j];
        flows.closure_payout[i] = 0.0;
        flows.owner_due[i] = pre.owner_due[j];
        flows.owner_draw[i] = paid.draw[j];
        flows.new_credit[i] = credit[j];
        flows.credit_sought[i] = std::max(0.0, pre.shortfall[j]) + pre.invest_gap[j];
        flows.investment_gap[i] = pre.invest_gap[j];
        flows.investment[i] = paid.investment[j];
      }

      // Whether a firm is affected, unable to pay, or over-staffed is close
      // to a coin toss from one firm to the next in a shock, so these
      // updates are written as arithmetic (the compiler turns selects
      // into branches) rather than branches.
      const int main = static_cast<int>(paid.main_problem[j]);
      const bool affected = main >= 0;
      const int problem = main & -static_cast<int>(affected);  // main when affected, else 0
      main_problem[i] = static_cast<std::uint8_t>(kNoProblem + affected * (main - kNoProblem));
      last_main_problem[i] = static_cast<std::uint8_t>(last_main_problem[i] + affected * (main - last_main_problem[i]));
      count_affected += affected;
      // (Counted by constant index, as the classes below: an index read
      // from the firm would keep the counters in memory, each firm's
      // addition waiting on the previous firm's store. Integer additions of
      // 0 or 1, without a branch.)
      for (int ch = 0; ch < kChannels; ++ch) count_problem[ch] += affected & (problem == ch);
      group_add(g_affected, affected);
      group_add(g_problem + problem, affected);

      // Distress: unpaid operating costs, arrears, or an owner still owed;
      // a firm stays delinquent until its arrears are cleared.
      // Its suppliers or lenders unpaid: the months of the closure rule.
      const bool creditors_unpaid = (unpaid_operating > 0.0) | (debt_arrears_rp[i] > 0.0);
      const bool unable = creditors_unpaid | (owner_owed_rp[i] > 0.0);
      // Illiquid: could not pay its suppliers or lenders in full.
      ever_illiquid[i] = static_cast<std::uint8_t>(ever_illiquid[i] | (unpaid_operating > 0.0) |
                                                   (paid.unpaid_debt[j] > 0.0));
      // The household: months in a row the business did not support it.
      const bool low_income = pre.low_income[j] != 0.0;
      {
        const int low_before = months_low_income[i];
        months_low_income[i] = static_cast<std::uint8_t>((low_before + (low_before < 255)) * low_income);
      }
      {
        const int unable_before = months_unable[i];
        months_unable[i] =
            static_cast<std::uint8_t>((unable_before + (unable_before < 255)) * creditors_unpaid);
        const std::int16_t first = first_distress_month[i];
        first_distress_month[i] = static_cast<std::int16_t>(first + (unable & (first < 0)) * (t_now - first));
        const int distressed_before = months_distressed[i];
        months_distressed[i] = static_cast<std::uint16_t>(distressed_before + (unable & (distressed_before < 65535)));
      }

      // Labour: the workforce the expected revenue needs at normal
      // productivity. Lay off down to it after a lag when losing money, in
      // distress, or when the business no longer supports the household;
      // hire towards it when expected demand exceeds capacity (slack
      // included) and the firm is healthy.
      const int workers = workers_of[i];
      const double expected = pre.expected_next[j];
      const int need = std::max(1, ceil_positive(pre.need_workers[j]));
      int new_workers = workers;
      const bool overstaffed = (unable | (pre.profit[j] < 0.0) | low_income) & (workers > need);
      const int over_before = months_overstaffed[i];
      int over = (over_before + (over_before < 255)) * overstaffed;
      if (overstaffed) {
        if (over > K.layoff_lag_months) {
          new_workers -= ceil_positive(K.layoff_speed * (workers - need));
          over = 0;
        }
      } else {
        // Hire towards the need, but only as many as the expected revenue
        // pays for: gross margin after fixed costs covers the wage bill.
        // Whether a firm hires is a coin toss from one firm to the next, so
        // what it would hire is computed for every firm and kept when it
        // does (a branch would be mispredicted half the time).
        const bool hires =
            !unable & (expected > pre.capacity_free[j]) & (workers < need) & (cash_rp[i] >= pre.buffer[j]);
        const int target = std::min(65535, workers + ceil_positive(K.hire_speed * (need - workers)));
        const double margin = expected * (1.0 - variable_cost_share[i]) - fixed_cost_rp[i];
        const double wage = wage_rp[i];
        // (Bounded below at -1, so that the conversion is defined for every
        // firm: a quotient below -1 pays for no worker, as -1 does.)
        const double per_wage = std::max(-1.0, std::min(margin / (wage > 0.0 ? wage : 1.0), 65534.0));
        const int affordable = wage > 0.0 ? 1 + static_cast<int>(per_wage) : 65535;
        const int hired = std::max(workers, std::min(target, affordable));
        new_workers = hires ? hired : workers;
      }
      months_overstaffed[i] = static_cast<std::uint8_t>(over);
      workers_of[i] = static_cast<std::uint16_t>(std::max(1, new_workers));

      // Accumulate the month's flows (money in double within the chunk).
      // Revenue is rounded per firm, as in the breakdowns, so that the
      // groups add up to the monthly total exactly.
      const std::int64_t revenue_rp = rp(revenue);
      sum_revenue_rp += revenue_rp;
      group_add(g_revenue, revenue_rp);
      sum_operating += operating_cost;
      sum_draw += paid.draw[j];
      sum_debt_paid += paid.debt_paid[j] + paid.catch_up[j] + paid.prepaid[j];
      sum_arrears += paid.unpaid_debt[j];
      sum_investment += paid.investment[j];

      // Exits by every route (docs/model.md §5): insolvency, a business
      // that no longer supports the household for longer than the owner's
      // patience, and the owner leaving for reasons outside the business.
      ClosureReason reason = ClosureReason::open;
      // (Conditions joined by & rather than &&: one branch, not two.)
      const bool patience_tried = low_income & (months_low_income[i] > unviable_grace);
      if (months_unable[i] >= K.closure_after_months) {
        reason = ClosureReason::insolvent;
      } else if (patience_tried &&
                 (unviable_hazard >= 1.0 ||
                  to_unit(detail::philox_words(opt.seed, opt.replication, static_cast<std::uint32_t>(i),
                                               static_cast<std::uint32_t>(t_now),
                                               static_cast<std::uint32_t>(Purpose::firm_unviable))[0]) <
                      unviable_hazard)) {
        // Each month of low income the owner gives up with odds 1/patience.
        reason = ClosureReason::unviable;
      } else if (t_now >= owner_exit_month[i]) {
        reason = ClosureReason::owner_exit;
      }
      if (reason != ClosureReason::open) {
        close_firm(i, t_now, a, reason);
        group_add(g_closed, 1);
        group_add(g_new_closures, 1);
        // In the burn-in a new firm takes the closed one's place.
        if (burn_in) start_new_firm(i, t_now, region[i], sector[i], pop->size_class[i], coop_of[i]);
        continue;
      }

      // Yearly class review from the trailing window, annualised.
      if (review) review_class(i, t_now, a, group_add);

      status[i] = static_cast<std::uint8_t>(unable ? FirmStatus::distressed : FirmStatus::active);
      ++count_active;
      group_add(g_active, 1);
      count_distressed += unable;
      group_add(g_distressed, unable);
      count_employment += workers_of[i];
      group_add(g_employment, workers_of[i]);
      for (int c = 0; c < kSizeClasses; ++c) count_class[c] += size_class[i] == c;
      sum_payables += payables_rp[i];
      sum_cash += cash_rp[i];
      sum_receivables += receivables_rp[i];
      sum_credit[loan_lender[i]] += loan_principal_rp[i];  // adds 0 without a loan
      sum_credit[static_cast<int>(Lender::informal)] += informal_principal_rp[i];
      sum_assets += assets_rp[i];
      count_illiquid += ever_illiquid[i];
      // The credit book (after this pass): the firms with a loan.
      holder_list[n_holders] = static_cast<std::uint16_t>(j);
      n_holders += (loan_principal_rp[i] > 0.0) | (informal_principal_rp[i] > 0.0);
    }
    // The credit book: arrears fall on the formal loan first. Whether a
    // holder has a formal loan, an informal one or both is a coin toss:
    // each is counted by arithmetic, a loan it does not hold adding
    // nothing (amounts are never negative, so adding +0 leaves every sum
    // as it was).
    for (std::size_t q = 0; q < n_holders; ++q) {
      const std::size_t i = b0 + holder_list[q];
      const double lp_end = loan_principal_rp[i], ip_end = informal_principal_rp[i];
      const double arrears_now = debt_arrears_rp[i];
      const double formal_arrears = std::min(arrears_now, lp_end);
      const bool has_formal = lp_end > 0.0, has_informal = ip_end > 0.0;
      const int l = loan_lender[i];
      const bool restructured = has_formal & (loan_restructured[i] != 0);
      count_loans[l] += has_formal;
      count_in_arrears[l] += has_formal & (formal_arrears > 0.0);
      sum_arrears_by[l] += formal_arrears * static_cast<double>(has_formal);
      count_restructured[l] += restructured;
      sum_restructured[l] += lp_end * static_cast<double>(restructured);
      const int inf = static_cast<int>(Lender::informal);
      const double informal_arrears = arrears_now - formal_arrears;
      count_loans[inf] += has_informal;
      count_in_arrears[inf] += has_informal & (informal_arrears > 0.0);
      sum_arrears_by[inf] += informal_arrears * static_cast<double>(has_informal);
    }

    // Pass 5: member firms' counts for their cooperative and the
    // member/non-member outcomes (sparse: most firms are no members).
    if (has_members)
      for (std::size_t q = 0; q < n_all_members; ++q) {
        const std::size_t j = all_members[q];
        const std::size_t i = b0 + j;
        const std::int32_t member_of = coop_of[i];
        if (open_d[j] == 0.0) {
          a[m_member_closed] += 1;
          continue;
        }
        a[m_member_revenue] += rp(pre.revenue[j]);
        const auto s_i = static_cast<FirmStatus>(status[i]);
        if (s_i == FirmStatus::closed) {
          a[m_member_closed] += 1;
          continue;
        }
        const bool distressed = s_i == FirmStatus::distressed;
        std::int64_t* cs = coop_sums + static_cast<std::size_t>(member_of) * detail::kCoopFields;
        cs[detail::cf_open_members] += 1;
        cs[detail::cf_distressed_members] += distressed;
        a[m_member_active] += 1;
        a[m_member_distressed] += distressed;
        a[m_member_employment] += workers_of[i];
      }
  }
  // Chunks have fixed boundaries whatever the thread count, so these sums
  // are deterministic; rounded to whole rupiah they join the integer
  // accumulators, whose totals do not depend on order.
  a[m_active] += count_active;
  a[m_distressed] += count_distressed;
  a[m_employment] += count_employment;
  a[m_closed] += count_closed;
  a[m_affected] += count_affected;
  a[m_revenue] += sum_revenue_rp;
  for (int c = 0; c < kSizeClasses; ++c) a[m_class + c] += count_class[c];
  for (int ch = 0; ch < kChannels; ++ch) a[m_problem + ch] += count_problem[ch];
  a[m_operating] += std::llround(sum_operating);
  a[m_draw] += std::llround(sum_draw);
  a[m_debt_paid] += std::llround(sum_debt_paid);
  a[m_arrears] += std::llround(sum_arrears);
  a[m_payables] += std::llround(sum_payables);
  a[m_cash] += std::llround(sum_cash);
  a[m_receivables] += std::llround(sum_receivables);
  a[m_investment] += std::llround(sum_investment);
  a[m_assets] += std::llround(sum_assets);
  a[m_ever_illiquid] += count_illiquid;
  for (int l = 0; l < kLenders; ++l) {
    a[m_credit + l] += std::llround(sum_credit[l]);
    a[m_loans + l] += count_loans[l];
    a[m_in_arrears + l] += count_in_arrears[l];
    a[m_arrears_by + l] += std::llround(sum_arrears_by[l]);
    a[m_restructured + l] += count_restructured[l];
    a[m_restructured_rp + l] += std::llround(sum_restructured[l]);
  }
}

detail::PhaseAInputs Simulation::Impl::phase_a_inputs() const {
  return {st.sector.data(),          st.online_share.data(),        st.variable_cost_share.data(),
          st.workers.data(),
          st.level_rp.data(),        st.expected_rp.data(),         st.wage_rp.data(),
          st.fixed_cost_rp.data(),   st.payables_rp.data(),         st.receivables_rp.data(),
          st.cash_rp.data(),         st.owner_owed_rp.data(),       st.loan_principal_rp.data(),   st.loan_rate_year.data(),
          st.loan_installment_rp.data(), st.loan_months_left.data(), st.informal_principal_rp.data(), st.debt_arrears_rp.data(),
          st.informal_installment_rp.data(), st.informal_months_left.data(), productivity_rp.data(),
          base_profit_rp.data(), st.potential_rp.data(), st.demand_factor.data(), st.assets_rp.data(),
          st.capital_intensity.data(), cash_target_rp.data(), st.loan_deferral.data(), st.months_unable.data()};
}

// A closing firm sells its assets at liquidation_value_share of their book
// value and with its cash repays its loans, the formal one first; what is
// not repaid is written off (defaults_<lender>_rp). What is left goes
// with the owner.
void Simulation::Impl::close_firm(std::size_t i, int t_now, std::int64_t* a, ClosureReason reason) {
  double funds = std::max(0.0, st.cash_rp[i]) + P.liquidation_value_share * st.assets_rp[i];
  const double formal = st.loan_principal_rp[i], informal = st.informal_principal_rp[i];
  const double formal_repaid = std::min(funds, formal);
  funds -= formal_repaid;
  const double informal_repaid = std::min(funds, informal);
  const bool coop_loan = st.loan_lender[i] == static_cast<std::uint8_t>(Lender::cooperative);
  if (formal > 0.0) {
    const int l = st.loan_lender[i];
    a[m_defaults + l] += rp(formal - formal_repaid);
    a[m_recovered + l] += rp(formal_repaid);
    // A borrowing member's cooperative is repaid what the firm can and
    // writes off the rest.
    if (st.cooperative[i] >= 0 && coop_loan) {
      std::int64_t* cs = a + coop_base() + static_cast<std::size_t>(st.cooperative[i]) * detail::kCoopFields;
      cs[detail::cf_default_rp] += rp(formal - formal_repaid);
      cs[detail::cf_repaid_rp] += rp(formal_repaid);
    }
  }
  if (informal > 0.0) {
    a[m_defaults + static_cast<int>(Lender::informal)] += rp(informal - informal_repaid);
    a[m_recovered + static_cast<int>(Lender::informal)] += rp(informal_repaid);
  }
  st.loan_written_off_rp[i] = formal - formal_repaid;
  if (opt.record_flows && flows.stepped[i]) {
    flows.closure_payout[i] = st.cash_rp[i];
    flows.cash_after[i] = 0.0;
  }
  st.cash_rp[i] = 0.0;
  st.assets_rp[i] = 0.0;
  st.status[i] = static_cast<std::uint8_t>(FirmStatus::closed);
  st.closure_month[i] = static_cast<std::int16_t>(t_now);
  st.closure_reason[i] = static_cast<std::uint8_t>(reason);
  st.loan_principal_rp[i] = 0.0;
  st.loan_installment_rp[i] = 0.0;
  st.loan_months_left[i] = 0;
  st.loan_deferral[i] = 0;
  st.loan_restructured[i] = 0;
  st.informal_principal_rp[i] = 0.0;
  st.debt_arrears_rp[i] = 0.0;
  st.informal_installment_rp[i] = 0.0;
  st.informal_months_left[i] = 0;
  st.payables_rp[i] = 0.0;
  st.receivables_rp[i] = 0.0;
  st.owner_owed_rp[i] = 0.0;
  st.months_overstaffed[i] = 0;
  st.months_low_income[i] = 0;
  a[m_closed] += 1;
  a[m_new_closures] += 1;
  a[m_closures_by + static_cast<int>(reason)] += 1;
}

template <class GroupAdd>
void Simulation::Impl::review_class(std::size_t i, int t_now, std::int64_t* a, GroupAdd& group_add) {
  const int window = sc.class_review_months;
  const int window_start = t_now - window + 1;
  const int active_from = std::max<int>(st.entry_month[i], window_start);
  const int months_in = t_now - active_from + 1;
  const double turnover_year = st.revenue_window_rp[i] * 12.0 / std::max(1, months_in);
  st.revenue_window_rp[i] = 0.0;
  const auto old_class = static_cast<SizeClass>(st.size_class[i]);
  const auto new_class = classify(sc.class_regime, sc.class_criterion, st.assets_rp[i], turnover_year, st.workers[i]);
  if (new_class == old_class) return;
  a[m_transitions + static_cast<int>(old_class) * kSizeClasses + static_cast<int>(new_class)] += 1;
  if (new_class > old_class) {
    a[m_upgrades] += 1;
    group_add(g_upgrades, 1);
    if (st.upgrades[i] < 255) ++st.upgrades[i];
  } else {
    a[m_downgrades] += 1;
    group_add(g_downgrades, 1);
    if (st.downgrades[i] < 255) ++st.downgrades[i];
  }
  st.size_class[i] = static_cast<std::uint8_t>(new_class);
  st.class_change_month[i] = static_cast<std::int16_t>(t_now);
}

}  // namespace msmesim
