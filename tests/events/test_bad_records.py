"""Bad records amid good ones on a real broker: every record gets exactly one fate.

Good records are applied once; each bad one is set aside (province_dead_letters and the
dead-letter topic) byte for byte with its reason; the consumer never stops; a failing apply, a
database outage and a crash between the database and the Kafka commit lose and repeat nothing.
"""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from kafka import KafkaConsumer, KafkaProducer, TopicPartition

from core.models import OutboxEvent
from core.relay import cloudevent_message
from province.consumer import ProvinceConsumer
from province.dead_letters import raw_record_of
from province.models import CityState, DeadLetter, InboxEvent, PartitionPosition
from tests.events.support import city_node, province, unique
from tests.support.records import lead_body

pytestmark = pytest.mark.kafka


class RawName(str):
    """A header name kafka-python's producer writes as the given bytes (not UTF-8)."""

    raw: bytes = b"ce_\xff\xfe"

    def encode(self, *_args, **_kwargs) -> bytes:  # type: ignore[override]
        return self.raw


def report(node, serials: range) -> None:
    for serial in serials:
        response = node.client.post("/leads", json=lead_body(serial), as_=("clerk", "east"))
        assert response.status_code == 201, response.json


def publish(node, servers: str) -> None:
    relay = node.relay(servers)
    relay.drain()
    relay.close()


def a_lead_message(node):
    """The relay's message of the city's first lead.reported event."""
    with node.sessions() as session:
        row = session.scalars(sa.select(OutboxEvent).where(
            OutboxEvent.type == "zhaoshang.lead.reported").order_by(OutboxEvent.position)).first()
        return cloudevent_message(row)


def bad_records(message) -> list[tuple[str, bytes | None, list, bytes | None]]:
    """(expected reason, key, headers, value) of each bad record of the issue."""
    good = dict(message.headers)
    data = json.loads(message.value)

    def headers(serial: int, **changes: bytes | None) -> list[tuple[str, bytes]]:
        values = good | {"ce_id": f"bad-{serial}".encode()} | changes
        return [(name, value) for name, value in values.items() if value is not None]

    def value(**changes) -> bytes:
        return json.dumps(data | changes, ensure_ascii=False).encode()

    missing = {k: v for k, v in data.items() if k != "title"}
    return [
        ("header.not_utf8", message.key, headers(1, ce_type=b"zhaoshang.lead.\xff\xfe"), value()),
        ("headers.missing", message.key, [], value()),
        ("value.not_json", message.key, headers(3), b"{\"lead_id\": 1, oops"),
        ("value.not_object", message.key, headers(4), b"[1, 2, 3]"),
        ("data.invalid", message.key, headers(5), value(lead_id=[1, 2])),
        ("sequence.invalid", message.key, headers(6, ce_sequence=str(2**63 + 5).encode()),
         value()),
        ("type.uncatalogued", message.key, headers(7, ce_type=b"zhaoshang.lead.teleported"),
         value()),
        ("data.invalid", message.key, headers(8), json.dumps(missing).encode()),
        ("data.invalid", message.key, headers(9), value(reported_on="2024-13-45")),
        ("city.not_this_topic", message.key, headers(10, ce_city=b"beta"), value()),
        ("city.not_this_topic", message.key,
         headers(11, ce_city=None, ce_source=b"/zhaoshang/cities/beta"), value()),
        ("value.empty", message.key, headers(12), None),
    ]


def produce(servers: str, topic: str, records: list) -> dict[tuple[int, int], tuple]:
    """Send ``records`` (reason, key, headers, value) round-robin over three partitions; each
    one's (partition, offset)."""
    producer = KafkaProducer(bootstrap_servers=servers)
    futures = [(record, producer.send(topic, key=record[1], value=record[3], headers=record[2],
                                      partition=index % 3))
               for index, record in enumerate(records)]
    producer.flush()
    placed = {}
    for record, future in futures:
        metadata = future.get(timeout=30)
        placed[(metadata.partition, metadata.offset)] = record
    producer.close()
    return placed


def letters(hub) -> list[DeadLetter]:
    with hub.sessions() as session:
        return list(session.scalars(sa.select(DeadLetter).order_by(DeadLetter.id)))


