"""Budget portfolio optimisation (docs/portfolio.md): how to split one budget
across several support programmes, and which simple design of each, so that
a shock costs the fewest jobs or firms.

::

    import msmesim as ms
    from msmesim import programmes as pg

    population = ms.generate_population(ms.presets.bogor_population_spec(firms=20_000), seed=1)
    baseline = ms.presets.bogor_covid19_scenario(months=18)
    grant = pg.cash_grant("grant", start="2020-04", end="2020-12", budget_rp=0, amount_rp=2.4e6, uptake=0.5)
    voucher = pg.shipping_voucher("voucher", start="2020-04", end="2021-06", budget_rp=0)
    kur = pg.kur_subsidy("kur", start="2020-04", end="2021-06", budget_rp=0, rate_points=0.03)
    result = ms.optimise_portfolio(population, baseline, [grant, voucher, kur], 24e9,
                                   objective="jobs_saved", designs={"grant": {"amount_rp": [1.2e6, 2.4e6]}},
                                   replications=10, threads=2)
    result.best          # shares, budgets and designs of the best portfolio, with its validated value
    result.top           # the best few on fresh replications, with confidence intervals
    result.plot()        # the objective over the triangle of splits
    ms.run(population, result.scenario("best"))

The decision is the split of ``total_budget_rp`` across the programmes (a
point of the simplex: shares >= 0 summing to 1; a share of 0 drops the
programme) and, optionally, one alternative of each design choice
(``designs``). Every candidate portfolio is a scenario: the baseline's
shocks and programmes plus the programmes with their budgets. All
candidates are run with the same seed and replications as the baseline
(common random numbers), so the objective -- the mean over replications
of the paired difference to the baseline -- is a deterministic function of
the decision and the differences between candidates are not noise.

The optimiser is a simplex-lattice search with successive refinement:
every split on a lattice of step ``step`` (every design combination), then
around the ``keep`` best portfolios the lattice of half the step, and so on
down to ``min_step``. Under common random numbers the objective is
deterministic but piecewise constant in the split (firms are saved or not,
grants are whole), so gradient methods and Nelder-Mead see flat plateaus
and stall; a lattice is exhaustive at its resolution, needs no tuning,
evaluates each round's candidates together in one ensemble, and shows the
whole landscape. The best few portfolios and the equal split are then run
again on fresh replications (``validation_replications``, numbered after
the search's), which gives their objective with confidence intervals and
the improvement over the equal split as a paired difference, free of the
selection on the search's replications.
"""

from __future__ import annotations

import copy
import html
import itertools
import math
import numbers
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd

from . import _core
from ._common import ProgressArg
from ._errors import invalid

#: Objectives to maximise: paired differences to the baseline (same replication).
OBJECTIVES: tuple[str, ...] = ("jobs_saved", "firms_saved", "recovery_months_gained", "class_advancements",
                               "member_firms_saved", "nonmember_firms_saved", "member_jobs_saved",
                               "nonmember_jobs_saved")

#: Metrics a weighted objective may combine (a negative weight penalises, e.g. ``net_cost_rp``).
WEIGHT_METRICS: tuple[str, ...] = OBJECTIVES + ("net_cost_rp", "micro_spending_share")

#: Programme fields a design choice may set (besides the kind's own parameters).
DESIGN_FIELDS: tuple[str, ...] = ("amount_rp", "eligibility", "quota", "uptake", "allocation", "monthly_capacity",
                                  "start", "end", "admin_cost_share", "leakage_share")

#: Metrics reported for every candidate, besides the objective's.
_REPORTED = ("jobs_saved", "firms_saved", "net_cost_rp", "micro_spending_share")

#: Candidate scenarios per ensemble call (bounds the memory of one call).
_BATCH = 200

#: Neighbourhood rounds at one lattice step at most (the search stops earlier when the kept set settles).
_ROUNDS_PER_STEP = 3


# Candidates -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Candidate:
    """A portfolio: exact shares and, per programme, the index of its design
    alternative (None where the share is 0)."""

    shares: tuple[Fraction, ...]
    design: tuple[int | None, ...]


@dataclass
class _Evaluated:
    candidate: _Candidate
    name: str
    round: int
    step: float
    values: pd.DataFrame  # one row per replication, one column per metric
    objective: np.ndarray  # per replication


def _compositions(total: int, parts: int) -> Iterator[tuple[int, ...]]:
    """Every tuple of ``parts`` whole numbers >= 0 summing to ``total``."""
    if parts == 1:
        yield (total,)
        return
    for first in range(total, -1, -1):
        for rest in _compositions(total - first, parts - 1):
            yield (first, *rest)


def _offsets(parts: int, radius: int) -> list[tuple[int, ...]]:
    """Moves on the lattice around a point: for up to 4 programmes every
    vector of whole numbers in [-radius, radius] summing to 0; for more,
    the transfers of 1..radius steps between two programmes."""
    out: list[tuple[int, ...]] = []
    if parts <= 4:
        for head in itertools.product(range(-radius, radius + 1), repeat=parts - 1):
            last = -sum(head)
            if abs(last) <= radius and (any(head) or last):
                out.append((*head, last))
        return out
    for i, j in itertools.permutations(range(parts), 2):
        for k in range(1, radius + 1):
            v = [0] * parts
            v[i], v[j] = k, -k
            out.append(tuple(v))
    return out


# Checks -----------------------------------------------------------------------------------------
def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def _whole(field: str, value: Any, minimum: int) -> int:
    allowed = f"a whole number >= {minimum}"
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise invalid(field, value, allowed, _core.TypeMismatchError)
    if value < minimum:
        raise invalid(field, int(value), allowed)
    return int(value)


def _real(field: str, value: Any, allowed: str, ok: Callable[[float], bool]) -> float:
    if not _is_number(value):
        raise invalid(field, value, allowed, _core.TypeMismatchError)
    v = float(value)
    if not (math.isfinite(v) and ok(v)):
        raise invalid(field, v, allowed)
    return v


