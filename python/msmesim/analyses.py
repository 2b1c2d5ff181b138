"""Analyses kept in scenario files: ``msmesim optimise``, ``msmesim sweep``
and ``msmesim sensitivity`` (docs/portfolio.md, docs/sweeps.md).

An analysis file is a scenario file — the baseline: population, horizon,
shocks, the measures already decided — with one more table that says what
to do with it:

- ``[optimise]`` (:func:`msmesim.optimise_portfolio`): ``total_budget_rp``
  and the search's settings, the candidate programmes as ``[[candidates]]``
  (written as ``[[programmes]]`` are) and their design alternatives as
  ``[designs.<candidate name>]`` (field = [alternatives]);
- ``[sweep]`` (:func:`msmesim.sweep`): ``[sweep.parameters]`` (path =
  [values]: the full grid);
- ``[sensitivity]`` (:func:`msmesim.sensitivity`): ``[sensitivity.ranges]``
  (path = [low, high]) and the method's settings.

The scenario part is read by the core's strict reader; the analysis's
table is checked here, with every mistake of the file named by its key and
line (:class:`ScenarioFileError`). The settings not given take the Python
functions' defaults, and ``seed`` the file's.
"""

from __future__ import annotations

import copy
import json
import math
import os
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import pandas as pd

from . import _core
from ._common import tomllib
from ._errors import invalid
from ._files import OUTPUT_FORMATS, atomic_path, check_output_dir, output_directory, write_parquet
from .i18n import N_
from .scenarios import PathArg, combined_errors, population_of, scenario_error


#: The analyses, by the name of their table.
KINDS = ("optimise", "sweep", "sensitivity")
#: Top-level keys an analysis file adds to a scenario file.
ANALYSIS_KEYS = ("optimise", "candidates", "designs", "sweep", "sensitivity")


