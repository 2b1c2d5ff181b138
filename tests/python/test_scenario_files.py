"""Scenario files (docs/scenario.md): the bindings, ms.run_file and the
command line (validate, presets, run FILE, compare)."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import msmesim as ms

ROOT = Path(__file__).resolve().parents[2]


def msmesim(*args: str, check: bool = True, cwd: Path | None = None) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "msmesim", *args], capture_output=True, text=True, timeout=600,
                          cwd=cwd)
    if check and proc.returncode != 0:
        raise AssertionError(f"exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    return proc


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


#: A file with a bit of everything: programmes with params and eligibility,
#: parameters, custom shocks (an explicit path, sectors, classes, regions).
FULL = """\
name = "everything"
description = "custom shocks, parameters and programmes"
seed = 7
replications = 2

[population]
firms = 3000
seed = 5

[horizon]
start = "2020-01"
months = 18

[params]
closure_after_months = 4
coop_reserve_ratio = 0.15

[[shocks]]
name = "flood"
channel = "capital"
onset = "2020-02"
path = [1.0, 0.5, 0.25]
incidence = 0.5
sectors = ["food_beverage", "trade"]
classes = ["micro", "small"]
regions = ["Cibinong"]
severity = { distribution = "uniform", low = 0.1, high = 0.4 }

[[shocks]]
name = "slump"
channel = "sales"
onset = "2020-03"
ramp_months = 1
plateau_months = 2
recovery_half_life_months = 3.0
incidence = 0.8
incidence_by_sector = { clothing = 0.9 }
severity = { distribution = "beta", mean = 0.3, sd = 0.1 }

[input_output]
preset = "none"

[class_review]
regime = "pp7_2021"
criterion = "turnover"
months = 6

[[programmes]]
name = "KUR interest subsidy"
kind = "kur_subsidy"
start = "2020-04"
end = "2020-12"
budget_rp = 2e9
quota = 500
allocation = "lottery"
uptake = 0.6
monthly_capacity = 100
admin_cost_share = 0.05
leakage_share = 0.02
eligibility = { classes = ["micro"], never_had_kur = true, registered = false, ranges = { workers = [1, 4] } }
params = { rate_points = 0.03, subsidy_months = 12 }

[[programmes]]
name = "grant"
kind = "cash_grant"
start = "2020-05"
end = "2020-06"
budget_rp = 1e9
amount_rp = 2400000
eligibility = { sectors = ["food_beverage"], in_distress = true }

