"""The audit log: every write and every refused attempt, with who, what, when and from where."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass

import sqlalchemy as sa
from marshmallow import fields, validate
from sqlalchemy.orm import Session, sessionmaker

from core.db import unit_of_work
from core.identity import READ_METHODS
from core.schemas.base import BaseSchema, Page
from gateway.store import AuditEntry

# Statuses that mean "you may not": the attempt is audited even when it only read.
REFUSED_STATUSES = frozenset({401, 403, 413, 429})
OUTCOMES = ("done", "refused", "failed")

log = logging.getLogger("zhaoshang.gateway.audit")


@dataclass(frozen=True)
class Attempt:
    """One request as the audit log keeps it."""

    username: str | None
    role: str | None
    city: str | None
    target: str | None
    method: str
    path: str
    status: int
    reason: str | None
    remote_addr: str | None
    request_id: str | None

    @property
    def outcome(self) -> str:
        if self.status in REFUSED_STATUSES:
            return "refused"
        return "done" if self.status < 400 else "failed"


def worth_auditing(method: str, status: int) -> bool:
    return method.upper() not in READ_METHODS or status in REFUSED_STATUSES


def record(sessions: sessionmaker[Session], attempt: Attempt) -> None:
    """Write one entry in its own transaction (the request's outcome is already decided)."""
    try:
        with unit_of_work(sessions) as session:
            session.add(AuditEntry(**asdict(attempt), outcome=attempt.outcome))
    except Exception:  # the answer is already decided; losing an entry must still be loud
        log.exception("audit entry lost: %s", attempt)


class AuditQuery(Page):
    username = fields.String()
    city = fields.String()
    outcome = fields.String(validate=validate.OneOf(OUTCOMES))
    method = fields.String()
    status = fields.Integer()
    request_id = fields.String()


class AuditEntrySchema(BaseSchema):
    id = fields.Integer()
    at = fields.DateTime()
    username = fields.String(allow_none=True)
    role = fields.String(allow_none=True)
    city = fields.String(allow_none=True, metadata={"description": "用户所属城市"})
    target = fields.String(allow_none=True, metadata={"description": "访问的城市编码或 province"})
    method = fields.String()
    path = fields.String()
    status = fields.Integer()
    outcome = fields.String(metadata={"description": "done 已执行 / refused 被拒绝 / failed 失败"})
    reason = fields.String(allow_none=True, metadata={"description": "问题代码"})
    remote_addr = fields.String(allow_none=True)
    request_id = fields.String(allow_none=True)


def audit_query(params: dict) -> sa.Select:
    """The entries matching the filters of :class:`AuditQuery`, newest first."""
    query = sa.select(AuditEntry)
    for name in ("username", "city", "outcome", "status", "request_id"):
        if params.get(name) is not None:
            query = query.where(getattr(AuditEntry, name) == params[name])
    if params.get("method"):
        query = query.where(AuditEntry.method == params["method"].upper())
    return query.order_by(AuditEntry.id.desc())
