"""What any input must be before a view reads it, for the city services, the province and the
gateway alike (``docs/mechanisms.md``, "Input rules").

- JSON bodies: UTF-8, at most :data:`MAX_JSON_DEPTH` levels deep, numbers parsed as exact
  ``Decimal`` (never a float) of a sane length, no ``NaN``/``Infinity``, no lone surrogate
  and no NUL in any text. A body that breaks one is a 400 field problem, never a 500.
- Dates and period labels lie within :data:`EARLIEST_YEAR`–:data:`LATEST_YEAR`.
- Names hold no control, bidirectional-override or zero-width character.
- A search word is matched literally: ``%`` and ``_`` are not wildcards.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import Flask, Request, request
from flask.json.provider import DefaultJSONProvider

from core.policy import FieldProblem
from core.problems import invalid_input

BODY = "_body"
MAX_JSON_DEPTH = 32  # nesting levels of arrays and objects; no form of the suite needs 5
MAX_NUMBER_LENGTH = 40  # characters of one JSON number literal (NUMERIC(18,4) needs 23)
MAX_NUMBER_EXPONENT = 30  # |exponent| of a number literal once normalised

# The years a city works in: dates and periods outside them are no business date, and date
# arithmetic near the calendar's ends (a day after 9999-12-31) fails.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2100
EARLIEST_DATE, LATEST_DATE = dt.date(EARLIEST_YEAR, 1, 1), dt.date(LATEST_YEAR, 12, 31)
DATE_RANGE_MESSAGE = f"日期应在 {EARLIEST_DATE} 至 {LATEST_DATE} 之间"


class InputError(ValueError):
    """Input refused before any schema reads it, with the field it concerns."""

    def __init__(self, field: str, code: str, message: str) -> None:
        super().__init__(message)
        self.field, self.code, self.message = field, code, message

    def problem(self) -> FieldProblem:
        return FieldProblem(self.field, self.code, self.message)


def _too_deep() -> InputError:
    return InputError(BODY, "body.too_deep", f"请求内容嵌套过深（最多 {MAX_JSON_DEPTH} 层）")


def _number_out_of_range() -> InputError:
    return InputError(BODY, "body.number", "请求中的数值过大或位数过多")


def _decimal(literal: str) -> Decimal:
    if len(literal) > MAX_NUMBER_LENGTH:
        raise _number_out_of_range()
    number = Decimal(literal)
    if abs(number.adjusted()) > MAX_NUMBER_EXPONENT:
        raise _number_out_of_range()
    return number


def _integer(literal: str) -> int:
    if len(literal) > MAX_NUMBER_LENGTH:
        raise _number_out_of_range()
    return int(literal)


def _constant(name: str) -> Any:
    raise InputError(BODY, "body.number", f"请求中的数值无效（{name}）")


def parse_json(data: bytes | str) -> Any:
    """A request body as JSON under the rules above, else :class:`InputError`."""
    if isinstance(data, bytes | bytearray):
        try:
            data = bytes(data).decode("utf-8")
        except UnicodeDecodeError:
            raise InputError(BODY, "invalid_utf8", "请求内容不是有效的 UTF-8 文本") from None
    try:
        value = json.loads(data, parse_float=_decimal, parse_int=_integer,
                           parse_constant=_constant)
    except RecursionError:
        raise _too_deep() from None
    except InputError:
        raise
    except ValueError:
        raise InputError(BODY, "body.not_json", "请求体应为 JSON 对象") from None
    _check_tree(value)
    return value


def _check_tree(value: Any) -> None:
    """Depth and text, walked without recursion (the tree may be ~1000 levels deep)."""
    stack: list[tuple[Any, str, int]] = [(value, "", 1)]
    while stack:
        item, path, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > MAX_JSON_DEPTH:
                raise _too_deep()
            pairs = item.items() if isinstance(item, dict) else enumerate(item)
            for key, child in pairs:
                if isinstance(key, str):
                    _check_text(key, path or BODY)
                stack.append((child, f"{path}.{key}" if path else str(key), depth + 1))
        elif isinstance(item, str):
            _check_text(item, path or BODY)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _check_text(text: str, field: str) -> None:
    if _SURROGATE.search(text):
        # JSON may escape a lone surrogate ("\ud800") that no UTF-8 column or answer can hold.
        raise InputError(BODY, "invalid_utf8", "不是有效的文本")
    if "\x00" in text:
        raise InputError(field, "text.nul", NUL_MESSAGE)


class InputJSONProvider(DefaultJSONProvider):
    """Flask's JSON with the rules above for every body it parses (``request.get_json``)."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return parse_json(s)


