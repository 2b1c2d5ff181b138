"""The national credit relief programmes from Python (docs/model.md §15):
loan restructuring (POJK 11/POJK.03/2020), the extra KUR interest subsidy
(PEN 2020-2021), BPUM (Banpres Produktif Usaha Mikro) and support for
virtual members' meetings (RAT). Constructors, their round trip through
TOML, and what each does in a run."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest

import msmesim as ms
from msmesim import programmes as pg

RELIEF_KINDS = ("loan_restructuring", "kur_extra_subsidy", "bpum", "virtual_rat")
# One valid non-default value of each kind's parameters.
RELIEF_PARAMS = {
    "loan_restructuring": {"deferral_months": 12, "interest_deferred": True, "extension_months": 12,
                           "uptake_kur": 0.9, "uptake_bank": 0.5, "uptake_cooperative": 0.25,
                           "require_affected": False},
    "kur_extra_subsidy": {"rate_points": 0.03, "max_arrears_installments": 2},
    "bpum": {"exclude_informal": True, "max_cash_rp": 2e6},
    "virtual_rat": {"due_only": False},
}


@pytest.fixture(scope="module")
def population() -> ms.Population:
    return ms.generate_population(ms.presets.bogor_population_spec(5000), seed=4)


def covid_with(*programmes: ms.Programme, months: int = 12) -> ms.Scenario:
    """The preset's shocks (and restrictions), with only the given programmes."""
    sc = ms.presets.bogor_covid19_scenario(months)
    sc.programmes = list(programmes)
    return sc


# Constructors and TOML --------------------------------------------------------------------------
def test_the_relief_kinds_are_programme_kinds_with_constructors():
    assert set(RELIEF_KINDS) <= set(pg.kinds())
    for kind in RELIEF_KINDS:
        assert getattr(pg, kind).__name__ == kind and kind in pg.__all__
        for row in ms.programme_params(kind):
            assert f"``{row['name']}``" in getattr(pg, kind).__doc__
    # Restructuring costs the government nothing: lenders bear the relief.
    assert [pg.spends_budget(k) for k in RELIEF_KINDS] == [False, True, True, True]
    assert ms.spends_budget("cash_grant") and not ms.spends_budget("loan_restructuring")
    assert pg.serves_cooperatives("virtual_rat") and not pg.serves_cooperatives("bpum")
    assert ms.default_amount_rp("bpum") == 2.4e6
    with pytest.raises(ms.InvalidArgumentError, match="kind"):
        pg.spends_budget("helicopter_money")


@pytest.mark.parametrize("kind", RELIEF_KINDS)
def test_relief_constructors_take_their_parameters_and_round_trip_through_toml(kind):
    params = RELIEF_PARAMS[kind]
    p = getattr(pg, kind)(f"my_{kind}", start="2020-04", end="2021-03", budget_rp=3e9, uptake=0.7,
                          monthly_capacity=500, **params)
    assert (p.kind, p.start, p.end, p.budget_rp, p.uptake, p.monthly_capacity) == (
        kind, "2020-04", "2021-03", 3e9, 0.7, 500)
    assert p.params == {k: float(v) for k, v in params.items()}
    for row in ms.programme_params(kind):
        assert p.param(row["name"]) == float(params.get(row["name"], row["default"]))
    # The generic constructor builds the same programme.
    q = pg.programme(kind, f"my_{kind}", start="2020-04", end="2021-03", budget_rp=3e9, uptake=0.7,
                     monthly_capacity=500, **params)
    assert repr(q) == repr(p) and q.params == p.params
    # Through a scenario file and back.
    f = ms.ScenarioFile(scenario=ms.Scenario(name="relief", months=24, programmes=[p]))
    back = ms.parse_scenario(ms.to_toml(f)).scenario.programmes
    assert len(back) == 1
    assert repr(back[0]) == repr(p) and back[0].params == p.params
    assert (back[0].uptake, back[0].monthly_capacity) == (0.7, 500)


def test_relief_parameters_are_checked_by_the_core_naming_the_field():
    with pytest.raises(ms.InvalidArgumentError) as info:
        pg.loan_restructuring("r", start="2020-04", end="2020-12", deferral_months=30)
    assert isinstance(info.value, ValueError)
    assert info.value.field == "programme 'r'.params.deferral_months" and "30" in str(info.value)
    with pytest.raises(ms.InvalidArgumentError, match=r"params\.deferral_months: got 2\.5"):
        pg.loan_restructuring("r", start="2020-04", end="2020-12", deferral_months=2.5)
    with pytest.raises(ms.InvalidArgumentError, match=r"params\.rate_points"):
        pg.kur_extra_subsidy("k", start="2020-04", end="2020-12", budget_rp=1e9, rate_points=-0.01)
    with pytest.raises(ms.TypeMismatchError, match=r"params\.exclude_informal"):
        pg.bpum("b", start="2020-04", end="2020-12", budget_rp=1e9, exclude_informal="yes")
    with pytest.raises(TypeError, match="did you mean 'deferral_months'"):
        pg.loan_restructuring("r", start="2020-04", end="2020-12", deferral_month=6)


