"""Assessment periods: week, month, quarter, half-year and year, named by a label.

Labels are what an office writes on a ranking: ``2024-W19`` (ISO week),
``2024-05``, ``2024-Q2``, ``2024-H1`` and ``2024``. :func:`period_bounds` turns a
label into its first and last day; a label that does not fit its kind is a
``ValueError`` with a Chinese message the API passes on, as is a year outside
1900–2100 (``core.input_rules``).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from core.input_rules import EARLIEST_YEAR, LATEST_YEAR, year_in_range

PERIOD_KINDS = {"week": "周", "month": "月", "quarter": "季度", "half_year": "半年", "year": "年"}

LABEL_FORMATS = {
    "week": (re.compile(r"^(\d{4})-W(\d{2})$"), "2024-W19"),
    "month": (re.compile(r"^(\d{4})-(\d{2})$"), "2024-05"),
    "quarter": (re.compile(r"^(\d{4})-Q([1-4])$"), "2024-Q2"),
    "half_year": (re.compile(r"^(\d{4})-H([12])$"), "2024-H1"),
    "year": (re.compile(r"^(\d{4})$"), "2024"),
}


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def period_bounds(kind: str, label: str) -> tuple[dt.date, dt.date]:
    """The first and last day of the period ``label`` of ``kind``."""
    pattern, example = LABEL_FORMATS[kind]
    match = pattern.match(label.strip())
    if not match:
        raise ValueError(f"{PERIOD_KINDS[kind]}考核期的格式应如 {example}")
    year = int(match.group(1))
    if not year_in_range(year):  # 0000-01, 9999-Q4: no year a city works in (core.input_rules)
        raise ValueError(f"{label} 不是有效的{PERIOD_KINDS[kind]}考核期：年份应在 "
                         f"{EARLIEST_YEAR} 至 {LATEST_YEAR} 之间")
    number = int(match.group(2)) if match.lastindex and match.lastindex > 1 else 1
    try:
        if kind == "week":
            start = dt.date.fromisocalendar(year, number, 1)
            return start, start + dt.timedelta(days=6)
        if kind == "month":
            return dt.date(year, number, 1), month_end(year, number)
        if kind == "quarter":
            first = 3 * (number - 1) + 1
            return dt.date(year, first, 1), month_end(year, first + 2)
        if kind == "half_year":
            first = 6 * (number - 1) + 1
            return dt.date(year, first, 1), month_end(year, first + 5)
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    except ValueError:
        raise ValueError(f"{label} 不是有效的{PERIOD_KINDS[kind]}考核期") from None


def months_between(start: dt.date, end: dt.date) -> list[tuple[int, int]]:
    """The (year, month) pairs a date range touches, in order."""
    months = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months
