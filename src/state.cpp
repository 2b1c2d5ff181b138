#include "msmesim/state.hpp"

namespace msmesim {

namespace {
// Applies `fn` to every per-firm vector of the state.
template <class State, class Fn>
void for_each_vector(State& s, Fn&& fn) {
  fn(s.region);
  fn(s.sector);
  fn(s.registered);
  fn(s.ever_kur);
  fn(s.cooperative);
  fn(s.assets_rp);
  fn(s.base_revenue_rp);
  fn(s.base_workers);
  fn(s.variable_cost_share);
  fn(s.fixed_cost_rp);
  fn(s.wage_rp);
  fn(s.online_share);
  fn(s.owner_capability);
  fn(s.entry_month);
  fn(s.initial_class);
  fn(s.status);
  fn(s.size_class);
  fn(s.workers);
  fn(s.level_rp);
  fn(s.expected_rp);
  fn(s.cash_rp);
  fn(s.payables_rp);
  fn(s.receivables_rp);
  fn(s.owner_owed_rp);
  fn(s.loan_principal_rp);
  fn(s.loan_rate_year);
  fn(s.loan_installment_rp);
  fn(s.loan_months_left);
  fn(s.loan_lender);
  fn(s.informal_principal_rp);
  fn(s.debt_arrears_rp);
  fn(s.informal_installment_rp);
  fn(s.informal_months_left);
  fn(s.revenue_window_rp);
  fn(s.months_unable);
  fn(s.months_overstaffed);
  fn(s.main_problem);
  fn(s.first_distress_month);
  fn(s.closure_month);
  fn(s.class_change_month);
  fn(s.upgrades);
  fn(s.downgrades);
  fn(s.months_distressed);
  fn(s.revenue_total_rp);
  fn(s.last_main_problem);
  for (auto& v : s.shock_severity) fn(v);
}
}  // namespace

void FirmState::resize(std::size_t capacity, std::size_t shocks) {
  shock_severity.resize(shocks);
  for_each_vector(*this, [capacity](auto& v) { v.resize(capacity); });
}

std::size_t FirmState::memory_bytes() const {
  std::size_t bytes = 0;
  for_each_vector(*this, [&bytes](const auto& v) { bytes += v.size() * sizeof(v[0]); });
  return bytes;
}

void FirmFlows::resize(std::size_t capacity) {
  for (auto* v : {&cash_before, &cash_after, &revenue, &revenue_received, &operating_cost, &operating_paid,
                  &payables_before, &payables_after, &debt_service_due, &debt_service_paid, &owner_due, &owner_draw, &shu_received,
                  &new_credit})
    v->assign(capacity, 0.0);
  stepped.assign(capacity, 0);
}

}  // namespace msmesim
