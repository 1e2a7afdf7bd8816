"""``[plugins.lanzhou]``: every default of POLICIES.md § lanzhou, the docs list every key, and
bad values stop startup."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from marshmallow import fields

from core.config import ConfigError
from plugins.lanzhou.settings import LanzhouSettings
from plugins.lanzhou.tests.conftest import lanzhou_city

DOC = Path(__file__).resolve().parents[3] / "docs" / "cities" / "lanzhou.md"


def test_defaults_are_the_policy_numbers():
    config = LanzhouSettings().load({})
    admission = config["admission"]
    assert admission["city_level_amount"] == Decimal(50000)  # 5亿元: city level at and above
    assert [d["name"] for d in admission["dimensions"]] == [
        "土地", "规划", "环保", "节能", "产业层次", "投资强度", "税收贡献"]
    assert {d["weight"] for d in admission["dimensions"]} == {Decimal(1)}  # equal weights
    assert admission["pass_score"] == Decimal(60)
    assert {"高耗能", "高污染", "高排放", "低产出"} <= {r["name"] for r in admission["hard_refusals"]}
    investor = config["investor"]
    assert [d["name"] for d in investor["dimensions"]] == [
        "投资意愿", "履约能力", "市场预期", "技术实力", "资信情况"]
    assert [(r["letter"], r["minimum"]) for r in investor["ratings"]] == [
        ("A", 85), ("B", 70), ("C", 60), ("D", 0)]
    assert config["reserve"]["business_plan_target"] == 100  # Seed 三(二)2
    rewards = config["rewards"]
    assert (rewards["merit_rate"], rewards["merit_cap"]) == (Decimal("0.001"), Decimal(40))
    assert (rewards["best_teams_top"], rewards["excellent_cadres_top"]) == (10, 50)
    assert config["targets"]["regions"] == ["长三角", "珠三角", "环渤海"]
    assert config["promotion"]["per_month"] == 1  # Seed 三(六)3
    assert config["recognition"]["required_for_credit"] is True


def test_the_deployment_file_holds_the_ten_industries_platforms_and_offices(lanzhou):
    assert [item["name"] for item in lanzhou.industries.values()] == [
        "节能环保", "清洁生产", "清洁能源", "循环农业", "中医中药", "文化旅游", "通道物流", "军民融合",
        "数据信息", "先进制造"]
    units = lanzhou.config["units"]
    platforms = {u["name"] for u in units if u["kind"] == "park"}
    assert platforms == {"兰州新区", "兰州高新区", "兰州经济区", "榆中生态创新城", "兰白自创区",
                         "黄河大景区", "甘肃（兰州）国际陆港", "兰州新区综合保税区"}
    groups = [u["name"] for u in units if u["kind"] == "industry_group"]
    assert sum(name.endswith("产业招商办") for name in groups) == 6
    assert sum(name.endswith("行业招商办") for name in groups) == 6


def _keys(schema: type, prefix: str = "") -> list[str]:
    found = []
    for name, field in schema._declared_fields.items():
        if isinstance(field, fields.Nested) and not isinstance(field.schema, type) and \
                name not in {"dimensions", "hard_refusals", "ratings", "indicators"}:
            found += _keys(type(field.schema), f"{prefix}{name}.")
        else:
            found.append(prefix + name)
    return found


def test_the_city_document_lists_every_configuration_key():
    text = DOC.read_text(encoding="utf-8")
    keys = _keys(LanzhouSettings)
    assert len(keys) > 25
    missing = [key for key in keys if f"`{key}`" not in text]
    assert not missing, f"docs/cities/lanzhou.md does not list: {missing}"


def test_a_bad_value_stops_startup_naming_it():
    with pytest.raises(ConfigError, match="rewards.merit_cap"):
        lanzhou_city(rewards={"merit_cap": "-1"})
    with pytest.raises(ConfigError, match="investor.ratings"):
        lanzhou_city(investor={"ratings": [{"letter": "A", "minimum": "60"},
                                           {"letter": "B", "minimum": "85"}]})
    with pytest.raises(ConfigError, match="admission.dimensions"):
        lanzhou_city(admission={"dimensions": [{"code": "land", "name": "土地"},
                                               {"code": "land", "name": "用地"}]})
