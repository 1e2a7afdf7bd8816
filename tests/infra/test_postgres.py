"""Real PostgreSQL from infra/postgres.py: start, create a database, `select 1`, restart.

Never skips: without server binaries (and no way to install them) it fails with
PostgresSetupError saying what to install.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from infra.postgres import PostgresServer, find_pg_bin


@pytest.fixture
def pg_dir() -> Iterator[Path]:
    # Not pytest's tmp_path: /tmp/pytest-of-root is 0700, so the `postgres` OS user (which
    # runs the server when we are root) could not reach it.
    path = Path(tempfile.mkdtemp(prefix="zs-pg-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.mark.postgres
def test_start_create_database_select_1_and_restart(pg_dir):
    started = time.monotonic()
    with PostgresServer(pg_dir) as pg:
        print(f"postgres start (incl. initdb): {time.monotonic() - started:.1f}s")
        assert find_pg_bin() == pg.bin_dir
        url = pg.create_database("zs_infra_test")
        assert url == f"postgresql+psycopg://postgres@127.0.0.1:{pg.port}/zs_infra_test"
        assert pg.create_database("zs_infra_test") == url  # idempotent

        engine = sa.create_engine(url)
        try:
            with engine.begin() as conn:
                assert conn.execute(sa.text("select 1")).scalar_one() == 1
                conn.execute(sa.text("create table t (id int primary key)"))
                conn.execute(sa.text("insert into t values (42)"))
        finally:
            engine.dispose()
        assert (pg_dir / f".s.PGSQL.{pg.port}").exists()  # unix socket in the data dir's parent
        port = pg.port

    assert not pg.is_running()
    # Same directory again: no second initdb, the data is still there.
    with PostgresServer(pg_dir, port=port) as again:
        assert again.execute("select id from t", database="zs_infra_test") == [(42,)]
        again.drop_database("zs_infra_test")
        assert again.execute(
            "select 1 from pg_database where datname = 'zs_infra_test'") == []


@pytest.mark.postgres
def test_the_test_sessions_server_keeps_its_files_in_memory_and_removes_them():
    """The session's server creates and drops a database for nearly every test: its files go
    where the system keeps files in memory (``/dev/shm`` on Linux), and are gone afterwards."""
    from infra.local_servers import memory_directory
    from infra.postgres import throwaway_server

    with throwaway_server() as server:
        base = server.base_dir
        assert base.is_dir()
        expected = memory_directory()
        if Path("/dev/shm").is_dir():  # Linux: this machine and CI's
            assert expected == Path("/dev/shm")
        if expected is not None:
            assert base.parent == expected
        url = server.create_database("zs_in_memory")
        engine = sa.create_engine(url)
        try:
            with engine.connect() as conn:
                assert conn.execute(sa.text("show data_directory")).scalar_one().startswith(
                    str(base))
        finally:
            engine.dispose()
    assert not base.exists()
