"""The self-contained HTML report (msmesim.report): content in both languages, the planner's answer on its first
screen, no external references, and that a browser (headless Chromium) renders it with the Python API's numbers."""

from __future__ import annotations

import html as html_lib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import msmesim as ms
from msmesim import i18n, report

SECTIONS = ("answer", "scenario", "headline", "charts", "dynamics", "credit", "programmes", "beneficiaries",
            "reproduce", "assumptions")


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
    written = report.write_report(results, path, title="Bogor: BPUM grant", scenarios=scenarios, lang="en")
    assert written == path and path.exists()
    return path


def external_references(text: str) -> list[str]:
    """src/href attribute values (and CSS url()s) that point off the page."""
    found = re.findall(r"""(?:src|href)\s*=\s*["']?\s*((?:https?:)?//[^"'\s>]*)""", text, flags=re.I)
    found += re.findall(r"""url\(\s*["']?\s*((?:https?:)?//[^)"']*)""", text, flags=re.I)
    return found


def section(text: str, name: str) -> str:
    start = text.index(f"<section id='{name}'>")
    return text[start:text.index("</section>", start)]


def test_report_is_self_contained_with_every_section(report_path: Path):
    text = report_path.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert "<html lang='en'>" in text
    assert external_references(text) == []
    assert not re.search(r"<script[^>]*\bsrc\s*=", text, flags=re.I)
    assert "<script" not in text.lower()  # no JavaScript at all
    assert not re.search(r"<link[^>]*stylesheet", text, flags=re.I)
    for name in SECTIONS:
        assert f"<section id='{name}'>" in text, name
    # Charts are inline SVG, not linked images: one per series, closures by route, class changes, the credit
    # book and the transfers by kecamatan of each scenario with programmes.
    assert text.count("<svg") == 8 and "<img" not in text
    for chart in ("active_firms", "employment", "revenue_index", "closures", "class-changes", "credit",
                  "transfers-1", "transfers-2"):
        assert f"id='chart-{chart}'" in text
    # Without a comparison the first screen says how to get one.
    assert "compare_programmes" in section(text, "answer")


def test_report_content(report_path: Path, results: list[ms.Result]):
    text = html_lib.unescape(report_path.read_text(encoding="utf-8"))
    assert "<title>Bogor: BPUM grant</title>" in text
    # The scenarios in words: shocks by name and channel, the programme by name, kind and budget; one rupiah
    # format (Rp5 billion) and months in words.
    assert "covid_capital: capital channel, from March 2020" in text
    assert "bpum: cash grant, budget Rp5 billion, May 2020 to December 2020" in text
    assert "36 months from January 2020, on Bogor Regency (20,000 firms" in text
    assert "one replication" in text
    # Headline: firms and jobs saved against the baseline, with the runs' numbers.
    base, grant = (r.headline() for r in results)
    assert "firms saved vs baseline" in text and "jobs saved vs baseline" in text
    saved = base["closed_firms_end"] - grant["closed_firms_end"]
    assert f"{saved:+,.0f}" in text
    assert f"{base['closed_firms_end']:,.0f}" in text
    assert f"{base['revenue_index_trough']:.3f}" in text
    # Who benefits: transfers by size class, sector and kecamatan (a chart); members vs non-members.
    beneficiaries = section(text, "beneficiaries")
    for heading in ("By size class", "By sector", "By kecamatan", "Members of cooperatives"):
        assert heading in beneficiaries
    assert "micro" in beneficiaries and "non-members" in beneficiaries
    assert "docs/calibration.md" in text and "docs/model.md" in text


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
    for lender in ("cooperative", "KUR", "bank", "informal"):
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
        assert f"<td class='l'>{html_lib.escape(str(name), quote=True)}</td>" in programmes
    restructuring = summary[summary["kind"] == "loan_restructuring"]
    assert len(restructuring) and (restructuring["relief_rp"] > 0).all() and (restructuring["spent_rp"] == 0).all()
    assert "POJK 11/POJK.03/2020" in programmes and "BPUM" in programmes
    # The restrictions on gatherings are listed with the scenario.
    assert "Restrictions on gatherings" in section(text, "scenario")


