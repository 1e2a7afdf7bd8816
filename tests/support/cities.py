"""A small test city built in code, and an app for it on a given database."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from flask import Flask

from core.city import City, build_city

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


def built_in_city(code: str, policy: dict[str, Any] | None = None,
                  **plugin_overrides: Any) -> City:
    """A built-in city from its ``config.toml``, with ``[policy]`` and ``[plugins.<code>]``
    keys replaced (a plugin test's variant of the deployment)."""
    from core.config import built_in_config_path, read_toml

    path = built_in_config_path(code)
    raw = read_toml(path)
    raw["policy"].update(policy or {})
    raw["plugins"].setdefault(code, {}).update(plugin_overrides)
    return build_city(raw, str(path))


def ready_app(city: City, db_url: str) -> Flask:
    """A migrated city app with its units loaded."""
    from core.app import create_app
    from core.cli import prepare_database

    app = create_app(city, database_url=db_url)
    app.testing = True
    prepare_database(app)
    return app


def serve(city: City, db_url: str) -> Iterator[Flask]:
    """A fixture's body: the city's migrated app, its connection pool closed afterwards."""
    app = ready_app(city, db_url)
    yield app
    app.extensions["zhaoshang"].engine.dispose()
