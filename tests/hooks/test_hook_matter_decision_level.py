"""The ``matter_decision_level`` hook: first result wins, the core's default is the office."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from core import hookimpl
from core.services.matters import DecisionLevelError, decision_level
from tests.support.cities import make_city

MATTER = SimpleNamespace(kind="land", requested_amount=None, support_amount=None)
PROJECT = SimpleNamespace(tiers=["major"], amount=None)


class MajorLandToMeeting:
    """Land for a major project goes to the executive meeting; otherwise no opinion."""

    @hookimpl
    def matter_decision_level(self, city, matter, project):
        if matter.kind == "land" and "major" in project.tiers:
            return "executive_meeting"
        return None


class Mayor:
    @hookimpl
    def matter_decision_level(self, city, matter, project):
        return "mayor"


def test_the_core_default_is_the_office():
    assert decision_level(make_city(), MATTER, PROJECT) == "office"


def test_a_plugins_answer_wins_and_no_answer_falls_back_to_the_default():
    city = make_city(extra_plugins=[("major_land", MajorLandToMeeting())])
    assert decision_level(city, MATTER, PROJECT) == "executive_meeting"
    talent = SimpleNamespace(kind="talent", requested_amount=None, support_amount=None)
    assert decision_level(city, talent, PROJECT) == "office"


def test_an_unknown_level_is_a_plugin_error():
    with pytest.raises(DecisionLevelError, match="mayor"):
        decision_level(make_city(extra_plugins=[("mayor", Mayor())]), MATTER, PROJECT)


@pytest.fixture
def city():
    return make_city(extra_plugins=[("major_land", MajorLandToMeeting())])


def test_the_hook_sees_the_matter_and_its_project(client):
    created = client.post("/projects", json={
        "name": "重大产业项目", "enterprise": {"name": "测试投资有限公司"},
        "industry": "manufacturing", "amount": "150000", "finding_unit": "east"})
    assert created.json["tiers"] == ["major"]  # 15亿元 ≥ the test city's 10亿元 threshold
    land = client.post("/matters", json={"project_id": created.json["id"], "kind": "land",
                                         "title": "用地保障", "request": "申请新增用地指标"})
    assert land.json["decision_level"] == "executive_meeting"
    talent = client.post("/matters", json={"project_id": created.json["id"], "kind": "talent",
                                           "title": "人才公寓", "request": "申请人才公寓"})
    assert talent.json["decision_level"] == "office"
