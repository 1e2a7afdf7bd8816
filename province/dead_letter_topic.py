"""Republishing the province's dead letters to the dead-letter topic.

The province's table (``province_dead_letters``) is where a set-aside record's fate is
decided, in the same transaction as its partition's position; the topic
(``[kafka] dead_letter_topic``, default ``<topic_prefix>.dead-letters``) is a copy for other
tools, filled after the fact: rows with ``published_at IS NULL`` are sent in id order and
marked only once the broker acknowledged them. A broker outage leaves rows for a later call;
it never holds up applying events.

Each message is the raw record (same key, value and headers) plus headers saying why and where
from: ``dl_reason``, ``dl_detail``, ``dl_topic``, ``dl_partition``, ``dl_offset``, ``dl_city``,
``dl_received_at`` (UTF-8). The topic keeps everything (``retention.ms`` -1). kafka-python
cannot send a null header value: such a header travels with an empty value.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from core.db import unit_of_work
from core.relay import ensure_topic, kafka_producer, utc
from province.config import ProvinceConfig
from province.dead_letters import raw_record_of
from province.models import DeadLetter

log = logging.getLogger("zhaoshang.province.dead_letters")

BATCH = 500
FLUSH_TIMEOUT = 10.0  # seconds to wait for the broker's acks in one call


def dead_letter_headers(letter: DeadLetter) -> list[tuple[str, bytes]]:
    """The raw headers, then where the record came from and why it was set aside."""
    raw = raw_record_of(letter)
    headers = [(name, value if value is not None else b"") for name, value in raw.headers]
    facts = {"dl_reason": letter.reason, "dl_detail": letter.detail, "dl_topic": letter.topic,
             "dl_partition": str(letter.partition), "dl_offset": str(letter.offset),
             "dl_city": letter.city,
             "dl_received_at": utc(letter.received_at).isoformat().replace("+00:00", "Z")}
    return headers + [(name, text.encode("utf-8", "backslashreplace"))
                      for name, text in facts.items()]


class DeadLetterPublisher:
    """Sends unpublished dead letters to the dead-letter topic (``publish_pending``)."""

    def __init__(self, config: ProvinceConfig, sessions: sessionmaker[Session],
                 producer_factory: Callable[[], Any] | None = None) -> None:
        self.config = config
        self.sessions = sessions
        self.topic = config.dead_letter_topic
        self.producer_factory = producer_factory or (lambda: kafka_producer(
            config.bootstrap_servers, client_id=f"zhaoshang-{config.code}-dead-letters"))
        self._producer: Any = None
        self._topic_ready = producer_factory is not None  # a test's producer needs no admin

    def publish_pending(self) -> int:
        """Send every unpublished letter (oldest first); the number acknowledged and marked.

        Raises when the broker cannot be reached; the rows then stay for the next call."""
        published = 0
        while True:
            with self.sessions() as session:
                letters = list(session.scalars(
                    sa.select(DeadLetter).where(DeadLetter.published_at.is_(None))
                    .order_by(DeadLetter.id).limit(BATCH)))
                if not letters:
                    return published
                sent = [(letter.id, self._send(letter)) for letter in letters]
            try:
                self.producer.flush(timeout=FLUSH_TIMEOUT)
            except Exception:
                self._reset()
                raise
            acknowledged = [letter_id for letter_id, future in sent
                            if future.is_done and future.succeeded()]
            if acknowledged:
                with unit_of_work(self.sessions) as session:
                    session.execute(sa.update(DeadLetter)
                                    .where(DeadLetter.id.in_(acknowledged),
                                           DeadLetter.published_at.is_(None))
                                    .values(published_at=self.config.clock.utcnow()))
                published += len(acknowledged)
            if len(acknowledged) < len(sent):
                self._reset()  # a failed send: start over with a fresh producer next time
                log.warning("%d dead letters not acknowledged by the broker; retried later",
                            len(sent) - len(acknowledged))
                return published

    @property
    def producer(self) -> Any:
        if not self._topic_ready:
            ensure_topic(self.config.bootstrap_servers, self.topic, 1,
                         self.config.dead_letter_replication, configs={"retention.ms": "-1"})
            self._topic_ready = True
        if self._producer is None:
            self._producer = self.producer_factory()
        return self._producer

    def _send(self, letter: DeadLetter) -> Any:
        return self.producer.send(self.topic, value=letter.value, key=letter.key,
                                  headers=dead_letter_headers(letter))

    def _reset(self) -> None:
        producer, self._producer = self._producer, None
        if producer is not None:
            try:
                producer.close(timeout=1)
            except Exception as exc:  # already broken: nothing to hand back
                log.debug("closing the dead-letter producer: %s", exc)

    def close(self) -> None:
        self._reset()
