"""The transactional outbox: events written with the change they describe."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base


class OutboxEvent(Base):
    """One CloudEvents 1.0 event waiting for (or already given to) Kafka.

    ``position`` orders events; the relay publishes in that order, so one
    aggregate's events reach its partition in the order they were committed.
    """

    __tablename__ = "outbox"
    # The relay's read: the unsent rows after its cursor, in position order (migration 0024).
    __table_args__ = (sa.Index("ix_outbox_unsent", "position",
                               postgresql_where=sa.text("sent_at IS NULL"),
                               sqlite_where=sa.text("sent_at IS NULL")),)

    position: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer, "sqlite"),
                                          primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(sa.String(36), unique=True)
    source: Mapped[str] = mapped_column(sa.String(200))
    type: Mapped[str] = mapped_column(sa.String(100))
    subject: Mapped[str] = mapped_column(sa.String(100))
    time: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True))
    city: Mapped[str] = mapped_column(sa.String(32))
    schema_version: Mapped[int] = mapped_column(default=1)
    aggregate_type: Mapped[str] = mapped_column(sa.String(32))
    # The record's key. Not indexed (migration 0027): nothing looks rows up by it, and every
    # index is written again when a row is marked sent.
    aggregate_id: Mapped[str] = mapped_column(sa.String(64))
    # The event's data as the Kafka record value (core.events.wire_value: compact JSON, UTF-8),
    # encoded once when the event is recorded. The one stored form (migration 0026): the relay
    # passes it through untouched, and a row is half as wide as with a JSON copy beside it,
    # which halves what marking a row sent rewrites.
    wire: Mapped[bytes] = mapped_column(sa.LargeBinary)
    # Not indexed (migration 0028): marking a row sent would write the index again; the unsent
    # rows have ix_outbox_unsent.
    sent_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # The X-Request-Id of the request that recorded the event (core.request_id), sent as the
    # ``ce_requestid`` header; NULL outside a request and on rows from before migration 0022.
    request_id: Mapped[str | None] = mapped_column(sa.String(128))

    @property
    def data(self) -> Any:
        """The event's data, decoded from :attr:`wire` (what a consumer reads)."""
        return json.loads(self.wire)


class OutboxPruning(Base):
    """What pruning removed from the outbox (one row): the count keeps the snapshot's
    ``events_before`` exact, and the position says where the outbox's own history begins."""

    __tablename__ = "outbox_pruning"

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    pruned_count: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer, "sqlite"),
                                              default=0)
    pruned_through_position: Mapped[int | None] = mapped_column(
        sa.BigInteger().with_variant(sa.Integer, "sqlite"))
    pruned_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime(timezone=True))