def test_replications_show_mean_and_range(tmp_path: Path, population: ms.Population, scenarios: list[ms.Scenario]):
    runs = [ms.run(population, sc, seed=2, replication=rep, threads=2) for sc in scenarios for rep in range(3)]
    path = ms.write_report(runs, tmp_path / "r.html", assumptions=["Budgets are illustrative."], lang="en")
    text = path.read_text(encoding="utf-8")
    assert "5th–95th percentile range" in text and "one replication" not in section(text, "headline")
    assert "<li>Budgets are illustrative.</li>" in text and "docs/calibration.md" not in text
    # Without the scenario objects the programmes still come from the results.
    assert "bpum: cash grant" in text


def test_no_programmes_says_so(tmp_path: Path, population: ms.Population):
    bare = ms.preset("bogor-covid19").scenario
    bare.months, bare.programmes = 12, []
    result = ms.run(population, bare, seed=1, threads=2)
    text = ms.write_report([result], tmp_path / "one.html", lang="en").read_text(encoding="utf-8")
    assert "No programmes" in section(text, "programmes")
    assert "firms saved" not in text
    with pytest.raises(ms.InvalidArgumentError, match="results"):
        ms.write_report([], tmp_path / "none.html")
    with pytest.raises(ms.InvalidArgumentError, match="lang"):
        ms.write_report([result], tmp_path / "x.html", lang="fr")


def test_programme_options():
    sc = ms.preset("bogor-covid19").scenario
    base, options = report.programme_options([sc])
    assert base.programmes == [] and base.shocks and len(options) == len(sc.programmes) + 1
    assert [o.name for o in options[:-1]] == [p.name for p in sc.programmes]
    assert all(len(o.programmes) == 1 for o in options[:-1]) and options[-1].name == sc.name
    other = ms.preset("bogor-covid19").scenario
    assert report.programme_options([sc, other]) == (sc, [other])
    bare = ms.preset("bogor-covid19").scenario
    bare.programmes = []
    with pytest.raises(ms.InvalidArgumentError, match="scenarios"):
        report.programme_options([bare])


@pytest.fixture(scope="module")
def comparison(population: ms.Population) -> tuple[ms.Scenario, ms.EnsembleResult]:
    """The default's programmes, each alone and together, against the same shocks without them: through the
    public API (ms.compare), as a researcher would check the report."""
    sc = ms.preset("bogor-covid19").scenario
    base = ms.preset("bogor-covid19").scenario
    base.name, base.programmes = "no programmes", []
    options = []
    for p in sc.programmes:
        alone = ms.preset("bogor-covid19").scenario
        alone.name, alone.programmes = p.name, [p]
        options.append(alone)
    options.append(sc)
    return sc, ms.compare(population, base, options, replications=4, seed=3, threads=2)


def test_answer_table_is_the_ensembles_numbers(comparison):
    sc, ens = comparison
    budgets = {p.name: p.budget_rp for p in sc.programmes} | {sc.name: sum(p.budget_rp for p in sc.programmes)}
    table = report.answer_table(ens, budgets)
    assert list(table.columns) == list(report.ANSWER_COLUMNS) and list(table["rank"]) == list(range(1, 7))
    assert set(table.index) == set(ens.scenarios[1:])
    c = ens.comparison.set_index(["scenario", "metric"])
    for name, row in table.iterrows():
        for metric in ("firms_saved", "jobs_saved", "cost_per_firm_saved_rp"):
            for stat, col in (("", "mean"), ("_low", "ci_low"), ("_high", "ci_high")):
                assert row[metric + stat] == pytest.approx(c.loc[(name, metric), col], nan_ok=True)
        # The baseline spends nothing here: the option's spending is all the extra public money.
        spent = ens.outcome_table("spent_rp")[name].mean()
        assert row["spent_rp"] == pytest.approx(spent) and row["net_cost_rp"] == pytest.approx(spent)
        assert row["net_cost_rp"] == c.loc[(name, "net_cost_rp"), "mean"]
        assert row["budget_rp"] == budgets[name]
        if row["budget_rp"] > 0:
            assert 0 <= row["budget_used_share"] <= 1
            assert row["budget_used_share"] == pytest.approx(spent / budgets[name])
        add = ens.additionality()
        mine = add[add["scenario"] == name]
        assert row["recipients"] == pytest.approx(mine["recipients"].sum())  # (firms only: each once)
        assert row["additional_share"] + row["deadweight_share"] <= 1 + 1e-12
    # Ranked: the options that save firms (interval above zero) and spend money by cost per firm saved.
    spenders = table[(table["firms_saved_low"] > 0) & (table["spent_rp"] > 0)]
    assert list(spenders["cost_per_firm_saved_rp"]) == sorted(spenders["cost_per_firm_saved_rp"])
    assert list(spenders["rank"]) == list(range(1, len(spenders) + 1))


