"""Time in order, gates that stay met, lead judgements by the server, date corrections.

Today is 2026-06-16 (``ORDINARY_DAY``); the city here keeps the default back-dating bound.
"""

from __future__ import annotations

import datetime as dt

import pytest

from core.services.leads import is_judgement_overdue
from tests.support.cities import make_city
from tests.support.records import (
    advance,
    create_project,
    events_of,
    fill_gates,
    lead_body,
    row_counts,
)

TABLES = ("stage_transitions", "project_changes", "projects")
DATES = {"negotiating": "2026-05-20", "signed": "2026-06-01", "started": "2026-06-05"}


@pytest.fixture
def client(client_for):
    # The default bound (31 days): the shared test city widens it for its 2024 records.
    return client_for(make_city(policy={"max_backdate_days": 31}))


def move(client, project_id, target, on, as_=None):
    return client.post(f"/projects/{project_id}/transitions",
                       json={"target": target, "occurred_on": on}, as_=as_)


def test_a_stage_date_in_the_future_is_refused_and_nothing_is_written(client):
    project = create_project(client)
    before = row_counts(client.flask.application, *TABLES)
    response = move(client, project["id"], "negotiating", "2026-06-17")
    assert response.status_code == 422
    [error] = response.json["errors"]
    assert error["field"] == "occurred_on" and error["code"] == "date.in_future"
    assert "晚于今天（2026-06-16）" in error["message"]
    assert row_counts(client.flask.application, *TABLES) == before


def test_a_clerk_may_not_back_date_beyond_the_bound_but_the_office_may(client):
    project = create_project(client)
    response = move(client, project["id"], "negotiating", "2026-05-01", as_=("clerk", "east"))
    assert response.status_code == 422
    [error] = response.json["errors"]
    assert error["code"] == "date.too_old" and "市招商主管部门" in error["message"]
    assert move(client, project["id"], "negotiating", "2026-05-20",
                as_=("clerk", "east")).status_code == 200
    other = create_project(client, 2)
    assert move(client, other["id"], "negotiating", "2026-03-01").status_code == 200


def test_a_lead_reported_in_the_future_or_too_long_ago_by_a_clerk_is_refused(client):
    for day, code in (("2026-06-20", "date.in_future"), ("2026-01-05", "date.too_old")):
        response = client.post("/leads", json=lead_body(reported_on=day), as_=("clerk", "east"))
        assert response.status_code == 422
        assert response.json["errors"][0] == response.json["errors"][0] | {
            "field": "reported_on", "code": code}


def test_signing_before_negotiation_began_and_starting_before_signing_are_refused(client):
    project = create_project(client)
    advance(client, project["id"], "negotiating", DATES)
    fill_gates(client, project["id"], "signed")
    response = move(client, project["id"], "signed", "2026-05-10")
    assert response.status_code == 422
    assert "不能早于进入“在谈”日期 2026-05-20" in response.json["errors"][0]["message"]
    assert move(client, project["id"], "signed", "2026-06-01").status_code == 200
    fill_gates(client, project["id"], "started")
    response = move(client, project["id"], "started", "2026-05-28")
    assert response.status_code == 422
    messages = [e["message"] for e in response.json["errors"]]
    assert "开工日期 2026-05-28 不能早于签约日期 2026-06-01" in messages
    assert client.get(f"/projects/{project['id']}").json["started_on"] is None


def test_completion_needs_its_actual_date_and_a_day_after_the_start(client):
    project = create_project(client)
    advance(client, project["id"], "started", DATES)
    client.put(f"/projects/{project['id']}/milestones",
               json={"kind": "production", "planned_on": "2027-01-01"})
    response = move(client, project["id"], "completed", "2026-06-10")
    assert response.status_code == 409
    assert any("实际竣工日期" in r["message"] for r in response.json["refusals"])
    assert client.put(f"/projects/{project['id']}/milestones", json={
        "kind": "completion", "planned_on": "2025-06-01",
        "actual_on": "2026-06-05"}).status_code == 200
    response = move(client, project["id"], "completed", "2026-06-05")
    assert response.status_code == 422
    assert any(e["message"] == "竣工投产日期 2026-06-05 须晚于开工日期 2026-06-05"
               for e in response.json["errors"])
    assert move(client, project["id"], "completed", "2026-06-06").json["stage"] == "completed"


