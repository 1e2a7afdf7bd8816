"""A province consumer whose group was formed without a topic that has partitions now rejoins."""

from __future__ import annotations

from typing import Any

import province.consumer as consumer_module
from province.config import build_config
from province.consumer import ProvinceConsumer
from tests.events.support import province_config


class LeftOut:
    """A Kafka consumer the group assigned nothing, whose metadata knows the topics."""

    def __init__(self, partitions: set[int] | None) -> None:
        self.partitions = partitions
        self.closed = False

    def poll(self, timeout_ms: int) -> dict[Any, list[Any]]:
        return {}

    def assignment(self) -> set[Any]:
        return set()

    def partitions_for_topic(self, topic: str) -> set[int] | None:
        return self.partitions

    def close(self, autocommit: bool) -> None:
        self.closed = True


def run_for(seconds: float, partitions: set[int] | None, monkeypatch,
            known: set[str] | None = None) -> list[LeftOut]:
    config = build_config(province_config("zs", ["alpha"], "127.0.0.1:1", "sqlite://"))
    made: list[LeftOut] = []

    def factory() -> LeftOut:
        made.append(LeftOut(partitions))
        return made[-1]

    clock = {"now": 1000.0}
    monkeypatch.setattr(consumer_module.time, "monotonic", lambda: clock["now"])
    consumer = ProvinceConsumer(config, sessions=None, consumer_factory=factory)  # type: ignore[arg-type]
    consumer._topics_at_join = set(known or ())  # what the last assignment knew
    while clock["now"] < 1000.0 + seconds:
        consumer.poll_once(timeout_ms=0)
        clock["now"] += 1.0
    return made


def test_a_consumer_left_without_partitions_rejoins_after_two_session_timeouts(monkeypatch):
    made = run_for(25, {0, 1, 2}, monkeypatch)  # session timeout 10 s: patience 20 s
    assert made[0].closed and len(made) == 2


def test_it_waits_while_the_topics_have_no_partitions_or_within_its_patience(monkeypatch):
    assert len(run_for(60, None, monkeypatch)) == 1
    assert len(run_for(15, {0}, monkeypatch)) == 1


def test_a_consumer_whose_assignment_knew_the_topic_stays(monkeypatch):
    assert len(run_for(60, {0}, monkeypatch, known={"zs.alpha"})) == 1
