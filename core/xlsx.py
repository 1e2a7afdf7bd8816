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
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from flask import Response
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


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


def table_workbook(
    title: str,
    headings: Sequence[str],
    rows: Iterable[Sequence[Any]],
    notes: Sequence[tuple[str, Any]] = (),
) -> bytes:
    """An ``.xlsx`` file: ``headings`` then ``rows`` on a sheet named ``title``.

    ``notes`` (label, value) pairs go to a second sheet named 说明.
    """
    book = Workbook()
    sheet = book.active
    sheet.title = sheet_title(title)
    sheet.append([_cell(heading) for heading in headings])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for row in rows:
        sheet.append([_cell(value) for value in row])
    for index, heading in enumerate(headings, start=1):
        # Chinese characters are about two columns wide.
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = max(10, 2 * len(heading) + 2)
    if notes:
        about = book.create_sheet("说明")
        for label, value in notes:
            about.append([label, _cell(value)])
        about.column_dimensions["A"].width = 16
        about.column_dimensions["B"].width = 48
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_download(content: bytes, filename: str, ascii_filename: str) -> Response:
    """An attachment response; the Chinese ``filename`` travels RFC 5987-encoded,
    ``ascii_filename`` is for clients that read only the plain parameter."""
    response = Response(content, mimetype=XLSX_MIMETYPE)
    ascii_name = ascii_filename.encode("ascii", "ignore").decode() or "export.xlsx"
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}")
    return response
