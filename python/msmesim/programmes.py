"""Support programmes (docs/model.md §15): what a government puts money into,
for whom and under which rules.

One constructor per kind builds a validated :class:`Programme`::

    import msmesim as ms
    from msmesim import programmes as pg

    bpum = pg.cash_grant(
        "bpum", start="2020-05", end="2020-12", budget_rp=5e9,
        eligibility=pg.eligible(classes=["micro"], ranges={"revenue_rp_month": (None, 5e6)}),
        allocation="first_come", admin_cost_share=0.02,
    )
    kur = pg.kur_subsidy("kur", start="2020-06", end="2021-06", budget_rp=2e9, rate_points=0.03)
    scenario = ms.presets.bogor_covid19_scenario(24)
    scenario.programmes = [bpum, kur]      # assign a new list (appending to the property changes a copy)
    result = ms.run(population, scenario)
    result.programmes                      # reach and money per programme and month
    result.ledger                          # the government ledger by month, region, class and sector
    result.programme_summary()             # one row per programme

Every constructor takes the fields common to all kinds as keyword arguments
and the kind's own parameters (see :func:`parameter_table`) as further
keywords. Unknown keywords raise ``TypeError`` listing the allowed ones;
values of the wrong type raise :class:`TypeMismatchError` (a ``TypeError``)
and invalid values :class:`InvalidArgumentError` (a ``ValueError``), both
naming the field. Sector and region names in an eligibility are checked
against the population when a run starts.
"""

from __future__ import annotations

import difflib
import inspect
import numbers
from collections.abc import Iterable, Mapping
from typing import Any, Protocol, Union

import numpy as np
import pandas as pd

from . import _core
from ._errors import invalid

Programme = _core.Programme
Eligibility = _core.Eligibility
AttributeRange = _core.AttributeRange

#: A month: "YYYY-MM", or anything with ``year`` and ``month`` (datetime.date, pandas.Period, ...).
MonthLike = Union[str, Any]

#: The keyword arguments every kind takes, besides its own parameters.
COMMON_FIELDS = ("name", "start", "end", "budget_rp", "amount_rp", "quota", "eligibility", "allocation", "uptake",
                 "monthly_capacity", "admin_cost_share", "leakage_share")


# Vocabulary ------------------------------------------------------------------------------------
def kinds() -> list[str]:
    """Programme kind names, one per mechanism of docs/model.md §15 (cash_grant,
    kur_subsidy, credit_guarantee, shipping_voucher, ..., and the national
    credit relief: loan_restructuring, kur_extra_subsidy, bpum, virtual_rat)."""
    return _core.programme_kinds()


def spends_budget(kind: str) -> bool:
    """Whether a kind's awards cost the government money. Those that do not
    (loan_restructuring: the lenders bear the relief) act whatever their budget."""
    return _core.spends_budget(_kind(kind))


def serves_cooperatives(kind: str) -> bool:
    """Whether a kind's recipients are cooperatives (csr_capital, coop_network,
    virtual_rat; the clinic serves firms and cooperatives)."""
    return _core.serves_cooperatives(_kind(kind))


def allocations() -> list[str]:
    """Allocation rules: who is served first when applicants exceed what is left."""
    return _core.allocations()


def eligibility_attributes() -> list[str]:
    """Firm attributes an eligibility range may test (``ranges`` of :func:`eligible`)."""
    return _core.eligibility_attributes()


def default_amount_rp(kind: str) -> float:
    """The default per-recipient amount of a kind, Rp."""
    return _core.default_amount_rp(_kind(kind))


def parameter_table(kind: str) -> pd.DataFrame:
    """The kind-specific parameters of ``kind``: name, default, min, max, unit,
    integer, description and source (empty for cash_grant, which has none)."""
    columns = ["name", "default", "min", "max", "unit", "integer", "description", "source"]
    return pd.DataFrame(_core.programme_params(_kind(kind)), columns=columns)


