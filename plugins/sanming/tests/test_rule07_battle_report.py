"""Rule 7 — 每月战报、每季联席、年终考核 (Seed 三(四)19): the monthly battle report (rows
and ``.xlsx``) and the three assessment schemes; pre- and post-evaluation of major projects."""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import load_workbook

from plugins.sanming.tests.conftest import (
    advance,
    call,
    new_lead,
    new_project,
    pass_pre_evaluation,
)


def test_the_battle_report_credits_a_month_to_each_unit(client):
    new_lead(client, reporting_unit="mingxi", reported_on="2024-05-06")
    new_lead(client, reporting_unit="mingxi", reported_on="2024-04-30")  # April
    signed = new_project(client, finding_unit="mingxi", amount="120000",
                         attributes={"commissioner": "黄建明", "recognised_key": True})
    call(client, "PATCH", f"/projects/{signed['id']}", {"attributes": {
        "economic_account": {"tax": "900", "jobs": 200}}})
    # A key project needs its pre-evaluation to sign: it is passed here.
    pass_pre_evaluation(client, signed["id"])
    advance(client, signed["id"], "signed", {"signed": "2024-05-20"})
    body = call(client, "GET", "/sanming/battle-report?month=2024-05")
    assert body["month"] == "2024-05"
    assert body["export"] == "/api/v1/reports/sanming_battle.xlsx?month=2024-05"
    rows = {row["unit"]: row for row in body["rows"]}
    mingxi = rows["mingxi"]
    assert mingxi["rank"] == 1
    assert (mingxi["leads_reported"], Decimal(mingxi["lead_points"])) == (1, 1)
    assert Decimal(mingxi["signed_count"]) == 1 and mingxi["key_signed"] == 1
    assert Decimal(mingxi["signed_amount"]) == 120000
    total = body["rows"][-1]
    assert total["unit"] is None and total["unit_name"] == "三明市合计"
    assert Decimal(total["signed_amount"]) == 120000 and total["leads_reported"] == 1


def test_the_battle_report_exports_to_xlsx_with_chinese_headings(client):
    new_lead(client, reporting_unit="youxi", reported_on="2024-05-06")
    response = client.get("/reports/sanming_battle.xlsx?month=2024-05")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    cells = [[cell for cell in row if cell is not None]
             for row in sheet.iter_rows(values_only=True)]
    headings = next(row for row in cells if "排名" in row)
    assert {"单位", "报送线索", "线索积分", "签约金额（万元）", "到位资金（万元）"} <= set(headings)
    assert any("尤溪县" in row for row in cells)
    assert any("三明市合计" in row for row in cells)


def test_a_month_outside_the_campaign_or_malformed_is_refused(client):
    before = client.get("/sanming/battle-report?month=2021-07")
    assert before.status_code == 400
    assert before.json["errors"][0] == {
        "field": "month", "code": "campaign.not_started",
        "message": "攻坚战役自 2021年8月起开展，2021-07 没有战报"}
    assert client.get("/sanming/battle-report?month=2021-08").status_code == 200
    malformed = client.get("/reports/sanming_battle?month=May")
    assert malformed.status_code == 400 and malformed.json["errors"][0]["field"] == "month"


def test_month_quarter_and_year_schemes(client):
    schemes = {s["code"]: s for s in call(client, "GET", "/assessments/schemes")}
    assert {code: s["period"] for code, s in schemes.items() if code.startswith("sanming")} == {
        "sanming_month": "month", "sanming_quarter": "quarter", "sanming_year": "year"}
    assert schemes["sanming_year"]["name"] == "年终考核"
    indicators = {i["code"]: i["metric"] for i in schemes["sanming_year"]["indicators"]}
    assert indicators["lead_points"] == "sanming_lead_points"


def test_key_projects_have_a_pre_and_a_post_evaluation(client):
    forms = {form["code"]: form for form in call(client, "GET", "/evaluation-forms")}
    pre, post = forms["sanming_pre_evaluation"], forms["sanming_post_evaluation"]
    assert (pre["name"], pre["required_before"]) == ("重大招商项目前期评价", "signed")
    assert (post["name"], post["required_before"]) == ("重大招商项目后期评价", None)
    assert [d["name"] for d in pre["dimensions"]][:2] == ["产业链契合度", "经济账（税收贡献、就业带动）"]
    project = new_project(client, amount="150000")
    evaluation = call(client, "POST", f"/projects/{project['id']}/evaluations",
                      {"form": "sanming_post_evaluation", "reviewers": [{"name": "统计局 张三"}]},
                      201)
    assert evaluation["form_code"] == "sanming_post_evaluation"
