"""Real Apache Kafka (KRaft) from infra/kafka_cluster.py: one node, and three nodes losing one.

These tests never skip: without Java or Maven they fail with KafkaSetupError saying what is
missing.
"""

from __future__ import annotations

import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from kafka import KafkaConsumer, KafkaProducer

from infra.kafka_cluster import (
    KafkaCluster,
    KafkaSetupError,
    ensure_jars,
    jars_present,
)


@pytest.fixture
def run_dir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="zs-kafka-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _produce(cluster: KafkaCluster, topic: str, values: list[bytes], key: bytes | None = None):
    producer = KafkaProducer(
        bootstrap_servers=cluster.bootstrap_servers,
        acks="all",
        enable_idempotence=True,
        request_timeout_ms=30000,
        delivery_timeout_ms=120000,
    )
    try:
        metas = [producer.send(topic, value=v, key=key).get(timeout=120) for v in values]
        producer.flush()
        return metas
    finally:
        producer.close()


def _consume_all(cluster: KafkaCluster, topic: str, expected: int) -> list[bytes]:
    consumer = KafkaConsumer(
        topic,
        bootstrap_servers=cluster.bootstrap_servers,
        group_id=f"test-{uuid.uuid4().hex[:8]}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        consumer_timeout_ms=1000,
    )
    got: list[bytes] = []
    deadline = time.monotonic() + 60
    try:
        while len(got) < expected and time.monotonic() < deadline:
            for records in consumer.poll(timeout_ms=1000).values():
                got.extend(r.value for r in records)
    finally:
        consumer.close()
    return got


def _isr(cluster: KafkaCluster, topic: str) -> dict[int, set[int]]:
    admin = cluster.admin_client()
    try:
        (desc,) = admin.describe_topics([topic])
    finally:
        admin.close()
    return {p["partition_index"]: set(p["isr_nodes"]) for p in desc["partitions"]}


def _leaders(cluster: KafkaCluster, topic: str) -> dict[int, int]:
    admin = cluster.admin_client()
    try:
        (desc,) = admin.describe_topics([topic])
    finally:
        admin.close()
    return {p["partition_index"]: p["leader_id"] for p in desc["partitions"]}


def test_ensure_jars_without_maven_fails_clearly(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # neither mvn nor java on PATH
    with pytest.raises(KafkaSetupError, match="mvn"):
        ensure_jars(tmp_path / "libs")
    assert not jars_present(tmp_path / "libs")


@pytest.mark.kafka
def test_single_node_produce_consume_and_restart(run_dir):
    topic = "zs.test.single"
    started = time.monotonic()
    with KafkaCluster(nodes=1, base_dir=run_dir) as cluster:
        print(f"1-node start: {time.monotonic() - started:.1f}s")
        info = cluster.describe_cluster()
        assert [b["broker_id"] for b in info["brokers"]] == [0]
        first_id = cluster.cluster_id
        assert info["cluster_id"] == first_id

        cluster.create_topic(topic, partitions=1, replication=1)
        (meta,) = _produce(cluster, topic, [b"hello"], key=b"k1")
        assert meta.offset == 0
        assert _consume_all(cluster, topic, 1) == [b"hello"]

        # auto.create.topics.enable=false: an unknown topic stays unknown.
        admin = cluster.admin_client()
        try:
            assert "zs.test.nope" not in admin.list_topics()
        finally:
            admin.close()

    assert not cluster.is_running(0)
    # Same directory, fresh object and fresh ports: reuses the formatted dir and its data.
    with KafkaCluster(nodes=1, base_dir=run_dir) as again:
        assert again.cluster_id == first_id
        assert _consume_all(again, topic, 1) == [b"hello"]


@pytest.mark.kafka
def test_three_nodes_survive_a_killed_node_and_it_rejoins_with_its_data(run_dir):
    topic = "zs.test.replicated"
    started = time.monotonic()
    cluster = KafkaCluster(nodes=3, base_dir=run_dir)
    try:
        cluster.start()
        print(f"3-node start: {time.monotonic() - started:.1f}s")
        assert cluster.server_properties(0)["min.insync.replicas"] == "2"
        assert cluster.server_properties(0)["offsets.topic.replication.factor"] == "3"
        assert len(cluster.bootstrap_servers.split(",")) == 3

        cluster.create_topic(topic, partitions=3, replication=3, config={"min.insync.replicas": 2})
        assert all(isr == {0, 1, 2} for isr in _isr(cluster, topic).values())
        before = [f"before-{i}".encode() for i in range(30)]
        _produce(cluster, topic, before)

        # Kill (SIGKILL, no controlled shutdown) the leader of partition 0.
        victim = _leaders(cluster, topic)[0]
        meta_props = (cluster.data_dir(victim) / "meta.properties").read_text()
        partition_dirs = sorted(p.name for p in cluster.data_dir(victim).glob(f"{topic}-*"))
        assert partition_dirs == [f"{topic}-{p}" for p in range(3)]
        cluster.stop_node(victim, kill=True)
        assert not cluster.is_running(victim)

        t0 = time.monotonic()
        during = [f"during-{i}".encode() for i in range(30)]
        metas = _produce(cluster, topic, during)  # acks=all, min.insync.replicas=2
        assert len(metas) == len(during)
        print(f"acks=all writes with node {victim} dead: {time.monotonic() - t0:.1f}s")
        assert victim not in set(_leaders(cluster, topic).values())

        # Restart: same data dir, never reformatted, catches up and rejoins every ISR.
        t0 = time.monotonic()
        cluster.start_node(victim)
        print(f"node {victim} restart: {time.monotonic() - t0:.1f}s")
        assert (cluster.data_dir(victim) / "meta.properties").read_text() == meta_props
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if all(victim in isr for isr in _isr(cluster, topic).values()):
                break
            time.sleep(0.5)
        assert all(isr == {0, 1, 2} for isr in _isr(cluster, topic).values())

        got = _consume_all(cluster, topic, len(before) + len(during))
        assert sorted(got) == sorted(before + during)

        # A graceful stop (SIGTERM, controlled shutdown) of another node: writes go on.
        other = (victim + 1) % 3
        cluster.stop_node(other)
        _produce(cluster, topic, [b"after-sigterm"])
        cluster.start_node(other)
    finally:
        cluster.stop(kill=True)
    assert not any(cluster.is_running(i) for i in range(3))


@pytest.mark.kafka
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_the_foreground_cluster_stops_its_brokers_on_a_signal(run_dir, signum):
    """``python -m infra.kafka_cluster start`` (``make up``'s broker) stops on SIGTERM/SIGINT
    through infra.local_servers' shared loop: exit 0, no broker left running."""
    command = [sys.executable, "-m", "infra.kafka_cluster", "start", "--nodes", "1", "--port", "0",
               "--dir", str(run_dir), "--quick-start"]
    runner = subprocess.Popen(command, cwd=Path(__file__).resolve().parents[2],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        ready = ""
        while "ready" not in ready and (line := runner.stdout.readline()):
            ready = line  # the line saying where the broker listens
        assert "ready" in ready and "Ctrl-C / SIGTERM stops." in ready, ready
        port = int(re.search(r"bootstrap.servers=127.0.0.1:(\d+)", ready).group(1))
        runner.send_signal(signum)
        assert runner.wait(timeout=90) == 0
        said = runner.stdout.read()
        assert f"{signal.Signals(signum).name}: stopping" in said, said
    finally:
        if runner.poll() is None:
            runner.kill()
    with pytest.raises(OSError):  # the broker went with it: nothing listens on its port
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
