"""Helpers shared by the package's modules: argument checks, progress bars,
frames of the C++ tables, and what :mod:`msmesim.plotting` and
:mod:`msmesim.report` know of a run's Result.

This module imports only :mod:`msmesim._core` and the other private helpers,
so that every module of the package can import it (docs/design.md, "The
Python package").
"""

from __future__ import annotations

import os
from typing import Any, Callable, Protocol, Union

import numpy as np
import pandas as pd

from . import _core
from ._errors import invalid

try:  # Python 3.11+
    import tomllib
except ImportError:  # pragma: no cover - Python 3.10 (the tomli dependency)
    import tomli as tomllib  # type: ignore[no-redef]

#: What a ``progress`` argument takes: True (a tqdm bar), False or None (nothing), or a callable(done, total).
ProgressArg = bool | Callable[[int, int], Any] | None

#: What a sweep's population (and, for a scenario file, its baseline and seed) comes from.
PopulationSourceArg = Union[_core.ScenarioFile, str, "os.PathLike[str]", _core.PopulationSource, _core.Population]

#: Firms of a built-in population when its file leaves population.firms out.
PRESET_FIRMS = {row["name"]: row["firms"] for row in _core.population_presets()}


def check_int(name: str, value: Any, minimum: int, maximum: int | None = None) -> int:
    """Validate an integer argument; the error names it and says what is allowed."""
    bounded = maximum is not None and maximum < 2**63 - 1  # (the largest 64-bit integer: no bound, as in the core)
    allowed = f"a whole number >= {minimum}" + (f" and <= {maximum}" if bounded else "")
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise invalid(name, value, allowed, _core.TypeMismatchError)
    if value < minimum or (maximum is not None and value > maximum):
        raise invalid(name, int(value), allowed)
    return int(value)


def whole_range(row: dict[str, Any]) -> tuple[int, int]:
    """The range of a whole field of a core table (a row of
    scenario_option_table, ensemble_option_table, ...) as integers: an
    unbounded one reaches the largest 64-bit integer, as in the core
    (whole_max)."""
    top = row["max"]
    return int(row["min"]), (2**63 - 1 if top >= 2.0**63 else int(top))


def columns_frame(columns: list[Any]) -> pd.DataFrame:
    """A DataFrame of a C++ table's (name, array, categories, unit) columns:
    numeric columns without copies, categorical codes as pandas categoricals."""
    data: dict[str, Any] = {}
    categorical: dict[str, list[str]] = {}
    for name, values, categories, _unit in columns:
        data[name] = values
        if categories is not None:
            categorical[name] = categories
    frame = pd.DataFrame(data, copy=False)
    for name, categories in categorical.items():
        raw_codes = frame[name].to_numpy()
        codes = raw_codes.astype(np.int32)
        if raw_codes.dtype == np.uint8:
            codes[raw_codes == 255] = -1  # 8-bit codes mark "missing" with 255; pandas uses -1
        frame[name] = pd.Categorical.from_codes(codes, categories)
    return frame


def progress_callback(progress: ProgressArg, total: int, desc: str,
                      unit: str = "month") -> tuple[Any, Callable[[], None]]:
    """A (callback, close) pair: a tqdm bar counting ``unit``, a user callable or nothing."""
    if progress is None or progress is False:
        return None, lambda: None
    if progress is True:
        from tqdm.auto import tqdm

        bar = tqdm(total=total, desc=desc, unit=unit, leave=False)

        def update(done: int, _total: int) -> bool:
            bar.n = done
            bar.refresh()
            return True

        return update, bar.close
    if callable(progress):
        return progress, lambda: None
    raise invalid("progress", progress, "True, False, None or a callable(done, total)", _core.TypeMismatchError)


class ResultBase:
    """The base class of :class:`msmesim.Result`, by which modules below
    :mod:`msmesim.api` (the report) recognise a Result without importing it."""

    __slots__ = ()


class ResultLike(Protocol):
    """What plotting and the report read of a :class:`msmesim.Result` (for annotations)."""

    @property
    def raw(self) -> _core.RunResult: ...
    @property
    def scenario(self) -> str: ...
    @property
    def seed(self) -> int: ...
    @property
    def replication(self) -> int: ...
    @property
    def months(self) -> int: ...
    @property
    def initial_firms(self) -> int: ...
    @property
    def monthly(self) -> pd.DataFrame: ...
    @property
    def by_region(self) -> pd.DataFrame: ...
    @property
    def credit_book(self) -> pd.DataFrame: ...
    @property
    def cooperatives(self) -> pd.DataFrame: ...
    @property
    def programmes(self) -> pd.DataFrame: ...
    @property
    def ledger(self) -> pd.DataFrame: ...
    def programme_summary(self) -> pd.DataFrame: ...
    def members_vs_nonmembers(self) -> pd.DataFrame: ...
