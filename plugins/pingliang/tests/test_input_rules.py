"""Pingliang's own input (core.input_rules through the toolkit): a month outside 1900–2100 is a
field problem, never a 500; a search word's % and _ match themselves; a name holds no
invisible character."""

from __future__ import annotations

import pytest

from core.testing.http import call


@pytest.mark.parametrize("month", ["0000-01", "9999-12", "2026-13", "2026-6"])
def test_a_month_no_city_has_is_a_field_problem(client, month):
    for path in (f"/pingliang/monthly-statistics?month={month}",
                 f"/reports/pingliang_monthly_statistics?month={month}"):
        response = client.get(path)
        assert response.status_code == 400, response.json
        [error] = response.json["errors"]
        assert error["field"] == "month" and "月" in error["message"]


def test_percent_in_a_search_of_shared_information_is_literal(client):
    for title in ("产能利用率90%以上企业", "光伏组件企业拟在西北布局"):
        call(client, "POST", "/pingliang/information", {
            "title": title, "content": "关注绿电和用地", "unit": "kongtong"}, 201,
            as_=("clerk", "kongtong"))
    feed = call(client, "GET", "/pingliang/information?q=%25", as_=("clerk", "chongxin"))
    assert [row["title"] for row in feed["items"]] == ["产能利用率90%以上企业"]
    assert call(client, "GET", "/pingliang/information?q=_", as_=("clerk", "chongxin"))[
        "items"] == []


def test_a_shared_information_title_refuses_a_right_to_left_override(client):
    response = client.post("/pingliang/information", json={
        "title": "光伏\u202e企业", "content": "关注绿电", "unit": "kongtong"},
        as_=("clerk", "kongtong"))
    assert response.status_code == 400
    assert response.json["errors"][0]["field"] == "title"
    assert response.json["errors"][0]["code"] == "name.bidi"
