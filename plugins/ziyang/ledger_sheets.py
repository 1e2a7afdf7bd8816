"""The signing records of Seed 五 as a sheet of Ziyang's project ledger (the
``ledger_record_sheets`` hook).

Signing needs the agreement's legal review (合法性审查, with its three scopes), who signs it
(签署主体) and, for one signed in the city government's name, the executive meeting's approval
(``signing.signing_refusals``). They are project attributes of a structure one cell of the 项目
sheet cannot hold (a record, a list of scopes), so the ledger has a sheet 签约前置记录, one row per
project. A row is recorded as the project page's forms record it — ``update_project`` with the
three attributes, checked by ``project_fields`` — before the stage moves dated on or after its
审查日期; the legal review and the meeting are the office's (``OFFICE_ONLY`` here, as on the
attributes: a clerk's row naming them is refused field by field).
"""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validate, validates

from core.toolkit import (
    LEDGER_NO,
    OFFICE_ONLY,
    OPTIONS,
    BaseSchema,
    Column,
    RecordSheet,
    list_items,
    update_project,
)
from plugins.ziyang.signing import LEGAL_CONCLUSIONS, LEGAL_SCOPES, MEETING_DECISIONS, SIGNATORIES

TITLE = "签约前置记录"
SCOPE_SEPARATORS = ("、", "，", ",", "；", ";")


def scope_codes(text: str) -> list[str | None]:
    """The scopes a cell names (separated by 、 or a comma): each name's code, None if unknown."""
    names = {name: code for code, name in LEGAL_SCOPES.items()}
    return [names.get(part, part if part in LEGAL_SCOPES else None)
            for part in list_items(text, SCOPE_SEPARATORS)]


def _office(description: str) -> dict[str, Any]:
    return {OFFICE_ONLY: True, "description": description}


class SigningRow(BaseSchema):
    signatory = fields.String(required=True, validate=validate.OneOf(list(SIGNATORIES)))
    reviewer = fields.String(required=True, validate=validate.Length(min=2, max=100),
                             metadata=_office("合法性审查人"))
    reviewed_on = fields.Date(required=True, metadata=_office("合法性审查日期"))
    conclusion = fields.String(required=True, validate=validate.OneOf(list(LEGAL_CONCLUSIONS)),
                               metadata=_office("合法性审查结论"))
    scope = fields.String(required=True, metadata=_office("合法性审查范围"))
    opinion = fields.String(load_default=None, allow_none=True, metadata=_office("审查意见"))
    meeting_session = fields.String(load_default=None, allow_none=True,
                                    metadata=_office("市政府常务会议"))
    meeting_on = fields.Date(load_default=None, allow_none=True, metadata=_office("会议日期"))
    meeting_decision = fields.String(load_default=None, allow_none=True,
                                     validate=validate.OneOf(list(MEETING_DECISIONS)),
                                     metadata=_office("会议决议"))

    @validates("scope")
    def _known_scopes(self, value: str, **_: Any) -> None:
        if None in scope_codes(value):
            raise ValidationError(f"审查范围应为：{'、'.join(LEGAL_SCOPES.values())}（以顿号分隔）")


def record_row(session: Any, city: Any, project: Any, data: dict[str, Any], actor: Any) -> Any:
    """The row as the forms' ``PATCH /projects/<id>`` body: its three attributes."""
    attributes: dict[str, Any] = {
        "signatory": data["signatory"],
        "legal_review": {"reviewer": data["reviewer"],
                         "reviewed_on": data["reviewed_on"].isoformat(),
                         "conclusion": data["conclusion"], "scope": scope_codes(data["scope"]),
                         "opinion": data.get("opinion")}}
    meeting = (data.get("meeting_session"), data.get("meeting_on"), data.get("meeting_decision"))
    if any(meeting):
        attributes["executive_meeting"] = {
            "session": meeting[0], "decision": meeting[2],
            "held_on": meeting[1].isoformat() if meeting[1] else None}
    return update_project(session, city, project, {"attributes": attributes}, actor)


def sheets(city: Any) -> list[RecordSheet]:
    return [RecordSheet(TITLE, (
        Column("台账编号", LEDGER_NO, required=True, note="所属项目在“项目”表中的台账编号；每个项目一行"),
        Column("签署主体", "signatory", OPTIONS, required=True, options=tuple(SIGNATORIES.items())),
        Column("审查人", "reviewer", required=True, note="合法性审查人（市招商部门登记）"),
        Column("审查日期", "reviewed_on", "date", required=True, note="不晚于签约日期"),
        Column("审查结论", "conclusion", OPTIONS, required=True,
               options=tuple(LEGAL_CONCLUSIONS.items())),
        Column("审查范围", "scope", required=True,
               note="签约须涵盖：" + "、".join(LEGAL_SCOPES.values()) + "（以顿号分隔）"),
        Column("审查意见", "opinion"),
        Column("市政府常务会议", "meeting_session", note="以市政府名义签署时必填，如：市政府第45次常务会议"),
        Column("会议日期", "meeting_on", "date", note="不晚于签约日期"),
        Column("会议决议", "meeting_decision", OPTIONS, options=tuple(MEETING_DECISIONS.items())),
    ), schema=SigningRow, record=record_row, dated_by="reviewed_on")]
