"""Reliability from Python: simulations from several threads at once,
resource guards before allocating, and output that is never half-written."""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pandas as pd
import pytest

import msmesim as ms


@pytest.fixture(scope="module")
def population() -> ms.Population:
    return ms.generate_population(ms.presets.bogor_population_spec(firms=3000), seed=11)


def _scenarios() -> list[ms.Scenario]:
    base = ms.presets.bogor_covid19_scenario(months=18)
    base.name = "baseline"
    grant = ms.presets.bogor_covid19_scenario(months=18)
    grant.name = "grant"
    grant.programmes = [ms.programmes.cash_grant(
        "bpum", start="2020-04", end="2020-08", budget_rp=1e9, amount_rp=6e6,
        eligibility=ms.programmes.eligible(classes=["micro"]), allocation="lottery")]
    return [base, grant]


def test_runs_from_several_python_threads_equal_runs_one_by_one(population: ms.Population) -> None:
    jobs = [(sc, seed, threads) for sc in _scenarios() for seed in (1, 2, 3) for threads in (1, 2)]
    alone = [ms.run(population, sc, seed=seed, threads=threads) for sc, seed, threads in jobs]
    together: list[ms.Result | None] = [None] * len(jobs)
    errors: list[BaseException] = []
    start = threading.Barrier(len(jobs))

    def work(k: int) -> None:
        sc, seed, threads = jobs[k]
        try:
            start.wait()
            together[k] = ms.run(population, sc, seed=seed, threads=threads)
        except BaseException as exc:  # reported below
            errors.append(exc)

    pool = [threading.Thread(target=work, args=(k,)) for k in range(len(jobs))]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    assert not errors
    for a, b in zip(alone, together):
        assert b is not None
        for table in ("monthly", "by_region", "firms", "programme_awards"):
            pd.testing.assert_frame_equal(getattr(a, table), getattr(b, table), check_exact=True)


