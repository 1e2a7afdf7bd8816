"""Rules 3 and 4: target libraries (500强、总部经济、湘商回归), chains and the industrial map."""

from __future__ import annotations

from core.testing.records import row_counts
from plugins.changsha.tests.conftest import investor, new_project, sign, to_negotiating

HYDRAULICS = {"name": "博世力士乐（中国）有限公司", "library": "世界500强", "chain": "construction_machinery",
              "link": "fill", "segment": "高端液压件", "industry": "construction_machinery"}


def test_an_officer_adds_a_target_and_the_event_is_written(client, app):
    response = client.post("/changsha/targets", json=HYDRAULICS)
    assert response.status_code == 201, response.json
    assert response.json["link_label"] == "补链"
    assert response.json["status_label"] == "跟踪研究"
    counts = row_counts(app, "changsha_targets")
    assert counts == {"changsha_targets": 1, "outbox": 1}
    listed = client.get("/changsha/targets?library=世界500强").json
    assert [t["name"] for t in listed["items"]] == [HYDRAULICS["name"]]


def test_headquarters_and_xiangshang_targets_have_their_own_libraries(client):
    client.post("/changsha/targets", json={"name": "某央企中南区域总部", "headquarters_type": "区域总部"})
    client.post("/changsha/targets", json={"name": "深圳湘商科技集团", "xiangshang": True,
                                           "headquarters_type": "总部"})
    counts = {row["library"]: row["count"] for row in client.get("/changsha/targets/libraries").json}
    assert counts["区域总部"] == 1 and counts["总部"] == 1 and counts["湘商回归"] == 1
    assert counts["世界500强"] == 0
    assert [t["name"] for t in client.get("/changsha/targets?xiangshang=true").json["items"]] == [
        "深圳湘商科技集团"]


def test_a_target_in_no_library_or_on_an_unknown_chain_is_refused_and_writes_nothing(client, app):
    before = row_counts(app, "changsha_targets")
    response = client.post("/changsha/targets", json={"name": "某普通企业"})
    assert response.status_code == 422
    assert [e["code"] for e in response.json["errors"]] == ["changsha.target.no_library"]
    response = client.post("/changsha/targets", json=HYDRAULICS | {"chain": "spaceships",
                                                                   "library": "福布斯100强"})
    assert sorted(e["code"] for e in response.json["errors"]) == [
        "changsha.target.chain", "changsha.target.library"]
    response = client.post("/changsha/targets", json=HYDRAULICS | {"link": "bridge"})
    assert response.status_code == 400
    assert row_counts(app, "changsha_targets") == before


def test_a_county_clerk_may_not_edit_the_target_library(client):
    response = client.post("/changsha/targets", json=HYDRAULICS, as_=("clerk", "furong"))
    assert response.status_code == 403


def test_the_map_shows_links_enterprises_present_targets_and_gaps(client):
    landed = new_project(client, industry="construction_machinery", enterprise=investor(
        name="三一重工股份有限公司", tags=["上市公司"]), amount="20000")
    to_negotiating(client, landed["id"])
    assert sign(client, landed["id"]).status_code == 200
    new_project(client, industry="construction_machinery")  # still in reserve: not present
    client.post("/changsha/targets", json=HYDRAULICS)

    chains = {chain["code"]: chain for chain in client.get("/changsha/map").json["chains"]}
    assert list(chains) == ["construction_machinery", "auto", "electronic_info", "new_materials",
                            "biomedicine"]
    machinery = chains["construction_machinery"]
    assert machinery["office"] == {"code": "chain_machinery", "name": "工程机械产业链推进办公室"}
    links = {link["label"]: link for link in machinery["links"]}
    assert list(links) == ["强链", "补链", "延链", "育链"]
    assert links["补链"]["segments"] == ["高端液压件", "发动机", "智能控制系统"]
    assert links["补链"]["targets"] == [HYDRAULICS["name"]]
    [present] = machinery["enterprises_present"]
    assert (present["name"], present["projects"], present["units"]) == (
        "三一重工股份有限公司", 1, ["cs_econ_zone"])
    assert machinery["gaps"] == [{"segment": "高端液压件", "targets": [HYDRAULICS["name"]]},
                                 {"segment": "智能控制系统", "targets": []}]
    assert machinery["open_gaps"] == ["智能控制系统"]


def test_every_digital_map_chain_is_a_chain_of_the_investment_map(changsha):
    from plugins.changsha.settings import settings

    assert [chain["code"] for chain in settings(changsha)["chains"]] == list(changsha.chains)


def test_the_target_library_and_landed_investors_feed_the_core_investment_map(client):
    landed = new_project(client, industry="construction_machinery", enterprise=investor(
        name="三一重工股份有限公司", tags=["上市公司"]), amount="20000")
    to_negotiating(client, landed["id"])
    assert sign(client, landed["id"]).status_code == 200
    client.post("/changsha/targets", json=HYDRAULICS)
    client.post("/changsha/targets", json=HYDRAULICS | {"name": "某液压整机配套企业", "segment": None})

    chains = {c["code"]: c for c in client.get("/investment-map").json["chains"]}
    machinery = chains["construction_machinery"]
    components, machines, aftermarket = machinery["links"]
    # 高端液压件 is a product of the upstream link: the target lands there, from Changsha's list.
    assert [(t["name"], t["source"], t["status_label"]) for t in components["targets"]] == [
        (HYDRAULICS["name"], "长沙市招商目标企业库", "跟踪研究")]
    assert [t["name"] for t in machinery["chain_targets"]] == ["某液压整机配套企业"]
    assert [e["name"] for e in machines["enterprises_present"]] == ["三一重工股份有限公司"]
    assert [g["code"] for g in machinery["gaps"]] == ["components", "aftermarket"]
    # The digital map counts the same investors present, through the same core code.
    digital = {c["code"]: c for c in client.get("/changsha/map").json["chains"]}
    assert digital["construction_machinery"]["enterprises_present"] == machines[
        "enterprises_present"]
