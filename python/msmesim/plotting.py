"""Plots of run results (matplotlib, imported on first use)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import _core
from ._errors import invalid

if TYPE_CHECKING:  # pragma: no cover
    from .api import Result


def plot_result(result: "Result", kind: str = "overview", **kwargs: Any) -> Any:
    """Draw a figure of ``result``: 'overview', 'main_problem' or 'region'."""
    import matplotlib.pyplot as plt

    m = result.monthly
    dates = m["date"].dt.to_timestamp()
    if kind == "overview":
        fig, axes = plt.subplots(2, 2, figsize=kwargs.get("figsize", (11, 7)), sharex=True)
        ax = axes[0, 0]
        ax.plot(dates, m["active_firms"], label="open")
        ax.plot(dates, m["distressed_firms"], label="distressed")
        ax.plot(dates, m["closed_firms"], label="closed (cumulative)")
        ax.set_title("Firms")
        ax.legend()
        ax = axes[0, 1]
        ax.plot(dates, m["employment"], color="tab:green")
        ax.set_title("Employment (workers)")
        ax = axes[1, 0]
        ax.plot(dates, m["revenue_index"], color="tab:purple")
        ax.axhline(1.0, color="grey", lw=0.8, ls="--")
        ax.set_title("Revenue index (1 = pre-shock)")
        ax = axes[1, 1]
        _stacked_problems(ax, m, dates)
        fig.suptitle(f"msmesim — {result.scenario} (seed {result.seed})")
        fig.autofmt_xdate()
        fig.tight_layout()
        return fig
    if kind == "main_problem":
        fig, ax = plt.subplots(figsize=kwargs.get("figsize", (8, 4)))
        _stacked_problems(ax, m, dates)
        fig.autofmt_xdate()
        fig.tight_layout()
        return fig
    if kind == "region":
        r = result.by_region
        last = r[r["month"] == r["month"].max()].set_index("region")
        total = last["active_firms"] + last["closed_firms"]
        share = (last["closed_firms"] / total).sort_values()
        fig, ax = plt.subplots(figsize=kwargs.get("figsize", (7, 9)))
        ax.barh(share.index.astype(str), share.to_numpy())
        ax.set_xlabel("share of firms closed by the end")
        ax.set_title("Closures by kecamatan")
        fig.tight_layout()
        return fig
    raise invalid("kind", kind, "one of overview, main_problem, region")


def _stacked_problems(ax: Any, m: Any, dates: Any) -> None:
    shares = [m[f"main_problem_share_{ch}"] for ch in _core.channels()]
    ax.stackplot(dates, shares, labels=[ch.replace("_", " ") for ch in _core.channels()])
    ax.set_ylim(0, 1)
    ax.set_title("Main problem (share of affected firms)")
    ax.legend(loc="lower left", fontsize="small")
