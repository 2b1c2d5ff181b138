"""Ensembles and comparisons from Python: determinism, pandas/xarray views,
the planner table, plots, Ctrl-C and errors."""

from __future__ import annotations

import _thread
import threading
import time

import matplotlib
import numpy as np
import pandas as pd
import pytest

import msmesim as ms

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def population() -> ms.Population:
    return ms.generate_population(ms.presets.bogor_population_spec(firms=4000), seed=3)


def _scenarios(months: int = 12) -> tuple[ms.Scenario, ms.Scenario, ms.Scenario]:
    base = ms.presets.bogor_covid19_scenario(months=months)
    base.name = "baseline"
    grant = ms.presets.bogor_covid19_scenario(months=months)
    grant.name = "grant"
    grant.programmes = [ms.programmes.cash_grant(
        "bpum", start="2020-04", end="2020-08", budget_rp=1.5e9, amount_rp=6e6,
        eligibility=ms.programmes.eligible(classes=["micro"]))]
    rent = ms.presets.bogor_covid19_scenario(months=months)
    rent.name = "rent"
    rent.programmes = [ms.programmes.shop_rental("rent", start="2020-04", end="2020-12", budget_rp=1.5e9)]
    return base, grant, rent


@pytest.fixture(scope="module")
def compared(population: ms.Population) -> ms.EnsembleResult:
    base, grant, rent = _scenarios()
    return ms.compare(population, base, [grant, rent], replications=4, threads=2)


def _frames(r: ms.EnsembleResult) -> list[pd.DataFrame]:
    return [r.outcomes, r.comparison, r.comparison_by_group, r.additionality("cash_at_award"),
            r.series("monthly"), r.series("by_region"), r.series("programmes")]


def test_results_do_not_depend_on_the_thread_count(population: ms.Population, compared: ms.EnsembleResult) -> None:
    base, grant, rent = _scenarios()
    one = ms.compare(population, base, [grant, rent], replications=4, threads=1)
    for a, b in zip(_frames(one), _frames(compared)):
        pd.testing.assert_frame_equal(a, b, check_exact=True)


def test_outcomes_comparison_and_planner_table(compared: ms.EnsembleResult) -> None:
    assert compared.scenarios == ["baseline", "grant", "rent"]
    assert compared.baseline == "baseline" and compared.replications == 4
    saved = compared.outcome_table("firms_saved")
    assert list(saved.columns) == ["grant", "rent"] and list(saved.index) == [0, 1, 2, 3]
    closed = compared.outcome_table("closed_firms_end")
    np.testing.assert_array_equal(saved["grant"], closed["baseline"] - closed["grant"])
    c = compared.comparison.set_index(["scenario", "metric"])
    row = c.loc[("grant", "firms_saved")]
    assert row["n"] == 4
    assert row["mean"] == pytest.approx(saved["grant"].mean())
    assert row["ci_low"] <= row["mean"] <= row["ci_high"]
    assert c.loc[("grant", "micro_spending_share"), "mean"] == 1.0
    table = compared.table()
    assert list(table["rank"]) == [1, 2]
    ranked = c.xs("jobs_saved", level="metric")["mean"].sort_values(ascending=False)
    assert list(table.index) == list(ranked.index)
    # Numbers, not text: the mean and the interval of every metric.
    for scenario in table.index:
        for stat, col in (("mean", "mean"), ("low", "ci_low"), ("high", "ci_high")):
            value = table.loc[scenario, ("firms saved", stat)]
            assert isinstance(value, (float, np.floating))
            assert value == pytest.approx(c.loc[(scenario, "firms_saved"), col], nan_ok=True)
    text = compared.table(text=True)
    assert list(text.index) == list(table.index)
    assert "[" in text.iloc[0]["firms saved"]
    # Rupiah as everywhere else in the language: Rp1,234,567 / Rp1.234.567.
    cost = c.loc[(table.index[0], "net_cost_rp")]
    english = compared.table(text=True, lang="en").iloc[0]["net cost (Rp)"]
    indonesian = compared.table(text=True, lang="id").iloc[0]["net cost (Rp)"]
    assert english.startswith(ms.i18n.Formatter("en").rp(cost["mean"]))
    assert indonesian.startswith(ms.i18n.Formatter("id").rp(cost["mean"]))
    cost_ranked = compared.table(rank_by="cost_per_job_saved_rp")
    assert set(cost_ranked.index) == {"grant", "rent"}


