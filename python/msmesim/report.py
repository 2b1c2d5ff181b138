"""A self-contained HTML report of one or more scenarios, for planners.

One file that opens in any browser without a network: the CSS is inline,
the charts are inline SVG drawn by matplotlib, and there is no JavaScript.
Sections (each an HTML ``<section>`` with a stable id): ``scenario``,
``headline``, ``charts``, ``dynamics`` (closures by route, class changes),
``credit`` (the credit book per lender), ``programmes``, ``beneficiaries``
and ``assumptions``.
"""

from __future__ import annotations

import html
import io
import os
import re
from pathlib import Path
from typing import Any, Iterable, Sequence, cast

import numpy as np
import pandas as pd

from . import _core
from ._common import ResultBase, ResultLike
from ._errors import invalid
from ._files import atomic_path

#: Ids of the report's sections, in order.
SECTIONS = ("scenario", "headline", "charts", "dynamics", "credit", "programmes", "beneficiaries", "assumptions")

#: The assumptions listed when the caller gives none.
DEFAULT_ASSUMPTIONS = (
    "Shocks are assumptions, except the four COVID-19 shock parameters calibrated to the main problems MSMEs "
    "reported in 2020 (capital incidence and severity, distribution and raw-material incidence; "
    "docs/calibration.md). The sales shock, the shock profiles and the Delta wave are assumptions "
    "(docs/model.md §6, §12, §13).",
    "Programme sizes (budgets, amounts per recipient, uptake, administrative cost and leakage) are assumptions "
    "where the seed documents give none (docs/model.md §15).",
    "The population is synthetic: region weights are a proxy; sector weights and cost structures are "
    "assumptions; the input–output table is illustrative (docs/model.md §4, §7, §13).",
    "Cooperatives: a firm belongs to at most one; none is dissolved; capital and sales stress is regency-wide "
    "(docs/model.md §13, §14).",
    "Before the first month the population is stepped without shocks (burn-in) so that a run without shocks "
    "stands still: firms close when the owner leaves, when the business no longer supports the household or "
    "when they cannot meet their obligations, and new firms enter in their place (docs/model.md §4, §9).",
    "Assets wear out and are replaced from cash and credit; wages and prices are flat; one formal and one "
    "informal loan per firm at a time; loans are restructured only under a loan-restructuring programme "
    "(docs/model.md §5, §13, §15).",
    "Scenarios are compared on the same population with the same random numbers, so differences between "
    "them come from the scenarios, not from chance (docs/model.md §10).",
)

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#222;
max-width:74em;margin:2em auto;padding:0 1em;line-height:1.45}
h1{font-size:1.7em;margin-bottom:.2em}h2{border-bottom:2px solid #d8dee4;padding-bottom:.2em;margin-top:1.8em}
h3{margin-bottom:.3em}
table{border-collapse:collapse;font-size:90%;margin:.5em 0 1em}
th,td{border:1px solid #d0d7de;padding:3px 8px;text-align:right;vertical-align:top}
th{background:#f3f5f7}td.l,th.l{text-align:left}
.note{color:#555;font-size:90%}.meta{color:#555}
figure{margin:1em 0}figure svg{max-width:100%;height:auto}figcaption{color:#555;font-size:90%}
ul.shocks li,ul.progs li{margin:.1em 0}
"""


# Formatting -----------------------------------------------------------------------------------------------
def _esc(value: Any) -> str:
    return html.escape(str(value))


def _int(v: float) -> str:
    return f"{v:,.0f}"


def _signed(v: float) -> str:
    return f"{v:+,.0f}"


def _index(v: float) -> str:
    return f"{v:.3f}"


def _rp(v: float) -> str:
    a = abs(v)
    for scale, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if a >= scale:
            return f"Rp {v / scale:,.2f} {word}"
    return f"Rp {v:,.0f}"


def _stat(values: Sequence[float], fmt: Any) -> str:
    """A value, or the mean with the 5–95 % range across replications."""
    arr = np.asarray(values, dtype=float)
    if arr.size == 1:
        return fmt(float(arr[0]))
    lo, hi = np.percentile(arr, [5, 95])
    return f"{fmt(float(arr.mean()))}<br><span class='note'>({fmt(float(lo))} to {fmt(float(hi))})</span>"


def _table(header: Sequence[str], rows: Iterable[Sequence[str]], left: int = 1) -> str:
    """An HTML table; the first ``left`` columns are text (left-aligned). Cells are HTML already."""
    head = "".join(f"<th class='l'>{h}</th>" if i < left else f"<th>{h}</th>" for i, h in enumerate(header))
    body = "".join("<tr>" + "".join(f"<td class='l'>{c}</td>" if i < left else f"<td>{c}</td>"
                                    for i, c in enumerate(row)) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


# Grouping -------------------------------------------------------------------------------------------------
def _groups(results: Sequence[ResultLike]) -> dict[str, list[ResultLike]]:
    """Results by scenario name, in the order the scenarios first appear."""
    groups: dict[str, list[ResultLike]] = {}
    for r in results:
        groups.setdefault(r.scenario, []).append(r)
    return groups


def _replications_note(runs: Sequence[ResultLike]) -> str:
    if len(runs) == 1:
        return "one replication"
    return f"{len(runs)} replications: mean (5–95 % range)"


def _scenario_objects(scenarios: Any) -> dict[str, Any]:
    """Scenario objects by name (ScenarioFiles are unwrapped)."""
    if scenarios is None:
        return {}
    if isinstance(scenarios, dict):
        items = list(scenarios.values())
    elif isinstance(scenarios, (_core.Scenario, _core.ScenarioFile)):
        items = [scenarios]
    else:
        items = list(scenarios)
    out: dict[str, Any] = {}
    for s in items:
        sc = s.scenario if isinstance(s, _core.ScenarioFile) else s
        if not isinstance(sc, _core.Scenario):
            raise invalid("scenarios", type(s).__name__, "msmesim Scenario or ScenarioFile objects",
                          _core.TypeMismatchError)
        out.setdefault(sc.name, sc)
    return out


# Sections -------------------------------------------------------------------------------------------------
def _section_scenario(groups: dict[str, list[ResultLike]], scenarios: dict[str, Any]) -> str:
    parts = ["<h2>The scenarios</h2>"]
    if len(groups) > 1:
        parts.append(f"<p>{len(groups)} scenarios; the first, <b>{_esc(next(iter(groups)))}</b>, is the baseline "
                     "the others are compared with.</p>")
    for name, runs in groups.items():
        r = runs[0]
        seeds = sorted({x.seed for x in runs})
        parts.append(f"<h3>{_esc(name)}</h3>")
        parts.append(
            f"<p>{_plural(r.months, 'month')} from {_esc(r.raw.start)}, on {_esc(r.raw.population)} "
            f"({_int(r.initial_firms)} firms, {_int(r.raw.initial_employment)} workers at the start); "
            f"seed {', '.join(str(s) for s in seeds)}, {_replications_note(runs).split(':')[0]}.</p>")
        sc = scenarios.get(name)
        if sc is not None:
            if sc.shocks:
                items = "".join(
                    f"<li><b>{_esc(s.name or '(unnamed)')}</b>: {_esc(s.channel.replace('_', ' '))} channel, "
                    f"from {_esc(s.onset)}</li>" for s in sc.shocks)
                parts.append(f"<p>Shocks:</p><ul class='shocks'>{items}</ul>")
            else:
                parts.append("<p>No shocks.</p>")
            if sc.restrictions:
                items = "".join(
                    f"<li><b>{_esc(x.name or '(unnamed)')}</b>: {_esc(x.start)} to {_esc(x.end)}, "
                    f"intensity {x.intensity:.0%}</li>" for x in sc.restrictions)
                parts.append(f"<p>Restrictions on gatherings:</p><ul class='shocks'>{items}</ul>")
            progs = [(p.name, p.kind, p.budget_rp, f"{p.start} to {p.end}") for p in sc.programmes]
        else:
            parts.append("<p class='note'>The shocks of this scenario were not given to the report.</p>")
            summary = r.programme_summary()
            progs = [(str(n), str(row["kind"]), float(row["budget_rp"]), "") for n, row in summary.iterrows()]
        if progs:
            items = "".join(
                f"<li><b>{_esc(n)}</b>: {_esc(str(k).replace('_', ' '))}, budget {_rp(float(b))}"
                + (f", {_esc(w)}" if w else "") + "</li>" for n, k, b, w in progs)
            parts.append(f"<p>Programmes:</p><ul class='progs'>{items}</ul>")
        else:
            parts.append("<p>No programmes.</p>")
    return "".join(parts)


def _outcomes(r: ResultLike) -> dict[str, float]:
    m = r.monthly
    last = m.iloc[-1]
    return {"closed": float(last["closed_firms"]), "active": float(last["active_firms"]),
            "jobs": float(last["employment"]), "jobs_start": float(r.raw.initial_employment),
            "trough": float(m["revenue_index"].min()), "end": float(last["revenue_index"])}


def _section_headline(groups: dict[str, list[ResultLike]]) -> str:
    names = list(groups)
    outcomes = {n: {x.replication: _outcomes(x) for x in runs} for n, runs in groups.items()}
    base = outcomes[names[0]]
    compare = len(names) > 1
    header = ["scenario", "replications", "firms closed by the end", "open firms at the end", "jobs at the end",
              "jobs lost", "revenue index, trough", "revenue index, end"]
    if compare:
        header += ["firms saved vs baseline", "jobs saved vs baseline"]
    rows = []
    for n in names:
        o = outcomes[n]
        vals = list(o.values())

        def col(key: str) -> list[float]:
            return [v[key] for v in vals]

        row = [f"<b>{_esc(n)}</b>" + (" (baseline)" if compare and n == names[0] else ""),
               "one replication" if len(vals) == 1 else f"{len(vals)}",
               _stat(col("closed"), _int), _stat(col("active"), _int), _stat(col("jobs"), _int),
               _stat([v["jobs_start"] - v["jobs"] for v in vals], _int),
               _stat(col("trough"), _index), _stat(col("end"), _index)]
        if compare:
            if set(o) == set(base):  # same replications: paired differences (common random numbers)
                saved = [base[k]["closed"] - o[k]["closed"] for k in sorted(o)]
                jobs = [o[k]["jobs"] - base[k]["jobs"] for k in sorted(o)]
            else:
                saved = [np.mean([v["closed"] for v in base.values()]) - np.mean(col("closed"))]
                jobs = [np.mean(col("jobs")) - np.mean([v["jobs"] for v in base.values()])]
            row += ["–", "–"] if n == names[0] else [_stat(saved, _signed), _stat(jobs, _signed)]
        rows.append(row)
    reps = {len(v) for v in groups.values()}
    if reps == {1}:
        note = "Each scenario was run once (one replication)."
    elif 1 in reps:
        note = ("With several replications each figure is the mean across replications, with the 5–95 % range "
                "across them in brackets; a scenario run once shows its one replication.")
    else:
        note = ("Each figure is the mean across the replications, with the 5–95 % range across them in "
                "brackets.")
    parts = ["<h2>Headline numbers</h2>", _table(header, rows, left=2), f"<p class='note'>{note} "
             "Revenue index: the firms' revenue relative to what they would have earned without the shocks "
             "(1 = no loss)."]
    if compare:
        parts.append(" Firms saved: fewer closures than in the baseline; jobs saved: more employment at the end "
                     "than in the baseline (same population and random numbers).")
    parts.append("</p>")
    return "".join(parts)


def _svg(fig: Any, salt: str) -> str:
    """A matplotlib figure as SVG text for inline use (no XML prolog, no metadata)."""
    import matplotlib

    buf = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": salt}):
        fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = buf.getvalue()
    text = text[text.index("<svg"):]
    text = re.sub(r"<metadata>.*?</metadata>", "", text, flags=re.S)
    return text


_CHARTS = (
    ("active_firms", "Open (active) firms", "firms", "Open firms month by month."),
    ("employment", "Employment", "workers", "Workers employed by the firms month by month."),
    ("revenue_index", "Revenue index", "index (1 = no loss)",
     "Revenue relative to what the firms would have earned without the shocks."),
)


def _section_charts(groups: dict[str, list[ResultLike]]) -> str:
    from matplotlib.figure import Figure

    parts = ["<h2>Over time</h2>"]
    banded = any(len(v) > 1 for v in groups.values())
    for i, (column, heading, unit, caption) in enumerate(_CHARTS):
        fig = Figure(figsize=(11, 3.8))
        ax = fig.add_subplot()
        for j, (name, runs) in enumerate(groups.items()):
            m0 = runs[0].monthly
            dates = m0["date"].dt.to_timestamp()
            n = min(len(x.monthly) for x in runs)
            values = np.vstack([x.monthly[column].to_numpy(dtype=float)[:n] for x in runs])
            color = f"C{j % 10}"
            ax.plot(dates[:n], values.mean(axis=0), color=color, lw=1.8, label=name)
            if len(runs) > 1:
                lo, hi = np.percentile(values, [5, 95], axis=0)
                ax.fill_between(dates[:n], lo, hi, color=color, alpha=0.18, lw=0)
        if column == "revenue_index":
            ax.axhline(1.0, color="grey", lw=0.8, ls="--")
        ax.set_title(heading, loc="left")
        ax.set_ylabel(unit)
        ax.grid(alpha=0.3)
        ax.legend(loc="best", fontsize="small", frameon=False)
        fig.autofmt_xdate()
        svg = _svg(fig, f"msmesim-report-{i}")
        band = " Lines: means across replications; bands: 5–95 % range." if banded else ""
        parts.append(f"<figure id='chart-{column}'>{svg}<figcaption>{_esc(caption)} One line per scenario."
                     f"{band}</figcaption></figure>")
    return "".join(parts)


def _mean_monthly(runs: Sequence[ResultLike], column: str) -> tuple[Any, np.ndarray]:
    """Dates and the mean over replications of a monthly column."""
    n = min(len(x.monthly) for x in runs)
    dates = runs[0].monthly["date"].dt.to_timestamp()[:n]
    values = np.vstack([x.monthly[column].to_numpy(dtype=float)[:n] for x in runs])
    return dates, values.mean(axis=0)


def _lines_figure(groups: dict[str, list[ResultLike]], panels: Sequence[tuple[str, str]], salt: str,
                  ylabel: str) -> str:
    """One panel per (monthly column, title), one line per scenario (means over replications), as SVG."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(11, 3.4))
    axes = fig.subplots(1, len(panels), sharey=True)
    for ax, (column, title) in zip(np.atleast_1d(axes), panels):
        for j, (name, runs) in enumerate(groups.items()):
            dates, mean = _mean_monthly(runs, column)
            ax.plot(dates, mean, color=f"C{j % 10}", lw=1.6, label=name)
        ax.set_title(title, loc="left", fontsize="medium")
        ax.grid(alpha=0.3)
    first = np.atleast_1d(axes)[0]
    first.set_ylabel(ylabel)
    first.legend(loc="best", fontsize="small", frameon=False)
    fig.autofmt_xdate()
    return _svg(fig, salt)


#: Closure routes: monthly column, label.
_ROUTES = (("closures_owner_exit", "owner exit"), ("closures_unviable", "unviable"),
           ("closures_insolvent", "insolvent"))


def _section_dynamics(groups: dict[str, list[ResultLike]]) -> str:
    parts = ["<h2>Closures and class changes</h2>"]
    rows = []
    for name, runs in groups.items():
        def total(column: str) -> list[float]:
            return [float(x.monthly[column].sum()) for x in runs]

        rows.append([f"<b>{_esc(name)}</b>"] + [_stat(total(c), _int) for c, _ in _ROUTES]
                    + [_stat(total("entries"), _int), _stat(total("upgrades"), _int),
                       _stat(total("downgrades"), _int)])
    parts.append(_table(["scenario", "closed: owner exit", "closed: unviable", "closed: insolvent", "new firms",
                         "moved up a class", "moved down a class"], rows))
    parts.append("<figure id='chart-closures'>"
                 + _lines_figure(groups, _ROUTES, "msmesim-report-closures", "firms a month")
                 + "<figcaption>Closures per month by route: the owner left for reasons outside the business "
                   "(a job, the household), the business no longer supported the household, or it could not meet "
                   "its obligations (insolvent). One line per scenario.</figcaption></figure>")
    parts.append("<figure id='chart-class-changes'>"
                 + _lines_figure(groups, (("upgrades", "moved up (naik kelas)"), ("downgrades", "moved down")),
                                 "msmesim-report-classes", "firms a month")
                 + "<figcaption>Firms changing size class per month (class reviews on the trailing year's "
                   "turnover and assets). One line per scenario.</figcaption></figure>")
    parts.append("<p class='note'>Totals over the run; with several replications, the mean and the 5–95 % range. "
                 "Even without shocks some firms close every month and new ones enter in their place.</p>")
    return "".join(parts)


#: Columns of the credit-book table: (credit-book column, how it is summarised, header, format).
_CREDIT_COLUMNS = (
    ("outstanding_rp", "first", "outstanding at the start", _rp),
    ("outstanding_rp", "last", "outstanding at the end", _rp),
    ("new_loans", "sum", "new loans", _int),
    ("new_rp", "sum", "new lending", _rp),
    ("in_arrears", "max", "loans in arrears (peak month)", _int),
    ("restructured", "max", "restructured loans (peak month)", _int),
    ("written_off_rp", "sum", "written off", _rp),
)


def _summarise(series: pd.Series, how: str) -> float:
    """The first, last, sum or max of a non-empty series."""
    if how == "first":
        return float(series.iloc[0])
    if how == "last":
        return float(series.iloc[-1])
    return float(series.sum() if how == "sum" else series.max())


def _section_credit(groups: dict[str, list[ResultLike]]) -> str:
    from matplotlib.figure import Figure

    parts = ["<h2>The credit book</h2>"]
    lenders = _core.lenders()
    for name, runs in groups.items():
        reps = f" (means over {len(runs)} replications)" if len(runs) > 1 else ""
        parts.append(f"<h3>{_esc(name)}{reps}</h3>")
        rows = []
        for lender in lenders:
            row = [_esc(lender)]
            for column, how, _header, fmt in _CREDIT_COLUMNS:
                values = []
                for x in runs:
                    book = x.credit_book
                    series = book.loc[book["lender"] == lender, column]
                    values.append(_summarise(series, how) if len(series) else 0.0)
                row.append(_stat(values, fmt))
            rows.append(row)
        parts.append(_table(["lender"] + [h for _, _, h, _ in _CREDIT_COLUMNS], rows))
    fig = Figure(figsize=(11, 5.6))
    axes = fig.subplots(2, 2, sharex=True).ravel()
    for ax, lender in zip(axes, lenders):
        for j, (name, runs) in enumerate(groups.items()):
            frames = [x.credit_book for x in runs]
            n = min(int((f["lender"] == lender).sum()) for f in frames)
            outstanding = np.vstack([f.loc[f["lender"] == lender, "outstanding_rp"].to_numpy(dtype=float)[:n]
                                     for f in frames])
            dates = frames[0].loc[frames[0]["lender"] == lender, "date"].dt.to_timestamp()[:n]
            ax.plot(dates, outstanding.mean(axis=0) / 1e9, color=f"C{j % 10}", lw=1.6, label=name)
        ax.set_title(f"{lender}: outstanding (Rp billion)", loc="left", fontsize="medium")
        ax.grid(alpha=0.3)
    axes[0].legend(loc="best", fontsize="small", frameon=False)
    fig.autofmt_xdate()
    parts.append(f"<figure id='chart-credit'>{_svg(fig, 'msmesim-report-credit')}<figcaption>Loans outstanding "
                 "by lender at each month's end. One line per scenario.</figcaption></figure>")
    parts.append("<p class='note'>Outstanding: principal of the loans at the month's end (KUR, commercial banks, "
                 "cooperatives and informal lenders). In arrears: loans with debt service overdue. Restructured: "
                 "loans under a restructuring (deferral and a longer term, POJK 11/POJK.03/2020). Written off: "
                 "principal the lenders did not recover from firms that closed.</p>")
    return "".join(parts)


def _mean_summary(runs: Sequence[ResultLike]) -> pd.DataFrame:
    """programme_summary averaged over replications (kind kept)."""
    frames = [x.programme_summary() for x in runs]
    first = frames[0]
    if len(frames) == 1 or first.empty:
        return first
    numeric = [c for c in first.columns if c != "kind"]
    mean = pd.concat([f[numeric] for f in frames]).groupby(level=0, sort=False).mean()
    mean.insert(0, "kind", first["kind"])
    return mean.loc[first.index]


def _section_programmes(groups: dict[str, list[ResultLike]]) -> str:
    parts = ["<h2>Programmes: spending and reach</h2>"]
    if not any(len(x.programmes) for runs in groups.values() for x in runs):
        parts.append("<p>No programmes in any scenario.</p>" if len(groups) > 1 else "<p>No programmes.</p>")
        return "".join(parts)
    for name, runs in groups.items():
        parts.append(f"<h3>{_esc(name)}</h3>")
        s = _mean_summary(runs)
        if s.empty:
            parts.append("<p>No programmes.</p>")
            continue
        rows = []
        for prog, row in s.iterrows():
            budget = float(row["budget_rp"])
            used = f"{float(row['spent_rp']) / budget:.0%}" if budget > 0 else "–"
            relief = float(row["relief_rp"])
            rows.append([f"<b>{_esc(prog)}</b>", _esc(str(row["kind"]).replace("_", " ")), _rp(budget),
                         _rp(float(row["spent_rp"])), used, _rp(float(row["transfer_rp"])),
                         _rp(float(row["admin_rp"])), _rp(float(row["leakage_rp"])),
                         _rp(relief) if relief > 0 else "–",
                         _int(float(row["recipients"])),
                         # (A one-off award is no running benefit: a dash, not a zero.)
                         _int(float(row["beneficiaries_peak"])) if float(row["beneficiaries_peak"]) > 0 else "–",
                         _int(float(row["eligible_peak"])), _int(float(row["applicants_peak"]))])
        parts.append(_table(["programme", "kind", "budget", "spent", "of budget", "reaching recipients",
                             "administration", "leakage", "relief borne by lenders", "recipients over the programme",
                             "receiving a running benefit (peak month)", "eligible (peak month)",
                             "applicants (peak month)"],
                            rows, left=2))
        if len(runs) > 1:
            parts.append(f"<p class='note'>Means over {len(runs)} replications.</p>")
    parts.append("<p class='note'>Spent = reaching recipients + administration + leakage. Recipients over "
                 "the programme: firms (or cooperatives) awarded over the run, each once. Receiving a running "
                 "benefit: recipients of a monthly payment or relief (vouchers, rent, interest points, deferred "
                 "service) in the month with most; a dash for programmes that pay once (grants). Relief borne by lenders: the debt service a loan "
                 "restructuring deferred (POJK 11/POJK.03/2020), which costs the government nothing; the extra "
                 "KUR interest subsidy (PEN 2020–2021) and BPUM (Banpres Produktif Usaha Mikro) are paid from "
                 "their budgets.</p>")
    return "".join(parts)


def _ledger_table(runs: Sequence[ResultLike], by: str, label: str) -> str:
    """Transfers by ``by`` (mean over replications), with a column per programme when there are several."""
    totals = []
    for x in runs:
        led = x.ledger
        key = led[by].astype(object).where(led[by].notna(), "(cooperatives)")
        totals.append(led.assign(_key=key, _prog=led["programme"].astype(str))
                      .pivot_table(index="_key", columns="_prog", values="transfer_rp", aggfunc="sum", fill_value=0.0))
    t = pd.concat(totals).fillna(0.0).groupby(level=0).mean()
    programmes = list(t.columns)
    t["_total"] = t[programmes].sum(axis=1)
    t = t.sort_values("_total", ascending=False)
    total = float(t["_total"].sum())
    rows = []
    for k, v in t.iterrows():
        row = [_esc(k), _rp(float(v["_total"])), f"{float(v['_total']) / total:.1%}" if total else "–"]
        if len(programmes) > 1:
            row += [_rp(float(v[p])) for p in programmes]
        rows.append(row)
    header = [label, "transfers", "share"] + ([_esc(p) for p in programmes] if len(programmes) > 1 else [])
    return _table(header, rows)


def _section_beneficiaries(groups: dict[str, list[ResultLike]]) -> str:
    parts = ["<h2>Who benefits</h2>"]
    any_programmes = False
    for name, runs in groups.items():
        if not any(len(x.ledger) for x in runs):
            continue
        any_programmes = True
        reps = f" (means over {len(runs)} replications)" if len(runs) > 1 else ""
        parts.append(f"<h3>{_esc(name)}: programme transfers{reps}</h3>")
        parts.append("<h4>By size class</h4>" + _ledger_table(runs, "size_class", "size class"))
        parts.append("<h4>By sector</h4>" + _ledger_table(runs, "sector", "sector"))
        parts.append("<h4>By kecamatan</h4>" + _ledger_table(runs, "region", "kecamatan"))
    if any_programmes:
        parts.append("<p class='note'>Transfers: money (or its value in kind) reaching recipients, without "
                     "administration and leakage; size class at the start of the run.</p>")
    else:
        parts.append("<p>No programmes, so no programme transfers.</p>")
    coop_groups = {n: runs for n, runs in groups.items() if any(len(x.cooperatives) for x in runs)}
    if coop_groups:
        parts.append("<h3>Members of cooperatives and other firms</h3>")
        rows = []
        for name, runs in coop_groups.items():
            for group, word in (("member", "members"), ("nonmember", "non-members")):
                closed, share = [], []
                for x in runs:
                    mv = x.members_vs_nonmembers()
                    last = mv[(mv["month"] == mv["month"].max()) & (mv["group"] == group)].iloc[0]
                    c, a = float(last["closed_firms"]), float(last["active_firms"])
                    closed.append(c)
                    share.append(c / (c + a) if c + a else 0.0)
                rows.append([f"<b>{_esc(name)}</b>", word, _stat(closed, _int),
                             _stat(share, lambda v: f"{v:.1%}")])
        parts.append(_table(["scenario", "firms", "closed by the end", "share of their firms closed"], rows,
                            left=2))
    return "".join(parts)


def _section_assumptions(assumptions: Sequence[str] | None) -> str:
    items = DEFAULT_ASSUMPTIONS if assumptions is None else assumptions
    body = "".join(f"<li>{_esc(a)}</li>" for a in items) if items else "<li>None stated.</li>"
    return f"<h2>Assumptions</h2><ul>{body}</ul>"


# The report -----------------------------------------------------------------------------------------------
def render_report(results: Sequence[ResultLike], title: str = "", assumptions: Sequence[str] | None = None, *,
                  scenarios: Any = None) -> str:
    """The report's HTML as a string (see :func:`write_report`)."""
    results = list(results) if not isinstance(results, ResultBase) else [cast(ResultLike, results)]
    if not results:
        raise invalid("results", "[]", "one or more Results")
    for r in results:
        if not isinstance(r, ResultBase):
            raise invalid("results", type(r).__name__, "a list of msmesim Results", _core.TypeMismatchError)
    if isinstance(assumptions, str):
        assumptions = [assumptions]
    groups = _groups(results)
    by_name = _scenario_objects(scenarios)
    names = list(groups)
    heading = title or ("msmesim: " + (names[0] if len(names) == 1 else f"{names[0]} and {len(names) - 1} "
                                                                        f"other scenario(s)"))
    sections = {
        "scenario": _section_scenario(groups, by_name),
        "headline": _section_headline(groups),
        "charts": _section_charts(groups),
        "dynamics": _section_dynamics(groups),
        "credit": _section_credit(groups),
        "programmes": _section_programmes(groups),
        "beneficiaries": _section_beneficiaries(groups),
        "assumptions": _section_assumptions(assumptions),
    }
    nav = " · ".join(f"<a href='#{k}'>{k}</a>" for k in SECTIONS)
    body = "\n".join(f"<section id='{k}'>{sections[k]}</section>" for k in SECTIONS)
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{_esc(heading)}</title><style>{_CSS}</style></head><body>\n"
        f"<h1>{_esc(heading)}</h1>\n<p class='meta'>msmesim {_esc(_core.__version__)}; "
        f"{_plural(len(groups), 'scenario')}, {_plural(len(results), 'run')}. Sections: {nav}</p>\n"
        f"{body}\n</body></html>\n"
    )


def write_report(results: Sequence[ResultLike], path: str | os.PathLike[str], title: str = "",
                 assumptions: Sequence[str] | None = None, *, scenarios: Any = None) -> Path:
    """Write a self-contained HTML report of runs to ``path`` and return it.

    ``results``: Results, one or more per scenario (replications are grouped
    by ``Result.scenario``); the first scenario is the baseline. The report
    needs no network to view: CSS inline, charts as inline SVG, no
    JavaScript. Sections (``<section id=...>``): ``scenario``, ``headline``
    (firms closed, jobs, revenue index trough and end; firms and jobs saved
    against the baseline), ``charts``, ``dynamics`` (closures per month by
    route — owner exit, unviable, insolvent — and size-class changes per
    month), ``credit`` (the credit book per lender: outstanding, new, in
    arrears, restructured, written off), ``programmes`` (with the relief
    lenders bear under a loan restructuring), ``beneficiaries``
    (transfers by size class, sector and kecamatan; members of cooperatives
    against other firms) and ``assumptions`` (``assumptions``, or by default
    :data:`DEFAULT_ASSUMPTIONS`). ``scenarios``: the Scenario (or
    ScenarioFile) objects run, matched by name, to list their shocks and
    programmes. Written to a temporary name and renamed into place.
    """
    text = render_report(results, title, assumptions, scenarios=scenarios)
    out = Path(path)
    with atomic_path(out) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return out
