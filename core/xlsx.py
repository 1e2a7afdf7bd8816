"""Excel exports: one writer for every table the office downloads (rankings, reports).

A sheet has Chinese headings in its first row and one row per record; an
optional second sheet, 说明, carries what the table is (scheme, period, rules
version …). Decimals stay exact decimals in the cells (no float rounding on the
way), dates stay dates.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from flask import Response
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


# What a spreadsheet reads as the start of a formula (or of a DDE command): "=", "+", "-", "@",
# a tab or a carriage return. OWASP's CSV-injection list; the same rule for exports and imports.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
WIDTH_CAP = 60  # columns wider than this wrap in the reader's eye anyway
WIDTH_MIN = 8


def formula_like(value: Any) -> bool:
    """Whether a text would be taken as a formula if a spreadsheet read it as typed. Such a
    text is always stored as text: in an export, and when a ledger is imported."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def text_width(value: Any) -> int:
    """How many columns a value takes: a CJK (wide) character counts two."""
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def write_row(sheet: Any, values: Sequence[Any]) -> list[Cell]:
    """Append ``values`` as cells, every text a text cell, and return the cells: openpyxl turns
    a string starting with "=" into a formula, so such a cell is set back to a string
    (``data_type="s"``) and marked with Excel's quote prefix, which keeps it text when someone
    edits the cell.

    The cells are made here and appended as they are: finding the row just appended again
    (``sheet[sheet.max_row]``) scanned every cell of the sheet, row after row, and a 5,000-row
    export took 47 s instead of 4 (docs/benchmarks.md, the fifteenth pass)."""
    cells = [Cell(sheet, value=_cell(value)) for value in values]
    for cell in cells:
        if formula_like(cell.value):
            cell.data_type = "s"
            cell.quotePrefix = True
    sheet.append(cells)
    return cells


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        # Control characters (from a query string, a pasted name) have no place in a cell.
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    if value is None or isinstance(value, str | int | Decimal | dt.date | dt.datetime | bool):
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            return value.replace(tzinfo=None)  # Excel has no time zones
        return value
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, list | tuple | set):
        return "、".join(str(item) for item in value)
    return str(value)


def sheet_title(name: str) -> str:
    """A valid sheet name: at most 31 characters, none of ``[]:*?/\\``."""
    return _SHEET_FORBIDDEN.sub("", name)[:31] or "Sheet"


@dataclass(frozen=True)
class Table:
    """One sheet of a workbook: Chinese ``headings`` then ``rows``. ``formats`` gives a column's
    number format by heading (a ratio read as ``0.00%``), the value itself staying exact."""

    title: str
    headings: Sequence[str]
    rows: Iterable[Sequence[Any]]
    formats: Mapping[str, str] = field(default_factory=dict)


PERCENT = "0.00%"


def table_workbook(
    title: str,
    headings: Sequence[str],
    rows: Iterable[Sequence[Any]],
    notes: Sequence[tuple[str, Any]] = (),
) -> bytes:
    """An ``.xlsx`` file: ``headings`` then ``rows`` on a sheet named ``title``.

    ``notes`` (label, value) pairs go to a second sheet named 说明.
    """
    return tables_workbook([Table(title, headings, rows)], notes)


def tables_workbook(tables: Sequence[Table], notes: Sequence[tuple[str, Any]] = ()) -> bytes:
    """An ``.xlsx`` file with one sheet per table (a dashboard's charts, the province's
    comparison), then the 说明 sheet of ``notes``."""
    book = Workbook()
    book.remove(book.active)
    for table in tables:
        _write_table(book.create_sheet(sheet_title(table.title)), table)
    if notes:
        about = book.create_sheet("说明")
        for label, value in notes:
            write_row(about, [label, value])
        about.column_dimensions["A"].width = 16
        about.column_dimensions["B"].width = 48
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _write_table(sheet: Any, table: Table) -> None:
    headings = write_row(sheet, table.headings)
    for cell in headings:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    formats = {index: table.formats[cell.value] for index, cell in enumerate(headings)
               if cell.value in table.formats}
    widths = [text_width(cell.value) for cell in headings]
    for row in table.rows:
        # Each cell as written: its number format, and its width counted towards its column's.
        for index, cell in enumerate(write_row(sheet, row)[:len(widths)]):
            if index in formats:
                cell.number_format = formats[index]
            if cell.value is not None:
                widths[index] = max(widths[index], text_width(cell.value))
    for index, width in enumerate(widths, start=1):
        # Sized by the longest heading or value (CJK counted double), within bounds.
        sheet.column_dimensions[get_column_letter(index)].width = min(
            WIDTH_CAP, max(WIDTH_MIN, width + 2))


def xlsx_download(content: bytes, filename: str, ascii_filename: str) -> Response:
    """An attachment response; the Chinese ``filename`` travels RFC 5987-encoded,
    ``ascii_filename`` is for clients that read only the plain parameter."""
    response = Response(content, mimetype=XLSX_MIMETYPE)
    ascii_name = ascii_filename.encode("ascii", "ignore").decode() or "export.xlsx"
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}")
    return response
