"""Type stubs of msmesim._core (first drafted with pybind11-stubgen; kept in step with
the bindings by the stubtest check in tests/python/test_stubs.py)."""
from __future__ import annotations
import collections.abc
import datetime
import numpy
import numpy.typing
import typing
class Error(Exception):
    """
    Base of every msmesim error.
    """
class InvalidArgumentError(Error, ValueError):
    """
    A value outside what is allowed; has .field, .value and .allowed.
    """
    field: str
    value: str
    allowed: str
class TypeMismatchError(InvalidArgumentError, TypeError):
    """
    A value of the wrong kind.
    """
class ResourceLimitError(InvalidArgumentError, MemoryError):
    """
    A request refused before allocating because it would not fit in memory (or in the outputs' limits); has .field (what to lower), .value and .allowed (the estimate against the limit).
    """
class ParseError(Error, ValueError):
    """
    A malformed file; has .file, .line, .column, .value and .allowed.
    """
    file: str
    line: int
    column: str
    value: str
    allowed: str
class FileError(Error, OSError):
    """
    A file that cannot be read or written.
    """
class CancelledError(Error):
    """
    A run stopped by its progress callback.
    """
    months_completed: int
class ScenarioFileError(ParseError):
    """
    An error in a scenario file; has .file, .line, .key (also .column), .value and .allowed (of the first mistake when the file has several) and .errors: every mistake, each a ScenarioFileError of its own.
    """
    key: str
    errors: list[ScenarioFileError]
class FirmParams:
    """
    Behavioural parameters of firms; every name is in docs/parameters.md.
    """
    @staticmethod
    def names() -> list[str]:
        ...
    def __copy__(self) -> FirmParams:
        ...
    def __deepcopy__(self, arg0: dict) -> FirmParams:
        ...
    def __getitem__(self, arg0: str) -> float:
        ...
    def __getstate__(self) -> dict:
        ...
    def __init__(self) -> None:
        ...
    def __setitem__(self, arg0: str, arg1: float) -> None:
        ...
    def __setstate__(self, arg0: dict) -> None:
        ...
    def get(self, name: str) -> float:
        ...
    def set(self, name: str, value: float) -> None:
        ...
    def to_dict(self) -> dict:
        ...
    def validate(self) -> None:
        ...
class CooperativeSpec:
    """
    How to generate the cooperatives of a synthetic population (docs/model.md §14). With count = 0 the population has none.
    """
    def __copy__(self) -> CooperativeSpec:
        ...
    def __deepcopy__(self, arg0: dict) -> CooperativeSpec:
        ...
    def __init__(self) -> None:
        ...
    def __repr__(self) -> str:
        ...
    def active_total(self) -> int:
        """
        Active cooperatives in all: the sum of active_by_region, or `active`.
        """
    def validate(self, regions: int) -> None:
        """
        Raise InvalidArgumentError naming the first invalid field; `regions` is the number of regions of the population spec.
        """
    @property
    def active(self) -> int:
        """
        Active cooperatives in all, used when active_by_region is empty.
        """
    @active.setter
    def active(self, arg0: int) -> None:
        ...
    @property
    def active_by_region(self) -> list[int]:
        """
        Active cooperatives per region, met exactly (one entry per region of the population spec); when empty, `active` is apportioned by region weight. Assign a new list to change it.
        """
    @active_by_region.setter
    def active_by_region(self, arg0: collections.abc.Sequence[int]) -> None:
        ...
    @property
    def active_rat_min(self) -> int:
        """
        RATs within the window that make a cooperative active.
        """
    @active_rat_min.setter
    def active_rat_min(self, arg0: int) -> None:
        ...
    @property
    def active_rat_years(self) -> int:
        """
        Window of book years for activity: active = at least active_rat_min RATs in the last active_rat_years years.
        """
    @active_rat_years.setter
    def active_rat_years(self, arg0: int) -> None:
        ...
    @property
    def business_volume_rp_year(self) -> float:
        """
        Total business volume of the last book year, Rp.
        """
    @business_volume_rp_year.setter
    def business_volume_rp_year(self, arg0: float) -> None:
        ...
    @property
    def cash_share_of_funds(self) -> float:
        """
        Liquid share of the balance sheet.
        """
    @cash_share_of_funds.setter
    def cash_share_of_funds(self, arg0: float) -> None:
        ...
    @property
    def count(self) -> int:
        """
        Registered cooperatives (0: none).
        """
    @count.setter
    def count(self, arg0: int) -> None:
        ...
    @property
    def deposit_share_of_external(self) -> float:
        """
        Members' deposits within external capital.
        """
    @deposit_share_of_external.setter
    def deposit_share_of_external(self, arg0: float) -> None:
        ...
    @property
    def external_capital_rp(self) -> float:
        """
        Total external capital (modal luar: deposits + borrowed), Rp.
        """
    @external_capital_rp.setter
    def external_capital_rp(self, arg0: float) -> None:
        ...
    @property
    def firm_member_share(self) -> float:
        """
        Share of members who run a firm of the population (member firms).
        """
    @firm_member_share.setter
    def firm_member_share(self, arg0: float) -> None:
        ...
    @property
    def inactive_size_factor(self) -> float:
        """
        Capital of an inactive cooperative relative to an active one.
        """
    @inactive_size_factor.setter
    def inactive_size_factor(self, arg0: float) -> None:
        ...
    @property
    def loan_share_of_funds(self) -> list[float]:
        """
        Loans to members as a share of the balance sheet, as 5 floats in coop_types() order.
        """
    @loan_share_of_funds.setter
    def loan_share_of_funds(self, arg0: collections.abc.Sequence[float]) -> None:
        ...
    @property
    def members(self) -> int:
        """
        Member persons in all cooperatives.
        """
    @members.setter
    def members(self, arg0: int) -> None:
        ...
    @property
    def members_sigma_log(self) -> float:
        """
        Dispersion (log-sd) of membership.
        """
    @members_sigma_log.setter
    def members_sigma_log(self, arg0: float) -> None:
        ...
    @property
    def min_members(self) -> int:
        """
        Members of the smallest cooperative.
        """
    @min_members.setter
    def min_members(self, arg0: int) -> None:
        ...
    @property
    def own_capital_rp(self) -> float:
        """
        Total own capital (modal sendiri), Rp.
        """
    @own_capital_rp.setter
    def own_capital_rp(self, arg0: float) -> None:
        ...
    @property
    def rat_last_year(self) -> int:
        """
        Active cooperatives that held their members' meeting (RAT) last year.
        """
    @rat_last_year.setter
    def rat_last_year(self, arg0: int) -> None:
        ...
    @property
    def reference_firms(self) -> int:
        """
        Population size the member figures refer to; member firms scale with firms / reference_firms (0: no scaling).
        """
    @reference_firms.setter
    def reference_firms(self, arg0: int) -> None:
        ...
    @property
    def shu_rp_year(self) -> float:
        """
        Total SHU (surplus) of the last book year, Rp.
        """
    @shu_rp_year.setter
    def shu_rp_year(self, arg0: float) -> None:
        ...
    @property
    def size_sigma_log(self) -> float:
        """
        Dispersion (log-sd) of cooperative size (capital).
        """
    @size_sigma_log.setter
    def size_sigma_log(self, arg0: float) -> None:
        ...
    @property
    def type_weights(self) -> list[float]:
        """
        Relative number of cooperatives of each type, as 5 floats in coop_types() order (apportioned exactly).
        """
    @type_weights.setter
    def type_weights(self, arg0: collections.abc.Sequence[float]) -> None:
        ...
    @property
    def virtual_rat_share(self) -> float:
        """
        Share of the cooperatives able to hold their members' meeting (RAT) online when physical meetings are restricted.
        """
    @virtual_rat_share.setter
    def virtual_rat_share(self, arg0: float) -> None:
        ...
    @property
    def volume_weight(self) -> list[float]:
        """
        Business volume per rupiah of capital, relative, as 5 floats in coop_types() order.
        """
    @volume_weight.setter
    def volume_weight(self, arg0: collections.abc.Sequence[float]) -> None:
        ...
