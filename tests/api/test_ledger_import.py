"""Importing a city's existing ledgers (台账): the dry run's exact list of problems, the
all-or-nothing commit, a second import that changes nothing, clerks limited to their unit's
rows, the template, the background job and the command (docs/interface-apis.md)."""

from __future__ import annotations

import io
import threading
from decimal import Decimal

import sqlalchemy as sa
from click.testing import CliRunner
from openpyxl import load_workbook

from core.ledger_import.layout import LEADS
from core.models import ImportedRecord, Project, ProjectChange
from core.toolkit import hookimpl
from tests.support.cities import make_city
from tests.support.ledgers import (
    ledger_of,
    listed,
    project_ledger,
    project_rows,
    upload,
    workbook,
)
from tests.support.records import credit_code, row_counts

TABLES = ("projects", "enterprises", "milestones", "fund_tranches", "stage_transitions",
          "project_changes", "imported_records", "leads", "intermediaries")
MISTAKES = {1: "unknown_unit", 3: "date_order", 6: "future_date", 8: "negative_amount",
            9: "duplicate_enterprise", 10: "formula"}


def test_a_ledger_with_mistakes_is_refused_with_the_exact_list_and_writes_nothing(app, client):
    before = row_counts(app, *TABLES)
    content = project_ledger(200, MISTAKES)
    for commit in (False, True):
        result = upload(client, content, commit=commit)
        assert result["committed"] is False and result["rows"] == 200
        # Spreadsheet rows: the heading is row 1, ledger row i is row i + 2.
        assert listed(result) == [
            ("项目", 3, "招商单位", "choice.unknown"),
            ("项目", 5, "开工日期", "date.before_previous_stage"),
            ("项目", 5, "开工日期", "date.before_signing"),
            ("项目", 8, "签约日期", "date.in_future"),
            ("项目", 10, "计划总投资（万元）", "money.negative"),
            ("项目", 11, "企业名称", "enterprise.duplicate"),
            ("项目", 12, "计划总投资（万元）", "cell.formula"),
        ]
        messages = [p["message"] for p in result["problems"]]
        assert messages[0] == ("单位“北区”不在可选范围内；"
                               "可选：测试市投资促进局、东区、西县、高新区、市商务局")
        assert "=SUM(1,2)" in messages[-1] and "不计算公式" in messages[-1]
        assert row_counts(app, *TABLES) == before  # nothing written, no event


def test_the_corrected_ledger_is_imported_once_and_only_once(app, client):
    content = project_ledger(200)
    dry = upload(client, content)
    assert (dry["problems"], dry["created"], dry["committed"]) == ([], 200, False)
    before = row_counts(app, *TABLES)
    assert before["projects"] == 0

    done = upload(client, content, commit=True)
    assert (done["problems"], done["created"], done["committed"]) == ([], 200, True)
    after = row_counts(app, *TABLES)
    assert after["projects"] == after["imported_records"] == 200
    assert after["outbox"] > before["outbox"]  # every record published its events
    signed = [row for row in project_rows(200) if row["当前阶段"] in ("签约", "开工")]
    assert after["fund_tranches"] == sum(row["当前阶段"] == "开工" for row in signed)

    again = upload(client, content, commit=True, name="再次导入.xlsx")
    assert (again["problems"], again["created"], again["unchanged"]) == ([], 0, 200)
    assert row_counts(app, *TABLES) == after

    # The record says where it came from; its stage and dates are the ledger's.
    with app.app_context():
        session = app.extensions["zhaoshang"].sessions()
        record = session.scalar(sa.select(ImportedRecord).where(
            ImportedRecord.ledger_key == "DQ-2024-0004"))
        project = session.get(Project, record.record_id)
        assert (project.stage, str(project.signed_on), str(project.started_on)) == (
            "started", "2024-03-01", "2024-04-01")
        imported = session.scalar(sa.select(ProjectChange).where(
            ProjectChange.project_id == project.id, ProjectChange.action == "imported"))
        assert imported.changes["row"] == [None, 5] and imported.changes["file"][1] == "东区项目台账.xlsx"
        session.close()

    # The city's figures include the ledger: every signed project of 2024, at its amount.
    total = client.get("/stats?from=2024-01-01&to=2024-12-31").json["total"]
    assert Decimal(total["signed_count"]) == len(signed)
    assert Decimal(total["signed_amount"]) == sum(row["计划总投资（万元）"] for row in signed)


