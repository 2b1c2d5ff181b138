"""Calibration (docs/calibration.md): the shipped preset reproduces seed 000
Table 1 within 2 points, and the calibrator recovers a known parameter from
synthetic targets."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import msmesim as ms
from msmesim import calibrate as cal

ROOT = Path(__file__).resolve().parents[2]
TABLE_1 = {"sales": 0.56, "capital": 0.22, "distribution": 0.15, "raw_materials": 0.04}


def test_the_shipped_preset_reproduces_table_1_within_two_points():
    # The whole Bogor population, the default seed: the main problems of
    # affected firm-months, March to June 2020.
    population = ms.generate_population(ms.presets.bogor_population_spec(), seed=1)
    scenario = ms.presets.bogor_covid19_scenario(6)
    stats = cal.statistics(ms.run(population, scenario, seed=1, threads=2, microdata=False))
    for channel, share in TABLE_1.items():
        assert abs(stats[f"main_problem_share_{channel}"] - share) <= 0.02, (channel, stats)
    # The preset file says the same as the code.
    file = ms.preset("bogor-covid19")
    assert ms.to_toml(file).count("0.643") == 1


def test_the_calibrator_recovers_a_known_parameter_from_synthetic_targets():
    # Targets made with the capital shock's incidence at 0.45; the
    # calibrator starts from the preset's 0.643 and must find it again.
    population = ms.generate_population(ms.presets.bogor_population_spec(30_000), seed=1)
    scenario = ms.presets.bogor_covid19_scenario(6)
    shocks = list(scenario.shocks)
    shocks[1].incidence = 0.45
    scenario.shocks = shocks
    truth = cal.statistics(ms.run(population, scenario, seed=1, microdata=False))
    spec = cal.CalibrationSpec(
        scenario="bogor-covid19", firms=30_000, seed=1, method="smm", evaluations=40,
        targets={"main_problem_share_capital": cal.Target(truth["main_problem_share_capital"], 0.002)},
        parameters={"shocks.covid_capital.incidence": (0.2, 0.9)})
    result = cal.calibrate(spec)
    assert result.within_tolerance
    assert result.parameters["shocks.covid_capital.incidence"] == pytest.approx(0.45, abs=0.02)
    assert len(result.history) <= 40


def test_abc_keeps_the_parameter_sets_within_tolerance():
    spec = cal.CalibrationSpec(
        scenario="bogor-covid19", firms=20_000, seed=1, method="abc", evaluations=24,
        targets={"main_problem_share_capital": cal.Target(0.22, 0.03)},
        parameters={"shocks.covid_capital.incidence": (0.3, 0.9)})
    result = cal.calibrate(spec)
    assert result.posterior is not None and len(result.posterior) > 0
    assert (abs(result.posterior["main_problem_share_capital"] - 0.22) <= 0.03).all()
    assert len(result.history) == 24


def test_bad_calibration_files_name_the_problem(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('scenario = "bogor-covid19"\nmethod = "guess"\n[targets]\nclosed_share = { value = 0.1, '
                   'tolerance = 0.01 }\n[parameters]\n"params.closure_after_months" = [1, 6]\n')
    with pytest.raises(ValueError, match="method"):
        cal.CalibrationSpec.load(bad)
    bad.write_text('scenario = "bogor-covid19"\n[targets]\nhappiness = { value = 0.1, tolerance = 0.01 }\n'
                   '[parameters]\n"params.closure_after_months" = [1, 6]\n')
    with pytest.raises(ValueError, match="happiness"):
        cal.CalibrationSpec.load(bad)
    bad.write_text('scenario = "bogor-covid19"\n[targets]\nclosed_share = { value = 0.1, tolerance = 0.01 }\n'
                   '[parameters]\n"shocks.meteor.incidence" = [0, 1]\n')
    with pytest.raises(ValueError, match="meteor"):
        cal.calibrate(bad)
    bad.write_text('scenario = "bogor-covid19"\nwindow = ["2020-06", "2020-03"]\n[targets]\nclosed_share = '
                   '{ value = 0.1, tolerance = 0.01 }\n[parameters]\n"params.closure_after_months" = [1, 6]\n')
    with pytest.raises(ValueError, match="window"):
        cal.CalibrationSpec.load(bad)
    bad.write_text('scenario = "bogor-covid19"\nfirms = "many"\n[targets]\nclosed_share = '
                   '{ value = 0.1, tolerance = 0.01 }\n[parameters]\n"params.closure_after_months" = [1, 6]\n')
    with pytest.raises(ValueError, match="firms"):
        cal.CalibrationSpec.load(bad)


def test_the_command_line_calibrates_and_writes_the_scenario(tmp_path):
    spec = tmp_path / "c.toml"
    spec.write_text('scenario = "bogor-covid19"\nfirms = 20000\nevaluations = 15\n[targets]\n'
                    'main_problem_share_capital = { value = 0.22, tolerance = 0.05 }\n[parameters]\n'
                    '"shocks.covid_capital.incidence" = [0.3, 0.9]\n')
    out = tmp_path / "calibrated.toml"
    proc = subprocess.run([sys.executable, "-m", "msmesim", "calibrate", str(spec), "--write-scenario", str(out),
                           "--out", str(tmp_path / "fit")], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "main_problem_share_capital" in proc.stdout
    calibrated = ms.load_scenario(out)
    assert calibrated.scenario.months == 36  # the full horizon, not the calibration's
    assert (tmp_path / "fit" / "fit.csv").exists()
