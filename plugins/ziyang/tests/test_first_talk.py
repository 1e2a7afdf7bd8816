"""Rule 2 (Seed 三): the office names the first-talk location within 2 working days of the report
(official calendar); an overdue judgement is warned and counts in the assessment."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from core.clock import travel
from plugins.ziyang.tests.conftest import call, new_lead


@pytest.mark.parametrize(("reported_on", "due"), [
    ("2024-09-27", "2024-09-30"),  # Friday: Saturday the 28th is off, Monday the 30th is day 2
    ("2024-09-29", "2024-10-08"),  # make-up Sunday before National Day: due after the holiday
    ("2024-09-30", "2024-10-09"),  # the last day before the holiday
    ("2024-10-01", "2024-10-09"),  # reported on the holiday itself
])
def test_the_first_talk_location_is_due_two_working_days_after_the_report(client, reported_on,
                                                                          due):
    lead = new_lead(client, reported_on=reported_on)

    assert lead["first_talk_due"] == due
    assert lead["first_talk_due_estimated"] is False


def test_a_lead_not_judged_in_time_is_warned_to_its_group(client):
    waiting = new_lead(client, reported_on="2024-09-29")
    judged = new_lead(client, reported_on="2024-09-29")
    with travel("2024-10-08T10:00:00+08:00"):  # the judgement's date is the server's
        call(client, "POST", f"/leads/{judged['id']}/assign",
             {"first_talk_unit": "hightech_zone"})

    warnings = call(client, "GET", "/warnings?subject_type=lead&rule=first_talk_overdue")["items"]

    assert [(w["subject_id"], w["level"], w["unit"]) for w in warnings] == [
        (waiting["id"], "overdue", "g_manufacturing")]
    assert "2024-10-08" in warnings[0]["reason"]


@pytest.mark.hard_days
def test_a_lead_is_warned_once_its_first_talk_due_day_is_over(client, today):
    """Reported today or on a day before it: a lead is warned, and shown overdue to its group,
    once its due day (2 official working days on) is over — never on that day or before it."""
    leads = {days: new_lead(client, reported_on=(today - dt.timedelta(days=days)).isoformat())
             for days in (0, 1, 2, 3, 4, 6, 10, 30)}
    judged = new_lead(client, reported_on=(today - dt.timedelta(days=30)).isoformat())
    with travel(judged["first_talk_due"] + "T10:00:00+08:00"):  # judged on its due day
        call(client, "POST", f"/leads/{judged['id']}/assign",
             {"first_talk_unit": "hightech_zone"})

    late = {lead["id"] for lead in leads.values() if lead["first_talk_due"] < today.isoformat()}
    assert leads[30]["id"] in late and leads[0]["first_talk_due"] > today.isoformat()
    warnings = call(client, "GET", "/warnings?subject_type=lead&rule=first_talk_overdue")["items"]
    assert {w["subject_id"] for w in warnings} == late
    assert {(w["level"], w["unit"]) for w in warnings} == {("overdue", "g_manufacturing")}
    routed = call(client, "GET", "/ziyang/groups/g_manufacturing/leads")
    assert {row["id"] for row in routed if row["overdue"]} == late


def test_late_and_missing_judgements_are_counted_against_the_groups_lead_department(client):
    call(client, "POST", "/ziyang/groups/g_manufacturing/ones", {
        "kind": "lead_department", "name": "市经济和信息化局", "unit": "dept_economy",
        "appointed_on": "2024-01-01"}, 201)
    late = new_lead(client, reported_on="2024-09-29")            # due 2024-10-08
    with travel("2024-10-09T10:00:00+08:00"):  # the judgement's date is the server's
        call(client, "POST", f"/leads/{late['id']}/assign",
             {"first_talk_unit": "hightech_zone"})
    new_lead(client, reported_on="2024-09-30")                   # never judged
    on_time = new_lead(client, reported_on="2024-09-30")
    with travel("2024-10-09T10:00:00+08:00"):  # the judgement's date is the server's
        call(client, "POST", f"/leads/{on_time['id']}/assign",
             {"first_talk_unit": "yanjiang"})
    new_lead(client, reported_on="2024-09-30", industry="modern_agri")  # a group with no lead dept

    run = call(client, "POST", "/assessments/runs",
               {"scheme": "ziyang_department_year", "period": "2024"}, 201)
    rows = {row["unit"]: row for row in call(client, "GET",
                                             f"/assessments/runs/{run['id']}/ranking")["rows"]}

    economy = rows["dept_economy"]
    assert [(Decimal(a["points"]), a["source"]) for a in economy["adjustments"]] == [
        (Decimal("-1"), "overdue_judgements:g_manufacturing")]  # 2 × −0.5
    assert "首谈地研判超期 2 条" in economy["adjustments"][0]["reason"]
    assert Decimal(economy["total"]) == Decimal("-1")
    assert rows["dept_agri"]["adjustments"] == []
