"""Budget portfolio optimisation (msmesim.portfolio, docs/portfolio.md)."""

from __future__ import annotations

import copy
import math

import numpy as np
import pandas as pd
import pytest

import msmesim as ms
from msmesim.portfolio import PortfolioResult, optimise_portfolio

pg = ms.programmes
TOTAL = 6e9          # enough to save over a hundred firms of 3,000
REPLICATIONS = 3


@pytest.fixture(scope="module")
def population() -> ms.Population:
    return ms.generate_population(ms.presets.bogor_population_spec(firms=3000), seed=1)


@pytest.fixture(scope="module")
def baseline() -> ms.Scenario:
    return ms.presets.bogor_covid19_scenario(months=18)


def three_programmes() -> list[ms.Programme]:
    """A grant that saturates (half the firms apply), shipping vouchers and large grants to
    small and medium firms: the best split is inside the triangle, and not all its money
    reaches micro firms."""
    return [
        pg.cash_grant("grant", start="2020-04", end="2020-12", budget_rp=0, amount_rp=2.4e6, uptake=0.5),
        pg.shipping_voucher("voucher", start="2020-04", end="2021-06", budget_rp=0),
        pg.cash_grant("small", start="2020-04", end="2020-12", budget_rp=0, amount_rp=2e7,
                      eligibility=pg.eligible(classes=["small", "medium"])),
    ]


@pytest.fixture(scope="module")
def result(population: ms.Population, baseline: ms.Scenario) -> PortfolioResult:
    return optimise_portfolio(population, baseline, three_programmes(), TOTAL, objective="jobs_saved",
                              replications=REPLICATIONS, validation_replications=4, seed=1, threads=2)


def _jobs_saved(ensemble: ms.EnsembleResult) -> pd.Series:
    out = ensemble.outcomes
    jobs = out[out["metric"].astype(str) == "jobs_saved"]
    return jobs.groupby(jobs["scenario"].astype(str))["value"].mean()


def test_optimiser_within_two_percent_of_exhaustive_grid(population, baseline, result):
    # Every split in steps of 0.05 (231 portfolios), built here from the programmes and run in one
    # ensemble on the same replications and seed as the search; the optimiser's best scenario too.
    scenarios = []
    for i in range(21):
        for j in range(21 - i):
            shares = (i / 20, j / 20, (20 - i - j) / 20)
            s = copy.copy(baseline)
            s.name = f"grid-{i}-{j}"
            chosen = []
            for p, share in zip(three_programmes(), shares):
                if share > 0:
                    p.budget_rp = share * TOTAL
                    chosen.append(p)
            s.programmes = [*baseline.programmes, *chosen]   # on top of the preset's national relief
            scenarios.append(s)
    best_scenario = result.scenario("best")
    best_scenario.name = "optimiser-best"
    ensemble = ms.compare(population, baseline, [*scenarios, best_scenario], replications=REPLICATIONS, seed=1,
                          threads=2)
    jobs = _jobs_saved(ensemble)
    grid = jobs.drop("optimiser-best")
    optimum = float(grid.max())
    assert optimum > 100                                  # clearly above zero: the comparison means something
    assert float(grid.min()) < 0.5 * optimum              # and the split matters
    found = float(result.candidates["objective"].max())
    assert found >= 0.98 * optimum
    assert result.best["search_objective"] >= 0.98 * optimum
    # The optimiser's number is the scenario's, run independently.
    assert jobs["optimiser-best"] == pytest.approx(result.best["search_objective"])
    assert result.evaluations < len(scenarios)            # fewer runs than the exhaustive grid


