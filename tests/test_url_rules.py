"""Every app's URL rules compile their builders on first use and build what werkzeug's do.

``core.url_rules.LazilyBuiltRule`` replaces werkzeug's own rule class in the city, province
and gateway apps so that an app's creation does not compile a builder for each rule. These
tests build every rule of every app both ways — with each rule's arguments, and with an
unknown one that goes to the query string — so that a werkzeug whose builders meant something
else would show here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask, url_for
from werkzeug.routing import AnyConverter, Map, Rule

from core.url_rules import LazilyBuiltRule
from tests.support.cities import make_city

CITIES = ("lanzhou", "ziyang", "sanming", "changsha", "pingliang")


def city_app(code: str | None) -> Flask:
    from core.app import create_app
    from core.testing.cities import built_in_city

    return create_app(built_in_city(code) if code else make_city(), database_url="sqlite://")


def province_app(tmp_path: Path) -> Flask:
    from province.app import create_app
    from province.config import build_config
    from tests.events.support import province_config

    return create_app(build_config(province_config("zs", ["alpha"], "127.0.0.1:1",
                                                   f"sqlite:///{tmp_path / 'p.db'}")))


def gateway_app(tmp_path: Path) -> Flask:
    from gateway.app import create_app

    return create_app({"gateway": {"database_url": f"sqlite:///{tmp_path / 'gw.db'}"},
                       "cities": [{"code": "lanzhou", "name": "兰州市",
                                   "url": "http://127.0.0.1:1"}],
                       "secrets": {"jwt": "j" * 40, "gateway": "g" * 40}}, var_dir=tmp_path)


def sample(converter: Any) -> Any:
    """A value each kind of argument takes: a number for a number, one of the choices of a
    choice, text for the rest."""
    if isinstance(converter, AnyConverter):
        return sorted(converter.items)[0]
    name = type(converter).__name__.lower()
    if "int" in name or "id" in name:
        return 7
    if "path" in name:
        return "目录/文件.xlsx"
    return "项目 甲"


def rule_classes(app: Flask) -> set[type]:
    """The classes of ``app``'s rules but Flask's static one, which its constructor adds."""
    return {type(rule) for rule in app.url_map.iter_rules() if rule.endpoint != "static"}


def built_both_ways(app: Flask) -> list[tuple[str, Any, Any]]:
    """Each rule of ``app`` built by its own (lazy) rule and by werkzeug's, with and without
    an argument the rule does not know: (rule, lazy, werkzeug's)."""
    results = []
    for rule in app.url_map.iter_rules():
        eager = Rule(rule.rule, endpoint=rule.endpoint, defaults=rule.defaults,
                     methods=rule.methods)
        Map([eager], converters=app.url_map.converters)  # binds and compiles it
        values = {name: sample(converter) for name, converter in rule._converters.items()}
        for append_unknown, extra in ((False, {}), (True, {"page": 2, "q": "兰州 新区"})):
            results.append((rule.rule, rule.build(values | extra, append_unknown),
                            eager.build(values | extra, append_unknown)))
    return results


@pytest.mark.parametrize("code", [None, *CITIES])
def test_a_city_app_s_rules_build_as_werkzeug_s(code):
    app = city_app(code)
    try:
        assert rule_classes(app) == {LazilyBuiltRule}
        results = built_both_ways(app)
        assert len(results) > 100
        assert [(rule, lazy) for rule, lazy, _ in results] == [
            (rule, eager) for rule, _, eager in results]
    finally:
        app.extensions["zhaoshang"].engine.dispose()


def test_the_province_s_and_the_gateway_s_rules_build_as_werkzeug_s(tmp_path):
    for app in (province_app(tmp_path), gateway_app(tmp_path)):
        assert rule_classes(app) == {LazilyBuiltRule}
        results = built_both_ways(app)
        assert [(rule, lazy) for rule, lazy, _ in results] == [
            (rule, eager) for rule, _, eager in results]


def test_url_for_builds_a_rule_with_an_id_and_a_query_on_first_use_and_after():
    app = city_app(None)
    try:
        with app.test_request_context():
            first = url_for("projects.get_project", project_id=12, view="full")
            again = url_for("projects.get_project", project_id=13)
        assert first == "/api/v1/projects/12?view=full"
        assert again == "/api/v1/projects/13"
    finally:
        app.extensions["zhaoshang"].engine.dispose()
