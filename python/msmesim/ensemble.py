"""Ensembles and scenario comparison with uncertainty (docs/ensembles.md).

:func:`ensemble` runs many replications of one or more scenarios on one
population; :func:`compare` puts a baseline first. Every scenario's
replication ``r`` uses the random streams of ``(seed, r)`` (common random
numbers), so the difference a scenario makes is measured firm by firm in
the same world. Results are pandas DataFrames (and xarray Datasets for the
monthly series) and do not depend on the thread count.
"""

from __future__ import annotations

import functools
import html
import os
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from . import _core
from ._common import ProgressArg, check_int, columns_frame, progress_callback, whole_range
from ._errors import invalid

#: Metrics of :attr:`EnsembleResult.comparison`, in planner terms.
METRIC_LABELS = {
    "firms_saved": "firms saved",
    "jobs_saved": "jobs saved",
    "net_cost_rp": "net cost (Rp)",
    "cost_per_job_saved_rp": "cost per job saved (Rp)",
    "cost_per_firm_saved_rp": "cost per firm saved (Rp)",
    "recovery_months_gained": "months of recovery gained",
    "class_advancements": "extra class advancements",
    "micro_spending_share": "share of transfers to micro firms",
    "member_firms_saved": "cooperative members saved",
    "nonmember_firms_saved": "non-members saved",
    "member_jobs_saved": "jobs saved at members",
    "nonmember_jobs_saved": "jobs saved at non-members",
}
_SERIES = ("monthly", "by_sector", "by_class", "by_region", "cooperatives", "programmes")
_GROUP_NAME = {"by_sector": "sector", "by_class": "size_class", "by_region": "region", "programmes": "programme"}


class EnsembleInterrupted(KeyboardInterrupt):
    """Ctrl-C (KeyboardInterrupt) during an ensemble. ``result`` holds the
    :class:`EnsembleResult` of the replications completed before it."""

    def __init__(self, result: "EnsembleResult") -> None:
        super().__init__(f"ensemble interrupted after {result.replications} completed replication(s); "
                         "they are in .result")
        self.result = result


def _frame(raw: _core.EnsembleResult, which: str) -> pd.DataFrame:
    return columns_frame(raw.table_columns(which))


