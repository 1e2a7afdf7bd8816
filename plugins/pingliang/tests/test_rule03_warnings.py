"""Rule 3 (五项机制 5): red, yellow and blue warnings on list projects, with POLICIES.md's
defaults — blue after 30 days without progress, yellow for a milestone overdue up to 60 days,
red beyond, and red for an arrival rate under 30% a year after signing."""

from __future__ import annotations

import datetime as dt

import pytest

from plugins.pingliang.tests.conftest import advance, call, list_project, new_project, own


def _levels(client, project_id, today):
    call(client, "POST", "/warnings/recompute", {"today": today})
    rows = call(client, "GET", f"/warnings?subject_type=project&subject_id={project_id}")["items"]
    return {row["rule_code"]: row["level"] for row in rows}


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
        call(client, "POST", f"/projects/{project['id']}/funds", {
            "arrived_on": "2024-06-01", "amount": arrived, "evidence_ref": "YH-1"}, 201)
    assert "pingliang_low_arrival" not in _levels(client, lagging["id"], "2025-02-28")
    assert _levels(client, lagging["id"], "2025-03-01")["pingliang_low_arrival"] == "red"
    assert "pingliang_low_arrival" not in _levels(client, on_track["id"], "2025-03-01")


def test_the_key_list_shows_each_projects_gravest_colour(client):
    project = new_project(client)
    list_project(client, project["id"])
    call(client, "PUT", f"/projects/{project['id']}/milestones",
         {"kind": "start", "planned_on": "2024-03-01"})
    call(client, "POST", "/warnings/recompute", {"today": "2024-05-01"})
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