def test_a_row_changed_since_its_import_is_refused_not_overwritten(app, client):
    upload(client, project_ledger(8), commit=True)
    before = row_counts(app, *TABLES)
    rows = project_ledger(8, {2: "negative_amount"})
    result = upload(client, rows, commit=True)
    assert listed(result) == [("项目", 4, "", "import.changed")]
    assert "东区项目台账.xlsx" in result["problems"][0]["message"]
    assert row_counts(app, *TABLES) == before


def test_the_project_export_read_back_changes_nothing(app, client):
    upload(client, project_ledger(12), commit=True)
    before = row_counts(app, *TABLES)
    export = client.get("/projects?format=xlsx")
    assert export.status_code == 200
    result = upload(client, export.data, commit=True, name="项目列表.xlsx")
    assert (result["problems"], result["created"], result["unchanged"]) == ([], 0, 12)
    assert row_counts(app, *TABLES) == before

    # Edited in the spreadsheet, the exported row is refused: the import never overwrites.
    book = load_workbook(io.BytesIO(export.data))
    sheet = book.worksheets[0]
    headings = [cell.value for cell in sheet[1]]
    sheet.cell(2, headings.index("总投资（万元）") + 1).value = 1
    edited = io.BytesIO()
    book.save(edited)
    result = upload(client, edited.getvalue(), commit=True)
    assert listed(result) == [("项目", 2, "计划总投资（万元）", "import.changed")]
    assert row_counts(app, *TABLES) == before


def test_a_clerk_imports_only_rows_of_their_own_unit(app, client):
    clerk = ("clerk", "east")
    before = row_counts(app, *TABLES)
    result = upload(client, project_ledger(10), commit=True, as_=clerk)
    # Rows 0 and 5 belong to 西县 (every fifth): refused as a form would refuse them.
    assert listed(result) == [("项目", 2, "招商单位", "forbidden_unit"),
                              ("项目", 7, "招商单位", "forbidden_unit")]
    assert result["problems"][0]["message"].startswith("您属于东区")
    assert row_counts(app, *TABLES) == before
    result = upload(client, project_ledger(10, unit="东区"), commit=True, as_=clerk)
    assert (result["problems"], result["created"], result["committed"]) == ([], 8, True)


def test_leads_enterprises_and_introducers_ledgers(app, client):
    leads = workbook([("线索", ["台账编号", "线索名称", "企业名称", "统一社会信用代码", "产业",
                                 "意向投资额（万元）", "报送单位", "招商方式", "报送日期"], [
        {"台账编号": f"XS-{n}", "线索名称": f"台账线索{n}", "企业名称": f"线索企业{n}有限公司",
         "产业": "先进制造", "意向投资额（万元）": 3000, "报送单位": "东区", "招商方式": "节会推介招",
         "报送日期": "2024-05-0" + str(n)} for n in range(1, 4)])])
    assert upload(client, leads, "leads", commit=True)["created"] == 3
    assert upload(client, leads, "leads", commit=True)["unchanged"] == 3
    assert row_counts(app, "leads")["leads"] == 3

    enterprises = workbook([("企业", ["企业名称", "统一社会信用代码"], [
        {"企业名称": "甲方科技有限公司"}, {"企业名称": "乙方材料有限公司"},
        {"企业名称": "甲方科技有限公司"}])])
    result = upload(client, enterprises, "enterprises", commit=True)
    assert listed(result) == [("企业", 4, "企业名称", "enterprise.duplicate")]

    introducers = workbook([("引荐人", ["台账编号", "名称", "类别", "联系电话"], [
        {"台账编号": "YJ-1", "名称": "某某咨询有限公司", "类别": "顾问", "联系电话": "13900001111"},
        {"台账编号": "YJ-2", "名称": "李四", "类别": "老乡", "联系电话": "13900002222"}])])
    result = upload(client, introducers, "introducers", commit=True)
    assert listed(result) == [("引荐人", 3, "类别", "choice.unknown")]


