"""The soak: 100,000 events through a real city's outbox, its relay, a real broker and the
province consumer, while both prunings run — the outbox and the inbox stay bounded, every
event is applied exactly once and completeness still adds up.

The clock moves four days per round (``core.clock.travel``) with a seven-day window on both
sides, so each round's rows are pruned two rounds later. Rows are bulk-inserted (the soak is
about storage, not about writing them through the API) with a cheap catalogued type.
"""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa

from core.clock import parse_instant, travel, utcnow
from core.db import unit_of_work
from core.event_catalogue import check_event
from core.events import SCHEMA_VERSION, wire_value
from core.models import OutboxEvent
from core.outbox_pruning import outbox_status, prune_outbox
from core.snapshot import record_snapshot
from province.app import create_app as create_province_app
from province.config import build_config
from province.models import CitySnapshot, CityState, DeadLetter, InboxEvent
from province.pruning import prune_inbox
from province.reports import completeness
from tests.events.support import CityNode, Province, province_config, unique
from tests.support.cities import make_city, ready_app
from tests.support.http import ApiClient

ROUNDS = 10
PER_ROUND = 10_000
KEEP_DAYS = 7
STEP = dt.timedelta(days=4)
# Real time passing during a round (seconds to a minute) on top of the travelled instant.
SLACK = dt.timedelta(hours=1)
TYPE = "zhaoshang.expert.added"


def expert_data(n: int) -> dict:
    return {"expert_id": n, "name": f"专家{n}", "field": "industry", "organisation": None}


def expert_rows(city, start: int, count: int) -> list[dict]:
    """Outbox rows as :func:`core.events.record_event` writes them, for a bulk insert."""
    now = utcnow()
    return [{"id": str(uuid.uuid4()), "source": city.event_source, "type": TYPE,
             "subject": f"expert/{n}", "time": now, "city": city.code,
             "schema_version": SCHEMA_VERSION, "aggregate_type": "expert",
             "aggregate_id": f"{city.code}:expert:{n}", "wire": wire_value(expert_data(n))}
            for n in range(start, start + count)]


def count(sessions, model, *where) -> int:
    with sessions() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(model).where(*where)) or 0


def test_pruning_keeps_outbox_and_inbox_bounded_over_100000_events(kafka, tmp_path):
    servers = kafka.bootstrap_servers
    prefix = unique()
    city = make_city(city={"code": "alpha", "name": "甲市"},
                     events={"topic_prefix": prefix, "partitions": 3, "replication": 1,
                             "outbox_keep_days": KEEP_DAYS})
    app = ready_app(city, f"sqlite:///{tmp_path / 'alpha.db'}")
    node = CityNode(city, app, ApiClient(app.test_client()))
    raw = province_config(prefix, ["alpha"], servers, f"sqlite:///{tmp_path / 'province.db'}",
                          max_poll_records=10_000) | {"retention": {"inbox_keep_days": KEEP_DAYS}}
    config = build_config(raw)
    hub = Province(config, create_province_app(config, migrate=True))
    assert check_event(TYPE, expert_data(0), SCHEMA_VERSION) == []

    relay = node.relay(servers, batch_size=PER_ROUND)
    consumer = hub.consumer()
    start = parse_instant("2026-01-05T10:00:00+08:00")
    written: list[tuple[dt.datetime, int]] = []  # (round's instant, rows it sent)
    try:
        for round_no in range(ROUNDS):
            at = start + STEP * round_no
            with travel(at):
                half = PER_ROUND // 2
                with unit_of_work(node.sessions) as session:
                    first = round_no * PER_ROUND
                    session.execute(sa.insert(OutboxEvent), expert_rows(city, first, half))
                    # A snapshot mid-round: the second half is above it in the province.
                    session.flush()
                    record_snapshot(session, city)
                    session.execute(sa.insert(OutboxEvent),
                                    expert_rows(city, first + half, PER_ROUND - half))
                written.append((at, PER_ROUND + 1))
                relay.drain(timeout=120)
                expected = sum(rows for _, rows in written)
                consumer.consume_until(lambda expected=expected: applied(hub) >= expected,
                                       timeout=120)

                with unit_of_work(node.sessions) as session:
                    prune_outbox(session, city, utcnow())
                prune_inbox(hub.sessions, config)

                now = utcnow()
                cutoff = now - dt.timedelta(days=KEEP_DAYS) - SLACK
                within = sum(rows for moment, rows in written if moment >= cutoff)
                outbox_rows = count(node.sessions, OutboxEvent)
                assert outbox_rows <= within + 1, (round_no, outbox_rows, within)
                # The inbox: what arrived within the window, plus what is above the newest
                # snapshot (the second half of this round).
                above = PER_ROUND - half
                inbox_rows = count(hub.sessions, InboxEvent)
                assert inbox_rows <= within + above, (round_no, inbox_rows, within)
                if round_no >= 2:  # by now the first rounds are out of the window
                    assert outbox_rows < expected and inbox_rows < expected
                with node.sessions() as session:
                    status = outbox_status(session, now)
                assert status["unsent"] == 0
                assert status["pruned_count"] + outbox_rows == expected
    finally:
        consumer.close()
        relay.close()

    total = ROUNDS * (PER_ROUND + 1)
    with hub.sessions() as session:
        state = session.get(CityState, "alpha")
        inbox_rows = session.scalar(sa.select(sa.func.count()).select_from(InboxEvent))
        assert state.events == total  # applied once each
        assert inbox_rows + state.pruned_events == total
        assert session.scalar(sa.select(sa.func.count()).select_from(DeadLetter)) == 0
        snapshot = session.scalars(sa.select(CitySnapshot).order_by(
            CitySnapshot.sequence.desc()).limit(1)).one()
        received = (session.scalar(sa.select(sa.func.count()).select_from(InboxEvent).where(
            InboxEvent.sequence < snapshot.sequence)) or 0) + state.pruned_events
        assert received == snapshot.data["events_before"] == total - PER_ROUND // 2 - 1
        [row] = completeness(session, config)
        assert (row["status"], row["missing_events"]) == ("complete", 0)
    hub.app.extensions["zhaoshang_province"].engine.dispose()
    node.runtime.engine.dispose()


def applied(hub: Province) -> int:
    with hub.sessions() as session:
        return session.scalar(sa.select(sa.func.sum(CityState.events))) or 0
