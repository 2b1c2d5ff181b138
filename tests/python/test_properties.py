"""Property-based tests: random valid scenarios, built through the public
Python API (``ms.Scenario``, ``ms.Shock``, ``ms.programmes``, ``ms.paths``),
run on small populations with and without cooperatives, and checked against
the invariants the model promises (docs/model.md): the cash identity of
every firm every month, programme budgets with their commitments,
conservation of firms in every table, the cooperatives' deposits, counts and
balance sheets, no NaN or infinity anywhere; and monotonicity under common
random numbers: stronger shocks never close fewer firms by the end, and a
larger budget for a programme that funds its recipients never saves fewer
firms (both up to net reversals of single firms, explained at the tests),
and a programme changes only the firms it reaches.

Hypothesis runs derandomized (the same examples every run) with a fixed
number of examples per test. tests/cpp/engine/test_properties.cpp checks
the same properties from C++ on more cases and explains each tolerance in
detail. test_a_kur_subsidy_offer_never_cuts_ordinary_kur_credit and
test_firms_that_join_a_cooperative_are_counted_as_members guard two engine
bugs these properties found.
"""

from __future__ import annotations

import copy
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import msmesim as ms
from msmesim import paths
from msmesim import programmes as pg

FIRMS_WITH_COOPERATIVES = 3000
FIRMS_WITHOUT = 2000

_SPEC = ms.presets.bogor_population_spec(1000)
SECTORS = [s.name for s in _SPEC.sectors]
REGIONS = [r.name for r in _SPEC.regions]
CLASSES = ms.size_classes()
COOP_TYPES = ms.coop_types()
KINDS = ms.programme_kinds()
# Kinds that fund their recipients (money, credit terms, rent, consultations,
# cooperative capital and networks) without changing their demand or costs.
FUNDING_KINDS = ["cash_grant", "kur_subsidy", "credit_guarantee", "csr_capital", "shop_rental", "clinic",
                 "coop_network"]
# Kinds whose applicants borrow on the offer's terms before approval: who was
# reached is not in the outputs, so locality is not checked for them.
OFFER_KINDS = {"kur_subsidy", "credit_guarantee"}

PROPERTY_SETTINGS = settings(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.fixture(scope="module")
def populations() -> dict[bool, ms.Population]:
    """Two small Bogor populations: with its cooperatives and without any."""
    with_coops = ms.generate_population(ms.presets.bogor_population_spec(FIRMS_WITH_COOPERATIVES), seed=7, threads=2)
    spec = ms.presets.bogor_population_spec(FIRMS_WITHOUT)
    spec.cooperatives = ms.CooperativeSpec()
    without = ms.generate_population(spec, seed=7, threads=2)
    assert len(with_coops.cooperatives) > 0 and len(without.cooperatives) == 0
    return {True: with_coops, False: without}


# ---- strategies -----------------------------------------------------------------------------------
def month_plus(start: str, k: int) -> str:
    year, month = map(int, start.split("-"))
    index = year * 12 + month - 1 + k
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def between(low: float, high: float) -> st.SearchStrategy[float]:
    """Floats spread evenly over [low, high], on a grid of 401 points.
    st.floats and wide st.integers favour the bounds and small values, which
    here mostly make shocks and programmes do nothing; sampled_from draws
    evenly (and shrinks towards `low`)."""
    return st.sampled_from([low + (high - low) * k / 400 for k in range(401)])


def ints(low: int, high: int) -> st.SearchStrategy[int]:
    """Whole numbers drawn evenly from [low, high] (shrinking towards `low`)."""
    return st.sampled_from(range(low, high + 1))


def log_uniform(draw: st.DrawFn, low: float, high: float) -> float:
    return math.exp(draw(between(math.log(low), math.log(high))))


def rarely(draw: st.DrawFn, one_in: int) -> bool:
    """True about once in `one_in` draws; False (the simple, unrestricted
    choice that Hypothesis shrinks towards) otherwise."""
    return draw(ints(1, one_in)) == one_in


def _subset(values: list[str], most: int) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(values), min_size=1, max_size=most, unique=True)


