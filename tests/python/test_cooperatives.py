"""Cooperatives from Python: the Bogor preset's statistics, zero-copy arrays,
DataFrames, spec validation and CSV round trips."""

from __future__ import annotations

import gc
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import msmesim as ms

FIRMS = 20_000
# Seed 000 Table 5 (Bogor, 2019).
OWN_CAPITAL_RP = 248_589_778_560.0
EXTERNAL_CAPITAL_RP = 107_549_168_854.0
BUSINESS_VOLUME_RP = 550_099_401_555.0
SHU_RP = 42_667_055_523.0

FRAME_COLUMNS = [
    "region", "type", "members", "member_firms", "own_capital_rp", "deposits_rp", "borrowed_rp",
    "external_capital_rp", "surplus_rp", "cash_rp", "loans_rp", "arrears_rp", "other_assets_rp",
    "business_volume_rp_year", "shu_rp_year", "rat_history", "active", "healthy", "virtual_rat",
]


@pytest.fixture(scope="module")
def bogor() -> ms.Population:
    return ms.generate_population(ms.presets.bogor_population_spec(FIRMS), seed=7)


def test_coop_types_are_in_code_order():
    assert ms.coop_types() == ["producer", "consumer", "marketing", "service", "savings_loan"]


def test_bogor_preset_spec():
    spec = ms.presets.bogor_cooperative_spec()
    assert isinstance(spec, ms.CooperativeSpec)
    assert spec.count == 1651 and spec.members == 91_555 and spec.active_total() == 589
    assert spec.active_by_region == ms.presets.bogor_active_cooperatives_2019()
    assert spec.type_weights == [94.0, 1451.0, 33.0, 50.0, 62.0]
    assert spec.own_capital_rp == OWN_CAPITAL_RP
    spec.validate(len(ms.presets.bogor_kecamatan()))
    assert ms.presets.bogor_population_spec(10).cooperatives.count == 1651


def test_bogor_population_matches_the_2019_statistics(bogor):
    co = bogor.cooperatives
    assert isinstance(co, ms.Cooperatives)
    assert len(co) == co.size == 1651
    assert int(co.active.sum()) == 589
    active_by_region = np.bincount(co.region[co.active == 1], minlength=len(bogor.region_names))
    assert active_by_region.tolist() == ms.presets.bogor_active_cooperatives_2019()
    assert int(co.members.sum()) == 91_555
    rel = 1e-6
    assert co.own_capital_rp.sum() == pytest.approx(OWN_CAPITAL_RP, rel=rel)
    assert (co.deposits_rp + co.borrowed_rp).sum() == pytest.approx(EXTERNAL_CAPITAL_RP, rel=rel)
    assert co.business_volume_rp_year.sum() == pytest.approx(BUSINESS_VOLUME_RP, rel=rel)
    assert co.shu_rp_year.sum() == pytest.approx(SHU_RP, rel=rel)
    # Types: exact counts by largest remainder over the Table 4 weights.
    weights = np.array(ms.presets.bogor_cooperative_spec().type_weights)
    counts = np.bincount(co.type, minlength=5)
    assert counts.sum() == 1651
    assert np.all(np.abs(counts - 1651 * weights / weights.sum()) < 1)
    bogor.validate()
    co.validate(len(bogor.region_names))


def test_member_firms_belong_to_a_cooperative_of_their_region(bogor):
    co = bogor.cooperatives
    members = np.flatnonzero(bogor.cooperative >= 0)
    assert members.size == round(91_555 * 0.5 * FIRMS / ms.presets.BOGOR_FIRMS)
    assert (bogor.cooperative >= -1).all() and (bogor.cooperative < len(co)).all()
    np.testing.assert_array_equal(co.region[bogor.cooperative[members]], bogor.region[members])
    per_coop = np.bincount(bogor.cooperative[members], minlength=len(co))
    assert (per_coop <= co.members).all()


