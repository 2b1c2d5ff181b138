"""The Python face of the engine: populations, runs and results as pandas."""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from . import _core, _workbook
from ._common import ProgressArg, ResultBase, check_int, columns_frame, progress_callback
from ._errors import invalid
from ._files import OUTPUT_FORMATS, check_output_dir, output_directory, write_parquet

#: Every table of a run — the core's list, ``_core.RunResult.table_names()`` —
#: and the :class:`Result` property that gives it as a DataFrame (a test
#: checks that the two agree).
RESULT_TABLES: dict[str, str] = {
    "monthly": "monthly",
    "by_sector": "by_sector",
    "by_class": "by_class",
    "by_region": "by_region",
    "firms": "firms",
    "credit_book": "credit_book",
    "panel": "panel",
    "cooperatives_monthly": "cooperatives",
    "cooperatives_by_type": "cooperatives_by_type",
    "cooperatives_by_region": "cooperatives_by_region",
    "cooperatives_panel": "cooperatives_panel",
    "programmes_monthly": "programmes",
    "programme_ledger": "ledger",
    "programme_payments": "programme_payments",
    "programme_awards": "programme_awards",
}
#: The file :func:`write_outputs` writes a table to, where it is not the table's name.
_FILE_OF = {"cooperatives_monthly": "cooperatives", "programmes_monthly": "programmes"}


def output_file_of(table: str, format: str = "csv") -> str:
    """The file :func:`write_outputs` writes the run table ``table`` to (``format``: csv or parquet)."""
    return f"{_FILE_OF.get(table, table)}.{format}"



_GROUP_NAMES = {"by_sector": "sector", "by_class": "size_class", "by_region": "region",
                "cooperatives_by_type": "type", "cooperatives_by_region": "region"}
_COOP_TABLES = ("cooperatives_monthly", "cooperatives_by_type", "cooperatives_by_region")
_PROGRAMME_TABLES = ("programmes_monthly", "programme_ledger", "programme_payments", "programme_awards")
#: Tables whose rows carry a month index but no date of their own; the frames get a ``date`` after ``month``.
_DATED_BY_MONTH = ("credit_book",)
#: Columns of Result.programme_summary(), in order.
_PROGRAMME_SUMMARY = ("kind", "recipients", "beneficiaries_peak", "transfer_rp", "admin_rp", "leakage_rp", "spent_rp",
                      "relief_rp", "budget_rp", "budget_left_rp", "eligible_peak", "applicants_peak")


def generate_population(spec: _core.PopulationSpec, seed: int = 1, threads: int = 0) -> _core.Population:
    """Draw a synthetic population from ``spec``; deterministic in (spec, seed)."""
    check_int("seed", seed, 0, 2**64 - 1)
    check_int("threads", threads, 0)
    return _core.Population.generate(spec, seed, threads)


def load_population_csv(
    path: str | os.PathLike[str],
    name: str = "",
    regime: str = "law20_2008",
    *,
    cooperatives: str | os.PathLike[str] | None = None,
    memberships: str | os.PathLike[str] | None = None,
    csv_locale: str = "auto",
) -> _core.Population:
    """Read firms from a registry extract: a CSV file or an ``.xlsx``
    workbook (columns in docs/data.md).

    ``regime`` is the size-class regime of the file's ``size_class`` column
    (``law20_2008`` or ``pp7_2021``), also used to classify rows without one.
    With ``cooperatives`` the population's cooperatives are read from that
    file (as written by ``Population.cooperatives_to_csv``) and the firms'
    memberships from ``memberships`` (as written by
    ``Population.memberships_to_csv``) or, without it, from the firm file's
    ``cooperative`` column.

    ``csv_locale`` says how CSV files write fields and numbers: ``auto``
    (detected from each file's header row), ``en`` (commas, ``1234.5``) or
    ``id`` (semicolons, ``1.234,5``, as a spreadsheet in an Indonesian locale
    exports). A workbook's sheet is named after ``#``
    (``register.xlsx#koperasi``; the first sheet without one); its errors name
    the sheet, row and cell (:class:`SpreadsheetError`).
    """
    if csv_locale not in ("auto", "en", "id"):
        raise invalid("csv_locale", csv_locale,
                      "auto (detected from the header row), en (commas, 1234.5) or id (semicolons, 1.234,5)")
    paths = [os.fspath(path)] + [None if p is None else os.fspath(p) for p in (cooperatives, memberships)]
    if not name and _workbook.is_workbook(paths[0]):
        name = Path(_workbook.split_sheet(paths[0])[0]).stem
    with _workbook.as_csv(*paths, csv_locale=csv_locale) as (readable, _):
        firms_path, coops_path, members_path = readable
        return _core.Population.from_csv(
            firms_path or "", name, regime, cooperatives=coops_path, memberships=members_path,
            csv_locale=csv_locale)