def topic_records(servers: str, topic: str) -> list:
    reader = KafkaConsumer(bootstrap_servers=servers, group_id=None, enable_auto_commit=False)
    partition = TopicPartition(topic, 0)
    reader.assign([partition])
    reader.seek_to_beginning(partition)
    end = reader.end_offsets([partition])[partition]
    records = []
    while reader.position(partition) < end:
        for batch in reader.poll(timeout_ms=1000).values():
            records += batch
    reader.close()
    return records


def test_bad_records_amid_good_ones_are_set_aside_and_the_good_ones_applied_once(kafka, tmp_path):
    prefix = unique()
    servers = kafka.bootstrap_servers
    alpha = city_node("alpha", "甲市", prefix, f"sqlite:///{tmp_path / 'alpha.db'}")
    report(alpha, range(1, 21))
    publish(alpha, servers)
    message = a_lead_message(alpha)
    bad = bad_records(message)
    duplicate = ("applied once", message.key, list(message.headers), message.value)
    placed = produce(servers, alpha.city.topic, [*bad, duplicate])
    report(alpha, range(21, 43))  # after the bad ones: the consumer must not have stopped
    publish(alpha, servers)

    hub = province(prefix, ["alpha", "beta"], servers, tmp_path)
    consumer = hub.consumer()
    expected = alpha.outbox_ids()
    consumer.consume_until(lambda: hub.inbox_ids() == expected
                           and len(letters(hub)) == len(bad), timeout=120)
    consumer.publish_dead_letters()
    consumer.close()

    # Every good record applied exactly once: the province's copy is the city's.
    assert hub.holdings("alpha")["leads"] == alpha.holdings()["leads"]
    assert len(alpha.holdings()["leads"]) == 42
    (figures,) = [row for row in hub.get("/cities?from=2024-01-01&to=2024-12-31")["cities"]
                  if row["key"] == "alpha"]
    assert figures["leads_reported"] == 42
    with hub.sessions() as session:
        assert session.get(CityState, "alpha").events == len(expected)
        inbox = set(session.scalars(sa.select(InboxEvent.id)))
    assert inbox == expected  # the inbox holds only applied events, none of the bad

    # Every bad record kept byte for byte with its reason, where it was on the topic.
    kept = {(letter.partition, letter.offset): letter for letter in letters(hub)}
    by_position = {position: record for position, record in placed.items()
                   if record[0] != "applied once"}
    assert kept.keys() == by_position.keys()
    for position, (reason, key, headers, value) in by_position.items():
        letter = kept[position]
        assert (letter.reason, letter.city, letter.topic) == (reason, "alpha", alpha.city.topic)
        assert letter.status == "held" and letter.detail
        raw = raw_record_of(letter)
        assert (raw.key, raw.value, list(raw.headers)) == (key, value, headers)
    assert consumer.dead_lettered == len(bad)

    # The dead-letter topic holds one record per dead letter, saying why.
    published = topic_records(servers, hub.config.dead_letter_topic)
    assert len(published) == len(kept)
    reasons = sorted(dict(record.headers)["dl_reason"].decode() for record in published)
    assert reasons == sorted(letter.reason for letter in kept.values())
    assert all(letter.published_at is not None for letter in letters(hub))


