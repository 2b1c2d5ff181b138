"""Runs from Python: DataFrames, invariants, determinism, GIL and Ctrl-C."""

from __future__ import annotations

import os
import signal
import threading

import numpy as np
import pandas as pd
import pytest

import msmesim as ms


def test_monthly_frame_has_the_documented_columns(small_result):
    m = small_result.monthly
    assert len(m) == 24
    for col in ("month", "date", "active_firms", "closed_firms", "employment", "revenue_index",
                "distressed_firms", "main_problem_share_sales", "credit_outstanding_kur_rp", "upgrades"):
        assert col in m.columns
    assert str(m["date"].iloc[2]) == "2020-03"


def test_open_plus_closed_equals_initial_plus_entries_every_month(small_result):
    m = small_result.monthly
    np.testing.assert_array_equal(
        m["active_firms"] + m["closed_firms"], small_result.initial_firms + m["entries"].cumsum()
    )


def test_breakdowns_add_up_to_the_monthly_totals(small_result):
    m = small_result.monthly.set_index("month")
    for by in ("sector", "size_class", "region"):
        b = small_result.breakdown(by)
        sums = b.groupby("month")[["active_firms", "closed_firms", "employment", "revenue_rp"]].sum()
        pd.testing.assert_frame_equal(sums, m[sums.columns], check_dtype=False, check_index_type=False)


def test_covid_shock_closes_firms_and_cuts_revenue(small_population):
    shocked = ms.run(small_population, ms.presets.bogor_covid19_scenario(24), seed=3)
    calm = ms.run(small_population, ms.Scenario(months=24), seed=3)
    assert shocked.monthly["closed_firms"].iloc[-1] > calm.monthly["closed_firms"].iloc[-1]
    assert shocked.monthly["revenue_index"].min() < 0.85 < calm.monthly["revenue_index"].min()
    assert shocked.monthly["affected_firms"].iloc[:2].sum() == 0  # nothing before March 2020


def test_same_seed_is_reproducible_for_any_thread_count(small_population, covid):
    a = ms.run(small_population, covid, seed=9, threads=1)
    b = ms.run(small_population, covid, seed=9, threads=3)
    for table in ("monthly", "by_sector", "by_region", "firms"):
        pd.testing.assert_frame_equal(getattr(a, table), getattr(b, table), check_exact=True)
    c = ms.run(small_population, covid, seed=10)
    assert not a.monthly["closed_firms"].equals(c.monthly["closed_firms"])


def test_result_tables_are_views_of_the_cpp_result(small_result):
    firms = small_result.firms
    raw = {name: arr for name, arr, _cats, _unit in small_result.raw.table_columns("firms")}
    assert np.shares_memory(firms["final_cash_rp"].to_numpy(), raw["final_cash_rp"])
    assert not raw["final_cash_rp"].flags.writeable
    assert len(firms) >= small_result.initial_firms
    assert set(firms["status"].cat.categories) == {"active", "distressed", "closed"}


def test_firm_microdata_agrees_with_monthly_totals(small_result):
    firms = small_result.firms
    last = small_result.monthly.iloc[-1]
    assert (firms["status"] == "closed").sum() == last["closed_firms"]
    assert firms.loc[firms["status"] != "closed", "final_workers"].sum() == last["employment"]
    closed = firms[firms["status"] == "closed"]
    assert (closed["closure_month"] >= 0).all()


def test_zero_severity_shock_equals_no_shock(small_population):
    base = ms.Scenario(months=12, input_output=ms.presets.bogor_input_output())
    zero = ms.Scenario(
        months=12,
        input_output=ms.presets.bogor_input_output(),
        shocks=[ms.Shock(channel="sales", onset="2020-03", severity=ms.SeverityDist.fixed(0.0), name="none")],
    )
    a, b = ms.run(small_population, base, seed=2), ms.run(small_population, zero, seed=2)
    pd.testing.assert_frame_equal(a.monthly, b.monthly, check_exact=True)
    pd.testing.assert_frame_equal(a.firms, b.firms, check_exact=True)


def test_progress_callback_sees_every_month_and_can_cancel(small_population):
    seen = []
    ms.run(small_population, ms.Scenario(months=6), progress=lambda d, t: seen.append((d, t)))
    assert seen == [(k, 6) for k in range(1, 7)]
    with pytest.raises(ms.CancelledError) as info:
        ms.run(small_population, ms.Scenario(months=6), progress=lambda d, t: d < 2)
    assert info.value.months_completed == 2


