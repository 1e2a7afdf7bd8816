"""A small test city built in code (its app: ``core.testing.cities.ready_app``)."""

from __future__ import annotations

import copy
from typing import Any

from core.city import City, build_city
from core.testing.cities import built_in_city, ready_app, serve

__all__ = ["TEST_CITY", "built_in_city", "city_config", "make_city", "ready_app", "serve"]

TEST_CITY: dict[str, Any] = {
    "city": {"code": "testcity", "name": "测试市", "province": "甘肃省",
             "policy_name": "测试政策", "office_unit": "office"},
    "policy": {"first_talk_working_days": 2, "transfer_indicator_ratio": "3:7",
               "transfer_tax_ratio": "1:9", "major_project_threshold": "100000",
               # The test records are dated 2024 and entered by clerks too; the default bound
               # (31 days) is tested with its own city (tests/api/test_time_in_order.py).
               "max_backdate_days": 3660},
    "industries": [
        {"code": "manufacturing", "name": "先进制造"},
        {"code": "agriculture", "name": "现代农业"},
        {"code": "tourism", "name": "文化旅游"},
    ],
    "units": [
        {"code": "office", "name": "测试市投资促进局", "kind": "office"},
        {"code": "east", "name": "东区", "kind": "district"},
        {"code": "west", "name": "西县", "kind": "county"},
        {"code": "park", "name": "高新区", "kind": "park", "park_level": "national",
         "industries": ["manufacturing"], "parent": "east"},
        {"code": "dept", "name": "市商务局", "kind": "department"},
    ],
    "plugins": {"enabled": []},
}


def city_config(**overrides: Any) -> dict[str, Any]:
    """The test city's raw configuration with top-level sections updated."""
    config = copy.deepcopy(TEST_CITY)
    for section, values in overrides.items():
        if isinstance(values, dict) and isinstance(config.get(section), dict):
            config[section].update(values)
        else:
            config[section] = values
    return config


def make_city(extra_plugins: list | tuple = (), **overrides: Any) -> City:
    return build_city(city_config(**overrides), "<test>", extra_plugins)
