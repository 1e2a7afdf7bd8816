"""A province consumer whose group was formed without a topic that has partitions now rejoins."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import province.consumer as consumer_module
from province.config import build_config
from province.consumer import ProvinceConsumer
from province.group_assignment import GapNotingRangeAssignor
from tests.events.support import province_config


def a_config(**kafka: Any) -> Any:
    """A province over one city on an unreachable broker (the consumers here are scripted)."""
    return build_config(province_config("zs", ["alpha"], "127.0.0.1:1", "sqlite://", **kafka))


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
            assigned_without: set[str] | None = None) -> list[LeftOut]:
    config = a_config()
    made: list[LeftOut] = []

    def factory() -> LeftOut:
        made.append(LeftOut(partitions))
        return made[-1]

    clock = {"now": 1000.0}
    monkeypatch.setattr(consumer_module.time, "monotonic", lambda: clock["now"])
    consumer = ProvinceConsumer(config, sessions=None, consumer_factory=factory)  # type: ignore[arg-type]
    consumer.assignor.assigned_without = set(assigned_without or ())  # the leader's last assignment
    while clock["now"] < 1000.0 + seconds:
        consumer.poll_once(timeout_ms=0)
        clock["now"] += 1.0
    return made


def test_a_leader_that_assigned_without_a_topic_rejoins_once_it_has_partitions(monkeypatch):
    made = run_for(5, {0, 1, 2}, monkeypatch, assigned_without={"zs.alpha"})
    assert made[0].closed and len(made) == 2  # once: the new membership starts with no gap


def test_it_waits_while_the_left_out_topic_has_no_partitions(monkeypatch):
    assert len(run_for(60, None, monkeypatch, assigned_without={"zs.alpha"})) == 1


def test_a_consumer_whose_assignment_knew_every_topic_stays(monkeypatch):
    assert len(run_for(60, {0}, monkeypatch)) == 1


class Cluster:
    def __init__(self, partitions: dict[str, set[int]]) -> None:
        self.partitions = partitions

    def partitions_for_topic(self, topic: str) -> set[int] | None:
        return self.partitions.get(topic)


def member(member_id: str, topics: list[str]) -> Any:
    return SimpleNamespace(member_id=member_id, group_instance_id=None,
                           metadata=SimpleNamespace(topics=topics, user_data=b""))


def test_the_assignor_notes_the_topics_it_found_without_partitions_and_assigns_the_rest():
    assignor = GapNotingRangeAssignor()
    members = [member("m1", ["zs.alpha", "zs.beta"]), member("m2", ["zs.alpha", "zs.beta"])]
    assignment = assignor.assign(Cluster({"zs.alpha": {0, 1}}), members)
    assert assignor.assigned_without == {"zs.beta"}
    assert [(tp.topic, tp.partition) for tp in assignment["m1"].partitions()] == [("zs.alpha", 0)]
    assert [(tp.topic, tp.partition) for tp in assignment["m2"].partitions()] == [("zs.alpha", 1)]

    assignor.assign(Cluster({"zs.alpha": {0, 1}, "zs.beta": {0}}), members)
    assert assignor.assigned_without == set()


class Dropped(LeftOut):
    """A Kafka consumer whose membership the coordinator dropped: every poll fails."""

    def poll(self, timeout_ms: int) -> dict[Any, list[Any]]:
        raise RuntimeError("UnknownMemberIdError")


def test_a_catch_up_whose_polls_keep_failing_starts_over_with_a_fresh_membership(monkeypatch):
    config = a_config()
    made: list[LeftOut] = []

    def factory() -> LeftOut:
        made.append(Dropped(None) if not made else LeftOut(None))
        return made[-1]

    monkeypatch.setattr(consumer_module.time, "sleep", lambda _seconds: None)
    consumer = ProvinceConsumer(config, sessions=None, consumer_factory=factory)  # type: ignore[arg-type]
    polled_fresh = SimpleNamespace(rounds=0)

    def caught_up() -> bool:
        polled_fresh.rounds += len(made) == 2
        return polled_fresh.rounds > 1  # the fresh consumer polled once without failing

    consumer.consume_until(caught_up, timeout=30)
    assert made[0].closed and len(made) == 2  # after four failed rounds in a row, as run() does


def test_a_catch_up_that_polls_nothing_for_a_while_starts_over_with_a_fresh_membership(
        monkeypatch):
    """Seen in CI: a member formed without its topic's metadata held nothing, and neither
    kafka-python nor the gap check noticed; the catch-up read nothing for two minutes."""
    config = a_config()
    clock = {"now": 1000.0}
    made: list[LeftOut] = []

    class Silent(LeftOut):
        polls = 0

        def poll(self, timeout_ms: int) -> dict[Any, list[Any]]:
            self.polls += 1
            clock["now"] += 1.0  # each empty poll takes a second
            return {}

    def factory() -> LeftOut:
        made.append(Silent(None))
        return made[-1]

    monkeypatch.setattr(consumer_module.time, "monotonic", lambda: clock["now"])
    consumer = ProvinceConsumer(config, sessions=None, consumer_factory=factory)  # type: ignore[arg-type]
    consumer.consume_until(lambda: len(made) == 2, timeout=120, stalled_after=20)
    assert made[0].closed and made[0].polls == 21  # given more than 20 s, no more


def test_a_catch_up_that_keeps_polling_records_keeps_its_membership(monkeypatch):
    config = a_config()
    clock = {"now": 1000.0}
    made: list[LeftOut] = []
    monkeypatch.setattr(consumer_module.time, "monotonic", lambda: clock["now"])

    def factory() -> LeftOut:
        made.append(LeftOut({0}))
        return made[-1]

    consumer = ProvinceConsumer(config, sessions=None, consumer_factory=factory)  # type: ignore[arg-type]

    def one_record_a_second(timeout_ms: int = 500) -> int:
        assert consumer.consumer is made[-1]  # the member, made on first use as poll_once does
        clock["now"] += 1.0
        return 1

    monkeypatch.setattr(consumer, "poll_once", one_record_a_second)
    consumer.consume_until(lambda: clock["now"] >= 1100.0, timeout=120, stalled_after=20)
    assert len(made) == 1 and not made[0].closed


# --------------------------------------------------------------------------- a running group


def offsets(committed: int, end: int) -> dict[str, dict[int, tuple[int, int]] | None]:
    return {"zs.alpha": {0: (committed, end), 1: (end, end)}, "zs.beta": None}


def watch_over(readings: list[Any], monkeypatch, every: float = 60.0
               ) -> tuple[consumer_module.StallWatch, dict[str, float], list[int]]:
    clock = {"now": 1000.0}
    monkeypatch.setattr(consumer_module.time, "monotonic", lambda: clock["now"])
    reads: list[int] = []

    def read() -> Any:
        reads.append(1)
        reading = readings[min(len(reads), len(readings)) - 1]
        if isinstance(reading, Exception):
            raise reading
        return reading

    return consumer_module.StallWatch(read, every=every), clock, reads


def idle_rounds(watch: consumer_module.StallWatch, clock: dict[str, float], seconds: int
                ) -> list[float]:
    """One idle round a second from now; when the watch said stalled (seconds from now)."""
    start, said = clock["now"], []
    for second in range(1, seconds + 1):
        clock["now"] = start + second
        if watch.stalled(False):
            said.append(second)
    return said


def test_records_waiting_with_no_committed_offset_moving_for_a_minute_is_a_stall(monkeypatch):
    watch, clock, reads = watch_over([offsets(5, 9)], monkeypatch)
    assert idle_rounds(watch, clock, 130) == [120]  # checked at 60 s and 120 s, same offsets
    assert len(reads) == 2


def test_an_idle_province_with_nothing_waiting_is_not_a_stall(monkeypatch):
    watch, clock, reads = watch_over([offsets(9, 9)], monkeypatch)
    assert idle_rounds(watch, clock, 300) == [] and len(reads) == 5  # once a minute


def test_a_group_whose_other_members_commit_is_not_stalled(monkeypatch):
    watch, clock, _ = watch_over([offsets(5, 20), offsets(6, 20), offsets(7, 20)], monkeypatch)
    assert idle_rounds(watch, clock, 180) == []


def test_records_polled_restart_the_wait_and_an_unreadable_broker_is_no_verdict(monkeypatch):
    watch, clock, reads = watch_over([RuntimeError("broker away"), offsets(5, 9)], monkeypatch)
    assert idle_rounds(watch, clock, 100) == [] and len(reads) == 1  # failed at 60 s
    assert not watch.stalled(True)  # a record at 100 s: the member reads
    # Idle again: the first reading a minute later, the verdict a minute after that.
    assert idle_rounds(watch, clock, 130) == [120] and len(reads) == 3


def test_a_running_consumer_whose_group_stalls_starts_over(monkeypatch):
    """run(): an idle member, records waiting, no committed offset moving: a fresh member."""
    import threading

    config = a_config()
    clock = {"now": 1000.0}
    monkeypatch.setattr(consumer_module.time, "monotonic", lambda: clock["now"])
    stop = threading.Event()
    made: list[LeftOut] = []

    class Idle(LeftOut):
        def poll(self, timeout_ms: int) -> dict[Any, list[Any]]:
            clock["now"] += 10.0
            if len(made) == 2:
                stop.set()
            return {}

    def factory() -> LeftOut:
        made.append(Idle({0, 1}))
        return made[-1]

    class Quiet:
        def publish_pending(self) -> int:
            return 0

        def close(self) -> None:
            pass

    consumer = ProvinceConsumer(config, sessions=None, consumer_factory=factory,  # type: ignore[arg-type]
                                publisher=Quiet(),  # type: ignore[arg-type]
                                read_group_offsets=lambda: offsets(5, 9))
    monkeypatch.setattr(consumer, "prune", lambda: None)
    consumer.run(stop)
    assert made[0].closed and len(made) == 2


def built_memberships(monkeypatch) -> tuple[ProvinceConsumer, list[Any]]:
    """A consumer with a static instance id, and the group_instance_id of each Kafka consumer
    it builds."""
    built: list[Any] = []

    def kafka_consumer(config: Any, assignor: Any, listener: Any = None, **overrides: Any) -> Any:
        built.append({**config.consumer_settings, **overrides}["group_instance_id"])
        return LeftOut({0, 1, 2})

    monkeypatch.setattr(consumer_module, "kafka_consumer", kafka_consumer)
    return ProvinceConsumer(a_config(instance_id="province-1"), sessions=None), built  # type: ignore[arg-type]


def test_a_static_member_that_stalled_comes_back_as_a_dynamic_one(monkeypatch):
    """The coordinator would give a static member that rejoins its old (empty) assignment."""
    consumer, built = built_memberships(monkeypatch)
    assert consumer.consumer is not None
    consumer._start_over_for_a_new_assignment("a test's stall")
    assert consumer.consumer is not None
    consumer._start_over_for_a_new_assignment("a second stall")
    assert consumer.consumer is not None
    assert built == ["province-1", None, None]


def test_a_static_leader_that_left_a_topic_out_rejoins_as_a_dynamic_member(monkeypatch):
    """A static leader that rejoins keeps the group's assignment (KIP-814): the same gap."""
    consumer, built = built_memberships(monkeypatch)
    consumer.poll_once(timeout_ms=0)
    consumer.assignor.assigned_without = {"zs.alpha"}  # its last assignment, as the leader
    consumer.poll_once(timeout_ms=0)  # the topic has partitions now: it starts over
    consumer.poll_once(timeout_ms=0)
    assert built == ["province-1", None]
