"""The self-contained HTML report (msmesim.report): content, no external references, and that a browser
(headless Chromium) renders it."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import msmesim as ms
from msmesim import report

SECTIONS = ("scenario", "headline", "charts", "dynamics", "credit", "programmes", "beneficiaries", "assumptions")


@pytest.fixture(scope="module")
def population() -> ms.Population:
    return ms.generate_population(ms.presets.bogor_population_spec(20_000), seed=1)


@pytest.fixture(scope="module")
def scenarios() -> list[ms.Scenario]:
    baseline = ms.preset("bogor-covid19").scenario
    grant = ms.preset("bogor-covid19").scenario
    grant.name = "bogor-covid19 + bpum"
    grant.programmes = [*baseline.programmes,
                        ms.programmes.cash_grant("bpum", start="2020-05", end="2020-12", budget_rp=5e9)]
    return [baseline, grant]


@pytest.fixture(scope="module")
def results(population: ms.Population, scenarios: list[ms.Scenario]) -> list[ms.Result]:
    return [ms.run(population, sc, seed=1, threads=2) for sc in scenarios]


@pytest.fixture(scope="module")
def report_path(tmp_path_factory: pytest.TempPathFactory, results: list[ms.Result],
                scenarios: list[ms.Scenario]) -> Path:
    path = tmp_path_factory.mktemp("report") / "report.html"
    written = report.write_report(results, path, title="Bogor: BPUM grant", scenarios=scenarios)
    assert written == path and path.exists()
    return path


def external_references(text: str) -> list[str]:
    """src/href attribute values (and CSS url()s) that point off the page."""
    found = re.findall(r"""(?:src|href)\s*=\s*["']?\s*((?:https?:)?//[^"'\s>]*)""", text, flags=re.I)
    found += re.findall(r"""url\(\s*["']?\s*((?:https?:)?//[^)"']*)""", text, flags=re.I)
    return found


def test_report_is_self_contained_with_every_section(report_path: Path):
    text = report_path.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert external_references(text) == []
    assert not re.search(r"<script[^>]*\bsrc\s*=", text, flags=re.I)
    assert "<script" not in text.lower()  # no JavaScript at all
    assert not re.search(r"<link[^>]*stylesheet", text, flags=re.I)
    for section in SECTIONS:
        assert f"<section id='{section}'>" in text, section
    # Charts are inline SVG, not linked images: one per series, closures by route, class changes and
    # the credit book.
    assert text.count("<svg") == 6 and "<img" not in text
    for chart in ("active_firms", "employment", "revenue_index", "closures", "class-changes", "credit"):
        assert f"id='chart-{chart}'" in text


def test_report_content(report_path: Path, results: list[ms.Result]):
    text = report_path.read_text(encoding="utf-8")
    assert "<title>Bogor: BPUM grant</title>" in text
    # The scenarios in words: shocks by name and channel, the programme by name, kind and budget.
    assert "covid_capital</b>: capital channel, from 2020-03" in text
    assert "<b>bpum</b>: cash grant, budget Rp 5.00 billion" in text
    assert "36 months from 2020-01, on Bogor Regency (20,000 firms" in text
    assert "one replication" in text
    # Headline: firms and jobs saved against the baseline, with the runs' numbers.
    base, grant = (r.headline() for r in results)
    assert "firms saved vs baseline" in text and "jobs saved vs baseline" in text
    saved = base["closed_firms_end"] - grant["closed_firms_end"]
    assert f"{saved:+,.0f}" in text
    assert f"{base['closed_firms_end']:,.0f}" in text
    assert f"{base['revenue_index_trough']:.3f}" in text
    # Who benefits: transfers by size class, sector and kecamatan; members vs non-members.
    beneficiaries = text[text.index("<section id='beneficiaries'>"):text.index("<section id='assumptions'>")]
    for heading in ("By size class", "By sector", "By kecamatan", "Members of cooperatives"):
        assert heading in beneficiaries
    assert "micro" in beneficiaries and "non-members" in beneficiaries
    assert "docs/calibration.md" in text and "docs/model.md" in text


def section(text: str, name: str) -> str:
    start = text.index(f"<section id='{name}'>")
    return text[start:text.index("</section>", start)]


def test_report_shows_closures_by_route_class_changes_and_the_credit_book(report_path: Path,
                                                                          results: list[ms.Result]):
    text = report_path.read_text(encoding="utf-8")
    dynamics = section(text, "dynamics")
    for heading in ("closed: owner exit", "closed: unviable", "closed: insolvent", "moved up a class",
                    "moved down a class"):
        assert heading in dynamics
    base = results[0].monthly
    for column in ("closures_owner_exit", "closures_unviable", "closures_insolvent", "upgrades", "downgrades"):
        assert f"<td>{base[column].sum():,.0f}</td>" in dynamics, column
    credit = section(text, "credit")
    for lender in ms.lenders():
        assert f"<td class='l'>{lender}</td>" in credit
    for heading in ("outstanding at the end", "new lending", "loans in arrears", "restructured loans",
                    "written off"):
        assert heading in credit
    book = results[0].credit_book
    kur = book[book["lender"] == "kur"]
    assert f"<td>{kur['new_loans'].sum():,.0f}</td>" in credit
    assert f"<td>{kur['restructured'].max():,.0f}</td>" in credit and kur["restructured"].max() > 0
    # The relief programmes' lines: restructuring borne by lenders, the extra KUR subsidy and BPUM paid.
    programmes = section(text, "programmes")
    assert "relief borne by lenders" in programmes
    summary = results[0].programme_summary()
    for name, row in summary.iterrows():
        assert f"<b>{name}</b>" in programmes
    restructuring = summary[summary["kind"] == "loan_restructuring"]
    assert len(restructuring) and (restructuring["relief_rp"] > 0).all() and (restructuring["spent_rp"] == 0).all()
    assert "POJK 11/POJK.03/2020" in programmes and "BPUM" in programmes
    # The restrictions on gatherings are listed with the scenario.
    assert "Restrictions on gatherings" in section(text, "scenario")


def test_replications_show_mean_and_range(tmp_path: Path, population: ms.Population, scenarios: list[ms.Scenario]):
    runs = [ms.run(population, sc, seed=2, replication=rep, threads=2) for sc in scenarios for rep in range(3)]
    path = ms.write_report(runs, tmp_path / "r.html", assumptions=["Budgets are illustrative."])
    text = path.read_text(encoding="utf-8")
    assert "5–95 % range" in text and "one replication" not in text.split("<section id='headline'>")[1][:3000]
    assert "<li>Budgets are illustrative.</li>" in text and "docs/calibration.md" not in text
    # Without the scenario objects the programmes still come from the results.
    assert "<b>bpum</b>: cash grant" in text


def test_no_programmes_says_so(tmp_path: Path, population: ms.Population):
    bare = ms.preset("bogor-covid19").scenario
    bare.months, bare.programmes = 12, []
    result = ms.run(population, bare, seed=1, threads=2)
    text = ms.write_report([result], tmp_path / "one.html").read_text(encoding="utf-8")
    programmes = text[text.index("<section id='programmes'>"):text.index("<section id='beneficiaries'>")]
    assert "No programmes" in programmes
    assert "firms saved" not in text
    with pytest.raises(ms.InvalidArgumentError, match="results"):
        ms.write_report([], tmp_path / "none.html")


def chromium() -> str:
    path = shutil.which("chromium")
    if path is None:
        pytest.fail("chromium is not installed: it renders the HTML report in this test. Run `tools/setup --dev` "
                    "(or `apt-get install chromium`) and run the tests again.")
    return path


def test_chromium_renders_the_report(report_path: Path, tmp_path: Path):
    browser = chromium()
    flags = ["--headless", "--no-sandbox", "--disable-gpu"]
    png = tmp_path / "report.png"
    url = report_path.resolve().as_uri()
    proc = subprocess.run([browser, *flags, f"--screenshot={png}", "--window-size=1280,2000", url],
                          capture_output=True, text=True, timeout=180)
    assert png.exists(), proc.stderr
    data = png.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 10_000
    proc = subprocess.run([browser, *flags, "--dump-dom", url], capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    for section in SECTIONS:
        assert re.search(rf"""<section id=["']?{section}["']?>""", proc.stdout), section
    assert "<svg" in proc.stdout


def msmesim(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "msmesim", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=600)


def test_cli_report(tmp_path: Path):
    out = tmp_path / "cli.html"
    grant = tmp_path / "grant.toml"
    grant.write_text('extends = "bogor-covid19"\nname = "grant"\n\n[[programmes]]\nname = "bpum"\n'
                     'kind = "cash_grant"\nstart = "2020-05"\nend = "2020-12"\nbudget_rp = 5e9\n', encoding="utf-8")
    proc = msmesim("report", str(out), "bogor-covid19", str(grant), "--firms", "3000", "--months", "12",
                   "--seed", "4")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("msmesim report - 2 scenarios on Bogor Regency (3,000 firms), seed 4")
    text = out.read_text(encoding="utf-8")
    for section in SECTIONS:
        assert f"<section id='{section}'>" in text
    assert "12 months from 2020-01" in text and "firms saved vs baseline" in text and "<b>bpum</b>" in text
    # Default: the bogor-covid19 preset alone.
    proc = msmesim("report", str(tmp_path / "default.html"), "--firms", "2000", "--months", "3", "--quiet")
    assert proc.returncode == 0 and proc.stdout == "" and proc.stderr == ""
    assert "bogor-covid19" in (tmp_path / "default.html").read_text(encoding="utf-8")


def test_cli_report_errors_are_one_line(tmp_path: Path):
    proc = msmesim("report", str(tmp_path / "x.html"), "no-such-scenario.toml")
    assert proc.returncode == 1
    assert proc.stderr.startswith("msmesim: error: cannot read scenario file") and proc.stderr.count("\n") == 1
    proc = msmesim("report", str(tmp_path / "x.html"), "--firms", "0")
    assert proc.returncode == 2 and "--firms" in proc.stderr


def test_run_report_uses_the_new_report(tmp_path: Path):
    out = tmp_path / "run.html"
    proc = msmesim("run", "--firms", "3000", "--months", "6", "--replications", "2", "--report", str(out), "--quiet")
    assert proc.returncode == 0, proc.stderr
    text = out.read_text(encoding="utf-8")
    for section in SECTIONS:
        assert f"<section id='{section}'>" in text
    assert "covid_sales</b>: sales channel" in text and "5–95 % range" in text


def test_compare_writes_a_report_too(tmp_path):
    import subprocess
    import sys

    base = tmp_path / "base.toml"
    base.write_text('extends = "bogor-covid19"\nname = "base"\n[horizon]\nmonths = 12\n')
    grant = tmp_path / "grant.toml"
    grant.write_text('extends = "bogor-covid19"\nname = "grant"\n[horizon]\nmonths = 12\n[[programmes]]\n'
                     'name = "g"\nkind = "cash_grant"\nstart = "2020-05"\nend = "2020-08"\nbudget_rp = 1e9\n')
    html = tmp_path / "cmp.html"
    proc = subprocess.run([sys.executable, "-m", "msmesim", "compare", str(base), str(grant), "--firms", "5000",
                           "--report", str(html), "--quiet"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    text = html.read_text(encoding="utf-8")
    for section in SECTIONS:
        assert f"id='{section}'" in text


def test_a_one_off_grant_shows_its_recipients_not_a_zero_of_running_benefits(report_path: Path,
                                                                           results: list[ms.Result]):
    """A grant pays once: its recipients over the programme are counted, and
    the running-benefit column shows a dash rather than a misleading 0."""
    text = report_path.read_text(encoding="utf-8")
    header = re.search(r"<tr>(<th class='l'>programme</th>.*?)</tr>", text).group(1)
    names = re.findall(r"<th[^>]*>(.*?)</th>", header)
    assert "recipients over the programme" in names and "receiving a running benefit (peak month)" in names

    def cells(programme: str) -> list[str]:
        row = re.search(rf"<tr><td class='l'><b>{re.escape(programme)}</b></td>(.*?)</tr>", text).group(1)
        return [programme] + re.findall(r"<td[^>]*>(.*?)</td>", row)

    grant = cells("bpum")
    recipients = grant[names.index("recipients over the programme")]
    assert int(recipients.replace(",", "")) == int(results[1].programme_summary().loc["bpum", "recipients"]) > 0
    assert grant[names.index("receiving a running benefit (peak month)")] == "–"
    # A programme with a running benefit (the extra KUR subsidy's interest points) shows its peak.
    extra = cells("extra KUR interest subsidy 2020")
    assert extra[names.index("receiving a running benefit (peak month)")] not in ("–", "0")


def test_the_page_says_its_language(report_path: Path):
    text = report_path.read_text(encoding="utf-8")
    assert re.search(r"<html lang=['\"]en['\"]>", text), "screen readers and browsers need the page's language"