class EnsembleResult:
    """The summary of an ensemble: scenario 0 (``baseline``) and the others.

    ``outcomes`` holds exact per-replication numbers; ``comparison`` the
    differences from the baseline with confidence intervals; ``series(...)``
    the monthly paths over replications (mean, sd and quantiles);
    ``additionality(...)`` the fate of every programme's recipients paired
    with themselves in the baseline.
    """

    def __init__(self, raw: _core.EnsembleResult) -> None:
        self.raw = raw

    # Metadata ------------------------------------------------------------------------------------
    @property
    def scenarios(self) -> list[str]:
        return list(self.raw.scenarios)

    @property
    def baseline(self) -> str:
        return self.raw.scenarios[0]

    @property
    def replications(self) -> int:
        return int(self.raw.replications)

    @property
    def replications_resumed(self) -> int:
        """Of the replications, those read from the checkpoint instead of run."""
        return int(self.raw.replications_resumed)

    @property
    def seed(self) -> int:
        return int(self.raw.seed)

    @property
    def first_replication(self) -> int:
        return int(self.raw.first_replication)

    @property
    def months(self) -> int:
        return int(self.raw.months)

    @property
    def start(self) -> str:
        return str(self.raw.start)

    @property
    def common_random_numbers(self) -> bool:
        return bool(self.raw.common_random_numbers)

    @property
    def confidence(self) -> float:
        return float(self.raw.confidence)

    @property
    def elapsed_seconds(self) -> float:
        return float(self.raw.elapsed_seconds)

    @property
    def cancelled(self) -> bool:
        """True when the run stopped (Ctrl-C, a progress callback) before all
        its replications were done; the summary covers the completed ones."""
        return bool(self.raw.cancelled)

    @property
    def memory_bytes(self) -> int:
        """Bytes held by the summaries (only the outcomes grow with replications)."""
        return int(self.raw.memory_bytes)

    # Tables --------------------------------------------------------------------------------------
    @functools.cached_property
    def outcomes(self) -> pd.DataFrame:
        """One row per replication, scenario and metric (exact values): levels of
        every scenario (``active_firms_end``, ``closed_firms_end``,
        ``employment_end``, ``spent_rp``, ``transfer_rp``, ``months_to_recover``,
        ``upgrades``, ``revenue_index_trough``) and, for every scenario but the
        baseline, its differences from the baseline in the same replication
        (``firms_saved``, ``jobs_saved``, ``net_cost_rp``,
        ``recovery_months_gained``, ``class_advancements``,
        ``micro_spending_share``, ``member_firms_saved``,
        ``nonmember_firms_saved``, ``member_jobs_saved``,
        ``nonmember_jobs_saved``)."""
        return _frame(self.raw, "outcomes")

    def outcome_table(self, metric: str) -> pd.DataFrame:
        """One metric as a wide table: index replication, one column per scenario."""
        o = self.outcomes
        if metric not in set(o["metric"].cat.categories):
            raise invalid("metric", metric, "one of " + ", ".join(o["metric"].cat.categories))
        part = o[o["metric"] == metric]
        return part.pivot(index="replication", columns="scenario", values="value")

    @functools.cached_property
    def comparison(self) -> pd.DataFrame:
        """One row per scenario (other than the baseline) and metric: ``n``,
        ``mean``, ``sd``, ``se``, ``ci_low`` and ``ci_high`` (Student t interval
        of the mean at :attr:`confidence`), ``p05``, ``p50`` and ``p95`` over
        replications. ``cost_per_job_saved_rp`` and ``cost_per_firm_saved_rp``
        are ratios of means with delta-method intervals (NaN when nothing is
        saved on average)."""
        return _frame(self.raw, "comparison")

    @functools.cached_property
    def comparison_by_group(self) -> pd.DataFrame:
        """Firms and jobs saved by kecamatan (``region``), ``size_class`` at the
        start and ``sector``: scenario, dimension, group, metric, n, mean, sd,
        ci_low, ci_high."""
        return _frame(self.raw, "comparison_by_group")

    def saved_by(self, by: Literal["region", "size_class", "sector"] = "region",
                 metric: Literal["firms_saved", "jobs_saved"] = "firms_saved") -> pd.DataFrame:
        """Firms (or jobs) saved per group with intervals: one row per scenario and group."""
        if by not in ("region", "size_class", "sector"):
            raise invalid("by", by, "one of region, size_class, sector")
        if metric not in ("firms_saved", "jobs_saved"):
            raise invalid("metric", metric, "firms_saved or jobs_saved")
        g = self.comparison_by_group
        part = g[(g["dimension"] == by) & (g["metric"] == metric)]
        out = part.drop(columns=["dimension", "metric"]).rename(columns={"group": by})
        out["scenario"] = out["scenario"].cat.remove_unused_categories()
        return out.reset_index(drop=True)

    def additionality(self, by: Literal["all", "size_class", "sector", "region", "cash_at_award"] = "all"
                      ) -> pd.DataFrame:
        """Every programme's recipient firms paired with themselves in the
        baseline (same replication): the shares ``additional`` (open only
        because of the scenario), ``deadweight`` (open either way),
        ``closed_despite`` (closed in both) and ``harmed`` (closed only in the
        scenario), each with ``_ci_low``/``_ci_high``, and ``recipients`` (mean
        per replication). ``by`` groups recipients by size class at the start,
        sector, kecamatan or their cash at award (``distressed``; ``thin``;
        ``healthy`` = cash of at least ``healthy_cash_months`` of fixed costs,
        wages and instalments)."""
        allowed = ("all", "size_class", "sector", "region", "cash_at_award")
        if by not in allowed:
            raise invalid("by", by, "one of " + ", ".join(allowed))
        a = _frame(self.raw, "additionality")
        part = a[a["dimension"] == by].drop(columns=["dimension"]).rename(columns={"group": by})
        if by == "all":
            part = part.drop(columns=["all"])
        part["scenario"] = part["scenario"].cat.remove_unused_categories()
        return part.reset_index(drop=True)

    def series(self, table: str = "monthly", variable: str | Sequence[str] | None = None) -> pd.DataFrame:
        """A monthly series over replications, long form: scenario, month, date,
        (the group: sector, size_class, region or programme), variable, n, mean,
        sd, min, max and the quantiles (``q05``, ``q25``, ``q50``, ...)."""
        names = list(self.raw.series_names())
        if table not in names:
            raise invalid("table", table, "one of " + ", ".join(names))
        frame = _frame(self.raw, f"series:{table}")
        if "group" in frame:
            frame = frame.rename(columns={"group": _GROUP_NAME.get(table, "group")})
        if variable is not None:
            wanted = [variable] if isinstance(variable, str) else list(variable)
            known = set(frame["variable"].cat.categories)
            for v in wanted:
                if v not in known:
                    raise invalid("variable", v, f"a variable of {table}: " + ", ".join(sorted(known)))
            frame = frame[frame["variable"].isin(wanted)].reset_index(drop=True)
            frame["variable"] = frame["variable"].cat.remove_unused_categories()
        start = pd.Period(self.start, freq="M")
        frame.insert(2, "date", pd.PeriodIndex([start + int(m) for m in frame["month"]], freq="M"))
        return frame

    def to_xarray(self, table: str = "monthly") -> Any:
        """The series as an ``xarray.Dataset``: one data variable per statistic
        (mean, sd, min, max, q05, ...) over dimensions scenario, month,
        (group) and variable."""
        import xarray as xr

        frame = self.series(table).drop(columns=["date"])
        keys = ["scenario", "month"] + ([c for c in (_GROUP_NAME.get(table),) if c in frame]) + ["variable"]
        for k in keys:
            if isinstance(frame[k].dtype, pd.CategoricalDtype):
                frame[k] = frame[k].astype(str)
        ds = xr.Dataset.from_dataframe(frame.set_index(keys))
        ds = ds.assign_coords(date=("month", [str(pd.Period(self.start, freq="M") + int(m))
                                             for m in ds["month"].values]))
        ds.attrs.update({"seed": self.seed, "replications": self.replications, "baseline": self.baseline,
                         "common_random_numbers": int(self.common_random_numbers), "start": self.start})
        return ds

    def table(self, rank_by: str = "jobs_saved", *, text: bool = False, lang: str | None = None) -> pd.DataFrame:
        """The planner's table: one row per scenario (other than the
        baseline), ranked by ``rank_by`` (largest first; for costs, smallest
        first), with each headline metric as numbers — columns
        ``(metric, "mean")``, ``(metric, "low")`` and ``(metric, "high")``, the
        interval at the ensemble's confidence level — so that it sorts,
        filters and plots. ``text=True`` gives each metric as one readable
        cell, "mean [low, high]", for printing, its numbers and rupiah in
        ``lang``'s formats (``"en"`` or ``"id"``; default: the environment's,
        :mod:`msmesim.i18n`). All the numbers are in :attr:`comparison`."""
        c = self.comparison
        metrics = list(c["metric"].cat.categories)
        if rank_by not in metrics:
            raise invalid("rank_by", rank_by, "one of " + ", ".join(metrics))
        if not isinstance(text, (bool, np.bool_)):
            raise invalid("text", text, "True or False", _core.TypeMismatchError)
        shown = ["firms_saved", "jobs_saved", "net_cost_rp", "cost_per_job_saved_rp", "cost_per_firm_saved_rp",
                 "recovery_months_gained", "class_advancements", "micro_spending_share", "member_firms_saved"]
        rows, keys, names = [], [], []
        for name in self.scenarios[1:]:
            part = c[c["scenario"] == name].set_index("metric")
            row: dict[Any, Any] = {}
            for m in shown:
                r = part.loc[m]
                mean, lo, hi = float(r["mean"]), float(r["ci_low"]), float(r["ci_high"])
                if text:
                    row[METRIC_LABELS[m]] = _fmt_interval(mean, lo, hi, m, lang)
                else:
                    row[(METRIC_LABELS[m], "mean")] = mean
                    row[(METRIC_LABELS[m], "low")] = lo
                    row[(METRIC_LABELS[m], "high")] = hi
            rows.append(row)
            keys.append(float(part.loc[rank_by, "mean"]))
            names.append(name)
        out = pd.DataFrame(rows, index=pd.Index(names, name="scenario"))
        if out.empty:
            return out
        if not text:
            out.columns = pd.MultiIndex.from_tuples(out.columns, names=["metric", "statistic"])
        ascending = rank_by.startswith("cost_per") or rank_by == "net_cost_rp"
        key = pd.Series(keys, index=out.index).fillna(np.inf if ascending else -np.inf)
        order = key.sort_values(ascending=ascending, kind="stable").index
        out = out.loc[order]
        out.insert(0, "rank" if text else ("rank", ""), range(1, len(out) + 1))
        return out

    # Presentation --------------------------------------------------------------------------------
    def plot(self, variable: str = "active_firms", table: str = "monthly", band: tuple[float, float] = (0.05, 0.95),
             group: str | None = None, ax: Any = None, scenarios: Sequence[str] | None = None) -> Any:
        """A fan chart: the mean of ``variable`` per month for every scenario,
        with the band between two quantiles (default 5-95 %) over
        replications. For grouped tables pass ``group`` (a sector, size class,
        kecamatan or programme). Returns the matplotlib Figure."""
        from . import plotting

        return plotting.plot_ensemble(self, variable=variable, table=table, band=band, group=group, ax=ax,
                                      scenarios=scenarios)

    def __repr__(self) -> str:
        return (f"<msmesim.EnsembleResult scenarios={self.scenarios!r} replications={self.replications} "
                f"seed={self.seed} months={self.months}>")

    def _repr_html_(self) -> str:
        head = (f"<div><b>msmesim ensemble</b> — {self.replications} replication(s) × {len(self.scenarios)} "
                f"scenario(s), {self.months} months from {html.escape(self.start)}, seed {self.seed}, "
                f"{'common' if self.common_random_numbers else 'independent'} random numbers; baseline "
                f"<code>{html.escape(self.baseline)}</code>")
        if len(self.scenarios) < 2 or self.replications == 0:
            o = self.outcomes
            if o.empty:
                return head + "</div>"
            levels = o.groupby(["scenario", "metric"], observed=True)["value"].mean().unstack("metric")
            return head + levels.to_html(float_format=lambda v: f"{v:,.2f}") + "</div>"
        pct = int(round(100 * self.confidence))
        return (head + f"<br>mean [{pct} % confidence interval] against the baseline"
                + self.table(text=True).to_html(escape=True) + "</div>")


