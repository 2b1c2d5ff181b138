// The behavioural parameters of firms, declared once. Each entry of
// MSMESIM_FIRM_PARAMS gives: name, default, minimum, maximum (inclusive), unit,
// whether it must be a whole number, a description and the source of the
// default. The same list generates the FirmParams fields, the validation, the
// by-name access used by Python and scenario files, and docs/parameters.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>

namespace msmesim {

inline constexpr double kInf = std::numeric_limits<double>::infinity();

// clang-format off
#define MSMESIM_FIRM_PARAMS(X) \
  /* revenue */ \
  X(revenue_noise_sd, 0.10, 0.0, 2.0, "log-sd", false, \
    "Month-to-month idiosyncratic revenue noise: revenue is multiplied by a mean-one lognormal with this log standard deviation.", \
    "Assumption (typical month-to-month volatility of small retail and food sales).") \
  X(growth_drift_year, 0.0, -0.5, 0.5, "1/year", false, \
    "Drift of each firm's potential (long-run) revenue, as a yearly log growth rate.", \
    "Assumption: flat real demand, so that the revenue index isolates the shock and a run without shocks stands still.") \
  X(growth_sd_year, 0.07, 0.0, 1.0, "log-sd/year", false, \
    "Persistent firm-level revenue shocks: the yearly log-sd of the innovations of each firm's revenue level around its potential; with the reversion below they drive class changes both ways and ordinary exits.", \
    "Assumption.") \
  X(revenue_reversion_half_life_months, 24.0, 0.0, 1200.0, "months", false, \
    "Half-life of a firm's revenue level's return to its potential: level' = ((1 - r) level + r potential) x innovation, r = 1 - 2^(-1/half-life); 0 returns at once.", \
    "Assumption (micro-enterprise sales shocks are persistent but mean-reverting; a pure random walk would make a run without shocks drift).") \
  X(capacity_slack, 0.25, 0.0, 5.0, "share", false, \
    "Output a firm can produce above its initial revenue per worker before it must hire.", \
    "Assumption.") \
  X(expectation_weight, 0.5, 0.0, 1.0, "weight", false, \
    "Weight of the latest month in the firm's smoothed expectation of its revenue (used for labour decisions).", \
    "Assumption (adaptive expectations).") \
  X(depreciation_rate_year, 0.125, 0.0, 1.0, "1/year", false, \
    "Yearly wear of business assets (equipment, tools, vehicles): assets fall by this share a year, straight-line on the current value.", \
    "Law 36/2008 on income tax art. 11: group-2 business assets (8-year useful life) depreciate 12.5 % a year; the tools and equipment of micro firms are taken as group 2.") \
  X(investment_trigger, 0.2, 0.01, 1.0, "share of target assets", false, \
    "A firm replaces worn assets when they have fallen this share below its target (target = capital intensity x expected revenue / (1 - trigger/2)); it then buys back to the target at once, from cash above its buffer and, for the rest, credit.", \
    "Assumption (equipment is bought in lumps; with capacity_slack 0.25 the capital constraint starts to bind a little after the trigger).") \
  X(shipping_cost_share, 0.08, 0.0, 1.0, "share of online sales", false, \
    "Shipping and platform logistics cost paid on online sales.", \
    "Assumption (marketplace logistics typically 5-10 % of order value).") \
  X(owner_draw_share, 0.8, 0.0, 1.0, "share of profit", false, \
    "Share of a month's positive profit the owner withdraws for the household.", \
    "Assumption (household and business cash are mixed in micro firms).") \
  X(subsistence_share, 0.3, 0.0, 1.0, "share of baseline profit", false, \
    "Minimum monthly withdrawal for the household, as a share of the firm's pre-shock profit, taken while cash allows; depletes working capital in a downturn (seed 000 §5.1: 'unavailability of capital to restart the business').", \
    "Assumption.") \
  /* shock channels */ \
  X(distribution_cost_uplift, 1.0, 0.0, 10.0, "x severity", false, \
    "Rise of shipping cost per unit distribution-shock severity (severity 0.3 and uplift 1 raise it by 30 %).", \
    "Assumption.") \
  X(raw_material_price_pass, 0.5, 0.0, 10.0, "x severity", false, \
    "Rise of variable (input) cost per unit raw-material-shock severity.", \
    "Assumption.") \
  X(raw_material_output_cap, 0.5, 0.0, 1.0, "x severity", false, \
    "Loss of production capacity per unit raw-material-shock severity.", \
    "Assumption.") \
  X(receivable_delay_max, 0.5, 0.0, 1.0, "share of revenue", false, \
    "Share of a month's revenue paid one month late at full capital/liquidity-shock severity.", \
    "Assumption (MODEL §4: the capital channel delays receivables).") \
  X(linkage_strength, 1.0, 0.0, 1.0, "share", false, \
    "Scale of input-output spill-overs between sectors (0 switches them off).", \
    "Assumption (MODEL §4 sector linkages).") \
  /* credit */ \
  X(cash_buffer_months, 1.0, 0.0, 24.0, "months", false, \
    "A firm seeks credit when its cash would fall below this many months of wages, fixed costs and debt service.", \
    "Assumption.") \
  X(credit_request_revenue_months, 1.0, 0.0, 120.0, "months of revenue", false, \
    "A firm seeking credit asks for at least this many months of its baseline revenue (working-capital loans are sized to the business), or its shortfall if larger, up to each lender's ceiling.", \
    "Assumption (KUR super-micro loans run up to Rp 10 million, about 1.5 months of an average micro firm's revenue).") \
  X(max_debt_service_share, 0.5, 0.0, 10.0, "share of pre-shock profit", false, \
    "Lenders cap a loan so that its installment, with any debt service already due, stays within this share of the firm's pre-shock monthly profit (repayment capacity).", \
    "Assumption (banks commonly cap debt service at 30-50 % of income).") \
  X(distressed_approval_factor, 0.5, 0.0, 1.0, "factor", false, \
    "Multiplies the approval odds of formal lenders (cooperative, KUR, bank) for a firm already in distress.", \
    "Assumption.") \
  X(coop_rate_year, 0.18, 0.0, 5.0, "1/year", false, \
    "Interest rate of cooperative (savings and loan) credit to members.", \
    "Assumption (savings-and-loan cooperatives typically charge about 1.5 % a month).") \
  X(coop_approval, 0.7, 0.0, 1.0, "probability", false, \
    "Approval odds of a member's loan request at a liquid cooperative.", \
    "Assumption.") \
  X(coop_term_months, 12, 1, 360, "months", true, \
    "Term of cooperative loans.", "Assumption.") \
  X(coop_ceiling_revenue_months, 2.0, 0.0, 120.0, "months of revenue", false, \
    "Cooperative loan ceiling in months of the firm's baseline revenue.", "Assumption.") \
  X(coop_tightening, 0.5, 0.0, 1.0, "x severity", false, \
    "Fall of cooperative approval odds per unit capital-shock severity.", "Assumption.") \
  X(kur_rate_year, 0.06, 0.0, 5.0, "1/year", false, \
    "Borrower rate of KUR (people's business credit).", \
    "MODEL §7: 6 % a year in 2020 (7 % in 2019), Permenko 15/2020.") \
  X(kur_approval, 0.6, 0.0, 1.0, "probability", false, \
    "Approval odds of an eligible KUR application.", "Assumption.") \
  X(kur_term_months, 24, 1, 360, "months", true, \
    "Term of KUR working-capital loans.", "Assumption (KUR working-capital loans run up to 3 years).") \
  X(kur_ceiling_micro_rp, 50e6, 0.0, kInf, "Rp", false, \
    "KUR ceiling for micro firms.", "MODEL §7: micro KUR Rp 10-50 million (Permenko 15/2020).") \
  X(kur_ceiling_small_rp, 500e6, 0.0, kInf, "Rp", false, \
    "KUR ceiling for small and larger firms.", "MODEL §7: small KUR up to Rp 500 million.") \
  X(kur_requires_registered, 1, 0, 1, "flag", true, \
    "1 if only registered firms (NIB) may apply for KUR.", "Assumption (KUR requires business legality).") \
  X(kur_tightening, 0.3, 0.0, 1.0, "x severity", false, \
    "Fall of KUR approval odds per unit capital-shock severity.", "Assumption (KUR is state-guaranteed, so tightens less than bank credit).") \
  X(bank_rate_year, 0.12, 0.0, 5.0, "1/year", false, \
    "Rate of commercial bank working-capital credit.", "Assumption.") \
  X(bank_approval, 0.45, 0.0, 1.0, "probability", false, \
    "Approval odds of a collateralised bank application.", "Assumption.") \
  X(bank_term_months, 36, 1, 360, "months", true, "Term of bank loans.", "Assumption.") \
  X(bank_collateral_ratio, 1.25, 0.0, 100.0, "x loan", false, \
    "Business assets required per rupiah lent by a bank; caps the loan at assets / ratio.", "Assumption.") \
  X(bank_ceiling_revenue_months, 6.0, 0.0, 120.0, "months of revenue", false, \
    "Bank loan ceiling in months of the firm's baseline revenue.", "Assumption.") \
  X(bank_requires_registered, 1, 0, 1, "flag", true, \
    "1 if only registered firms may borrow from banks.", "Assumption.") \
  X(bank_tightening, 0.7, 0.0, 1.0, "x severity", false, \
    "Fall of bank approval odds per unit capital-shock severity.", "Assumption.") \
  X(informal_rate_year, 0.30, 0.0, 50.0, "1/year", false, \
    "Rate of informal credit (family, arisan, moneylenders), blended.", "Assumption (2.5 % a month).") \
  X(informal_approval, 0.8, 0.0, 1.0, "probability", false, \
    "Odds that informal credit is found.", "Assumption.") \
  X(informal_term_months, 12, 1, 360, "months", true, "Term of informal loans.", "Assumption.") \
  X(informal_ceiling_revenue_months, 1.0, 0.0, 120.0, "months of revenue", false, \
    "Informal loan ceiling in months of the firm's baseline revenue.", "Assumption.") \
  X(informal_tightening, 0.2, 0.0, 1.0, "x severity", false, \
    "Fall of informal approval odds per unit capital-shock severity.", "Assumption.") \
  /* distress, closure, labour */ \
  X(closure_after_months, 6, 1, 120, "months", true, \
    "A firm closes (insolvency) after this many consecutive months in which it could not pay its suppliers or lenders in full.", \
    "OJK's asset-quality classes: a loan more than 180 days overdue is 'macet' (collectability 5, POJK 40/POJK.03/2019); MODEL §3: configurable.") \
  X(owner_exit_rate_year_micro, 0.05, 0.0, 1.0, "1/year", false, \
    "Yearly odds that the owner of a micro firm closes it for reasons outside the business (takes a job, moves, illness, the household's needs), whatever its finances.", \
    "McKenzie & Paffhausen (2019, Rev. Econ. Stat. 101(4)): small firms in 16 panels of 12 developing countries die at 8.2 % a year, for occupational-choice and household reasons as well as losses; with the endogenous exits below, all firms close at about 9.6 % a year in a run without shocks, those without loans at about 6 % (docs/validation.md).") \
  X(owner_exit_rate_year_small, 0.03, 0.0, 1.0, "1/year", false, \
    "As owner_exit_rate_year_micro, for small firms.", \
    "McKenzie & Paffhausen (2019): death rates fall with firm size; size an assumption.") \
  X(owner_exit_rate_year_medium, 0.02, 0.0, 1.0, "1/year", false, \
    "As owner_exit_rate_year_micro, for medium and large firms.", "Assumption (falling with size, McKenzie & Paffhausen 2019).") \
  X(viability_income_share, 0.3, 0.0, 10.0, "share of pre-shock profit", false, \
    "The business no longer supports the household when its expected monthly income (expected revenue less costs and interest) falls below this share of its pre-shock profit.", \
    "Assumption (the household's subsistence draw, subsistence_share).") \
  X(unviable_grace_months, 6, 0, 120, "months", true, \
    "Months of low income an owner waits out before considering closing (a bad spell may pass).", \
    "Assumption: owners held on through the first months of the pandemic (BPS's July 2020 survey of businesses: about one in ten micro and small firms had stopped operating; UNDP's August 2021 survey of 3,011 MSMEs: 24 % not operating, most of them for two weeks to six months).") \
  X(unviable_patience_months, 12.0, 1.0, 120.0, "months", false, \
    "Mean months an owner keeps a business that does not support the household, after the grace months, before closing it: each month of low income beyond them the owner closes it with odds 1 / this.", \
    "Assumption (McKenzie & Paffhausen 2019: less profitable firms die more often).") \
  X(liquidation_value_share, 0.5, 0.0, 1.0, "share of assets", false, \
    "Share of its assets' book value a closing firm raises by selling them; with its cash it repays its loans (formal first), and what is not repaid is written off.", \
    "Assumption (second-hand equipment sells below book value).") \
  X(reentry_monthly_prob, 0.0, 0.0, 1.0, "probability", false, \
    "Monthly odds that a closed firm reopens once its demand has recovered (0: closure is final).", \
    "MODEL §3: closure is final unless a re-entry rule is configured.") \
  X(reentry_min_demand, 0.9, 0.0, 10.0, "share of pre-shock", false, \
    "Demand (share of pre-shock) a closed firm's market must have regained before it may reopen.", "Assumption.") \
  X(layoff_lag_months, 1, 0, 120, "months", true, \
    "Months of distress with more workers than needed before the firm lays off.", "Assumption.") \
  X(layoff_speed, 0.5, 0.0, 1.0, "share of gap", false, \
    "Share of the excess workforce laid off once the lag has passed.", "Assumption.") \
  X(hire_speed, 0.34, 0.0, 1.0, "share of gap", false, \
    "Share of the missing workforce re-hired a month when the firm is not in distress.", "Assumption.") \
  /* entry */ \
  X(entry_rate_month, -1.0, -1.0, 1.0, "entrants per initial firm per month", false, \
    "New firms a month, as a share of the initial population (Poisson); -1: as many as the population's baseline exits (measured when it was burnt in; 8.2 %/12 a month for a population that was not) plus net_entry_rate_month, so that entry balances exit in a run without shocks.", \
    "Entry balances exit (docs/model.md §9).") \
  X(net_entry_rate_month, 4.655e-5, -0.01, 0.01, "firms per initial firm per month", false, \
    "Net growth of the number of firms a month (entries beyond the baseline exits) when entry_rate_month is -1.", \
    "Seed 000 §5.2: the office records 20-50 more SMEs a month in Bogor; 35 / 751,888 firms.") \
  X(entry_refill_months, 12, 0, 600, "months", false, \
    "Beyond the baseline, new firms take the places of firms lost since the start: each month the shortfall of open firms against the start, divided by this, times the share of demand the shocks leave (0: no such entry).", \
    "Assumption, from the ministry's MSME counts: down 2 % in 2020 and back at the 2019 level in 2021 (Kemenkop, 65.47 M in 2019, 64.19 M in 2020, 65.46 M in 2021).") \
  X(entry_refill_max_share, 0.3, 0.0, 10.0, "share of initial firms", false, \
    "Most firms that enter beyond the baseline over a run, as a share of the initial firms (room for them is reserved when the run starts).", \
    "Assumption (a bound on memory; the Bogor preset uses about a tenth of it).") \
  X(entrant_revenue_factor, 0.8, 0.01, 1.0, "x potential revenue", false, \
    "Revenue level a new firm starts at, relative to its potential (it grows towards it at the pace of revenue_reversion_half_life_months); its workers and assets start at the same scale.", \
    "Assumption (young firms start below their size and grow fastest in their first years).") \
  X(affected_min_share, 0.01, 0.0, 1.0, "share of expected revenue", false, \
    "A firm counts as affected by the shocks (and names a main problem) when its costliest channel costs it at least this share of its expected monthly revenue.", \
    "Assumption (a survey respondent reports a problem it notices; Table 1 counts affected MSMEs).") \
  /* cooperatives (docs/model.md §14) */ \
  X(coop_reserve_ratio, 0.10, 0.0, 1.0, "share of deposits", false, \
    "Cash a cooperative keeps against its members' deposits; it lends only what it holds above this.", \
    "Assumption (savings-and-loan cooperatives keep a liquidity reserve; the ministry's health rating scores cash against short-term liabilities).") \
  X(coop_deposit_inflow_month, 0.008, 0.0, 1.0, "share of deposits per month", false, \
    "Members' new voluntary deposits a month, as a share of deposits held.", \
    "Assumption: equal to the normal withdrawals, so that deposits stand still without a shock.") \
  X(coop_withdrawal_month, 0.008, 0.0, 1.0, "share of deposits per month", false, \
    "Members' withdrawals a month in normal times, as a share of deposits held.", "Assumption.") \
  X(coop_withdrawal_capital_sensitivity, 0.05, 0.0, 10.0, "per unit capital stress", false, \
    "Extra share of deposits withdrawn a month per unit of capital (liquidity) stress — the month's mean capital-shock severity.", \
    "Seed 000 §5.2 and MODEL §3: members withdraw deposits under stress; size an assumption.") \
  X(coop_withdrawal_distress_sensitivity, 0.05, 0.0, 10.0, "per distressed member share", false, \
    "Extra share of deposits withdrawn a month per unit share of the cooperative's member firms in distress.", "Assumption.") \
  X(coop_household_term_months, 12, 1, 360, "months", true, \
    "Term of the cooperative's loans to members who run no firm of the population (households).", "Assumption.") \
  X(coop_household_arrears, 0.03, 0.0, 1.0, "share of repayments", false, \
    "Share of household members' scheduled repayments missed in normal times.", "Assumption.") \
  X(coop_household_arrears_sensitivity, 0.6, 0.0, 10.0, "per unit stress", false, \
    "Extra share of household repayments missed per unit of capital stress.", "Assumption.") \
  X(coop_gross_margin, 0.12, 0.0, 1.0, "share of volume", false, \
    "Gross margin of a cooperative's trading business; surplus falls by this share of lost business volume.", "Assumption.") \
  X(coop_active_rat_years, 3, 1, 8, "book years", true, \
    "A cooperative is active when it held its members' meeting (RAT) in at least coop_active_rat_min of the last this many book years.", \
    "Seed 003 (three years).") \
  X(coop_active_rat_min, 1, 1, 8, "meetings", true, \
    "Meetings within the window an active cooperative must have held (3 with a 3-year window: seed 003's strict rule).", \
    "Table 5: 589 active but 203 RATs in 2019 fits one meeting in three years (docs/model.md §14).") \
  X(coop_rat_prob_routine, 0.3, 0.0, 1.0, "probability per year", false, \
    "Odds that an active cooperative whose status is not at stake holds its annual members' meeting (RAT) for a book year.", \
    "Assumption: with the due-year odds below, about 210 cooperatives hold a RAT in a year without shock besides the new ones' founding meetings (Table 5: 203 in 2019).") \
  X(coop_rat_prob_due_healthy, 0.4, 0.0, 1.0, "probability per year", false, \
    "Odds that a sound active cooperative holds its RAT in the year it would otherwise lose its active status (solvent, liquid, with a surplus).", \
    "Assumption: with about 60 cooperatives founded a year, keeps the number of active ones near 589-640 over three years without shock.") \
  X(coop_rat_prob_due_unhealthy, 0.3, 0.0, 1.0, "probability per year", false, \
    "As coop_rat_prob_due_healthy, for a cooperative that is not sound.", "Assumption.") \
  X(coop_rat_prob_inactive, 0.02, 0.0, 1.0, "probability per year", false, \
    "Odds that an inactive cooperative holds a RAT (revives).", "Assumption.") \
  X(coop_rat_disruption, 3.0, 0.0, 20.0, "per unit stress", false, \
    "Fall in the odds of holding a RAT per unit of the year's mean sales stress (a cooperative whose members' business is in trouble postpones its meeting), besides the restrictions on gatherings (Scenario::restrictions), which block physical meetings.", \
    "Calibrated: with it and the preset's restrictions the Bogor COVID-19 preset goes from 589 active cooperatives (2019) to 540 at the end of 2020 (mean of seeds 1-5); seed 000 Tables 2-3 record 540.") \
  X(coop_entry_rate_month, 0.002978, 0.0, 1.0, "new cooperatives per initial cooperative per month", false, \
    "Cooperatives founded a month, as a share of the initial cooperatives (Poisson), before the disruption below.", \
    "Seed 000 §5.2 and Table 5: about 5 a month, 59 new cooperatives in 2019; 59 / 1,651 / 12.") \
  X(coop_entry_disruption, 2.5, 0.0, 20.0, "per unit stress", false, \
    "Fall in the founding rate per unit of the month's mean sales stress.", \
    "Calibrated: seed 000 Tables 4-5 give 1,651 cooperatives in 2019 and 1,690 in 2020, 39 founded in 2020 against 59 in 2019; the preset founds 39 in 2020 (mean of seeds 1-5).") \
  X(coop_entrant_members, 20, 1, 100000, "members", true, \
    "Members of a new cooperative; its capital, deposits and business are those of an existing active cooperative per member.", \
    "Law 25/1992 art. 6: a primary cooperative is founded by at least 20 persons.") \
  X(coop_shu_member_share, 0.4, 0.0, 1.0, "share of SHU", false, \
    "Share of a positive surplus (SHU) paid out to members after the RAT, in proportion to their transactions.", \
    "Law 25/1992 art. 45 (SHU shared by members' services after reserves); 40 % is the members' share of a typical cooperative's statutes (AD/ART: reserves 40 %, members 40 %, management, staff, education, social and area funds 5 % each).") \
  X(coop_shu_reserve_share, 0.4, 0.0, 1.0, "share of SHU", false, \
    "Share of a positive SHU a cooperative keeps as reserves (own capital) after the RAT; the rest, besides the members' share, goes to its management, staff, education, social and area funds and leaves its books.", \
    "Law 25/1992 art. 45 (reserves set by the members' meeting); 40 % as in a typical cooperative's statutes (AD/ART). Reserves are the one part of a cooperative's books that grows in a run without shock.") \
  X(joint_buying_discount, 0.05, 0.0, 1.0, "share of input cost", false, \
    "Input-cost saving on what a member firm buys through its cooperative's joint buying.", \
    "Seed 000 §5.4 (joint buying); size an assumption.") \
  X(joint_buying_share, 0.3, 0.0, 1.0, "share of inputs", false, \
    "Share of a member firm's inputs bought jointly through an active producer, consumer or marketing cooperative.", "Assumption.") \
  X(joint_selling_uplift, 0.03, 0.0, 1.0, "share of demand", false, \
    "Extra demand for a member firm of an active producer or marketing cooperative that sells jointly (a wider market).", \
    "Seed 000 §5.4 (joint selling); size an assumption.") \
  X(producer_supply_share, 0.1, 0.0, 1.0, "share of volume", false, \
    "Share of an active consumer cooperative's business volume supplied by active producer cooperatives of its kecamatan.", \
    "Seed 000 §5.4 (a production cooperative supplies a consumer cooperative); size an assumption.") \
  X(joint_financing_share, 0.0, 0.0, 1.0, "share of free funds", false, \
    "Share of an active savings-and-loan cooperative's free funds (cash above its reserve plus what it has already placed) that it places with other cooperatives through joint financing; 0 switches joint financing off.", \
    "Seed 000 §5.4 (financing cooperatives share capital with production cooperatives; proposed there, so off in the Bogor preset).") \
  X(joint_financing_rate_year, 0.12, 0.0, 5.0, "1/year", false, \
    "Interest a cooperative pays on joint financing from other cooperatives.", \
    "Assumption (below the 18 % cooperatives charge their members).") \
  X(joint_financing_term_months, 24, 1, 360, "months", true, \
    "A borrowing cooperative repays 1/term of its joint-financing debt a month, with the interest.", "Assumption.") \
  X(joint_financing_capital_multiple, 1.0, 0.0, 100.0, "x own capital", false, \
    "A cooperative owes through joint financing at most this multiple of its own capital.", \
    "Assumption (lenders share capital with cooperatives of sound equity).") \
  X(joint_financing_scope, 1, 0, 1, "0 or 1", true, \
    "Network of joint financing: 0 the cooperatives of each kecamatan, 1 all the population's cooperatives (the regency).", \
    "Seed 000 §5.4 (cooperative networking); the regency network an assumption.")
// clang-format on

/// Behavioural parameters of firms. Defaults are the built-in values; see
/// docs/parameters.md for units, ranges and sources.
struct FirmParams {
#define MSMESIM_DECLARE_PARAM(name, def, lo, hi, unit, integer, desc, source) double name = def;
  MSMESIM_FIRM_PARAMS(MSMESIM_DECLARE_PARAM)
#undef MSMESIM_DECLARE_PARAM

