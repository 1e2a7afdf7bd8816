"""The outbox relay: publishes a city's committed events to its Kafka topic, never losing one.

``zhaoshang relay --city <code>`` runs :meth:`Relay.run`. Each round:

1. **Leadership.** Only one relay of a city publishes at a time. On PostgreSQL the leader
   holds a session advisory lock (``pg_try_advisory_lock``) on a connection of its own; on
   SQLite it holds an exclusive ``flock`` on ``<database file>.relay.lock``. The others
   stand by and take over when the leader stops (its connection closes, its file lock goes).
   Why a leader rather than claiming batches with ``SELECT … FOR UPDATE SKIP LOCKED``:
   skip-locked claiming lets two relays publish two batches side by side, so a later event
   of one project could overtake an earlier one, and it holds a transaction open for as
   long as the broker takes to answer (an outage: minutes). One publisher, in ``position``
   order, keeps the order per key, and its transactions stay short (read; later, mark).
2. **Read** the next unsent rows (``sent_at IS NULL``) by ``position``, at most
   ``batch_size``, after the highest position already handed to the producer — while the
   earlier rows are still in flight, unless ``max_in_flight`` rows await the broker. A full
   batch has the next one read ahead on the read-ahead thread while it is sent. On
   PostgreSQL positions come from a sequence and are taken before commit, so a row with a
   higher position can commit first. The relay stops at a gap in the positions until the
   gap is older than ``gap_timeout`` seconds (then it was a rollback, or a very long
   transaction whose event is published late: once nothing is in flight, reading starts
   again at the oldest unsent row) — so events go out in commit order.
3. **Publish** each row to ``<topic prefix>.<city>`` keyed by the aggregate id, as a
   CloudEvents 1.0 Kafka binary-mode message (headers ``ce_*``, ``content-type``; value =
   the JSON data), with an idempotent ``acks=all`` producer, on the partition Kafka's
   default partitioner gives the key (picked by :mod:`core.key_partitions`, cheaper).
   ``ce_sequence`` carries the position (zero-padded) so a consumer can tell a stale
   redelivery from a newer state.
   The record's timestamp is the event's time. The value is the row's ``wire`` bytes, encoded
   when the event was recorded (:class:`MessageBuilder`, byte for byte
   :func:`cloudevent_message`); each message is built just before it is sent. Before the first
   round the topic is created (or brought) to the city's retention settings
   (:func:`topic_configs`: keep everything unless ``[events] retention_days`` says otherwise).
4. **Mark** the acknowledged prefix. The rows in flight are kept oldest first; each round
   takes the prefix whose every row the broker acknowledged (a later batch answered first
   waits for the earlier one, so a later event of a key is never marked before an earlier
   one) and marks it in one transaction, one ``UPDATE … BETWEEN`` per run of consecutive
   positions (a passed gap splits the runs: its row may still commit, unsent), on the marking
   thread while the round reads and sends the next batch; the round ends when it is done. The relay
   waits for the oldest row's answer only when it has nothing else to do. A broker outage
   just makes that wait time out: the same rows are awaited again next round (the producer
   retries them), rows wait in the outbox, nothing is lost. After a failed delivery the
   prefix before it is marked, the producer is rebuilt and the rest is read again.

Duplicates are possible only when delivery is uncertain (a timeout, a crash between the
broker's ack and the ``sent_at`` commit); consumers dedupe by ``ce_source`` + ``ce_id``.
"""

from __future__ import annotations

import collections
import contextlib
import datetime as dt
import fcntl
import functools
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, NamedTuple, Protocol

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from core.advisory_locks import advisory_key
from core.clock import utcnow
from core.key_partitions import KeyPartitions
from core.models import OutboxEvent
from core.retry import run_rounds

log = logging.getLogger("zhaoshang.relay")

DEFAULT_BOOTSTRAP = "127.0.0.1:9092"
SPECVERSION = "1.0"
CONTENT_TYPE = "application/json"


def bootstrap_servers(events_config: dict[str, Any], override: str | None = None) -> str:
    """Where to publish: the override, ``[events] bootstrap_servers``, the environment, or
    the local default."""
    return (override or events_config.get("bootstrap_servers")
            or os.environ.get("KAFKA_BOOTSTRAP_SERVERS") or DEFAULT_BOOTSTRAP)


# --------------------------------------------------------------------------- the message