def test_a_project_is_not_lost_before_its_last_stage_date(client):
    project = create_project(client)
    advance(client, project["id"], "signed", DATES)
    response = move(client, project["id"], "lost", "2026-05-25")
    assert response.status_code == 422
    assert any(e["field"] == "occurred_on" and "签约日期 2026-06-01" in e["message"]
               for e in response.json["errors"])


def test_a_signed_project_keeps_its_gates(client):
    project = create_project(client)
    advance(client, project["id"], "signed", DATES)
    before = row_counts(client.flask.application, *TABLES)
    response = client.patch(f"/projects/{project['id']}", json={"agreement_amount": None},
                            as_=("clerk", "east"))
    assert response.status_code == 409
    [refusal] = response.json["refusals"]
    assert refusal["rule"] == "gate.agreement_amount"
    assert "协议投资额" in refusal["message"] and "签约" in refusal["message"]
    body = client.get(f"/projects/{project['id']}").json
    assert body["stage"] == "signed" and body["agreement_amount"] == "50000.0000"
    assert row_counts(client.flask.application, *TABLES) == before
    # An unrelated change still goes through.
    assert client.patch(f"/projects/{project['id']}", json={"leader_name": "张三"}).status_code == 200


def test_a_date_correction_is_the_offices_with_a_reason_and_is_audited(client):
    app = client.flask.application
    project = create_project(client)
    advance(client, project["id"], "started", DATES)
    path = f"/projects/{project['id']}/date-corrections"
    body = {"field": "signed_on", "date": "2026-06-02", "reason": "合同落款日期核对有误"}
    assert client.post(path, json=body, as_=("clerk", "east")).status_code == 403
    # Out of order: a signing after the start.
    response = client.post(path, json=body | {"date": "2026-06-06"})
    assert response.status_code == 422
    assert any(e["message"] == "开工日期 2026-06-05 不能早于签约日期 2026-06-06"
               for e in response.json["errors"])
    assert client.post(path, json=body | {"field": "completed_on"}).status_code == 409
    response = client.post(path, json=body)
    assert response.status_code == 200 and response.json["signed_on"] == "2026-06-02"
    history = client.get(f"/projects/{project['id']}/history").json
    corrected = [row for row in history if row["action"] == "date_corrected"]
    assert corrected and corrected[0]["changes"]["signed_on"] == ["2026-06-01", "2026-06-02"]
    [event] = events_of(app, "zhaoshang.project.date_corrected")
    assert event.data["signed_on"] == "2026-06-02"
    assert event.data["correction"]["reason"] == "合同落款日期核对有误"
    signals = client.get("/signals?from=2026-06-01&to=2026-06-30").json["backdating"]
    [signal] = [s for s in signals if s["kind"] == "date_correction"]
    assert signal["subject_id"] == project["id"] and "合同落款日期核对有误" in signal["message"]


def test_the_judgement_date_is_the_servers_and_a_late_rejection_is_overdue(client):
    lead = client.post("/leads", json=lead_body(reported_on="2026-06-01")).json
    response = client.post(f"/leads/{lead['id']}/assign",
                           json={"first_talk_unit": "east", "assigned_on": "2026-06-02"})
    assert response.status_code == 400
    assert response.json["errors"][0]["field"] == "assigned_on"
    rejected = client.post(f"/leads/{lead['id']}/reject", json={"reason": "经核实无投资意向"})
    assert rejected.status_code == 200, rejected.json
    assert rejected.json["judged_on"] == "2026-06-16" and rejected.json["judged_at"]
    # Due 2026-06-03 (2 working days), rejected 06-16: as overdue as a late assignment.
    [event] = events_of(client.flask.application, "zhaoshang.lead.rejected")
    assert event.data["overdue"] is True
    sessions = client.flask.application.extensions["zhaoshang"].sessions
    from core.models import Lead

    with sessions() as session:
        stored = session.get(Lead, lead["id"])
        assert is_judgement_overdue(stored, dt.date(2026, 6, 16)) is True
