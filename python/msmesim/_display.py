"""How a Population and a Scenario show themselves: a readable ``repr`` and,
in Jupyter, an HTML summary (``_repr_html_``). Attached to the compiled
classes when the package is imported."""

from __future__ import annotations

import html

import numpy as np

from . import _core


def _classes(population: _core.Population) -> dict[str, int]:
    counts = np.bincount(np.asarray(population.size_class), minlength=len(_core.size_classes()))
    return {name: int(n) for name, n in zip(_core.size_classes(), counts) if n}


def _population_repr(self: _core.Population) -> str:
    classes = ", ".join(f"{k} {v:,}" for k, v in _classes(self).items())
    return (f"<msmesim.Population {self.name!r}: {self.size:,} firms ({classes}), "
            f"{len(self.region_names)} regions, {len(self.sector_names)} sectors, "
            f"{self.cooperatives.size:,} cooperatives, regime {self.regime}>")


def _population_html(self: _core.Population) -> str:
    rows = [("firms", f"{self.size:,}"),
            ("by size class", ", ".join(f"{k} {v:,}" for k, v in _classes(self).items())),
            ("regions", f"{len(self.region_names)}: " + ", ".join(self.region_names[:8])
             + (", …" if len(self.region_names) > 8 else "")),
            ("sectors", ", ".join(self.sector_names)),
            ("cooperatives", f"{self.cooperatives.size:,}"),
            ("size-class regime", self.regime)]
    return _table(f"msmesim population — {self.name}", rows)


def _scenario_repr(self: _core.Scenario) -> str:
    return (f"<msmesim.Scenario {self.name!r}: {self.months} months from {self.start}, "
            f"{len(self.shocks)} shock(s), {len(self.programmes)} programme(s), "
            f"{len(self.restrictions)} restriction period(s)>")


def _scenario_html(self: _core.Scenario) -> str:
    shocks = "; ".join(f"{s.name or s.channel} ({s.channel}, from {s.onset})" for s in self.shocks) or "none"
    programmes = "; ".join(f"{p.name} ({p.kind}, {p.start} to {p.end}, Rp {p.budget_rp:,.0f})"
                           for p in self.programmes) or "none"
    survey = (f"{self.survey_start} to {self.survey_end}" if self.survey_start is not None else "none")
    rows = [("horizon", f"{self.months} months from {self.start}"),
            ("shocks", shocks),
            ("programmes", programmes),
            ("restrictions", f"{len(self.restrictions)} period(s)"),
            ("survey window", survey),
            ("class review", f"{self.class_regime}, every {self.class_review_months} months")]
    return _table(f"msmesim scenario — {self.name}", rows)


def _table(title: str, rows: list[tuple[str, str]]) -> str:
    body = "".join(f"<tr><th style='text-align:left'>{html.escape(k)}</th><td style='text-align:left'>"
                   f"{html.escape(v)}</td></tr>" for k, v in rows)
    return f"<div><b>{html.escape(title)}</b><table>{body}</table></div>"


def attach() -> None:
    """Sets the displays on the compiled classes (idempotent)."""
    _core.Population.__repr__ = _population_repr
    _core.Population._repr_html_ = _population_html
    _core.Scenario.__repr__ = _scenario_repr
    _core.Scenario._repr_html_ = _scenario_html
