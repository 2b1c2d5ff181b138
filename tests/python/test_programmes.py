"""Support programmes from Python: constructors and their validation, the
bindings, runs with programmes (budget, ledger identities, a zero budget
changes nothing) and the CSV outputs."""

from __future__ import annotations

import copy
import datetime
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import msmesim as ms
from msmesim import programmes as pg
from msmesim.api import write_outputs

FIRMS = 20_000
MONTHS = 18

CONSTRUCTORS = {
    "cash_grant": pg.cash_grant,
    "kur_subsidy": pg.kur_subsidy,
    "shipping_voucher": pg.shipping_voucher,
    "digital_training": pg.digital_training,
    "market_access": pg.market_access,
    "shop_rental": pg.shop_rental,
}
# One valid non-default value of each kind's parameters.
KIND_PARAMS = {
    "cash_grant": {},
    "kur_subsidy": {"rate_points": 0.04, "subsidy_months": 12},
    "shipping_voucher": {"transferable": False, "demand_uplift": 0.2, "months": 6},
    "digital_training": {"success_base": 0.2, "online_gain": 0.3},
    "market_access": {"demand_uplift": 0.15, "duration_months": 0},
    "shop_rental": {"fixed_cost_cut": 0.4},
}


@pytest.fixture(scope="module")
def bogor() -> ms.Population:
    return ms.generate_population(ms.presets.bogor_population_spec(FIRMS), seed=2)


def grant(budget_rp: float = 2e9, **kw) -> ms.Programme:
    args = {"start": "2020-05", "end": "2020-12", "budget_rp": budget_rp,
            "eligibility": pg.eligible(classes=["micro"]), "admin_cost_share": 0.03, "leakage_share": 0.05}
    args.update(kw)
    return pg.cash_grant("bpum", **args)


def scenario_with(*programmes: ms.Programme) -> ms.Scenario:
    sc = ms.presets.bogor_covid19_scenario(MONTHS)
    sc.programmes = list(programmes)
    return sc


@pytest.fixture(scope="module")
def grant_result(bogor) -> ms.Result:
    return ms.run(bogor, scenario_with(grant()), seed=5, threads=2)


@pytest.fixture(scope="module")
def bare_result(small_population) -> ms.Result:
    """The shocks of the preset without its programmes (the national credit relief)."""
    sc = ms.presets.bogor_covid19_scenario(24)
    sc.programmes = []
    return ms.run(small_population, sc, seed=3, threads=2)


# Vocabulary and bindings -------------------------------------------------------------------------
def test_vocabulary():
    assert ms.programme_kinds()[:6] == list(CONSTRUCTORS)
    assert pg.kinds() == ms.programme_kinds()
    assert ms.allocations() == ["first_come", "lottery", "most_distressed", "smallest_first"]
    assert "revenue_rp_month" in ms.eligibility_attributes()
    assert ms.default_amount_rp("cash_grant") == 2.4e6
    with pytest.raises(ms.InvalidArgumentError, match="kind"):
        ms.default_amount_rp("helicopter_money")


@pytest.mark.parametrize("kind", list(CONSTRUCTORS))
def test_parameter_tables(kind):
    rows = ms.programme_params(kind)
    table = pg.parameter_table(kind)
    assert list(table.columns) == ["name", "default", "min", "max", "unit", "integer", "description", "source"]
    assert table["name"].tolist() == [r["name"] for r in rows]
    assert ((table["default"] >= table["min"]) & (table["default"] <= table["max"])).all()
    assert set(KIND_PARAMS[kind]) <= set(table["name"])
    # Every parameter is documented in the constructor's docstring.
    for name in table["name"]:
        assert f"``{name}``" in CONSTRUCTORS[kind].__doc__