def test_a_header_name_that_is_not_utf8_is_set_aside_with_its_bytes_and_passed(kafka, tmp_path):
    """kafka-python alone cannot read such a record (and then stops for good); ours reads it."""
    prefix = unique()
    servers = kafka.bootstrap_servers
    alpha = city_node("alpha", "甲市", prefix, f"sqlite:///{tmp_path / 'alpha.db'}", partitions=1)
    report(alpha, range(1, 4))
    publish(alpha, servers)
    message = a_lead_message(alpha)
    unnamed = ("header.not_utf8", message.key, [(RawName("x"), b"1")] + list(message.headers),
               message.value)
    ((partition, offset),) = produce(servers, alpha.city.topic, [unnamed]).keys()
    report(alpha, range(4, 7))  # after it, on the same partition
    publish(alpha, servers)
    expected = alpha.outbox_ids()

    hub = province(prefix, ["alpha"], servers, tmp_path)
    consumer = hub.consumer()
    consumer.consume_until(lambda: hub.inbox_ids() == expected and letters(hub), timeout=60)
    tp = TopicPartition(alpha.city.topic, partition)
    end = consumer.consumer.end_offsets([tp])[tp]
    committed = consumer.consumer.committed(tp)
    consumer.close()

    (letter,) = letters(hub)
    assert (letter.reason, letter.partition, letter.offset) == ("header.not_utf8", partition,
                                                                offset)
    assert r"b'ce_\xff\xfe'" in letter.detail
    assert letter.event_id == dict(message.headers)["ce_id"].decode()  # what could be read
    raw = raw_record_of(letter)  # its bytes, the name's as base64 (JSON holds only text)
    assert (raw.key, raw.value) == (message.key, message.value)
    assert list(raw.headers) == [("base64:Y2Vf//4=", b"1"), *message.headers]
    # The records after it applied, each once; position and commit past them all.
    assert consumer.applied == len(expected) and consumer.dead_lettered == 1
    assert hub.holdings("alpha")["leads"] == alpha.holdings()["leads"]
    with hub.sessions() as session:
        assert session.get(CityState, "alpha").events == len(expected)
        assert session.get(PartitionPosition, (tp.topic, partition)).next_offset == end
    assert committed == end > offset + 1


def test_a_batch_with_a_header_name_that_is_not_utf8_is_read_whole():
    """Our reading differs from kafka-python's only for the record it cannot read."""
    from kafka.record.default_records import DefaultRecordBatchBuilder
    from kafka.record.memory_records import MemoryRecords

    from province.header_names import UndecodedName, _Records

    builder = DefaultRecordBatchBuilder(magic=2, compression_type=0, is_transactional=False,
                                        producer_id=-1, producer_epoch=-1, base_sequence=-1,
                                        batch_size=100_000)
    written = [(b"k0", b"v0", [("ce_id", b"a"), ("名", None)]),
               (None, b"v1", [(RawName("x"), b"1"), ("ce_id", b"b")]),
               (b"k2", None, [])]
    for index, (key, value, headers) in enumerate(written):
        builder.append(index, timestamp=1_700_000_000_000 + index, key=key, value=value,
                       headers=headers)
    data = bytes(builder.build())

    (batch,) = iter(_Records(MemoryRecords(data)).next_batch, None)
    records = list(batch)
    assert [(r.offset, r.timestamp, r.key, r.value, r.headers) for r in records] == [
        (0, 1_700_000_000_000, b"k0", b"v0", [("ce_id", b"a"), ("名", None)]),
        (1, 1_700_000_000_001, None, b"v1", [("base64:Y2Vf//4=", b"1"), ("ce_id", b"b")]),
        (2, 1_700_000_000_002, b"k2", None, [])]
    name = records[1].headers[0][0]
    assert isinstance(name, UndecodedName) and name.raw == RawName.raw
    assert not isinstance(records[0].headers[0][0], UndecodedName)
    with pytest.raises(Exception, match="invalid record structure"):  # kafka-python alone
        list(MemoryRecords(data).next_batch())


def test_a_record_whose_apply_fails_is_set_aside_while_its_batch_mates_apply(
        kafka, tmp_path, monkeypatch):
    from province import store

    prefix = unique()
    servers = kafka.bootstrap_servers
    alpha = city_node("alpha", "甲市", prefix, f"sqlite:///{tmp_path / 'alpha.db'}", partitions=1)
    report(alpha, range(1, 6))
    publish(alpha, servers)
    doomed = a_lead_message(alpha)
    doomed_id = dict(doomed.headers)["ce_id"].decode()
    apply_state = store._apply_state

    def failing(batch, event):
        if event.id == doomed_id:
            raise RuntimeError("the store cannot take this one")
        apply_state(batch, event)

    monkeypatch.setattr(store, "_apply_state", failing)
    hub = province(prefix, ["alpha"], servers, tmp_path)
    consumer = hub.consumer()
    expected = alpha.outbox_ids() - {doomed_id}
    consumer.consume_until(lambda: hub.inbox_ids() == expected and letters(hub), timeout=60)
    consumer.close()
    (letter,) = letters(hub)
    assert (letter.reason, letter.event_id) == ("apply.failed", doomed_id)
    assert "the store cannot take this one" in letter.detail
    assert raw_record_of(letter).value == doomed.value
    doomed_lead = json.loads(doomed.value)["lead_id"]
    # Its batch-mates applied: every other lead is the province's.
    assert hub.holdings("alpha")["leads"].keys() == alpha.holdings()["leads"].keys() - {doomed_lead}


