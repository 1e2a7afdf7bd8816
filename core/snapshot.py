"""The city's periodic snapshot event, which lets the province check its copy.

``zhaoshang snapshot --city <code>`` (from cron) writes one ``zhaoshang.city.snapshot``
event with what the city holds (:func:`core.figures.holdings`) and how many events it
wrote before. The province computes the same holdings over what it received; a
difference is shown by ``/api/v1/province/completeness``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.clock import utcnow
from core.events import record_event
from core.figures import city_projects, holdings
from core.models import Lead, OutboxEvent
from core.outbox_pruning import pruned_count_query

if TYPE_CHECKING:
    from core.city import City


def snapshot_data(session: Session) -> dict[str, Any]:
    """The city's holdings now, and the number of events written so far."""
    leads = session.scalar(sa.select(sa.func.count()).select_from(Lead)) or 0
    # Rows still in the outbox plus those pruning removed (core.outbox_pruning): every event
    # the city ever wrote before this one, however short the outbox is kept. One statement, so
    # a pruning batch committing meanwhile is seen either wholly or not at all.
    rows = sa.select(sa.func.count()).select_from(OutboxEvent).scalar_subquery()
    events = session.scalar(sa.select(rows + pruned_count_query())) or 0
    return holdings(city_projects(session), leads) | {
        "events_before": events, "taken_at": utcnow()}


def record_snapshot(session: Session, city: City) -> OutboxEvent:
    """Write the snapshot event in the caller's transaction."""
    return record_event(session, city, "city", city.code, "snapshot", snapshot_data(session))