def population_frame(population: _core.Population) -> pd.DataFrame:
    """The population as a DataFrame; numeric columns are views of the C++ arrays."""
    data: dict[str, Any] = {}
    for name in _core.Population.array_names():
        data[name] = getattr(population, name)
    frame = pd.DataFrame(data, copy=False)
    frame["region"] = pd.Categorical.from_codes(frame["region"].astype(np.int32), population.region_names)
    frame["sector"] = pd.Categorical.from_codes(frame["sector"].astype(np.int32), population.sector_names)
    frame["size_class"] = pd.Categorical.from_codes(frame["size_class"].astype(np.int8), _core.size_classes())
    frame["loan_lender"] = pd.Categorical.from_codes(frame["loan_lender"].astype(np.int8), _core.lenders())
    return frame


def burn_in(population: _core.Population, params: _core.FirmParams | dict[str, float] | None = None,
            months: int = 60, seed: int = 1, threads: int = 0) -> _core.Population:
    """Burn ``population`` in, in place, and return it (docs/model.md §4).

    The firms are stepped for ``months`` months through the model's own
    processes under ``params`` (a :class:`FirmParams`, a dict of parameter
    values or None for the defaults), without shocks or programmes; each firm
    that closes is replaced in its row by a new one drawn from
    ``population.entry_spec``. Cash, loans with their age, assets, revenue
    levels, arrears, what the owner is owed and the firms' ages are written
    back, and ``population.baseline_exit_rate_month`` is set, so that a run
    without shocks under the same parameters stands still. Generated
    populations are already burnt in (population parameter
    ``burn_in_months``); use this for a registry read from CSV.
    Deterministic in (population, params, months, seed).
    """
    if not isinstance(population, _core.Population):
        raise invalid("population", type(population).__name__, "an msmesim.Population", _core.TypeMismatchError)
    check_int("months", months, 0, 1200)
    check_int("seed", seed, 0, 2**64 - 1)
    check_int("threads", threads, 0)
    _core.burn_in(population, _firm_params(params), months, seed, threads)
    return population


def _firm_params(params: _core.FirmParams | dict[str, float] | None) -> _core.FirmParams:
    """FirmParams from FirmParams, a dict of name: value, or None (the defaults)."""
    if params is None:
        return _core.FirmParams()
    if isinstance(params, _core.FirmParams):
        return params
    if isinstance(params, dict):
        out = _core.FirmParams()
        for name, value in params.items():
            if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
                raise invalid(f"params.{name}", value, "a number", _core.TypeMismatchError)
            out.set(str(name), float(value))
        return out
    raise invalid("params", type(params).__name__, "FirmParams, a dict of name: number or None",
                  _core.TypeMismatchError)


#: Money columns of cooperatives_frame, in order (Rp; external_capital_rp is derived).
_COOPERATIVE_MONEY = (
    "own_capital_rp", "deposits_rp", "borrowed_rp", "external_capital_rp", "surplus_rp", "cash_rp", "loans_rp",
    "arrears_rp", "other_assets_rp", "business_volume_rp_year", "shu_rp_year",
)


def _member_firms(population: _core.Population) -> np.ndarray:
    """Member firms per cooperative (int64, one entry per cooperative)."""
    n = len(population.cooperatives)
    coop = population.cooperative
    members = coop[coop >= 0]
    if members.size and int(members.max()) >= n:
        raise invalid("cooperative", int(members.max()),
                      f"-1 (none) or a cooperative index below {n} (the population's cooperatives)")
    return np.bincount(members, minlength=n).astype(np.int64, copy=False)


