"""Retention by design, republish and rebuild, on a real broker.

A city topic keeps every record unless the deployment says otherwise; a province rebuilt from
nothing (or a new one) reaches the live province's figures from the topic alone after the
history is older than the broker's default retention would have kept, and ``relay
republish`` (from the outbox or from the current state) feeds a new province the same figures
without moving a live one's.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import ConfigResource, ConfigResourceType, NewTopic
from kafka.structs import OffsetAndMetadata

from core import cli
from core.clock import travel, utcnow
from core.db import unit_of_work
from core.models import OutboxEvent
from core.snapshot import record_snapshot
from province.models import CityState
from province.rebuild import RebuildRefused, rebuild
from province.reports import consumer_lag
from tests.events.support import CityNode, Province, city_node, province, unique
from tests.events.test_consumer_crash import load_demo
from tests.support.records import enterprise, lead_body
from tests.support.toml import toml_text

pytestmark = pytest.mark.kafka

SETTINGS = ("retention.ms", "cleanup.policy", "min.compaction.lag.ms", "delete.retention.ms")


def admin(servers: str) -> KafkaAdminClient:
    return KafkaAdminClient(bootstrap_servers=servers, client_id="test-admin")


def topic_settings(servers: str, topic: str) -> dict[str, str]:
    client = admin(servers)
    try:
        described = client.describe_configs(
            [ConfigResource(ConfigResourceType.TOPIC, topic, dict.fromkeys(SETTINGS))],
            config_filter="all")
    finally:
        client.close()
    return {name: entry["value"] for name, entry in described["topic"][topic].items()}


def publish(node: CityNode, servers: str) -> None:
    relay = node.relay(servers)
    relay.drain()
    relay.close()


def consume_all(hub: Province, *nodes: CityNode, timeout: float = 120) -> None:
    """Consume until the province holds every event the cities wrote."""
    written = set().union(*(node.outbox_ids() for node in nodes))
    consumer = hub.consumer()
    try:
        consumer.consume_until(lambda: hub.inbox_ids() >= written, timeout=timeout)
    finally:
        consumer.close()


def figures(hub: Province) -> dict[str, Any]:
    """What the operator reads: city figures, ranking, completeness, shared investors."""
    state = hub.state()
    return {name: state[name] for name in ("cities", "ranking", "completeness", "shared")}


def city_history(node: CityNode) -> None:
    """The core's demo records, one investor courted twice, and a snapshot."""
    load_demo(node, enterprise(4242, name="共同关注投资集团有限公司"))
    node.client.post("/leads", json=lead_body(1), as_=("clerk", "east"))
    with unit_of_work(node.sessions) as session:
        record_snapshot(session, node.city)


# --------------------------------------------------------------------------- retention


def test_a_city_topic_keeps_everything_and_an_existing_topic_takes_the_configured_retention(
        kafka, tmp_path):
    servers = kafka.bootstrap_servers
    prefix = unique()
    alpha = city_node("alpha", "甲市", prefix, f"sqlite:///{tmp_path / 'alpha.db'}")
    alpha.client.post("/leads", json=lead_body(1), as_=("clerk", "east"))
    publish(alpha, servers)
    kept = topic_settings(servers, alpha.city.topic)
    assert (kept["retention.ms"], kept["cleanup.policy"]) == ("-1", "delete")

    # A topic made earlier with the broker's habits (7 days) is brought to the configuration.
    beta_topic = f"{prefix}.beta"
    client = admin(servers)
    client.create_topics([NewTopic(beta_topic, 3, 1, topic_configs={
        "retention.ms": str(7 * 24 * 3600 * 1000)})])
    client.close()
    beta = city_node("beta", "乙市", prefix, f"sqlite:///{tmp_path / 'beta.db'}",
                     events={"cleanup_policy": "compact", "compaction_lag_days": 3})
    beta.client.post("/leads", json=lead_body(2), as_=("clerk", "east"))
    publish(beta, servers)
    lag = str(3 * 24 * 3600 * 1000)
    assert topic_settings(servers, beta_topic) == {
        "retention.ms": "-1", "cleanup.policy": "compact", "min.compaction.lag.ms": lag,
        "delete.retention.ms": lag}

    # A deployment that chooses a retention gets it on its next relay start.
    gamma = city_node("beta", "乙市", prefix, f"sqlite:///{tmp_path / 'gamma.db'}",
                      events={"retention_days": 400})
    gamma.client.post("/leads", json=lead_body(3), as_=("clerk", "east"))
    publish(gamma, servers)
    changed = topic_settings(servers, beta_topic)
    assert (changed["retention.ms"], changed["cleanup.policy"]) == (
        str(400 * 24 * 3600 * 1000), "delete")


# --------------------------------------------------------------------------- rebuild


