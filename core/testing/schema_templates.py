"""Test databases given their schema by copying a template: one migration per schema per process.

Every ``app`` fixture used to run the whole Alembic history (the core's migrations and the
enabled plugins' branches) into its fresh, empty database: 0.4–0.8 s of CPU a test on a small
machine, and the migrations' DDL on PostgreSQL besides — most of a typical test's time. Now the
first empty database of a schema is migrated by the same upgrade ``zhaoshang migrate`` runs,
into a template kept for the process, and every later empty database of that schema is a copy
of it: SQLite's backup API into the new file, PostgreSQL's ``CREATE DATABASE … TEMPLATE``.

A schema is what the migrations make, so it is named by the migration directories the city
runs (the core's and each enabled plugin's), on one backend and, for PostgreSQL, one server.
A city's own data (its units, what follows an upgrade) is never in a template:
:func:`core.testing.cities.ready_app` still runs ``prepare_database``, whose upgrade then finds
the schema at its head. A database that is not empty (a test that wrote into it first, or a
second app on the same one) is left alone and migrated in place, as before.
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from core.alembic_upgrade import upgrade_one_at_a_time
from core.city import City
from core.db import make_engine
from core.migrate import CORE_MIGRATIONS, alembic_config, plugin_version_dirs

# The templates made by this process: schema key -> the template's SQLite file or database name.
_templates: dict[tuple[str, ...], str] = {}
_numbers = itertools.count(1)
_directory: Path | None = None


def copy_migrated_schema(city: City, db_url: str) -> bool:
    """Give the empty database at ``db_url`` the migrated schema of ``city``, from a template
    (made now if this is the schema's first database). False, and nothing done, when the
    database is not empty or not a file or server database."""
    url = sa.engine.make_url(db_url)
    if url.get_backend_name() == "sqlite":
        return _copy_sqlite(city, url)
    if url.get_backend_name() == "postgresql":
        return _copy_postgres(city, url)
    return False


def _schema_key(city: City, *where: str) -> tuple[str, ...]:
    return (*where, str(CORE_MIGRATIONS), *(str(path) for path in plugin_version_dirs(city)))


def _migrate(city: City, db_url: str) -> None:
    """The schema only: the same upgrade as ``core.migrate.upgrade``, without the city's data."""
    engine = make_engine(db_url)
    try:
        upgrade_one_at_a_time(engine, alembic_config(city, engine), f"city:{city.code}")
    finally:
        engine.dispose()


# --------------------------------------------------------------------------- SQLite


def _sqlite_is_empty(path: Path) -> bool:
    if not path.exists() or path.stat().st_size == 0:
        return True
    with contextlib.closing(sqlite3.connect(path)) as connection:
        return connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0


def _copy_sqlite(city: City, url: sa.engine.URL) -> bool:
    if not url.database or url.database == ":memory:":
        return False
    target = Path(url.database)
    if not _sqlite_is_empty(target):
        return False
    key = _schema_key(city, "sqlite")
    template = _templates.get(key)
    if template is None or not Path(template).exists():
        template = str(_template_directory() / f"schema-{next(_numbers)}.db")
        _migrate(city, f"sqlite:///{template}")
        _templates[key] = template
    # The backup API copies a consistent image whatever the template's journal (WAL) holds.
    with contextlib.closing(sqlite3.connect(template)) as source, \
            contextlib.closing(sqlite3.connect(target)) as copy:
        source.backup(copy)
    return True


def _template_directory() -> Path:
    global _directory
    if _directory is None:
        _directory = Path(tempfile.mkdtemp(prefix="zhaoshang-schemas-"))
        atexit.register(shutil.rmtree, _directory, True)
    return _directory


# --------------------------------------------------------------------------- PostgreSQL


@contextlib.contextmanager
def _connected(url: sa.engine.URL, database: str) -> Iterator[Any]:
    import psycopg

    conninfo = url.set(drivername="postgresql", database=database).render_as_string(
        hide_password=False)
    with psycopg.connect(conninfo, autocommit=True, connect_timeout=10) as connection:
        yield connection


def _copy_postgres(city: City, url: sa.engine.URL) -> bool:
    from psycopg import errors, sql

    target = url.database
    if not target:
        return False
    with _connected(url, target) as connection:
        tables = connection.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()[0]
    if tables:
        return False
    key = _schema_key(city, "postgresql", url.host or "", str(url.port or ""),
                      str(url.query.get("host", "")))
    with _connected(url, "postgres") as admin:
        template = _templates.get(key)
        if template is None or not admin.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [template]).fetchone():
            template = f"zs_schema_{os.getpid()}_{next(_numbers)}"
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(template)))
            _migrate(city, url.set(database=template).render_as_string(hide_password=False))
            _templates[key] = template
        # FILE_COPY (PostgreSQL 15+) copies the template's few files rather than WAL-logging
        # every block. The empty database is dropped first; one that something is connected to
        # (a test's own engine) stays, and is migrated in place.
        strategy = " STRATEGY FILE_COPY" if admin.info.server_version >= 150000 else ""
        try:
            admin.execute(sql.SQL("DROP DATABASE {}").format(sql.Identifier(target)))
        except errors.ObjectInUse:
            return False
        try:
            admin.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}" + strategy).format(
                sql.Identifier(target), sql.Identifier(template)))
        except errors.Error:
            # The database the test was given exists again, empty, and is migrated in place.
            admin.execute(sql.SQL("CREATE DATABASE {}" + strategy).format(sql.Identifier(target)))
            _templates.pop(key, None)
            return False
    return True
