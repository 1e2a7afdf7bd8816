"""Every number of POLICIES.md § ziyang lives in configuration, with the policy's default."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.city import build_city
from core.config import ConfigError, read_toml
from plugins.ziyang.tests.conftest import CONFIG, ziyang_city


def test_the_deployment_file_holds_the_seeds_numbers():
    city = ziyang_city()
    config = city.plugin_config("ziyang")

    assert city.policy["first_talk_working_days"] == 2
    assert (city.share("transfer_indicator_ratio"), city.share("transfer_tax_ratio")) == (
        Decimal("0.3"), Decimal("0.1"))
    assert city.policy["major_project_threshold"] == Decimal("100000")  # 10亿元
    assert config["county_assessment_points"] == Decimal("20")
    assert config["department_adjustment_cap"] == Decimal("3")
    assert (config["leader_meeting_every_months"], config["deputy_meeting_every_months"]) == (3, 1)
    assert [p["family"] for p in config["incentive_policies"]] == ["1", "5+N", "4+X", "6+3+1"]
    assert sum(Decimal(i["points"]) for i in config["arena_indicators"]) == Decimal("100")


def test_without_a_ziyang_section_the_defaults_are_the_same():
    raw = read_toml(CONFIG)
    raw["plugins"].pop("ziyang")

    assert build_city(raw).plugin_config("ziyang") == ziyang_city().plugin_config("ziyang")


@pytest.mark.parametrize(("key", "value", "message"), [
    ("department_adjustment_cap", "-1", "plugins.ziyang.department_adjustment_cap"),
    ("review_pass_score", "120", "plugins.ziyang.review_pass_score"),
    ("incentive_policies", [{"code": "general", "name": "甲", "family": "1"},
                            {"code": "general", "name": "乙", "family": "1"}],
     "编码重复：general"),
    ("arena_unit_kinds", "county", "plugins.ziyang.arena_unit_kinds"),
    ("arena_indicators", [], "擂台赛至少需要一个有分值的指标"),
])
def test_an_invalid_value_stops_the_service_naming_the_key(key, value, message):
    with pytest.raises(ConfigError, match=message):
        ziyang_city(**{key: value})
