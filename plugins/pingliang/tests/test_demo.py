"""The demo (``zhaoshang demo --city pingliang``): the seed's January–May 2023 figures through
Pingliang's own API, and every rule at work. Loaded as of today, as ``make up`` loads it; the
rules' records, dated relative to that day, are loaded on each of the hard days too."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import pytest

from core.api.support import EXTENSION
from core.clock import CHINA, utcnow
from core.demo import load_demo_data
from core.testing.cities import ready_app
from core.testing.databases import BACKENDS
from core.testing.demo import dated_after, demo_client_for
from core.testing.http import ApiClient
from plugins.pingliang import demo as pingliang_demo
from plugins.pingliang.tests.conftest import call


def percent(rate: str) -> Decimal:
    return (Decimal(rate) * 100).quantize(Decimal(1), ROUND_HALF_UP)


@pytest.fixture(scope="module", params=BACKENDS)
def demo_client(request, tmp_path_factory, pingliang):
    # The clock's day, as ``make up`` loads it (the module's tests all run on that day).
    yield from demo_client_for(request, tmp_path_factory, pingliang, CHINA.today())


def test_the_seeds_out_of_province_figures_for_january_to_may_2023(demo_client):
    body = call(demo_client, "GET", "/pingliang/out-of-province?from=2023-01-01&to=2023-05-31")
    outside = body["out_of_province"]
    assert Decimal(outside["signed_count"]) == 157
    assert outside["signed_amount_yi"] == "134.00"
    assert percent(outside["signed_amount_growth"]) == 102
    assert Decimal(outside["started_count"]) == 154 and percent(outside["start_rate"]) == 98
    assert outside["arrived_amount_yi"] == "73.00" and percent(outside["arrival_rate"]) == 54


def test_the_key_list_in_every_colour(demo_client):
    assert_the_key_list_in_every_colour(demo_client)


def assert_the_key_list_in_every_colour(demo_client):
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


def test_the_agency_service_one_request_on_time_and_one_overdue(demo_client):
    """帮办代办: the 金属镁 project's approval closed on time, its power connection overdue."""
    rows = call(demo_client, "GET", "/pingliang/service-requests")["items"]
    assert [(r["unit"], r["status"], r["on_time"], r["overdue"]) for r in rows] == [
        ("dept_development", "completed", True, False),
        ("dept_industry", "accepted", False, True)]
    project_id = rows[0]["project_id"]
    warnings = call(demo_client, "GET", f"/warnings?subject_type=project&subject_id={project_id}"
                                        "&rule=pingliang_service_overdue")["items"]
    assert [(w["level"], w["unit"]) for w in warnings] == [("overdue", "dept_industry")]


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
    assert_last_years_funds_and_summons(demo_client)


def assert_last_years_funds_and_summons(demo_client):
    rewards = call(demo_client, "GET", "/rewards?per_page=50")["items"]
    paid = {r["rule_code"]: Decimal(r["amount"]) for r in rewards}
    assert paid == {"pingliang_county_fund": 100, "pingliang_department_fund": 20}
    summoned = call(demo_client, "GET", "/pingliang/summons")
    assert summoned and all(row["rank"] > 1 for row in summoned)
    assert call(demo_client, "GET", f"/pingliang/targets?year={CHINA.today().year}")


def test_last_years_assessment_deducts_for_the_red_key_project(demo_client):
    """The demo computes its assessments after writing its projects, whose warnings are judged
    once, at the end (core.demo): the run judges them first, so the red key project's warning
    costs its county its point (反向扣分), as it would in an office's run."""
    runs = call(demo_client, "GET", "/assessments/runs?per_page=50")["items"]
    [county_year] = [run for run in runs if run["scheme_code"] == "pingliang_county_year"]
    rows = call(demo_client, "GET", f"/assessments/runs/{county_year['id']}/ranking")["rows"]
    deducted = [(row["unit"], Decimal(item["points"])) for row in rows
                for item in row["adjustments"] if item["source"].startswith("pingliang_red_warning:")
                and "30万吨包装纸项目" in item["reason"]]
    assert deducted == [("jingchuan", Decimal(-1))]


@pytest.mark.hard_days
def test_the_rules_records_are_dated_on_the_days_they_are_loaded(pingliang, tmp_path, monkeypatch,
                                                                today):
    """Loaded on year end, New Year's Day, a leap day …: the rules' records (without the seed's
    fixed 2022–2023 figures, the slow part) show the same colours, scheduling, funds and summons,
    and none is dated after the day (only plans and deadlines may be)."""
    monkeypatch.setattr(pingliang_demo, "load_2022_figures", lambda demo: None)
    monkeypatch.setattr(pingliang_demo, "load_2023_figures", lambda demo: None)
    app = ready_app(pingliang, f"sqlite:///{tmp_path / 'demo.db'}")
    runtime = app.extensions[EXTENSION]
    try:
        load_demo_data(runtime)
        assert dated_after(runtime.engine, today, utcnow()) == []
        client = ApiClient(app.test_client())
        assert_the_key_list_in_every_colour(client)
        [magnesium] = call(client, "GET", "/pingliang/maturing")
        # Scheduled 32 and 12 days before the day (every 15 days): not due yet.
        assert [row["scheduled_on"] for row in magnesium["schedulings"]] == [
            (today - dt.timedelta(days=days)).isoformat() for days in (12, 32)]
        assert magnesium["due"] is False
        assert_last_years_funds_and_summons(client)
    finally:
        runtime.engine.dispose()
