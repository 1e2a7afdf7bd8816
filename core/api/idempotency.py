"""``Idempotency-Key``: a write retried after an unknown outcome (the gateway's 502 “结果未知”, a
double click) is applied once.

Every write operation (POST, PUT, PATCH, DELETE; core and plugins alike) accepts the header:

* the first request with a key runs as usual, and its answer (status, body) is stored with the
  key, the actor, the method and path and a SHA-256 digest of the query and body — in the same
  transaction as the write, so the key exists exactly when the write was committed;
* a retry with the same key, path and body writes nothing and gets the stored answer again,
  with ``Idempotent-Replayed: true``;
* the same key with another body or path is refused (422 ``idempotency.key_reused``);
* two requests with the same key at the same moment: the unique (actor, key) pair lets only
  one commit; the other's write is rolled back and it gets the first one's answer (or 409
  ``idempotency.in_progress`` when that one is not finished);
* keys are per actor: another user's identical key is a different key;
* only successful answers (2xx) are kept: a refused request wrote nothing and may be retried;
* keys are kept :data:`RETENTION` (24 hours); ``zhaoshang prune-idempotency-keys`` deletes
  older ones, and an expired key is treated as new.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import Response, current_app, g, request
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.clock import utcnow
from core.models import IdempotentRequest
from core.policy import FieldProblem
from core.problems import Problem, invalid_input

IDEMPOTENCY_KEY = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
RETENTION = dt.timedelta(hours=24)
KEY = re.compile(r"^[\x21-\x7e]{1,200}$")  # visible ASCII: a UUID, a ULID, a form's token


@dataclass
class RequestScope:
    """One transaction for the whole request (its write and its key), committed at the end."""

    key: str
    digest: str
    session: Session | None = None


def request_digest() -> str:
    digest = hashlib.sha256()
    digest.update(request.query_string or b"")
    digest.update(b"\n")
    digest.update(request.get_data(cache=True) or b"")
    return digest.hexdigest()


def _actor() -> str:
    return str(g.actor.user)


def _stored(session: Session, key: str) -> IdempotentRequest | None:
    return session.scalar(sa.select(IdempotentRequest).where(
        IdempotentRequest.actor == _actor(), IdempotentRequest.key == key,
        IdempotentRequest.created_at >= utcnow() - RETENTION))


def _replay(row: IdempotentRequest, digest: str) -> Response:
    if row.method != request.method or row.path != request.path or row.request_digest != digest:
        raise Problem(422, "idempotency.key_reused", "幂等键已用于另一请求",
                      f"该 Idempotency-Key 已用于另一请求（{row.method} {row.path}，内容不同），"
                      "新的操作请使用新的键")
    response = Response(row.body, status=row.status, content_type=row.content_type)
    response.headers[REPLAYED] = "true"
    return response


def replay_idempotent() -> Response | None:
    """``before_request``: answer a retried write from its stored answer, or note its key."""
    from core.api.support import runtime
    from core.api.versions import current_operation

    op = current_operation()
    key = request.headers.get(IDEMPOTENCY_KEY)
    if op is None or not op.writes or key is None:
        return None
    if not KEY.match(key):
        raise invalid_input([FieldProblem(IDEMPOTENCY_KEY, "idempotency.key_invalid",
                                          "幂等键应为 1–200 个可见 ASCII 字符（如 UUID）")])
    digest = request_digest()
    with runtime().sessions() as session:
        row = _stored(session, key)
        if row is not None:
            return _replay(row, digest)
    g.zhaoshang_idempotency = RequestScope(key, digest)
    return None


def idempotent(view: Callable[..., Any]) -> Callable[..., Any]:
    """Run a write operation's view so that its answer is stored with its key (if any)."""

    @functools.wraps(view)
    def run(*args: Any, **kwargs: Any) -> Any:
        scope: RequestScope | None = g.get("zhaoshang_idempotency")
        if scope is None:
            return view(*args, **kwargs)
        from core.api.support import runtime

        try:
            response = current_app.make_response(view(*args, **kwargs))
            session = scope.session or runtime().sessions()
            scope.session = session
            if 200 <= response.status_code < 300:
                # An expired use of the key makes way (a live one is replayed, never deleted).
                session.execute(sa.delete(IdempotentRequest).where(
                    IdempotentRequest.actor == _actor(), IdempotentRequest.key == scope.key,
                    IdempotentRequest.created_at < utcnow() - RETENTION))
                session.add(IdempotentRequest(
                    actor=_actor(), key=scope.key, method=request.method, path=request.path,
                    request_digest=scope.digest, status=response.status_code,
                    content_type=response.content_type or "application/json",
                    body=response.get_data(as_text=True)))
            try:
                session.commit()
            except IntegrityError:
                session.rollback()
                return _concurrent(scope)
            return response
        except BaseException:
            if scope.session is not None:
                scope.session.rollback()
            raise
        finally:
            if scope.session is not None:
                scope.session.close()
            g.zhaoshang_idempotency = None

    return run


def _concurrent(scope: RequestScope) -> Response:
    """Another request with the same key committed first: its answer, never a second write."""
    from core.api.support import runtime

    with runtime().sessions() as session:
        row = _stored(session, scope.key)
        if row is not None:
            return _replay(row, scope.digest)
    raise Problem(409, "idempotency.in_progress", "请求正在处理",
                  "使用同一 Idempotency-Key 的请求正在处理，请稍后查询结果，勿重复提交")


def request_scope() -> RequestScope | None:
    """The request's single transaction, when its write carries an ``Idempotency-Key``."""
    return g.get("zhaoshang_idempotency")


def prune(session: Session, now: dt.datetime | None = None) -> int:
    """Delete keys older than :data:`RETENTION`; how many were deleted."""
    cutoff = (now or utcnow()) - RETENTION
    result = session.execute(sa.delete(IdempotentRequest).where(
        IdempotentRequest.created_at < cutoff))
    return int(result.rowcount or 0)
