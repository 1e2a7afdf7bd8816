"""Rule 4: plus and minus points; monthly statistics, quarterly evaluation, annual assessment;
100万元 to the top county and 20万元 to the top department; the bottom summoned (约谈)."""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import load_workbook

from core.clock import travel
from plugins.pingliang.tests.conftest import (
    advance,
    call,
    investor,
    list_project,
    new_project,
    own,
)


def _season(client):
    """Q1 2024: 崆峒区 signs 5亿元 and is commended (+3), 静宁县 signs a 12亿元 major project,
    庄浪县's list project runs red, 商务局 finds a project that lands in 崆峒区."""
    kongtong = new_project(client, finding_unit="kongtong", amount="50000",
                           agreement_amount="50000")
    advance(client, kongtong["id"], "signed", {"signed": "2024-02-10"})
    major = new_project(client, finding_unit="jingning", amount="120000",
                        agreement_amount="120000")
    own(client, major["id"])
    advance(client, major["id"], "signed", {"signed": "2024-03-05"})
    lagging = new_project(client, finding_unit="zhuanglang")
    list_project(client, lagging["id"])
    call(client, "PUT", f"/projects/{lagging['id']}/milestones",
         {"kind": "start", "planned_on": "2024-01-01"})
    with travel("2024-03-10T10:00:00+08:00"):  # the daily run of that day: red since 03-02
        call(client, "POST", "/warnings/recompute", {})
    found = call(client, "POST", "/projects", {
        "name": "红牛肉食品精深加工项目", "enterprise": investor(), "industry": "red_cattle",
        "amount": "30000", "agreement_amount": "30000", "finding_unit": "dept_commerce",
        "host_unit": "kongtong"}, 201)
    advance(client, found["id"], "signed", {"signed": "2024-03-20"})
    call(client, "POST", "/pingliang/points", {
        "unit": "kongtong", "occurred_on": "2024-03-15", "points": "3",
        "reason": "成功举办招商推介会，通报表扬"}, 201)


def _run(client, scheme, period):
    run = call(client, "POST", "/assessments/runs", {"scheme": scheme, "period": period}, 201)
    call(client, "POST", f"/assessments/runs/{run['id']}/publish", {})
    rows = call(client, "GET", f"/assessments/runs/{run['id']}/ranking")["rows"]
    return {row["unit"]: row for row in rows}


def test_points_are_the_offices_and_readable(client):
    response = client.post("/pingliang/points", json={
        "unit": "kongtong", "points": "3", "reason": "自评加分"}, as_=("clerk", "kongtong"))
    assert response.status_code == 403
    response = client.post("/pingliang/points", json={"unit": "kongtong", "points": "0",
                                                      "reason": "无理由加分"})
    assert response.status_code == 400 and response.json["errors"][0]["field"] == "points"
    response = client.post("/pingliang/points", json={"unit": "kongtong", "points": "150",
                                                      "reason": "超出范围的加分"})
    assert response.status_code == 400 and response.json["errors"][0]["code"] == "points.range"
    call(client, "POST", "/pingliang/points", {"unit": "zhuanglang", "points": "-2",
                                               "occurred_on": "2024-02-01",
                                               "reason": "信息报送不及时"}, 201)
    rows = call(client, "GET", "/pingliang/points?unit=zhuanglang&from=2024-01-01&to=2024-12-31")
    assert [(r["points"], r["unit_name"]) for r in rows] == [("-2.00", "庄浪县")]


def test_the_quarterly_evaluation_adds_and_deducts_points(client):
    _season(client)
    schemes = {s["code"] for s in call(client, "GET", "/assessments/schemes")}
    assert schemes == {"pingliang_county_quarter", "pingliang_county_year",
                       "pingliang_department_quarter", "pingliang_department_year"}
    rows = _run(client, "pingliang_county_quarter", "2024-Q1")
    assert "dept_commerce" not in rows  # departments are ranked apart
    sources = {unit: {a["source"].split(":")[0]: Decimal(a["points"]) for a in row["adjustments"]}
               for unit, row in rows.items()}
    assert sources["kongtong"] == {"pingliang_points": 3}
    assert sources["jingning"] == {"pingliang_major": 2}  # 正向加分: a major project
    assert sources["zhuanglang"] == {"pingliang_red_warning": -1}  # 反向扣分: red warning
    assert rows["kongtong"]["rank"] < rows["zhuanglang"]["rank"]


def test_top_county_and_department_get_promotion_funds_and_the_bottom_is_summoned(client):
    _season(client)
    counties = _run(client, "pingliang_county_year", "2024")
    departments = _run(client, "pingliang_department_year", "2024")
    top_county = next(unit for unit, row in counties.items() if row["rank"] == 1)
    assert departments["dept_commerce"]["rank"] == 1  # its 30% credit of the landed project
    run = call(client, "POST", "/rewards", {"from": "2024-01-01", "to": "2024-12-31"}, 201)
    paid = {(r["rule_code"], r["recipient_name"]): r["amount"] for r in run["rewards"]}
    assert paid == {("pingliang_county_fund", counties[top_county]["unit_name"]): "100.0000",
                    ("pingliang_department_fund", "平凉市商务局"): "20.0000"}
    summoned = call(client, "GET", "/pingliang/summons")
    worst = max(row["rank"] for row in counties.values())
    county_rows = [row for row in summoned if row["unit"] in counties]
    assert county_rows and {row["rank"] for row in county_rows} == {worst}
    assert all("约谈问责" in row["reason"] for row in summoned)
    assert all(row["unit"] != "dept_commerce" for row in summoned)


def test_monthly_statistics_per_unit_and_exported(client):
    _season(client)
    body = call(client, "GET", "/pingliang/monthly-statistics?month=2024-03")
    rows = {row["unit"]: row for row in body["rows"]}
    assert rows["jingning"]["signed_amount"] == "120000.0000"
    assert Decimal(rows["kongtong"]["points"]) == 3
    # 商务局 found, 崆峒区 hosts: 3:7 of 30000 万元.
    assert rows["dept_commerce"]["signed_amount"] == "9000.0000"
    assert rows["kongtong"]["signed_amount"] == "21000.0000"
    assert rows[""]["unit_name"] == "全市合计" and rows[""]["signed_amount"] == "150000.0000"
    response = client.get("/reports/pingliang_monthly_statistics.xlsx?month=2024-03")
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert [cell.value for cell in sheet[1]][:4] == ["月份", "单位", "签约项目数", "签约额（万元）"]
    assert client.get("/pingliang/monthly-statistics?month=2024-13").status_code == 400


def test_monthly_statistics_default_to_the_month_under_way(client):
    """Without a month (the page first opened) the statistics are the city's current month's."""
    _season(client)
    with travel("2024-03-20T10:00:00+08:00"):
        body = call(client, "GET", "/pingliang/monthly-statistics")
        report = call(client, "GET", "/reports/pingliang_monthly_statistics")
    assert body["month"] == "2024-03"
    assert body["rows"] == call(client, "GET", "/pingliang/monthly-statistics?month=2024-03")["rows"]
    assert {row["month"] for row in report["rows"]} == {"2024-03"}