def test_series_xarray_and_saved_by_group(compared: ms.EnsembleResult) -> None:
    s = compared.series("monthly", "active_firms")
    assert set(s["scenario"]) == {"baseline", "grant", "rent"}
    assert len(s) == 3 * 12
    assert (s["q05"] <= s["q50"]).all() and (s["q50"] <= s["q95"]).all()
    assert (s["min"] <= s["q05"]).all() and (s["q95"] <= s["max"]).all()
    assert str(s["date"].iloc[0]) == "2020-01"
    ds = compared.to_xarray("by_region")
    assert set(ds.dims) == {"scenario", "month", "region", "variable"}
    assert ds["mean"].sel(scenario="baseline", variable="active_firms").shape == (12, len(compared.raw.region_names))
    by_region = compared.saved_by("region")
    total = by_region.groupby("scenario", observed=True)["mean"].sum()
    c = compared.comparison.set_index(["scenario", "metric"])
    assert total["grant"] == pytest.approx(c.loc[("grant", "firms_saved"), "mean"])


def test_levels_are_those_of_single_runs_and_series_summarise_them(population: ms.Population,
                                                                    compared: ms.EnsembleResult) -> None:
    base, _, _ = _scenarios()
    levels = compared.outcomes[compared.outcomes["scenario"] == "baseline"]
    for rep in range(compared.replications):
        m = ms.run(population, base, seed=1, replication=rep, microdata=False).monthly
        got = levels[levels["replication"] == rep].set_index("metric")["value"]
        assert got["closed_firms_end"] == m["closed_firms"].iloc[-1]
        assert got["upgrades"] == m["upgrades"].sum()
        assert got["revenue_index_trough"] == m["revenue_index"].min()
        # Months from the first month below 0.95 to the first later month back at 0.95 (censored at the end).
        index = m["revenue_index"].to_numpy()
        below = np.flatnonzero(index < 0.95)
        t0 = below[0] if len(below) else None
        back = [t for t in range(t0 + 1, len(index)) if index[t] >= 0.95] if t0 is not None else []
        expected = 0 if t0 is None else (back[0] - t0 if back else len(index) - t0)
        assert got["months_to_recover"] == expected
    # The series' last month summarises the same numbers (quantiles exact below 64 replications).
    last = compared.series("monthly", "active_firms")
    last = last[(last["scenario"] == "baseline") & (last["month"] == compared.months - 1)].iloc[0]
    values = compared.outcome_table("active_firms_end")["baseline"].to_numpy()
    assert last["mean"] == pytest.approx(values.mean())
    assert last["q50"] == pytest.approx(np.quantile(values, 0.5))
    assert last["q05"] == pytest.approx(np.quantile(values, 0.05))
    assert (last["min"], last["max"]) == (values.min(), values.max())


def test_additionality_shares_add_up(compared: ms.EnsembleResult) -> None:
    a = compared.additionality("size_class")
    shares = a[["additional", "deadweight", "closed_despite", "harmed"]].sum(axis=1)
    np.testing.assert_allclose(shares, 1.0)
    assert set(a[a["scenario"] == "grant"]["size_class"]) == {"micro"}
    assert (a["recipients"] > 0).all()


def test_plot_and_html(compared: ms.EnsembleResult) -> None:
    fig = compared.plot("employment")
    assert len(fig.axes[0].lines) == 3 and len(fig.axes[0].collections) == 3
    fig = compared.plot("active_firms", table="by_class", group="micro", band=(0.25, 0.75))
    assert fig.axes[0].get_title().startswith("active firms — micro")
    html = compared._repr_html_()
    assert "grant" in html and "firms saved" in html and "<table" in html
    with pytest.raises(ValueError, match="band"):
        compared.plot("employment", band=(0.1, 0.9))
    with pytest.raises(ValueError, match="group"):
        compared.plot("employment", table="by_region")


