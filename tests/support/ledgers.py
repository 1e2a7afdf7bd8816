"""A realistic generated project ledger (台账), as a district keeps it in Excel.

``project_ledger(n)`` writes ``n`` projects over the city's stages with their funds and
milestones on their own sheets, headings as the city's template has them; ``errors`` puts the
deliberate mistakes a clerk makes into chosen rows (see :data:`MISTAKES`).
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from openpyxl import Workbook

from core.ledger_import.layout import FUNDS, MILESTONES, PROJECTS
from tests.support.records import credit_code

STAGES = ("储备", "在谈", "签约", "开工")
# row index → (heading, value) overrides: what a clerk gets wrong.
MISTAKES: dict[str, tuple[str, Any]] = {
    "unknown_unit": ("招商单位", "北区"),
    "date_order": ("开工日期", "2024-02-15"),  # before its 签约日期 2024-03-01
    "future_date": ("签约日期", "2099-03-01"),
    "negative_amount": ("计划总投资（万元）", -5),
    "duplicate_enterprise": ("企业名称", "另一家名称不同的公司"),  # the credit code of row 0's
    "formula": ("计划总投资（万元）", "=SUM(1,2)"),
}


def project_rows(count: int, errors: dict[int, str] | None = None) -> list[dict[str, Any]]:
    rows = []
    for index in range(count):
        stage = STAGES[index % len(STAGES)]
        row: dict[str, Any] = {
            "台账编号": f"DQ-2024-{index + 1:04d}", "项目名称": f"台账导入项目{index + 1}号",
            "企业名称": f"台账投资{index + 1}号有限公司", "统一社会信用代码": credit_code(5000 + index),
            "产业": "先进制造", "计划总投资（万元）": Decimal(10000 + index),
            "招商单位": "东区" if index % 5 else "西县", "招商方式": "节会推介招",
            "项目负责人": "张三", "当前阶段": stage,
        }
        if stage != "储备":
            row["在谈日期"] = "2024-02-01"
        if stage in ("签约", "开工"):
            row |= {"签约日期": "2024-03-01", "协议投资额（万元）": Decimal(9000 + index)}
        if stage == "开工":
            row["开工日期"] = "2024-04-01"
        rows.append(row)
    for index, mistake in (errors or {}).items():
        heading, value = MISTAKES[mistake]
        rows[index][heading] = value
        if mistake == "duplicate_enterprise":
            rows[index]["统一社会信用代码"] = rows[0]["统一社会信用代码"]
        if mistake == "date_order":
            assert rows[index]["当前阶段"] == "开工", "a started project's row"
    return rows


def child_rows(rows: list[dict[str, Any]]) -> tuple[list[dict], list[dict]]:
    funds, milestones = [], []
    for index, row in enumerate(rows):
        if row["当前阶段"] in ("签约", "开工"):
            milestones.append({"台账编号": row["台账编号"], "节点": "开工", "计划日期": "2024-06-01"})
        if row["当前阶段"] == "开工":
            milestones.append({"台账编号": row["台账编号"], "节点": "竣工", "计划日期": "2025-06-01"})
            funds.append({"台账编号": row["台账编号"], "到位日期": "2024-04-10",
                          "到位金额（万元）": Decimal(1000), "凭证编号": f"HD-2024-{index:05d}",
                          "出资方": row["企业名称"]})
    return funds, milestones


def workbook(sheets: list[tuple[str, list[str], list[dict[str, Any]]]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, headings, rows in sheets:
        page = book.create_sheet(title)
        page.append(headings)
        for row in rows:
            page.append([row.get(heading) for heading in headings])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def project_ledger(count: int, errors: dict[int, str] | None = None,
                   unit: str | None = None) -> bytes:
    """``count`` projects (those of ``unit`` only, given its name) with ``errors``."""
    return ledger_of([row for row in project_rows(count, errors)
                      if unit in (None, row["招商单位"])])


def ledger_of(rows: list[dict[str, Any]]) -> bytes:
    """A project ledger of ``rows`` (:func:`project_rows`, perhaps edited), with their funds
    and milestones on their own sheets."""
    funds, milestones = child_rows(rows)
    return workbook([
        (PROJECTS.title, [column.heading for column in PROJECTS.columns], rows),
        (FUNDS.title, [column.heading for column in FUNDS.columns], funds),
        (MILESTONES.title, [column.heading for column in MILESTONES.columns], milestones),
    ])


def upload(client: Any, content: bytes, kind: str = "projects", commit: bool = False,
           as_: Any = None, name: str = "东区项目台账.xlsx") -> dict[str, Any]:
    """``POST /imports`` of ``content`` as a city's test client sends it: a dry run unless
    ``commit``; the answer's body (200 whatever the ledger's problems)."""
    query = f"/imports?kind={kind}&dry_run={'false' if commit else 'true'}"
    response = client.post(query, data={"file": (io.BytesIO(content), name)},
                           content_type="multipart/form-data", as_=as_)
    assert response.status_code == 200, response.json
    return response.json


PROBLEM_FIELDS = ("sheet", "row", "column", "code")
WITH_MESSAGE = (*PROBLEM_FIELDS, "message")


def listed(result: dict[str, Any], fields: tuple[str, ...] = PROBLEM_FIELDS) -> list[tuple]:
    """An import's problems as tuples of ``fields``, in the answer's order."""
    return [tuple(problem[field] for field in fields) for problem in result["problems"]]


def city_project_ledger(city: Any, projects: list[dict[str, Any]],
                        records: dict[str, list[dict[str, Any]]],
                        milestone_kinds: tuple[str, ...] = ("开工", "竣工")) -> bytes:
    """A project ledger in ``city``'s own template: the projects, each with its planned
    milestones of ``milestone_kinds`` (2025-06-01), and the rows of the city's record sheets
    (``records``: sheet title → rows), every heading as the city's template declares it."""
    from core.ledger_import.layout import sheets_of

    sheets = {sheet.title: sheet for sheet in sheets_of(city, "projects")}
    milestones = [{"台账编号": row["台账编号"], "节点": kind, "计划日期": "2025-06-01"}
                  for row in projects for kind in milestone_kinds]
    return workbook([
        ("项目", [column.heading for column in sheets["项目"].columns], projects),
        ("节点", ["台账编号", "节点", "计划日期", "实际日期"], milestones),
        *((title, [column.heading for column in sheets[title].columns], rows)
          for title, rows in records.items())])
