"""Registers kept as spreadsheets: `.xlsx` workbooks read as the CSV files
of docs/data.md.

A sheet is written to a temporary CSV file (the English convention, the
sheet's rows in order) that the core reads; an error the core finds is
raised again as a :class:`SpreadsheetError` naming the workbook, the sheet,
the row and column as the spreadsheet shows them, the value and what is
allowed. A path names a sheet after ``#`` (``register.xlsx#koperasi``);
without one, the first sheet is read.
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from . import _core

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


class SpreadsheetError(_core.ParseError):
    """A malformed sheet of a workbook: has .file (the workbook), .sheet,
    .line (the spreadsheet's row number), .column (the column's name in the
    header row), .cell (such as ``C7``), .value and .allowed."""

    file: str
    sheet: str
    line: int
    column: str
    cell: str
    value: str
    allowed: str


def split_sheet(path: str) -> tuple[str, str | None]:
    """``(workbook, sheet)`` of ``register.xlsx#sheet``; sheet None without ``#``."""
    base, sep, sheet = path.partition("#")
    if sep and base.lower().endswith(WORKBOOK_SUFFIXES):
        return base, sheet
    return path, None


def is_workbook(path: str | os.PathLike[str] | None) -> bool:
    """Whether ``path`` (with or without ``#sheet``) names an .xlsx workbook."""
    if path is None:
        return False
    return split_sheet(os.fspath(path))[0].lower().endswith(WORKBOOK_SUFFIXES)


def _text(value: Any, decimal_comma: bool = False) -> str:
    """A cell as the CSV reader expects it (numbers exactly, flags as 0/1;
    with ``decimal_comma``, 1,5 as the Indonesian convention writes it)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = str(int(value)) if value.is_integer() and abs(value) < 2.0**53 else repr(value)
        return text.replace(".", ",") if decimal_comma else text
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


@dataclass
class Sheet:
    """A sheet written as CSV: where, and which spreadsheet row each CSV line holds."""

    workbook: str
    sheet: str
    csv_path: str
    rows: dict[int, int] = field(default_factory=dict)  # CSV line -> sheet row
    letters: dict[str, str] = field(default_factory=dict)  # column name -> column letter


def _bad_sheet(workbook: str, sheet: str, allowed: str) -> SpreadsheetError:
    exc = SpreadsheetError(f"{workbook}: sheet '{sheet}': {allowed}")
    exc.file, exc.sheet, exc.line, exc.column, exc.cell = workbook, sheet, 0, "(sheet)", ""
    exc.value, exc.allowed = sheet, allowed
    return exc


def write_sheet_csv(path: str, directory: str, csv_locale: str = "auto") -> Sheet:
    """Writes the sheet ``path`` names (``book.xlsx`` or ``book.xlsx#sheet``)
    to a CSV file in ``directory``, in the convention ``csv_locale`` names
    (``id``: semicolons and decimal commas; otherwise commas and points)."""
    try:
        import openpyxl
        from openpyxl.utils import get_column_letter
    except ImportError as exc:  # pragma: no cover - openpyxl is a dependency
        raise _core.FileError(f"{path}: reading .xlsx workbooks needs openpyxl (pip install openpyxl)") from exc
    workbook, sheet_name = split_sheet(path)
    try:
        book = openpyxl.load_workbook(workbook, read_only=True, data_only=True)
    except FileNotFoundError:
        raise _core.FileError(f"{workbook}: cannot open for reading") from None
    except Exception as exc:  # openpyxl raises zipfile and XML errors of several kinds
        raise _bad_sheet(workbook, sheet_name or "(first)", f"a readable .xlsx workbook ({exc})") from None
    try:
        if sheet_name is None:
            ws = book.worksheets[0]
        elif sheet_name in book.sheetnames:
            ws = book[sheet_name]
        else:
            raise _bad_sheet(workbook, sheet_name, "one of the workbook's sheets: " + ", ".join(book.sheetnames))
        out = Sheet(workbook, ws.title, os.path.join(directory, f"sheet{len(os.listdir(directory))}.csv"))
        with open(out.csv_path, "w", newline="", encoding="utf-8") as handle:
            indonesian = csv_locale == "id"
            writer = csv.writer(handle, delimiter=";" if indonesian else ",", lineterminator="\n")
            line, width = 1, None
            for row_number, row in enumerate(ws.iter_rows(values_only=True), start=ws.min_row or 1):
                cells = [_text(v, indonesian) for v in row]
                if not any(c.strip() for c in cells):
                    continue  # blank rows are skipped, as in a CSV file
                if width is None:  # the header row: as wide as its last named column
                    width = max(k for k, c in enumerate(cells) if c.strip()) + 1
                    out.letters = {cells[k].strip(): get_column_letter(k + 1) for k in range(width)}
                if not any(c.strip() for c in cells[width:]):  # (more is kept: the core names the count)
                    cells = (cells + [""] * width)[:width]
                writer.writerow(cells)
                out.rows[line] = row_number
                line += 1 + sum(c.count("\n") for c in cells)
        return out
    finally:
        book.close()


def translate(exc: _core.ParseError, sheets: list[Sheet]) -> _core.ParseError:
    """The core's error on a sheet's CSV file, as the spreadsheet shows it
    (the error itself when it is about another file)."""
    for sheet in sheets:
        if getattr(exc, "file", None) != sheet.csv_path:
            continue
        row = sheet.rows.get(exc.line, exc.line)
        letter = sheet.letters.get(exc.column, "")
        cell = f"{letter}{row}" if letter else ""
        where = f"row {row}, column '{exc.column}'" + (f" ({cell})" if cell else "")
        out = SpreadsheetError(f"{sheet.workbook}: sheet '{sheet.sheet}', {where}: got '{exc.value}'; "
                               f"allowed: {exc.allowed}")
        out.file, out.sheet, out.line, out.column, out.cell = sheet.workbook, sheet.sheet, row, exc.column, cell
        out.value, out.allowed = exc.value, exc.allowed
        return out
    return exc


@contextlib.contextmanager
def as_csv(*paths: str | None, csv_locale: str = "auto") -> Iterator[tuple[list[str | None], list[Sheet]]]:
    """Paths the core can read for ``paths``: workbooks (``.xlsx``,
    ``#sheet``) as temporary CSV files (in the convention ``csv_locale``
    names, which the core then applies to every file), other paths as they
    are; errors the core raises on those files are translated to the
    sheets'. The files are removed on leaving."""
    with tempfile.TemporaryDirectory(prefix="msmesim-xlsx-") as directory:
        sheets: list[Sheet] = []
        out: list[str | None] = []
        for p in paths:
            if p is not None and is_workbook(p):
                sheets.append(write_sheet_csv(os.fspath(p), directory, csv_locale))
                out.append(sheets[-1].csv_path)
            else:
                out.append(p)
        try:
            yield out, sheets
        except _core.ParseError as exc:
            translated = translate(exc, sheets)
            if translated is exc:
                raise
            raise translated from None