class Cooperatives:
    """
    Initial state of every cooperative, one array per attribute (money in Rp). The balance sheet balances: cash + loans + other assets = deposits + borrowed + own capital + surplus.
    """
    @staticmethod
    def array_names() -> list[str]:
        ...
    def __copy__(self) -> Cooperatives:
        ...
    def __deepcopy__(self, arg0: dict) -> Cooperatives:
        ...
    def __init__(self) -> None:
        ...
    def __len__(self) -> int:
        ...
    def balance_gap_rp(self, c: int) -> float:
        """
        Assets minus liabilities and equity of cooperative c (zero when the books balance).
        """
    def copy(self) -> Cooperatives:
        ...
    def external_capital_rp(self, c: int) -> float:
        """
        External capital (modal luar) of cooperative c: deposits plus borrowed funds.
        """
    def memory_bytes(self) -> int:
        """
        Bytes held by the attribute arrays.
        """
    def resize(self, n: int) -> None:
        """
        Resize every attribute array to n (new entries zero).
        """
    def validate(self, regions: int) -> None:
        """
        Check lengths, index and value ranges and that every balance sheet balances; `regions` is the number of regions of the population.
        """
    @property
    def active(self) -> numpy.ndarray:
        ...
    @property
    def arrears_rp(self) -> numpy.ndarray:
        ...
    @property
    def borrowed_rp(self) -> numpy.ndarray:
        ...
    @property
    def business_volume_rp_year(self) -> numpy.ndarray:
        ...
    @property
    def cash_rp(self) -> numpy.ndarray:
        ...
    @property
    def deposits_rp(self) -> numpy.ndarray:
        ...
    @property
    def healthy(self) -> numpy.ndarray:
        ...
    @property
    def loans_rp(self) -> numpy.ndarray:
        ...
    @property
    def members(self) -> numpy.ndarray:
        ...
    @property
    def other_assets_rp(self) -> numpy.ndarray:
        ...
    @property
    def own_capital_rp(self) -> numpy.ndarray:
        ...
    @property
    def rat_history(self) -> numpy.ndarray:
        ...
    @property
    def region(self) -> numpy.ndarray:
        ...
    @property
    def shu_rp_year(self) -> numpy.ndarray:
        ...
    @property
    def size(self) -> int:
        ...
    @property
    def surplus_rp(self) -> numpy.ndarray:
        ...
    @property
    def type(self) -> numpy.ndarray:
        ...
    @property
    def virtual_rat(self) -> numpy.ndarray:
        ...
class RegionSpec:
    """
    A region (kecamatan) and its weight.
    """
    name: str
    def __init__(self, name: str, weight: float = 1.0) -> None:
        ...
    def __repr__(self) -> str:
        ...
    @property
    def weight(self) -> float:
        ...
    @weight.setter
    def weight(self, arg0: float) -> None:
        ...
class SectorSpec:
    """
    A sector: weight and cost structure.
    """
    name: str
    def __init__(self) -> None:
        ...
    def __repr__(self) -> str:
        ...
    @property
    def margin(self) -> float:
        """
        Mean operating margin before shipping and debt service (the owner's income).
        """
    @margin.setter
    def margin(self, arg0: float) -> None:
        ...
    @property
    def online_sales_share(self) -> float:
        """
        Mean online share of sales among online sellers.
        """
    @online_sales_share.setter
    def online_sales_share(self, arg0: float) -> None:
        ...
    @property
    def online_seller_share(self) -> float:
        """
        Share of firms selling online before the shock.
        """
    @online_seller_share.setter
    def online_seller_share(self, arg0: float) -> None:
        ...
    @property
    def seasonality(self) -> typing.Annotated[list[float], "FixedSize(12)"]:
        ...
    @seasonality.setter
    def seasonality(self, arg0: typing.Annotated[collections.abc.Sequence[float], "FixedSize(12)"]) -> None:
        ...
    @property
    def variable_cost_share(self) -> float:
        """
        Mean variable (input) cost per rupiah of sales.
        """
    @variable_cost_share.setter
    def variable_cost_share(self, arg0: float) -> None:
        ...
    @property
    def wage_rp_month(self) -> float:
        """
        Monthly wage of a paid worker (the owner is unpaid).
        """
    @wage_rp_month.setter
    def wage_rp_month(self, arg0: float) -> None:
        ...
    @property
    def weight(self) -> float:
        """
        Relative number of firms in the sector.
        """
    @weight.setter
    def weight(self, arg0: float) -> None:
        ...
class PopulationSpec:
    """
    Everything needed to generate a synthetic population.
    """
    name: str
    regime: str
    def __copy__(self) -> PopulationSpec:
        ...
    def __deepcopy__(self, arg0: dict) -> PopulationSpec:
        ...
    def __getitem__(self, arg0: str) -> float:
        ...
    def __init__(self) -> None:
        ...
    def __setitem__(self, arg0: str, arg1: float) -> None:
        ...
    def get(self, name: str) -> float:
        ...
    def parameter_names(self) -> list[str]:
        ...
    def set(self, name: str, value: float) -> None:
        ...
    def validate(self) -> None:
        ...
    @property
    def cooperatives(self) -> CooperativeSpec:
        """
        CooperativeSpec of the population's cooperatives (none unless count > 0); edited in place.
        """
    @cooperatives.setter
    def cooperatives(self, arg0: CooperativeSpec) -> None:
        ...
    @property
    def firm_params(self) -> FirmParams:
        """
        FirmParams under which the population is burnt in (population parameter burn_in_months) and its initial loans are sized: give the scenario's, so that a run without shocks stands still under them. Edited in place.
        """
    @firm_params.setter
    def firm_params(self, arg0: FirmParams) -> None:
        ...
    @property
    def firms(self) -> int:
        ...
    @firms.setter
    def firms(self, arg0: int) -> None:
        ...
    @property
    def regions(self) -> list[RegionSpec]:
        """
        List of RegionSpec (assign a new list to change it).
        """
    @regions.setter
    def regions(self, arg0: collections.abc.Sequence[RegionSpec]) -> None:
        ...
    @property
    def sectors(self) -> list[SectorSpec]:
        """
        List of SectorSpec (assign a new list to change it).
        """
    @sectors.setter
    def sectors(self, arg0: collections.abc.Sequence[SectorSpec]) -> None:
        ...
