// The programmes' side of a run (docs/model.md §15): who applies, who is
// served within budget, quota and capacity, what each award does to the
// firm or cooperative, and the government ledger. Runs serially between
// the firms' months except for the eligibility scan, which is parallel over
// chunks of firms and concatenated in firm order, so results do not depend
// on the thread count. Every random draw is keyed by the programme's name,
// so a programme draws the same numbers whatever else a scenario contains.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/annuity.hpp"
#include "cooperatives/coop_book.hpp"
#include "msmesim/core/params.hpp"
#include "msmesim/population/population.hpp"
#include "msmesim/programmes/programme.hpp"
#include "msmesim/core/state.hpp"

namespace msmesim::detail {

/// What a KUR-subsidy offer changes in the firm's credit search this month.
struct KurOffer {
  double rate_year = 0.0;         ///< what the borrower pays
  double ceiling_micro_rp = 0.0;  ///< largest subsidised loan by class
  double ceiling_small_rp = 0.0;
  Annuity annuity;         ///< at rate_year, KUR term
  Annuity annuity_stored;  ///< at the rate as stored (float), for the installment
};

/// What a credit-guarantee offer changes at KUR and bank lenders.
struct GuaranteeOffer {
  double approval_boost = 0.0;
  double ceiling_factor = 1.0;
  double tightening_relief = 0.0;
};

/// Rows appended in blocks of fixed size: growing never copies the rows
/// already written (the ledgers of a run hold millions), and each block is
/// allocated once.
template <class Row>
class BlockRows {
 public:
  static constexpr std::size_t kBlockShift = 16, kBlock = std::size_t{1} << kBlockShift;
  void push_back(const Row& row) {
    if ((size_ & (kBlock - 1)) == 0) {
      blocks_.emplace_back();
      blocks_.back().reserve(kBlock);
    }
    blocks_.back().push_back(row);
    ++size_;
  }
  std::size_t size() const { return size_; }
  const Row& operator[](std::size_t k) const { return blocks_[k >> kBlockShift][k & (kBlock - 1)]; }

 private:
  std::vector<std::vector<Row>> blocks_;
  std::size_t size_ = 0;
};

/// Firm i's monthly fixed costs, wages of paid workers and instalments.
inline double monthly_obligations(std::size_t i, const FirmState& st) {
  const double paid_workers = static_cast<double>(st.workers[i] > 0 ? st.workers[i] - 1 : 0);
  return st.fixed_cost_rp[i] + st.wage_rp[i] * paid_workers + st.loan_installment_rp[i] +
         st.informal_installment_rp[i];
}

/// A loan taken in the firm step under an offer (subsidy or guarantee), with
/// the firm's state when it sought the loan (before the month's payments),
/// which the award records.
struct LoanTaken {
  std::uint32_t firm;
  double principal_rp;
  double cash_rp;
  double obligations_rp;
  bool distressed;
  friend bool operator<(const LoanTaken& a, const LoanTaken& b) { return a.firm < b.firm; }
};

/// Reach and money of one programme in one month.
struct ProgrammeMonth {
  std::int64_t eligible = 0, applicants = 0, new_recipients = 0, beneficiaries = 0, rejected_budget = 0,
               rejected_capacity = 0, rejected_quota = 0, capacity = -1;
  double transfer_rp = 0, admin_rp = 0, leakage_rp = 0, committed_rp = 0, spent_to_date_rp = 0,
         budget_left_rp = 0, resale_proceeds_rp = 0;
  double relief_rp = 0;  ///< debt service lenders defer (restructuring; not budget money)
};

/// What the engine must redo after the programmes' month begins.
struct ProgrammeEffects {
  std::vector<std::uint32_t> changed;  ///< firms whose costs or online share changed
  std::vector<std::uint32_t> joined;   ///< firms that joined a cooperative
  /// Grants a firm keeps in its business as working capital (its owner
  /// does not draw them): firm and amount.
  std::vector<std::pair<std::uint32_t, double>> working_capital;
  bool coops_changed = false;          ///< cooperatives' joint trade changed
};

struct Prog;       // one programme during a run (prog.hpp)
struct Mechanism;  // a kind's hooks (prog.hpp)
struct Kinds;      // the kinds' hooks (mechanisms.cpp)

class ProgrammeBook {
 public:
  ProgrammeBook();
  /// Resolves names against the population (errors name the programme's
  /// field); `capacity` is the number of firms the run can hold.
  /// `cost_factor` (one per firm) is the engine's programme factor on
  /// variable costs, which the programmes lower.
  ProgrammeBook(const std::vector<Programme>& programmes, const Population& pop, const FirmParams& P,
                const YearMonth& run_start, std::size_t capacity, std::uint64_t seed, std::uint32_t replication,
                int threads, std::size_t chunk, std::vector<double>* cost_factor);

