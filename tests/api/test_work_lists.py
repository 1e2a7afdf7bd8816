"""What the officer's and leader's screens filter on: a leader's 包抓 projects, matters awaiting
a level's decision, and the first-talk deadline counted down in official working days."""

from __future__ import annotations

import datetime as dt

import pytest

from core import hookimpl
from core.workdays import WorkdayCalendar
from tests.support.cities import make_city
from tests.support.records import create_project, item_ids, lead_body


def test_a_leader_sees_only_the_projects_they_own(client):
    mine = create_project(client, 1, leader_name="张市长")["id"]
    create_project(client, 2, leader_name="李副市长")
    create_project(client, 3)
    also_mine = create_project(client, 4, leader_name="张市长")["id"]
    assert item_ids(client, "/projects?leader=张市长") == [mine, also_mine]
    assert item_ids(client, "/projects?leader=王局长") == []


class LevelByAmount:
    @hookimpl
    def matter_decision_level(self, city, matter, project):
        return "leader" if (matter.requested_amount or 0) >= 1000 else None


def test_matters_awaiting_a_level_are_those_that_level_can_decide_now(client_for):
    client = client_for(make_city(extra_plugins=[("levels", LevelByAmount())]))
    project_id = create_project(client)["id"]

    def matter(amount: str) -> int:
        response = client.post("/matters", json={
            "project_id": project_id, "kind": "finance", "title": "设备补助",
            "request": "申请设备购置补助", "requested_amount": amount})
        assert response.status_code == 201, response.json
        return response.json["id"]

    for_leader, for_office, decided = matter("5000"), matter("100"), matter("2000")
    not_proposed = matter("3000")  # the leader cannot decide it before the office proposes
    for ready in (for_leader, for_office, decided):
        client.post(f"/matters/{ready}/proposal", json={"proposal": "建议支持"})
    response = client.post(f"/matters/{decided}/decision", as_=("leader", None),
                           json={"decision": "approved", "decision_text": "同意"})
    assert response.status_code == 200, response.json

    assert item_ids(client, "/matters?awaiting=leader") == [for_leader]
    response = client.post(f"/matters/{not_proposed}/decision", as_=("leader", None),
                           json={"decision": "approved", "decision_text": "同意"})
    assert response.status_code == 409  # what 待我决定 leaves out, the leader could not decide
    assert item_ids(client, "/matters?awaiting=office") == [for_office]
    response = client.get("/matters?awaiting=mayor")
    assert response.status_code == 400
    assert response.json["errors"][0]["field"] == "awaiting"


@pytest.mark.hard_days
def test_a_new_lead_has_its_working_days_left(client, today):
    response = client.post("/leads", json=lead_body(1, reported_on=today.isoformat()))
    assert response.status_code == 201, response.json
    # The test city allows 2 working days; counted from today, whatever day today is.
    assert response.json["first_talk_working_days_left"] == 2


@pytest.mark.hard_days
def test_an_overdue_lead_counts_negative_working_days_and_a_judged_one_none(client, today):
    calendar = WorkdayCalendar.default()
    reported = today - dt.timedelta(days=30)
    overdue = client.post("/leads", json=lead_body(1, reported_on=reported.isoformat())).json
    # Due 2 working days after the report; every official working day since then is a day
    # overdue.
    due = calendar.add_workdays(reported, 2)
    assert overdue["first_talk_due"] == due.isoformat()
    late_by = calendar.workdays_between(due, today)
    assert overdue["first_talk_working_days_left"] == -late_by < 0
    listed = client.get("/leads").json["items"]
    assert listed[0]["first_talk_working_days_left"] == -late_by
    judged = client.post(f"/leads/{overdue['id']}/assign", json={"first_talk_unit": "east"}).json
    assert judged["first_talk_working_days_left"] is None


@pytest.mark.parametrize(("due", "today", "left"), [
    ("2024-09-30", "2024-09-27", 2),   # Friday → Monday, with Sunday 29 a make-up working day
    ("2024-10-08", "2024-09-30", 1),   # the National Day holiday does not count
    ("2024-03-06", "2024-03-06", 0),   # the due day itself
    ("2024-03-08", "2024-03-09", -1),  # Saturday after a Friday deadline: already overdue
    ("2024-03-08", "2024-03-12", -2),
])
def test_working_days_left_follow_the_official_calendar(due, today, left):
    from core.models import Lead
    from core.services.leads import first_talk_working_days_left

    lead = Lead(status="reported", first_talk_due=dt.date.fromisoformat(due))
    calendar = WorkdayCalendar.default()
    assert first_talk_working_days_left(lead, calendar, dt.date.fromisoformat(today)) == left
