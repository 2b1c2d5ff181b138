"""Scenario files (docs/scenario.md): TOML files that say what to simulate.

The reading, validation and writing are the C++ core's; this module adds
path handling, the population of a file and :func:`run_file`::

    import msmesim as ms

    f = ms.load_scenario("scenario.toml")      # ScenarioFileError names file, line and key
    f.scenario.months = 24                      # fields are edited in place
    ms.save_scenario(f, "shorter.toml")
    result = ms.run_file(f, threads=4)          # a Result (a list with replications > 1)
"""

from __future__ import annotations

import copy
import math
import os
import re
from pathlib import Path
from typing import Union

from . import _core, _workbook
from ._common import PRESET_FIRMS, ProgressArg, check_int
from ._errors import invalid
from .api import Result, run

PathArg = Union[str, "os.PathLike[str]"]


def load_scenario(path: PathArg) -> _core.ScenarioFile:
    """Read and validate a scenario file.

    Raises :class:`ScenarioFileError` (a :class:`ParseError`, so a
    ``ValueError``) naming the file, line, key, value and what is allowed,
    and :class:`FileError` when the file cannot be read.
    """
    return _core.load_scenario(os.fspath(path))


def parse_scenario(text: str, source: str = "<scenario>") -> _core.ScenarioFile:
    """Read and validate a scenario from TOML text; ``source`` names it in
    errors and is the base of its relative paths."""
    return _core.parse_scenario(text, source)


def to_toml(scenario_file: _core.ScenarioFile) -> str:
    """The scenario file as TOML: every key, no ``extends``; it loads to the same scenario."""
    return _core.to_toml(scenario_file)


def save_scenario(scenario_file: _core.ScenarioFile, path: PathArg) -> None:
    """Write ``to_toml(scenario_file)`` to ``path`` (through a temporary file)."""
    _core.save_scenario(scenario_file, os.fspath(path))


def make_population(population_source: _core.PopulationSource, base_dir: PathArg = "",
                    threads: int = 0, params: _core.FirmParams | None = None) -> _core.Population:
    """Generate (or read, for registry files) the population a
    :class:`PopulationSource` describes; relative paths are taken from
    ``base_dir``. The population is burnt in (docs/model.md §4) under
    ``params`` — give the scenario's (``scenario_file.scenario.params``) so
    that a run without shocks stands still under them; None: the default
    parameters. A population that would not fit in memory is refused
    before anything is allocated (InvalidArgumentError on population.firms)."""
    check_int("threads", threads, 0)
    if params is not None and not isinstance(params, _core.FirmParams):
        raise invalid("params", type(params).__name__, "FirmParams or None", _core.TypeMismatchError)
    return _core.make_population(population_source, os.fspath(base_dir), threads,
                                 params if params is not None else _core.FirmParams())


def preset_names() -> list[str]:
    """Names of the built-in scenario files (``msmesim presets``)."""
    return _core.preset_names()


def preset_text(name: str) -> str:
    """The TOML text of a built-in scenario file."""
    return _core.preset_text(name)


def preset(name: str) -> _core.ScenarioFile:
    """A built-in scenario file, parsed (e.g. ``preset("bogor-covid19")``)."""
    return _core.preset(name)


# ---- paths and errors --------------------------------------------------------------------------

def base_dir(scenario_file: _core.ScenarioFile) -> str:
    """The directory relative paths of a scenario file are taken from: the
    file's own ('' for a preset or text: the working directory)."""
    source = scenario_file.source
    if not source or source.startswith("preset:") or source.startswith("<"):
        return ""
    return os.path.dirname(source)


def _source_text(source: str) -> str | None:
    """The TOML text a scenario file was read from, when it can be found."""
    if source.startswith("preset:"):
        name = source[len("preset:"):]
        return _core.preset_text(name) if name in _core.preset_names() else None
    try:
        return Path(source).read_text(encoding="utf-8")
    except (OSError, ValueError):
        return None


