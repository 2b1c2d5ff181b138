"""Parameter paths: names for the numbers of a scenario that calibration,
sweeps and sensitivity analysis vary (docs/sweeps.md).

A path is a dotted name:

- ``params.<name>``: a firm behaviour parameter (docs/parameters.md), e.g.
  ``params.closure_after_months``;
- ``shocks.<shock>.<field>``: a field of the shock named ``<shock>``:
  ``incidence``, ``ramp_months``, ``plateau_months``,
  ``recovery_half_life_months``, ``recovery_months``, ``end_below``,
  ``incidence_by_sector.<sector>`` (sectors the shock already lists), and its
  severity distribution: ``severity.mean`` and ``severity.sd`` (beta),
  ``severity.value`` (fixed), ``severity.low`` and ``severity.high``
  (uniform), and likewise ``severity_by_sector.<sector>.<field>`` for the
  sectors whose severity the shock sets apart;
- ``programmes.<programme>.<field>``: ``budget_rp``, ``amount_rp``, ``quota``,
  ``uptake``, ``monthly_capacity``, ``admin_cost_share``, ``leakage_share``,
  and ``params.<param>`` for the kind's own parameters
  (:func:`msmesim.programmes.parameter_table`);
- ``class_review_months``: months between size-class reviews.

The horizon (``months``, ``start``) is not a path: results are only
comparable over equal horizons.

::

    from msmesim import paths

    paths.describe_paths(scenario)                      # every numeric path of a scenario
    paths.getter(scenario, "programmes.bpum.budget_rp")  # 5e9
    bigger = paths.apply(scenario, {"programmes.bpum.budget_rp": 10e9,
                                    "shocks.covid_sales.incidence": 0.7})   # a copy

Values are checked when they are set: a bad path or value raises
:class:`~msmesim.InvalidArgumentError` (a ``ValueError``) naming the path,
the value and what is allowed; a value that is not a number raises
:class:`~msmesim.TypeMismatchError` (a ``TypeError``). Integer fields
(months, quotas, integer parameters) take whole numbers; with
``round_integers=True`` other values are rounded to the nearest one.
``quota`` and ``monthly_capacity`` read ``inf`` when there is no limit and
take ``inf`` to remove it; ``amount_rp`` reads the amount in effect (the
kind's default when unset). A beta severity's ``sd`` is kept below
``sqrt(mean (1 - mean))`` (the largest a beta allows) when either is set.
"""

from __future__ import annotations

import copy
import math
import numbers
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from . import _core
from ._errors import invalid

Setter = Callable[[Any, float], None]

#: Numeric fields of a shock, with whether they are whole numbers (from the
#: core's description of a shock, ``_core.shock_field_table()``).
SHOCK_FIELDS: dict[str, bool] = {row["name"]: bool(row["integer"]) for row in _core.shock_field_table()}
#: Severity fields by distribution kind.
SEVERITY_FIELDS: dict[str, tuple[str, ...]] = {
    "beta": ("mean", "sd"),
    "fixed": ("value",),
    "uniform": ("low", "high"),
}
#: Numeric fields of a programme, with whether they are whole numbers (from
#: ``_core.programme_field_table()``).
PROGRAMME_FIELDS: dict[str, bool] = {row["name"]: bool(row["integer"]) for row in _core.programme_field_table()}
#: Numeric fields of the scenario itself, with whether they are whole numbers.
SCENARIO_FIELDS: dict[str, bool] = {"class_review_months": True}

_FORMS = ("params.<name>, shocks.<shock>.<field>, programmes.<programme>.<field>, "
          "programmes.<programme>.params.<param> or class_review_months")


# Resolution -------------------------------------------------------------------------------------
class _Resolved:
    """Where a path points: the collection, the item index and the field."""

    def __init__(self, kind: str, index: int, field: str, integer: bool) -> None:
        self.kind = kind          # "params", "shock", "programme", "programme_param", "scenario"
        self.index = index        # shock or programme index (-1 otherwise)
        self.field = field        # the field within the item
        self.integer = integer