def cooperatives_frame(population: _core.Population) -> pd.DataFrame:
    """The population's cooperatives as a DataFrame, one row each.

    The index ``cooperative`` is the cooperative's index (the value of the
    firms' ``cooperative`` attribute). Columns: ``region`` (kecamatan name)
    and ``type`` as categoricals (types in :func:`coop_types` order),
    ``members`` (persons), ``member_firms`` (firms of the population that
    belong to it), the balance sheet and book-year figures in rupiah
    (``own_capital_rp``, ``deposits_rp``, ``borrowed_rp``,
    ``external_capital_rp`` = deposits + borrowed, ``surplus_rp``,
    ``cash_rp``, ``loans_rp``, ``arrears_rp``, ``other_assets_rp``,
    ``business_volume_rp_year``, ``shu_rp_year``), ``rat_history`` (bit k:
    members' meeting held k+1 years ago), and ``active``, ``healthy`` and
    ``virtual_rat`` (able to hold its RAT online when gatherings are
    restricted) as bool. Numeric columns are built from the C++ arrays
    without Python loops.
    """
    co = population.cooperatives
    n = len(co)
    data: dict[str, Any] = {
        "region": pd.Categorical.from_codes(co.region.astype(np.int32), population.region_names),
        "type": pd.Categorical.from_codes(co.type.astype(np.int8), _core.coop_types()),
        "members": co.members,
        "member_firms": _member_firms(population),
    }
    for name in _COOPERATIVE_MONEY:
        data[name] = co.deposits_rp + co.borrowed_rp if name == "external_capital_rp" else getattr(co, name)
    data["rat_history"] = co.rat_history
    data["active"] = co.active.astype(bool)
    data["healthy"] = co.healthy.astype(bool)
    data["virtual_rat"] = co.virtual_rat.astype(bool)
    return pd.DataFrame(data, index=pd.RangeIndex(n, name="cooperative"), copy=False)


def memberships_frame(population: _core.Population) -> pd.DataFrame:
    """One row per member firm: ``firm`` (row of the population),
    ``cooperative`` (index into its cooperatives) and ``region`` (the firm's
    kecamatan, a categorical; the cooperative's region too)."""
    _member_firms(population)  # checks the indices
    firm = np.flatnonzero(population.cooperative >= 0)
    return pd.DataFrame({
        "firm": firm.astype(np.int64, copy=False),
        "cooperative": population.cooperative[firm],
        "region": pd.Categorical.from_codes(population.region[firm].astype(np.int32), population.region_names),
    })


def parameter_table(kind: Literal["firm", "population", "class", "sector"] = "firm") -> pd.DataFrame:
    """Every parameter of a kind with its default, range, unit and source."""
    rows = {
        "firm": _core.firm_param_table,
        "population": _core.population_param_table,
        "class": _core.class_param_table,
        "sector": _core.sector_param_table,
    }
    if kind not in rows:
        raise invalid("kind", kind, "one of firm, population, class, sector")
    return pd.DataFrame(rows[kind]())


def _table_frame(raw: _core.RunResult, which: str) -> pd.DataFrame:
    frame = columns_frame(raw.table_columns(which))
    if which in _GROUP_NAMES:
        frame = frame.rename(columns={"group": _GROUP_NAMES[which]})
    if "date" in frame:
        frame["date"] = pd.PeriodIndex(frame["date"], freq="M")
    elif which in _DATED_BY_MONTH and "month" in frame:
        dates = pd.period_range(raw.start, periods=max(raw.months, 1), freq="M")
        frame.insert(frame.columns.get_loc("month") + 1, "date", dates[frame["month"].to_numpy()])
    return frame


