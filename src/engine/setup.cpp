// Building a run: the engine's state from a population and a scenario
// (shocks resolved against the population, the entry plan, cooperatives
// and programmes).
#include "engine/impl.hpp"

#include <boost/math/distributions/poisson.hpp>

#include <bit>

namespace msmesim {

/// Refuses, before allocating, a run whose state and results would not
/// fit in the memory available (ResourceLimit on `population`).
void Simulation::Impl::require_memory_for(std::size_t capacity) const {
  FirmState one;
  one.resize(1, shocks.size());
  // The state, the engine's per-firm arrays (about 72 bytes), the
  // programmes' (at most 24 bytes each), the flows and the microdata.
  auto per_firm = static_cast<std::int64_t>(one.memory_bytes()) + 72 +
                  24 * static_cast<std::int64_t>(sc.programmes.size());
  if (opt.record_flows) per_firm += 18 * 8 + 1;
  if (opt.microdata) per_firm += 96;
  const auto months = static_cast<std::int64_t>(sc.months);
  const auto cells = static_cast<std::int64_t>(n_regions + n_sectors + kSizeClasses + 1);
  std::int64_t outputs = months * cells * 64 * 8;
  if (opt.cooperative_panel) outputs += months * static_cast<std::int64_t>(pop->cooperatives.region.size()) * 40 * 8;
  const std::int64_t bytes = static_cast<std::int64_t>(capacity) * per_firm + outputs;
  detail::require_bytes("population", std::to_string(initial) + " firms",
                        bytes,
                        "a run of " + std::to_string(capacity) + " firms (entrants included) for " +
                            std::to_string(months) + " months (" + std::to_string(per_firm) + " bytes a firm" +
                            (opt.microdata ? ", microdata included: microdata=false saves 96" : "") +
                            (opt.record_flows ? ", flows recorded" : "") + ")");
}

Simulation::Impl::Impl(const Population& p, const Scenario& s, RunOptions o, bool burning_in)
    : pop(&p), sc(s), opt(std::move(o)), burn_in(burning_in) {
  p.validate();
  sc.validate();
  if (opt.threads < 0)
    throw InvalidArgument("threads", std::to_string(opt.threads), "an integer >= 0 (0 uses every core)");
  threads = detail::resolve_threads(opt.threads);
  P = sc.params;
  const double rates[kLenders] = {P.coop_rate_year, P.kur_rate_year, P.bank_rate_year, P.informal_rate_year};
  const double terms[kLenders] = {P.coop_term_months, P.kur_term_months, P.bank_term_months, P.informal_term_months};
  for (int l = 0; l < kLenders; ++l) {
    const auto li = static_cast<std::size_t>(l);
    annuity[li] = Annuity(rates[l], static_cast<int>(terms[l]));
    annuity_stored[li] = Annuity(static_cast<double>(static_cast<float>(rates[l])), static_cast<int>(terms[l]));
  }
  n_sectors = p.sector_names.size();
  n_regions = p.region_names.size();
  initial = p.size();
  if (static_cast<std::int64_t>(sc.months) > 32000)
    throw InvalidArgument("months", std::to_string(sc.months), "at most 32000");
  compile_shocks();
  make_drawer();
  plan_entries();
  panel_month.assign(static_cast<std::size_t>(sc.months), 0);
  for (int m : opt.panel_months) {
    if (m < 0 || m >= sc.months)
      throw InvalidArgument("panel_months", std::to_string(m),
                            "month indices from 0 to " + std::to_string(sc.months - 1));
    panel_month[static_cast<std::size_t>(m)] = 1;
  }
  const std::size_t capacity = initial + static_cast<std::size_t>(total_entries());
  if (capacity > static_cast<std::size_t>(kMaxFirms))
    throw InvalidArgument("entry_rate_month", detail::format_value(P.entry_rate_month),
                          "a rate that keeps the population below " + std::to_string(kMaxFirms) + " firms");
  require_memory_for(capacity);
  st.resize(capacity, shocks.size());
  if (opt.record_flows) flows.resize(capacity);
  productivity_rp.assign(capacity, 0.0);
  base_profit_rp.assign(capacity, 0.0);
  cash_target_rp.assign(capacity, 0.0);
  working_capital_rp.assign(capacity, 0.0);
  cash_months.assign(capacity, 0.0f);
  init_initial_firms();
  compute_references();
  if (sc.input_output && P.linkage_strength > 0) linkage = Linkage(*sc.input_output, p.sector_names, base_by_sector);
  n_cells = n_regions * n_sectors * kSizeClasses;
  use_cells = n_cells <= kMaxCells;
  cell.assign(capacity, 0);
  if (use_cells)
    for (std::size_t i = 0; i < initial; ++i) cell[i] = cell_index(i);
  init_cooperatives();
  if (!sc.programmes.empty())
    programmes = detail::ProgrammeBook(sc.programmes, *pop, P, sc.start, capacity, opt.seed, opt.replication,
                                       threads, kChunk, &cost_factor);
  acc.assign(static_cast<std::size_t>(threads),
             std::vector<std::int64_t>(acc_size() + n_coops * detail::kCoopFields, 0));
  monthly.reserve(static_cast<std::size_t>(sc.months));
  groups.reserve(static_cast<std::size_t>(sc.months));
}

// The cooperatives' books, and the joint buying and selling their member
// firms enjoy while the cooperative is active.
void Simulation::Impl::init_cooperatives() {
  n_coops = pop->cooperatives.size();
  const std::size_t capacity = st.region.size();
  base_vcs.assign(capacity, 0.0f);
  std::copy(pop->variable_cost_share.begin(), pop->variable_cost_share.end(), base_vcs.begin());
  cost_factor.assign(capacity, 1.0);
  coop_txn_rp.assign(capacity, 0.0);
  joint.assign(capacity, 0);
  if (n_coops == 0) return;
  std::vector<std::int64_t> members(n_coops, 0);
  std::vector<double> firm_loans(n_coops, 0.0);
  for (std::size_t i = 0; i < initial; ++i) {
    const auto c = st.cooperative[i];
    if (c < 0) continue;
    ++members[static_cast<std::size_t>(c)];
    if (st.loan_lender[i] == static_cast<std::uint8_t>(Lender::cooperative))
      firm_loans[static_cast<std::size_t>(c)] += st.loan_principal_rp[i];
  }
  // The population's active flags must follow the run's rule for being
  // active, or the first year end would silently redefine them.
  const auto& co = pop->cooperatives;
  const unsigned window = (1u << static_cast<int>(P.coop_active_rat_years)) - 1u;
  for (std::size_t c = 0; c < n_coops; ++c) {
    const int held = std::popcount(static_cast<unsigned>(co.rat_history[c]) & window);
    if ((held >= static_cast<int>(P.coop_active_rat_min)) != (co.active[c] != 0))
      throw InvalidArgument(
          "coop_active_rat_min", detail::format_value(P.coop_active_rat_min),
          "a rule under which the population's cooperatives are active as they are (cooperative " +
              std::to_string(c) + " is " + (co.active[c] ? "active" : "inactive") + " with " + std::to_string(held) +
              " RAT(s) in the last " + detail::format_value(P.coop_active_rat_years) +
              " years); match the population's rule (CooperativeSpec.active_rat_min, active_rat_years)");
  }
  coop = detail::CoopBook(pop->cooperatives, members, firm_loans, P, sc.months);
  for (std::size_t i = 0; i < initial; ++i)
    if (st.cooperative[i] >= 0) apply_joint(i);
}

// Sets firm i's joint effects to what its cooperative offers now.
void Simulation::Impl::apply_joint(std::size_t i) {
  const auto c = static_cast<std::size_t>(st.cooperative[i]);
  const std::uint8_t want =
      static_cast<std::uint8_t>((coop.joint_buying(c) ? 1u : 0u) | (coop.joint_selling(c) ? 2u : 0u));
  const std::uint8_t had = joint[i];
  if (want == had) return;
  const double buying = (want & 1u) ? 1.0 - P.joint_buying_discount * P.joint_buying_share : 1.0;
  st.variable_cost_share[i] = static_cast<float>(static_cast<double>(base_vcs[i]) * buying * cost_factor[i]);
  const double uplift = 1.0 + P.joint_selling_uplift;
  // A wider market lasts while the cooperative sells jointly: the
  // potential moves with the level.
  if ((want & 2u) && !(had & 2u)) {
    st.level_rp[i] *= uplift;
    st.expected_rp[i] *= uplift;
    st.potential_rp[i] *= uplift;
  } else if (!(want & 2u) && (had & 2u)) {
    st.level_rp[i] /= uplift;
    st.expected_rp[i] /= uplift;
    st.potential_rp[i] /= uplift;
  }
  joint[i] = want;
  derive_constants(i);
}

// Firm i's variable-cost share after a programme changed its factor (or
// its online share), and the constants that depend on it.
void Simulation::Impl::refresh_costs(std::size_t i) {
  const double buying = (joint[i] & 1u) ? 1.0 - P.joint_buying_discount * P.joint_buying_share : 1.0;
  st.variable_cost_share[i] = static_cast<float>(static_cast<double>(base_vcs[i]) * buying * cost_factor[i]);
  derive_constants(i);
}

void Simulation::Impl::compile_shocks() {
  shocks.reserve(sc.shocks.size());
  for (std::size_t k = 0; k < sc.shocks.size(); ++k) {
    const Shock& sh = sc.shocks[k];
    const std::string f = "shocks[" + std::to_string(k) + "]" + (sh.name.empty() ? "" : " ('" + sh.name + "')");
    CompiledShock cs;
    cs.channel = sh.channel;
    // Named shocks are keyed by name, so adding or reordering shocks does not
    // change the draws of the others.
    cs.purpose = sh.name.empty() ? static_cast<std::uint32_t>(Purpose::shock_base) + static_cast<std::uint32_t>(k)
                                 : 0x80000000u | (fnv1a(sh.name) & 0x7FFFFFFFu);
    cs.onset_index = sh.onset.months_since(sc.start);
    cs.profile = sh.profile;
    cs.dists.push_back(CompiledShock::compile(sh.severity));
    cs.sector_dist.assign(n_sectors, 0);
    for (const auto& [name, dist] : sh.severity_by_sector) {
      const std::size_t sector = pop->sector_index(name, f + ".severity_by_sector");
      cs.sector_dist[sector] = static_cast<std::uint8_t>(cs.dists.size());
      cs.dists.push_back(CompiledShock::compile(dist));
    }
    cs.incidence_by_sector.assign(n_sectors, sh.incidence);
    for (const auto& [name, p] : sh.incidence_by_sector)
      cs.incidence_by_sector[pop->sector_index(name, f + ".incidence_by_sector")] = p;
    cs.sector_ok.assign(n_sectors, sh.target.sectors.empty() ? 1 : 0);
    for (const auto& name : sh.target.sectors) cs.sector_ok[pop->sector_index(name, f + ".target.sectors")] = 1;
    cs.region_ok.assign(n_regions, sh.target.regions.empty() ? 1 : 0);
    for (const auto& name : sh.target.regions) cs.region_ok[pop->region_index(name, f + ".target.regions")] = 1;
    cs.class_ok.fill(sh.target.classes.empty() ? 1 : 0);
    for (auto c : sh.target.classes) cs.class_ok[static_cast<std::size_t>(c)] = 1;
    shocks.push_back(std::move(cs));
  }
}

// Entrants are drawn like the population's firms (docs/model.md §9): from
// the spec it was generated from, or one estimated from a registry.
void Simulation::Impl::make_drawer() {
  const PopulationSpec& given = pop->entry_spec;
  bool usable = given.sectors.size() == pop->sector_names.size();
  for (std::size_t s = 0; usable && s < given.sectors.size(); ++s)
    usable = given.sectors[s].name == pop->sector_names[s];
  if (usable) {
    try {
      // Only the parts the drawer uses need to be valid.
      PopulationSpec spec = given;
      spec.regions.assign(1, RegionSpec{"any", 1.0});
      spec.cooperatives = CooperativeSpec{};
      spec.validate();
    } catch (const InvalidArgument&) {
      usable = false;
    }
  }
  drawer = detail::FirmDrawer(usable ? given : estimate_entry_spec(*pop));
}

void Simulation::Impl::plan_entries() {
  entries_per_month.assign(static_cast<std::size_t>(sc.months), 0);
  if (!pop->entry_templates.empty() && pop->entry_templates.size() == pop->entry_template_class.size()) {
    templates = pop->entry_templates;
    template_class = pop->entry_template_class;
  } else {
    for (std::size_t i = 0; i < initial; ++i) templates.push_back(static_cast<std::uint32_t>(i));
  }
  if (burn_in) return;  // closed firms are replaced in their place
  if (P.entry_refill_months > 0.0)
    refill_reserve = static_cast<std::int64_t>(std::ceil(P.entry_refill_max_share * static_cast<double>(initial)));
  // Entry balances the baseline exits unless a rate is given.
  const double rate = P.entry_rate_month >= 0.0
                          ? P.entry_rate_month
                          : (pop->baseline_exit_rate_month >= 0.0 ? pop->baseline_exit_rate_month
                                                                  : kDefaultExitRateMonth) +
                                P.net_entry_rate_month;
  const double lambda = rate * static_cast<double>(initial);
  if (lambda <= 0) return;
  using namespace boost::math::policies;
  boost::math::poisson_distribution<double, policy<discrete_quantile<integer_round_up>, promote_double<false>>> dist(lambda);
  for (int m = 0; m < sc.months; ++m) {
    const auto w = detail::philox_words(opt.seed, opt.replication, 0, static_cast<std::uint32_t>(m),
                                        static_cast<std::uint32_t>(Purpose::entry_count));
    entries_per_month[static_cast<std::size_t>(m)] =
        static_cast<std::int64_t>(boost::math::quantile(dist, to_unit(w[0])));
  }
}

void Simulation::Impl::compute_references() {
  base_by_sector.assign(n_sectors, 0.0);
  base_class_sector.assign(kSizeClasses, std::vector<double>(n_sectors, 0.0));
  base_region_sector.assign(n_regions, std::vector<double>(n_sectors, 0.0));
  mean_severity.assign(shocks.size(), std::vector<double>(n_sectors, 0.0));
  std::vector<double> count(n_sectors, 0.0);
  for (std::size_t i = 0; i < initial; ++i) {
    const std::size_t s = st.sector[i];
    const double r = st.level_rp[i];
    base_by_sector[s] += r;
    base_class_sector[st.initial_class[i]][s] += r;
    base_region_sector[st.region[i]][s] += r;
    count[s] += 1.0;
    for (std::size_t k = 0; k < shocks.size(); ++k) mean_severity[k][s] += st.shock_severity[k][i];
  }
  for (std::size_t k = 0; k < shocks.size(); ++k)
    for (std::size_t s = 0; s < n_sectors; ++s)
      if (count[s] > 0) mean_severity[k][s] /= count[s];
  sector_share.assign(n_sectors, 0.0);
  for (std::size_t s = 0; s < n_sectors; ++s)
    sector_share[s] = initial > 0 ? count[s] / static_cast<double>(initial) : 0.0;
}

}  // namespace msmesim
