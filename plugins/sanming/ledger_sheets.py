"""The 法规账 as a sheet of Sanming's project ledger (the ``ledger_record_sheets`` hook).

Signing needs every item of the 法规账 reviewed and none failed (``legal_review.refusals``): a
signed or started project of an existing ledger can only be imported with its reviews. Each
row of the sheet is one item's finding, recorded through ``legal_review.record`` — the same
validation, time rules (never ahead of today; signing not before the last review) and event
as the project page's form — under the form's own rule (``LEGAL_REVIEWER``: the item's
reviewing department's clerks, or the office), before the stage moves dated on or after it.
"""

from __future__ import annotations

from typing import Any

from marshmallow import fields

from core.toolkit import LEDGER_NO, OPTIONS, Column, RecordSheet
from plugins.sanming import legal_review
from plugins.sanming.access import LEGAL_REVIEWER
from plugins.sanming.models import LEGAL_FINDINGS
from plugins.sanming.schemas import LegalReviewInput

TITLE = "法规账"


class LegalReviewRow(LegalReviewInput):
    """A row of the sheet: the form's body and the item it reviews (the form's path)."""

    item = fields.String(required=True, metadata={"description": "审查事项"})


def record_row(session: Any, city: Any, project: Any, data: dict[str, Any], actor: Any) -> Any:
    found = dict(data)
    return legal_review.record(session, city, project, found.pop("item"), found, actor)


def sheets(city: Any) -> list[RecordSheet]:
    items = tuple((code, item["name"]) for code, item in legal_review.items(city).items())
    return [RecordSheet(TITLE, (
        Column("台账编号", LEDGER_NO, required=True, note="所属项目在“项目”表中的台账编号"),
        Column("事项", "item", OPTIONS, required=True, options=items,
               note="每个项目每个事项一行；签约前须全部审查且无不通过"),
        Column("结论", "finding", OPTIONS, required=True, options=tuple(LEGAL_FINDINGS.items())),
        Column("审查部门", "department", note="空缺时为该事项配置的审查部门"),
        Column("审查人", "reviewer", required=True),
        Column("审查日期", "reviewed_on", "date", required=True,
               note="不晚于今天，不晚于签约日期"),
        Column("理由", "reason", note="结论为不通过或不涉及时必填"),
        Column("说明", "note"),
    ), schema=LegalReviewRow, record=record_row, permission=LEGAL_REVIEWER,
        dated_by="reviewed_on")]
