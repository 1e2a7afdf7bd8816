"""Writing events to the outbox, in the caller's transaction.

Every state change calls :func:`record_event` on the same session that holds
the change. The row commits or rolls back with it; the relay publishes it later.
Event types are ``zhaoshang.<aggregate>.<fact>`` (see ``docs/events.md``).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from core import deferred_rows, request_id
from core.clock import utcnow
from core.models import OutboxEvent

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from core.city import City

SCHEMA_VERSION = 1
EVENT_TYPE_PREFIX = "zhaoshang"


class UncataloguedEvent(ValueError):
    """An event of a type the city's catalogue does not hold (``record_event`` refuses it)."""


def event_source(city_code: str) -> str:
    """``ce_source`` of a city's events: the province accepts a city's topic only from it."""
    return f"/zhaoshang/cities/{city_code}"


def to_json_value(value: Any) -> Any:
    """Event data is JSON: decimals travel as strings (exact), dates as ISO strings."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: to_json_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_json_value(item) for item in value]
    return value


_compact = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def wire_value(data: Any) -> bytes:
    """The Kafka record value of an event's data: compact JSON, UTF-8 (docs/events.md).

    Encoded once, when the event is recorded, and stored as the outbox row's only copy of the
    data (``outbox.wire``): the relay passes it through instead of encoding every row it
    publishes, and a reader of the row decodes it (``OutboxEvent.data``).
    """
    return _compact(data).encode()


def record_event(
    session: Session,
    city: City,
    aggregate_type: str,
    aggregate_id: int | str,
    fact: str,
    data: dict[str, Any],
) -> OutboxEvent:
    """Add one event row to ``session``; it commits with the change it describes.

    Raises :class:`UncataloguedEvent` for a type neither the core nor an enabled plugin
    declares: the province would only set it aside, so it is never written.
    """
    event_type = f"{EVENT_TYPE_PREFIX}.{aggregate_type}.{fact}"
    if event_type not in city.event_catalogue:
        raise UncataloguedEvent(f"event type {event_type} is not in {city.code}'s event catalogue "
                                f"(declare it through the plugin's event_types hook)")
    event = OutboxEvent(
        id=str(uuid.uuid4()),
        source=city.event_source,
        type=event_type,
        subject=f"{aggregate_type}/{aggregate_id}",
        time=utcnow(),
        city=city.code,
        schema_version=SCHEMA_VERSION,
        aggregate_type=aggregate_type,
        aggregate_id=f"{city.code}:{aggregate_type}:{aggregate_id}",
        wire=wire_value(to_json_value(data)),
        request_id=request_id.for_event(),  # None outside a request: no header then
    )
    deferred_rows.add(session, event)  # session.add, or held for a batch (a ledger import)
    return event
