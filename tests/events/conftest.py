"""A real Apache Kafka broker for the event tests (one per session), and kcat.

Never skipped: without Java, Maven or kcat (and no root to install kcat with apt-get)
these tests fail saying what is missing.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from infra.kafka_cluster import KafkaCluster


@contextlib.contextmanager
def running_cluster(nodes: int) -> Iterator[KafkaCluster]:
    """``nodes`` KRaft nodes on free loopback ports, in a temporary directory."""
    base = Path(tempfile.mkdtemp(prefix=f"zs-events-kafka{nodes}-"))
    cluster = KafkaCluster(nodes=nodes, base_dir=base)
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop(kill=True)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def kafka() -> Iterator[KafkaCluster]:
    """The session's single broker, shared by every event test."""
    with running_cluster(1) as cluster:
        yield cluster


@pytest.fixture
def three_brokers() -> Iterator[KafkaCluster]:
    """A three-node cluster of its own (replication 3, min.insync.replicas 2)."""
    with running_cluster(3) as cluster:
        yield cluster


def _apt_install(package: str) -> None:
    env = os.environ | {"DEBIAN_FRONTEND": "noninteractive"}
    for attempt in ("install", "update-then-install"):
        if attempt == "update-then-install":
            subprocess.run(["apt-get", "update", "-q"], env=env, capture_output=True, check=False)
        done = subprocess.run(["apt-get", "install", "-y", "-q", package], env=env,
                              capture_output=True, text=True, check=False)
        if done.returncode == 0:
            return


@pytest.fixture(scope="session")
def kcat() -> str:
    """Debian's kcat: an independent Kafka client (installed with apt-get when root)."""
    if shutil.which("kcat") is None and os.geteuid() == 0 and shutil.which("apt-get"):
        _apt_install("kcat")
    path = shutil.which("kcat")
    if path is None:
        pytest.fail("kcat is not installed and cannot be installed here "
                    "(Debian: apt-get install -y kcat)")
    return path
