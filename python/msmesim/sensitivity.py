"""Global sensitivity analysis (docs/sweeps.md): which parameters move an
outcome, by the method of Morris (elementary effects, a screening) or by
Sobol' indices (shares of variance), with SALib.

::

    import msmesim as ms

    f = ms.preset("bogor-covid19")
    s = ms.sensitivity(f, ranges={"shocks.covid_sales.incidence": (0.6, 1.0),
                                  "shocks.covid_capital.incidence": (0.4, 0.8),
                                  "params.closure_after_months": (2, 6)},
                       metric="closed_firms_end", method="morris", n=10, replications=5)
    s.indices            # parameter, mu_star, mu_star_conf, sigma (Morris)
    s.plot()

Each sampled point is a sweep point (:func:`msmesim.sweep`), so any executor
works, and its value is the mean of the metric over the replications. Every
point uses the same replications (common random numbers), so the metric is
a smooth function of the parameters and the indices measure the parameters,
not noise.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from . import _core
from . import paths as parameter_paths
from ._common import PopulationSourceArg, check_int
from ._errors import invalid
from ._sweeping import TaskResult, prepare, run_sweep
from .sweep import SweepResult

METHODS = ("morris", "sobol")
#: Sample sizes when ``n`` is not given: Morris trajectories, Sobol' base samples.
DEFAULT_N = {"morris": 10, "sobol": 64}

Metric = str | Callable[[pd.DataFrame], float]


def salib_seed(seed: int) -> int:
    """The seed SALib's samplers and bootstraps get for a sweep seed: fixed,
    non-zero, and different from the seed itself."""
    state = np.random.SeedSequence([int(seed), 0x5A11B]).generate_state(1, dtype=np.uint32)[0]
    return int(state) or 1


@dataclass
class SensitivityResult:
    """Sensitivity indices of one metric, with the sweep behind them.

    ``indices``: one row per parameter — Morris: ``mu`` (mean elementary
    effect), ``mu_star`` (mean absolute effect: the ranking), ``mu_star_conf``
    (half-width of its bootstrap confidence interval) and ``sigma`` (spread of
    the effects: interactions and non-linearity); effects are changes of the
    metric per whole range of the parameter. Sobol': ``S1`` (first-order
    share of variance), ``ST`` (total, with interactions) and their ``_conf``
    half-widths. ``second_order``: Sobol' S2 per pair, when asked for.
    ``samples``: the sample (one row per model evaluation, unrounded) with the
    sweep ``point`` it ran as and the metric ``value``. ``sweep``: the
    :class:`SweepResult` of the distinct points.
    """

    method: str
    metric: str
    indices: pd.DataFrame
    samples: pd.DataFrame
    sweep: SweepResult
    problem: dict[str, Any]
    n: int
    seed: int
    confidence: float
    second_order: pd.DataFrame | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    def plot(self, ax: Any = None) -> Any:
        """Horizontal bars with confidence whiskers: Morris ``mu_star``,
        Sobol' ``S1`` and ``ST``; the most influential parameter on top.
        Returns the matplotlib Figure."""
        import matplotlib.pyplot as plt

        key = "mu_star" if self.method == "morris" else "ST"
        ix = self.indices.sort_values(key, ascending=True, na_position="first")
        if ax is None:
            fig, ax = plt.subplots(figsize=(8, 1.6 + 0.45 * len(ix)))
        else:
            fig = ax.figure
        y = np.arange(len(ix))
        labels = ix["parameter"].tolist()
        if self.method == "morris":
            ax.barh(y, ix["mu_star"], xerr=ix["mu_star_conf"], capsize=3, color="tab:blue")
            ax.set_xlabel(f"mu* of {self.metric} (mean absolute effect over the range)")
        else:
            h = 0.38
            ax.barh(y + h / 2, ix["ST"], height=h, xerr=ix["ST_conf"], capsize=3, label="ST (total)",
                    color="tab:orange")
            ax.barh(y - h / 2, ix["S1"], height=h, xerr=ix["S1_conf"], capsize=3, label="S1 (first order)",
                    color="tab:blue")
            ax.set_xlabel(f"share of the variance of {self.metric}")
            ax.legend(fontsize="small", loc="lower right")
        ax.set_yticks(y, labels)
        ax.axvline(0, color="grey", lw=0.8)
        ax.set_title(f"{'Morris' if self.method == 'morris' else 'Sobol' + chr(39)} sensitivity of {self.metric}\n"
                     f"{len(self.samples)} evaluations, {self.sweep.replications} "
                     f"replication{'s' if self.sweep.replications != 1 else ''} each",
                     fontsize="medium")
        fig.tight_layout()
        return fig

    def _repr_html_(self) -> str:
        cols = list(self.indices.columns)
        head = "".join(f"<th>{html.escape(c)}</th>" for c in cols)
        body = "".join(
            "<tr>" + "".join(f"<td>{_fmt(v)}</td>" for v in row) + "</tr>"
            for row in self.indices.itertuples(index=False)
        )
        return (
            f"<div><b>msmesim sensitivity</b> — {self.method}, metric <code>{html.escape(self.metric)}</code>; "
            f"{len(self.samples)} evaluations ({len(self.sweep.points)} distinct points) of "
            f"{self.sweep.replications} replications, seed {self.seed}; {self.confidence:.0%} intervals"
            f"<table><tr>{head}</tr>{body}</table></div>"
        )

    def __repr__(self) -> str:
        return (f"<SensitivityResult {self.method} of {self.metric}: {len(self.indices)} parameters, "
                f"{len(self.samples)} evaluations>")


def _fmt(v: Any) -> str:
    if isinstance(v, (float, np.floating)):
        return f"{v:.4g}" if math.isfinite(v) else str(v)
    return html.escape(str(v))


def _ranges(scenario: _core.Scenario, ranges: Any) -> dict[str, tuple[float, float]]:
    if not isinstance(ranges, Mapping):
        raise invalid("ranges", type(ranges).__name__, "a dict {path: (low, high)}", _core.TypeMismatchError)
    if not ranges:
        raise invalid("ranges", {}, "at least one parameter path with a (low, high) range")
    out: dict[str, tuple[float, float]] = {}
    for path, r in ranges.items():
        label = f"ranges[{path!r}]"
        pair = list(r) if isinstance(r, (tuple, list, np.ndarray)) else None
        if pair is None or len(pair) != 2:
            raise invalid(label, r, "a pair (low, high)", _core.TypeMismatchError)
        for v in pair:
            if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, float, np.integer, np.floating)):
                raise invalid(label, v, "numbers (low, high)", _core.TypeMismatchError)
        lo, hi = float(pair[0]), float(pair[1])
        if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
            raise invalid(label, (lo, hi), "finite (low, high) with low < high")
        set_value = parameter_paths.setter(scenario, path, round_integers=True)
        probe = parameter_paths.apply(scenario, {})
        for v in (lo, hi):  # both ends must be values the path takes
            set_value(probe, v)
        out[path] = (lo, hi)
    return out


def _point_values(outcomes: pd.DataFrame, metric: Metric, points: pd.Index) -> tuple[np.ndarray, str]:
    """The metric of each point: the mean over replications, or the callable's value."""
    if callable(metric):
        name = getattr(metric, "__name__", "metric")
        values = []
        for p in points:
            rows = outcomes[outcomes["point"] == p].drop(columns="point").reset_index(drop=True)
            v = metric(rows)
            if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, float, np.integer, np.floating)):
                raise invalid("metric", type(v).__name__, "a callable returning a number for a point's outcomes",
                              _core.TypeMismatchError)
            values.append(float(v))
        return np.asarray(values, dtype=np.float64), name
    rows = outcomes[outcomes["metric"] == metric]
    means = rows.groupby("point", sort=True)["value"].mean().reindex(points)
    return means.to_numpy(dtype=np.float64), metric


