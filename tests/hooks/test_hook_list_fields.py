"""``list_fields``: a city's own field that holds a list is one cell of a ledger, its items
separated by 、 (or a comma), and the export writes it back the same way (docs/hooks.md)."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from core import hookimpl
from core.gates import list_fields
from core.ledger_import.layout import FUNDS, MILESTONES, sheets_of
from core.testing.http import ApiClient
from tests.support.cities import make_city
from tests.support.ledgers import child_rows, project_rows, workbook
from tests.support.records import row_counts

TEAM = "attributes.team"


class Team:
    @hookimpl
    def field_labels(self, city):
        return {TEAM: "服务专班", "attributes.note": "备注"}

    @hookimpl
    def list_fields(self, city):
        return [TEAM]

    @hookimpl
    def validate_project(self, city, data, project, session):
        from core.toolkit import FieldProblem

        team = (data.get("attributes") or {}).get("team")
        if team is not None and not isinstance(team, list):
            return [FieldProblem(TEAM, "team.invalid", "服务专班应为姓名列表")]
        return None


def ledger(city, rows):
    funds, milestones = child_rows(rows)
    main = sheets_of(city, "projects")[0]
    return workbook([(main.title, [c.heading for c in main.columns], rows),
                     (FUNDS.title, [c.heading for c in FUNDS.columns], funds),
                     (MILESTONES.title, [c.heading for c in MILESTONES.columns], milestones)])


def upload(client, content, name="台账.xlsx"):
    response = client.post("/imports?kind=projects&dry_run=false",
                           data={"file": (io.BytesIO(content), name)},
                           content_type="multipart/form-data")
    assert response.status_code == 200, response.json
    return response.json


def test_hook_list_fields_are_collected_and_only_named_fields_are_lists():
    city = make_city(extra_plugins=[("team", Team())])
    assert list_fields(city) == {TEAM}
    assert list_fields(make_city()) == frozenset()
    columns = {c.field: c.value for c in sheets_of(city, "projects")[0].columns}
    assert (columns[TEAM], columns["attributes.note"]) == ("list", "attribute")


def test_hook_list_fields_a_cell_is_split_and_the_export_reads_back_the_same(app_for):
    city = make_city(extra_plugins=[("team", Team())])
    app = app_for(city)
    client = ApiClient(app.test_client())
    rows = project_rows(1)
    rows[0] |= {"服务专班": "张三、李四，王五, 赵六", "备注": "甲、乙"}
    result = upload(client, ledger(city, rows))
    assert result["problems"] == [] and result["created"] == 1
    project = client.get("/projects?per_page=5").json["items"][0]
    attributes = client.get(f"/projects/{project['id']}").json["attributes"]
    # A declared list is split on 、，, ; a field not declared keeps the text as typed.
    assert attributes == {"team": ["张三", "李四", "王五", "赵六"], "note": "甲、乙"}
    exported = client.get("/projects?format=xlsx").data
    sheet = load_workbook(io.BytesIO(exported)).worksheets[0]
    headings = [cell.value for cell in sheet[1]]
    assert sheet.cell(2, headings.index("服务专班") + 1).value == "张三、李四、王五、赵六"
    before = row_counts(app, "projects", "project_changes", "outbox")
    again = upload(client, exported, "项目列表.xlsx")
    assert again["problems"] == [] and again["created"] == 0
    assert row_counts(app, "projects", "project_changes", "outbox") == before


class Careless:
    @hookimpl
    def list_fields(self, city):
        return ["leader_name"]


def test_hook_list_fields_the_contract_names_only_the_citys_own_fields():
    from core.conformance.contracts import city_only_problems

    assert city_only_problems(make_city(extra_plugins=[("team", Team())])) == []
    assert city_only_problems(make_city(extra_plugins=[("careless", Careless())])) == [
        "list_fields (careless): 'leader_name' is not a path of the city's own fields "
        "(attributes.…)"]
