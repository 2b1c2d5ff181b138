// What the programme book keeps of one programme during a run, and the
// hooks through which a kind acts (its mechanism). The book
// (programme_book.cpp) does what every kind shares — eligibility common to
// all, uptake, order of service, budget, quota and capacity, the ledger —
// and calls a kind's hooks where the kind acts; each kind's hooks are in
// mechanisms.cpp, one section per kind, and the kind's row
// (programme_kind_table) names the hooks it uses.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <vector>

#include "programmes/programme_book.hpp"

namespace msmesim::detail {

/// The attributes an eligibility range can test (eligibility_attributes()).
enum Attr : int { a_revenue, a_assets, a_workers, a_cash, a_online, a_capability, a_fixed, a_unable, a_age };

/// "Until never": a running benefit with no end of its own.
inline constexpr std::int16_t kNever = std::numeric_limits<std::int16_t>::max();
/// The entity word of a cooperative's draws, kept apart from the firms' by
/// its top bit (a cooperative's awareness, arrival and revival).
inline constexpr std::uint32_t kCoopEntity = 0x80000000u;

/// Relief on a loan a firm holds (restructuring, extra KUR subsidy): the
/// loan as it was before.
struct Relief {
  std::uint32_t firm;
  double installment_before;
  float rate_before;
  std::uint16_t months_seen;
  bool repriced;
};

struct Mechanism;

struct Prog {
  Programme spec;
  const Mechanism* mech = nullptr;  // the kind's hooks
  std::uint16_t index = 0;
  std::uint32_t purpose = 0;
  int t0 = 0, t1 = -1;  // window of new awards, month indices
  double amount = 0.0;
  unsigned class_ok = 0, type_ok = 0;
  std::vector<std::uint8_t> sector_ok, region_ok;
  bool some_sectors = false, some_regions = false;  // not every sector (kecamatan) is eligible
  struct Range {
    Attr attr;
    double lo, hi;
  };
  std::vector<Range> ranges;
  double spent = 0.0;      // transfers, administrative cost and leakage paid so far
  double committed = 0.0;  // promised to subsidised loans, not yet paid
  std::int64_t recipients = 0;
  std::vector<std::int16_t> awarded;        // firms: month of the award, -1 none
  std::vector<std::int16_t> first_applied;  // firms: for first_come
  std::vector<float> arrival;               // firms: their random arrival in the month they first applied
  std::vector<std::uint8_t> applies;        // firms: the persistent uptake draw, 0 not drawn yet, 1 applies, 2 not
  std::vector<std::int16_t> coop_awarded;   // cooperatives
  std::vector<double> factor;               // demand factor this programme applies
  std::vector<std::int16_t> until;          // month the benefit or effect ends (exclusive)
  std::vector<std::uint32_t> active;        // firms with a running benefit or effect
  // Loans under offers (KUR subsidy, guarantee).
  int offer = -1;
  double points = 0.0;
  int covered = 0;
  std::vector<std::uint32_t> offered;
  struct Loan {
    std::uint32_t firm;
    std::uint16_t months_left;  // as last seen
    std::uint16_t covered_left;
    double commitment;          // subsidy: outlay still promised
    double principal;           // guarantee: as last seen
  };
  std::vector<Loan> loans;
  std::vector<Relief> relief;  // loans the programme relieves
  std::array<double, kLenders> lender_uptake{};  // restructuring: share of each lender's debtors it serves
  // Certification's yearly count.
  int year = 0;
  std::int64_t this_year = 0;