def test_leads_and_projects_name_their_introducer_by_name_or_credit_code(app, client):
    """A ledger's 引荐人 cell names a registry entry (imported first from the introducers'
    ledger): by name, or by credit code where two entries share the name; a name the registry
    does not hold, or holds twice, is refused on its cell and nothing is written."""
    firm_code = credit_code(7001)
    introducers = workbook([("引荐人", ["台账编号", "名称", "类别", "统一社会信用代码", "联系电话"], [
        {"台账编号": "YJ-1", "名称": "联创招商咨询有限公司", "类别": "中介机构",
         "统一社会信用代码": firm_code, "联系电话": "13900003333"},
        {"台账编号": "YJ-2", "名称": "张三", "类别": "个人", "联系电话": "13900004444"},
        {"台账编号": "YJ-3", "名称": "张三", "类别": "招商大使", "联系电话": "13900005555"}])])
    assert upload(client, introducers, "introducers", commit=True)["created"] == 3
    with app.app_context():
        session = app.extensions["zhaoshang"].sessions()
        ids = dict(session.execute(sa.text(
            "SELECT phone, id FROM intermediaries")).all())
        session.close()
    firm, ambassador = ids["13900003333"], ids["13900005555"]

    rows = project_rows(4)
    rows[0]["引荐人"] = "联创招商咨询有限公司"
    rows[1]["引荐人"] = firm_code
    rows[2]["引荐人"] = "张三"  # two entries of that name
    rows[3]["引荐人"] = "王五"  # none
    before = row_counts(app, *TABLES)
    result = upload(client, ledger_of(rows), commit=True)
    assert listed(result) == [("项目", 4, "引荐人", "introducer.ambiguous"),
                              ("项目", 5, "引荐人", "introducer.unknown")]
    assert "请填写其统一社会信用代码" in result["problems"][0]["message"]
    assert row_counts(app, *TABLES) == before

    rows[2]["引荐人"], rows[3]["引荐人"] = "联创招商咨询有限公司", None
    lead = {"台账编号": "XS-9", "线索名称": "引荐线索", "企业名称": "引荐线索企业有限公司",
            "报送单位": "东区", "报送日期": "2024-05-06", "引荐人": "联创招商咨询有限公司"}
    done = upload(client, ledger_of(rows), commit=True)
    assert (done["problems"], done["created"]) == ([], 4), done
    lead_headings = [column.heading for column in LEADS.columns]
    assert upload(client, workbook([("线索", lead_headings, [lead])]), "leads",
                  commit=True)["created"] == 1
    with app.app_context():
        session = app.extensions["zhaoshang"].sessions()
        by_name = dict(session.execute(sa.select(Project.name, Project.intermediary_id)).all())
        lead_introducer = session.scalar(sa.text(
            "SELECT intermediary_id FROM leads WHERE title = '引荐线索'"))
        session.close()
    assert [by_name[f"台账导入项目{n}号"] for n in (1, 2, 3, 4)] == [firm, firm, firm, None]
    assert lead_introducer == firm
    assert ambassador != firm