def test_balance_sheets_balance(bogor):
    co = bogor.cooperatives
    assets = co.cash_rp + co.loans_rp + co.other_assets_rp
    claims = co.deposits_rp + co.borrowed_rp + co.own_capital_rp + co.surplus_rp
    np.testing.assert_allclose(assets, claims, rtol=1e-9)
    assert co.external_capital_rp(3) == co.deposits_rp[3] + co.borrowed_rp[3]
    assert co.balance_gap_rp(3) == pytest.approx(0.0, abs=1e-6 * assets[3])
    with pytest.raises(IndexError, match="1651"):
        co.external_capital_rp(1651)
    with pytest.raises(IndexError):
        co.balance_gap_rp(-1)


def test_cooperative_arrays_are_views_not_copies(bogor):
    pop = bogor.copy()
    co = pop.cooperatives
    arr = co.cash_rp
    assert arr.base is not None
    arr[0] = 123.0  # writes through to the C++ population
    assert pop.cooperatives.cash_rp[0] == 123.0
    assert bogor.cooperatives.cash_rp[0] != 123.0  # the copy is deep
    frame = ms.cooperatives_frame(pop)
    assert np.shares_memory(pop.cooperatives.members, co.members)
    assert frame["cash_rp"].iloc[0] == 123.0
    assert set(ms.Cooperatives.array_names()) == {
        "region", "type", "members", "own_capital_rp", "deposits_rp", "borrowed_rp", "surplus_rp", "cash_rp",
        "loans_rp", "arrears_rp", "other_assets_rp", "business_volume_rp_year", "shu_rp_year", "rat_history",
        "active", "healthy", "virtual_rat",
    }
    assert co.memory_bytes() > 0 and pop.memory_bytes() > co.memory_bytes()


def test_cooperatives_keep_their_population_alive():
    co = ms.generate_population(ms.presets.bogor_population_spec(500), seed=3).cooperatives
    members = co.members
    gc.collect()
    assert len(co) == 1651 and int(members.sum()) == 91_555


def test_same_seed_same_cooperatives():
    spec = ms.presets.bogor_population_spec(2000)
    a = ms.generate_population(spec, seed=5)
    b = ms.generate_population(spec, seed=5, threads=3)
    for name in ms.Cooperatives.array_names():
        np.testing.assert_array_equal(getattr(a.cooperatives, name), getattr(b.cooperatives, name))
    np.testing.assert_array_equal(a.cooperative, b.cooperative)


def test_cooperatives_frame_columns_and_dtypes(bogor):
    frame = ms.cooperatives_frame(bogor)
    co = bogor.cooperatives
    assert list(frame.columns) == FRAME_COLUMNS
    assert frame.index.name == "cooperative"
    np.testing.assert_array_equal(frame.index.to_numpy(), np.arange(1651))
    assert list(frame["region"].cat.categories) == bogor.region_names
    assert list(frame["type"].cat.categories) == ms.coop_types()
    assert frame["type"].cat.ordered is False
    assert frame["region"].iloc[0] == bogor.region_names[co.region[0]]
    assert frame["type"].iloc[0] == ms.coop_types()[co.type[0]]
    assert frame["active"].dtype == bool and frame["healthy"].dtype == bool and frame["virtual_rat"].dtype == bool
    assert frame["members"].dtype == np.int32 and frame["member_firms"].dtype == np.int64
    assert frame["rat_history"].dtype == np.uint8
    for col in FRAME_COLUMNS[4:15]:
        assert frame[col].dtype == np.float64, col
    assert int(frame["active"].sum()) == 589
    assert int(frame["member_firms"].sum()) == int((bogor.cooperative >= 0).sum())
    np.testing.assert_allclose(frame["external_capital_rp"], frame["deposits_rp"] + frame["borrowed_rp"])
    assert frame["external_capital_rp"].sum() == pytest.approx(EXTERNAL_CAPITAL_RP, rel=1e-6)
    by_region = frame[frame["active"]].groupby("region", observed=False).size()
    assert by_region.tolist() == ms.presets.bogor_active_cooperatives_2019()
    # Inactive cooperatives held no RAT in the window; active ones at least one.
    assert (frame.loc[frame["active"], "rat_history"] > 0).all()