def copy_topic(servers: str, source: str, target: str) -> int:
    """Every record of ``source`` onto ``target`` with its key, value, headers and timestamp."""
    consumer = KafkaConsumer(bootstrap_servers=servers, enable_auto_commit=False)
    producer = KafkaProducer(bootstrap_servers=servers)
    try:
        partitions = [TopicPartition(source, p) for p in consumer.partitions_for_topic(source)]
        consumer.assign(partitions)
        consumer.seek_to_beginning()
        ends = consumer.end_offsets(partitions)
        copied = 0
        deadline = time.monotonic() + 60
        while any(consumer.position(tp) < ends[tp] for tp in partitions):
            assert time.monotonic() < deadline, "the city topic could not be read"
            for batch in consumer.poll(timeout_ms=500).values():
                for record in batch:
                    producer.send(target, key=record.key, value=record.value,
                                  headers=list(record.headers), timestamp_ms=record.timestamp)
                    copied += 1
        producer.flush()
        return copied
    finally:
        producer.close()
        consumer.close()


def beginnings(servers: str, topic: str) -> dict[int, int]:
    consumer = KafkaConsumer(bootstrap_servers=servers)
    try:
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic)]
        return {tp.partition: offset for tp, offset in consumer.beginning_offsets(partitions).items()}
    finally:
        consumer.close()


def test_a_province_rebuilt_from_nothing_matches_the_live_one_after_the_default_retention(
        kafka, tmp_path, monkeypatch):
    servers = kafka.bootstrap_servers
    prefix = unique()
    alpha, beta = (city_node(code, name, prefix, f"sqlite:///{tmp_path / (code + '.db')}")
                   for code, name in (("alpha", "甲市"), ("beta", "乙市")))
    with travel(utcnow() - dt.timedelta(days=10)):  # the cities' history, 10 days ago
        for node in (alpha, beta):
            city_history(node)
            publish(node, servers)
    with alpha.sessions() as session:
        newest = session.scalar(sa.select(sa.func.max(OutboxEvent.time)))
    assert utcnow() - newest.replace(tzinfo=dt.UTC) > dt.timedelta(days=9)

    # The control: the same records on a topic with the broker's default retention.
    control = f"{prefix}.control"
    client = admin(servers)
    client.create_topics([NewTopic(control, 1, 1, topic_configs={"segment.ms": "100"})])
    client.close()
    copied = copy_topic(servers, alpha.city.topic, control)
    assert copied == len(alpha.outbox_ids())
    time.sleep(0.2)  # past segment.ms, so the next record rolls the segment
    fresh = KafkaProducer(bootstrap_servers=servers)
    fresh.send(control, key=b"fresh", value=b"{}").get(timeout=30)
    fresh.close()
    alpha.client.post("/leads", json=lead_body(2), as_=("clerk", "east"))  # today's event
    publish(alpha, servers)
    deadline = time.monotonic() + 180
    while beginnings(servers, control)[0] < copied:
        assert time.monotonic() < deadline, "the broker never applied its default retention"
        time.sleep(1)
    # The broker's default would have deleted the history; the city topic still holds it all.
    assert set(beginnings(servers, alpha.city.topic).values()) == {0}

    cities = {"alpha": "甲市", "beta": "乙市"}
    live = province(prefix, cities, servers, tmp_path, name="live", names=cities)
    consume_all(live, alpha, beta)
    expected = live.state()
    assert all(row["leads_reported"] > 0 for row in expected["cities"])
    assert expected["shared"]  # the investor both cities court

    # A new province, empty database and group of its own, reads the same from the topic.
    newcomer = province(prefix, cities, servers, tmp_path, name="new", names=cities)
    consume_all(newcomer, alpha, beta)
    assert newcomer.state() == expected

    # Rebuilding the live province: refused while its consumer runs, then from nothing.
    running = live.consumer()
    running.poll_once()
    with pytest.raises(RebuildRefused, match="active member"):
        rebuild(live.config, live.sessions)
    running.close()
    config_file = tmp_path / "live.toml"
    config_file.write_text(toml_text(live.config.raw))
    refused = CliRunner().invoke(cli.main, ["province", "rebuild", "--config", str(config_file)])
    assert refused.exit_code != 0 and "--yes" in refused.output
    done = CliRunner().invoke(cli.main, ["province", "rebuild", "--yes",
                                         "--config", str(config_file)])
    assert done.exit_code == 0, done.output
    report = json.loads(done.output)
    assert report["offsets_reset"] == {alpha.city.topic: 3, beta.city.topic: 3}
    assert report["rows_deleted"]["province_inbox"] == len(alpha.outbox_ids() | beta.outbox_ids())
    assert live.inbox_ids() == set()
    consume_all(live, alpha, beta)
    assert live.state() == expected


# --------------------------------------------------------------------------- republish