class Result(ResultBase):
    """One run's outcome, with pandas views of its tables.

    Attributes ``monthly``, ``by_sector``, ``by_class``, ``by_region``,
    ``firms``, ``credit_book`` and ``panel`` are DataFrames whose numeric
    columns share memory with the C++ result (no copies); so are
    ``cooperatives``, ``programmes``, ``ledger`` and ``programme_payments``. ``raw`` is the underlying
    ``msmesim._core.RunResult``. ``budgets`` maps programme names to their
    budgets (Rp) when known (:func:`run` passes the scenario's); without it
    :meth:`programme_summary` reads the budgets off the monthly figures.
    """

    def __init__(self, raw: _core.RunResult, budgets: dict[str, float] | None = None) -> None:
        self.raw = raw
        self._budgets = dict(budgets) if budgets else {}

    # Metadata -------------------------------------------------------------------------------
    @property
    def scenario(self) -> str:
        return self.raw.scenario

    @property
    def seed(self) -> int:
        return self.raw.seed

    @property
    def replication(self) -> int:
        return self.raw.replication

    @property
    def months(self) -> int:
        return self.raw.months

    @property
    def initial_firms(self) -> int:
        return self.raw.initial_firms

    @property
    def elapsed_seconds(self) -> float:
        return self.raw.elapsed_seconds

    @property
    def survey_window(self) -> tuple[str, str] | None:
        """The scenario's survey window of the main-problem shares in summaries
        (first and last month, "YYYY-MM"), or None."""
        start, end = self.raw.survey_start, self.raw.survey_end
        return None if start is None or end is None else (start, end)

    def firm_months_per_second(self) -> float:
        return self.raw.firm_months_per_second()

    # Tables -------------------------------------------------------------------------------------
    @functools.cached_property
    def monthly(self) -> pd.DataFrame:
        """One row per month: firms, employment, revenue index, distress, credit, main problems."""
        return _table_frame(self.raw, "monthly")

    @functools.cached_property
    def by_sector(self) -> pd.DataFrame:
        """Long table: one row per (month, sector)."""
        return _table_frame(self.raw, "by_sector")

    @functools.cached_property
    def by_class(self) -> pd.DataFrame:
        """Long table: one row per (month, size class at the start of the run)."""
        return _table_frame(self.raw, "by_class")

    @functools.cached_property
    def by_region(self) -> pd.DataFrame:
        """Long table: one row per (month, region / kecamatan)."""
        return _table_frame(self.raw, "by_region")

    @functools.cached_property
    def firms(self) -> pd.DataFrame:
        """Firm-level microdata: one row per firm (initial firms, then entrants)."""
        return _table_frame(self.raw, "firms")

    @functools.cached_property
    def credit_book(self) -> pd.DataFrame:
        """The credit book: one row per month and lender (``lender`` a
        categorical in :func:`msmesim.lenders` order) with the formal and
        informal loans outstanding at the month's end (``loans``,
        ``outstanding_rp``), the month's new loans (``new_loans``,
        ``new_rp``), loans in arrears and their arrears (``in_arrears``,
        ``arrears_rp``), loans under restructuring (``restructured``,
        ``restructured_rp``), and principal written off and recovered from
        firms that closed that month (``written_off_rp``, ``recovered_rp``).
        ``date`` is the calendar month of ``month``."""
        return _table_frame(self.raw, "credit_book")

    @property
    def panel(self) -> pd.DataFrame:
        """Every firm at the end of each month the run was asked to keep
        (``run(..., panel_months=[...])``; empty otherwise), in long form: one
        row per month and firm (``firm`` is the row of :attr:`firms`) with
        ``status`` and ``size_class`` as categoricals, the month's
        ``revenue_rp``, and ``cash_rp``, ``assets_rp``, ``debt_rp`` (formal and
        informal principal) and ``workers`` (0 once closed) at its end."""
        return _table_frame(self.raw, "panel")

    def closures_by_route(self) -> pd.DataFrame:
        """Closures each month by route (index ``date``): ``owner_exit`` (the
        owner left for reasons outside the business), ``unviable`` (it no longer
        supported the household) and ``insolvent`` (unable to meet its
        obligations for ``closure_after_months`` months)."""
        m = self.monthly
        routes = {f"closures_{r}": r for r in _core.closure_reasons() if r != "open"}
        return m.set_index("date")[list(routes)].rename(columns=routes)

    @property
    def cooperatives(self) -> pd.DataFrame:
        """The cooperatives month by month (empty without cooperatives): active,
        healthy and stressed cooperatives, liquidity, deposits and withdrawals,
        loans, arrears, SHU (docs/model.md §14)."""
        return _table_frame(self.raw, "cooperatives_monthly")

    @property
    def cooperatives_by_type(self) -> pd.DataFrame:
        """The cooperatives' monthly figures by type (long form, column ``type``)."""
        return _table_frame(self.raw, "cooperatives_by_type")

    @property
    def cooperatives_by_region(self) -> pd.DataFrame:
        """The cooperatives' monthly figures by kecamatan (long form, column ``region``)."""
        return _table_frame(self.raw, "cooperatives_by_region")

    @property
    def cooperatives_panel(self) -> pd.DataFrame:
        """One row per cooperative and month (run with ``cooperative_panel=True``).

        Covers the initial cooperatives and every one founded in the run (its
        rows are zero before its founding month), with ``region`` and ``type``.
        """
        return _table_frame(self.raw, "cooperatives_panel")

    @property
    def programmes(self) -> pd.DataFrame:
        """The support programmes month by month (empty without programmes;
        docs/model.md §15): one row per month and programme (``programme``,
        ``kind`` as categoricals, programmes in the scenario's order) with the
        ``eligible`` firms (or cooperatives), ``applicants``, ``new_recipients``,
        ``beneficiaries`` (recipients of a running benefit that month: vouchers,
        rent, a subsidised loan), applicants turned away for want of budget,
        capacity or quota (``rejected_budget``, ``rejected_capacity``,
        ``rejected_quota``), the month's ``capacity`` (-1: no limit), the
        month's outlay (``transfer_rp``, ``admin_rp``, ``leakage_rp``), and
        ``committed_rp`` (reserved for running subsidies), ``spent_to_date_rp``,
        ``budget_left_rp`` (net of commitments), ``resale_proceeds_rp``
        (vouchers sold on, paid by their buyers) and ``relief_rp`` (debt
        service the lenders deferred that month under a loan restructuring;
        not government money)."""
        return _table_frame(self.raw, "programmes_monthly")

    @property
    def ledger(self) -> pd.DataFrame:
        """The government ledger of the programmes (empty without programmes):
        one row per month, programme, ``recipient`` (firm or cooperative),
        ``region``, ``size_class`` and ``sector`` (missing for cooperatives)
        with an outlay: ``transfer_rp`` (reaching recipients, in cash or in
        kind), ``admin_rp`` (administrative cost) and ``leakage_rp`` (never
        reaching a recipient). Its sums by month and programme are those of
        :attr:`programmes`."""
        return _table_frame(self.raw, "programme_ledger")

    @property
    def programme_payments(self) -> pd.DataFrame:
        """Every payment of a programme to (or on behalf of) a recipient (empty
        without programmes): ``month``, ``programme``, ``firm`` (row of
        :attr:`firms`; -1 for a cooperative), ``cooperative`` (index of the
        population's cooperatives; -1 for a firm), ``transfer_rp``, ``admin_rp``
        and ``leakage_rp``. Its sums are those of :attr:`ledger`."""
        return _table_frame(self.raw, "programme_payments")

    @property
    def programme_awards(self) -> pd.DataFrame:
        """Every award of a programme (empty without programmes): ``month``,
        ``programme``, ``firm`` (-1 for a cooperative), ``cooperative`` (-1 for
        a firm) and the recipient firm's state at the start of that month
        (for a loan under a KUR subsidy or guarantee: as it sought the loan,
        before the month's payments):
        ``distressed`` (1 if unable to meet its obligations the month before),
        ``cash_rp`` and ``obligations_rp`` (monthly fixed costs, wages of paid
        workers and instalments)."""
        return _table_frame(self.raw, "programme_awards")

    def programme_summary(self) -> pd.DataFrame:
        """One row per programme (index ``programme``, in the scenario's order):
        ``kind``; ``recipients`` (firms or cooperatives awarded over the run);
        ``beneficiaries_peak`` (most recipients of a running benefit in one
        month); the outlay over the run, ``transfer_rp``, ``admin_rp``,
        ``leakage_rp`` and ``spent_rp`` (their sum); ``relief_rp`` (debt service
        the lenders deferred under a loan restructuring: not government money);
        ``budget_rp``;
        ``budget_left_rp`` (after the last month, net of commitments);
        ``eligible_peak`` and ``applicants_peak`` (most eligible firms or
        cooperatives and applicants in one month). Empty without programmes."""
        m = self.programmes
        if m.empty:
            return pd.DataFrame({c: pd.Series(dtype=object if c == "kind" else float) for c in _PROGRAMME_SUMMARY},
                                index=pd.Index([], name="programme"))
        g = m.groupby("programme", observed=True, sort=True)
        out = pd.DataFrame({
            "kind": g["kind"].first().astype(str),
            "recipients": g["new_recipients"].sum(),
            "beneficiaries_peak": g["beneficiaries"].max(),
            "transfer_rp": g["transfer_rp"].sum(),
            "admin_rp": g["admin_rp"].sum(),
            "leakage_rp": g["leakage_rp"].sum(),
        })
        out["spent_rp"] = out["transfer_rp"] + out["admin_rp"] + out["leakage_rp"]
        out["relief_rp"] = g["relief_rp"].sum()
        last = m[m["month"] == m["month"].max()].set_index("programme")
        derived = last["spent_to_date_rp"] + last["committed_rp"] + last["budget_left_rp"]
        out["budget_rp"] = [self._budgets.get(str(name), float(derived[name])) for name in out.index]
        out["budget_left_rp"] = last["budget_left_rp"]
        out["eligible_peak"] = g["eligible"].max()
        out["applicants_peak"] = g["applicants"].max()
        out.index = pd.Index([str(name) for name in out.index], name="programme")
        return out[list(_PROGRAMME_SUMMARY)]

    def members_vs_nonmembers(self) -> pd.DataFrame:
        """Member firms of cooperatives and the other firms side by side: one row
        per month and group (``member`` / ``nonmember``) with active, distressed
        and closed firms, employment and revenue."""
        m = self.monthly
        parts = []
        for group in ("member", "nonmember"):
            cols = {f"{group}_{c}": c for c in ("active_firms", "distressed_firms", "closed_firms", "employment",
                                                 "revenue_rp")}
            part = m[["month", "date", *cols]].rename(columns=cols)
            part.insert(2, "group", group)
            parts.append(part)
        return pd.concat(parts, ignore_index=True).sort_values(["month", "group"], ignore_index=True)

    def breakdown(self, by: Literal["sector", "size_class", "region"]) -> pd.DataFrame:
        """The long breakdown table for a dimension."""
        tables = {"sector": "by_sector", "size_class": "by_class", "class": "by_class", "region": "by_region"}
        if by not in tables:
            raise invalid("by", by, "one of sector, size_class, region")
        return getattr(self, tables[by])

    @property
    def class_transitions(self) -> pd.DataFrame:
        """Re-classifications over the run: rows are the class before, columns after."""
        names = _core.size_classes()
        return pd.DataFrame(self.raw.class_transitions, index=pd.Index(names, name="from"),
                            columns=pd.Index(names, name="to"))

    # Presentation -------------------------------------------------------------------------
    def summary(self, lang: str | None = None) -> str:
        """A short readable summary of the run (what ``msmesim run`` prints), in
        ``lang``: ``"en"`` or ``"id"`` (default: the environment's, see
        :mod:`msmesim.i18n`)."""
        from .summary import render_summary

        return render_summary(self, lang)

    def headline(self) -> dict[str, float]:
        """Headline numbers of the run as a dict."""
        m = self.monthly
        last = m.iloc[-1]
        affected = m["affected_firms"].sum()
        out = {
            "initial_firms": float(self.initial_firms),
            "open_firms_end": float(last["active_firms"]),
            "closed_firms_end": float(last["closed_firms"]),
            "closed_share": float(last["closed_firms"]) / float(self.initial_firms + m["entries"].sum()),
            "employment_start": float(self.raw.initial_employment),
            "employment_end": float(last["employment"]),
            "revenue_index_trough": float(m["revenue_index"].min()),
            "revenue_index_end": float(last["revenue_index"]),
            "distressed_peak": float(m["distressed_firms"].max()),
            "upgrades": float(m["upgrades"].sum()),
            "downgrades": float(m["downgrades"].sum()),
        }
        for route in _core.closure_reasons()[1:]:
            out[f"closures_{route}"] = float(m[f"closures_{route}"].sum())
        for ch in _core.channels():
            out[f"main_problem_share_{ch}"] = (
                float(m[f"main_problem_{ch}"].sum() / affected) if affected else 0.0
            )
        return out

    def plot(self, kind: Literal["overview", "main_problem", "region", "closures", "credit"] = "overview",
             **kwargs: Any) -> Any:
        """Plot the run with matplotlib; returns the Figure."""
        from . import plotting

        return plotting.plot_result(self, kind=kind, **kwargs)

    def to_csv(self, directory: str | os.PathLike[str], microdata: bool = False) -> list[Path]:
        """Write monthly.csv, the breakdowns and credit_book.csv (and firms.csv,
        and panel.csv when the run kept a panel) in long form, as one set that
        replaces what ``directory`` held (see :func:`write_outputs`)."""
        return write_outputs([self], directory, microdata=microdata)

    def to_parquet(self, directory: str | os.PathLike[str], microdata: bool = False) -> list[Path]:
        """As :meth:`to_csv`, as Parquet files with the run's metadata in each
        (see :func:`write_outputs`; needs pyarrow)."""
        return write_outputs([self], directory, microdata=microdata, format="parquet")

    def __repr__(self) -> str:
        return (
            f"<msmesim.Result scenario={self.scenario!r} months={self.months} "
            f"firms={self.initial_firms} seed={self.seed} replication={self.replication}>"
        )

    def _repr_html_(self) -> str:
        h = self.headline()
        rows = "".join(
            f"<tr><th style='text-align:left'>{k.replace('_', ' ')}</th><td>{v:,.3f}</td></tr>"
            if abs(v) < 10 else f"<tr><th style='text-align:left'>{k.replace('_', ' ')}</th><td>{v:,.0f}</td></tr>"
            for k, v in h.items()
        )
        return (
            f"<div><b>msmesim result</b> — scenario <code>{self.scenario}</code>, {self.months} months, "
            f"seed {self.seed}, replication {self.replication}<table>{rows}</table></div>"
        )


