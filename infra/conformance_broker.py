"""A one-node Kafka broker for the conformance kit (entry point ``zhaoshang.conformance: kafka``).

The kit's ``zhaoshang_kafka`` fixture (core/conformance/fixtures.py) uses it when
``ZHAOSHANG_CONFORMANCE_KAFKA`` names no broker; the core itself never imports ``infra``.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def one_node_broker() -> Iterator[str]:
    """A KRaft broker from ``infra/kafka`` (Java 17 and Maven; jars fetched once), stopped and
    removed on exit; yields its bootstrap servers."""
    from infra.kafka_cluster import KafkaCluster

    base = Path(tempfile.mkdtemp(prefix="zs-conformance-kafka-"))
    cluster = KafkaCluster(nodes=1, base_dir=base)
    cluster.start()
    try:
        yield cluster.bootstrap_servers
    finally:
        cluster.stop(kill=True)
        shutil.rmtree(base, ignore_errors=True)