  bool empty() const { return n_ == 0; }
  std::size_t size() const { return n_; }
  const Programme& spec(std::size_t k) const;

  /// Before the firms' month t: subsidies, claims and running benefits,
  /// then new applicants and awards. `coop` is the cooperatives' book
  /// (nullptr without cooperatives).
  void begin_month(int t, FirmState& st, CoopBook* coop, ProgrammeEffects& fx);
  /// The offers firm i holds this month, or nullptr.
  const KurOffer* kur_offer(std::size_t i) const {
    return kur_of_.empty() || kur_of_[i] < 0 ? nullptr : &kur_offers_[static_cast<std::size_t>(kur_of_[i])];
  }
  const GuaranteeOffer* guarantee_offer(std::size_t i) const {
    return guarantee_of_.empty() || guarantee_of_[i] < 0
               ? nullptr
               : &guarantee_offers_[static_cast<std::size_t>(guarantee_of_[i])];
  }
  /// Where the firm step records loans taken under offers: one list per chunk.
  std::vector<LoanTaken>& kur_taken(std::size_t chunk) { return kur_taken_[chunk]; }
  std::vector<LoanTaken>& guarantee_taken(std::size_t chunk) { return guarantee_taken_[chunk]; }
  /// After the firms' month t: loans under offers approved or not, offers
  /// withdrawn, the month's ledger closed.
  void end_month(int t, FirmState& st);

  /// One row of the ledger: a month's outlay of a programme in one cell —
  /// firms by (region, size class, sector), cooperatives by region.
  struct LedgerRow {
    std::int32_t month;
    std::uint16_t programme, region;
    std::uint8_t recipient;  ///< 0 firm, 1 cooperative
    std::uint8_t size_class, sector;  ///< 255 for cooperatives
    double transfer_rp, admin_rp, leakage_rp;
  };
  /// One payment to (or on behalf of) a recipient.
  struct PaymentRow {
    std::int32_t month;
    std::uint16_t programme;
    std::int32_t firm;         ///< -1 for a cooperative
    std::int32_t cooperative;  ///< -1 for a firm
    double transfer_rp, admin_rp, leakage_rp;
  };
  /// One award: the recipient and its state at the start of the month the
  /// programme took it on (for a loan under an offer: when it sought the
  /// loan, before the month's payments).
  struct AwardRow {
    std::int32_t month;
    std::uint16_t programme;
    std::int32_t firm;         ///< -1 for a cooperative
    std::int32_t cooperative;  ///< -1 for a firm
    std::uint8_t distressed;   ///< the firm was in distress (unable to meet obligations last month)
    double cash_rp;            ///< the firm's cash
    double obligations_rp;     ///< its monthly fixed costs, wages of paid workers and installments
  };
  const std::vector<std::vector<ProgrammeMonth>>& months() const { return months_; }
  const BlockRows<AwardRow>& awards() const { return awards_; }
  const std::vector<LedgerRow>& ledger() const { return ledger_; }
  const BlockRows<PaymentRow>& payments() const { return payments_; }

  ~ProgrammeBook();
  ProgrammeBook(ProgrammeBook&&) noexcept;
  ProgrammeBook& operator=(ProgrammeBook&&) noexcept;