def test_ctrl_c_interrupts_a_running_simulation(small_population, ctrl_c):
    calls = []

    def progress(done, total):
        calls.append(done)
        if done == 1:  # as if the user pressed Ctrl-C during month 2
            os.kill(os.getpid(), signal.SIGINT)
        return True

    with pytest.raises(KeyboardInterrupt):
        ms.run(small_population, ms.Scenario(months=24), progress=progress)
    assert calls == [1]  # stopped at the next month boundary


def test_runs_in_parallel_python_threads_match_sequential_runs(small_population, covid):
    seeds = [21, 22, 23]
    sequential = [ms.run(small_population, covid, seed=s).monthly for s in seeds]
    parallel: dict[int, pd.DataFrame] = {}

    def work(s):
        parallel[s] = ms.run(small_population, covid, seed=s).monthly

    threads = [threading.Thread(target=work, args=(s,)) for s in seeds]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for s, frame in zip(seeds, sequential):
        pd.testing.assert_frame_equal(parallel[s], frame, check_exact=True)


def test_simulation_steps_month_by_month_and_exposes_state(small_population, covid):
    sim = ms.Simulation(small_population, covid, seed=3, record_flows=True)
    sim.step()
    assert sim.months_done == 1 and not sim.done
    n = sim.firm_count
    cash_before = sim.flows("cash_before")[:n]
    cash_after = sim.flows("cash_after")[:n]
    flow = {name: sim.flows(name)[:n] for name in ms.Simulation.flow_names()}
    delta = (flow["revenue_received"] + flow["new_credit"] + flow["shu_received"] - flow["operating_paid"]
             - flow["debt_service_paid"] - flow["debt_prepaid"] - flow["owner_draw"] - flow["investment"]
             - flow["closure_payout"])
    stepped = sim.flows("stepped")[:n] == 1
    np.testing.assert_allclose((cash_after - cash_before)[stepped], delta[stepped], rtol=1e-9, atol=1e-3)
    assert np.array_equal(sim.state("cash_rp")[:n], cash_after)
    sim.run()
    result = sim.result()
    assert result.months == 24
    with pytest.raises(ms.Error):
        sim.step()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"months": 0}, "months"),
        ({"months": -3}, "months"),
        ({"params": {"closure_after_months": 0}}, "closure_after_months"),
        ({"params": {"closure_after_monthz": 3}}, "params"),
        ({"start": "2020-13"}, "start"),
        ({"class_regime": "law99"}, "class_regime"),
    ],
)
def test_invalid_scenario_arguments_name_the_field(kwargs, field):
    with pytest.raises(ms.InvalidArgumentError) as info:
        ms.Scenario(**kwargs)
    assert field in str(info.value) and "allowed" in str(info.value)


def test_unknown_region_in_a_shock_target_is_reported_with_known_names(small_population):
    shock = ms.Shock(channel="sales", onset="2020-03", severity=ms.SeverityDist.fixed(0.3), regions=["Bogor Tengah"])
    with pytest.raises(ms.InvalidArgumentError) as info:
        ms.run(small_population, ms.Scenario(months=6, shocks=[shock]))
    msg = str(info.value)
    assert "Bogor Tengah" in msg and "Cibinong" in msg and "target.regions" in msg


def test_bad_run_arguments_are_type_or_value_errors(small_population, covid):
    with pytest.raises(ms.InvalidArgumentError, match="threads") as info:
        ms.run(small_population, covid, threads=-1)
    assert (info.value.field, info.value.value) == ("threads", "-1")
    assert "whole number >= 0" in info.value.allowed
    with pytest.raises(ms.TypeMismatchError) as info:
        ms.Scenario(params={"closure_after_months": True})
    assert info.value.field == "params.closure_after_months"
    with pytest.raises(TypeError, match="seed"):
        ms.run(small_population, covid, seed="one")
    with pytest.raises(TypeError, match="scenario"):
        ms.run(small_population, "bogor")


def test_shock_arguments_are_validated():
    with pytest.raises(ms.InvalidArgumentError, match="incidence"):
        ms.Shock(channel="sales", onset="2020-03", severity=ms.SeverityDist.fixed(0.3), incidence=1.2)
    with pytest.raises(ms.InvalidArgumentError, match="channel"):
        ms.Shock(channel="demand", onset="2020-03", severity=ms.SeverityDist.fixed(0.3))
    with pytest.raises(ms.InvalidArgumentError, match="sd"):
        ms.Shock(channel="sales", onset="2020-03", severity=ms.SeverityDist.beta(0.5, 0.6))


