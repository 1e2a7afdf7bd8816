"""The relay's guarantees, with a scripted producer (no broker needed) and with a real one:
only acknowledged rows are marked sent, an outage never resends or loses, one relay of a
city publishes at a time, and events leave in commit order."""

from __future__ import annotations

import threading
import uuid
from typing import Any

import pytest
import sqlalchemy as sa

from core.db import unit_of_work
from core.events import record_event
from core.models import OutboxEvent
from core.relay import (
    MessageBuilder,
    Relay,
    RelayError,
    RelaySettings,
    cloudevent_message,
    leadership_for,
)
from tests.events.support import city_node, topic_messages, unique, wait_until
from tests.support.query_plans import plan_steps, sent_statements
from tests.support.records import lead_body, project_body


class ScriptedFuture:
    def __init__(self) -> None:
        self.is_done = False
        self.exception: BaseException | None = None

    def succeeded(self) -> bool:
        return self.is_done and self.exception is None


class ScriptedProducer:
    """Stands in for KafkaProducer: records sends; ``flush`` settles them as scripted."""

    def __init__(self, log: list[int], fail_sequence: int | None = None,
                 outage: threading.Event | None = None) -> None:
        self.log = log  # every send, as its outbox position, across producers
        self.fail_sequence = fail_sequence
        self.outage = outage or threading.Event()
        self.futures: list[tuple[int, ScriptedFuture]] = []

    def send(self, topic: str, value: bytes, key: bytes, headers: list[tuple[str, bytes]],
             timestamp_ms: int | None = None) -> Any:
        position = int(dict(headers)["ce_sequence"])
        self.log.append(position)
        future = ScriptedFuture()
        self.futures.append((position, future))
        return future

    def flush(self, timeout: float | None = None) -> None:
        if self.outage.is_set():
            raise TimeoutError("broker unreachable")
        for position, future in self.futures:
            if not future.is_done:
                future.is_done = True
                if position == self.fail_sequence:
                    future.exception = RuntimeError("delivery failed")

    def close(self, timeout: float | None = None) -> None:
        pass


def scripted_relay(node, log: list[int], **script: Any) -> Relay:
    settings = RelaySettings(**({"gap_timeout": 3600.0} | script.pop("settings", {})))
    return Relay(node.sessions, node.city.topic, leadership_for(node.runtime.engine, "alpha"),
                 delivery_factory=lambda: ScriptedProducer(log, **script), settings=settings)


def write_events(node, count: int, aggregate_id: int = 1) -> list[int]:
    with unit_of_work(node.sessions) as session:
        rows = [record_event(session, node.city, "lead", aggregate_id, "reported", {"n": n})
                for n in range(count)]
        session.flush()
        return [row.position for row in rows]


def sent_positions(node) -> list[int]:
    with node.sessions() as session:
        return list(session.scalars(sa.select(OutboxEvent.position)
                                    .where(OutboxEvent.sent_at.is_not(None))
                                    .order_by(OutboxEvent.position)))


@pytest.fixture
def alpha(db_url):
    node = city_node("alpha", "甲市", unique(), db_url)
    yield node
    node.runtime.engine.dispose()


def test_only_acknowledged_rows_are_marked_and_the_rest_follow_in_order(alpha):
    positions = write_events(alpha, 5)
    log: list[int] = []
    relay = scripted_relay(alpha, log, fail_sequence=positions[2])
    with pytest.raises(RelayError):
        relay.publish_round()
    # The first two were acknowledged; the third failed, so nothing after it is marked.
    assert sent_positions(alpha) == positions[:2]
    relay.delivery_factory = lambda: ScriptedProducer(log)
    assert relay.publish_round() == 3
    assert sent_positions(alpha) == positions
    assert log == positions + positions[2:]
    relay.close()


