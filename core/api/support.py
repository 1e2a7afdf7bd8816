"""What every view needs: the runtime, the actor, loading input, paging output."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import sqlalchemy as sa
from flask import current_app, g, has_app_context, has_request_context, jsonify, request
from marshmallow import Schema
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.interfaces import ORMOption

from core.city import City
from core.clock import CHINA
from core.db import unit_of_work
from core.identity import Actor
from core.input_rules import request_json
from core.permissions import forbidden_fields, office_only_problems
from core.policy import FieldProblem
from core.problems import Problem, invalid_input

EXTENSION = "zhaoshang"


@dataclass
class Runtime:
    """The city service's state, bound to the Flask app (``app.extensions``)."""

    city: City
    engine: Engine
    sessions: sessionmaker[Session]
    read_sessions: sessionmaker[Session]  # for GET and HEAD (core.db)


def runtime() -> Runtime:
    return current_app.extensions[EXTENSION]


def city() -> City:
    return runtime().city


def city_today() -> dt.date:
    """The running city's today (in its time zone): the default of a business date.

    Schemas load in requests, where the city is known; outside one (a command, the demo's
    loaders) the day is China's, every deployment's default zone.
    """
    if has_app_context() and EXTENSION in current_app.extensions:
        return city().clock.today()
    return CHINA.today()


READING_METHODS = frozenset({"GET", "HEAD"})


class ServiceSessions(Protocol):
    """What a service's runtime (the city's :class:`Runtime`, the province's) holds for
    :func:`request_sessions`."""

    sessions: sessionmaker[Session]
    read_sessions: sessionmaker[Session]


def request_sessions(state: ServiceSessions) -> sessionmaker[Session]:
    """The sessions a request's unit of work takes from a service's runtime: a GET or HEAD
    reads outside a transaction (:func:`core.db.make_read_session_factory`: no ``BEGIN`` and
    no ``COMMIT`` round trip, and no write can happen); anything else, and work outside a
    request, in one."""
    if has_request_context() and request.method in READING_METHODS:
        return state.read_sessions
    return state.sessions


@contextlib.contextmanager
def transaction() -> Iterator[Session]:
    """The view's unit of work. The request's first one checks ``If-Match`` against the
    operation's record (412, :mod:`core.api.versions`); each notes the record's ``ETag``. A write
    sent with an ``Idempotency-Key`` runs all of them in one transaction that commits with its
    stored answer (:mod:`core.api.idempotency`)."""
    from core.api.idempotency import request_scope
    from core.api.versions import note_etag, pin_version

    scope = request_scope() if has_request_context() else None
    if scope is None:
        with unit_of_work(request_sessions(runtime())) as session:
            if has_request_context():
                pin_version(session)
            yield session
            if has_request_context():
                note_etag(session)
        return
    if scope.session is None:
        scope.session = runtime().sessions()
        pin_version(scope.session)
    try:
        yield scope.session
        scope.session.flush()
        note_etag(scope.session)
    except BaseException:
        scope.session.rollback()  # as a unit of work would; the rest of the request starts anew
        raise


def current_actor() -> Actor:
    """The identity forwarded by the gateway (checked in ``core.app`` before any view)."""
    from flask import g

    return g.actor


def load_body(schema: type[Schema], partial: bool = False) -> dict[str, Any]:
    # Depth, exact numbers, valid text and no NUL anywhere (core.input_rules): a 400, never a 500.
    payload = request_json()
    if not isinstance(payload, dict):
        raise invalid_input([FieldProblem("_body", "body.not_object", "请求体应为 JSON 对象")])
    refuse_office_only(schema, payload)
    return loader(schema, partial).load(payload)


def refuse_office_only(schema: type[Schema] | Schema, payload: Any, prefix: str = "") -> None:
    """403 ``forbidden_field`` when the request's actor, not the office, sends (even to clear)
    a field marked ``OFFICE_ONLY``. A city's ``attributes`` schema is checked with
    ``prefix="attributes."`` from its ``validate_project`` hook; outside a request (the demo,
    commands) the caller is the system itself."""
    if not has_request_context() or "actor" not in g:
        return
    problems = office_only_problems(schema, payload, current_actor(), prefix)
    if problems:
        raise forbidden_fields(problems)