_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_\-.\"' ]+?)\s*\]\]?\s*$")
_KEY = re.compile(r"^\s*((?:[A-Za-z0-9_\-]+|\"[^\"]*\"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_\-]+|\"[^\"]*\"|'[^']*'))*)\s*=")


def _strip_comment(line: str) -> str:
    quote = ""
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "#":
            return line[:i]
    return line


def _dotted(text: str) -> str:
    return ".".join(part.strip().strip("\"'") for part in text.split("."))


def key_line(text: str, key: str) -> int:
    """The line of ``key`` (a path like ``population.firms`` or
    ``programmes[0].budget_rp``) in TOML ``text``: the line of the key
    itself, else of the nearest enclosing table, else of ``extends``, else 1."""
    best, best_len, extends_line = 1, 0, 0
    table = ""
    arrays: dict[str, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = _strip_comment(raw)
        header = _HEADER.match(line)
        if header:
            name = _dotted(header.group(2))
            if header.group(1) == "[[":
                arrays[name] = arrays.get(name, -1) + 1
                table = f"{name}[{arrays[name]}]"
            else:
                table = name
            path = table
        else:
            match = _KEY.match(line)
            if not match:
                continue
            local = _dotted(match.group(1))
            path = f"{table}.{local}" if table else local
            if path == "extends":
                extends_line = number
        if path == key:
            return number
        if (key.startswith(path + ".") or key.startswith(path + "[")) and len(path) > best_len:
            best, best_len = number, len(path)
    return best if best_len else (extends_line or 1)


def scenario_error(scenario_file: _core.ScenarioFile, key: str, value: str, allowed: str) -> Exception:
    """A :class:`ScenarioFileError` on ``key`` of a loaded file, in the
    core's form ("file:line: key 'k': got v; allowed: a"), at the key's line."""
    source = scenario_file.source or "<scenario>"
    text = _source_text(source)
    line = key_line(text, key) if text is not None else 1
    return combined_errors([(source, line, key, str(value), allowed)])


def combined_errors(rows: list[tuple[str, int, str, str, str]]) -> _core.ScenarioFileError:
    """The ScenarioFileError of the mistakes ``(file, line, key, value,
    allowed)``, as the core words and orders a file's mistakes."""
    try:
        _core.raise_scenario_file_errors(rows)
    except _core.ScenarioFileError as exc:
        return exc
    raise AssertionError("raise_scenario_file_errors returned")  # pragma: no cover


def check_population(scenario_file: _core.ScenarioFile) -> None:
    """Check, without generating or reading anything, that the population
    of a file can be made: its registry files exist, and a synthetic
    population fits in the memory available. Raises ScenarioFileError."""
    src = scenario_file.population
    if src.firms_csv:
        base = base_dir(scenario_file)
        for key in ("firms_csv", "cooperatives_csv", "memberships_csv"):
            given = getattr(src, key)
            if given and not os.path.isfile(os.path.join(base, _workbook.split_sheet(given)[0])):
                raise scenario_error(scenario_file, f"population.{key}", repr(given),
                                     "an existing file (relative to the scenario file)")
        return
    firms = src.firms if src.firms > 0 else PRESET_FIRMS.get(src.preset, 0)
    try:
        _core.require_memory("population.firms", firms)
    except _core.InvalidArgumentError as exc:
        raise scenario_error(scenario_file, "population.firms", exc.value, exc.allowed) from None


def population_of(scenario_file: _core.ScenarioFile, threads: int = 0) -> _core.Population:
    """The population of a scenario file, its relative paths taken from the
    file's directory, burnt in under the file's scenario parameters; errors
    on population.* name the file and line."""
    check_population(scenario_file)
    source, base = scenario_file.population, base_dir(scenario_file)
    keys = ("firms_csv", "cooperatives_csv", "memberships_csv")
    try:
        if not any(_workbook.is_workbook(getattr(source, k)) for k in keys if getattr(source, k)):
            return make_population(source, base, threads, scenario_file.scenario.params)
        # Workbooks are read through temporary CSV files (errors name their sheets).
        given = [getattr(source, k) or None for k in keys]
        paths = [None if p is None else os.path.join(base, p) for p in given]
        with _workbook.as_csv(*paths, csv_locale=source.csv_locale) as (readable, _):
            copy = _core.PopulationSource(**{k: getattr(source, k) for k in (
                "preset", "firms", "seed", "regime", "burn_in_months", "csv_locale")})
            for key, path in zip(keys, readable):
                setattr(copy, key, path or "")
            population = make_population(copy, "", threads, scenario_file.scenario.params)
        population.name = Path(_workbook.split_sheet(source.firms_csv)[0]).stem
        return population
    except _core.InvalidArgumentError as exc:
        field = getattr(exc, "field", "")
        if not field.startswith("population."):
            raise
        raise scenario_error(scenario_file, field, exc.value, exc.allowed) from None


def resolve(scenario: _core.ScenarioFile | PathArg) -> _core.ScenarioFile:
    """A ScenarioFile as it is, or the file at a path, or a built-in preset by name."""
    if isinstance(scenario, _core.ScenarioFile):
        return scenario
    path = os.fspath(scenario)
    if not os.path.exists(path) and path in _core.preset_names():
        return _core.preset(path)
    return _core.load_scenario(path)


def scale_programmes(scenario: _core.Scenario, factor: float) -> _core.Scenario:
    """A copy of ``scenario`` whose programmes' budgets, quotas and monthly
    capacities are ``factor`` times the given ones: the same programmes for a
    population ``factor`` times the size the scenario was written for (as
    ``msmesim run --firms`` and ``--region`` do). Counts are rounded, and a
    positive one stays at least 1; unset quotas and capacities stay unset;
    amounts per recipient and the kinds' parameters stay as they are."""
    if not (isinstance(factor, (int, float)) and math.isfinite(factor) and factor > 0):
        raise invalid("factor", factor, "a finite number > 0")
    out = copy.deepcopy(scenario)

    def count(n: int | None) -> int | None:
        return None if n is None else max(1, round(n * factor)) if n > 0 else n

    programmes = out.programmes
    for p in programmes:
        p.budget_rp = p.budget_rp * factor
        p.quota = count(p.quota)
        p.monthly_capacity = count(p.monthly_capacity)
    out.programmes = programmes
    return out


def run_file(
    scenario: _core.ScenarioFile | PathArg,
    *,
    threads: int = 0,
    progress: ProgressArg = False,
    population: _core.Population | None = None,
    microdata: bool | None = None,
    cooperative_panel: bool | None = None,
    panel_months: list[int] | None = None,
) -> Result | list[Result]:
    """Run a scenario file: a path, a built-in preset name or a :class:`ScenarioFile`.

    Makes its population (registry paths relative to the file's directory;
    pass ``population`` to reuse one), runs every replication (the file's
    seed, replications 0 .. n-1) and returns the :class:`Result`, or a list
    of them when the file has more than one replication. ``microdata``,
    ``cooperative_panel`` and ``panel_months`` default to the file's
    ``[outputs]``. Nothing is
    written: see :meth:`Result.to_csv` (``msmesim run FILE`` writes the
    file's outputs).
    """
    f = resolve(scenario)
    check_int("threads", threads, 0)
    pop = population if population is not None else population_of(f, threads)
    results = [
        run(pop, f.scenario, seed=f.seed, replication=rep, threads=threads,
            microdata=f.outputs.microdata if microdata is None else microdata,
            cooperative_panel=f.outputs.cooperative_panel if cooperative_panel is None else cooperative_panel,
            panel_months=f.outputs.panel_months if panel_months is None else panel_months,
            progress=progress)
        for rep in range(f.replications)
    ]
    return results[0] if len(results) == 1 else results


__all__ = [
    "check_population",
    "key_line",
    "load_scenario",
    "make_population",
    "parse_scenario",
    "population_of",
    "preset",
    "preset_names",
    "preset_text",
    "run_file",
    "save_scenario",
    "scale_programmes",
    "to_toml",
]
