"""Two province consumers of one group apply events of one city at the same time (they share
its topic's partitions): the city's counters add up, none of the two rounds' additions is lost.

On PostgreSQL (READ COMMITTED, as deployed): round A holds its transaction open while round B
applies and commits; B waits for A's lock on the city's state row instead of reading the count
A is about to change. tests/infra/test_cluster_proof.py shows the same with real consumers.
"""

from __future__ import annotations

import threading
import time

import pytest

from core.db import make_engine, make_session_factory, unit_of_work
from province.migrate import upgrade
from province.models import CityState
from province.store import apply_events
from tests.province.test_figure_totals import lead_event
from tests.province.test_province_sql_figures import MOMENT

pytestmark = pytest.mark.postgres


def test_two_rounds_at_once_count_every_event_of_the_city(postgres_server):
    name = f"province_share_{time.monotonic_ns()}"
    engine = make_engine(postgres_server.create_database(name))
    try:
        upgrade(engine)
        sessions = make_session_factory(engine)
        day = MOMENT.date()
        with unit_of_work(sessions) as session:
            apply_events(session, [lead_event("alpha", 1, 1, day)])

        second_done = threading.Event()

        def second_round() -> None:
            with unit_of_work(sessions) as other:
                apply_events(other, [lead_event("alpha", 2, 1, day)])
            second_done.set()

        with unit_of_work(sessions) as session:
            apply_events(session, [lead_event("alpha", 3, 1, day)])
            session.flush()
            racing = threading.Thread(target=second_round)
            racing.start()
            deadline = time.monotonic() + 30
            while not second_done.is_set() and not waiting_on_a_lock(postgres_server, name):
                assert time.monotonic() < deadline, "the second round neither waited nor ended"
                time.sleep(0.05)
        racing.join(30)
        assert second_done.is_set()
        with sessions() as session:
            assert session.get(CityState, "alpha").events == 3
    finally:
        engine.dispose()
        postgres_server.drop_database(name)


def waiting_on_a_lock(postgres_server, database: str) -> bool:
    return bool(postgres_server.execute(
        "SELECT 1 FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'",
        [database]))
