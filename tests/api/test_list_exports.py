"""``?format=xlsx`` on every list: the same rows as the JSON with the same filters, all pages,
Chinese headings."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook

from core.api.registry import operations_of
from core.schemas.titles import field_title
from tests.support.records import advance, create_project, lead_body

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def workbook(response):
    assert response.status_code == 200, response.data[:300]
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = load_workbook(io.BytesIO(response.data))
    sheet = book.worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    return rows[0], rows[1:], dict(book["说明"].iter_rows(values_only=True))


def column(headings, rows, heading):
    index = headings.index(heading)
    return [row[index] for row in rows]


def test_leads_export_every_page_of_exactly_the_filtered_rows(client):
    for serial in range(1, 8):
        unit = "west" if serial % 3 == 0 else "east"
        response = client.post("/leads", json=lead_body(serial, reporting_unit=unit),
                               as_=("clerk", unit))
        assert response.status_code == 201, response.json
    query = "/leads?reporting_unit=east&sort=-reported_on&per_page=2"
    json_ids = []
    for page in (1, 2, 3):
        json_ids += [item["id"] for item in client.get(f"{query}&page={page}").json["items"]]
    headings, rows, notes = workbook(client.get(f"{query}&format=xlsx"))
    assert len(json_ids) == 5
    assert column(headings, rows, "编号") == json_ids  # same rows, same order, not one page
    assert set(column(headings, rows, "报送单位")) == {"东区"}  # names, not codes
    assert {"线索名称", "企业名称", "意向投资额（万元）", "状态", "剩余工作日"} <= set(headings)
    assert all(CHINESE.search(heading) for heading in headings), headings
    amounts = column(headings, rows, "意向投资额（万元）")
    assert {str(amount) for amount in amounts} == {"20000"}  # an exact number, not text
    assert "reporting_unit=east" in notes["筛选条件"]
    assert notes["行数"] == 5


def test_projects_export_respects_filters_and_money_stays_exact(client):
    create_project(client, 1, amount="12345.6789")
    signed = create_project(client, 2, amount="50000")
    advance(client, signed["id"], "signed")
    headings, rows, _ = workbook(client.get("/projects?stage=reserve&format=xlsx"))
    assert column(headings, rows, "项目名称") == ["智能装备产业园项目1"]
    [amount] = column(headings, rows, "总投资（万元）")
    assert str(amount) == "12345.6789"


def test_an_unknown_format_is_a_field_problem(client):
    response = client.get("/leads?format=pdf")
    assert response.status_code == 400
    assert response.json["errors"][0]["field"] == "format"


def test_a_list_without_pages_exports_too(client):
    project = create_project(client, 1)
    advance(client, project["id"], "signed")
    headings, rows, _ = workbook(client.get(f"/projects/{project['id']}/transitions?format=xlsx"))
    assert column(headings, rows, "新阶段") == ["在谈", "签约"]


def core_list_operations(app):
    for blueprint in app.blueprints.values():
        for op in operations_of(blueprint):
            if op.export and op.many:  # the ranking writes a workbook of its own
                yield op


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_every_core_list_field_has_a_chinese_heading(app):
    operations = list(core_list_operations(app))
    assert len(operations) > 15
    for op in operations:
        for name, field in op.response().fields.items():
            if field.load_only or not field.metadata.get("export", True):
                continue
            assert CHINESE.search(field_title(name, field)), f"{op.rule}: {name} has no heading"


def test_control_characters_in_the_filters_do_not_break_the_workbook(client):
    create_project(client, 1)
    headings, rows, notes = workbook(client.get("/projects?q=%03项目&format=xlsx"))
    assert "q=项目" in notes["筛选条件"]
