"""``ledger_record_sheets``: a city's own records of a project as sheets of its project ledger,
written through the city's service before the stage moves they allow (docs/hooks.md)."""

from __future__ import annotations

import io

from marshmallow import Schema, fields, validate
from openpyxl import load_workbook

from core.ledger_import.layout import FUNDS, MILESTONES, sheets_of
from core.toolkit import (
    LEDGER_NO,
    OFFICE,
    OPTIONS,
    Column,
    RecordSheet,
    Refusal,
    hookimpl,
    invalid_input,
    not_in_future,
)
from tests.support.cities import make_city
from tests.support.ledgers import child_rows, listed, project_rows, upload, workbook

TITLE = "董事会决议"


class BoardInput(Schema):
    decision = fields.String(required=True, validate=validate.OneOf(["approved", "rejected"]))
    decided_on = fields.Date(required=True)


def record_board(session, city, project, data, actor):
    late = not_in_future(city, "decided_on", data["decided_on"], "决议日期")
    if late:
        raise invalid_input([late], status=422)
    project.attributes = {**(project.attributes or {}), "board": {
        "decision": data["decision"], "decided_on": data["decided_on"].isoformat()}}
    session.flush()


class BoardMinutes:
    """Signing needs the investor's board's approval, a record of the city's own."""

    @hookimpl
    def ledger_record_sheets(self, city):
        return [RecordSheet(TITLE, (
            Column("台账编号", LEDGER_NO, required=True),
            Column("决议", "decision", OPTIONS, required=True,
                   options=(("approved", "同意"), ("rejected", "不同意"))),
            Column("决议日期", "decided_on", "date", required=True),
        ), schema=BoardInput, record=record_board, permission=OFFICE, dated_by="decided_on")]

    @hookimpl
    def transition_guard(self, city, project, target, actor, session):
        board = (project.attributes or {}).get("board") or {}
        if target == "signed" and board.get("decision") != "approved":
            return [Refusal("city.board", "签约前须经投资方董事会同意")]
        return None


def city():
    return make_city(extra_plugins=[("board", BoardMinutes())])


def ledger(rows, board):
    funds, milestones = child_rows(rows)
    sheet = sheets_of(city(), "projects")[-1]
    main = sheets_of(city(), "projects")[0]
    return workbook([
        (main.title, [c.heading for c in main.columns], rows),
        (FUNDS.title, [c.heading for c in FUNDS.columns], funds),
        (MILESTONES.title, [c.heading for c in MILESTONES.columns], milestones),
        (sheet.title, [c.heading for c in sheet.columns], board)])


def board_rows(rows, on="2024-02-20", decision="同意"):
    return [{"台账编号": row["台账编号"], "决议": decision, "决议日期": on}
            for row in rows if row["当前阶段"] in ("签约", "开工")]


def test_hook_ledger_record_sheets_imports_signed_projects_with_their_records(client_for):
    client = client_for(city())
    rows = project_rows(4)  # 储备, 在谈, 签约, 开工
    content = ledger(rows, board_rows(rows))
    result = upload(client, content, commit=True)
    assert result["problems"] == [] and result["created"] == 4 and result["committed"]
    projects = {p["name"]: p for p in client.get("/projects?per_page=10").json["items"]}
    signed = client.get(f"/projects/{projects['台账导入项目3号']['id']}").json
    assert signed["stage"] == "signed"
    assert signed["attributes"]["board"] == {"decision": "approved", "decided_on": "2024-02-20"}
    again = upload(client, content, commit=True)
    assert again["problems"] == [] and (again["created"], again["unchanged"]) == (0, 4)


def test_hook_ledger_record_sheets_the_gate_is_honoured_as_by_hand(client_for):
    client = client_for(city())
    rows = project_rows(8)  # rows 4 and 5 (spreadsheet) signed and started, 8 and 9 too
    board = board_rows(rows)
    board = [entry for entry in board if entry["台账编号"] != rows[2]["台账编号"]]  # none
    board[0]["决议日期"] = "2024-03-05"  # the started project's: after its signing
    board[1]["决议"] = "待定"  # row 7's
    result = upload(client, ledger(rows, board))
    assert listed(result) == [
        ("项目", 4, "当前阶段", "city.board"),
        ("项目", 5, "当前阶段", "city.board"),
        (TITLE, 3, "决议", "choice.unknown"),
    ]
    assert result["problems"][0]["message"] == "签约前须经投资方董事会同意"
    assert result["problems"][2]["message"] == "决议“待定”不在可选范围内；可选：同意、不同意"
    # The operation's rule is the importing actor's: a clerk may not record the office's.
    clerk = upload(client, ledger(rows[2:3], board_rows(rows[2:3])), as_=("clerk", "east"))
    assert [(p[0], p[1], p[3]) for p in listed(clerk)] == [(TITLE, 2, "forbidden_role")]


def test_hook_ledger_record_sheets_a_future_date_is_listed_with_the_refusal(client_for):
    client = client_for(city())
    rows = project_rows(3)
    rows[2]["签约日期"] = "2099-03-01"
    result = upload(client, ledger(rows, []))
    assert listed(result) == [("项目", 4, "签约日期", "date.in_future"),
                              ("项目", 4, "当前阶段", "city.board")]
    assert "不能填写将来的日期" in result["problems"][0]["message"]


def test_hook_ledger_record_sheets_the_template_has_the_sheet_with_drop_downs(client_for):
    client = client_for(city())
    book = load_workbook(io.BytesIO(client.get("/imports/templates/projects.xlsx").data))
    assert book.sheetnames[:4] == ["项目", "到位资金", "节点", TITLE]
    assert [cell.value for cell in book[TITLE][1]] == ["台账编号", "决议", "决议日期"]
    (check,) = book[TITLE].data_validations.dataValidation
    assert str(check.sqref).startswith("B2:")
    letter = check.formula1.split("!$")[1][0]
    options = book["选项"]
    assert options[f"{letter}1"].value == "决议"
    assert [options[f"{letter}{row}"].value for row in (2, 3)] == ["同意", "不同意"]
