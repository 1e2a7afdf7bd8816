"""报备认定 as a sheet of Lanzhou's project ledger (the ``ledger_record_sheets`` hook).

Signing needs the project's introducer registered (``recognition.registration_refusals``): a
signed or started project of an existing ledger can only be imported with its registration.
Each row of the sheet 报备认定 is one project's registration, recorded as by hand: 报备 through
``recognition.register`` under the form's own rule (``INTRODUCER``: the introducing unit's
clerk, or the office), before the stage moves dated on or after its 报备日期; then, when the row
gives a 认定结论, 认定 through ``recognition.decide`` — the office's act (its columns are
``OFFICE_ONLY``: a clerk's row naming them is refused field by field), with the same reason and
date rules (不予认定须说明理由, 认定日期不早于报备日期).

An office import records an already-decided registration as the office would by hand: it
registers on the unit's behalf (the office may register any project) and decides on the
ledger's 认定日期, both in the importing user's name; the history and the events say it was
imported. The intermediary is the row's 中介人 (a registry entry by name or credit code, as
the 项目 sheet's 引荐人), else the project's own.
"""

from __future__ import annotations

from typing import Any

from marshmallow import fields, validate

from core.toolkit import (
    INTRODUCER_NAME,
    LEDGER_NO,
    OFFICE_ONLY,
    OPTIONS,
    BaseSchema,
    Column,
    FieldProblem,
    Problem,
    RecordSheet,
)
from plugins.lanzhou import recognition
from plugins.lanzhou.access import INTRODUCER

TITLE = "报备认定"
DECISIONS = {"recognised": "认定", "refused": "不予认定"}


def _office(description: str) -> dict[str, Any]:
    return {OFFICE_ONLY: True, "description": description}


class RegistrationRow(BaseSchema):
    """A row: the registration form's body, and the office's decision on it (if decided)."""

    introducing_unit = fields.String(load_default=None, allow_none=True)
    intermediary_id = fields.Integer(allow_none=True)  # absent: the project's introducer
    registered_on = fields.Date(required=True)
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=1000))
    decision = fields.String(load_default=None, allow_none=True,
                             validate=validate.OneOf(list(DECISIONS)), metadata=_office("认定结论"))
    decided_on = fields.Date(load_default=None, allow_none=True, metadata=_office("认定日期"))
    decision_note = fields.String(load_default=None, allow_none=True,
                                  validate=validate.Length(max=1000), metadata=_office("认定意见"))


def record_row(session: Any, city: Any, project: Any, data: dict[str, Any], actor: Any) -> Any:
    row = recognition.register(session, city, project, {
        key: data[key] for key in ("introducing_unit", "intermediary_id", "registered_on", "note")
        if key in data}, actor)
    if data.get("decision") is None:
        return row
    try:
        return recognition.decide(session, city, row, {
            "recognised": data["decision"] == "recognised", "decided_on": data.get("decided_on"),
            "note": data.get("decision_note")}, actor)
    except Problem as exc:
        # The decision's ``note`` is the row's 认定意见, not its 报备说明.
        exc.errors = [FieldProblem("decision_note", e.code, e.message) if e.field == "note" else e
                      for e in exc.errors]
        raise


def sheets(city: Any) -> list[RecordSheet]:
    return [RecordSheet(TITLE, (
        Column("台账编号", LEDGER_NO, required=True, note="所属项目在“项目”表中的台账编号；每个项目一行"),
        Column("引进单位", "introducing_unit", "unit",
               note="空缺时为项目的招商单位；须为项目的招商单位或落户单位"),
        Column("中介人", "intermediary_id", INTRODUCER_NAME,
               note="引荐人名录中的名称或统一社会信用代码；空缺时为项目的引荐人"),
        Column("报备日期", "registered_on", "date", required=True, note="签约前须报备"),
        Column("报备说明", "note"),
        Column("认定结论", "decision", OPTIONS, options=tuple(DECISIONS.items()),
               note="市招商部门填写；空缺为待认定"),
        Column("认定日期", "decided_on", "date", note="不早于报备日期；空缺时为今天"),
        Column("认定意见", "decision_note", note="不予认定须说明理由"),
    ), schema=RegistrationRow, record=record_row, permission=INTRODUCER,
        dated_by="registered_on")]
