"""A self-contained HTML report of one or more scenarios, for planners, in
English or Indonesian.

One file that opens in any browser without a network: the CSS is inline,
the charts are inline SVG drawn by matplotlib, and there is no JavaScript.
The page is rendered from a Jinja2 template (``templates/report.html.j2``)
whose texts are gettext messages (:mod:`msmesim.i18n`); numbers, rupiah and
months are formatted by Babel in the page's language.

Sections (each an HTML ``<section>`` with a stable id): ``answer`` (the
planner's question — which programme saves the most firms and jobs per
rupiah — answered from a comparison on common random numbers, see
:func:`compare_programmes`), ``scenario``, ``headline``, ``charts``,
``dynamics`` (closures by route, class changes), ``credit`` (the credit
book per lender), ``programmes``, ``beneficiaries``, ``reproduce`` (the
scenario files and the command that wrote the report) and ``assumptions``.
"""

from __future__ import annotations

import copy
import io
import math
import os
import re
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence, cast

import numpy as np
import pandas as pd

from . import _core, i18n
from .i18n import N_
from ._common import ResultBase, ResultLike
from ._errors import invalid
from ._files import atomic_path

#: Ids of the report's sections, in order.
SECTIONS = ("answer", "scenario", "headline", "charts", "dynamics", "credit", "programmes", "beneficiaries",
            "reproduce", "assumptions")


