"""Every list to ``.xlsx``, exactly as filtered: ``?format=xlsx`` on any list operation.

The rule is one for the whole API: a ``GET`` operation registered with ``many=True`` (or
``export=True``) accepts ``format=json`` (the default) or ``format=xlsx``. For ``xlsx`` the view
runs as usual with the same filters and sort, but :func:`core.api.support.paginate` returns every
matching row instead of one page; the JSON it would have answered is then written as a sheet,
one column per field of the operation's response schema, headed in Chinese
(:func:`core.schemas.titles.field_title`). Money and other decimals stay exact decimals, dates
stay dates. A view with a workbook of its own (the assessment ranking) answers it itself when
:func:`wants_xlsx` is true.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from flask import Response, g, request
from marshmallow import fields

from core.api.export_columns import export_columns
from core.clock import CHINA
from core.policy import FieldProblem
from core.problems import invalid_input
from core.xlsx import table_workbook, xlsx_download

if TYPE_CHECKING:
    from core.api.registry import Operation

FORMATS = ("json", "xlsx")
FORMAT_KEY = "export_format"
# Beyond this many rows an export is refused: narrow the filters (a city holds far fewer).
EXPORT_ROW_LIMIT = 200_000


def wants_xlsx() -> bool:
    """Whether the current request asked for ``format=xlsx``."""
    return g.get(FORMAT_KEY) == "xlsx"


def exportable(view: Callable[..., Any], op: Operation) -> Callable[..., Any]:
    """Wrap a list view so that ``format=xlsx`` answers the same rows as a workbook."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        chosen = request.args.get("format", "json")
        if chosen not in FORMATS:
            raise invalid_input([FieldProblem("format", "format.unknown",
                                              "导出格式应为 json 或 xlsx")])
        setattr(g, FORMAT_KEY, chosen)
        answer = view(*args, **kwargs)
        if chosen != "xlsx":
            return answer
        response = answer[0] if isinstance(answer, tuple) else answer
        if not isinstance(response, Response) or not response.is_json:
            return answer  # the view wrote its own workbook
        return workbook_response(op, response.get_json())

    return wrapped


def workbook_response(op: Operation, body: Any) -> Response:
    rows = body["items"] if isinstance(body, dict) and "items" in body else body
    if not isinstance(rows, list):
        rows = [rows]
    schema = op.response() if op.response is not None else None
    from flask import current_app

    from core.api.support import EXTENSION

    runtime = current_app.extensions.get(EXTENSION)  # the gateway's own lists have no city
    names, attribute_labels = _city_names(runtime)
    columns = export_columns(
        [(name, field) for name, field in (schema.fields.items() if schema else [])
         if not field.load_only and field.metadata.get("export", True)],
        [row for row in rows if isinstance(row, dict)], names, attribute_labels, cell)
    headings = [column.heading for column in columns]
    table = [[column.value(row) for column in columns] for row in rows]
    filters = [f"{key}={value}" for key, value in request.args.items(multi=True)
               if key != "format"]
    notes = [("城市", runtime.city.name if runtime else "—"), ("清单", op.summary),
             ("筛选条件", "；".join(filters) or "无"), ("行数", len(table)),
             ("导出时间", _local_now(runtime))]
    content = table_workbook(op.summary, headings, table, notes)
    return xlsx_download(content, f"{op.summary}.xlsx", f"{op.endpoint}.xlsx")


def _city_names(runtime: Any) -> tuple[dict[str, dict[str, str]], dict[str, str]]:
    """The city's code → name of each choice (core.choices) and its own fields' labels."""
    if runtime is None:
        return {}, {}
    from core.api.support import request_sessions
    from core.choices import city_choices
    from core.db import unit_of_work
    from core.gates import field_labels

    with unit_of_work(request_sessions(runtime)) as session:
        choices = city_choices(session, runtime.city)
    return ({name: choice.names for name, choice in choices.items()},
            {path: label for path, label in field_labels(runtime.city).items()
             if path.startswith("attributes.")})


def _label(value: Any) -> Any:
    """A nested object in one cell: its label or name, else its code, else compact JSON."""
    if isinstance(value, dict):
        for key in ("label", "name", "code", "title"):
            if value.get(key) not in (None, ""):
                return value[key]
        return json.dumps(value, ensure_ascii=False)
    return value


def cell(field: fields.Field, value: Any) -> Any:
    """A JSON value of ``field`` as the cell shows it."""
    if value is None:
        return None
    if isinstance(field, fields.Decimal) and isinstance(value, str | int):
        return Decimal(str(value))
    if isinstance(field, fields.DateTime) and isinstance(value, str):
        return dt.datetime.fromisoformat(value)
    if isinstance(field, fields.Date) and isinstance(value, str):
        return dt.date.fromisoformat(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(str(_label(item)) for item in value)
    if isinstance(value, dict):
        if isinstance(field, fields.Nested):
            return _label(value)
        return "；".join(f"{key}：{_label(item)}" for key, item in value.items())
    return value


def _local_now(runtime: Any) -> dt.datetime:
    """When the workbook was made, as the reader's wall clock shows it (Excel has no zones):
    the city's, or China's for the gateway's own lists."""
    clock = runtime.city.clock if runtime else CHINA
    return clock.now().replace(microsecond=0, tzinfo=None)
