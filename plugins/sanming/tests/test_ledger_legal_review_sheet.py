"""Sanming's project ledger imports signed and started projects with their 法规账 (the
``ledger_record_sheets`` hook): the reviews are recorded as by hand, before the signing they
allow; a missing or late review is refused with the reason the form gives (docs/cities/sanming.md).
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from openpyxl import load_workbook

from core.ledger_import.layout import sheets_of
from plugins.sanming.tests.conftest import LEGAL_ITEMS
from tests.support.ledgers import WITH_MESSAGE, upload, workbook
from tests.support.ledgers import listed as listed_problems
from tests.support.records import credit_code, row_counts

ITEM_NAMES = {"environment": "环保", "safety": "安全", "land": "用地", "forest": "林地"}
TABLES = ("projects", "stage_transitions", "imported_records", "sanming_legal_reviews",
          "outbox")


def project(number: int, stage: str, **cells) -> dict:
    row = {"台账编号": f"SM-{number}", "项目名称": f"三明台账项目{number}号",
           "企业名称": f"三明台账投资{number}号有限公司", "统一社会信用代码": credit_code(7100 + number),
           "产业": "新材料", "计划总投资（万元）": Decimal(50000), "招商单位": "永安市",
           "当前阶段": stage, "在谈日期": "2024-02-01", "签约日期": "2024-03-01",
           "协议投资额（万元）": Decimal(50000), "经济账：预计年税收（万元）": Decimal(1200),
           "经济账：带动就业（人）": Decimal(300)}
    if stage == "开工":
        row["开工日期"] = "2024-04-01"
    return row | cells


def reviews(number: int, on: str = "2024-02-20", items=LEGAL_ITEMS) -> list[dict]:
    return [{"台账编号": f"SM-{number}", "事项": ITEM_NAMES[item], "结论": "通过",
             "审查人": "审查员林某", "审查日期": on} for item in items]


def ledger(city, projects: list[dict], legal: list[dict]) -> bytes:
    main, _funds, _milestones, sheet, *_evaluations = sheets_of(city, "projects")
    milestones = [{"台账编号": row["台账编号"], "节点": "开工", "计划日期": "2024-06-01"}
                  for row in projects]
    milestones += [{"台账编号": row["台账编号"], "节点": "竣工", "计划日期": "2025-06-01"}
                   for row in projects if row["当前阶段"] == "开工"]
    return workbook([
        (main.title, [column.heading for column in main.columns], projects),
        ("节点", ["台账编号", "节点", "计划日期", "实际日期"], milestones),
        (sheet.title, [column.heading for column in sheet.columns], legal)])


def listed(result):
    return listed_problems(result, WITH_MESSAGE)


def test_signed_and_started_projects_import_with_their_legal_account(client, app, city):
    content = ledger(city, [project(1, "签约"), project(2, "开工")], reviews(1) + reviews(2))
    result = upload(client, content, commit=True)
    assert result["problems"] == [] and result["created"] == 2 and result["committed"]
    imported = {p["name"]: p for p in client.get("/projects?per_page=50").json["items"]}
    signed, started = imported["三明台账项目1号"], imported["三明台账项目2号"]
    assert (signed["stage"], started["stage"]) == ("signed", "started")
    review = client.get(f"/sanming/legal-review?project_id={signed['id']}").json
    assert review["status"] == "passed"
    assert {item["reviewed_on"] for item in review["items"]} == {"2024-02-20"}
    assert {item["department"] for item in review["items"]} == {
        "三明市生态环境局", "三明市应急管理局", "三明市自然资源局", "三明市林业局"}
    # Re-importing the same file changes nothing: no second review, no second project.
    before = row_counts(app, *TABLES)
    again = upload(client, content, commit=True)
    assert again["problems"] == [] and again["unchanged"] == 2 and again["created"] == 0
    assert row_counts(app, *TABLES) == before
    # The same project with another finding is refused, not overwritten.
    changed = reviews(1)
    changed[0]["审查日期"] = "2024-02-21"
    refused = upload(client, ledger(city, [project(1, "签约"), project(2, "开工")],
                                    changed + reviews(2)), commit=True)
    assert [(p["row"], p["code"]) for p in refused["problems"]] == [(2, "import.changed")]
    assert row_counts(app, *TABLES) == before


def test_a_missing_or_late_review_is_refused_as_by_hand(client, app, city):
    before = row_counts(app, *TABLES)
    content = ledger(city, [project(3, "签约"), project(4, "签约")],
                     reviews(3, items=("environment", "safety", "land"))
                     + reviews(4, on="2024-03-05"))
    result = upload(client, content)
    assert listed(result) == [
        ("项目", 2, "当前阶段", "gate.legal_review.forest",
         "进入“签约”前须完成法规账审查：林地（三明市林业局）"),
        *[("项目", 3, "当前阶段", f"gate.legal_review.{item}",
           f"进入“签约”前须完成法规账审查：{ITEM_NAMES[item]}（{department}）")
          for item, department in (("environment", "三明市生态环境局"),
                                   ("safety", "三明市应急管理局"), ("land", "三明市自然资源局"),
                                   ("forest", "三明市林业局"))],
    ]
    # By hand, the form refuses the same move with the same reason.
    body = {"name": "三明手工项目", "industry": "new_materials", "amount": "50000",
            "agreement_amount": "50000", "finding_unit": "yongan",
            "enterprise": {"name": "三明手工投资有限公司", "credit_code": credit_code(7199)},
            "attributes": {"economic_account": {"tax": "1200", "jobs": 300}}}
    made = client.post("/projects", json=body).json
    client.post(f"/projects/{made['id']}/transitions",
                json={"target": "negotiating", "occurred_on": "2024-02-01"})
    client.put(f"/projects/{made['id']}/milestones", json={"kind": "start", "planned_on": "2024-06-01"})
    for item in ("environment", "safety", "land"):
        client.post(f"/sanming/projects/{made['id']}/legal-review/{item}",
                    json={"finding": "pass", "reviewer": "审查员林某", "reviewed_on": "2024-02-20"})
    by_hand = client.post(f"/projects/{made['id']}/transitions",
                          json={"target": "signed", "occurred_on": "2024-03-01"})
    assert by_hand.status_code == 409
    assert [r["message"] for r in by_hand.json["refusals"]] == [listed(result)[0][4]]
    assert row_counts(app, "imported_records")["imported_records"] == before["imported_records"]


def test_a_failed_finding_and_a_review_of_another_department_are_refused(client, city):
    failed = reviews(5)
    failed[3] |= {"结论": "不通过", "理由": "占用生态公益林"}
    content = ledger(city, [project(5, "签约"), project(6, "在谈")], failed + reviews(6))
    result = upload(client, content)
    assert [(p[1], p[3]) for p in listed(result)] == [(2, "sanming.legal_review.failed.forest")]
    # A clerk of 永安市 imports their own unit's project, but the office's items are not theirs:
    # each is refused on its row of the 法规账 sheet, as the form refuses them.
    clerk, today = ("clerk", "yongan"), city.clock.today()
    recent = {"在谈日期": str(today - dt.timedelta(days=3))}
    result = upload(client, ledger(city, [project(7, "在谈", **recent)],
                                   reviews(7, on=str(today - dt.timedelta(days=2)))), as_=clerk)
    assert [(p[0], p[1], p[3]) for p in listed(result)] == [
        ("法规账", 2, "forbidden_unit"), ("法规账", 3, "forbidden_unit"),
        ("法规账", 4, "forbidden_unit"), ("法规账", 5, "forbidden_unit")]


def test_a_future_signing_date_is_listed_with_the_gates_refusal(client, city):
    content = ledger(city, [project(8, "签约", **{"签约日期": "2099-03-01"})], [])
    result = upload(client, content)
    codes = [(p[2], p[3]) for p in listed(result)]
    assert ("签约日期", "date.in_future") in codes
    assert ("当前阶段", "gate.legal_review.environment") in codes
    future = next(p for p in result["problems"] if p["code"] == "date.in_future")
    assert "不能填写将来的日期" in future["message"]


def test_the_template_has_the_legal_account_sheet_with_drop_downs(client):
    response = client.get("/imports/templates/projects.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    assert "法规账" in book.sheetnames
    sheet = book["法规账"]
    assert [cell.value for cell in sheet[1]] == ["台账编号", "事项", "结论", "审查部门", "审查人",
                                                 "审查日期", "理由", "说明"]
    options = book["选项"]
    lists = {options.cell(1, column).value: [
        options.cell(row, column).value for row in range(2, options.max_row + 1)
        if options.cell(row, column).value is not None]
        for column in range(1, options.max_column + 1)}
    assert lists["事项"] == ["环保", "安全", "用地", "林地"]
    assert lists["结论"] == ["通过", "不通过", "不涉及"]
    checks = {str(check.sqref).split(":")[0][:-1]: check.formula1
              for check in sheet.data_validations.dataValidation}
    assert set(checks) == {"B", "C"}
    for letter, check in checks.items():
        column = [c for c in range(1, options.max_column + 1)
                  if options.cell(1, c).value == sheet[f"{letter}1"].value][0]
        assert options.cell(1, column).column_letter in check
