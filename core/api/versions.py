"""Versions of records: ``ETag`` on every answer about one, ``If-Match`` on every write to one.

An operation that names its record (``operation(..., record=RecordRef(...))``) answers with the
record's version as ``ETag: "<name>-<id>-<version>"`` (``"project-12-3"``). A write sent with
``If-Match`` naming another version (the ETag, or just the version number: ``"3"``) is refused
with 412 before anything is written, so two officers editing the same record never silently
overwrite each other. ``If-Match: *`` asks only that the record exists. Without ``If-Match`` the
write proceeds as before (older clients keep working); the web interface always sends it.

The check runs once, in the core's request machinery: the first transaction a view opens
(:func:`core.api.support.transaction`) loads the record, compares, and keeps it in the session,
so the write's own ``UPDATE … WHERE version = …`` refuses a change that slipped in between
(409 ``conflict.stale``). On PostgreSQL the record's row is also locked for the transaction.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import current_app, g, has_request_context, request
from sqlalchemy.orm import Session

from core.api.registry import Operation, RecordRef
from core.problems import Problem

IF_MATCH = "If-Match"
ETAG = "ETag"


def current_operation() -> Operation | None:
    """The operation the request is routed to (None outside one)."""
    if not has_request_context():
        return None
    from core.api.access import OPERATIONS

    return current_app.config.get(OPERATIONS, {}).get(request.endpoint or "")


def etag(ref: RecordRef, record_id: Any, version: int) -> str:
    return f'"{ref.name}-{record_id}-{version}"'


def _tags(header: str) -> list[str]:
    """The entity tags of an ``If-Match`` header, without ``W/`` and quotes."""
    tags = []
    for part in header.split(","):
        tag = part.strip()
        if tag.startswith("W/"):
            tag = tag[2:]
        tags.append(tag.strip().strip('"'))
    return [tag for tag in tags if tag]


def matches(header: str, ref: RecordRef, record_id: Any, version: int) -> bool:
    tags = _tags(header)
    if "*" in tags:
        return True
    current = etag(ref, record_id, version).strip('"')
    return any(tag in (current, str(version)) for tag in tags)


def precondition_failed(version: int) -> Problem:
    return Problem(412, "precondition_failed", "记录已被他人修改",
                   f"记录已被他人修改（当前版本 {version}），请刷新后重试",
                   current_version=version)


def _record_id(op: Operation) -> Any:
    return (request.view_args or {}).get(op.record.key) if op.record else None


def pin_version(session: Session) -> None:
    """In the request's first transaction: refuse (412) a write whose ``If-Match`` names another
    version of its record, and keep the checked record in ``session``."""
    if g.get("zhaoshang_version_pinned"):
        return
    g.zhaoshang_version_pinned = True
    op = current_operation()
    header = request.headers.get(IF_MATCH) if op is not None else None
    if op is None or op.record is None or not op.writes or not header:
        return
    ref, record_id = op.record, _record_id(op)
    model: Any = ref.model
    if session.get_bind().dialect.name == "postgresql":
        # Hold the row until the write commits: nobody changes it between check and write.
        session.execute(sa.select(model.version).where(model.id == record_id).with_for_update())
    record = session.get(model, record_id)
    if record is None:
        return  # the view answers 404
    if not matches(header, ref, record_id, record.version):
        g.zhaoshang_etag = etag(ref, record_id, record.version)
        raise precondition_failed(record.version)


def note_etag(session: Session) -> None:
    """At the end of a view's transaction: the record's version as it will be committed."""
    op = current_operation()
    if op is None or op.record is None:
        return
    record_id = _record_id(op)
    if record_id is None:
        return
    session.flush()
    record = session.get(op.record.model, record_id)
    if record is not None:
        g.zhaoshang_etag = etag(op.record, record_id, record.version)


def add_etag(response: Any) -> Any:
    """``after_request``: the ETag of the operation's record on its answers (and on a 412)."""
    tag = g.get("zhaoshang_etag")
    if tag and (200 <= response.status_code < 300 or response.status_code == 412):
        response.headers[ETAG] = tag
    return response
