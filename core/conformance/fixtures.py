"""The conformance kit's pytest plugin (entry point ``pytest11: zhaoshang_conformance``).

It only offers a fixture, so it is inert in any test run that does not ask for it:
``zhaoshang_kafka`` is the bootstrap address of a real Apache Kafka broker — the one named by
``ZHAOSHANG_CONFORMANCE_KAFKA`` (e.g. a broker ``make up`` runs), else a one-node KRaft broker
started for the test session from the core's ``infra/kafka`` (Java 17 and Maven needed; the
jars are fetched once) and stopped at its end.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

KAFKA_ENV = "ZHAOSHANG_CONFORMANCE_KAFKA"


@pytest.fixture(scope="session")
def zhaoshang_kafka() -> Iterator[str]:
    """Bootstrap servers of a real broker for the conformance kit."""
    given = os.environ.get(KAFKA_ENV)
    if given:
        yield given
        return
    from infra.kafka_cluster import KafkaCluster

    base = Path(tempfile.mkdtemp(prefix="zs-conformance-kafka-"))
    cluster = KafkaCluster(nodes=1, base_dir=base)
    cluster.start()
    try:
        yield cluster.bootstrap_servers
    finally:
        cluster.stop(kill=True)
        shutil.rmtree(base, ignore_errors=True)