  double left() const { return spec.budget_rp - spent - committed; }
  /// What of one award (the amount) reaches the recipient, in cash or in
  /// kind, and what leaks.
  double reaching() const { return amount * (1.0 - spec.leakage_share); }
  double leaking() const { return amount * spec.leakage_share; }
  /// Outlay (administration and leakage included) per rupiah reaching a recipient.
  double outlay_per_recipient_rupiah() const { return (1.0 + spec.admin_cost_share) / (1.0 - spec.leakage_share); }
};

/// A kind's mechanism: the hooks the book calls (nullptr: the kind does not
/// act there). Each non-null hook is a ProgrammeHook its row names, and
/// the other way round (tests/cpp/engine/test_programmes.cpp).
struct Mechanism {
  // When the book is made: the kind's own state (its offer's terms, the
  // lenders' shares, its points).
  void (*setup)(ProgrammeBook&, Prog&, std::size_t k) = nullptr;
  // -- eligibility: what the mechanism needs of a firm, on top of the
  // shared tests: narrows ok[0, e - b) for firms [b, e).
  void (*eligible)(const ProgrammeBook&, const Prog&, std::size_t b, std::size_t e, const FirmState&,
                   std::uint8_t* ok) = nullptr;
  // -- eligibility of a cooperative (nullptr: active ones).
  bool (*coop_eligible)(const Prog&, std::size_t c, const CoopBook&) = nullptr;
  // -- award: what an award does to firm i (the book records it).
  void (*award)(ProgrammeBook&, Prog&, std::size_t i, int t, FirmState&, CoopBook*, ProgrammeEffects&) = nullptr;
  // -- award_cooperative: what an award does to cooperative c (the book
  // pays for it and records it).
  void (*award_coop)(ProgrammeBook&, Prog&, std::size_t c, int t, CoopBook&, ProgrammeEffects&) = nullptr;
  // -- credit_offer: the book's per-firm slots of the offers of this
  // family, the outlay a loan taken under the offer commits, and what
  // approval and refusal do.
  std::vector<std::int8_t> ProgrammeBook::*offers = nullptr;
  double (*offer_outlay)(const Prog&, std::size_t i, const FirmState&) = nullptr;
  void (*offer_approved)(ProgrammeBook&, Prog&, std::size_t i, int t, FirmState&, double outlay) = nullptr;
  void (*offer_refused)(const ProgrammeBook&, std::size_t i, FirmState&) = nullptr;
  // -- monthly_benefit: pays firm i's benefit this month.
  void (*pay_monthly)(ProgrammeBook&, Prog&, std::size_t i, int t, FirmState&) = nullptr;
  // -- loan_upkeep: the month's pass over the loans the programme holds.
  void (*upkeep)(ProgrammeBook&, Prog&, int t, FirmState&, ProgrammeMonth&) = nullptr;
  // -- demand: the kind keeps a demand factor per firm; whether it is
  // temporary (the firm knows it ends; nullptr: lasting).
  bool changes_demand = false;
  bool (*temporary)(const Prog&) = nullptr;
  // Benefits or effects that end at a month of their own (until).
  bool expires = false;
  // -- firm_cost: what an award to firm i costs, outlay included.
  double (*cost)(const Prog&, std::size_t i, const FirmState&) = nullptr;
  // -- own_capacity: the month's own limit on awards (-1 none), and
  // whether no award at all can be made this month (applicants only
  // counted).
  std::int64_t (*capacity)(const ProgrammeBook&, Prog&, int t, bool cooperatives) = nullptr;
  bool (*full)(const ProgrammeBook&, const Prog&, int t) = nullptr;

  /// The hooks set, as ProgrammeKindInfo::hooks bits.
  std::uint32_t hooks() const;
};

/// The mechanism of `kind` (mechanisms.cpp).
const Mechanism& mechanism_of(ProgrammeKind kind);

/// Narrows ok[0, n) to the firms b + j that pass `test`: a straight loop
/// the compiler vectorises.
template <class Test>
inline void keep_if(std::uint8_t* ok, std::size_t b, std::size_t n, Test&& test) {
  for (std::size_t j = 0; j < n; ++j) ok[j] = static_cast<std::uint8_t>(ok[j] & (test(b + j) ? 1 : 0));
}

/// Monday-to-Friday days of a calendar month.
int weekdays(const YearMonth& ym);

}  // namespace msmesim::detail
