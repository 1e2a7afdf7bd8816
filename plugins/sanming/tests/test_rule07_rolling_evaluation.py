"""Rule 7 — the 3-year rolling evaluation of landed projects (Seed 三(四)19): in statistics?
paying tax? investment as declared? Any "no" is a false report: a red warning, a case against
the unit that reported it and a penalty in the assessment (Rule 9: serious → disqualified)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from core.clock import travel
from core.testing.records import add_funds, row_counts
from plugins.sanming.tests.conftest import advance, call, new_project

ALL_YES = {"in_statistics": True, "paying_tax": True, "investment_as_declared": True}


def landed(client, **overrides):
    project = new_project(client, **overrides)
    # Started on 2023-04-10, after its talks and its signing (core.time_order).
    advance(client, project["id"], "started",
            {"negotiating": "2023-02-01", "signed": "2023-03-01", "started": "2023-04-10"})
    return project


def check(client, project_id, year, status=201, **answers):
    body = {"year": year, "checked_on": f"{2023 + year}-04-10", **ALL_YES, **answers}
    return call(client, "POST", f"/sanming/projects/{project_id}/rolling-evaluations", body,
                status)


def test_three_yearly_checks_are_scheduled_from_the_start(client):
    project = landed(client)
    check(client, project["id"], 1)
    rows = call(client, "GET", "/sanming/rolling-evaluations?as_of=2025-06-01")
    years = next(r for r in rows if r["project_id"] == project["id"])["years"]
    assert [(y["year"], y["due_on"], y["status"]) for y in years] == [
        (1, "2024-04-10", "passed"), (2, "2025-04-10", "overdue"), (3, "2026-04-10", "pending")]
    with travel("2025-06-01T10:00:00+08:00"):  # the daily run of that day
        call(client, "POST", "/warnings/recompute", {})
    overdue = call(client, "GET", f"/warnings?rule=sanming_rolling_overdue&subject_id={project['id']}")
    assert overdue["items"][0]["level"] == "overdue"
    assert "第 2 年滚动考评应于 2025-04-10 前完成" in overdue["items"][0]["reason"]


@pytest.mark.hard_days
def test_as_of_today_a_check_is_overdue_once_its_anniversary_has_passed(client, today):
    """The schedule and the warnings as of today (their default): a project started 400 days
    ago owes its first check (due about 35 days ago), one started 300 days ago not yet."""
    def started(days: int) -> dict:
        project = new_project(client)
        on = today - dt.timedelta(days=days)
        advance(client, project["id"], "started", {
            "negotiating": (on - dt.timedelta(days=60)).isoformat(),
            "signed": (on - dt.timedelta(days=30)).isoformat(), "started": on.isoformat()})
        return project

    late, recent = started(400), started(300)
    call(client, "POST", "/warnings/recompute", {})
    rows = {r["project_id"]: r["years"] for r in call(client, "GET", "/sanming/rolling-evaluations")}
    assert [y["status"] for y in rows[late["id"]]] == ["overdue", "pending", "pending"]
    assert (today - dt.date.fromisoformat(rows[late["id"]][0]["due_on"])).days in (34, 35)
    assert [y["status"] for y in rows[recent["id"]]] == ["pending", "pending", "pending"]
    overdue = call(client, "GET", "/warnings?rule=sanming_rolling_overdue")["items"]
    assert [w["subject_id"] for w in overdue] == [late["id"]]

    checked = call(client, "POST", f"/sanming/projects/{late['id']}/rolling-evaluations",
                   {"year": 1, **ALL_YES}, 201)  # checked today (the default)
    assert checked["checked_on"] == today.isoformat()
    rows = {r["project_id"]: r["years"] for r in call(client, "GET", "/sanming/rolling-evaluations")}
    assert [y["status"] for y in rows[late["id"]]] == ["passed", "pending", "pending"]
    call(client, "POST", "/warnings/recompute", {})
    assert call(client, "GET", "/warnings?rule=sanming_rolling_overdue")["items"] == []


def test_a_no_flags_a_false_report_with_warning_case_and_penalty(client):
    project = landed(client)
    flagged = check(client, project["id"], 1, in_statistics=False, note="统计部门查无入统记录")
    assert flagged["false_report"] is True
    red = call(client, "GET", f"/warnings?rule=sanming_false_report&subject_id={project['id']}")
    assert red["items"][0]["level"] == "red" and "未入统" in red["items"][0]["reason"]
    cases = call(client, "GET", "/sanming/accountability-cases?kind=false_report")
    assert [(c["project_id"], c["unit"], c["measure_label"]) for c in cases] == [
        (project["id"], "yongan", "通报批评")]
    run = call(client, "POST", "/assessments/runs", {"scheme": "sanming_quarter",
                                                     "period": "2024-Q2"}, 201)
    rows = {r["unit"]: r for r in call(client, "GET",
                                       f"/assessments/runs/{run['id']}/ranking")["rows"]}
    assert Decimal(rows["yongan"]["adjustment_total"]) == -5
    assert rows["yongan"]["adjustments"][0]["source"] == f"sanming_accountability:{cases[0]['id']}"


def test_a_serious_false_report_takes_the_unit_out_of_the_ranking(client):
    good = landed(client, finding_unit="sanyuan")
    add_funds(client, good["id"], "20000", "2024-05-01")
    cheat = landed(client, finding_unit="shaxian")
    add_funds(client, cheat["id"], "40000", "2024-05-01")
    check(client, cheat["id"], 1, paying_tax=False, investment_as_declared=False, serious=True)
    case = call(client, "GET", "/sanming/accountability-cases?unit=shaxian")[0]
    assert case["proposed_measure"] == "disqualification"
    run = call(client, "POST", "/assessments/runs", {"scheme": "sanming_quarter",
                                                     "period": "2024-Q2"}, 201)
    ranking = call(client, "GET", f"/assessments/runs/{run['id']}/ranking")["rows"]
    assert ranking[-1]["unit"] == "shaxian"  # best on arrived funds, yet last
    assert Decimal(ranking[-1]["total"]) < 0
    assert "取消考评资格" in ranking[-1]["adjustments"][0]["reason"]
    # The office decides on criticism instead: the next run counts only the penalty.
    call(client, "POST", f"/sanming/accountability-cases/{case['id']}/decision",
         {"measure": "criticism", "note": "首次发生，通报批评", "decided_on": "2024-06-20"})
    rerun = call(client, "POST", "/assessments/runs", {"scheme": "sanming_quarter",
                                                       "period": "2024-Q2"}, 201)
    rows = {r["unit"]: r for r in call(client, "GET",
                                       f"/assessments/runs/{rerun['id']}/ranking")["rows"]}
    assert Decimal(rows["shaxian"]["adjustment_total"]) == -5


@pytest.mark.parametrize(("year", "answers", "status", "code"), [
    (4, {}, 400, "rolling.year"),
    (1, {"serious": True}, 400, "rolling.serious_without_finding"),
    (1, {"paying_tax": "sometimes"}, 400, "invalid"),
])
def test_bad_checks_write_nothing(client, app, year, answers, status, code):
    project = landed(client)
    before = row_counts(app, "sanming_rolling_checks", "sanming_accountability_cases")
    response = client.post(f"/sanming/projects/{project['id']}/rolling-evaluations",
                           json={"year": year, **ALL_YES, **answers})
    assert response.status_code == status
    assert response.json["errors"][0]["code"] == code
    assert row_counts(app, "sanming_rolling_checks", "sanming_accountability_cases") == before


def test_only_landed_projects_once_a_year_by_the_office(client):
    project = new_project(client)
    refused = client.post(f"/sanming/projects/{project['id']}/rolling-evaluations",
                          json={"year": 1, **ALL_YES})
    assert refused.status_code == 409
    assert refused.json["refusals"][0]["rule"] == "sanming.rolling.not_landed"
    started = landed(client)
    check(client, started["id"], 1)
    again = check(client, started["id"], 1, status=409)
    assert again["refusals"][0]["rule"] == "sanming.rolling.recorded"
    clerk = client.post(f"/sanming/projects/{started['id']}/rolling-evaluations",
                        json={"year": 2, **ALL_YES}, as_=("clerk", "yongan"))
    assert clerk.status_code == 403