def test_core_classes_round_trip():
    e = ms.Eligibility(classes=["micro", "small"], registered=False, online_seller=True,
                       ranges=[ms.AttributeRange("workers", max=4)])
    assert e.classes == ["micro", "small"]
    assert e.registered is False and e.online_seller is True and e.cooperative_member is None
    assert e.ranges[0].attribute == "workers" and e.ranges[0].min == -np.inf and e.ranges[0].max == 4
    e.registered = None
    assert e.registered is None
    p = ms.Programme(name="x", kind="shop_rental", budget_rp=1e8, eligibility=e, params={"fixed_cost_cut": 0.25})
    assert p.kind == "shop_rental" and p.start == "2020-04" and p.end == "2020-12"
    assert p.quota is None and p.monthly_capacity is None and p.amount_rp is None
    assert p.amount() == ms.default_amount_rp("shop_rental")
    assert p.param("fixed_cost_cut") == 0.25 and p.params == {"fixed_cost_cut": 0.25}
    assert p.eligibility.online_seller is True
    p.quota, p.amount_rp, p.start = 10, 5e5, "2020-06"
    assert (p.quota, p.amount(), p.start) == (10, 5e5, "2020-06")
    p.validate()
    q = copy.deepcopy(p)
    q.name = "y"
    assert p.name == "x" and "shop_rental" in repr(q)
    sc = ms.Scenario(months=6, programmes=[p, q])
    assert [x.name for x in sc.programmes] == ["x", "y"]
    sc.validate()
    sc.programmes = []
    assert sc.programmes == []


# Constructors ------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", list(CONSTRUCTORS))
def test_each_kind_from_its_constructor(kind):
    params = KIND_PARAMS[kind]
    p = CONSTRUCTORS[kind](
        f"my_{kind}", start="2020-05", end=datetime.date(2021, 3, 1), budget_rp=1e9, quota=500,
        eligibility=pg.eligible(classes="micro", registered=True, ranges={"revenue_rp_month": (None, 5e6)}),
        allocation="lottery", uptake=0.6, monthly_capacity=100, admin_cost_share=0.05, leakage_share=0.1, **params,
    )
    assert isinstance(p, ms.Programme)
    assert (p.name, p.kind, p.start, p.end) == (f"my_{kind}", kind, "2020-05", "2021-03")
    assert (p.budget_rp, p.quota, p.monthly_capacity, p.allocation, p.uptake) == (1e9, 500, 100, "lottery", 0.6)
    assert p.eligibility.classes == ["micro"] and p.eligibility.registered is True
    assert p.eligibility.ranges[0].max == 5e6 and p.eligibility.ranges[0].min == -np.inf
    assert p.params == {k: float(v) for k, v in params.items()}
    for name, value in params.items():
        assert p.param(name) == float(value)
    for row in ms.programme_params(kind):
        if row["name"] not in params:
            assert p.param(row["name"]) == row["default"]
    # The generic constructor builds the same programme.
    q = pg.programme(kind, f"my_{kind}", start="2020-05", end="2021-03", budget_rp=1e9, quota=500,
                     eligibility={"classes": ["micro"], "registered": True,
                                  "ranges": {"revenue_rp_month": (None, 5e6)}},
                     allocation="lottery", uptake=0.6, monthly_capacity=100, admin_cost_share=0.05,
                     leakage_share=0.1, **params)
    assert repr(q) == repr(p) and q.params == p.params and repr(q.eligibility) == repr(p.eligibility)


@pytest.mark.parametrize("kind", ms.programme_kinds())
def test_every_kind_has_a_constructor_taking_its_parameters(kind):
    constructor = getattr(pg, kind)
    assert constructor is not pg.programme and kind in pg.__all__
    defaults = {row["name"]: (bool(row["default"]) if row["unit"] == "flag" else row["default"])
                for row in ms.programme_params(kind)}
    p = constructor(kind, start="2020-04", end="2020-12", budget_rp=1e8, **defaults)
    assert p.kind == kind and set(p.params) == set(defaults)
    for name in defaults:
        assert f"``{name}``" in constructor.__doc__
    assert p.amount() == ms.default_amount_rp(kind)


