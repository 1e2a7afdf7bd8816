"""Pooled PostgreSQL connections are kept for all of a service's threads, and pinged only
after sitting idle (``core.db.ping_after_idle``): a busy service starts no backend and spends no
round trip per request on them, and a connection the server dropped while it was idle is
replaced before a request uses it."""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa

from core.db import make_engine, ping_after_idle


@pytest.fixture
def pg_url(postgres_server):
    name = f"idle_ping_{os.getpid()}"
    yield postgres_server.create_database(name)
    postgres_server.drop_database(name)


def counted_pings(engine: sa.Engine, monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    pings: list[bool] = []
    real = engine.dialect.do_ping

    def ping(dbapi_connection):  # type: ignore[no-untyped-def]
        pings.append(True)
        return real(dbapi_connection)

    monkeypatch.setattr(engine.dialect, "do_ping", ping)
    return pings


def backend_pid(engine: sa.Engine) -> int:
    with engine.connect() as connection:
        return connection.scalar(sa.text("SELECT pg_backend_pid()"))


def test_a_busy_pool_sends_no_ping(pg_url, monkeypatch):
    engine = make_engine(pg_url)
    assert not engine.pool._pre_ping  # no round trip on every checkout
    pings = counted_pings(engine, monkeypatch)
    first = backend_pid(engine)
    assert [backend_pid(engine) for _ in range(5)] == [first] * 5  # the same pooled connection
    assert pings == []
    engine.dispose()


def test_a_connection_dropped_while_idle_is_replaced_before_use(pg_url, monkeypatch):
    engine = sa.create_engine(pg_url)
    ping_after_idle(engine, idle_seconds=0)  # every checkout counts as after an idle spell
    pings = counted_pings(engine, monkeypatch)
    dropped = backend_pid(engine)
    admin = sa.create_engine(pg_url, poolclass=sa.NullPool)
    with admin.connect() as connection:  # what a server restart or an idle timeout does
        assert connection.scalar(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": dropped})
    with engine.connect() as connection:
        assert connection.scalar(sa.text("SELECT 1")) == 1  # no error reaches the caller
        assert connection.scalar(sa.text("SELECT pg_backend_pid()")) != dropped
    assert pings  # found by the ping, not by the caller's statement
    engine.dispose()
    admin.dispose()


def test_a_service_busy_on_all_its_threads_keeps_its_connections(pg_url):
    """Eight requests at once, again and again (waitress's eight threads): the same eight
    PostgreSQL backends serve them all, none started per request."""
    engine = make_engine(pg_url)
    backends: set[int] = set()
    for _ in range(5):
        held = [engine.connect() for _ in range(8)]
        backends |= {c.scalar(sa.text("SELECT pg_backend_pid()")) for c in held}
        for connection in held:
            connection.close()
    assert len(backends) == 8
    engine.dispose()