def test_memberships_frame(bogor):
    frame = ms.memberships_frame(bogor)
    assert list(frame.columns) == ["firm", "cooperative", "region"]
    assert frame["firm"].dtype == np.int64 and frame["cooperative"].dtype == np.int32
    assert isinstance(frame["region"].dtype, pd.CategoricalDtype)
    assert len(frame) == int((bogor.cooperative >= 0).sum())
    assert frame["firm"].is_unique and frame["firm"].is_monotonic_increasing
    coops = ms.cooperatives_frame(bogor)
    assert (coops["region"].to_numpy()[frame["cooperative"]] == frame["region"].to_numpy()).all()
    counts = frame.groupby("cooperative").size().reindex(coops.index, fill_value=0)
    np.testing.assert_array_equal(counts.to_numpy(), coops["member_firms"].to_numpy())


def test_population_without_cooperatives():
    spec = ms.presets.bogor_population_spec(300)
    spec.cooperatives.count = 0  # the property is the spec's own CooperativeSpec
    assert spec.cooperatives.count == 0
    pop = ms.generate_population(spec, seed=1)
    assert len(pop.cooperatives) == 0
    assert (pop.cooperative == -1).all()
    frame = ms.cooperatives_frame(pop)
    assert list(frame.columns) == FRAME_COLUMNS and len(frame) == 0
    assert len(ms.memberships_frame(pop)) == 0


def test_spec_fields_read_and_write():
    spec = ms.CooperativeSpec()
    assert spec.count == 0 and spec.type_weights == [1.0] * 5
    spec.count = 10
    spec.active = 4
    spec.members = 500
    spec.volume_weight = [1, 2, 3, 4, 5]
    assert spec.volume_weight == [1.0, 2.0, 3.0, 4.0, 5.0]
    spec.loan_share_of_funds = (0.1, 0.1, 0.1, 0.1, 0.5)
    assert spec.loan_share_of_funds[4] == 0.5
    spec.validate(3)
    pop_spec = ms.presets.bogor_population_spec(100)
    pop_spec.cooperatives = spec
    assert pop_spec.cooperatives.count == 10 and pop_spec.cooperatives.active_by_region == []
    assert "count=10" in repr(spec)


@pytest.mark.parametrize(
    ("field", "value", "named"),
    [
        ("firm_member_share", 2.0, "firm_member_share"),
        ("type_weights", [0.0] * 5, "type_weights"),
        ("active_by_region", [1, 2, 3], "active_by_region"),
        ("min_members", -1, "min_members"),
        ("cash_share_of_funds", 1.5, "cash_share_of_funds"),
    ],
)
def test_invalid_spec_values_name_the_field(field, value, named):
    spec = ms.presets.bogor_population_spec(200)
    setattr(spec.cooperatives, field, value)
    for check in (lambda: spec.cooperatives.validate(len(spec.regions)), spec.validate,
                  lambda: ms.generate_population(spec, seed=1)):
        with pytest.raises(ms.InvalidArgumentError) as info:
            check()
        assert isinstance(info.value, ValueError)
        assert named in str(info.value) and named in info.value.field


def test_per_type_lists_need_five_values():
    spec = ms.CooperativeSpec()
    with pytest.raises(ms.InvalidArgumentError, match="type_weights") as info:
        spec.type_weights = [1.0, 2.0]
    assert isinstance(info.value, ValueError)
    with pytest.raises(ms.InvalidArgumentError, match="volume_weight"):
        spec.volume_weight = [1.0] * 6
    assert spec.type_weights == [1.0] * 5


def test_invalid_cooperative_arrays_are_reported_by_validate(bogor):
    pop = bogor.copy()
    pop.cooperatives.members[5] = -3
    with pytest.raises(ms.InvalidArgumentError, match="members") as info:
        pop.validate()
    assert "cooperative 5" in str(info.value)
    pop = bogor.copy()
    pop.cooperatives.cash_rp[2] += 1e9
    with pytest.raises(ms.InvalidArgumentError, match="balance"):
        pop.cooperatives.validate(len(pop.region_names))


