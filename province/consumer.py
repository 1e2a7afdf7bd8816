"""The province consumer: a Kafka consumer group over the configured cities' topics.

Every record gets exactly one fate, recorded (docs/events.md, "Every record has one fate"):
applied (:func:`province.store.apply_events`, its id in the inbox) or set aside as a dead
letter (:func:`province.dead_letters.set_aside`, raw bytes and reason). Reading a record is
total (:func:`province.records.read_event`), so a bad record is a dead letter, not a failed
round.

One round is one poll and ONE database transaction: the good events applied, the bad records
set aside, and each polled partition's :class:`~province.models.PartitionPosition` moved to
the offset after its last polled record. Only then are those offsets committed to Kafka. The
database is the truth: a record below its partition's position was decided in an earlier
round (a redelivery after a crash between the two commits) and is skipped, and a partition
assigned to this consumer is sought to its position.

If the transaction fails because the database is away (``OperationalError``, ...), the round
fails. Any other failure is one record's: the round is redone record by record, each in a
SAVEPOINT, and a record whose apply raises is set aside as ``apply.failed``. A failed round
seeks every polled partition back to its first polled offset: nothing is ever skipped.

kafka-python decodes header NAMES itself and, left alone, stops for good at a name that is
not UTF-8. Our consumer reads such a name without loss (:mod:`province.header_names`, scoped to
this consumer), so that record is delivered like any other and set aside as
``header.not_utf8`` with its bytes (the name kept as ``base64:<its bytes>``).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from core.db import unit_of_work
from core.plugin_events import installed_catalogue
from core.retry import run_rounds
from province.config import ProvinceConfig
from province.consumer_metrics import ConsumerMetrics
from province.dead_letter_topic import DeadLetterPublisher
from province.dead_letters import set_aside
from province.group_assignment import GapNotingRangeAssignor
from province.group_offsets import GroupOffsets, group_offsets
from province.header_names import read_header_names_losslessly
from province.models import PartitionPosition
from province.records import BadRecord, RawRecord, read_event
from province.store import ReceivedEvent, apply_events

log = logging.getLogger("zhaoshang.province.consumer")

# The database is away or contended: no record is to blame, the round is tried again later.
DATABASE_DOWN = (OperationalError, InterfaceError, DisconnectionError)
PUBLISH_EVERY = 30.0  # seconds: dead letters not yet on the dead-letter topic are retried
PRUNE_EVERY = 3600.0  # seconds between inbox prunings (province.pruning)
# A catch-up that polls no record for this long while it waits for one starts over.
STALLED_AFTER = 20.0
# A running consumer idle this long asks the broker whether its group still reads (StallWatch).
GROUP_CHECK_EVERY = 60.0


def kafka_consumer(config: ProvinceConfig, assignor: GapNotingRangeAssignor, listener: Any = None,
                   **overrides: Any) -> Any:
    """The province's group consumer: offsets committed by hand, from the earliest record;
    groups are assigned by ``assignor``, whose gaps the consumer watches."""
    from kafka import KafkaConsumer

    settings: dict[str, Any] = {
        "bootstrap_servers": config.bootstrap_servers,
        "client_id": f"zhaoshang-{config.code}",
        "enable_auto_commit": False,
        "auto_offset_reset": "earliest",
        **config.consumer_settings,
        # Find a city topic created after the consumer started within seconds.
        "metadata_max_age_ms": 5_000,
        "bootstrap_timeout_ms": 5_000,
        "reconnect_backoff_max_ms": 2_000,
        "request_timeout_ms": 30_000,
    }
    settings["partition_assignment_strategy"] = [assignor]
    settings.update(overrides)
    consumer = KafkaConsumer(**settings)
    read_header_names_losslessly(consumer)  # a header name that is not UTF-8: a dead letter
    consumer.subscribe(config.topics, listener=listener)
    return consumer


@dataclass
class _Fates:
    """What one round decided."""

    applied: int = 0
    set_aside: int = 0
    skipped: int = 0
    events: list[ReceivedEvent] = field(default_factory=list)  # those newly applied
    reasons: list[str] = field(default_factory=list)  # of the records set aside


def load_positions(session: Session, partitions: set[tuple[str, int]]) -> dict[tuple[str, int], int]:
    """``next_offset`` of each of ``partitions`` the database holds one for."""
    if not partitions:
        return {}
    topics = {topic for topic, _ in partitions}
    rows = session.scalars(sa.select(PartitionPosition).where(PartitionPosition.topic.in_(topics)))
    return {(row.topic, row.partition): row.next_offset for row in rows
            if (row.topic, row.partition) in partitions}


def _move_positions(session: Session, nexts: dict[tuple[str, int], int], now: Any) -> None:
    """Upsert each partition's position; never backwards (another member may be further)."""
    for (topic, partition), next_offset in nexts.items():
        row = session.get(PartitionPosition, (topic, partition))
        if row is None:
            session.add(PartitionPosition(topic=topic, partition=partition,
                                          next_offset=next_offset, updated_at=now))
        elif row.next_offset < next_offset:
            row.next_offset, row.updated_at = next_offset, now