def test_cooperative_types_in_eligibility():
    e = pg.eligible(regions=["Cibinong"], coop_types=["savings_loan", "producer"])
    assert e.coop_types == ["savings_loan", "producer"] and e.regions == ["Cibinong"]
    assert pg.eligible(coop_types="consumer").coop_types == ["consumer"]
    with pytest.raises(ms.InvalidArgumentError) as info:
        pg.eligible(coop_types=["bank"])
    assert info.value.field == "eligibility.coop_types"
    with pytest.raises(ms.InvalidArgumentError) as info:
        pg.eligible(coop_types=["consumer", "consumer"])
    assert info.value.field == "eligibility.coop_types"


def test_defaults_and_month_forms():
    p = pg.kur_subsidy("kur", start=pd.Period("2020-06", freq="M"), end="2021-06", budget_rp=1e9)
    assert p.start == "2020-06" and p.params == {} and p.param("rate_points") == 0.03
    assert p.allocation == "first_come" and p.uptake == 1.0 and p.quota is None and p.amount_rp is None
    e = p.eligibility
    assert e.classes == [] and e.sectors == [] and e.registered is None and not e.in_distress


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"budget_rp": -1.0}, "programme 'bpum'.budget_rp"),
        ({"start": "2020-12", "end": "2020-05"}, "programme 'bpum'.end"),
        ({"uptake": 1.5}, "programme 'bpum'.uptake"),
        ({"leakage_share": 1.2}, "programme 'bpum'.leakage_share"),
        ({"admin_cost_share": -0.1}, "programme 'bpum'.admin_cost_share"),
        ({"quota": -3}, "programme 'bpum'.quota"),
        ({"monthly_capacity": -1}, "programme 'bpum'.monthly_capacity"),
        ({"amount_rp": -5.0}, "programme 'bpum'.amount_rp"),
        ({"amount_rp": float("nan")}, "programme 'bpum'.amount_rp"),
        ({"start": "2020-13"}, "start"),
        ({"start": "May 2020"}, "start"),
        ({"allocation": "loudest_first"}, "allocation"),
    ],
)
def test_invalid_values_raise_value_error_naming_the_field(kw, field):
    with pytest.raises(ValueError) as info:
        grant(**kw)
    assert isinstance(info.value, ms.InvalidArgumentError)
    assert info.value.field == field
    assert field in str(info.value) and "allowed" in str(info.value)


def test_invalid_kind_parameter_values():
    with pytest.raises(ms.InvalidArgumentError) as info:
        pg.kur_subsidy("kur", start="2020-06", end="2020-12", budget_rp=1e9, rate_points=1.5)
    assert info.value.field == "programme 'kur'.params.rate_points"
    with pytest.raises(ms.InvalidArgumentError) as info:
        pg.shipping_voucher("v", start="2020-06", end="2020-12", budget_rp=1e9, months=2.5)
    assert info.value.field == "programme 'v'.params.months" and "whole number" in str(info.value)


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"classes": ["tiny"]}, "eligibility.classes"),
        ({"classes": ["micro", "micro"]}, "eligibility.classes"),
        ({"ranges": {"height_m": (0, 2)}}, "eligibility.ranges[0].attribute"),
        ({"ranges": {"workers": (5, 1)}}, "eligibility.ranges[0].max"),
    ],
)
def test_invalid_eligibility(kw, field):
    with pytest.raises(ms.InvalidArgumentError) as info:
        pg.eligible(**kw)
    assert info.value.field == field


def test_unknown_kind_parameter_is_a_type_error_listing_the_allowed_ones():
    with pytest.raises(TypeError) as info:
        pg.kur_subsidy("kur", start="2020-06", end="2020-12", budget_rp=1e9, rate=0.03)
    msg = str(info.value)
    assert "'rate'" in msg and "rate_points" in msg and "subsidy_months" in msg and "did you mean 'rate_points'" in msg
    with pytest.raises(TypeError, match="cash_grant has no kind parameters"):
        grant(rate_points=0.03)
    with pytest.raises(TypeError, match="did you mean 'budget_rp'"):
        pg.cash_grant("g", start="2020-06", end="2020-12", budget_rp=1e9, budget=1e9)
    with pytest.raises(TypeError):  # a required field missing
        pg.cash_grant("g", start="2020-06", end="2020-12")


