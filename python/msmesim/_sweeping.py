"""The machinery of parameter sweeps (docs/sweeps.md), shared by
:mod:`msmesim.sweep` and :mod:`msmesim.sensitivity`: the population cache of
a process, picklable tasks and their results, executors, and the sweep
itself up to the fields of its :class:`~msmesim.sweep.SweepResult`.
"""

from __future__ import annotations

import collections
import concurrent.futures as cf
import copy
import itertools
import math
import numbers
import os
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from . import _core
from . import paths as parameter_paths
from ._common import check_int
from ._errors import invalid


#: Points per task when ``chunksize`` is not given: each task also runs the
#: baseline once, so larger chunks cost less; smaller ones spread better.
DEFAULT_CHUNK = 8


# ---- the ensemble ------------------------------------------------------------------------------

def _compare(population: _core.Population, baseline: _core.Scenario, scenarios: list[_core.Scenario], *,
             replications: int, seed: int, threads: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The outcomes (replication, scenario, metric, value) and the comparison
    (scenario, metric, n, mean, ...) of ``scenarios`` against ``baseline`` on
    common random numbers: :func:`msmesim.compare`."""
    from .ensemble import compare

    result = compare(population, baseline, scenarios, replications=replications, seed=seed, threads=threads,
                     common_random_numbers=True, progress=False)
    return result.outcomes, result.comparison


# ---- populations -------------------------------------------------------------------------------

_CACHE: "collections.OrderedDict[tuple[str, str], _core.Population]" = collections.OrderedDict()
_CACHE_LOCK = threading.Lock()
#: Populations a process keeps between tasks (the most recently used).
CACHE_SIZE = 1


def _population_key(source: _core.PopulationSource, base_dir: str, params: _core.FirmParams) -> tuple[str, str]:
    # The whole scenario-file text of a scenario with this population and the
    # parameters it is burnt in under: every field of both takes part in the key.
    text = _core.to_toml(_core.ScenarioFile(population=source, scenario=_core.Scenario(params=params)))
    return text, base_dir


def _cached_population(source: _core.PopulationSource, base_dir: str, threads: int,
                       params: _core.FirmParams) -> _core.Population:
    """The population a source describes, burnt in under ``params`` (the
    baseline's), built once per process (kept for the next task of the same
    sweep)."""
    from .scenarios import make_population

    key = _population_key(source, base_dir, params)
    with _CACHE_LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
        population = make_population(source, base_dir, threads, params)
        _CACHE[key] = population
        while len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
        return population


def clear_population_cache() -> None:
    """Forget the populations this process keeps for sweep tasks."""
    with _CACHE_LOCK:
        _CACHE.clear()


# ---- tasks -------------------------------------------------------------------------------------

@dataclass
class _Task:
    """One unit of work, self-contained and picklable: scenarios as TOML text,
    the population as its source (or, within the process, the object)."""

    points: list[int]
    baseline: str               # scenario-file TOML: the baseline and the population source
    scenarios: list[str]        # scenario-file TOML of each point
    base_dir: str               # where the population's relative paths are taken from
    seed: int
    replications: int
    threads: int
    population: Any = None      # a Population, only for in-process execution


@dataclass
class TaskResult:
    points: list[int]
    outcomes: pd.DataFrame      # point, replication, metric, value
    comparison: pd.DataFrame    # point, metric, n, mean, ...
    baseline: pd.DataFrame      # replication, metric, value


def _run_task(task: _Task) -> TaskResult:
    """Runs one task (in this process or on a worker)."""
    base = _core.parse_scenario(task.baseline, "<sweep baseline>")
    population = task.population
    if population is None:
        population = _cached_population(base.population, task.base_dir, task.threads, base.scenario.params)
    scenarios = [_core.parse_scenario(text, f"<sweep point {p}>").scenario
                 for p, text in zip(task.points, task.scenarios)]
    outcomes, comparison = _compare(population, base.scenario, scenarios, replications=task.replications,
                                    seed=task.seed, threads=task.threads)
    ids = {sc.name: p for sc, p in zip(scenarios, task.points)}
    names = outcomes["scenario"].astype(str)
    mine = names != base.scenario.name
    out = pd.DataFrame({
        "point": names[mine].map(ids).to_numpy(dtype=np.int64),
        "replication": outcomes.loc[mine, "replication"].to_numpy(dtype=np.int64),
        "metric": outcomes.loc[mine, "metric"].astype(str).to_numpy(dtype=object),
        "value": outcomes.loc[mine, "value"].to_numpy(dtype=np.float64),
    })
    baseline = pd.DataFrame({
        "replication": outcomes.loc[~mine, "replication"].to_numpy(dtype=np.int64),
        "metric": outcomes.loc[~mine, "metric"].astype(str).to_numpy(dtype=object),
        "value": outcomes.loc[~mine, "value"].to_numpy(dtype=np.float64),
    })
    comp = comparison.copy()
    comp_names = comp.pop("scenario").astype(str)
    comp.insert(0, "point", comp_names.map(ids).to_numpy(dtype=np.int64))
    comp["metric"] = comp["metric"].astype(str).to_numpy(dtype=object)
    # Stable order: by point as given, then the ensemble's own order.
    order = {p: k for k, p in enumerate(task.points)}
    out = out.iloc[np.argsort(out["point"].map(order).to_numpy(), kind="stable")].reset_index(drop=True)
    comp = comp.iloc[np.argsort(comp["point"].map(order).to_numpy(), kind="stable")].reset_index(drop=True)
    return TaskResult(points=list(task.points), outcomes=out, comparison=comp, baseline=baseline)


# ---- executors ---------------------------------------------------------------------------------

def _as_executor(executor: Any) -> Any:
    """A concurrent.futures-style executor: the executor itself, or a Dask
    ``distributed.Client``'s (recognised by its ``get_executor``)."""
    if isinstance(executor, cf.Executor):
        return executor
    if callable(getattr(executor, "get_executor", None)) and callable(getattr(executor, "gather", None)):
        return executor.get_executor(pure=False)
    if callable(getattr(executor, "submit", None)):
        return executor
    raise invalid("executor", type(executor).__name__,
                  "None (run here), a concurrent.futures.Executor or a dask.distributed.Client",
                  _core.TypeMismatchError)


def _workers(executor: Any) -> int:
    """How many tasks an executor runs at once, as far as it tells."""
    nthreads = getattr(executor, "nthreads", None)
    if callable(nthreads) and callable(getattr(executor, "gather", None)):  # a Dask client
        try:
            return max(1, sum(nthreads().values()))
        except Exception:  # noqa: BLE001 - a client that cannot answer: assume one machine
            return os.cpu_count() or 1
    workers = getattr(executor, "_max_workers", None)
    return workers if isinstance(workers, int) and workers > 0 else (os.cpu_count() or 1)


def _default_chunk(points: int, executor: Any) -> int:
    """Points per task: up to DEFAULT_CHUNK, and at least two tasks per worker when there are enough points."""
    if executor is None:
        return min(points, DEFAULT_CHUNK)
    return max(1, min(DEFAULT_CHUNK, math.ceil(points / (2 * _workers(executor)))))


def _in_process(executor: Any) -> bool:
    return executor is None or isinstance(executor, cf.ThreadPoolExecutor)


def _execute(tasks: list[_Task], executor: Any, progress: bool, total: int,
             on_first: Callable[[TaskResult], None] | None = None) -> list[TaskResult]:
    """Runs the tasks; results in task order, whatever order they finish in.
    ``on_first`` sees the first result to arrive (and may raise). Ctrl-C (or a
    failing task) cancels the tasks not yet started and re-raises."""
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=total, desc="sweep", unit="point", leave=False)
    results: list[TaskResult | None] = [None] * len(tasks)
    futures: dict[Any, int] = {}
    try:
        if executor is None:
            for k, task in enumerate(tasks):
                results[k] = _run_task(task)
                if k == 0 and on_first is not None:
                    on_first(results[k])  # type: ignore[arg-type]
                if bar is not None:
                    bar.update(len(task.points))
        else:
            ex = _as_executor(executor)
            for k, task in enumerate(tasks):
                futures[ex.submit(_run_task, task)] = k
            for done, future in enumerate(cf.as_completed(futures)):
                k = futures[future]
                results[k] = future.result()
                if done == 0 and on_first is not None:
                    on_first(results[k])  # type: ignore[arg-type]
                if bar is not None:
                    bar.update(len(tasks[k].points))
    except BaseException:
        for future in futures:
            future.cancel()
        raise
    finally:
        if bar is not None:
            bar.close()
    return [r for r in results if r is not None]


