"""Rule 5: the target enterprise library — 三个500强、行业100强、央企、上市公司 from 长三角、
珠三角、环渤海, each with a point-to-point plan (Seed 三(二)3)."""

from __future__ import annotations

from plugins.lanzhou.tests.conftest import call

TARGET = {"name": "宁德时代新能源科技股份有限公司", "category": "上市公司", "region": "长三角",
          "industry": "clean_energy", "responsible_unit": "lz_new_area",
          "approach_plan": "市级领导带队登门拜访，对接储能电池配套"}


def test_the_office_keeps_targets_with_their_approach_plan(client):
    added = call(client, "POST", "/lanzhou/targets", TARGET, 201)
    assert (added["responsible_unit"], added["status_label"]) == ("lz_new_area", "跟踪中")
    call(client, "POST", "/lanzhou/targets", TARGET | {"name": "中国中车", "category": "央企",
                                                       "region": "环渤海"}, 201)
    assert [t["name"] for t in call(client, "GET", "/lanzhou/targets?region=长三角")] == [
        TARGET["name"]]
    moved = call(client, "POST", f"/lanzhou/targets/{added['id']}/status", {"status": "contacted"})
    assert moved["status_label"] == "已对接"
    assert client.post(f"/lanzhou/targets/{added['id']}/status",
                       json={"status": "签约"}).status_code == 400


def test_a_category_or_region_outside_the_configuration_is_refused(client):
    response = client.post("/lanzhou/targets", json=TARGET | {"category": "小微企业",
                                                              "region": "西南"})
    assert response.status_code == 400
    assert {e["field"] for e in response.json["errors"]} == {"category", "region"}
    assert call(client, "GET", "/lanzhou/targets") == []


def test_a_clerk_may_not_change_the_library(client):
    response = client.post("/lanzhou/targets", json=TARGET, as_=("clerk", "lz_new_area"))
    assert response.status_code == 403