def run(
    population: _core.Population,
    scenario: _core.Scenario,
    *,
    seed: int = 1,
    replication: int = 0,
    threads: int = 0,
    microdata: bool = True,
    cooperative_panel: bool = False,
    panel_months: list[int] | tuple[int, ...] = (),
    progress: ProgressArg = False,
) -> Result:
    """Run ``scenario`` on ``population`` and return a :class:`Result`.

    ``threads``: worker threads; 0 (the default) uses every core, as the
    command line does; results do not depend on it. ``panel_months``: months
    (indices from 0) whose every firm is kept in :attr:`Result.panel`. The GIL is released while the engine runs; ``progress=True`` shows a tqdm
    bar, a callable gets ``(months_done, months_total)`` and may return False
    to cancel. Ctrl-C interrupts within a month (KeyboardInterrupt).
    """
    if not isinstance(population, _core.Population):
        raise invalid("population", type(population).__name__, "an msmesim.Population", _core.TypeMismatchError)
    if not isinstance(scenario, _core.Scenario):
        raise invalid("scenario", type(scenario).__name__, "an msmesim.Scenario", _core.TypeMismatchError)
    check_int("seed", seed, 0, 2**64 - 1)
    check_int("replication", replication, 0, 2**32 - 1)
    check_int("threads", threads, 0)
    months = _panel_months(panel_months)
    callback, close = progress_callback(progress, scenario.months, scenario.name)
    try:
        raw = _core.run(population, scenario, seed=seed, replication=replication, threads=threads,
                        microdata=microdata, cooperative_panel=cooperative_panel, panel_months=months,
                        progress=callback)
    finally:
        close()
    return Result(raw, budgets={p.name: p.budget_rp for p in scenario.programmes})


