"""The province's comparison, ranking and shared investors as workbooks (issue 24):
``format=xlsx`` on the same operations, the same rows as their JSON, city names, amounts as
numbers in 万元, the 省外 columns and sheet, the period on 说明, text never a formula, and
only the province's readers may export."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from tests.province import test_province as fed
from tests.province.test_province import YEAR, deliver, figures_city, messages
from tests.support.records import advance, create_project, enterprise, lead_body

# The province fed the cities' messages, and two cities (tests/province/test_province.py).
hub, alpha, beta = fed.hub, fed.alpha, fed.beta

FORMULA = '=HYPERLINK("http://x","点我")'
sqlite_only = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def book_of(hub, path):
    response = hub.app.test_client().get(f"/api/v1/province{path}")
    assert response.status_code == 200, response.data[:300]
    assert response.mimetype.endswith("spreadsheetml.sheet")
    return load_workbook(io.BytesIO(response.data))


def table(sheet):
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    return rows[0], [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def number(cell):
    assert isinstance(cell, int | float), cell
    return Decimal(str(cell))


def test_the_comparison_exports_every_city_with_its_out_of_province_figures(hub, alpha, beta):
    figures_city(alpha.client)
    beta.client.post("/leads", json=lead_body(9), as_=("clerk", "east"))
    deliver(hub, messages(alpha) + messages(beta))
    answer = {row["label"]: row for row in hub.get(f"/cities?{YEAR}")["cities"]}
    book = book_of(hub, f"/cities?{YEAR}&format=xlsx")
    assert book.sheetnames == ["各市指标", "省外项目", "说明"]
    headings, rows = table(book["各市指标"])
    assert [row["城市"] for row in rows] == ["甲市", "乙市", "gamma"]
    for heading in ("签约总额（万元）", "省外签约额（万元）", "省外签约额占比", "投资方省份未知的签约项目数",
                    "报送线索数"):
        assert heading in headings
    mine = rows[0]
    assert number(mine["签约总额（万元）"]) == Decimal(answer["甲市"]["signed_amount"])
    assert number(mine["省外签约额（万元）"]) == Decimal("60000")
    assert number(mine["省外签约额占比"]) == Decimal("0.6")
    assert mine["报送线索数"] == 1 and rows[1]["开工率"] is None
    share = book["各市指标"].cell(2, headings.index("省外签约额占比") + 1)
    assert share.number_format == "0.00%"
    _, outside = table(book["省外项目"])
    assert number(outside[0]["签约总额（万元）"]) == Decimal(
        answer["甲市"]["out_of_province"]["signed_amount"])
    notes = dict(book["说明"].iter_rows(values_only=True))
    assert notes["统计期间"] == "2024-01-01 至 2024-12-31" and notes["金额单位"] == "万元"
    assert "省外口径" in notes


def test_the_ranking_exports_in_rank_order_with_the_figure_ranked_on(hub, alpha, beta):
    figures_city(alpha.client)
    other = create_project(beta.client, 1, amount="200000")["id"]
    advance(beta.client, other, "signed")
    deliver(hub, messages(alpha) + messages(beta))
    book = book_of(hub, f"/ranking?{YEAR}&by=start_rate&format=xlsx")
    sheet = book.worksheets[0]
    assert sheet.title == "按开工率排名"
    headings, rows = table(sheet)
    assert [(row["名次"], row["城市"]) for row in rows] == [(1, "甲市"), (2, "乙市"), (None, "gamma")]
    assert [row["排名指标：开工率"] for row in rows][1:] == [0, None]
    assert sheet.cell(2, 3).number_format == "0.00%"
    assert dict(book["说明"].iter_rows(values_only=True))["排名依据"] == "开工率"


@sqlite_only
def test_shared_investors_export_one_row_per_record_and_no_formula(hub, alpha, beta):
    same_code = enterprise(10, name="远大新能源集团有限公司")
    alpha.client.post("/leads", json=lead_body(1, title=FORMULA, enterprise=same_code))
    beta.client.post("/projects", json={
        "name": "远大储能电站", "amount": "30000", "finding_unit": "east",
        "industry": "manufacturing", "enterprise": enterprise(10, name="远大新能源有限公司")})
    deliver(hub, messages(alpha) + messages(beta))
    book = book_of(hub, "/shared-investors?format=xlsx")
    sheet = book["多市洽谈的客商"]
    headings, rows = table(sheet)
    assert [(row["城市"], row["类别"], row["项目或线索名称"]) for row in rows] == [
        ("甲市", "线索", FORMULA), ("乙市", "项目", "远大储能电站")]
    assert rows[0]["统一社会信用代码"] == same_code["credit_code"]
    assert rows[0]["阶段或状态"] == "待研判" and rows[1]["阶段或状态"] == "储备"
    assert number(rows[1]["金额（万元）"]) == Decimal("30000")
    cell = sheet.cell(2, headings.index("项目或线索名称") + 1)
    assert (cell.value, cell.data_type) == (FORMULA, "s")  # text, not a live formula
    assert dict(book["说明"].iter_rows(values_only=True))["最少城市数"] == 2


@sqlite_only
def test_only_the_provinces_readers_may_export(hub, monkeypatch):
    from core.identity import Actor, signed_identity_headers

    monkeypatch.setenv("ZHAOSHANG_GATEWAY_SECRET", "s3cret")
    client = hub.app.test_client()

    def export(path: str, role: str, city: str | None = None) -> int:
        query = "format=xlsx" if path.endswith("investors") else f"{YEAR}&format=xlsx"
        headers = signed_identity_headers("s3cret", Actor(user=f"{role}1", role=role, city=city),
                                          "GET", path, query=query)
        return client.get(f"{path}?{query}", headers=headers).status_code

    for path in ("/api/v1/province/cities", "/api/v1/province/ranking",
                 "/api/v1/province/shared-investors"):
        assert client.get(f"{path}?format=xlsx").status_code == 401  # not through the gateway
        assert export(path, "province") == 200
        assert export(path, "admin") == 200
        assert export(path, "officer", "alpha") == 403
        assert export(path, "leader", "alpha") == 403
