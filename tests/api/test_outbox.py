"""Every state change writes its outbox event in the same transaction, with the envelope
consumers rely on: CloudEvents attributes, the city, the schema version and the key."""

from __future__ import annotations

import datetime as dt
import uuid

from tests.support.records import add_funds, advance, create_project, lead_body, outbox_events


def one_of_everything(client):
    """Every write operation of the core API once; returns what it created."""
    lead = client.post("/leads", json=lead_body(1)).json
    client.post(f"/leads/{lead['id']}/assign", json={"first_talk_unit": "east"})
    project = client.post(f"/leads/{lead['id']}/convert", json={"amount": "50000"}).json
    client.post("/leads/{}/reject".format(client.post("/leads", json=lead_body(2)).json["id"]),
                json={"reason": "重复报送"})
    client.patch(f"/projects/{project['id']}", json={"leader_name": "张副市长"})
    advance(client, project["id"], "started")  # transitions and milestones
    client.post(f"/projects/{project['id']}/transfers", json={"to_unit": "west"})
    add_funds(client, project["id"], "100", "2024-05-01")
    other = create_project(client, 3)
    return {"lead": lead["id"], "project": project["id"], "other": other["id"]}


def test_every_event_carries_the_envelope(client, app):
    one_of_everything(client)
    events = outbox_events(app)
    assert events
    for event in events:
        assert uuid.UUID(event.id).version == 4
        assert event.source == "/zhaoshang/cities/testcity"
        assert event.type.startswith("zhaoshang.")
        assert event.city == "testcity"
        assert event.schema_version == 1
        aggregate_type, _, aggregate = event.subject.partition("/")
        assert event.aggregate_type == aggregate_type
        assert event.type.split(".")[1] == aggregate_type
        # The key: one aggregate's events share it, so they keep their order on one partition.
        assert event.aggregate_id == f"testcity:{aggregate_type}:{aggregate}"
        assert isinstance(event.time, dt.datetime)
        assert isinstance(event.data, dict) and event.data
        assert event.sent_at is None  # the relay publishes later
    assert len({event.id for event in events}) == len(events)
    positions = [event.position for event in events]
    assert positions == sorted(positions)


def test_each_operation_writes_its_own_event_type(client, app):
    made = one_of_everything(client)
    types = {event.type for event in outbox_events(app)}
    assert {
        "zhaoshang.lead.reported", "zhaoshang.lead.assigned", "zhaoshang.lead.converted",
        "zhaoshang.lead.rejected", "zhaoshang.project.created", "zhaoshang.project.updated",
        "zhaoshang.project.stage_changed", "zhaoshang.project.milestone_set",
        "zhaoshang.project.transferred", "zhaoshang.project.funds_reported",
        "zhaoshang.project.funds_verified",
    } <= types
    project_key = f"testcity:project:{made['project']}"
    project_events = [e for e in outbox_events(app) if e.aggregate_id == project_key]
    assert project_events[0].type == "zhaoshang.project.created"
    assert all(e.data["project_id"] == made["project"] for e in project_events)


def test_money_and_dates_in_events_are_exact_strings(client, app):
    made = one_of_everything(client)
    [funds] = [e for e in outbox_events(app) if e.type == "zhaoshang.project.funds_reported"
               and e.aggregate_id == f"testcity:project:{made['project']}"]
    assert funds.data["tranche"]["amount"] == "100.0000"
    assert funds.data["tranche"]["arrived_on"] == "2024-05-01"
    assert funds.data["amount"] == "50000.0000"
