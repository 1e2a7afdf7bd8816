"""Leads through the API: report, duplicates, the first-talk deadline, judge, convert, reject, list."""

from __future__ import annotations

import datetime as dt

import pytest

from core.clock import travel
from tests.support.cities import make_city
from tests.support.records import (
    credit_code,
    enterprise,
    events_of,
    item_ids,
    lead_body,
    outbox_events,
    row_counts,
)


def report(client, serial=1, as_=("clerk", "east"), **overrides):
    response = client.post("/leads", json=lead_body(serial, **overrides), as_=as_)
    assert response.status_code == 201, response.json
    return response.json


def test_a_reported_lead_is_routed_and_given_its_first_talk_deadline(client, app):
    lead = report(client)
    assert lead["status"] == "reported"
    assert lead["status_label"] == "待研判"
    assert lead["reporting_unit"] == "east"
    assert lead["routed_to_unit"] == "office"  # the core default: the city's office judges
    assert lead["intended_amount"] == "20000.0000"
    assert lead["enterprise"]["credit_code"] == credit_code(1)
    # Reported Monday 2024-03-04; the test city allows 2 working days.
    assert lead["first_talk_due"] == "2024-03-06"
    assert lead["first_talk_due_estimated"] is False
    assert lead["duplicate_of_id"] is None
    assert client.get(f"/leads/{lead['id']}").json == lead
    [event] = events_of(app, "zhaoshang.lead.reported")
    assert event.data["first_talk_due"] == "2024-03-06"


@pytest.mark.parametrize(("reported_on", "due"), [
    # Friday before National Day 2024: Sunday 29 September is a make-up working day (调休).
    ("2024-09-27", "2024-09-30"),
    # The last working day before the holiday: 1–7 October are off, so 8 and 9 October.
    ("2024-09-30", "2024-10-09"),
    # An ordinary week: Thursday + 2 working days skips the weekend.
    ("2024-03-07", "2024-03-11"),
])
def test_the_first_talk_deadline_counts_official_working_days(client, reported_on, due):
    assert report(client, reported_on=reported_on)["first_talk_due"] == due


def test_the_deadline_follows_the_city_setting(client_for):
    five_days = client_for(make_city(policy={"first_talk_working_days": 5}))
    assert report(five_days, reported_on="2024-03-04")["first_talk_due"] == "2024-03-11"
    no_deadline = client_for(make_city(policy={"first_talk_working_days": None}))
    # The same database: units are already there, the second app only reads its own policy.
    assert report(no_deadline, serial=2)["first_talk_due"] is None


def test_a_lead_about_a_known_credit_code_is_a_duplicate(client):
    first = report(client, 1)
    # Another unit, another spelling of the name, the same credit code.
    second = report(client, 2, as_=("clerk", "west"), reporting_unit="west",
                    enterprise=enterprise(1, name="测试投资一号（集团）有限公司"))
    assert second["duplicate_of_id"] == first["id"]
    assert second["enterprise"]["id"] == first["enterprise"]["id"]


def test_a_lead_about_a_known_name_is_a_duplicate(client):
    first = report(client, 1, enterprise={"name": "华为技术（深圳）有限公司"})
    second = report(client, 2, enterprise={"name": " 华为技术(深圳) 股份有限公司"})
    assert second["duplicate_of_id"] == first["id"]


def test_two_credit_codes_are_two_investors_even_with_alike_names(client):
    report(client, 1, enterprise=enterprise(1, name="中国建筑集团有限公司"))
    second = report(client, 2, enterprise=enterprise(2, name="中国建筑股份有限公司"))
    assert second["duplicate_of_id"] is None


def test_a_clerk_reports_only_for_their_own_unit(client, app):
    before = row_counts(app, "leads", "enterprises")
    response = client.post("/leads", json=lead_body(reporting_unit="east"), as_=("clerk", "west"))
    assert response.status_code == 403
    assert response.json["code"] == "forbidden_unit"
    assert row_counts(app, "leads", "enterprises") == before


def test_an_unknown_reporting_unit_or_industry_is_named(client, app):
    before = row_counts(app, "leads")
    response = client.post("/leads", json=lead_body(reporting_unit="nowhere"))
    assert response.status_code == 400
    assert response.json["errors"][0]["field"] == "reporting_unit"
    assert response.json["errors"][0]["code"] == "unit.unknown"
    response = client.post("/leads", json=lead_body(industry="casino"))
    assert response.status_code == 400
    assert response.json["errors"][0]["field"] == "industry"
    assert "产业目录" in response.json["errors"][0]["message"]
    assert row_counts(app, "leads") == before


def test_judging_a_lead_names_its_first_talk_unit(client, app):
    lead = report(client)
    with travel("2024-03-05T10:00:00+08:00"):  # the judgement's date is the server's
        response = client.post(f"/leads/{lead['id']}/assign", json={"first_talk_unit": "park"})
    assert response.status_code == 200
    assert response.json["status"] == "assigned"
    assert response.json["first_talk_unit"] == "park"
    assert response.json["assigned_on"] == "2024-03-05"
    [event] = events_of(app, "zhaoshang.lead.assigned")
    assert event.data["first_talk_unit"] == "park"
    assert event.data["overdue"] is False


def test_a_late_judgement_is_marked_overdue_in_its_event(client, app):
    lead = report(client)  # due 2024-03-06
    with travel("2024-03-07T10:00:00+08:00"):
        client.post(f"/leads/{lead['id']}/assign", json={"first_talk_unit": "west"})
    assert events_of(app, "zhaoshang.lead.assigned")[-1].data["overdue"] is True


