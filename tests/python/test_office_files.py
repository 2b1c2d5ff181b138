"""An office's own registers: CSV exported by a spreadsheet in an Indonesian
locale (semicolons, decimal commas, points between thousands) and .xlsx
workbooks give the same population as the plain CSV files."""

from __future__ import annotations

import csv
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import openpyxl
import pytest

import msmesim as ms


def _number(text: str) -> int | float | None:
    """The number a plain CSV field writes, or None for text."""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return None


def _indonesian_number(text: str) -> str:
    """1234567.5 as an Indonesian spreadsheet writes it: 1.234.567,5."""
    mantissa, exponent = text, ""
    for mark in "eE":
        if mark in text:
            mantissa, _, rest = text.partition(mark)
            exponent = mark + rest
    sign = "-" if mantissa.startswith("-") else ""
    whole, _, fraction = mantissa.lstrip("-+").partition(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    return sign + grouped + ("," + fraction if fraction else "") + exponent


def to_indonesian_csv(src: Path, dst: Path) -> None:
    with open(src, newline="", encoding="utf-8") as fin, open(dst, "w", newline="", encoding="utf-8-sig") as fout:
        writer = csv.writer(fout, delimiter=";")
        for k, row in enumerate(csv.reader(fin)):
            writer.writerow(row if k == 0 else [_indonesian_number(f) if _number(f) is not None else f for f in row])


def add_sheet(book: openpyxl.Workbook, title: str, src: Path, *, blank_row_after: int | None = None) -> None:
    ws = book.create_sheet(title)
    with open(src, newline="", encoding="utf-8") as fin:
        for k, row in enumerate(csv.reader(fin)):
            ws.append(row if k == 0 else [f if _number(f) is None else _number(f) for f in row])
            if k == blank_row_after:
                ws.append([])


def same_population(a: ms.Population, b: ms.Population) -> None:
    assert len(a) == len(b)
    for name in ms.Population.array_names():
        if name in ("region", "sector"):
            continue
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    assert [a.region_names[c] for c in a.region] == [b.region_names[c] for c in b.region]
    assert [a.sector_names[c] for c in a.sector] == [b.sector_names[c] for c in b.sector]
    np.testing.assert_array_equal(a.cooperatives.own_capital_rp, b.cooperatives.own_capital_rp)
    np.testing.assert_array_equal(a.cooperatives.members, b.cooperatives.members)


def as_typed(path: Path) -> None:
    """The file with its numbers as a spreadsheet keeps them: 15 significant
    digits (a workbook cannot hold the 17 of a generated population)."""
    with open(path, newline="", encoding="utf-8") as fin:
        rows = list(csv.reader(fin))
    for row in rows[1:]:
        for k, f in enumerate(row):
            if isinstance(_number(f), float):
                row[k] = format(float(f), ".15g")
    with open(path, "w", newline="", encoding="utf-8") as fout:
        csv.writer(fout, lineterminator="\n").writerows(rows)


@pytest.fixture(scope="module")
def registers(tmp_path_factory) -> dict[str, Path]:
    """The same register as plain CSV, as Indonesian CSV and as a workbook."""
    d = tmp_path_factory.mktemp("registers")
    pop = ms.generate_population(ms.presets.bogor_population_spec(1500), seed=5)
    files = {"firms": d / "firms.csv", "coops": d / "coops.csv", "members": d / "members.csv"}
    pop.to_csv(str(files["firms"]))
    pop.cooperatives_to_csv(str(files["coops"]))
    pop.memberships_to_csv(str(files["members"]))
    for key in ("firms", "coops"):
        as_typed(files[key])
    for key in ("firms", "coops", "members"):
        files[f"id_{key}"] = d / f"id_{key}.csv"
        to_indonesian_csv(files[key], files[f"id_{key}"])
    book = openpyxl.Workbook()
    book.remove(book.active)
    add_sheet(book, "UMKM", files["firms"], blank_row_after=10)
    add_sheet(book, "Koperasi", files["coops"])
    add_sheet(book, "Anggota", files["members"])
    files["book"] = d / "register.xlsx"
    book.save(files["book"])
    return files


def test_an_indonesian_export_gives_the_same_population_detected_or_named(registers):
    plain = ms.load_population_csv(registers["firms"], cooperatives=registers["coops"],
                                   memberships=registers["members"])
    text = registers["id_firms"].read_text(encoding="utf-8-sig")
    assert ";" in text.splitlines()[0] and re.search(r"\d\.\d{3}", text) and re.search(r"\d,\d", text)
    for locale in ("auto", "id"):
        back = ms.load_population_csv(registers["id_firms"], cooperatives=registers["id_coops"],
                                      memberships=registers["id_members"], csv_locale=locale)
        same_population(plain, back)


def test_a_file_read_in_the_wrong_convention_says_which_it_was_read_in(registers, tmp_path: Path):
    with pytest.raises(ms.ParseError):
        ms.load_population_csv(registers["id_firms"], cooperatives=registers["id_coops"], csv_locale="en")
    bad = tmp_path / "bad.csv"
    bad.write_text("region;sector;workers;revenue_rp_month;assets_rp\nCibinong;dagang;2;5000000.5;1\n")
    with pytest.raises(ms.ParseError) as info:
        ms.load_population_csv(bad)
    err = info.value
    assert (err.line, err.column, err.value) == (2, "revenue_rp_month", "5000000.5")
    assert "Indonesian convention" in err.allowed and "1.234.567,5" in str(err)
    with pytest.raises(ms.InvalidArgumentError, match="csv_locale"):
        ms.load_population_csv(bad, csv_locale="de")


def test_a_workbook_gives_the_same_population_as_the_csv_files(registers):
    plain = ms.load_population_csv(registers["firms"], cooperatives=registers["coops"],
                                   memberships=registers["members"])
    book = str(registers["book"])
    back = ms.load_population_csv(book, cooperatives=book + "#Koperasi", memberships=book + "#Anggota")
    same_population(plain, back)
    assert back.name == "register"
    # The first sheet without a name; named, the same.
    same_population(back, ms.load_population_csv(book + "#UMKM", cooperatives=book + "#Koperasi"))


def test_a_workbook_error_names_the_sheet_row_and_cell(registers, tmp_path: Path):
    book = openpyxl.load_workbook(registers["book"])
    ws = book["UMKM"]
    header = [c.value for c in ws[1]]
    column = header.index("workers") + 1
    ws.cell(row=14, column=column, value="dua")  # a word where a number belongs
    broken = tmp_path / "broken.xlsx"
    book.save(broken)
    with pytest.raises(ms.SpreadsheetError) as info:
        ms.load_population_csv(broken, cooperatives=f"{broken}#Koperasi")
    err = info.value
    assert isinstance(err, ms.ParseError) and isinstance(err, ValueError)
    letter = openpyxl.utils.get_column_letter(column)
    assert (err.file, err.sheet, err.line, err.column, err.cell, err.value) == (
        str(broken), "UMKM", 14, "workers", f"{letter}14", "dua")
    assert "sheet 'UMKM'" in str(err) and f"({letter}14)" in str(err) and "whole number" in err.allowed
    with pytest.raises(ms.SpreadsheetError, match="Koperasi, Anggota") as info:
        ms.load_population_csv(f"{broken}#Sheet9")
    assert info.value.sheet == "Sheet9"


def test_the_core_names_a_workbook_given_where_only_csv_is_read(registers, tmp_path: Path):
    with pytest.raises(ms.ParseError, match="xlsx") as info:
        ms.Population.from_csv(str(registers["book"]))
    assert "load_population_csv" in info.value.allowed


def test_a_scenario_file_reads_a_workbook_and_indonesian_csv(registers, tmp_path: Path):
    plain = ms.load_population_csv(registers["firms"], cooperatives=registers["coops"])
    for firms, coops, locale in ((f"{registers['book']}#UMKM", f"{registers['book']}#Koperasi", None),
                                 (registers["id_firms"], registers["id_coops"], "id")):
        text = (f'name = "office"\n[population]\nfirms_csv = "{firms}"\ncooperatives_csv = "{coops}"\n'
                + (f'csv_locale = "{locale}"\n' if locale else "") + '[horizon]\nstart = "2024-01"\nmonths = 2\n')
        path = tmp_path / "office.toml"
        path.write_text(text, encoding="utf-8")
        f = ms.load_scenario(path)
        assert f.population.csv_locale == (locale or "auto")
        same_population(plain, ms.scenarios.population_of(f))
        # Written back, the convention stays (and 'auto' is left out).
        assert (f"csv_locale = '{locale}'" in ms.to_toml(f) or f'csv_locale = "{locale}"' in ms.to_toml(f)) == bool(
            locale)
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\n[population]\nfirms_csv = "f.csv"\ncsv_locale = "de"\n', encoding="utf-8")
    with pytest.raises(ms.ScenarioFileError, match="csv_locale") as info:
        ms.load_scenario(bad)
    assert info.value.line == 4


def test_the_command_line_runs_from_a_workbook(registers, tmp_path: Path):
    book = registers["book"]
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "msmesim", "run", "--months", "2", "--population-csv", f"{book}#UMKM",
         "--cooperatives-csv", f"{book}#Koperasi", "--out", str(out)],
        capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert (out / "monthly.csv").exists()
    proc = subprocess.run(
        [sys.executable, "-m", "msmesim", "run", "--months", "2", "--population-csv", str(registers["id_firms"]),
         "--cooperatives-csv", str(registers["id_coops"]), "--csv-locale", "en"],
        capture_output=True, text=True)
    assert proc.returncode != 0 and "id_firms.csv" in proc.stderr


def test_the_example_register_reads_as_its_office_wrote_it():
    root = Path(__file__).resolve().parents[2]
    path = root / "examples" / "registers" / "umkm_contoh.csv"
    pop = ms.load_population_csv(path)
    assert len(pop) == 12 and pop.name == str(path)
    assert pop.revenue_rp_month[0] == 12_500_000 and pop.variable_cost_share[0] == np.float32(0.62)
    assert list(pop.registered[[0, 4, 7]]) == [1, 0, 0]  # ya, tidak, tidak
    assert pop.loan_principal_rp[1] == 0 and pop.loan_principal_rp[2] == 75_000_000
    assert [pop.region_names[c] for c in pop.region[:3]] == ["Cibinong", "Cibinong", "Citeureup"]
    result = ms.run(pop, ms.presets.bogor_covid19_scenario(3), microdata=False)
    assert len(result.monthly) == 3