# ---- arguments ---------------------------------------------------------------------------------

@dataclass
class Setup:
    population: _core.Population | None     # in-process object, when given one
    source: _core.PopulationSource | None   # rebuildable source
    base_dir: str
    baseline: _core.Scenario
    scenario: _core.Scenario
    seed: int


def prepare(population_source: Any, baseline: Any, scenario: Any, seed: int | None) -> Setup:
    """A sweep's population (or its source), baseline, scenario and seed, checked."""
    from . import scenarios as sf

    population: _core.Population | None = None
    source: _core.PopulationSource | None = None
    base_dir = os.getcwd()
    file_scenario = None
    file_seed = 1
    if isinstance(population_source, _core.Population):
        population = population_source
    elif isinstance(population_source, _core.PopulationSource):
        source = copy.deepcopy(population_source)
    elif isinstance(population_source, (_core.ScenarioFile, str, os.PathLike)):
        f = sf.resolve(population_source)
        sf.check_population(f)
        source = copy.deepcopy(f.population)
        base_dir = os.path.abspath(sf.base_dir(f) or ".")
        file_scenario, file_seed = f.scenario, f.seed
    else:
        raise invalid("population_source", type(population_source).__name__,
                      "a ScenarioFile, a preset name, a scenario file path, a PopulationSource or a Population",
                      _core.TypeMismatchError)
    if baseline is None:
        if file_scenario is None:
            raise invalid("baseline", None, "a Scenario (needed when population_source is not a scenario file)")
        baseline = file_scenario
    if not isinstance(baseline, _core.Scenario):
        raise invalid("baseline", type(baseline).__name__, "an msmesim.Scenario or None (the file's scenario)",
                      _core.TypeMismatchError)
    if scenario is None:
        scenario = baseline
    if not isinstance(scenario, _core.Scenario):
        raise invalid("scenario", type(scenario).__name__, "an msmesim.Scenario or None (the baseline)",
                      _core.TypeMismatchError)
    for key in ("months", "start"):
        if getattr(scenario, key) != getattr(baseline, key):
            raise invalid(f"scenario.{key}", getattr(scenario, key),
                          f"the baseline's ({getattr(baseline, key)}): points are compared over the same horizon")
    baseline.validate()
    seed = file_seed if seed is None else check_int("seed", seed, 0, 2**64 - 1)
    return Setup(population, source, base_dir, copy.deepcopy(baseline), copy.deepcopy(scenario), seed)


