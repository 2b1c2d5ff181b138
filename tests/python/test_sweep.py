"""Parameter sweeps (msmesim.sweep, docs/sweeps.md) and parameter paths
(msmesim.paths): grid points and outcomes, results independent of the
executor (here, threads, processes, a Dask cluster), errors naming the path."""

from __future__ import annotations

import concurrent.futures as cf
import copy
import multiprocessing
import time

import numpy as np
import pandas as pd
import pytest

import msmesim as ms
from msmesim import paths
from msmesim.ensemble import compare
from msmesim.sweep import SweepResult, grid, sweep

pg = ms.programmes
FIRMS = 2500
MONTHS = 12
BUDGETS = [0.0, 1e9, 3e9]
AMOUNTS = [1.2e6, 2.4e6]


@pytest.fixture(scope="module")
def file() -> ms.ScenarioFile:
    """The Bogor preset, 2,500 firms, 12 months: population, baseline and seed; its shocks without its
    programmes (the national credit relief), so that the swept grant's cost is the only cost."""
    f = ms.preset("bogor-covid19")
    source = f.population
    source.firms = FIRMS
    f.population = source
    f.scenario.months = MONTHS
    f.scenario.programmes = []
    return f


@pytest.fixture(scope="module")
def grant(file: ms.ScenarioFile) -> ms.Scenario:
    """The baseline with a cash grant whose budget and amount are swept."""
    s = copy.deepcopy(file.scenario)
    s.name = "grant"
    s.programmes = [pg.cash_grant("bpum", start="2020-04", end="2020-08", budget_rp=0,
                                  eligibility=pg.eligible(classes=["micro"])),
                    pg.kur_subsidy("kur", start="2020-04", end="2020-12", budget_rp=0, rate_points=0.03)]
    return s


def assert_same(a: SweepResult, b: SweepResult) -> None:
    for name in ("points", "outcomes", "baseline_outcomes", "comparison"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name), check_exact=True, obj=name)


@pytest.fixture(scope="module")
def local(file: ms.ScenarioFile, grant: ms.Scenario) -> SweepResult:
    return sweep(file, parameters={"programmes.bpum.budget_rp": BUDGETS, "programmes.bpum.amount_rp": AMOUNTS},
                 scenario=grant, replications=2)


# ---- paths -------------------------------------------------------------------------------------

def test_paths_get_set_and_copy(grant: ms.Scenario, file: ms.ScenarioFile) -> None:
    available = paths.describe_paths(grant)
    assert "programmes.bpum.budget_rp" in available
    assert "programmes.kur.params.rate_points" in available
    assert "shocks.covid_sales.severity.mean" in available
    assert "params.closure_after_months" in available
    assert not any(p.startswith("programmes.bpum.params.") for p in available)  # a cash grant has none
    assert "months" not in available
    for p in available:
        assert isinstance(paths.getter(grant, p), float)
    changed = paths.apply(grant, {"programmes.bpum.budget_rp": 5e9, "programmes.kur.params.rate_points": 0.05,
                                  "shocks.covid_sales.incidence": 0.7, "programmes.bpum.quota": 100,
                                  "params.closure_after_months": 5})
    assert paths.getter(changed, "programmes.bpum.budget_rp") == 5e9
    assert paths.getter(changed, "programmes.kur.params.rate_points") == 0.05
    assert paths.getter(changed, "shocks.covid_sales.incidence") == 0.7
    assert {p.name: p.quota for p in changed.programmes}["bpum"] == 100
    assert paths.getter(changed, "params.closure_after_months") == 5
    # The scenario passed in is unchanged.
    assert paths.getter(grant, "programmes.bpum.budget_rp") == 0
    assert paths.getter(grant, "programmes.bpum.quota") == float("inf")
    assert paths.getter(grant, "shocks.covid_sales.incidence") == file.scenario.shocks[0].incidence
    assert paths.getter(grant, "params.closure_after_months") != 5
    # Whole-number fields: rounded only when asked.
    assert paths.is_integer(grant, "shocks.covid_sales.plateau_months")
    with pytest.raises(ValueError, match="plateau_months"):
        paths.apply(grant, {"shocks.covid_sales.plateau_months": 2.5})
    rounded = paths.apply(grant, {"shocks.covid_sales.plateau_months": 2.6}, round_integers=True)
    assert rounded.shocks[0].plateau_months == 3
    # Moving a beta's mean keeps its sd valid (documented); the mean is as given.
    narrow = paths.apply(grant, {"shocks.covid_sales.severity.mean": 0.01})
    assert narrow.shocks[0].severity.a == 0.01
    assert narrow.shocks[0].severity.b == pytest.approx(0.999 * (0.01 * 0.99) ** 0.5)


