"""The demo shows Sanming's rules at work (``zhaoshang demo --city sanming``), as of 2024-11-20;
and, loaded on each of the hard days, last month's and last quarter's records, nothing later."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from core.api.support import EXTENSION
from core.cli import load_demo
from core.clock import utcnow
from core.testing.cities import ready_app
from core.testing.databases import BACKENDS
from core.testing.demo import dated_after, demo_client_for
from core.testing.http import ApiClient
from plugins.sanming.tests.conftest import call

TODAY = dt.date(2024, 11, 20)


@pytest.fixture(scope="module", params=BACKENDS)
def demo_client(request, tmp_path_factory, sanming):
    """One demo database per backend for the whole module: loading it is the slow part."""
    yield from demo_client_for(request, tmp_path_factory, sanming, TODAY)


def test_key_projects_with_commissioner_matter_and_each_basis(demo_client):
    rows = {r["name"]: r for r in call(demo_client, "GET", "/sanming/key-projects")}
    fluorine = rows["含氟新材料产业园项目"]
    assert (fluorine["commissioner"], fluorine["matters"], fluorine["stage"]) == ("林晓峰", 1, "开工")
    assert rows["稀土功能材料深加工项目（省重点）"]["basis"] == "省招商引资重点项目"
    assert rows["沙县小吃中央厨房项目（县认定）"]["basis"] == "市、县认定"
    assert "三元区滨江商住综合体项目" not in rows  # 20亿元 of real estate is not key
    assert all(r["commissioner"] for r in rows.values() if r["stage"] in ("签约", "开工", "竣工投产"))


def test_a_linked_later_report_and_the_owners_points(demo_client):
    leads = call(demo_client, "GET", "/leads?q=石墨烯&per_page=50")["items"]
    first = next(lead for lead in leads if lead["title"] == "石墨烯导热膜生产基地")
    later = next(lead for lead in leads if lead["title"] == "石墨烯项目（重复报送）")
    assert first["attributes"]["first_contact"]["credited"] is True
    assert later["attributes"]["first_contact"] == {"owner_unit": "yongan", "credited": False,
                                                    "linked_to": first["id"]}
    points = call(demo_client, "GET", "/sanming/lead-points?unit=yongan")
    events = {(e["lead_id"], e["event"]) for e in points["entries"]}
    assert {(first["id"], "reported"), (first["id"], "valid"), (first["id"], "signed"),
            (first["id"], "started")} <= events


def test_last_months_battle_report(demo_client):
    body = call(demo_client, "GET", "/sanming/battle-report?month=2024-10")
    total = body["rows"][-1]
    assert total["leads_reported"] >= 9 and Decimal(total["signed_count"]) >= 3
    assert Decimal(total["lead_points"]) > 0
    response = demo_client.get(body["export"].removeprefix("/api/v1"))
    assert response.status_code == 200 and response.data[:2] == b"PK"


def test_a_false_report_from_the_rolling_evaluation(demo_client):
    rows = call(demo_client, "GET", f"/sanming/rolling-evaluations?as_of={TODAY}")
    textile = next(r for r in rows if r["name"] == "高端纺织面料生产线项目")
    assert [y["status"] for y in textile["years"]] == ["passed", "false_report", "pending"]
    red = call(demo_client, "GET", f"/warnings?rule=sanming_false_report&subject_id="
                                   f"{textile['project_id']}")["items"]
    assert red and red[0]["level"] == "red"
    kinds = {c["kind"] for c in call(demo_client, "GET", "/sanming/accountability-cases")}
    assert kinds == {"false_report", "non_objective_loss", "moved_out"}
    assert call(demo_client, "GET", "/reports/sanming_summons")["rows"]


def test_park_resources_tax_settlement_and_rewards(demo_client):
    resources = call(demo_client, "GET", "/sanming/park-resources?per_page=50")["items"]
    assert {r["kind"] for r in resources} == {"idle_land", "idle_building", "idle_asset",
                                              "bad_asset", "stalled_project"}
    assert {r["status"] for r in resources} == {"available", "offered", "taken"}
    transferred = call(demo_client, "GET", "/projects?q=石墨烯导热膜")["items"][0]
    settlement = call(demo_client, "GET",
                      f"/sanming/projects/{transferred['id']}/tax-settlements")[0]
    assert Decimal(settlement["from_share"]) == Decimal("0.4")  # negotiated 4:6
    assert settlement["settled_on"] == "2024-01-20"
    run = call(demo_client, "POST", "/rewards", {"from": "2024-01-01", "to": "2024-12-31"}, 201)
    assert {r["rule_code"] for r in run["rewards"]} >= {
        "sanming_gold_advisor", "sanming_gold_lead", "sanming_honorary_citizen",
        "sanming_gold_service_unit"}


@pytest.mark.hard_days
def test_loaded_on_any_day_the_demo_shows_last_months_records_and_nothing_later(sanming,
                                                                                tmp_path, today):
    """Year end, New Year's Day, a leap day …: last month's battle report, the false report of a
    second yearly check as of today, the summons; no record dated after today."""
    app = ready_app(sanming, f"sqlite:///{tmp_path / 'demo.db'}")
    try:
        load_demo(app)
        assert dated_after(app.extensions[EXTENSION].engine, today, utcnow()) == []
        client = ApiClient(app.test_client())
        last_month = (today.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
        total = call(client, "GET", f"/sanming/battle-report?month={last_month}")["rows"][-1]
        assert total["leads_reported"] >= 9 and Decimal(total["signed_count"]) >= 3
        rows = call(client, "GET", "/sanming/rolling-evaluations")  # as of today
        textile = next(r for r in rows if r["name"] == "高端纺织面料生产线项目")
        assert [y["status"] for y in textile["years"]] == ["passed", "false_report", "pending"]
        assert call(client, "GET", "/reports/sanming_summons")["rows"]
    finally:
        app.extensions[EXTENSION].engine.dispose()
