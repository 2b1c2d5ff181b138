"""The summary of a run that ``msmesim run`` prints, in English or Indonesian.

Rendered from the run's own tables (the same facts the C++ core's
``RunResult::summary`` reads), with the texts of the gettext catalog and the
numbers, rupiah and months of :mod:`msmesim.i18n`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import i18n

def render_summary(result: Any, lang: str | None = None) -> str:
    """The summary of ``result`` (an :class:`msmesim.Result`) in ``lang`` (``en`` or ``id``; default: the
    environment's)."""
    f = i18n.Formatter(lang)
    _ = f._
    raw = result.raw
    m = result.monthly
    lines = []
    head = _("msmesim - scenario '%(scenario)s' on %(population)s (%(firms)s firms), %(months)s months from "
             "%(start)s, seed %(seed)s") % {
        "scenario": result.scenario, "population": raw.population, "firms": f.number(result.initial_firms),
        "months": f.number(result.months), "start": f.month(raw.start), "seed": result.seed}
    if result.replication:
        head += ", " + _("replication %(n)s") % {"n": result.replication}
    lines.append(head)
    if len(m) == 0:
        return head + "\n"
    labels = [_(x) for x in ("Open firms", "Employment", "Revenue index", "Distress", "Closures", "Main problem",
                             "Size classes", "New credit", "Cooperatives", "Members", "Run")]
    label_width = max(16, max(len(x) for x in labels) + 2)

    def line(label: str, text: str) -> None:
        lines.append("  " + label.ljust(label_width) + text)

    initial = float(result.initial_firms)
    entries = float(m["entries"].sum())
    end_active = float(m["active_firms"].iloc[-1])
    closed = float(m["closed_firms"].iloc[-1])
    line(_("Open firms"), _("%(start)s -> %(end)s (%(change)s); closed %(closed)s (%(share)s of all firms), "
                            "entered %(entered)s") % {
        "start": f.number(initial), "end": f.number(end_active),
        "change": f.signed(end_active / initial - 1, share=True),
        "closed": f.number(closed), "share": f.share(closed / (initial + entries)), "entered": f.number(entries)})
    jobs0, jobs1 = float(raw.initial_employment), float(m["employment"].iloc[-1])
    line(_("Employment"), "%s -> %s (%s)" % (f.number(jobs0), f.number(jobs1), f.signed(jobs1 / jobs0 - 1, share=True)))
    index = m["revenue_index"].to_numpy(dtype=float)
    trough = int(np.argmin(index))
    line(_("Revenue index"), _("trough %(trough)s in %(when)s; %(end)s in %(last)s (1 = pre-shock)") % {
        "trough": f.number(index[trough], 3), "when": f.month(m["date"].iloc[trough]),
        "end": f.number(index[-1], 3), "last": f.month(m["date"].iloc[-1])})
    distressed = m["distressed_firms"].to_numpy(dtype=float)
    peak = int(np.argmax(distressed))
    line(_("Distress"), _("peak %(firms)s firms in %(when)s") % {"firms": f.number(distressed[peak]),
                                                                 "when": f.month(m["date"].iloc[peak])})
    line(_("Closures"), _("%(owner)s owner left, %(unviable)s no longer kept the household, %(insolvent)s "
                          "insolvent") % {"owner": f.number(m["closures_owner_exit"].sum()),
                                          "unviable": f.number(m["closures_unviable"].sum()),
                                          "insolvent": f.number(m["closures_insolvent"].sum())})
    channels = ("sales", "capital", "distribution", "raw_materials")

    def main_problems(part: Any, label: str) -> None:
        affected = float(part["affected_firms"].sum())
        if affected <= 0:
            return
        shares = ", ".join(f"{f.term(ch)} {f.share(float(part['main_problem_' + ch].sum()) / affected, 0)}"
                           for ch in channels)
        line(_("Main problem"), f"{shares} ({label})")

    window = result.survey_window
    if window is not None:
        start = str(raw.start)
        first = _months_between(start, window[0])
        last = _months_between(start, window[1]) + 1
        if last > max(first, 0):
            main_problems(m.iloc[max(first, 0):last], _(
                "survey window %(start)s to %(end)s, of affected firm-months") % {
                "start": f.month(window[0]), "end": f.month(window[1])})
    main_problems(m, _("whole run, of affected firm-months"))
    line(_("Size classes"), _("%(up)s moved up, %(down)s moved down") % {"up": f.number(m["upgrades"].sum()),
                                                                        "down": f.number(m["downgrades"].sum())})
    credit = []
    for lender in ("cooperative", "kur", "bank", "informal"):
        credit.append(_("%(lender)s %(loans)s loans (%(amount)s)") % {
            "lender": f.term(lender), "loans": f.number(m[f"new_loans_{lender}"].sum()),
            "amount": f.rp_short(float(m[f"new_credit_{lender}_rp"].sum()))})
    line(_("New credit"), ", ".join(credit))
    coops = result.cooperatives
    if len(coops):
        active = coops["active"].to_numpy(dtype=float)
        founded = coops["founded"].to_numpy(dtype=float)
        registered = coops["cooperatives"].to_numpy(dtype=float)
        deposits = coops["deposits_rp"].to_numpy(dtype=float)
        path = [f.number(active[0] - founded[0])]
        for k in range(len(active)):
            date = m["date"].iloc[k] if k < len(m) else None
            if date is not None and (date.month == 12 or k + 1 == len(active)):
                path.append(f"{f.number(active[k])} ({f.month_short(date)})")
        line(_("Cooperatives"), _("active %(path)s; registered %(start)s -> %(end)s; deposits %(change)s") % {
            "path": " -> ".join(path), "start": f.number(registered[0] - founded[0]),
            "end": f.number(registered[-1]),
            "change": f.signed(deposits[-1] / deposits[0] - 1, share=True) if deposits[0] > 0 else "–"})

        def closed_share(open_: float, shut: float) -> float:
            return shut / (open_ + shut) if open_ + shut > 0 else 0.0

        last_row = m.iloc[-1]
        line(_("Members"), _("%(members)s of member firms closed, %(others)s of the others") % {
            "members": f.share(closed_share(last_row["member_active_firms"], last_row["member_closed_firms"])),
            "others": f.share(closed_share(last_row["nonmember_active_firms"], last_row["nonmember_closed_firms"]))})
    if result.elapsed_seconds > 0:
        line(_("Run"), _("%(seconds)s s, %(rate)s M firm-months/s on %(threads)s thread(s)") % {
            "seconds": f.number(result.elapsed_seconds, 3), "rate": f.number(result.firm_months_per_second() / 1e6, 1),
            "threads": raw.threads})
    return "\n".join(lines) + "\n"


def _months_between(start: str, month: str) -> int:
    y0, m0 = (int(x) for x in str(start)[:7].split("-"))
    y1, m1 = (int(x) for x in str(month)[:7].split("-"))
    return (y1 - y0) * 12 + (m1 - m0)


__all__ = ["render_summary"]
