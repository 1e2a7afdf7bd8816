"""Rule 7 — 线索积分制 and 首招负责制 (Seed 三(四)19): 1 for a reported lead, +2 judged
valid, +5 signed, +10 started, all to the unit that first reported the investor; a later
report by another unit is linked, not credited; the points are an assessment metric."""

from __future__ import annotations

from decimal import Decimal

from core.clock import travel
from core.testing.http import ApiClient
from core.testing.records import events_of, row_counts
from plugins.sanming.tests.conftest import advance, call, investor, new_lead, sanming_city


def points_of(client, query=""):
    body = call(client, "GET", f"/sanming/lead-points{query}")
    return {row["unit"]: row for row in body["units"]}, body["entries"]


def owned_investor_to_start(client):
    """永安市 reports first, 三元区 later; 永安市's lead is judged, converted, signed, started."""
    company = investor()
    first = new_lead(client, enterprise=company, reporting_unit="yongan", reported_on="2024-03-04")
    later = new_lead(client, enterprise=dict(company), reporting_unit="sanyuan",
                     reported_on="2024-03-10")
    with travel("2024-03-06T10:00:00+08:00"):  # the assignment's date is the server's
        call(client, "POST", f"/leads/{first['id']}/assign", {"first_talk_unit": "yongan"})
    project = call(client, "POST", f"/leads/{first['id']}/convert", {"amount": "30000"}, 201)
    call(client, "PATCH", f"/projects/{project['id']}", {"attributes": {
        "economic_account": {"tax": "600", "jobs": 120}}})
    advance(client, project["id"], "started", {"signed": "2024-05-01", "started": "2024-06-01"})
    return company, first, later, project


def test_the_first_reporter_owns_the_investor_and_a_later_report_is_linked(client, app):
    _, first, later, _ = owned_investor_to_start(client)
    assert first["attributes"]["first_contact"] == {"owner_unit": "yongan", "credited": True,
                                                    "linked_to": None}
    assert later["duplicate_of_id"] == first["id"]
    assert later["attributes"]["first_contact"] == {"owner_unit": "yongan", "credited": False,
                                                    "linked_to": first["id"]}
    linked = events_of(app, "zhaoshang.sanming_lead.first_contact_linked")
    assert [event.data["lead_id"] for event in linked] == [later["id"]]


def test_points_1_2_5_10_go_to_the_owner(client):
    owned_investor_to_start(client)
    units, entries = points_of(client)
    assert units["yongan"] | {"unit_name": None} == {
        "unit": "yongan", "unit_name": None, "reported": 1, "valid": 2, "signed": 5,
        "started": 10, "linked_reports": 0, "points": 18}
    # 三元区's later report is listed, linked, and earns nothing.
    assert units["sanyuan"]["points"] == 0 and units["sanyuan"]["linked_reports"] == 1
    assert [(e["event"], e["on"], e["points"]) for e in entries if e["unit"] == "yongan"] == [
        ("reported", "2024-03-04", 1), ("valid", "2024-03-06", 2), ("signed", "2024-05-01", 5),
        ("started", "2024-06-01", 10)]
    # A period takes the points earned in it.
    since_may, _ = points_of(client, "?from=2024-05-01&to=2024-12-31")
    assert since_may["yongan"]["points"] == 15


def test_a_project_with_an_owned_investor_must_be_found_by_the_owner(client, app):
    company = investor()
    new_lead(client, enterprise=company, reporting_unit="yongan")
    before = row_counts(app, "projects")
    refused = client.post("/projects", json={
        "name": "抢报项目", "enterprise": dict(company), "industry": "new_materials",
        "amount": "30000", "finding_unit": "sanyuan"})
    assert refused.status_code == 422
    assert refused.json["errors"][0]["field"] == "finding_unit"
    assert refused.json["errors"][0]["code"] == "first_contact.not_owner"
    assert "永安市" in refused.json["errors"][0]["message"]
    assert row_counts(app, "projects") == before
    # Landing in 三元区 is a transfer from the owner, so the figures split 3:7.
    project = call(client, "POST", "/projects", {
        "name": "流转项目", "enterprise": dict(company), "industry": "new_materials",
        "amount": "30000", "finding_unit": "yongan", "host_unit": "sanyuan"}, 201)
    assert (project["finding_unit"], project["host_unit"]) == ("yongan", "sanyuan")


def test_a_reporter_cannot_claim_ownership_itself(client, app):
    before = row_counts(app, "leads")
    response = client.post("/leads", json={
        "title": "自称首报", "enterprise": investor(), "industry": "new_materials",
        "reporting_unit": "sanyuan", "channel": "chain",
        "attributes": {"first_contact": {"owner_unit": "sanyuan", "credited": True}}})
    assert response.status_code == 422
    assert response.json["errors"][0]["code"] == "first_contact.reserved"
    assert row_counts(app, "leads") == before


def test_a_rejected_first_report_owns_nothing(client):
    company = investor()
    first = new_lead(client, enterprise=company, reporting_unit="yongan")
    call(client, "POST", f"/leads/{first['id']}/reject", {"reason": "投资方信息不实"})
    second = new_lead(client, enterprise=dict(company), reporting_unit="sanyuan")
    assert second["attributes"]["first_contact"]["credited"] is True
    assert second["attributes"]["first_contact"]["owner_unit"] == "sanyuan"


def test_the_points_are_configurable(client_for):
    client = client_for(sanming_city(lead_points={"reported": 2, "valid": 3, "signed": 4,
                                                  "started": 6}))
    owned_investor_to_start(client)
    units, _ = points_of(client)
    assert units["yongan"]["points"] == 2 + 3 + 4 + 6


def test_lead_points_are_an_assessment_metric(client):
    owned_investor_to_start(client)
    run = call(client, "POST", "/assessments/runs", {"scheme": "sanming_quarter",
                                                     "period": "2024-Q2"}, 201)
    ranking = call(client, "GET", f"/assessments/runs/{run['id']}/ranking")
    rows = {row["unit"]: row for row in ranking["rows"]}
    # Q2 holds the signing (+5) and the start (+10); the report and judgement were in Q1.
    assert Decimal(rows["yongan"]["values"]["sanming_lead_points"]) == 15
    assert Decimal(rows["yongan"]["points"]["lead_points"]) == 20  # the best unit: full points
    assert Decimal(rows["sanyuan"]["values"]["sanming_lead_points"]) == 0


def test_the_points_table_is_a_report(app):
    client = ApiClient(app.test_client())
    owned_investor_to_start(client)
    report = call(client, "GET", "/reports/sanming_lead_points?from=2024-01-01&to=2024-12-31")
    assert report["name"] == "线索积分表"
    assert report["rows"][0]["unit"] == "yongan" and report["rows"][0]["points"] == 18
    bad = client.get("/reports/sanming_lead_points?from=2024-13-01")
    assert bad.status_code == 400
    assert bad.json["errors"][0]["field"] == "from"