def _fmt_interval(mean: float, lo: float, hi: float, metric: str, lang: str | None = None) -> str:
    """"mean [low, high]" in the language's formats (rupiah as Rp1,234,567 / Rp1.234.567)."""
    from .i18n import Formatter

    fmt = Formatter(lang)
    if np.isnan(mean):
        return "n/a"
    if metric == "micro_spending_share":
        f = fmt.share
    elif metric.endswith("_rp"):
        f = fmt.rp
    else:
        f = lambda v: fmt.number(v, 1)  # noqa: E731
    if np.isnan(lo) or np.isnan(hi):
        return f(mean)
    return f"{f(mean)} [{f(lo)}, {f(hi)}]"


def _scenario_list(scenarios: Any, field: str) -> list[_core.Scenario]:
    if isinstance(scenarios, _core.Scenario):
        return [scenarios]
    if isinstance(scenarios, (str, bytes)) or not isinstance(scenarios, Sequence):
        raise invalid(field, type(scenarios).__name__, "a Scenario or a sequence of Scenarios",
                      _core.TypeMismatchError)
    out = list(scenarios)
    for k, s in enumerate(out):
        if not isinstance(s, _core.Scenario):
            raise invalid(f"{field}[{k}]", type(s).__name__, "an msmesim.Scenario", _core.TypeMismatchError)
    return out