class InputRequest(Request):
    """A body ``request.get_json()`` refuses is a 400 problem in Chinese, not Flask's own."""

    def on_json_loading_failed(self, e: ValueError | None) -> Any:
        from core.problems import invalid_input

        if isinstance(e, InputError):
            raise invalid_input([e.problem()])
        raise invalid_input([FieldProblem(BODY, "body.not_json", "请求体应为 JSON 对象")])


def apply_input_rules(app: Flask) -> None:
    """Make ``app`` parse request bodies under these rules (city, province and gateway)."""
    ensure_ascii, sort_keys = app.json.ensure_ascii, app.json.sort_keys  # type: ignore[attr-defined]
    app.json = InputJSONProvider(app)
    app.json.ensure_ascii, app.json.sort_keys = ensure_ascii, sort_keys  # type: ignore[attr-defined]
    app.request_class = InputRequest


def request_json() -> Any:
    """The request's JSON body, or a 400 naming what is wrong with it."""
    from core.problems import invalid_input

    if not request.is_json:
        raise invalid_input([FieldProblem(BODY, "body.not_json", "请求体应为 JSON 对象")])
    try:
        return parse_json(request.get_data(cache=True))
    except InputError as error:
        raise invalid_input([error.problem()]) from None


# -- text ----------------------------------------------------------------------------------

NUL_MESSAGE = "不能含有空字符（NUL）"
# C0 and C1 controls (NUL, tab, newline, DEL…), bidirectional embeddings, overrides and
# isolates (U+202A–U+202E, U+2066–U+2069), zero-width characters and the BOM.
_NOT_IN_NAMES = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
                           "\u200b-\u200d\u2060\ufeff]")


def name_problem(text: str) -> tuple[str, str] | None:
    """``(code, message)`` when ``text`` holds a character no name may hold, else None."""
    found = _NOT_IN_NAMES.search(text)
    if found is None:
        return None
    char = found.group()
    if char == "\x00":
        return "text.nul", NUL_MESSAGE
    if char < "\xa0":
        return "name.control", f"名称不能含有控制字符（如换行、制表符，U+{ord(char):04X}）"
    if "\u202a" <= char <= "\u202e" or "\u2066" <= char <= "\u2069":
        return "name.bidi", f"名称不能含有文字方向控制字符（U+{ord(char):04X}）"
    return "name.invisible", f"名称不能含有不可见字符（U+{ord(char):04X}）"


# -- dates and periods -----------------------------------------------------------------------


def year_in_range(year: int) -> bool:
    return EARLIEST_YEAR <= year <= LATEST_YEAR


def date_in_range(day: dt.date) -> bool:
    return EARLIEST_DATE <= day <= LATEST_DATE


# How a refused date explains itself: by example, as a clerk reads it (not ``YYYY-MM-DD``).
DATE_FORMAT_MESSAGE = "日期应写作“年-月-日”，如 2026-06-01"


def parse_date(text: str) -> dt.date:
    """``YYYY-MM-DD`` within the working years, else ``ValueError`` with a Chinese message."""
    try:
        day = dt.date.fromisoformat(str(text).strip())
    except ValueError:
        raise ValueError(DATE_FORMAT_MESSAGE) from None
    if not date_in_range(day):
        raise ValueError(DATE_RANGE_MESSAGE)
    return day


def date_param(params: Mapping[str, Any], key: str, default: dt.date,
               code: str = "invalid") -> dt.date:
    """A report's date parameter ``params[key]`` (``default``, e.g. the city's today, when
    absent); a malformed one is refused as a problem of that field, in Chinese."""
    value = params.get(key)
    if not value:
        return default
    try:
        return parse_date(str(value))
    except ValueError as exc:
        raise invalid_input([FieldProblem(key, code, str(exc))]) from None


# -- search ----------------------------------------------------------------------------------

LIKE_ESCAPE = "\\"


def like_pattern(text: str) -> str:
    """``%text%`` with ``\\``, ``%`` and ``_`` escaped: the text is matched literally."""
    escaped = (text.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2).replace("%", LIKE_ESCAPE + "%")
               .replace("_", LIKE_ESCAPE + "_"))
    return f"%{escaped}%"


def contains(column: Any, text: str) -> sa.ColumnElement[bool]:
    """``column LIKE '%text%' ESCAPE '\\'``: the search word as typed, wildcards and all."""
    return column.like(like_pattern(text), escape=LIKE_ESCAPE)