def _named(items: list[Any], path: str, prefix: str) -> tuple[int, str] | None:
    """(index, rest of the path) of the item whose name follows ``prefix``;
    names may contain dots, so the longest name that matches wins."""
    best: tuple[int, str] | None = None
    best_len = -1
    for k, item in enumerate(items):
        head = f"{prefix}.{item.name}."
        if path.startswith(head) and len(item.name) > best_len:
            best, best_len = (k, path[len(head):]), len(item.name)
    return best


def _resolve(scenario: Any, path: str, field: str) -> _Resolved:
    if not isinstance(path, str):
        raise invalid(field, path, "a parameter path (str): " + _FORMS, _core.TypeMismatchError)
    if not isinstance(scenario, _core.Scenario):
        raise invalid("scenario", type(scenario).__name__, "an msmesim.Scenario", _core.TypeMismatchError)
    head, _, rest = path.partition(".")
    if path in SCENARIO_FIELDS:
        return _Resolved("scenario", -1, path, SCENARIO_FIELDS[path])
    if path in ("months", "start"):
        raise invalid(field, path, "not the horizon (results are compared over equal horizons); " + _FORMS)
    if head == "params" and rest:
        if rest not in _core.FirmParams.names():
            raise invalid(field, rest, "a parameter of docs/parameters.md (msmesim params)")
        table = _firm_param_integers()
        return _Resolved("params", -1, rest, table.get(rest, False))
    if head == "shocks" and rest:
        shocks = list(scenario.shocks)
        found = _named(shocks, path, "shocks")
        if found is None:
            listed = ", ".join(s.name for s in shocks) or "none (the scenario has no shocks)"
            raise invalid(field, rest.split(".")[0], "a shock of the scenario: " + listed)
        index, what = found
        shock = shocks[index]
        fields = _shock_fields(shock)
        if what not in fields:
            raise invalid(field, what, f"a field of shock '{shock.name}': " + ", ".join(fields))
        integer = SHOCK_FIELDS.get(what, False)
        return _Resolved("shock", index, what, integer)
    if head == "programmes" and rest:
        progs = list(scenario.programmes)
        found = _named(progs, path, "programmes")
        if found is None:
            listed = ", ".join(p.name for p in progs) or "none (the scenario has no programmes)"
            raise invalid(field, rest.split(".")[0], "a programme of the scenario: " + listed)
        index, what = found
        prog = progs[index]
        if what.startswith("params."):
            param = what[len("params."):]
            rows = {row["name"]: row for row in _core.programme_params(prog.kind)}
            if param not in rows:
                known = ", ".join(rows) if rows else f"none ({prog.kind} has no kind parameters)"
                raise invalid(field, param, f"a parameter of kind {prog.kind}: {known}")
            return _Resolved("programme_param", index, param, bool(rows[param]["integer"]))
        if what not in PROGRAMME_FIELDS:
            raise invalid(field, what, f"a field of programme '{prog.name}': "
                          + ", ".join([*PROGRAMME_FIELDS, "params.<param>"]))
        return _Resolved("programme", index, what, PROGRAMME_FIELDS[what])
    raise invalid(field, path, _FORMS)


_INTEGER_PARAMS: dict[str, bool] | None = None


def _firm_param_integers() -> dict[str, bool]:
    global _INTEGER_PARAMS
    if _INTEGER_PARAMS is None:
        from .api import parameter_table

        table = parameter_table("firm")
        _INTEGER_PARAMS = dict(zip(table["name"], table["integer"].astype(bool)))
    return _INTEGER_PARAMS


def _shock_fields(shock: Any) -> list[str]:
    fields = list(SHOCK_FIELDS)
    fields += [f"severity.{f}" for f in SEVERITY_FIELDS.get(shock.severity.kind, ())]
    fields += [f"incidence_by_sector.{s}" for s in shock.incidence_by_sector]
    for sector, dist in shock.severity_by_sector.items():
        fields += [f"severity_by_sector.{sector}.{f}" for f in SEVERITY_FIELDS.get(dist.kind, ())]
    return fields


def _severity_part(shock: Any, what: str) -> tuple[Any, str, str | None] | None:
    """(distribution, its field, sector or None) of a severity path of a shock, or None."""
    if what.startswith("severity."):
        return shock.severity, what[len("severity."):], None
    if what.startswith("severity_by_sector."):
        sector, _, part = what[len("severity_by_sector."):].rpartition(".")
        return shock.severity_by_sector[sector], part, sector
    return None