def test_a_database_failure_in_a_round_loses_nothing(kafka, tmp_path):
    prefix = unique()
    servers = kafka.bootstrap_servers
    alpha = city_node("alpha", "甲市", prefix, f"sqlite:///{tmp_path / 'alpha.db'}")
    report(alpha, range(1, 11))
    publish(alpha, servers)
    hub = province(prefix, ["alpha"], servers, tmp_path)
    failures = {"left": 3}

    def flaky_sessions():
        session = hub.sessions()
        commit = session.commit

        def failing_commit():
            if failures["left"] > 0:
                failures["left"] -= 1
                raise sa.exc.OperationalError("COMMIT", {}, Exception("database is locked"))
            commit()

        session.commit = failing_commit
        return session

    consumer = ProvinceConsumer(hub.config, flaky_sessions)
    consumer.consume_until(lambda: hub.inbox_ids() == alpha.outbox_ids(), timeout=60)
    consumer.close()
    assert failures["left"] == 0  # the rounds did fail
    assert hub.holdings("alpha")["leads"] == alpha.holdings()["leads"]
    assert letters(hub) == []  # a database outage is no record's fault


def test_a_consumer_restarted_between_the_database_and_the_kafka_commit_reapplies_nothing(
        kafka, tmp_path, monkeypatch):
    prefix = unique()
    servers = kafka.bootstrap_servers
    alpha = city_node("alpha", "甲市", prefix, f"sqlite:///{tmp_path / 'alpha.db'}")
    report(alpha, range(1, 11))
    publish(alpha, servers)
    hub = province(prefix, ["alpha"], servers, tmp_path)

    crashed = hub.consumer()
    monkeypatch.setattr(crashed, "_commit_offsets", lambda offsets: None)  # died before it
    crashed.consume_until(lambda: hub.inbox_ids() == alpha.outbox_ids(), timeout=60)
    crashed.close()
    with hub.sessions() as session:
        events = session.get(CityState, "alpha").events
        assert session.scalar(sa.select(sa.func.sum(PartitionPosition.next_offset))) == events
    # The inbox ids are pruned (province.pruning): only the positions know what was done.
    with hub.sessions.begin() as session:
        session.execute(sa.delete(InboxEvent))

    before = alpha.outbox_ids()
    report(alpha, range(11, 12))
    publish(alpha, servers)
    new = alpha.outbox_ids() - before
    restarted = hub.consumer()
    restarted.consume_until(lambda: hub.inbox_ids() == new, timeout=60)
    restarted.close()
    with hub.sessions() as session:
        assert session.get(CityState, "alpha").events == events + len(new)
    assert restarted.applied == len(new)


def test_the_request_id_header_and_unknown_extensions_are_read_not_set_aside(tmp_path):
    """``ce_requestid`` (and any extension attribute a newer city adds) is no bad record."""
    from province.config import build_config
    from province.records import RawRecord, read_event
    from tests.events.support import province_config

    alpha = city_node("alpha", "甲市", unique(), f"sqlite:///{tmp_path / 'alpha.db'}")
    report(alpha, range(1, 2))
    message = a_lead_message(alpha)
    config = build_config(province_config(alpha.city.config["events"]["topic_prefix"], ["alpha"],
                                          "127.0.0.1:9", f"sqlite:///{tmp_path / 'p.db'}"))
    plain = tuple((name, value) for name, value in message.headers if name != "ce_requestid")
    assert len(plain) == len(message.headers) - 1  # the request's own id, made by the city
    headers = (*plain, ("ce_requestid", b"abc"), ("ce_traceparent", b"00-1-2-01"))
    raw = RawRecord(topic=alpha.city.topic, partition=0, offset=0, key=message.key,
                    value=message.value, headers=headers)
    event = read_event(raw, config)
    assert (event.type, event.request_id) == ("zhaoshang.lead.reported", "abc")
    assert read_event(RawRecord(topic=alpha.city.topic, partition=0, offset=1, key=message.key,
                                value=message.value, headers=plain),
                      config).request_id is None
