"""The leader's dashboard as one workbook (issue 24): ``GET /stats.xlsx`` writes each chart's
table — the total, by month, unit, industry and channel — from the same figures ``/stats``
answers, with names not codes, amounts as numbers in 万元, and the period on 说明."""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import load_workbook

from core.figure_sheets import FIGURE_COLUMNS, GROUPINGS, RATIO
from tests.support.records import figures_projects

YEAR = "from=2024-01-01&to=2024-12-31"


def read(response):
    assert response.status_code == 200, response.data[:300]
    assert response.mimetype.endswith("spreadsheetml.sheet")
    return load_workbook(io.BytesIO(response.data))


def rows_of(sheet):
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    return rows[0], rows[1:]


def same(cell, figure):
    """A cell equals the API's figure: both absent, or the same number (openpyxl reads a
    number back as int or float; the file holds the exact decimal)."""
    if figure is None:
        return cell is None
    return isinstance(cell, int | float) and Decimal(str(cell)) == Decimal(figure)


def test_every_chart_of_the_dashboard_is_a_sheet_with_the_apis_figures(client):
    figures_projects(client)
    book = read(client.get(f"/stats.xlsx?{YEAR}"))
    assert book.sheetnames == ["合计", *GROUPINGS.values(), "说明"]
    headings, [total] = rows_of(book["合计"])
    assert headings[1:] == [column.heading for column in FIGURE_COLUMNS]
    assert "签约总额（万元）" in headings and "到位资金·已核实（万元）" in headings
    answer = client.get(f"/stats?{YEAR}").json["total"]
    for column, cell in zip(FIGURE_COLUMNS, total[1:], strict=True):
        assert same(cell, answer[column.key]), column.key
    assert (total[1], total[2]) == (2, 100000)  # a count, an amount: numbers, not text
    for by, title in GROUPINGS.items():
        groups = client.get(f"/stats?{YEAR}&group_by={by}").json["groups"]
        headings, rows = rows_of(book[title])
        assert headings[0] == title.removeprefix("按")
        by_name = {row[0]: row for row in rows}
        assert len(by_name) == len(groups), by
        for group in groups:
            row = by_name[group["label"] or group["key"] or "未分类"]
            for column, cell in zip(FIGURE_COLUMNS, row[1:], strict=True):
                assert same(cell, group[column.key]), (by, group["key"], column.key)
    # Names as the page shows them, never codes.
    units = [row[0] for row in rows_of(book["按单位"])[1]]
    assert {"东区", "西县"} <= set(units) and "east" not in units
    industries = [row[0] for row in rows_of(book["按产业"])[1]]
    assert "manufacturing" not in industries and industries
    # The months in time order; the units by signed amount, largest first.
    months = [row[0] for row in rows_of(book["按月"])[1]]
    assert months == sorted(months)
    amounts = [row[2] for row in rows_of(book["按单位"])[1]]
    assert amounts == sorted(amounts, reverse=True)


def test_ratios_stay_exact_numbers_shown_as_percentages_and_the_period_is_on_notes(client):
    figures_projects(client)
    book = read(client.get(f"/stats.xlsx?{YEAR}&out_of_province=true"))
    sheet = book["合计"]
    headings = [cell.value for cell in sheet[1]]
    rate = sheet.cell(2, headings.index("开工率") + 1)
    assert (Decimal(str(rate.value)), rate.number_format) == (Decimal("1"), "0.00%")
    for column in FIGURE_COLUMNS:
        if column.kind == RATIO:
            assert sheet.cell(2, headings.index(column.heading) + 1).number_format == "0.00%"
    assert sheet.freeze_panes == "A2"
    notes = dict(book["说明"].iter_rows(values_only=True))
    assert notes["统计期间"] == "2024-01-01 至 2024-12-31"
    assert notes["项目范围"] == "省外项目" and notes["金额单位"] == "万元"
    assert notes["投资方省份未知的签约项目"].startswith("0 个")
    # Only the out-of-province project of 2024 (广东省, 60000) is counted.
    assert sheet.cell(2, headings.index("签约总额（万元）") + 1).value == 60000


def test_a_period_ending_before_it_starts_is_refused_as_for_stats(client):
    response = client.get("/stats.xlsx?from=2024-12-31&to=2024-01-01")
    assert response.status_code == 400
    assert response.json["errors"][0]["code"] == "range.order"