def test_summary_headline_and_html(small_result):
    text = small_result.summary()
    assert "bogor-covid19" in text and "Employment" in text
    h = small_result.headline()
    assert 0 <= h["closed_share"] <= 1
    assert sum(h[f"main_problem_share_{c}"] for c in ms.channels()) == pytest.approx(1.0)
    assert "<table>" in small_result._repr_html_()


def test_write_outputs_long_form(small_result, tmp_path):
    written = small_result.to_csv(tmp_path)
    monthly = pd.read_csv(tmp_path / "monthly.csv")
    assert list(monthly.columns[:3]) == ["scenario", "replication", "month"]
    assert {p.name for p in written} >= {"monthly.csv", "by_sector.csv", "by_class.csv", "by_region.csv", "run.json"}


def test_plot_overview_returns_a_figure(small_result):
    import matplotlib

    matplotlib.use("Agg")
    fig = small_result.plot()
    assert len(fig.axes) == 4
    fig2 = small_result.plot("region")
    assert fig2.axes
    import matplotlib.pyplot as plt

    plt.close("all")


def test_state_names_cover_every_firm_state_column(small_population, covid):
    names = ms.Simulation.state_names()
    for name in ("debt_arrears_rp", "owner_owed_rp", "capital_intensity", "potential_rp", "demand_factor",
                 "loan_term_months", "loan_deferral", "loan_restructured", "months_low_income", "owner_exit_month",
                 "closure_reason", "ever_illiquid", "investment_total_rp", "loan_written_off_rp"):
        assert name in names, name
    assert len(set(names)) == len(names)
    sim = ms.Simulation(small_population, covid, seed=3)
    for _ in range(4):
        sim.step()
    n = sim.firm_count
    for name in names:
        arr = sim.state(name)
        assert len(arr) >= n and not arr.flags.writeable, name
    arrears = np.asarray(sim.state("debt_arrears_rp")[:n])
    owed = np.asarray(sim.state("owner_owed_rp")[:n])
    debt = np.asarray(sim.state("loan_principal_rp")[:n]) + np.asarray(sim.state("informal_principal_rp")[:n])
    assert (arrears >= 0).all() and (owed >= 0).all() and (arrears > 0).any()
    assert (arrears <= debt + 0.5).all()  # overdue service is part of a loan
    reason = np.asarray(sim.state("closure_reason")[:n])
    closed = np.asarray(sim.state("status")[:n]) == 2
    assert (reason[closed] > 0).all() and (reason[~closed] == 0).all()
    assert reason.max() < len(ms.closure_reasons())
    with pytest.raises(ms.InvalidArgumentError, match="state_names"):
        sim.state("happiness")


def test_flows_have_the_new_columns_and_the_cash_identity_holds(small_population, covid):
    names = ms.Simulation.flow_names()
    for name in ("credit_sought", "investment_gap", "investment", "debt_prepaid", "closure_payout"):
        assert name in names
    sim = ms.Simulation(small_population, covid, seed=3, record_flows=True)
    seen = {"investment": 0.0, "debt_prepaid": 0.0, "closure_payout": 0.0, "credit_sought": 0.0}
    for _ in range(12):
        sim.step()
        n = sim.firm_count
        f = {name: np.asarray(sim.flows(name)[:n], dtype=float) for name in names}
        stepped = f["stepped"] == 1
        # FirmFlows::cash_in and cash_out: cash_after = cash_in - cash_out.
        cash_in = f["cash_before"] + f["revenue_received"] + f["new_credit"] + f["shu_received"]
        cash_out = (f["operating_paid"] + f["debt_service_paid"] + f["debt_prepaid"] + f["owner_draw"]
                    + f["investment"] + f["closure_payout"])
        np.testing.assert_allclose(f["cash_after"][stepped], (cash_in - cash_out)[stepped], rtol=1e-9, atol=1e-3)
        assert (f["investment"] >= 0).all() and (f["investment_gap"] >= 0).all()
        # Credit comes only to firms that sought it (a formal loan may be larger: a minimum size).
        assert (f["credit_sought"] >= 0).all() and (f["credit_sought"][f["new_credit"] > 0] > 0).all()
        closing = np.asarray(sim.state("closure_month")[:n]) == sim.months_done - 1
        assert (f["closure_payout"][stepped & ~closing] == 0).all()  # flows are those of firms stepped
        assert (f["cash_after"][closing & stepped] == 0).all()  # a closing firm pays out its cash
        for name in seen:
            seen[name] += f[name][stepped].sum()
    assert all(v > 0 for v in seen.values()), seen
