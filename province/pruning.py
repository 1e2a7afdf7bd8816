"""Bounded inbox: old event ids and old city snapshots are pruned (``zhaoshang province prune``;
the consumer runs it hourly).

The rule, per city: an inbox row is deleted when it was received more than ``[retention]
inbox_keep_days`` ago (default 30) AND its ``sequence`` is below the city's newest snapshot's.
A city without a snapshot keeps its whole inbox. The count moves to ``CityState.pruned_events``
(and the highest pruned sequence to ``pruned_through_sequence``) in the same transaction as the
deletion, so completeness — events received before the newest snapshot, against the city's
``events_before`` — stays exact: every pruned row was below that snapshot.

Why exactly-once survives: it never depended on the inbox alone. ``province_partitions.next_offset``
(written with every record's fate) recognises every redelivery at its original offset, however
old. A duplicate at a NEW offset comes only from an uncertain relay delivery (a timeout, a crash
between the broker's ack and ``sent_at``), which is re-sent seconds to minutes later — well
inside the window, where the inbox still holds the id. ``zhaoshang relay republish --outbox``
re-sends old ids at new offsets: it is for a new or rebuilt province. Into a live province whose
inbox was pruned it would count those state events again (harmless to the figures, which keep
the newest state by sequence, but counted); a live province uses ``--state``.

Snapshots: each city keeps its newest :data:`KEEP_SNAPSHOTS` and every snapshot received within
the window (its inbox row is still there); older ones go.
"""

from __future__ import annotations

import datetime as dt
import logging

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from core.db import unit_of_work
from province.config import ProvinceConfig
from province.models import CitySnapshot, CityState, InboxEvent

log = logging.getLogger("zhaoshang.province.pruning")

BATCH_SIZE = 5_000  # inbox rows deleted per transaction
KEEP_SNAPSHOTS = 10


def newest_snapshot(session: Session, city: str) -> CitySnapshot | None:
    """The snapshot completeness compares against (the same order as province.reports)."""
    return session.scalars(
        sa.select(CitySnapshot).where(CitySnapshot.city == city)
        .order_by(CitySnapshot.sequence.desc().nulls_last(), CitySnapshot.event_time.desc())
        .limit(1)).first()


def _prune_city_batch(session: Session, city: str, below: int, cutoff: dt.datetime,
                      batch_size: int) -> int:
    """Delete one batch of the city's prunable inbox rows and tally it; how many."""
    old = (InboxEvent.city == city, InboxEvent.sequence < below, InboxEvent.received_at < cutoff)
    sequences = list(session.scalars(sa.select(InboxEvent.sequence).where(*old)
                                     .order_by(InboxEvent.sequence).limit(batch_size)))
    if not sequences:
        return 0
    deleted = session.execute(sa.delete(InboxEvent).where(
        *old, InboxEvent.sequence >= sequences[0], InboxEvent.sequence <= sequences[-1])
    ).rowcount or 0
    state = session.get(CityState, city, with_for_update=True)
    if state is None:
        state = CityState(city=city, events=0, pruned_events=0)
        session.add(state)
    state.pruned_events = (state.pruned_events or 0) + deleted
    state.pruned_through_sequence = max(state.pruned_through_sequence or 0, sequences[-1])
    return deleted


def _prune_snapshots(session: Session, city: str, cutoff: dt.datetime) -> int:
    kept = sa.select(CitySnapshot.event_id).where(CitySnapshot.city == city).order_by(
        CitySnapshot.sequence.desc().nulls_last(), CitySnapshot.event_time.desc()
    ).limit(KEEP_SNAPSHOTS)
    recent = sa.exists().where(InboxEvent.city == CitySnapshot.city,
                               InboxEvent.id == CitySnapshot.event_id,
                               InboxEvent.received_at >= cutoff)
    doomed = list(session.scalars(sa.select(CitySnapshot.event_id).where(
        CitySnapshot.city == city, CitySnapshot.event_id.not_in(kept), ~recent)))
    if not doomed:
        return 0
    session.execute(sa.delete(CitySnapshot).where(CitySnapshot.city == city,
                                                  CitySnapshot.event_id.in_(doomed)))
    return len(doomed)


def prune_inbox(sessions: sessionmaker[Session], config: ProvinceConfig,
                batch_size: int = BATCH_SIZE) -> int:
    """Prune every collected city's old inbox rows and old snapshots; the inbox rows deleted.

    Each batch is its own transaction, so the consumer is never held up for long.
    """
    cutoff = config.clock.utcnow() - dt.timedelta(days=config.inbox_keep_days)
    total = 0
    for city in config.cities:
        with unit_of_work(sessions) as session:
            snapshot = newest_snapshot(session, city)
            below = snapshot.sequence if snapshot is not None else None
            snapshots = _prune_snapshots(session, city, cutoff) if snapshot is not None else 0
        pruned = 0
        while below is not None:
            with unit_of_work(sessions) as session:
                deleted = _prune_city_batch(session, city, below, cutoff, batch_size)
            pruned += deleted
            if deleted < batch_size:
                break
        if pruned or snapshots:
            log.info("pruned city=%s inbox=%d snapshots=%d below_sequence=%s", city, pruned,
                     snapshots, below)
        total += pruned
    return total
