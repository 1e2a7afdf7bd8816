"""Ziyang's project ledger carries the signing records of Seed 五 on a sheet 签约前置记录 (the
``ledger_record_sheets`` hook), recorded as the forms record them (docs/cities/ziyang.md)."""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import load_workbook

from core.ledger_import.layout import sheets_of
from tests.support.ledgers import workbook
from tests.support.records import credit_code

RECORDS = {"台账编号": "ZY-1", "签署主体": "县（区）政府", "审查人": "市司法局 王律师",
           "审查日期": "2024-02-20", "审查结论": "审查通过",
           "审查范围": "投资协议合法性、优惠政策、投资方权利义务"}


def upload(client, city, records, as_=None):
    main, *_children, sheet, _evaluations = sheets_of(city, "projects")
    row = {"台账编号": "ZY-1", "项目名称": "资阳台账项目", "企业名称": "资阳台账投资有限公司",
           "统一社会信用代码": credit_code(7400), "产业": "先进制造", "计划总投资（万元）": Decimal(50000),
           "招商单位": "雁江区", "当前阶段": "签约", "在谈日期": "2024-02-01", "签约日期": "2024-03-01",
           "协议投资额（万元）": Decimal(50000)}
    milestones = [{"台账编号": "ZY-1", "节点": kind, "计划日期": "2025-06-01"}
                  for kind in ("开工", "竣工", "投产")]
    content = workbook([(main.title, [c.heading for c in main.columns], [row]),
                        ("节点", ["台账编号", "节点", "计划日期"], milestones),
                        (sheet.title, [c.heading for c in sheet.columns], records)])
    response = client.post("/imports?kind=projects&dry_run=true",
                           data={"file": (io.BytesIO(content), "雁江项目台账.xlsx")},
                           content_type="multipart/form-data", as_=as_)
    assert response.status_code == 200, response.json
    return [(p["sheet"], p["column"], p["code"]) for p in response.json["problems"]]


def test_the_signing_records_are_imported_before_the_signing(client, city):
    without = upload(client, city, [])
    assert {code for _sheet, _column, code in without} >= {
        "ziyang.legal_review.missing", "ziyang.signatory.missing"}
    # With the sheet, the signing records no longer refuse the move; what remains is the
    # county review, an evaluation the ledger does not carry yet.
    assert upload(client, city, [RECORDS]) == [
        ("项目", "当前阶段", "evaluation.ziyang_county_review.missing")]
    partial = upload(client, city, [RECORDS | {"审查范围": "投资协议合法性"}])
    assert ("项目", "当前阶段", "ziyang.legal_review.scope") in partial
    unknown = upload(client, city, [RECORDS | {"审查范围": "环评"}])
    assert [(sheet, column) for sheet, column, _code in unknown] == [("签约前置记录", "审查范围")]


def test_a_clerk_may_not_attest_the_legal_review(client, city):
    problems = upload(client, city, [RECORDS], as_=("clerk", "yanjiang"))
    assert ("签约前置记录", "审查人", "field.office_only") in problems


def test_the_template_has_the_sheet_with_drop_downs(client):
    book = load_workbook(io.BytesIO(client.get("/imports/templates/projects.xlsx").data))
    sheet = book["签约前置记录"]
    assert [cell.value for cell in sheet[1]][:3] == ["台账编号", "签署主体", "审查人"]
    assert {str(check.sqref).split(":")[0] for check in sheet.data_validations.dataValidation} \
        == {"B2", "E2", "J2"}
