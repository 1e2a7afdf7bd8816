"""Who may do what in Changsha (issue 17): the target library is the office's; a major project's
own unit asks for 一事一议 support and the unit a work order goes to closes it — nobody else's
clerk — and a refusal writes nothing."""

from __future__ import annotations

import pytest

from core.testing.records import row_counts
from plugins.changsha.tests.conftest import major_body, new_project

HYDRAULICS = {"name": "博世力士乐（中国）有限公司", "library": "世界500强",
              "chain": "construction_machinery", "link": "fill", "industry": "construction_machinery"}
ECON_ZONE = ("clerk", "cs_econ_zone")  # 长沙经开区: finds and hosts the test projects
HITECH = ("clerk", "cs_hitech")  # 长沙高新区: another unit


def refused(response, code: str) -> dict:
    assert response.status_code == 403, response.json
    assert response.json["code"] == code, response.json
    return response.json


def call(client, method, path, body=None, status=200, as_=None):
    response = client.request(method, path, json=body, as_=as_)
    assert response.status_code == status, response.json
    return response.json


@pytest.mark.parametrize("actor", [ECON_ZONE, ("leader", None), ("province", None)])
def test_only_the_office_keeps_the_target_library(client, app, actor):
    before = row_counts(app, "changsha_targets")
    body = refused(client.post("/changsha/targets", json=HYDRAULICS, as_=actor), "forbidden_role")
    assert "市招商部门" in body["detail"]
    assert row_counts(app, "changsha_targets") == before
    # Everyone of the city reads it.
    assert call(client, "GET", "/changsha/targets", as_=actor)["total"] == 0
    call(client, "POST", "/changsha/targets", HYDRAULICS, 201)


def test_the_rules_are_declared_in_the_api_document(client):
    paths = call(client, "GET", "/openapi.json")["paths"]
    assert paths["/api/v1/changsha/targets"]["post"]["x-permission"]["rule"] == "office"
    for path in ("/api/v1/changsha/targets", "/api/v1/changsha/targets/libraries",
                 "/api/v1/changsha/map", "/api/v1/changsha/parks"):
        assert paths[path]["get"]["x-permission"]["rule"] == "reader"


def ask(client, project_id: int, as_, **overrides):
    body = {"project_id": project_id, "kind": "land", "title": "一期用地保障",
            "request": "请求统筹保障工业用地800亩"} | overrides
    return client.post("/matters", json=body, as_=as_)


def test_a_major_projects_unit_asks_for_support_and_the_assigned_unit_closes_its_order(client):
    project = new_project(client, **major_body())
    response = ask(client, project["id"], ECON_ZONE)
    assert response.status_code == 201, response.json
    matter = response.json
    assert (matter["owner_unit"], matter["decision_level"]) == ("cs_econ_zone", "leader")
    order = call(client, "POST", f"/matters/{matter['id']}/work-orders", {
        "unit": "cs_hitech", "task": "核实可调剂用地指标", "due_workdays": 5}, 201, as_=ECON_ZONE)
    done = call(client, "POST", f"/matters/{matter['id']}/work-orders/{order['id']}/done",
                {"note": "已核实"}, as_=HITECH)
    assert done["done_by"] == "clerk-cs_hitech"


def test_the_citys_rule_holds_for_a_clerk_too(client, app):
    """A clerk of the project's own unit passes the rule, and Changsha still refuses a matter
    on a project that is not major (422, nothing written)."""
    project = new_project(client, amount="30000")
    before = row_counts(app, "matters")
    response = ask(client, project["id"], ECON_ZONE)
    assert response.status_code == 422
    assert response.json["errors"][0]["code"] == "changsha.matter.not_major"
    assert row_counts(app, "matters") == before


def test_another_units_clerk_neither_asks_for_nor_closes_what_is_not_theirs(client, app):
    project = new_project(client, **major_body())
    before = row_counts(app, "matters", "matter_work_orders")
    body = refused(ask(client, project["id"], HITECH), "forbidden_unit")
    # The refusal names the clerk's unit and the project's, in Chinese.
    assert "长沙高新技术产业开发区" in body["detail"] and "长沙经济技术开发区" in body["detail"]
    assert row_counts(app, "matters", "matter_work_orders") == before
    matter = ask(client, project["id"], ECON_ZONE).json
    refused(client.post(f"/matters/{matter['id']}/work-orders", as_=HITECH, json={
        "unit": "cs_hitech", "task": "自行派单", "due_workdays": 5}), "forbidden_unit")
    order = call(client, "POST", f"/matters/{matter['id']}/work-orders", {
        "unit": "cs_hitech", "task": "核实可调剂用地指标", "due_workdays": 5}, 201, as_=ECON_ZONE)
    before = row_counts(app, "matter_work_orders")
    refused(client.post(f"/matters/{matter['id']}/work-orders/{order['id']}/done", json={},
                        as_=ECON_ZONE), "forbidden_unit")
    assert row_counts(app, "matter_work_orders") == before
    [kept] = call(client, "GET", f"/matters/{matter['id']}")["work_orders"]
    assert kept["done_on"] is None