def test_budget_constraint_holds_exactly(result, baseline):
    names = ["grant", "voucher", "small"]
    for portfolio in (result.best, result.equal_split):
        shares = [portfolio["shares"][n] for n in names]
        budgets = [portfolio["budgets_rp"][n] for n in names]
        assert math.fsum(shares) == 1.0
        assert math.fsum(budgets) == TOTAL
        assert all(s >= 0 for s in shares) and all(b >= 0 for b in budgets)
    for frame in (result.candidates, result.top):
        shares = frame[[f"share_{n}" for n in names]].to_numpy()
        budgets = frame[[f"budget_rp_{n}" for n in names]].to_numpy()
        assert (shares >= 0).all() and (budgets >= 0).all()
        assert all(math.fsum(row) == TOTAL for row in budgets)
        assert np.allclose(shares.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    assert result.equal_split["shares"] == pytest.approx({n: 1 / 3 for n in names})
    scenario = result.scenario("best")
    # The baseline's own programmes (the national credit relief) come first, unchanged; then the
    # portfolio's programmes with their budgets.
    base = {p.name: p.budget_rp for p in baseline.programmes}
    assert [p.name for p in scenario.programmes[:len(base)]] == list(base)
    assert {p.name: p.budget_rp for p in scenario.programmes[:len(base)]} == base
    budgets = {p.name: p.budget_rp for p in scenario.programmes[len(base):]}
    assert budgets == {n: b for n, b in result.best["budgets_rp"].items() if b > 0}
    assert math.fsum(budgets.values()) == TOTAL


def test_search_refines_and_validates_on_fresh_replications(result):
    assert result.steps == [0.1, 0.05, 0.025]
    assert set(result.candidates["step"]) <= {0.1, 0.05, 0.025}
    assert result.candidates["candidate"].is_unique
    assert result.candidates["equal_split"].sum() == 1
    v = result.validation
    assert v.first_replication == REPLICATIONS and v.replications == 4
    top = result.top
    assert list(top["rank"]) == list(range(1, len(top) + 1))
    assert top["mean"].is_monotonic_decreasing
    assert (top["ci_low"] <= top["mean"]).all() and (top["mean"] <= top["ci_high"]).all()
    assert result.best["candidate"] == top["candidate"].iloc[0]
    assert result.best["objective"] == top["mean"].iloc[0]
    # The improvement is paired with the equal split on the same replications: it is the
    # difference of the means, and the best beats the equal split clearly here.
    assert top["improvement"].iloc[0] == pytest.approx(top["mean"].iloc[0] - result.equal_split["objective"])
    assert result.best["improvement_ci_low"] > 0
    assert result.equal_split["improvement"] == 0
    # The validated portfolios are the search's best with distinct outcomes, the search's best among them.
    c = result.candidates.set_index("candidate")
    assert result.candidates["candidate"].iloc[0] in set(top["candidate"])
    assert (top["search_objective"].to_numpy() == c.loc[top["candidate"], "objective"].to_numpy()).all()
    assert (top["equivalent"] >= 1).all()
    assert np.allclose(top["unspent_rp"], TOTAL - top["net_cost_rp"])


def test_micro_floor_excludes_portfolios_below_it(population, baseline, result):
    unconstrained = result.candidates.iloc[0]
    floor = 0.95
    assert unconstrained["micro_spending_share"] < floor   # the unconstrained best violates the floor
    constrained = optimise_portfolio(population, baseline, three_programmes(), TOTAL, micro_floor=floor,
                                     replications=2, validation_replications=2, min_step=0.05, top=2, threads=2)
    c = constrained.candidates
    assert (c["feasible"] == (c["micro_spending_share"] >= floor)).all()
    assert (~c["feasible"]).any() and c["feasible"].any()
    assert constrained.best["micro_spending_share"] >= floor
    best_row = c[c["candidate"] == constrained.best["candidate"]].iloc[0]
    assert best_row["feasible"] and best_row["micro_spending_share"] >= floor
    assert best_row["objective"] == c.loc[c["feasible"], "objective"].max()
    assert c.loc[~c["feasible"], "objective"].max() > best_row["objective"]   # the floor cost something
    assert constrained.top["feasible"].all()
    with pytest.raises(ms.InvalidArgumentError) as err:
        optimise_portfolio(population, baseline, three_programmes(), TOTAL, micro_floor=1.0, replications=1,
                           validation_replications=2, step=0.5, min_step=0.5)
    assert err.value.field == "micro_floor"


def test_designs_and_weighted_objective(population, baseline):
    grant, voucher, _ = three_programmes()
    calls: list[tuple[int, int]] = []
    r = optimise_portfolio(population, baseline, [grant, voucher], TOTAL, weights={"jobs_saved": 1, "firms_saved": 2},
                           designs={"grant": {"amount_rp": [1.2e6, 2.4e6], "eligibility": [{"classes": ["micro"]},
                                                                                         None]}},
                           replications=2, validation_replications=2, step=0.25, min_step=0.125, top=2,
                           progress=lambda done, total: calls.append((done, total)))
    c = r.candidates
    assert calls and calls[-1] == (r.evaluations, r.evaluations)
    assert all(done <= total for done, total in calls) and [d for d, _ in calls] == sorted(d for d, _ in calls)
    assert r.objective == "weighted" and r.objective_label == "1 x jobs_saved + 2 x firms_saved"
    assert np.allclose(c["objective"], c["jobs_saved"] + 2 * c["firms_saved"])
    assert set(c["grant.amount_rp"].dropna()) == {"1,200,000", "2,400,000"}
    assert set(c["grant.eligibility"].dropna()) == {"classes=micro", "any"}
    # A split that gives the grant nothing is one portfolio, whatever the grant's design.
    assert c[c["share_grant"] == 0]["grant.amount_rp"].isna().all()
    assert (c[c["round"] == 0]["share_grant"] == 0).sum() == 1
    assert ((c["round"] == 0) & (c["share_grant"] == 0.5)).sum() == 4   # 2 amounts x 2 eligibilities
    design = r.best["designs"]["grant"]
    assert design["amount_rp"] in (1.2e6, 2.4e6)
    assert r.best["designs"]["voucher"] == {}
    amounts = {p.name: p.amount() for p in r.scenario("best").programmes}
    if r.best["shares"]["grant"] > 0:
        assert amounts["grant"] == design["amount_rp"]


def test_invalid_inputs_name_the_field(population, baseline):
    progs = three_programmes()

    def field_of(**kwargs) -> str:
        args = {"population": population, "baseline": baseline, "programmes": progs, "total_budget_rp": TOTAL}
        args.update(kwargs)
        with pytest.raises((ValueError, TypeError)) as err:
            optimise_portfolio(args.pop("population"), args.pop("baseline"), args.pop("programmes"),
                               args.pop("total_budget_rp"), **args)
        return err.value.field

    assert field_of(total_budget_rp=-1e9) == "total_budget_rp"
    assert field_of(total_budget_rp=0) == "total_budget_rp"
    assert field_of(objective="jobs") == "objective"
    assert field_of(weights={"jobs_saved": 1, "happiness": 2}) == "weights"
    assert field_of(objective="firms_saved", weights={"jobs_saved": 1}) == "objective"
    dup = [progs[0], pg.shipping_voucher("grant", start="2020-04", end="2021-06", budget_rp=0)]
    assert field_of(programmes=dup) == "programmes[1].name"
    assert field_of(programmes=[]) == "programmes"
    assert field_of(programmes=[progs[0], "voucher"]) == "programmes[1]"
    assert field_of(micro_floor=1.5) == "micro_floor"
    assert field_of(designs={"nope": {"amount_rp": [1e6]}}) == "designs"
    assert field_of(designs={"grant": {"colour": ["red"]}}) == "designs.grant"
    assert field_of(designs={"grant": {"amount_rp": []}}) == "designs.grant.amount_rp"
    assert field_of(designs={"grant": {"uptake": [0.5, 2.0]}}) == "designs.grant"
    assert field_of(step=0.3) == "step"
    assert field_of(min_step=0.5) == "min_step"
    assert field_of(replications=0) == "replications"
    assert field_of(validation_replications=1) == "validation_replications"
    with_existing = copy.copy(baseline)
    with_existing.programmes = [pg.cash_grant("grant", start="2020-04", end="2020-12", budget_rp=1e9)]
    assert field_of(baseline=with_existing) == "programmes[0].name"


def test_presentation(result):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    for kind in ("auto", "simplex", "top", "improvement"):
        fig = result.plot(kind)
        assert fig.axes
        plt.close(fig)
    with pytest.raises(ms.InvalidArgumentError):
        result.plot("line")
    page = result._repr_html_()
    assert "msmesim portfolio" in page and "equal split" in page and "grant" in page
    assert "jobs_saved" in repr(result)
    assert result.scenario("equal_split").name == result.equal_split["candidate"]
    with pytest.raises(ms.InvalidArgumentError):
        result.scenario("nope")