[outputs]
dir = "out"
microdata = true
"""


# ---- the bindings and the Python layer -----------------------------------------------------------

def test_preset_is_listed_and_parsed():
    assert "bogor-covid19" in ms.preset_names()
    assert ms.presets.names() == ms.preset_names()
    f = ms.preset("bogor-covid19")
    assert isinstance(f, ms.ScenarioFile)
    assert f.scenario.name == "bogor-covid19" and f.source == "preset:bogor-covid19"
    assert f.population.preset == "bogor" and f.population.firms == ms.presets.BOGOR_FIRMS
    assert (f.seed, f.replications, f.population.seed) == (1, 1, 1)
    assert "COVID-19" in f.description
    assert ms.preset_text("bogor-covid19") == ms.presets.scenario_text("bogor-covid19")
    assert ms.to_toml(ms.parse_scenario(ms.preset_text("bogor-covid19"))) == ms.to_toml(f)


def test_preset_runs_like_the_builtin_scenario():
    f = ms.preset("bogor-covid19")
    builtin = ms.presets.bogor_covid19_scenario()
    assert [s.name for s in f.scenario.shocks] == [s.name for s in builtin.shocks]
    population = ms.generate_population(ms.presets.bogor_population_spec(20_000), seed=1)
    a = ms.run(population, f.scenario, seed=1, threads=2, microdata=False)
    b = ms.run(population, builtin, seed=1, threads=2, microdata=False)
    pd.testing.assert_frame_equal(a.monthly, b.monthly)
    # The file's own population (make_population) is the generated one.
    f.population.firms = 20_000
    made = ms.make_population(f.population, threads=2)
    assert len(made) == 20_000 and made.name == population.name
    assert (made.revenue_rp_month == population.revenue_rp_month).all()


def test_fields_are_readable_and_writable():
    f = ms.ScenarioFile()
    assert f.scenario.name == "baseline" and f.seed == 1 and f.replications == 1 and f.outputs.dir == ""
    f.scenario = ms.presets.bogor_covid19_scenario(12)
    f.scenario.name = "edited"  # edits in place
    f.population = ms.PopulationSource(firms=2000, seed=3)
    f.population.seed = 4
    f.outputs = ms.OutputSpec(dir="results", microdata=True)
    f.outputs.cooperative_panel = True
    f.seed, f.replications, f.description = 9, 2, "edited in Python"
    g = ms.parse_scenario(ms.to_toml(f))
    assert g.scenario.name == "edited" and g.scenario.months == 12 and len(g.scenario.shocks) == 5
    assert (g.population.firms, g.population.seed, g.seed, g.replications) == (2000, 4, 9, 2)
    assert (g.outputs.dir, g.outputs.microdata, g.outputs.cooperative_panel) == ("results", True, True)
    assert g.description == "edited in Python"
    h = copy.deepcopy(g)
    h.scenario.months = 3
    assert g.scenario.months == 12
    assert "firms=2000" in repr(g.population) and "edited" in repr(g)


@pytest.mark.parametrize("text", [ms.preset_text("bogor-covid19"), FULL], ids=["preset", "full"])
def test_to_toml_round_trip(tmp_path: Path, text: str):
    f = ms.parse_scenario(text, str(tmp_path / "a.toml"))
    once = ms.to_toml(f)
    again = ms.to_toml(ms.parse_scenario(once))
    assert once == again
    ms.save_scenario(f, tmp_path / "saved.toml")
    assert (tmp_path / "saved.toml").read_text(encoding="utf-8") == once
    assert ms.to_toml(ms.load_scenario(tmp_path / "saved.toml")) == once


def test_full_file_is_read_as_written():
    f = ms.parse_scenario(FULL)
    sc = f.scenario
    assert (f.seed, f.replications, f.population.firms, f.population.seed) == (7, 2, 3000, 5)
    assert sc.months == 18 and sc.input_output is None
    assert (sc.class_regime, sc.class_criterion, sc.class_review_months) == ("pp7_2021", "turnover", 6)
    assert sc.params["closure_after_months"] == 4 and sc.params["coop_reserve_ratio"] == 0.15
    flood, slump = sc.shocks
    assert flood.path == [1.0, 0.5, 0.25] and flood.sectors == ["food_beverage", "trade"]
    assert flood.classes == ["micro", "small"] and flood.regions == ["Cibinong"]
    assert flood.severity.kind == "uniform" and slump.incidence_by_sector == {"clothing": 0.9}
    kur, grant = sc.programmes
    assert kur.kind == "kur_subsidy" and kur.quota == 500 and kur.monthly_capacity == 100
    assert kur.params == {"rate_points": 0.03, "subsidy_months": 12.0}
    assert kur.eligibility.classes == ["micro"] and kur.eligibility.never_had_kur
    assert grant.amount_rp == 2_400_000 and grant.eligibility.sectors == ["food_beverage"]
    assert f.outputs.dir == "out" and f.outputs.microdata


def test_extends_a_preset_and_overrides_the_horizon():
    f = ms.parse_scenario('extends = "bogor-covid19"\nname = "short"\n\n[horizon]\nmonths = 12\n')
    base = ms.preset("bogor-covid19")
    assert f.extends == "bogor-covid19"
    assert f.scenario.name == "short" and f.scenario.months == 12 and f.scenario.start == "2020-01"
    assert [s.name for s in f.scenario.shocks] == [s.name for s in base.scenario.shocks]
    assert f.population.firms == base.population.firms
    assert "extends" not in ms.to_toml(f)


def test_errors_are_scenario_file_errors_with_attributes():
    text = 'name = "x"\n\n[[programmes]]\nname = "g"\nkind = "cash_grant"\nbudget_rp = -5\n'
    with pytest.raises(ms.ScenarioFileError) as info:
        ms.parse_scenario(text, "bad.toml")
    err = info.value
    assert isinstance(err, ms.ParseError) and isinstance(err, ValueError) and isinstance(err, ms.Error)
    assert (err.file, err.line, err.key, err.column) == ("bad.toml", 6, "programmes[0].budget_rp",
                                                        "programmes[0].budget_rp")
    assert err.value == "-5" and err.allowed == "a finite number >= 0"
    assert str(err) == "bad.toml:6: key 'programmes[0].budget_rp': got -5; allowed: a finite number >= 0"
    with pytest.raises(ms.FileError):
        ms.load_scenario("/nonexistent/scenario.toml")
    with pytest.raises(ms.InvalidArgumentError):
        ms.preset("atlantis")


def test_key_line_finds_keys_tables_and_arrays_of_tables():
    text = FULL
    lines = text.splitlines()
    assert lines[ms.scenarios.key_line(text, "population.firms") - 1].startswith("firms = 3000")
    assert lines[ms.scenarios.key_line(text, "programmes[1].budget_rp") - 1] == "budget_rp = 1e9"
    assert lines[ms.scenarios.key_line(text, "programmes[0].eligibility.classes") - 1].startswith("eligibility")
    assert lines[ms.scenarios.key_line(text, "horizon.missing") - 1] == "[horizon]"
    assert ms.scenarios.key_line('extends = "bogor-covid19"\n', "population.firms") == 1
    assert ms.scenarios.key_line('# c\nextends = "bogor-covid19"\n', "population.firms") == 2


def test_population_too_large_is_refused_before_allocating(tmp_path: Path):
    path = write(tmp_path / "big.toml", 'extends = "bogor-covid19"\n\n[population]\nfirms = 2000000000\n')
    f = ms.load_scenario(path)
    with pytest.raises(ms.ResourceLimitError) as info:
        ms.make_population(f.population)
    assert info.value.field == "population.firms"
    with pytest.raises(ms.ScenarioFileError) as err:
        ms.run_file(f)
    assert (err.value.file, err.value.line, err.value.key) == (str(path), 4, "population.firms")
    assert str(err.value).startswith(f"{path}:4: key 'population.firms': got 2000000000; allowed: a request that fits in "
                                      "memory: a run of 2000000000 firms")
    # From text the line is not known: the error still names the source and the key.
    with pytest.raises(ms.ScenarioFileError, match="^<scenario>:1: key 'population.firms'"):
        ms.run_file(ms.parse_scenario(path.read_text(encoding="utf-8")))


def test_run_file_runs_every_replication(tmp_path: Path):
    path = write(tmp_path / "s.toml", 'extends = "bogor-covid19"\nreplications = 2\nseed = 3\n\n'
                                      '[population]\nfirms = 2000\n\n[horizon]\nmonths = 6\n')
    results = ms.run_file(path, threads=2)
    assert isinstance(results, list) and [r.replication for r in results] == [0, 1]
    assert all(r.seed == 3 and r.months == 6 and r.initial_firms == 2000 for r in results)
    assert not results[0].monthly.equals(results[1].monthly)
    f = ms.load_scenario(path)
    f.replications = 1
    one = ms.run_file(f, threads=1)
    assert isinstance(one, ms.Result)
    pd.testing.assert_frame_equal(one.monthly, results[0].monthly)
    assert one.firms.empty  # outputs.microdata = false
    assert len(ms.run_file(f, microdata=True).firms) >= 2000


def test_run_file_reads_registry_files_relative_to_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    pop = ms.generate_population(ms.presets.bogor_population_spec(1500), seed=2)
    (tmp_path / "data").mkdir()
    pop.to_csv(str(tmp_path / "data" / "firms.csv"))
    pop.cooperatives_to_csv(str(tmp_path / "data" / "coops.csv"))
    pop.memberships_to_csv(str(tmp_path / "data" / "members.csv"))
    write(tmp_path / "registry.toml", 'name = "registry"\n\n[population]\nfirms_csv = "data/firms.csv"\n'
                                      'cooperatives_csv = "data/coops.csv"\nmemberships_csv = "data/members.csv"\n\n'
                                      '[horizon]\nmonths = 3\n')
    monkeypatch.chdir(ROOT)
    result = ms.run_file(tmp_path / "registry.toml")
    assert result.initial_firms == 1500 and len(result.cooperatives) == 3
    write(tmp_path / "missing.toml", 'name = "missing"\n\n[population]\nfirms_csv = "nope.csv"\n')
    with pytest.raises(ms.ScenarioFileError) as err:
        ms.run_file(tmp_path / "missing.toml")
    assert err.value.key == "population.firms_csv" and err.value.line == 4


# ---- the command line ----------------------------------------------------------------------------

BROKEN = {
    # name: (text, line, key)
    "malformed": ('name = "x"\n[horizon\nmonths = 3\n', 2, "(syntax)"),
    "empty": ("", 1, "(document)"),
    "unknown_key": ('name = "x"\n\n[horizon]\nmonth = 12\n', 4, "horizon.month"),
    "wrong_type": ('name = "x"\n\n[horizon]\nmonths = "many"\n', 4, "horizon.months"),
    "negative_budget": ('name = "x"\n\n[[programmes]]\nname = "g"\nkind = "cash_grant"\nbudget_rp = -5\n', 6,
                        "programmes[0].budget_rp"),
    "end_before_start": ('name = "x"\n\n[[programmes]]\nname = "g"\nkind = "cash_grant"\nstart = "2020-06"\n'
                         'end = "2020-03"\n', 7, "programmes[0].end"),
    "too_large": ('extends = "bogor-covid19"\n\n[population]\nfirms = 2000000000\n', 4, "population.firms"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_validate_rejects_broken_files_with_one_line(tmp_path: Path, case: str):
    text, line, key = BROKEN[case]
    path = write(tmp_path / f"{case}.toml", text)
    proc = msmesim("validate", str(path), check=False)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert f"{path}:{line}: key '{key}'" in lines[0]
    if case == "unknown_key":
        assert "did you mean 'months'?" in lines[0]
    if case == "too_large":
        assert "memory" in lines[0]
    # The same file fails `msmesim run` the same way, before running anything.
    run = msmesim("run", str(path), check=False)
    assert run.returncode != 0 and not run.stdout
    ran = run.stderr.strip().splitlines()
    assert len(ran) == 1 and ran[0].split("; allowed:")[0] == lines[0].split("; allowed:")[0]


def test_validate_missing_file(tmp_path: Path):
    missing = tmp_path / "missing.toml"
    proc = msmesim("validate", str(missing), check=False)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and str(missing) in lines[0] and "Traceback" not in proc.stderr
    proc = msmesim("run", str(missing), check=False)
    assert proc.returncode != 0 and len(proc.stderr.strip().splitlines()) == 1


def test_validate_reports_every_good_file_and_stops_at_the_first_bad_one(tmp_path: Path):
    good = write(tmp_path / "good.toml", FULL)
    bad = write(tmp_path / "bad.toml", 'name = "x"\nbogus = 1\n')
    proc = msmesim("validate", str(good), "bogor-covid19", str(bad), str(good), check=False)
    assert proc.returncode == 2
    assert proc.stdout.splitlines() == [
        f"{good}: ok (everything, 2 shocks, 2 programmes, 18 months)",
        "bogor-covid19: ok (bogor-covid19, 5 shocks, 5 programmes, 36 months)",
    ]
    assert proc.stderr.strip().splitlines() == [proc.stderr.strip()] and f"{bad}:2: key 'bogus'" in proc.stderr


def test_example_scenarios_and_presets_validate():
    files = sorted(str(p) for p in (ROOT / "examples" / "scenarios").glob("*.toml"))
    proc = msmesim("validate", *files, *ms.preset_names())
    assert len(proc.stdout.splitlines()) == len(files) + len(ms.preset_names())


def test_presets_lists_the_scenario_files():
    out = msmesim("presets").stdout
    assert "bogor-covid19 (default of `msmesim run`): " + ms.preset("bogor-covid19").description in out
    for name in ms.preset_names():
        assert name in out


def test_run_file_with_overrides(tmp_path: Path):
    path = write(tmp_path / "s.toml", 'extends = "bogor-covid19"\nname = "mine"\n\n[horizon]\nmonths = 4\n\n'
                                      '[outputs]\ndir = "results"\nmicrodata = true\n')
    proc = msmesim("run", str(path), "--firms", "5000", "--quiet", cwd=ROOT)
    assert proc.stdout == "" and proc.stderr == ""
    # outputs.dir is taken from the file's directory; outputs.microdata writes firms.csv.
    monthly = pd.read_csv(tmp_path / "results" / "monthly.csv")
    assert len(monthly) == 4 and set(monthly["scenario"]) == {"mine"}
    assert (tmp_path / "results" / "firms.csv").exists()
    out = tmp_path / "elsewhere"
    proc = msmesim("run", str(path), "--firms", "3000", "--months", "2", "--seed", "5", "--replications", "2",
                   "--out", str(out), "--report", str(tmp_path / "report.html"))
    assert "scenario 'mine' on Bogor Regency (3,000 firms), 2 months from January 2020, seed 5" in proc.stdout
    assert sorted(pd.read_csv(out / "monthly.csv")["replication"].unique()) == [0, 1]
    assert "<html lang=" in (tmp_path / "report.html").read_text(encoding="utf-8")


def test_run_a_preset_by_name():
    proc = msmesim("run", "bogor-covid19", "--firms", "3000", "--months", "3")
    assert proc.stdout.startswith("msmesim - scenario 'bogor-covid19' on Bogor Regency (3,000 firms), 3 months")
    default = msmesim("run", "--firms", "3000", "--months", "3")
    strip = lambda s: [x for x in s.splitlines() if not x.strip().startswith("Run ")]  # noqa: E731
    assert strip(proc.stdout) == strip(default.stdout)


def test_run_file_with_registry_rejects_synthetic_options(tmp_path: Path):
    write(tmp_path / "r.toml", 'name = "registry"\n\n[population]\nfirms_csv = "firms.csv"\n'
                               'cooperatives_csv = "coops.csv"\n')
    pop = ms.generate_population(ms.presets.bogor_population_spec(500), seed=1)
    pop.to_csv(str(tmp_path / "firms.csv"))
    pop.cooperatives_to_csv(str(tmp_path / "coops.csv"))
    proc = msmesim("run", str(tmp_path / "r.toml"), "--firms", "100", check=False)
    assert proc.returncode == 2 and "--firms: got 100" in proc.stderr and "Traceback" not in proc.stderr
    proc = msmesim("run", str(tmp_path / "r.toml"), "--months", "2", cwd=ROOT)
    assert "(500 firms)" in proc.stdout


def test_compare_two_files(tmp_path: Path):
    head = 'extends = "bogor-covid19"\nname = "{name}"\n\n[population]\nfirms = 5000\n\n[horizon]\nmonths = 12\n'
    base = write(tmp_path / "baseline.toml", head.format(name="baseline"))
    grant = write(tmp_path / "grant.toml", head.format(name="grant") + """