def _objective_weights(objective: str | None, weights: Mapping[str, float] | None) -> tuple[str, dict[str, float]]:
    choices = ", ".join((*OBJECTIVES, "weighted"))
    if objective is not None and not isinstance(objective, str):
        raise invalid("objective", objective, "one of " + choices, _core.TypeMismatchError)
    if weights is None:
        if objective is None:
            objective = "jobs_saved"
        if objective == "weighted":
            raise invalid("weights", None, "a dict metric: weight (objective='weighted' needs weights)")
        if objective not in OBJECTIVES:
            raise invalid("objective", objective, "one of " + choices)
        return objective, {objective: 1.0}
    if objective not in (None, "weighted"):
        raise invalid("objective", objective, "'weighted' or None when weights are given")
    if not isinstance(weights, Mapping):
        raise invalid("weights", weights, "a dict metric: weight", _core.TypeMismatchError)
    if not weights:
        raise invalid("weights", "{}", "at least one metric: weight")
    out: dict[str, float] = {}
    for metric, w in weights.items():
        if metric not in WEIGHT_METRICS:
            raise invalid("weights", metric, "metrics among " + ", ".join(WEIGHT_METRICS))
        out[metric] = _real(f"weights.{metric}", w, "a finite number", lambda v: True)
    if not any(out.values()):
        raise invalid("weights", out, "at least one weight other than 0")
    return "weighted", out


def _check_programmes(programmes: Any, baseline: _core.Scenario) -> list[_core.Programme]:
    if isinstance(programmes, _core.Programme):
        programmes = [programmes]
    if isinstance(programmes, (str, bytes)) or not isinstance(programmes, Iterable):
        raise invalid("programmes", type(programmes).__name__, "a list of Programme (ms.programmes.*)",
                      _core.TypeMismatchError)
    out = list(programmes)
    if not out:
        raise invalid("programmes", "[]", "at least one Programme")
    existing = {p.name for p in baseline.programmes}
    seen: dict[str, int] = {}
    for k, p in enumerate(out):
        if not isinstance(p, _core.Programme):
            raise invalid(f"programmes[{k}]", type(p).__name__, "a Programme (ms.programmes.*)",
                          _core.TypeMismatchError)
        if p.name in existing:
            raise invalid(f"programmes[{k}].name", p.name, "a name not used by the baseline's programmes")
        if p.name in seen:
            raise invalid(f"programmes[{k}].name", p.name,
                          f"a name no other programme has (programmes[{seen[p.name]}] has it)")
        seen[p.name] = k
    return out


def _design_value(field: str, value: Any) -> Any:
    """A design alternative as the Programme property takes it."""
    if field == "eligibility":
        if value is None:
            return _core.Eligibility()
        if isinstance(value, Mapping):
            from .programmes import eligible

            return eligible(**value)
    return value


def _apply(programme: _core.Programme, choice: Mapping[str, Any]) -> None:
    """Set the fields of one design alternative on ``programme`` (a copy)."""
    params = dict(programme.params)
    for field, value in choice.items():
        if field in DESIGN_FIELDS:
            setattr(programme, field, _design_value(field, value))
        else:
            params[field.removeprefix("params.")] = float(value)
    if params != dict(programme.params):
        programme.params = params


def _check_designs(designs: Any, programmes: list[_core.Programme]) -> list[list[dict[str, Any]]]:
    """Per programme, its design alternatives (the product of its choices; [{}] without any)."""
    out: list[list[dict[str, Any]]] = [[{}] for _ in programmes]
    if designs is None:
        return out
    if not isinstance(designs, Mapping):
        raise invalid("designs", type(designs).__name__, "a dict programme name: {field: [alternatives]}",
                      _core.TypeMismatchError)
    names = [p.name for p in programmes]
    for name, choices in designs.items():
        if name not in names:
            raise invalid("designs", name, "names of the programmes: " + ", ".join(names))
        k = names.index(name)
        kind = programmes[k].kind
        kind_params = [row["name"] for row in _core.programme_params(kind)]
        if not isinstance(choices, Mapping) or not choices:
            raise invalid(f"designs.{name}", choices, "a non-empty dict field: [alternatives]",
                          _core.TypeMismatchError)
        fields, lists = [], []
        for field, alternatives in choices.items():
            f = f"designs.{name}.{field}"
            bare = field.removeprefix("params.") if isinstance(field, str) else field
            if field not in DESIGN_FIELDS and bare not in kind_params:
                raise invalid(f"designs.{name}", field, "fields among " + ", ".join((*DESIGN_FIELDS, *kind_params)))
            if isinstance(alternatives, (str, bytes, Mapping)) or not isinstance(alternatives, Iterable):
                raise invalid(f, alternatives, "a non-empty list of alternatives", _core.TypeMismatchError)
            alternatives = list(alternatives)
            if not alternatives:
                raise invalid(f, "[]", "a non-empty list of alternatives")
            if field not in DESIGN_FIELDS:
                for i, a in enumerate(alternatives):
                    if not _is_number(a):
                        raise invalid(f"{f}[{i}]", a, "a number", _core.TypeMismatchError)
            fields.append(field)
            lists.append(alternatives)
        combos = [dict(zip(fields, values)) for values in itertools.product(*lists)]
        for combo in combos:
            trial = copy.copy(programmes[k])
            try:
                _apply(trial, combo)
                trial.validate()
            except (_core.InvalidArgumentError, _core.TypeMismatchError, TypeError, ValueError) as exc:
                shown = ", ".join(f"{key}={_label(v)}" for key, v in combo.items())
                raise invalid(f"designs.{name}", shown, f"valid alternatives ({exc})") from None
        out[k] = combos
    return out


def _label(value: Any) -> str:
    """A short readable label of a design alternative."""
    if value is None:
        return "default"
    if isinstance(value, _core.Eligibility):
        parts = []
        for key in ("classes", "sectors", "regions", "coop_types"):
            items = getattr(value, key)
            if items:
                parts.append(f"{key}={'/'.join(items)}")
        for key in ("registered", "cooperative_member", "online_seller"):
            flag = getattr(value, key)
            if flag is not None:
                parts.append(f"{key}={flag}")
        for key in ("never_had_kur", "in_distress"):
            if getattr(value, key):
                parts.append(key)
        for r in value.ranges:
            parts.append(f"{r.attribute} in [{r.min:g}, {r.max:g}]")
        return "; ".join(parts) or "any"
    if isinstance(value, Mapping):
        return "; ".join(f"{k}={_label(v)}" for k, v in value.items()) or "any"
    if _is_number(value):
        return f"{float(value):,.6g}" if abs(float(value)) < 1e6 else f"{float(value):,.0f}"
    return str(value)


