"""The investment map's geographic view: each chain's enterprises and targets per county and park.

Seed 003 (Sanming): "全面推广运用“招商地图工作法”……突出抓好我市16条百亿特色产业链、21张招商地图";
seed 001 (Ziyang): "一个产业功能区……一本招商地图，开展精准招商". The map shows where each chain's
enterprises already are and where its targets come from, county by county (GB/T 2260), parks
under their county.
"""

from __future__ import annotations

import pytest

from tests.support.cities import make_city
from tests.support.records import advance, create_project, credit_code, enterprise

CHAINS = [{"code": "equipment", "name": "装备制造产业链", "links": [
    {"code": "assembly", "name": "整机制造", "position": "midstream",
     "industries": ["manufacturing"]}]},
    {"code": "farm", "name": "现代农业产业链", "links": [
        {"code": "seeds", "name": "种业", "position": "upstream", "industries": ["agriculture"]}]}]
# Lanzhou's units: the codes the test helpers use (east, west, park, dept) on real counties.
UNITS = [
    {"code": "office", "name": "兰州市投资促进局", "kind": "office"},
    {"code": "east", "name": "城关区", "kind": "district"},
    {"code": "west", "name": "永登县", "kind": "county"},
    {"code": "park", "name": "兰州高新区", "kind": "park", "parent": "east"},
    {"code": "new_area", "name": "兰州新区", "kind": "park"},  # spans two counties: no parent
    {"code": "dept", "name": "市商务局", "kind": "department"},
]
LANZHOU_COUNTIES = ["620102", "620103", "620104", "620105", "620111", "620121", "620122",
                    "620123"]


@pytest.fixture
def city():
    return make_city(city={"name": "兰州市", "province": "甘肃省"}, units=UNITS, chains=CHAINS)


def landed(client, serial, host, investor=None, stage="signed", **overrides):
    project = create_project(client, serial, host_unit=host,
                             enterprise=investor or enterprise(serial), **overrides)
    advance(client, project["id"], stage)
    return project


def test_each_chains_enterprises_and_targets_are_counted_per_county_and_park(client):
    landed(client, 1, "east")
    landed(client, 2, "park")  # 兰州高新区 lies in 城关区
    landed(client, 3, "west", investor=enterprise(1))  # the same investor, another county
    landed(client, 4, "west", investor=enterprise(1))  # counted once in 永登县
    landed(client, 5, "new_area")
    # Hosted by a department: placed where the investor is registered, when in the city.
    landed(client, 6, "dept", investor=enterprise(6, credit_code=credit_code(6, "620122"),
                                                   origin_province="甘肃省"))
    landed(client, 7, "dept")  # registered in Shenzhen: not placed
    create_project(client, 8, host_unit="east")  # not signed: not on the map
    landed(client, 9, "east", industry="agriculture")  # another chain
    for name, code in (("城关目标有限公司", credit_code(20, "620102")),
                       ("深圳目标有限公司", credit_code(21)), ("无代码目标有限公司", None)):
        response = client.post("/investment-map/targets", json={
            "chain": "equipment", "name": name, "credit_code": code})
        assert response.status_code == 201, response.json

    chains = {c["code"]: c for c in client.get("/investment-map").json["chains"]}
    geo = chains["equipment"]["geography"]
    assert [area["code"] for area in geo["areas"]] == LANZHOU_COUNTIES
    counted = {area["name"]: (area["enterprises"], area["targets"]) for area in geo["areas"]
               if area["enterprises"] or area["targets"]}
    assert counted == {"城关区": (2, 1), "永登县": (1, 0), "皋兰县": (1, 0)}
    chengguan = next(area for area in geo["areas"] if area["name"] == "城关区")
    assert chengguan["parks"] == [{"code": "park", "name": "兰州高新区", "enterprises": 1}]
    assert geo["parks"] == [{"code": "new_area", "name": "兰州新区", "enterprises": 1}]
    assert geo["targets_elsewhere"] == 1
    assert geo["unplaced"] == {"enterprises": 1, "targets": 1}
    farm = {area["name"]: area["enterprises"] for area in chains["farm"]["geography"]["areas"]
            if area["enterprises"]}
    assert farm == {"城关区": 1}


def test_a_city_whose_name_is_no_division_has_no_counties(client_for):
    client = client_for(make_city(chains=CHAINS))
    landed(client, 1, "east")
    geo = client.get("/investment-map").json["chains"][0]["geography"]
    assert geo["areas"] == [] and geo["unplaced"] == {"enterprises": 1, "targets": 0}