def republish(node: CityNode, monkeypatch: pytest.MonkeyPatch, *args: str) -> dict[str, Any]:
    monkeypatch.setattr(cli, "city_app", lambda city_code, config: node.app)
    result = CliRunner().invoke(cli.main, ["relay", "republish", "--city", "alpha", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def end_offsets(servers: str, topic: str) -> dict[TopicPartition, int]:
    consumer = KafkaConsumer(bootstrap_servers=servers)
    try:
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic)]
        return consumer.end_offsets(partitions)
    finally:
        consumer.close()


def start_group_at(hub: Province, offsets: dict[TopicPartition, int]) -> None:
    """Commit ``offsets`` as the province group's starting point."""
    consumer = KafkaConsumer(bootstrap_servers=hub.config.bootstrap_servers,
                             group_id=hub.config.group_id, enable_auto_commit=False)
    try:
        consumer.commit({tp: OffsetAndMetadata(offset, "", -1) for tp, offset in offsets.items()})
    finally:
        consumer.close(autocommit=False)


def reconciled(view: dict[str, Any]) -> list[dict[str, Any]]:
    """What completeness says of each city, apart from which snapshot it compared with."""
    return [{key: row[key] for key in ("city", "status", "province", "differences",
                                       "missing_events")} for row in view["completeness"]]


def city_events(hub: Province) -> int:
    with hub.sessions() as session:
        return session.scalar(sa.select(CityState.events).where(CityState.city == "alpha"))


def test_republish_feeds_a_new_province_the_live_figures_and_moves_no_live_figure(
        kafka, tmp_path, monkeypatch):
    servers = kafka.bootstrap_servers
    prefix = unique()
    alpha = city_node("alpha", "甲市", prefix, f"sqlite:///{tmp_path / 'alpha.db'}")
    city_history(alpha)
    publish(alpha, servers)
    live = province(prefix, ["alpha"], servers, tmp_path, name="live", names={"alpha": "甲市"})
    consume_all(live, alpha)
    expected = figures(live)
    assert [row["status"] for row in expected["completeness"]] == ["complete"]
    written = len(alpha.outbox_ids())

    # --outbox: the same ids again, at new offsets; the live province counts nothing twice.
    outbox = republish(alpha, monkeypatch, "--outbox")
    neither = CliRunner().invoke(cli.main, ["relay", "republish", "--city", "alpha"])
    assert neither.exit_code == 2 and "exactly one of --outbox or --state" in neither.output
    assert (outbox["marked"], outbox["already_unsent"]) == (written, 0)
    assert outbox["first_position"] == 1 and outbox["last_position"] == written
    publish(alpha, servers)
    assert alpha.outbox_ids() == live.inbox_ids()
    assert sum(end_offsets(servers, alpha.city.topic).values()) == 2 * written
    consumer = live.consumer()
    consumer.consume_until(lambda: consumer_lag(live.config)[alpha.city.topic] == 0)
    consumer.close()
    assert figures(live) == expected and city_events(live) == written

    # Into a new province (its own database and group) it gives the live figures.
    newcomer = province(prefix, ["alpha"], servers, tmp_path, name="new", names={"alpha": "甲市"})
    consume_all(newcomer, alpha)
    assert figures(newcomer) == expected

    # --state: new events, one per project and lead, and a snapshot counting them. A
    # province whose topic lost the history (compaction, a chosen retention) sees only them:
    # its group starts where the restatements begin.
    restated_only = province(prefix, ["alpha"], servers, tmp_path, name="restated",
                             names={"alpha": "甲市"})
    start_group_at(restated_only, end_offsets(servers, alpha.city.topic))
    state_run = republish(alpha, monkeypatch, "--state")
    holdings = alpha.holdings()
    assert (state_run["projects"], state_run["leads"]) == (
        len(holdings["projects"]), len(holdings["leads"]))
    restated = state_run["projects"] + state_run["leads"] + 1
    assert state_run["last_position"] - state_run["first_position"] + 1 == restated
    publish(alpha, servers)
    consume_all(live, alpha)
    after = figures(live)
    # A newer snapshot (counting the restatements) is compared now: still complete, same
    # totals, nothing missing; the city figures, ranking and shared investors did not move.
    assert after | {"completeness": reconciled(after)} == expected | {
        "completeness": reconciled(expected)}
    assert city_events(live) == written + restated

    # The province that only ever saw the restatements holds the same figures.
    with alpha.sessions() as session:
        restatements = set(session.scalars(sa.select(OutboxEvent.id).where(
            OutboxEvent.position >= state_run["first_position"])))
    consumer = restated_only.consumer()
    consumer.consume_until(lambda: restated_only.inbox_ids() >= restatements, timeout=120)
    consumer.close()
    assert city_events(restated_only) == restated
    assert restated_only.holdings("alpha") == live.holdings("alpha")
    new_view = figures(restated_only)
    assert (new_view["cities"], new_view["ranking"], new_view["shared"]) == (
        after["cities"], after["ranking"], after["shared"])
