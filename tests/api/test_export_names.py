"""Exports people can use (issue 24): names where the API answers codes, the city's own fields
as labelled columns, widths by content, a frozen heading row, amounts as numbers, and text that
a spreadsheet would run as a formula stored as text."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from core import hookimpl
from core.xlsx import formula_like, table_workbook, text_width
from tests.support.cities import make_city
from tests.support.records import advance, create_project, lead_body

FORMULA = '=HYPERLINK("http://x","点我")'


class CityFields:
    @hookimpl
    def field_labels(self, city):
        return {"attributes.park_name": "所在园区", "attributes.jobs": "新增就业人数"}


@pytest.fixture
def city():
    return make_city(extra_plugins=[("test_export_fields", CityFields())])


def sheet_of(response):
    assert response.status_code == 200, response.data[:300]
    return load_workbook(io.BytesIO(response.data)).worksheets[0]


def table(sheet):
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    return rows[0], [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_a_lead_named_like_a_formula_exports_as_text(client):
    response = client.post("/leads", json=lead_body(1, title=FORMULA))
    assert response.status_code == 201, response.json
    sheet = sheet_of(client.get("/leads?format=xlsx"))
    headings, _ = table(sheet)
    cell = sheet.cell(2, headings.index("线索名称") + 1)
    assert cell.value == FORMULA
    assert cell.data_type == "s"  # a string cell: no formula in the file
    assert cell.quotePrefix


@pytest.mark.parametrize("text", ["=1+1", "+86 139", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_every_formula_start_is_written_as_text(text):
    assert formula_like(text)
    book = load_workbook(io.BytesIO(table_workbook("表", ["名称"], [[text]])))
    cell = book.worksheets[0].cell(2, 1)
    # XML reads a carriage return back as a line feed; the cell is text either way.
    assert (cell.value, cell.data_type) == (text.replace("\r", "\n"), "s")


def test_the_lead_export_shows_names_not_codes(client):
    response = client.post("/leads", json=lead_body(1, channel="fair", industry="manufacturing",
                                                    reporting_unit="east"))
    assert response.status_code == 201, response.json
    sheet = sheet_of(client.get("/leads?format=xlsx"))
    headings, [row] = table(sheet)
    assert (row["招商方式"], row["产业"], row["报送单位"], row["状态"]) == (
        "节会推介招", "先进制造", "东区", "待研判")
    assert not {"状态代码", "招商方式名称", "版本"} & set(headings)
    cells = {value for value in row.values() if isinstance(value, str)}
    assert not {"fair", "manufacturing", "east", "reported"} & cells
    assert isinstance(row["意向投资额（万元）"], int | float)  # a number, not text
    assert sheet.freeze_panes == "A2"
    # The column widths follow the longest value or heading, CJK counted double.
    title_column = sheet.cell(1, headings.index("线索名称") + 1).column_letter
    assert sheet.column_dimensions[title_column].width == text_width(row["线索名称"]) + 2


def test_the_project_export_names_units_stages_and_the_citys_own_fields(client):
    project = create_project(client, 1, host_unit="park",
                             attributes={"park_name": "兰州新区", "jobs": 120})
    advance(client, project["id"], "signed")
    sheet = sheet_of(client.get("/projects?format=xlsx"))
    headings, [row] = table(sheet)
    assert (row["阶段"], row["招商单位"], row["落户单位"], row["产业"]) == (
        "签约", "东区", "高新区", "先进制造")
    assert (row["所在园区"], row["新增就业人数"]) == ("兰州新区", 120)
    assert "本市字段" not in headings
    assert isinstance(row["总投资（万元）"], int | float)
    assert all(sheet.column_dimensions[sheet.cell(1, index).column_letter].width <= 60
               for index in range(1, len(headings) + 1))


def test_a_lead_and_a_project_show_their_introducers_name_not_its_number(client):
    response = client.post("/intermediaries", json={"name": "联创招商顾问", "kind": "advisor",
                                                    "phone": "13909317777"})
    assert response.status_code == 201, response.json
    introducer = response.json["id"]
    lead = client.post("/leads", json=lead_body(1, intermediary_id=introducer))
    assert lead.status_code == 201, lead.json
    assert lead.json["intermediary_name"] == "联创招商顾问"
    introduced = create_project(client, 1, intermediary_id=introducer)["name"]
    alone = create_project(client, 2)["name"]  # introduced by nobody: an empty cell
    listed = {item["name"]: item["intermediary_name"]
              for item in client.get("/projects").json["items"]}
    assert listed == {introduced: "联创招商顾问", alone: None}

    headings, [row] = table(sheet_of(client.get("/leads?format=xlsx")))
    assert "引荐人编号" not in headings and row["引荐人"] == "联创招商顾问"
    headings, rows = table(sheet_of(client.get("/projects?format=xlsx")))
    assert "引荐人编号" not in headings
    assert {row["项目名称"]: row["引荐人"] for row in rows} == listed
