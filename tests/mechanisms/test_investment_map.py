"""The investment map (招商地图): chains → links → enterprises present, targets and gaps."""

from __future__ import annotations

import pytest

from tests.support.cities import make_city
from tests.support.records import advance, create_project, enterprise, outbox_events, row_counts

CHAINS = [
    {"code": "equipment", "name": "装备制造产业链", "office": "dept", "links": [
        {"code": "parts", "name": "核心零部件", "position": "upstream",
         "products": ["减速器", "伺服电机"]},
        {"code": "services", "name": "运维服务", "position": "downstream",
         "industries": ["tourism"]},
        {"code": "assembly", "name": "整机制造", "position": "midstream",
         "industries": ["manufacturing"]}]},
    {"code": "farm", "name": "现代农业产业链", "links": [
        {"code": "seeds", "name": "种业", "position": "upstream", "industries": ["agriculture"]},
        {"code": "processing", "name": "农产品加工", "position": "midstream",
         "industries": ["agriculture"]}]},
]


@pytest.fixture
def city():
    return make_city(chains=CHAINS)


def landed(client, serial, stage="signed", **overrides):
    project = create_project(client, serial, **overrides)
    advance(client, project["id"], stage)
    return project


def test_signed_projects_are_present_on_their_link_and_empty_links_are_gaps(client):
    landed(client, 1, amount="30000")
    landed(client, 2, stage="started", amount="12000.5",
           enterprise=enterprise(1, name="测试投资1号有限公司"))  # the same investor again
    landed(client, 3, amount="8000", finding_unit="west")
    create_project(client, 4)  # reserve: not present yet

    body = client.get("/investment-map").json
    assert [c["code"] for c in body["chains"]] == ["equipment", "farm"]
    equipment = body["chains"][0]
    assert equipment["office"] == {"code": "dept", "name": "市商务局"}
    # Upstream → midstream → downstream, whatever the file order.
    assert [(link["code"], link["position_label"]) for link in equipment["links"]] == [
        ("parts", "上游"), ("assembly", "中游"), ("services", "下游")]
    assembly = equipment["links"][1]
    assert assembly["industries"] == [{"code": "manufacturing", "name": "先进制造"}]
    assert [(e["name"], e["projects"], e["amount"], e["units"])
            for e in assembly["enterprises_present"]] == [
        ("测试投资1号有限公司", 2, "42000.5000", ["east"]),
        ("测试投资3号有限公司", 1, "8000.0000", ["west"])]
    assert (assembly["project_count"], assembly["amount"], assembly["gap"]) == (
        3, "50000.5000", False)
    assert equipment["links"][0]["products"] == ["减速器", "伺服电机"]
    assert [(g["code"], g["position_label"]) for g in equipment["gaps"]] == [
        ("parts", "上游"), ("services", "下游")]
    assert equipment["summary"] == {"links": 3, "gaps": 2, "enterprises": 2, "projects": 3,
                                    "amount": "50000.5000", "targets": 0}


def test_a_project_naming_its_link_lands_there_and_an_ambiguous_one_is_unplaced(client):
    landed(client, 1, industry="agriculture", attributes={"chain_link": "farm.seeds"})
    landed(client, 2, industry="agriculture")  # agriculture is on two links of the farm chain
    landed(client, 3, attributes={"chain_link": "equipment.parts"})

    chains = {c["code"]: c for c in client.get("/investment-map").json["chains"]}
    seeds, processing = chains["farm"]["links"]
    assert [e["name"] for e in seeds["enterprises_present"]] == ["测试投资1号有限公司"]
    assert processing["gap"] is True
    assert [e["name"] for e in chains["farm"]["unplaced"]] == ["测试投资2号有限公司"]
    parts = chains["equipment"]["links"][0]
    assert [e["name"] for e in parts["enterprises_present"]] == ["测试投资3号有限公司"]
    assert chains["equipment"]["links"][1]["gap"] is True  # named its link: not on assembly


def test_the_office_adds_targets_which_the_map_shows_and_the_list_filters(client, app):
    response = client.post("/investment-map/targets", json={
        "chain": "equipment", "link": "parts", "name": "某精密减速器股份有限公司",
        "tags": ["行业龙头"], "note": "对接长三角总部"})
    assert response.status_code == 201, response.json
    assert (response.json["status"], response.json["status_label"]) == ("tracking", "跟踪研究")
    client.post("/investment-map/targets", json={"chain": "farm", "name": "某种业集团有限公司"})
    client.post("/investment-map/targets", json={"chain": "farm", "link": "seeds",
                                                 "name": "已放弃的企业", "status": "dropped"})
    [event] = [e for e in outbox_events(app) if e.type == "zhaoshang.chain_target.added"][:1]
    assert event.data["chain"] == "equipment" and event.data["link"] == "parts"

    chains = {c["code"]: c for c in client.get("/investment-map").json["chains"]}
    parts = chains["equipment"]["links"][0]
    assert [t["name"] for t in parts["targets"]] == ["某精密减速器股份有限公司"]
    assert chains["equipment"]["gaps"][0] == {"code": "parts", "name": "核心零部件",
                                              "position": "upstream", "position_label": "上游",
                                              "targets": 1}
    assert [t["name"] for t in chains["farm"]["chain_targets"]] == ["某种业集团有限公司"]
    assert chains["farm"]["links"][0]["targets"] == []  # dropped targets leave the map

    listed = client.get("/investment-map/targets?chain=farm").json
    assert [t["name"] for t in listed["items"]] == ["某种业集团有限公司", "已放弃的企业"]
    assert client.get("/investment-map?chain=farm").json["chains"][0]["code"] == "farm"


def test_a_target_off_the_configured_chains_or_from_a_clerk_changes_nothing(client, app):
    before = row_counts(app, "chain_targets")
    response = client.post("/investment-map/targets", json={"chain": "spaceships", "name": "某企业"})
    assert response.status_code == 422
    assert response.json["errors"][0]["code"] == "chain.unknown"
    assert "equipment" in response.json["errors"][0]["message"]
    response = client.post("/investment-map/targets",
                           json={"chain": "farm", "link": "parts", "name": "某企业"})
    assert (response.status_code, response.json["errors"][0]["code"]) == (422, "chain.link_unknown")
    response = client.post("/investment-map/targets", json={"chain": "farm", "name": "某"})
    assert (response.status_code, response.json["errors"][0]["field"]) == (400, "name")
    response = client.post("/investment-map/targets", as_=("clerk", "east"),
                           json={"chain": "farm", "name": "某种业集团有限公司"})
    assert response.status_code == 403
    assert row_counts(app, "chain_targets") == before
    response = client.get("/investment-map?chain=spaceships")
    assert (response.status_code, response.json["errors"][0]["field"]) == (400, "chain")


def test_a_city_without_chains_has_an_empty_map(client_for):
    client = client_for(make_city())
    assert client.get("/investment-map").json == {"city": "testcity", "city_name": "测试市",
                                                  "chains": []}
