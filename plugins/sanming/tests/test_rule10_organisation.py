"""Rule 10 — organisation (Seed 三(五)22–23): one command HQ and 8 working groups; a joint
meeting every quarter (party secretary) and a meeting of each working group every month."""

from __future__ import annotations

import pytest

from core.testing.records import row_counts
from plugins.sanming.tests.conftest import call, new_lead


def test_eight_working_groups_under_the_hq(client):
    units = call(client, "GET", "/units?kind=industry_group&per_page=50")["items"]
    assert sorted(unit["name"] for unit in units) == sorted([
        "现代农业招商组", "现代工业招商组", "现代服务业招商组", "文化旅游招商组", "央企省企招商组",
        "外企招商组", "要素保障组", "考核考评组"])
    # A lead is judged by the group of its industry.
    assert new_lead(client, industry="culture_health")["routed_to_unit"] == "wg_tourism"


def test_meetings_and_what_was_missed(client, app, today):
    year = today.year - 1  # a year gone by
    call(client, "POST", "/sanming/meetings", {"kind": "joint", "held_on": f"{year}-03-28",
                                               "chair": "市委书记"}, 201)
    call(client, "POST", "/sanming/meetings", {"kind": "working_group", "group": "wg_agri",
                                               "held_on": f"{year}-01-18", "chair": "分管副市长"}, 201)
    rows = call(client, "GET", f"/reports/sanming_meetings?year={year}")["rows"]
    joint = [r for r in rows if r["body"] == "市领导小组"]
    assert [(r["period_start"], r["held"], r["status"]) for r in joint] == [
        (f"{year}-01-01", 1, "已召开"), (f"{year}-04-01", 0, "未召开"), (f"{year}-07-01", 0, "未召开"),
        (f"{year}-10-01", 0, "未召开")]
    agri = [r for r in rows if r["body"] == "现代农业招商组"]
    assert len(agri) == 12 and agri[0]["status"] == "已召开" and agri[1]["status"] == "未召开"
    before = row_counts(app, "sanming_meetings")
    missing = client.post("/sanming/meetings", json={"kind": "working_group",
                                                      "held_on": f"{year}-02-01", "chair": "副市长"})
    assert missing.status_code == 400 and missing.json["errors"][0]["field"] == "group"
    not_a_group = client.post("/sanming/meetings", json={
        "kind": "working_group", "group": "yongan", "held_on": f"{year}-02-01", "chair": "副市长"})
    assert not_a_group.json["errors"][0]["code"] == "group.not_working_group"
    assert row_counts(app, "sanming_meetings") == before
    listed = call(client, "GET", f"/sanming/meetings?year={year}")
    assert [m["kind"] for m in listed] == ["working_group", "joint"]


@pytest.mark.hard_days
def test_this_years_windows_are_missed_only_once_they_have_ended(client, today):
    """This year (the default): the month and the quarter under way are 期间未结束 even on their
    last day; every one before them without a meeting is 未召开."""
    call(client, "POST", "/sanming/meetings", {"kind": "working_group", "group": "wg_agri",
                                               "held_on": today.isoformat(), "chair": "分管副市长"},
         201)
    rows = call(client, "GET", "/reports/sanming_meetings")["rows"]
    agri = [r["status"] for r in rows if r["body"] == "现代农业招商组"]
    assert agri == ["未召开"] * (today.month - 1) + ["已召开"] + ["期间未结束"] * (12 - today.month)
    quarter = (today.month - 1) // 3
    joint = [r["status"] for r in rows if r["body"] == "市领导小组"]
    assert joint == ["未召开"] * quarter + ["期间未结束"] * (4 - quarter)
    assert {r["period_start"][:4] for r in rows} == {str(today.year)}
