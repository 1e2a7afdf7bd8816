"""A city's demo database for a whole test module, on the backend a fixture asks for.

Loading a demo is the slow part of a demo test, so a module loads it once per backend:

    @pytest.fixture(scope="module", params=BACKENDS)
    def demo_client(request, tmp_path_factory, my_city):
        yield from demo_client_for(request, tmp_path_factory, my_city, TODAY)
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa

from core.api.support import EXTENSION
from core.city import City
from core.demo import load_demo_data


def demo_client_for(request: Any, tmp_path_factory: Any, city: City,
                    today: dt.date) -> Iterator[Any]:
    """Yield an API client of ``city`` with its demo loaded as of ``today``; dispose after."""
    from core.testing.cities import ready_app
    from core.testing.http import ApiClient

    server, name = None, f"{city.code}_demo_{os.getpid()}"
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp(f'{city.code}-demo') / 'city.db'}"
    else:
        server = request.getfixturevalue("postgres_server")
        url = server.create_database(name)
    app = ready_app(city, url)
    load_demo_data(app.extensions[EXTENSION], today=today)
    yield ApiClient(app.test_client())
    app.extensions[EXTENSION].engine.dispose()
    if server is not None:
        server.drop_database(name)


# Date columns that name a plan or a deadline, not something that has happened: they may lie
# after the demo's day. Every other date of a demo record (reported, signed, arrived, decided,
# held …) is on or before it.
FORWARD_DATES = frozenset({
    "planned_on",           # a milestone's plan (the agreed date; a re-plan's requested date)
    "original_planned_on",  # a milestone's first agreed date
    "previous_on",          # the agreed date a re-plan replaces
    "due_on",               # a condition's or a task's deadline
    "first_talk_due",       # a lead's first-talk deadline
    "objection_deadline",   # an assessment's objection window
    "period_end",           # the period an assessment or a reward covers
    "expected_signing_on",  # a negotiation's expected signing
    "scheduled_on",         # a scheduled meeting or visit
})
SLACK = dt.timedelta(minutes=5)  # the demo takes a while: its instants are a little later


def dated_after(engine: sa.Engine, today: dt.date, now: dt.datetime) -> list[str]:
    """Every value in the database dated after ``today`` (dates) or after ``now`` (instants),
    as ``table.column = value (id …)``; plans and deadlines (:data:`FORWARD_DATES`) excepted.

    Reads every table, the plugins' own included, so a city's demo is checked whole.
    """
    metadata = sa.MetaData()
    metadata.reflect(engine)
    found = []
    with engine.connect() as connection:
        for table in sorted(metadata.tables.values(), key=lambda table: table.name):
            for column in table.columns:
                if isinstance(column.type, sa.DateTime):
                    limit: dt.date | dt.datetime = now + SLACK
                elif isinstance(column.type, sa.Date) and column.name not in FORWARD_DATES:
                    limit = today
                else:
                    continue
                key = list(table.primary_key.columns) or [column]
                rows = connection.execute(sa.select(column, *key).where(column.is_not(None)))
                for value, *ids in rows:
                    if isinstance(value, dt.datetime) and value.tzinfo is None:
                        value = value.replace(tzinfo=dt.UTC)  # SQLite's naive instants are UTC
                    if value > limit:
                        found.append(f"{table.name}.{column.name} = {value} (id {', '.join(map(str, ids))})")
    return found