def _number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _whole(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _text(v: Any) -> bool:
    return isinstance(v, str)


def _flag(v: Any) -> bool:
    return isinstance(v, bool)


def _numbers(v: Any) -> bool:
    return isinstance(v, list) and len(v) > 0 and all(_number(x) for x in v)


def _pair(v: Any) -> bool:
    return isinstance(v, list) and len(v) == 2 and all(_number(x) for x in v)


def _names(v: Any) -> bool:
    return isinstance(v, list) and all(isinstance(x, str) for x in v)


def _weights(v: Any) -> bool:
    return isinstance(v, dict) and len(v) > 0 and all(_number(x) for x in v.values())


def _flatten(table: Any, prefix: str = "") -> Any:
    """A table of paths with nested tables joined by dots: ``params.x = [...]``
    written unquoted is the table ``{params: {x: [...]}}``, the path
    ``params.x``."""
    if not isinstance(table, dict):
        return table
    out: dict[str, Any] = {}
    for key, value in table.items():
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            out.update(_flatten(value, path))
        else:
            out[path] = value
    return out


# key -> (check, what is allowed); the keyword argument has the key's name.
_SETTINGS: dict[str, dict[str, tuple[Callable[[Any], bool], str]]] = {
    "optimise": {
        "total_budget_rp": (_number, "a number > 0: the budget to split (Rp)"),
        "objective": (_text, "a metric to maximise (docs/portfolio.md), or 'weighted' with weights"),
        "weights": (_weights, "a table metric = weight"),
        "micro_floor": (_number, "a share in [0, 1]"),
        "replications": (_whole, "a whole number >= 1"),
        "seed": (_whole, "a whole number >= 0"),
        "step": (_number, "a share whose inverse is a whole number (0.1, 0.2, 0.25)"),
        "min_step": (_number, "a share > 0"),
        "keep": (_whole, "a whole number >= 1"),
        "top": (_whole, "a whole number >= 1"),
        "validation_replications": (_whole, "a whole number >= 2"),
        "confidence": (_number, "a number in [0.5, 0.999]"),
    },
    "sweep": {
        "parameters": (lambda v: isinstance(v, dict) and len(v) > 0 and all(_numbers(x) for x in v.values()),
                       "a table path = [values] (paths of docs/sweeps.md)"),
        "baseline_without": (_names, "a list of the names of the file's programmes"),
        "replications": (_whole, "a whole number >= 1"),
        "seed": (_whole, "a whole number >= 0"),
    },
    "sensitivity": {
        "ranges": (lambda v: isinstance(v, dict) and len(v) > 0 and all(_pair(x) for x in v.values()),
                   "a table path = [low, high] (paths of docs/sweeps.md)"),
        "baseline_without": (_names, "a list of the names of the file's programmes"),
        "method": (_text, "morris or sobol"),
        "metric": (_text, "an outcome metric (jobs_saved, firms_saved, net_cost_rp, ...)"),
        "n": (_whole, "a whole number >= 1 (Sobol': a power of 2)"),
        "levels": (_whole, "a whole number >= 2"),
        "second_order": (_flag, "true or false"),
        "replications": (_whole, "a whole number >= 1"),
        "seed": (_whole, "a whole number >= 0"),
        "confidence": (_number, "a number in (0, 1)"),
    },
}
_REQUIRED = {"optimise": "total_budget_rp", "sweep": "parameters", "sensitivity": "ranges"}


@dataclass
class AnalysisFile:
    """An analysis file, read: ``kind`` (optimise, sweep or sensitivity),
    ``scenario_file`` (the baseline and its population), ``settings`` (the
    keyword arguments of the analysis's function), ``candidates`` and
    ``designs`` (optimise), ``source`` (the path) and ``text``."""

    kind: str
    scenario_file: _core.ScenarioFile
    settings: dict[str, Any]
    source: str
    text: str
    candidates: list[_core.Programme] = field(default_factory=list)
    designs: dict[str, dict[str, list[Any]]] = field(default_factory=dict)


def _error(f: _core.ScenarioFile, key: str, value: Any, allowed: str) -> _core.ScenarioFileError:
    shown = repr(value) if isinstance(value, str) else json.dumps(value) if isinstance(value, (list, dict, bool)) \
        else str(value)
    return scenario_error(f, key, shown, allowed)


def _combined(errors: list[_core.ScenarioFileError]) -> _core.ScenarioFileError:
    """One ScenarioFileError for several, as the core reports a file's mistakes."""
    return combined_errors([(e.file, e.line, e.key, e.value, e.allowed) for e in errors])


def is_analysis_file(path: PathArg) -> bool:
    """Whether the TOML file at ``path`` has an analysis table ([optimise],
    [sweep] or [sensitivity]); False for a file that is not TOML."""
    try:
        doc = tomllib.loads(Path(os.fspath(path)).read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False
    return any(k in doc for k in KINDS)


def load_analysis(path: PathArg, kind: str | None = None) -> AnalysisFile:
    """Read an analysis file (see the module's docstring). ``kind``, when
    given, is the analysis the file must hold. Raises ScenarioFileError
    naming the key and line of every mistake, FileError when it cannot be read."""
    source = os.fspath(path)
    try:
        text = Path(source).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise _core.FileError(f"cannot read analysis file '{source}': {exc.strerror}") from None
    f = _core.parse_scenario(text, source, list(ANALYSIS_KEYS))
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:  # pragma: no cover - the core's parser caught it first
        raise _error(f, "(syntax)", str(exc), "a TOML document") from None
    errors: list[_core.ScenarioFileError] = []
    present = [k for k in KINDS if k in doc]
    if kind is not None and kind not in KINDS:
        raise invalid("kind", kind, "one of " + ", ".join(KINDS))
    if len(present) != 1 or (kind is not None and present != [kind]):
        wanted = f"[{kind}]" if kind else "one of [optimise], [sweep], [sensitivity]"
        raise _error(f, present[1] if len(present) > 1 else "(document)",
                     ", ".join(f"[{k}]" for k in present) or "no analysis",
                     f"{wanted}: the analysis to run on this scenario (docs/portfolio.md, docs/sweeps.md)")
    which = present[0]
    table = doc[which]
    settings: dict[str, Any] = {}
    if not isinstance(table, dict):
        raise _error(f, which, table, "a table of settings")
    schema = _SETTINGS[which]
    for key, value in table.items():
        if key not in schema:
            errors.append(_error(f, f"{which}.{key}", key, "one of " + ", ".join(schema)))
            continue
        check, allowed = schema[key]
        if key in ("parameters", "ranges"):
            value = _flatten(value)
        if not check(value):
            errors.append(_error(f, f"{which}.{key}", value, allowed))
            continue
        settings[key] = value
    known = [p.name for p in f.scenario.programmes]
    for name in settings.get("baseline_without", []):
        if name not in known:
            errors.append(_error(f, f"{which}.baseline_without", name,
                                 "the name of one of the file's programmes: " + (", ".join(known) or "none")))
    if _REQUIRED[which] not in table:
        errors.append(_error(f, which, "no " + _REQUIRED[which], f"{_REQUIRED[which]} ({schema[_REQUIRED[which]][1]})"))
    for other in ("candidates", "designs"):
        if other in doc and which != "optimise":
            errors.append(_error(f, other, other, "only in an [optimise] file"))
    candidates: list[_core.Programme] = []
    designs: dict[str, dict[str, list[Any]]] = {}
    if which == "optimise":
        try:
            candidates = _core.parse_programme_tables(text, source, "candidates")
        except _core.ScenarioFileError as exc:
            errors.extend(exc.errors)
        if not candidates and "candidates" not in doc:
            errors.append(_error(f, "candidates", "no [[candidates]]",
                                 "the programmes to split the budget across, as [[candidates]] tables"))
        raw = doc.get("candidates", [])
        names = [c.get("name") for c in raw if isinstance(c, dict)] if isinstance(raw, list) else []
        raw_designs = doc.get("designs", {})
        if not isinstance(raw_designs, dict):
            errors.append(_error(f, "designs", raw_designs, "tables [designs.<candidate>] of field = [alternatives]"))
            raw_designs = {}
        for name, fields in raw_designs.items():
            if name not in names:
                errors.append(_error(f, f"designs.{name}", name,
                                     "the name of a candidate: " + (", ".join(map(str, names)) or "none")))
                continue
            if not isinstance(fields, dict):
                errors.append(_error(f, f"designs.{name}", fields, "a table field = [alternatives]"))
                continue
            for key, alternatives in fields.items():
                if not (isinstance(alternatives, list) and alternatives):
                    errors.append(_error(f, f"designs.{name}.{key}", alternatives, "a list of alternatives"))
                    continue
                # An empty table is the eligibility of every firm.
                designs.setdefault(name, {})[key] = [None if a == {} else a for a in alternatives]
    if errors:
        raise _combined(errors)
    settings.setdefault("seed", int(f.seed))
    return AnalysisFile(which, f, settings, source, text, candidates, designs)


def _as_file_error(analysis: AnalysisFile, exc: Exception) -> Exception:
    """An invalid setting (InvalidArgumentError on one of the settings) at its key and line."""
    name = str(getattr(exc, "field", "")).split(".")[0].split("[")[0]
    if name in analysis.settings or name in _SETTINGS[analysis.kind]:
        key = f"{analysis.kind}.{name}"
    elif name in ("designs", "programmes"):
        key = "designs" if name == "designs" else "candidates"
    else:
        return exc
    return scenario_error(analysis.scenario_file, key, getattr(exc, "value", ""), getattr(exc, "allowed", str(exc)))


def run_analysis(analysis: AnalysisFile, *, threads: int = 0, progress: Any = False,
                 population: _core.Population | None = None) -> Any:
    """Run an analysis file: a :class:`PortfolioResult`, :class:`SweepResult`
    or :class:`SensitivityResult`, as the Python function with the file's
    settings gives it."""
    from .portfolio import optimise_portfolio
    from .sensitivity import sensitivity
    from .sweep import sweep

    f, s = analysis.scenario_file, dict(analysis.settings)
    try:
        if analysis.kind == "optimise":
            pop = population if population is not None else population_of(f, threads)
            budget = s.pop("total_budget_rp")
            return optimise_portfolio(pop, f.scenario, analysis.candidates, budget, designs=analysis.designs or None,
                                      threads=threads, progress=progress, **s)
        source: Any = f if population is None else population
        # Every point is the file's scenario with its values; the baseline is
        # the file's scenario, without the programmes baseline_without names.
        leave_out = set(s.pop("baseline_without", []))
        baseline = copy.deepcopy(f.scenario)
        baseline.programmes = [p for p in f.scenario.programmes if p.name not in leave_out]
        if leave_out:
            baseline.name = f"{f.scenario.name} without {', '.join(sorted(leave_out))}"
        common = dict(scenario=f.scenario, threads=threads or (os.cpu_count() or 1), progress=bool(progress))
        if analysis.kind == "sweep":
            return sweep(source, baseline, s.pop("parameters"), **common, **s)
        ranges = {k: tuple(v) for k, v in s.pop("ranges").items()}
        return sensitivity(source, baseline, ranges, **common, **s)
    except (_core.InvalidArgumentError, TypeError) as exc:
        if isinstance(exc, _core.InvalidArgumentError):
            raise _as_file_error(analysis, exc) from None
        raise


def _tables(result: Any, kind: str) -> dict[str, pd.DataFrame]:
    """The result's tables, by file stem."""
    if kind == "optimise":
        best = pd.DataFrame([
            {"programme": p, "share": result.best["shares"][p], "budget_rp": result.best["budgets_rp"][p],
             **{f"design.{k}": json.dumps(v) if isinstance(v, (dict, list)) else v
                for k, v in result.best["designs"][p].items()}}
            for p in result.programmes])
        return {"portfolio_best": best, "portfolio_top": result.top, "portfolio_candidates": result.candidates}
    if kind == "sweep":
        return {"sweep_points": result.points.reset_index(), "sweep_outcomes": result.outcomes,
                "sweep_comparison": result.comparison}
    tables = {"sensitivity_indices": result.indices.reset_index(), "sensitivity_samples": result.samples,
              "sensitivity_outcomes": result.sweep.outcomes}
    if result.second_order is not None:
        tables["sensitivity_second_order"] = result.second_order.reset_index()
    return tables


def summary_text(result: Any, kind: str, lang: str | None = None) -> str:
    """What the command line prints: the result's line and its main table (an optimisation's answer in ``lang``)."""
    with pd.option_context("display.width", 120, "display.max_columns", 12, "display.float_format", "{:,.4g}".format):
        if kind == "optimise":
            answer = _portfolio_answer(result, lang)
            rows = pd.DataFrame(answer["rows"], columns=answer["header"]).to_string(index=False)
            return f"{result!r}\n{answer['lead']}\n{rows}\n{answer['note']}"
        if kind == "sweep":
            return f"{result!r}\n{result.summary().to_string()}"
        return f"{result!r}\n{result.indices.to_string()}"


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Object columns holding dicts or lists (design alternatives) as JSON text."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object:
            out[col] = out[col].map(lambda v: json.dumps(v) if isinstance(v, (dict, list, tuple)) else v)
    return out


def write_analysis(result: Any, analysis: AnalysisFile, directory: PathArg, format: str = "csv") -> list[Path]:
    """Write the result's tables to ``directory`` as CSV or Parquet (each
    Parquet file with the analysis's metadata under the key ``msmesim``) and
    ``analysis.json`` (the settings, the file, the version)."""
    if format not in OUTPUT_FORMATS:
        raise invalid("format", format, "csv or parquet")
    out = check_output_dir(directory, "directory")
    meta = {"msmesim_version": _core.__version__, "analysis": analysis.kind, "file": analysis.source,
            "settings": {k: v for k, v in analysis.settings.items()}}
    names: list[str] = []
    # A whole set, replacing the directory's earlier one in one step (as msmesim run's).
    with output_directory(out, "directory") as stage:
        for stem, frame in _tables(result, analysis.kind).items():
            name = f"{stem}.{format}"
            if format == "parquet":
                write_parquet(_plain(frame), stage / name, {**meta, "table": stem})
            else:
                _plain(frame).to_csv(stage / name, index=False)
            names.append(name)
        (stage / "analysis.json").write_text(json.dumps(meta, indent=2, default=str) + "\n", encoding="utf-8")
        names.append("analysis.json")
    return [out / name for name in names]


_TITLES = {"optimise": N_("Budget portfolio"), "sweep": N_("Sweep"), "sensitivity": N_("Sensitivity")}


def _portfolio_answer(result: Any, lang: str | None) -> dict[str, Any]:
    """The best split of the budget in words and as a table, in the page's language."""
    from .i18n import Formatter

    f = Formatter(lang)
    _ = f._
    b, e = result.best, result.equal_split
    lead = _("The best split of %(budget)s across %(n)s programmes: %(objective)s %(value)s (%(pct)s interval "
             "%(low)s to %(high)s, on %(reps)s fresh replications), against %(equal)s for an equal split.") % {
        "budget": f.rp_short(result.total_budget_rp), "n": len(result.programmes), "objective": result.objective_label,
        "value": f.number(b["objective"], 1), "pct": f.share(result.confidence, 0), "low": f.number(b["ci_low"], 1),
        "high": f.number(b["ci_high"], 1), "reps": result.validation_replications,
        "equal": f.number(e["objective"], 1)}
    rows = []
    for p in result.programmes:
        design = ", ".join(f"{k} = {v}" for k, v in b["designs"][p].items())
        rows.append([p, f.share(b["shares"][p]), f.rp(b["budgets_rp"][p]), design or "–"])
    note = _("Improvement over the equal split: %(value)s (%(low)s to %(high)s), paired on the same random "
             "numbers.") % {"value": f.signed(b["improvement"], 1), "low": f.signed(b["improvement_ci_low"], 1),
                            "high": f.signed(b["improvement_ci_high"], 1)}
    return {"lead": lead, "header": [_("programme"), _("share"), _("budget"), _("design")], "rows": rows,
            "note": note}


def write_analysis_report(result: Any, analysis: AnalysisFile, path: PathArg, command: str | None = None,
                          lang: str | None = None) -> Path:
    """A self-contained HTML page with the result (for an optimisation, the
    best split in words and as a table, in ``lang``: ``"en"`` or ``"id"``,
    default the environment's), the result's tables, the analysis file and
    the command that reproduces it."""
    from markupsafe import Markup

    from . import i18n

    code = i18n.resolve(lang)
    _ = i18n.gettext_for(code)
    command = command or " ".join(shlex.quote(a) for a in ["msmesim", analysis.kind, analysis.source])
    page = i18n.jinja_environment(code).get_template("analysis.html.j2").render(
        lang=code, title=_(_TITLES[analysis.kind]), scenario=analysis.scenario_file.scenario.name,
        answer=_portfolio_answer(result, code) if analysis.kind == "optimise" else None,
        details=Markup(result._repr_html_()), command=command, source=analysis.source, text=analysis.text,
        version=_core.__version__)
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(out) as tmp:
        tmp.write_text(page, encoding="utf-8")
    return out

__all__ = ["ANALYSIS_KEYS", "AnalysisFile", "KINDS", "is_analysis_file", "load_analysis", "run_analysis",
           "summary_text", "write_analysis", "write_analysis_report"]