@pytest.mark.parametrize(
    "kw",
    [
        {"budget_rp": "a lot"},
        {"budget_rp": None},
        {"uptake": True},
        {"quota": 2.5},
        {"quota": "10"},
        {"monthly_capacity": True},
        {"start": 202005},
        {"allocation": 1},
        {"eligibility": "micro"},
        {"eligibility": pg.eligible},
    ],
)
def test_wrong_types_raise_type_error(kw):
    with pytest.raises(TypeError) as info:
        grant(**kw)
    assert isinstance(info.value, ms.TypeMismatchError)


def test_wrong_types_elsewhere():
    with pytest.raises(TypeError):
        pg.cash_grant(42, start="2020-06", end="2020-12", budget_rp=1e9)
    with pytest.raises(TypeError, match="params.rate_points"):
        pg.kur_subsidy("kur", start="2020-06", end="2020-12", budget_rp=1e9, rate_points="3%")
    with pytest.raises(TypeError, match="params.demand_uplift"):
        pg.market_access("m", start="2020-06", end="2020-12", budget_rp=1e9, demand_uplift=True)
    with pytest.raises(TypeError, match="eligibility.registered"):
        pg.eligible(registered=1)
    with pytest.raises(TypeError, match=r"eligibility.sectors\[1\]"):
        pg.eligible(sectors=["food_beverage", 3])
    with pytest.raises(TypeError, match="eligibility.ranges.workers"):
        pg.eligible(ranges={"workers": 5})
    with pytest.raises(TypeError):
        pg.eligible(class_="micro")
    with pytest.raises(ms.InvalidArgumentError, match="kind"):
        pg.programme("helicopter_money", "h", start="2020-06", end="2020-12", budget_rp=1e9)
    with pytest.raises(TypeError):
        pg.programme(None, "h", start="2020-06", end="2020-12", budget_rp=1e9)


def test_duplicate_names_are_rejected_by_the_scenario():
    with pytest.raises(ms.InvalidArgumentError) as info:
        ms.Scenario(months=6, programmes=[grant(), grant()])
    assert info.value.field == "programmes[1].name"


@pytest.mark.parametrize("where", ["sectors", "regions"])
def test_unknown_names_are_found_when_the_run_starts(bogor, where):
    p = grant(eligibility=pg.eligible(classes=["micro"], **{where: ["Atlantis"]}))
    sc = scenario_with(p)
    sc.validate()  # names are not known before the population is
    with pytest.raises(ValueError) as info:
        ms.run(bogor, sc)
    field = info.value.field
    assert field.startswith("programmes[0]") and field.endswith(f".eligibility.{where}")
    assert "Atlantis" in str(info.value)


# Runs ----------------------------------------------------------------------------------------------
def test_a_cash_grant_never_spends_beyond_its_budget(grant_result):
    m = grant_result.programmes
    assert len(m) == MONTHS and (m["programme"] == "bpum").all() and (m["kind"] == "cash_grant").all()
    assert (m["spent_to_date_rp"] <= 2e9).all()
    assert (m["budget_left_rp"] >= 0).all()
    outlay = m["transfer_rp"] + m["admin_rp"] + m["leakage_rp"]
    np.testing.assert_allclose(outlay.cumsum(), m["spent_to_date_rp"], rtol=1e-9)
    assert m["new_recipients"].sum() > 0
    # Only in the programme's window (May to December 2020: months 4 to 11).
    months = m.loc[m["new_recipients"] > 0, "month"]
    assert months.min() >= 4 and months.max() <= 11
    # Every recipient was a micro firm and got the grant once.
    pay = grant_result.programme_payments
    assert pay["firm"].is_unique and len(pay) == m["new_recipients"].sum()
    np.testing.assert_allclose(pay["transfer_rp"], 2.4e6 * (1 - 0.05))


