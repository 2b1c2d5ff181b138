// The programmes' side of a run (docs/model.md §15): who applies, who is
// served within budget, quota and capacity, what each award does to the
// firm, and the government ledger. Runs serially between the firms' months
// except for the eligibility scan, which is parallel over chunks of firms
// and concatenated in firm order, so results do not depend on the thread
// count. Every random draw is keyed by the programme's name, so a programme
// draws the same numbers whatever else a scenario contains.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "detail/annuity.hpp"
#include "msmesim/params.hpp"
#include "msmesim/population.hpp"
#include "msmesim/programme.hpp"
#include "msmesim/state.hpp"

namespace msmesim::detail {

/// What a KUR-subsidy offer changes in the firm's credit search this month.
struct KurOffer {
  double rate_year = 0.0;         ///< what the borrower pays
  double ceiling_micro_rp = 0.0;  ///< largest subsidised loan by class
  double ceiling_small_rp = 0.0;
  Annuity annuity;         ///< at rate_year, KUR term
  Annuity annuity_stored;  ///< at the rate as stored (float), for the installment
};

/// A subsidised KUR loan taken in the firm step.
struct KurTaken {
  std::uint32_t firm;
  double principal_rp;
};

/// Reach and money of one programme in one month.
struct ProgrammeMonth {
  std::int64_t eligible = 0, applicants = 0, new_recipients = 0, beneficiaries = 0, rejected_budget = 0,
               rejected_capacity = 0, rejected_quota = 0;
  double transfer_rp = 0, admin_rp = 0, leakage_rp = 0, committed_rp = 0, spent_to_date_rp = 0,
         budget_left_rp = 0, resale_proceeds_rp = 0;
};

class ProgrammeBook {
 public:
  ProgrammeBook();
  /// Resolves names against the population (errors name the programme's
  /// field); `capacity` is the number of firms the run can hold.
  ProgrammeBook(const std::vector<Programme>& programmes, const Population& pop, const FirmParams& P,
                const YearMonth& run_start, std::size_t capacity, std::uint64_t seed, std::uint32_t replication,
                int threads, std::size_t chunk);

  bool empty() const { return n_ == 0; }
  /// Before the firms' month t: subsidies on running loans, running
  /// benefits, new applicants and awards. Firms whose constant attributes
  /// changed (online share) are appended to `changed`.
  void begin_month(int t, FirmState& st, std::vector<std::uint32_t>& changed);
  /// The KUR-subsidy offer firm i holds this month, or nullptr.
  const KurOffer* kur_offer(std::size_t i) const {
    return offer_.empty() || offer_[i] < 0 ? nullptr : &offers_[static_cast<std::size_t>(offer_[i])];
  }
  /// Where the firm step records subsidised KUR loans: one list per chunk.
  std::vector<KurTaken>& taken(std::size_t chunk) { return taken_[chunk]; }
  /// After the firms' month t: subsidised loans taken, reservations
  /// released, the month's ledger closed.
  void end_month(int t, FirmState& st);

  /// One row of the ledger: a month's outlay of a programme in one cell
  /// (region, size class, sector).
  struct LedgerRow {
    std::int32_t month;
    std::uint16_t programme, region;
    std::uint8_t size_class, sector;
    double transfer_rp, admin_rp, leakage_rp;
  };
  /// One payment to (or on behalf of) a recipient firm.
  struct PaymentRow {
    std::int32_t month;
    std::uint16_t programme;
    std::uint32_t firm;
    double transfer_rp, admin_rp, leakage_rp;
  };
  const std::vector<std::vector<ProgrammeMonth>>& months() const { return months_; }
  const std::vector<LedgerRow>& ledger() const { return ledger_; }
  const std::vector<PaymentRow>& payments() const { return payments_; }
  std::size_t size() const { return n_; }
  const Programme& spec(std::size_t k) const;

 private:
  struct Prog;
  bool eligible(const Prog& p, std::size_t i, const FirmState& st, int t) const;
  double cost_of(const Prog& p, std::size_t i, const FirmState& st) const;
  void scan_and_award(Prog& p, int t, FirmState& st, std::vector<std::uint32_t>& changed);
  void award(Prog& p, std::size_t i, int t, FirmState& st, std::vector<std::uint32_t>& changed);
  void pay_monthly(Prog& p, std::size_t i, int t, FirmState& st);
  /// Books an outlay: `transfer` reaches firm i (in cash or in kind),
  /// `leakage` does not; administrative cost on both.
  void pay(Prog& p, std::size_t i, int t, const FirmState& st, double transfer, double leakage);
  void set_factor(Prog& p, std::size_t i, FirmState& st, double factor);
  struct Applicant {
    double first, second;
    std::uint32_t firm;
  };
  /// Firms in the programme's order of service.
  std::vector<Applicant> in_order(const Prog& p, const std::vector<std::uint32_t>& firms, int t,
                                  const FirmState& st) const;
  std::array<std::uint32_t, 4> draw(const Prog& p, std::size_t i, std::uint32_t time) const;

  std::vector<Prog> progs_;
  std::size_t n_ = 0;
  const Population* pop_ = nullptr;
  FirmParams P_;
  std::uint64_t seed_ = 0;
  std::uint32_t replication_ = 0;
  int threads_ = 1;
  std::size_t chunk_ = 1;
  std::size_t n_regions_ = 0, n_sectors_ = 0;
  std::vector<std::int8_t> offer_;  // per firm: index into offers_ this month, -1 none
  std::vector<KurOffer> offers_;    // one per kur_subsidy programme
  std::vector<std::size_t> offer_prog_;  // the programme of each offer
  std::vector<std::vector<KurTaken>> taken_;
  // Ledger cells of the month: [programme][region][class][sector][line].
  std::vector<double> cells_;
  std::vector<LedgerRow> ledger_;
  std::vector<PaymentRow> payments_;
  std::vector<std::vector<ProgrammeMonth>> months_;  // [month][programme]

 public:
  ~ProgrammeBook();
  ProgrammeBook(ProgrammeBook&&) noexcept;
  ProgrammeBook& operator=(ProgrammeBook&&) noexcept;
};

}  // namespace msmesim::detail