def test_ensembles_from_two_python_threads_equal_ensembles_one_by_one(population: ms.Population) -> None:
    base, grant = _scenarios()
    alone = [ms.compare(population, base, [grant], replications=3, seed=s) for s in (5, 6)]
    together: dict[int, ms.EnsembleResult] = {}

    def work(s: int) -> None:
        together[s] = ms.compare(population, base, [grant], replications=3, seed=s, threads=2)

    pool = [threading.Thread(target=work, args=(s,)) for s in (5, 6)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    for a, s in zip(alone, (5, 6)):
        b = together[s]
        for fa, fb in ((a.outcomes, b.outcomes), (a.comparison, b.comparison), (a.series("monthly"), b.series("monthly"))):
            pd.testing.assert_frame_equal(fa, fb, check_exact=True)


def test_a_population_too_large_for_memory_is_refused_before_allocating(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MSMESIM_MEMORY_LIMIT", "8M")
    with pytest.raises(ms.ResourceLimitError) as err:
        ms.generate_population(ms.presets.bogor_population_spec(firms=1_000_000), seed=1)
    assert isinstance(err.value, ValueError) and isinstance(err.value, MemoryError)
    assert err.value.field == "firms" and err.value.value == "1000000"
    assert "8.0 MiB are available" in err.value.allowed


def test_a_run_too_large_for_memory_is_refused(population: ms.Population, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MSMESIM_MEMORY_LIMIT", "256K")
    with pytest.raises(ms.ResourceLimitError, match="microdata=false") as err:
        ms.run(population, ms.presets.bogor_covid19_scenario(months=12))
    assert err.value.field == "population"
    monkeypatch.setenv("MSMESIM_MEMORY_LIMIT", "a lot")
    with pytest.raises(ms.InvalidArgumentError, match="MSMESIM_MEMORY_LIMIT"):
        ms.run(population, ms.presets.bogor_covid19_scenario(months=12))


def test_outputs_are_replaced_whole_or_not_at_all(population: ms.Population, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    result = ms.run(population, ms.presets.bogor_covid19_scenario(months=6))
    written = ms.write_outputs([result], tmp_path)
    before = {p.name: p.read_bytes() for p in written}

    calls = {"n": 0}
    original = pd.DataFrame.to_csv

    def failing(self: pd.DataFrame, path: object = None, *args: object, **kwargs: object) -> object:
        calls["n"] += 1
        if calls["n"] == 2:  # the second table fails half-way
            Path(str(path)).write_text("partial")
            raise OSError("disk full")
        return original(self, path, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_csv", failing)
    other = ms.run(population, ms.presets.bogor_covid19_scenario(months=6), seed=2)
    with pytest.raises(OSError, match="disk full"):
        ms.write_outputs([other], tmp_path)
    monkeypatch.undo()
    after = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert set(after) == set(before), "no temporary file is left behind"
    names = sorted(before)
    changed = [n for n in names if after[n] != before[n]]
    assert not changed, "the earlier set stays as it was, whole: the new one replaces it only once complete"
    assert not [p for p in tmp_path.parent.iterdir() if p.name.startswith(f".{tmp_path.name}.msmesim-")], \
        "nor is the new set's directory"


def _digest(directory: Path) -> dict[str, str]:
    """Each file's hash (run.json without its timings, which differ from run to run)."""
    import hashlib
    import json

    out = {}
    for p in sorted(directory.iterdir()):
        if not p.is_file():
            continue
        data = p.read_bytes()
        if p.name == "run.json":
            meta = json.loads(data)
            for run in meta["runs"]:
                run.pop("elapsed_seconds"), run.pop("firm_months_per_second")
            data = json.dumps(meta, sort_keys=True).encode()
        out[p.name] = hashlib.sha256(data).hexdigest()
    return out


def test_an_output_directory_killed_at_any_instant_holds_one_whole_run(tmp_path: Path):
    """msmesim run --out DIR killed with SIGKILL at random instants leaves
    either the whole earlier set or the whole new one, never a mixture; the
    next run removes what the killed one left beside it."""
    import random
    import signal
    import time

    def command(seed: int, out: Path) -> list[str]:
        return [sys.executable, "-m", "msmesim", "run", "--firms", "20000", "--months", "4", "--microdata",
                "--seed", str(seed), "--quiet", "--out", str(out)]

    refs = {}
    for seed in (1, 2):
        ref = tmp_path / f"ref{seed}"
        t0 = time.perf_counter()
        subprocess.run(command(seed, ref), check=True, timeout=300)
        duration = time.perf_counter() - t0
        refs[seed] = _digest(ref)
    assert refs[1] != refs[2]
    out = tmp_path / "out"
    rng = random.Random(5)
    outcomes = []
    for k in range(12):
        shutil.rmtree(out, ignore_errors=True)
        shutil.copytree(tmp_path / "ref1", out)
        proc = subprocess.Popen(command(2, out))
        time.sleep(rng.uniform(0.5, 1.05) * duration)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        got = _digest(out)
        assert got in (refs[1], refs[2]), f"kill {k}: a mixture of two runs in {sorted(got)}"
        outcomes.append(1 if got == refs[1] else 2)
    # The next run cleans up what the killed ones left beside the directory.
    subprocess.run(command(2, out), check=True, timeout=300)
    assert _digest(out) == refs[2]
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.msmesim-")]
    # An unusable --out is refused before anything runs.
    # (Each refusal takes less time than a run: the process starts and stops.)
    (tmp_path / "afile").write_text("x")
    t0 = time.perf_counter()
    proc = subprocess.run(command(1, tmp_path / "afile"), capture_output=True, text=True, timeout=300)
    assert time.perf_counter() - t0 < duration, "refused before simulating"
    assert proc.returncode == 2 and "--out" in proc.stderr and "existing file" in proc.stderr
    t0 = time.perf_counter()
    proc = subprocess.run(command(1, tmp_path / "afile" / "inside"), capture_output=True, text=True, timeout=300)
    assert time.perf_counter() - t0 < duration, "refused before simulating"
    assert proc.returncode == 2 and "afile is a file" in proc.stderr, proc.stderr
    print("kills that left the earlier set / the new one:", outcomes.count(1), "/", outcomes.count(2))
