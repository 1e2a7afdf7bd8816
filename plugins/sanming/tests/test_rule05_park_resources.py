"""Rule 5 — park resources (Seed 三(二)7): idle land, idle buildings, idle assets, bad assets
and stalled projects, inventoried per park, offered to investors and taken by projects."""

from __future__ import annotations

import pytest

from core.testing.records import row_counts
from plugins.sanming.tests.conftest import call, new_project

LAND = {"park": "sm_hitech", "kind": "idle_land", "name": "金沙园闲置工业用地", "area": "86",
        "area_unit": "亩", "reference_price": "3440"}


def test_inventory_filter_offer_and_take(client):
    land = call(client, "POST", "/sanming/park-resources", LAND, 201)
    assert (land["kind_label"], land["status"], land["area"]) == ("闲置土地", "available", "86.00")
    call(client, "POST", "/sanming/park-resources", {
        "park": "sm_etdz", "kind": "stalled_project", "name": "烂尾商业综合体"}, 201)
    call(client, "POST", "/sanming/park-resources", {
        "park": "sm_hitech", "kind": "idle_building", "name": "标准厂房 3 号楼", "area": "12000",
        "area_unit": "平方米"}, 201)
    hitech = call(client, "GET", "/sanming/park-resources?park=sm_hitech")
    assert hitech["total"] == 2
    stalled = call(client, "GET", "/sanming/park-resources?kind=stalled_project")
    assert [r["name"] for r in stalled["items"]] == ["烂尾商业综合体"]
    offered = call(client, "POST", f"/sanming/park-resources/{land['id']}/offer",
                   {"offered_to": "厦门瑞丰新能源有限公司", "offered_on": "2024-05-01"})
    assert offered["status"] == "offered"
    project = new_project(client, finding_unit="sm_hitech")
    taken = call(client, "POST", f"/sanming/park-resources/{land['id']}/take",
                 {"project_id": project["id"], "taken_on": "2024-06-01"})
    assert (taken["status"], taken["project_id"]) == ("taken", project["id"])
    again = call(client, "POST", f"/sanming/park-resources/{land['id']}/offer",
                 {"offered_to": "另一投资方"}, 409)
    assert again["refusals"][0]["rule"] == "sanming.resource.taken"
    assert [r["name"] for r in call(client, "GET",
                                    "/sanming/park-resources?status=available")["items"]] == [
        "烂尾商业综合体", "标准厂房 3 号楼"]
    summary = {(r["park"], r["kind"]): r for r in call(client, "GET",
                                                       "/sanming/park-resources/summary")}
    assert summary[("sm_hitech", "idle_land")]["taken"] == 1
    report = call(client, "GET", "/reports/sanming_park_resources")
    assert {row["kind_label"] for row in report["rows"]} == {"闲置土地", "闲置厂房", "烂尾项目"}


@pytest.mark.parametrize(("body", "status", "field", "code"), [
    (LAND | {"park": "yongan"}, 400, "park", "park.not_a_park"),
    (LAND | {"kind": "spare_office"}, 400, "kind", "invalid"),
    (LAND | {"area_unit": None}, 400, "area_unit", "area.unit"),
    (LAND | {"reference_price": " 3440.5 "}, 400, "reference_price", "money.format"),
])
def test_bad_resources_write_nothing(client, app, body, status, field, code):
    before = row_counts(app, "sanming_park_resources")
    response = client.post("/sanming/park-resources", json=body)
    assert response.status_code == status
    assert (response.json["errors"][0]["field"], response.json["errors"][0]["code"]) == (
        field, code)
    assert row_counts(app, "sanming_park_resources") == before


def test_a_park_clerk_keeps_only_its_own_inventory(client):
    call(client, "POST", "/sanming/park-resources", LAND, 201, as_=("clerk", "sm_hitech"))
    other = client.post("/sanming/park-resources", json=LAND, as_=("clerk", "sm_etdz"))
    assert other.status_code == 403
