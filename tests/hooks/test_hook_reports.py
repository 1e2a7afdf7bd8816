"""``reports``: a city's named reports as rows and as ``.xlsx`` with Chinese headings."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from core import hookimpl
from core.models import Project
from core.policy import Report
from tests.support.cities import make_city
from tests.support.records import create_project


def projects_by_unit(context, params):
    rows = [{"name": p.name, "unit": p.host_unit.code, "amount": p.amount}
            for p in context.session.query(Project).order_by(Project.id)]
    return [row for row in rows if row["unit"] == params.get("unit", row["unit"])]


class ProjectList:
    @hookimpl
    def reports(self, city):
        return [Report("projects", "项目清单", (("name", "项目名称"), ("amount", "总投资（万元）")),
                       projects_by_unit)]


class Shadow:
    @hookimpl
    def reports(self, city):
        return [Report("projects", "被覆盖的清单", (("name", "名称"),), lambda context, params: [])]


def test_hook_reports_lists_runs_and_exports_a_report(client_for):
    client = client_for(make_city(extra_plugins=[("list", ProjectList()), ("shadow", Shadow())]))
    create_project(client, 1, amount="12000")
    create_project(client, 2, finding_unit="west", amount="8000")
    assert client.get("/reports").json == [{"code": "projects", "name": "项目清单", "columns": [
        {"key": "name", "heading": "项目名称"}, {"key": "amount", "heading": "总投资（万元）"}]}]
    body = client.get("/reports/projects?unit=west").json
    assert body["params"] == {"unit": "west"}
    assert body["rows"] == [{"name": "智能装备产业园项目2", "amount": "8000.0000"}]
    export = client.get("/reports/projects.xlsx")
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.data)).worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["项目名称", "总投资（万元）"]
    assert [row[0] for row in rows[1:]] == ["智能装备产业园项目1", "智能装备产业园项目2"]
    assert sheet.title == "项目清单"
    missing = client.get("/reports/nope")
    assert missing.status_code == 404
    assert client.get("/reports/nope.xlsx").status_code == 404


def test_hook_reports_routes_document_the_report_code_as_text(client_for):
    client = client_for(make_city(extra_plugins=[("list", ProjectList())]))
    paths = client.get("/openapi.json").json["paths"]
    for path in ("/api/v1/reports/{code}", "/api/v1/reports/{code}.xlsx"):
        [parameter] = paths[path]["get"]["parameters"]
        assert (parameter["name"], parameter["schema"]) == ("code", {"type": "string"})
    [run_id] = paths["/api/v1/assessments/runs/{run_id}"]["get"]["parameters"]
    assert run_id["schema"] == {"type": "integer"}