def _with_severity(dist: Any, part: str, x: float) -> Any:
    """A copy of a severity distribution with one field set (a beta's sd kept valid when its mean moves)."""
    a, b = dist.a, dist.b
    if dist.kind == "fixed":
        return _core.SeverityDist.fixed(x)
    if dist.kind == "uniform":
        lo, hi = (x, b) if part == "low" else (a, x)
        return _core.SeverityDist.uniform(lo, hi)
    mean, sd = (x, b) if part == "mean" else (a, x)
    if part == "mean" and 0.0 < mean < 1.0:
        # A beta needs sd^2 < mean (1 - mean): moving the mean keeps the shock's sd
        # within that (documented in docs/sweeps.md); an sd given outright is
        # checked, never changed.
        sd = min(sd, 0.999 * math.sqrt(mean * (1.0 - mean)))
    return _core.SeverityDist.beta(mean, sd)


# Values -----------------------------------------------------------------------------------------
def _value(field: str, value: Any, integer: bool, round_integers: bool, none_if_inf: bool) -> float | int | None:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise invalid(field, value, "a number", _core.TypeMismatchError)
    v = float(value)
    if none_if_inf and v == math.inf:
        return None
    if math.isnan(v):
        raise invalid(field, v, "a number (not NaN)")
    if integer:
        if not math.isfinite(v):
            raise invalid(field, v, "a whole number" + (" or inf (no limit)" if none_if_inf else ""))
        if round_integers:
            v = float(round(v))
        elif v != round(v):
            raise invalid(field, v, "a whole number" + (" or inf (no limit)" if none_if_inf else ""))
        return int(v)
    return v


def _rewrap(field: str, value: Any, exc: Exception) -> Exception:
    allowed = getattr(exc, "allowed", None) or str(exc)
    return invalid(field, value, allowed, type(exc) if isinstance(exc, _core.Error) else _core.InvalidArgumentError)


def setter(scenario: Any, path: str, *, round_integers: bool = False, field: str | None = None) -> Setter:
    """A function ``set(scenario, value)`` that sets the number at ``path``
    in a scenario of the same shape as ``scenario`` (same shocks and
    programmes), in place, checking the value.

    The path is checked now against ``scenario``; ``field`` is the name errors
    give (default: the path). With ``round_integers`` whole-number fields
    take the nearest whole number instead of refusing a fraction.
    """
    label = path if field is None else field
    r = _resolve(scenario, path, label)

    def checked(v: Any) -> float | int | None:
        none_if_inf = r.kind == "programme" and r.field in ("quota", "monthly_capacity")
        return _value(label, v, r.integer, round_integers, none_if_inf)

    if r.kind == "scenario":
        def set_scenario(sc: Any, v: float) -> None:
            x = checked(v)
            if x is None or x < 1:
                raise invalid(label, v, "a whole number >= 1")
            setattr(sc, r.field, x)
        return set_scenario

    if r.kind == "params":
        def set_param(sc: Any, v: float) -> None:
            x = checked(v)
            try:
                sc.params[r.field] = float(x)  # type: ignore[arg-type]
            except _core.Error as exc:
                raise _rewrap(label, v, exc) from None
        return set_param

    if r.kind == "shock":
        def set_shock(sc: Any, v: float) -> None:
            checked_value = checked(v)
            x = 0.0 if checked_value is None else checked_value  # never None: no 'no limit' here
            shocks = list(sc.shocks)
            s = shocks[r.index]
            what = r.field
            severity = _severity_part(s, what)
            if severity is not None:
                current, part, sector = severity
                try:
                    dist = _with_severity(current, part, x)
                    dist.validate(label)
                except _core.Error as exc:
                    raise _rewrap(label, v, exc) from None
                if sector is None:
                    s.severity = dist
                else:
                    s.severity_by_sector = {**s.severity_by_sector, sector: dist}
            elif what.startswith("incidence_by_sector."):
                sector = what[len("incidence_by_sector."):]
                s.incidence_by_sector = {**s.incidence_by_sector, sector: x}
            else:
                setattr(s, what, x)
            try:
                s.validate()
            except _core.Error as exc:
                raise _rewrap(label, v, exc) from None
            shocks[r.index] = s
            sc.shocks = shocks
        return set_shock

    def set_programme(sc: Any, v: float) -> None:
        x = checked(v)
        progs = list(sc.programmes)
        p = progs[r.index]
        if r.kind == "programme_param":
            p.params = {**p.params, r.field: float(x)}  # type: ignore[arg-type]
        else:
            setattr(p, r.field, x)
        try:
            p.validate()
        except _core.Error as exc:
            raise _rewrap(label, v, exc) from None
        progs[r.index] = p
        sc.programmes = progs
    return set_programme


