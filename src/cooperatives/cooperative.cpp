// Cooperatives: storage, validation and synthetic generation with
// membership (docs/model.md §14).
#include "msmesim/cooperatives/cooperative.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "core/distributions.hpp"
#include "msmesim/core/error.hpp"
#include "msmesim/population/population.hpp"
#include "msmesim/core/rng.hpp"

namespace msmesim {

void Cooperatives::resize(std::size_t n) {
  region.resize(n);
  type.resize(n);
  members.resize(n);
  own_capital_rp.resize(n);
  deposits_rp.resize(n);
  borrowed_rp.resize(n);
  surplus_rp.resize(n);
  cash_rp.resize(n);
  loans_rp.resize(n);
  arrears_rp.resize(n);
  other_assets_rp.resize(n);
  business_volume_rp_year.resize(n);
  shu_rp_year.resize(n);
  rat_history.resize(n);
  active.resize(n);
  healthy.resize(n);
  virtual_rat.resize(n);
}

void Cooperatives::reserve(std::size_t n) {
  region.reserve(n);
  type.reserve(n);
  members.reserve(n);
  own_capital_rp.reserve(n);
  deposits_rp.reserve(n);
  borrowed_rp.reserve(n);
  surplus_rp.reserve(n);
  cash_rp.reserve(n);
  loans_rp.reserve(n);
  arrears_rp.reserve(n);
  other_assets_rp.reserve(n);
  business_volume_rp_year.reserve(n);
  shu_rp_year.reserve(n);
  rat_history.reserve(n);
  active.reserve(n);
  healthy.reserve(n);
  virtual_rat.reserve(n);
}

std::size_t Cooperatives::memory_bytes() const {
  auto b = [](const auto& v) { return v.size() * sizeof(v[0]); };
  return b(region) + b(type) + b(members) + b(own_capital_rp) + b(deposits_rp) + b(borrowed_rp) + b(surplus_rp) +
         b(cash_rp) + b(loans_rp) + b(arrears_rp) + b(other_assets_rp) + b(business_volume_rp_year) +
         b(shu_rp_year) + b(rat_history) + b(active) + b(healthy) + b(virtual_rat);
}

void Cooperatives::validate(std::size_t regions) const {
  const std::size_t n = size();
  auto check_len = [&](std::size_t len, const char* field) {
    if (len != n)
      throw InvalidArgument(std::string("cooperatives.") + field, std::to_string(len) + " values",
                            std::to_string(n) + " values, one per cooperative (as many as 'region')");
  };
  check_len(type.size(), "type");
  check_len(members.size(), "members");
  check_len(own_capital_rp.size(), "own_capital_rp");
  check_len(deposits_rp.size(), "deposits_rp");
  check_len(borrowed_rp.size(), "borrowed_rp");
  check_len(surplus_rp.size(), "surplus_rp");
  check_len(cash_rp.size(), "cash_rp");
  check_len(loans_rp.size(), "loans_rp");
  check_len(arrears_rp.size(), "arrears_rp");
  check_len(other_assets_rp.size(), "other_assets_rp");
  check_len(business_volume_rp_year.size(), "business_volume_rp_year");
  check_len(shu_rp_year.size(), "shu_rp_year");
  check_len(rat_history.size(), "rat_history");
  check_len(active.size(), "active");
  check_len(healthy.size(), "healthy");
  check_len(virtual_rat.size(), "virtual_rat");
  if (static_cast<std::int64_t>(n) > 2147483647)
    throw InvalidArgument("cooperatives", std::to_string(n), "at most 2147483647 cooperatives");
  for (std::size_t c = 0; c < n; ++c) {
    auto fail = [&](const char* field, const std::string& value, const std::string& allowed) {
      throw InvalidArgument("cooperatives." + std::string(field) + " of cooperative " + std::to_string(c), value,
                            allowed);
    };
    auto money = [&](const char* field, double v) {
      if (!(std::isfinite(v) && v >= 0)) fail(field, detail::format_value(v), "a finite number >= 0 (Rp)");
    };
    if (region[c] >= regions)
      fail("region", std::to_string(region[c]),
           "a region index below " + std::to_string(regions) + " (the population's regions)");
    if (type[c] >= kCoopTypes)
      fail("type", std::to_string(type[c]), "0 to 4 (producer, consumer, marketing, service, savings_loan)");
    if (members[c] < 0) fail("members", std::to_string(members[c]), "a whole number >= 0");
    if (!std::isfinite(own_capital_rp[c])) fail("own_capital_rp", detail::format_value(own_capital_rp[c]), "a finite number (Rp)");
    money("deposits_rp", deposits_rp[c]);
    money("borrowed_rp", borrowed_rp[c]);
    if (!std::isfinite(surplus_rp[c])) fail("surplus_rp", detail::format_value(surplus_rp[c]), "a finite number (Rp)");
    money("cash_rp", cash_rp[c]);
    money("loans_rp", loans_rp[c]);
    money("arrears_rp", arrears_rp[c]);
    if (arrears_rp[c] > loans_rp[c])
      fail("arrears_rp", detail::format_value(arrears_rp[c]),
           "at most the loans outstanding (" + detail::format_value(loans_rp[c]) + ")");
    money("other_assets_rp", other_assets_rp[c]);
    money("business_volume_rp_year", business_volume_rp_year[c]);
    if (!std::isfinite(shu_rp_year[c])) fail("shu_rp_year", detail::format_value(shu_rp_year[c]), "a finite number (Rp)");
    if (active[c] > 1) fail("active", std::to_string(active[c]), "0 or 1");
    if (healthy[c] > 1) fail("healthy", std::to_string(healthy[c]), "0 or 1");
    if (virtual_rat[c] > 1) fail("virtual_rat", std::to_string(virtual_rat[c]), "0 or 1");
    const double size = cash_rp[c] + loans_rp[c] + other_assets_rp[c];
    if (std::abs(balance_gap_rp(c)) > 1e-6 * std::max(1.0, size))
      fail("balance sheet", "assets - liabilities - equity = " + detail::format_value(balance_gap_rp(c)),
           "cash + loans + other assets = deposits + borrowed + own capital + surplus");
  }
}

void CooperativeSpec::validate(std::size_t regions) const {
  using detail::require_range;
  const std::string f = "cooperatives.";
  auto fail = [&](const std::string& field, const std::string& value, const std::string& allowed) {
    throw InvalidArgument(f + field, value, allowed);
  };
  require_range(f + "count", count, std::int64_t{0}, std::int64_t{2147483647});
  if (count == 0) return;
  if (!active_by_region.empty()) {
    if (active_by_region.size() != regions)
      fail("active_by_region", std::to_string(active_by_region.size()) + " values",
           std::to_string(regions) + " values, one per region of the population");
    for (std::size_t r = 0; r < regions; ++r)
      require_range(f + "active_by_region[" + std::to_string(r) + "]", active_by_region[r], std::int64_t{0},
                    std::numeric_limits<std::int64_t>::max());
  }
  const std::int64_t act = active_total();
  if (act < 0 || act > count)
    fail(active_by_region.empty() ? "active" : "active_by_region (sum)", std::to_string(act),
         "from 0 to count (" + std::to_string(count) + ")");
  double tw = 0;
  for (int k = 0; k < kCoopTypes; ++k) {
    const double v = type_weights[static_cast<std::size_t>(k)];
    require_range(f + "type_weights." + std::string(to_string(static_cast<CoopType>(k))), v, 0.0, kInf);
    tw += v;
  }
  if (!(tw > 0)) fail("type_weights", "all zero", "at least one positive weight");
  require_range(f + "min_members", min_members, std::int64_t{0}, std::int64_t{2147483647});
  if (members < min_members * count)
    fail("members", std::to_string(members),
         "at least min_members x count (" + std::to_string(min_members * count) + ")");
  for (const auto& [name, v] : {std::pair<const char*, double>{"own_capital_rp", own_capital_rp},
                                {"external_capital_rp", external_capital_rp},
                                {"business_volume_rp_year", business_volume_rp_year},
                                {"shu_rp_year", shu_rp_year}})
    require_range(f + name, v, 0.0, kInf);
  require_range(f + "active_rat_years", std::int64_t{active_rat_years}, std::int64_t{1}, std::int64_t{8});
  require_range(f + "active_rat_min", std::int64_t{active_rat_min}, std::int64_t{1}, std::int64_t{active_rat_years});
  require_range(f + "rat_last_year", rat_last_year, std::int64_t{0}, act);
  require_range(f + "virtual_rat_share", virtual_rat_share, 0.0, 1.0);
  if (active_rat_min > 1 && rat_last_year < act)
    fail("rat_last_year", std::to_string(rat_last_year),
         "all active cooperatives (" + std::to_string(act) + ") when an active one needs more than one RAT in the window");
  require_range(f + "firm_member_share", firm_member_share, 0.0, 1.0);
  require_range(f + "reference_firms", reference_firms, std::int64_t{0}, kMaxFirms);
  require_range(f + "size_sigma_log", size_sigma_log, 0.0, 5.0);
  require_range(f + "members_sigma_log", members_sigma_log, 0.0, 5.0);
  if (!(inactive_size_factor > 0 && inactive_size_factor <= 1))
    fail("inactive_size_factor", detail::format_value(inactive_size_factor), "a factor in (0, 1]");
  require_range(f + "deposit_share_of_external", deposit_share_of_external, 0.0, 1.0);
  require_range(f + "cash_share_of_funds", cash_share_of_funds, 0.0, 1.0);
  for (int k = 0; k < kCoopTypes; ++k) {
    const auto t = static_cast<std::size_t>(k);
    const std::string tn(to_string(static_cast<CoopType>(k)));
    require_range(f + "loan_share_of_funds." + tn, loan_share_of_funds[t], 0.0, 1.0 - cash_share_of_funds);
    require_range(f + "volume_weight." + tn, volume_weight[t], 0.0, kInf);
  }
}

std::int64_t CooperativeSpec::active_total() const {
  if (active_by_region.empty()) return active;
  return std::accumulate(active_by_region.begin(), active_by_region.end(), std::int64_t{0});
}

// ---- generation ------------------------------------------------------------------

namespace {

// A random permutation of 0..n-1: indices sorted by a counter-based key.
std::vector<std::size_t> random_order(std::size_t n, const RandomStream& rng, Purpose purpose) {
  std::vector<std::pair<std::uint64_t, std::size_t>> keyed(n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto w = rng.words(static_cast<std::uint32_t>(i), kNoMonth, purpose);
    keyed[i] = {(static_cast<std::uint64_t>(w[0]) << 32) | w[1], i};
  }
  std::sort(keyed.begin(), keyed.end());
  std::vector<std::size_t> out(n);
  for (std::size_t i = 0; i < n; ++i) out[i] = keyed[i].second;
  return out;
}

// Scales `w` so that it sums to `total` (all zero stays zero).
void scale_to(std::vector<double>& w, double total) {
  const double sum = std::accumulate(w.begin(), w.end(), 0.0);
  for (double& x : w) x = sum > 0 ? x * (total / sum) : 0.0;
}

}  // namespace

void generate_cooperatives(const PopulationSpec& spec, std::uint64_t seed, Population& pop) {
  const CooperativeSpec& cs = spec.cooperatives;
  pop.cooperatives = Cooperatives{};
  std::fill(pop.cooperative.begin(), pop.cooperative.end(), -1);
  if (cs.count == 0) return;
  const RandomStream rng{seed, 0};
  const std::size_t regions = spec.regions.size();
  const auto n = static_cast<std::size_t>(cs.count);
  Cooperatives& co = pop.cooperatives;
  co.resize(n);

  // Active cooperatives per region exactly; the inactive ones in proportion
  // to them (to region weights where a region has no active cooperative data).
  std::vector<std::int64_t> active_r(regions, 0);
  std::vector<double> w(regions);
  if (!cs.active_by_region.empty()) {
    active_r = cs.active_by_region;
  } else {
    for (std::size_t r = 0; r < regions; ++r) w[r] = spec.regions[r].weight;
    active_r = detail::apportion(cs.active, w);
  }
  const std::int64_t act = cs.active_total();
  for (std::size_t r = 0; r < regions; ++r)
    w[r] = act > 0 ? static_cast<double>(active_r[r]) : spec.regions[r].weight;
  const auto inactive_r = detail::apportion(cs.count - act, w);

  // Cooperatives in region blocks, active ones first within a block.
  std::size_t pos = 0;
  for (std::size_t r = 0; r < regions; ++r) {
    for (std::int64_t k = 0; k < active_r[r] + inactive_r[r]; ++k, ++pos) {
      co.region[pos] = static_cast<std::uint16_t>(r);
      co.active[pos] = k < active_r[r] ? 1 : 0;
    }
  }

  // Types: exact counts, in random order.
  const std::vector<double> tw(cs.type_weights.begin(), cs.type_weights.end());
  const auto type_counts = detail::apportion(cs.count, tw);
  std::vector<std::uint8_t> types;
  for (int k = 0; k < kCoopTypes; ++k)
    types.insert(types.end(), static_cast<std::size_t>(type_counts[static_cast<std::size_t>(k)]),
                 static_cast<std::uint8_t>(k));
  const auto order = random_order(n, rng, Purpose::gen_coop_type);
  for (std::size_t c = 0; c < n; ++c) co.type[c] = types[order[c]];

  // Size (capital), membership and business volume weights.
  std::vector<double> size(n), ext(n), mem(n), vol(n), shu(n);
  for (std::size_t c = 0; c < n; ++c) {
    const auto u = rng.uniforms(static_cast<std::uint32_t>(c), kNoMonth, Purpose::gen_coop_size);
    const double s = std::exp(cs.size_sigma_log * detail::normal_quantile(u[0])) *
                     (co.active[c] ? 1.0 : cs.inactive_size_factor);
    size[c] = s;
    ext[c] = s * std::exp(0.5 * detail::normal_quantile(u[1]));
    mem[c] = std::sqrt(s) * std::exp(cs.members_sigma_log * detail::normal_quantile(u[2]));
    vol[c] = co.active[c] ? s * cs.volume_weight[co.type[c]] : 0.0;
    shu[c] = vol[c] * std::exp(0.3 * detail::normal_quantile(u[3]));
  }
  scale_to(size, cs.own_capital_rp);
  scale_to(ext, cs.external_capital_rp);
  scale_to(vol, cs.business_volume_rp_year);
  scale_to(shu, cs.shu_rp_year);
  // Members: the legal minimum each, the rest apportioned exactly.
  const auto extra = detail::apportion(cs.members - cs.min_members * cs.count, mem);
  for (std::size_t c = 0; c < n; ++c) {
    co.members[c] = static_cast<std::int32_t>(cs.min_members + extra[c]);
    co.own_capital_rp[c] = size[c];
    co.deposits_rp[c] = ext[c] * cs.deposit_share_of_external;
    co.borrowed_rp[c] = ext[c] - co.deposits_rp[c];
    co.surplus_rp[c] = 0.0;  // the book year starts with the run
    const double funds = size[c] + ext[c];
    co.cash_rp[c] = funds * cs.cash_share_of_funds;
    co.loans_rp[c] = funds * cs.loan_share_of_funds[co.type[c]];
    co.other_assets_rp[c] = funds - co.cash_rp[c] - co.loans_rp[c];
    co.arrears_rp[c] = 0.0;
    co.business_volume_rp_year[c] = vol[c];
    co.shu_rp_year[c] = shu[c];
  }

  // Members' meetings: `rat_last_year` active cooperatives held one last
  // year; every other active one held one within the window.
  std::vector<std::size_t> active_ids;
  for (std::size_t c = 0; c < n; ++c)
    if (co.active[c]) active_ids.push_back(c);
  const auto rat_order = random_order(active_ids.size(), rng, Purpose::gen_coop_rat);
  const int window = cs.active_rat_years;
  const auto full = static_cast<std::uint8_t>((1u << window) - 1u);
  for (std::size_t k = 0; k < active_ids.size(); ++k) {
    const std::size_t c = active_ids[rat_order[k]];
    const auto u = rng.words(static_cast<std::uint32_t>(c), kNoMonth, Purpose::gen_coop_rat_years);
    if (cs.active_rat_min > 1) {
      co.rat_history[c] = full;
    } else if (static_cast<std::int64_t>(k) < cs.rat_last_year) {
      co.rat_history[c] = static_cast<std::uint8_t>(1u | ((u[0] & full) & ~1u));
    } else {
      // One of the earlier years of the window for certain, the rest at random.
      const int year = window > 1 ? 1 + static_cast<int>(u[1] % static_cast<std::uint32_t>(window - 1)) : 0;
      co.rat_history[c] = window > 1 ? static_cast<std::uint8_t>(((u[0] & full) & ~1u) | (1u << year)) : std::uint8_t{1};
    }
  }
  // Healthy: solvent, liquid, positive SHU.
  for (std::size_t c = 0; c < n; ++c)
    co.healthy[c] = (co.active[c] && co.own_capital_rp[c] > 0 && co.shu_rp_year[c] > 0 && co.cash_rp[c] > 0) ? 1 : 0;
  // Able to meet online: exactly the share asked for, at random.
  {
    const auto online_order = random_order(n, rng, Purpose::gen_coop_virtual);
    const auto able = static_cast<std::size_t>(std::llround(cs.virtual_rat_share * static_cast<double>(n)));
    for (std::size_t k = 0; k < able && k < n; ++k) co.virtual_rat[online_order[k]] = 1;
  }

  // Member firms: a share of each cooperative's members, scaled to the
  // population's size, drawn at random from the firms of its region.
  const double scale = cs.reference_firms > 0 ? static_cast<double>(spec.firms) / static_cast<double>(cs.reference_firms) : 1.0;
  std::vector<double> quota_w(n);
  for (std::size_t c = 0; c < n; ++c) quota_w[c] = co.members[c];
  const auto target = static_cast<std::int64_t>(
      std::llround(static_cast<double>(cs.members) * cs.firm_member_share * scale));
  const auto quota = detail::apportion(std::min<std::int64_t>(target, spec.firms), quota_w);
  std::vector<std::vector<std::size_t>> firms_of(regions);
  for (std::size_t i = 0; i < pop.size(); ++i) firms_of[pop.region[i]].push_back(i);
  std::size_t c0 = 0;
  for (std::size_t r = 0; r < regions; ++r) {
    std::size_t c1 = c0;
    while (c1 < n && co.region[c1] == r) ++c1;
    const auto& firms_r = firms_of[r];
    std::vector<double> places;
    std::int64_t want = 0;
    for (std::size_t c = c0; c < c1; ++c) {
      places.push_back(static_cast<double>(std::min<std::int64_t>(quota[c], co.members[c])));
      want += static_cast<std::int64_t>(places.back());
    }
    // A region with fewer firms than member places shares them out in proportion.
    std::vector<std::int64_t> take(places.size());
    if (want <= static_cast<std::int64_t>(firms_r.size())) {
      for (std::size_t k = 0; k < places.size(); ++k) take[k] = static_cast<std::int64_t>(places[k]);
    } else {
      take = detail::apportion(static_cast<std::int64_t>(firms_r.size()), places);
    }
    // Firms of the region in a random order (keyed by firm index).
    std::vector<std::pair<std::uint64_t, std::size_t>> keyed(firms_r.size());
    for (std::size_t k = 0; k < firms_r.size(); ++k) {
      const auto wd = rng.words(static_cast<std::uint32_t>(firms_r[k]), kNoMonth, Purpose::gen_coop_membership);
      keyed[k] = {(static_cast<std::uint64_t>(wd[0]) << 32) | wd[1], firms_r[k]};
    }
    // Only the first `placed` keys in order are needed.
    const auto placed = static_cast<std::size_t>(std::accumulate(take.begin(), take.end(), std::int64_t{0}));
    if (placed < keyed.size()) std::nth_element(keyed.begin(), keyed.begin() + static_cast<std::ptrdiff_t>(placed), keyed.end());
    std::sort(keyed.begin(), keyed.begin() + static_cast<std::ptrdiff_t>(placed));
    std::size_t k = 0;
    for (std::size_t c = c0; c < c1; ++c)
      for (std::int64_t m = 0; m < take[c - c0]; ++m, ++k) pop.cooperative[keyed[k].second] = static_cast<std::int32_t>(c);
    c0 = c1;
  }
}

}  // namespace msmesim