def load_query(schema: type[Schema]) -> dict[str, Any]:
    from flask import g

    args = request.args.to_dict()
    if "export_format" in g:
        args.pop("format", None)  # checked by core.api.exports for every list
    return loader(schema).load(args)


@functools.cache
def dumper(schema: type[Schema], many: bool = False) -> Schema:
    """One instance per schema class, built once per process: building one copies every field
    (a cost per request otherwise), and dumping keeps no state on it."""
    return schema(many=many)


@functools.cache
def loader(schema: type[Schema], partial: bool = False) -> Schema:
    """As :func:`dumper`, for loading: ``load`` keeps no state on the instance either (defaults
    such as ``city_today`` are called on each load, not when the instance is built)."""
    return schema(partial=partial)


def respond(schema: type[Schema], obj: Any, status: int = 200, **extra: Any) -> Any:
    body = dumper(schema).dump(obj) | extra
    return jsonify(body), status


def paginate(
    session: Session,
    query: sa.Select,
    params: dict[str, Any],
    sortable: dict[str, Any],
    schema: type[Schema],
    tiebreak: Any,
    page_loads: Sequence[ORMOption] | None = None,
    counted: sa.Select | None = None,
) -> Any:
    """Sort by a whitelisted field (``-field`` descending), page, and wrap the items with the
    filtered list's total (an export's page is the whole list).

    With ``page_loads`` (the loader options of the records, as the schema dumps them), the page
    is cut first, on its ``tiebreak`` keys alone, and only its records are loaded with them:
    for a list sorted by an expression over many matches (a search's ranking), where the
    database would otherwise join every match's related rows before sorting.

    ``counted`` is the list as counted when ``query`` joins what only its order reads."""
    query = sorted_by(query, params.get("sort"), sortable, tiebreak)
    # A number, not records: through the session's connection (its transaction), without the
    # ORM's execution layer. A list's request has written nothing for it to flush first.
    total = session.connection().scalar(sa.select(sa.func.count()).select_from(
        (query if counted is None else counted).order_by(None).subquery()))
    page, per_page = page_window(total, params)
    window = query.limit(per_page).offset((page - 1) * per_page)
    if page_loads is None:
        rows = session.scalars(window).unique().all()
    else:
        # The query's loader options do not apply to its keys alone: only the join, the
        # filters and the order are kept.
        keys = session.scalars(window.with_only_columns(tiebreak)).all()
        records = session.scalars(sa.select(tiebreak.class_).where(tiebreak.in_(keys))
                                  .options(*page_loads)).unique()
        loaded = {getattr(row, tiebreak.key): row for row in records}
        # In the keys' order; a record gone between the two reads (a concurrent delete under
        # read committed) is left out of the page rather than failing it.
        rows = [loaded[key] for key in keys if key in loaded]
    return jsonify({"items": dumper(schema, many=True).dump(rows), "total": total, "page": page,
                    "per_page": per_page})


def sorted_by(query: sa.Select, sort: str | None, sortable: dict[str, Any], tiebreak: Any
              ) -> sa.Select:
    """``query`` sorted by a whitelisted field (``-field`` descending), then by ``tiebreak``."""
    if sort:
        column = sortable.get(sort.lstrip("-"))
        if column is None:
            raise invalid_input([FieldProblem(
                "sort", "sort.unknown", f"不能按 {sort} 排序，可选：{', '.join(sortable)}")])
        query = query.order_by(column.desc() if sort.startswith("-") else column.asc())
    # The id last keeps pages stable when the sort field has ties.
    return query.order_by(tiebreak)


def page_window(total: int, params: dict[str, Any]) -> tuple[int, int]:
    """The page and its size the request asks for; an export's is the whole list (refused
    above the export's row limit)."""
    page, per_page = params["page"], params["per_page"]
    from core.api.exports import EXPORT_ROW_LIMIT, wants_xlsx

    if wants_xlsx():
        # An export is the whole filtered list, never one page of it.
        if total > EXPORT_ROW_LIMIT:
            raise invalid_input([FieldProblem(
                "format", "export.too_many_rows",
                f"共 {total} 行，超过导出上限 {EXPORT_ROW_LIMIT} 行，请缩小筛选范围")])
        page, per_page = 1, max(total, 1)
    return page, per_page


def forbidden(detail: str) -> Problem:
    return Problem(403, "forbidden_role", "无权操作", detail)
