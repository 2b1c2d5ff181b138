"""Parameter sweeps (docs/sweeps.md): run a scenario at many parameter
values, each compared with a baseline on common random numbers, locally or
on any executor (a process pool, a Dask cluster).

::

    import copy
    import msmesim as ms
    from msmesim import programmes as pg

    f = ms.preset("bogor-covid19")                  # population, baseline scenario and seed
    grant = copy.deepcopy(f.scenario)               # the baseline with a cash grant to vary
    grant.name = "grant"
    grant.programmes = [pg.cash_grant("bpum", start="2020-05", end="2020-12", budget_rp=0,
                                      eligibility=pg.eligible(classes=["micro"]))]
    result = ms.sweep(f, parameters={"programmes.bpum.budget_rp": [0, 10e9, 20e9, 40e9, 80e9],
                                     "programmes.bpum.amount_rp": [1.2e6, 2.4e6, 3.6e6]},
                      scenario=grant, replications=10, executor=client)   # a dask Client, or None
    result.summary("jobs_saved")                    # one row per point: mean, sd, interval
    result.plot("jobs_saved", x="programmes.bpum.budget_rp")

Every point runs the same replications (seed, 0 .. R-1) as the baseline, so
differences between points are the parameters' doing, not noise; results do
not depend on the executor, the number of workers or ``chunksize``.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from . import _core, _sweeping
from ._common import PopulationSourceArg
from ._errors import invalid
from ._sweeping import CACHE_SIZE, DEFAULT_CHUNK  # noqa: F401 - the machinery's defaults, readable here too
from ._sweeping import run_sweep

# ---- the population cache and grids ------------------------------------------------------------

def clear_population_cache() -> None:
    """Forget the populations this process keeps for sweep tasks."""
    _sweeping.clear_population_cache()


def grid(parameters: Mapping[str, Sequence[float]]) -> pd.DataFrame:
    """The full grid of ``parameters`` (path -> values): one row per
    combination, the last path varying fastest."""
    return _sweeping.grid(parameters)


# ---- the result --------------------------------------------------------------------------------

@dataclass
class SweepResult:
    """What a sweep gives: the points, the per-replication outcomes of every
    point against the baseline, and summaries.

    ``points``: one row per point (index ``point``), one column per path.
    ``outcomes``: long, one row per (point, replication, metric): the metrics
    of :attr:`msmesim.EnsembleResult.outcomes` of the point's scenario, levels
    (``employment_end``, ``spent_rp``, ...) and differences from the baseline
    in the same replication (``jobs_saved``, ``firms_saved``, ``net_cost_rp``, ...).
    ``baseline_outcomes``: the baseline's levels per replication.
    ``comparison``: the ensemble's comparison rows per point and metric
    (mean, sd, interval, quantiles; ratio metrics such as ``cost_per_job_saved_rp``).
    """

    parameters: list[str]
    points: pd.DataFrame
    outcomes: pd.DataFrame
    baseline_outcomes: pd.DataFrame
    comparison: pd.DataFrame
    replications: int
    seed: int
    baseline: str
    confidence: float = 0.90
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def metrics(self) -> list[str]:
        """Metric names, as in ``outcomes`` then ratio metrics of ``comparison``."""
        seen = list(self.outcomes["metric"].cat.categories)
        return seen + [m for m in pd.unique(self.comparison["metric"]) if m not in seen]

    def values(self, metric: str = "jobs_saved") -> pd.DataFrame:
        """One row per point, one column per replication: ``metric``."""
        self._check_metric(metric, outcomes_only=True)
        rows = self.outcomes[self.outcomes["metric"] == metric]
        return rows.pivot(index="point", columns="replication", values="value").reindex(self.points.index)

    def summary(self, metric: str = "jobs_saved", confidence: float | None = None) -> pd.DataFrame:
        """One row per point: the point's values, then ``n``, ``mean``, ``sd``,
        ``se`` and the ``confidence`` interval of the mean (Student t;
        default the result's, 0.90) ``ci_low``, ``ci_high`` over replications.
        Differences from the baseline and ratio metrics (``cost_per_job_saved_rp``,
        ...) at the result's confidence are the ensemble's ``comparison`` rows."""
        from scipy import stats

        conf = self.confidence if confidence is None else float(confidence)
        if not 0.0 < conf < 1.0:
            raise invalid("confidence", conf, "a number between 0 and 1")
        self._check_metric(metric)
        rows = self.comparison[self.comparison["metric"] == metric]
        if len(rows) and (conf == self.confidence or metric not in self.outcomes["metric"].cat.categories):
            # The ensemble's own numbers (as ms.compare reports them); ratio metrics are only there.
            rows = rows.set_index("point")
            cols = [c for c in ("n", "mean", "sd", "se", "ci_low", "ci_high") if c in rows.columns]
            out = self.points.join(rows[cols])
            out["n"] = out["n"].astype(np.int64)
            return out
        v = self.values(metric)
        n = v.notna().sum(axis=1)
        mean = v.mean(axis=1)
        sd = v.std(axis=1, ddof=1) if v.shape[1] > 1 else pd.Series(np.nan, index=v.index)
        se = sd / np.sqrt(n)
        dof = (n - 1).to_numpy(dtype=float)
        half = np.full(len(n), np.nan)
        ok = dof >= 1
        half[ok] = stats.t.ppf(0.5 + conf / 2.0, dof[ok]) * se.to_numpy()[ok]
        out = self.points.copy()
        out["n"] = n.astype(np.int64)
        out["mean"] = mean
        out["sd"] = sd
        out["se"] = se
        out["ci_low"] = mean - half
        out["ci_high"] = mean + half
        return out

    def _check_metric(self, metric: Any, outcomes_only: bool = False) -> None:
        allowed = list(self.outcomes["metric"].cat.categories) if outcomes_only else self.metrics
        if metric not in allowed:
            raise invalid("metric", metric, "one of " + ", ".join(allowed))

    def plot(self, metric: str = "jobs_saved", x: str | None = None, ax: Any = None,
             confidence: float | None = None) -> Any:
        """The mean of ``metric`` against the path ``x`` (default: the first
        parameter) with its confidence interval: one line and band per value of
        the other parameters on a grid of at most 12 of them, error bars
        otherwise. Returns the matplotlib Figure."""
        import matplotlib.pyplot as plt

        x = self.parameters[0] if x is None else x
        if x not in self.parameters:
            raise invalid("x", x, "one of the swept paths: " + ", ".join(self.parameters))
        s = self.summary(metric, confidence)
        if ax is None:
            fig, ax = plt.subplots(figsize=(7, 4.5))
        else:
            fig = ax.figure
        others = [p for p in self.parameters if p != x]
        groups = s.groupby(others, sort=True) if others else [((), s)]
        n_groups = s[others].drop_duplicates().shape[0] if others else 1
        as_lines = n_groups <= 12 and all(len(g) > 1 for _, g in groups)
        if as_lines:
            for key, g in groups:
                g = g.sort_values(x)
                key = key if isinstance(key, tuple) else (key,)
                label = ", ".join(f"{_short(p)} = {v:g}" for p, v in zip(others, key)) or None
                line, = ax.plot(g[x], g["mean"], marker="o", label=label)
                ax.fill_between(g[x], g["ci_low"], g["ci_high"], color=line.get_color(), alpha=0.2, lw=0)
            if others:
                ax.legend(fontsize="small")
        else:
            yerr = np.vstack([s["mean"] - s["ci_low"], s["ci_high"] - s["mean"]])
            ax.errorbar(s[x], s["mean"], yerr=np.nan_to_num(yerr), fmt="o", capsize=3)
        conf = self.confidence if confidence is None else confidence
        ax.set_xlabel(x)
        ax.set_ylabel(f"{metric} (mean, {conf:.0%} interval)")
        ax.set_title(f"{metric} over {self.replications} replications against '{self.baseline}'")
        ax.grid(alpha=0.3)
        fig.tight_layout()
        return fig

    def _repr_html_(self) -> str:
        metric = "jobs_saved" if "jobs_saved" in self.metrics else self.metrics[0]
        table = self.summary(metric)
        shown = table.head(20)
        head = "".join(f"<th>{html.escape(str(c))}</th>" for c in ["point", *shown.columns])
        body = "".join(
            "<tr>" + f"<td>{i}</td>" + "".join(f"<td>{_fmt(v)}</td>" for v in row) + "</tr>"
            for i, row in zip(shown.index, shown.itertuples(index=False))
        )
        more = f"<p>... {len(table) - len(shown)} more points</p>" if len(table) > len(shown) else ""
        return (
            f"<div><b>msmesim sweep</b> — {len(self.points)} points over "
            f"{', '.join(f'<code>{html.escape(p)}</code>' for p in self.parameters)}; "
            f"{self.replications} replications (seed {self.seed}) each against "
            f"<code>{html.escape(self.baseline)}</code>; <code>{html.escape(metric)}</code>:"
            f"<table><tr>{head}</tr>{body}</table>{more}</div>"
        )

    def __repr__(self) -> str:
        return (f"<SweepResult {len(self.points)} points over {', '.join(self.parameters)}; "
                f"{self.replications} replications, seed {self.seed}, baseline '{self.baseline}'>")


def _short(path: str) -> str:
    return path.rsplit(".", 1)[-1] if path.count(".") else path


def _fmt(v: Any) -> str:
    if isinstance(v, (int, np.integer)):
        return f"{v:,}"
    if isinstance(v, (float, np.floating)):
        x = float(v)
        if not math.isfinite(x):
            return str(x)
        return f"{x:,.0f}" if abs(x) >= 100 else f"{x:,.4g}"
    return html.escape(str(v))

# ---- the sweep ---------------------------------------------------------------------------------

def sweep(
    population_source: PopulationSourceArg,
    baseline: _core.Scenario | None = None,
    parameters: Mapping[str, Sequence[float]] | None = None,
    *,
    points: pd.DataFrame | None = None,
    scenario: _core.Scenario | None = None,
    replications: int = 10,
    seed: int | None = None,
    executor: Any = None,
    threads: int = 1,
    chunksize: int | None = None,
    progress: bool = False,
) -> SweepResult:
    """Run ``scenario`` (default: the baseline) with each point's values set,
    every point compared with ``baseline`` on common random numbers
    (:func:`msmesim.compare`, replications 0 .. ``replications`` - 1 of ``seed``).

    ``population_source``: a scenario file (a :class:`ScenarioFile`, a preset
    name or a path, as :func:`msmesim.run_file` takes) whose population is
    used and whose scenario and seed are the defaults of ``baseline`` and
    ``seed``; or a :class:`PopulationSource` (then ``baseline`` is needed); or
    a :class:`Population` already in memory (only with ``executor=None`` or a
    ``ThreadPoolExecutor``: other processes rebuild the population from its
    source, which a Population object does not carry).

    ``parameters``: ``{path: [values]}``, the full grid (the last path varies
    fastest); or ``points``: a DataFrame with one column per path and one row
    per point (a Latin hypercube, a SALib sample, ...). Paths are those of
    :mod:`msmesim.paths` (``programmes.<name>.budget_rp``,
    ``shocks.<name>.incidence``, ``params.<name>``, ...); each point's values
    are checked before anything runs.

    ``executor``: None runs the points here, one after the other, each
    ensemble on ``threads`` threads; or any ``concurrent.futures.Executor``
    (``ProcessPoolExecutor``, ``ThreadPoolExecutor``) or a Dask
    ``distributed.Client``, which run tasks of ``chunksize`` points (default
    up to 8) in parallel. A task carries its scenarios as scenario-file text
    and builds the population from its source once per worker process.
    Results are bitwise the same whichever executor runs them.

    ``progress=True`` shows a bar over points. Ctrl-C cancels the tasks not
    yet started and raises KeyboardInterrupt.
    """
    return SweepResult(**run_sweep(population_source, baseline, parameters, points=points, scenario=scenario,
                                   replications=replications, seed=seed, executor=executor, threads=threads,
                                   chunksize=chunksize, progress=progress))


__all__ = ["SweepResult", "clear_population_cache", "grid", "sweep"]
