"""Bounded outbox: sent rows are pruned after ``[events] outbox_keep_days``; the operator's figures.

Why pruning a sent row is safe: the relay marks a row ``sent_at`` only after the broker
acknowledged it with ``acks=all`` (:mod:`core.relay`), and a row is pruned at least
``outbox_keep_days`` after that. From then on its history lives in the city's topic (kept
forever by default) and ``zhaoshang relay republish --state`` can re-send every aggregate's
current state to a new or rebuilt province. The outbox is a delivery queue, not the archive.

Two rows are never pruned, whatever their age:

* an unsent row (``sent_at IS NULL``): it has not reached the broker;
* the newest sent row below the first unsent one (and, with nothing unsent, the newest sent
  row). The relay tells a position gap from a rollback by the highest position below the first
  unsent row (``Relay._read_batch``); without it every batch would wait ``gap_timeout`` at a
  false gap. It also keeps SQLite, whose ``INTEGER PRIMARY KEY`` hands out ``max + 1``, from
  reusing a position (``ce_sequence`` would go backwards for the province).

What was pruned is counted in the one :class:`~core.models.OutboxPruning` row, in the same
transaction as each deleting batch, so the snapshot's ``events_before`` (rows + pruned) stays
exact and the province's completeness check keeps working (:mod:`core.snapshot`).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.models import OutboxEvent, OutboxPruning
from core.relay import utc

if TYPE_CHECKING:
    from core.city import City

BATCH_SIZE = 5_000  # rows deleted per transaction: short locks, bounded WAL per commit


def keep_days(city: City) -> int:
    return int(city.config["events"]["outbox_keep_days"])


def pruned_count_query() -> sa.ColumnElement[int]:
    """How many sent rows pruning removed so far (0 before the first pruning), as a subquery."""
    return sa.func.coalesce(sa.select(OutboxPruning.pruned_count).where(OutboxPruning.id == 1)
                            .scalar_subquery(), 0)


def _tally(session: Session) -> OutboxPruning:
    tally = session.get(OutboxPruning, 1, with_for_update=True)
    if tally is None:
        tally = OutboxPruning(id=1, pruned_count=0)
        session.add(tally)
    return tally


def _anchor(session: Session) -> int | None:
    """The position that must stay: the newest sent row below the first unsent one."""
    first_unsent = session.scalar(sa.select(sa.func.min(OutboxEvent.position))
                                  .where(OutboxEvent.sent_at.is_(None)))
    query = sa.select(sa.func.max(OutboxEvent.position)).where(OutboxEvent.sent_at.is_not(None))
    if first_unsent is not None:
        query = query.where(OutboxEvent.position < first_unsent)
    return session.scalar(query)


def prune_outbox(session: Session, city: City, now: dt.datetime,
                 batch_size: int = BATCH_SIZE) -> int:
    """Delete sent rows older than the keep window, batch by batch; how many were deleted.

    Each batch is deleted and tallied in one transaction, committed before the next: a long
    backlog of old rows never holds one huge transaction open beside the relay.
    """
    cutoff = now - dt.timedelta(days=keep_days(city))
    anchor = _anchor(session)
    if anchor is None:
        return 0
    deleted = 0
    while True:
        positions = list(session.scalars(
            sa.select(OutboxEvent.position)
            .where(OutboxEvent.sent_at.is_not(None), OutboxEvent.sent_at < cutoff,
                   OutboxEvent.position < anchor)
            .order_by(OutboxEvent.position).limit(batch_size)))
        if not positions:
            return deleted
        removed = session.execute(sa.delete(OutboxEvent).where(
            OutboxEvent.position >= positions[0], OutboxEvent.position <= positions[-1],
            OutboxEvent.sent_at.is_not(None), OutboxEvent.sent_at < cutoff)).rowcount or 0
        tally = _tally(session)
        tally.pruned_count = (tally.pruned_count or 0) + removed
        tally.pruned_through_position = max(tally.pruned_through_position or 0, positions[-1])
        tally.pruned_at = now
        session.commit()
        deleted += removed
        if len(positions) < batch_size:
            return deleted


def _age(now: dt.datetime, moment: dt.datetime | None) -> int | None:
    return None if moment is None else max(0, int((now - utc(moment)).total_seconds()))


def _iso(moment: dt.datetime | None) -> str | None:
    return None if moment is None else utc(moment).isoformat().replace("+00:00", "Z")


def outbox_status(session: Session, now: dt.datetime) -> dict[str, Any]:
    """What an operator watches: the backlog the relay has yet to publish, how old it is, how
    far publishing got and what pruning removed (``zhaoshang relay status``,
    ``GET /api/v1/events/status``)."""
    unsent = sa.select(sa.func.count(), sa.func.min(OutboxEvent.time)).where(
        OutboxEvent.sent_at.is_(None))
    backlog, oldest_unsent = session.execute(unsent).one()
    # One pass over the outbox for its size, its highest position and its newest mark
    # (``sent_at`` is not indexed: migration 0028).
    rows, highest, newest_sent = session.execute(
        sa.select(sa.func.count(), sa.func.max(OutboxEvent.position),
                  sa.func.max(OutboxEvent.sent_at))).one()
    tally = session.get(OutboxPruning, 1)
    return {
        "unsent": backlog or 0,
        "oldest_unsent_time": _iso(oldest_unsent),
        "oldest_unsent_age_seconds": _age(now, oldest_unsent),
        "newest_sent_at": _iso(newest_sent),
        "highest_position": highest,
        "rows": rows or 0,
        "pruned_count": tally.pruned_count if tally else 0,
        "pruned_through_position": tally.pruned_through_position if tally else None,
        "pruned_at": _iso(tally.pruned_at if tally else None),
        "as_of": _iso(now),
    }
