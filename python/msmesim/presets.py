"""Built-in presets.

The built-in scenario files (presets/*.toml, compiled into the library) are
listed by ``names()`` and read with ``scenario(name)``. ``bogor-covid19``
(``bogor_covid19_scenario()`` with ``bogor_population_spec()``) is the
default of ``msmesim run``: Bogor Regency's 40 kecamatan and 751,888 MSMEs
through the COVID-19 shock from March 2020. Every number and its source is
listed in docs/model.md.
"""

from __future__ import annotations

from . import _core

#: MSMEs recorded in Bogor Regency (Diskopukm Bogor, 2024 programme proposal).
BOGOR_FIRMS: int = _core.BOGOR_FIRMS


#: MSMEs of the Banjarbaru population preset (an assumption; docs/model.md).
BANJARBARU_FIRMS: int = _core.BANJARBARU_FIRMS


#: Cooperatives in North Sumatra's online data system (seed 001).
NORTH_SUMATRA_COOPERATIVES: int = _core.NORTH_SUMATRA_COOPERATIVES


#: Members of North Sumatra's cooperatives in the same data ("about 900,000", seed 001).
NORTH_SUMATRA_MEMBERS: int = _core.NORTH_SUMATRA_MEMBERS

#: Bogor Regency's cooperatives in 2024, and the active ones (seed 003).
BOGOR_2024_COOPERATIVES: int = _core.BOGOR_2024_COOPERATIVES
BOGOR_2024_ACTIVE_COOPERATIVES: int = _core.BOGOR_2024_ACTIVE_COOPERATIVES

#: The UMKM and cooperatives Bogor Regency counted in November 2024 (seed 004).
BOGOR_REGISTERED_FIRMS_2024: int = _core.BOGOR_REGISTERED_FIRMS_2024
BOGOR_REGISTERED_COOPERATIVES_2024: int = _core.BOGOR_REGISTERED_COOPERATIVES_2024


#: Share of North Sumatra's cooperatives able to hold their members' meeting
#: (RAT) online: with physical meetings restricted from March 2020 through
#: 2021, 93 of the 11,917 held one (seed 001; docs/model.md §14).
NORTH_SUMATRA_VIRTUAL_RAT_SHARE: float = _core.NORTH_SUMATRA_VIRTUAL_RAT_SHARE


def names() -> list[str]:
    """Names of the built-in presets (the scenario files of presets/*.toml)."""
    return _core.preset_names()


def scenario(name: str) -> _core.ScenarioFile:
    """A built-in scenario file, parsed (run it with ``msmesim.run_file``)."""
    return _core.preset(name)


def scenario_text(name: str) -> str:
    """The TOML text of a built-in scenario file."""
    return _core.preset_text(name)


def bogor_kecamatan() -> list[str]:
    """Bogor Regency's 40 kecamatan (sub-districts)."""
    return _core.bogor_kecamatan()


def bogor_active_cooperatives_2019() -> list[int]:
    """Active cooperatives per kecamatan in 2019 (same order as bogor_kecamatan())."""
    return _core.bogor_active_cooperatives_2019()


def bogor_active_cooperatives_2020() -> list[int]:
    """Active cooperatives per kecamatan in 2020."""
    return _core.bogor_active_cooperatives_2020()


def bogor_sectors() -> list[_core.SectorSpec]:
    """The seven sectors of the Bogor preset with their cost structure."""
    return _core.bogor_sectors()


def bogor_cooperative_spec() -> _core.CooperativeSpec:
    """Bogor's cooperatives in 2019 (seed 000 Tables 2-5): 1,651 cooperatives,
    589 active by kecamatan, 91,555 members and the capital, business volume
    and SHU totals. Part of ``bogor_population_spec()``."""
    return _core.bogor_cooperative_spec()


def bogor_2024_cooperative_spec() -> _core.CooperativeSpec:
    """Bogor's cooperatives in 2024 (seed 003): 1,845, of them 778 active,
    each active one with the 2019 register's members, capital, volume and
    SHU per active cooperative (an assumption: seed 003 gives counts only)."""
    return _core.bogor_2024_cooperative_spec()


