"""Applying city events to the province store, each exactly once.

:func:`apply_events` runs inside the caller's transaction: for each event it records the
event id in the inbox and makes the change the event describes, so both commit or neither
does. An event whose id (``ce_source`` + ``ce_id``) is already in the inbox is skipped —
a redelivery after a crash never counts twice.

Which events carry a project's or a lead's full state is the catalogue's word
(:attr:`core.event_catalogue.EventType.carries` of the core's and every installed plugin's
types, :func:`core.plugin_events.installed_catalogue`), not the payload's shape; the store keeps the
newest by ``ce_sequence`` (the city's outbox position), so a stale redelivery arriving after a
newer event never rolls a project back.

Events reach here validated (:func:`province.records.read_event`). An apply that still fails
raises: the consumer then sets that one record aside (``apply.failed``) and applies the rest,
so the inbox holds exactly the events that were applied.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.clock import utcnow
from core.plugin_events import installed_catalogue
from province.figure_totals import Changes
from province.models import (
    CityLead,
    CityProject,
    CitySnapshot,
    CityState,
    CityTranche,
    InboxEvent,
)

log = logging.getLogger("zhaoshang.province.store")

SNAPSHOT_TYPE = "zhaoshang.city.snapshot"


@dataclass(frozen=True)
class ReceivedEvent:
    """One CloudEvent as the province received it."""

    id: str
    source: str
    type: str
    city: str
    time: dt.datetime
    data: dict[str, Any]
    sequence: int | None = None
    subject: str | None = None
    schema_version: int | None = None
    topic: str = ""
    partition: int = -1
    offset: int = -1
    # The city request that recorded it (the ``ce_requestid`` header), for the log line only.
    request_id: str | None = None


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _money(value: str | None) -> Decimal | None:
    return Decimal(value) if value is not None else None


def _flag(value: Any) -> bool | None:
    """省外 as the city said: ``None`` (the investor's province is unknown) stays unknown."""
    return None if value is None else bool(value)


def _newer(event: ReceivedEvent, held: Any) -> bool:
    """Whether ``event`` is newer than the state ``held`` (None: nothing held yet)."""
    if held is None or held.sequence is None or event.sequence is None:
        return True
    return event.sequence > held.sequence


def _project_values(event: ReceivedEvent) -> dict[str, Any]:
    data = event.data
    enterprise = data["enterprise"]
    return {
        "name": data["name"], "industry": data.get("industry"),
        "amount": Decimal(data["amount"]), "stage": data["stage"], "status": data["status"],
        "channel": data.get("channel"), "out_of_province": _flag(data.get("out_of_province")),
        "signed_on": _date(data.get("signed_on")), "started_on": _date(data.get("started_on")),
        "completed_on": _date(data.get("completed_on")),
        # Verified tranches only (已核实), whatever the city's own total said: events written
        # before pending funds stopped counting carried them in ``arrived_amount``.
        "arrived_amount": sum((Decimal(t["amount"]) for t in data.get("funds") or []
                               if t.get("verification") == "verified"), Decimal(0)),
        "funds": list(data.get("funds") or []),
        "enterprise_name": enterprise["name"],
        "normalized_name": enterprise["normalized_name"],
        "credit_code": enterprise.get("credit_code"),
        "origin_province": enterprise.get("origin_province"),
        "sequence": event.sequence, "event_time": event.time,
    }


def tranche_rows(city: str, project_id: int, funds: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``province_tranches`` rows for the ``funds`` a project's state carried (every tranche,
    whatever its verification: the figures choose)."""
    return [{"city": city, "project_id": project_id,
             # A tranche without an id (never in the catalogue) still gets a row of its own.
             "tranche_id": t.get("id", -position),
             "arrived_on": dt.date.fromisoformat(str(t["arrived_on"])),
             "amount": Decimal(str(t["amount"])), "verification": t.get("verification") or ""}
            for position, t in enumerate(funds, start=1)]


def _lead_values(event: ReceivedEvent) -> dict[str, Any]:
    data = event.data
    enterprise = data["enterprise"]
    return {
        "title": data["title"], "status": data["status"], "industry": data.get("industry"),
        "intended_amount": _money(data.get("intended_amount")),
        "reported_on": _date(data["reported_on"]),
        "enterprise_name": enterprise["name"],
        "normalized_name": enterprise["normalized_name"],
        "credit_code": enterprise.get("credit_code"),
        "origin_province": enterprise.get("origin_province"),
        "project_id": data.get("project_id"),
        "sequence": event.sequence, "event_time": event.time,
    }


class _Batch:
    """The rows one batch touches, loaded once (a poll brings hundreds of events)."""

    def __init__(self, session: Session, events: list[ReceivedEvent]) -> None:
        self.session = session
        self.states: dict[str, CityState] = {}
        # Each city's state row is locked first, until commit: the consumers of one group share
        # a city's partitions, and its counters (events, projects) are read, added to and
        # written back — unlocked, two rounds at once lose one's additions (the proof of
        # tests/infra/test_cluster_proof.py). One order (sorted): two rounds never deadlock.
        for city in sorted({e.city for e in events}):
            state = session.get(CityState, city, with_for_update=True)
            if state is not None:
                self.states[city] = state
        ids = [e.id for e in events]
        self.seen = {(row.source, row.id) for row in session.scalars(
            sa.select(InboxEvent).where(InboxEvent.id.in_(ids)))} if ids else set()
        self.projects: dict[tuple[str, int], CityProject] = {}
        self.leads: dict[tuple[str, int], CityLead] = {}
        # Projects written in this batch: their tranche rows, replaced at the end.
        self.tranches: dict[tuple[str, int], list[dict[str, Any]]] = {}
        # The figures' read model (province.figure_totals), written at the end.
        self.figures = Changes()
        project_keys = {(e.city, e.data["project_id"]) for e in events
                        if _carries(e) == "project"}
        lead_keys = {(e.city, e.data["lead_id"]) for e in events if _carries(e) == "lead"}
        for city in {e.city for e in events}:
            self._load(CityProject, CityProject.project_id, city,
                       [k[1] for k in project_keys if k[0] == city], self.projects)
            self._load(CityLead, CityLead.lead_id, city,
                       [k[1] for k in lead_keys if k[0] == city], self.leads)

    def _load(self, model: Any, id_column: Any, city: str, ids: list[int],
              into: dict[tuple[str, int], Any]) -> None:
        if ids:
            for row in self.session.scalars(sa.select(model).where(model.city == city,
                                                                   id_column.in_(ids))):
                into[(city, getattr(row, id_column.key))] = row

    def state(self, city: str) -> CityState:
        if city not in self.states:
            self.states[city] = CityState(city=city, events=0, projects=0)
            self.session.add(self.states[city])
        return self.states[city]


def apply_events(session: Session, events: Iterable[ReceivedEvent],
                 received_at: dt.datetime | None = None,
                 applied: list[ReceivedEvent] | None = None) -> int:
    """Apply ``events`` in order in the caller's transaction; the number newly applied (and
    those events appended to ``applied``, when given: the consumer logs and counts them)."""
    events = list(events)
    if not events:
        return 0
    received_at = received_at or utcnow()  # the suite's clock (core.clock), in UTC
    batch = _Batch(session, events)
    fresh = []
    for event in events:
        key = (event.source, event.id)
        if key not in batch.seen:
            batch.seen.add(key)
            fresh.append(event)
    # A poll often brings several states of one project; only the newest needs writing.
    newest = {_state_key(e): e for e in sorted(fresh, key=_sequence_order)
              if _state_key(e) is not None}
    inbox = []
    for event in fresh:
        inbox.append({"source": event.source, "id": event.id, "city": event.city,
                      "type": event.type, "sequence": event.sequence, "event_time": event.time,
                      "received_at": received_at, "topic": event.topic,
                      "partition": event.partition, "offset": event.offset})
        state_key = _state_key(event)
        if state_key is None or newest[state_key] is event:
            _apply(batch, event)
        state = batch.state(event.city)
        state.events += 1
        if state.last_event_time is None or _aware(state.last_event_time) <= event.time:
            state.last_event_time = event.time
            state.last_event_type = event.type
        state.last_received_at = received_at
    if inbox:
        session.execute(sa.insert(InboxEvent), inbox)
    _replace_tranches(session, batch.tranches)
    batch.figures.write(session)
    if applied is not None:
        applied.extend(fresh)
    return len(fresh)


def _replace_tranches(session: Session, written: dict[tuple[str, int], list[dict[str, Any]]]
                      ) -> None:
    """Each written project's tranche rows become those of its newest state."""
    by_city: dict[str, list[int]] = {}
    for city, project_id in written:
        by_city.setdefault(city, []).append(project_id)
    for city, ids in by_city.items():
        session.execute(sa.delete(CityTranche).where(CityTranche.city == city,
                                                     CityTranche.project_id.in_(ids)))
    rows = [row for rows in written.values() for row in rows]
    if rows:
        session.execute(sa.insert(CityTranche), rows)


