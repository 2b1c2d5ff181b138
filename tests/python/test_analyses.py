"""Analyses from the command line and TOML: msmesim optimise, sweep and
sensitivity give what the Python functions give with the same settings."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import msmesim as ms

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "analyses"


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "msmesim", *args], capture_output=True, text=True, timeout=900)


def test_msmesim_optimise_gives_the_portfolio_of_the_python_optimiser(tmp_path: Path):
    path = EXAMPLES / "optimise.toml"
    proc = cli("optimise", str(path), "--out", str(tmp_path / "out"), "--report", str(tmp_path / "p.html"),
               "--threads", "2")
    assert proc.returncode == 0, proc.stderr
    best = pd.read_csv(tmp_path / "out" / "portfolio_best.csv").set_index("programme")
    top = pd.read_csv(tmp_path / "out" / "portfolio_top.csv")

    # The same analysis written out in Python, on the file's own scenario and population.
    analysis = ms.analyses.load_analysis(path)
    population = ms.population_of(analysis.scenario_file)
    candidates = [
        ms.programmes.cash_grant("grant", start="2020-05", end="2020-12", budget_rp=0, amount_rp=2.4e6,
                                 allocation="most_distressed", uptake=0.6,
                                 eligibility=ms.programmes.eligible(classes=["micro"])),
        ms.programmes.shipping_voucher("voucher", start="2020-05", end="2021-06", budget_rp=0),
    ]
    expected = ms.optimise_portfolio(
        population, analysis.scenario_file.scenario, candidates, 1.6e9, objective="jobs_saved",
        designs={"grant": {"amount_rp": [1.2e6, 2.4e6]}}, replications=8, step=0.25, min_step=0.125, top=3,
        validation_replications=8, seed=analysis.scenario_file.seed, threads=1)
    for name in ("grant", "voucher"):
        assert best.loc[name, "share"] == expected.best["shares"][name]
        assert best.loc[name, "budget_rp"] == expected.best["budgets_rp"][name]
    assert best.loc["grant", "design.amount_rp"] == expected.best["designs"]["grant"]["amount_rp"]
    np.testing.assert_array_equal(top["mean"].to_numpy(), expected.top["mean"].to_numpy())
    f = ms.i18n.Formatter("en")
    assert (f"The best split of {f.rp_short(1.6e9)} across 2 programmes: jobs_saved "
            f"{f.number(expected.best['objective'], 1)}") in proc.stdout and "grant" in proc.stdout
    page = (tmp_path / "p.html").read_text(encoding="utf-8")
    assert "msmesim optimise" in page and "total_budget_rp = 1.6e9" in page and "Validated portfolios" in page
    assert "The best split of" in page and "<html lang='en'>" in page
    # The same page in Indonesian.
    indonesian = cli("optimise", str(EXAMPLES / "optimise.toml"), "--report", str(tmp_path / "id.html"), "--quiet",
                     "--threads", "1", "--lang", "id")
    assert indonesian.returncode == 0, indonesian.stderr
    page = (tmp_path / "id.html").read_text(encoding="utf-8")
    g = ms.i18n.Formatter("id")
    assert "<html lang='id'>" in page and f"Pembagian terbaik {g.rp_short(1.6e9)} di antara 2 program" in page
    assert "Portofolio anggaran" in page and g.rp(expected.best["budgets_rp"]["grant"]) in page
    meta = json.loads((tmp_path / "out" / "analysis.json").read_text())
    assert meta["analysis"] == "optimise" and meta["settings"]["total_budget_rp"] == 1.6e9


def test_msmesim_sweep_and_sensitivity_give_the_python_results(tmp_path: Path):
    sweep_file = ms.analyses.load_analysis(EXAMPLES / "sweep.toml")
    assert sweep_file.settings["parameters"] == {"programmes.bpum.budget_rp": [4.45e9, 8.9e9],
                                                 "programmes.bpum.uptake": [0.2, 0.4, 0.8]}
    proc = cli("sweep", str(EXAMPLES / "sweep.toml"), "--out", str(tmp_path / "sw"), "--format", "parquet")
    assert proc.returncode == 0, proc.stderr
    outcomes = pd.read_parquet(tmp_path / "sw" / "sweep_outcomes.parquet")
    scenario = sweep_file.scenario_file.scenario
    baseline = ms.parse_scenario(ms.to_toml(sweep_file.scenario_file)).scenario
    baseline.programmes = []
    baseline.name = "without the grant"
    expected = ms.sweep(sweep_file.scenario_file, baseline, {"programmes.bpum.budget_rp": [4.45e9, 8.9e9],
                                                             "programmes.bpum.uptake": [0.2, 0.4, 0.8]},
                        scenario=scenario, replications=3, threads=2)
    np.testing.assert_array_equal(outcomes["value"].to_numpy(), expected.outcomes["value"].to_numpy())
    assert (outcomes["metric"].astype(str) == expected.outcomes["metric"].astype(str)).all()

    proc = cli("sensitivity", str(EXAMPLES / "sensitivity.toml"), "--out", str(tmp_path / "se"))
    assert proc.returncode == 0, proc.stderr
    indices = pd.read_csv(tmp_path / "se" / "sensitivity_indices.csv")
    s = ms.analyses.load_analysis(EXAMPLES / "sensitivity.toml")
    result = ms.analyses.run_analysis(s, threads=2)
    np.testing.assert_allclose(indices["mu_star"].to_numpy(), result.indices["mu_star"].to_numpy(), rtol=0, atol=0)
    assert "mu_star" in proc.stdout


def test_every_mistake_of_an_analysis_file_is_named_with_its_line(tmp_path: Path):
    path = tmp_path / "bad.toml"
    path.write_text(
        'extends = "bogor-covid19"\n'          # 1
        'name = "x"\n'                          # 2
        'inherit_programmes = false\n'          # 3
        '[optimise]\n'                          # 4
        'total_budget_rp = "lots"\n'            # 5
        'replication = 3\n'                     # 6
        '[[candidates]]\n'                      # 7
        'name = "g"\n'                          # 8
        'kind = "cash_grant"\n'                 # 9
        'uptake = 2\n'                          # 10
        '[designs.h]\n'                         # 11
        'amount_rp = [1e6]\n',                  # 12
        encoding="utf-8")
    with pytest.raises(ms.ScenarioFileError) as info:
        ms.analyses.load_analysis(path)
    got = [(e.line, e.key) for e in info.value.errors]
    assert got == [(5, "optimise.total_budget_rp"), (6, "optimise.replication"), (10, "candidates[0].uptake"),
                   (11, "designs.h")], got
    # Worded as the core words a file's mistakes, one line each.
    assert str(info.value).startswith(f"{path}: 4 errors:\n  line 5: key 'optimise.total_budget_rp'")
    proc = cli("optimise", str(path))
    assert proc.returncode == 2 and f"{path}:10: key 'candidates[0].uptake'" in proc.stderr, proc.stderr
    proc = cli("validate", str(EXAMPLES / "optimise.toml"), str(EXAMPLES / "sweep.toml"))
    assert proc.returncode == 0 and "optimise of grant or voucher, 2 candidates" in proc.stdout, proc.stderr
    # An analysis of the wrong kind, or none.
    with pytest.raises(ms.ScenarioFileError, match=r"\[sweep\]"):
        ms.analyses.load_analysis(EXAMPLES / "optimise.toml", "sweep")
    plain = tmp_path / "plain.toml"
    plain.write_text('extends = "bogor-covid19"\n', encoding="utf-8")
    with pytest.raises(ms.ScenarioFileError, match="no analysis"):
        ms.analyses.load_analysis(plain)
    # baseline_without names the file's programmes.
    sweep = (EXAMPLES / "sweep.toml").read_text(encoding="utf-8").replace('baseline_without = ["bpum"]',
                                                                           'baseline_without = ["bmup"]')
    (tmp_path / "sweep.toml").write_text(sweep, encoding="utf-8")
    with pytest.raises(ms.ScenarioFileError, match="bpum") as info:
        ms.analyses.load_analysis(tmp_path / "sweep.toml")
    assert info.value.key == "sweep.baseline_without"