class Population:
    """
    Initial state of every firm, one array per attribute.
    """
    name: str
    regime: str
    @staticmethod
    def array_names() -> list[str]:
        ...
    @staticmethod
    def from_csv(path: str, name: str = '', regime: str = 'law20_2008', *, cooperatives: str | None = None, memberships: str | None = None, csv_locale: str = 'auto') -> Population:
        """
        Read firms from a CSV file (columns in docs/data.md); `regime` is that of its size_class column. With `cooperatives`, the population's cooperatives come from that file and the memberships from `memberships` (or, without it, from the firm file's cooperative column). `csv_locale`: 'auto' (detected from each file's header row), 'en' (commas, 1234.5) or 'id' (semicolons, 1.234,5).
        """
    @staticmethod
    def generate(spec: PopulationSpec, seed: int, threads: int = 1) -> Population:
        """
        Draw a synthetic population from a spec (deterministic in spec and seed).
        """
    def __copy__(self) -> Population:
        ...
    def __deepcopy__(self, arg0: dict) -> Population:
        ...
    def __init__(self) -> None:
        ...
    def __len__(self) -> int:
        ...
    def cooperatives_to_csv(self, path: str) -> None:
        """
        Write the population's cooperatives, one row each with its id (columns in docs/data.md).
        """
    def copy(self) -> Population:
        ...
    def memberships_to_csv(self, path: str) -> None:
        """
        Write the memberships: one row per member firm (firm row, cooperative id).
        """
    def memory_bytes(self) -> int:
        ...
    def resize(self, n: int) -> None:
        ...
    def to_csv(self, path: str) -> None:
        """
        Write the firms in the format from_csv reads (cooperative ids as in cooperatives_to_csv).
        """
    def validate(self) -> None:
        ...
    @property
    def age_months(self) -> numpy.ndarray:
        ...
    @property
    def assets_rp(self) -> numpy.ndarray:
        ...
    @property
    def base_workers(self) -> numpy.ndarray:
        ...
    @property
    def baseline_exit_rate_month(self) -> float:
        """
        Share of firms that closed a month over the last 24 months of the burn-in (-1: not burnt in); a run's entry balances it when entry_rate_month is -1.
        """
    @baseline_exit_rate_month.setter
    def baseline_exit_rate_month(self, arg0: float) -> None:
        ...
    @property
    def capital_intensity(self) -> numpy.ndarray:
        ...
    @property
    def cash_rp(self) -> numpy.ndarray:
        ...
    @property
    def cash_target_months(self) -> numpy.ndarray:
        ...
    @property
    def cooperative(self) -> numpy.ndarray:
        ...
    @property
    def cooperatives(self) -> Cooperatives:
        """
        The population's Cooperatives (kept alive by the population; its arrays are views). Firms refer to them by index in `cooperative`.
        """
    @cooperatives.setter
    def cooperatives(self, arg0: Cooperatives) -> None:
        ...
    @property
    def debt_arrears_rp(self) -> numpy.ndarray:
        ...
    @property
    def entry_spec(self) -> PopulationSpec:
        """
        PopulationSpec new firms are drawn from (entrants of a run, replacements during the burn-in): the generating spec, or one estimated from a registry (a copy: assign a new one to change it).
        """
    @entry_spec.setter
    def entry_spec(self, arg0: PopulationSpec) -> None:
        ...
    @property
    def entry_template_class(self) -> numpy.ndarray:
        """
        Size class code of each entry template (uint8 view, as long as entry_templates).
        """
    @property
    def entry_templates(self) -> numpy.ndarray:
        """
        Rows of the firms that closed in the burn-in's last months (uint32 view); a run's entrants take a template's region, sector, class and cooperative (empty: any firm).
        """
    @property
    def ever_kur(self) -> numpy.ndarray:
        ...
    @property
    def expected_revenue_rp(self) -> numpy.ndarray:
        ...
    @property
    def fixed_cost_rp_month(self) -> numpy.ndarray:
        ...
    @property
    def informal_installment_rp(self) -> numpy.ndarray:
        ...
    @property
    def informal_months_left(self) -> numpy.ndarray:
        ...
    @property
    def informal_principal_rp(self) -> numpy.ndarray:
        ...
    @property
    def loan_installment_rp(self) -> numpy.ndarray:
        ...
    @property
    def loan_lender(self) -> numpy.ndarray:
        ...
    @property
    def loan_months_left(self) -> numpy.ndarray:
        ...
    @property
    def loan_principal_rp(self) -> numpy.ndarray:
        ...
    @property
    def loan_rate_year(self) -> numpy.ndarray:
        ...
    @property
    def loan_term_months(self) -> numpy.ndarray:
        ...
    @property
    def months_low_income(self) -> numpy.ndarray:
        ...
    @property
    def months_unable(self) -> numpy.ndarray:
        ...
    @property
    def online_share(self) -> numpy.ndarray:
        ...
    @property
    def owner_capability(self) -> numpy.ndarray:
        ...
    @property
    def owner_owed_rp(self) -> numpy.ndarray:
        ...
    @property
    def payables_rp(self) -> numpy.ndarray:
        ...
    @property
    def region(self) -> numpy.ndarray:
        ...
    @property
    def region_names(self) -> list[str]:
        ...
    @region_names.setter
    def region_names(self, arg0: collections.abc.Sequence[str]) -> None:
        ...
    @property
    def registered(self) -> numpy.ndarray:
        ...
    @property
    def revenue_level_rp(self) -> numpy.ndarray:
        ...
    @property
    def revenue_rp_month(self) -> numpy.ndarray:
        ...
    @property
    def sector(self) -> numpy.ndarray:
        ...
    @property
    def sector_names(self) -> list[str]:
        ...
    @sector_names.setter
    def sector_names(self, arg0: collections.abc.Sequence[str]) -> None:
        ...
    @property
    def sector_seasonality(self) -> list[typing.Annotated[list[float], "FixedSize(12)"]]:
        ...
    @sector_seasonality.setter
    def sector_seasonality(self, arg0: collections.abc.Sequence[typing.Annotated[collections.abc.Sequence[float], "FixedSize(12)"]]) -> None:
        ...
    @property
    def size(self) -> int:
        ...
    @property
    def size_class(self) -> numpy.ndarray:
        ...
    @property
    def variable_cost_share(self) -> numpy.ndarray:
        ...
    @property
    def wage_rp_month(self) -> numpy.ndarray:
        ...
    @property
    def workers(self) -> numpy.ndarray:
        ...