def utc(moment: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes; every time the suite stores is UTC."""
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def format_sequence(position: int) -> str:
    """``ce_sequence``: the outbox position, zero-padded so strings sort like numbers."""
    return f"{position:020d}"


class OutgoingEvent(NamedTuple):
    """One outbox row as it goes on the wire (a named tuple: the relay builds one per row)."""

    position: int
    key: bytes
    value: bytes
    headers: list[tuple[str, bytes]]
    # The record's Kafka timestamp: when the change happened (the row's ``time``), not when
    # it was sent, so the broker's time-based retention and every reader see the event's age.
    timestamp_ms: int | None = None


def cloudevent_message(row: OutboxEvent | sa.Row) -> OutgoingEvent:
    """The CloudEvents 1.0 Kafka binary-mode message of an outbox row (ORM object or row)."""
    attributes = {
        "ce_specversion": SPECVERSION,
        "ce_id": row.id,
        "ce_source": row.source,
        "ce_type": row.type,
        "ce_time": utc(row.time).isoformat().replace("+00:00", "Z"),
        "ce_subject": row.subject,
        "ce_city": row.city,
        "ce_schemaversion": str(row.schema_version),
        "ce_sequence": format_sequence(row.position),
        "content-type": CONTENT_TYPE,
    }
    request_id = getattr(row, "request_id", None)
    if request_id:  # the request that recorded it (extension attribute), only when there was one
        attributes[REQUEST_ID_HEADER] = request_id
    return OutgoingEvent(position=row.position, key=row.aggregate_id.encode(), value=bytes(row.wire),
                         headers=[(name, text.encode()) for name, text in attributes.items()],
                         timestamp_ms=round(utc(row.time).timestamp() * 1000))


REQUEST_ID_HEADER = "ce_requestid"
_SPECVERSION_HEADER = ("ce_specversion", SPECVERSION.encode())
_CONTENT_TYPE_HEADER = ("content-type", CONTENT_TYPE.encode())
_EPOCH = dt.datetime(1970, 1, 1)  # naive UTC, as MessageBuilder.message's times


class MessageBuilder:
    """:func:`cloudevent_message`, byte for byte, at the relay's pace.

    The value is the row's ``wire`` column, encoded when the event was recorded
    (:func:`core.events.wire_value`), passed through untouched. The headers that repeat from
    row to row (source, type, city, schema version) are built once, as the ``(name, bytes)``
    tuples kafka-python takes.
    """

    def __init__(self) -> None:
        self._headers: dict[tuple[str, str, str, int], tuple[tuple[str, bytes], ...]] = {}

    def _repeating(self, source: str, event_type: str, city: str, version: int
                   ) -> tuple[tuple[str, bytes], ...]:
        """The ``ce_source``, ``ce_type``, ``ce_city`` and ``ce_schemaversion`` headers."""
        key = (source, event_type, city, version)
        headers = self._headers.get(key)
        if headers is None:
            if len(self._headers) > 10_000:  # bounded: only repeating values belong here
                self._headers.clear()
            headers = self._headers[key] = (
                ("ce_source", source.encode()), ("ce_type", event_type.encode()),
                ("ce_city", city.encode()), ("ce_schemaversion", str(version).encode()))
        return headers

    @staticmethod
    def columns() -> list[Any]:
        """What :meth:`message` reads of an outbox row, in this order."""
        outbox = OutboxEvent.__table__
        return [outbox.c.position, outbox.c.id, outbox.c.source, outbox.c.type, outbox.c.time,
                outbox.c.subject, outbox.c.city, outbox.c.schema_version, outbox.c.aggregate_id,
                outbox.c.wire, outbox.c.request_id]

    def message(self, row: Any) -> OutgoingEvent:
        """The message of a row of :meth:`columns`."""
        # Unpacked once: a Row's attribute access costs more than the rest of the message.
        (position, event_id, source, event_type, moment, subject, city, version, aggregate_id,
         value, request_id) = row
        # The time as naive UTC: its ISO text with a "Z" and its milliseconds since the epoch
        # are what cloudevent_message gives, at a third of the cost. Read through the driver
        # (Relay._fetch), SQLite's is the naive UTC text SQLAlchemy stored.
        if moment.__class__ is str:
            moment = dt.datetime.fromisoformat(moment)
        elif moment.tzinfo is not None:
            moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
        source_header, type_header, city_header, version_header = self._repeating(
            source, event_type, city, version)
        headers = [
            _SPECVERSION_HEADER,
            ("ce_id", event_id.encode()),
            source_header,
            type_header,
            ("ce_time", (moment.isoformat() + "Z").encode()),
            ("ce_subject", subject.encode()),
            city_header,
            version_header,
            ("ce_sequence", format_sequence(position).encode()),
            _CONTENT_TYPE_HEADER,
        ]
        if request_id:  # a header of its own only on rows recorded by a request
            headers.append((REQUEST_ID_HEADER, request_id.encode()))
        return OutgoingEvent(position, aggregate_id.encode(), bytes(value), headers,
                             round((moment - _EPOCH).total_seconds() * 1000))


@functools.lru_cache(maxsize=8)  # one per engine's dialect: a process has one or two
def _unsent_rows(dialect: sa.Dialect, from_oldest: bool
                 ) -> Callable[[dict[str, Any]], tuple[str, Any]]:
    """The relay's read (:meth:`MessageBuilder.columns` of the unsent rows in position order,
    ``size`` of them, after position ``after`` unless ``from_oldest``) compiled once for this
    dialect: a function of the values giving the driver's SQL text and its parameters."""
    outbox = OutboxEvent.__table__
    query = (sa.select(*MessageBuilder.columns()).where(outbox.c.sent_at.is_(None))
             .order_by(outbox.c.position).limit(sa.bindparam("size")))
    if not from_oldest:
        query = query.where(outbox.c.position > sa.bindparam("after"))
    compiled = query.compile(dialect=dialect)
    sql, order = compiled.string, compiled.positiontup

    def bound(values: dict[str, Any]) -> tuple[str, Any]:
        parameters = compiled.construct_params(values)
        return sql, (tuple(parameters[name] for name in order) if order is not None
                     else parameters)

    return bound


