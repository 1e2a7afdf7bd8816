"""Rule 2 — the "433" industries, 16 chains and 21 investment maps (Seed 三(一)1): each map's
links upstream → downstream list the enterprises present, the targets and the gaps, and show
the projects that name the link."""

from __future__ import annotations

from plugins.sanming.tests.conftest import advance, call, new_project


def test_the_433_system(client):
    tiers = call(client, "GET", "/sanming/industry-system")
    assert [(t["tier"], len(t["industries"])) for t in tiers] == [
        ("主导产业", 4), ("优势产业", 3), ("扶持产业", 3)]
    leading = [i["name"] for i in tiers[0]["industries"]]
    assert leading == ["钢铁与装备制造", "新材料", "文旅康养", "特色现代农业"]
    chains = call(client, "GET", "/sanming/chains")
    maps = call(client, "GET", "/sanming/maps")
    assert (len(chains), len(maps)) == (16, 21)
    assert call(client, "GET", "/city")["extensions"]["sanming"]["key_projects_target"] == 220


def test_a_map_shows_its_links_and_the_projects_filling_its_gaps(client):
    empty = call(client, "GET", "/sanming/maps/graphene_material")
    assert [link["position"] for link in empty["links"]] == ["upstream", "midstream",
                                                            "downstream"]
    downstream = empty["links"][2]
    assert downstream["targets"] == ["石墨烯导热膜企业", "石墨烯涂料企业"]
    assert downstream["gaps"] == ["应用产品转化慢"] and downstream["gap_being_filled"] is False
    project = new_project(client, attributes={
        "chain": "graphene", "map": "graphene_material", "link": "downstream",
        "economic_account": {"tax": "500", "jobs": 80}})
    advance(client, project["id"], "signed")
    filled = call(client, "GET", "/sanming/maps/graphene_material")["links"][2]
    assert filled["gap_being_filled"] is True
    assert project["enterprise"]["name"] in filled["present"]
    assert [p["id"] for p in filled["projects"]] == [project["id"]]
    chain = next(c for c in call(client, "GET", "/sanming/chains") if c["code"] == "graphene")
    assert (chain["projects"], chain["landed_projects"]) == (1, 1)


def test_a_map_must_belong_to_the_chain_named(client):
    response = client.post("/projects", json={
        "name": "错配项目", "enterprise": {"name": "某某材料有限公司"}, "amount": "100",
        "finding_unit": "yongan", "attributes": {"chain": "fluorine", "map": "graphene_material"}})
    assert response.status_code == 422
    assert response.json["errors"][0]["code"] == "map.other_chain"
    assert client.get("/sanming/maps/nowhere").status_code == 404