 private:
  friend struct Kinds;
  struct Applicant {
    double first, second;
    std::uint32_t id;
  };
  /// Eligibility of firms [b, e) into ok[0, e - b).
  void eligible_block(const Prog& p, std::size_t b, std::size_t e, const FirmState& st, int t,
                      std::uint8_t* ok) const;
  bool coop_eligible(const Prog& p, std::size_t c, const CoopBook& coop) const;
  double cost_of(const Prog& p, std::size_t i, const FirmState& st) const;
  void scan_firms(Prog& p, int t, FirmState& st, CoopBook* coop, ProgrammeEffects& fx);
  void scan_coops(Prog& p, int t, CoopBook& coop, ProgrammeEffects& fx);
  void award(Prog& p, std::size_t i, int t, FirmState& st, CoopBook* coop, ProgrammeEffects& fx);
  void award_coop(Prog& p, std::size_t c, int t, CoopBook& coop, ProgrammeEffects& fx);
  /// Records an award with the firm's state at the start of the month.
  void record_award(const Prog& p, std::size_t i, int t, double cash_rp, double obligations_rp, bool distressed);
  /// Books an outlay: `transfer` reaches firm i (in cash or in kind),
  /// `leakage` does not; administrative cost on both.
  void pay(Prog& p, std::size_t i, int t, const FirmState& st, double transfer, double leakage);
  /// Firm i's ledger cell of programme p (region, class, sector).
  std::size_t cell_of(const Prog& p, std::size_t i, const FirmState& st) const;
  void pay_coop(Prog& p, std::size_t c, int t, const CoopBook& coop, double transfer, double leakage);
  /// The shared part: totals, the ledger cell (3 lines) and the payment row.
  void book(Prog& p, double* cell, int t, std::int32_t firm, std::int32_t coop, double transfer, double leakage);
  void set_factor(Prog& p, std::size_t i, FirmState& st, double factor);
  /// The month's limit on new awards: the programme's monthly capacity and
  /// the kind's own schedule, whichever is smaller (-1: none).
  std::int64_t own_capacity(Prog& p, int t, bool cooperatives);
  /// This month's reach and money of programme p.
  ProgrammeMonth& month_of(const Prog& p);
  /// Approves the loans taken this month under one family of credit offers
  /// (`taken` per chunk; `offer_of` the firms' offers; `prog_of` the
  /// programme of each offer).
  void approve_offers(int t, FirmState& st, std::vector<std::vector<LoanTaken>>& taken,
                      const std::vector<std::int8_t>& offer_of, const std::vector<std::size_t>& prog_of);
  /// Loans per task when the relieved loans are read in parallel, and how
  /// many loans ahead their firms' state is fetched.
  static constexpr std::size_t kReliefChunk = 16384;
  static constexpr std::size_t kPrefetchAhead = 8;
  /// Asks the memory system for what the monthly pass over a relieved loan
  /// reads of firm i.
  static void prefetch_loan(std::size_t i, const FirmState& st);
  /// Likewise for what an award reads and writes.
  static void prefetch_award(const Prog& p, std::size_t i, const FirmState& st);
  void lower_costs(std::size_t i, double saving, ProgrammeEffects& fx);
  std::array<std::uint32_t, 4> draw(const Prog& p, std::size_t i, std::uint32_t time) const;
  /// Firm i's place in the programme's order of service (smaller first).
  Applicant key_of(const Prog& p, std::uint32_t i, int t, const FirmState& st) const;
  /// Puts the first k applicants in order (the rest after them, unordered).
  static void order_first(std::vector<Applicant>& order, std::size_t k);
  /// Puts order[from, from+k) in order, as the smallest of order[from, end).
  static void order_from(std::vector<Applicant>& order, std::size_t from, std::size_t k);
  /// Firms (or cooperatives) in the programme's order of service.
  std::vector<Applicant> in_order(const Prog& p, const std::vector<std::uint32_t>& ids, int t,
                                  const FirmState& st) const;
  std::vector<Applicant> coops_in_order(const Prog& p, const std::vector<std::uint32_t>& ids, int t,
                                        const CoopBook& coop) const;

  std::vector<Prog> progs_;
  std::size_t n_ = 0;
  const Population* pop_ = nullptr;
  FirmParams P_;
  YearMonth start_;
  std::uint64_t seed_ = 0;
  std::uint32_t replication_ = 0;
  int threads_ = 1;
  std::size_t chunk_ = 1;
  std::size_t n_regions_ = 0, n_sectors_ = 0;
  std::vector<double>* cost_factor_ = nullptr;
  std::vector<std::int8_t> kur_of_, guarantee_of_;  // per firm: the offer held this month, -1 none
  std::vector<KurOffer> kur_offers_;
  std::vector<GuaranteeOffer> guarantee_offers_;
  std::vector<std::size_t> kur_prog_, guarantee_prog_;  // the programme of each offer
  std::vector<std::vector<LoanTaken>> kur_taken_, guarantee_taken_;
  // Ledger cells of the month: firms [programme][region][class][sector][line],
  // cooperatives [programme][region][line].
  std::vector<double> cells_, coop_cells_;
  std::vector<LedgerRow> ledger_;
  BlockRows<PaymentRow> payments_;
  BlockRows<AwardRow> awards_;
  std::vector<std::vector<ProgrammeMonth>> months_;  // [month][programme]
};

}  // namespace msmesim::detail
