"""Re-sending a city's history for a new or rebuilt province (``zhaoshang relay republish``).

Two ways, each one transaction in the city's database; the running relay does the sending:

* :func:`republish_outbox` marks the outbox rows still held (from a position on) unsent, so
  the relay publishes them again in position order with their original ids. Safe for any
  consumer: the province dedupes by ``ce_source`` + ``ce_id`` (its inbox), keeps the newest
  state by ``ce_sequence``, and its partition positions do not interfere — a re-sent record
  gets a new, higher offset, so it is judged as a record, never skipped as a redelivery.
  Its limit: rows already pruned from the outbox (core.outbox_pruning) are gone; a province
  that lacks them (or whose inbox was pruned, so it would count re-sent ids again) is given
  :func:`republish_state` instead.
* :func:`republish_state` writes the city's current state as new events: one
  ``zhaoshang.project.restated`` per project and one ``zhaoshang.lead.restated`` per lead,
  with exactly the data the project and lead events carry (the same builders), then one
  ``zhaoshang.city.snapshot``. Restatements are new events (new ids, new sequences): a live
  province applies them as states no newer in content than what it holds, counts each once,
  and the snapshot counts them too, so its figures and completeness do not move.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.events import record_event
from core.models import Lead, OutboxEvent, OutboxPruning, Project
from core.services.leads import lead_event_data
from core.services.projects import project_event_data
from core.snapshot import record_snapshot

if TYPE_CHECKING:
    from core.city import City


@dataclass(frozen=True)
class OutboxRepublished:
    """What :func:`republish_outbox` did."""

    marked: int  # rows marked unsent (the relay re-sends them)
    already_unsent: int  # rows from the position on that were not sent yet anyway
    first_position: int | None
    last_position: int | None
    # Rows up to this position were pruned and cannot be re-sent (None: nothing pruned).
    pruned_through_position: int | None

    def as_dict(self) -> dict[str, Any]:
        return {"mode": "outbox"} | asdict(self)


@dataclass(frozen=True)
class StateRepublished:
    """What :func:`republish_state` did."""

    projects: int
    leads: int
    snapshot_id: str
    first_position: int | None
    last_position: int

    def as_dict(self) -> dict[str, Any]:
        return {"mode": "state"} | asdict(self)


def republish_outbox(session: Session, from_position: int | None = None) -> OutboxRepublished:
    """Mark every held outbox row (from ``from_position`` on) unsent, in the caller's
    transaction."""
    held = sa.select(sa.func.count(), sa.func.min(OutboxEvent.position),
                     sa.func.max(OutboxEvent.position)).select_from(OutboxEvent)
    if from_position is not None:
        held = held.where(OutboxEvent.position >= from_position)
    count, first, last = session.execute(held).one()
    unsent = OutboxEvent.sent_at.is_(None)
    already = session.scalar(sa.select(sa.func.count()).select_from(OutboxEvent).where(
        unsent, *([OutboxEvent.position >= from_position] if from_position is not None else [])))
    marking = sa.update(OutboxEvent).where(OutboxEvent.sent_at.is_not(None))
    if from_position is not None:
        marking = marking.where(OutboxEvent.position >= from_position)
    session.execute(marking.values(sent_at=None))
    pruning = session.get(OutboxPruning, 1)
    return OutboxRepublished(
        marked=(count or 0) - (already or 0), already_unsent=already or 0,
        first_position=first, last_position=last,
        pruned_through_position=pruning.pruned_through_position if pruning else None)


def republish_state(session: Session, city: City) -> StateRepublished:
    """Write every project's and lead's current state, then a snapshot, in the caller's
    transaction. Every project is restated, whatever a city's views leave out: the project
    events themselves are published for every project."""
    first: int | None = None
    projects = leads = 0
    for project in session.scalars(sa.select(Project).order_by(Project.id)):
        event = record_event(session, city, "project", project.id, "restated",
                             project_event_data(project))
        projects += 1
        if first is None:
            session.flush()
            first = event.position
    for lead in session.scalars(sa.select(Lead).order_by(Lead.id)):
        event = record_event(session, city, "lead", lead.id, "restated", lead_event_data(lead))
        leads += 1
        if first is None:
            session.flush()
            first = event.position
    snapshot = record_snapshot(session, city)
    session.flush()
    return StateRepublished(projects=projects, leads=leads, snapshot_id=snapshot.id,
                            first_position=first, last_position=snapshot.position)
