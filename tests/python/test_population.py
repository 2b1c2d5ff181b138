"""Populations from Python: generation, zero-copy arrays, CSV and errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import msmesim as ms


def test_generated_population_has_exact_size_names_and_valid_values(small_population):
    pop = small_population
    assert len(pop) == 4000
    assert pop.region_names == ms.presets.bogor_kecamatan()
    assert len(pop.region_names) == 40
    assert {"food_beverage", "handicraft", "clothing", "metal", "leather", "trade", "services"} <= set(
        pop.sector_names
    )
    assert pop.workers.min() >= 1
    assert (pop.revenue_rp_month > 0).all()
    pop.validate()


def test_same_seed_same_population_other_seed_other_population():
    spec = ms.presets.bogor_population_spec(500)
    a = ms.generate_population(spec, seed=5)
    b = ms.generate_population(spec, seed=5, threads=4)
    c = ms.generate_population(spec, seed=6)
    for name in ms.Population.array_names():
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    assert not np.array_equal(a.revenue_rp_month, c.revenue_rp_month)


def test_population_arrays_are_views_not_copies(small_population):
    pop = small_population.copy()
    arr = pop.cash_rp
    frame = ms.population_frame(pop)
    assert np.shares_memory(frame["cash_rp"].to_numpy(), arr)
    arr[0] = 123.0  # writes through to the C++ population
    assert pop.cash_rp[0] == 123.0
    assert arr.base is not None


def test_population_frame_has_categorical_names(small_population):
    frame = ms.population_frame(small_population)
    assert list(frame["region"].cat.categories) == small_population.region_names
    assert set(frame["size_class"].unique()) <= {"micro", "small", "medium"}


def test_csv_round_trip_is_exact(small_population, tmp_path: Path):
    path, coops = tmp_path / "firms.csv", tmp_path / "cooperatives.csv"
    small_population.to_csv(str(path))
    small_population.cooperatives_to_csv(str(coops))  # the firms' cooperative column refers to it
    back = ms.load_population_csv(path, name="registry", cooperatives=coops)
    assert len(back) == len(small_population)
    for name in ("workers", "revenue_rp_month", "assets_rp", "cash_rp", "loan_principal_rp", "online_share",
                 "cooperative"):
        np.testing.assert_array_equal(getattr(back, name), getattr(small_population, name))
    names = lambda p, codes, table: [table[c] for c in codes]  # noqa: E731
    assert names(back, back.region, back.region_names) == names(
        small_population, small_population.region, small_population.region_names
    )


def test_csv_with_memberships_needs_the_cooperatives_file(small_population, tmp_path: Path):
    path = tmp_path / "firms.csv"
    small_population.to_csv(str(path))
    with pytest.raises(ms.ParseError, match="cooperatives file") as info:
        ms.load_population_csv(path)
    assert info.value.column == "cooperative"


def test_csv_malformed_row_names_file_line_column_and_value(tmp_path: Path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "region,sector,workers,revenue_rp_month,assets_rp\n"
        "Cibinong,trade,2,5000000,20000000\n"
        "Cibinong,trade,two,5000000,20000000\n",
        encoding="utf-8",
    )
    with pytest.raises(ms.ParseError) as info:
        ms.load_population_csv(path)
    err = info.value
    assert isinstance(err, ValueError)
    assert err.file == str(path) and err.line == 3 and err.column == "workers" and err.value == "two"
    assert "bad.csv:3" in str(err) and "workers" in str(err) and "two" in str(err)


def test_csv_unknown_column_suggests_the_right_one(tmp_path: Path):
    path = tmp_path / "typo.csv"
    path.write_text("region,sector,workers,revenue_rp_month,assets_rp,online_shar\nA,trade,1,1e6,1e6,0.2\n")
    with pytest.raises(ms.ParseError, match="online_share"):
        ms.load_population_csv(path)


def test_missing_csv_file_is_a_file_error(tmp_path: Path):
    with pytest.raises(ms.FileError):
        ms.load_population_csv(tmp_path / "nope.csv")


def test_spec_parameters_by_name_with_validation():
    spec = ms.presets.bogor_population_spec(100)
    assert spec["micro_revenue_mean_rp_year"] == pytest.approx(76.1e6)
    spec["registered_share"] = 0.3
    assert spec.get("registered_share") == 0.3
    with pytest.raises(ms.InvalidArgumentError) as info:
        spec["registered_share"] = 1.5
    assert info.value.field == "registered_share" and "1.5" in str(info.value)
    with pytest.raises(ms.InvalidArgumentError, match="did you mean 'registered_share'"):
        spec["registerd_share"] = 0.2
    spec["sector.trade.margin"] = 0.1
    assert spec["sector.trade.margin"] == 0.1


@pytest.mark.parametrize("firms", [0, -5])
def test_non_positive_firm_count_is_rejected(firms):
    spec = ms.presets.bogor_population_spec(100)
    spec.firms = firms
    with pytest.raises(ms.InvalidArgumentError, match="firms"):
        ms.generate_population(spec, seed=1)


def test_generate_rejects_negative_seed_with_a_clear_error():
    with pytest.raises(ms.InvalidArgumentError, match="seed"):
        ms.generate_population(ms.presets.bogor_population_spec(10), seed=-1)


# The state a firm carries from before the first month --------------------------------------------
CARRIED = ("base_workers", "revenue_level_rp", "expected_revenue_rp", "capital_intensity", "cash_target_months",
           "loan_term_months", "loan_installment_rp", "informal_principal_rp", "informal_months_left",
           "informal_installment_rp", "debt_arrears_rp", "payables_rp", "owner_owed_rp", "months_unable",
           "months_low_income", "age_months")


def test_carried_state_columns_are_writable_views_in_the_frame(small_population):
    pop = small_population.copy()
    assert set(CARRIED) <= set(ms.Population.array_names())
    frame = ms.population_frame(pop)
    for name in CARRIED:
        arr = getattr(pop, name)
        assert len(arr) == len(pop) and arr.base is not None, name
        assert np.shares_memory(frame[name].to_numpy(), arr), name
    assert pop.age_months.dtype == np.int32 and pop.debt_arrears_rp.dtype == np.float64
    pop.owner_owed_rp[0] = 250_000.0  # writes through to the C++ population
    pop.months_unable[0] = 2
    assert getattr(pop.copy(), "owner_owed_rp")[0] == 250_000.0 and pop.months_unable[0] == 2
    pop.validate()


@pytest.mark.parametrize(("name", "value", "allowed"), [
    ("debt_arrears_rp", -1.0, ">= 0"),
    ("owner_owed_rp", np.inf, "finite"),
    ("revenue_level_rp", np.nan, "finite"),
    ("payables_rp", -5.0, ">= 0"),
    ("capital_intensity", 2e4, "10000"),
    ("age_months", -2, "-1"),
])
def test_invalid_carried_state_names_the_firm_and_the_field(small_population, name, value, allowed):
    pop = small_population.copy()
    getattr(pop, name)[3] = value
    with pytest.raises(ms.InvalidArgumentError) as info:
        pop.validate()
    assert isinstance(info.value, ValueError)
    assert info.value.field == f"firms[3].{name}" and allowed in info.value.allowed
    with pytest.raises(ms.InvalidArgumentError, match=rf"firms\[3\]\.{name}"):
        ms.run(pop, ms.Scenario(months=1))


def test_arrears_beyond_the_loans_outstanding_are_refused(small_population):
    pop = small_population.copy()
    i = int(np.flatnonzero(pop.loan_principal_rp + pop.informal_principal_rp == 0)[0])
    pop.debt_arrears_rp[i] = 1e6
    with pytest.raises(ms.InvalidArgumentError, match=rf"firms\[{i}\]\.debt_arrears_rp.*part of a loan"):
        pop.validate()


def test_a_generated_population_is_burnt_in():
    spec = ms.presets.bogor_population_spec(1500)
    pop = ms.generate_population(spec, seed=3)
    assert spec["burn_in_months"] > 0
    assert 0 < pop.baseline_exit_rate_month < 0.05
    assert len(pop.entry_templates) == len(pop.entry_template_class) > 0
    assert pop.entry_templates.max() < len(pop) and pop.entry_template_class.max() < 3
    assert (pop.age_months >= 0).any()                    # firms that entered during the burn-in
    assert (pop.loan_term_months[pop.loan_principal_rp > 0] > 0).all()
    assert pop.entry_spec.firms == 1500 and [s.name for s in pop.entry_spec.sectors] == [s.name for s in spec.sectors]
    spec["burn_in_months"] = 0
    drawn = ms.generate_population(spec, seed=3)
    assert drawn.baseline_exit_rate_month == -1 and len(drawn.entry_templates) == 0
    assert (drawn.age_months == -1).all() and (drawn.revenue_level_rp == 0).all()  # 0: derived at the start


def test_burn_in_from_python_is_deterministic_and_lets_a_calm_run_stand_still():
    spec = ms.presets.bogor_population_spec(3000)
    spec["burn_in_months"] = 0
    drawn = ms.generate_population(spec, seed=5)
    a, b = drawn.copy(), drawn.copy()
    assert ms.burn_in(a, months=48, seed=2) is a
    ms.burn_in(b, ms.FirmParams(), months=48, seed=2, threads=3)
    for name in ms.Population.array_names():
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    assert a.baseline_exit_rate_month > 0 and drawn.baseline_exit_rate_month == -1  # in place, on the copy
    assert not np.array_equal(a.cash_rp, drawn.cash_rp) and (a.revenue_level_rp > 0).all()
    a.validate()
    # Without shocks the burnt-in population stands still; the one as drawn first settles.
    calm = ms.Scenario(months=24)
    settled = ms.run(a, calm, seed=1).monthly
    raw = ms.run(drawn, calm, seed=1).monthly

    def drift(m):
        return abs(m["active_firms"].iloc[-1] / m["active_firms"].iloc[0] - 1)

    assert drift(settled) < 0.02
    assert drift(raw) > drift(settled)
    # The scenario's parameters are those it is burnt in under.
    c = drawn.copy()
    ms.burn_in(c, {"closure_after_months": 2}, months=48, seed=2)
    assert c.baseline_exit_rate_month > a.baseline_exit_rate_month
    with pytest.raises(ms.InvalidArgumentError, match="months"):
        ms.burn_in(drawn.copy(), months=-1)
    with pytest.raises(ms.TypeMismatchError, match="params"):
        ms.burn_in(drawn.copy(), params="fast")  # type: ignore[arg-type]


def test_a_registry_can_be_burnt_in_with_an_estimated_entry_spec(small_population, tmp_path: Path):
    path, coops = tmp_path / "firms.csv", tmp_path / "cooperatives.csv"
    small_population.to_csv(str(path))
    small_population.cooperatives_to_csv(str(coops))
    registry = ms.load_population_csv(path, name="registry", cooperatives=coops)
    assert registry.baseline_exit_rate_month == -1  # read as recorded
    spec = ms.estimate_entry_spec(registry)
    assert spec.firms == len(registry) and [r.name for r in spec.regions] == registry.region_names
    spec.validate()
    ms.burn_in(registry, months=12, seed=1)
    assert registry.baseline_exit_rate_month > 0
    registry.validate()


def test_make_population_burns_in_under_the_scenarios_parameters():
    source = ms.PopulationSource(firms=1500, seed=2, burn_in_months=24)
    assert source.burn_in_months == 24 and "burn_in_months=24" in repr(source)
    default = ms.make_population(source)
    strict = ms.FirmParams()
    strict["closure_after_months"] = 2
    harsh = ms.make_population(source, params=strict)
    assert harsh.baseline_exit_rate_month > default.baseline_exit_rate_month
    none = ms.make_population(ms.PopulationSource(firms=1500, seed=2, burn_in_months=0))
    assert none.baseline_exit_rate_month == -1
    # A scenario file's population is burnt in under its scenario's parameters.
    f = ms.parse_scenario('name = "x"\n[population]\nfirms = 1500\nseed = 2\nburn_in_months = 24\n'
                          '[params]\nclosure_after_months = 2\n')
    assert f.population.burn_in_months == 24
    assert ms.parse_scenario(ms.to_toml(f)).population.burn_in_months == 24
    np.testing.assert_array_equal(ms.population_of(f).cash_rp, harsh.cash_rp)
    with pytest.raises(ms.TypeMismatchError, match="params"):
        ms.make_population(source, params={"closure_after_months": 2})  # type: ignore[arg-type]


def test_population_spec_carries_the_firm_parameters_it_is_burnt_in_under():
    spec = ms.presets.bogor_population_spec(800)
    spec["burn_in_months"] = 24
    assert spec.firm_params.to_dict() == ms.FirmParams().to_dict()
    spec.firm_params["closure_after_months"] = 2  # edited in place
    assert spec.firm_params["closure_after_months"] == 2
    harsh = ms.generate_population(spec, seed=1)
    spec.firm_params = ms.FirmParams()
    mild = ms.generate_population(spec, seed=1)
    assert harsh.baseline_exit_rate_month > mild.baseline_exit_rate_month


def test_cooperative_spec_virtual_rat_share():
    spec = ms.presets.bogor_population_spec(1000)
    assert spec.cooperatives.virtual_rat_share == 0.0
    spec.cooperatives.virtual_rat_share = 0.25
    spec["burn_in_months"] = 0
    pop = ms.generate_population(spec, seed=1)
    co = pop.cooperatives
    assert co.virtual_rat.sum() == round(0.25 * len(co))
    assert ms.cooperatives_frame(pop)["virtual_rat"].sum() == co.virtual_rat.sum()
    spec.cooperatives.virtual_rat_share = 1.5
    with pytest.raises(ms.InvalidArgumentError, match="virtual_rat_share"):
        ms.generate_population(spec, seed=1)


def test_the_built_in_populations_carry_their_seeds_counts():
    rows = {row["name"]: row for row in ms.presets.population_presets()}
    assert list(rows) == ["bogor", "bogor-2024", "bogor-2024-registered", "north-sumatra-cooperatives", "banjarbaru"]
    assert all("seed 00" in row["description"] for row in rows.values())
    expected = {  # firms, cooperatives, active (seeds 000, 003, 004)
        "bogor": (751_888, 1_651, 589),
        "bogor-2024": (751_888, 1_845, 778),
        "bogor-2024-registered": (34_636, 768, 324),
        "north-sumatra-cooperatives": (450_000, 11_917, 4_251),  # seed 001; Bogor's active share
    }
    for name, (firms, count, active) in expected.items():
        assert rows[name]["firms"] == firms
        spec = ms.presets.population_spec(name)
        spec.set("burn_in_months", 0)
        pop = ms.generate_population(spec, seed=1)
        assert len(pop) == firms and len(pop.cooperatives) == count, name
        assert int(np.sum(pop.cooperatives.active)) == active, name
    # Each active cooperative keeps the 2019 register's members (91,555 for 589 active).
    assert ms.presets.bogor_2024_cooperative_spec().members == round(91_555 * 778 / 589)
    # The 34,636 hold their share of the regency's member firms.
    registered = ms.presets.bogor_registered_2024_cooperative_spec()
    assert registered.reference_firms == ms.presets.BOGOR_FIRMS
    assert ms.presets.north_sumatra_cooperative_spec().members == ms.presets.NORTH_SUMATRA_MEMBERS == 900_000
    with pytest.raises(ms.InvalidArgumentError, match="bogor-2024"):
        ms.presets.population_spec("bogor-2025")


def test_the_2024_presets_read_their_populations():
    clinic = ms.preset("bogor-clean-and-clear")
    assert clinic.population.preset == "bogor-2024"
    collaboration = ms.load_scenario(Path(__file__).resolve().parents[2] / "examples" / "scenarios"
                                     / "bogor_collaboration_2024.toml")
    assert collaboration.population.preset == "bogor-2024-registered"
    assert [p.kind for p in collaboration.scenario.programmes] == ["coop_collaboration"]
    bad = 'name = "x"\n[population]\npreset = "bogor2024"\n'
    with pytest.raises(ms.ScenarioFileError, match="did you mean 'bogor-2024'") as info:
        ms.parse_scenario(bad)
    assert info.value.key == "population.preset" and info.value.line == 3
