"""A person's to-do list (GET /api/v1/todos), one kind at a time, on SQLite and PostgreSQL:
each item is the record's own, links to it, and is shown only to whom it waits for."""

from __future__ import annotations

import datetime as dt

from core.api.support import EXTENSION
from core.db import unit_of_work
from core.models import AssessmentObjection, AssessmentRun, EarlyWarning, Milestone
from core.workdays import WorkdayCalendar
from tests.support.records import create_project, lead_body

CLERK_EAST = ("clerk", "east")
CLERK_WEST = ("clerk", "west")


def todos(client, as_=None, **query):
    response = client.get("/todos" + ("?" + "&".join(f"{k}={v}" for k, v in query.items())
                                      if query else ""), as_=as_)
    assert response.status_code == 200, response.json
    return response.json


def by_kind(answer, kind):
    return [item for item in answer["items"] if item["kind"] == kind]


def write(client, *rows):
    with unit_of_work(client.flask.application.extensions[EXTENSION].sessions) as session:
        session.add_all(rows)


def test_leads_awaiting_judgement_and_first_talks_due_within_one_working_day(client, today):
    calendar = WorkdayCalendar.default()
    fresh = client.post("/leads", json=lead_body(1, reported_on=today.isoformat())).json
    # Reported long enough ago that its 2-working-day first talk falls due within one day.
    earlier = today - dt.timedelta(days=1)
    while calendar.add_workdays(earlier, 2) > calendar.add_workdays(today, 1):
        earlier -= dt.timedelta(days=1)
    pressing = client.post("/leads", json=lead_body(2, reported_on=earlier.isoformat())).json
    west = client.post("/leads", json=lead_body(3, reported_on=today.isoformat(),
                                                reporting_unit="west")).json

    office = todos(client)
    assert [item["key"] for item in by_kind(office, "lead_judgement")] == [
        f"lead:{fresh['id']}", f"lead:{west['id']}"]
    [due] = by_kind(office, "first_talk")
    assert due["key"] == f"lead:{pressing['id']}"
    assert due["due"] == pressing["first_talk_due"]
    assert due["urgency"] in ("overdue", "due_today", "soon")
    assert due["web_path"] == f"leads/{pressing['id']}" and due["api_path"] == due["web_path"]
    assert "首谈" in due["title"] and due["kind_label"] == "首谈即将到期"
    assert office["urgent"] == sum(1 for item in office["items"]
                                   if item["urgency"] in ("overdue", "due_today"))

    east = todos(client, as_=CLERK_EAST)
    assert {item["key"] for item in east["items"]} == {f"lead:{fresh['id']}",
                                                       f"lead:{pressing['id']}"}
    assert client.post(f"/leads/{fresh['id']}/reject",
                       json={"reason": "重复报送"}).status_code in (200, 201)
    assert f"lead:{fresh['id']}" not in {item["key"] for item in todos(client)["items"]}


def test_milestones_due_or_overdue_of_my_projects(client, today):
    mine = create_project(client, 1)["id"]
    other = create_project(client, 2, finding_unit="west")["id"]
    write(client, Milestone(project_id=mine, kind="start", planned_on=today - dt.timedelta(days=3)),
          Milestone(project_id=mine, kind="completion", planned_on=today + dt.timedelta(days=90)),
          Milestone(project_id=other, kind="start", planned_on=today))

    east = by_kind(todos(client, as_=CLERK_EAST), "milestone")
    assert [(item["web_path"], item["urgency"]) for item in east] == [
        (f"projects/{mine}", "overdue")]
    assert "开工" in east[0]["title"]
    west = by_kind(todos(client, as_=CLERK_WEST), "milestone")
    assert [(item["web_path"], item["urgency"]) for item in west] == [
        (f"projects/{other}", "due_today")]
    assert len(by_kind(todos(client), "milestone")) == 2  # the office sees the city's


def test_my_projects_turning_red_or_yellow(client, today):
    mine = create_project(client, 1)["id"]
    led = create_project(client, 2, finding_unit="west", leader_name="张市长")["id"]

    def warning(project_id, level, unit):
        return EarlyWarning(subject_type="project", subject_id=project_id, unit_code=unit,
                            rule_code=f"test_{level}", rule_name="测试规则", level=level, reason="测试",
                            since=today)

    write(client, warning(mine, "red", "east"), warning(led, "yellow", "west"),
          warning(mine, "blue", "east"))
    east = by_kind(todos(client, as_=CLERK_EAST), "warning")
    assert [(item["web_path"], item["urgency"]) for item in east] == [
        (f"projects/{mine}", "overdue")]
    assert "红色预警" in east[0]["title"]
    leader = todos(client, as_=("leader", None), name="张市长")
    assert [item["web_path"] for item in by_kind(leader, "warning")] == [f"projects/{led}"]
    assert len(by_kind(todos(client), "warning")) == 2  # blue is not a to-do


def test_matters_awaiting_my_decision(client):
    project_id = create_project(client)["id"]
    matter = client.post("/matters", json={
        "project_id": project_id, "kind": "finance", "title": "设备补助",
        "request": "申请设备购置补助", "requested_amount": "100"}).json
    assert by_kind(todos(client), "matter_decision") == []  # no proposal yet
    client.post(f"/matters/{matter['id']}/proposal", json={"proposal": "建议支持"})
    [item] = by_kind(todos(client), "matter_decision")
    assert item["web_path"] == f"matters/{matter['id']}" and "设备补助" in item["title"]
    assert by_kind(todos(client, as_=CLERK_EAST), "matter_decision") == []
    assert by_kind(todos(client, as_=("leader", None)), "matter_decision") == []  # office level


def test_objections_to_answer_and_open_objection_windows(client, today):
    run = AssessmentRun(scheme_code="t", scheme_name="年度考核", period_kind="year",
                        period_label="2025", period_start=dt.date(2025, 1, 1),
                        period_end=dt.date(2025, 12, 31), rules_year=2025, computed_by="o",
                        status="published", published_on=today,
                        objection_deadline=today + dt.timedelta(days=5))
    write(client, run)
    write(client, AssessmentObjection(run_id=run.id, unit_code="east", text="得分有误",
                                      filed_on=today, filed_by="clerk-east"))
    [answer] = by_kind(todos(client), "objection")
    assert answer["web_path"] == f"assessments/{run.id}" and "异议待答复" in answer["title"]
    [window] = by_kind(todos(client, as_=CLERK_WEST), "objection")
    assert window["due"] == (today + dt.timedelta(days=5)).isoformat()
    assert by_kind(todos(client, as_=("province", None)), "objection") == []