def test_csv_round_trip_with_cooperatives_and_memberships(tmp_path: Path):
    pop = ms.generate_population(ms.presets.bogor_population_spec(3000), seed=4)
    firms, coops, memberships = tmp_path / "firms.csv", tmp_path / "coops.csv", tmp_path / "members.csv"
    pop.to_csv(str(firms))
    pop.cooperatives_to_csv(str(coops))
    pop.memberships_to_csv(str(memberships))
    assert len(memberships.read_text(encoding="utf-8").splitlines()) == 1 + int((pop.cooperative >= 0).sum())

    for back in (
        ms.Population.from_csv(str(firms), "registry", cooperatives=str(coops), memberships=str(memberships)),
        ms.load_population_csv(firms, name="registry", cooperatives=coops, memberships=memberships),
        ms.load_population_csv(firms, cooperatives=coops),  # memberships from the firm file's column
    ):
        back.validate()
        assert len(back) == len(pop) and len(back.cooperatives) == len(pop.cooperatives)
        for name in ms.Cooperatives.array_names():
            if name == "region":
                continue  # compared by name below (the file may order regions differently)
            np.testing.assert_array_equal(getattr(back.cooperatives, name), getattr(pop.cooperatives, name),
                                          err_msg=name)
        back_regions = np.array(back.region_names)[back.cooperatives.region]
        np.testing.assert_array_equal(back_regions, np.array(pop.region_names)[pop.cooperatives.region])
        np.testing.assert_array_equal(back.cooperative, pop.cooperative)
        pd.testing.assert_frame_equal(
            ms.cooperatives_frame(back).drop(columns="region"), ms.cooperatives_frame(pop).drop(columns="region")
        )


def test_csv_without_cooperatives_file_has_none(tmp_path: Path):
    spec = ms.presets.bogor_population_spec(200)
    spec.cooperatives.count = 0
    pop = ms.generate_population(spec, seed=2)
    path = tmp_path / "firms.csv"
    pop.to_csv(str(path))
    back = ms.load_population_csv(path)
    assert len(back.cooperatives) == 0 and (back.cooperative == -1).all()


def test_memberships_file_needs_a_cooperatives_file(tmp_path: Path):
    with pytest.raises(ms.InvalidArgumentError, match="memberships"):
        ms.load_population_csv(tmp_path / "firms.csv", memberships=tmp_path / "members.csv")


# ---- the cooperatives in a run ---------------------------------------------------


@pytest.fixture(scope="module")
def bogor_run():
    pop = ms.generate_population(ms.presets.bogor_population_spec(20000), seed=2)
    return pop, ms.run(pop, ms.presets.bogor_covid19_scenario(), seed=3, cooperative_panel=True)


def test_run_gives_cooperative_frames_by_month_type_and_kecamatan(bogor_run):
    pop, result = bogor_run
    monthly = result.cooperatives
    assert len(monthly) == 36
    for col in ("active", "healthy", "stressed", "cash_rp", "deposits_rp", "withdrawals_rp", "loans_rp",
                "arrears_rp", "shu_paid_rp", "new_loans_firms_rp", "lendable_rp"):
        assert col in monthly.columns
    # Registered: the initial cooperatives and the ones founded so far.
    np.testing.assert_array_equal(monthly["cooperatives"], len(pop.cooperatives) + monthly["founded"].cumsum())
    assert monthly["founded"].sum() > 0
    assert monthly["active"].iloc[0] - monthly["founded"].iloc[0] == 589
    by_type = result.cooperatives_by_type
    assert list(by_type["type"].cat.categories) == ms.coop_types()
    assert len(by_type) == 36 * 5
    by_region = result.cooperatives_by_region
    assert len(by_region) == 36 * 40
    # The groups add up to the totals, month by month.
    for frame in (by_type, by_region):
        summed = frame.groupby("month", observed=True)[["active", "deposits_rp", "loans_rp"]].sum()
        np.testing.assert_allclose(summed["active"], monthly["active"])
        np.testing.assert_allclose(summed["deposits_rp"], monthly["deposits_rp"], rtol=1e-9)
        np.testing.assert_allclose(summed["loans_rp"], monthly["loans_rp"], rtol=1e-9)
    panel = result.cooperatives_panel
    assert len(panel) == 36 * monthly["cooperatives"].iloc[-1]
    assert (panel["new_loans_firms_rp"] <= panel["lendable_rp"]).all()
    # Each cooperative's region and type; a new one appears in its founding month.
    assert list(panel["type"].cat.categories) == ms.coop_types()
    first = panel[panel["cooperatives"] == 1].groupby("cooperative")["month"].min()
    assert (first.iloc[:len(pop.cooperatives)] == 0).all()
    founded = panel[panel["founded"] == 1].set_index("cooperative")["month"]
    assert (first.loc[founded.index] == founded).all()
    assert (panel.groupby("cooperative")["region"].nunique() == 1).all()


