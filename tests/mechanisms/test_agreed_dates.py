"""Warnings that cannot be hidden: a milestone keeps its agreed date, re-planning is approved by
the office and a late re-plan keeps the overdue episode; blue counts from the last report;
the API's ``today`` is a dry run; the daily recomputation runs on a schedule in the city's zone."""

from __future__ import annotations

import datetime as dt
import logging

import sqlalchemy as sa

from core.default_warnings import overdue_milestones
from core.models import Project
from tests.support.records import advance, create_project, events_of, row_counts

TABLES = ("milestones", "milestone_replans", "warnings", "project_changes")


def open_warnings(client, project_id, rule=None):
    items = client.get(f"/warnings?subject_type=project&subject_id={project_id}").json["items"]
    return [w for w in items if rule is None or w["rule_code"] == rule]


def signed_project(client, today, days_ago=120):
    """Signed ``days_ago`` and started the same day, so only its completion is at stake."""
    project = create_project(client)
    signed = (today - dt.timedelta(days=days_ago)).isoformat()
    advance(client, project["id"], "signed", {
        "negotiating": (today - dt.timedelta(days=days_ago + 30)).isoformat(), "signed": signed})
    client.put(milestones_url(project), json={"kind": "start", "actual_on": signed})
    return project


def milestones_url(project):
    return f"/projects/{project['id']}/milestones"


def milestone(client, project, kind):
    return next(m for m in client.get(milestones_url(project)).json if m["kind"] == kind)


def test_an_agreed_date_cannot_be_moved_by_setting_the_milestone_again(client, app, today):
    project = signed_project(client, today)
    planned = today - dt.timedelta(days=10)
    client.put(milestones_url(project), json={"kind": "completion", "planned_on": planned.isoformat()})
    [warning] = open_warnings(client, project["id"], "milestone_overdue")
    before = row_counts(app, *TABLES)
    moved = client.put(milestones_url(project), json={
        "kind": "completion", "planned_on": (today + dt.timedelta(days=90)).isoformat()})
    assert moved.status_code == 422
    [problem] = moved.json["errors"]
    assert (problem["field"], problem["code"]) == ("planned_on", "milestone.replan_required")
    assert "节点调整" in problem["message"]
    assert row_counts(app, *TABLES) == before  # nothing stored, the warning still open
    assert [w["id"] for w in open_warnings(client, project["id"], "milestone_overdue")] == [
        warning["id"]]
    completion = milestone(client, project, "completion")
    assert (completion["planned_on"], completion["original_planned_on"]) == (planned.isoformat(),) * 2


def test_an_actual_date_is_not_in_the_future_nor_before_signing_or_the_start(client, app, today):
    project = signed_project(client, today)
    url = milestones_url(project)
    client.put(url, json={"kind": "start", "actual_on": None})
    before = row_counts(app, *TABLES)
    cases = [
        ({"kind": "start", "actual_on": (today + dt.timedelta(days=1)).isoformat()},
         "date.future", "晚于今天"),
        ({"kind": "start", "actual_on": (today - dt.timedelta(days=121)).isoformat()},
         "milestone.before_signing", "早于签约日期"),
    ]
    for body, code, gist in cases:
        response = client.put(url, json=body)
        assert response.status_code == 422, body
        [problem] = response.json["errors"]
        assert (problem["field"], problem["code"]) == ("actual_on", code)
        assert gist in problem["message"]
    assert row_counts(app, *TABLES) == before
    started = today - dt.timedelta(days=30)
    assert client.put(url, json={"kind": "start", "actual_on": started.isoformat()}).status_code == 200
    early = client.put(url, json={"kind": "completion", "planned_on": today.isoformat(),
                                  "actual_on": (started - dt.timedelta(days=1)).isoformat()})
    assert early.status_code == 422
    assert early.json["errors"][0]["code"] == "milestone.before_start"