def test_ledger_totals_match_the_monthly_table_and_the_payments(grant_result):
    lines = ["transfer_rp", "admin_rp", "leakage_rp"]
    m, ledger, pay = grant_result.programmes, grant_result.ledger, grant_result.programme_payments
    assert {"month", "programme", "region", "size_class", "sector", *lines} <= set(ledger.columns)
    assert set(ledger["size_class"].unique()) == {"micro"}
    assert len(ledger) > 0
    total = m[lines].to_numpy().sum()
    np.testing.assert_allclose(ledger[lines].to_numpy().sum(), total, rtol=1e-9)
    np.testing.assert_allclose(pay[lines].to_numpy().sum(), total, rtol=1e-9)
    for line in lines:  # and line by line, month by month
        by_month = ledger.groupby("month")[line].sum()
        np.testing.assert_allclose(m.set_index("month").loc[by_month.index, line], by_month, rtol=1e-9)
        np.testing.assert_allclose(pay[line].sum(), m[line].sum(), rtol=1e-9)


def test_programme_summary(grant_result):
    s = grant_result.programme_summary()
    m = grant_result.programmes
    assert list(s.index) == ["bpum"] and s.index.name == "programme"
    row = s.loc["bpum"]
    assert row["kind"] == "cash_grant"
    assert row["recipients"] == m["new_recipients"].sum()
    assert row["budget_rp"] == 2e9
    np.testing.assert_allclose(row["spent_rp"], row["transfer_rp"] + row["admin_rp"] + row["leakage_rp"])
    np.testing.assert_allclose(row["spent_rp"], m["spent_to_date_rp"].iloc[-1], rtol=1e-9)
    np.testing.assert_allclose(row["budget_left_rp"], 2e9 - row["spent_rp"], rtol=1e-9)
    assert row["eligible_peak"] == m["eligible"].max() and row["applicants_peak"] == m["applicants"].max()
    assert row["applicants_peak"] <= row["eligible_peak"]
    # Without the scenario's budgets (a Result built from a raw result) the budget is read off the table.
    bare = ms.Result(grant_result.raw).programme_summary()
    np.testing.assert_allclose(bare["budget_rp"], s["budget_rp"], rtol=1e-12)


def test_a_run_without_programmes_has_empty_programme_tables(bare_result):
    assert bare_result.programmes.empty and bare_result.ledger.empty and bare_result.programme_payments.empty
    s = bare_result.programme_summary()
    assert s.empty and "spent_rp" in s.columns


def test_several_programmes_stack(bogor):
    progs = [
        grant(budget_rp=1e9),
        pg.kur_subsidy("kur", start="2020-04", end="2021-03", budget_rp=5e8, rate_points=0.03),
        pg.shop_rental("rent", start="2020-04", end="2020-09", budget_rp=3e8, monthly_capacity=200,
                       eligibility=pg.eligible(in_distress=True)),
    ]
    res = ms.run(bogor, scenario_with(*progs), seed=5, threads=2)
    s = res.programme_summary()
    assert list(s.index) == ["bpum", "kur", "rent"]
    assert s["kind"].tolist() == ["cash_grant", "kur_subsidy", "shop_rental"]
    assert (s["spent_rp"] <= s["budget_rp"] * (1 + 1e-12)).all()
    assert (s["budget_rp"] == [1e9, 5e8, 3e8]).all()
    m = res.programmes
    assert (m.groupby("programme", observed=True)["new_recipients"].max().loc["rent"] <= 200)


def test_programmes_for_cooperatives_book_cooperatives(bogor):
    csr = pg.csr_capital("csr", start="2020-05", end="2020-12", budget_rp=1e9, amount_rp=5e7,
                         eligibility=pg.eligible(coop_types=["savings_loan"]))
    res = ms.run(bogor, scenario_with(csr), seed=5, threads=2)
    pay, ledger = res.programme_payments, res.ledger
    assert len(pay) > 0 and (pay["firm"] == -1).all() and (pay["cooperative"] >= 0).all()
    types = ms.cooperatives_frame(bogor)["type"]
    assert (types.iloc[pay["cooperative"].to_numpy()] == "savings_loan").all()
    assert (ledger["recipient"] == "cooperative").all()
    assert ledger["size_class"].isna().all() and ledger["sector"].isna().all()
    lines = ["transfer_rp", "admin_rp", "leakage_rp"]
    np.testing.assert_allclose(ledger[lines].to_numpy().sum(), pay[lines].to_numpy().sum(), rtol=1e-9)
    s = res.programme_summary().loc["csr"]
    assert s["recipients"] == len(pay) and s["spent_rp"] <= 1e9