class SeverityDist:
    """
    Distribution of severities (0-1) over the firms a shock hits.
    """
    @staticmethod
    def beta(mean: float, sd: float) -> SeverityDist:
        ...
    @staticmethod
    def fixed(value: float) -> SeverityDist:
        ...
    @staticmethod
    def uniform(low: float, high: float) -> SeverityDist:
        ...
    def __init__(self, kind: str, a: float, b: float = 0.0) -> None:
        ...
    def __repr__(self) -> str:
        ...
    def mean(self) -> float:
        ...
    def validate(self, field: str = 'severity') -> None:
        ...
    @property
    def a(self) -> float:
        ...
    @property
    def b(self) -> float:
        ...
    @property
    def kind(self) -> str:
        ...
class Shock:
    """
    A shock on one channel: onset, time profile, incidence and severity.
    """
    channel: str
    name: str
    @property
    def onset(self) -> str:
        """
        First month of the shock ('YYYY-MM'); a date or pandas Period is taken too.
        """
    @onset.setter
    def onset(self, value: str | datetime.date) -> None:
        ...
    severity: SeverityDist
    def __copy__(self) -> Shock:
        ...
    def __deepcopy__(self, arg0: dict) -> Shock:
        ...
    def __init__(self, *, channel: str, onset: str | datetime.date, severity: SeverityDist, incidence: float = 1.0, ramp_months: int = 0, plateau_months: int = 3, recovery_half_life_months: float = 6.0, path: collections.abc.Sequence[float] = [], sectors: collections.abc.Sequence[str] = [], regions: collections.abc.Sequence[str] = [], classes: collections.abc.Sequence[str] = [], incidence_by_sector: collections.abc.Mapping[str, float] = {}, name: str = '', recovery_months: int = 0, end_below: float = 0.05, severity_by_sector: collections.abc.Mapping[str, SeverityDist] = {}) -> None:
        ...
    def __repr__(self) -> str:
        ...
    def intensity(self, months_since_onset: int) -> float:
        """
        Intensity (0-1) a number of months after onset.
        """
    def months_to_end(self) -> int:
        """
        Months after onset from which the intensity is 0 for good (-1: never, only for a half-life decay with end_below 0).
        """
    def validate(self) -> None:
        ...
    @property
    def classes(self) -> list[str]:
        ...
    @classes.setter
    def classes(self, arg1: collections.abc.Sequence[str]) -> None:
        ...
    # fields of shock_field_table(): generated by tools/gen_param_docs.py
    @property
    def incidence(self) -> float:
        """
        Share of the targeted firms the shock hits (incidence_by_sector overrides it for named sectors).
        """
    @incidence.setter
    def incidence(self, value: float) -> None:
        ...
    @property
    def ramp_months(self) -> int:
        """
        Months of a linear ramp up to full intensity after the onset (0: full at onset).
        """
    @ramp_months.setter
    def ramp_months(self, value: int) -> None:
        ...
    @property
    def plateau_months(self) -> int:
        """
        Months at full intensity after the ramp.
        """
    @plateau_months.setter
    def plateau_months(self, value: int) -> None:
        ...
    @property
    def recovery_half_life_months(self) -> float:
        """
        Half-life of the decay after the plateau when recovery_months is 0 (0: the shock ends at once).
        """
    @recovery_half_life_months.setter
    def recovery_half_life_months(self, value: float) -> None:
        ...
    @property
    def recovery_months(self) -> int:
        """
        Months of a linear recovery to 0 after the plateau (0: the half-life decay instead).
        """
    @recovery_months.setter
    def recovery_months(self, value: int) -> None:
        ...
    @property
    def end_below(self) -> float:
        """
        A decaying shock ends once its intensity falls below this share of its peak.
        """
    @end_below.setter
    def end_below(self, value: float) -> None:
        ...
    # end of fields of shock_field_table()
    @property
    def incidence_by_sector(self) -> dict[str, float]:
        ...
    @incidence_by_sector.setter
    def incidence_by_sector(self, arg0: collections.abc.Mapping[str, float]) -> None:
        ...
    @property
    def path(self) -> list[float]:
        ...
    @path.setter
    def path(self, arg1: collections.abc.Sequence[float]) -> None:
        ...
    @property
    def regions(self) -> list[str]:
        ...
    @regions.setter
    def regions(self, arg1: collections.abc.Sequence[str]) -> None:
        ...
    @property
    def sectors(self) -> list[str]:
        ...
    @sectors.setter
    def sectors(self, arg1: collections.abc.Sequence[str]) -> None:
        ...
    @property
    def severity_by_sector(self) -> dict[str, SeverityDist]:
        """
        Severity for particular sectors (sector name: SeverityDist), overriding `severity` (a copy: assign a new dict to change it).
        """
    @severity_by_sector.setter
    def severity_by_sector(self, arg0: collections.abc.Mapping[str, SeverityDist]) -> None:
        ...
class InputOutput:
    """
    An input-output table of technical coefficients over sectors.
    """
    def __init__(self, sectors: collections.abc.Sequence[str], technical_coefficients: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], output: collections.abc.Sequence[float] = []) -> None:
        ...
    @property
    def output(self) -> list[float]:
        ...
    @property
    def sectors(self) -> list[str]:
        ...
    @property
    def technical_coefficients(self) -> numpy.typing.NDArray[numpy.float64]:
        ...
class AttributeRange:
    """
    A numeric firm attribute within [min, max]; attribute is one of eligibility_attributes().
    """
    attribute: str
    def __copy__(self) -> AttributeRange:
        ...
    def __deepcopy__(self, arg0: dict) -> AttributeRange:
        ...
    def __init__(self, attribute: str, min: float = ..., max: float = ...) -> None:
        ...
    def __repr__(self) -> str:
        ...
    @property
    def max(self) -> float:
        ...
    @max.setter
    def max(self, arg0: float) -> None:
        ...
    @property
    def min(self) -> float:
        ...
    @min.setter
    def min(self, arg0: float) -> None:
        ...