def test_the_rows_it_reads_make_each_stored_events_cloudevents_message(alpha):
    """The read goes through the driver, without SQLAlchemy's types (SQLite's time is its
    stored text): the messages built from it are still, byte for byte, those of the stored
    events, on either database."""
    write_events(alpha, 3)
    rows, before = scripted_relay(alpha, [])._fetch(None)
    builder = MessageBuilder()
    with alpha.sessions() as session:
        stored = session.scalars(sa.select(OutboxEvent).where(OutboxEvent.sent_at.is_(None))
                                 .order_by(OutboxEvent.position)).all()
        assert [builder.message(row) for row in rows] == [cloudevent_message(e) for e in stored]
        assert before == session.scalar(sa.select(sa.func.max(OutboxEvent.position))
                                        .where(OutboxEvent.position < stored[0].position))


def relay_in_an_outage(node, log: list[int], count: int, **settings: Any
                       ) -> tuple[list[int], threading.Event, Relay]:
    """``count`` new events handed to a scripted producer while the broker is away: the
    events' positions, the outage (clear it to bring the broker back) and the relay, after one
    failed round."""
    positions = write_events(node, count)
    outage = threading.Event()
    outage.set()
    relay = scripted_relay(node, log, outage=outage, settings=settings)
    with pytest.raises(RelayError):
        relay.publish_round()
    return positions, outage, relay


def test_an_outage_keeps_the_batch_waiting_without_sending_it_twice(alpha):
    log: list[int] = []
    positions, outage, relay = relay_in_an_outage(alpha, log, 4)
    for _ in range(2):
        with pytest.raises(RelayError):
            relay.publish_round()
    assert sent_positions(alpha) == []
    outage.clear()
    assert relay.publish_round() == 4
    assert sent_positions(alpha) == positions
    assert log == positions  # handed to the producer once, delivered when the broker returned
    relay.close()


def test_a_relay_stopped_while_the_broker_answers_marks_what_it_delivered(alpha):
    log: list[int] = []
    positions, outage, relay = relay_in_an_outage(alpha, log, 4)
    # The broker comes back as the relay is stopped: its answers arrive while it closes.
    outage.clear()
    relay.close()
    assert sent_positions(alpha) == positions
    # The next relay of the city has nothing to publish again.
    successor = scripted_relay(alpha, log)
    assert successor.publish_round() == 0
    assert log == positions
    successor.close()


def test_a_relay_stopped_during_an_outage_leaves_the_unanswered_rows_unsent(alpha):
    log: list[int] = []
    positions, _, relay = relay_in_an_outage(alpha, log, 3, close_timeout=0.1)
    relay.close()  # the broker never answers: nothing is marked, nothing is lost
    assert sent_positions(alpha) == []
    successor = scripted_relay(alpha, log)
    assert successor.publish_round() == 3
    assert sent_positions(alpha) == positions
    successor.close()


