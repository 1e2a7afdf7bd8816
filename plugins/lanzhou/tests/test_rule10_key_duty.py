"""Rule 10: key leads get one leader and one team; a key project is signed only with all five
of 五定包抓 (Seed 三(四)3)."""

from __future__ import annotations

from core.clock import travel
from plugins.lanzhou.tests.conftest import (
    FIVE_FIXED,
    admit,
    advance,
    call,
    investor,
    new_project,
    recognise,
)

LEAD = {"title": "氢能装备制造基地线索", "industry": "advanced_manufacturing",
        "intended_amount": "150000", "reporting_unit": "lz_new_area", "channel": "leader_led",
        "reported_on": "2024-03-04"}


def test_a_key_lead_names_its_leader_and_team(client):
    refused = client.post("/leads", json=LEAD | {"enterprise": investor(),
                                                 "attributes": {"key_lead": True}})
    assert refused.status_code == 422
    assert {e["field"] for e in refused.json["errors"]} == {"attributes.leader", "attributes.team"}
    lead = call(client, "POST", "/leads", LEAD | {"enterprise": investor(), "attributes": {
        "key_lead": True, "leader": "市政府常务副市长", "team": "新区氢能产业招商专班"}}, 201)
    assert lead["attributes"]["team"] == "新区氢能产业招商专班"
    not_a_flag = client.post("/leads", json=LEAD | {"enterprise": investor(),
                                                    "attributes": {"key_lead": "是"}})
    assert not_a_flag.status_code == 422


def test_the_key_leads_leader_and_team_stay_with_its_project(client):
    """一抓到底: converted, the key lead's project is key, led by the same leader and team."""
    lead = call(client, "POST", "/leads", LEAD | {"enterprise": investor(), "attributes": {
        "key_lead": True, "leader": "市政府常务副市长", "team": "新区氢能产业招商专班"}}, 201)
    with travel("2024-03-05T10:00:00+08:00"):  # the assignment's date is the server's
        call(client, "POST", f"/leads/{lead['id']}/assign", {"first_talk_unit": "lz_new_area"})
    project = call(client, "POST", f"/leads/{lead['id']}/convert", {"amount": "20000"}, 201)
    assert project["leader_name"] == "市政府常务副市长"
    assert project["attributes"]["team"] == "新区氢能产业招商专班"
    assert "key" in project["tiers"]  # 20000万元 is below the key line: the lead made it key


def test_a_key_project_is_signed_only_with_all_five_fixed(client):
    project = new_project(client, amount="60000", agreement_amount="60000")
    assert "key" in project["tiers"]
    assert "重点项目" in project["tier_names"]
    admit(client, project)
    recognise(client, project["id"])
    advance(client, project["id"], "negotiating")
    call(client, "PUT", f"/projects/{project['id']}/milestones",
         {"kind": "start", "planned_on": "2026-06-01"})
    call(client, "PATCH", f"/projects/{project['id']}", {"leader_name": "市政府分管副市长",
                                                         "attributes": {"target": "年内开工"}})
    refused = client.post(f"/projects/{project['id']}/transitions", json={"target": "signed"})
    assert refused.status_code == 409
    assert [r["message"] for r in refused.json["refusals"]] == [
        f"进入“签约”前须填写：{label}" for label in ("定责任单位", "定责任人", "定时限")]
    call(client, "PATCH", f"/projects/{project['id']}", FIVE_FIXED)
    signed = call(client, "POST", f"/projects/{project['id']}/transitions", {"target": "signed"})
    assert signed["stage"] == "signed"


def test_the_office_may_mark_a_smaller_project_key_and_others_need_no_five_fixed(client):
    marked = new_project(client, attributes={"key_project": True})
    assert "key" in marked["tiers"]
    plain = new_project(client)
    assert "key" not in plain["tiers"]
    admit(client, plain)
    recognise(client, plain["id"])
    assert advance(client, plain["id"], "signed")["stage"] == "signed"


def test_a_responsible_unit_must_be_one_of_the_city(client):
    project = new_project(client)
    bad = client.patch(f"/projects/{project['id']}",
                       json={"attributes": {"responsible_unit": "nowhere"}})
    assert bad.status_code == 422 and bad.json["errors"][0]["field"] == "attributes.responsible_unit"
