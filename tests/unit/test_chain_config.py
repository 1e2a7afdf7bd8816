"""``[[chains]]`` of the deployment file: the investment map's chains, validated at startup."""

from __future__ import annotations

import pytest

from core.config import ConfigError
from tests.support.cities import make_city

LINKS = [{"code": "parts", "name": "核心零部件", "position": "upstream",
          "industries": ["manufacturing"], "products": ["减速器", "伺服电机"]},
         {"code": "assembly", "name": "整机制造", "position": "midstream"}]


def chain(**overrides):
    return {"code": "robots", "name": "机器人产业链", "office": "dept", "links": LINKS} | overrides


def test_a_valid_chain_is_kept_in_file_order_with_defaults():
    city = make_city(chains=[chain(), chain(code="tourism", office=None,
                                            links=[LINKS[1] | {"industries": ["tourism"]}])])
    assert list(city.chains) == ["robots", "tourism"]
    assert city.chains["robots"]["links"][1] == {
        "code": "assembly", "name": "整机制造", "position": "midstream", "industries": [],
        "products": []}
    assert make_city().chains == {}


@pytest.mark.parametrize(("chains", "message"), [
    ([chain(links=[LINKS[0] | {"industries": ["steel"]}])],
     "chains: 产业链 robots 环节 parts 的产业 steel 不在产业目录中"),
    ([chain(office="nowhere")], "chains: 产业链 robots 的专班 nowhere 不在单位中"),
    ([chain(), chain()], "chains: 产业链编码重复：robots"),
    ([chain(links=[LINKS[0], LINKS[0]])], "chains: 产业链 robots 的环节编码重复：parts"),
    ([chain(links=[LINKS[1] | {"position": "top"}])],
     "chains.0.links.0.position: 应为 upstream（上游）、midstream（中游）或 downstream（下游）"),
    ([chain(links=[])], "chains.0.links: 产业链至少应有一个环节"),
])
def test_an_invalid_chain_stops_startup_saying_where(chains, message):
    with pytest.raises(ConfigError) as raised:
        make_city(chains=chains)
    assert message in str(raised.value)
