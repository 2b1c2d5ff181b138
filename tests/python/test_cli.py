"""The `msmesim` command line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import msmesim as ms


def msmesim(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "msmesim", *args], capture_output=True, text=True, timeout=600)
    if check and proc.returncode != 0:
        raise AssertionError(f"exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    return proc


def test_run_writes_long_form_outputs(tmp_path: Path):
    out = tmp_path / "out"
    proc = msmesim("run", "--firms", "3000", "--months", "12", "--seed", "4", "--threads", "2",
                   "--out", str(out), "--replications", "2", "--microdata")
    assert "bogor-covid19" in proc.stdout
    monthly = pd.read_csv(out / "monthly.csv")
    for col in ("scenario", "replication", "month", "active_firms", "closed_firms", "employment", "revenue_index"):
        assert col in monthly.columns
    assert sorted(monthly["replication"].unique()) == [0, 1]
    assert len(monthly) == 24
    for name in ("by_sector.csv", "by_class.csv", "by_region.csv", "firms.csv", "run.json"):
        assert (out / name).exists()
    regions = pd.read_csv(out / "by_region.csv")
    assert regions["region"].nunique() == 40


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--firms", "-5"], "--firms: got -5; allowed: a whole number >= 1"),
        (["--firms", "many"], "--firms: got 'many'"),
        (["--months", "0"], "--months: got 0; allowed"),
        (["--threads", "-1"], "--threads: got -1"),
        (["--region", "Atlantis"], "--region: got 'Atlantis'; allowed: a Bogor kecamatan"),
        (["--region", "Cibinongg"], "did you mean 'Cibinong'"),
        (["--cooperatives-csv", "coops.csv"], "--cooperatives-csv: got 'coops.csv'; allowed: a cooperatives file"),
    ],
)
def test_invalid_arguments_name_the_argument_and_what_is_allowed(args, needle):
    proc = msmesim("run", *args, check=False)
    assert proc.returncode == 2
    assert needle in proc.stderr
    assert "Traceback" not in proc.stderr


def test_region_restricts_the_population():
    proc = msmesim("run", "--firms", "20000", "--months", "3", "--region", "Cibinong", "--region", "Citeureup")
    title = proc.stdout.splitlines()[0]
    assert "(Citeureup, Cibinong)" in title
    # Their share of the 589 active cooperatives of 2019 (weights of the preset): 118/589.
    assert "(4,007 firms)" in title


def test_region_keeps_the_cooperatives_of_its_kecamatan():
    from msmesim import cli

    spec = ms.presets.bogor_population_spec(20000)
    names = ms.presets.bogor_kecamatan()
    keep = [names.index("Cibinong"), names.index("Citeureup")]
    active = [ms.presets.bogor_active_cooperatives_2019()[i] for i in keep]
    share = sum(active) / 589
    cli._restrict_cooperatives(spec.cooperatives, keep, share)
    spec.regions = [spec.regions[i] for i in keep]
    spec.firms = round(20000 * share)
    pop = ms.generate_population(spec, seed=1)
    co = ms.cooperatives_frame(pop)
    assert co[co["active"]].groupby("region", observed=False).size().tolist() == active
    assert len(co) == round(1651 * share)
    assert co["own_capital_rp"].sum() == pytest.approx(248_589_778_560 * share, rel=1e-6)
    assert co["member_firms"].sum() == round(91_555 * 0.5 * 20000 / ms.presets.BOGOR_FIRMS * share)


def test_registry_with_cooperatives(tmp_path: Path):
    pop = ms.generate_population(ms.presets.bogor_population_spec(2000), seed=3)
    firms, coops, members = tmp_path / "firms.csv", tmp_path / "coops.csv", tmp_path / "members.csv"
    pop.to_csv(str(firms))
    pop.cooperatives_to_csv(str(coops))
    pop.memberships_to_csv(str(members))
    proc = msmesim("run", "--months", "2", "--population-csv", str(firms), "--cooperatives-csv", str(coops),
                   "--memberships-csv", str(members))
    assert "(2,000 firms)" in proc.stdout.splitlines()[0]
    proc = msmesim("run", "--population-csv", str(firms), "--memberships-csv", str(members), check=False)
    assert proc.returncode == 2 and "--memberships-csv" in proc.stderr


def test_presets_lists_the_default():
    assert "bogor-covid19" in msmesim("presets").stdout


def test_version():
    assert msmesim("--version").stdout.startswith("msmesim ")


@pytest.mark.slow
def test_default_run_is_the_full_bogor_preset():
    proc = msmesim("run")
    assert "751,888 firms" in proc.stdout and "36 months from January 2020" in proc.stdout
    # The README shows this summary: it must be the one the engine prints now
    # (all but the timing line).
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    shown = readme.split("## The default run", 1)[1].split("```text", 1)[1].split("```", 1)[0]
    expected = [line for line in shown.strip().splitlines() if not line.strip().startswith("Run ")]
    printed = [line for line in proc.stdout.strip().splitlines() if not line.strip().startswith("Run ")]
    assert printed[-len(expected):] == expected


def test_compare_and_report_take_the_population_options_of_run(tmp_path: Path):
    """`compare` and `report` simulate the same firms as `run` given the same
    population options: a set of kecamatan, or a registry file."""
    proc = msmesim("compare", "bogor-covid19", "bogor-covid19", "--firms", "20000", "--months", "3",
                   "--region", "Cibinong", "--region", "Citeureup")
    assert "(4,007 firms)" in proc.stdout.splitlines()[0]
    pop = ms.generate_population(ms.presets.bogor_population_spec(1500), seed=3)
    firms, coops = tmp_path / "firms.csv", tmp_path / "coops.csv"
    pop.to_csv(str(firms))
    pop.cooperatives_to_csv(str(coops))
    html = tmp_path / "report.html"
    proc = msmesim("report", str(html), "--months", "2", "--population-csv", str(firms), "--cooperatives-csv",
                   str(coops))
    assert "(1,500 firms)" in proc.stdout and html.exists()
    proc = msmesim("report", str(html), "--population-csv", str(firms), "--region", "Cibinong", check=False)
    assert proc.returncode == 2 and "--population-csv" in proc.stderr


def test_fewer_firms_get_a_proportionate_budget_unless_kept(tmp_path):
    base = ms.preset("bogor-covid19").scenario
    full = {p.name: p.budget_rp for p in base.programmes}
    firms = 75_189  # a tenth of the preset's 751,888
    for keep in (False, True):
        out = tmp_path / ("kept" if keep else "scaled")
        proc = msmesim("run", "--firms", str(firms), "--months", "6", "--out", str(out),
                       *(["--keep-budgets"] if keep else []))
        assert ("scaled by 0.1" in proc.stderr) != keep, proc.stderr
        frame = pd.read_csv(out / "programmes.csv")
        first = frame.groupby("programme").first()
        for name, budget in full.items():
            if budget <= 0:
                continue
            given = first.loc[name, "budget_left_rp"] + first.loc[name, "spent_to_date_rp"]
            expected = budget if keep else budget * firms / 751_888
            assert abs(given - expected) <= 1e-6 * budget, (name, given, expected)
    # A registry's budgets are the office's own: never scaled.
    proc = msmesim("run", "--months", "2", "--population-csv",
                   str(Path(__file__).resolve().parents[2] / "examples" / "registers" / "umkm_contoh.csv"))
    assert "scaled" not in proc.stderr


def test_scale_programmes_scales_budgets_and_counts_only():
    sc = ms.Scenario(name="s", programmes=[
        ms.Programme(name="a", kind="cash_grant", budget_rp=1e9, amount_rp=1e6, quota=10, monthly_capacity=3),
        ms.Programme(name="b", kind="cash_grant", budget_rp=5e8, amount_rp=1e6)])
    small = ms.scenarios.scale_programmes(sc, 0.1)
    a, b = small.programmes
    assert (a.budget_rp, a.quota, a.monthly_capacity, a.amount_rp) == (1e8, 1, 1, 1e6)
    assert (b.budget_rp, b.quota, b.monthly_capacity) == (5e7, None, None)
    assert sc.programmes[0].budget_rp == 1e9, "the scenario given is left alone"
    assert ms.scenarios.scale_programmes(sc, 2.5).programmes[0].quota == 25
    for bad in (0, -1, float("nan"), "x"):
        with pytest.raises(ms.InvalidArgumentError, match="factor"):
            ms.scenarios.scale_programmes(sc, bad)


def test_parquet_outputs_hold_the_csv_numbers_typed_with_the_runs_metadata(tmp_path):
    import json

    import pyarrow.parquet as pq

    common = ["run", "--firms", "3000", "--months", "4", "--microdata", "--panel-month", "2", "--seed", "3"]
    msmesim(*common, "--out", str(tmp_path / "csv"))
    msmesim(*common, "--out", str(tmp_path / "pq"), "--format", "parquet")
    csv_files = sorted(p.stem for p in (tmp_path / "csv").glob("*.csv"))
    assert sorted(p.stem for p in (tmp_path / "pq").glob("*.parquet")) == csv_files
    assert {"monthly", "panel", "firms", "programmes"} <= set(csv_files)
    for stem in csv_files:
        frame = pd.read_parquet(tmp_path / "pq" / f"{stem}.parquet")
        plain = pd.read_csv(tmp_path / "csv" / f"{stem}.csv")
        assert list(frame.columns) == list(plain.columns), stem
        assert len(frame) == len(plain), stem
        for col in plain.columns:
            if pd.api.types.is_numeric_dtype(plain[col]) and pd.api.types.is_numeric_dtype(frame[col]):
                # Exactly the numbers the CSV file writes, in the column's own type (float32 stays float32).
                np.testing.assert_array_equal(frame[col].to_numpy(), plain[col].to_numpy().astype(frame[col].dtype),
                                              err_msg=f"{stem}.{col}")
        meta = json.loads(pq.read_schema(tmp_path / "pq" / f"{stem}.parquet").metadata[b"msmesim"])
        assert meta["table"] and meta["msmesim_version"] == ms.__version__
        assert meta["runs"][0]["seed"] == 3 and meta["runs"][0]["months"] == 4
    firms = pd.read_parquet(tmp_path / "pq" / "firms.parquet")
    assert isinstance(firms["status"].dtype, pd.CategoricalDtype), "categories stay categories"
    assert (tmp_path / "pq" / "run.json").exists()
    with pytest.raises(ms.InvalidArgumentError, match="format"):
        ms.write_outputs([], tmp_path / "x", format="xlsx")