# --------------------------------------------------------------------------- leadership


class Leadership(Protocol):
    def acquire(self) -> bool:
        """Try to become (or stay) the city's publishing relay; True when this relay leads."""

    def release(self) -> None:
        """Stop leading (another relay may take over)."""


def lock_key(city_code: str) -> int:
    """A stable signed 64-bit advisory-lock key for a city's relay."""
    return advisory_key(f"zhaoshang-relay:{city_code}")


class PostgresLeadership:
    """A session advisory lock held on a dedicated autocommit connection.

    The lock lives exactly as long as that connection: if the relay dies, PostgreSQL drops
    it and a standby relay takes over. Every :meth:`acquire` of the leader pings the
    connection, so a leader whose connection broke notices before its next batch.
    """

    def __init__(self, engine: Engine, city_code: str) -> None:
        self.engine = engine
        self.key = lock_key(city_code)
        self._connection: Connection | None = None

    def acquire(self) -> bool:
        if self._connection is not None:
            try:
                self._connection.execute(sa.text("SELECT 1"))
                return True
            except sa.exc.DBAPIError:
                log.warning("relay lock connection lost; leadership given up")
                self.release()
                return False
        connection = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        try:
            held = connection.scalar(sa.text("SELECT pg_try_advisory_lock(:key)"),
                                     {"key": self.key})
        except BaseException:
            connection.close()
            raise
        if not held:
            connection.close()
            return False
        self._connection = connection
        return True

    def release(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(Exception):
                connection.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": self.key})
            with contextlib.suppress(Exception):
                connection.close()


class FileLeadership:
    """An exclusive ``flock`` next to a SQLite database (one host, like SQLite itself)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle: IO[str] | None = None

    def acquire(self) -> bool:
        if self._handle is not None:
            return True
        handle = open(self.path, "a+")  # noqa: SIM115 - held while leading
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        self._handle = handle
        return True

    def release(self) -> None:
        handle, self._handle = self._handle, None
        if handle is not None:
            fcntl.flock(handle, fcntl.LOCK_UN)
            handle.close()


def leadership_for(engine: Engine, city_code: str) -> Leadership:
    """The right lock for the city's database."""
    if engine.dialect.name == "postgresql":
        return PostgresLeadership(engine, city_code)
    database = engine.url.database
    if engine.dialect.name == "sqlite" and database and database != ":memory:":
        return FileLeadership(Path(f"{database}.relay.lock"))
    raise ValueError(f"the relay cannot lock a {engine.dialect.name} database {engine.url!r}")


# --------------------------------------------------------------------------- publishing


class Delivery(Protocol):
    """What the relay needs of a Kafka producer (a fake one in unit tests)."""

    def send(self, topic: str, value: bytes, key: bytes, headers: list[tuple[str, bytes]],
             timestamp_ms: int | None = None) -> Any:
        ...

    def flush(self, timeout: float | None = None) -> None:
        ...

    def close(self, timeout: float | None = None) -> None:
        ...


@dataclass
class RelaySettings:
    """Tuning of one relay; the defaults suit a city service."""

    batch_size: int = 500  # rows per read (the next is read ahead while one is sent)
    # Rows handed to the producer and not yet acknowledged: reading stops at this many, so
    # the producer's buffer (32 MB by default) never blocks a send for long. A few round trips'
    # worth keeps the broker busy; more only keeps the producer's futures alive long enough to
    # reach the oldest generation and cost full garbage collections (2,000 rows and 8,000 in
    # flight paid one per 20,000 events; docs/benchmarks.md, the relay).
    max_in_flight: int = 2000
    poll_interval: float = 0.1  # seconds between reads when the outbox is empty
    flush_timeout: float = 10.0  # seconds to wait for the broker's next ack in one round
    gap_timeout: float = 2.0  # seconds a position gap may stay open before it is skipped
    backoff_max: float = 30.0  # longest wait between rounds after errors
    # Seconds a stopping relay waits for the broker's answers to what it handed over, so that
    # what was delivered is marked sent, not published again by the next relay.
    close_timeout: float = 5.0
    producer: dict[str, Any] = field(default_factory=dict)  # extra KafkaProducer settings


class RelayError(RuntimeError):
    """A round failed; the rows stay unsent and the next round retries."""


def kafka_producer(servers: str, **overrides: Any) -> Any:
    """The relay's producer: idempotent, ``acks=all``, order-preserving retries."""
    from kafka import KafkaProducer

    config: dict[str, Any] = {
        "bootstrap_servers": servers,
        "client_id": "zhaoshang-relay",
        "acks": "all",
        "enable_idempotence": True,
        # Idempotence keeps order across retries with at most 5 requests in flight.
        "max_in_flight_requests_per_connection": 5,
        "retries": 2**31 - 1,
        "delivery_timeout_ms": 600_000,  # the relay itself decides when to give up waiting
        "request_timeout_ms": 15_000,
        "max_block_ms": 5_000,  # send() must not block a round for long without metadata
        "bootstrap_timeout_ms": 5_000,
        "reconnect_backoff_max_ms": 2_000,
        "allow_auto_create_topics": False,  # topics are created with the configured layout
        "linger_ms": 5,
        "batch_size": 256 * 1024,
    }
    config.update(overrides)
    return KafkaProducer(**config)


DAY_MS = 24 * 3600 * 1000


LONG_MAX = 2**63 - 1


def topic_configs(events_config: dict[str, Any]) -> dict[str, str]:
    """The topic settings a city's ``[events]`` section asks for (docs/events.md, "Retention,
    replay and rebuild").

    ``retention.ms`` is -1 (keep every record) unless ``retention_days`` is set: the broker's
    own default (7 days) would leave nothing to rebuild a province from. With ``compact``,
    records younger than ``compaction_lag_days`` are never compacted (``min.compaction.lag.ms``)
    and a null-value record — the suite writes none — stays as long (``delete.retention.ms``),
    so a running province sees every record and sets a stray tombstone aside.
    """
    days = events_config.get("retention_days")
    policy = events_config.get("cleanup_policy") or "delete"
    configs = {"retention.ms": str(days * DAY_MS) if days else "-1", "cleanup.policy": policy,
               # Records carry the event's time (the city's clock). Kafka 4 refuses timestamps
               # more than an hour ahead of the broker's clock by default; a city host whose
               # clock runs ahead would then block its relay for ever. The order per key comes
               # from the outbox position, never from these timestamps.
               "message.timestamp.after.max.ms": str(LONG_MAX)}
    if policy == "compact":
        lag = str(events_config["compaction_lag_days"] * DAY_MS)
        configs |= {"min.compaction.lag.ms": lag, "delete.retention.ms": lag}
    insync = min_insync_replicas(events_config.get("replication", 1),
                                 events_config.get("min_insync_replicas"))
    if insync is not None:
        configs["min.insync.replicas"] = str(insync)
    return configs


def min_insync_replicas(replication: int, configured: int | None = None) -> int | None:
    """A topic's ``min.insync.replicas``: the configured one, else 2 on a replicated topic
    (replication 3, min ISR 2: one broker may go down without an acknowledged record being
    lost or writes stopping), else None (the broker's default; a single local broker)."""
    if configured is not None:
        return configured
    return min(2, replication) if replication > 1 else None


def ensure_topic(servers: str, topic: str, partitions: int, replication: int,
                 admin_factory: Callable[..., Any] | None = None,
                 configs: dict[str, str] | None = None) -> bool:
    """Create ``topic`` with the configured layout and ``configs``; True if created.

    When the topic exists, its settings named in ``configs`` are compared with the broker's
    and those that differ are altered (each change logged): the configuration file, not
    the topic's history, decides the retention. Partitions are never changed (that would
    move keys to other partitions and break the order per key).
    """
    from kafka import KafkaAdminClient
    from kafka.admin import ConfigResource, ConfigResourceType
    from kafka.errors import TopicAlreadyExistsError

    insync = min_insync_replicas(replication)
    wanted = {"min.insync.replicas": str(insync)} if insync is not None else {}
    wanted |= configs or {}  # a configured min.insync.replicas (topic_configs) wins
    admin = (admin_factory or KafkaAdminClient)(
        bootstrap_servers=servers, client_id="zhaoshang-relay-admin",
        request_timeout_ms=15_000, bootstrap_timeout_ms=5_000)
    try:
        try:
            admin.create_topics({topic: {"num_partitions": partitions,
                                         "replication_factor": replication, "configs": wanted}},
                                timeout_ms=30_000, wait_for_metadata=True)
            return True
        except TopicAlreadyExistsError:
            pass
        if wanted:
            described = admin.describe_configs(
                [ConfigResource(ConfigResourceType.TOPIC, topic, dict.fromkeys(wanted))],
                config_filter="all")
            held = described.get("topic", {}).get(topic, {})
            changes = {name: value for name, value in wanted.items()
                       if (held.get(name) or {}).get("value") != value}
            if changes:
                result = admin.alter_configs(
                    [ConfigResource(ConfigResourceType.TOPIC, topic, dict(changes))])
                outcome = result.get("topic", {}).get(topic, "OK")
                if outcome != "OK":
                    raise RuntimeError(f"altering {topic} {changes} failed: {outcome}")
                for name, value in changes.items():
                    log.info("topic %s: %s changed from %s to %s", topic, name,
                             (held.get(name) or {}).get("value"), value)
        return False
    finally:
        admin.close()


class Relay:
    """Publishes one city's outbox. ``publish_round()`` does one round; ``run()`` loops.

    Rows handed to the producer wait in ``_in_flight`` (position, future) in position order,
    across reads, until the broker answers; a round reads the next batch while earlier ones
    are in flight and marks the acknowledged prefix. ``_cursor`` is the highest position
    handed over: the next read starts after it, so in-flight rows are not read twice.
    """

    def __init__(
        self,
        sessions: sessionmaker[Session],
        topic: str,
        leadership: Leadership,
        delivery_factory: Callable[[], Delivery],
        settings: RelaySettings | None = None,
        prepare: Callable[[], None] | None = None,
    ) -> None:
        self.sessions = sessions
        self.topic = topic
        self.leadership = leadership
        self.delivery_factory = delivery_factory
        self.settings = settings or RelaySettings()
        self.prepare = prepare  # e.g. create the topic; retried until it succeeds
        self.published = 0  # rows marked sent by this relay
        self._prepared = prepare is None
        self._delivery: Delivery | None = None
        # Handed to the producer, not yet answered: the futures and, side by side, their rows'
        # positions. Two deques rather than one of (position, future) pairs: a pair per row
        # would outlive the young collections and push the garbage collector into full ones.
        self._in_flight: collections.deque[Any] = collections.deque()
        self._in_flight_positions: collections.deque[int] = collections.deque()
        self._acknowledged: list[int] = []  # acknowledged, not yet marked (a failed mark)
        self._cursor: int | None = None  # highest position handed to the producer
        self._gaps: dict[int, float] = {}  # missing position -> when first seen
        self._messages = MessageBuilder()
        self._partitions = KeyPartitions()
        self._marker: ThreadPoolExecutor | None = None  # the marking thread, once needed
        self._reader: ThreadPoolExecutor | None = None  # the read-ahead thread, once needed
        # The next batch, read ahead from a cursor: (cursor, rows and the position before them)
        self._read_ahead: tuple[int, Future[tuple[list[Any], int | None]]] | None = None

    # -- one round ----------------------------------------------------------------
    def publish_round(self) -> int | None:
        """Publish what is ready; the number of rows marked sent, or None when standing by.

        Raises on a failed round (broker unreachable, a delivery error, a database error);
        whatever was not acknowledged stays unsent.
        """
        if not self.leadership.acquire():
            self._drop_in_flight()
            return None
        if not self._prepared:
            self.prepare()  # type: ignore[misc]
            self._prepared = True
        failure = self._collect()
        if not self._in_flight and not self._acknowledged:
            # All caught up: read from the oldest unsent row again, so a row whose position
            # gap was passed (a transaction that committed very late) goes out now.
            self._cursor = None
        progressed = bool(self._acknowledged)
        idle = True  # nothing else to do this round: wait for the broker
        # The acknowledged prefix is marked on the marking thread while this thread reads and
        # sends the next batch: the database's work (GIL released) overlaps the producer's.
        marking = self._start_marking() if failure is None else None
        try:
            if failure is None and len(self._in_flight) < self.settings.max_in_flight:
                events = self._read_batch()
                if events:
                    self._send(events)
                idle = len(events) < self.settings.batch_size  # the outbox (or its ready part) is read
            if failure is None and not progressed and idle and self._in_flight:
                self._await_head()
                failure = self._collect()
        finally:
            marked = self._finish_marking(marking)
        marked += self._mark_acknowledged()  # collected after the wait, or before a failure
        if failure is not None:
            self._drop_in_flight()
            raise RelayError(f"delivery failed after {marked} events marked sent: {failure!r}"
                             ) from failure
        return marked

    def _delivery_channel(self) -> Delivery:
        if self._delivery is None:
            self._delivery = self.delivery_factory()
        return self._delivery

    def _read_batch(self) -> list[Any]:
        """The next rows ready to publish (of :meth:`MessageBuilder.columns`).

        A full batch starts reading the one after it on the read-ahead thread, so the
        database's work (the driver releases the GIL) overlaps this thread's sending. What was
        read ahead is used only if it starts at the cursor (not after a failure, a lost
        leadership or a restart from the oldest unsent row); the position gaps are judged
        here, when it is used.
        """
        cursor = self._cursor
        ahead, self._read_ahead = self._read_ahead, None
        if ahead is not None and ahead[0] == cursor:
            rows, before = ahead[1].result()
        else:
            rows, before = self._fetch(cursor)
        if not rows:
            return []
        ready = self._in_commit_order(rows, before)
        if ready and len(ready) == self.settings.batch_size:  # more may be waiting
            if self._reader is None:
                self._reader = ThreadPoolExecutor(1, thread_name_prefix="zhaoshang-relay-read")
            last = ready[-1][0]
            self._read_ahead = (last, self._reader.submit(self._fetch, last))
        return ready

    def _fetch(self, cursor: int | None) -> tuple[list[Any], int | None]:
        """Up to ``batch_size`` unsent rows after ``cursor`` and the position before them."""
        with self.sessions() as session, session.begin():
            connection = session.connection()
            dialect = connection.dialect
            if dialect.name == "postgresql":
                # Walk ix_outbox_unsent in order. Just after a burst the statistics still say
                # the table is small, and PostgreSQL would gather every unsent row in a bitmap
                # and sort them: 30 ms a batch at 20,000 unsent instead of half a millisecond.
                connection.exec_driver_sql("SET LOCAL enable_bitmapscan = off")
            sql, arguments = _unsent_rows(dialect, cursor is None)(
                {"after": cursor, "size": self.settings.batch_size})
            # The driver's own rows, plain tuples as it builds them: no Row objects, no type
            # processing (MessageBuilder.message takes SQLite's stored time text), a third of
            # the read's cost. A batch lives while it is sent, and rows that outlive the young
            # collections would cost full ones.
            result = connection.exec_driver_sql(sql, arguments)
            rows = result.cursor.fetchall()
            result.close()
            if rows and cursor is None:
                outbox = OutboxEvent.__table__
                cursor = session.scalar(sa.select(sa.func.max(outbox.c.position))
                                        .where(outbox.c.position < rows[0][0]))
        return rows, cursor

    def _in_commit_order(self, rows: list[Any], before: int | None) -> list[Any]:
        """The rows up to the first gap in positions that may still be an open transaction."""
        now = time.monotonic()
        expected = (before or 0) + 1
        ready: list[Any] = []
        for row in rows:
            position = row[0]  # the first of MessageBuilder.columns()
            if position > expected:
                first_seen = self._gaps.setdefault(expected, now)
                if now - first_seen < self.settings.gap_timeout:
                    break
                log.info("outbox positions %d..%d never committed; going on", expected,
                         position - 1)
            ready.append(row)
            expected = position + 1
        self._gaps = {p: t for p, t in self._gaps.items() if p >= expected}
        return ready

    def _send(self, rows: list[Any]) -> None:
        delivery = self._delivery_channel()
        send, message = delivery.send, self._messages.message
        topic, in_flight, positions = self.topic, self._in_flight, self._in_flight_positions
        partitions_for = getattr(delivery, "partitions_for", None)  # a scripted one has none
        if partitions_for is None:
            for row in rows:
                position, key, value, headers, timestamp_ms = message(row)
                in_flight.append(send(topic, value=value, key=key, headers=headers,
                                      timestamp_ms=timestamp_ms))
                positions.append(position)
                self._cursor = position
            return
        # The default partitioner's partition, picked here at a fraction of its cost
        # (core.key_partitions): the producer then skips hashing the key.
        partition_of = self._partitions
        partition_of.for_topic(partitions_for(topic))
        for row in rows:
            # Built just before it is sent, so a message is garbage as soon as the producer has
            # copied it: a batch of built messages kept alive would cost garbage collections.
            position, key, value, headers, timestamp_ms = message(row)
            # What was handed over is awaited; after a failed send() the rest is read again.
            in_flight.append(send(topic, value=value, key=key, headers=headers,
                                  partition=partition_of(key), timestamp_ms=timestamp_ms))
            positions.append(position)
            self._cursor = position

    def _collect(self) -> BaseException | None:
        """Move the acknowledged prefix of the in-flight rows to ``_acknowledged``; the failure
        that ends it, if a send failed (nothing after a failure counts as acknowledged)."""
        in_flight, acknowledged = self._in_flight, self._acknowledged
        positions = self._in_flight_positions
        while in_flight:
            future = in_flight[0]
            if not future.is_done:
                return None
            if not future.succeeded():
                return future.exception or RelayError("delivery failed")
            acknowledged.append(positions.popleft())
            in_flight.popleft()
        return None

    def _await_head(self) -> None:
        """Wait up to ``flush_timeout`` for the oldest in-flight row's answer.

        A broker outage makes this time out: the rows stay in flight (the producer retries
        them) and the next round waits on them again — never sends them twice.
        """
        timeout = self.settings.flush_timeout
        future = self._in_flight[0]
        wait = getattr(future, "get", None)  # kafka-python's future; a scripted one has none
        try:
            if wait is None:
                self._delivery_channel().flush(timeout=timeout)
            else:
                wait(timeout=timeout)
        except Exception as exc:
            if not future.is_done:
                raise RelayError(f"broker did not acknowledge {len(self._in_flight)} events "
                                 f"in {timeout:g}s: {exc!r}") from exc

    def _mark_acknowledged(self) -> int:
        """Mark the acknowledged rows sent, here and now."""
        positions = self._acknowledged
        if not positions:
            return 0
        self._mark(positions)
        self._acknowledged = []
        self.published += len(positions)
        return len(positions)

    def _start_marking(self) -> tuple[list[int], Future[None]] | None:
        """Mark the acknowledged rows on the marking thread; :meth:`_finish_marking` waits."""
        positions = self._acknowledged
        if not positions:
            return None
        if self._marker is None:
            self._marker = ThreadPoolExecutor(1, thread_name_prefix="zhaoshang-relay-mark")
        self._acknowledged = []
        return positions, self._marker.submit(self._mark, positions)

    def _finish_marking(self, marking: tuple[list[int], Future[None]] | None) -> int:
        """Wait for :meth:`_start_marking`'s rows; if marking failed they are marked again
        next round (before any acknowledged since: in position order) and the error raised."""
        if marking is None:
            return 0
        positions, done = marking
        try:
            done.result()
        except BaseException:
            self._acknowledged = positions + self._acknowledged
            raise
        self.published += len(positions)
        return len(positions)

    def _mark(self, positions: list[int]) -> None:
        """One transaction, one UPDATE per run of consecutive positions."""
        outbox = OutboxEvent.__table__
        now = utcnow()
        with self.sessions() as session, session.begin():
            for runs in _chunks(position_runs(positions), 100):
                session.execute(sa.update(outbox).where(sa.or_(
                    *(outbox.c.position.between(first, last) for first, last in runs)))
                    .values(sent_at=now))

    def _drop_in_flight(self) -> None:
        """Forget what is in flight (a failed delivery, or not the leader any more): those
        rows are read again from the oldest unsent one, by this relay or the new leader."""
        if self._in_flight or self._cursor is not None:
            self._reset_delivery()
        self._in_flight.clear()
        self._in_flight_positions.clear()
        self._acknowledged = []
        self._cursor = None
        self._read_ahead = None

    def _reset_delivery(self) -> None:
        delivery, self._delivery = self._delivery, None
        if delivery is not None:
            with contextlib.suppress(Exception):
                delivery.close(timeout=0)

    # -- the loop -----------------------------------------------------------------
    def run(self, stop: threading.Event | None = None) -> None:
        """Publish until ``stop`` is set; errors are logged and retried with backoff."""
        poll = self.settings.poll_interval

        def one_round() -> float:
            count = self.publish_round()
            if count is None:  # standing by: another relay publishes
                return max(poll, 0.5)
            return 0.0 if count or self._in_flight else poll

        def failed(exc: Exception, _failures: int) -> None:
            if not isinstance(exc, RelayError) and not self._in_flight:
                self._reset_delivery()  # e.g. the producer could not be built: a fresh one

        try:
            run_rounds(one_round, stop or threading.Event(), what="relay round", log=log,
                       longest_wait=self.settings.backoff_max, on_failure=failed)
        finally:
            self.close()

    def drain(self, timeout: float = 60.0) -> int:
        """Publish until the outbox holds no unsent row (for tests and one-shot runs)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                count = self.publish_round()
            except Exception as exc:  # broker not (yet) reachable: retry until the deadline
                log.info("relay round failed (%s); retrying", exc)
                count = None
            if count == 0 and not self._in_flight and self.unsent() == 0:
                return self.published
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.unsent()} outbox rows still unsent after {timeout}s")
            if not count and not self._in_flight:
                time.sleep(self.settings.poll_interval)

    def unsent(self) -> int:
        with self.sessions() as session:
            return session.scalar(sa.select(sa.func.count()).select_from(OutboxEvent)
                                  .where(OutboxEvent.sent_at.is_(None))) or 0

    def close(self) -> None:
        """Stop publishing and let go of the city's leadership.

        What the broker acknowledged is marked sent first — waiting up to ``close_timeout``
        for the answers still due — so that the next relay (this one restarted, or a standby)
        does not publish it again. Anything still unanswered, or a mark that fails, stays
        unsent: it is published again later and the consumers drop the repeat.
        """
        try:
            self._mark_delivered_before_closing()
        finally:
            self._release()

    def _mark_delivered_before_closing(self) -> None:
        if self._delivery is not None and self._in_flight:
            try:
                self._delivery.flush(timeout=self.settings.close_timeout)
            except Exception as exc:  # the broker is away: the unanswered rows stay unsent
                log.info("relay stopping with %d events unanswered: %r",
                         len(self._in_flight), exc)
        self._collect()
        try:
            self._mark_acknowledged()
        except Exception:
            log.warning("relay stopping: %d delivered events not marked sent; they will be "
                        "published again", len(self._acknowledged), exc_info=True)

    def _release(self) -> None:
        self._in_flight.clear()
        self._in_flight_positions.clear()
        self._acknowledged = []
        self._cursor = None
        self._read_ahead = None
        for thread in (self._marker, self._reader):
            if thread is not None:
                thread.shutdown(wait=True)
        self._marker = self._reader = None
        if self._delivery is not None:
            with contextlib.suppress(Exception):
                self._delivery.close(timeout=5)
            self._delivery = None
        self.leadership.release()


def position_runs(positions: list[int]) -> list[tuple[int, int]]:
    """Ascending positions as runs of consecutive ones, ``(first, last)``.

    ``position BETWEEN first AND last`` then names exactly these rows: a position missing
    from the list (a gap the relay passed) may still commit later, unsent, and must not be
    marked with its neighbours.
    """
    runs: list[tuple[int, int]] = []
    first = last = positions[0]
    for position in positions[1:]:
        if position != last + 1:
            runs.append((first, last))
            first = position
        last = position
    runs.append((first, last))
    return runs


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def city_relay(city: Any, engine: Engine, servers: str | None = None,
               settings: RelaySettings | None = None) -> Relay:
    """The relay of a configured city: its topic, its lock, a Kafka producer."""
    from core.db import make_session_factory

    events = city.config["events"]
    servers = bootstrap_servers(events, servers)
    settings = settings or RelaySettings()

    def prepare() -> None:
        configs = topic_configs(events)
        if ensure_topic(servers, city.topic, events["partitions"], events["replication"],
                        configs=configs):
            log.info("created topic %s (%d partitions, replication %d, %s)", city.topic,
                     events["partitions"], events["replication"], configs)

    return Relay(
        sessions=make_session_factory(engine),
        topic=city.topic,
        leadership=leadership_for(engine, city.code),
        delivery_factory=lambda: kafka_producer(servers, **settings.producer),
        settings=settings,
        prepare=prepare,
    )


@contextlib.contextmanager
def running(relay: Relay) -> Iterator[threading.Event]:
    """Run ``relay`` in a background thread for the duration of the block."""
    stop = threading.Event()
    thread = threading.Thread(target=relay.run, args=(stop,), name="zhaoshang-relay",
                              daemon=True)
    thread.start()
    try:
        yield stop
    finally:
        stop.set()
        thread.join(timeout=30)
