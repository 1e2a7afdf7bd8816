"""The core's pytest plugin (entry point ``pytest11: zhaoshang_testing``): the fixtures a city's
tests — the built-in five's and a generated city's — are written with.

Loaded in every pytest run where the core is installed, it imports nothing heavy until a test
asks for a fixture. A test module names its city with a ``city`` fixture; then:

``db_url``
    a fresh, empty database, parametrised over :data:`core.testing.databases.BACKENDS`
    (``sqlite`` and ``postgresql``: a real PostgreSQL started once per session,
    ``postgres_server``); never a skip, a missing server fails.
``app`` / ``client``
    the city's service on that database, migrated, and an API client acting as an officer
    (:class:`core.testing.http.ApiClient`; ``as_=(role, unit)`` per request), signing the
    identity when the service knows the gateway's secret.
``app_for(city)`` / ``client_for(city)``
    the same for a test's own variant of a city (``city_from_file(path, policy, **overrides)``).
``clock_day`` / ``today``
    the whole run is on an ordinary working Tuesday (:data:`ORDINARY_DAY`, or the instant
    ``ZHAOSHANG_CLOCK_AT`` names); a test marked ``@pytest.mark.hard_days`` also runs on each
    of :data:`HARD_DAYS` with the clock frozen there.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from core.clock import CHINA, CLOCK_ENV, travel, utcnow
from core.testing.databases import BACKENDS, throwaway_postgres

# Tests never read the real date (core.clock): the whole run is set on an ordinary working
# Tuesday, unless ZHAOSHANG_CLOCK_AT names another instant. Services the tests start in other
# processes inherit the same timeline through the environment.
ORDINARY_DAY = "2026-06-16T10:00:00+08:00"

# The days a date-sensitive test (``@pytest.mark.hard_days``) is also run on: year end and
# the New Year holiday, a leap day, the first working day after the Spring Festival holiday,
# the last day of a month before a holiday, New Year's morning at 07:30 (still 31 December on a
# host kept on UTC), and 23:30 Beijing time (15:30 UTC) on a make-up working Saturday at a
# month's end, half an hour before the day and the month turn.
HARD_DAYS = {
    "ordinary": ORDINARY_DAY,
    "dec31": "2025-12-31T10:00:00+08:00",
    "jan1": "2026-01-01T07:30:00+08:00",  # still 31 December on a host kept on UTC
    "feb29": "2024-02-29T10:00:00+08:00",
    "after_spring_festival": "2026-02-24T09:00:00+08:00",
    "month_end": "2026-04-30T17:00:00+08:00",
    "late_evening": "2026-02-28T23:30:00+08:00",
}

_database_numbers = itertools.count(1)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "hard_days: date-sensitive; run on each of core.testing.plugin.HARD_DAYS "
                   "(frozen clock)")
    os.environ.setdefault(CLOCK_ENV, ORDINARY_DAY)
    utcnow()  # anchors the timeline now, so every worker and child process shares it


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if metafunc.definition.get_closest_marker("hard_days"):
        metafunc.parametrize("clock_day", list(HARD_DAYS.values()), ids=list(HARD_DAYS),
                             indirect=True)


@pytest.fixture(autouse=True)
def clock_day(request: pytest.FixtureRequest) -> Iterator[str | None]:
    """The instant a ``hard_days`` test runs at; the run's ordinary day for any other test.

    Autouse and function-scoped, it is set up before the test's own fixtures, so the records
    they create are dated on the test's day.
    """
    at = getattr(request, "param", None)
    if at is None:
        yield None
        return
    with travel(at):
        yield at


@pytest.fixture
def today() -> dt.date:
    """The test's day in China (the city's default zone), from the frozen clock."""
    return CHINA.today()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[Any]:
    """The session's real PostgreSQL server (``create_database(name) -> url``,
    ``drop_database(name)``)."""
    with throwaway_postgres() as server:
        yield server


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
def app(city: Any, db_url: str) -> Iterator[Any]:
    """The test's ``city`` served on ``db_url``: migrated, units loaded."""
    from core.testing.cities import serve

    yield from serve(city, db_url)


@pytest.fixture
def app_for(db_url: str) -> Iterator[Callable[[Any], Any]]:
    """Build migrated apps for a test's own cities (policy overrides, throwaway plugins)."""
    from core.testing.cities import ready_app

    apps = []

    def build(city: Any) -> Any:
        apps.append(ready_app(city, db_url))
        return apps[-1]

    yield build
    for built in apps:
        built.extensions["zhaoshang"].engine.dispose()


@pytest.fixture
def client(app: Any) -> Any:
    """An officer's API client of ``app`` (``client.post("/leads", json=…, as_=(role, unit))``)."""
    from core.testing.http import ApiClient

    return ApiClient(app.test_client())


@pytest.fixture
def client_for(app_for: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``client_for(city)``: an API client of a test's own city (its app is
    ``.flask.application``)."""
    from core.testing.http import ApiClient

    return lambda city: ApiClient(app_for(city).test_client())