def test_paths_reach_sector_severities_and_the_linear_recovery(grant: ms.Scenario) -> None:
    available = paths.describe_paths(grant)
    food = "shocks.covid_sales.severity_by_sector.food_beverage.mean"
    assert food in available and "shocks.covid_sales.severity_by_sector.trade.sd" in available
    assert "shocks.covid_sales.recovery_months" in available and "shocks.covid_sales.end_below" in available
    before = grant.shocks[0].severity_by_sector
    changed = paths.apply(grant, {food: 0.5, "shocks.covid_sales.recovery_months": 8})
    after = changed.shocks[0].severity_by_sector
    assert after["food_beverage"].a == 0.5 and paths.getter(changed, food) == 0.5
    assert {k: repr(v) for k, v in after.items() if k != "food_beverage"} == {
        k: repr(v) for k, v in before.items() if k != "food_beverage"}
    assert changed.shocks[0].recovery_months == 8 and paths.is_integer(grant, "shocks.covid_sales.recovery_months")
    assert paths.getter(grant, food) == before["food_beverage"].a  # the scenario passed in is unchanged
    with pytest.raises(ValueError, match=r"severity_by_sector\.food_beverage\.mean"):
        paths.apply(grant, {food: 1.5})
    with pytest.raises(ValueError, match="a field of shock 'covid_sales'"):
        paths.apply(grant, {"shocks.covid_sales.severity_by_sector.shipbuilding.mean": 0.5})


