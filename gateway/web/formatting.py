"""How values read on a page: amounts in 万元 or 亿元, rates, dates, countdowns, table cells."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

YI = Decimal(10000)  # 万元 in one 亿元
EMPTY = "—"


def decimal_or_none(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _plain(number: Decimal) -> str:
    """Two decimals at most, thousands grouped, no trailing zeros (12,345.5 not 12,345.50)."""
    text = f"{number.quantize(Decimal('0.01')):,}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def amount(value: Any) -> str:
    """万元 as a person reads it: 亿元 from 10,000 万元 up (``134.5亿元``, ``8,000万元``)."""
    number = decimal_or_none(value)
    if number is None:
        return EMPTY
    if abs(number) >= YI:
        return f"{_plain(number / YI)}亿元"
    return f"{_plain(number)}万元"


def percent(value: Any) -> str:
    """A ratio (0.98) as a percentage (98%); growth keeps its sign (+12.5%)."""
    number = decimal_or_none(value)
    if number is None:
        return EMPTY
    return f"{_plain(number * 100)}%"


def growth(value: Any) -> str:
    number = decimal_or_none(value)
    if number is None:
        return EMPTY
    return ("+" if number > 0 else "") + percent(number)


def count(value: Any) -> str:
    number = decimal_or_none(value)
    return EMPTY if number is None else _plain(number)


def date(value: Any) -> str:
    """``2024-05-06`` as ``2024年5月6日``; date-times keep their date part."""
    if value in (None, ""):
        return EMPTY
    try:
        day = dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    return f"{day.year}年{day.month}月{day.day}日"


def countdown(days_left: Any) -> str:
    """Working days left (from the API, counted on the city's official calendar)."""
    if days_left is None:
        return EMPTY
    days = int(days_left)
    if days > 0:
        return f"剩 {days} 个工作日"
    if days == 0:
        return "今日到期"
    return f"已逾期 {-days} 个工作日"


def countdown_level(days_left: Any) -> str:
    """A CSS class for the countdown: overdue, due (today or tomorrow), or fine."""
    if days_left is None:
        return ""
    days = int(days_left)
    return "overdue" if days < 0 else "due" if days <= 1 else "fine"


def yes_no(value: Any) -> str:
    if value is None:
        return EMPTY
    return "是" if value else "否"


def dig(row: Any, path: str) -> Any:
    """The value at a dotted path of a row (``enterprise.name``); None where it stops."""
    value = row
    for part in path.split(".") if path else []:
        if isinstance(value, dict):
            value = value.get(part)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


FORMATS = {"amount": amount, "count": count, "percent": percent, "date": date,
           "yes_no": yes_no, "growth": growth, "countdown": countdown}


def cell(row: Any, column: dict[str, Any]) -> str:
    """One table cell: the column's ``key`` in the row, shown by its ``format``."""
    value = dig(row, column["key"])
    kind = column.get("format") or "text"
    if kind == "list":
        items = value if isinstance(value, list) else []
        item_key = column.get("item_key")
        shown = [str(dig(item, item_key) if item_key else item) for item in items]
        return "；".join(shown) if shown else EMPTY
    if kind in FORMATS:
        return FORMATS[kind](value)
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, list | dict):
        return "；".join(str(item) for item in value) if isinstance(value, list) else str(value)
    return str(value)


def chart_number(value: Any) -> float | None:
    """A chart's value (charts draw floats; every figure on the page stays exact)."""
    number = decimal_or_none(value)
    return None if number is None else float(number)


def chart(kind: str, title: str, rows: list[dict[str, Any]], category: str,
          values: list[tuple[str, str]], scale: Decimal | None = None) -> dict[str, Any]:
    """The data of one ECharts chart (``static/web.js`` draws it): categories and series.

    ``scale`` divides the values (``YI`` draws 万元 amounts in 亿元).
    """
    def number(value: Any) -> float | None:
        exact = decimal_or_none(value)
        if exact is None:
            return None
        return float(exact / scale) if scale else float(exact)

    return {"kind": kind, "title": title,
            "categories": [str(dig(row, category) or EMPTY) for row in rows],
            "series": [{"name": name, "data": [number(dig(row, key)) for row in rows]}
                       for key, name in values]}
