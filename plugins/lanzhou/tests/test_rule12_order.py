"""Rule 12: order — the ecological industries and platforms (see test_settings), major projects
watched on 履约率、开工率、资金到位率 (Seed 三(四)3), and one city-level promotion out of town
a month (Seed 三(六)3)."""

from __future__ import annotations

import pytest

from core.testing.records import add_funds
from plugins.lanzhou.tests.conftest import call, signed_project


@pytest.mark.hard_days
def test_a_month_without_a_promotion_is_shown_short(client, today):
    last_year = today.year - 1
    for month in (1, 3):
        call(client, "POST", "/lanzhou/promotions", {
            "held_on": f"{last_year}-{month:02d}-16", "place": "上海", "theme": "兰州市专题招商推介会"},
            201)
    calendar = call(client, "GET", f"/lanzhou/promotions?year={last_year}")
    months = {m["month"]: m for m in calendar["months"]}
    assert (months[f"{last_year}-01"]["held"], months[f"{last_year}-01"]["short"]) == (1, False)
    assert (months[f"{last_year}-02"]["held"], months[f"{last_year}-02"]["short"]) == (0, True)
    assert calendar["short_months"] == [f"{last_year}-{month:02d}" for month in range(1, 13)
                                        if month not in (1, 3)]  # a year gone by: every month
    assert [e["organiser_unit"] for e in calendar["events"]] == ["office", "office"]
    # This year (the default): this month, promotion or not, and the months to come are not
    # short yet; every month before it without one is.
    call(client, "POST", "/lanzhou/promotions", {
        "held_on": today.isoformat(), "place": "深圳", "theme": "兰州市专题招商推介会"}, 201)
    calendar = call(client, "GET", "/lanzhou/promotions")
    assert calendar["year"] == today.year
    assert calendar["short_months"] == [f"{today.year}-{month:02d}"
                                        for month in range(1, today.month)]
    this_month = calendar["months"][today.month - 1]
    assert (this_month["month"], this_month["held"], this_month["short"]) == (
        f"{today.year}-{today.month:02d}", 1, False)


def test_major_projects_are_watched_on_fulfilment_start_and_arrival(client):
    project = signed_project(client, amount="100000", attributes={"team": "一企一策项目团队"})
    add_funds(client, project["id"], "25000", "2024-06-01")
    signed_project(client, amount="30000")  # not major: not listed
    report = call(client, "GET", "/reports/lanzhou_major_projects")
    [row, total] = report["rows"]
    assert (row["team"], row["arrival_rate"], row["started"]) == ("一企一策项目团队", "0.2500", "否")
    assert total["name"] == "合计：履约率 1.0000，开工率 0.0000"


def test_the_city_profile_shows_the_ecological_industries_and_platforms(client):
    profile = call(client, "GET", "/city")["extensions"]["lanzhou"]
    assert len(profile["ecological_industries"]) == 10 and "数据信息" in profile["ecological_industries"]
    assert "兰州新区" in profile["platforms"] and "兰白自创区" in profile["platforms"]
    assert (profile["merit_cap"], profile["reserve_business_plan_target"]) == ("40", 100)
