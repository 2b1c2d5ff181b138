// The cooperatives' side of a run (docs/model.md §14): their balance sheets
// month by month, the credit lines they open to member firms, deposits and
// withdrawals, household loans, trading surplus, and the yearly members'
// meeting (RAT), SHU and status. Stepped once a month, cooperative by
// cooperative, after the firms; the firms' dealings with their cooperative
// arrive as whole-rupiah sums per cooperative (CoopField), which do not
// depend on the thread count.
#pragma once

#include <cstdint>
#include <vector>

#include "msmesim/cooperatives/cooperative.hpp"
#include "msmesim/core/params.hpp"

namespace msmesim::detail {

/// Per-cooperative sums from the firm step, kCoopFields per cooperative.
enum CoopField : int {
  cf_new_loans_rp,        ///< lent to member firms this month
  cf_new_loans,           ///< number of those loans
  cf_repaid_rp,           ///< member firms' loan service received (principal and interest)
  cf_interest_rp,         ///< interest accrued on member firms' loans
  cf_default_rp,          ///< principal written off when a borrowing member firm closed
  cf_firm_arrears_rp,     ///< member firms' overdue service to the cooperative (a stock)
  cf_open_members,        ///< open member firms at month end
  cf_distressed_members,  ///< of which unable to pay
  cf_transactions_rp,     ///< member firms' transactions with the cooperative (for SHU)
  cf_credit_unmet_rp,     ///< credit member firms asked for beyond their line
  kCoopFields
};

/// Month-level inputs of the cooperative step.
struct CoopMonthInput {
  int month = 0;                 ///< month index of the run
  bool year_end = false;         ///< the book year closes (December)
  double capital_stress = 0.0;   ///< mean capital-shock severity this month (0-1)
  double sales_stress = 0.0;     ///< mean sales-shock loss this month (0-1)
  double restrictions = 0.0;     ///< share of the month physical meetings were restricted (0-1)
  std::uint64_t seed = 0;
  std::uint32_t replication = 0;
};

/// Totals of the month over a group of cooperatives.
struct CoopTotals {
  std::int64_t cooperatives = 0, founded = 0, active = 0, healthy = 0, stressed = 0, rat_held = 0, rat_virtual = 0,
               member_firms_open = 0, new_loans_firms = 0;
  double cash_rp = 0, deposits_rp = 0, deposit_inflow_rp = 0, withdrawals_rp = 0, withdrawals_unmet_rp = 0,
         loans_rp = 0, firm_loans_rp = 0, new_loans_firms_rp = 0, new_loans_households_rp = 0, lendable_rp = 0,
         arrears_rp = 0, defaults_rp = 0, own_capital_rp = 0, borrowed_rp = 0, surplus_rp = 0, shu_paid_rp = 0, shu_funds_rp = 0,
         business_volume_rp = 0, member_credit_unmet_rp = 0, joint_lent_rp = 0, joint_borrowed_rp = 0,
         joint_placed_rp = 0, joint_received_rp = 0;
  void add(const CoopTotals& o);
};

class CoopBook {
 public:
  CoopBook() = default;
  /// `member_firms`: member firms per cooperative; `firm_loans_rp`: what
  /// member firms owe each cooperative at the start (part of its loans);
  /// `months`: the run's length (room is reserved for every cooperative
  /// that can be founded in it, so the state never moves in memory).
  CoopBook(const Cooperatives& initial, const std::vector<std::int64_t>& member_firms,
           const std::vector<double>& firm_loans_rp, const FirmParams& P, int months);

  bool empty() const { return co_.empty(); }
  /// Cooperatives now: the initial ones (indices 0 .. initial_size()-1,
  /// those firms can be members of), then the ones founded in the run.
  std::size_t size() const { return co_.size(); }
  std::size_t initial_size() const { return initial_; }
  const Cooperatives& state() const { return co_; }
  /// A firm joins cooperative c (through a programme): one more member.
  void add_member(std::size_t c) { ++co_.members[c]; }
  /// This month's credit line per member firm of cooperative c (0 when the
  /// cooperative is inactive or has nothing to lend). Lines times open
  /// member firms never exceed what the cooperative can lend.
  double line_rp(std::size_t c) const { return line_[c]; }
  /// Whether cooperative c buys (sells) jointly for its members now.
  bool joint_buying(std::size_t c) const;
  bool joint_selling(std::size_t c) const;