def test_a_restructuring_needs_no_budget_the_others_do():
    r = pg.loan_restructuring("r", start="2020-04", end="2020-12")
    assert r.budget_rp == 0.0 and r.amount() == 0.0
    with pytest.raises(TypeError, match="budget_rp"):
        pg.bpum("b", start="2020-04", end="2020-12")  # type: ignore[call-arg]


def test_the_example_scenario_files_of_the_relief_programmes_load():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "examples" / "scenarios"
    base = len(ms.preset("bogor-covid19").scenario.programmes)
    for kind in RELIEF_KINDS:
        f = ms.load_scenario(root / f"{kind}.toml")
        progs = f.scenario.programmes
        assert len(progs) == base + 1 and progs[-1].kind == kind  # added after the preset's own
        again = ms.parse_scenario(ms.to_toml(f)).scenario.programmes
        assert [repr(p) for p in again] == [repr(p) for p in progs]
        assert [p.params for p in again] == [p.params for p in progs]


def test_the_bogor_preset_has_the_national_relief_in_force():
    sc = ms.presets.bogor_covid19_scenario()
    kinds = [p.kind for p in sc.programmes]
    assert {"loan_restructuring", "kur_extra_subsidy", "bpum"} <= set(kinds)
    assert sc.restrictions and sc.restriction("2020-05") > 0 and sc.restriction("2019-12") == 0
    assert (sc.survey_start, sc.survey_end) == ("2020-03", "2020-06")


# What each does in a run ------------------------------------------------------------------------
def test_loan_restructuring_restructures_loans_and_reports_the_relief(population):
    relief = pg.loan_restructuring("relief", start="2020-03", end="2020-12", deferral_months=6,
                                   extension_months=6)
    sim = ms.Simulation(population, covid_with(relief), seed=1)
    for _ in range(4):  # to the end of April 2020
        sim.step()
    n = sim.firm_count
    outstanding = np.asarray(sim.state("loan_principal_rp")[:n]) > 0
    restructured = (np.asarray(sim.state("loan_restructured")[:n]) == 1) & outstanding
    deferral = np.asarray(sim.state("loan_deferral")[:n])
    lender = np.asarray(sim.state("loan_lender")[:n])
    assert restructured.sum() > 100
    assert (deferral[restructured] != 0).all() and (deferral[~restructured] == 0).all()
    # Principal only (interest_deferred 0): deferral counts down from +6; KUR and banks, not cooperatives
    # (uptake_cooperative 0) nor informal lenders.
    assert set(deferral[restructured]) <= set(range(1, 7))
    assert set(np.unique(lender[restructured])) <= {ms.lenders().index("kur"), ms.lenders().index("bank")}
    sim.run()
    result = ms.Result(sim.result())
    summary = result.programme_summary().loc["relief"]
    assert summary["kind"] == "loan_restructuring"
    assert summary["recipients"] >= restructured.sum() and summary["relief_rp"] > 0
    assert summary["spent_rp"] == 0 and summary["budget_rp"] == 0  # the lenders bear it
    months = result.programmes
    assert (months.loc[months["month"] < 2, "relief_rp"] == 0).all()  # nothing before March 2020
    book = result.credit_book
    by_lender = book.groupby("lender", observed=True)["restructured"].max()
    assert by_lender["kur"] > 0 and by_lender["bank"] > 0
    assert by_lender["cooperative"] == 0 and by_lender["informal"] == 0
    assert (book["restructured_rp"] >= 0).all()
    # Without the programme no loan is ever restructured, on the same random numbers.
    plain = ms.run(population, covid_with(), seed=1)
    assert plain.credit_book["restructured"].sum() == 0 and plain.programmes.empty


def test_bpum_pays_micro_firms_without_formal_credit(population):
    grant = pg.bpum("bpum", start="2020-01", end="2020-01", budget_rp=1e12)
    result = ms.run(population, ms.Scenario(months=2, programmes=[grant]), seed=1)
    pay = result.programme_payments
    assert len(pay) > 1000 and (pay["transfer_rp"] == 2.4e6).all()
    firms = result.firms.set_index("firm")
    paid = firms.loc[pay["firm"].to_numpy()]
    assert (paid["initial_class"] == "micro").all()
    # Initial firms: none had a loan from a bank, KUR or a cooperative when it was paid (month 0);
    # informal credit does not count unless exclude_informal.
    rows = pay["firm"].to_numpy()
    rows = rows[rows < len(population)]
    informal = ms.lenders().index("informal")
    formal = (population.loan_principal_rp > 0) & (population.loan_lender != informal)
    assert not formal[rows].any()
    assert (population.informal_principal_rp[rows] > 0).any()
    # With exclude_informal, nor informal credit.
    strict = pg.bpum("bpum", start="2020-01", end="2020-01", budget_rp=1e12, exclude_informal=True)
    rows = ms.run(population, ms.Scenario(months=2, programmes=[strict]), seed=1).programme_payments["firm"]
    rows = rows.to_numpy()[rows.to_numpy() < len(population)]
    assert len(rows) > 100 and not (population.informal_principal_rp[rows] > 0).any()
    # The budget caps it.
    capped = pg.bpum("bpum", start="2020-01", end="2020-03", budget_rp=2.4e6 * 100)
    capped_result = ms.run(population, ms.Scenario(months=3, programmes=[capped]), seed=1)
    assert len(capped_result.programme_payments) == 100
    assert capped_result.programme_summary().loc["bpum", "spent_rp"] <= 2.4e8


