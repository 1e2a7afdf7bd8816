"""``make bench`` section ``export``: an Excel download of 5,000 rows through ``core.xlsx`` (what
every list, ranking and report export writes) against openpyxl's write-only workbook of the
same cells, the library's floor. Held to within 2×: a row found again by scanning the whole
sheet once made it about 16× at this size (docs/benchmarks.md, the fifteenth pass)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

from openpyxl import Workbook

from benchmarks.measure import Row, median_seconds
from core.xlsx import table_workbook

ROWS = 5_000
COLUMNS = 29  # a project list's export
GOAL = 2.0


def sample(rows: int) -> tuple[list[str], list[list[Any]]]:
    """Headings and rows like a project list's: names, amounts, dates, counts, and now and then
    a text a spreadsheet would take for a formula."""
    headings = [f"第{index}列" for index in range(1, COLUMNS + 1)]
    body = []
    for number in range(rows):
        cells = [f"台账导入项目{number}号", Decimal("12345.67"), dt.date(2024, 1, 1 + number % 28),
                 "=HYPERLINK(\"x\")" if number % 100 == 0 else "招商局", number]
        body.append((cells * (COLUMNS // len(cells) + 1))[:COLUMNS])
    return headings, body


def write_only(headings: list[str], body: list[list[Any]]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("项目")
    sheet.append(headings)
    for row in body:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def run(rows: int = ROWS, repeat: int = 3) -> list[Row]:
    headings, body = sample(rows)
    ours = median_seconds(lambda: table_workbook("项目", headings, body), repeat)
    floor = median_seconds(lambda: write_only(headings, body), repeat)
    return [Row("export", f"Excel export, {rows:,} rows × {COLUMNS} columns", ours, floor,
                "openpyxl's write-only workbook", goal=f"≤ {GOAL:g}×",
                met=ours <= GOAL * floor)]