  /// One month: founds this month's new cooperatives, applies the firm sums
  /// (kCoopFields per initial cooperative), then the
  /// households' loans, trading, deposits and, at a year end, the RAT. Fills
  /// per-cooperative results (`out`, one per cooperative) and, at a year
  /// end, the SHU owed to member firms per unit of their transactions
  /// (`shu_per_transaction`, one per cooperative; 0 otherwise).
  void month(const CoopMonthInput& in, const std::int64_t* sums, std::vector<CoopTotals>& out,
             std::vector<double>& shu_per_transaction);

  // Programme hooks (docs/model.md §15).
  /// Terms on which member firms borrow earmarked funds (CSR capital).
  struct EarmarkTerms {
    double rate_year = 0.0;
    int term_months = 12;
    double ceiling_revenue_months = 0.0;
  };
  /// Adds `rp` to cooperative c's cash and own capital (a grant); when
  /// `earmarked`, only its member firms may borrow it, on `terms`.
  void add_capital(std::size_t c, double rp, bool earmarked, const EarmarkTerms& terms);
  /// The terms of cooperative c's earmarked funds while any are left to
  /// lend (nullptr otherwise): its member firms borrow on them.
  const EarmarkTerms* earmark_terms(std::size_t c) const {
    return earmarked_[c] >= 1.0 ? &earmark_terms_[c] : nullptr;
  }
  /// Cooperative c holds a members' meeting this book year (it is active
  /// from now on).
  void revive(std::size_t c);
  /// Cooperative c can hold its members' meeting online from now on.
  void enable_virtual_rat(std::size_t c) { co_.virtual_rat[c] = 1; }
  /// Whether cooperative c, active, would lose its active status without a
  /// members' meeting this book year.
  bool due_for_rat(std::size_t c) const;
  /// Cooperative c joins a joint-financing network placing `financing_share`
  /// of its free funds (savings & loan) and, with `joint_trade`, buys and
  /// sells jointly for its members whatever its type.
  void join_network(std::size_t c, double financing_share, bool joint_trade);

 private:
  void open_lines(std::size_t c, std::int64_t open_members);
  /// Founds this month's new cooperatives (docs/model.md §14); returns how many.
  std::size_t found(const CoopMonthInput& in);
  /// Joint financing among the cooperatives of each network: service of
  /// what they owe each other, then new placements from the liquid
  /// savings-and-loan cooperatives to the others' unmet needs.
  void joint_financing(const std::int64_t* sums, std::vector<CoopTotals>& out);

  FirmParams P_;
  Cooperatives co_;
  std::vector<double> firm_loans_;       // part of loans_rp lent to member firms
  std::vector<double> line_, lendable_;  // this month
  std::vector<double> volume_base_m_;    // monthly business volume before the shock
  std::vector<double> trade_base_m_;     // monthly trading surplus before the shock
  std::vector<double> volume_ytd_, transactions_ytd_;
  std::vector<std::int64_t> open_members_;
  std::vector<double> joint_lent_, joint_borrowed_;  // joint financing among cooperatives
  std::vector<std::uint8_t> stressed_;                // this month
  std::vector<std::uint8_t> founded_this_year_;       // a meeting this book year (founding, or after the clinic)
  std::vector<EarmarkTerms> earmark_terms_;           // of the latest earmarked grant
  std::vector<double> carried_;                       // SHU of earlier years no meeting has shared out (in surplus_rp)
  std::vector<double> earmarked_;                     // grant funds for member firms only
  std::vector<std::uint8_t> in_network_, joint_trade_;  // joint-financing network; joint trade by programme
  std::vector<double> financing_share_;
  struct Template {
    std::uint32_t index;
    double per_member_own, per_member_deposits, per_member_volume, per_member_shu;
  };
  std::vector<Template> templates_;  // initial active cooperatives new ones resemble
  std::size_t initial_ = 0, capacity_ = 0;
  std::size_t regions_ = 0;
  double sales_stress_ytd_ = 0.0, restrictions_ytd_ = 0.0;
  int months_ytd_ = 0;
};

}  // namespace msmesim::detail
