"""A park-mismatched project of Changsha's ledger is imported signed with its 落户理由 (a column
of the 项目 sheet, as the project page's form records it), and refused without it with the
reason the form gives (docs/cities/changsha.md)."""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import load_workbook

from core.ledger_import.layout import sheets_of
from tests.support.ledgers import workbook
from tests.support.records import credit_code

REASON = "项目为工程机械配套的医用特种车辆生产线，依托经开区整机企业就近配套"


def project(number: int, **cells) -> dict:
    return {"台账编号": f"CS-{number}", "项目名称": f"长沙台账项目{number}号",
            "企业名称": f"长沙台账投资{number}号有限公司", "统一社会信用代码": credit_code(7300 + number),
            "产业": "生物医药", "计划总投资（万元）": Decimal(20000), "招商单位": "长沙经济技术开发区",
            "当前阶段": "签约", "在谈日期": "2024-02-01", "签约日期": "2024-03-01",
            "协议投资额（万元）": Decimal(20000)} | cells


def upload(client, city, rows, commit=False):
    main = sheets_of(city, "projects")[0]
    milestones = [{"台账编号": row["台账编号"], "节点": "开工", "计划日期": "2024-06-01"}
                  for row in rows]
    content = workbook([(main.title, [column.heading for column in main.columns], rows),
                        ("节点", ["台账编号", "节点", "计划日期"], milestones)])
    response = client.post(f"/imports?kind=projects&dry_run={'false' if commit else 'true'}",
                           data={"file": (io.BytesIO(content), "经开区项目台账.xlsx")},
                           content_type="multipart/form-data")
    assert response.status_code == 200, response.json
    return response.json


def test_a_mismatched_project_imports_signed_with_its_justification(client, city):
    book = load_workbook(io.BytesIO(client.get("/imports/templates/projects.xlsx").data))
    assert "落户理由" in [cell.value for cell in book["项目"][1]]
    refused = upload(client, city, [project(1)])
    assert [(p["row"], p["column"], p["code"], p["message"]) for p in refused["problems"]] == [
        (2, "当前阶段", "changsha.park_mismatch",
         "长沙经济技术开发区（国家级园区）的产业定位为主导产业工程机械、汽车及零部件、特色产业电子信息，"
         "项目所属产业“生物医药”不在其中；签约前须记录落户理由")]
    rows = [project(1, 落户理由=REASON)]
    result = upload(client, city, rows, commit=True)
    assert result["problems"] == [] and result["committed"]
    [imported] = client.get("/projects?per_page=5").json["items"]
    assert imported["stage"] == "signed"
    again = upload(client, city, rows, commit=True)
    assert (again["created"], again["unchanged"], again["problems"]) == (0, 1, [])