class Eligibility:
    """
    Conditions a firm must all meet to apply to a programme (empty lists and None mean any).
    """
    def __copy__(self) -> Eligibility:
        ...
    def __deepcopy__(self, arg0: dict) -> Eligibility:
        ...
    def __init__(self, *, classes: collections.abc.Sequence[str] = [], sectors: collections.abc.Sequence[str] = [], regions: collections.abc.Sequence[str] = [], registered: bool | None = None, never_had_kur: bool = False, cooperative_member: bool | None = None, online_seller: bool | None = None, in_distress: bool = False, ranges: collections.abc.Sequence[AttributeRange] = [], coop_types: collections.abc.Sequence[str] = []) -> None:
        ...
    def __repr__(self) -> str:
        ...
    def validate(self) -> None:
        ...
    @property
    def classes(self) -> list[str]:
        """
        Size classes (current class); empty: any. Assign a new list to change it.
        """
    @classes.setter
    def classes(self, arg1: collections.abc.Sequence[str]) -> None:
        ...
    @property
    def coop_types(self) -> list[str]:
        """
        For programmes that serve cooperatives: their types (coop_types()); empty: any. The regions apply to cooperatives too.
        """
    @coop_types.setter
    def coop_types(self, arg1: collections.abc.Sequence[str]) -> None:
        ...
    @property
    def cooperative_member(self) -> bool | None:
        """
        True: members of a cooperative only; False: non-members only; None: any.
        """
    @cooperative_member.setter
    def cooperative_member(self, arg1: bool | None) -> None:
        ...
    @property
    def in_distress(self) -> bool:
        """
        Only firms unable to meet their obligations last month.
        """
    @in_distress.setter
    def in_distress(self, arg0: bool) -> None:
        ...
    @property
    def never_had_kur(self) -> bool:
        """
        Only firms that never had a KUR loan.
        """
    @never_had_kur.setter
    def never_had_kur(self, arg0: bool) -> None:
        ...
    @property
    def online_seller(self) -> bool | None:
        """
        True: firms selling online only; False: offline only; None: any.
        """
    @online_seller.setter
    def online_seller(self, arg1: bool | None) -> None:
        ...
    @property
    def ranges(self) -> list[AttributeRange]:
        """
        List of AttributeRange (assign a new list to change it).
        """
    @ranges.setter
    def ranges(self, arg0: collections.abc.Sequence[AttributeRange]) -> None:
        ...
    @property
    def regions(self) -> list[str]:
        """
        Region (kecamatan) names of the population (checked when a run starts); empty: any.
        """
    @regions.setter
    def regions(self, arg0: collections.abc.Sequence[str]) -> None:
        ...
    @property
    def registered(self) -> bool | None:
        """
        True: registered firms only; False: unregistered only; None: any.
        """
    @registered.setter
    def registered(self, arg1: bool | None) -> None:
        ...
    @property
    def sectors(self) -> list[str]:
        """
        Sector names of the population (checked when a run starts); empty: any.
        """
    @sectors.setter
    def sectors(self, arg0: collections.abc.Sequence[str]) -> None:
        ...
class Programme:
    """
    A support programme: kind, window, budget, eligibility, allocation and kind parameters.
    """
    def __copy__(self) -> Programme:
        ...
    def __deepcopy__(self, arg0: dict) -> Programme:
        ...
    def __init__(self, *, name: str, kind: str, start: str | datetime.date = '2020-04', end: str | datetime.date = '2020-12', budget_rp: float = 0.0, quota: int | None = None, amount_rp: float | None = None, eligibility: Eligibility | None = None, allocation: str = 'first_come', uptake: float = 1.0, monthly_capacity: int | None = None, admin_cost_share: float = 0.0, leakage_share: float = 0.0, params: collections.abc.Mapping[str, float] = {}) -> None:
        ...
    def __repr__(self) -> str:
        ...
    def amount(self) -> float:
        """
        The per-recipient amount in effect (amount_rp, or the kind's default), Rp.
        """
    def param(self, name: str) -> float:
        """
        A kind-specific parameter, set or default.
        """
    def validate(self) -> None:
        """
        Raise InvalidArgumentError naming the first invalid field.
        """
    # fields of programme_field_table(): generated by tools/gen_param_docs.py
    @property
    def budget_rp(self) -> float:
        """
        Government money for the programme: transfers, administrative cost and leakage together (0: it spends nothing).
        """
    @budget_rp.setter
    def budget_rp(self, value: float) -> None:
        ...
    @property
    def quota(self) -> int | None:
        """
        Recipients in all (unset: no quota). None: unset.
        """
    @quota.setter
    def quota(self, value: int | None) -> None:
        ...
    @property
    def amount_rp(self) -> float | None:
        """
        Per-recipient amount (unset: the kind's default). None: unset.
        """
    @amount_rp.setter
    def amount_rp(self, value: float | None) -> None:
        ...
    @property
    def uptake(self) -> float:
        """
        Share of eligible firms that know of the programme and would apply.
        """
    @uptake.setter
    def uptake(self, value: float) -> None:
        ...
    @property
    def monthly_capacity(self) -> int | None:
        """
        New recipients a month (unset: no limit). None: unset.
        """
    @monthly_capacity.setter
    def monthly_capacity(self, value: int | None) -> None:
        ...
    @property
    def admin_cost_share(self) -> float:
        """
        Administrative cost per rupiah reaching recipients or leaking.
        """
    @admin_cost_share.setter
    def admin_cost_share(self, value: float) -> None:
        ...
    @property
    def leakage_share(self) -> float:
        """
        Share of each award that never reaches the recipient.
        """
    @leakage_share.setter
    def leakage_share(self, value: float) -> None:
        ...
    # end of fields of programme_field_table()
    @property
    def allocation(self) -> str:
        """
        Who is served first, one of allocations().
        """
    @allocation.setter
    def allocation(self, arg1: str) -> None:
        ...
    @property
    def eligibility(self) -> Eligibility:
        """
        Eligibility (a copy: assign a new one to change it).
        """
    @eligibility.setter
    def eligibility(self, arg0: Eligibility) -> None:
        ...
    @property
    def end(self) -> str:
        """
        Last month new recipients are taken ('YYYY-MM'); monthly benefits stop after it.
        """
    @end.setter
    def end(self, arg1: str | datetime.date) -> None:
        ...
    @property
    def kind(self) -> str:
        """
        The mechanism, one of programme_kinds().
        """
    @kind.setter
    def kind(self, arg1: str) -> None:
        ...
    @property
    def name(self) -> str:
        """
        Unique within a scenario; keys the programme's random numbers.
        """
    @name.setter
    def name(self, arg0: str) -> None:
        ...
    @property
    def params(self) -> dict[str, float]:
        """
        Kind-specific parameters set by name (a copy: assign a new dict to change it); unset ones take their defaults (programme_params(kind)).
        """
    @params.setter
    def params(self, arg0: collections.abc.Mapping[str, float]) -> None:
        ...
    @property
    def start(self) -> str:
        """
        First month new recipients are taken ('YYYY-MM').
        """
    @start.setter
    def start(self, arg1: str | datetime.date) -> None:
        ...
class Restriction:
    """
    Restrictions on gatherings (PSBB, PPKM) from start to end (calendar months, inclusive); intensity is the share of the month physical meetings were not allowed. They block cooperatives' members' meetings (RAT) unless a cooperative can meet online.
    """
    name: str
    def __copy__(self) -> Restriction:
        ...
    def __deepcopy__(self, arg0: dict) -> Restriction:
        ...
    def __init__(self, *, start: str | datetime.date, end: str | datetime.date, intensity: float = 1.0, name: str = '') -> None:
        ...
    def __repr__(self) -> str:
        ...
    def validate(self) -> None:
        ...
    @property
    def end(self) -> str:
        """
        Last month of the restrictions ('YYYY-MM', inclusive).
        """
    @end.setter
    def end(self, arg1: str | datetime.date) -> None:
        ...
    @property
    def intensity(self) -> float:
        """
        Share of each month physical meetings were not allowed (0-1).
        """
    @intensity.setter
    def intensity(self, arg0: float) -> None:
        ...
    @property
    def start(self) -> str:
        """
        First month of the restrictions ('YYYY-MM').
        """
    @start.setter
    def start(self, arg1: str | datetime.date) -> None:
        ...
