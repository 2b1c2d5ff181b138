// Built-in presets. `bogor_covid19` is the default of `msmesim run`: Bogor
// Regency's 40 kecamatan and ~751,888 MSMEs through the COVID-19 shock from
// March 2020, over 36 months. Every number and its source is in
// docs/model.md.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "msmesim/scenario/linkage.hpp"
#include "msmesim/population/population.hpp"
#include "msmesim/scenario/scenario.hpp"

namespace msmesim::presets {

/// MSMEs recorded in Bogor Regency (seed 003).
inline constexpr std::int64_t kBogorFirms = 751'888;

/// Bogor Regency's 40 kecamatan, in the order of seed 000 Tables 2-3.
const std::vector<std::string>& bogor_kecamatan();
/// Active cooperatives per kecamatan in 2019 and 2020 (seed 000 Tables 2-3).
const std::vector<int>& bogor_active_cooperatives_2019();
const std::vector<int>& bogor_active_cooperatives_2020();

/// The seven sectors of the Bogor preset with their cost structure.
std::vector<SectorSpec> bogor_sectors();
/// Bogor population spec with `firms` firms (default: the full 751,888).
/// Bogor's cooperatives in 2019 (seed 000 Tables 2-5): 1,651 cooperatives,
/// 589 active by kecamatan, 91,555 members, capital, volume and SHU totals.
CooperativeSpec bogor_cooperative_spec();
PopulationSpec bogor_population_spec(std::int64_t firms = kBogorFirms);

/// Cooperatives in North Sumatra's online data system (seed 001): 11,917.
inline constexpr std::int64_t kNorthSumatraCooperatives = 11'917;
/// Members of North Sumatra's cooperatives in the same data ("about
/// 900,000", seed 001).
inline constexpr std::int64_t kNorthSumatraMembers = 900'000;
/// Share of North Sumatra's cooperatives able to hold their members'
/// meeting online (CooperativeSpec::virtual_rat_share): with physical
/// meetings restricted from March 2020 through 2021, 93 of them held one
/// (seed 001), which this share reproduces (docs/model.md §14).
inline constexpr double kNorthSumatraVirtualRatShare = 0.038;
/// North Sumatra's cooperatives (apportioned over the population's
/// regions by weight): the count and the members of seed 001 with Bogor's
/// composition per cooperative (active share, capital, volume, SHU and
/// types of seed 000 Tables 4-5, scaled: an assumption, seed 001 gives the
/// counts only) and kNorthSumatraVirtualRatShare.
CooperativeSpec north_sumatra_cooperative_spec();
/// Firms run by members of North Sumatra's cooperatives: half of the about
/// 900,000 members (CooperativeSpec::firm_member_share, 0.5: an assumption;
/// seed 001 counts members, not their firms).
inline constexpr std::int64_t kNorthSumatraMemberFirms = 450'000;
/// North Sumatra's cooperatives and their members' firms (seed 001): the
/// 11,917 cooperatives of north_sumatra_cooperative_spec() and the firms of
/// their members, every firm a member (seed 001 gives no count of the
/// province's other MSMEs). One region, the province (seed 001 gives
/// province totals only); sectors and cost structures Bogor's (an
/// assumption).
PopulationSpec north_sumatra_population_spec(std::int64_t firms = kNorthSumatraMemberFirms);
/// Illustrative input-output table over the Bogor sectors.
InputOutput bogor_input_output();
/// The COVID-19 shocks: sales, capital, distribution and raw materials from
/// March 2020, and the July 2021 (Delta) wave on sales.
std::vector<Shock> covid19_shocks();
/// The built-in default scenario (presets/bogor-covid19.toml): 36 months
/// from January 2020 with the shocks, the restrictions on gatherings and
/// the national credit relief in force.
Scenario bogor_covid19_scenario(int months = 36);

/// MSMEs in the Banjarbaru preset: an assumption (seed 002 gives no count),
/// the size of the office's MSME database the programmes drew on.
inline constexpr std::int64_t kBanjarbaruFirms = 10'000;
/// Banjarbaru City (South Kalimantan; seed 002): its five kecamatan, the
/// handicraft sub-sectors the study is about (sasirangan cloth, purun
/// weaving, knitting) and the other MSMEs; micro firms, most of which have
/// had KUR. Every assumption is in docs/model.md §16.
PopulationSpec banjarbaru_population_spec(std::int64_t firms = kBanjarbaruFirms);

/// Bogor Regency in 2024 (seed 003, the Clean & Clear clinic's proposal):
/// 751,888 UKM recorded, about 420,000 of them under the office's guidance,
/// and 1,845 cooperatives of which 778 active. The cooperatives of the 2019
/// register (bogor_cooperative_spec) at the 2024 counts: each active
/// cooperative with the 2019 members, capital, volume and SHU per active
/// cooperative (an assumption: seed 003 gives counts only).
inline constexpr std::int64_t kBogor2024Cooperatives = 1'845;
inline constexpr std::int64_t kBogor2024ActiveCooperatives = 778;
CooperativeSpec bogor_2024_cooperative_spec();
PopulationSpec bogor_2024_population_spec(std::int64_t firms = kBogorFirms);
/// The UMKM and cooperatives the regency counted when it launched the
/// cooperative and micro-enterprise collaboration in November 2024 (seed
/// 004): "at least 34,636 UMKM and 768 cooperatives". Taken as the firms in
/// the office's reach and registered cooperatives, active in the share seed
/// 003 gives for 2024 (778 of 1,845: 324), with the 2019 register's
/// composition per active cooperative; membership refers to all 751,888
/// firms of the regency, so that the 34,636 hold their share of the member
/// firms (assumptions, docs/model.md §16).
inline constexpr std::int64_t kBogorRegisteredFirms2024 = 34'636;
inline constexpr std::int64_t kBogorRegisteredCooperatives2024 = 768;
CooperativeSpec bogor_registered_2024_cooperative_spec();
PopulationSpec bogor_registered_2024_population_spec(std::int64_t firms = kBogorRegisteredFirms2024);

/// A built-in population a scenario file names (`[population] preset`).
struct PopulationPreset {
  std::string_view name;
  std::int64_t firms;  ///< its size when a file does not give one
  PopulationSpec (*spec)(std::int64_t firms);
  std::string_view description;  ///< what it is, with its sources
};
/// Every built-in population: bogor, bogor-2024, bogor-2024-registered,
/// banjarbaru.
std::span<const PopulationPreset> population_presets();
/// The preset called `name`; InvalidArgument naming `field` and every
/// preset otherwise.
const PopulationPreset& population_preset(std::string_view name, const std::string& field = "population.preset");

/// Names of the built-in presets.
std::vector<std::string> names();

}  // namespace msmesim::presets
