"""Database plumbing: the declarative base, engines and the unit of work.

Each city service owns one database. The engine is bound per application
(``init_app``), never as module state, so tests can run several cities side by
side.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Iterator
from decimal import Decimal
from typing import Annotated

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, mapped_column, sessionmaker

# Amounts are 万元 with 4 decimals (one yuan). Numeric keeps them exact on every backend.
Money = Annotated[Decimal, mapped_column(sa.Numeric(18, 4))]

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dict: sa.JSON, list: sa.JSON}


# The search indexes (core.search) use pg_trgm's operator class: a database built from the
# models (tests, ``create_all``) needs the extension as the migrations create it (0019).
event.listen(Base.metadata, "before_create",
             sa.DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(dialect="postgresql"))


def _json_value(value: object) -> str:
    # Request bodies parse numbers as exact Decimals (core.input_rules); in a JSON column one
    # is kept as its exact text, as a clerk who sent the amount as a string would have it.
    if isinstance(value, Decimal):
        return format(value, "f")
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def json_text(value: object) -> str:
    """A JSON column's text (``create_engine(json_serializer=…)``)."""
    return json.dumps(value, default=_json_value)


# The values most JSON columns hold (no tiers, no attributes, no tags): built without a parse.
_EMPTY: dict[bytes | str, type] = {b"[]": list, b"{}": dict, "[]": list, "{}": dict}


def json_value(text: bytes | str) -> object:
    """A JSON column's value (``create_engine(json_deserializer=…)``): PostgreSQL's driver hands
    over UTF-8 bytes, which ``json.loads`` would first probe for their encoding. A project list
    page decodes some 60 of them, mostly ``[]`` and ``{}``."""
    empty = _EMPTY.get(text)
    if empty is not None:
        return empty()
    return json.loads(text.decode() if isinstance(text, bytes) else text)


POOL_SIZE = 12  # connections kept open per process (PostgreSQL)
POOL_OVERFLOW = 20  # opened beyond them under a burst, closed when returned


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets foreign keys and a busy timeout."""
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": 30}, json_serializer=json_text,
                                  json_deserializer=json_value)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # pragma: no cover - trivial
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        return engine
    # Kept open: as many connections as a service's request threads (8 by default) and its
    # background work. With SQLAlchemy's default of 5, a busy service closed every connection
    # returned beyond the fifth and opened a new one for the next request (a PostgreSQL
    # backend started per request: a third of a lead POST's cost, docs/benchmarks.md).
    engine = sa.create_engine(url, json_serializer=json_text, json_deserializer=json_value,
                              pool_size=POOL_SIZE, max_overflow=POOL_OVERFLOW)
    ping_after_idle(engine)
    return engine


# A pooled connection is pinged before use only when it sat idle this long: a server restart
# or an idle timeout is found before a request uses the connection, while a busy service (its
# connections never idle that long) spends no round trip per request on it (``pool_pre_ping``
# pings on every checkout). A connection that dies while busy fails its one statement, and
# SQLAlchemy then discards the whole pool's older connections.
IDLE_PING_SECONDS = 10.0


def ping_after_idle(engine: Engine, idle_seconds: float = IDLE_PING_SECONDS) -> None:
    """Ping a checked-out connection that was idle over ``idle_seconds``; replace a dead one."""

    @event.listens_for(engine, "checkin")
    def _idle_from(_dbapi_connection, record):  # type: ignore[no-untyped-def]
        record.info["idle_from"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_connection, record, _proxy):  # type: ignore[no-untyped-def]
        idle_from = record.info.get("idle_from")
        if idle_from is None or time.monotonic() - idle_from <= idle_seconds:
            return
        try:
            alive = engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as exc:
            raise sa.exc.DisconnectionError(str(exc)) from exc  # the pool connects anew
        if not alive:
            raise sa.exc.DisconnectionError("connection did not answer its ping")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


READING_STATEMENTS = ("SELECT", "WITH", "PRAGMA")


def make_read_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions for requests that only read: each statement in its own transaction.

    Under READ COMMITTED (PostgreSQL's default, and the city's) every statement of a
    transaction already reads its own snapshot, so a read-only request gains nothing from a
    transaction around its statements but pays for it: a ``BEGIN`` and a ``COMMIT`` round
    trip, two of the three a ``/stats`` request made. Autocommit drops both (psycopg sends
    no ``BEGIN``; its commit, with no transaction open, sends nothing; the pool gives the
    connection back to writers with autocommit off). On SQLite a read changes nothing: its
    driver opens a transaction only before a write, so a request's selects already ran each
    on its own; the guard below is what it gains.

    A statement that would write is refused (:class:`ReadOnlyViolation`) before it is sent:
    a write here would commit on its own, half of a change. It guards against a read view
    that starts writing by mistake; it is not a permission (those are ``core.permissions``).
    """
    reading = engine.execution_options(isolation_level="AUTOCOMMIT")

    @event.listens_for(reading, "before_cursor_execute")
    def _reads_only(_conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
        # "(" too: a union of selects with their own LIMIT is sent as "(SELECT …) UNION …".
        if not statement.lstrip(" \t\r\n(")[:6].upper().startswith(READING_STATEMENTS):
            raise ReadOnlyViolation(statement)

    return sessionmaker(reading, expire_on_commit=False)


class ReadOnlyViolation(RuntimeError):
    """A statement that writes, sent through a read-only request's session."""

    def __init__(self, statement: str) -> None:
        super().__init__(f"a read-only request tried to write: {statement[:200]}")


@contextlib.contextmanager
def unit_of_work(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One transaction: commit on success, roll back on any exception.

    Domain changes and their outbox events are written inside the same unit of
    work, so an event exists exactly when its change was committed.
    """
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
