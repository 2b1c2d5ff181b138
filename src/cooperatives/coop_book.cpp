// The cooperatives' monthly step (docs/model.md §14).
#include "cooperatives/coop_book.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

#include <boost/math/distributions/poisson.hpp>

#include "core/philox.hpp"
#include "msmesim/core/rng.hpp"

namespace msmesim::detail {

void CoopTotals::add(const CoopTotals& o) {
  cooperatives += o.cooperatives;
  founded += o.founded;
  active += o.active;
  healthy += o.healthy;
  stressed += o.stressed;
  rat_held += o.rat_held;
  rat_virtual += o.rat_virtual;
  member_firms_open += o.member_firms_open;
  new_loans_firms += o.new_loans_firms;
  cash_rp += o.cash_rp;
  deposits_rp += o.deposits_rp;
  deposit_inflow_rp += o.deposit_inflow_rp;
  withdrawals_rp += o.withdrawals_rp;
  withdrawals_unmet_rp += o.withdrawals_unmet_rp;
  loans_rp += o.loans_rp;
  firm_loans_rp += o.firm_loans_rp;
  new_loans_firms_rp += o.new_loans_firms_rp;
  new_loans_households_rp += o.new_loans_households_rp;
  lendable_rp += o.lendable_rp;
  arrears_rp += o.arrears_rp;
  defaults_rp += o.defaults_rp;
  own_capital_rp += o.own_capital_rp;
  borrowed_rp += o.borrowed_rp;
  surplus_rp += o.surplus_rp;
  shu_paid_rp += o.shu_paid_rp;
  shu_funds_rp += o.shu_funds_rp;
  business_volume_rp += o.business_volume_rp;
  member_credit_unmet_rp += o.member_credit_unmet_rp;
  joint_lent_rp += o.joint_lent_rp;
  joint_borrowed_rp += o.joint_borrowed_rp;
  joint_placed_rp += o.joint_placed_rp;
  joint_received_rp += o.joint_received_rp;
}

namespace {
bool buys_jointly(std::uint8_t type) {
  const auto t = static_cast<CoopType>(type);
  return t == CoopType::producer || t == CoopType::consumer || t == CoopType::marketing;
}
bool sells_jointly(std::uint8_t type) {
  const auto t = static_cast<CoopType>(type);
  return t == CoopType::producer || t == CoopType::marketing;
}
}  // namespace

namespace {
/// Rounding of the member firms' whole-rupiah sums a loan book can show.
constexpr double kRoundingRp = 1000.0;

using PoissonDist = boost::math::poisson_distribution<
    double, boost::math::policies::policy<boost::math::policies::discrete_quantile<boost::math::policies::integer_round_up>,
                                          boost::math::policies::promote_double<false>>>;

/// Cooperatives founded in a month at rate lambda from the uniform u.
std::size_t foundings(double lambda, double u) {
  if (lambda <= 0.0) return 0;
  return static_cast<std::size_t>(boost::math::quantile(PoissonDist(lambda), u));
}
}  // namespace

CoopBook::CoopBook(const Cooperatives& initial, const std::vector<std::int64_t>& member_firms,
                   const std::vector<double>& firm_loans_rp, const FirmParams& P, int months)
    : P_(P), co_(initial), initial_(initial.size()) {
  const std::size_t n = co_.size();
  // New cooperatives resemble an initial active one; room for the most a
  // month can found (the Poisson quantile of the largest uniform draw) in
  // every month.
  for (std::size_t c = 0; c < n; ++c)
    if (co_.active[c] && co_.members[c] > 0) {
      const double m = co_.members[c];
      templates_.push_back({static_cast<std::uint32_t>(c), co_.own_capital_rp[c] / m, co_.deposits_rp[c] / m,
                            co_.business_volume_rp_year[c] / m, co_.shu_rp_year[c] / m});
    }
  const std::size_t most = templates_.empty()
                               ? 0
                               : foundings(P_.coop_entry_rate_month * static_cast<double>(n), to_unit(0xFFFFFFFFu));
  const std::size_t capacity = n + most * static_cast<std::size_t>(std::max(months, 0));
  capacity_ = capacity;
  co_.reserve(capacity);
  for (auto* v : {&firm_loans_, &line_, &lendable_, &volume_base_m_, &trade_base_m_, &volume_ytd_, &transactions_ytd_,
                  &joint_lent_, &joint_borrowed_})
    v->reserve(capacity);
  open_members_.reserve(capacity);
  stressed_.reserve(capacity);
  founded_this_year_.reserve(capacity);
  founded_this_year_.assign(n, 0);
  carried_.reserve(capacity);
  carried_.assign(n, 0.0);
  earmark_terms_.reserve(capacity);
  earmark_terms_.assign(n, EarmarkTerms{});
  for (auto* v : {&earmarked_, &financing_share_}) v->reserve(capacity);
  in_network_.reserve(capacity);
  joint_trade_.reserve(capacity);
  earmarked_.assign(n, 0.0);
  financing_share_.assign(n, P_.joint_financing_share);
  in_network_.assign(n, P_.joint_financing_share > 0.0 ? 1 : 0);
  joint_trade_.assign(n, 0);
  firm_loans_.resize(n);
  for (std::size_t c = 0; c < n; ++c) firm_loans_[c] = std::min(firm_loans_rp[c], co_.loans_rp[c]);
  line_.assign(n, 0.0);
  lendable_.assign(n, 0.0);
  volume_base_m_.resize(n);
  trade_base_m_.resize(n);
  volume_ytd_.assign(n, 0.0);
  transactions_ytd_.assign(n, 0.0);
  open_members_ = member_firms;
  joint_lent_.assign(n, 0.0);
  joint_borrowed_.assign(n, 0.0);
  stressed_.assign(n, 0);
  for (std::size_t c = 0; c < n; ++c) regions_ = std::max<std::size_t>(regions_, co_.region[c] + 1u);
  for (std::size_t c = 0; c < n; ++c) {
    volume_base_m_[c] = co_.business_volume_rp_year[c] / 12.0;
    // Trading surplus: the SHU of the last book year less the interest its
    // loan book earns, so that a year without shock repeats the SHU.
    const double interest_m = co_.loans_rp[c] * P_.coop_rate_year / 12.0 * (1.0 - P_.coop_household_arrears);
    trade_base_m_[c] = co_.shu_rp_year[c] / 12.0 - interest_m;
    open_lines(c, open_members_[c]);
  }
}

bool CoopBook::joint_buying(std::size_t c) const {
  return co_.active[c] && (buys_jointly(co_.type[c]) || joint_trade_[c]);
}
bool CoopBook::joint_selling(std::size_t c) const {
  return co_.active[c] && (sells_jointly(co_.type[c]) || joint_trade_[c]);
}

void CoopBook::add_capital(std::size_t c, double rp, bool earmarked, const EarmarkTerms& terms) {
  co_.cash_rp[c] += rp;
  co_.own_capital_rp[c] += rp;
  if (earmarked) {
    earmarked_[c] += rp;
    earmark_terms_[c] = terms;
  }
  open_lines(c, open_members_[c]);
}

bool CoopBook::due_for_rat(std::size_t c) const {
  const int years = static_cast<int>(P_.coop_active_rat_years);
  const unsigned kept = (1u << (years - 1)) - 1u;  // earlier years still in the window next year
  return co_.active[c] &&
         std::popcount(static_cast<unsigned>(co_.rat_history[c]) & kept) < static_cast<int>(P_.coop_active_rat_min);
}

void CoopBook::revive(std::size_t c) {
  founded_this_year_[c] = 1;
  co_.active[c] = 1;
  open_lines(c, open_members_[c]);
}

void CoopBook::join_network(std::size_t c, double financing_share, bool joint_trade) {
  in_network_[c] = 1;
  financing_share_[c] = financing_share;
  if (joint_trade) joint_trade_[c] = 1;
}

void CoopBook::open_lines(std::size_t c, std::int64_t open_members) {
  // Lend only what is held above the reserve against deposits, shared out
  // as equal lines, so the members together can never borrow more than
  // that. A cooperative without members' meetings (inactive in the
  // ministry's sense) still runs its savings and loans, as for households.
  // Earmarked grant funds are for member firms whatever the reserve.
  const double earmarked = std::min(earmarked_[c], co_.cash_rp[c]);
  lendable_[c] = std::max(0.0, co_.cash_rp[c] - earmarked - P_.coop_reserve_ratio * co_.deposits_rp[c]) + earmarked;
  line_[c] = open_members > 0 ? std::floor(lendable_[c] / static_cast<double>(open_members)) : 0.0;
}

std::size_t CoopBook::found(const CoopMonthInput& in) {
  if (templates_.empty() || P_.coop_entry_rate_month <= 0.0) return 0;
  const double lambda = P_.coop_entry_rate_month * static_cast<double>(initial_) *
                        std::max(0.0, 1.0 - P_.coop_entry_disruption * in.sales_stress);
  const auto w = philox_words(in.seed, in.replication, 0, static_cast<std::uint32_t>(in.month),
                              static_cast<std::uint32_t>(Purpose::coop_entry_count));
  const std::size_t k = std::min(foundings(lambda, to_unit(w[0])), capacity_ - co_.size());
  const double members = P_.coop_entrant_members;
  for (std::size_t e = 0; e < k; ++e) {
    const std::size_t c = co_.size();
    const auto wt = philox_words(in.seed, in.replication, static_cast<std::uint32_t>(c),
                                 static_cast<std::uint32_t>(in.month),
                                 static_cast<std::uint32_t>(Purpose::coop_entrant_template));
    const Template& tp = templates_[static_cast<std::size_t>((static_cast<std::uint64_t>(wt[0]) * templates_.size()) >> 32)];
    co_.resize(c + 1);
    co_.region[c] = co_.region[tp.index];
    co_.type[c] = co_.type[tp.index];
    co_.members[c] = static_cast<std::int32_t>(members);
    // The founders pay in their capital and deposits, held as cash; the
    // business of the template per member, from the first month.
    co_.own_capital_rp[c] = members * tp.per_member_own;
    co_.deposits_rp[c] = members * tp.per_member_deposits;
    co_.cash_rp[c] = co_.own_capital_rp[c] + co_.deposits_rp[c];
    co_.business_volume_rp_year[c] = members * tp.per_member_volume;
    co_.shu_rp_year[c] = members * tp.per_member_shu;
    co_.active[c] = 1;
    co_.healthy[c] = 0;  // decided at its first year end
    firm_loans_.push_back(0.0);
    line_.push_back(0.0);
    lendable_.push_back(0.0);
    volume_base_m_.push_back(co_.business_volume_rp_year[c] / 12.0);
    trade_base_m_.push_back(co_.shu_rp_year[c] / 12.0);
    volume_ytd_.push_back(0.0);
    transactions_ytd_.push_back(0.0);
    open_members_.push_back(0);
    joint_lent_.push_back(0.0);
    joint_borrowed_.push_back(0.0);
    stressed_.push_back(0);
    founded_this_year_.push_back(1);
    carried_.push_back(0.0);
    earmark_terms_.push_back(EarmarkTerms{});
    earmarked_.push_back(0.0);
    financing_share_.push_back(P_.joint_financing_share);
    in_network_.push_back(P_.joint_financing_share > 0.0 ? 1 : 0);
    joint_trade_.push_back(0);
  }
  return k;
}

void CoopBook::month(const CoopMonthInput& in, const std::int64_t* sums, std::vector<CoopTotals>& out,
                     std::vector<double>& shu_per_transaction) {
  const std::size_t before = co_.size();
  found(in);
  const std::size_t n = co_.size();
  out.assign(n, CoopTotals{});
  for (std::size_t c = before; c < n; ++c) {
    // The founders' deposits are paid in this month.
    out[c].founded = 1;
    out[c].deposit_inflow_rp = co_.deposits_rp[c];
  }
  static constexpr std::int64_t kNoSums[kCoopFields] = {};
  shu_per_transaction.assign(n, 0.0);
  sales_stress_ytd_ += in.sales_stress;
  restrictions_ytd_ += std::clamp(in.restrictions, 0.0, 1.0);
  ++months_ytd_;
  const double cap = std::clamp(in.capital_stress, 0.0, 1.0);
  const double demand = std::clamp(1.0 - in.sales_stress, 0.0, 10.0);
  const double rate_m = P_.coop_rate_year / 12.0;

  // Producer cooperatives supply a share of the consumer cooperatives'
  // volume in their kecamatan (seed 000 §5.4).
  std::vector<double> supply_region(regions_, 0.0), producers_region(regions_, 0.0);
  for (std::size_t c = 0; c < n; ++c) {
    if (!co_.active[c]) continue;
    if (co_.type[c] == static_cast<std::uint8_t>(CoopType::consumer))
      supply_region[co_.region[c]] += P_.producer_supply_share * volume_base_m_[c] * demand;
    if (co_.type[c] == static_cast<std::uint8_t>(CoopType::producer)) producers_region[co_.region[c]] += 1.0;
  }

  for (std::size_t c = 0; c < n; ++c) {
    const std::int64_t* s = c < initial_ ? sums + c * kCoopFields : kNoSums;  // no member firms
    CoopTotals& o = out[c];
    double& cash = co_.cash_rp[c];
    double& loans = co_.loans_rp[c];
    double& surplus = co_.surplus_rp[c];
    double& deposits = co_.deposits_rp[c];
    const bool active = co_.active[c] != 0;

    // Member firms: new loans (within last month's lines), service received,
    // interest accrued (unpaid interest is added to the loan), write-offs.
    const auto new_loans = static_cast<double>(s[cf_new_loans_rp]);
    const auto repaid = static_cast<double>(s[cf_repaid_rp]);
    const auto interest = static_cast<double>(s[cf_interest_rp]);
    const auto defaults = static_cast<double>(s[cf_default_rp]);
    cash -= new_loans;
    loans += new_loans;
    earmarked_[c] = std::max(0.0, earmarked_[c] - new_loans);
    firm_loans_[c] += new_loans;
    cash += repaid;
    loans -= repaid - interest;
    firm_loans_[c] -= repaid - interest;
    surplus += interest;
    loans -= defaults;
    firm_loans_[c] -= defaults;
    surplus -= defaults;
    // The member firms' sums are whole rupiah: a book lent to firms alone
    // can end a rupiah or so below zero when they repay it. That rounding
    // goes to the surplus (the balance sheet still balances).
    if (firm_loans_[c] < 0.0) firm_loans_[c] = 0.0;
    if (loans < 0.0 && loans > -kRoundingRp) {
      surplus -= loans;
      loans = 0.0;
    }

    // Members who run no firm of the population (households): scheduled
    // repayment of their loans, part missed under stress.
    const double household = std::max(0.0, loans - firm_loans_[c]);
    const double miss = std::clamp(P_.coop_household_arrears + P_.coop_household_arrears_sensitivity * cap, 0.0, 1.0);
    const double principal_paid = household / P_.coop_household_term_months * (1.0 - miss);
    const double interest_paid = household * rate_m * (1.0 - miss);
    cash += principal_paid + interest_paid;
    loans -= principal_paid;
    surplus += interest_paid;
    const double household_arrears = (household - principal_paid) * miss;

    // Trading: the surplus moves with the business volume.
    double volume = 0.0;
    if (active) {
      volume = volume_base_m_[c] * demand;
      if (co_.type[c] == static_cast<std::uint8_t>(CoopType::producer) && producers_region[co_.region[c]] > 0)
        volume += supply_region[co_.region[c]] / producers_region[co_.region[c]];
      const double trade = trade_base_m_[c] + P_.coop_gross_margin * (volume - volume_base_m_[c]);
      cash += trade;
      surplus += trade;
    } else {
      // Without a business of its own, an inactive cooperative's interest
      // income pays the running costs of its savings and loans: no surplus
      // accumulates that no members' meeting would share out.
      const double costs = interest_paid + interest;
      cash -= costs;
      surplus -= costs;
    }
    volume_ytd_[c] += volume;
    transactions_ytd_[c] += static_cast<double>(s[cf_transactions_rp]);

    // Deposits: new savings, and withdrawals that rise with capital stress
    // and with the members' distress; paid while cash lasts.
    const auto open_members = s[cf_open_members];
    const double distressed_share =
        open_members > 0 ? static_cast<double>(s[cf_distressed_members]) / static_cast<double>(open_members) : 0.0;
    const double inflow = deposits * P_.coop_deposit_inflow_month;
    const double rate_out = std::clamp(P_.coop_withdrawal_month + P_.coop_withdrawal_capital_sensitivity * cap +
                                           P_.coop_withdrawal_distress_sensitivity * distressed_share,
                                       0.0, 1.0);
    const double asked = (deposits + inflow) * rate_out;
    const double paid = std::min(asked, std::max(0.0, cash - earmarked_[c]) + inflow);
    deposits += inflow - paid;
    cash += inflow - paid;

    // A trading loss beyond the cash at hand is financed by borrowing.
    if (cash < 0.0) {
      co_.borrowed_rp[c] -= cash;
      cash = 0.0;
    }

    // Households borrow again what they repaid, within liquidity (a
    // cooperative without members' meetings, inactive in the ministry's
    // sense, still runs its savings and loans).
    const double room = std::max(0.0, cash - earmarked_[c] - P_.coop_reserve_ratio * deposits);
    const double household_new = std::min(principal_paid, room);
    cash -= household_new;
    loans += household_new;

    o.cooperatives = 1;
    o.stressed = (asked - paid > 0.5 || cash < P_.coop_reserve_ratio * deposits) ? 1 : 0;
    stressed_[c] = static_cast<std::uint8_t>(o.stressed);
    o.member_credit_unmet_rp = static_cast<double>(s[cf_credit_unmet_rp]);
    o.member_firms_open = open_members;
    o.new_loans_firms = s[cf_new_loans];
    o.deposit_inflow_rp += inflow;
    o.withdrawals_rp = paid;
    o.withdrawals_unmet_rp = asked - paid;
    o.new_loans_firms_rp = new_loans;
    o.new_loans_households_rp = household_new;
    o.lendable_rp = lendable_[c];
    o.defaults_rp = defaults;
    o.business_volume_rp = volume;
    co_.arrears_rp[c] = std::min(loans, static_cast<double>(s[cf_firm_arrears_rp]) + household_arrears);

    // Year end: the members' meeting (RAT) for the book year, SHU, status.
    if (in.year_end) {
      const double stress_year = months_ytd_ > 0 ? sales_stress_ytd_ / months_ytd_ : 0.0;
      const double restricted_year = months_ytd_ > 0 ? restrictions_ytd_ / months_ytd_ : 0.0;
      // The book year's own result (surplus also holds the SHU of earlier
      // years no meeting has shared out).
      const double year_result = surplus - carried_[c];
      const bool solvent = co_.own_capital_rp[c] + surplus > 0.0;
      const bool liquid = cash >= P_.coop_reserve_ratio * deposits;
      const bool sound = solvent && liquid && year_result > 0.0;
      // A meeting is routine unless, without one this year, the cooperative
      // would fall below the meetings an active one needs in the window.
      const int years = static_cast<int>(P_.coop_active_rat_years);
      const unsigned kept = (1u << (years - 1)) - 1u;  // earlier years still in the window next year
      const bool due = std::popcount(static_cast<unsigned>(co_.rat_history[c]) & kept) <
                       static_cast<int>(P_.coop_active_rat_min);
      double p = P_.coop_rat_prob_inactive;
      if (active) p = !due ? P_.coop_rat_prob_routine : (sound ? P_.coop_rat_prob_due_healthy : P_.coop_rat_prob_due_unhealthy);
      p *= std::max(0.0, 1.0 - P_.coop_rat_disruption * stress_year);
      // Restrictions on gatherings block physical meetings for their share
      // of the year; a cooperative able to meet online is not blocked.
      const bool online = co_.virtual_rat[c] != 0;
      p *= online ? 1.0 : 1.0 - restricted_year;
      const auto w = philox_words(in.seed, in.replication, static_cast<std::uint32_t>(c),
                                  static_cast<std::uint32_t>(in.month), static_cast<std::uint32_t>(Purpose::coop_rat));
      // A cooperative founded this book year held its founding meeting.
      const bool held = founded_this_year_[c] != 0 || to_unit(w[0]) < p;
      o.rat_virtual = (held && online && restricted_year > 0.0) ? 1 : 0;
      founded_this_year_[c] = 0;
      co_.rat_history[c] = static_cast<std::uint8_t>((co_.rat_history[c] << 1) | (held ? 1u : 0u));
      const unsigned window = (1u << years) - 1u;
      co_.active[c] =
          std::popcount(static_cast<unsigned>(co_.rat_history[c]) & window) >= static_cast<int>(P_.coop_active_rat_min)
              ? 1
              : 0;
      o.rat_held = held ? 1 : 0;
      // The SHU, shared out only by a members' meeting (Law 25/1992 art.
      // 45): of a positive surplus (this year's and what earlier years left
      // undistributed) the members' share to the members by their
      // transactions, the reserves to own capital, the rest to the
      // cooperative's funds (management, staff, education, social), which
      // leave its books. Without a meeting a positive surplus waits for the
      // next one; a loss is borne by own capital at once.
      co_.shu_rp_year[c] = year_result;
      co_.business_volume_rp_year[c] = volume_ytd_[c];
      double payout = 0.0, funds = 0.0;
      if (surplus <= 0.0 || held) {
        if (surplus > 0.0) {
          payout = std::min(P_.coop_shu_member_share * surplus, cash);
          funds = std::min((1.0 - P_.coop_shu_member_share - P_.coop_shu_reserve_share) * surplus, cash - payout);
          const double all_transactions = volume_ytd_[c] + std::max(0.0, transactions_ytd_[c]);
          if (all_transactions > 0.0) shu_per_transaction[c] = payout / all_transactions;
        }
        cash -= payout + funds;
        co_.own_capital_rp[c] += surplus - payout - funds;
        surplus = 0.0;
      }
      carried_[c] = surplus;
      o.shu_paid_rp = payout;
      o.shu_funds_rp = funds;
      co_.healthy[c] = (co_.active[c] && sound) ? 1 : 0;
      volume_ytd_[c] = 0.0;
      transactions_ytd_[c] = 0.0;
    }

    open_members_[c] = open_members;
  }

  if (std::find(in_network_.begin(), in_network_.end(), 1) != in_network_.end()) joint_financing(sums, out);

  for (std::size_t c = 0; c < n; ++c) {
    // Next month's lines, from the cash now held.
    open_lines(c, open_members_[c]);
    CoopTotals& o = out[c];
    const double cash = co_.cash_rp[c], loans = co_.loans_rp[c], surplus = co_.surplus_rp[c],
                 deposits = co_.deposits_rp[c];
    o.active = co_.active[c];
    o.healthy = co_.healthy[c];
    o.cash_rp = cash;
    o.deposits_rp = deposits;
    o.loans_rp = loans;
    o.firm_loans_rp = firm_loans_[c];
    o.arrears_rp = co_.arrears_rp[c];
    o.own_capital_rp = co_.own_capital_rp[c];
    o.borrowed_rp = co_.borrowed_rp[c];
    o.surplus_rp = surplus;
    o.joint_lent_rp = joint_lent_[c];
    o.joint_borrowed_rp = joint_borrowed_[c];
  }
  if (in.year_end) {
    sales_stress_ytd_ = 0.0;
    restrictions_ytd_ = 0.0;
    months_ytd_ = 0;
  }
}

void CoopBook::joint_financing(const std::int64_t* sums, std::vector<CoopTotals>& out) {
  // Seed 000 §5.4: financing (savings-and-loan) cooperatives share capital
  // with the others of their network. Positions are pooled per network: a
  // lender's claim is its share of what the network's borrowers owe, so
  // service received and interest accrued are shared out by claims, and
  // what is lent equals what is owed in every network.
  const std::size_t n = co_.size();
  const std::size_t networks = P_.joint_financing_scope == 0 ? std::max<std::size_t>(regions_, 1) : 1;
  auto network = [&](std::size_t c) -> std::size_t { return networks == 1 ? 0 : co_.region[c]; };
  const auto savings_loan = static_cast<std::uint8_t>(CoopType::savings_loan);
  const double rate_m = P_.joint_financing_rate_year / 12.0;
  const double term = P_.joint_financing_term_months;

  // Service of what borrowers owe: interest accrues, 1/term of the debt
  // and the interest are paid while cash lasts, the rest is added to the debt.
  std::vector<double> claims(networks, 0.0), accrued(networks, 0.0), received(networks, 0.0);
  for (std::size_t c = 0; c < n; ++c) claims[network(c)] += joint_lent_[c];
  for (std::size_t c = 0; c < n; ++c) {
    double& owed = joint_borrowed_[c];
    if (owed <= 0.0) continue;
    const double interest = owed * rate_m;
    const double paid = std::min(interest + owed / term, co_.cash_rp[c]);
    co_.cash_rp[c] -= paid;
    co_.surplus_rp[c] -= interest;
    owed += interest - paid;
    co_.borrowed_rp[c] += interest - paid;
    accrued[network(c)] += interest;
    received[network(c)] += paid;
  }
  for (std::size_t c = 0; c < n; ++c) {
    if (joint_lent_[c] <= 0.0) continue;
    const std::size_t g = network(c);
    const double share = joint_lent_[c] / claims[g];
    const double growth = share * (accrued[g] - received[g]);
    joint_lent_[c] += growth;
    co_.other_assets_rp[c] += growth;
    co_.surplus_rp[c] += share * accrued[g];
    co_.cash_rp[c] += share * received[g];
  }

  // New placements. Lenders: active, unstressed, solvent savings-and-loan
  // cooperatives, up to joint_financing_share of their free funds (so never
  // below their reserve). Borrowers: the other active, solvent
  // cooperatives, for what their member firms asked beyond their lines,
  // their unmet withdrawals and the gap to their reserve, within
  // joint_financing_capital_multiple x own capital. Both sides pro rata.
  std::vector<double> supply(n, 0.0), need(n, 0.0), supply_net(networks, 0.0), need_net(networks, 0.0);
  for (std::size_t c = 0; c < n; ++c) {
    if (!in_network_[c] || !co_.active[c] || co_.own_capital_rp[c] + co_.surplus_rp[c] <= 0.0) continue;
    const double reserve = P_.coop_reserve_ratio * co_.deposits_rp[c];
    if (co_.type[c] == savings_loan) {
      if (stressed_[c]) continue;
      const double free = std::max(0.0, co_.cash_rp[c] - earmarked_[c] - reserve);
      supply[c] = std::min(free, std::max(0.0, financing_share_[c] * (free + joint_lent_[c]) - joint_lent_[c]));
      supply_net[network(c)] += supply[c];
    } else {
      const double room =
          std::max(0.0, P_.joint_financing_capital_multiple * co_.own_capital_rp[c] - joint_borrowed_[c]);
      const double asked_by_members = c < initial_ ? static_cast<double>(sums[c * kCoopFields + cf_credit_unmet_rp]) : 0.0;
      const double wanted = asked_by_members +
                            out[c].withdrawals_unmet_rp + std::max(0.0, reserve - co_.cash_rp[c]);
      need[c] = std::min(room, wanted);
      need_net[network(c)] += need[c];
    }
  }
  for (std::size_t c = 0; c < n; ++c) {
    const std::size_t g = network(c);
    const double flow = std::min(supply_net[g], need_net[g]);
    if (flow <= 0.0) continue;
    if (supply[c] > 0.0) {
      const double placed = flow * (supply[c] / supply_net[g]);
      co_.cash_rp[c] -= placed;
      co_.other_assets_rp[c] += placed;
      joint_lent_[c] += placed;
      out[c].joint_placed_rp = placed;
    } else if (need[c] > 0.0) {
      const double got = flow * (need[c] / need_net[g]);
      co_.cash_rp[c] += got;
      co_.borrowed_rp[c] += got;
      joint_borrowed_[c] += got;
      out[c].joint_received_rp = got;
    }
  }
}

}  // namespace msmesim::detail