def test_an_options_recipients_are_those_of_the_programmes_it_adds(population: ms.Population, scenarios):
    """Compared with a baseline that keeps the national relief, an option's additionality and recipients are
    those of the programme it adds, not of the relief both share."""
    base, grant = scenarios
    ens = ms.compare(population, base, [grant], replications=2, seed=5, threads=2)
    shared = [p.name for p in base.programmes]
    assert report.option_budgets([base, grant]) == {grant.name: 5e9}
    table = report.answer_table(ens, report.option_budgets([base, grant]), shared)
    add = ens.additionality()
    bpum = add[(add["scenario"] == grant.name) & (add["programme"] == "bpum")]
    assert table.loc[grant.name, "recipients"] == pytest.approx(float(bpum["recipients"].iloc[0]))
    assert table.loc[grant.name, "additional_share"] == pytest.approx(float(bpum["additional"].iloc[0]))
    assert table.loc[grant.name, "budget_rp"] == 5e9
    # Its own spending, within its budget; the net cost also counts what the relief spends on the firms it keeps.
    runs = [ms.run(population, grant, seed=5, replication=r, threads=2) for r in range(2)]
    own = np.mean([float(r.programme_summary().loc["bpum", "spent_rp"]) for r in runs])
    assert table.loc[grant.name, "spent_rp"] == pytest.approx(own) and 0 < own <= 5e9
    assert 0 < table.loc[grant.name, "budget_used_share"] <= 1
    assert table.loc[grant.name, "net_cost_rp"] == ens.comparison.set_index(["scenario", "metric"]).loc[
        (grant.name, "net_cost_rp"), "mean"]


def test_cooperatives_awarded_count_among_recipients(population: ms.Population):
    """CSR capital goes to cooperatives: they are the programme's recipients over the programme (additionality
    pairs firms, so its shares are not given)."""
    base = ms.preset("bogor-covid19").scenario
    base.months, base.programmes, base.name = 12, [], "none"
    csr = ms.preset("bogor-covid19").scenario
    csr.months, csr.name = 12, "csr"
    csr.programmes = [ms.programmes.csr_capital("csr", start="2020-06", end="2020-12", budget_rp=2e9,
                                                amount_rp=100e6)]
    ens = ms.compare(population, base, [csr], replications=2, seed=2, threads=2)
    table = report.answer_table(ens, {"csr": 2e9})
    runs = [ms.run(population, csr, seed=2, replication=r, threads=2) for r in range(2)]
    awarded = np.mean([float(r.programme_summary().loc["csr", "recipients"]) for r in runs])
    assert table.loc["csr", "recipients"] == pytest.approx(awarded) and awarded > 0


def chromium() -> str:
    path = shutil.which("chromium")
    if path is None:
        pytest.fail("chromium is not installed: it renders the HTML report in this test. Run `tools/setup --dev` "
                    "(or `apt-get install chromium`) and run the tests again.")
    return path


def rendered_text(browser: str, path: Path) -> str:
    """The page as Chromium built it (its DOM), tags dropped and entities resolved."""
    proc = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom",
                           path.resolve().as_uri()], capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.mark.parametrize("lang", ["en", "id"])
