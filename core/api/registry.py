"""One registry of API operations feeds both Flask routing and the OpenAPI document.

Views are declared with :func:`operation`, naming the marshmallow schemas of the
query, the body and the response; those same schemas validate the request, so
the document can never drift from what the service accepts.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint
from marshmallow import Schema

from core.permissions import Permission

OPERATIONS_KEY = "zhaoshang_operations"
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True)
class RecordRef:
    """The versioned record an operation reads or writes, named by a path argument.

    Its model has a ``version`` column (``version_id_col``); the API shows it as the ``ETag``
    ``"<name>-<id>-<version>"`` and a write sent with an older ``If-Match`` is refused (412)
    before anything is written (:mod:`core.api.versions`).
    """

    model: type
    key: str  # the path argument holding the record's id (``project_id``)
    name: str  # the record's name in its ETag (``project``)


@dataclass(frozen=True)
class Operation:
    blueprint: str
    rule: str
    method: str
    summary: str
    endpoint: str
    tag: str
    query: type[Schema] | None = None
    body: type[Schema] | None = None
    response: type[Schema] | None = None
    many: bool = False
    status: int = 200
    errors: tuple[int, ...] = ()
    description: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    export: bool = False  # accepts ?format=xlsx (core.api.exports)
    # Who may perform it (core.permissions); a service refuses to start without it.
    who: Permission | None = None
    # The versioned record named in the path (ETag on answers, If-Match on writes).
    record: RecordRef | None = None

    @property
    def name(self) -> str:
        """The Flask endpoint: ``<blueprint>.<view>``."""
        return f"{self.blueprint}.{self.endpoint}"

    @property
    def writes(self) -> bool:
        """Whether it changes something (and so accepts ``Idempotency-Key``)."""
        return self.method.upper() in WRITE_METHODS


def operations_of(blueprint: Blueprint) -> list[Operation]:
    return blueprint.__dict__.setdefault(OPERATIONS_KEY, [])


def operation(
    blueprint: Blueprint,
    rule: str,
    method: str = "GET",
    *,
    summary: str,
    query: type[Schema] | None = None,
    body: type[Schema] | None = None,
    response: type[Schema] | None = None,
    many: bool = False,
    status: int = 200,
    errors: tuple[int, ...] = (),
    tag: str | None = None,
    export: bool | None = None,
    who: Permission | None = None,
    record: RecordRef | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a view on ``blueprint`` and record it for the OpenAPI document.

    ``who`` declares who may perform it (:mod:`core.permissions`); the city service enforces
    it before the view runs and refuses to start when an operation declares nobody.

    Every ``GET`` list (``many=True``, or ``export=True``) also answers ``?format=xlsx`` with the
    same rows as an Excel workbook (:mod:`core.api.exports`).

    ``record`` names the versioned record the path designates (:class:`RecordRef`): its answers
    carry an ``ETag`` and a write with a stale ``If-Match`` is refused with 412. Every write
    accepts an ``Idempotency-Key`` (:mod:`core.api.idempotency`).
    """

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        from core.api.exports import exportable
        from core.api.idempotency import idempotent

        endpoint = view.__name__
        op = Operation(
            blueprint=blueprint.name, rule=(blueprint.url_prefix or "") + rule, method=method,
            summary=summary, endpoint=endpoint, tag=tag or blueprint.name, query=query,
            body=body, response=response, many=many, status=status, errors=errors,
            description=(view.__doc__ or "").strip(),
            export=method == "GET" and (many if export is None else export), who=who,
            record=record,
        )
        routed = exportable(view, op) if op.export else idempotent(view) if op.writes else view
        blueprint.add_url_rule(rule, endpoint, routed, methods=[method])
        operations_of(blueprint).append(op)
        return view

    return decorate


FLASK_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def openapi_path(rule: str) -> tuple[str, list[str]]:
    """``/leads/<int:lead_id>`` → ``/leads/{lead_id}`` and its parameter names."""
    names = [match.group(2) for match in FLASK_PARAM.finditer(rule)]
    return FLASK_PARAM.sub(lambda m: "{" + m.group(2) + "}", rule), names