def test_ctrl_c_stops_within_a_second_and_keeps_completed_replications(population: ms.Population,
                                                                         ctrl_c: None) -> None:
    base, grant, _ = _scenarios(months=36)
    fired: list[float] = []

    def interrupt() -> None:
        time.sleep(1.0)
        fired.append(time.monotonic())
        _thread.interrupt_main()

    threading.Thread(target=interrupt, daemon=True).start()
    with pytest.raises(KeyboardInterrupt) as info:
        ms.compare(population, base, [grant], replications=2_000, threads=2)
    latency = time.monotonic() - fired[0]
    assert latency < 1.0, f"control returned {latency:.2f} s after the interrupt"
    assert isinstance(info.value, ms.EnsembleInterrupted)
    partial = info.value.result
    assert partial.replications >= 1 and partial.cancelled
    assert len(partial.outcome_table("firms_saved")) == partial.replications
    # The completed replications are exactly those of an uninterrupted run.
    again = ms.compare(population, base, [grant], replications=partial.replications, threads=1)
    pd.testing.assert_frame_equal(again.outcomes, partial.outcomes, check_exact=True)


def test_progress_callable_and_cancel(population: ms.Population) -> None:
    base, grant, _ = _scenarios(months=6)
    seen: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> bool:
        seen.append((done, total))
        return True

    ms.compare(population, base, [grant], replications=3, progress=progress)
    assert seen[-1] == (3, 3)
    with pytest.raises(ms.CancelledError):
        ms.compare(population, base, [grant], replications=3, progress=lambda d, t: d < 1)


def test_memory_of_the_summaries_does_not_grow_with_replications(population: ms.Population) -> None:
    base, grant, _ = _scenarios(months=6)
    small = ms.ensemble(population, [base, grant], replications=70)
    large = ms.ensemble(population, [base, grant], replications=140, threads=2)
    # Series summaries are bounded once cells stream (after 64 values); only
    # the outcomes (a few numbers per replication) grow.
    outcome_bytes = 70 * len(small.outcomes) // 70 * (8 + 2 + 2 + 8)
    assert large.memory_bytes - small.memory_bytes <= 2 * outcome_bytes


def test_invalid_input_names_the_field(population: ms.Population) -> None:
    base, grant, _ = _scenarios(months=6)
    with pytest.raises(ms.InvalidArgumentError, match=r"scenarios\[1\]\.name"):
        ms.ensemble(population, [base, base])
    with pytest.raises(ms.InvalidArgumentError, match="replications"):
        ms.ensemble(population, base, replications=0)
    with pytest.raises(TypeError, match="scenarios"):
        ms.ensemble(population, "baseline")
    with pytest.raises(ms.InvalidArgumentError, match="confidence"):
        ms.ensemble(population, base, replications=1, confidence=1.5)
    with pytest.raises(ms.InvalidArgumentError, match=r"quantiles\[1\]"):
        ms.ensemble(population, base, replications=1, quantiles=(0.5, 0.4))
    short = ms.presets.bogor_covid19_scenario(months=5)
    short.name = "short"
    with pytest.raises(ms.InvalidArgumentError, match=r"scenarios\[1\]\.months"):
        ms.compare(population, base, short, replications=1)
    r = ms.ensemble(population, [base, grant], replications=1)
    with pytest.raises(ValueError, match="metric"):
        r.outcome_table("firms")
    with pytest.raises(ValueError, match="by"):
        r.additionality("kecamatan")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="table"):
        r.series("weekly")


_CHILD = """
import sys
import msmesim as ms
from tests_ensemble_scenarios import scenarios
pop = ms.generate_population(ms.presets.bogor_population_spec(firms=20000), seed=3)
ms.compare(pop, *scenarios(), replications=int(sys.argv[2]), threads=1, checkpoint=sys.argv[1])
"""