def test_a_zero_budget_programme_changes_nothing(bogor):
    base = ms.run(bogor, scenario_with(), seed=5, threads=2)
    zero = ms.run(bogor, scenario_with(grant(budget_rp=0.0)), seed=5, threads=2)
    pd.testing.assert_frame_equal(base.monthly, zero.monthly, check_exact=True)
    pd.testing.assert_frame_equal(base.firms, zero.firms, check_exact=True)
    assert zero.programmes["new_recipients"].sum() == 0 and zero.programme_payments.empty
    assert (zero.programme_summary()["spent_rp"] == 0).all()


def test_runs_with_programmes_do_not_depend_on_threads(bogor):
    sc = scenario_with(grant(allocation="lottery", uptake=0.5))
    a = ms.run(bogor, sc, seed=9, threads=1)
    b = ms.run(bogor, sc, seed=9, threads=3)
    pd.testing.assert_frame_equal(a.programmes, b.programmes, check_exact=True)
    pd.testing.assert_frame_equal(a.programme_payments, b.programme_payments, check_exact=True)


# Outputs ---------------------------------------------------------------------------------------------
def test_outputs_include_the_programme_tables(grant_result, bare_result, tmp_path: Path):
    written = write_outputs([grant_result, bare_result], tmp_path)
    names = {p.name for p in written}
    assert {"programmes.csv", "programme_ledger.csv", "programme_payments.csv"} <= names
    monthly = pd.read_csv(tmp_path / "programmes.csv")
    assert list(monthly.columns[:4]) == ["scenario", "replication", "month", "programme"]
    assert len(monthly) == len(grant_result.programmes)  # the run without programmes adds no rows
    ledger = pd.read_csv(tmp_path / "programme_ledger.csv")
    pay = pd.read_csv(tmp_path / "programme_payments.csv")
    total = grant_result.programmes[["transfer_rp", "admin_rp", "leakage_rp"]].to_numpy().sum()
    for frame in (ledger, pay):
        np.testing.assert_allclose(frame[["transfer_rp", "admin_rp", "leakage_rp"]].to_numpy().sum(), total,
                                   rtol=1e-9)
    # Without programmes, no programme files.
    other = tmp_path / "plain"
    names = {p.name for p in write_outputs([bare_result], other)}
    assert not names & {"programmes.csv", "programme_ledger.csv", "programme_payments.csv"}
    assert not (other / "programmes.csv").exists()


def test_cli_writes_the_programme_tables_of_a_scenario_with_programmes(bogor, tmp_path: Path):
    """`msmesim run FILE --out` writes what write_outputs writes: with a scenario file that has
    programmes, the three programme files appear."""
    from msmesim import cli

    f = ms.preset("bogor-covid19")
    f.scenario.programmes = [grant(budget_rp=1e8)]
    ms.save_scenario(f, tmp_path / "with_grant.toml")
    out = tmp_path / "out"
    assert cli.main(["run", str(tmp_path / "with_grant.toml"), "--firms", "5000", "--months", "13", "--quiet",
                     "--threads", "2", "--out", str(out)]) == 0
    for name in ("programmes.csv", "programme_ledger.csv", "programme_payments.csv", "monthly.csv"):
        assert (out / name).exists()
    assert len(pd.read_csv(out / "programmes.csv")) == 13


def test_programmes_example_runs():
    example = Path(__file__).resolve().parents[2] / "examples" / "python" / "programmes.py"
    proc = subprocess.run([sys.executable, str(example), "5000"], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "Closures avoided" in proc.stdout and "bpum" in proc.stdout
