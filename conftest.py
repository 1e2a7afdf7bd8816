"""Suite-wide fixtures: a throwaway city, its app on SQLite and on a real PostgreSQL.

They live at the repository root so ``tests/`` and every ``plugins/<city>/tests``
share one set (one PostgreSQL server per run, not one per test tree).

Database tests take the ``db_url`` fixture, parametrised over ``sqlite`` and
``postgresql``: the PostgreSQL server is Debian's, started once per session by
:mod:`infra.postgres`. Under ``CI=true`` a missing server is a failure, never a skip.
"""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.cities import make_city
from tests.support.databases import BACKENDS

_database_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[object]:
    from infra.postgres import PostgresServer

    base = Path(tempfile.mkdtemp(prefix="zhaoshang-pg-"))
    server = PostgresServer(base)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database on each backend the suite runs against."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'city.db'}"
        return
    server = request.getfixturevalue("postgres_server")
    name = f"test_{os.getpid()}_{next(_database_numbers)}"
    yield server.create_database(name)
    # Hundreds of test databases would fill the disk and make the server's shutdown and
    # clean-up take minutes; each goes with its test (after the apps closed their pools).
    server.drop_database(name)


@pytest.fixture
def city():
    """A throwaway city with no plugin: the core's defaults only."""
    return make_city()


@pytest.fixture
def app(city, db_url):
    from tests.support.cities import ready_app

    app = ready_app(city, db_url)
    yield app
    # Close pooled connections now: hundreds of apps must not exhaust PostgreSQL's slots.
    app.extensions["zhaoshang"].engine.dispose()


@pytest.fixture
def app_for(db_url):
    """Build migrated apps for a test's own cities (policy overrides, throwaway plugins)."""
    from tests.support.cities import ready_app

    apps = []

    def build(city):
        apps.append(ready_app(city, db_url))
        return apps[-1]

    yield build
    for built in apps:
        built.extensions["zhaoshang"].engine.dispose()


@pytest.fixture
def client_for(app_for):
    """``client_for(city)``: an API client of a test's own city (its app is ``.flask.application``)."""
    from tests.support.http import ApiClient

    return lambda city: ApiClient(app_for(city).test_client())


@pytest.fixture
def client(app):
    from tests.support.http import ApiClient

    return ApiClient(app.test_client())