#: The numeric options of an ensemble, by name (the core's table: defaults,
#: ranges, meaning).
ENSEMBLE_OPTIONS: dict[str, dict[str, Any]] = {row["name"]: row for row in _core.ensemble_option_table()}


def _check_quantiles(quantiles: Sequence[float]) -> list[float]:
    out = []
    for j, q in enumerate(quantiles):
        if isinstance(q, bool) or not isinstance(q, (int, float, np.floating, np.integer)):
            raise invalid(f"quantiles[{j}]", q, "a probability in (0, 1)", _core.TypeMismatchError)
        out.append(float(q))
    return out


def ensemble(
    population: _core.Population,
    scenarios: _core.Scenario | Sequence[_core.Scenario],
    *,
    replications: int = 10,
    seed: int = 1,
    first_replication: int = 0,
    threads: int = 0,
    common_random_numbers: bool = True,
    progress: ProgressArg = False,
    quantiles: Sequence[float] = (0.05, 0.25, 0.5, 0.75, 0.95),
    confidence: float = 0.90,
    healthy_cash_months: float = 1.0,
    checkpoint: str | os.PathLike[str] | None = None,
) -> EnsembleResult:
    """Run ``replications`` replications of every scenario (``scenarios[0]`` is
    the baseline of the comparisons) and summarise them.

    Replication ``r`` of every scenario uses the random streams of ``(seed,
    first_replication + r)`` — common random numbers — unless
    ``common_random_numbers=False`` (each scenario then draws from its own
    seed; only useful to see what pairing buys). ``threads`` run replications
    in parallel (0, the default: every core, as the command line); results
    are bitwise the same for any number. ``progress=True``
    shows a tqdm bar; a callable gets ``(done, total)`` and may return False to
    stop. Ctrl-C stops within a second and raises :class:`EnsembleInterrupted`
    (a KeyboardInterrupt) carrying the completed replications in ``.result``.
    Memory does not grow with replications beyond a few numbers each.

    ``checkpoint`` names a directory (created if needed) where every completed
    replication is saved as it finishes; run the same call again with the
    same directory after an interruption — even a killed process — and the
    saved replications are read instead of run, with a result bitwise equal
    to an uninterrupted run's. A directory holding another ensemble's
    checkpoint is refused (``InvalidArgumentError`` on ``checkpoint``).
    """
    if not isinstance(population, _core.Population):
        raise invalid("population", type(population).__name__, "an msmesim.Population", _core.TypeMismatchError)
    scs = _scenario_list(scenarios, "scenarios")
    check_int("replications", replications, *whole_range(ENSEMBLE_OPTIONS["replications"]))
    check_int("seed", seed, 0, 2**64 - 1)  # (a 64-bit unsigned seed)
    check_int("first_replication", first_replication, *whole_range(ENSEMBLE_OPTIONS["first_replication"]))
    check_int("threads", threads, *whole_range(ENSEMBLE_OPTIONS["threads"]))
    if not isinstance(common_random_numbers, (bool, np.bool_)):
        raise invalid("common_random_numbers", common_random_numbers, "True or False", _core.TypeMismatchError)
    for name, value in (("confidence", confidence), ("healthy_cash_months", healthy_cash_months)):
        if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)):
            raise invalid(name, value, "a number", _core.TypeMismatchError)
    if checkpoint is not None and not isinstance(checkpoint, (str, os.PathLike)):
        raise invalid("checkpoint", type(checkpoint).__name__, "a directory path (str or os.PathLike) or None",
                      _core.TypeMismatchError)
    engine = _core.Ensemble(population, scs, seed=seed, first_replication=first_replication, threads=threads,
                            common_random_numbers=bool(common_random_numbers),
                            quantiles=_check_quantiles(quantiles), confidence=float(confidence),
                            healthy_cash_months=float(healthy_cash_months),
                            checkpoint="" if checkpoint is None else os.fspath(checkpoint))
    callback, close = progress_callback(progress, replications, "replications", unit="rep")
    try:
        engine.run(replications, progress=callback)
    except KeyboardInterrupt as exc:
        raise EnsembleInterrupted(EnsembleResult(engine.result())) from exc
    finally:
        close()
    return EnsembleResult(engine.result())


def compare(
    population: _core.Population,
    baseline: _core.Scenario,
    scenarios: _core.Scenario | Sequence[_core.Scenario],
    **options: Any,
) -> EnsembleResult:
    """Compare scenarios with a baseline on common random numbers:
    ``ensemble(population, [baseline, *scenarios], **options)``. The
    result's :meth:`EnsembleResult.table` ranks the scenarios for a planner;
    :attr:`EnsembleResult.comparison` has every metric with its interval."""
    if not isinstance(baseline, _core.Scenario):
        raise invalid("baseline", type(baseline).__name__, "an msmesim.Scenario", _core.TypeMismatchError)
    return ensemble(population, [baseline, *_scenario_list(scenarios, "scenarios")], **options)


__all__ = ["EnsembleInterrupted", "EnsembleResult", "METRIC_LABELS", "compare", "ensemble"]