severities = st.one_of(
    between(0.0, 1.0).map(ms.SeverityDist.fixed),
    st.tuples(between(0.0, 0.6), between(0.0, 0.5)).map(
        lambda t: ms.SeverityDist.uniform(t[0], min(1.0, t[0] + t[1]))),
    # sd strictly below sqrt(mean (1 - mean)), the largest a beta allows.
    st.tuples(between(0.03, 0.8), between(0.02, 0.9)).map(
        lambda t: ms.SeverityDist.beta(t[0], t[1] * math.sqrt(t[0] * (1.0 - t[0])))),
)


@st.composite
def shocks(draw: st.DrawFn, start: str, months: int, k: int) -> ms.Shock:
    kw: dict = {
        "name": f"shock{k}",
        "channel": draw(st.sampled_from(ms.channels())),
        "onset": month_plus(start, draw(ints(-3, months - 1))),
        "severity": draw(severities),
        "incidence": draw(st.one_of(st.just(1.0), between(0.0, 1.0))),
    }
    if rarely(draw, 4):
        kw["path"] = draw(st.lists(between(0.0, 1.0), min_size=1, max_size=8))
    else:
        kw["ramp_months"] = draw(ints(0, 3))
        kw["plateau_months"] = draw(ints(0, 8))
        kw["recovery_half_life_months"] = 0.0 if rarely(draw, 5) else draw(between(0.5, 12.0))
    if rarely(draw, 4):
        kw["incidence_by_sector"] = draw(st.dictionaries(st.sampled_from(SECTORS), between(0.0, 1.0),
                                                         min_size=1, max_size=3))
    if rarely(draw, 4):
        kw["sectors"] = draw(_subset(SECTORS, 4))
    if rarely(draw, 5):
        kw["regions"] = draw(_subset(REGIONS, 15))
    if rarely(draw, 7):
        kw["classes"] = draw(_subset(CLASSES, 3))
    return ms.Shock(**kw)


RANGE_SCALE = {"revenue_rp_month": 3e7, "assets_rp": 1e8, "workers": 10.0, "cash_rp": 3e7, "online_share": 1.0,
               "owner_capability": 1.0, "fixed_cost_rp_month": 3e6, "months_unable": 4.0, "age_months": 24.0}


@st.composite
def eligibilities(draw: st.DrawFn) -> ms.Eligibility:
    kw: dict = {}
    maybe = lambda strategy: draw(st.one_of(st.none(), strategy)) if rarely(draw, 4) else None  # noqa: E731
    if rarely(draw, 3):
        kw["classes"] = draw(_subset(CLASSES, 3))
    if rarely(draw, 4):
        kw["sectors"] = draw(_subset(SECTORS, 4))
    if rarely(draw, 4):
        kw["regions"] = draw(_subset(REGIONS, 20))
    kw["registered"] = maybe(st.booleans())
    kw["never_had_kur"] = rarely(draw, 7)
    kw["cooperative_member"] = maybe(st.booleans())
    kw["online_seller"] = maybe(st.booleans())
    kw["in_distress"] = rarely(draw, 5)
    if rarely(draw, 3):
        ranges = {}
        for attribute in draw(_subset(list(RANGE_SCALE), 2)):
            scale = RANGE_SCALE[attribute]
            low = draw(st.one_of(st.none(), between(0.0, scale)))
            high = draw(st.one_of(st.none(), between(0.0, 2.0 * scale)))
            ranges[attribute] = (low, None if high is None else (low or 0.0) + high)
        kw["ranges"] = ranges
    if rarely(draw, 3):
        kw["coop_types"] = draw(_subset(COOP_TYPES, 3))
    return pg.eligible(**kw)


def kind_parameter(row: dict) -> st.SearchStrategy:
    """Values of one kind parameter within its documented range."""
    if row["unit"] == "flag":
        return st.booleans()
    high = row["max"] if math.isfinite(row["max"]) else 1e9
    if row["integer"]:
        return ints(int(row["min"]), int(min(high, row["min"] + 36)))
    return between(row["min"], high)


