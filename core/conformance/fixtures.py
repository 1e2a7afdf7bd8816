"""The conformance kit's pytest plugin (entry point ``pytest11: zhaoshang_conformance``).

It only offers a fixture, so it is inert in any test run that does not ask for it:
``zhaoshang_kafka`` is the bootstrap address of a real Apache Kafka broker — the one named by
``ZHAOSHANG_CONFORMANCE_KAFKA`` (e.g. a broker ``make up`` runs), else a one-node KRaft broker
started for the test session by the package registered as ``zhaoshang.conformance: kafka``
(this distribution's ``infra/conformance_broker.py``: Java 17 and Maven needed, the jars are
fetched once) and stopped at its end.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

KAFKA_ENV = "ZHAOSHANG_CONFORMANCE_KAFKA"


@pytest.fixture(scope="session")
def zhaoshang_kafka() -> Iterator[str]:
    """Bootstrap servers of a real broker for the conformance kit."""
    given = os.environ.get(KAFKA_ENV)
    if given:
        yield given
        return
    from core.conformance.parts import provided

    # The broker runner is infra's, found through an entry point: the core never imports infra.
    with provided("kafka")() as bootstrap_servers:
        yield bootstrap_servers
