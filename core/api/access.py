"""The city's one enforcement point: each operation's declared rule, checked before its view.

The gateway authenticates and keeps city scope; what a role or a unit may do is decided here,
once, from the declaration on the operation (:mod:`core.permissions`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app, g, request

from core.api.registry import Operation, operations_of
from core.api.support import EXTENSION
from core.models import Unit
from core.permissions import AccessRequest, authorise

OPERATIONS = "ZHAOSHANG_OPERATIONS"
# Routes that are not operations of the city: the API document describes every operation and
# is the same for everyone.
PUBLIC_ENDPOINTS = frozenset({"openapi.openapi_document", "static"})


class UndeclaredOperation(RuntimeError):
    """An operation declares nobody who may perform it: the service does not start."""


def index_operations(app: Flask) -> dict[str, Operation]:
    """Every operation of ``app`` by its endpoint; refuse an undeclared one or a stray route."""
    found = {op.name: op for blueprint in app.blueprints.values()
             for op in operations_of(blueprint)}
    undeclared = sorted(f"{op.method} {op.rule} ({name})" for name, op in found.items()
                        if op.who is None)
    stray = sorted(rule.endpoint for rule in app.url_map.iter_rules()
                   if rule.endpoint not in found and rule.endpoint not in PUBLIC_ENDPOINTS)
    if undeclared or stray:
        lines = [f"  {entry}: no who= declaration" for entry in undeclared]
        lines += [f"  {endpoint}: a route outside core.api.registry.operation" for endpoint in stray]
        raise UndeclaredOperation("every operation must declare who may perform it "
                                  "(core.permissions):\n" + "\n".join(lines))
    app.config[OPERATIONS] = found
    return found


def _body() -> Mapping[str, Any]:
    payload = request.get_json(silent=True)
    return payload if isinstance(payload, Mapping) else {}


def enforce_permission() -> None:
    """``before_request``: refuse (403, nothing written) what the operation's rule forbids."""
    op = current_app.config[OPERATIONS].get(request.endpoint or "")
    if op is None or op.who is None:
        return  # a public route, or no route at all (404)
    runtime = current_app.extensions[EXTENSION]
    sessions: list[Any] = []

    def access_request() -> AccessRequest:
        session = runtime.sessions()
        sessions.append(session)
        return AccessRequest(session=session, city=runtime.city, view_args=request.view_args or {},
                             body=_body(), query=request.args)

    def unit_names() -> dict[str, str]:
        with runtime.sessions() as session:
            return dict(session.execute(sa.select(Unit.code, Unit.name)).all())

    try:
        authorise(op.who, g.actor, request.method, access_request, unit_names)
    finally:
        for session in sessions:
            session.close()