@pytest.mark.parametrize("values, message", [
    ({"shocks.meteor.incidence": 0.5}, r"shocks\.meteor\.incidence: got 'meteor'; allowed: a shock of the scenario"),
    ({"programmes.bpum.uptake": 1.5}, r"programmes\.bpum\.uptake: got 1\.5; allowed: a number in \[0, 1\]"),
    ({"programmes.bpum.params.rate_points": 0.1}, r"programmes\.bpum\.params\.rate_points: .*cash_grant"),
    ({"programmes.kur.params.rate_pts": 0.1}, r"programmes\.kur\.params\.rate_pts: .*rate_points"),
    ({"programmes.kur.ceiling": 1.0}, r"programmes\.kur\.ceiling: got 'ceiling'; allowed: a field of programme"),
    ({"months": 24}, r"months: .*equal horizons"),
    ({"params.happiness": 1.0}, r"params\.happiness: got 'happiness'"),
    ({"params.closure_after_months": 0}, r"params\.closure_after_months: got 0"),
    ({"shocks.covid_sales.severity.value": 0.3}, r"severity\.value.*severity\.mean, severity\.sd"),
    ({"shocks.covid_sales.severity.sd": 0.9}, r"severity\.sd: got 0\.9; allowed: a number in \[0, "),
])
def test_bad_paths_and_values_name_the_path(grant: ms.Scenario, values: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        paths.apply(grant, values)


def test_a_value_that_is_not_a_number_is_a_type_error(grant: ms.Scenario) -> None:
    with pytest.raises(TypeError, match=r"programmes\.bpum\.budget_rp: got 'lots'; allowed: a number"):
        paths.apply(grant, {"programmes.bpum.budget_rp": "lots"})


# ---- a grid sweep ------------------------------------------------------------------------------

def test_a_grid_sweep_has_its_points_and_outcomes(local: SweepResult, file: ms.ScenarioFile,
                                                  grant: ms.Scenario) -> None:
    expected = pd.DataFrame([(b, a) for b in BUDGETS for a in AMOUNTS],
                            columns=["programmes.bpum.budget_rp", "programmes.bpum.amount_rp"])
    expected.index = pd.RangeIndex(len(expected), name="point")
    pd.testing.assert_frame_equal(local.points, expected)
    o = local.outcomes
    assert list(o.columns) == ["point", "replication", "metric", "value"]
    assert set(o["point"]) == set(range(6)) and set(o["replication"]) == {0, 1}
    assert o.groupby(["point", "replication", "metric"], observed=True).size().eq(1).all()
    by = o.pivot_table(index=["point", "replication"], columns="metric", values="value", observed=True)
    zero = by.loc[[0, 1]]
    # A zero budget pays nothing and changes nothing, replication by replication.
    assert (zero["firms_saved"] == 0).all() and (zero["jobs_saved"] == 0).all()
    assert (zero["net_cost_rp"] == 0).all() and (zero["spent_rp"] == 0).all()
    paid = by.loc[[2, 3, 4, 5]]
    assert (paid["net_cost_rp"] > 0).all()
    budget = local.points.loc[paid.index.get_level_values("point"), "programmes.bpum.budget_rp"].to_numpy()
    assert (paid["net_cost_rp"].to_numpy() <= budget).all()
    assert by.loc[[4, 5], "firms_saved"].mean() > 0  # Rp 3 billion of grants saves some firms
    # The baseline's levels, per replication.
    assert set(local.baseline_outcomes["replication"]) == {0, 1}
    assert "firms_saved" not in set(local.baseline_outcomes["metric"])
    # Summaries: per point, the mean over replications with an interval around it.
    s = local.summary("jobs_saved")
    assert list(s.columns[:2]) == list(expected.columns) and (s["n"] == 2).all()
    means = by["jobs_saved"].groupby(level="point").mean()
    np.testing.assert_allclose(s["mean"].to_numpy(), means.to_numpy())
    assert ((s["ci_low"] <= s["mean"]) & (s["mean"] <= s["ci_high"])).all()
    assert (s.loc[[0, 1], ["mean", "sd", "ci_low", "ci_high"]] == 0).all().all()
    assert "cost_per_job_saved_rp" in local.metrics
    assert len(local.summary("cost_per_job_saved_rp")) == 6
    # A point is what ms.compare gives for that scenario, built in memory.
    point = paths.apply(grant, {"programmes.bpum.budget_rp": 3e9, "programmes.bpum.amount_rp": 2.4e6})
    population = ms.scenarios.population_of(file)
    direct = compare(population, file.scenario, [point], replications=2, seed=file.seed).outcomes
    direct = direct[direct["scenario"].astype(str) == point.name]
    mine = o[o["point"] == 5]
    np.testing.assert_array_equal(mine["value"].to_numpy(), direct["value"].to_numpy())
    np.testing.assert_array_equal(mine["metric"].astype(str).to_numpy(), direct["metric"].astype(str).to_numpy())


def test_points_from_a_frame_and_the_views(file: ms.ScenarioFile, grant: ms.Scenario, local: SweepResult) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    # Any set of points (here three of the grid, in another order) gives the same numbers per point.
    pts = pd.DataFrame({"programmes.bpum.budget_rp": [3e9, 0.0, 1e9],
                        "programmes.bpum.amount_rp": [2.4e6, 1.2e6, 1.2e6]})
    r = sweep(file, points=pts, scenario=grant, replications=2, chunksize=1)
    assert len(r.points) == 3
    for mine, theirs in ((0, 5), (1, 0), (2, 2)):
        np.testing.assert_array_equal(r.outcomes.loc[r.outcomes["point"] == mine, "value"].to_numpy(),
                                      local.outcomes.loc[local.outcomes["point"] == theirs, "value"].to_numpy())
    assert len(grid({"a": [1, 2, 3], "b": [4, 5]})) == 6
    html = local._repr_html_()
    assert "jobs_saved" in html and "programmes.bpum.budget_rp" in html
    assert local.values("firms_saved").shape == (6, 2)
    fig = local.plot("jobs_saved")
    assert fig.axes[0].get_xlabel() == "programmes.bpum.budget_rp"
    plt.close(fig)
    fig = r.plot("firms_saved", x="programmes.bpum.amount_rp")   # scattered points: error bars
    plt.close(fig)
    with pytest.raises(ValueError, match="metric: got 'happiness'"):
        local.summary("happiness")
    with pytest.raises(ValueError, match="x: got 'params.growth_sd_year'"):
        local.plot("jobs_saved", x="params.growth_sd_year")


def test_sweep_errors_name_the_argument(file: ms.ScenarioFile, grant: ms.Scenario) -> None:
    with pytest.raises(ValueError, match=r"programmes\.bpum\.uptake: got 1\.5"):
        sweep(file, parameters={"programmes.bpum.uptake": [0.5, 1.5]}, scenario=grant, replications=1)
    with pytest.raises(ValueError, match=r"programmes\.grant\.budget_rp: got 'grant'; allowed: a programme"):
        sweep(file, parameters={"programmes.grant.budget_rp": [1e9]}, scenario=grant, replications=1)
    with pytest.raises(ValueError, match="parameters: got 'both'"):
        sweep(file, parameters={"programmes.bpum.budget_rp": [1e9]}, points=pd.DataFrame(
            {"programmes.bpum.budget_rp": [1e9]}), scenario=grant)
    with pytest.raises(ValueError, match=r"parameters\['programmes.bpum.budget_rp'\]: got \[\]"):
        sweep(file, parameters={"programmes.bpum.budget_rp": []}, scenario=grant)
    with pytest.raises(TypeError, match=r"programmes\.bpum\.budget_rp: got 'x'"):
        sweep(file, points=pd.DataFrame({"programmes.bpum.budget_rp": ["x"]}), scenario=grant)
    longer = copy.deepcopy(grant)
    longer.months = MONTHS + 6
    with pytest.raises(ValueError, match="scenario.months: got 18"):
        sweep(file, parameters={"programmes.bpum.budget_rp": [1e9]}, scenario=longer)
    with pytest.raises(ValueError, match="replications: got 0"):
        sweep(file, parameters={"programmes.bpum.budget_rp": [1e9]}, scenario=grant, replications=0)
    with pytest.raises(TypeError, match="executor"):
        sweep(file, parameters={"programmes.bpum.budget_rp": [1e9]}, scenario=grant, executor="dask")
    population = ms.generate_population(ms.presets.bogor_population_spec(firms=500), seed=1)
    with pytest.raises(ValueError, match="baseline: got None"):
        sweep(population, parameters={"programmes.bpum.budget_rp": [1e9]})
    with cf.ProcessPoolExecutor(1) as pool, pytest.raises(TypeError, match="population_source: got 'Population'"):
        sweep(population, grant, parameters={"programmes.bpum.budget_rp": [1e9]}, executor=pool)


# ---- executors ---------------------------------------------------------------------------------

def test_results_do_not_depend_on_the_executor(file: ms.ScenarioFile, grant: ms.Scenario,
                                               local: SweepResult) -> None:
    from distributed import Client, LocalCluster

    kw = dict(parameters={"programmes.bpum.budget_rp": BUDGETS, "programmes.bpum.amount_rp": AMOUNTS},
              scenario=grant, replications=2)
    started = time.perf_counter()
    assert_same(local, sweep(file, chunksize=1, **kw))
    with cf.ThreadPoolExecutor(2) as pool:
        assert_same(local, sweep(file, executor=pool, progress=True, **kw))
    with cf.ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        assert_same(local, sweep(file, executor=pool, **kw))
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        on_dask = sweep(file, executor=client, chunksize=2, **kw)
        assert on_dask.meta["tasks"] == 3
        assert_same(local, on_dask)
    assert time.perf_counter() - started < 60


def test_a_registry_population_is_read_from_the_file_directory_on_workers(tmp_path, monkeypatch) -> None:
    population = ms.generate_population(ms.presets.bogor_population_spec(1000), seed=2)
    (tmp_path / "data").mkdir()
    population.to_csv(str(tmp_path / "data" / "firms.csv"))
    population.cooperatives_to_csv(str(tmp_path / "data" / "coops.csv"))
    population.memberships_to_csv(str(tmp_path / "data" / "members.csv"))
    (tmp_path / "registry.toml").write_text(
        'name = "registry"\n\n[population]\nfirms_csv = "data/firms.csv"\ncooperatives_csv = "data/coops.csv"\n'
        'memberships_csv = "data/members.csv"\n\n[horizon]\nmonths = 6\n\n[[programmes]]\nname = "g"\n'
        'kind = "cash_grant"\nstart = "2020-02"\nend = "2020-05"\nbudget_rp = 0\n', encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # relative paths are the file's, not the working directory's
    kw = dict(parameters={"programmes.g.budget_rp": [0.0, 1e8]}, replications=2)
    here = sweep(tmp_path / "registry.toml", **kw)
    assert here.baseline == "registry"
    zero = here.outcomes[(here.outcomes["point"] == 0) & here.outcomes["metric"].isin(["firms_saved", "net_cost_rp"])]
    assert len(zero) == 4 and (zero["value"] == 0).all()
    with cf.ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        assert_same(here, sweep(str(tmp_path / "registry.toml"), executor=pool, **kw))


class _Interrupting(cf.Executor):
    """Finishes its first task with Ctrl-C and leaves the others pending."""

    def __init__(self) -> None:
        self.futures: list[cf.Future] = []

    def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def, override]
        future: cf.Future = cf.Future()
        if not self.futures:
            future.set_exception(KeyboardInterrupt())
        self.futures.append(future)
        return future


def test_ctrl_c_cancels_the_pending_tasks(file: ms.ScenarioFile, grant: ms.Scenario) -> None:
    executor = _Interrupting()
    with pytest.raises(KeyboardInterrupt):
        sweep(file, parameters={"programmes.bpum.budget_rp": BUDGETS}, scenario=grant, replications=1,
              executor=executor, chunksize=1)
    assert len(executor.futures) == 3
    assert all(f.cancelled() for f in executor.futures[1:])


# ---- a worker lost mid-run ---------------------------------------------------------------------

def _executing(dask_worker) -> int:  # type: ignore[no-untyped-def]
    """How many tasks a Dask worker is running (client.run passes the worker)."""
    return len(dask_worker.state.executing)


def test_a_sweep_survives_a_worker_killed_mid_task(file: ms.ScenarioFile, grant: ms.Scenario) -> None:
    """A Dask worker process killed with SIGKILL while it runs a task: the
    scheduler gives its tasks to the other worker (and to the one its nanny
    restarts), and the sweep finishes with every point and replication
    exactly once, bitwise the same as the undisturbed run."""
    import os
    import signal
    import threading

    from distributed import Client, LocalCluster

    big = copy.deepcopy(file)
    source = big.population
    source.firms = 60_000  # tasks of about a second: long enough to be caught running
    big.population = source
    kw = dict(parameters={"programmes.bpum.budget_rp": BUDGETS, "programmes.bpum.amount_rp": AMOUNTS},
              scenario=grant, replications=2, chunksize=1, threads=1)
    undisturbed = sweep(big, **kw)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        pids = client.run(os.getpid)
        outcome: dict[str, object] = {}

        def run() -> None:
            try:
                outcome["result"] = sweep(big, executor=client, **kw)
            except BaseException as e:  # noqa: BLE001 - reported by the assertion below
                outcome["error"] = e

        runner = threading.Thread(target=run)
        runner.start()
        victim = None
        deadline = time.monotonic() + 60
        while victim is None and runner.is_alive() and time.monotonic() < deadline:
            busy = client.run(_executing)
            victim = next((address for address, n in busy.items() if n > 0), None)
            if victim is None:
                time.sleep(0.01)
        assert victim is not None, "no worker was seen running a task"
        os.kill(pids[victim], signal.SIGKILL)
        runner.join(timeout=120)
        assert not runner.is_alive()
        assert "error" not in outcome, outcome.get("error")
        # The worker is gone (its nanny starts another in its place), and the
        # scheduler saw it go with work in hand, which it gave to others.
        assert pids[victim] not in client.run(os.getpid).values()
        removed = [event for _, event in cluster.scheduler.get_events(victim)
                   if event.get("action") == "remove-worker"]
        assert removed and not removed[0]["expected"] and removed[0]["processing-tasks"]
    disturbed = outcome["result"]
    assert isinstance(disturbed, SweepResult)
    keys = disturbed.outcomes[["point", "replication", "metric"]].astype(str)
    assert not keys.duplicated().any()
    metrics = disturbed.outcomes["metric"].nunique()
    assert len(keys) == len(BUDGETS) * len(AMOUNTS) * 2 * metrics
    assert_same(undisturbed, disturbed)