[[programmes]]
name = "bpum"
kind = "cash_grant"
start = "2020-04"
end = "2020-09"
budget_rp = 5e9
eligibility = { classes = ["micro"] }
""")
    out = tmp_path / "out"
    proc = msmesim("compare", str(base), str(grant), "--out", str(out))
    lines = proc.stdout.splitlines()
    assert "2 scenarios on Bogor Regency (5,000 firms), seed 1" in lines[0]
    header = lines[1].split()
    assert header[:2] == ["scenario", "closed"] and "saved" in header
    table = pd.read_csv(out / "compare.csv")
    assert list(table["scenario"]) == ["baseline", "grant"]
    assert table.loc[0, "firms_saved"] == 0 and table.loc[0, "jobs_saved"] == 0
    assert table.loc[1, "firms_saved"] >= 0
    assert table.loc[1, "firms_saved"] == table.loc[0, "closed_firms_end"] - table.loc[1, "closed_firms_end"]
    # Common random numbers: the baseline row is the baseline run; its spending is that of the
    # preset's national relief (BPUM, the extra KUR interest subsidy), to which the grant file adds
    # its own programme.
    baseline, granted = ms.run_file(base), ms.run_file(grant)
    assert table.loc[0, "closed_firms_end"] == baseline.monthly["closed_firms"].iloc[-1]
    assert table.loc[0, "programme_spending_rp"] == pytest.approx(baseline.programme_summary()["spent_rp"].sum())
    assert table.loc[0, "programme_spending_rp"] > 0
    spent = granted.programme_summary()
    assert list(spent.index) == [p.name for p in ms.load_scenario(base).scenario.programmes] + ["bpum"]
    assert 0 < spent.loc["bpum", "spent_rp"] <= 5e9
    assert table.loc[1, "programme_spending_rp"] == pytest.approx(spent["spent_rp"].sum())
    # A bad file among them: one line, no run.
    bad = write(tmp_path / "bad.toml", 'name = "x"\n[horizon]\nmonths = 0\n')
    proc = msmesim("compare", str(base), str(bad), check=False)
    assert proc.returncode == 2 and f"{bad}:3: key 'horizon.months'" in proc.stderr and not proc.stdout
    proc = msmesim("compare", str(base), check=False)
    assert proc.returncode == 2 and "two or more" in proc.stderr


def test_compare_with_a_checkpoint_resumes_and_refuses_another_ensembles(tmp_path: Path):
    head = 'extends = "bogor-covid19"\nname = "{name}"\nreplications = 3\n\n[population]\nfirms = 2000\n\n' \
           '[horizon]\nmonths = 8\n'
    base = write(tmp_path / "baseline.toml", head.format(name="baseline"))
    grant = write(tmp_path / "grant.toml", head.format(name="grant") + """