def test_members_and_nonmembers_side_by_side(bogor_run):
    pop, result = bogor_run
    side = result.members_vs_nonmembers()
    assert set(side["group"]) == {"member", "nonmember"}
    first = side[side["month"] == 0].set_index("group")
    assert first["active_firms"].sum() == result.monthly["active_firms"].iloc[0]
    # The population's member firms, and the firms that entered in the first month into the
    # cooperative of the firm they replace.
    firms = result.firms
    entrants = int(((firms["entry_month"] == 0) & (firms["cooperative"] >= 0)).sum())
    members = int((pop.cooperative >= 0).sum())
    assert first.loc["member", "active_firms"] + first.loc["member", "closed_firms"] == members + entrants


def test_cli_writes_cooperative_outputs(tmp_path):
    import subprocess
    import sys

    out = tmp_path / "out"
    subprocess.run([sys.executable, "-m", "msmesim", "run", "--firms", "5000", "--months", "13", "--quiet",
                    "--out", str(out)], check=True)
    for name in ("cooperatives.csv", "cooperatives_by_type.csv", "cooperatives_by_region.csv"):
        frame = pd.read_csv(out / name)
        assert {"scenario", "replication", "month", "active", "deposits_rp"} <= set(frame.columns)
    assert len(pd.read_csv(out / "cooperatives.csv")) == 13
    monthly = pd.read_csv(out / "monthly.csv")
    assert {"member_active_firms", "nonmember_active_firms"} <= set(monthly.columns)


def test_simulation_exposes_the_cooperatives_month_by_month():
    pop = ms.generate_population(ms.presets.bogor_population_spec(5000), seed=2)
    sim = ms._core.Simulation(pop, ms.presets.bogor_covid19_scenario(3))
    sim.step()
    co = sim.cooperatives
    assert len(co) >= len(pop.cooperatives)  # and the ones founded this month
    gap = co.cash_rp + co.loans_rp + co.other_assets_rp - (co.deposits_rp + co.borrowed_rp + co.own_capital_rp
                                                            + co.surplus_rp)
    assert np.abs(gap).max() <= 1e-6 * (co.cash_rp + co.loans_rp + co.other_assets_rp).max()


def test_the_north_sumatra_preset_is_seed_001s_cooperatives_and_their_members_firms():
    """Seed 001: 11,917 cooperatives, about 900,000 members, 93 virtual RATs; the population is the members'
    firms (half of the members run one), every firm a member, in one region, the province."""
    row = next(r for r in ms.presets.population_presets() if r["name"] == "north-sumatra-cooperatives")
    assert row["firms"] == 450_000 == ms.presets.NORTH_SUMATRA_MEMBERS // 2
    spec = ms.presets.population_spec("north-sumatra-cooperatives", 9_000)
    pop = ms.generate_population(spec, seed=1)
    assert len(pop.cooperatives) == ms.presets.NORTH_SUMATRA_COOPERATIVES == 11_917
    frame = ms.population_frame(pop)
    assert (frame["cooperative"] >= 0).all() and list(pop.region_names) == ["Sumatera Utara"]
    f = ms.preset("north-sumatra-cooperatives")
    assert f.scenario.restrictions and {p.kind for p in f.scenario.programmes} >= {"bpum", "loan_restructuring"}
