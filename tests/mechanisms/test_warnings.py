"""Warnings (预警): the core's rules raise on a write and clear when resolved, each with an
event; the scheduled recomputation (API and CLI); one open warning per subject and rule;
bad input writes nothing."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from core.clock import travel, utcnow
from core.db import unit_of_work
from core.models import EarlyWarning, Milestone, Project
from core.services.warnings import WarningContext, judge_deferred, refresh, refreshes_deferred
from tests.support.records import advance, create_project, events_of, lead_body, row_counts
from tests.support.transactions import statements_and_transactions

WARNING_TABLES = ("warnings",)


def open_warnings(client, **filters):
    query = "&".join(f"{key}={value}" for key, value in filters.items())
    response = client.get(f"/warnings?{query}")
    assert response.status_code == 200, response.json
    return response.json["items"]


@pytest.mark.hard_days
def test_an_overdue_milestone_raises_a_warning_that_clears_when_the_milestone_is_met(client, app, today):
    project = create_project(client)
    planned = today - dt.timedelta(days=10)
    signed = planned - dt.timedelta(days=30)
    advance(client, project["id"], "signed", {
        "negotiating": (signed - dt.timedelta(days=30)).isoformat(), "signed": signed.isoformat()})
    # The signing gate agreed a start (2024-06-01); it was reached on signing.
    client.put(f"/projects/{project['id']}/milestones",
               json={"kind": "start", "actual_on": signed.isoformat()})
    response = client.put(f"/projects/{project['id']}/milestones",
                          json={"kind": "completion", "planned_on": planned.isoformat()})
    assert response.status_code == 200
    # (Signed 40 days ago with no report since, it is also blue: that is another rule.)
    [warning] = open_warnings(client, subject_type="project", subject_id=project["id"],
                              rule="milestone_overdue")
    assert (warning["rule_code"], warning["level"], warning["level_label"]) == (
        "milestone_overdue", "overdue", "超期")
    assert warning["since"] == (planned + dt.timedelta(days=1)).isoformat()
    assert warning["unit"] == "east"
    assert f"计划竣工日期 {planned}" in warning["reason"]
    [raised] = [e for e in events_of(app, "zhaoshang.warning.raised")
                if e.data["warning_id"] == warning["id"]]
    assert raised.data["subject_id"] == project["id"]

    client.put(f"/projects/{project['id']}/milestones",
               json={"kind": "completion", "planned_on": planned.isoformat(),
                     "actual_on": today.isoformat()})
    assert open_warnings(client, subject_type="project", subject_id=project["id"],
                         rule="milestone_overdue") == []
    [cleared] = [w for w in open_warnings(client, state="cleared", subject_id=project["id"],
                                          rule="milestone_overdue") if w["id"] == warning["id"]]
    assert cleared["cleared_at"] is not None
    assert warning["id"] in [e.data["warning_id"] for e in events_of(app, "zhaoshang.warning.cleared")]


def test_a_refresh_after_a_write_judges_the_records_the_write_holds_without_reading_them_again(
        client, app, today):
    project = create_project(client)
    runtime = app.extensions["zhaoshang"]
    with unit_of_work(runtime.sessions) as session:
        # A write that loaded the project and its children, and added an overdue milestone.
        record = session.get(Project, project["id"])
        _ = (list(record.funds), list(record.transfers))
        record.milestones.append(Milestone(kind="completion",
                                           planned_on=today - dt.timedelta(days=3)))
        with statements_and_transactions(runtime.engine) as sent:
            summary = refresh(session, runtime.city, "project", record.id)
    # The milestone the write added, not yet flushed, is judged: the refresh sees the write.
    assert summary.raised >= 1
    [warning] = open_warnings(client, subject_type="project", subject_id=project["id"],
                              rule="milestone_overdue")
    assert warning["since"] == (today - dt.timedelta(days=2)).isoformat()
    # Neither the project nor the children the write holds were read again.
    read_again = [statement for statement, _ in sent
                  if re.match(r"\s*SELECT\b", statement) and re.search(
                      r"\bFROM (projects|milestones|fund_tranches|transfers)\b", statement)]
    assert read_again == []


def test_warnings_held_to_the_end_of_a_block_are_judged_early_for_a_reader_inside_it(
        client, app, today):
    """``refreshes_deferred`` (the demo, a ledger import) judges its subjects once, at its end;
    ``judge_deferred`` judges those noted so far for a reader inside the block (an assessment
    run), and the block still judges what is written after it."""
    first, second = create_project(client), create_project(client)
    runtime = app.extensions["zhaoshang"]

    def overdue(project_id: int) -> list:
        return open_warnings(client, subject_type="project", subject_id=project_id,
                             rule="milestone_overdue")

    def add_overdue_milestone(session, project_id: int) -> None:
        record = session.get(Project, project_id)
        record.milestones.append(Milestone(kind="completion",
                                           planned_on=today - dt.timedelta(days=3)))
        session.flush()
        refresh(session, runtime.city, "project", project_id)

    with unit_of_work(runtime.sessions) as session, refreshes_deferred(session, runtime.city):
        add_overdue_milestone(session, first["id"])
        assert session.scalars(sa.select(EarlyWarning).where(
            EarlyWarning.subject_id == first["id"])).all() == []  # held
        judge_deferred(session, runtime.city)
        [held] = session.scalars(sa.select(EarlyWarning).where(
            EarlyWarning.subject_id == first["id"], EarlyWarning.rule_code == "milestone_overdue"))
        assert held.since == today - dt.timedelta(days=2)
        add_overdue_milestone(session, second["id"])
    assert [w["id"] for w in overdue(first["id"])] == [held.id]  # judged once, not again
    assert len(overdue(second["id"])) == 1  # written after the early judgement: at the end
    raised = [e.data["subject_id"] for e in events_of(app, "zhaoshang.warning.raised")
              if e.data["rule_code"] == "milestone_overdue"]
    assert sorted(raised) == sorted([first["id"], second["id"]])


def test_what_several_rules_share_is_read_once_per_recomputation(app, today):
    runtime = app.extensions["zhaoshang"]
    reads: list[int] = []

    def read() -> int:
        reads.append(1)
        return len(reads)

    with runtime.sessions() as session:
        first = WarningContext(session=session, city=runtime.city, today=today)
        assert [first.once(("a_city", "shared"), read) for _ in range(3)] == [1, 1, 1]
        # Another key, or the next recomputation, reads again.
        assert first.once(("a_city", "other"), read) == 2
        later = WarningContext(session=session, city=runtime.city, today=today)
        assert later.once(("a_city", "shared"), read) == 3


@pytest.mark.hard_days
def test_an_overdue_first_talk_judgement_is_warned_until_the_lead_is_assigned(client, app, today):
    reported = today - dt.timedelta(days=20)
    lead = client.post("/leads", json=lead_body(reported_on=reported.isoformat())).json
    [warning] = open_warnings(client, subject_type="lead")
    assert (warning["subject_id"], warning["rule_code"], warning["level"]) == (
        lead["id"], "first_talk_overdue", "overdue")
    assert warning["since"] > lead["first_talk_due"]
    assert warning["unit"] == "office"  # the judging unit answers for it
    # The judgement's date is the server's (today); the client no longer sends it.
    assigned = client.post(f"/leads/{lead['id']}/assign", json={"first_talk_unit": "east"})
    assert assigned.status_code == 200
    assert open_warnings(client, subject_type="lead") == []
    assert len(events_of(app, "zhaoshang.warning.raised")) == 1
    assert len(events_of(app, "zhaoshang.warning.cleared")) == 1


@pytest.mark.hard_days
def test_a_lead_reported_today_is_not_warned(client, today):
    client.post("/leads", json=lead_body(reported_on=today.isoformat()))
    assert open_warnings(client, subject_type="lead") == []


@pytest.mark.hard_days
def test_the_scheduled_recomputation_raises_no_progress_and_clears_it_again(client, app, today):
    project = create_project(client)
    client.post(f"/projects/{project['id']}/transitions",
                json={"target": "negotiating", "occurred_on": today.isoformat()})
    assert open_warnings(client) == []
    later = today + dt.timedelta(days=31)  # the test city keeps the default of 30 days
    with travel(f"{later.isoformat()}T10:00:00+08:00"):
        response = client.post("/warnings/recompute", json={})
        assert response.status_code == 200
        assert response.json | {"details": []} == {
            "today": later.isoformat(), "dry_run": False, "raised": 1, "changed": 0,
            "cleared": 0, "open": 1, "details": []}
        [warning] = open_warnings(client, level="blue")
        assert (warning["rule_code"], warning["subject_id"]) == ("no_progress", project["id"])
        # Running again changes nothing: still one open warning for that project and rule.
        again = client.post("/warnings/recompute", json={}).json
        assert (again["raised"], again["open"]) == (0, 1)
        # A progress report clears it at once (the write recomputes its project) …
        client.patch(f"/projects/{project['id']}", json={"progress_note": "已完成第二轮洽谈",
                                                         "progress_on": later.isoformat()})
        assert open_warnings(client) == []
        # … and the next scheduled run does not raise it again.
        rerun = client.post("/warnings/recompute", json={}).json
        assert (rerun["raised"], rerun["open"]) == (0, 0)
    assert [e.data["rule_code"] for e in events_of(app, "zhaoshang.warning.cleared")] == [
        "no_progress"]


@pytest.mark.hard_days
def test_the_warnings_command_recomputes_the_whole_city(app, client, monkeypatch, today):
    from core import cli

    reported = today - dt.timedelta(days=20)
    client.post("/leads", json=lead_body(reported_on=reported.isoformat()))
    assert len(open_warnings(client)) == 1
    monkeypatch.setattr(cli, "city_app", lambda city_code, config: app)
    before = row_counts(app, "warnings", "outbox")
    # As of the report day the judgement was not yet due: with --today the command only says
    # it would clear the warning (a dry run, like the API's), and stores nothing.
    result = CliRunner().invoke(cli.main, ["warnings", "--city", "testcity",
                                           "--today", reported.isoformat()])
    assert result.exit_code == 0, result.output
    dry = json.loads(result.output)
    assert (dry["dry_run"], dry["today"]) == (True, reported.isoformat())
    assert {key: dry[key] for key in ("raised", "changed", "cleared", "open")} == {
        "raised": 0, "changed": 0, "cleared": 1, "open": 0}
    assert [(d["action"], d["subject_type"]) for d in dry["details"]] == [("cleared", "lead")]
    assert row_counts(app, "warnings", "outbox") == before
    assert len(open_warnings(client)) == 1
    # Without --today it recomputes as of the city's today and stores: the warning holds.
    result = CliRunner().invoke(cli.main, ["warnings", "--city", "testcity"])
    assert json.loads(result.output) == {"raised": 0, "changed": 0, "cleared": 0, "open": 1}
    bad = CliRunner().invoke(cli.main, ["warnings", "--city", "testcity", "--today", "tomorrow"])
    assert bad.exit_code != 0


def test_one_open_warning_per_subject_and_rule_is_enforced_by_the_database(client, app, today):
    project = create_project(client)
    sessions = app.extensions["zhaoshang"].sessions
    row = {"subject_type": "project", "subject_id": project["id"], "rule_code": "custom",
           "rule_name": "测试", "level": "red", "reason": "测试", "since": today}
    with sessions() as session:
        session.add(EarlyWarning(**row, cleared_at=utcnow()))
        session.add(EarlyWarning(**row))
        session.commit()  # a cleared one and an open one may coexist
        session.add(EarlyWarning(**row))
        with pytest.raises(sa.exc.IntegrityError):
            session.commit()


@pytest.mark.parametrize("path, field", [
    ("/warnings?level=purple", "level"),
    ("/warnings?state=closed", "state"),
    ("/warnings?subject_id=abc", "subject_id"),
])
def test_bad_warning_queries_get_field_errors(client, path, field):
    response = client.get(path)
    assert response.status_code == 400
    assert [e["field"] for e in response.json["errors"]] == [field]


def test_bad_recompute_input_gets_field_errors_and_writes_nothing(client, app, today):
    reported = today - dt.timedelta(days=20)
    client.post("/leads", json=lead_body(reported_on=reported.isoformat()))
    before = row_counts(app, *WARNING_TABLES)
    response = client.post("/warnings/recompute", json={"today": "2024-02-30"})
    assert response.status_code == 400
    assert [e["field"] for e in response.json["errors"]] == ["today"]
    assert client.post("/warnings/recompute", json={"today": today.isoformat()},
                       as_=("clerk", "east")).status_code == 403
    assert row_counts(app, *WARNING_TABLES) == before