class StallWatch:
    """Whether the province's group has stopped reading while records wait.

    A running member that polled nothing for ``every`` seconds reads the group's committed and
    end offsets from the broker, then again ``every`` seconds later. Records waiting and no
    committed offset moved in between means no member reads them: kafka-python can leave a
    group whose assignment missed a topic, or a member the coordinator dropped, quietly
    holding nothing. An idle province (nothing waiting) and a group whose other members are
    reading (offsets moving) are left alone.
    """

    def __init__(self, read_offsets: Callable[[], GroupOffsets], every: float = GROUP_CHECK_EVERY
                 ) -> None:
        self.read_offsets = read_offsets
        self.every = every
        self._last_record = self._next_check = time.monotonic()
        self._committed: dict[tuple[str, int], int] | None = None  # at the previous check

    def stalled(self, polled: bool) -> bool:
        """Note one round (``polled``: it read records); True when the group is stalled."""
        now = time.monotonic()
        if polled:
            self._last_record, self._committed = now, None
            return False
        if now - self._last_record < self.every or now < self._next_check:
            return False
        self._next_check = now + self.every
        try:
            offsets = self.read_offsets()
        except Exception as exc:  # the broker away: the rounds' own failures deal with it
            log.info("group offsets not read (%s); checked again later", exc)
            return False
        committed = {(topic, partition): done for topic, partitions in offsets.items()
                     for partition, (done, _end) in (partitions or {}).items()}
        waiting = any(end > done for partitions in offsets.values()
                      for done, end in (partitions or {}).values())
        previous, self._committed = self._committed, committed
        if waiting and previous == committed:
            self._last_record, self._committed = now, None  # the fresh member's grace
            return True
        return False


