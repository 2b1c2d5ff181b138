"""The credit book (one row per month and lender), the firm x month panel,
closures by route and the new columns of the monthly and firm tables: as
DataFrames, in the CSV outputs and from the command line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import msmesim as ms

MONTHS = 12
PANEL_MONTHS = [0, 5, 11]
CREDIT_BOOK_COLUMNS = ["month", "date", "lender", "loans", "outstanding_rp", "new_loans", "new_rp", "in_arrears",
                       "arrears_rp", "restructured", "restructured_rp", "written_off_rp", "recovered_rp"]
PANEL_COLUMNS = ["month", "firm", "status", "size_class", "revenue_rp", "cash_rp", "assets_rp", "debt_rp", "workers"]


@pytest.fixture(scope="module")
def population() -> ms.Population:
    return ms.generate_population(ms.presets.bogor_population_spec(3000), seed=4)


@pytest.fixture(scope="module")
def result(population: ms.Population) -> ms.Result:
    return ms.run(population, ms.presets.bogor_covid19_scenario(MONTHS), seed=1, panel_months=PANEL_MONTHS)


def columns(result: ms.Result, which: str) -> dict[str, np.ndarray]:
    return {name: values for name, values, _cats, _unit in result.raw.table_columns(which)}


# The credit book ---------------------------------------------------------------------------------
def test_credit_book_has_a_row_per_month_and_lender(result: ms.Result):
    book = result.credit_book
    assert list(book.columns) == CREDIT_BOOK_COLUMNS
    assert len(book) == MONTHS * len(ms.lenders())
    assert list(book["lender"].cat.categories) == ms.lenders()
    assert book.groupby("month").size().eq(len(ms.lenders())).all()
    assert str(book["date"].iloc[0]) == "2020-01" and str(book["date"].iloc[-1]) == "2020-12"
    assert (book["date"].dt.month == book["month"] + 1).all()
    for col in ("loans", "new_loans", "in_arrears", "restructured"):
        assert book[col].dtype == np.int64 and (book[col] >= 0).all()
    for col in ("outstanding_rp", "new_rp", "arrears_rp", "restructured_rp", "written_off_rp", "recovered_rp"):
        assert book[col].dtype == np.float64 and (book[col] >= 0).all()
    assert (book["in_arrears"] <= book["loans"]).all() and (book["restructured"] <= book["loans"]).all()
    assert (book["arrears_rp"] <= book["outstanding_rp"] * (1 + 1e-12)).all()


def test_credit_book_numeric_columns_are_views_of_the_cpp_result(result: ms.Result):
    book, raw = result.credit_book, columns(result, "credit_book")
    for col in ("outstanding_rp", "loans", "restructured_rp", "written_off_rp"):
        assert np.shares_memory(book[col].to_numpy(), raw[col]), col
    assert not raw["outstanding_rp"].flags.writeable


def test_credit_book_agrees_with_the_monthly_credit_columns(result: ms.Result):
    book, monthly = result.credit_book, result.monthly.set_index("month")
    for lender in ms.lenders():
        rows = book[book["lender"] == lender].set_index("month")
        np.testing.assert_allclose(rows["outstanding_rp"], monthly[f"credit_outstanding_{lender}_rp"], rtol=1e-12)
        np.testing.assert_array_equal(rows["new_loans"], monthly[f"new_loans_{lender}"])
        np.testing.assert_allclose(rows["new_rp"], monthly[f"new_credit_{lender}_rp"], rtol=1e-12)
        np.testing.assert_allclose(rows["written_off_rp"], monthly[f"defaults_{lender}_rp"], rtol=1e-12)
    # The preset's restructuring (POJK 11/2020) shows from March 2020, at KUR and the banks.
    restructured = book.pivot(index="month", columns="lender", values="restructured")
    assert (restructured.loc[:1] == 0).all().all()
    assert restructured["kur"].max() > 0 and restructured["bank"].max() > 0


# The panel ---------------------------------------------------------------------------------------
def test_panel_has_every_firm_at_the_end_of_each_month_asked_for(result: ms.Result):
    panel = result.panel
    assert list(panel.columns) == PANEL_COLUMNS
    assert sorted(panel["month"].unique()) == PANEL_MONTHS
    monthly = result.monthly.set_index("month")
    for month, rows in panel.groupby("month"):
        # Every firm that exists by then: the initial firms and the entrants so far.
        expected = result.initial_firms + int(monthly.loc[:month, "entries"].sum())
        assert len(rows) == expected and rows["firm"].tolist() == list(range(expected))
        counts = rows["status"].value_counts()
        assert counts["closed"] == monthly.loc[month, "closed_firms"]
        assert counts["active"] + counts["distressed"] == monthly.loc[month, "active_firms"]
        assert rows.loc[rows["status"] == "closed", "workers"].eq(0).all()
        assert rows["workers"].sum() == monthly.loc[month, "employment"]
    assert list(panel["status"].cat.categories) == ["active", "distressed", "closed"]
    assert list(panel["size_class"].cat.categories) == ms.size_classes()


def test_panel_numeric_columns_are_views_and_a_run_without_panel_months_has_none(result: ms.Result,
                                                                                 population: ms.Population):
    panel, raw = result.panel, columns(result, "panel")
    for col in ("cash_rp", "assets_rp", "debt_rp", "firm", "workers"):
        assert np.shares_memory(panel[col].to_numpy(), raw[col]), col
    plain = ms.run(population, ms.Scenario(months=3), seed=1)
    assert plain.panel.empty
    with pytest.raises(ms.InvalidArgumentError, match="panel_months"):
        ms.run(population, ms.Scenario(months=3), panel_months=[3])
    with pytest.raises(ms.TypeMismatchError, match=r"panel_months\[0\]"):
        ms.run(population, ms.Scenario(months=3), panel_months=["May"])


def test_panel_rows_are_the_state_at_the_months_end(population: ms.Population):
    sc = ms.presets.bogor_covid19_scenario(MONTHS)
    sim = ms.Simulation(population, sc, seed=1, panel_months=[5])
    for _ in range(6):
        sim.step()
    n = sim.firm_count
    state = {name: np.asarray(sim.state(name)[:n]).copy() for name in
             ("cash_rp", "assets_rp", "loan_principal_rp", "informal_principal_rp", "status", "workers")}
    sim.run()
    rows = ms.Result(sim.result()).panel
    assert len(rows) == n
    np.testing.assert_array_equal(rows["cash_rp"], state["cash_rp"])
    np.testing.assert_array_equal(rows["assets_rp"], state["assets_rp"])
    np.testing.assert_allclose(rows["debt_rp"], state["loan_principal_rp"] + state["informal_principal_rp"])
    np.testing.assert_array_equal(rows["status"].cat.codes.to_numpy(), state["status"])
    np.testing.assert_array_equal(rows["workers"], np.where(state["status"] == 2, 0, state["workers"]))


# Closures by route and the new columns ----------------------------------------------------------
def test_closures_by_route_add_up_to_the_new_closures(result: ms.Result):
    routes = result.closures_by_route()
    assert list(routes.columns) == ["owner_exit", "unviable", "insolvent"]
    assert ms.closure_reasons() == ["open", "owner_exit", "unviable", "insolvent"]
    monthly = result.monthly
    np.testing.assert_array_equal(routes.sum(axis=1).to_numpy(), monthly["new_closures"].to_numpy())
    assert (routes.sum() > 0).all()  # every route is taken in a year of COVID-19
    firms = result.firms
    closed = firms[firms["status"] == "closed"]
    assert list(firms["closure_reason"].cat.categories) == ms.closure_reasons()
    assert (closed["closure_reason"] != "open").all()
    assert (firms.loc[firms["status"] != "closed", "closure_reason"] == "open").all()
    by_reason = closed["closure_reason"].value_counts()
    for route in ("owner_exit", "unviable", "insolvent"):
        assert by_reason[route] == routes[route].sum()
    headline = result.headline()
    assert headline["closures_insolvent"] == routes["insolvent"].sum()


def test_the_firm_and_monthly_tables_have_the_new_columns(result: ms.Result):
    firms = result.firms
    for col in ("cooperative", "closure_reason", "ever_illiquid", "final_assets_rp", "investment_total_rp",
                "loan_written_off_rp"):
        assert col in firms.columns, col
    assert (firms["final_assets_rp"] >= 0).all() and (firms["investment_total_rp"] >= 0).all()
    assert (firms.loc[firms["status"] != "closed", "loan_written_off_rp"] == 0).all()
    assert set(firms["ever_illiquid"].unique()) <= {0, 1}
    monthly = result.monthly
    for col in ("investment_rp", "assets_rp", "closures_owner_exit", "closures_unviable", "closures_insolvent",
                "ever_illiquid_firms"):
        assert col in monthly.columns, col
    assert monthly["investment_rp"].sum() > 0  # worn assets are replaced
    assert result.survey_window == ("2020-03", "2020-06")
    assert ms.run(ms.generate_population(ms.presets.bogor_population_spec(200), seed=1),
                  ms.Scenario(months=2)).survey_window is None


# Outputs -----------------------------------------------------------------------------------------
def test_write_outputs_writes_the_credit_book_and_the_panel(result: ms.Result, population: ms.Population,
                                                            tmp_path: Path):
    plain = ms.run(population, ms.presets.bogor_covid19_scenario(MONTHS), seed=1, replication=1)
    written = {p.name for p in ms.write_outputs([result, plain], tmp_path)}
    assert {"credit_book.csv", "panel.csv"} <= written
    book = pd.read_csv(tmp_path / "credit_book.csv")
    assert list(book.columns) == ["scenario", "replication", *CREDIT_BOOK_COLUMNS]
    assert len(book) == 2 * MONTHS * len(ms.lenders())
    panel = pd.read_csv(tmp_path / "panel.csv")
    assert list(panel.columns) == ["scenario", "replication", *PANEL_COLUMNS]
    assert len(panel) == len(result.panel) and set(panel["replication"]) == {0}  # the run without a panel adds none
    # Without a panel, no panel file.
    other = {p.name for p in ms.write_outputs([plain], tmp_path / "plain")}
    assert "credit_book.csv" in other and "panel.csv" not in other


def msmesim(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([sys.executable, "-m", "msmesim", *args], capture_output=True, text=True, timeout=600,
                          cwd=cwd)
    assert proc.returncode == 0, proc.stderr
    return proc


def test_cli_writes_the_credit_book_and_the_panel_months_asked_for(tmp_path: Path):
    out = tmp_path / "out"
    msmesim("run", "--firms", "2000", "--months", "6", "--quiet", "--out", str(out), "--panel-month", "2",
            "--panel-month", "5")
    book = pd.read_csv(out / "credit_book.csv")
    assert len(book) == 6 * len(ms.lenders()) and set(book["lender"]) == set(ms.lenders())
    panel = pd.read_csv(out / "panel.csv")
    assert sorted(panel["month"].unique()) == [2, 5]
    # [outputs] panel_months of a scenario file is honoured (paths relative to the file).
    path = tmp_path / "panel.toml"
    path.write_text('extends = "bogor-covid19"\nname = "with panel"\n\n[population]\nfirms = 2000\n\n'
                    '[horizon]\nmonths = 4\n\n[outputs]\ndir = "results"\npanel_months = [0, 3]\n', encoding="utf-8")
    f = ms.load_scenario(path)
    assert list(f.outputs.panel_months) == [0, 3]
    assert list(ms.parse_scenario(ms.to_toml(f)).outputs.panel_months) == [0, 3]
    msmesim("run", str(path), "--quiet")
    panel = pd.read_csv(tmp_path / "results" / "panel.csv")
    assert sorted(panel["month"].unique()) == [0, 3] and set(panel["scenario"]) == {"with panel"}
    assert (tmp_path / "results" / "credit_book.csv").exists()
    # run_file keeps the file's panel months too.
    assert sorted(ms.run_file(f).panel["month"].unique()) == [0, 3]


def test_cli_refuses_a_panel_month_outside_the_run(tmp_path: Path):
    proc = subprocess.run([sys.executable, "-m", "msmesim", "run", "--firms", "1000", "--months", "3",
                           "--panel-month", "3", "--out", str(tmp_path)], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 2 and "panel_months" in proc.stderr and "Traceback" not in proc.stderr


def test_plots_of_closures_and_the_credit_book(result: ms.Result):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = result.plot("closures")
    assert len(fig.axes) == 2
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels == ["owner exit", "unviable", "insolvent"]
    credit = result.plot("credit")
    titles = [ax.get_title() for ax in credit.axes if ax.get_title()]
    assert titles == ["Outstanding (Rp)", "New lending per month (Rp)", "Loans in arrears", "Restructured loans",
                      "Written off per month (Rp)"]
    assert [t.get_text() for t in credit.axes[0].get_legend().get_texts()] == ms.lenders()
    with pytest.raises(ms.InvalidArgumentError, match="closures, credit"):
        result.plot("pie")
    plt.close("all")
