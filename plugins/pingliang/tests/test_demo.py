"""The demo (``zhaoshang demo --city pingliang``): the seed's January–May 2023 figures through
Pingliang's own API, and every rule at work. Loaded as of today, as ``make up`` loads it."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import pytest

from plugins.pingliang.tests.conftest import call
from tests.support.databases import BACKENDS
from tests.support.demo import demo_client_for

TODAY = dt.date.today()


def percent(rate: str) -> Decimal:
    return (Decimal(rate) * 100).quantize(Decimal(1), ROUND_HALF_UP)


@pytest.fixture(scope="module", params=BACKENDS)
def demo_client(request, tmp_path_factory, pingliang):
    yield from demo_client_for(request, tmp_path_factory, pingliang, TODAY)


def test_the_seeds_out_of_province_figures_for_january_to_may_2023(demo_client):
    body = call(demo_client, "GET", "/pingliang/out-of-province?from=2023-01-01&to=2023-05-31")
    outside = body["out_of_province"]
    assert Decimal(outside["signed_count"]) == 157
    assert outside["signed_amount_yi"] == "134.00"
    assert percent(outside["signed_amount_growth"]) == 102
    assert Decimal(outside["started_count"]) == 154 and percent(outside["start_rate"]) == 98
    assert outside["arrived_amount_yi"] == "73.00" and percent(outside["arrival_rate"]) == 54


def test_the_key_list_in_every_colour(demo_client):
    rows = {row["name"]: row for row in call(demo_client, "GET", "/pingliang/key-projects")["items"]}
    assert rows["20万吨聚丙烯高值化项目"]["warning_level"] == "yellow"
    assert rows["30万吨包装纸项目"]["warning_level"] == "red"
    assert rows["高性能粉末冶金磁性材料项目"]["warning_level"] == "blue"
    assert rows["灵台电厂建设项目"]["warning_level"] is None
    magnesium = rows["白云岩开采及金属镁冶炼项目"]
    assert (magnesium["maturing"], magnesium["leader_name"], magnesium["major"]) == (
        True, "市委主要负责人", True)
    maturing = call(demo_client, "GET", "/pingliang/maturing")
    assert [len(row["schedulings"]) for row in maturing] == [2]


def test_four_lists_task_forces_and_shared_information(demo_client):
    for path in ("opportunities", "target-enterprises", "key-projects", "policy-supports"):
        assert call(demo_client, "GET", f"/pingliang/{path}")["total"] >= 3
    forces = call(demo_client, "GET", "/pingliang/task-forces")
    assert len(forces) == 9 and sum(force["key_projects"] for force in forces) == 5
    feed = call(demo_client, "GET", "/pingliang/information")["items"]
    assert any(item["lead_id"] for item in feed)


def test_every_signed_major_project_has_its_leader_team_and_evaluation(demo_client):
    projects = call(demo_client, "GET", "/projects?per_page=500")["items"]
    majors = [p for p in projects if "major" in p["tiers"] and p["signed_on"]]
    assert majors
    for project in majors:
        assert project["leader_name"] and project["attributes"]["service_team"]


def test_last_years_funds_and_summons(demo_client):
    rewards = call(demo_client, "GET", "/rewards?per_page=50")["items"]
    paid = {r["rule_code"]: Decimal(r["amount"]) for r in rewards}
    assert paid == {"pingliang_county_fund": 100, "pingliang_department_fund": 20}
    summoned = call(demo_client, "GET", "/pingliang/summons")
    assert summoned and all(row["rank"] > 1 for row in summoned)
    assert call(demo_client, "GET", f"/pingliang/targets?year={TODAY.year}")