def test_a_replan_is_requested_by_the_unit_and_only_the_offices_approval_moves_the_date(
        client, app, today):
    project = signed_project(client, today)
    planned = today + dt.timedelta(days=20)
    client.put(milestones_url(project), json={"kind": "completion", "planned_on": planned.isoformat()})
    new_date = today + dt.timedelta(days=80)
    url = f"/projects/{project['id']}/milestones/completion/replans"
    assert client.post(url, json={"planned_on": new_date.isoformat(), "reason": "环评批复延后"},
                       as_=("clerk", "west")).status_code == 403
    missing = client.post(url, json={"planned_on": new_date.isoformat()}, as_=("clerk", "east"))
    assert missing.status_code == 400 and missing.json["errors"][0]["field"] == "reason"
    requested = client.post(url, json={"planned_on": new_date.isoformat(), "reason": "环评批复延后"},
                            as_=("clerk", "east"))
    assert requested.status_code == 201, requested.json
    replan = requested.json
    assert (replan["status"], replan["previous_on"], replan["planned_on"]) == (
        "pending", planned.isoformat(), new_date.isoformat())
    completion = milestone(client, project, "completion")
    assert completion["planned_on"] == planned.isoformat()  # a request moves nothing
    decision = f"/projects/{project['id']}/milestone-replans/{replan['id']}/decision"
    assert client.post(decision, json={"decision": "approved"},
                       as_=("clerk", "east")).status_code == 403
    approved = client.post(decision, json={"decision": "approved", "reason": "同意"})
    assert approved.status_code == 200, approved.json
    assert (approved.json["status"], approved.json["late"]) == ("approved", False)
    completion = milestone(client, project, "completion")
    assert (completion["planned_on"], completion["original_planned_on"]) == (
        new_date.isoformat(), planned.isoformat())
    again = client.post(decision, json={"decision": "rejected", "reason": "重复"})
    assert again.status_code == 409
    history = [h["action"] for h in client.get(f"/projects/{project['id']}/history").json]
    assert history[-2:] == ["replan_requested", "replan_approved"]
    assert len(events_of(app, "zhaoshang.project.milestone_replan_requested")) == 1
    [event] = events_of(app, "zhaoshang.project.milestone_replan_approved")
    assert event.data["milestone"]["original_planned_on"] == planned.isoformat()
    listed = client.get(f"/projects/{project['id']}/milestone-replans").json
    assert [r["id"] for r in listed] == [replan["id"]]


def test_a_rejected_replan_needs_a_reason_and_keeps_the_date(client, today):
    project = signed_project(client, today)
    planned = today + dt.timedelta(days=20)
    client.put(milestones_url(project), json={"kind": "completion", "planned_on": planned.isoformat()})
    replan = client.post(f"/projects/{project['id']}/milestones/completion/replans", json={
        "planned_on": (today + dt.timedelta(days=60)).isoformat(), "reason": "资金未落实"}).json
    decision = f"/projects/{project['id']}/milestone-replans/{replan['id']}/decision"
    unexplained = client.post(decision, json={"decision": "rejected"})
    assert unexplained.status_code == 400
    assert unexplained.json["errors"][0]["field"] == "reason"
    assert client.post(decision, json={"decision": "rejected", "reason": "理由不充分"}).status_code == 200
    completion = milestone(client, project, "completion")
    assert completion["planned_on"] == planned.isoformat()


def test_a_late_replan_keeps_the_overdue_warning_and_count_and_is_a_signal(client, app, today):
    project = signed_project(client, today)
    planned = today - dt.timedelta(days=10)
    client.put(milestones_url(project), json={"kind": "completion", "planned_on": planned.isoformat()})
    [warning] = open_warnings(client, project["id"], "milestone_overdue")
    new_date = today + dt.timedelta(days=90)
    replan = client.post(f"/projects/{project['id']}/milestones/completion/replans", json={
        "planned_on": new_date.isoformat(), "reason": "施工许可延后"}).json
    approved = client.post(f"/projects/{project['id']}/milestone-replans/{replan['id']}/decision",
                           json={"decision": "approved", "reason": "同意，超期照计"}).json
    assert approved["late"] is True
    [still] = open_warnings(client, project["id"], "milestone_overdue")
    assert (still["id"], still["since"]) == (warning["id"], warning["since"])
    assert f"计划竣工日期 {planned}" in still["reason"] and "超期照计" in still["reason"]
    assert [e for e in events_of(app, "zhaoshang.warning.cleared")
            if e.data["warning_id"] == warning["id"]] == []
    # The overdue count of any day after the agreed date still has it, until it is reached.
    with app.extensions["zhaoshang"].sessions() as session:
        stored = session.scalars(sa.select(Project).where(Project.id == project["id"])).one()
        assert [m.kind for m in overdue_milestones(stored, today)] == ["completion"]
        assert overdue_milestones(stored, planned) == []
    signals = client.get(f"/signals?from={today.replace(day=1)}&to={today}").json["replanning"]
    [signal] = [s for s in signals if s["subject_id"] == project["id"]]
    assert (signal["original_planned_on"], signal["planned_on"], signal["status"], signal["late"]) == (
        planned.isoformat(), new_date.isoformat(), "approved", True)
    assert signal["reason"] == "施工许可延后" and signal["decided_by"]
    client.put(milestones_url(project), json={"kind": "completion", "actual_on": today.isoformat()})
    assert open_warnings(client, project["id"], "milestone_overdue") == []