def _is_number(v: Any) -> bool:
    return isinstance(v, numbers.Real) and not isinstance(v, (bool, np.bool_))


def grid(parameters: Mapping[str, Sequence[float]]) -> pd.DataFrame:
    """The full grid of ``parameters`` (path -> values): one row per
    combination, the last path varying fastest."""
    if not isinstance(parameters, Mapping):
        raise invalid("parameters", type(parameters).__name__, "a dict {path: [values]}", _core.TypeMismatchError)
    columns: dict[str, list[float]] = {}
    for path, values in parameters.items():
        if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
            raise invalid(f"parameters[{path!r}]", values, "a list of values", _core.TypeMismatchError)
        values = list(values)
        if not values:
            raise invalid(f"parameters[{path!r}]", [], "at least one value")
        columns[path] = values
    rows = list(itertools.product(*columns.values()))
    return pd.DataFrame(rows, columns=list(columns))


def _points_frame(parameters: Any, points: Any) -> pd.DataFrame:
    if (parameters is None) == (points is None):
        raise invalid("parameters", "both" if parameters is not None else "neither",
                      "either parameters (a grid: {path: [values]}) or points (a DataFrame, one column per path)")
    if parameters is not None:
        frame = grid(parameters)
    elif isinstance(points, pd.DataFrame):
        frame = points.reset_index(drop=True).copy()
    elif isinstance(points, Mapping):
        frame = pd.DataFrame({k: list(v) for k, v in points.items()})
    else:
        raise invalid("points", type(points).__name__, "a DataFrame whose columns are parameter paths",
                      _core.TypeMismatchError)
    if frame.empty:
        raise invalid("points", "no rows", "at least one point")
    for column in frame.columns:
        bad = [v for v in frame[column] if not _is_number(v)]
        if bad:
            raise invalid(str(column), bad[0], "a number", _core.TypeMismatchError)
    frame.columns = [str(c) for c in frame.columns]
    frame.index = pd.RangeIndex(len(frame), name="point")
    return frame


