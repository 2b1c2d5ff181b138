"""bench/run's table of the performance targets (bench/README.md): each
target judged met or not from its own figures, and "not measured" when the
figure that decides it is missing. No timing is asserted here; the figures
are made up."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import sys
from pathlib import Path

import pytest

import msmesim as ms

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.fixture(scope="module")
def bench_run():  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(BENCH))  # bench/run imports bench/peers.py
    try:
        loader = importlib.machinery.SourceFileLoader("bench_run", str(BENCH / "run"))
        spec = importlib.util.spec_from_loader("bench_run", loader)
        assert spec is not None
        module = importlib.util.module_from_spec(spec)
        loader.exec_module(module)
        yield module
    finally:
        sys.path.remove(str(BENCH))


def report(per_core: float, two_threads_s: float, state_bytes: float, overhead: float) -> dict:
    bogor = ms.presets.BOGOR_FIRMS
    return {
        "end_to_end": [
            {"firms": bogor, "threads": 1, "engine_s": 2.0, "firm_months_per_s_engine": per_core},
            {"firms": bogor, "threads": 2, "engine_s": two_threads_s, "firm_months_per_s_engine": 2 * per_core},
        ],
        "programmes": {"firm_months_per_s_with": per_core / 2},
        "peers": {"rows": [{"firms": 2000, "msmesim_over_numpy": 12.0, "msmesim_over_mesa": 150},
                           {"firms": 10000, "msmesim_over_numpy": 9.5, "msmesim_over_mesa": None}]},
        "bandwidth": [{"threads": 1, "state_bytes_read_per_firm_month": state_bytes,
                       "state_bytes_written_per_firm_month": 60.0, "state_bytes_per_s": 6e9,
                       "copy_bytes_per_s": 10e9, "ratio": 0.6}],
        "scale": {"firms": 1000, "bytes_per_firm": 300, "national_projected_gib": 18.0, "machine_memory_gib": 24.0},
        "ensemble": {"replications": 20, "projected_1000_replications_s": 700.0},
        "python_overhead": {"python_run_s": 1.0, "cpp_run_s": 1.0, "overhead": overhead},
    }


def status(rows: list[dict]) -> dict[str, str]:
    return {r["target"]: r["status"] for r in rows}


def test_each_target_is_judged_from_its_own_figure(bench_run) -> None:  # type: ignore[no-untyped-def]
    s = status(bench_run.targets(report(per_core=60e6, two_threads_s=1.05, state_bytes=110.0, overhead=0.02)))
    assert s["firm-months/s per core, the default Bogor run (cooperatives, its relief programmes)"] == "met"
    assert s["firm-months/s per core with the twelve-programme package"] == "met"  # 30 M >= 25 M
    assert s["near-linear on 2 threads"] == "met"  # x1.90
    assert s["against the NumPy peer, one thread, every size it runs"] == "not met"  # x9.5 at 10,000 firms
    assert s["against the Mesa peer, one thread, every size it runs"] == "met"  # only where Mesa ran
    assert s["state bytes per firm-month against a copy kernel, 1 thread(s)"] == "met"
    assert s["firm state per firm (65 M firms in one process)"] == "met"
    assert s["Indonesia's 65 M firms x 36 months in one process"] == "met"
    assert s["1,000 replications x 36 months of Bogor, 2 threads"] == "not met"  # 11.7 min
    assert s["Python overhead of a full run"] == "met"

    s = status(bench_run.targets(report(per_core=40e6, two_threads_s=1.2, state_bytes=250.0, overhead=0.08)))
    assert s["firm-months/s per core, the default Bogor run (cooperatives, its relief programmes)"] == "not met"
    assert s["near-linear on 2 threads"] == "not met"  # x1.67
    assert s["firm state per firm (65 M firms in one process)"] == "not met"
    assert s["Python overhead of a full run"] == "not met"


def test_a_missing_figure_is_not_measured_rather_than_met_or_not(bench_run) -> None:  # type: ignore[no-untyped-def]
    rows = bench_run.targets({"end_to_end": []})
    assert len(rows) == 10
    assert {r["status"] for r in rows} == {"not measured"}
    assert all(r["measured"] for r in rows)
