"""Reading an uploaded ledger: each sheet's rows as {heading: value}, cells as values.

A cell the spreadsheet would read as a formula is text here: the workbook is read without
evaluating anything (``data_only=False``), so ``=HYPERLINK(...)`` arrives as the characters
typed — stored as text where text is wanted, refused where a number or a date is (one rule
for what looks like a formula, the exports': ``core.xlsx.formula_like``).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from openpyxl import load_workbook

from core.ledger_import.layout import (
    EXPORT_HEADINGS,
    EXPORT_TITLES,
    LEDGER_NO,
    RECORD_NO,
    Sheet,
)


@dataclass
class SheetRows:
    """One sheet as read: the row number (as the spreadsheet shows it) and its cells."""

    sheet: Sheet
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # required headings not found


class UnreadableFile(ValueError):
    """Not an .xlsx workbook (the message is Chinese, for the clerk)."""


def cell_value(value: Any) -> Any:
    """A cell as the import reads it: text stripped (empty is None), dates as dates,
    numbers as exact decimals."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        return text or None
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time() else value
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return Decimal(str(value)).normalize() if isinstance(value, float) else Decimal(value)
    return value


def read_sheets(content: bytes, sheets: tuple[Sheet, ...]) -> list[SheetRows]:
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise UnreadableFile("文件不是有效的 Excel 工作簿（.xlsx）") from exc
    found = []
    try:
        for sheet in sheets:
            read = SheetRows(sheet)
            found.append(read)
            title = next((name for name in (sheet.title, *EXPORT_TITLES.get(sheet.title, ()))
                          if name in book.sheetnames), None)
            if title is None:
                # A project ledger without funds or milestones has none: only the main sheet
                # must be there.
                if sheet is sheets[0]:
                    read.missing = [column.heading for column in sheet.columns if column.required]
                continue
            rows = book[title].iter_rows(values_only=True)
            headings = [str(cell).strip() if cell is not None else "" for cell in next(rows, ())]
            # An export read back: its headings for the same fields are the ledger's.
            headings = [EXPORT_HEADINGS.get(heading, heading)
                        if EXPORT_HEADINGS.get(heading) not in headings else heading
                        for heading in headings]
            known = {column.heading for column in sheet.columns} | {RECORD_NO}
            keyed = RECORD_NO in headings and sheet is sheets[0]  # rows name their records
            read.missing = [column.heading for column in sheet.columns
                            if column.required and column.heading not in headings
                            and not (keyed and column.field == LEDGER_NO)]
            for number, values in enumerate(rows, start=2):
                cells = {heading: cell_value(value)
                         for heading, value in zip(headings, values, strict=False)
                         if heading in known}
                if any(value is not None for value in cells.values()):
                    read.rows.append((number, cells))
    finally:
        book.close()
    return found