class Scenario:
    """
    Horizon, shocks, support programmes, parameters and linkages of a run.
    """
    class_criterion: str
    class_regime: str
    input_output: InputOutput | None
    name: str
    params: FirmParams
    @property
    def start(self) -> str:
        """
        The calendar month of month 0 ('YYYY-MM'); a date or pandas Period is taken too.
        """
    @start.setter
    def start(self, value: str | datetime.date) -> None:
        ...
    def __copy__(self) -> Scenario:
        ...
    def __deepcopy__(self, arg0: dict) -> Scenario:
        ...
    def __init__(self, *, name: str = 'baseline', start: str | datetime.date = '2020-01', months: int = 36, shocks: collections.abc.Sequence[Shock] = [], programmes: collections.abc.Sequence[Programme] = [], params: typing.Any = None, input_output: InputOutput | None = None, class_regime: str = 'law20_2008', class_criterion: str = 'higher_of', class_review_months: int = 12, restrictions: collections.abc.Sequence[Restriction] = [], survey_start: str | datetime.date | None = None, survey_end: str | datetime.date | None = None) -> None:
        ...
    def restriction(self, month: str | datetime.date) -> float:
        """
        Intensity (0-1) of the restrictions on gatherings in a calendar month ('YYYY-MM').
        """
    def validate(self) -> None:
        ...
    @property
    def class_review_months(self) -> int:
        ...
    @class_review_months.setter
    def class_review_months(self, arg0: int) -> None:
        ...
    @property
    def months(self) -> int:
        ...
    @months.setter
    def months(self, arg0: int) -> None:
        ...
    @property
    def programmes(self) -> list[Programme]:
        """
        List of Programme, in the order they are served (assign a new list to change it).
        """
    @programmes.setter
    def programmes(self, arg0: collections.abc.Sequence[Programme]) -> None:
        ...
    @property
    def restrictions(self) -> list[Restriction]:
        """
        List of Restriction on gatherings; where several cover a month, the largest intensity counts (assign a new list to change it).
        """
    @restrictions.setter
    def restrictions(self, arg0: collections.abc.Sequence[Restriction]) -> None:
        ...
    @property
    def shocks(self) -> list[Shock]:
        """
        List of Shock (assign a new list to change it).
        """
    @shocks.setter
    def shocks(self, arg0: collections.abc.Sequence[Shock]) -> None:
        ...
    @property
    def survey_end(self) -> str | None:
        """
        Last month of the survey window ('YYYY-MM'; None: no window).
        """
    @survey_end.setter
    def survey_end(self, arg1: str | datetime.date | None) -> None:
        ...
    @property
    def survey_start(self) -> str | None:
        """
        First month of the survey window of the main-problem shares in summaries ('YYYY-MM'; None: no window). Set together with survey_end.
        """
    @survey_start.setter
    def survey_start(self, arg1: str | datetime.date | None) -> None:
        ...
class PopulationSource:
    """
    Where a run's firms (and cooperatives) come from: the built-in population or registry files ([population] of a scenario file).
    """
    preset: str
    firms: int
    seed: int
    firms_csv: str
    cooperatives_csv: str
    memberships_csv: str
    regime: str
    burn_in_months: int
    @property
    def csv_locale(self) -> str:
        """
        How the registry files write fields and numbers: 'auto' (detected from each file's header row), 'en' (commas, 1234.5) or 'id' (semicolons, 1.234,5: a spreadsheet export in an Indonesian locale).
        """
    @csv_locale.setter
    def csv_locale(self, arg1: str) -> None:
        ...
    def __copy__(self) -> PopulationSource:
        ...
    def __deepcopy__(self, arg0: dict) -> PopulationSource:
        ...
    def __init__(self, *, preset: str = 'bogor', firms: int = 0, seed: int = 1, firms_csv: str = '', cooperatives_csv: str = '', memberships_csv: str = '', regime: str = 'law20_2008', burn_in_months: int = -1, csv_locale: str = 'auto') -> None:
        ...
    def __repr__(self) -> str:
        ...
class OutputSpec:
    """
    What a run writes ([outputs] of a scenario file).
    """
    dir: str
    report: str
    microdata: bool
    cooperative_panel: bool
    panel_months: list[int]
    def __copy__(self) -> OutputSpec:
        ...
    def __deepcopy__(self, arg0: dict) -> OutputSpec:
        ...
    def __init__(self, *, dir: str = '', report: str = '', microdata: bool = False, cooperative_panel: bool = False, panel_months: collections.abc.Sequence[int] = []) -> None:
        ...
    def __repr__(self) -> str:
        ...
class ScenarioFile:
    """
    A scenario file (docs/scenario.md): the scenario, its population, seed, replications and outputs. Fields are edited in place (f.scenario.months = 12).
    """
    description: str
    extends: str
    scenario: Scenario
    population: PopulationSource
    seed: int
    replications: int
    outputs: OutputSpec
    source: str
    def __copy__(self) -> ScenarioFile:
        ...
    def __deepcopy__(self, arg0: dict) -> ScenarioFile:
        ...
    def __init__(self, *, scenario: Scenario | None = None, population: PopulationSource | None = None, seed: int = 1, replications: int = 1, outputs: OutputSpec | None = None, description: str = '', extends: str = '', source: str = '') -> None:
        ...
    def __repr__(self) -> str:
        ...
class Ensemble:
    """
    Replications of scenarios on one population (scenarios[0] is the baseline), added in batches; results do not depend on the thread count or the batches.
    """
    def __init__(self, population: Population, scenarios: collections.abc.Sequence[Scenario], *, seed: int = 1, first_replication: int = 0, threads: int = 1, common_random_numbers: bool = True, quantiles: collections.abc.Sequence[float] = [0.05, 0.25, 0.5, 0.75, 0.95], confidence: float = 0.9, healthy_cash_months: float = 1.0, exact_quantiles_up_to: int = 64, checkpoint: str = '') -> None:
        ...
    def result(self) -> EnsembleResult:
        ...
    def run(self, replications: int, progress: typing.Any = None) -> None:
        """
        Run more replications. progress(done, total) is called on this thread after every replication and every 0.1 s; returning False stops (CancelledError) and Ctrl-C raises KeyboardInterrupt within a second. Completed replications are kept either way.
        """
    @property
    def replications_done(self) -> int:
        ...
class EnsembleResult:
    """
    Summary of an ensemble (scenario 0 is the baseline).
    """
    def __init__(self, *args: typing.Any, **kwargs: typing.Any) -> None:
        """Not constructible from Python: results come from Ensemble.result()."""
    def series_names(self) -> list[str]:
        ...
    def table_columns(self, which: str) -> list:
        """
        Columns of 'outcomes', 'comparison', 'comparison_by_group', 'additionality' or 'series:<table>' as (name, array, categories, unit); arrays are read-only views of the result.
        """
    @property
    def cancelled(self) -> bool:
        ...
    @property
    def common_random_numbers(self) -> bool:
        ...
    @property
    def confidence(self) -> float:
        ...
    @property
    def elapsed_seconds(self) -> float:
        ...
    @property
    def first_replication(self) -> int:
        ...
    @property
    def memory_bytes(self) -> int:
        ...
    @property
    def months(self) -> int:
        ...
    @property
    def population(self) -> str:
        ...
    @property
    def programme_names(self) -> list[str]:
        ...
    @property
    def region_names(self) -> list[str]:
        ...
    @property
    def replications(self) -> int:
        ...
    @property
    def replications_resumed(self) -> int:
        ...
    @property
    def scenarios(self) -> list[str]:
        ...
    @property
    def sector_names(self) -> list[str]:
        ...
    @property
    def seed(self) -> int:
        ...
    @property
    def start(self) -> str:
        ...
    @property
    def threads(self) -> int:
        ...
