"""English and Indonesian (msmesim.i18n): the catalog complete and correct, one format per language for numbers,
rupiah, shares and months, the language chosen by --lang / lang= / the environment, and the command line and the
summary in either language."""

from __future__ import annotations

import datetime
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import msmesim as ms
from msmesim import i18n

ROOT = Path(__file__).resolve().parents[2]


def test_the_catalog_has_every_message_translated_and_checked():
    """Every message marked in the package's Python and templates is in the Indonesian catalog, translated, not
    fuzzy, with the same placeholders (tools/i18n.py --check: extraction by Babel, Babel's format checks)."""
    proc = subprocess.run([sys.executable, str(ROOT / "tools" / "i18n.py"), "--check"], capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr


def test_the_catalog_is_the_installed_packages():
    installed = i18n.LOCALE_DIR / "id" / "LC_MESSAGES" / "msmesim.po"
    source = ROOT / "python" / "msmesim" / "locale" / "id" / "LC_MESSAGES" / "msmesim.po"
    assert installed.read_bytes() == source.read_bytes()


@pytest.mark.parametrize("lang, number, rp, big, share, month, decimal", [
    ("en", "1,234,568", "Rp1,234,568", "Rp1.26 trillion", "8.3%", "March 2020", "0.664"),
    ("id", "1.234.568", "Rp1.234.568", "Rp1,26 triliun", "8,3%", "Maret 2020", "0,664"),
])
def test_one_format_per_language(lang, number, rp, big, share, month, decimal):
    f = i18n.Formatter(lang)
    assert f.number(1234567.6) == number
    assert f.rp(1234567.6) == rp and f.rp_short(1234567.6).startswith("Rp1")
    assert f.rp_short(1.26e12) == big
    assert f.rp(-1500) == "-Rp1" + ("," if lang == "en" else ".") + "500"
    assert f.share(0.0834) == share
    assert f.month("2020-03") == month == f.month(datetime.date(2020, 3, 1)) == f.month(pd.Period("2020-03", "M"))
    assert f.number(0.6641, 3) == decimal
    assert f.number(float("nan")) == "–" and f.rp(float("nan")) == "–"
    assert f.signed(12) == "+12" and f.signed(-1234) == "-" + number[:1] + number[1:2] + "234"


def test_the_language_is_asked_for_or_the_environments(monkeypatch):
    for var in ("MSMESIM_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    import locale

    monkeypatch.setattr(locale, "getlocale", lambda *a: ("en_US", "UTF-8"))
    assert i18n.resolve() == "en"
    monkeypatch.setattr(locale, "getlocale", lambda *a: ("Indonesian_Indonesia", "1252"))  # Windows, no variables
    assert i18n.resolve() == "id"
    monkeypatch.setenv("LANG", "C.UTF-8")
    assert i18n.resolve() == "en"
    monkeypatch.setenv("LANG", "id_ID.UTF-8")
    assert i18n.resolve() == "id"
    monkeypatch.setenv("LC_ALL", "en_US.UTF-8")
    assert i18n.resolve() == "en"  # LC_ALL before LANG, as POSIX
    monkeypatch.setenv("MSMESIM_LANG", "id")
    assert i18n.resolve() == "id" and i18n.resolve("en") == "en" and i18n.resolve("ID") == "id"
    with pytest.raises(ms.InvalidArgumentError, match="lang: got 'fr'; allowed: en"):
        i18n.resolve("fr")
    with pytest.raises(ms.TypeMismatchError, match="lang"):
        i18n.resolve(1)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def small_run() -> ms.Result:
    pop = ms.generate_population(ms.presets.bogor_population_spec(3000), seed=1)
    return ms.run(pop, ms.preset("bogor-covid19").scenario, seed=1, threads=2)


def test_summary_in_both_languages(small_run: ms.Result):
    en, id_ = small_run.summary(lang="en"), small_run.summary(lang="id")
    first = small_run.monthly.iloc[-1]
    assert en.startswith("msmesim - scenario 'bogor-covid19' on Bogor Regency (3,000 firms), 36 months from "
                         "January 2020, seed 1")
    assert id_.startswith("msmesim - skenario 'bogor-covid19' pada Bogor Regency (3.000 usaha), 36 bulan sejak "
                          "Januari 2020, benih 1")
    assert f"closed {first['closed_firms']:,.0f}" in en
    assert f"tutup {first['closed_firms']:,.0f}".replace(",", ".") in id_
    for label in ("Usaha buka", "Tenaga kerja", "Indeks pendapatan", "Penutupan", "Masalah utama", "Kredit baru",
                  "Koperasi"):
        assert "\n  " + label in id_
    # One rupiah format: the summary's new credit as the report writes it.
    kur = float(small_run.monthly["new_credit_kur_rp"].sum())
    assert f"KUR {small_run.monthly['new_loans_kur'].sum():,.0f} loans ({i18n.Formatter('en').rp_short(kur)})" in en
    assert i18n.Formatter("id").rp_short(kur) in id_
    # Labels are aligned in both languages.
    for text in (en, id_):
        assert len({len(re.match(r"  (\S.*?)\s{2,}", line).group(0)) for line in text.splitlines()[1:]}) == 1


def cli(*args: str, lang_env: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("MSMESIM_LANG", "LC_ALL", "LC_MESSAGES", "LANG")}
    if lang_env is not None:
        env["MSMESIM_LANG"] = lang_env
    return subprocess.run([sys.executable, "-m", "msmesim", *args], capture_output=True, text=True, timeout=600,
                          env=env)


def test_the_command_line_speaks_indonesian():
    proc = cli("run", "--firms", "2000", "--months", "3", "--lang", "id")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("msmesim - skenario 'bogor-covid19' pada Bogor Regency (2.000 usaha), 3 bulan "
                                  "sejak Januari 2020")
    assert "anggaran, kuota dan kapasitas bulanan program dikalikan" in proc.stderr
    # The environment's language, when --lang is not given.
    env_proc = cli("run", "--firms", "2000", "--months", "3", lang_env="id")
    assert env_proc.stdout.splitlines()[:-1] == proc.stdout.splitlines()[:-1]  # (the last line is the speed)
    assert cli("run", "--firms", "2000", "--months", "3").stdout.startswith("msmesim - scenario")
    # Help, argparse's own words included, and errors.
    helped = cli("run", "--help", "--lang", "id")
    assert helped.returncode == 0 and helped.stdout.startswith("penggunaan: msmesim run")
    assert "jumlah usaha (bawaan" in helped.stdout and "tampilkan pesan bantuan ini lalu keluar" in helped.stdout
    bad = cli("run", "--firms", "0", "--lang", "id")
    assert bad.returncode == 2 and "galat" in bad.stderr and "bilangan bulat >= 1" in bad.stderr
    missing = cli("--lang", "id", "run", "no-such-file.toml")
    assert missing.returncode == 1 and missing.stderr.startswith("msmesim: galat: ")
    wrong = cli("run", "--lang", "fr")
    assert wrong.returncode == 2 and "lang" in wrong.stderr and "fr" in wrong.stderr


def test_errors_in_indonesian(tmp_path: Path):
    """The core's errors keep their field, value and line, worded in the language: the frame ("got …; allowed:
    …", the key, the column) and the common descriptions of what is allowed."""
    with pytest.raises(ms.InvalidArgumentError) as bad_channel:
        ms.Shock(channel="demand", onset="2020-03", severity=ms.SeverityDist.fixed(0.3))
    text = i18n.error_message(bad_channel.value, "id")
    assert text.startswith("channel: nilai 'demand' tidak diterima; yang diperbolehkan: salah satu dari ")
    assert i18n.error_message(bad_channel.value, "en") == str(bad_channel.value)
    with pytest.raises(ms.ParseError) as typo:
        ms.parse_scenario('name = "x"\n[horizon]\nmonth = 12\n', "office.toml")
    text = i18n.error_message(typo.value, "id")
    assert text.startswith("office.toml:3: kunci 'horizon.month'") or "kunci '" in text, text
    assert "maksud Anda 'months'?" in text and "tidak diterima" in text
    register = tmp_path / "umkm.csv"
    register.write_text("firm_id,region,sector,workers,revenue_rp_month,assets_rp\nA-1,Cibinong,trade,1,banyak,0\n",
                        encoding="utf-8")
    with pytest.raises(ms.ParseError) as csv:
        ms.load_population_csv(str(register))
    text = i18n.error_message(csv.value, "id")
    assert "kolom '" in text and "'banyak'" in text and "tidak diterima" in text
    # The command line, likewise.
    bad = tmp_path / "bad.toml"
    bad.write_text('extends = "bogor-covid19"\n[horizon]\nmonth = 12\n', encoding="utf-8")
    proc = cli("validate", str(bad), "--lang", "id")
    assert proc.returncode == 2 and proc.stderr.startswith("msmesim: galat: ") and "maksud Anda 'months'?" in proc.stderr


def test_every_message_is_marked_where_the_extractor_finds_it():
    """A message passed straight to the result of gettext_for()/ngettext_for() would be used but never extracted
    into the catalog (and so never translated): the package calls _(), N_() or ngettext() instead."""
    package = ROOT / "python" / "msmesim"
    hidden = [f"{path.name}:{k + 1}" for path in package.rglob("*.py")
              for k, line in enumerate(path.read_text(encoding="utf-8").splitlines())
              if re.search(r"gettext_for\([^()]*\)\(\s*[\"']", line)]
    assert hidden == []
