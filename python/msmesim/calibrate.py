"""Calibration (docs/calibration.md): fit chosen scenario parameters to
target statistics by simulated method of moments (SMM) or approximate
Bayesian computation (ABC, rejection sampling).

A calibration file (TOML) names the scenario, the population it is run on,
the targets with their tolerances, and the parameters with their ranges::

    scenario = "bogor-covid19"          # a preset or a scenario file
    firms = 100000
    seed = 1
    method = "smm"                      # or "abc"
    evaluations = 120

    [targets]                           # statistic = { value, tolerance }
    main_problem_share_capital = { value = 0.22, tolerance = 0.02 }

    [parameters]                        # path = [low, high]
    "shocks.covid_capital.incidence" = [0.2, 0.9]

Every evaluation runs the scenario on the same population with the same
seed (common random numbers), so the objective is a deterministic function
of the parameters and the optimiser sees no noise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import _core
from . import paths as parameter_paths
from ._common import tomllib
from ._errors import invalid

#: Statistics a target may name: main-problem shares of affected
#: firm-months in a window (Table 1 of seed 000), the closed share and the
#: revenue index at a month, active cooperatives at a month.
STATISTICS = (
    "main_problem_share_sales", "main_problem_share_capital", "main_problem_share_distribution",
    "main_problem_share_raw_materials", "closed_share", "revenue_index", "active_cooperatives",
)


@dataclass
class Target:
    value: float
    tolerance: float


@dataclass
class CalibrationSpec:
    """What to fit: see the module docstring."""

    scenario: str = "bogor-covid19"
    firms: int = 100_000
    seed: int = 1
    method: str = "smm"
    evaluations: int = 120
    window: tuple[str, str] = ("2020-03", "2020-06")
    at: str = "2020-12"
    targets: dict[str, Target] = field(default_factory=dict)
    parameters: dict[str, tuple[float, float]] = field(default_factory=dict)
    threads: int = 0

    @staticmethod
    def load(path: str | Path) -> "CalibrationSpec":
        path = Path(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as e:
            raise invalid(f"{path}", str(e), "a TOML calibration file (docs/calibration.md)") from None
        known = {"scenario", "firms", "seed", "method", "evaluations", "window", "at", "targets", "parameters",
                 "threads"}
        for key in data:
            if key not in known:
                raise invalid(f"{path}: key '{key}'", key, "one of " + ", ".join(sorted(known)))
        def whole(key: str, default: int) -> int:
            value = data.get(key, default)
            if isinstance(value, bool) or not isinstance(value, int):
                raise invalid(f"{path}: key '{key}'", value, "an integer")
            return value

        window = data.get("window", ["2020-03", "2020-06"])
        if not (isinstance(window, list) and len(window) == 2 and all(isinstance(w, str) for w in window)):
            raise invalid(f"{path}: key 'window'", window, '["YYYY-MM", "YYYY-MM"]')
        spec = CalibrationSpec(
            scenario=str(data.get("scenario", "bogor-covid19")), firms=whole("firms", 100_000),
            seed=whole("seed", 1), method=str(data.get("method", "smm")), evaluations=whole("evaluations", 120),
            window=(window[0], window[1]), at=str(data.get("at", "2020-12")), threads=whole("threads", 0))
        scenario = Path(spec.scenario)
        if not scenario.is_absolute() and (path.parent / scenario).exists():
            spec.scenario = str(path.parent / scenario)
        for name, t in data.get("targets", {}).items():
            if not isinstance(t, dict) or set(t) != {"value", "tolerance"}:
                raise invalid(f"{path}: key 'targets.{name}'", t, "{ value = ..., tolerance = ... }")
            spec.targets[name] = Target(float(t["value"]), float(t["tolerance"]))
        for name, r in data.get("parameters", {}).items():
            if not isinstance(r, list) or len(r) != 2:
                raise invalid(f"{path}: key 'parameters.{name}'", r, "[low, high]")
            spec.parameters[name] = (float(r[0]), float(r[1]))
        spec.validate()
        return spec

    def validate(self) -> None:
        month = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
        for key, value in (("window[0]", self.window[0]), ("window[1]", self.window[1]), ("at", self.at)):
            if not month.match(value):
                raise invalid(key, value, 'a month "YYYY-MM"')
        if self.window[1] < self.window[0]:
            raise invalid("window[1]", self.window[1], f"a month not before window[0] ({self.window[0]})")
        if self.firms < 1:
            raise invalid("firms", str(self.firms), "an integer >= 1")
        if self.threads < 0:
            raise invalid("threads", str(self.threads), "an integer >= 0 (0: every core)")
        if self.method not in ("smm", "abc"):
            raise invalid("method", self.method, "'smm' or 'abc'")
        if self.evaluations < 1:
            raise invalid("evaluations", str(self.evaluations), "an integer >= 1")
        if not self.targets:
            raise invalid("targets", "none", "at least one target statistic")
        if not self.parameters:
            raise invalid("parameters", "none", "at least one parameter with a range")
        for name, t in self.targets.items():
            if name not in STATISTICS:
                raise invalid(f"targets.{name}", name, "one of " + ", ".join(STATISTICS))
            if not (t.tolerance > 0):
                raise invalid(f"targets.{name}.tolerance", str(t.tolerance), "a number > 0")
        for name, (lo, hi) in self.parameters.items():
            if not (lo < hi):
                raise invalid(f"parameters.{name}", f"[{lo}, {hi}]", "[low, high] with low < high")


# Statistics ----------------------------------------------------------------------------------------
def statistics(result: Any, window: tuple[str, str] = ("2020-03", "2020-06"), at: str = "2020-12") -> dict[str, float]:
    """The calibration statistics of a run (module STATISTICS)."""
    m = result.monthly
    dates = m["date"].astype(str)
    inside = (dates >= window[0]) & (dates <= window[1])
    affected = float(m.loc[inside, "affected_firms"].sum())
    out: dict[str, float] = {}
    for ch in _core.channels():
        out[f"main_problem_share_{ch}"] = float(m.loc[inside, f"main_problem_{ch}"].sum()) / affected if affected else 0.0
    row = m[dates == at]
    if len(row):
        firms = float(result.raw.initial_firms + m["entries"].sum())
        out["closed_share"] = float(row["closed_firms"].iloc[0]) / firms
        out["revenue_index"] = float(row["revenue_index"].iloc[0])
        coops = result.cooperatives
        if len(coops):
            out["active_cooperatives"] = float(coops.loc[row.index[0], "active"])
    return out


@dataclass
class CalibrationResult:
    """The parameters chosen, the statistics they give and the fit."""

    parameters: dict[str, float]
    statistics: dict[str, float]
    fit: pd.DataFrame           # one row per target: target, simulated, difference, tolerance, within
    evaluations: int
    method: str
    scenario_file: Any          # the calibrated ScenarioFile
    history: pd.DataFrame       # one row per evaluation: parameters, statistics, distance
    posterior: pd.DataFrame | None = None  # ABC: the accepted parameter sets

    @property
    def within_tolerance(self) -> bool:
        return bool(self.fit["within"].all())


def _load_file(name: str) -> Any:
    from . import scenarios

    return scenarios.preset(name) if name in _core.preset_names() else scenarios.load_scenario(name)


def calibrate(spec: CalibrationSpec | str | Path, progress: bool = False) -> CalibrationResult:
    """Fits the spec's parameters to its targets (SMM with Nelder-Mead from
    scipy, or rejection ABC on a Latin hypercube from scipy.stats.qmc)."""
    from scipy import optimize
    from scipy.stats import qmc

    from . import scenarios

    if not isinstance(spec, CalibrationSpec):
        spec = CalibrationSpec.load(spec)
    spec.validate()
    file = _load_file(spec.scenario)
    source = file.population
    source.firms = spec.firms
    file.population = source
    population = scenarios.make_population(file.population, threads=spec.threads, params=file.scenario.params)
    scenario = file.scenario
    # Only the months the statistics need.
    start = scenario.start
    last = max(spec.window[1], spec.at) if any(
        t in ("closed_share", "revenue_index", "active_cooperatives") for t in spec.targets) else spec.window[1]
    months_needed = (int(last[:4]) - int(start[:4])) * 12 + int(last[5:7]) - int(start[5:7]) + 1
    scenario.months = max(1, min(scenario.months, months_needed))
    paths = list(spec.parameters)
    setters = [parameter_paths.setter(scenario, p, round_integers=True, field=f"parameters.{p}") for p in paths]
    lo = np.array([spec.parameters[p][0] for p in paths])
    hi = np.array([spec.parameters[p][1] for p in paths])
    names = list(spec.targets)
    target = np.array([spec.targets[n].value for n in names])
    tol = np.array([spec.targets[n].tolerance for n in names])
    history: list[dict[str, float]] = []

    def simulate(x: np.ndarray) -> dict[str, float]:
        for set_value, v in zip(setters, x):
            set_value(scenario, float(v))
        result = _core_run(population, scenario, spec)
        return statistics(result, spec.window, spec.at)

    def distance(stats: dict[str, float]) -> float:
        sim = np.array([stats.get(n, np.nan) for n in names])
        return float(np.sum(((sim - target) / tol) ** 2))

    def evaluate(x: np.ndarray) -> float:
        stats = simulate(x)
        d = distance(stats)
        history.append({**dict(zip(paths, map(float, x))), **stats, "distance": d})
        return d

    posterior = None
    if spec.method == "smm":
        x0 = np.clip(np.array([parameter_paths.getter(scenario, p) for p in paths]), lo, hi)
        # Nelder-Mead in the unit cube (clipped), from the scenario's values.
        to_x = lambda u: lo + np.clip(u, 0.0, 1.0) * (hi - lo)  # noqa: E731
        u0 = (x0 - lo) / (hi - lo)
        res = optimize.minimize(lambda u: evaluate(to_x(u)), u0, method="Nelder-Mead",
                                options={"maxfev": spec.evaluations, "xatol": 1e-3, "fatol": 1e-4,
                                         "initial_simplex": _simplex(u0)})
        best = to_x(res.x)
    else:
        sampler = qmc.LatinHypercube(d=len(paths), seed=spec.seed)
        xs = qmc.scale(sampler.random(spec.evaluations), lo, hi)
        ds = np.array([evaluate(x) for x in xs])
        accepted = [h for h in history if all(abs(h[n] - spec.targets[n].value) <= spec.targets[n].tolerance
                                               for n in names)]
        posterior = pd.DataFrame(accepted) if accepted else pd.DataFrame(columns=[*paths, *names, "distance"])
        best = xs[int(np.argmin(ds))] if not accepted else posterior[paths].mean().to_numpy()
    stats = simulate(best)
    fit = pd.DataFrame({
        "statistic": names, "target": target, "simulated": [stats[n] for n in names],
        "tolerance": tol,
    })
    fit["difference"] = fit["simulated"] - fit["target"]
    fit["within"] = fit["difference"].abs() <= fit["tolerance"]
    file.scenario = _full_horizon(scenario, _load_file(spec.scenario).scenario.months)
    return CalibrationResult(parameters=dict(zip(paths, map(float, best))), statistics=stats, fit=fit,
                             evaluations=len(history), method=spec.method, scenario_file=file,
                             history=pd.DataFrame(history), posterior=posterior)


def _simplex(u0: np.ndarray) -> np.ndarray:
    n = len(u0)
    simplex = np.tile(u0, (n + 1, 1))
    for k in range(n):
        simplex[k + 1, k] = u0[k] + (0.15 if u0[k] < 0.85 else -0.15)
    return simplex


def _full_horizon(scenario: Any, months: int) -> Any:
    scenario.months = months
    return scenario


def _core_run(population: Any, scenario: Any, spec: CalibrationSpec) -> Any:
    from .api import run

    return run(population, scenario, seed=spec.seed, threads=spec.threads or 0, microdata=False)
