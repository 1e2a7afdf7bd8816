"""``[plugins.sanming]``: every default of POLICIES.md § sanming, and bad values stop startup."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from core.config import ConfigError
from plugins.sanming.settings import SanmingSettings
from plugins.sanming.tests.conftest import sanming_city


def test_defaults_are_the_policy_numbers():
    config = SanmingSettings().load({})
    assert config["campaign_start"] == dt.date(2021, 8, 1)  # Seed 二
    keys = config["key_projects"]
    assert keys["amount_threshold"] == Decimal(100000)  # 10亿元, Seed 三(一)2
    assert keys["provincial_threshold"] == Decimal(50000)  # 5亿元
    assert keys["excluded_industries"] == ["real_estate", "characteristic_town"]
    assert keys["target_count"] == 220
    assert config["lead_points"] == {"reported": 1, "valid": 2, "signed": 5, "started": 10}
    assert config["rolling_evaluation"]["years"] == 3  # Seed 三(四)19
    assert [r["name"] for r in config["regions"]] == ["京津冀", "长三角", "粤港澳", "闽东南", "成渝汉"]
    assert config["target_tags"] == ["世界500强", "央企", "中国500强", "台湾百大", "民营500强",
                                     "独角兽"]
    assert config["assessment"]["periods"] == ["month", "quarter", "year"]
    assert config["organisation"]["joint_meeting_every_months"] == 3
    assert config["organisation"]["group_meeting_every_months"] == 1


def test_the_deployment_file_sets_the_433_system_16_chains_and_21_maps(sanming):
    config = sanming.plugin_config("sanming")
    assert len(config["chains"]) == 16 and len(config["maps"]) == 21
    tiers = [item.get("chain") for item in sanming.industries.values()]
    assert (tiers.count("主导产业"), tiers.count("优势产业"), tiers.count("扶持产业")) == (4, 3, 3)
    for chain in config["chains"]:
        assert chain["industry"] in sanming.industries
    # Seed 三(二)11: 3:7 for indicators and tax, negotiable, from start and from first tax.
    assert sanming.policy["transfer_indicator_ratio"] == "3:7"
    assert sanming.policy["transfer_tax_ratio"] == "3:7"
    assert sanming.policy["transfer_negotiable"] is True
    assert sanming.policy["indicator_sharing_from"] == "start"
    assert sanming.policy["tax_sharing_from"] == "first_tax"


def test_a_map_on_an_unknown_chain_stops_startup():
    bad_map = {"code": "stray", "name": "无主地图", "chain": "nowhere",
               "links": [{"position": "upstream", "name": "原料"}]}
    with pytest.raises(ConfigError, match="maps.0.chain"):
        sanming_city(chains=[], maps=[bad_map])


def test_a_negative_lead_point_stops_startup():
    with pytest.raises(ConfigError, match="lead_points.signed"):
        sanming_city(lead_points={"signed": -5})
