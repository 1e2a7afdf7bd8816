"""Rule 3: reserve projects at business-plan depth, counted against 100 a year (Seed 三(二)2)."""

from __future__ import annotations

from plugins.lanzhou.tests.conftest import call, new_project

PLAN = {"reached_on": "2024-05-10", "document": "商业计划书（数控机床）"}


def test_the_count_of_the_year_against_the_target_of_100(client):
    reached = [new_project(client, attributes={"business_plan": PLAN | {"document": f"计划书{i}"}})
               for i in range(3)]
    new_project(client, attributes={"business_plan": PLAN | {"reached_on": "2023-12-30"}})
    new_project(client)  # still being worked out: no business plan yet
    report = call(client, "GET", "/lanzhou/reserve-depth?year=2024")
    assert (report["target"], report["count"], report["shortfall"], report["met"]) == (
        100, 3, 97, False)
    assert {p["id"] for p in report["projects"]} == {p["id"] for p in reached}
    # The unit's name beside its code: the page shows the name (issue 25).
    assert report["by_unit"] == [{"unit": "chengguan", "unit_name": "城关区", "count": 3}]
    assert {p["unit_name"] for p in report["projects"]} == {"城关区"}


def test_the_flag_is_recorded_on_the_project_and_checked(client):
    project = new_project(client)
    call(client, "PATCH", f"/projects/{project['id']}", {"attributes": {"business_plan": PLAN}})
    assert call(client, "GET", "/lanzhou/reserve-depth?year=2024")["count"] == 1
    bad = client.patch(f"/projects/{project['id']}",
                       json={"attributes": {"business_plan": {"reached_on": "五月"}}})
    assert bad.status_code == 422
    fields = {e["field"] for e in bad.json["errors"]}
    assert fields == {"attributes.business_plan.reached_on", "attributes.business_plan.document"}
    assert call(client, "GET", f"/projects/{project['id']}")["attributes"]["business_plan"] == PLAN