def _percent(share: float) -> str:
    return f"{100 * share:.3g} %"


# Statistics -------------------------------------------------------------------------------------
def _mean(values: np.ndarray) -> float:
    """The mean; NaN when empty or when any value is NaN."""
    return float(values.mean()) if values.size and not np.isnan(values).any() else math.nan


def _interval(values: np.ndarray, confidence: float) -> tuple[float, float, float]:
    """Mean and Student-t confidence interval of the mean (NaN bounds for fewer than 2 values)."""
    values = np.asarray(values, dtype=float)
    n = values.size
    if n == 0 or np.isnan(values).any():
        return math.nan, math.nan, math.nan
    mean = float(values.mean())
    if n < 2:
        return mean, math.nan, math.nan
    from scipy import stats

    half = float(stats.t.ppf(0.5 + confidence / 2.0, n - 1)) * float(values.std(ddof=1)) / math.sqrt(n)
    return mean, mean - half, mean + half


# Evaluation -------------------------------------------------------------------------------------
def _evaluate(population: _core.Population, baseline: _core.Scenario, scenarios: list[_core.Scenario],
              metrics: Sequence[str], *, replications: int, seed: int, first_replication: int,
              threads: int) -> tuple[dict[str, pd.DataFrame], Any]:
    """Run the scenarios against the baseline in one ensemble (common random
    numbers) and return, per scenario name, a frame with one row per
    replication and one column per metric, and the EnsembleResult."""
    from .ensemble import compare

    ensemble = compare(population, baseline, scenarios, replications=replications, seed=seed,
                       first_replication=first_replication, threads=threads, progress=False)
    out = ensemble.outcomes
    out = out[out["metric"].astype(str).isin(metrics)]
    wide = out.assign(scenario=out["scenario"].astype(str), metric=out["metric"].astype(str)).pivot(
        index=["scenario", "replication"], columns="metric", values="value")
    frames: dict[str, pd.DataFrame] = {}
    for s in scenarios:
        part = wide.loc[s.name] if s.name in wide.index.get_level_values(0) else pd.DataFrame(index=[])
        frames[s.name] = part.reindex(columns=list(metrics)).sort_index()
    return frames, ensemble


class _Search:
    """The state of one optimisation: inputs, the evaluated candidates and the runs."""

    def __init__(self, population: _core.Population, baseline: _core.Scenario, programmes: list[_core.Programme],
                 total: float, weights: dict[str, float], micro_floor: float | None,
                 alternatives: list[list[dict[str, Any]]], replications: int, seed: int, threads: int,
                 progress: ProgressArg) -> None:
        self.population, self.baseline, self.programmes = population, baseline, programmes
        self.total, self.weights, self.micro_floor = total, weights, micro_floor
        self.alternatives = alternatives
        self.replications, self.seed, self.threads = replications, seed, threads
        self.metrics = list(dict.fromkeys([*weights, *_REPORTED]))
        self.evaluated: dict[_Candidate, _Evaluated] = {}
        self.runs = 0
        self.prefix = "portfolio-"
        while baseline.name.startswith(self.prefix):
            self.prefix = "p" + self.prefix
        self._progress = progress
        self._bar: Any = None
        self._done = 0

    # Scenarios -------------------------------------------------------------------------------
    def budgets(self, shares: Sequence[Fraction]) -> list[float]:
        """Budgets in Rp: total x share, the last funded programme taking the rounding so the sum is exact."""
        budgets = [float(Fraction(self.total) * s) for s in shares]
        funded = [k for k, s in enumerate(shares) if s > 0]
        if funded:
            last = funded[-1]
            budgets[last] = 0.0
            budgets[last] = self.total - math.fsum(budgets)
        return budgets

    def scenario(self, c: _Candidate, name: str) -> _core.Scenario:
        s = copy.copy(self.baseline)
        s.name = name
        chosen = []
        for k, (p, share, budget) in enumerate(zip(self.programmes, c.shares, self.budgets(c.shares))):
            if share == 0:
                continue
            q = copy.copy(p)
            _apply(q, self.alternatives[k][c.design[k] or 0])
            q.budget_rp = budget
            chosen.append(q)
        s.programmes = [*self.baseline.programmes, *chosen]
        return s

    # Progress --------------------------------------------------------------------------------
    def _tick(self, done: int, total: int) -> None:
        if self._progress is None or self._progress is False:
            return
        if self._progress is True:
            if self._bar is None:
                from tqdm.auto import tqdm

                self._bar = tqdm(total=total, desc="portfolios", unit="portfolio", leave=False)
            self._bar.total = total
            self._bar.n = done
            self._bar.refresh()
        else:
            self._progress(done, total)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()

    # Evaluation ------------------------------------------------------------------------------
    def objective_label(self) -> str:
        return " + ".join(f"{w:g} x {m}" for m, w in self.weights.items())

    def objective_of(self, values: pd.DataFrame) -> np.ndarray:
        total = np.zeros(len(values))
        for metric, w in self.weights.items():
            if w:
                total = total + w * values[metric].to_numpy(dtype=float)
        return total

    def evaluate(self, candidates: Iterable[_Candidate], round_: int, step: float) -> list[_Candidate]:
        """Evaluate the candidates not evaluated before; returns the new ones."""
        new = list(dict.fromkeys(c for c in candidates if c not in self.evaluated))
        total = len(self.evaluated) + len(new)
        for start in range(0, len(new), _BATCH):
            batch = new[start:start + _BATCH]
            names = [f"{self.prefix}{len(self.evaluated) + i + 1:05d}" for i in range(len(batch))]
            scenarios = [self.scenario(c, n) for c, n in zip(batch, names)]
            frames, _ = _evaluate(self.population, self.baseline, scenarios, self.metrics,
                                  replications=self.replications, seed=self.seed, first_replication=0,
                                  threads=self.threads)
            self.runs += (len(batch) + 1) * self.replications
            for c, n in zip(batch, names):
                values = frames[n]
                self.evaluated[c] = _Evaluated(c, n, round_, step, values, self.objective_of(values))
            self._done = len(self.evaluated)
            self._tick(self._done, total)
        return new

    def mean(self, c: _Candidate, metric: str) -> float:
        return _mean(self.evaluated[c].values[metric].to_numpy(dtype=float))

    def outcome_key(self, c: _Candidate) -> bytes:
        """Equal for portfolios with the same outcomes on every replication."""
        return self.evaluated[c].values.to_numpy(dtype=float).tobytes()

    def score(self, c: _Candidate) -> float:
        e = self.evaluated[c]
        return float(e.objective.mean()) if e.objective.size and not np.isnan(e.objective).any() else math.nan

    def feasible(self, c: _Candidate) -> bool:
        if self.micro_floor is None:
            return True
        share = self.mean(c, "micro_spending_share")
        return bool(share >= self.micro_floor - 1e-12) if not math.isnan(share) else False

    def ranked(self) -> list[_Candidate]:
        """Feasible candidates with an objective, best first (ties: lower net cost, then earlier)."""
        order = list(self.evaluated)
        position = {c: i for i, c in enumerate(order)}
        ok = [c for c in order if self.feasible(c) and not math.isnan(self.score(c))]

        def key(c: _Candidate) -> tuple[float, float, int]:
            cost = self.mean(c, "net_cost_rp")
            return (-self.score(c), cost if not math.isnan(cost) else math.inf, position[c])

        return sorted(ok, key=key)

    # Lattice ---------------------------------------------------------------------------------
    def designs_for(self, shares: tuple[Fraction, ...], base: Sequence[int | None] | None) -> list[_Candidate]:
        """Candidates with these shares: the base design where it applies, every
        alternative for the programmes it leaves open (all of them without a base)."""
        options: list[list[int | None]] = []
        for k, s in enumerate(shares):
            if s == 0:
                options.append([None])
            elif base is not None and base[k] is not None:
                options.append([base[k]])
            else:
                options.append([*range(len(self.alternatives[k]))])
        return [_Candidate(shares, tuple(d)) for d in itertools.product(*options)]

    def lattice(self, units: int) -> list[_Candidate]:
        n = len(self.programmes)
        out = []
        for counts in _compositions(units, n):
            out += self.designs_for(tuple(Fraction(c, units) for c in counts), None)
        return out

    def neighbours(self, c: _Candidate, units: int) -> list[_Candidate]:
        out = []
        for move in _offsets(len(self.programmes), 2):
            shares = tuple(s + Fraction(m, units) for s, m in zip(c.shares, move))
            if all(s >= 0 for s in shares):
                out += self.designs_for(shares, c.design)
        return out