def test_chromium_renders_the_planners_answer_in_both_languages(lang: str, tmp_path: Path, comparison,
                                                               population: ms.Population):
    """Acceptance: the report in English and in Indonesian, rendered by a browser, shows on its first screen
    the planner's numbers — cost per firm and per job saved with intervals, firms and jobs saved, additionality
    and deadweight, budget used against allotted, recipients over the programme, a ranking — and they are the
    Python API's (ms.compare's) numbers, in the language's format."""
    browser = chromium()
    sc, ens = comparison
    run = ms.run(population, sc, seed=3, threads=2)
    path = ms.write_report([run], tmp_path / f"report_{lang}.html", scenarios=[sc], ensemble=ens, lang=lang,
                           command="msmesim report report.html", files=[])
    png = tmp_path / f"report_{lang}.png"
    proc = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", f"--screenshot={png}",
                           "--window-size=1280,2000", path.resolve().as_uri()], capture_output=True, text=True,
                          timeout=180)
    assert png.exists(), proc.stderr
    data = png.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 10_000
    dom = rendered_text(browser, path)
    assert re.search(rf"""<html lang=["']?{lang}""", dom)
    for name in SECTIONS:
        assert re.search(rf"""<section id=["']?{name}["']?>""", dom), name
    part = dom[re.search(r"""id=["']?answer""", dom).start():re.search(r"""<section id=["']?scenario""", dom).start()]
    answer = re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", part)))
    f = i18n.Formatter(lang)
    _ = f._
    for heading in ("cost per firm saved", "cost per job saved", "firms saved", "jobs saved",
                    "additional (open only thanks to it)", "deadweight (open anyway)", "budget allotted", "spent",
                    "of budget", "recipients"):
        assert _(heading) in answer, heading
    if lang == "id":
        assert "biaya per usaha terselamatkan" in answer and "Jawaban" in answer
    c = ens.comparison.set_index(["scenario", "metric"])
    add = ens.additionality()
    for name in ens.scenarios[1:]:
        assert name in answer
        firms = c.loc[(name, "firms_saved")]
        assert f.number(firms["mean"]) in answer
        assert _("%(low)s to %(high)s") % {"low": f.number(firms["ci_low"]), "high": f.number(firms["ci_high"])} \
            in answer
        cost = c.loc[(name, "cost_per_firm_saved_rp")]
        if cost["mean"] == cost["mean"]:
            assert f.rp_short(cost["mean"]) in answer, (name, f.rp_short(cost["mean"]))
            if cost["ci_low"] == cost["ci_low"]:
                assert (_("%(low)s to %(high)s") % {"low": f.rp_short(cost["ci_low"]),
                                                    "high": f.rp_short(cost["ci_high"])}) in answer
        mine = add[add["scenario"] == name]
        assert f.number(mine["recipients"].sum()) in answer
        if len(mine) == 1:
            assert f.share(float(mine["additional"].iloc[0])) in answer
            assert f.share(float(mine["deadweight"].iloc[0])) in answer
        assert f.rp_short(ens.outcome_table("spent_rp")[name].mean()) in answer
    budget = sum(p.budget_rp for p in sc.programmes)
    assert f.rp_short(budget) in answer
    # The ranking in words, and the kecamatan as a sorted chart.
    assert re.search(r"<ol class=[\"']?ranking", dom) and "chart-kecamatan" in dom
    # How to reproduce it.
    assert "msmesim report report.html" in dom


def test_indonesian_report_formats_and_words(tmp_path: Path, results: list[ms.Result], scenarios):
    text = html_lib.unescape(ms.write_report(results, tmp_path / "id.html", scenarios=scenarios, lang="id")
                             .read_text(encoding="utf-8"))
    assert "<html lang='id'>" in text
    assert "bpum: hibah tunai, anggaran Rp5 miliar, Mei 2020 s.d. Desember 2020" in text
    assert "36 bulan sejak Januari 2020, pada Bogor Regency (20.000 usaha" in text
    assert "covid_capital: saluran modal, sejak Maret 2020" in text
    base = results[0].headline()
    assert f"{base['closed_firms_end']:,.0f}".replace(",", ".") in text
    assert f"{base['revenue_index_trough']:.3f}".replace(".", ",") in text
    for heading in ("Angka utama", "Penutupan dan perubahan kelas", "Buku kredit", "Siapa yang menerima manfaat",
                    "Asumsi", "Cara mengulang laporan ini"):
        assert heading in text
    # No English left in the texts the template and the sections write (the scenario and programme names are
    # the user's own).
    for english in ("Headline numbers", "Who benefits", "The credit book", "One line per scenario", "firms saved"):
        assert english not in text


def msmesim(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "msmesim", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=600, env=env)