  /// Throws InvalidArgument naming the first parameter out of range.
  void validate() const;
  /// Value by name; throws InvalidArgument for an unknown name.
  double get(std::string_view name) const;
  /// Sets by name after checking range and integrality.
  void set(std::string_view name, double value);
};

/// One row of a parameter table.
struct ParamInfo {
  std::string_view name;
  double default_value;
  double min;
  double max;
  std::string_view unit;
  bool integer;
  std::string_view description;
  std::string_view source;
};

/// The table behind FirmParams, in declaration order.
std::span<const ParamInfo> firm_param_table();

/// Validates one value against a table row; `field` is how errors name it.
void validate_param(const ParamInfo& info, double value, const std::string& field);
/// The largest value of a whole field as an integer (an unbounded one: the
/// largest 64-bit integer).
std::int64_t whole_max(const ParamInfo& row);
/// The row called `name` of a field table; InvalidArgument on `field`
/// naming the table's fields otherwise.
std::size_t field_index(std::span<const ParamInfo> table, std::string_view name, const std::string& field);
/// Checks a field of a struct (a shock's, a programme's) against its table
/// row: a whole field holds an integer in range ("an integer in [lo, hi]"),
/// any other a finite number in range; `field` is how errors name it.
void validate_field(const ParamInfo& row, double value, const std::string& field);

/// Closest name in `candidates` to `name` (for "did you mean" hints), or "".
std::string closest_name(std::string_view name, std::span<const std::string_view> candidates);
/// " (did you mean 'x'?)" for the candidate closest to `name`, or "".
std::string did_you_mean(std::string_view name, std::span<const std::string_view> candidates);
/// Throws InvalidArgument on `field` for an unknown `name`: allowed "one of
/// <candidates>", with the closest as a hint.
[[noreturn]] void throw_unknown_name(const std::string& field, std::string_view name,
                                     std::span<const std::string_view> candidates);

}  // namespace msmesim