_SCENARIOS = """
import msmesim as ms
def scenarios():
    base = ms.presets.bogor_covid19_scenario(months=24)
    base.name = "baseline"
    grant = ms.presets.bogor_covid19_scenario(months=24)
    grant.name = "grant"
    grant.programmes = [ms.programmes.cash_grant(
        "bpum", start="2020-04", end="2020-08", budget_rp=5e9, amount_rp=6e6,
        eligibility=ms.programmes.eligible(classes=["micro"]))]
    return base, [grant]
"""


def test_a_killed_checkpointed_ensemble_resumes_bitwise(tmp_path) -> None:
    """kill -9 in the middle of a checkpointed ensemble, then the same call
    again: the result equals an uninterrupted run's, bit for bit."""
    import os
    import signal
    import subprocess
    import sys

    (tmp_path / "tests_ensemble_scenarios.py").write_text(_SCENARIOS)
    (tmp_path / "child.py").write_text(_CHILD)
    ckpt = tmp_path / "ckpt"
    reps = 30
    env = dict(os.environ, PYTHONPATH=str(tmp_path))
    child = subprocess.Popen([sys.executable, str(tmp_path / "child.py"), str(ckpt), str(reps)], env=env)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and child.poll() is None:
            if len(list(ckpt.glob("rep-*.bin"))) >= 3:
                break
            time.sleep(0.005)
        assert child.poll() is None, "the ensemble finished before it could be killed"
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait()
    assert child.returncode == -signal.SIGKILL
    saved = len(list(ckpt.glob("rep-*.bin")))
    assert 3 <= saved < reps

    import importlib.util
    spec = importlib.util.spec_from_file_location("tests_ensemble_scenarios", tmp_path / "tests_ensemble_scenarios.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    base, others = mod.scenarios()
    pop = ms.generate_population(ms.presets.bogor_population_spec(firms=20000), seed=3)
    resumed = ms.compare(pop, base, others, replications=reps, threads=2, checkpoint=ckpt)
    assert resumed.replications == reps and resumed.replications_resumed == saved
    whole = ms.compare(pop, base, others, replications=reps, threads=2)
    for a, b in zip(_frames(whole), _frames(resumed)):
        pd.testing.assert_frame_equal(a, b, check_exact=True)
    assert len(list(ckpt.glob("rep-*.bin"))) == reps


def test_checkpoint_of_another_ensemble_is_refused(population: ms.Population, tmp_path) -> None:
    base, grant, _ = _scenarios()
    ms.compare(population, base, [grant], replications=2, checkpoint=tmp_path)
    with pytest.raises(ms.InvalidArgumentError, match="checkpoint") as err:
        ms.compare(population, base, [grant], replications=2, seed=9, checkpoint=tmp_path)
    assert err.value.field == "checkpoint"
    with pytest.raises(TypeError, match="checkpoint"):
        ms.compare(population, base, [grant], replications=2, checkpoint=3)


@pytest.mark.parametrize(
    ("option", "value", "error"),
    [
        ("first_replication", -1, ms.InvalidArgumentError),
        ("first_replication", 2**32, ms.InvalidArgumentError),
        ("healthy_cash_months", -1.0, ms.InvalidArgumentError),
        ("healthy_cash_months", float("nan"), ms.InvalidArgumentError),
        ("healthy_cash_months", "3", ms.TypeMismatchError),
        ("threads", -1, ms.InvalidArgumentError),
        ("common_random_numbers", "yes", ms.TypeMismatchError),
        ("seed", -1, ms.InvalidArgumentError),
        ("quantiles", [0.0, 0.5], ms.InvalidArgumentError),
        ("quantiles", ["half"], ms.TypeMismatchError),
    ],
)
def test_invalid_ensemble_options_name_the_option(population: ms.Population, option: str, value: object,
                                                   error: type) -> None:
    base, _, _ = _scenarios(months=6)
    with pytest.raises(error) as err:
        ms.ensemble(population, base, replications=1, **{option: value})
    assert getattr(err.value, "field", "").startswith(option)