def test_cli_report(tmp_path: Path):
    out = tmp_path / "cli.html"
    grant = tmp_path / "grant.toml"
    grant.write_text('extends = "bogor-covid19"\nname = "grant"\n\n[[programmes]]\nname = "bpum"\n'
                     'kind = "cash_grant"\nstart = "2020-05"\nend = "2020-12"\nbudget_rp = 5e9\n', encoding="utf-8")
    proc = msmesim("report", str(out), "bogor-covid19", str(grant), "--firms", "3000", "--months", "12",
                   "--seed", "4", "--lang", "en")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("msmesim report - 2 scenarios on Bogor Regency (3,000 firms), seed 4")
    text = html_lib.unescape(out.read_text(encoding="utf-8"))
    for name in SECTIONS:
        assert f"<section id='{name}'>" in text
    assert "12 months from January 2020" in text and "firms saved vs baseline" in text and "bpum: cash grant" in text
    # The first screen compares grant with the baseline; the report shows the file and the command.
    answer = section(text, "answer")
    assert "grant" in answer and "cost per firm saved" in answer
    reproduce = section(text, "reproduce")
    assert "msmesim report" in reproduce and "--seed 4" in reproduce and 'kind = "cash_grant"' in reproduce
    # Default: the bogor-covid19 preset alone, its programmes compared one by one, in Indonesian.
    proc = msmesim("report", str(tmp_path / "default.html"), "--firms", "2000", "--months", "6", "--quiet",
                   "--replications", "2", "--lang", "id")
    assert proc.returncode == 0 and proc.stdout == "" and proc.stderr == "", proc.stderr
    text = (tmp_path / "default.html").read_text(encoding="utf-8")
    assert "bogor-covid19" in text and "<html lang='id'>" in text and "BPUM 2020" in section(text, "answer")


def test_cli_report_errors_are_one_line(tmp_path: Path):
    proc = msmesim("report", str(tmp_path / "x.html"), "no-such-scenario.toml", "--lang", "en")
    assert proc.returncode == 1
    assert proc.stderr.startswith("msmesim: error: cannot read scenario file") and proc.stderr.count("\n") == 1
    proc = msmesim("report", str(tmp_path / "x.html"), "--firms", "0", "--lang", "en")
    assert proc.returncode == 2 and "--firms" in proc.stderr


def test_run_report_uses_the_new_report(tmp_path: Path):
    out = tmp_path / "run.html"
    proc = msmesim("run", "--firms", "3000", "--months", "6", "--replications", "2", "--report", str(out), "--quiet",
                   "--lang", "en")
    assert proc.returncode == 0, proc.stderr
    text = out.read_text(encoding="utf-8")
    for name in SECTIONS:
        assert f"<section id='{name}'>" in text
    assert "covid_sales: sales channel" in text and "5th–95th percentile range" in text


def test_compare_writes_a_report_with_the_answer(tmp_path):
    base = tmp_path / "base.toml"
    base.write_text('extends = "bogor-covid19"\nname = "base"\n[horizon]\nmonths = 12\n')
    grant = tmp_path / "grant.toml"
    grant.write_text('extends = "bogor-covid19"\nname = "grant"\n[horizon]\nmonths = 12\n[[programmes]]\n'
                     'name = "g"\nkind = "cash_grant"\nstart = "2020-05"\nend = "2020-08"\nbudget_rp = 1e9\n')
    html = tmp_path / "cmp.html"
    proc = msmesim("compare", str(base), str(grant), "--firms", "5000", "--report", str(html), "--quiet",
                   "--replications", "2", "--lang", "en")
    assert proc.returncode == 0, proc.stderr
    text = html.read_text(encoding="utf-8")
    for name in SECTIONS:
        assert f"id='{name}'" in text
    assert "cost per firm saved" in section(text, "answer") and "name = &#34;g&#34;" in section(text, "reproduce")


def test_a_one_off_grant_shows_its_recipients_not_a_zero_of_running_benefits(report_path: Path,
                                                                           results: list[ms.Result]):
    """A grant pays once: its recipients over the programme are counted, and
    the running-benefit column shows a dash rather than a misleading 0."""
    text = report_path.read_text(encoding="utf-8")
    header = re.search(r"<tr>(<th class='l'>programme</th>.*?)</tr>", text).group(1)
    names = re.findall(r"<th[^>]*>(.*?)</th>", header)
    assert "recipients over the programme" in names and "receiving a running benefit (peak month)" in names

    def cells(programme: str) -> list[str]:
        rows = re.findall(rf"<tr><td class='l'>{re.escape(programme)}</td>(.*?)</tr>", text)
        return [programme] + re.findall(r"<td[^>]*>(.*?)</td>", rows[-1])

    grant = cells("bpum")
    recipients = grant[names.index("recipients over the programme")]
    assert int(recipients.replace(",", "")) == int(results[1].programme_summary().loc["bpum", "recipients"]) > 0
    assert grant[names.index("receiving a running benefit (peak month)")] == "–"
    # A programme with a running benefit (the extra KUR subsidy's interest points) shows its peak.
    extra = cells("extra KUR interest subsidy 2020")
    assert extra[names.index("receiving a running benefit (peak month)")] not in ("–", "0")