[[programmes]]
name = "bpum"
kind = "cash_grant"
start = "2020-04"
end = "2020-06"
budget_rp = 1e9
""")
    ckpt = tmp_path / "ckpt"
    first = msmesim("compare", str(base), str(grant), "--checkpoint", str(ckpt), "--out", str(tmp_path / "a"))
    assert "read from the checkpoint" not in first.stdout
    assert len(list(ckpt.glob("rep-*.bin"))) == 3
    again = msmesim("compare", str(base), str(grant), "--checkpoint", str(ckpt), "--out", str(tmp_path / "b"))
    assert f"3 of the replications read from the checkpoint {ckpt}" in again.stdout
    assert (tmp_path / "a" / "compare.csv").read_bytes() == (tmp_path / "b" / "compare.csv").read_bytes()
    other = msmesim("compare", str(base), str(grant), "--checkpoint", str(ckpt), "--seed", "2", check=False)
    assert other.returncode == 2 and "checkpoint: got" in other.stderr and "seed = 1" in other.stderr
    assert "Traceback" not in other.stderr


def test_every_mistake_of_a_file_is_reported_together(tmp_path):
    path = tmp_path / "many.toml"
    path.write_text('name = "x"\nshcoks = []\n[horizon]\nstart = "March 2020"\n[[programmes]]\nname = "g"\n'
                    'kind = "cash_grant"\nbudget_rp = -5\n', encoding="utf-8")
    with pytest.raises(ms.ScenarioFileError) as info:
        ms.load_scenario(path)
    err = info.value
    assert [(e.line, e.key) for e in err.errors] == [(2, "shcoks"), (4, "horizon.start"),
                                                    (8, "programmes[0].budget_rp")]
    assert (err.line, err.key) == (2, "shcoks"), "the error itself is the first"
    assert all(isinstance(e, ms.ScenarioFileError) and e.errors == [e] for e in err.errors)
    assert str(err).startswith(f"{path}: 3 errors:") and str(err).count("\n") == 3
    proc = subprocess.run([sys.executable, "-m", "msmesim", "validate", str(path)], capture_output=True, text=True)
    assert proc.returncode != 0
    lines = proc.stderr.splitlines()
    assert lines[0] == f"msmesim: error: {path}: 3 errors:", proc.stderr
    for k, key in zip((2, 4, 8), ("shcoks", "horizon.start", "programmes[0].budget_rp")):
        assert any(f"{path}:{k}: key '{key}'" in line for line in lines[1:]), proc.stderr
    # One mistake: one error, its own list.
    path.write_text('name = "x"\n[horizon]\nmonths = "many"\n', encoding="utf-8")
    with pytest.raises(ms.ScenarioFileError) as info:
        ms.load_scenario(path)
    assert info.value.errors == [info.value] and info.value.line == 3
