"""The relay's pipelined loop keeps its guarantees: the next batch is read while earlier ones
are in flight, yet a row is marked sent only once it and every row before it are
acknowledged; a failure mid-stream marks only the acknowledged prefix; a passed position
gap is never swept into a range update; and the messages are the exact CloudEvents ones."""

from __future__ import annotations

import contextlib
import json
import threading
import uuid
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from kafka.partitioner.default import murmur2 as kafka_murmur2

from core.db import unit_of_work
from core.events import record_event, to_json_value, wire_value
from core.models import OutboxEvent
from core.relay import Relay, RelayError, RelaySettings, cloudevent_message, leadership_for
from tests.events.support import city_node, topic_messages, unique
from tests.events.test_relay import ScriptedFuture, ScriptedProducer, sent_positions, write_events


class ManualProducer:
    """A producer whose broker answers only when the test says so (``settle``)."""

    def __init__(self) -> None:
        self.sent: list[int] = []
        self.futures: dict[int, ScriptedFuture] = {}

    def send(self, topic: str, value: bytes, key: bytes, headers: list[tuple[str, bytes]],
             timestamp_ms: int | None = None) -> Any:
        position = int(dict(headers)["ce_sequence"])
        self.sent.append(position)
        future = self.futures[position] = ScriptedFuture()
        return future

    def settle(self, positions: list[int], failing: int | None = None) -> None:
        for position in positions:
            future = self.futures[position]
            future.is_done = True
            if position == failing:
                future.exception = RuntimeError("delivery failed")

    def flush(self, timeout: float | None = None) -> None:
        if any(not future.is_done for future in self.futures.values()):
            raise TimeoutError("broker has not answered")

    def close(self, timeout: float | None = None) -> None:
        pass


def manual_relay(node, producers: list[ManualProducer], **settings: Any) -> Relay:
    def factory() -> ManualProducer:
        producers.append(ManualProducer())
        return producers[-1]

    return Relay(node.sessions, node.city.topic, leadership_for(node.runtime.engine, "alpha"),
                 delivery_factory=factory,
                 settings=RelaySettings(**({"gap_timeout": 3600.0} | settings)))


@pytest.fixture
def alpha(db_url):
    node = city_node("alpha", "甲市", unique(), db_url)
    yield node
    node.runtime.engine.dispose()


def test_batches_read_while_one_is_in_flight_wait_for_it_to_be_acknowledged(alpha):
    positions = write_events(alpha, 8)
    producers: list[ManualProducer] = []
    relay = manual_relay(alpha, producers, batch_size=3, max_in_flight=9)
    # Full batches: each round reads and hands over the next one without waiting.
    assert relay.publish_round() == 0
    assert relay.publish_round() == 0
    (producer,) = producers
    assert producer.sent == positions[:6]
    producer.settle(positions[3:6])  # the second batch is answered before the first
    with pytest.raises(RelayError):  # the last rows are read; the oldest is still unanswered
        relay.publish_round()
    assert producer.sent == positions
    assert sent_positions(alpha) == []
    producer.settle(positions[:3])
    assert relay.publish_round() == 6
    assert sent_positions(alpha) == positions[:6]
    producer.settle(positions[6:])
    assert relay.publish_round() == 2
    assert sent_positions(alpha) == positions
    assert producer.sent == positions  # each handed over once
    relay.close()


def test_the_next_batch_is_read_ahead_on_its_own_thread_while_one_is_sent(alpha):
    positions = write_events(alpha, 7)
    opened_on: list[str] = []

    def sessions():
        opened_on.append(threading.current_thread().name)
        return alpha.sessions()

    producer = ManualProducer()
    relay = Relay(sessions, alpha.city.topic, leadership_for(alpha.runtime.engine, "alpha"),
                  delivery_factory=lambda: producer,
                  settings=RelaySettings(batch_size=3, max_in_flight=30, gap_timeout=3600.0))
    assert relay.publish_round() == 0
    assert producer.sent == positions[:3]
    # A full batch: the one after it is read on the read-ahead thread, not in the round.
    assert relay.publish_round() == 0
    assert producer.sent == positions[:6]
    assert any(name.startswith("zhaoshang-relay-read") for name in opened_on)
    # Rows committed after a short read-ahead are read by a later round: none is skipped.
    later = write_events(alpha, 2, aggregate_id=2)
    for _ in range(4):
        producer.settle(producer.sent)
        relay.publish_round()
    assert producer.sent == positions + later  # each once, in position order
    assert sent_positions(alpha) == positions + later
    relay.close()


