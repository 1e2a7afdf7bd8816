"""The demo shows Changsha's rules at work (loaded as ``zhaoshang demo --city changsha``), on the
run's day and on each of the hard days, with nothing dated after the day it is loaded on."""

from __future__ import annotations

import pytest

from core.api.support import EXTENSION
from core.cli import load_demo
from core.clock import utcnow
from core.testing.cities import ready_app
from core.testing.demo import dated_after
from core.testing.http import ApiClient


@pytest.fixture
def demo_client(app, client):
    counts = load_demo(app)
    assert counts["projects"] > 0
    return client


def test_the_demo_shows_every_rule(demo_client):
    assert_every_rule(demo_client)


@pytest.mark.hard_days
def test_loaded_on_any_day_the_demo_shows_every_rule_and_nothing_later(changsha, tmp_path, today):
    """Year end, New Year's Day, a leap day …: the same rules at work (this week's, month's and
    half year's lists included), and no record dated after the day."""
    app = ready_app(changsha, f"sqlite:///{tmp_path / 'demo.db'}")
    try:
        load_demo(app)
        assert dated_after(app.extensions[EXTENSION].engine, today, utcnow()) == []
        assert_every_rule(ApiClient(app.test_client()))
    finally:
        app.extensions[EXTENSION].engine.dispose()


def assert_every_rule(client):
    matters = {m["title"]: m for m in client.get("/matters?per_page=100").json["items"]}
    land = matters["新能源汽车基地一期用地保障"]
    assert (land["decision_level"], land["status"]) == ("executive_meeting", "tracking")
    assert land["meeting_ref"].startswith("市政府常务会议纪要")
    assert [c["met"] for c in land["conditions"]] == [True, None]
    assert matters["测试基地建设资金支持"]["status"] == "requested"
    [unmet] = client.get("/warnings?rule=changsha_matter_conditions").json["items"]
    assert (unmet["level"], unmet["subject_id"]) == ("red", matters["食品基地税收奖励"]["id"])

    misfits = client.get("/projects?tier=park_mismatch&per_page=100").json["items"]
    pharma = next(p for p in misfits if p["name"] == "医用特种车辆及医疗装备项目")
    assert pharma["attributes"]["park_justification"]
    assert pharma["stage"] == "started"

    rewards = {r["recipient_name"]: r for r in client.get("/rewards").json["items"]}
    refused = rewards["长沙招商大使·王志刚（市直机关干部）"]
    assert refused["eligible"] is False and "国家公职人员" in refused["ineligible_reason"]
    assert rewards["长沙招商大使·陈思远（深圳市湖南商会）"]["capped"] is True

    for report in ("changsha_weekly", "changsha_monthly", "changsha_half_year",
                   "changsha_site_tour", "changsha_lookback", "changsha_matters"):
        assert client.get(f"/reports/{report}").json["rows"], report
    verdicts = {r["project"]: r["verdict"] for r in client.get("/reports/changsha_lookback").json["rows"]}
    assert verdicts["休闲食品精深加工基地项目"] == "需督办"
    assert verdicts["新能源汽车智能制造基地项目"] == "履约良好"

    libraries = {row["library"]: row["count"] for row in client.get("/changsha/targets/libraries").json}
    assert libraries["世界500强"] and libraries["区域总部"] and libraries["湘商回归"]
    chains = client.get("/changsha/map").json["chains"]
    assert all(chain["links"] for chain in chains)
    assert any(chain["enterprises_present"] for chain in chains)