# Result -----------------------------------------------------------------------------------------
class PortfolioResult:
    """The outcome of :func:`optimise_portfolio`.

    ``best``: the best portfolio after validation, a dict with ``shares``
    and ``budgets_rp`` (programme name -> share of the total, Rp; every
    programme, 0 for dropped ones), ``designs`` (programme name -> the
    chosen design alternative as a dict field -> value; empty without
    design choices or for dropped programmes), ``objective`` with
    ``ci_low`` and ``ci_high`` (validation replications),
    ``improvement`` over the equal split with ``improvement_ci_low`` and
    ``improvement_ci_high`` (paired: same replications),
    ``search_objective`` (search replications), ``equivalent`` (how many
    portfolios evaluated did exactly the same on every search
    replication: a plateau), ``net_cost_rp`` and ``unspent_rp`` (the total
    less the net cost: budget no recipient could use),
    ``micro_spending_share``, ``feasible`` and ``candidate`` (its name in
    ``candidates``). ``equal_split``: the same for the equal split (the
    programmes' first design alternatives).

    ``candidates``: every portfolio evaluated, best first (feasible ones
    by objective, ties to the lower net cost): ``candidate``, ``round`` and
    ``step`` of the search, ``share_<programme>``,
    ``budget_rp_<programme>``, ``<programme>.<field>`` (labels of the
    design alternatives; None where the programme gets nothing),
    ``objective`` (mean over the search replications) and
    ``objective_sd``, the means of ``jobs_saved``, ``firms_saved``,
    ``net_cost_rp`` and ``micro_spending_share`` (and of the objective's
    other metrics), ``unspent_rp``, ``feasible`` (meets ``micro_floor``)
    and ``equal_split``.

    ``top``: the best portfolios of the search with distinct outcomes,
    re-run on the validation replications, best first: ``rank``, the same
    share, budget and design columns, ``search_objective``,
    ``equivalent``, ``mean``, ``ci_low``, ``ci_high`` of the objective,
    ``improvement``, ``improvement_ci_low``, ``improvement_ci_high`` over
    the equal split, ``net_cost_rp``, ``unspent_rp``,
    ``micro_spending_share`` and ``feasible`` (meets ``micro_floor`` on
    both sets of replications).

    ``validation`` is the validation ensemble (an EnsembleResult whose
    scenarios are named after the candidates: its ``table()`` and
    ``additionality()`` say more about the top portfolios);
    :meth:`scenario` gives the scenario of any candidate, to run or save.
    Also: ``objective``, ``weights``, ``objective_label``,
    ``total_budget_rp``, ``programmes`` (names), ``micro_floor``,
    ``replications``, ``validation_replications``, ``seed``,
    ``confidence``, ``steps`` (lattice steps searched), ``evaluations``
    (portfolios), ``runs`` (simulations, baselines included) and
    ``elapsed_seconds``.
    """

    def __init__(self, **fields: Any) -> None:
        self.objective: str = fields["objective"]
        self.weights: dict[str, float] = fields["weights"]
        self.total_budget_rp: float = fields["total_budget_rp"]
        self.programmes: list[str] = fields["programmes"]
        self.micro_floor: float | None = fields["micro_floor"]
        self.best: dict[str, Any] = fields["best"]
        self.equal_split: dict[str, Any] = fields["equal_split"]
        self.candidates: pd.DataFrame = fields["candidates"]
        self.top: pd.DataFrame = fields["top"]
        self.validation: Any = fields["validation"]
        self.replications: int = fields["replications"]
        self.validation_replications: int = fields["validation_replications"]
        self.seed: int = fields["seed"]
        self.confidence: float = fields["confidence"]
        self.steps: list[float] = fields["steps"]
        self.evaluations: int = fields["evaluations"]
        self.runs: int = fields["runs"]
        self.elapsed_seconds: float = fields["elapsed_seconds"]
        self._scenario_of: Callable[[str], _core.Scenario] = fields["scenario_of"]

    @property
    def objective_label(self) -> str:
        """The objective in words, e.g. ``jobs_saved`` or ``1 x jobs_saved + 2 x firms_saved``."""
        if self.objective != "weighted":
            return self.objective
        return " + ".join(f"{w:g} x {m}" for m, w in self.weights.items() if w).replace("+ -", "- ")

    def scenario(self, which: str = "best") -> _core.Scenario:
        """The scenario of a portfolio: ``"best"``, ``"equal_split"`` or a
        candidate's name (column ``candidate``): the baseline with the
        programmes at their budgets and designs, named after the candidate."""
        if which == "best":
            which = self.best["candidate"]
        elif which == "equal_split":
            which = self.equal_split["candidate"]
        if not isinstance(which, str) or which not in set(self.candidates["candidate"]):
            raise invalid("which", which, "'best', 'equal_split' or a name of the column candidates.candidate")
        return self._scenario_of(which)

    def plot(self, kind: str = "auto", ax: Any = None) -> Any:
        """Draw the result with matplotlib and return the Figure.

        ``kind``: ``"line"`` (2 programmes: the search objective against the
        first programme's share, one line per design), ``"simplex"`` (3
        programmes: every split evaluated on the triangle, coloured by the
        search objective of its best design), ``"top"`` (the validated
        portfolios and the equal split: objective with confidence
        intervals), ``"improvement"`` (the validated portfolios'
        improvement over the equal split, paired, with confidence
        intervals) or ``"auto"`` (line, simplex or top by the number of
        programmes). ``ax``: a matplotlib Axes to draw in.
        """
        import matplotlib.pyplot as plt

        n = len(self.programmes)
        kinds = ("auto", "line", "simplex", "top", "improvement")
        if kind not in kinds:
            raise invalid("kind", kind, "one of " + ", ".join(kinds))
        if kind == "auto":
            kind = {2: "line", 3: "simplex"}.get(n, "top")
        if kind == "line" and n != 2:
            raise invalid("kind", kind, "'line' for 2 programmes only; 'top' or 'improvement'"
                          + (" or 'simplex'" if n == 3 else ""))
        if kind == "simplex" and n != 3:
            raise invalid("kind", kind, "'simplex' for 3 programmes only; 'top' or 'improvement'"
                          + (" or 'line'" if n == 2 else ""))
        if ax is None:
            fig, ax = plt.subplots(figsize=(8, 6) if kind == "simplex" else (8, 4.5))
        else:
            fig = ax.figure
        c = self.candidates
        best = c[c["candidate"] == self.best["candidate"]].iloc[0]
        equal = c[c["candidate"] == self.equal_split["candidate"]].iloc[0]
        label = f"{self.objective_label}\n(mean over the search's replications)"
        if kind == "line":
            x = f"share_{self.programmes[0]}"
            design_cols = [col for col in c.columns if col.startswith(tuple(f"{p}." for p in self.programmes))]
            groups: list[tuple[str, pd.DataFrame]] = [("", c)]
            if design_cols:
                # One line per design combination; a split whose designed programme gets nothing is on every line.
                combos = c[design_cols].dropna().drop_duplicates()
                groups = []
                for _, combo in combos.iterrows():
                    mask = np.ones(len(c), dtype=bool)
                    for col in design_cols:
                        mask &= (c[col].isna() | (c[col] == combo[col])).to_numpy()
                    groups.append((", ".join(f"{col}={combo[col]}" for col in design_cols), c[mask]))
            for text, g in groups:
                g = g.sort_values(x)
                ax.plot(g[x], g["objective"], marker="o", ms=3, lw=1, label=text or "portfolios")
                bad = g[~g["feasible"].astype(bool)]
                if len(bad):
                    ax.scatter(bad[x], bad["objective"], marker="x", color="grey", zorder=3)
            ax.scatter([equal[x]], [equal["objective"]], marker="s", s=60, color="grey", zorder=4,
                       label="equal split")
            ax.scatter([best[x]], [best["objective"]], marker="*", s=220, color="tab:red", zorder=4, label="best")
            ax.set_xlabel(f"share of the budget to {self.programmes[0]} (the rest to {self.programmes[1]})")
            ax.set_ylabel(label)
            ax.legend(fontsize="small")
        elif kind == "simplex":
            def xy(frame: Any) -> tuple[Any, Any]:
                b, t = frame[f"share_{self.programmes[1]}"], frame[f"share_{self.programmes[2]}"]
                return b + t / 2.0, t * math.sqrt(3) / 2.0

            px, py = xy(c)
            frame = pd.DataFrame({"x": px.round(9), "y": py.round(9), "objective": c["objective"],
                                  "feasible": c["feasible"].astype(bool)})
            env = frame.sort_values("objective", ascending=False).drop_duplicates(["x", "y"])
            ok, bad = env[env["feasible"]], env[~env["feasible"]]
            points = ax.scatter(ok["x"], ok["y"], c=ok["objective"], cmap="viridis", s=36, edgecolors="none")
            if len(bad):
                ax.scatter(bad["x"], bad["y"], marker="x", color="grey", s=25, label="below micro_floor")
            fig.colorbar(points, ax=ax, label=label, shrink=0.8)
            ex, ey = xy(equal)
            ax.scatter([ex], [ey], marker="s", s=60, color="grey", edgecolors="white", zorder=4, label="equal split")
            bx, by = xy(best)
            ax.scatter([bx], [by], marker="*", s=260, color="tab:red", edgecolors="white", zorder=4, label="best")
            h = math.sqrt(3) / 2
            ax.plot([0, 1, 0.5, 0], [0, 0, h, 0], color="black", lw=0.8)
            ax.text(0, -0.04, f"all to {self.programmes[0]}", ha="center", va="top", fontsize="small")
            ax.text(1, -0.04, f"all to {self.programmes[1]}", ha="center", va="top", fontsize="small")
            ax.text(0.5, h + 0.03, f"all to {self.programmes[2]}", ha="center", va="bottom", fontsize="small")
            ax.set_xlim(-0.2, 1.2)
            ax.set_ylim(-0.12, h + 0.1)
            ax.set_aspect("equal")
            ax.set_axis_off()
            ax.legend(loc="upper left", fontsize="small")
        else:
            t = self.top
            labels = [self._split_label(row) for _, row in t.iterrows()]
            if kind == "top":
                eq = self.equal_split
                means = [*t["mean"], eq["objective"]]
                low, high = [*t["ci_low"], eq["ci_low"]], [*t["ci_high"], eq["ci_high"]]
                labels.append("equal split")
                xlabel = f"{self.objective_label}: validation mean, {self.confidence:.0%} CI"
            else:
                means, low, high = list(t["improvement"]), list(t["improvement_ci_low"]), list(t["improvement_ci_high"])
                xlabel = f"improvement over the equal split in {self.objective_label}: paired, {self.confidence:.0%} CI"
                ax.axvline(0, color="black", lw=0.8)
            y = np.arange(len(means))[::-1]
            err = np.array([[m - lo for m, lo in zip(means, low)], [hi - m for m, hi in zip(means, high)]])
            colours = ["tab:red"] + ["tab:blue"] * (len(t) - 1) + ["grey"] * (len(means) - len(t))
            ax.barh(y, means, xerr=np.nan_to_num(err), color=colours, capsize=3)
            ax.set_yticks(y, labels, fontsize="small")
            ax.set_xlabel(xlabel)
        ax.set_title(f"Portfolio of {self.total_budget_rp:,.0f} Rp: {self.objective_label}")
        fig.tight_layout()
        return fig

    def _split_label(self, row: pd.Series) -> str:
        parts = []
        for p in self.programmes:
            if row[f"share_{p}"] > 0:
                design = [f"{col[len(p) + 1:]}={row[col]}" for col in row.index
                          if col.startswith(f"{p}.") and row[col] is not None]
                parts.append(f"{p} {_percent(row[f'share_{p}'])}" + (f" ({', '.join(design)})" if design else ""))
        return ", ".join(parts)

    def __repr__(self) -> str:
        shares = ", ".join(f"{p}={s:.3g}" for p, s in self.best["shares"].items())
        return (f"<msmesim.PortfolioResult objective={self.objective_label!r} best=({shares}) "
                f"value={self.best['objective']:.4g} evaluations={self.evaluations}>")

    def _repr_html_(self) -> str:
        b, e = self.best, self.equal_split
        rows = "".join(
            f"<tr><td>{html.escape(p)}</td><td>{_percent(b['shares'][p])}</td><td>{b['budgets_rp'][p]:,.0f}</td>"
            f"<td>{html.escape(', '.join(f'{k}={_label(_design_value(k, v))}' for k, v in b['designs'][p].items()))}</td>"
            f"</tr>" for p in self.programmes)
        floor = "" if self.micro_floor is None else f", micro spending share at least {self.micro_floor:.0%}"
        design = [c for c in self.top.columns if c.startswith(tuple(f"{p}." for p in self.programmes))]
        cols = [c for c in self.top.columns if c.startswith("share_")] + design + [
            "search_objective", "equivalent", "mean", "ci_low", "ci_high", "improvement", "improvement_ci_low",
            "improvement_ci_high", "unspent_rp"]
        formatters = {col: (_percent if col.startswith("share_") else
                            (lambda v: f"{v:,.0f}") if col.endswith("_rp") else
                            (lambda v: f"{v:,.4g}")) for col in cols if col not in design}
        top = self.top[cols].to_html(formatters=formatters, index=False, border=0)
        return (
            f"<div><b>msmesim portfolio</b> — {self.total_budget_rp:,.0f} Rp across "
            f"{len(self.programmes)} programmes, maximising <code>{html.escape(self.objective_label)}</code>{floor}"
            f"<br>{self.evaluations} portfolios searched on {self.replications} replications (steps "
            f"{', '.join(f'{s:g}' for s in self.steps)}), the best validated on {self.validation_replications} "
            f"fresh replications ({self.confidence:.0%} intervals)."
            f"<p><b>Best</b>: {b['objective']:,.4g} [{b['ci_low']:,.4g}, {b['ci_high']:,.4g}]; equal split "
            f"{e['objective']:,.4g} [{e['ci_low']:,.4g}, {e['ci_high']:,.4g}]; improvement "
            f"{b['improvement']:,.4g} [{b['improvement_ci_low']:,.4g}, {b['improvement_ci_high']:,.4g}]</p>"
            f"<table><tr><th>programme</th><th>share</th><th>budget (Rp)</th><th>design</th></tr>{rows}</table>"
            f"<p><b>Validated portfolios</b></p>{top}</div>"
        )


