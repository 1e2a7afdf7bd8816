"""Rule 3 (五项机制 5): red, yellow and blue warnings on list projects, with POLICIES.md's
defaults — blue after 30 days without progress, yellow for a milestone overdue up to 60 days,
red beyond, and red for an arrival rate under 30% a year after signing."""

from __future__ import annotations

import datetime as dt

import pytest

from core.clock import travel
from core.testing.records import add_funds
from plugins.pingliang.tests.conftest import advance, call, list_project, new_project, own
from tests.support.transactions import statements_and_transactions


def _levels(client, project_id, today):
    """The project's open warnings after the daily run of ``today`` (a `today` is a dry run)."""
    with travel(f"{today}T10:00:00+08:00"):
        call(client, "POST", "/warnings/recompute", {})
        rows = call(client, "GET", f"/warnings?subject_type=project&subject_id={project_id}")
    return {row["rule_code"]: row["level"] for row in rows["items"]}


def test_an_overdue_milestone_is_yellow_up_to_60_days_then_red(client):
    listed = new_project(client)
    other = new_project(client)
    list_project(client, listed["id"])
    for project in (listed, other):
        call(client, "PUT", f"/projects/{project['id']}/milestones",
             {"kind": "start", "planned_on": "2024-03-01"})
    assert _levels(client, listed["id"], "2024-04-30") == {"milestone_overdue": "yellow"}  # 60
    assert _levels(client, listed["id"], "2024-05-01") == {"milestone_overdue": "red"}  # 61
    # A project off the list keeps the core's grading.
    assert _levels(client, other["id"], "2024-05-01") == {"milestone_overdue": "overdue"}


@pytest.mark.hard_days
def test_a_list_project_without_progress_for_30_days_is_blue_even_in_reserve(client, today):
    listed = new_project(client)
    other = new_project(client)
    list_project(client, listed["id"])
    day_29 = (today + dt.timedelta(days=29)).isoformat()
    day_30 = (today + dt.timedelta(days=30)).isoformat()
    assert _levels(client, listed["id"], day_29) == {}
    assert _levels(client, listed["id"], day_30) == {"no_progress": "blue"}
    assert _levels(client, other["id"], day_30) == {}  # the core leaves reserve projects alone
    call(client, "PATCH", f"/projects/{listed['id']}",
         {"progress_note": "完成选址", "progress_on": day_30})
    assert _levels(client, listed["id"], day_30) == {}


def test_an_arrival_rate_under_30_percent_a_year_after_signing_is_red(client):
    lagging = new_project(client)
    on_track = new_project(client)
    for project, arrived in ((lagging, "5900"), (on_track, "6000")):  # of 20000 万元
        list_project(client, project["id"])
        own(client, project["id"])
        advance(client, project["id"], "signed", {"signed": "2024-03-01"})
        add_funds(client, project["id"], arrived, "2024-06-01")
    assert "pingliang_low_arrival" not in _levels(client, lagging["id"], "2025-02-28")
    assert _levels(client, lagging["id"], "2025-03-01")["pingliang_low_arrival"] == "red"
    assert "pingliang_low_arrival" not in _levels(client, on_track["id"], "2025-03-01")


def test_a_write_reads_the_key_list_once_for_the_rules_that_grade_list_projects(app, client):
    project = new_project(client)
    list_project(client, project["id"])
    with statements_and_transactions(app.extensions["zhaoshang"].engine) as sent:
        call(client, "PUT", f"/projects/{project['id']}/milestones",
             {"kind": "start", "planned_on": "2024-03-01"})
    # Three rules (milestones, progress, arrival) grade list projects; one read serves them.
    assert sum("FROM pingliang_listed_projects" in statement for statement, _ in sent) == 1
    assert _levels(client, project["id"], "2024-04-30") == {"milestone_overdue": "yellow"}


def test_the_key_list_shows_each_projects_gravest_colour(client):
    project = new_project(client)
    list_project(client, project["id"])
    call(client, "PUT", f"/projects/{project['id']}/milestones",
         {"kind": "start", "planned_on": "2024-03-01"})
    with travel("2024-05-01T10:00:00+08:00"):
        call(client, "POST", "/warnings/recompute", {})
    row = call(client, "GET", "/pingliang/key-projects")["items"][0]
    assert (row["warning_level"], row["warning_label"]) == ("red", "红色预警")


def test_thresholds_are_configuration(client_for):
    from plugins.pingliang.tests.conftest import pingliang_city

    client = client_for(pingliang_city(warnings={"red_after_overdue_days": 10}))
    project = new_project(client)
    list_project(client, project["id"])
    call(client, "PUT", f"/projects/{project['id']}/milestones",
         {"kind": "start", "planned_on": "2024-03-01"})
    assert _levels(client, project["id"], "2024-03-12") == {"milestone_overdue": "red"}


def test_a_red_warning_survives_a_planned_date_change_and_a_late_replan(client, today):
    """Warnings cannot be hidden: the agreed date is not edited away, and a re-plan approved
    after it had passed keeps the red episode until the milestone is actually reached."""
    project = new_project(client)
    list_project(client, project["id"])
    url = f"/projects/{project['id']}/milestones"
    call(client, "PUT", url, {"kind": "start", "planned_on": "2024-03-01"})

    def red():
        rows = call(client, "GET", f"/warnings?subject_type=project&subject_id={project['id']}"
                                   "&rule=milestone_overdue")["items"]
        return [(row["id"], row["level"], row["since"]) for row in rows]

    [(warning_id, level, since)] = red()
    assert (level, since) == ("red", "2024-05-01")
    later = (today + dt.timedelta(days=180)).isoformat()
    refused = call(client, "PUT", url, {"kind": "start", "planned_on": later}, 422)
    assert refused["errors"][0]["field"] == "planned_on"
    assert red() == [(warning_id, "red", "2024-05-01")]
    replan = call(client, "POST", f"{url}/start/replans",
                  {"planned_on": later, "reason": "用地手续未办结"}, 201)
    decided = call(client, "POST",
                   f"/projects/{project['id']}/milestone-replans/{replan['id']}/decision",
                   {"decision": "approved", "reason": "同意调整"})
    assert (decided["status"], decided["late"]) == ("approved", True)
    assert call(client, "GET", url)[0]["planned_on"] == later
    assert red() == [(warning_id, "red", "2024-05-01")]
    assert _levels(client, project["id"], today.isoformat())["milestone_overdue"] == "red"
    call(client, "PUT", url, {"kind": "start", "actual_on": today.isoformat()})
    assert red() == []
