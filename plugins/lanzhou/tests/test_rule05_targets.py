"""Rule 5: the target enterprise library — 三个500强、行业100强、央企、上市公司 from 长三角、
珠三角、环渤海, each with a point-to-point plan (Seed 三(二)3)."""

from __future__ import annotations

from core.clock import travel
from plugins.lanzhou.tests.conftest import admit, advance, call, investor, new_project, recognise

TARGET = {"name": "宁德时代新能源科技股份有限公司", "category": "上市公司", "region": "长三角",
          "industry": "clean_energy", "responsible_unit": "lz_new_area",
          "approach_plan": "市级领导带队登门拜访，对接储能电池配套"}


def test_the_office_keeps_targets_with_their_approach_plan(client):
    added = call(client, "POST", "/lanzhou/targets", TARGET, 201)
    assert (added["responsible_unit"], added["status_label"]) == ("lz_new_area", "跟踪中")
    assert added["responsible_unit_name"] == "兰州新区"  # what the page shows (issue 25)
    call(client, "POST", "/lanzhou/targets", TARGET | {"name": "中国中车", "category": "央企",
                                                       "region": "环渤海"}, 201)
    assert [t["name"] for t in call(client, "GET", "/lanzhou/targets?region=长三角")] == [
        TARGET["name"]]
    moved = call(client, "POST", f"/lanzhou/targets/{added['id']}/status", {"status": "contacted"})
    assert moved["status_label"] == "已对接"
    assert client.post(f"/lanzhou/targets/{added['id']}/status",
                       json={"status": "签约"}).status_code == 400


def test_a_category_or_region_outside_the_configuration_is_refused(client):
    response = client.post("/lanzhou/targets", json=TARGET | {"category": "小微企业",
                                                              "region": "西南"})
    assert response.status_code == 400
    assert {e["field"] for e in response.json["errors"]} == {"category", "region"}
    assert call(client, "GET", "/lanzhou/targets") == []


def test_a_clerk_may_not_change_the_library(client):
    response = client.post("/lanzhou/targets", json=TARGET, as_=("clerk", "lz_new_area"))
    assert response.status_code == 403


LEAD = {"title": "储能电池配套线索", "industry": "advanced_manufacturing", "intended_amount": "50000",
        "reporting_unit": "lz_new_area", "channel": "leader_led", "reported_on": "2024-03-04"}


def _statuses(client):
    return {t["name"]: (t["approach_status_label"], t["lead_count"], t["project_count"])
            for t in call(client, "GET", "/lanzhou/targets")}


def test_each_targets_approach_status_comes_from_its_leads_and_projects(client):
    """建立重点目标企业信息库,制定针对性方案,实施“点对点”精准对接。"""
    catl = investor(name="宁德时代新能源科技股份有限公司")
    call(client, "POST", "/lanzhou/targets", TARGET | {"credit_code": catl["credit_code"]}, 201)
    crrc = call(client, "POST", "/lanzhou/targets", TARGET | {"name": "中国中车", "category": "央企",
                                                              "region": "环渤海"}, 201)
    call(client, "POST", "/lanzhou/targets", TARGET | {"name": "比亚迪股份有限公司"}, 201)
    assert set(_statuses(client).values()) == {("未接触", 0, 0)}

    # A lead of the target's enterprise (same credit code) approaches it without naming it.
    lead = call(client, "POST", "/leads", LEAD | {"enterprise": catl}, 201)
    # A project names the target it approaches by id.
    project = new_project(client, attributes={"target_enterprise_id": crrc["id"]})
    assert _statuses(client) == {TARGET["name"]: ("已接触", 1, 0), "中国中车": ("已接触", 0, 1),
                                 "比亚迪股份有限公司": ("未接触", 0, 0)}
    admit(client, project)
    recognise(client, project["id"])
    advance(client, project["id"], "signed")
    assert _statuses(client)["中国中车"] == ("已签约", 0, 1)
    advance(client, project["id"], "started")
    assert _statuses(client)["中国中车"] == ("已落地", 0, 1)
    assert [t["name"] for t in call(client, "GET", "/lanzhou/targets?approach_status=landed")] == [
        "中国中车"]

    # The lead's and the project's pages show the target they approach, and the target's page
    # its leads and projects, each with how it was linked.
    of_lead = call(client, "GET", f"/lanzhou/target-approaches?lead_id={lead['id']}")
    assert [t["name"] for t in of_lead["targets"]] == [TARGET["name"]]
    assert [(row["id"], row["matched_by"]) for row in of_lead["leads"]] == [
        (lead["id"], "统一社会信用代码")]
    page = call(client, "GET", f"/lanzhou/target-approaches?project_id={project['id']}")
    assert [t["name"] for t in page["targets"]] == ["中国中车"]
    assert [(row["id"], row["matched_by"]) for row in page["projects"]] == [(project["id"], "指定")]


def test_a_lead_naming_an_unknown_target_is_refused_and_a_named_one_stays_with_its_project(client):
    """实施“点对点”精准对接: the approach is followed from the lead to the project it becomes."""
    refused = client.post("/leads", json=LEAD | {"enterprise": investor(),
                                                 "attributes": {"target_enterprise_id": 999}})
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json["errors"]] == ["attributes.target_enterprise_id"]
    target = call(client, "POST", "/lanzhou/targets", TARGET, 201)
    lead = call(client, "POST", "/leads", LEAD | {"enterprise": investor(), "attributes": {
        "target_enterprise_id": target["id"]}}, 201)
    with travel("2024-03-05T10:00:00+08:00"):
        call(client, "POST", f"/leads/{lead['id']}/assign", {"first_talk_unit": "lz_new_area"})
    project = call(client, "POST", f"/leads/{lead['id']}/convert", {"amount": "20000"}, 201)
    assert project["attributes"]["target_enterprise_id"] == target["id"]
    assert _statuses(client)[TARGET["name"]] == ("已接触", 1, 1)


def test_a_name_shared_by_two_targets_links_nothing(client):
    """建立重点目标企业信息库: an enterprise is linked by name only where one target has it."""
    for region in ("长三角", "珠三角"):
        call(client, "POST", "/lanzhou/targets", TARGET | {"region": region}, 201)
    call(client, "POST", "/leads", LEAD | {"enterprise": investor(name=TARGET["name"])}, 201)
    assert set(_statuses(client).values()) == {("未接触", 0, 0)}