def test_a_failure_mid_stream_marks_only_the_acknowledged_prefix(alpha):
    positions = write_events(alpha, 8)
    producers: list[ManualProducer] = []
    relay = manual_relay(alpha, producers, batch_size=3)
    assert relay.publish_round() == 0
    assert relay.publish_round() == 0
    with pytest.raises(RelayError):  # all eight handed over; no answer yet
        relay.publish_round()
    first = producers[0]
    assert first.sent == positions
    # The broker acknowledges every row but the fifth, which fails.
    first.settle(positions, failing=positions[4])
    with pytest.raises(RelayError, match="delivery failed"):
        relay.publish_round()
    assert sent_positions(alpha) == positions[:4]
    # A fresh producer sends the rest again, from the failed row on, in order.
    assert relay.publish_round() == 0
    second = producers[1]
    second.settle(positions[4:7])
    assert relay.publish_round() == 3
    second.settle(positions[7:])
    assert relay.publish_round() == 1
    assert second.sent == positions[4:]
    assert sent_positions(alpha) == positions
    relay.close()


def test_a_stopping_relay_marks_the_acknowledged_prefix_and_no_more(alpha):
    positions = write_events(alpha, 5)
    producers: list[ManualProducer] = []
    relay = manual_relay(alpha, producers, close_timeout=0.1)
    with pytest.raises(RelayError):  # all five handed over; no answer yet
        relay.publish_round()
    # The broker answers the first three, then the relay is stopped before its next round.
    producers[0].settle(positions[:3])
    relay.close()
    assert sent_positions(alpha) == positions[:3]
    # The next relay publishes only the two the broker never answered.
    successor = manual_relay(alpha, producers)
    with pytest.raises(RelayError):
        successor.publish_round()
    assert producers[1].sent == positions[3:]
    producers[1].settle(positions[3:])
    assert successor.publish_round() == 2
    assert sent_positions(alpha) == positions
    successor.close()


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_a_passed_gap_that_commits_later_is_not_marked_with_its_neighbours(alpha):
    producers: list[ManualProducer] = []
    relay = manual_relay(alpha, producers, gap_timeout=0.0)
    (before,) = write_events(alpha, 1)
    slow = alpha.sessions()
    late = record_event(slow, alpha.city, "lead", 1, "reported", {"n": "late"})
    slow.flush()
    (after,) = write_events(alpha, 1)
    assert before < late.position < after
    with pytest.raises(RelayError):  # the gap is passed at once; the broker has not answered
        relay.publish_round()
    (producer,) = producers
    assert producer.sent == [before, after]
    slow.commit()  # the long transaction commits while its neighbours are in flight
    slow.close()
    producer.settle([before, after])
    assert relay.publish_round() == 2
    assert sent_positions(alpha) == [before, after]  # not the late row: it was never sent
    with pytest.raises(RelayError):  # caught up: the late row is read and handed over
        relay.publish_round()
    assert producer.sent == [before, after, late.position]
    producer.settle([late.position])
    assert relay.publish_round() == 1
    assert sent_positions(alpha) == [before, late.position, after]
    relay.close()


def test_the_messages_are_byte_for_byte_the_cloudevents_ones(alpha):
    data = {"name": "兰州新区项目 \"一期\"", "amount": Decimal("12345.6789"),
            "nested": {"a": [1, 2.5]}, "note": "tab\tand\nnewline", "empty": None, "flag": True}
    with unit_of_work(alpha.sessions) as session:
        for n in range(4):
            record_event(session, alpha.city, "project", n, "updated", data | {"n": n})
    sent: list[tuple[Any, ...]] = []

    class Recording(ScriptedProducer):
        def send(self, topic, value, key, headers, timestamp_ms=None):
            sent.append((key, value, headers, timestamp_ms))
            return super().send(topic, value, key, headers, timestamp_ms)

    relay = Relay(alpha.sessions, alpha.city.topic, leadership_for(alpha.runtime.engine, "alpha"),
                  delivery_factory=lambda: Recording([]))
    assert relay.publish_round() == 4
    relay.close()
    with alpha.sessions() as session:
        expected = [cloudevent_message(row) for row in session.scalars(
            sa.select(OutboxEvent).order_by(OutboxEvent.position))]
    assert sent == [(m.key, m.value, m.headers, m.timestamp_ms) for m in expected]
    # The value is the data as recorded, compact JSON: decimals exact, as strings.
    assert [value for _, value, _, _ in sent] == [
        wire_value(to_json_value(data | {"n": n})) for n in range(4)]
    assert json.loads(sent[0][1])["amount"] == "12345.6789"