def test_one_relay_of_a_city_publishes_while_the_other_stands_by(alpha):
    first = write_events(alpha, 3)
    log_a: list[int] = []
    log_b: list[int] = []
    leader, standby = scripted_relay(alpha, log_a), scripted_relay(alpha, log_b)
    assert leader.publish_round() == 3
    second = write_events(alpha, 2)
    assert standby.publish_round() is None
    assert log_b == []
    leader.close()  # the leader stops (or dies): its lock goes with it
    assert standby.publish_round() == 2
    assert (log_a, log_b) == (first, second)
    standby.close()


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_after_a_burst_the_relay_reads_a_batch_without_gathering_the_whole_backlog(alpha):
    """Thousands of rows just committed (the planner's statistics not yet updated): the read
    walks the unsent rows in order and stops at its batch, never collecting and sorting the
    whole backlog for every batch (30 ms a batch at 20,000 rows, docs/benchmarks.md)."""
    write_events(alpha, 300)
    with alpha.runtime.engine.begin() as connection:  # what autovacuum last saw: all sent
        connection.exec_driver_sql("UPDATE outbox SET sent_at = now()")
        connection.exec_driver_sql("ANALYZE outbox")
    with unit_of_work(alpha.sessions) as session:
        for n in range(5000):
            record_event(session, alpha.city, "lead", n, "reported", {"n": n})
    relay = scripted_relay(alpha, [], settings={"batch_size": 100})
    engine = alpha.runtime.engine
    with sent_statements(engine) as sent:
        rows, _ = relay._fetch(write_events(alpha, 1)[0] - 5001)  # from the burst's first row
    assert len(rows) == 100
    read = next(s for s in sent if "FROM outbox" in s[0] and "LIMIT" in s[0])
    # The read's plan, as it ran: in one transaction after what the relay set before it.
    with engine.begin() as connection:
        for statement, _ in sent[:sent.index(read)]:
            if statement.startswith("SET"):
                connection.exec_driver_sql(statement)
        steps = plan_steps(connection, *read)
    assert max(step["Actual Rows"] for step in steps) <= 100


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_an_event_committed_out_of_position_order_waits_for_the_earlier_one(alpha):
    # PostgreSQL takes positions from a sequence before commit: the earlier transaction may
    # commit last. The relay must not publish past it while it may still commit.
    log: list[int] = []
    relay = scripted_relay(alpha, log)
    slow = alpha.sessions()
    early = record_event(slow, alpha.city, "lead", 1, "reported", {"n": "early"})
    slow.flush()
    (late,) = write_events(alpha, 1, aggregate_id=1)
    assert early.position < late
    assert relay.publish_round() == 0
    slow.commit()
    slow.close()
    assert relay.publish_round() == 2
    assert log == [early.position, late]
    relay.close()


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_a_rolled_back_position_is_passed_once_its_gap_is_old(alpha):
    log: list[int] = []
    relay = scripted_relay(alpha, log, settings={"gap_timeout": 0.0})
    aborted = alpha.sessions()
    record_event(aborted, alpha.city, "lead", 1, "reported", {"n": "aborted"})
    aborted.flush()
    aborted.rollback()
    aborted.close()
    (kept,) = write_events(alpha, 1)
    assert relay.publish_round() == 1
    assert log == [kept]
    relay.close()


# --------------------------------------------------------------------------- real broker


@pytest.mark.kafka
def test_two_relays_on_postgresql_publish_each_event_once_in_order_per_key(
        kafka, kcat, postgres_server):
    servers = kafka.bootstrap_servers
    url = postgres_server.create_database(f"relay_{uuid.uuid4().hex[:12]}")
    node = city_node("alpha", "甲市", unique(), url)

    def backlog(serial_base: int) -> None:
        for serial in range(serial_base, serial_base + 8):
            project = node.client.post("/projects", json=project_body(serial)).json
            for step in range(8):
                node.client.patch(f"/projects/{project['id']}",
                                  json={"amount": str(50000 + step + 1)})
            node.client.post("/leads", json=lead_body(serial))

    relays = [node.relay(servers, batch_size=7), node.relay(servers, batch_size=7)]
    stops = [threading.Event(), threading.Event()]
    threads = [threading.Thread(target=r.run, args=(s,), daemon=True)
               for r, s in zip(relays, stops, strict=True)]
    backlog(1)
    for thread in threads:
        thread.start()
    try:
        wait_until(lambda: relays[0].unsent() == 0)
        # Both ran side by side; one led, the other published nothing.
        assert sorted(r.published for r in relays)[0] == 0
        leader = 0 if relays[0].published else 1
        stops[leader].set()
        threads[leader].join(30)
        first_phase = relays[leader].published
        backlog(100)
        wait_until(lambda: relays[1 - leader].unsent() == 0)
        assert relays[1 - leader].published > 0  # the standby took over
        assert relays[leader].published == first_phase
    finally:
        for stop in stops:
            stop.set()
        for thread in threads:
            thread.join(30)
    node.runtime.engine.dispose()

    messages = topic_messages(kcat, servers, node.city.topic)
    ids = [m["headers"]["ce_id"] for m in messages]
    assert len(ids) == len(set(ids)) == len(node.outbox_ids())
    by_key: dict[str, list[tuple[int, int]]] = {}
    for m in messages:
        by_key.setdefault(m["key"], []).append((m["offset"], int(m["headers"]["ce_sequence"])))
    for key, seen in by_key.items():
        sequences = [sequence for _, sequence in sorted(seen)]
        assert sequences == sorted(sequences), key