def bogor_2024_population_spec(firms: int = BOGOR_FIRMS) -> _core.PopulationSpec:
    """The Bogor population with the 2024 cooperatives (population preset ``bogor-2024``)."""
    return _core.bogor_2024_population_spec(firms)


def bogor_registered_2024_cooperative_spec() -> _core.CooperativeSpec:
    """The 768 cooperatives Bogor counted in November 2024 (seed 004), 324 of
    them active (seed 003's share of active cooperatives in 2024: 778 of
    1,845), composed as ``bogor_2024_cooperative_spec()``."""
    return _core.bogor_registered_2024_cooperative_spec()


def bogor_registered_2024_population_spec(firms: int = BOGOR_REGISTERED_FIRMS_2024) -> _core.PopulationSpec:
    """The 34,636 UMKM and 768 cooperatives of seed 004 (population preset
    ``bogor-2024-registered``); membership refers to the whole regency."""
    return _core.bogor_registered_2024_population_spec(firms)


def population_presets() -> list[dict]:
    """The built-in populations a scenario file names (``[population]
    preset``): ``name``, ``firms`` (its size when a file gives none) and
    ``description`` with its sources."""
    return _core.population_presets()


def population_spec(name: str, firms: int = 0) -> _core.PopulationSpec:
    """The population spec of the built-in population ``name`` with ``firms``
    firms (0: its own size)."""
    return _core.population_preset_spec(name, firms)


def north_sumatra_cooperative_spec() -> _core.CooperativeSpec:
    """North Sumatra's 11,917 cooperatives and about 900,000 members (seed
    001), apportioned over the population's regions by weight, with Bogor's
    composition per cooperative (an assumption: seed 001 gives the counts
    only) and
    ``virtual_rat_share = NORTH_SUMATRA_VIRTUAL_RAT_SHARE``. Put it in a
    population spec's ``cooperatives`` to study virtual members' meetings."""
    return _core.north_sumatra_cooperative_spec()


def bogor_population_spec(firms: int = BOGOR_FIRMS) -> _core.PopulationSpec:
    """The Bogor population spec with ``firms`` firms (default: all 751,888)."""
    return _core.bogor_population_spec(firms)


def banjarbaru_population_spec(firms: int = BANJARBARU_FIRMS) -> _core.PopulationSpec:
    """The Banjarbaru population spec with ``firms`` firms (docs/model.md §16)."""
    return _core.banjarbaru_population_spec(firms)


def bogor_input_output() -> _core.InputOutput:
    """The illustrative input-output table over the Bogor sectors."""
    return _core.bogor_input_output()


def covid19_shocks() -> list[_core.Shock]:
    """The COVID-19 shocks: four channels from March 2020 and the July 2021 wave."""
    return _core.covid19_shocks()


def bogor_covid19_scenario(months: int = 36) -> _core.Scenario:
    """The built-in default scenario: ``months`` months from January 2020."""
    return _core.bogor_covid19_scenario(months)


__all__ = [
    "BANJARBARU_FIRMS",
    "BOGOR_2024_ACTIVE_COOPERATIVES",
    "BOGOR_2024_COOPERATIVES",
    "BOGOR_FIRMS",
    "BOGOR_REGISTERED_COOPERATIVES_2024",
    "BOGOR_REGISTERED_FIRMS_2024",
    "NORTH_SUMATRA_COOPERATIVES",
    "NORTH_SUMATRA_MEMBERS",
    "NORTH_SUMATRA_VIRTUAL_RAT_SHARE",
    "banjarbaru_population_spec",
    "bogor_2024_cooperative_spec",
    "bogor_2024_population_spec",
    "bogor_active_cooperatives_2019",
    "bogor_active_cooperatives_2020",
    "bogor_cooperative_spec",
    "bogor_covid19_scenario",
    "bogor_input_output",
    "bogor_kecamatan",
    "bogor_population_spec",
    "bogor_registered_2024_cooperative_spec",
    "bogor_registered_2024_population_spec",
    "bogor_sectors",
    "covid19_shocks",
    "names",
    "north_sumatra_cooperative_spec",
    "population_presets",
    "population_spec",
    "scenario",
    "scenario_text",
]
