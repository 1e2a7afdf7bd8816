"""Retention settings of a city topic, and ``relay republish`` in the city's database (the
broker side is in tests/events/test_replay_and_rebuild.py)."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from core.clock import utcnow
from core.config import ConfigError, load_deployment
from core.db import unit_of_work
from core.event_catalogue import check_event
from core.models import Lead, OutboxEvent, Project
from core.relay import cloudevent_message, topic_configs
from core.republish import republish_outbox, republish_state
from core.services.leads import lead_event_data
from core.services.projects import project_event_data
from tests.support.cities import city_config
from tests.support.records import advance, create_project, lead_body

DAY_MS = 24 * 3600 * 1000


def events_section(**keys) -> dict:
    return load_deployment(city_config(events=keys))["events"]


def test_a_topic_keeps_everything_unless_the_deployment_chooses_a_retention():
    # Every topic also accepts timestamps ahead of the broker's clock: the records carry the
    # city's event time, and Kafka 4 would refuse one more than an hour ahead by default.
    ahead = {"message.timestamp.after.max.ms": str(2**63 - 1)}
    assert topic_configs(events_section()) == {
        "retention.ms": "-1", "cleanup.policy": "delete", **ahead}
    assert topic_configs(events_section(retention_days=30, replication=3)) == {
        "retention.ms": str(30 * DAY_MS), "cleanup.policy": "delete", "min.insync.replicas": "2",
        **ahead}
    assert topic_configs(events_section(cleanup_policy="compact", compaction_lag_days=14)) == {
        "retention.ms": "-1", "cleanup.policy": "compact", **ahead,
        "min.compaction.lag.ms": str(14 * DAY_MS), "delete.retention.ms": str(14 * DAY_MS)}


def test_the_deployment_chooses_the_topics_min_insync_replicas():
    # A replicated Kafka (docs/deployment.md): replication 3 and, unless configured, min ISR 2;
    # the local single broker keeps the broker's default.
    assert topic_configs(events_section(replication=3))["min.insync.replicas"] == "2"
    assert topic_configs(events_section(replication=5, min_insync_replicas=3))[
        "min.insync.replicas"] == "3"
    assert "min.insync.replicas" not in topic_configs(events_section())


@pytest.mark.parametrize(("keys", "problem"), [
    ({"replication": 2, "min_insync_replicas": 3}, "events.min_insync_replicas"),
    ({"retention_days": 0}, "events.retention_days"),
    ({"cleanup_policy": "compact,delete"}, "events.cleanup_policy"),
    ({"cleanup_policy": "compact", "compaction_lag_days": 7, "retention_days": 30},
     "events.retention_days"),
    ({"cleanup_policy": "compact"}, "events.compaction_lag_days"),
    ({"compaction_lag_days": 7}, "events.compaction_lag_days"),
])
def test_a_retention_that_would_lose_history_silently_is_refused(keys, problem):
    with pytest.raises(ConfigError, match=problem):
        events_section(**keys)


def test_a_record_carries_the_time_of_its_change_not_of_its_sending(app):
    state = app.extensions["zhaoshang"]
    with unit_of_work(state.sessions) as session:
        lead_time = utcnow() - dt.timedelta(days=10)
        session.add(OutboxEvent(id="e1", source="s", type="zhaoshang.lead.noted", subject="lead/1",
                                time=lead_time, city="testcity", aggregate_type="lead",
                                aggregate_id="testcity:lead:1", wire=b"{}"))
    with state.sessions() as session:
        row = session.scalars(sa.select(OutboxEvent)).one()
        assert cloudevent_message(row).timestamp_ms == round(lead_time.timestamp() * 1000)


def held_rows(app) -> list[tuple[int, bool]]:
    with app.extensions["zhaoshang"].sessions() as session:
        return [(p, sent is not None) for p, sent in session.execute(
            sa.select(OutboxEvent.position, OutboxEvent.sent_at).order_by(OutboxEvent.position))]


def test_republishing_the_outbox_marks_the_held_rows_unsent_from_a_position(app, client):
    for serial in range(1, 4):
        assert client.post("/leads", json=lead_body(serial)).status_code == 201
    sessions = app.extensions["zhaoshang"].sessions
    with unit_of_work(sessions) as session:
        session.execute(sa.update(OutboxEvent).values(sent_at=utcnow()))
    positions = [p for p, _ in held_rows(app)]
    with unit_of_work(sessions) as session:
        done = republish_outbox(session, from_position=positions[1])
    assert (done.marked, done.already_unsent) == (len(positions) - 1, 0)
    assert (done.first_position, done.last_position) == (positions[1], positions[-1])
    assert held_rows(app) == [(positions[0], True)] + [(p, False) for p in positions[1:]]
    with unit_of_work(sessions) as session:
        again = republish_outbox(session)
    assert (again.marked, again.already_unsent) == (1, len(positions) - 1)
    assert all(not sent for _, sent in held_rows(app))


def test_republishing_the_state_writes_what_the_project_and_lead_events_carry(app, client):
    project = create_project(client, 1)
    advance(client, project["id"], "signed")
    assert client.post("/leads", json=lead_body(2)).status_code == 201
    state = app.extensions["zhaoshang"]
    with state.sessions() as session:
        before = session.scalar(sa.select(sa.func.count()).select_from(OutboxEvent))
    with unit_of_work(state.sessions) as session:
        done = republish_state(session, state.city)
    assert (done.projects, done.leads) == (1, 1)
    with state.sessions() as session:
        written = list(session.scalars(sa.select(OutboxEvent).where(
            OutboxEvent.position >= done.first_position).order_by(OutboxEvent.position)))
        assert [row.type for row in written] == [
            "zhaoshang.project.restated", "zhaoshang.lead.restated", "zhaoshang.city.snapshot"]
        for row in written:
            assert check_event(row.type, row.data) == []
        the_project = session.get(Project, project["id"])
        the_lead = session.scalars(sa.select(Lead)).one()
        from core.events import to_json_value
        assert written[0].data == to_json_value(project_event_data(the_project))
        assert written[1].data == to_json_value(lead_event_data(the_lead))
        # The snapshot counts the restatements: the province's completeness still adds up.
        assert written[2].data["events_before"] == before + 2
        assert written[2].position == done.last_position
