"""Reliability from Python: simulations from several threads at once,
resource guards before allocating, and output that is never half-written."""

from __future__ import annotations

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
    assert len(changed) <= 1, "only the table written before the failure was replaced"
    for n in changed:
        pd.read_csv(tmp_path / n)  # and it is whole