class ProvinceConsumer:
    """Polls, decides each record's fate, commits. ``poll_once()`` is one round; ``run()``
    loops."""

    def __init__(self, config: ProvinceConfig, sessions: sessionmaker[Session],
                 consumer_factory: Callable[[], Any] | None = None,
                 publisher: DeadLetterPublisher | None = None,
                 read_group_offsets: Callable[[], GroupOffsets] | None = None) -> None:
        # Assembled now (every installed city plugin's types): two plugins declaring one type
        # stop the consumer at startup, not at its first record.
        installed_catalogue()
        self.config = config
        self.sessions = sessions
        # What this member, as the group's leader, could not assign (see _rejoin_if_left_out).
        self.assignor = GapNotingRangeAssignor()
        self.consumer_factory = consumer_factory or self._new_consumer
        # Set when the consumer started over for a new assignment: static membership
        # (``[kafka] instance_id``) is then dropped, see _start_over_for_a_new_assignment.
        self._dynamic_membership = False
        self.publisher = publisher or DeadLetterPublisher(config, sessions)
        self.read_group_offsets = read_group_offsets or (lambda: group_offsets(config))
        self.applied = 0  # events newly applied by this consumer
        self.dead_lettered = 0  # records this consumer set aside
        self.metrics = ConsumerMetrics(config.city_of_topic)  # served by --metrics-port
        self._consumer: Any = None

    @property
    def consumer(self) -> Any:
        if self._consumer is None:
            self._consumer = self.consumer_factory()
        return self._consumer

    def _new_consumer(self) -> Any:
        overrides: dict[str, Any] = {"group_instance_id": None} if self._dynamic_membership else {}
        return kafka_consumer(self.config, self.assignor, listener=self._listener(), **overrides)

    def _listener(self) -> Any:
        from kafka import ConsumerRebalanceListener

        owner = self

        class SeekToPositions(ConsumerRebalanceListener):
            """A partition handed to this consumer starts where the database says: Kafka's
            committed offset lags when a consumer died between the two commits."""

            def on_partitions_revoked(self, revoked: Any) -> None:
                pass

            def on_partitions_assigned(self, assigned: Any) -> None:
                try:
                    with owner.sessions() as session:
                        positions = load_positions(session, {(tp.topic, tp.partition)
                                                             for tp in assigned})
                except Exception as exc:  # the offset rule still skips decided records
                    log.warning("partition positions not read on assignment: %s", exc)
                    return
                for tp in assigned:
                    position = positions.get((tp.topic, tp.partition))
                    if position is not None:
                        owner._consumer.seek(tp, position)

        return SeekToPositions()

    # ------------------------------------------------------------------ one round

    def poll_once(self, timeout_ms: int = 500) -> int:
        """One poll: decide its records' fates in one transaction, then commit their offsets.

        Returns the number of records polled (applied, set aside or skipped as decided).
        """
        consumer = self.consumer
        polled = consumer.poll(timeout_ms=timeout_ms)
        polled = {tp: batch for tp, batch in polled.items() if batch}
        self._rejoin_if_left_out(consumer)  # a metadata lookup in the client's cache: cheap
        self.metrics.note_lag(consumer)  # cached high watermarks: cheap
        if not polled:
            return 0
        try:
            raws = [RawRecord.of(record) for batch in polled.values() for record in batch]
            fates = self._decide_round(raws)
            self._commit_offsets({tp: batch[-1].offset + 1 for tp, batch in polled.items()})
        except BaseException:
            self._rewind({tp: batch[0].offset for tp, batch in polled.items()})
            raise
        self.applied += fates.applied
        self.dead_lettered += fates.set_aside
        self.metrics.decided(fates.events, fates.reasons)
        if fates.set_aside:
            self.publish_dead_letters()
        return len(raws)

    def _rejoin_if_left_out(self, consumer: Any) -> None:
        """Start over with a fresh membership when the group's last assignment, made by this
        member as its leader, left out a topic that now has partitions.

        kafka-python may form the group before a topic's metadata arrives (a city's relay
        creates its topic on its first run, or the metadata answer is simply late) and then not
        rebalance when it does (:mod:`province.group_assignment`): the province would never
        read that city. Rejoining the same group costs the others one rebalance.
        """
        missing = {topic for topic in self.assignor.assigned_without
                   if consumer.partitions_for_topic(topic)}
        if missing:
            self._start_over_for_a_new_assignment(
                f"topics {', '.join(sorted(missing))} have partitions but the group's "
                "assignment was made without them")

    def _rewind(self, firsts: dict[Any, int]) -> None:
        """Nothing of a failed round counts as done: read its records again."""
        for tp, offset in firsts.items():
            try:
                self.consumer.seek(tp, offset)
            except Exception as exc:  # revoked meanwhile: its new owner starts at the position
                log.info("not rewinding %s: %s", tp, exc)

    def _decide_round(self, raws: list[RawRecord]) -> _Fates:
        try:
            with unit_of_work(self.sessions) as session:
                return self._decide(session, raws, one_by_one=False)
        except DATABASE_DOWN:
            raise
        except Exception as exc:
            log.warning("round of %d records failed (%r); redone record by record", len(raws), exc)
        with unit_of_work(self.sessions) as session:
            return self._decide(session, raws, one_by_one=True)

    def _decide(self, session: Session, raws: list[RawRecord], one_by_one: bool) -> _Fates:
        now = self.config.clock.utcnow()
        polled = {(raw.topic, raw.partition) for raw in raws}
        positions = load_positions(session, polled)
        fates = _Fates()
        good: list[tuple[RawRecord, ReceivedEvent]] = []
        bad: list[tuple[RawRecord, BadRecord]] = []
        for raw in raws:
            if raw.offset < positions.get((raw.topic, raw.partition), -1):
                fates.skipped += 1  # its fate was committed in an earlier round
                continue
            try:
                good.append((raw, read_event(raw, self.config)))
            except BadRecord as exc:
                bad.append((raw, exc))
        if not one_by_one:
            fates.applied = apply_events(session, [event for _, event in good], now,
                                         applied=fates.events)
        else:
            for raw, event in good:
                fresh: list[ReceivedEvent] = []
                try:
                    with session.begin_nested():  # flushed at its end: a failure shows here
                        fates.applied += apply_events(session, [event], now, applied=fresh)
                    fates.events += fresh
                except DATABASE_DOWN:
                    raise
                except Exception as exc:
                    log.warning("event %s of %s (%s-%d@%d) not applicable: %r", event.id,
                                event.city, raw.topic, raw.partition, raw.offset, exc)
                    bad.append((raw, BadRecord("apply.failed", f"应用失败：{exc}"[:2000],
                                               event.id, event.type, event.sequence)))
        for raw, exc in sorted(bad, key=lambda pair: (pair[0].topic, pair[0].partition,
                                                      pair[0].offset)):
            city = self.config.city_of_topic(raw.topic) or raw.topic
            set_aside(session, raw, city, exc, now)
            log.warning("record %s-%d@%d set aside: %s", raw.topic, raw.partition, raw.offset,
                        exc)
        fates.set_aside = len(bad)
        fates.reasons = [exc.reason for _, exc in bad]
        nexts: dict[tuple[str, int], int] = {}
        for raw in raws:
            key = (raw.topic, raw.partition)
            nexts[key] = max(nexts.get(key, 0), raw.offset + 1)
        _move_positions(session, nexts, now)
        return fates

    def _commit_offsets(self, offsets: dict[Any, int]) -> None:
        """Commit to Kafka exactly the offsets whose records' fates the database holds."""
        from kafka.errors import CommitFailedError
        from kafka.structs import OffsetAndMetadata

        try:
            self.consumer.commit({tp: OffsetAndMetadata(offset, "", -1)
                                  for tp, offset in offsets.items()})
        except CommitFailedError as exc:
            # A rebalance took the partitions; their new owner starts at the database's
            # positions (the rebalance listener), so nothing is redone.
            log.warning("offset commit failed (%s); positions are in the database", exc)

    # ------------------------------------------------------------------ housekeeping

    def publish_dead_letters(self) -> int:
        """Copy unpublished dead letters to the dead-letter topic; failures wait for later."""
        try:
            return self.publisher.publish_pending()
        except Exception as exc:
            log.warning("dead letters not published to %s (retried later): %s",
                        self.publisher.topic, exc)
            return 0

    def prune(self) -> None:
        """Prune old inbox rows (province.pruning); a failure is logged, never fatal."""
        try:
            from province.pruning import prune_inbox

            pruned = prune_inbox(self.sessions, self.config)
            log.info("inbox pruned: %d rows", pruned)
        except Exception as exc:
            log.warning("inbox pruning failed (retried in an hour): %s", exc)

    def run(self, stop: threading.Event | None = None) -> None:
        """Consume until ``stop`` is set; errors are logged and retried with backoff.
        Dead letters are republished at least every 30 s, the inbox pruned hourly."""
        due = {"publish": time.monotonic() + PUBLISH_EVERY, "prune": time.monotonic() + PRUNE_EVERY}
        watch = StallWatch(self.read_group_offsets)

        def one_round() -> float:
            polled = self.poll_once()  # waits for records itself
            if watch.stalled(polled > 0):
                self._start_over_for_a_new_assignment(
                    f"records wait and no committed offset of the group moved in "
                    f"{watch.every:.0f}s")
            now = time.monotonic()
            if now >= due["publish"]:
                due["publish"] = now + PUBLISH_EVERY
                self.publish_dead_letters()
            if now >= due["prune"]:
                due["prune"] = now + PRUNE_EVERY
                self.prune()
            return 0.0

        def failed(_exc: Exception, failures: int) -> None:
            self._start_over_after(failures)

        self.prune()
        self.publish_dead_letters()
        try:
            run_rounds(one_round, stop or threading.Event(),
                       what="province consumer round", log=log, on_failure=failed)
        finally:
            self.close()
            self.publisher.close()

    def _start_over_after(self, failures: int) -> None:
        """After more than three failed rounds in a row, start over with a fresh consumer and
        group membership: a membership the coordinator dropped under load is not always
        rejoined by the client, and polling it again would read nothing for ever."""
        if failures > 3:
            self.close()

    def consume_until(self, condition: Callable[[], bool], timeout: float = 60.0,
                      stalled_after: float = STALLED_AFTER) -> None:
        """Poll until ``condition()`` holds (tests, one-shot catch-up); failed rounds are
        retried and recovered from as :meth:`run` does.

        A catch-up waits for records, so one that polls none for ``stalled_after`` seconds
        while its condition is unmet starts over with a fresh membership. kafka-python may
        leave a member holding nothing (a group formed before the topics' metadata arrived,
        a membership the coordinator dropped) without reporting anything; a new member is a
        new assignment from fresh metadata.
        """
        last_record = time.monotonic()
        deadline = last_record + timeout
        failures = 0
        while not condition():
            now = time.monotonic()
            if now > deadline:
                raise TimeoutError(f"province consumer: condition not met after {timeout}s "
                                   f"({self.applied} events applied, {self.dead_lettered} "
                                   "set aside)")
            if now - last_record > stalled_after:
                self._start_over_for_a_new_assignment(
                    f"no record polled for {now - last_record:.0f}s while the catch-up waits "
                    "for one")
                last_record = now
            try:
                if self.poll_once(timeout_ms=200):
                    last_record = time.monotonic()
                failures = 0
            except Exception as exc:
                failures += 1
                log.warning("province consumer round failed (%s); retrying", exc)
                self._start_over_after(failures)
                time.sleep(0.2)

    def _start_over_for_a_new_assignment(self, why: str) -> None:
        """Start over with a fresh membership whose join gives the group a new assignment
        (a topic left out, a stalled group), saying why and what the abandoned member held
        (the evidence, should kafka-python's group ever stall again)."""
        consumer = self._consumer
        held = "no consumer"
        if consumer is not None:
            try:
                held = f"assigned {sorted(map(tuple, consumer.assignment()))}"
            except Exception as exc:  # a broken member: its state is part of the evidence
                held = f"assignment unreadable ({exc!r})"
        log.warning("%s (this member: %s; topics its group's leader could not assign: %s); "
                    "starting over with a fresh membership", why, held,
                    sorted(self.assignor.assigned_without) or "none")
        if self.config.consumer_settings.get("group_instance_id") and not self._dynamic_membership:
            # A static member never leaves its group, and the coordinator hands a static
            # member that rejoins the assignment it held (KIP-345): the same nothing. A
            # dynamic member is a new one, and its join rebalances the group.
            log.warning("this consumer goes on as a dynamic member of its group, without its "
                        "instance id, until it is restarted")
            self._dynamic_membership = True
        self.close()

    def close(self) -> None:
        consumer, self._consumer = self._consumer, None
        self.assignor.forget()
        if consumer is not None:
            try:
                consumer.close(autocommit=False)
            except Exception as exc:  # already broken: nothing to hand back
                log.debug("closing the consumer: %s", exc)