# The optimiser ----------------------------------------------------------------------------------
def optimise_portfolio(
    population: _core.Population,
    baseline: _core.Scenario,
    programmes: Sequence[_core.Programme],
    total_budget_rp: float,
    *,
    objective: str | None = None,
    weights: Mapping[str, float] | None = None,
    micro_floor: float | None = None,
    designs: Mapping[str, Mapping[str, Sequence[Any]]] | None = None,
    replications: int = 10,
    seed: int = 1,
    step: float | None = None,
    min_step: float = 0.025,
    keep: int = 3,
    top: int = 5,
    validation_replications: int | None = None,
    confidence: float = 0.90,
    threads: int = 0,
    progress: ProgressArg = False,
) -> PortfolioResult:
    """Split ``total_budget_rp`` across ``programmes`` (and pick their designs)
    to maximise an expected outcome against ``baseline``.

    ``baseline``: the scenario without the programmes (its shocks, and any
    programmes already decided). ``programmes``: the programmes whose
    budgets are to be set (``ms.programmes.*``; their ``budget_rp`` is
    ignored; names unique and not used by the baseline's programmes).
    Every candidate portfolio is the baseline plus the programmes with a
    share > 0, budget = share x ``total_budget_rp``; shares sum to 1.

    ``objective``: a metric to maximise, one of :data:`OBJECTIVES` (default
    ``jobs_saved``), or ``weighted`` with ``weights`` (``{"jobs_saved": 1,
    "firms_saved": 2}``; metrics of :data:`WEIGHT_METRICS`; giving weights
    implies ``weighted``): the per-replication weighted sum. The objective is
    the mean over replications of the paired difference to the baseline.
    ``micro_floor``: a portfolio whose mean ``micro_spending_share`` (share
    of the money reaching recipients that reaches micro firms) is below it
    is infeasible. ``designs``: per programme name a dict field ->
    alternatives, e.g. ``{"grant": {"amount_rp": [1.2e6, 2.4e6],
    "eligibility": [ms.programmes.eligible(classes=["micro"]), None]}}``;
    fields are :data:`DESIGN_FIELDS` and the kind's parameters (an
    eligibility may be given as a dict of :func:`~msmesim.programmes.eligible`'s
    arguments, ``None`` meaning every firm); the search covers every
    combination with every split.

    The search (see the module docstring and docs/portfolio.md): every split
    on the simplex lattice of ``step`` (default 0.1 for up to 4 programmes,
    0.2 for more; 1/step a whole number) with every design combination;
    then, halving the step down to ``min_step``, the finer lattice around
    the ``keep`` best feasible portfolios (every move of up to two fine steps
    for up to 4 programmes, transfers between two programmes beyond),
    repeated at each step while the kept set changes. Candidates run on
    replications ``0 .. replications-1`` with ``seed`` as an ensemble
    against the baseline (common random numbers), many in one call.
    Validation: the ``top`` best and the equal split on
    ``validation_replications`` (default ``replications``, at least 2)
    fresh replications, numbered from ``replications``; confidence
    intervals at ``confidence`` (Student t). ``threads`` are the ensemble's;
    ``progress=True`` shows a bar of portfolios evaluated (a callable gets
    ``(done, total so far)``).

    Runs: about (portfolios + batches) x replications simulations for the
    search, (top + 2) x validation replications for the validation.

    Raises :class:`InvalidArgumentError` / :class:`TypeMismatchError` naming
    the field for invalid inputs, and InvalidArgumentError on
    ``micro_floor`` when no portfolio evaluated meets it.
    """
    started = time.perf_counter()
    if not isinstance(population, _core.Population):
        raise invalid("population", type(population).__name__, "an msmesim.Population", _core.TypeMismatchError)
    if not isinstance(baseline, _core.Scenario):
        raise invalid("baseline", type(baseline).__name__, "an msmesim.Scenario", _core.TypeMismatchError)
    progs = _check_programmes(programmes, baseline)
    n = len(progs)
    total = _real("total_budget_rp", total_budget_rp, "a number > 0 (Rp)", lambda v: v > 0)
    objective, weights_ = _objective_weights(objective, weights)
    if micro_floor is not None:
        micro_floor = _real("micro_floor", micro_floor, "None or a share from 0 to 1", lambda v: 0 <= v <= 1)
    alternatives = _check_designs(designs, progs)
    replications = _whole("replications", replications, 1)
    seed = _whole("seed", seed, 0)
    threads = _whole("threads", threads, 0)
    keep = _whole("keep", keep, 1)
    top = _whole("top", top, 1)
    validation_replications = _whole("validation_replications",
                                     replications if validation_replications is None else validation_replications, 2)
    # The confidence level of the intervals: the ensembles' range (ensemble_option_table).
    conf_row = next(r for r in _core.ensemble_option_table() if r["name"] == "confidence")
    confidence = _real("confidence", confidence, f"a number in [{conf_row['min']:g}, {conf_row['max']:g}]",
                       lambda v: conf_row["min"] <= v <= conf_row["max"])
    if step is None:
        step = 0.1 if n <= 4 else 0.2
    step = _real("step", step, "a number in (0, 1] with 1/step a whole number (0.5, 0.25, 0.2, 0.1, ...)",
                 lambda v: 0 < v <= 1 and abs(1 / v - round(1 / v)) < 1e-9)
    min_step = _real("min_step", min_step, f"a number > 0 and <= step ({step:g})", lambda v: 0 < v <= step)
    if progress is not None and not isinstance(progress, bool) and not callable(progress):
        raise invalid("progress", progress, "True, False, None or a callable(done, total)", _core.TypeMismatchError)
    for p in progs:  # an invalid programme fails here, naming its field, rather than in the search
        trial = copy.copy(p)
        trial.budget_rp = total / n
        trial.validate()

    search = _Search(population, baseline, progs, total, weights_, micro_floor, alternatives, replications, seed,
                     threads, progress)
    try:
        units = round(1 / step)
        equal = _Candidate(tuple(Fraction(1, n) for _ in range(n)), tuple(0 for _ in range(n)))
        steps = [step]
        search.evaluate([equal, *search.lattice(units)], 0, step)
        round_ = 0
        while steps[-1] > min_step * (1 + 1e-9):
            units *= 2
            steps.append(steps[-1] / 2)
            for _ in range(_ROUNDS_PER_STEP):
                round_ += 1
                centres = search.ranked()[:keep]
                new = search.evaluate(
                    itertools.chain.from_iterable(search.neighbours(c, units) for c in centres), round_, steps[-1])
                if not new or search.ranked()[:keep] == centres:
                    break
        ranked = search.ranked()
        if not ranked and micro_floor is not None and any(not math.isnan(search.score(c)) for c in search.evaluated):
            shares = [search.mean(c, "micro_spending_share") for c in search.evaluated]
            highest = max((s for s in shares if not math.isnan(s)), default=math.nan)
            raise invalid("micro_floor", micro_floor,
                          f"a floor some portfolio reaches (the highest micro_spending_share found is {highest:.4g})")
        if not ranked:
            raise invalid("objective", search.objective_label(),
                          "an objective defined on every replication for some portfolio (all were NaN)")

        # Validation on fresh replications.
        # The best portfolios with distinct outcomes: those that do the same on every search replication
        # (a plateau, e.g. budgets beyond what the programmes can spend) are validated once, as the first of them.
        plateaus: dict[bytes, list[_Candidate]] = {}
        for c in ranked:
            plateaus.setdefault(search.outcome_key(c), []).append(c)
        chosen = [members[0] for members in plateaus.values()][:top]
        equivalent = {members[0]: len(members) for members in plateaus.values()}
        validate = list(dict.fromkeys([*chosen, equal]))
        scenarios = [search.scenario(c, search.evaluated[c].name) for c in validate]
        frames, ensemble = _evaluate(population, baseline, scenarios, search.metrics,
                                     replications=validation_replications, seed=seed,
                                     first_replication=replications, threads=threads)
        search.runs += (len(validate) + 1) * validation_replications
    finally:
        search.close()

    eq_values = search.objective_of(frames[search.evaluated[equal].name])
    validated = {}
    for c in validate:
        values = frames[search.evaluated[c].name]
        obj = search.objective_of(values)
        mean, lo, hi = _interval(obj, confidence)
        imp, imp_lo, imp_hi = _interval(obj - eq_values, confidence)
        micro_mean, cost = (_mean(values[m].to_numpy(dtype=float)) for m in ("micro_spending_share", "net_cost_rp"))
        ok = micro_floor is None or (search.feasible(c) and micro_mean >= micro_floor - 1e-12)
        validated[c] = {"search_objective": search.score(c), "equivalent": equivalent.get(c, 1), "mean": mean,
                        "ci_low": lo, "ci_high": hi, "improvement": imp, "improvement_ci_low": imp_lo,
                        "improvement_ci_high": imp_hi, "net_cost_rp": cost, "unspent_rp": total - cost,
                        "micro_spending_share": micro_mean, "feasible": bool(ok)}
    search_rank = {c: i for i, c in enumerate(ranked)}
    order = sorted(chosen, key=lambda c: (not validated[c]["feasible"],
                                          -validated[c]["mean"] if not math.isnan(validated[c]["mean"]) else math.inf,
                                          search_rank[c]))

    # Tables.
    labels = [[{f: _label(_design_value(f, v)) for f, v in alt.items()} for alt in alts] for alts in alternatives]
    design_fields = [list(alts[0]) for alts in alternatives]

    def describe(c: _Candidate) -> dict[str, Any]:
        row: dict[str, Any] = {"candidate": search.evaluated[c].name}
        budgets = search.budgets(c.shares)
        for k, p in enumerate(progs):
            row[f"share_{p.name}"] = float(c.shares[k])
        for k, p in enumerate(progs):
            row[f"budget_rp_{p.name}"] = budgets[k]
        for k, p in enumerate(progs):
            for f in design_fields[k]:
                d = c.design[k]
                row[f"{p.name}.{f}"] = None if d is None else labels[k][d][f]
        return row

    def portfolio(c: _Candidate) -> dict[str, Any]:
        budgets = search.budgets(c.shares)
        out: dict[str, Any] = {
            "candidate": search.evaluated[c].name,
            "shares": {p.name: float(s) for p, s in zip(progs, c.shares)},
            "budgets_rp": {p.name: b for p, b in zip(progs, budgets)},
            "designs": {p.name: ({} if d is None else dict(alternatives[k][d]))
                        for k, (p, d) in enumerate(zip(progs, c.design))},
        }
        v = validated[c]
        out.update({"objective": v["mean"], "ci_low": v["ci_low"], "ci_high": v["ci_high"],
                    "improvement": v["improvement"], "improvement_ci_low": v["improvement_ci_low"],
                    "improvement_ci_high": v["improvement_ci_high"], "search_objective": v["search_objective"],
                    "equivalent": v["equivalent"], "net_cost_rp": v["net_cost_rp"], "unspent_rp": v["unspent_rp"],
                    "micro_spending_share": v["micro_spending_share"], "feasible": v["feasible"]})
        return out

    rows = []
    for c, e in search.evaluated.items():
        row = describe(c)
        row.update({"round": e.round, "step": e.step, "objective": search.score(c),
                    "objective_sd": float(e.objective.std(ddof=1)) if e.objective.size > 1 else math.nan})
        for metric in search.metrics:
            row[metric] = search.mean(c, metric)
        row["unspent_rp"] = total - row["net_cost_rp"]
        row.update({"feasible": search.feasible(c), "equal_split": c == equal})
        rows.append(row)
    candidates = pd.DataFrame(rows)
    front = ["candidate", "round", "step"]
    candidates = candidates[front + [col for col in candidates.columns if col not in front]]
    rank = {search.evaluated[c].name: i for i, c in enumerate(ranked)}
    candidates["_rank"] = candidates["candidate"].map(rank).fillna(len(rank)).astype(int)
    candidates["_obj"] = candidates["objective"].fillna(-math.inf)
    candidates = candidates.sort_values(["_rank", "_obj"], ascending=[True, False], kind="stable").drop(
        columns=["_rank", "_obj"]).reset_index(drop=True)
    top_rows = []
    for i, c in enumerate(order):
        row = {"rank": i + 1, **describe(c), **validated[c]}
        top_rows.append(row)
    top_frame = pd.DataFrame(top_rows)

    def scenario_of(name: str) -> _core.Scenario:
        for c, e in search.evaluated.items():
            if e.name == name:
                return search.scenario(c, name)
        raise KeyError(name)  # pragma: no cover - checked by PortfolioResult.scenario

    return PortfolioResult(
        objective=objective, weights=weights_, total_budget_rp=total, programmes=[p.name for p in progs],
        micro_floor=micro_floor, best=portfolio(order[0]), equal_split=portfolio(equal), candidates=candidates,
        top=top_frame, validation=ensemble, replications=replications,
        validation_replications=validation_replications, seed=seed, confidence=confidence, steps=steps,
        evaluations=len(search.evaluated), runs=search.runs, elapsed_seconds=time.perf_counter() - started,
        scenario_of=scenario_of)


#: The same function, spelt the American way.
optimize_portfolio = optimise_portfolio

__all__ = ["DESIGN_FIELDS", "OBJECTIVES", "PortfolioResult", "WEIGHT_METRICS", "optimise_portfolio",
           "optimize_portfolio"]