def getter(scenario: Any, path: str) -> float:
    """The number at ``path`` in ``scenario`` (see the module docstring for
    ``quota``, ``monthly_capacity`` and ``amount_rp``)."""
    r = _resolve(scenario, path, path)
    if r.kind == "scenario":
        return float(getattr(scenario, r.field))
    if r.kind == "params":
        return float(scenario.params[r.field])
    if r.kind == "shock":
        s = scenario.shocks[r.index]
        severity = _severity_part(s, r.field)
        if severity is not None:
            sev, part, _sector = severity
            return float(sev.a if part in ("mean", "value", "low") else sev.b)
        if r.field.startswith("incidence_by_sector."):
            return float(s.incidence_by_sector[r.field[len("incidence_by_sector."):]])
        return float(getattr(s, r.field))
    p = scenario.programmes[r.index]
    if r.kind == "programme_param":
        return float(p.param(r.field))
    if r.field == "amount_rp":
        return float(p.amount())
    value = getattr(p, r.field)
    return math.inf if value is None else float(value)


def is_integer(scenario: Any, path: str) -> bool:
    """Whether the field at ``path`` takes whole numbers only."""
    return _resolve(scenario, path, path).integer


def check(scenario: Any, paths: Any, field: str = "parameters") -> list[str]:
    """The paths as a list, each checked against ``scenario`` (errors name
    ``field`` and the path)."""
    if isinstance(paths, str) or not hasattr(paths, "__iter__"):
        raise invalid(field, paths, "a list (or dict keys) of parameter paths", _core.TypeMismatchError)
    out = list(paths)
    if not out:
        raise invalid(field, "none", "at least one parameter path: " + _FORMS)
    if len(set(out)) != len(out):
        dup = next(p for p in out if out.count(p) > 1)
        raise invalid(field, dup, "each path once")
    for p in out:
        _resolve(scenario, p, p if isinstance(p, str) else field)
    return out


def apply(scenario: Any, values: Mapping[str, Any], *, round_integers: bool = False) -> Any:
    """A copy of ``scenario`` with the numbers at the given paths set; the
    scenario passed in is not changed."""
    if not isinstance(values, Mapping):
        raise invalid("values", type(values).__name__, "a dict {path: value}", _core.TypeMismatchError)
    out = copy.deepcopy(scenario)
    for path, value in values.items():
        setter(scenario, path, round_integers=round_integers)(out, value)
    return out


def describe_paths(scenario: Any) -> list[str]:
    """Every numeric path of ``scenario``: its shocks' and programmes' fields,
    the firm parameters and the scenario-level ones."""
    if not isinstance(scenario, _core.Scenario):
        raise invalid("scenario", type(scenario).__name__, "an msmesim.Scenario", _core.TypeMismatchError)
    out: list[str] = []
    for s in scenario.shocks:
        out += [f"shocks.{s.name}.{f}" for f in _shock_fields(s)]
    for p in scenario.programmes:
        out += [f"programmes.{p.name}.{f}" for f in PROGRAMME_FIELDS]
        out += [f"programmes.{p.name}.params.{row['name']}" for row in _core.programme_params(p.kind)]
    out += [f"params.{n}" for n in _core.FirmParams.names()]
    out += list(SCENARIO_FIELDS)
    return out


__all__ = [
    "PROGRAMME_FIELDS",
    "SCENARIO_FIELDS",
    "SEVERITY_FIELDS",
    "SHOCK_FIELDS",
    "apply",
    "check",
    "describe_paths",
    "getter",
    "is_integer",
    "setter",
]