# --------------------------------------------------------------------------- real broker


def node_with_backlog(db_url: str, events: int, keys: int):
    """A city whose outbox holds ``events`` unsent project events over ``keys`` projects."""
    node = city_node("alpha", "甲市", unique(), db_url)
    with unit_of_work(node.sessions) as session:
        for n in range(events):
            record_event(session, node.city, "project", n % keys, "updated",
                         {"step": n, "id": str(uuid.uuid4())})
    return node


@pytest.mark.kafka
def test_a_pipelined_backlog_reaches_the_broker_once_each_in_order_per_key(kafka, kcat, db_url):
    servers = kafka.bootstrap_servers
    node = node_with_backlog(db_url, events=600, keys=7)
    # Small batches and a window of several: many reads overlap the broker's answers.
    relay = node.relay(servers, batch_size=40, max_in_flight=200)
    assert relay.drain(timeout=120) == 600
    relay.close()
    assert relay.unsent() == 0
    messages = topic_messages(kcat, servers, node.city.topic)
    ids = [m["headers"]["ce_id"] for m in messages]
    assert len(ids) == len(set(ids)) == len(node.outbox_ids()) == 600
    by_key: dict[str, list[tuple[int, int]]] = {}
    for m in messages:
        by_key.setdefault(m["key"], []).append((m["offset"], int(m["headers"]["ce_sequence"])))
    assert len(by_key) == 7
    for key, seen in by_key.items():
        sequences = [sequence for _, sequence in sorted(seen)]
        assert sequences == sorted(sequences), key
    # The relay picks the partition itself (core.key_partitions): the default partitioner's.
    for m in messages:
        assert m["partition"] == (kafka_murmur2(m["key"].encode()) & 0x7FFFFFFF) % 3, m["key"]
    node.runtime.engine.dispose()


@pytest.mark.kafka
def test_a_broker_killed_mid_stream_leaves_only_acknowledged_rows_marked(kafka, kcat, db_url):
    servers = kafka.bootstrap_servers
    node = node_with_backlog(db_url, events=3000, keys=40)
    relay = node.relay(servers, batch_size=100, max_in_flight=600, flush_timeout=1.0)
    for _ in range(1000):  # until part of the backlog is acknowledged and marked
        if relay.published >= 300:
            break
        relay.publish_round()
    kafka.stop_node(0, kill=True)  # batches still in flight; the producer never hears back
    try:
        for _ in range(3):
            with contextlib.suppress(RelayError):
                relay.publish_round()
        with node.sessions() as session:
            marked = set(session.scalars(sa.select(OutboxEvent.id)
                                         .where(OutboxEvent.sent_at.is_not(None))))
        assert 300 <= len(marked) < 3000
    finally:
        kafka.start_node(0)
    # Every row marked sent while the broker was gone had been acknowledged: it is on the topic.
    on_topic = {m["headers"]["ce_id"] for m in topic_messages(kcat, servers, node.city.topic)}
    assert marked <= on_topic
    assert relay.drain(timeout=120) >= 3000 - len(marked)
    relay.close()
    assert relay.unsent() == 0
    messages = topic_messages(kcat, servers, node.city.topic)
    # Nothing lost; a row in flight at the kill may go out twice (consumers dedupe by ce_id),
    # but each key's events still come in position order once duplicates are set aside.
    assert {m["headers"]["ce_id"] for m in messages} == node.outbox_ids()
    by_key: dict[str, list[int]] = {}
    for m in sorted(messages, key=lambda m: (m["partition"], m["offset"])):
        seen = by_key.setdefault(m["key"], [])
        sequence = int(m["headers"]["ce_sequence"])
        if sequence not in seen:
            seen.append(sequence)
    assert all(seen == sorted(seen) for seen in by_key.values())
    node.runtime.engine.dispose()
