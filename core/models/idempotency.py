"""Idempotency keys: the first answer to a write sent with an ``Idempotency-Key``, kept so that a
retry of the same request answers the same without writing again (:mod:`core.api.idempotency`).
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.clock import utcnow
from core.db import Base


class IdempotentRequest(Base):
    """One key of one actor: the request it was first used for and the answer it got.

    Written in the same transaction as the write it answers, so a key exists exactly when its
    write was committed; the unique (actor, key) pair makes a concurrent second use fail
    instead of writing twice.
    """

    __tablename__ = "idempotent_requests"
    __table_args__ = (sa.UniqueConstraint("actor", "key", name="uq_idempotent_requests_actor_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor: Mapped[str] = mapped_column(sa.String(200))  # the gateway's user id
    key: Mapped[str] = mapped_column(sa.String(200))
    method: Mapped[str] = mapped_column(sa.String(10))
    path: Mapped[str] = mapped_column(sa.String(500))
    request_digest: Mapped[str] = mapped_column(sa.String(64))  # SHA-256 of query and body
    status: Mapped[int]
    content_type: Mapped[str] = mapped_column(sa.String(100))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow,
                                                    index=True)
