"""``investment_map_targets``: a plugin's own target list feeds the investment map."""

from __future__ import annotations

from core import hookimpl
from core.policy import MapTarget
from tests.support.cities import make_city

CHAINS = [{"code": "equipment", "name": "装备制造产业链", "links": [
    {"code": "parts", "name": "核心零部件", "position": "upstream"},
    {"code": "assembly", "name": "整机制造", "position": "midstream",
     "industries": ["manufacturing"]}]}]


class OwnList:
    @hookimpl
    def investment_map_targets(self, city, session):
        return [MapTarget(chain="equipment", link="parts", name="某精密减速器股份有限公司",
                          source="四张清单·目标企业", status_label="已对接", reference="own/1"),
                MapTarget(chain="equipment", name="某装备集团有限公司", source="四张清单·目标企业"),
                MapTarget(chain="spaceships", name="不在本市产业链上的企业", source="四张清单·目标企业"),
                MapTarget(chain="equipment", link="rockets", name="不在本链环节上的企业",
                          source="四张清单·目标企业")]


def test_hook_investment_map_targets_places_a_plugins_targets_on_links(client_for):
    client = client_for(make_city(chains=CHAINS, extra_plugins=[("own", OwnList())]))
    response = client.post("/investment-map/targets", json={
        "chain": "equipment", "link": "parts", "name": "某伺服电机有限公司"})
    assert response.status_code == 201, response.json

    [chain] = client.get("/investment-map").json["chains"]
    parts = chain["links"][0]
    assert [(t["name"], t["source"], t["status_label"]) for t in parts["targets"]] == [
        ("某伺服电机有限公司", "招商目标企业库", "跟踪研究"),
        ("某精密减速器股份有限公司", "四张清单·目标企业", "已对接")]
    assert parts["targets"][1]["reference"] == "own/1"
    assert [t["name"] for t in chain["chain_targets"]] == ["某装备集团有限公司"]
    assert chain["summary"]["targets"] == 3  # the unknown chain and link are left off
    assert chain["gaps"][0]["targets"] == 2