class RunResult:
    """
    The outcome of one run (one scenario, one replication).
    """
    def __init__(self, *args: typing.Any, **kwargs: typing.Any) -> None:
        """Not constructible from Python: results come from run() and Simulation.result()."""
    def firm_months_per_second(self) -> float:
        ...
    def summary(self) -> str:
        ...
    @staticmethod
    def table_names() -> list[str]:
        """
        The names of a result's tables (table_columns, write_csv), in order.
        """
    @staticmethod
    def table_rows() -> list:
        """
        Each table of a result: its name and what one row is, in order.
        """
    def table_columns(self, which: str) -> list:
        """
        Columns of a table ('monthly', 'by_sector', 'by_class', 'by_region', 'firms', 'credit_book', 'panel', 'cooperatives_monthly', 'cooperatives_by_type', 'cooperatives_by_region', 'cooperatives_panel', 'programmes_monthly', 'programme_ledger', 'programme_payments', 'programme_awards') as (name, array, categories, unit); arrays are read-only views of the result.
        """
    def write_csv(self, which: str, path: str, prefix: collections.abc.Sequence[tuple[str, str]] = []) -> None:
        ...
    @property
    def class_transitions(self) -> typing.Annotated[list[typing.Annotated[list[int], "FixedSize(4)"]], "FixedSize(4)"]:
        ...
    @property
    def elapsed_seconds(self) -> float:
        ...
    @property
    def initial_employment(self) -> int:
        ...
    @property
    def initial_firms(self) -> int:
        ...
    @property
    def months(self) -> int:
        ...
    @property
    def population(self) -> str:
        ...
    @property
    def region_names(self) -> list[str]:
        ...
    @property
    def replication(self) -> int:
        ...
    @property
    def scenario(self) -> str:
        ...
    @property
    def sector_names(self) -> list[str]:
        ...
    @property
    def seed(self) -> int:
        ...
    @property
    def start(self) -> str:
        ...
    @property
    def survey_end(self) -> str | None:
        """
        Last month of the survey window (None: none).
        """
    @property
    def survey_start(self) -> str | None:
        """
        First month of the scenario's survey window of the main-problem shares (None: none).
        """
    @property
    def threads(self) -> int:
        ...
class Simulation:
    """
    The engine one month at a time.
    """
    @staticmethod
    def flow_names() -> list[str]:
        ...
    @staticmethod
    def state_names() -> list[str]:
        ...
    def __init__(self, population: Population, scenario: Scenario, *, seed: int = 1, replication: int = 0, threads: int = 1, record_flows: bool = False, panel_months: collections.abc.Sequence[int] = []) -> None:
        ...
    def flows(self, name: str) -> numpy.ndarray:
        """
        Read-only view of one cash-flow array of the latest month (record_flows=True).
        """
    def result(self) -> RunResult:
        ...
    def run(self, progress: typing.Any = None) -> None:
        """
        Step to the end.
        """
    def state(self, name: str) -> numpy.ndarray:
        """
        Read-only view of one state array (all capacity; the first firm_count are live).
        """
    def step(self) -> None:
        """
        Step one month.
        """
    @property
    def cooperatives(self) -> Cooperatives:
        """
        State of every cooperative after the latest month (read the arrays before stepping again).
        """
    @property
    def done(self) -> bool:
        ...
    @property
    def firm_count(self) -> int:
        ...
    @property
    def months_done(self) -> int:
        ...
    @property
    def months_total(self) -> int:
        ...
def allocations() -> list[str]:
    """
    Allocation rules: who is served first when applicants exceed what is left.
    """
def banjarbaru_population_spec(firms: int = 10000) -> PopulationSpec:
    ...
def bogor_2024_cooperative_spec() -> CooperativeSpec:
    """
    Bogor's cooperatives in 2024 (seed 003): 1,845, 778 of them active.
    """
def bogor_2024_population_spec(firms: int = 751888) -> PopulationSpec:
    ...
def bogor_active_cooperatives_2019() -> list[int]:
    ...
def bogor_active_cooperatives_2020() -> list[int]:
    ...
def bogor_cooperative_spec() -> CooperativeSpec:
    """
    Bogor's cooperatives in 2019: 1,651 cooperatives, 589 active by kecamatan, 91,555 members.
    """
def bogor_covid19_scenario(months: int = 36) -> Scenario:
    ...
def bogor_input_output() -> InputOutput:
    ...
def bogor_kecamatan() -> list[str]:
    ...
def bogor_population_spec(firms: int = 751888) -> PopulationSpec:
    ...
def bogor_registered_2024_cooperative_spec() -> CooperativeSpec:
    """
    The 768 cooperatives Bogor counted in November 2024 (seed 004), 324 of them active (seed 003's share).
    """
def bogor_registered_2024_population_spec(firms: int = 34636) -> PopulationSpec:
    ...
def bogor_sectors() -> list[SectorSpec]:
    ...
def burn_in(population: Population, params: FirmParams = ..., months: int = 60, seed: int = 1, threads: int = 1) -> None:
    """
    Step the firms of `population` (in place) for `months` months through the model's own processes under `params`, without shocks or programmes, replacing each firm that closes by a new one in its place (drawn from population.entry_spec), and write their state back (docs/model.md §4). Deterministic in (population, params, months, seed); sets population.baseline_exit_rate_month.
    """
def channels() -> list[str]:
    """
    Shock channel names.
    """
def class_criteria() -> list[str]:
    """
    How assets and turnover combine into a class.
    """
def class_param_table() -> list:
    """
    Rows of the per-class generation parameters; 'defaults' gives micro, small, medium.
    """
def class_regimes() -> list[str]:
    """
    Size-class regimes.
    """
def class_thresholds(regime: str) -> dict:
    """
    Inclusive upper bounds of micro, small and medium under a regime.
    """
def classify(regime: str, criterion: str, assets_rp: float, turnover_rp_year: float, workers: int) -> str:
    """
    Size class of one firm under a regime: 'micro', 'small', 'medium' or 'large'.
    """
def classify_codes(regime: str, criterion: str, assets_rp: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], turnover_rp_year: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], workers: typing.Annotated[numpy.typing.ArrayLike, numpy.int64]) -> numpy.typing.NDArray[numpy.uint8]:
    """
    Vectorised classify: class codes (0 micro .. 3 large) for arrays of firms.
    """