def _rename(scenario: _core.Scenario, name: str) -> _core.Scenario:
    scenario.name = name
    return scenario


# ---- the sweep ---------------------------------------------------------------------------------

def run_sweep(population_source: Any, baseline: Any, parameters: Any, *, points: Any, scenario: Any,
              replications: int, seed: int | None, executor: Any, threads: int, chunksize: int | None,
              progress: bool, on_first: Callable[[TaskResult], None] | None = None) -> dict[str, Any]:
    """Runs a sweep (:func:`msmesim.sweep.sweep`) and returns the fields of its
    :class:`~msmesim.sweep.SweepResult` as keyword arguments. ``on_first`` sees
    the first task's result as soon as it arrives (and may raise)."""
    setup = prepare(population_source, baseline, scenario, seed)
    check_int("replications", replications, 1)
    check_int("threads", threads, 0)
    if chunksize is not None:
        check_int("chunksize", chunksize, 1)
    if not isinstance(progress, (bool, np.bool_)):
        raise invalid("progress", progress, "True or False", _core.TypeMismatchError)
    if executor is not None:
        _as_executor(executor)
    frame = _points_frame(parameters, points)
    paths = parameter_paths.check(setup.scenario, list(frame.columns))
    setters = [parameter_paths.setter(setup.scenario, p) for p in paths]

    # Every point's scenario, made (and so checked) here before anything runs.
    names = {f"point_{i}" for i in frame.index}
    base = setup.baseline
    if base.name in names:
        base = _rename(base, "baseline")
    source = setup.source if setup.source is not None else _core.PopulationSource()
    base_text = _core.to_toml(_core.ScenarioFile(scenario=base, population=source, seed=setup.seed))
    texts: list[str] = []
    for i, row in zip(frame.index, frame.itertuples(index=False)):
        sc = copy.deepcopy(setup.scenario)
        for set_value, value in zip(setters, row):
            set_value(sc, value)
        sc.validate()
        texts.append(_core.to_toml(_core.ScenarioFile(scenario=_rename(sc, f"point_{i}"))))

    in_process = _in_process(executor)
    if setup.population is not None and not in_process:
        raise invalid("population_source", "Population",
                      "a ScenarioFile, preset name, path or PopulationSource when the executor runs tasks in other "
                      "processes (a Population object only with executor=None or a ThreadPoolExecutor)",
                      _core.TypeMismatchError)
    population = setup.population
    if population is None and in_process:
        from .scenarios import make_population

        assert setup.source is not None
        population = make_population(setup.source, setup.base_dir, threads, setup.scenario.params)

    size = chunksize or _default_chunk(len(frame), executor)
    ids = list(frame.index)
    tasks = [
        _Task(points=ids[k:k + size], baseline=base_text, scenarios=texts[k:k + size], base_dir=setup.base_dir,
              seed=setup.seed, replications=replications, threads=threads, population=population)
        for k in range(0, len(ids), size)
    ]
    results = _execute(tasks, executor, progress, len(frame), on_first)

    outcomes = pd.concat([r.outcomes for r in results], ignore_index=True)
    metric_order = list(pd.unique(outcomes["metric"]))
    outcomes["metric"] = pd.Categorical(outcomes["metric"], categories=metric_order)
    comparison = pd.concat([r.comparison for r in results], ignore_index=True)
    baseline_outcomes = results[0].baseline.copy()
    baseline_outcomes["metric"] = pd.Categorical(baseline_outcomes["metric"],
                                                 categories=list(pd.unique(baseline_outcomes["metric"])))
    return dict(parameters=paths, points=frame, outcomes=outcomes, baseline_outcomes=baseline_outcomes,
                comparison=comparison, replications=replications, seed=setup.seed, baseline=base.name,
                meta={"chunksize": size, "tasks": len(tasks)})
