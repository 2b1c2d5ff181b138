"""Sensitivity analysis (msmesim.sensitivity, docs/sweeps.md): Morris ranks
an influential parameter above an inert one, Sobol' gives S1 and ST per
parameter, both reproducible, and bad ranges name the parameter."""

from __future__ import annotations

import concurrent.futures as cf
import copy

import numpy as np
import pandas as pd
import pytest

import msmesim as ms
from msmesim.sensitivity import SensitivityResult, salib_seed, sensitivity

pg = ms.programmes
BUDGET = "programmes.bpum.budget_rp"
# The KUR subsidy has no budget, so its interest subsidy changes nothing at all.
INERT = "programmes.kur.params.rate_points"
RANGES = {BUDGET: (0.0, 3e9), INERT: (0.0, 0.06)}


@pytest.fixture(scope="module")
def file() -> ms.ScenarioFile:
    f = ms.preset("bogor-covid19")
    source = f.population
    source.firms = 2500
    f.population = source
    f.scenario.months = 12
    return f


@pytest.fixture(scope="module")
def programmes(file: ms.ScenarioFile) -> ms.Scenario:
    s = copy.deepcopy(file.scenario)
    s.name = "programmes"
    s.programmes = [pg.cash_grant("bpum", start="2020-04", end="2020-08", budget_rp=0,
                                  eligibility=pg.eligible(classes=["micro"])),
                    pg.kur_subsidy("kur", start="2020-04", end="2020-12", budget_rp=0, rate_points=0.03)]
    return s


@pytest.fixture(scope="module")
def morris(file: ms.ScenarioFile, programmes: ms.Scenario) -> SensitivityResult:
    return sensitivity(file, ranges=RANGES, scenario=programmes, method="morris", metric="firms_saved", n=4,
                       replications=2)


def test_morris_ranks_the_influential_parameter_first(morris: SensitivityResult) -> None:
    ix = morris.indices.set_index("parameter")
    assert list(morris.indices.columns) == ["parameter", "mu", "mu_star", "mu_star_conf", "sigma"]
    assert list(ix.index) == [BUDGET, INERT]
    # A bigger grant saves more firms; the subsidy of an unfunded programme does nothing, exactly.
    assert ix.loc[BUDGET, "mu_star"] > 10
    assert ix.loc[BUDGET, "mu"] > 0
    assert ix.loc[INERT, ["mu", "mu_star", "mu_star_conf", "sigma"]].eq(0).all()
    # 4 trajectories of 3 points; coinciding grid points run once.
    assert len(morris.samples) == 4 * 3
    assert len(morris.sweep.points) == morris.samples["point"].nunique() <= 12
    np.testing.assert_array_equal(
        morris.samples["value"].to_numpy(),
        morris.sweep.summary("firms_saved")["mean"].to_numpy()[morris.samples["point"].to_numpy()])
    assert morris.meta["salib_seed"] == salib_seed(1)


def test_the_same_call_gives_the_same_indices_on_any_executor(file: ms.ScenarioFile, programmes: ms.Scenario,
                                                               morris: SensitivityResult) -> None:
    with cf.ThreadPoolExecutor(2) as pool:
        again = sensitivity(file, ranges=RANGES, scenario=programmes, method="morris", metric="firms_saved", n=4,
                            replications=2, executor=pool)
    pd.testing.assert_frame_equal(again.indices, morris.indices, check_exact=True)
    pd.testing.assert_frame_equal(again.samples, morris.samples, check_exact=True)


def test_a_callable_metric(file: ms.ScenarioFile, programmes: ms.Scenario) -> None:
    def spent_billions(outcomes: pd.DataFrame) -> float:
        return float(outcomes.loc[outcomes["metric"] == "net_cost_rp", "value"].mean()) / 1e9

    s = sensitivity(file, ranges=RANGES, scenario=programmes, metric=spent_billions, n=2, replications=1)
    ix = s.indices.set_index("parameter")
    assert s.metric == "spent_billions"
    assert ix.loc[BUDGET, "mu_star"] > 0.5 and ix.loc[INERT, "mu_star"] == 0


def test_sobol_gives_first_and_total_indices(file: ms.ScenarioFile, programmes: ms.Scenario) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    s = sensitivity(file, ranges={**RANGES, "shocks.covid_sales.plateau_months": (2, 5)}, scenario=programmes,
                    method="sobol", metric="firms_saved", n=8, replications=2)
    assert list(s.indices.columns) == ["parameter", "S1", "S1_conf", "ST", "ST_conf"]
    assert list(s.indices["parameter"]) == [BUDGET, INERT, "shocks.covid_sales.plateau_months"]
    assert np.isfinite(s.indices[["S1", "ST"]].to_numpy()).all()
    ix = s.indices.set_index("parameter")
    assert ix.loc[BUDGET, "ST"] > 0.1
    assert ix.loc[INERT, ["S1", "ST"]].eq(0).all()
    assert len(s.samples) == 8 * (3 + 2)
    # Whole-number parameters run rounded; the sample keeps SALib's values.
    months = s.sweep.points["shocks.covid_sales.plateau_months"]
    assert (months == np.round(months)).all() and set(months) <= {2, 3, 4, 5}
    assert s.second_order is None
    fig = s.plot()
    assert len(fig.axes[0].patches) == 6
    plt.close(fig)
    assert "ST_conf" in s._repr_html_()


def test_bad_arguments_name_the_field(file: ms.ScenarioFile, programmes: ms.Scenario) -> None:
    with pytest.raises(ValueError, match="n: got 10; allowed: a power of 2"):
        sensitivity(file, ranges=RANGES, scenario=programmes, method="sobol", n=10)
    with pytest.raises(ValueError, match=r"ranges\['programmes.bpum.budget_rp'\]: got \(3000000000.0, 0.0\)"):
        sensitivity(file, ranges={BUDGET: (3e9, 0.0)}, scenario=programmes)
    with pytest.raises(ValueError, match=r"shocks\.covid_sales\.incidence: got 1\.5; allowed: a number in \[0, 1\]"):
        sensitivity(file, ranges={"shocks.covid_sales.incidence": (0.5, 1.5)})
    with pytest.raises(ValueError, match=r"programmes\.bpum\.uptake_share: got 'uptake_share'"):
        sensitivity(file, ranges={"programmes.bpum.uptake_share": (0.1, 0.9)}, scenario=programmes)
    with pytest.raises(TypeError, match=r"ranges\['programmes.bpum.budget_rp'\]: got 5"):
        sensitivity(file, ranges={BUDGET: 5}, scenario=programmes)
    with pytest.raises(ValueError, match="method: got 'fast'"):
        sensitivity(file, ranges=RANGES, scenario=programmes, method="fast")
    with pytest.raises(ValueError, match="metric: got 'happiness'"):
        sensitivity(file, ranges=RANGES, scenario=programmes, metric="happiness", n=2, replications=1)
