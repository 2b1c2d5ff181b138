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
    delta = (sim.flows("revenue_received")[:n] + sim.flows("new_credit")[:n] - sim.flows("operating_paid")[:n]
             - sim.flows("debt_service_paid")[:n] - sim.flows("owner_draw")[:n])
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