def test_converting_an_assigned_lead_creates_the_project_of_its_first_talk_unit(client, app):
    lead = report(client)
    client.post(f"/leads/{lead['id']}/assign", json={"first_talk_unit": "west"})
    response = client.post(f"/leads/{lead['id']}/convert",
                           json={"amount": "80000", "name": "新材料产业园项目"})
    assert response.status_code == 201, response.json
    project = response.json
    assert project["lead_id"] == lead["id"]
    assert project["finding_unit"] == project["host_unit"] == "west"
    assert project["amount"] == "80000.0000"
    assert project["channel"] == "fair"
    assert project["enterprise"]["id"] == lead["enterprise"]["id"]
    assert project["stage"] == "reserve"
    converted = client.get(f"/leads/{lead['id']}").json
    assert converted["status"] == "converted"
    assert converted["project_id"] == project["id"]
    types = [event.type for event in outbox_events(app)
             if event.type in ("zhaoshang.project.created", "zhaoshang.lead.converted")]
    assert types == ["zhaoshang.project.created", "zhaoshang.lead.converted"]
    assert events_of(app, "zhaoshang.lead.converted")[0].data["project_id"] == project["id"]


def test_an_unjudged_lead_cannot_be_converted_and_nothing_is_written(client, app):
    lead = report(client)
    before = row_counts(app, "projects", "leads", "project_changes")
    response = client.post(f"/leads/{lead['id']}/convert", json={"amount": "80000"})
    assert response.status_code == 409
    assert response.mimetype == "application/problem+json"
    assert response.json["refusals"][0]["rule"] == "lead.status"
    assert "转为项目" in response.json["refusals"][0]["message"]
    assert row_counts(app, "projects", "leads", "project_changes") == before


def test_rejecting_a_lead_keeps_the_reason(client, app):
    lead = report(client)
    response = client.post(f"/leads/{lead['id']}/reject", json={"reason": "投资主体信息不实"})
    assert response.status_code == 200
    assert response.json["status"] == "rejected"
    assert response.json["rejected_reason"] == "投资主体信息不实"
    assert events_of(app, "zhaoshang.lead.rejected")[0].data["reason"] == "投资主体信息不实"
    # A rejected lead is closed: it can be neither judged nor converted.
    before = row_counts(app, "leads")
    assert client.post(f"/leads/{lead['id']}/assign",
                       json={"first_talk_unit": "west"}).status_code == 409
    assert client.post(f"/leads/{lead['id']}/reject", json={"reason": "再次退回"}).status_code == 409
    assert row_counts(app, "leads") == before


def test_actions_on_a_missing_lead_are_404(client):
    response = client.post("/leads/999/reject", json={"reason": "不存在的线索"})
    assert response.status_code == 404
    assert response.json["code"] == "not_found"
    assert "999" in response.json["detail"]


@pytest.fixture
def listed(client, today):
    """Four leads: two of east, one of west (judged), one rejected; one reported today, the
    others 40 to 100 days ago (the old one long past its deadline)."""

    def days_ago(days):
        return (today - dt.timedelta(days=days)).isoformat()

    ids = {
        "old_east": report(client, 1, reported_on=days_ago(100), channel="fair")["id"],
        "new_east": report(client, 2, reported_on=today.isoformat(), channel="chain",
                           title="食品加工招商线索")["id"],
        "west": report(client, 3, as_=("clerk", "west"), reporting_unit="west",
                       reported_on=days_ago(40), channel="fair")["id"],
        "rejected": report(client, 4, reported_on=days_ago(70), channel="ambassador")["id"],
    }
    client.post(f"/leads/{ids['west']}/assign", json={"first_talk_unit": "west"})
    client.post(f"/leads/{ids['rejected']}/reject", json={"reason": "无投资意向"})
    return ids



def test_lists_filter_by_status_channel_unit_and_text(client, listed):
    assert item_ids(client, "/leads?status=assigned") == [listed["west"]]
    assert item_ids(client, "/leads?channel=fair&sort=reported_on") == [listed["old_east"],
                                                                    listed["west"]]
    assert item_ids(client, "/leads?reporting_unit=west") == [listed["west"]]
    assert item_ids(client, "/leads?q=食品") == [listed["new_east"]]
    assert item_ids(client, "/leads?q=测试投资3号") == [listed["west"]]


@pytest.mark.hard_days
def test_overdue_lists_leads_still_waiting_past_their_deadline(client, listed):
    assert item_ids(client, "/leads?overdue=true") == [listed["old_east"]]
    assert listed["old_east"] not in item_ids(client, "/leads?overdue=false")


def test_lists_sort_and_paginate(client, listed):
    assert item_ids(client, "/leads?sort=-reported_on") == [
        listed["new_east"], listed["west"], listed["rejected"], listed["old_east"]]
    page = client.get("/leads?sort=reported_on&per_page=3&page=2").json
    assert page["total"] == 4
    assert (page["page"], page["per_page"]) == (2, 3)
    assert [item["id"] for item in page["items"]] == [listed["new_east"]]


def test_list_parameters_are_checked(client, listed):
    response = client.get("/leads?sort=password")
    assert response.status_code == 400
    assert response.json["errors"][0]["field"] == "sort"
    response = client.get("/leads?per_page=100000&status=lost")
    assert response.status_code == 400
    assert {e["field"] for e in response.json["errors"]} == {"per_page", "status"}
