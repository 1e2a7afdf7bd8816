"""The province consumer: a Kafka consumer group over the configured cities' topics.

Each poll's records are applied in ONE database transaction (inbox + changes,
:func:`province.store.apply_events`); the offsets are committed to Kafka only after that
transaction committed. A crash between the two redelivers records the inbox already holds:
they are skipped, so figures never double. If the database transaction fails, the consumer
seeks back to the first uncommitted offset of each partition and tries again.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from core.db import unit_of_work
from core.retry import run_rounds
from province.config import ProvinceConfig
from province.store import ReceivedEvent, apply_events

log = logging.getLogger("zhaoshang.province.consumer")

REQUIRED_HEADERS = ("ce_id", "ce_source", "ce_type", "ce_time")


class MalformedEvent(ValueError):
    """A record that is not a CloudEvent of a city (it is logged and passed over)."""


def parse_time(text: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def parse_record(record: Any) -> ReceivedEvent:
    """A Kafka record in CloudEvents binary mode → :class:`ReceivedEvent`."""
    headers = {name: value.decode() for name, value in (record.headers or [])
               if value is not None}
    missing = [name for name in REQUIRED_HEADERS if name not in headers]
    if missing:
        raise MalformedEvent(f"missing headers {', '.join(missing)}")
    try:
        data = json.loads(record.value) if record.value else {}
        sequence = int(headers["ce_sequence"]) if "ce_sequence" in headers else None
        schema_version = int(headers["ce_schemaversion"]) if "ce_schemaversion" in headers else None
        moment = parse_time(headers["ce_time"])
    except ValueError as exc:
        raise MalformedEvent(str(exc)) from exc
    if not isinstance(data, dict):
        raise MalformedEvent("data is not a JSON object")
    city = headers.get("ce_city") or headers["ce_source"].rstrip("/").rsplit("/", 1)[-1]
    return ReceivedEvent(id=headers["ce_id"], source=headers["ce_source"], type=headers["ce_type"],
                         city=city, time=moment, data=data, sequence=sequence,
                         subject=headers.get("ce_subject"), schema_version=schema_version,
                         topic=record.topic, partition=record.partition, offset=record.offset)


def kafka_consumer(config: ProvinceConfig, **overrides: Any) -> Any:
    """The province's group consumer: offsets committed by hand, from the earliest record."""
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
    settings.update(overrides)
    consumer = KafkaConsumer(**settings)
    consumer.subscribe(config.topics)
    return consumer


class ProvinceConsumer:
    """Polls, applies, commits. ``poll_once()`` is one round; ``run()`` loops."""

    def __init__(self, config: ProvinceConfig, sessions: sessionmaker[Session],
                 consumer_factory: Callable[[], Any] | None = None) -> None:
        self.config = config
        self.sessions = sessions
        self.consumer_factory = consumer_factory or (lambda: kafka_consumer(config))
        self.applied = 0  # events newly applied by this consumer
        self.malformed = 0
        self._consumer: Any = None

    @property
    def consumer(self) -> Any:
        if self._consumer is None:
            self._consumer = self.consumer_factory()
        return self._consumer

    def poll_once(self, timeout_ms: int = 500) -> int:
        """One poll: apply its records in one transaction, then commit their offsets.

        Returns the number of records polled (applied or skipped as seen before).
        """
        from kafka.errors import CommitFailedError

        consumer = self.consumer
        polled = consumer.poll(timeout_ms=timeout_ms)
        records = [record for batch in polled.values() for record in batch]
        if not records:
            return 0
        events = []
        for record in records:
            try:
                events.append(parse_record(record))
            except MalformedEvent as exc:
                self.malformed += 1
                log.warning("skipping record %s-%d@%d: %s", record.topic, record.partition,
                            record.offset, exc)
        try:
            with unit_of_work(self.sessions) as session:
                applied = apply_events(session, events)
        except Exception:
            # Nothing was applied: read these records again.
            for partition, batch in polled.items():
                consumer.seek(partition, batch[0].offset)
            raise
        self.applied += applied
        try:
            consumer.commit()  # the positions after this poll: everything applied above
        except CommitFailedError as exc:
            # A rebalance took the partitions; their new owner re-reads and skips them.
            log.warning("offset commit failed (%s); records will be redelivered", exc)
        return len(records)

    def run(self, stop: threading.Event | None = None) -> None:
        """Consume until ``stop`` is set; errors are logged and retried with backoff."""

        def one_round() -> float:
            self.poll_once()  # waits for records itself
            return 0.0

        def failed(_exc: Exception, failures: int) -> None:
            if failures > 3:
                self.close()  # start over with a fresh consumer (and group membership)

        try:
            run_rounds(one_round, stop or threading.Event(),
                       what="province consumer round", log=log, on_failure=failed)
        finally:
            self.close()

    def consume_until(self, condition: Callable[[], bool], timeout: float = 60.0) -> None:
        """Poll until ``condition()`` holds (tests, one-shot catch-up)."""
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise TimeoutError(f"province consumer: condition not met after {timeout}s "
                                   f"({self.applied} events applied)")
            try:
                self.poll_once(timeout_ms=200)
            except Exception as exc:
                log.info("province consumer round failed (%s); retrying", exc)
                time.sleep(0.2)

    def close(self) -> None:
        consumer, self._consumer = self._consumer, None
        if consumer is not None:
            try:
                consumer.close(autocommit=False)
            except Exception as exc:  # already broken: nothing to hand back
                log.debug("closing the consumer: %s", exc)