def test_the_template_has_the_citys_names_as_drop_downs_and_its_own_fields(app_for):
    class Fields:
        @hookimpl
        def field_labels(self, city):
            return {"attributes.energy_review": "能评批复文号"}

    from core.testing.http import ApiClient

    client = ApiClient(app_for(make_city(extra_plugins=[("fields", Fields())])).test_client())
    response = client.get("/imports/templates/projects.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames[:3] == ["项目", "到位资金", "节点"] and "说明" in book.sheetnames
    assert book["选项"].sheet_state == "hidden"
    headings = [cell.value for cell in book["项目"][1]]
    assert headings[:2] == ["台账编号", "项目名称"] and headings[-1] == "能评批复文号"
    units = [row[0] for row in book["选项"].iter_rows(min_row=2, max_col=1, values_only=True)
             if row[0] is not None]
    assert units == ["测试市投资促进局", "东区", "西县", "高新区", "市商务局"]
    unit_column = headings.index("招商单位") + 1
    checks = {str(check.sqref).split(":")[0][:-1]: check.formula1
              for check in book["项目"].data_validations.dataValidation}
    letter = book["项目"].cell(1, unit_column).column_letter
    assert checks[letter] == "='选项'!$A$2:$A$6"
    assert client.get("/imports/templates/nothing.xlsx").status_code == 404


def test_a_large_file_imports_in_the_background_with_its_progress(app, client):
    response = client.post("/imports?kind=projects&dry_run=false&background=true",
                           data={"file": (io.BytesIO(project_ledger(12)), "台账.xlsx")},
                           content_type="multipart/form-data")
    assert response.status_code == 202, response.json
    job = response.json
    for thread in threading.enumerate():
        if thread.name == f"ledger-import-{job['id']}":
            thread.join()
    status = client.get(f"/imports/jobs/{job['id']}").json
    assert (status["status"], status["done"], status["total"]) == ("finished", 12, 12)
    assert status["result"]["committed"] is True and row_counts(app, "projects")["projects"] == 12
    # Only the uploader sees the job.
    assert client.get(f"/imports/jobs/{job['id']}", as_=("clerk", "east")).status_code == 404


def test_the_command_dry_runs_and_commits(app, tmp_path):
    from core.api.support import runtime
    from core.cli import import_command

    path = tmp_path / "台账.xlsx"
    path.write_bytes(project_ledger(6, {1: "unknown_unit"}))
    with app.app_context():
        city_app = app

    def run(*args):
        from unittest import mock

        with mock.patch("core.cli.city_app", return_value=city_app):
            return CliRunner().invoke(import_command, [str(path), "--kind", "projects",
                                                       "--city", "x", *args])

    refused = run("--commit")
    assert refused.exit_code == 1 and "choice.unknown" in refused.output
    path.write_bytes(project_ledger(6))
    assert run().exit_code == 0 and row_counts(app, "projects")["projects"] == 0
    assert run("--commit").exit_code == 0 and row_counts(app, "projects")["projects"] == 6
    del runtime


def test_a_chunks_history_and_events_go_out_together_in_the_order_recorded(app, client):
    """Each row's history and outbox events are held back and written a chunk at a time
    (core.deferred_rows): on PostgreSQL one multi-row INSERT per table and chunk, not one per
    row; on both databases still one outbox row per event, each project's in the order its
    steps happened, and a history row per step."""
    from sqlalchemy import event

    from core.models import OutboxEvent

    runtime = app.extensions["zhaoshang"]
    inserts: dict[str, int] = {}

    def count(conn, cursor, statement, params, context, executemany):
        for table in ("outbox", "project_changes"):
            if statement.startswith(f"INSERT INTO {table} "):
                inserts[table] = inserts.get(table, 0) + 1

    event.listen(runtime.engine, "before_cursor_execute", count)
    try:
        done = upload(client, project_ledger(200), commit=True)
    finally:
        event.remove(runtime.engine, "before_cursor_execute", count)
    assert (done["problems"], done["created"]) == ([], 200)

    with runtime.sessions() as session:
        types: dict[str, list[str]] = {}
        for aggregate, kind in session.execute(
                sa.select(OutboxEvent.aggregate_id, OutboxEvent.type)
                .where(OutboxEvent.aggregate_type == "project").order_by(OutboxEvent.position)):
            types.setdefault(aggregate, []).append(kind.rsplit(".", 1)[-1])
        steps = session.execute(sa.select(sa.func.count()).select_from(ProjectChange).where(
            ProjectChange.action != "imported")).scalar_one()
    started = [steps for steps in types.values() if "funds_reported" in steps]
    assert len(types) == 200 and len(started) == 50
    # A started project: created, its two agreed milestones, its three moves, then its funds
    # (core.ledger_import.rows.import_project's order).
    assert set(map(tuple, started)) == {("created", "milestone_set", "milestone_set",
                                         "stage_changed", "stage_changed", "stage_changed",
                                         "funds_reported")}
    assert steps == sum(len(kinds) for kinds in types.values())  # a history row per event
    if runtime.engine.dialect.name == "postgresql":
        # Two chunks of 100 rows (and the warnings' own events after them).
        assert inserts["outbox"] <= 4 and inserts["project_changes"] <= 4, inserts
