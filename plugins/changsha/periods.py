"""Report parameters: a period label or a date, read with a Chinese field problem."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from core.toolkit import FieldProblem, invalid_input, period_bounds
from core.toolkit import date_param as core_date_param

DEFAULT_LABELS = {
    "week": lambda today: f"{today.isocalendar().year}-W{today.isocalendar().week:02d}",
    "month": lambda today: f"{today.year}-{today.month:02d}",
    "half_year": lambda today: f"{today.year}-H{1 if today.month <= 6 else 2}",
    "year": lambda today: str(today.year),
}


def period_param(params: dict[str, Any], key: str, kind: str,
                 today: dt.date) -> tuple[str, dt.date, dt.date]:
    """The period named by ``params[key]`` (default: the one ``today`` is in) and its bounds."""
    label = params.get(key) or DEFAULT_LABELS[kind](today)
    try:
        start, end = period_bounds(kind, str(label))
    except ValueError as exc:
        raise invalid_input([FieldProblem(key, "changsha.report.period", str(exc))]) from None
    return str(label), start, end


def judged_on(params: dict[str, Any], start: dt.date, end: dt.date, today: dt.date) -> dt.date:
    """The day a period's report judges lateness on: ``params["as_of"]`` when given, else the
    period's last day once it is over, else today — a report of the current month must not
    call a project that reported today three weeks stale as of the month's end."""
    as_of = date_param(params, "as_of", today)
    if "as_of" not in params or not params["as_of"]:
        as_of = min(end, today)
    if as_of < start:
        raise invalid_input([FieldProblem("as_of", "changsha.report.as_of_before_period",
                                          f"评判日期 {as_of} 早于报表期间开始日 {start}")])
    return min(as_of, end)


def date_param(params: dict[str, Any], key: str, today: dt.date) -> dt.date:
    """The date ``params[key]`` (YYYY-MM-DD), ``today`` (the city's) by default."""
    return core_date_param(params, key, today, code="changsha.report.date")


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` months earlier (the month's last day when it is shorter)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