# Checks ----------------------------------------------------------------------------------------
def _kind(kind: Any) -> str:
    if not isinstance(kind, str):
        raise invalid("kind", kind, "a programme kind name (str)", _core.TypeMismatchError)
    allowed = _core.programme_kinds()
    if kind not in allowed:
        raise invalid("kind", kind, "one of " + ", ".join(allowed))
    return kind


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def _number(field: str, value: Any) -> float:
    if not _is_number(value):
        raise invalid(field, value, "a number", _core.TypeMismatchError)
    return float(value)


def _count(field: str, value: Any) -> int | None:
    """None, or a whole number >= 0."""
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise invalid(field, value, "None (no limit) or a whole number >= 0", _core.TypeMismatchError)
    if value < 0:
        raise invalid(field, int(value), "None (no limit) or a whole number >= 0")
    return int(value)


def _flag(field: str, value: Any) -> bool | None:
    """None (any), True or False."""
    if value is None or isinstance(value, (bool, np.bool_)):
        return None if value is None else bool(value)
    raise invalid(field, value, "None (any), True or False", _core.TypeMismatchError)


def _bool(field: str, value: Any) -> bool:
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    raise invalid(field, value, "True or False", _core.TypeMismatchError)


def _names(field: str, value: Any) -> list[str]:
    """None (any), one name, or an iterable of names."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, Iterable) and not isinstance(value, Mapping):
        names = list(value)
        for k, name in enumerate(names):
            if not isinstance(name, str):
                raise invalid(f"{field}[{k}]", name, "a name (str)", _core.TypeMismatchError)
        return names
    raise invalid(field, value, "a name or a list of names", _core.TypeMismatchError)


def _month(field: str, value: Any) -> str:
    """'YYYY-MM' (parsed by the core), or an object with year and month."""
    if isinstance(value, str):
        return value
    year, month = getattr(value, "year", None), getattr(value, "month", None)
    if isinstance(year, numbers.Integral) and isinstance(month, numbers.Integral):
        return f"{int(year):04d}-{int(month):02d}"
    raise invalid(field, value, "a month 'YYYY-MM' (or a date or pandas Period)", _core.TypeMismatchError)


def _ranges(field: str, value: Any) -> list[_core.AttributeRange]:
    """A mapping attribute -> (min, max) with None for an open end, or AttributeRange objects."""
    if value is None:
        return []
    if isinstance(value, Mapping):
        out = []
        for attribute, bounds in value.items():
            f = f"{field}.{attribute}"
            if not isinstance(attribute, str):
                raise invalid(field, attribute, "attribute names (str) as keys", _core.TypeMismatchError)
            if isinstance(bounds, (str, bytes)) or not isinstance(bounds, Iterable):
                raise invalid(f, bounds, "a pair (min, max); None for an open end", _core.TypeMismatchError)
            pair = list(bounds)
            if len(pair) != 2:
                raise invalid(f, tuple(pair), "a pair (min, max); None for an open end", _core.TypeMismatchError)
            lo = -np.inf if pair[0] is None else _number(f + ".min", pair[0])
            hi = np.inf if pair[1] is None else _number(f + ".max", pair[1])
            out.append(_core.AttributeRange(attribute, lo, hi))
        return out
    if isinstance(value, Iterable) and not isinstance(value, (str, bytes)):
        items = list(value)
        for k, item in enumerate(items):
            if not isinstance(item, _core.AttributeRange):
                raise invalid(f"{field}[{k}]", item, "an AttributeRange", _core.TypeMismatchError)
        return items
    raise invalid(field, value, "a dict attribute: (min, max) or a list of AttributeRange", _core.TypeMismatchError)


# Eligibility -----------------------------------------------------------------------------------
def eligible(
    *,
    classes: str | Iterable[str] | None = None,
    sectors: str | Iterable[str] | None = None,
    regions: str | Iterable[str] | None = None,
    registered: bool | None = None,
    never_had_kur: bool = False,
    cooperative_member: bool | None = None,
    online_seller: bool | None = None,
    in_distress: bool = False,
    ranges: Mapping[str, tuple[float | None, float | None]] | Iterable[_core.AttributeRange] | None = None,
    coop_types: str | Iterable[str] | None = None,
) -> _core.Eligibility:
    """Conditions a firm must all meet to apply (None or empty: any).

    ``classes``: size classes (current class), from :func:`msmesim.size_classes`.
    ``sectors``, ``regions``: names of the population's sectors and regions
    (kecamatan), checked when a run starts. ``registered``,
    ``cooperative_member``, ``online_seller``: True (only those), False (only
    the others) or None (any). ``never_had_kur``: only firms that never had a
    KUR loan. ``in_distress``: only firms unable to meet their obligations last
    month. ``ranges``: ``{attribute: (min, max)}`` with inclusive bounds and
    None for an open end; attributes are :func:`eligibility_attributes`.
    ``coop_types``: for programmes that serve cooperatives, their types (from
    :func:`msmesim.coop_types`); ``regions`` apply to cooperatives too.
    """
    return _core.Eligibility(
        classes=_names("eligibility.classes", classes),
        sectors=_names("eligibility.sectors", sectors),
        regions=_names("eligibility.regions", regions),
        registered=_flag("eligibility.registered", registered),
        never_had_kur=_bool("eligibility.never_had_kur", never_had_kur),
        cooperative_member=_flag("eligibility.cooperative_member", cooperative_member),
        online_seller=_flag("eligibility.online_seller", online_seller),
        in_distress=_bool("eligibility.in_distress", in_distress),
        ranges=_ranges("eligibility.ranges", ranges),
        coop_types=_names("eligibility.coop_types", coop_types),
    )


# Programmes ------------------------------------------------------------------------------------
def _kind_params(kind: str, label: str, given: Mapping[str, Any]) -> dict[str, float]:
    """Checks kind-specific keyword arguments by name and type (ranges are the core's)."""
    infos = {row["name"]: row for row in _core.programme_params(kind)}
    out: dict[str, float] = {}
    for key, value in given.items():
        info = infos.get(key)
        if info is None:
            allowed = ", ".join(infos) if infos else f"none ({kind} has no kind parameters)"
            names = [*infos, *COMMON_FIELDS]
            hint = [n for n in names if n.startswith(key)] or difflib.get_close_matches(key, names, n=1)
            raise TypeError(
                f"{kind}() got an unexpected keyword argument {key!r}; its kind parameters: {allowed}; "
                f"common to every kind: {', '.join(COMMON_FIELDS)}"
                + (f" (did you mean {hint[0]!r}?)" if hint else "")
            )
        field = f"{label}.params.{key}"
        if isinstance(value, (bool, np.bool_)):
            if info["unit"] != "flag":
                raise invalid(field, value, "a number", _core.TypeMismatchError)
            out[key] = float(value)
        elif info["integer"]:
            if not _is_number(value):
                allowed = "True, False, 0 or 1" if info["unit"] == "flag" else "a whole number"
                raise invalid(field, value, allowed, _core.TypeMismatchError)
            out[key] = float(value)
        else:
            out[key] = _number(field, value)
    return out


def _build(
    kind: str,
    name: Any,
    start: MonthLike,
    end: MonthLike,
    budget_rp: Any,
    amount_rp: Any,
    quota: Any,
    eligibility: Any,
    allocation: Any,
    uptake: Any,
    monthly_capacity: Any,
    admin_cost_share: Any,
    leakage_share: Any,
    kind_params: Mapping[str, Any],
) -> _core.Programme:
    if not isinstance(name, str):
        raise invalid("programme.name", name, "a non-empty name (str)", _core.TypeMismatchError)
    label = f"programme '{name}'" if name else "programme"
    params = _kind_params(kind, label, kind_params)
    if amount_rp is not None:
        amount_rp = _number(f"{label}.amount_rp", amount_rp)
        if not amount_rp >= 0:
            raise invalid(f"{label}.amount_rp", amount_rp, "None (the kind's default) or a number >= 0")
    if eligibility is None:
        eligibility = _core.Eligibility()
    elif isinstance(eligibility, Mapping):
        eligibility = eligible(**eligibility)
    elif not isinstance(eligibility, _core.Eligibility):
        raise invalid(f"{label}.eligibility", type(eligibility).__name__,
                      "an Eligibility (see eligible()), a dict of eligible()'s arguments or None",
                      _core.TypeMismatchError)
    if not isinstance(allocation, str):
        raise invalid(f"{label}.allocation", allocation, "one of " + ", ".join(_core.allocations()),
                      _core.TypeMismatchError)
    # Ranges, dates and names are checked by the core (Programme.validate).
    return _core.Programme(
        name=name,
        kind=kind,
        start=_month(f"{label}.start", start),
        end=_month(f"{label}.end", end),
        budget_rp=_number(f"{label}.budget_rp", budget_rp),
        quota=_count(f"{label}.quota", quota),
        amount_rp=amount_rp,
        eligibility=eligibility,
        allocation=allocation,
        uptake=_number(f"{label}.uptake", uptake),
        monthly_capacity=_count(f"{label}.monthly_capacity", monthly_capacity),
        admin_cost_share=_number(f"{label}.admin_cost_share", admin_cost_share),
        leakage_share=_number(f"{label}.leakage_share", leakage_share),
        params=params,
    )


_COMMON_DOC = """
    Common fields: ``name`` (unique within a scenario; keys the programme's
    random numbers), ``start`` and ``end`` (first and last month new
    recipients are taken, "YYYY-MM"; monthly benefits stop after ``end``),
    ``budget_rp`` (government money for transfers, administrative cost and
    leakage together; the engine never spends beyond it), ``amount_rp``
    (per-recipient amount; None: the kind's default, :func:`default_amount_rp`),
    ``quota`` (recipients in all; None: no quota), ``eligibility``
    (:func:`eligible`; None: every firm), ``allocation`` (one of
    :func:`allocations`), ``uptake`` (share of eligible firms that know of the
    programme and would apply), ``monthly_capacity`` (new recipients a month;
    None: no limit), ``admin_cost_share`` (administrative cost per rupiah
    reaching recipients or leaking) and ``leakage_share`` (share of each award
    that never reaches the recipient).
"""




def programme(
    kind: str,
    name: str,
    *,
    start: MonthLike,
    end: MonthLike,
    budget_rp: float,
    amount_rp: float | None = None,
    quota: int | None = None,
    eligibility: _core.Eligibility | Mapping[str, Any] | None = None,
    allocation: str = "first_come",
    uptake: float = 1.0,
    monthly_capacity: int | None = None,
    admin_cost_share: float = 0.0,
    leakage_share: float = 0.0,
    **kind_params: float,
) -> _core.Programme:
    """A programme of any kind (one of :func:`kinds`) by name:
    ``programme("kur_subsidy", "kur", start=..., end=..., budget_rp=..., rate_points=0.03)``
    is ``kur_subsidy("kur", ...)``. The kind's parameters are in
    :func:`parameter_table`."""
    return _build(_kind(kind), name, start, end, budget_rp, amount_rp, quota, eligibility, allocation, uptake,
                  monthly_capacity, admin_cost_share, leakage_share, kind_params)


class KindConstructor(Protocol):
    """The constructor of one kind: :func:`programme` with the kind fixed."""

    def __call__(
        self,
        name: str,
        *,
        start: MonthLike,
        end: MonthLike,
        budget_rp: float,
        amount_rp: float | None = None,
        quota: int | None = None,
        eligibility: _core.Eligibility | Mapping[str, Any] | None = None,
        allocation: str = "first_come",
        uptake: float = 1.0,
        monthly_capacity: int | None = None,
        admin_cost_share: float = 0.0,
        leakage_share: float = 0.0,
        **kind_params: float,
    ) -> _core.Programme: ...


def _constructor(kind: str, summary: str) -> KindConstructor:
    """``programme`` with ``kind`` fixed, named and documented as the kind. A
    kind that spends no budget (:func:`spends_budget`) takes ``budget_rp=0``
    unless given."""
    free = not _core.spends_budget(kind)

    def build(name: str, **kwargs: Any) -> _core.Programme:
        if free:
            kwargs.setdefault("budget_rp", 0.0)
        return programme(kind, name, **kwargs)

    signature = inspect.signature(programme)
    parameters = [p for p in signature.parameters.values() if p.name != "kind"]
    if free:
        parameters = [p.replace(default=0.0) if p.name == "budget_rp" else p for p in parameters]
    build.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
    build.__name__ = build.__qualname__ = kind
    build.__doc__ = summary
    return build


cash_grant = _constructor("cash_grant", """
    A one-off cash transfer to each recipient (BPUM-style).""")
kur_subsidy = _constructor("kur_subsidy", """
    KUR loans at a subsidised rate; the government pays the difference in interest.""")
shipping_voucher = _constructor("shipping_voucher", """
    Vouchers paying the shipping of online sales, every month (``amount_rp`` a month).""")
digital_training = _constructor("digital_training", """
    Digital (online selling) training in batches; success depends on the owner's capability
    (``amount_rp`` per trainee; ``monthly_capacity`` is the batch size).""")
market_access = _constructor("market_access", """
    Market access (bazaars, exhibitions, local-procurement rules): extra demand for participating
    firms (``amount_rp`` per firm).""")
shop_rental = _constructor("shop_rental", """
    Shop rental facilitation: pays part of a recipient's fixed cost (rent) every month, up to
    ``amount_rp`` a month.""")
credit_guarantee = _constructor("credit_guarantee", """
    Credit guarantees (KUR expansion): a guaranteed applicant gets better approval odds and higher
    ceilings at KUR and bank lenders; the programme pays a guarantee fee on each loan and claims
    when a guaranteed firm closes owing.""")
csr_capital = _constructor("csr_capital", """
    CSR (TJSL) funds into cooperatives' capital (``amount_rp`` per cooperative), lent to their
    member firms. Recipients are cooperatives: ``eligibility`` takes ``regions`` and ``coop_types``.""")
certification = _constructor("certification", """
    IPR / halal certification: pays the fee (``amount_rp``) for a yearly number of firms; certified
    firms get a price premium.""")
clinic = _constructor("clinic", """
    The Clean & Clear consultation clinic: a scheduled queue of consultations (``amount_rp`` each)
    for firms and cooperatives.""")
coop_collaboration = _constructor("coop_collaboration", """
    Cooperative-micro-enterprise collaboration (MoU): membership of a cooperative, capacity
    building, distribution and marketing for participating firms (``amount_rp`` per firm).""")
coop_network = _constructor("coop_network", """
    Joint financing, buying and selling among cooperatives that join a network (``amount_rp`` of
    facilitation per cooperative). Recipients are cooperatives: ``eligibility`` takes ``regions``
    and ``coop_types``.""")

loan_restructuring = _constructor("loan_restructuring", """
    Credit relief by restructuring (POJK 11/POJK.03/2020; Permenko 6/2020 for KUR): the formal loans
    of affected debtors are deferred for ``deferral_months`` (the principal, or the interest too with
    ``interest_deferred``), their arrears are cleared into the loan and their terms extended by
    ``extension_months``, so that the instalment never rises. The lenders bear the relief, not the
    government: ``budget_rp`` defaults to 0 and does not limit the programme (:func:`spends_budget`);
    the deferred debt service is reported as ``relief_rp`` in ``Result.programmes`` and the loans as
    ``restructured`` in ``Result.credit_book``. ``uptake_kur``, ``uptake_bank`` and
    ``uptake_cooperative`` are the shares of applicants each kind of lender restructures.""")
kur_extra_subsidy = _constructor("kur_extra_subsidy", """
    The extra KUR interest subsidy of the national economic recovery programme (PEN; PMK
    85/PMK.05/2020, Permenko 8/2020): the government pays ``rate_points`` of interest on existing KUR
    loans whose arrears are at most ``max_arrears_installments`` instalments, every month of the
    programme (6 points April-December 2020, 3 points from January 2021), while its budget lasts; the
    full rate returns when it ends. ``amount_rp`` is unused: the cost follows each loan.""")
bpum = _constructor("bpum", """
    Banpres Produktif Usaha Mikro (BPUM, 2020-2021): a one-off grant (``amount_rp``, by default
    Rp 2.4 million) to micro firms without credit from a bank, KUR or a cooperative (with
    ``exclude_informal``, without informal credit either), and with at most ``max_cash_rp`` of cash.
    Restrict it further with ``eligibility`` (micro firms are the default target).""")
virtual_rat = _constructor("virtual_rat", """
    Support for cooperatives to hold their members' meeting (RAT) online while gatherings are
    restricted (``Scenario.restrictions``): training and a video-meeting service (``amount_rp`` per
    cooperative). With ``due_only`` only cooperatives that would lose their active status without a
    meeting this year (and inactive ones) are served. Recipients are cooperatives: ``eligibility``
    takes ``regions`` and ``coop_types``.""")

_CONSTRUCTORS: dict[str, KindConstructor] = {
    "cash_grant": cash_grant,
    "kur_subsidy": kur_subsidy,
    "shipping_voucher": shipping_voucher,
    "digital_training": digital_training,
    "market_access": market_access,
    "shop_rental": shop_rental,
    "credit_guarantee": credit_guarantee,
    "csr_capital": csr_capital,
    "certification": certification,
    "clinic": clinic,
    "coop_collaboration": coop_collaboration,
    "coop_network": coop_network,
    "loan_restructuring": loan_restructuring,
    "kur_extra_subsidy": kur_extra_subsidy,
    "bpum": bpum,
    "virtual_rat": virtual_rat,
}


def _kind_doc(kind: str) -> str:
    rows = _core.programme_params(kind)
    if not rows:
        return "\n    Kind parameters: none.\n"
    lines = ["\n    Kind parameters (keyword arguments; unset ones take their defaults):\n"]
    for row in rows:
        rng = f"{row['min']:g} to {row['max']:g}"
        kind_of = "integer, " if row["integer"] else ""
        lines.append(f"    - ``{row['name']}`` = {row['default']:g} ({kind_of}{rng}, {row['unit']}): "
                     f"{row['description']}")
    return "\n".join(lines) + "\n"


def _document() -> None:
    known = set(_core.programme_kinds())
    for kind, fn in _CONSTRUCTORS.items():
        if kind not in known:  # pragma: no cover - a core without this kind
            continue
        fn.__doc__ = (fn.__doc__ or "") + "\n" + _COMMON_DOC + _kind_doc(kind)


_document()

__all__ = [
    "AttributeRange",
    "COMMON_FIELDS",
    "Eligibility",
    "Programme",
    "allocations",
    "bpum",
    "cash_grant",
    "certification",
    "clinic",
    "coop_collaboration",
    "coop_network",
    "credit_guarantee",
    "csr_capital",
    "default_amount_rp",
    "digital_training",
    "eligibility_attributes",
    "eligible",
    "kinds",
    "kur_extra_subsidy",
    "kur_subsidy",
    "loan_restructuring",
    "market_access",
    "parameter_table",
    "programme",
    "serves_cooperatives",
    "shipping_voucher",
    "shop_rental",
    "spends_budget",
    "virtual_rat",
]