def _sequence_order(event: ReceivedEvent) -> int:
    # Events without a sequence keep their delivery order (sorted() is stable).
    return event.sequence if event.sequence is not None else -1


def _carries(event: ReceivedEvent) -> str | None:
    """``project`` or ``lead`` when the event's type carries that aggregate's full state."""
    entry = installed_catalogue().get(event.type)
    return entry.carries if entry is not None else None


def _state_key(event: ReceivedEvent) -> tuple[str, str, Any] | None:
    """Which aggregate's full state the event carries, if any."""
    carries = _carries(event)
    if carries is None:
        return None
    return (carries, event.city, event.data[f"{carries}_id"])


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _apply(batch: _Batch, event: ReceivedEvent) -> None:
    """Make the change ``event`` describes. Raises when it cannot (never swallowed: the
    consumer sets the record aside rather than count an event it did not apply)."""
    _apply_state(batch, event)


def _apply_state(batch: _Batch, event: ReceivedEvent) -> None:
    carries = _carries(event)
    if carries == "project":
        key = (event.city, event.data["project_id"])
        # Read before anything is written: malformed funds raise with nothing touched.
        tranches = tranche_rows(key[0], key[1], list(event.data.get("funds") or []))
        new = key not in batch.projects
        if _upsert(batch, batch.projects, key, event, _project_values,
                   lambda: CityProject(city=key[0], project_id=key[1]), batch.figures.project):
            batch.tranches[key] = tranches
            if new:
                batch.state(key[0]).projects = (batch.state(key[0]).projects or 0) + 1
    elif carries == "lead":
        key = (event.city, event.data["lead_id"])
        _upsert(batch, batch.leads, key, event, _lead_values,
                lambda: CityLead(city=key[0], lead_id=key[1]), batch.figures.lead)
    elif event.type == SNAPSHOT_TYPE:
        batch.session.add(CitySnapshot(event_id=event.id, city=event.city,
                                       sequence=event.sequence, event_time=event.time,
                                       data=event.data))
    # Other events (evaluations, warnings, …) count for freshness and completeness only.


def _upsert(batch: _Batch, rows: dict, key: tuple[str, int], event: ReceivedEvent,
            values: Any, make: Any, contributes: Any) -> bool:
    """Write the state ``event`` carries if it is newer than the one held; whether it was.
    ``contributes(row, sign)``: the row's figures, taken away before and added after."""
    held = rows.get(key)
    if not _newer(event, held):
        return False
    state = values(event)  # may raise on malformed data: before anything is touched
    if held is None:
        held = rows[key] = make()
        batch.session.add(held)
    else:
        contributes(held, -1)
    for name, value in state.items():
        setattr(held, name, value)
    contributes(held, 1)
    return True