#: The assumptions listed when the caller gives none (translated when the report is rendered).
DEFAULT_ASSUMPTIONS = (
    N_("Shocks are assumptions, except the four COVID-19 shock parameters calibrated to the main problems MSMEs "
       "reported in 2020 (capital incidence and severity, distribution and raw-material incidence; "
       "docs/calibration.md). The sales shock, the shock profiles and the Delta wave are assumptions "
       "(docs/model.md §6, §12, §13)."),
    N_("Programme sizes (budgets, amounts per recipient, uptake, administrative cost and leakage) are assumptions "
       "where the seed documents give none (docs/model.md §15)."),
    N_("The population is synthetic: region weights are a proxy; sector weights and cost structures are "
       "assumptions; the input–output table is illustrative (docs/model.md §4, §7, §13)."),
    N_("Cooperatives: a firm belongs to at most one; none is dissolved; capital and sales stress is regency-wide "
       "(docs/model.md §13, §14)."),
    N_("Before the first month the population is stepped without shocks (burn-in) so that a run without shocks "
       "stands still: firms close when the owner leaves, when the business no longer supports the household or "
       "when they cannot meet their obligations, and new firms enter in their place (docs/model.md §4, §9)."),
    N_("Assets wear out and are replaced from cash and credit; wages and prices are flat; one formal and one "
       "informal loan per firm at a time; loans are restructured only under a loan-restructuring programme "
       "(docs/model.md §5, §13, §15)."),
    N_("Scenarios are compared on the same population with the same random numbers, so differences between "
       "them come from the scenarios, not from chance (docs/model.md §10)."),
)

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#222;
max-width:74em;margin:2em auto;padding:0 1em;line-height:1.45}
h1{font-size:1.7em;margin-bottom:.2em}h2{border-bottom:2px solid #d8dee4;padding-bottom:.2em;margin-top:1.8em}
h3{margin-bottom:.3em}
table{border-collapse:collapse;font-size:90%;margin:.5em 0 1em}
th,td{border:1px solid #d0d7de;padding:3px 8px;text-align:right;vertical-align:top}
th{background:#f3f5f7}td.l,th.l{text-align:left}
.note{color:#555;font-size:90%}.meta{color:#555}.lead{font-size:1.15em}
figure{margin:1em 0}figure svg{max-width:100%;height:auto}figcaption{color:#555;font-size:90%}
ul.shocks li,ul.progs li{margin:.1em 0}ol.ranking li{margin:.25em 0}
pre{background:#f6f8fa;padding:.6em;overflow-x:auto;font-size:85%}
"""

#: Section ids and their titles in the navigation line.
_NAV = (("answer", N_("answer")), ("scenario", N_("scenarios")), ("headline", N_("headline")),
        ("charts", N_("charts")), ("dynamics", N_("closures")), ("credit", N_("credit")),
        ("programmes", N_("programmes")), ("beneficiaries", N_("beneficiaries")),
        ("reproduce", N_("reproduce")), ("assumptions", N_("assumptions")))

class _Page:
    """What every section needs: the language's texts and formats."""

    def __init__(self, lang: str | None) -> None:
        self.f = i18n.Formatter(lang)
        self.lang = self.f.lang
        self._ = self.f._
        self.ngettext = i18n.ngettext_for(self.lang)

    def stat(self, values: Sequence[float], fmt: Callable[[float], str]) -> Any:
        """A value, or the mean with the 5th–95th percentile range across replications."""
        arr = np.asarray(values, dtype=float)
        if arr.size == 1:
            return fmt(float(arr[0]))
        lo, hi = np.percentile(arr, [5, 95])
        return self.interval(float(arr.mean()), float(lo), float(hi), fmt)

    def interval(self, mean: float, lo: float, hi: float, fmt: Callable[[float], str]) -> Any:
        """A mean with its confidence interval below it (the interval left out when there is none)."""
        from markupsafe import Markup

        if mean is None or math.isnan(mean):
            return "–"
        if lo is None or hi is None or math.isnan(lo) or math.isnan(hi):
            return fmt(mean)
        return Markup("{}<br><span class='note'>({})</span>").format(
            fmt(mean), self._("%(low)s to %(high)s") % {"low": fmt(lo), "high": fmt(hi)})

    def axis_numbers(self, ax: Any, axis: str = "y", scale: float = 1.0, digits: int = 0) -> None:
        """Tick labels with the language's thousands separators."""
        from matplotlib.ticker import FuncFormatter

        fmt = FuncFormatter(lambda v, _pos: self.f.number(v / scale, digits))
        (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)

    def axis_months(self, ax: Any) -> None:
        """Month tick labels in the language (Mar 2020 / Mar 2020, Mei 2020)."""
        import matplotlib.dates as mdates
        from matplotlib.ticker import FuncFormatter

        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: self.f.month_short(mdates.num2date(v).date())))


# Grouping -------------------------------------------------------------------------------------------------
def _groups(results: Sequence[ResultLike]) -> dict[str, list[ResultLike]]:
    """Results by scenario name, in the order the scenarios first appear."""
    groups: dict[str, list[ResultLike]] = {}
    for r in results:
        groups.setdefault(r.scenario, []).append(r)
    return groups


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


# The planner's question -----------------------------------------------------------------------------------
def programme_options(scenarios: Sequence[_core.Scenario]) -> tuple[_core.Scenario, list[_core.Scenario]]:
    """The baseline and the options the report's first screen compares.

    With two or more scenarios the first is the baseline and the others are
    the options. With one, the baseline is that scenario without its
    programmes (the same shocks) and the options are each of its programmes
    alone (named after the programme) and, when it has several, all of them
    together (the scenario's own name)."""
    scs = list(scenarios)
    if not scs:
        raise invalid("scenarios", "[]", "one or more Scenarios")
    if len(scs) > 1:
        return scs[0], scs[1:]
    only = scs[0]
    if not only.programmes:
        raise invalid("scenarios", only.name, "a scenario with programmes, or a baseline and one or more "
                      "scenarios to compare with it")
    base = copy.deepcopy(only)
    base.programmes = []
    base.name = f"{only.name} (no programmes)"
    options = []
    for p in only.programmes:
        alone = copy.deepcopy(only)
        alone.programmes = [p]
        alone.name = p.name
        options.append(alone)
    if len(only.programmes) > 1:
        options.append(copy.deepcopy(only))
    return base, options


def compare_programmes(population: _core.Population, scenarios: Sequence[_core.Scenario], *,
                       replications: int = 5, seed: int = 1, threads: int = 0, progress: Any = False) -> Any:
    """The comparison the report's first screen answers from: :func:`programme_options`
    run with :func:`msmesim.compare` on common random numbers. Returns the
    :class:`~msmesim.EnsembleResult`; pass it to :func:`write_report` as ``ensemble``."""
    from .ensemble import compare

    base, options = programme_options(scenarios)
    return compare(population, base, options, replications=replications, seed=seed, threads=threads,
                   progress=progress)


#: Columns of :func:`answer_table`, in order.
ANSWER_COLUMNS = ("rank", "firms_saved", "firms_saved_low", "firms_saved_high", "jobs_saved", "jobs_saved_low",
                  "jobs_saved_high", "cost_per_firm_saved_rp", "cost_per_firm_saved_rp_low",
                  "cost_per_firm_saved_rp_high", "cost_per_job_saved_rp", "cost_per_job_saved_rp_low",
                  "cost_per_job_saved_rp_high", "additional_share", "deadweight_share", "recipients", "budget_rp",
                  "spent_rp", "budget_used_share", "net_cost_rp")


def answer_table(ensemble: Any, budgets: dict[str, float] | None = None,
                 baseline_programmes: Iterable[str] = ()) -> pd.DataFrame:
    """The planner's numbers, one row per option (every scenario of the
    ensemble but its baseline), best first.

    ``firms_saved`` and ``jobs_saved`` (against the baseline, same random
    numbers), ``cost_per_firm_saved_rp`` and ``cost_per_job_saved_rp``
    (net cost over what is saved), each with ``_low``/``_high``, the
    interval at the ensemble's confidence; ``additional_share`` and
    ``deadweight_share`` of the option's recipient firms (open only because
    of the option; open either way), pooled over its programmes but those of
    ``baseline_programmes`` (the baseline's own, which the option keeps);
    ``recipients`` (firms and cooperatives awarded over the whole
    programme, mean per replication, likewise); ``budget_rp`` (allotted: the
    budget the option adds to the baseline's, from ``budgets`` by option
    name, NaN when unknown — :func:`option_budgets`), ``spent_rp`` (mean:
    what the option's own programmes spend), ``budget_used_share`` and
    ``net_cost_rp`` (all public money spent beyond the baseline, the
    programmes it shares with the baseline included: what the costs per firm
    and job saved divide). Ranked by cost
    per firm saved (least first); options that save no firms on average come
    last, by firms saved."""
    c = ensemble.comparison
    add = ensemble.additionality()
    shared = set(baseline_programmes)
    # Over the run, mean per replication, by (scenario, programme): awards and spending.
    series = ensemble.series("programmes", ["new_recipients", "transfer_rp", "admin_rp", "leakage_rp"])
    totals = series.groupby(["scenario", "programme", "variable"], observed=True)["mean"].sum()

    def own(name: str, variables: tuple[str, ...]) -> float:
        return float(sum(v for (scenario, programme, variable), v in totals.items()
                         if str(scenario) == name and str(programme) not in shared and str(variable) in variables))

    rows = {}
    for name in ensemble.scenarios[1:]:
        part = c[c["scenario"] == name].set_index("metric")
        row: dict[str, float] = {}
        for metric in ("firms_saved", "jobs_saved", "cost_per_firm_saved_rp", "cost_per_job_saved_rp"):
            r = part.loc[metric]
            row[metric], row[metric + "_low"], row[metric + "_high"] = (float(r["mean"]), float(r["ci_low"]),
                                                                        float(r["ci_high"]))
        mine = add[(add["scenario"] == name) & ~add["programme"].astype(str).isin(shared)]
        firms = float(mine["recipients"].sum()) if len(mine) else 0.0
        if firms > 0:
            row["additional_share"] = float((mine["additional"] * mine["recipients"]).sum() / firms)
            row["deadweight_share"] = float((mine["deadweight"] * mine["recipients"]).sum() / firms)
        else:
            row["additional_share"] = row["deadweight_share"] = float("nan")
        # Firms and cooperatives awarded over the whole programme (mean per replication).
        row["recipients"] = own(name, ("new_recipients",))
        budget = float((budgets or {}).get(name, float("nan")))
        spent = own(name, ("transfer_rp", "admin_rp", "leakage_rp"))
        row["budget_rp"], row["spent_rp"] = budget, spent
        row["net_cost_rp"] = float(part.loc["net_cost_rp", "mean"])
        row["budget_used_share"] = spent / budget if budget > 0 else float("nan")
        rows[name] = row
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "option"
    if out.empty:
        return pd.DataFrame(columns=list(ANSWER_COLUMNS), index=pd.Index([], name="option"))
    # Options that save firms (the interval above zero, or with one
    # replication the value) and spend public money, by cost per firm saved;
    # then those that save firms at no cost to a budget (relief lenders bear),
    # by firms saved; then those whose firms saved cannot be told from zero;
    # then those that save none.
    def key(n: str) -> tuple[int, float]:
        r = out.loc[n]
        return (_saves(r), r["cost_per_firm_saved_rp"] if _saves(r) == 0 else -r["firms_saved"])

    out = out.loc[sorted(out.index, key=key)]
    out.insert(0, "rank", range(1, len(out) + 1))
    return out[list(ANSWER_COLUMNS)]


def _saves(r: Any) -> int:
    """How an option of :func:`answer_table` stands: 0 saves firms and spends public money, 1 saves firms at no
    cost to a budget, 2 saves firms on average but the interval includes zero, 3 saves none."""
    if not r["firms_saved"] > 0:
        return 3
    if not math.isnan(r["firms_saved_low"]) and r["firms_saved_low"] <= 0:
        return 2
    return 0 if r["spent_rp"] > 0 and not math.isnan(r["cost_per_firm_saved_rp"]) else 1


def option_budgets(scenarios: Sequence[_core.Scenario]) -> dict[str, float]:
    """The budget each option of :func:`programme_options` adds to its
    baseline's: the sum of its programmes' budgets less the baseline's."""
    base, options = programme_options(scenarios)
    base_budget = float(sum(p.budget_rp for p in base.programmes))
    return {o.name: float(sum(p.budget_rp for p in o.programmes)) - base_budget for o in options}


def _answer(page: _Page, ensemble: Any, budgets: dict[str, float], shared: set[str]) -> dict[str, Any]:
    _, f = page._, page.f
    if ensemble is None:
        return {"rows": [], "missing": _(
            "This report was written without a comparison of the programmes, so it cannot say which saves the "
            "most firms per rupiah. `msmesim report` runs one; in Python, pass "
            "ensemble=msmesim.report.compare_programmes(population, scenarios) to write_report.")}
    table = answer_table(ensemble, budgets, shared)
    if table.empty:
        return {"rows": [], "missing": _("No option to compare with the baseline.")}
    pct = f.share(ensemble.confidence, 0)
    reps = int(ensemble.replications)
    header = [_("rank"), _("option"), _("firms saved"), _("jobs saved"), _("cost per firm saved"),
              _("cost per job saved"), _("additional (open only thanks to it)"), _("deadweight (open anyway)"),
              _("recipients"), _("budget allotted"), _("spent"), _("of budget")]
    rows = []
    for name, r in table.iterrows():
        rows.append([str(int(r["rank"])), str(name),
                     page.interval(r["firms_saved"], r["firms_saved_low"], r["firms_saved_high"], f.number),
                     page.interval(r["jobs_saved"], r["jobs_saved_low"], r["jobs_saved_high"], f.number),
                     page.interval(r["cost_per_firm_saved_rp"], r["cost_per_firm_saved_rp_low"],
                                   r["cost_per_firm_saved_rp_high"], f.rp_short),
                     page.interval(r["cost_per_job_saved_rp"], r["cost_per_job_saved_rp_low"],
                                   r["cost_per_job_saved_rp_high"], f.rp_short),
                     f.share(r["additional_share"]), f.share(r["deadweight_share"]), f.number(r["recipients"]),
                     f.rp_short(r["budget_rp"]) if r["budget_rp"] > 0 else "–", f.rp_short(r["spent_rp"]),
                     f.share(r["budget_used_share"], 0)])
    best = table.iloc[0]
    names = {"baseline": ensemble.baseline, "option": table.index[0]}
    if _saves(best) == 0:
        lead = _("Per rupiah, %(option)s saves the most firms: %(cost)s of public money per firm saved, "
                 "%(firms)s firms and %(jobs)s jobs saved against %(baseline)s.") % {
            **names, "cost": f.rp_short(best["cost_per_firm_saved_rp"]), "firms": f.number(best["firms_saved"]),
            "jobs": f.number(best["jobs_saved"])}
    elif _saves(best) == 1:
        lead = _("%(option)s saves the most firms (%(firms)s) against %(baseline)s; it spends nothing from a "
                 "budget.") % {**names, "firms": f.number(best["firms_saved"])}
    elif _saves(best) == 2:
        lead = _("No option saves a number of firms that can be told from zero against %(baseline)s; run more "
                 "replications or a larger population to tell them apart.") % names
    else:
        lead = _("No option saves firms on average against %(baseline)s.") % names
    ranking = []
    for name, r in table.iterrows():
        values = {"option": name, "cost_firm": f.rp_short(r["cost_per_firm_saved_rp"]),
                  "cost_job": f.rp_short(r["cost_per_job_saved_rp"]), "firms": f.number(r["firms_saved"]),
                  "jobs": f.number(r["jobs_saved"]), "spent": f.rp_short(r["spent_rp"]),
                  "low": f.number(r["firms_saved_low"]), "high": f.number(r["firms_saved_high"])}
        standing = _saves(r)
        if standing == 0 and r["jobs_saved"] > 0:
            line = _("%(option)s: %(cost_firm)s per firm saved and %(cost_job)s per job saved; %(firms)s firms "
                     "and %(jobs)s jobs saved; %(spent)s spent.") % values
        elif standing == 0:
            line = _("%(option)s: %(cost_firm)s per firm saved; %(firms)s firms saved but no jobs "
                     "(%(jobs)s); %(spent)s spent.") % values
        elif standing == 1:
            line = _("%(option)s: %(firms)s firms saved at no cost to a budget.") % values
        elif standing == 2:
            line = _("%(option)s: %(firms)s firms saved on average, but the interval (%(low)s to %(high)s) "
                     "includes zero: not distinguishable from no effect.") % values
        else:
            line = _("%(option)s: saves no firms on average (%(firms)s).") % {**values, "firms": f.signed(
                r["firms_saved"])}
        ranking.append(line)
    if reps > 1:
        note = _("Compared with %(baseline)s on the same population and the same random numbers, %(n)s "
                 "replications: the mean, and below it the %(pct)s confidence interval.") % {
            "baseline": ensemble.baseline, "n": f.number(reps), "pct": pct}
    else:
        note = _("Compared with %(baseline)s on the same population and the same random numbers, one "
                 "replication: no intervals (run several replications for them).") % {"baseline": ensemble.baseline}
    note += " " + _("Spent: what the option's programmes spend, against the budget allotted to them. Cost per "
                    "firm (or job) saved: all public money spent beyond the baseline — what other programmes spend "
                    "on the firms the option keeps open included — over firms (jobs) saved by the end. "
                    "Additional: recipients open at the end only thanks to the option; deadweight: recipients "
                    "that would have stayed open without it (each recipient compared with itself in the "
                    "baseline). Recipients: firms and cooperatives awarded over the whole programme.")
    chart, caption = None, ""
    best_name = str(table.index[0])
    by_region = ensemble.saved_by("region")
    by_region = by_region[by_region["scenario"] == best_name]
    if len(by_region):
        chart = _kecamatan_chart(page, by_region, "region", "mean", "ci_low", "ci_high", _("firms saved"),
                                 "msmesim-report-kecamatan")
        caption = _("Firms saved by kecamatan under %(option)s, most first (bars: mean; lines: %(pct)s "
                    "interval).") % {"option": best_name, "pct": pct}
    return {"rows": rows, "header": header, "lead": lead, "ranking": ranking, "note": note, "chart": chart,
            "chart_caption": caption}


def _kecamatan_chart(page: _Page, frame: pd.DataFrame, label: str, value: str, low: str | None, high: str | None,
                     xlabel: str, salt: str, scale: float = 1.0) -> Any:
    """A horizontal bar chart of one value per kecamatan (or group), sorted largest first."""
    from matplotlib.figure import Figure

    d = frame.sort_values(value, ascending=True)
    n = len(d)
    fig = Figure(figsize=(9, max(2.0, 0.22 * n + 0.8)))
    ax = fig.add_subplot()
    y = np.arange(n)
    ax.barh(y, d[value].to_numpy(dtype=float) / scale, color="C0", alpha=0.85)
    if low is not None and high is not None:
        lo = d[low].to_numpy(dtype=float) / scale
        hi = d[high].to_numpy(dtype=float) / scale
        ok = ~(np.isnan(lo) | np.isnan(hi))
        ax.hlines(y[ok], lo[ok], hi[ok], color="#333", lw=1)
    ax.set_yticks(y)
    ax.set_yticklabels([str(v) for v in d[label]], fontsize="small")
    ax.set_xlabel(xlabel)
    ax.grid(axis="x", alpha=0.3)
    page.axis_numbers(ax, "x")
    ax.margins(y=0.01)
    return _svg(fig, salt)


# Sections -------------------------------------------------------------------------------------------------
def _section_scenario(page: _Page, groups: dict[str, list[ResultLike]], scenarios: dict[str, Any]) -> dict:
    _, f = page._, page.f
    out: dict[str, Any] = {"list": []}
    if len(groups) > 1:
        out["baseline_note"] = _("%(n)s scenarios; the first, %(baseline)s, is the baseline the others are "
                                 "compared with.") % {"n": len(groups), "baseline": next(iter(groups))}
    for name, runs in groups.items():
        r = runs[0]
        seeds = ", ".join(str(s) for s in sorted({x.seed for x in runs}))
        reps = (_("one replication") if len(runs) == 1
                else _("%(n)s replications") % {"n": f.number(len(runs))})
        description = page.ngettext(
            "%(months)s month from %(start)s, on %(population)s (%(firms)s firms, %(workers)s workers at the "
            "start); seed %(seed)s, %(reps)s.",
            "%(months)s months from %(start)s, on %(population)s (%(firms)s firms, %(workers)s workers at the "
            "start); seed %(seed)s, %(reps)s.", r.months) % {
            "months": f.number(r.months), "start": f.month(r.raw.start), "population": r.raw.population,
            "firms": f.number(r.initial_firms), "workers": f.number(r.raw.initial_employment), "seed": seeds,
            "reps": reps}
        item: dict[str, Any] = {"name": name, "description": description, "known": False, "shocks": [],
                                "restrictions": []}
        sc = scenarios.get(name)
        if sc is not None:
            item["known"] = True
            item["shocks"] = [_("%(name)s: %(channel)s channel, from %(month)s") % {
                "name": s.name or "(–)", "channel": f.term(s.channel), "month": f.month(s.onset)}
                for s in sc.shocks]
            item["restrictions"] = [_("%(name)s: %(start)s to %(end)s, intensity %(share)s") % {
                "name": x.name or "(–)", "start": f.month(x.start), "end": f.month(x.end),
                "share": f.share(x.intensity, 0)} for x in sc.restrictions]
            progs = [(p.name, p.kind, p.budget_rp, (p.start, p.end)) for p in sc.programmes]
        else:
            summary = r.programme_summary()
            progs = [(str(n), str(row["kind"]), float(row["budget_rp"]), None) for n, row in summary.iterrows()]
        lines = []
        for n, k, b, window in progs:
            text = _("%(name)s: %(kind)s, budget %(budget)s") % {"name": n, "kind": f.term(str(k)),
                                                                  "budget": f.rp_short(float(b))}
            if window is not None:
                text += ", " + _("%(start)s to %(end)s") % {"start": f.month(window[0]), "end": f.month(window[1])}
            lines.append(text)
        item["programmes"] = lines
        out["list"].append(item)
    return out


def _outcomes(r: ResultLike) -> dict[str, float]:
    m = r.monthly
    last = m.iloc[-1]
    return {"closed": float(last["closed_firms"]), "active": float(last["active_firms"]),
            "jobs": float(last["employment"]), "jobs_start": float(r.raw.initial_employment),
            "trough": float(m["revenue_index"].min()), "end": float(last["revenue_index"])}


def _section_headline(page: _Page, groups: dict[str, list[ResultLike]]) -> dict:
    _, f = page._, page.f
    names = list(groups)
    outcomes = {n: {x.replication: _outcomes(x) for x in runs} for n, runs in groups.items()}
    base = outcomes[names[0]]
    compare = len(names) > 1
    header = [_("scenario"), _("replications"), _("firms closed by the end"), _("open firms at the end"),
              _("jobs at the end"), _("jobs lost"), _("revenue index, trough"), _("revenue index, end")]
    if compare:
        header += [_("firms saved vs baseline"), _("jobs saved vs baseline")]
    index = lambda v: f.number(v, 3)  # noqa: E731
    rows = []
    for n in names:
        o = outcomes[n]
        vals = list(o.values())

        def col(key: str) -> list[float]:
            return [v[key] for v in vals]

        label = n + (" (" + _("baseline") + ")" if compare and n == names[0] else "")
        row: list[Any] = [label, _("one replication") if len(vals) == 1 else f.number(len(vals)),
                          page.stat(col("closed"), f.number), page.stat(col("active"), f.number),
                          page.stat(col("jobs"), f.number),
                          page.stat([v["jobs_start"] - v["jobs"] for v in vals], f.number),
                          page.stat(col("trough"), index), page.stat(col("end"), index)]
        if compare:
            if set(o) == set(base):  # same replications: paired differences (common random numbers)
                saved = [base[k]["closed"] - o[k]["closed"] for k in sorted(o)]
                jobs = [o[k]["jobs"] - base[k]["jobs"] for k in sorted(o)]
            else:
                saved = [np.mean([v["closed"] for v in base.values()]) - np.mean(col("closed"))]
                jobs = [np.mean(col("jobs")) - np.mean([v["jobs"] for v in base.values()])]
            row += ["–", "–"] if n == names[0] else [page.stat(saved, f.signed), page.stat(jobs, f.signed)]
        rows.append(row)
    reps = {len(v) for v in groups.values()}
    if reps == {1}:
        note = _("Each scenario was run once (one replication).")
    elif 1 in reps:
        note = _("With several replications each figure is the mean across replications, with the 5th–95th "
                 "percentile range across them in brackets; a scenario run once shows its one replication.")
    else:
        note = _("Each figure is the mean across the replications, with the 5th–95th percentile range across them in "
                 "brackets.")
    note += " " + _("Revenue index: the firms' revenue relative to what they would have earned without the shocks "
                    "(1 = no loss).")
    if compare:
        note += " " + _("Firms saved: fewer closures than in the baseline; jobs saved: more employment at the end "
                        "than in the baseline (same population and random numbers).")
    return {"header": header, "rows": rows, "note": note}


def _svg(fig: Any, salt: str) -> Any:
    """A matplotlib figure as SVG markup for inline use (no XML prolog, no metadata)."""
    import matplotlib
    from markupsafe import Markup

    buf = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": salt}):
        fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = buf.getvalue()
    text = text[text.index("<svg"):]
    text = re.sub(r"<metadata>.*?</metadata>", "", text, flags=re.S)
    return Markup(text)


_CHARTS = (
    ("active_firms", N_("Open (active) firms"), N_("firms"), N_("Open firms month by month.")),
    ("employment", N_("Employment"), N_("workers"), N_("Workers employed by the firms month by month.")),
    ("revenue_index", N_("Revenue index"), N_("index (1 = no loss)"),
     N_("Revenue relative to what the firms would have earned without the shocks.")),
)


def _section_charts(page: _Page, groups: dict[str, list[ResultLike]]) -> list[dict]:
    from matplotlib.figure import Figure

    _ = page._
    charts = []
    banded = any(len(v) > 1 for v in groups.values())
    for i, (column, heading, unit, caption) in enumerate(_CHARTS):
        fig = Figure(figsize=(11, 3.8))
        ax = fig.add_subplot()
        for j, (name, runs) in enumerate(groups.items()):
            dates, values = _monthly_values(runs, column)
            color = f"C{j % 10}"
            ax.plot(dates, values.mean(axis=0), color=color, lw=1.8, label=name)
            if len(runs) > 1:
                lo, hi = np.percentile(values, [5, 95], axis=0)
                ax.fill_between(dates, lo, hi, color=color, alpha=0.18, lw=0)
        if column == "revenue_index":
            ax.axhline(1.0, color="grey", lw=0.8, ls="--")
            page.axis_numbers(ax, "y", digits=2)
        else:
            page.axis_numbers(ax, "y")
        ax.set_title(_(heading), loc="left")
        ax.set_ylabel(_(unit))
        ax.grid(alpha=0.3)
        ax.legend(loc="best", fontsize="small", frameon=False)
        page.axis_months(ax)
        fig.autofmt_xdate()
        text = _(caption) + " " + _("One line per scenario.")
        if banded:
            text += " " + _("Lines: means across replications; bands: 5th–95th percentile range.")
        charts.append({"id": column, "svg": _svg(fig, f"msmesim-report-{i}"), "caption": text})
    return charts


def _monthly_values(runs: Sequence[ResultLike], column: str) -> tuple[Any, np.ndarray]:
    """Dates and a monthly column of every replication (rows)."""
    n = min(len(x.monthly) for x in runs)
    dates = runs[0].monthly["date"].dt.to_timestamp()[:n]
    return dates, np.vstack([x.monthly[column].to_numpy(dtype=float)[:n] for x in runs])


def _lines_figure(page: _Page, groups: dict[str, list[ResultLike]], panels: Sequence[tuple[str, str]], salt: str,
                  ylabel: str) -> Any:
    """One panel per (monthly column, title), one line per scenario (means over replications), as SVG."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(11, 3.4))
    axes = fig.subplots(1, len(panels), sharey=True)
    for ax, (column, title) in zip(np.atleast_1d(axes), panels):
        for j, (name, runs) in enumerate(groups.items()):
            dates, values = _monthly_values(runs, column)
            ax.plot(dates, values.mean(axis=0), color=f"C{j % 10}", lw=1.6, label=name)
        ax.set_title(title, loc="left", fontsize="medium")
        ax.grid(alpha=0.3)
        page.axis_numbers(ax, "y")
        page.axis_months(ax)
    first = np.atleast_1d(axes)[0]
    first.set_ylabel(ylabel)
    first.legend(loc="best", fontsize="small", frameon=False)
    fig.autofmt_xdate()
    return _svg(fig, salt)


#: Closure routes: monthly column, label.
_ROUTES = (("closures_owner_exit", N_("owner exit")), ("closures_unviable", N_("unviable")),
           ("closures_insolvent", N_("insolvent")))


def _section_dynamics(page: _Page, groups: dict[str, list[ResultLike]]) -> dict:
    _, f = page._, page.f
    rows = []
    for name, runs in groups.items():
        def total(column: str) -> list[float]:
            return [float(x.monthly[column].sum()) for x in runs]

        rows.append([name] + [page.stat(total(c), f.number) for c, _label in _ROUTES]
                    + [page.stat(total("entries"), f.number), page.stat(total("upgrades"), f.number),
                       page.stat(total("downgrades"), f.number)])
    header = [_("scenario"), _("closed: owner exit"), _("closed: unviable"), _("closed: insolvent"),
              _("new firms"), _("moved up a class"), _("moved down a class")]
    per_month = _("firms a month")
    return {"header": header, "rows": rows,
            "closures": _lines_figure(page, groups, [(c, _(label)) for c, label in _ROUTES],
                                      "msmesim-report-closures", per_month),
            "classes": _lines_figure(page, groups, (("upgrades", _("moved up (naik kelas)")),
                                                    ("downgrades", _("moved down"))),
                                     "msmesim-report-classes", per_month)}


def _summarise(series: pd.Series, how: str) -> float:
    """The first, last, sum or max of a non-empty series."""
    if how == "first":
        return float(series.iloc[0])
    if how == "last":
        return float(series.iloc[-1])
    return float(series.sum() if how == "sum" else series.max())


def _section_credit(page: _Page, groups: dict[str, list[ResultLike]]) -> dict:
    from matplotlib.figure import Figure

    _, f = page._, page.f
    columns = (("outstanding_rp", "first", _("outstanding at the start"), f.rp_short),
               ("outstanding_rp", "last", _("outstanding at the end"), f.rp_short),
               ("new_loans", "sum", _("new loans"), f.number),
               ("new_rp", "sum", _("new lending"), f.rp_short),
               ("in_arrears", "max", _("loans in arrears (peak month)"), f.number),
               ("restructured", "max", _("restructured loans (peak month)"), f.number),
               ("written_off_rp", "sum", _("written off"), f.rp_short))
    lenders = _core.lenders()
    out_groups = []
    for name, runs in groups.items():
        title = name + (" " + _("(means over %(n)s replications)") % {"n": len(runs)} if len(runs) > 1 else "")
        rows = []
        for lender in lenders:
            row: list[Any] = [f.term(lender)]
            for column, how, _header, fmt in columns:
                values = []
                for x in runs:
                    book = x.credit_book
                    series = book.loc[book["lender"] == lender, column]
                    values.append(_summarise(series, how) if len(series) else 0.0)
                row.append(page.stat(values, fmt))
            rows.append(row)
        out_groups.append({"name": title, "rows": rows})
    fig = Figure(figsize=(11, 5.6))
    axes = fig.subplots(2, 2, sharex=True).ravel()
    for ax, lender in zip(axes, lenders):
        for j, (name, runs) in enumerate(groups.items()):
            frames = [x.credit_book for x in runs]
            n = min(int((fr["lender"] == lender).sum()) for fr in frames)
            outstanding = np.vstack([fr.loc[fr["lender"] == lender, "outstanding_rp"].to_numpy(dtype=float)[:n]
                                     for fr in frames])
            dates = frames[0].loc[frames[0]["lender"] == lender, "date"].dt.to_timestamp()[:n]
            ax.plot(dates, outstanding.mean(axis=0), color=f"C{j % 10}", lw=1.6, label=name)
        ax.set_title(_("%(lender)s: outstanding (Rp billion)") % {"lender": f.term(lender)}, loc="left",
                     fontsize="medium")
        ax.grid(alpha=0.3)
        page.axis_numbers(ax, "y", scale=1e9)
        page.axis_months(ax)
    axes[0].legend(loc="best", fontsize="small", frameon=False)
    fig.autofmt_xdate()
    return {"header": [_("lender")] + [h for _c, _h, h, _fmt in columns], "groups": out_groups,
            "chart": _svg(fig, "msmesim-report-credit")}


def _mean_summary(runs: Sequence[ResultLike]) -> pd.DataFrame:
    """programme_summary averaged over replications (kind kept)."""
    frames = [x.programme_summary() for x in runs]
    first = frames[0]
    if len(frames) == 1 or first.empty:
        return first
    numeric = [c for c in first.columns if c != "kind"]
    mean = pd.concat([fr[numeric] for fr in frames]).groupby(level=0, sort=False).mean()
    mean.insert(0, "kind", first["kind"])
    return mean.loc[first.index]


def _section_programmes(page: _Page, groups: dict[str, list[ResultLike]]) -> dict:
    _, f = page._, page.f
    header = [_("programme"), _("kind"), _("budget"), _("spent"), _("of budget"), _("reaching recipients"),
              _("administration"), _("leakage"), _("relief borne by lenders"), _("recipients over the programme"),
              _("receiving a running benefit (peak month)"), _("eligible (peak month)"),
              _("applicants (peak month)")]
    if not any(len(x.programmes) for runs in groups.values() for x in runs):
        return {"groups": [], "header": header,
                "none": _("No programmes in any scenario.") if len(groups) > 1 else _("No programmes.")}
    out = []
    for name, runs in groups.items():
        s = _mean_summary(runs)
        rows = []
        for prog, row in s.iterrows():
            budget = float(row["budget_rp"])
            relief = float(row["relief_rp"])
            peak = float(row["beneficiaries_peak"])
            rows.append([str(prog), f.term(str(row["kind"])), f.rp_short(budget), f.rp_short(float(row["spent_rp"])),
                         f.share(float(row["spent_rp"]) / budget, 0) if budget > 0 else "–",
                         f.rp_short(float(row["transfer_rp"])), f.rp_short(float(row["admin_rp"])),
                         f.rp_short(float(row["leakage_rp"])), f.rp_short(relief) if relief > 0 else "–",
                         f.number(float(row["recipients"])),
                         # (A one-off award is no running benefit: a dash, not a zero.)
                         f.number(peak) if peak > 0 else "–",
                         f.number(float(row["eligible_peak"])), f.number(float(row["applicants_peak"]))])
        note = _("Means over %(n)s replications.") % {"n": len(runs)} if len(runs) > 1 and rows else ""
        out.append({"name": name, "rows": rows, "note": note})
    return {"groups": out, "header": header}


def _transfers(runs: Sequence[ResultLike], by: str, label: Callable[[Any], str]) -> pd.DataFrame:
    """Transfers by ``by`` (mean over replications): a column per programme and ``_total``, largest first."""
    totals = []
    for x in runs:
        led = x.ledger
        key = led[by].astype(object).map(lambda v: label(v) if isinstance(v, str) else None)
        totals.append(led.assign(_key=key.fillna("(cooperatives)"),
                                 _prog=led["programme"].astype(str))
                      .pivot_table(index="_key", columns="_prog", values="transfer_rp", aggfunc="sum",
                                   fill_value=0.0))
    t = pd.concat(totals).fillna(0.0).groupby(level=0).mean()
    programmes = list(t.columns)
    t["_total"] = t[programmes].sum(axis=1)
    return t.sort_values("_total", ascending=False)


def _ledger_table(page: _Page, runs: Sequence[ResultLike], by: str, header_label: str,
                  label: Callable[[Any], str]) -> dict:
    _, f = page._, page.f
    t = _transfers(runs, by, label)
    programmes = [c for c in t.columns if c != "_total"]
    total = float(t["_total"].sum())
    rows = []
    for k, v in t.iterrows():
        name = _("(cooperatives)") if k == "(cooperatives)" else str(k)
        row = [name, f.rp_short(float(v["_total"])), f.share(float(v["_total"]) / total) if total else "–"]
        if len(programmes) > 1:
            row += [f.rp_short(float(v[p])) for p in programmes]
        rows.append(row)
    return {"header": [header_label, _("transfers"), _("share")] + (programmes if len(programmes) > 1 else []),
            "rows": rows}


def _section_beneficiaries(page: _Page, groups: dict[str, list[ResultLike]]) -> dict:
    _, f = page._, page.f
    out: dict[str, Any] = {"groups": [], "members": None}
    for g, (name, runs) in enumerate(groups.items()):
        if not any(len(x.ledger) for x in runs):
            continue
        reps = " " + _("(means over %(n)s replications)") % {"n": len(runs)} if len(runs) > 1 else ""
        by_region = _transfers(runs, "region", str).reset_index()
        by_region = by_region[by_region["_key"] != "(cooperatives)"]
        out["groups"].append({
            "title": _("%(scenario)s: programme transfers") % {"scenario": name} + reps,
            "by_class": _ledger_table(page, runs, "size_class", _("size class"), page.f.term),
            "by_sector": _ledger_table(page, runs, "sector", _("sector"), str),
            "kecamatan_chart": _kecamatan_chart(page, by_region, "_key", "_total", None, None,
                                                _("transfers (Rp million)"), f"msmesim-report-transfers-{g}",
                                                scale=1e6)})
    coop_groups = {n: runs for n, runs in groups.items() if any(len(x.cooperatives) for x in runs)}
    if coop_groups:
        rows = []
        for name, runs in coop_groups.items():
            for group, word in (("member", _("members")), ("nonmember", _("non-members"))):
                closed, share = [], []
                for x in runs:
                    mv = x.members_vs_nonmembers()
                    last = mv[(mv["month"] == mv["month"].max()) & (mv["group"] == group)].iloc[0]
                    c, a = float(last["closed_firms"]), float(last["active_firms"])
                    closed.append(c)
                    share.append(c / (c + a) if c + a else 0.0)
                rows.append([name, word, page.stat(closed, f.number), page.stat(share, f.share)])
        out["members"] = {"header": [_("scenario"), _("firms"), _("closed by the end"),
                                     _("share of their firms closed")], "rows": rows}
    return out


def _section_reproduce(files: Sequence[str | os.PathLike[str]] | None, command: str | None) -> dict:
    shown = []
    for p in files or ():
        path = Path(p)
        if path.is_file():
            try:
                shown.append({"name": os.fspath(p), "text": path.read_text(encoding="utf-8")})
            except (OSError, UnicodeDecodeError):
                continue
    return {"command": command or "", "files": shown}


# The report -----------------------------------------------------------------------------------------------
def render_report(results: Sequence[ResultLike], title: str = "", assumptions: Sequence[str] | None = None, *,
                  scenarios: Any = None, ensemble: Any = None, files: Sequence[str | os.PathLike[str]] | None = None,
                  command: str | None = None, lang: str | None = None) -> str:
    """The report's HTML as a string (see :func:`write_report`)."""
    results = list(results) if not isinstance(results, ResultBase) else [cast(ResultLike, results)]
    if not results:
        raise invalid("results", "[]", "one or more Results")
    for r in results:
        if not isinstance(r, ResultBase):
            raise invalid("results", type(r).__name__, "a list of msmesim Results", _core.TypeMismatchError)
    if isinstance(assumptions, str):
        assumptions = [assumptions]
    page = _Page(lang)
    _, f = page._, page.f
    groups = _groups(results)
    by_name = _scenario_objects(scenarios)
    names = list(groups)
    heading = title or ("msmesim: " + (names[0] if len(names) == 1 else _(
        "%(first)s and %(n)s other scenario(s)") % {"first": names[0], "n": len(names) - 1}))
    budgets: dict[str, float] = {}
    shared: set[str] = set()  # the baseline's programmes, which every option has too
    known = [by_name[n] for n in names if n in by_name]
    if ensemble is not None and known and (len(known) > 1 or known[0].programmes):
        budgets = option_budgets(known)
        shared = {p.name for p in programme_options(known)[0].programmes}
    meta = (page.ngettext("%(n)s scenario", "%(n)s scenarios", len(groups)) % {"n": f.number(len(groups))} + ", "
            + page.ngettext("%(n)s run", "%(n)s runs", len(results)) % {"n": f.number(len(results))})
    context = {
        "lang": page.lang, "css": _CSS, "heading": heading, "version": _core.__version__, "meta": meta,
        "nav": [(k, _(label)) for k, label in _NAV],
        "answer": _answer(page, ensemble, budgets, shared),
        "scenario": _section_scenario(page, groups, by_name),
        "headline": _section_headline(page, groups),
        "charts": _section_charts(page, groups),
        "dynamics": _section_dynamics(page, groups),
        "credit": _section_credit(page, groups),
        "programmes": _section_programmes(page, groups),
        "beneficiaries": _section_beneficiaries(page, groups),
        "reproduce": _section_reproduce(files, command),
        "assumptions": [_(a) for a in (DEFAULT_ASSUMPTIONS if assumptions is None else assumptions)],
    }
    return i18n.jinja_environment(page.lang).get_template("report.html.j2").render(**context)


def write_report(results: Sequence[ResultLike], path: str | os.PathLike[str], title: str = "",
                 assumptions: Sequence[str] | None = None, *, scenarios: Any = None, ensemble: Any = None,
                 files: Sequence[str | os.PathLike[str]] | None = None, command: str | None = None,
                 lang: str | None = None) -> Path:
    """Write a self-contained HTML report of runs to ``path`` and return it.

    ``results``: Results, one or more per scenario (replications are grouped
    by ``Result.scenario``); the first scenario is the baseline. The report
    needs no network to view: CSS inline, charts as inline SVG, no
    JavaScript. ``lang``: ``"en"`` or ``"id"`` (default: the environment's,
    :func:`msmesim.i18n.resolve`).

    Sections (``<section id=...>``): ``answer`` — from ``ensemble``, a
    comparison such as :func:`compare_programmes` returns: per option its
    cost per firm and per job saved with intervals, firms and jobs saved,
    additionality and deadweight of its recipients, recipients over the
    programme, budget used against allotted, a ranking in words and firms
    saved by kecamatan as a sorted chart (without ``ensemble`` the section
    says how to get it); ``scenario``; ``headline`` (firms closed, jobs,
    revenue index trough and end; firms and jobs saved against the
    baseline); ``charts``; ``dynamics`` (closures per month by route and
    size-class changes); ``credit`` (the credit book per lender);
    ``programmes``; ``beneficiaries`` (transfers by size class, sector and —
    a sorted chart — kecamatan; members of cooperatives against other
    firms); ``reproduce`` (``command`` and the text of ``files``, the
    scenario files); ``assumptions`` (``assumptions``, or by default
    :data:`DEFAULT_ASSUMPTIONS`). ``scenarios``: the Scenario (or
    ScenarioFile) objects run, matched by name, to list their shocks and
    programmes and the budgets allotted. Written to a temporary name and
    renamed into place.
    """
    text = render_report(results, title, assumptions, scenarios=scenarios, ensemble=ensemble, files=files,
                         command=command, lang=lang)
    out = Path(path)
    with atomic_path(out) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return out


__all__ = ["ANSWER_COLUMNS", "DEFAULT_ASSUMPTIONS", "SECTIONS", "answer_table", "compare_programmes",
           "option_budgets", "programme_options", "render_report", "write_report"]