def closure_reasons() -> list[str]:
    """
    Why a firm closed, in code order (FirmState.closure_reason): open (not closed), owner_exit (the owner left for reasons outside the business), unviable (it no longer supported the household), insolvent (unable to meet its obligations for closure_after_months months).
    """
def coop_types() -> list[str]:
    """
    Cooperative types, in code order (the order of CooperativeSpec's per-type lists).
    """
def covid19_shocks() -> list[Shock]:
    ...
def default_amount_rp(kind: str) -> float:
    """
    The default per-recipient amount of a programme kind, Rp.
    """
def eligibility_attributes() -> list[str]:
    """
    Firm attributes an AttributeRange may test (revenue_rp_month is pre-shock revenue).
    """
def estimate_entry_spec(population: Population) -> PopulationSpec:
    """
    A PopulationSpec estimated from a population's firms (sectors, classes and shares), from which entrants are drawn.
    """
def ensemble_option_table() -> list:
    """
    Rows (name, default, min, max, unit, integer, description, source) of the numeric options of an ensemble (docs/ensembles.md).
    """
def firm_param_table() -> list:
    """
    Rows (name, default, min, max, unit, integer, description, source) of the firm parameters.
    """
def lenders() -> list[str]:
    """
    Lender kinds, in the order firms try them.
    """
def load_scenario(path: str) -> ScenarioFile:
    """
    Read and validate a scenario file (ScenarioFileError, FileError when it cannot be read).
    """
def make_population(population_source: PopulationSource, base_dir: str = '', threads: int = 1, params: FirmParams = ...) -> Population:
    """
    Generate or read the population a PopulationSource describes (relative paths from base_dir), burnt in under `params` (give the scenario's, so that a run without shocks stands still under them); refuses a population that would not fit in memory (error on population.firms).
    """
def north_sumatra_cooperative_spec() -> CooperativeSpec:
    """
    North Sumatra's 11,917 cooperatives and about 900,000 members (seed 001) with Bogor's composition per cooperative and the share able to hold their members' meeting online (NORTH_SUMATRA_VIRTUAL_RAT_SHARE).
    """
def raise_scenario_file_errors(errors: collections.abc.Sequence[tuple[str, int, str, str, str]]) -> typing.NoReturn:
    """
    Raise the ScenarioFileError of the mistakes (file, line, key, value, allowed), worded and ordered as the reader reports a file's mistakes (for the checks the Python layer makes on a file).
    """
def parse_programme_tables(text: str, source: str, key: str) -> list[Programme]:
    """
    The programmes of the array of tables `key` of a TOML document, each read as a scenario's [[programmes]] are (errors named key[i].field, reported together); none when the key is absent.
    """
def parse_scenario(text: str, source: str = '<scenario>', other_keys: list[str] = []) -> ScenarioFile:
    """
    Read and validate a scenario from TOML text; `source` names it in errors. The top-level keys `other_keys` are left to the caller (an analysis's settings kept in the same file).
    """
def population_preset_spec(name: str, firms: int = 0) -> PopulationSpec:
    """
    The population spec of the built-in population `name` with `firms` firms (0: its own size).
    """
def population_presets() -> list:
    """
    The built-in populations a scenario file names ([population] preset): name, firms (its size when a file gives none) and description with its sources.
    """
def population_param_table() -> list:
    """
    Rows of the population-wide generation parameters.
    """
def preset(name: str) -> ScenarioFile:
    """
    A built-in scenario file, parsed.
    """
def preset_names() -> list[str]:
    """
    Names of the built-in scenario files (presets/*.toml).
    """
def preset_text(name: str) -> str:
    """
    The TOML text of a built-in scenario file.
    """
def programme_field_table() -> list:
    """
    Rows (name, default, min, max, unit, integer, description, source) of the numeric fields every programme shares; a default below min (-1) marks an optional field, unset.
    """
def programme_hooks() -> list:
    """
    The hooks of the programmes' month through which a kind acts (name, description), in order.
    """
def programme_kind_rows() -> list:
    """
    One row per programme kind (name, serves_firms, serves_cooperatives, spends_budget, default_amount_rp, amount_meaning, hooks: the hooks of the programmes' month its mechanism uses, ledger: what its ledger's transfers pay for), in order; its parameters are programme_params(name).
    """
def programme_kinds() -> list[str]:
    """
    Programme kind names (docs/model.md §15).
    """
def programme_params(kind: str) -> list:
    """
    Rows (name, default, min, max, unit, integer, description, source) of a kind's kind-specific parameters.
    """
def require_memory(field: str, firms: int) -> None:
    """
    Raise InvalidArgumentError on `field` when `firms` firms would not fit in the memory available.
    """
def run(population: Population, scenario: Scenario, *, seed: int = 1, replication: int = 0, threads: int = 1, microdata: bool = True, cooperative_panel: bool = False, panel_months: collections.abc.Sequence[int] = [], progress: typing.Any = None) -> RunResult:
    """
    Run a scenario on a population to the end. panel_months: months (indices from 0) whose every firm is kept in the 'panel' table. progress(done, total) is called after every month; returning False cancels (CancelledError); Ctrl-C raises KeyboardInterrupt within a month.
    """
def scenario_option_table() -> list:
    """
    Rows (name, default, min, max, unit, integer, description, source) of the numeric options of a scenario file, by key path; a default below min marks an option unset unless given (docs/scenario.md).
    """
def sector_param_table() -> list:
    """
    Rows of the per-sector parameters.
    """
def shock_field_table() -> list:
    """
    Rows (name, default, min, max, unit, integer, description, source) of a shock's numeric fields.
    """
def serves_cooperatives(kind: str) -> bool:
    """
    Whether a kind's recipients are cooperatives (csr_capital, coop_network, virtual_rat; the clinic serves both).
    """
def serves_firms(kind: str) -> bool:
    """
    Whether a kind's recipients are firms (the clinic serves both).
    """
def size_classes() -> list[str]:
    """
    Size class names, smallest first.
    """
def spends_budget(kind: str) -> bool:
    """
    Whether a kind's awards cost the government money; those that do not (loan_restructuring: lenders bear the relief) act whatever their budget.
    """
def save_scenario(scenario_file: ScenarioFile, path: str) -> None:
    """
    Write to_toml(scenario_file) to `path` (through a temporary file).
    """
def to_toml(scenario_file: ScenarioFile) -> str:
    """
    The scenario file as TOML (every key, no extends).
    """
BANJARBARU_FIRMS: int = 10000
BOGOR_2024_ACTIVE_COOPERATIVES: int = 778
BOGOR_2024_COOPERATIVES: int = 1845
BOGOR_FIRMS: int = 751888
BOGOR_REGISTERED_COOPERATIVES_2024: int = 768
BOGOR_REGISTERED_FIRMS_2024: int = 34636
NORTH_SUMATRA_COOPERATIVES: int = 11917
NORTH_SUMATRA_MEMBERS: int = 900000
NORTH_SUMATRA_VIRTUAL_RAT_SHARE: float = 0.038
__version__: str
