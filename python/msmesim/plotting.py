"""Plots of run results (matplotlib, imported on first use)."""

from __future__ import annotations

from typing import Any

from . import _core
from ._common import ResultLike
from ._errors import invalid


def plot_result(result: ResultLike, kind: str = "overview", **kwargs: Any) -> Any:
    """Draw a figure of ``result``: 'overview', 'main_problem', 'region',
    'closures' (closures by route and class changes per month) or 'credit'
    (the credit book per lender: outstanding, new, in arrears, restructured,
    written off)."""
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
    if kind == "closures":
        fig, axes = plt.subplots(1, 2, figsize=kwargs.get("figsize", (11, 4)), sharex=True)
        plot_closures(result, ax=axes[0])
        ax = axes[1]
        ax.plot(dates, m["upgrades"], label="moved up (naik kelas)")
        ax.plot(dates, m["downgrades"], label="moved down")
        ax.set_title("Size-class changes per month")
        ax.set_ylabel("firms")
        ax.legend(fontsize="small")
        fig.autofmt_xdate()
        fig.tight_layout()
        return fig
    if kind == "credit":
        return plot_credit_book(result, figsize=kwargs.get("figsize", (11, 7)))
    raise invalid("kind", kind, "one of overview, main_problem, region, closures, credit")


#: Closure routes (monthly columns closures_<route>) and their labels.
CLOSURE_ROUTES = {"owner_exit": "owner exit", "unviable": "unviable", "insolvent": "insolvent"}


def plot_closures(result: ResultLike, ax: Any = None) -> Any:
    """Closures per month by route, stacked: the owner left for reasons
    outside the business, the business no longer supported the household, or
    it could not meet its obligations. Returns the Figure."""
    import matplotlib.pyplot as plt

    if ax is None:
        fig, ax = plt.subplots(figsize=(8, 4))
    else:
        fig = ax.figure
    m = result.monthly
    dates = m["date"].dt.to_timestamp()
    ax.stackplot(dates, [m[f"closures_{r}"] for r in CLOSURE_ROUTES], labels=list(CLOSURE_ROUTES.values()))
    ax.set_title("Closures per month by route")
    ax.set_ylabel("firms")
    ax.legend(loc="upper right", fontsize="small")
    return fig


#: Panels of plot_credit_book: credit-book column, title.
CREDIT_PANELS = (
    ("outstanding_rp", "Outstanding (Rp)"),
    ("new_rp", "New lending per month (Rp)"),
    ("in_arrears", "Loans in arrears"),
    ("restructured", "Restructured loans"),
    ("written_off_rp", "Written off per month (Rp)"),
)


def plot_credit_book(result: ResultLike, figsize: tuple[float, float] = (11, 7)) -> Any:
    """The credit book per lender (KUR, banks, cooperatives, informal lenders)
    month by month: outstanding, new lending, loans in arrears, restructured
    loans and principal written off. Returns the Figure."""
    import matplotlib.pyplot as plt

    book = result.credit_book
    fig, axes = plt.subplots(2, 3, figsize=figsize, sharex=True)
    flat = axes.ravel()
    for ax, (column, title) in zip(flat, CREDIT_PANELS):
        wide = book.pivot(index="date", columns="lender", values=column)
        for lender in wide.columns:
            ax.plot(wide.index.to_timestamp(), wide[lender], label=str(lender))
        ax.set_title(title, fontsize="medium")
    flat[0].legend(fontsize="small")
    flat[-1].axis("off")
    fig.suptitle(f"Credit book — {result.scenario}")
    fig.autofmt_xdate()
    fig.tight_layout()
    return fig


def _stacked_problems(ax: Any, m: Any, dates: Any) -> None:
    shares = [m[f"main_problem_share_{ch}"] for ch in _core.channels()]
    ax.stackplot(dates, shares, labels=[ch.replace("_", " ") for ch in _core.channels()])
    ax.set_ylim(0, 1)
    ax.set_title("Main problem (share of affected firms)")
    ax.legend(loc="lower left", fontsize="small")


def _quantile_column(q: float) -> str:
    pct = 100.0 * q
    return f"q{int(round(pct)):02d}" if abs(pct - round(pct)) < 1e-9 else f"q{pct:g}"


def plot_ensemble(result: Any, variable: str = "active_firms", table: str = "monthly",
                  band: tuple[float, float] = (0.05, 0.95), group: str | None = None, ax: Any = None,
                  scenarios: Any = None) -> Any:
    """Fan chart of an :class:`~msmesim.ensemble.EnsembleResult`: per scenario
    the mean of ``variable`` by month and the band between the two quantiles
    of ``band`` (quantiles the ensemble computed). Returns the Figure."""
    import matplotlib.pyplot as plt

    frame = result.series(table, variable)
    lo_col, hi_col = (_quantile_column(q) for q in band)
    for col, q in ((lo_col, band[0]), (hi_col, band[1])):
        if col not in frame:
            have = [c for c in frame.columns if c.startswith("q")]
            raise invalid("band", q, "quantiles the ensemble computed: " + ", ".join(have))
    group_col = next((c for c in ("sector", "size_class", "region", "programme") if c in frame), None)
    if group_col is not None:
        groups = list(frame[group_col].cat.categories)
        if group is None or group not in groups:
            raise invalid("group", group, f"one of the table's {group_col} values: " + ", ".join(groups))
        frame = frame[frame[group_col] == group]
    names = list(result.scenarios) if scenarios is None else list(scenarios)
    for name in names:
        if name not in result.scenarios:
            raise invalid("scenarios", name, "scenarios of the ensemble: " + ", ".join(result.scenarios))
    if ax is None:
        fig, ax = plt.subplots(figsize=(9, 5))
    else:
        fig = ax.figure
    for name in names:
        part = frame[frame["scenario"] == name]
        if part.empty:
            continue
        dates = part["date"].dt.to_timestamp()
        (line,) = ax.plot(dates, part["mean"], label=name)
        ax.fill_between(dates, part[lo_col], part[hi_col], color=line.get_color(), alpha=0.2, linewidth=0)
    title = variable.replace("_", " ") + (f" — {group}" if group_col is not None else "")
    ax.set_title(f"{title}: mean and {100 * band[0]:g}-{100 * band[1]:g} % of {result.replications} replications")
    ax.legend()
    fig.autofmt_xdate()
    return fig
