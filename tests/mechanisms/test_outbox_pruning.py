"""Pruning the city's outbox: old sent rows go, unsent rows and the newest sent row stay, the
tally keeps the snapshot's ``events_before`` exact; the operator's figures (CLI and API)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from core.clock import utcnow
from core.config import ConfigError
from core.db import unit_of_work
from core.events import record_event
from core.models import OutboxEvent, OutboxPruning
from core.outbox_pruning import outbox_status, prune_outbox
from core.relay import Relay, RelaySettings, leadership_for
from core.snapshot import record_snapshot
from tests.events.test_relay import ScriptedProducer
from tests.support.cities import make_city

OLD = dt.timedelta(days=40)  # beyond the default 30 days
RECENT = dt.timedelta(days=1)


def runtime_of(app):
    return app.extensions["zhaoshang"]


def write(app, count: int) -> list[int]:
    """``count`` outbox rows (unsent), their positions."""
    state = runtime_of(app)
    with unit_of_work(state.sessions) as session:
        rows = [record_event(session, state.city, "lead", n, "restated", {"n": n})
                for n in range(count)]
        session.flush()
        return [row.position for row in rows]


def mark_sent(app, positions: list[int], ago: dt.timedelta) -> None:
    with unit_of_work(runtime_of(app).sessions) as session:
        session.execute(sa.update(OutboxEvent).where(OutboxEvent.position.in_(positions))
                        .values(sent_at=utcnow() - ago))


def held(app) -> list[int]:
    with runtime_of(app).sessions() as session:
        return list(session.scalars(sa.select(OutboxEvent.position).order_by(OutboxEvent.position)))


def tally(app) -> tuple[int, int | None]:
    with runtime_of(app).sessions() as session:
        row = session.get(OutboxPruning, 1)
        return (row.pruned_count, row.pruned_through_position) if row else (0, None)


def prune(app, **kw) -> int:
    state = runtime_of(app)
    with unit_of_work(state.sessions) as session:
        return prune_outbox(session, state.city, utcnow(), **kw)


def test_never_an_unsent_row_nor_the_newest_sent_row_below_it(app):
    positions = write(app, 10)
    # 1..8 sent long ago; 9 still unsent (the relay skipped its gap and sent 10).
    mark_sent(app, positions[:8] + positions[9:], OLD)
    assert prune(app) == 7
    # The unsent row stays; so does the newest sent row below it (the relay's gap reference)
    # and everything above the first unsent row.
    assert held(app) == positions[7:]
    assert tally(app) == (7, positions[6])


def test_with_nothing_unsent_the_newest_sent_row_stays(app):
    positions = write(app, 5)
    mark_sent(app, positions, OLD)
    assert prune(app) == 4
    assert held(app) == positions[4:]
    assert prune(app) == 0  # the newest sent row is never pruned, however old
    assert held(app) == positions[4:]


def test_rows_sent_within_the_window_are_kept(app):
    positions = write(app, 10)
    mark_sent(app, positions[:5], OLD)
    mark_sent(app, positions[5:], RECENT)
    assert prune(app) == 5
    assert held(app) == positions[5:]


def test_the_window_is_the_citys_outbox_keep_days(app_for):
    app = app_for(make_city(events={"outbox_keep_days": 2}))
    positions = write(app, 6)
    mark_sent(app, positions[:3], dt.timedelta(days=3))
    mark_sent(app, positions[3:], RECENT)
    assert prune(app) == 3
    assert held(app) == positions[3:]


def test_the_keep_window_is_at_least_a_day():
    with pytest.raises(ConfigError, match="outbox_keep_days"):
        make_city(events={"outbox_keep_days": 0})


def test_counts_add_up_across_batches_and_runs(app):
    first = write(app, 23)
    mark_sent(app, first, OLD)
    assert prune(app, batch_size=5) == 22
    assert tally(app) == (22, first[21])
    second = write(app, 7)
    mark_sent(app, second, OLD)
    assert prune(app, batch_size=5) == 7  # the previous newest goes now; the new newest stays
    assert held(app) == second[-1:]
    assert tally(app) == (29, second[-2])
    with runtime_of(app).sessions() as session:
        assert session.get(OutboxPruning, 1).pruned_at is not None


def test_the_snapshot_counts_pruned_events_so_events_before_stays_exact(app):
    positions = write(app, 12)
    mark_sent(app, positions, OLD)
    assert prune(app) == 11
    state = runtime_of(app)
    with unit_of_work(state.sessions) as session:
        event = record_snapshot(session, state.city)
    assert event.data["events_before"] == 12


def test_the_relay_sees_no_false_gap_after_pruning(app):
    positions = write(app, 6)
    mark_sent(app, positions, OLD)
    prune(app)
    fresh = write(app, 3)
    log: list[int] = []
    state = runtime_of(app)
    # A gap would hold the batch for an hour: the kept newest row tells the relay there is none.
    relay = Relay(state.sessions, state.city.topic, leadership_for(state.engine, "pruned"),
                  delivery_factory=lambda: ScriptedProducer(log),
                  settings=RelaySettings(gap_timeout=3600.0))
    try:
        assert relay.publish_round() == 3
    finally:
        relay.close()
    assert log == fresh


def test_the_daily_run_prunes_the_outbox(app):
    from core.scheduler import DAILY_JOBS, run_daily

    assert [job.name for job in DAILY_JOBS if job.code == "outbox"] == ["清理已发送的事件"]
    positions = write(app, 4)
    mark_sent(app, positions, OLD)
    state = runtime_of(app)
    done = run_daily(state.sessions, state.city, tuple(j for j in DAILY_JOBS if j.code == "outbox"))
    assert done == {"outbox": {"deleted": 3}}
    assert held(app) == positions[3:]


def test_the_status_gives_the_backlog_its_age_and_what_was_pruned(app):
    state = runtime_of(app)
    with state.sessions() as session:
        empty = outbox_status(session, utcnow())
    assert (empty["unsent"], empty["oldest_unsent_age_seconds"], empty["highest_position"],
            empty["pruned_count"]) == (0, None, None, 0)
    positions = write(app, 5)
    mark_sent(app, positions[:3], OLD)
    prune(app)
    now = utcnow() + dt.timedelta(minutes=10)
    with state.sessions() as session:
        status = outbox_status(session, now)
    assert status["unsent"] == 2
    assert status["oldest_unsent_age_seconds"] >= 600
    assert status["oldest_unsent_time"].endswith("Z")
    assert status["highest_position"] == positions[-1]
    assert status["rows"] == 3
    assert (status["pruned_count"], status["pruned_through_position"]) == (2, positions[1])
    assert status["newest_sent_at"] is not None and status["pruned_at"] is not None


def test_the_status_newest_mark_is_the_latest_whatever_the_rows_position(app):
    """``newest_sent_at`` is the latest mark, not the mark of the highest sent position (a
    range republished and marked again is not in position order)."""
    positions = write(app, 3)
    mark_sent(app, positions[:1], RECENT)
    mark_sent(app, positions[1:2], OLD)
    with runtime_of(app).sessions() as session:
        status = outbox_status(session, utcnow())
    newest = dt.datetime.fromisoformat(status["newest_sent_at"].replace("Z", "+00:00"))
    assert abs(newest - (utcnow() - RECENT)) < dt.timedelta(minutes=5)
    assert (status["unsent"], status["rows"]) == (1, 3)


def test_the_office_reads_the_status_over_the_api_and_a_clerk_may_not(app, client):
    positions = write(app, 3)
    mark_sent(app, positions[:1], RECENT)
    response = client.get("/events/status")
    assert response.status_code == 200, response.json
    assert (response.json["unsent"], response.json["highest_position"]) == (2, positions[-1])
    refused = client.get("/events/status", as_=("clerk", "east"))
    assert refused.status_code == 403


def test_relay_status_and_prune_commands(app, monkeypatch):
    from core import cli

    monkeypatch.setattr(cli, "city_app", lambda city_code, config: app)
    positions = write(app, 4)
    mark_sent(app, positions, OLD)
    pruned = CliRunner().invoke(cli.main, ["relay", "prune", "--city", "testcity"])
    assert pruned.exit_code == 0, pruned.output
    assert json.loads(pruned.output) == {"deleted": 3}
    status = CliRunner().invoke(cli.main, ["relay", "status", "--city", "testcity"])
    assert status.exit_code == 0, status.output
    figures = json.loads(status.output)
    assert (figures["unsent"], figures["pruned_count"], figures["rows"]) == (0, 3, 1)