@st.composite
def programmes(draw: st.DrawFn, kind: str, start: str, months: int, k: int, budget: bool = True) -> ms.Programme:
    """A programme of `kind` with random rules and kind parameters; without
    `budget`, one of Rp 1 B that opens in the first half of the run."""
    first = draw(ints(-2, months - 1 if budget else months // 2))
    kw: dict = {
        "start": month_plus(start, first),
        "end": month_plus(start, draw(ints(first, months + 2))),
        "budget_rp": (0.0 if rarely(draw, 10) else log_uniform(draw, 1e6, 5e9)) if budget else 1e9,
        "quota": draw(st.one_of(st.none(), ints(0, 300))),
        "amount_rp": None if not rarely(draw, 3) else log_uniform(draw, 1e4, 2e8),
        "eligibility": draw(eligibilities()),
        "allocation": draw(st.sampled_from(ms.allocations())),
        "uptake": draw(st.one_of(st.just(1.0), between(0.05, 1.0))),
        "monthly_capacity": draw(st.one_of(st.none(), ints(0, 400))),
        "admin_cost_share": draw(st.one_of(st.just(0.0), between(0.0, 0.3))),
        "leakage_share": draw(st.one_of(st.just(0.0), between(0.0, 0.5))),
    }
    for row in ms.programme_params(kind):
        if rarely(draw, 2):
            kw[row["name"]] = draw(kind_parameter(row))
    return pg.programme(kind, f"p{k}_{kind}", **kw)


@st.composite
def scenarios(draw: st.DrawFn, with_programmes: bool = True, cooperatives: bool = True) -> ms.Scenario:
    start = f"{draw(ints(2019, 2021))}-{draw(ints(1, 12)):02d}"
    months = draw(ints(12, 30))
    params: dict = {
        "closure_after_months": draw(ints(2, 6)),
        "entry_rate_month": draw(st.sampled_from([0.0, 4.655e-5, 1e-3, 4e-3])),
        "revenue_noise_sd": draw(between(0.0, 0.3)),
        "growth_sd_year": draw(between(0.0, 0.2)),
        "cash_buffer_months": draw(between(0.5, 3.0)),
    }
    if rarely(draw, 3):
        params["reentry_monthly_prob"] = draw(between(0.02, 0.3))
        params["reentry_min_demand"] = draw(between(0.3, 1.0))
    if cooperatives and draw(st.booleans()):
        params["joint_financing_share"] = draw(between(0.1, 1.0))
        params["joint_financing_scope"] = draw(ints(0, 1))
    input_output = ms.presets.bogor_input_output() if draw(st.booleans()) else None
    if input_output is not None:
        params["linkage_strength"] = draw(between(0.0, 1.0))
    n_shocks = 0 if rarely(draw, 20) else draw(ints(1, 5))
    shock_list = [draw(shocks(start, months, k)) for k in range(n_shocks)]
    programme_list = []
    if with_programmes:
        n = draw(ints(1, 4))
        programme_list = [draw(programmes(draw(st.sampled_from(KINDS)), start, months, k)) for k in range(n)]
    return ms.Scenario(
        name="random", start=start, months=months, shocks=shock_list, programmes=programme_list, params=params,
        input_output=input_output, class_regime=draw(st.sampled_from(ms.class_regimes())),
        class_criterion=draw(st.sampled_from(ms.class_criteria())),
        class_review_months=draw(st.sampled_from([3, 6, 12])),
    )


# ---- checks ---------------------------------------------------------------------------------------
def assert_finite(frame: pd.DataFrame, name: str) -> None:
    numeric = frame.select_dtypes(include=[np.number])
    bad = ~np.isfinite(numeric.to_numpy(dtype=float))
    assert not bad.any(), f"{name}: non-finite values in {list(numeric.columns[bad.any(axis=0)])}"


def check_month(sim: ms.Simulation, reopened: list[int], memberships: list[int]) -> None:
    """The cash identity of every firm stepped this month (docs/model.md §5;
    the tolerance of tests/cpp/engine/test_accounting.cpp: 1e-9 of the largest
    flow), non-stepped firms closed or reopening, balanced cooperative books."""
    n = sim.firm_count
    f = {name: np.asarray(sim.flows(name)[:n], dtype=float) for name in ms.Simulation.flow_names()}
    stepped = f["stepped"] == 1
    inflow = f["cash_before"] + f["revenue_received"] + f["new_credit"] + f["shu_received"]
    outflow = (f["operating_paid"] + f["debt_service_paid"] + f["debt_prepaid"] + f["owner_draw"] + f["investment"]
               + f["closure_payout"])
    scale = np.maximum.reduce([f[k] for k in ("cash_before", "revenue_received", "new_credit", "operating_paid",
                                             "debt_service_paid", "debt_prepaid", "owner_draw", "investment",
                                             "closure_payout", "cash_after", "shu_received")]
                              + [np.ones(n)])
    gap = np.abs(f["cash_after"] - (inflow - outflow))
    bad = stepped & (gap > 1e-9 * scale)
    assert not bad.any(), f"month {sim.months_done - 1}: cash identity fails for firms {np.flatnonzero(bad)[:5]}"
    assert (f["cash_after"][stepped] >= 0).all()
    assert np.array_equal(f["cash_after"][stepped], np.asarray(sim.state("cash_rp")[:n])[stepped])
    status = np.asarray(sim.state("status")[:n])
    closure = np.asarray(sim.state("closure_month")[:n])
    back = ~stepped & (status == 0) & (closure == -1)  # reopened this month: stepped from the next
    assert ((status == 2) | back)[~stepped].all(), "a firm not stepped is neither closed nor reopening"
    reopened.append(int(back.sum()))
    memberships.append(int((np.asarray(sim.state("cooperative")[:n]) >= 0).sum()))
    co = sim.cooperatives
    if len(co):
        assets = co.cash_rp + co.loans_rp + co.other_assets_rp
        gap = assets - (co.deposits_rp + co.borrowed_rp + co.own_capital_rp + co.surplus_rp)
        assert (np.abs(gap) <= 1e-9 * np.maximum(assets, 1.0)).all(), "a cooperative's books do not balance"
        assert (co.cash_rp >= 0).all() and (co.deposits_rp >= 0).all() and (co.loans_rp >= 0).all()
        assert (co.arrears_rp <= co.loans_rp * (1 + 1e-12)).all()


def check_counts(r: ms.Result, reopened: list[int], memberships: list[int]) -> None:
    m = r.monthly
    entered = m["entries"].cumsum()
    np.testing.assert_array_equal(m["active_firms"] + m["closed_firms"], r.initial_firms + entered)
    previous = (m["closed_firms"] - m["reopened_firms"]).shift(1, fill_value=0)
    np.testing.assert_array_equal(m["closed_firms"], previous + m["new_closures"])
    np.testing.assert_array_equal(m["reopened_firms"], reopened)
    assert (m["distressed_firms"] <= m["active_firms"]).all()
    np.testing.assert_array_equal(sum(m[f"firms_{c}"] for c in CLASSES), m["active_firms"])
    for col in ("active_firms", "distressed_firms", "closed_firms", "employment", "revenue_rp"):
        np.testing.assert_array_equal(m[f"member_{col}"] + m[f"nonmember_{col}"], m[col])
    np.testing.assert_array_equal(m["member_active_firms"] + m["member_closed_firms"], memberships)
    cols = ["active_firms", "distressed_firms", "closed_firms", "new_closures", "employment", "revenue_rp",
            "affected_firms", "upgrades", "downgrades"] + [f"main_problem_{c}" for c in ms.channels()]
    for by in ("sector", "size_class", "region"):
        b = r.breakdown(by)
        sums = b.groupby("month")[cols].sum()
        np.testing.assert_array_equal(sums.to_numpy(), m.set_index("month")[cols].to_numpy(), err_msg=by)
    firms = r.firms
    assert len(firms) == r.initial_firms + int(m["entries"].sum())
    assert (firms["entry_month"].iloc[: r.initial_firms] == -1).all()
    np.testing.assert_array_equal(
        np.bincount(firms.loc[firms["entry_month"] >= 0, "entry_month"], minlength=r.months), m["entries"])
    last = m.iloc[-1]
    assert (firms["status"] == "closed").sum() == last["closed_firms"] - last["reopened_firms"]
    # A firm reopened in the last month is open in the microdata with its one
    # worker, but counted closed (and not employed) in that month.
    open_workers = firms.loc[firms["status"] != "closed", "final_workers"].sum()
    assert open_workers == last["employment"] + last["reopened_firms"]


def check_programmes(r: ms.Result, scenario: ms.Scenario) -> None:
    progs = scenario.programmes
    t = r.programmes
    if not progs:
        assert t.empty and r.programme_payments.empty
        return
    assert len(t) == len(progs) * r.months
    code = t["programme"].cat.codes.to_numpy()
    budget = np.array([p.budget_rp for p in progs])[code]
    outlay = t["transfer_rp"] + t["admin_rp"] + t["leakage_rp"]
    assert (outlay >= 0).all()
    # Everything paid and promised stays within the budget, month by month.
    assert (t["spent_to_date_rp"] + t["committed_rp"] <= budget * (1 + 1e-12)).all()
    assert (t["budget_left_rp"] >= -1e-6 * np.maximum(budget, 1.0)).all()
    np.testing.assert_allclose(t["budget_left_rp"], budget - t["spent_to_date_rp"] - t["committed_rp"],
                               rtol=1e-9, atol=1e-3)
    running = outlay.groupby(code).cumsum()
    np.testing.assert_allclose(t["spent_to_date_rp"], running, rtol=1e-9, atol=1e-3)
    assert (t.groupby(code)["spent_to_date_rp"].diff().fillna(0) >= 0).all()
    assert (t["applicants"] <= t["eligible"]).all()
    recipients = t.groupby(code)["new_recipients"].sum()
    for k, p in enumerate(progs):
        rows = t[code == k]
        if p.monthly_capacity is not None:
            most = p.monthly_capacity * (2 if p.kind == "clinic" else 1)  # cooperative and SME hours each
            assert (rows["new_recipients"] <= most).all(), p.name
        if p.quota is not None:
            assert recipients.get(k, 0) <= p.quota, p.name
        if p.budget_rp == 0:
            assert (rows["spent_to_date_rp"] == 0).all() and (rows["new_recipients"] == 0).all(), p.name
    lines = ["transfer_rp", "admin_rp", "leakage_rp"]
    monthly = t.groupby(code)[lines].sum()
    for table in (r.ledger, r.programme_payments):
        if table.empty:
            assert (monthly.to_numpy() == 0).all()
            continue
        sums = table.groupby(table["programme"].cat.codes)[lines].sum().reindex(monthly.index, fill_value=0.0)
        np.testing.assert_allclose(sums.to_numpy(), monthly.to_numpy(), rtol=1e-9, atol=1e-3)
    awards = r.programme_awards
    per = awards["programme"].cat.codes.value_counts() if not awards.empty else pd.Series(dtype=int)
    for k in range(len(progs)):
        assert per.get(k, 0) == recipients.get(k, 0), progs[k].name


def check_cooperatives(r: ms.Result, pop: ms.Population) -> None:
    m = r.cooperatives
    if len(pop.cooperatives) == 0:
        assert m.empty
        return
    co = pop.cooperatives
    np.testing.assert_array_equal(m["cooperatives"], len(co) + m["founded"].cumsum())
    initial = float(co.deposits_rp.sum())
    # Deposits held = initial + paid in - withdrawn (docs/model.md §14).
    np.testing.assert_allclose(m["deposits_rp"], initial + (m["deposit_inflow_rp"] - m["withdrawals_rp"]).cumsum(),
                               rtol=0, atol=1e-9 * max(initial, 1.0))
    assert (m["healthy"] <= m["active"]).all() and (m["active"] <= m["cooperatives"]).all()
    np.testing.assert_allclose(m["joint_lent_rp"], m["joint_borrowed_rp"], rtol=1e-9, atol=1e-3)
    np.testing.assert_allclose(m["joint_placed_rp"], m["joint_received_rp"], rtol=1e-9, atol=1e-3)
    np.testing.assert_array_equal(m["member_firms_open"], r.monthly["member_active_firms"])
    counts = ["cooperatives", "founded", "active", "healthy", "stressed", "rat_held", "member_firms_open",
              "new_loans_firms"]
    money = ["cash_rp", "deposits_rp", "loans_rp", "own_capital_rp", "withdrawals_rp", "shu_paid_rp"]
    for table in (r.cooperatives_by_type, r.cooperatives_by_region):
        sums = table.groupby("month")[counts + money].sum()
        np.testing.assert_array_equal(sums[counts].to_numpy(), m[counts].to_numpy())
        np.testing.assert_allclose(sums[money].to_numpy(), m[money].to_numpy(), rtol=1e-9, atol=1e-3)
    panel = r.cooperatives_panel
    n = len(panel) // r.months
    start = np.zeros(n)
    start[: len(co)] = co.deposits_rp
    flows = (panel["deposit_inflow_rp"] - panel["withdrawals_rp"]).to_numpy().reshape(r.months, n)
    held = panel["deposits_rp"].to_numpy().reshape(r.months, n)
    expected = start + flows.cumsum(axis=0)
    assert (np.abs(held - expected) <= 1e-9 * np.maximum(np.abs(expected), 1.0)).all()
    assert (panel["new_loans_firms_rp"] <= panel["lendable_rp"] * (1 + 1e-12) + 1e-6).all()


# ---- the invariants -------------------------------------------------------------------------------
@settings(PROPERTY_SETTINGS, max_examples=40)
@given(data=st.data())
def test_every_invariant_holds_for_random_scenarios(populations, data) -> None:
    cooperatives = data.draw(st.booleans(), label="cooperatives")
    pop = populations[cooperatives]
    scenario = data.draw(scenarios(cooperatives=cooperatives), label="scenario")
    seed = data.draw(ints(1, 1000), label="seed")
    threads = data.draw(ints(1, 2), label="threads")
    sim = ms.Simulation(pop, scenario, seed=seed, threads=threads, record_flows=True)
    reopened: list[int] = []
    memberships: list[int] = []
    while not sim.done:
        sim.step()
        check_month(sim, reopened, memberships)
    stepped = ms.Result(sim.result())
    r = ms.run(pop, scenario, seed=seed, threads=3 - threads, cooperative_panel=True)
    # Stepping month by month is the same run, whatever the thread count.
    pd.testing.assert_frame_equal(stepped.monthly, r.monthly, check_exact=True)
    check_counts(r, reopened, memberships)
    check_programmes(r, scenario)
    check_cooperatives(r, pop)
    for name in ("monthly", "by_sector", "by_class", "by_region", "firms", "cooperatives", "cooperatives_by_type",
                 "cooperatives_by_region", "cooperatives_panel", "programmes", "ledger", "programme_payments",
                 "programme_awards"):
        assert_finite(getattr(r, name), name)


# ---- monotonicity under common random numbers ------------------------------------------------------
def stronger(scenario: ms.Scenario, factor: float) -> ms.Scenario:
    """Every shock's severity scaled up by `factor`, firm by firm (through
    ms.paths): fixed and uniform severities are multiplied (capped at 1); a
    beta keeps its concentration while its mean grows, so every quantile
    grows (scaling mean and sd together would not)."""
    changes: dict[str, float] = {}
    for s in scenario.shocks:
        d = s.severity
        if d.kind == "fixed":
            changes[f"shocks.{s.name}.severity.value"] = min(1.0, d.a * factor)
        elif d.kind == "uniform":
            changes[f"shocks.{s.name}.severity.high"] = min(1.0, d.b * factor)
            changes[f"shocks.{s.name}.severity.low"] = min(1.0, d.a * factor)
        else:
            concentration = d.a * (1 - d.a) / d.b**2 - 1
            mean = min(0.995, d.a * factor)
            changes[f"shocks.{s.name}.severity.mean"] = mean
            changes[f"shocks.{s.name}.severity.sd"] = math.sqrt(mean * (1 - mean) / (concentration + 1))
    out = paths.apply(scenario, changes)
    out.name = "stronger"
    return out


def reversal_tolerance(firms: int, share: float) -> int:
    """Net reversals of single firms tolerated in one run: `share` of the
    firms, at least 2. With common random numbers every firm draws the same
    numbers in both runs, but its decisions are thresholds (hire when cash
    covers the buffer, borrow when short), so a small change can move a firm
    across one either way; docs/model.md §13 says monotonicity "holds for the
    totals, not for every firm", and the totals of one run hold only up to
    such reversals. tests/cpp/engine/test_properties.cpp has the cases."""
    return max(2, int(share * firms))


@settings(PROPERTY_SETTINGS, max_examples=30)
@given(data=st.data())
def test_stronger_shocks_never_close_fewer_firms_by_the_end(populations, data) -> None:
    cooperatives = data.draw(st.booleans(), label="cooperatives")
    pop = populations[cooperatives]
    # Without re-entry, closed by the end = closures.
    base = paths.apply(data.draw(scenarios(cooperatives=cooperatives), label="scenario"),
                       {"params.reentry_monthly_prob": 0.0})
    factor = data.draw(between(1.2, 2.5), label="factor")
    seed = data.draw(ints(1, 1000), label="seed")
    up = stronger(base, factor)
    for s, t in zip(base.shocks, up.shocks):
        assert t.severity.mean() >= s.severity.mean()
    result = ms.compare(pop, base, [up], replications=1, seed=seed, threads=2)
    saved = result.outcome_table("firms_saved")["stronger"].iloc[0]
    # 0.5 % of the firms: a run with two shocks of severity 0.0425 raised to
    # 0.051 closed 10 fewer firms of 3,000 (22 closed only under the weaker
    # shocks, 15 only under the stronger, through the timing of a hire); over
    # 20 replications the stronger shocks closed 4.0 more on average.
    tol = reversal_tolerance(len(pop), 0.005)
    assert saved <= tol, f"the stronger shocks closed {saved} fewer firms by the end"
    a = ms.run(pop, base, seed=seed, microdata=False).monthly["closed_firms"]
    b = ms.run(pop, up, seed=seed, microdata=False).monthly["closed_firms"]
    assert b.iloc[-1] - a.iloc[-1] == -saved  # the comparison is the two runs on the same numbers
    assert (b >= a - tol).all(), "month by month"


def budget_case(draw: st.DrawFn, populations: dict[bool, ms.Population], kinds: list[str]):
    cooperatives = draw(st.booleans(), label="cooperatives")
    pop = populations[cooperatives]
    base = paths.apply(draw(scenarios(with_programmes=False, cooperatives=cooperatives), label="scenario"),
                       {"params.reentry_monthly_prob": 0.0})
    base.name = "baseline"
    kind = draw(st.sampled_from(kinds), label="kind")
    programme = draw(programmes(kind, base.start, base.months, 0, budget=False), label="programme")
    budget = log_uniform(draw, 1e7, 3e9)
    factor = draw(between(1.5, 4.0), label="factor")
    versions = []
    for name, b in (("smaller", budget), ("larger", budget * factor)):
        sc = copy.deepcopy(base)
        sc.programmes = [programme]
        sc = paths.apply(sc, {f"programmes.{programme.name}.budget_rp": b})
        sc.name = name
        versions.append(sc)
    return pop, base, versions, draw(ints(1, 1000), label="seed")


@settings(PROPERTY_SETTINGS, max_examples=40)
@given(data=st.data())
def test_a_larger_budget_never_saves_fewer_firms(populations, data) -> None:
    """For the kinds that fund their recipients. The kinds that raise
    recipients' demand or change their costs are not monotone (a firm hires
    on a temporary uplift and runs out of cash when it ends; training raises
    the online share and so the shipping cost): see the C++ test
    PropertiesLargerBudget for the cases and the mechanisms."""
    pop, base, (smaller, larger), seed = budget_case(data.draw, populations, FUNDING_KINDS)
    result = ms.compare(pop, base, [smaller, larger], replications=1, seed=seed, threads=2)
    saved = result.outcome_table("firms_saved").iloc[0]
    # 0.2 % of the firms: a credit guarantee closed up to 3 of 3,000 firms more
    # than no programme (an early 24-month KUR loan held the firm's one formal
    # slot when a later shock hit); a transfer can let a firm hire a worker it
    # later cannot carry.
    tol = reversal_tolerance(len(pop), 0.002)
    assert saved["smaller"] >= -tol, f"the programme closed {-saved['smaller']} more firms than none"
    assert saved["larger"] >= saved["smaller"] - tol, (
        f"the larger budget saved {saved['larger']} firms, the smaller {saved['smaller']}")


@settings(PROPERTY_SETTINGS, max_examples=30)
@given(data=st.data())
def test_a_programme_changes_only_the_firms_it_reaches(populations, data) -> None:
    """Every kind but the credit offers: a firm the programme neither paid nor
    awarded, and that is no cooperative member, ends bitwise as without the
    programme (programme draws are keyed by its name; entrants, which copy the
    firm they are modelled on, are left out)."""
    kinds = [k for k in KINDS if k not in OFFER_KINDS]
    pop, base, (smaller, larger), seed = budget_case(data.draw, populations, kinds)
    runs = [ms.run(pop, sc, seed=seed, threads=2) for sc in (base, smaller, larger)]
    n = len(pop)
    members = np.asarray(pop.cooperative) >= 0
    cols = ["closure_month", "status", "final_workers", "final_cash_rp", "revenue_total_rp", "final_debt_rp"]
    for a, b in zip(runs, runs[1:]):
        reached = members.copy()
        for r in (a, b):
            for table in (r.programme_payments, r.programme_awards):
                firm = table["firm"].to_numpy() if not table.empty else np.array([], dtype=int)
                reached[firm[(firm >= 0) & (firm < n)]] = True
        left = ~reached
        x, y = a.firms.iloc[:n][cols][left], b.firms.iloc[:n][cols][left]
        pd.testing.assert_frame_equal(x, y, check_exact=True)


def test_a_kur_subsidy_offer_never_cuts_ordinary_kur_credit(populations) -> None:
    """An offer of subsidised KUR (lower rate) must not leave a firm with less
    KUR credit than it gets without the programme, even with the programme's
    ceiling_micro_rp below kur_ceiling_micro_rp: the firm then takes the
    ordinary loan (docs/model.md §15)."""
    pop = populations[False]
    params = {"kur_approval": 1.0, "cash_buffer_months": 6.0}  # every firm wants credit, KUR always approves
    offer = pg.kur_subsidy("kur", start="2020-01", end="2020-01", budget_rp=1e9, ceiling_micro_rp=0.0)
    kur_credit = []
    for programme_list in ([], [offer]):
        sim = ms.Simulation(pop, ms.Scenario(months=1, params=params, programmes=programme_list), seed=1)
        sim.step()
        n = sim.firm_count
        kur = np.asarray(sim.state("loan_lender")[:n]) == ms.lenders().index("kur")
        kur_credit.append(np.where(kur, np.asarray(sim.state("loan_principal_rp")[:n]), 0.0))
    without, with_offer = kur_credit
    assert without.sum() > 0
    cut = np.flatnonzero(with_offer < without - 1e-6)
    assert cut.size == 0, f"{cut.size} firms got less KUR credit under the offer (first: firm {cut[0]})"


def test_firms_that_join_a_cooperative_are_counted_as_members(populations) -> None:
    """Cooperatives.members counts persons, member firms included, so a firm
    that joins through a coop_collaboration programme adds one member, and so
    does a new firm that enters into the cooperative of the firm it replaces."""
    pop = populations[True]
    mou = pg.coop_collaboration("mou", start="2020-01", end="2020-03", budget_rp=1e12)
    sim = ms.Simulation(pop, ms.Scenario(months=3, programmes=[mou]), seed=1)
    sim.run()
    before = np.asarray(pop.cooperative)
    state = np.asarray(sim.state("cooperative")[: sim.firm_count])
    after, entrants = state[: len(pop)], state[len(pop):]
    assert np.array_equal(after[before >= 0], before[before >= 0])  # members stay members
    joined = np.bincount(after[(before < 0) & (after >= 0)], minlength=len(pop.cooperatives))
    assert joined.sum() > 100
    entered = np.bincount(entrants[entrants >= 0], minlength=len(pop.cooperatives))
    assert entered.sum() > 0
    members = np.asarray(sim.cooperatives.members)[: len(pop.cooperatives)]
    np.testing.assert_array_equal(members, np.asarray(pop.cooperatives.members) + joined
                                  + entered[: len(pop.cooperatives)])