def test_a_replan_approved_before_the_agreed_date_passes_is_judged_on_the_new_date(client, today):
    project = signed_project(client, today)
    planned = today + dt.timedelta(days=1)
    client.put(milestones_url(project), json={"kind": "completion", "planned_on": planned.isoformat()})
    replan = client.post(f"/projects/{project['id']}/milestones/completion/replans", json={
        "planned_on": (today + dt.timedelta(days=60)).isoformat(), "reason": "设备到货延后"}).json
    client.post(f"/projects/{project['id']}/milestone-replans/{replan['id']}/decision",
                json={"decision": "approved"})
    later = (today + dt.timedelta(days=30)).isoformat()
    dry = client.post("/warnings/recompute", json={"today": later}).json
    assert [d for d in dry["details"] if d["subject_id"] == project["id"]
            and d["rule_code"] == "milestone_overdue"] == []


def test_blue_counts_from_the_last_report_not_from_the_records_creation(client, app, today):
    last_report = today - dt.timedelta(days=31)
    project = create_project(client, last_progress_on=last_report.isoformat())
    assert project["last_progress_on"] == last_report.isoformat()
    moved = client.post(f"/projects/{project['id']}/transitions", json={
        "target": "negotiating", "occurred_on": (today - dt.timedelta(days=40)).isoformat()})
    assert moved.status_code == 200, moved.json
    [blue] = open_warnings(client, project["id"], "no_progress")
    assert blue["level"] == "blue" and f"自 {last_report} 起" in blue["reason"]
    future = client.post("/projects", json={
        "name": "未来进展项目", "enterprise": {"name": "未来投资有限公司"}, "amount": "100",
        "finding_unit": "east", "last_progress_on": (today + dt.timedelta(days=1)).isoformat()})
    assert future.status_code in (400, 422)
    assert "last_progress_on" in [e["field"] for e in future.json["errors"]]


def test_a_recompute_with_today_is_a_dry_run_that_stores_nothing(client, app, today):
    project = signed_project(client, today, days_ago=5)
    client.put(milestones_url(project), json={"kind": "completion", "planned_on": today.isoformat()})
    assert open_warnings(client, project["id"]) == []
    before = row_counts(app, *TABLES)
    later = today + dt.timedelta(days=40)
    response = client.post("/warnings/recompute", json={"today": later.isoformat()})
    assert response.status_code == 200
    body = response.json
    assert body["dry_run"] is True and body["raised"] >= 1
    assert {(d["action"], d["rule_code"]) for d in body["details"]
            if d["subject_id"] == project["id"]} >= {("raised", "milestone_overdue")}
    assert row_counts(app, *TABLES) == before  # no warning row, no outbox event
    assert open_warnings(client, project["id"]) == []
    real = client.post("/warnings/recompute", json={}).json
    assert real["dry_run"] is False


def test_the_daily_job_recomputes_as_of_the_citys_today_and_logs_it(app, client, today, caplog):
    from core.scheduler import run_daily

    project = signed_project(client, today)
    client.put(milestones_url(project), json={"kind": "completion",
                                              "planned_on": (today - dt.timedelta(days=3)).isoformat()})
    state = app.extensions["zhaoshang"]
    with state.sessions() as session:  # as if the warning had been cleared by hand
        session.execute(sa.text("DELETE FROM warnings"))
        session.commit()
    with caplog.at_level(logging.INFO, logger="zhaoshang.scheduler"):
        done = run_daily(state.sessions, state.city)
    assert done["warnings"]["raised"] >= 1
    assert [w["rule_code"] for w in open_warnings(client, project["id"], "milestone_overdue")] == [
        "milestone_overdue"]
    assert f"today={today}" in caplog.text and "job=warnings" in caplog.text


def test_the_scheduler_runs_daily_in_the_citys_time_zone(app):
    from apscheduler.triggers.cron import CronTrigger

    from core.scheduler import build_scheduler

    city = app.extensions["zhaoshang"].city
    scheduler = build_scheduler(city, lambda: None, 0, 30)
    [job] = scheduler.get_jobs()
    assert isinstance(job.trigger, CronTrigger)
    assert str(job.trigger.timezone) == city.clock.zone_name == str(scheduler.timezone)
    fields = {f.name: str(f) for f in job.trigger.fields}
    assert (fields["hour"], fields["minute"]) == ("0", "30")
    first = job.trigger.get_next_fire_time(None, city.clock.now())
    assert (first.hour, first.minute, first.utcoffset()) == (0, 30, city.clock.now().utcoffset())