def test_kur_extra_subsidy_lowers_the_rate_of_existing_kur_loans_while_it_runs(population):
    extra = pg.kur_extra_subsidy("extra", start="2020-02", end="2020-04", budget_rp=1e12, rate_points=0.06)
    sim = ms.Simulation(population, ms.Scenario(months=6, programmes=[extra]), seed=1)
    kur = ms.lenders().index("kur")
    medians = []
    for _ in range(6):
        sim.step()
        n = sim.firm_count
        on_kur = (np.asarray(sim.state("loan_lender")[:n]) == kur) & (np.asarray(sim.state("loan_principal_rp")[:n]) > 0)
        rates = np.asarray(sim.state("loan_rate_year")[:n])[on_kur]
        medians.append(float(np.median(rates)))
    base = ms.FirmParams()["kur_rate_year"]
    assert medians[0] == pytest.approx(base)                 # January: the full KUR rate
    assert medians[1:4] == pytest.approx([base - 0.06] * 3)  # February-April: 6 points paid by the programme
    assert medians[4:] == pytest.approx([base] * 2)          # after it, the full rate returns
    months = ms.Result(sim.result()).programmes.set_index("month")
    assert (months.loc[1:3, "beneficiaries"] > 0).all() and (months.loc[1:3, "transfer_rp"] > 0).all()
    assert (months.loc[[0, 4, 5], "transfer_rp"] == 0).all()


def test_virtual_rat_lets_cooperatives_hold_their_meetings_under_restrictions(population):
    assert population.cooperatives.virtual_rat.sum() == 0  # no cooperative meets online on its own
    lockdown = [ms.Restriction(start="2020-01", end="2021-12", name="lockdown")]
    support = pg.virtual_rat("online RAT", start="2020-01", end="2021-12", budget_rp=1e10, due_only=False)
    plain = ms.Scenario(months=24, restrictions=lockdown)
    helped = ms.Scenario(months=24, restrictions=lockdown, programmes=[support])
    free = ms.Scenario(months=24)
    a, b, c = (ms.run(population, sc, seed=1) for sc in (plain, helped, free))
    held = [r.cooperatives["rat_held"].sum() for r in (a, b, c)]
    assert held[0] < held[2] / 2                         # restrictions stop most meetings
    assert held[1] > 2 * held[0]                         # online meetings restore them
    assert a.cooperatives["rat_virtual"].sum() == 0 < b.cooperatives["rat_virtual"].sum()
    assert b.cooperatives["active"].iloc[-1] > a.cooperatives["active"].iloc[-1]
    pay = b.programme_payments
    assert len(pay) > 0 and (pay["firm"] == -1).all() and (pay["cooperative"] >= 0).all()
    # The recipients can meet online from then on.
    sim = ms.Simulation(population, helped, seed=1)
    sim.step()
    awarded = pay.loc[pay["month"] == 0, "cooperative"].to_numpy()
    assert (np.asarray(sim.cooperatives.virtual_rat)[awarded] == 1).all()


def test_switching_the_national_relief_off_changes_the_run(population):
    on = ms.presets.bogor_covid19_scenario(24)
    off = copy.deepcopy(on)
    off.name, off.programmes = "no relief", []
    a, b = ms.run(population, on, seed=2), ms.run(population, off, seed=2)
    assert a.programme_summary()["spent_rp"].sum() > 0 and b.programme_summary().empty
    assert a.credit_book["restructured"].max() > 0 and b.credit_book["restructured"].max() == 0
    pd.testing.assert_frame_equal(a.monthly.iloc[:2], b.monthly.iloc[:2])  # nothing before March 2020
    assert a.monthly["closed_firms"].iloc[-1] != b.monthly["closed_firms"].iloc[-1]


def test_north_sumatras_cooperatives_meet_online_in_the_share_seed_001_reports():
    spec = ms.presets.north_sumatra_cooperative_spec()
    assert spec.count == ms.presets.NORTH_SUMATRA_COOPERATIVES == 11_917
    assert spec.virtual_rat_share == ms.presets.NORTH_SUMATRA_VIRTUAL_RAT_SHARE
    population_spec = ms.presets.bogor_population_spec(2000)
    population_spec.cooperatives = spec
    population_spec["burn_in_months"] = 0
    pop = ms.generate_population(population_spec, seed=1)
    assert len(pop.cooperatives) == spec.count
    assert pop.cooperatives.virtual_rat.sum() == round(spec.virtual_rat_share * spec.count)