def sensitivity(
    population_source: PopulationSourceArg,
    baseline: _core.Scenario | None = None,
    ranges: Mapping[str, tuple[float, float]] | None = None,
    *,
    scenario: _core.Scenario | None = None,
    method: str = "morris",
    metric: Metric = "jobs_saved",
    n: int | None = None,
    levels: int = 4,
    second_order: bool = False,
    replications: int = 10,
    seed: int | None = None,
    confidence: float = 0.95,
    executor: Any = None,
    threads: int = 1,
    chunksize: int | None = None,
    progress: bool = False,
) -> SensitivityResult:
    """Sensitivity of ``metric`` to the parameters in ``ranges``
    (``{path: (low, high)}``, paths of :mod:`msmesim.paths`), each sampled
    uniformly over its range.

    ``population_source``, ``baseline``, ``scenario``, ``replications``,
    ``seed``, ``executor``, ``threads``, ``chunksize`` and ``progress`` are
    those of :func:`msmesim.sweep`: every sampled point is ``scenario``
    (default: the baseline) with the point's values, compared with
    ``baseline``; its value is the mean of ``metric`` over the replications.
    ``metric``: an outcome metric (``jobs_saved``, ``firms_saved``,
    ``net_cost_rp``, ``closed_firms_end``, ...) or a callable that takes a
    point's outcomes (columns replication, metric, value) and returns a number.

    ``method="morris"``: ``n`` trajectories (default 10) on a grid of
    ``levels`` levels, ``n * (D + 1)`` evaluations for D parameters; cheap,
    ranks parameters (``mu_star``). ``method="sobol"``: Saltelli's sample of
    ``n`` base points (a power of 2, default 64), ``n * (D + 2)`` evaluations
    (``n * (2D + 2)`` with ``second_order=True``); variance shares ``S1`` and
    ``ST``. When the metric does not vary at all Sobol' indices are undefined
    (NaN). Confidence intervals are bootstrap intervals at ``confidence``.

    Whole-number parameters (months, quotas) are rounded to the nearest whole
    number for the runs; the analysis uses the sampled values. Points that
    coincide (Morris trajectories share grid points) run once. The sample and
    the bootstrap use a seed derived from ``seed`` (:func:`salib_seed`), so a
    call gives the same indices every time, on any executor.
    """
    from SALib.analyze import morris as morris_analyze
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import morris as morris_sample
    from SALib.sample import sobol as sobol_sample

    if method not in METHODS:
        raise invalid("method", method, "'morris' or 'sobol'")
    if ranges is None:
        raise invalid("ranges", None, "a dict {path: (low, high)}", _core.TypeMismatchError)
    if not (isinstance(metric, str) or callable(metric)):
        raise invalid("metric", metric, "an outcome metric name or a callable(outcomes) -> number",
                      _core.TypeMismatchError)
    n = DEFAULT_N[method] if n is None else check_int("n", n, 2 if method == "morris" else 1)
    if method == "sobol" and n & (n - 1):
        lower = 1 << (n.bit_length() - 1)
        raise invalid("n", n, f"a power of 2 for method='sobol' (Sobol' sequences balance only then; "
                              f"e.g. {lower} or {lower * 2})")
    check_int("levels", levels, 2)
    if levels % 2:
        raise invalid("levels", levels, "an even number of levels (Morris)")
    if not (isinstance(confidence, (int, float)) and 0.0 < confidence < 1.0):
        raise invalid("confidence", confidence, "a number between 0 and 1")
    setup = prepare(population_source, baseline, scenario, seed)
    bounds = _ranges(setup.scenario, ranges)
    names = list(bounds)
    problem = {"num_vars": len(names), "names": names, "bounds": [list(bounds[p]) for p in names]}
    sseed = salib_seed(setup.seed)

    if method == "morris":
        x = morris_sample.sample(problem, n, num_levels=levels, seed=sseed)
    else:
        x = sobol_sample.sample(problem, n, calc_second_order=second_order, seed=sseed)
    samples = pd.DataFrame(x, columns=names)

    # The values that run: whole-number paths rounded; identical points run once.
    run_values = samples.copy()
    for p in names:
        if parameter_paths.is_integer(setup.scenario, p):
            run_values[p] = np.round(run_values[p].to_numpy())
    keys = [tuple(row) for row in run_values.itertuples(index=False)]
    first: dict[tuple[float, ...], int] = {}
    for key in keys:
        first.setdefault(key, len(first))
    points = pd.DataFrame(list(first), columns=names)
    point_of = np.array([first[k] for k in keys], dtype=np.int64)

    def check_metric(first: TaskResult) -> None:  # before the other points run
        known = list(pd.unique(first.outcomes["metric"]))
        if isinstance(metric, str) and metric not in known:
            raise invalid("metric", metric, "one of " + ", ".join(known) + " or a callable(outcomes) -> number")

    swept = SweepResult(**run_sweep(population_source, baseline, None, points=points, scenario=scenario,
                                    replications=replications, seed=setup.seed, executor=executor, threads=threads,
                                    chunksize=chunksize, progress=progress, on_first=check_metric))
    per_point, metric_name = _point_values(swept.outcomes, metric, swept.points.index)
    y = per_point[point_of]
    samples["point"] = point_of
    samples["value"] = y

    second = None
    if method == "morris":
        si = morris_analyze.analyze(problem, x, y, num_levels=levels, conf_level=confidence, seed=sseed)
        indices = pd.DataFrame({
            "parameter": names,
            "mu": np.asarray(si["mu"], dtype=float),
            "mu_star": np.asarray(si["mu_star"], dtype=float),
            "mu_star_conf": np.asarray(si["mu_star_conf"], dtype=float),
            "sigma": np.asarray(si["sigma"], dtype=float),
        })
    elif np.ptp(y) == 0.0 or not np.all(np.isfinite(y)):
        nan = np.full(len(names), np.nan)
        indices = pd.DataFrame({"parameter": names, "S1": nan, "S1_conf": nan, "ST": nan, "ST_conf": nan})
    else:
        si = sobol_analyze.analyze(problem, y, calc_second_order=second_order, conf_level=confidence, seed=sseed)
        indices = pd.DataFrame({
            "parameter": names,
            "S1": np.asarray(si["S1"], dtype=float),
            "S1_conf": np.asarray(si["S1_conf"], dtype=float),
            "ST": np.asarray(si["ST"], dtype=float),
            "ST_conf": np.asarray(si["ST_conf"], dtype=float),
        })
        if second_order:
            rows = [(names[i], names[j], float(si["S2"][i, j]), float(si["S2_conf"][i, j]))
                    for i in range(len(names)) for j in range(i + 1, len(names))]
            second = pd.DataFrame(rows, columns=["parameter_1", "parameter_2", "S2", "S2_conf"])
    return SensitivityResult(method=method, metric=metric_name, indices=indices, samples=samples, sweep=swept,
                             problem=problem, n=n, seed=setup.seed, confidence=float(confidence),
                             second_order=second, meta={"salib_seed": sseed, "levels": levels})


__all__ = ["METHODS", "SensitivityResult", "salib_seed", "sensitivity"]
