"""Three brokers, replication factor 3, min.insync.replicas 2: losing one broker stops
neither the city's writes nor the province's updates."""

from __future__ import annotations

import time

import pytest

from core.relay import running
from infra.kafka_cluster import KafkaCluster
from tests.events.support import city_node, province, unique
from tests.support.records import lead_body, project_body

pytestmark = pytest.mark.kafka


def partition_leaders(cluster: KafkaCluster, topic: str) -> dict[int, int]:
    admin = cluster.admin_client()
    try:
        (description,) = admin.describe_topics([topic])
    finally:
        admin.close()
    return {p["partition_index"]: p["leader_id"] for p in description["partitions"]}


def topic_settings(cluster: KafkaCluster, topic: str) -> tuple[set[int], str]:
    """The replica counts of the topic's partitions and its own min.insync.replicas."""
    from kafka.admin import ConfigResource, ConfigResourceType

    admin = cluster.admin_client()
    try:
        (description,) = admin.describe_topics([topic])
        configs = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)],
                                         config_filter="all")["topic"][topic]
    finally:
        admin.close()
    return ({len(p["replica_nodes"]) for p in description["partitions"]},
            configs["min.insync.replicas"]["value"])


def test_writes_and_province_updates_continue_with_one_broker_killed(three_brokers, tmp_path):
    prefix = unique()
    servers = three_brokers.bootstrap_servers
    alpha = city_node("alpha", "甲市", prefix, f"sqlite:///{tmp_path / 'alpha.db'}",
                      partitions=3, replication=3)
    hub = province(prefix, ["alpha"], servers, tmp_path)
    consumer = hub.consumer()
    relay = alpha.relay(servers)
    with running(relay):
        for serial in range(1, 6):
            assert alpha.client.post("/leads", json=lead_body(serial)).status_code == 201
        consumer.consume_until(lambda: hub.inbox_ids() == alpha.outbox_ids(), timeout=60)
        assert topic_settings(three_brokers, alpha.city.topic) == ({3}, "2")

        victim = partition_leaders(three_brokers, alpha.city.topic)[0]
        three_brokers.stop_node(victim, kill=True)
        for serial in range(6, 21):
            assert alpha.client.post("/leads", json=lead_body(serial)).status_code == 201
            assert alpha.client.post("/projects", json=project_body(serial)).status_code == 201
        consumer.consume_until(lambda: hub.inbox_ids() == alpha.outbox_ids(), timeout=120)
        # Every event reached the province; the relay marks them sent once it has collected
        # their acks (its next round, after a backoff if the broker's death failed one).
        deadline = time.monotonic() + 60
        while relay.unsent() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert relay.unsent() == 0
    consumer.close()
    assert victim not in set(partition_leaders(three_brokers, alpha.city.topic).values())
    assert hub.holdings("alpha") == alpha.holdings()