def _panel_months(panel_months: Any) -> list[int]:
    """A list of month indices (the core checks that they are within the run)."""
    if isinstance(panel_months, (str, bytes)) or not hasattr(panel_months, "__iter__"):
        raise invalid("panel_months", panel_months, "a list of month indices (from 0)", _core.TypeMismatchError)
    months = list(panel_months)
    for k, m in enumerate(months):
        if isinstance(m, bool) or not isinstance(m, (int, np.integer)):
            raise invalid(f"panel_months[{k}]", m, "a month index (a whole number from 0)", _core.TypeMismatchError)
    return [int(m) for m in months]


def write_outputs(results: list[Result], directory: str | os.PathLike[str], microdata: bool = False,
                  cooperative_panel: bool = False, format: str = "csv") -> list[Path]:
    """Write results in long form: monthly.csv, by_sector.csv, by_class.csv,
    by_region.csv, credit_book.csv (and firms.csv with ``microdata``, and
    panel.csv for runs that kept a panel), for populations with
    cooperatives cooperatives.csv, cooperatives_by_type.csv and
    cooperatives_by_region.csv (and cooperatives_panel.csv with
    ``cooperative_panel``, for runs that recorded it), and for scenarios with programmes
    programmes.csv, programme_ledger.csv, programme_payments.csv and programme_awards.csv, each
    prefixed with the columns scenario and replication, and run.json (the
    version, and each run's scenario, seed, replication, months and speed).
    With ``format="parquet"`` the tables are Parquet files instead
    (monthly.parquet, ...; pyarrow, ``pip install msmesim[parquet]``), typed
    (categories as dictionaries, months as dates), each carrying run.json's
    content and its table's name under the schema metadata key ``msmesim``.
    The set is written into a new directory beside ``directory`` that then
    replaces it as a whole (in one step on Linux), so that a crash or
    ``kill -9`` at any instant leaves either the whole earlier set or the
    whole new one; ``directory`` must be new, empty or a set of outputs
    (InvalidArgumentError otherwise, before anything is written)."""
    if format not in OUTPUT_FORMATS:
        raise invalid("format", format, "csv or parquet")
    if format == "parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise invalid("format", format,
                          "csv, or parquet with pyarrow installed (pip install msmesim[parquet])") from None
    out = check_output_dir(directory, "directory")
    names: list[str] = []
    tables = ["monthly", "by_sector", "by_class", "by_region", "credit_book"] + (["firms"] if microdata else [])
    if any(len(r.panel) for r in results):
        tables.append("panel")
    if any(len(r.cooperatives) for r in results):
        tables += list(_COOP_TABLES)
        if cooperative_panel:
            tables.append("cooperatives_panel")
    if any(len(r.programmes) for r in results):
        tables += list(_PROGRAMME_TABLES)
    meta = {
        "msmesim_version": _core.__version__,
        "runs": [
            {"scenario": r.scenario, "seed": r.seed, "replication": r.replication, "months": r.months,
             "initial_firms": r.initial_firms, "elapsed_seconds": r.elapsed_seconds,
             "firm_months_per_second": r.firm_months_per_second()}
            for r in results
        ],
    }
    with output_directory(out, "directory") as stage:
        for which in tables:
            name = output_file_of(which, format)
            parts = []
            for r in results:
                frame = _table_frame(r.raw, which)
                if which in (*_PROGRAMME_TABLES, "panel") and not len(frame.columns):
                    continue  # a run without programmes (or a panel), among runs with them
                frame = frame.assign(scenario=r.scenario, replication=r.replication)
                cols = ["scenario", "replication"] + [c for c in frame.columns if c not in ("scenario", "replication")]
                parts.append(frame[cols])
            frame = pd.concat(parts, ignore_index=True)
            if format == "parquet":
                write_parquet(frame, stage / name, {**meta, "table": which})
            else:
                frame.to_csv(stage / name, index=False)
            names.append(name)
        (stage / "run.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
        names.append("run.json")
    return [out / name for name in names]



def write_report(results: list[Result], path: str | os.PathLike[str], title: str = "",
                 assumptions: list[str] | None = None, *, scenarios: Any = None, ensemble: Any = None,
                 files: list[str | os.PathLike[str]] | None = None, command: str | None = None,
                 lang: str | None = None) -> Path:
    """Write a self-contained HTML report of runs (see :func:`msmesim.report.write_report`)
    in English or Indonesian (``lang``): the planner's answer from ``ensemble``
    (:func:`msmesim.report.compare_programmes`), the scenarios, headline
    numbers (mean and 5th–95th percentile range over replications), charts as
    inline SVG, programmes, who benefits, how to reproduce it and the
    assumptions. Written to a temporary name and renamed into place."""
    from . import report

    return report.write_report(results, path, title=title, assumptions=assumptions, scenarios=scenarios,
                               ensemble=ensemble, files=files, command=command, lang=lang)
