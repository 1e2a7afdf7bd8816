"""Signing (Seed 五) and the construction timetable (Seed 六) as gates and guards.

Before a project is signed:

* the agreement has passed legal review (合法性审查) of its legality, its preferential terms
  and the investor's rights and duties, recorded as ``attributes.legal_review`` with the
  reviewer, the date and the conclusion;
* who signs it is recorded (``attributes.signatory``), and an agreement signed in the name of
  the city government (``city_government``) has been approved by the city government's
  executive meeting (市政府常务会议, ``attributes.executive_meeting``);
* the construction timetable the agreement sets — 开工、竣工、投产 — is entered as the project's
  three milestones.

They are recorded with ``PATCH /api/v1/projects/<id>`` (``attributes``); the values are
checked by :mod:`plugins.ziyang.project_fields`, so a malformed record is refused and nothing
is written. The legal review and the executive meeting are gate evidence the office records: a
clerk may record the signatory and the timetable, not attest those two (403 ``forbidden_field``,
:mod:`plugins.ziyang.access`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from marshmallow import fields, validate

from core.toolkit import (
    BaseSchema,
    City,
    DateBound,
    FieldProblem,
    Project,
    Refusal,
    not_before,
    not_in_future,
)

LEGAL_SCOPES = {
    "agreement": "投资协议合法性",
    "preferential_terms": "优惠政策",
    "investor_rights_duties": "投资方权利义务",
}
LEGAL_CONCLUSIONS = {"passed": "审查通过", "failed": "审查未通过"}
SIGNATORIES = {
    "city_government": "市政府",
    "county_government": "县（区）政府",
    "zone_committee": "园区管委会",
    "department": "市级部门",
}
MEETING_DECISIONS = {"approved": "审议通过", "rejected": "未通过"}
TIMETABLE = ("milestones.start", "milestones.completion", "milestones.production")


class LegalReview(BaseSchema):
    reviewer = fields.String(required=True, validate=validate.Length(min=2, max=100))
    reviewed_on = fields.Date(required=True)
    conclusion = fields.String(required=True, validate=validate.OneOf(list(LEGAL_CONCLUSIONS)))
    # What was reviewed; signing needs all three (Seed 五).
    scope = fields.List(fields.String(validate=validate.OneOf(list(LEGAL_SCOPES))), required=True)
    opinion = fields.String(load_default=None, allow_none=True)


class ExecutiveMeeting(BaseSchema):
    session = fields.String(required=True, validate=validate.Length(min=2, max=200),
                            metadata={"description": "如：市政府第45次常务会议"})
    held_on = fields.Date(required=True)
    decision = fields.String(required=True, validate=validate.OneOf(list(MEETING_DECISIONS)))


def timetable_fields(stage: str) -> list[str]:
    """The agreement's 开工、竣工、投产 dates are all needed to sign."""
    return list(TIMETABLE) if stage == "signed" else []


def signing_refusals(city: City, project: Project) -> list[Refusal]:
    """Why ``project`` may not be signed yet under Seed 五 (empty: it may)."""
    attributes = project.attributes or {}
    refusals = []
    review = attributes.get("legal_review")
    if not review:
        refusals.append(Refusal("ziyang.legal_review.missing",
                                "签约前须完成投资协议合法性审查，并登记审查人、审查日期和审查结论"))
    else:
        if review.get("conclusion") != "passed":
            conclusion = LEGAL_CONCLUSIONS.get(review.get("conclusion"), "未定")
            refusals.append(Refusal("ziyang.legal_review.failed",
                                    f"合法性审查结论为“{conclusion}”，不能签约"))
        uncovered = [label for code, label in LEGAL_SCOPES.items()
                     if code not in review.get("scope", [])]
        if uncovered:
            refusals.append(Refusal("ziyang.legal_review.scope",
                                    f"合法性审查须涵盖：{'、'.join(uncovered)}"))
    signatory = attributes.get("signatory")
    if not signatory:
        refusals.append(Refusal("ziyang.signatory.missing",
                                "签约前须登记协议签署主体（是否以市政府名义签署）"))
    elif signatory == "city_government":
        meeting = attributes.get("executive_meeting") or {}
        if meeting.get("decision") != "approved":
            refusals.append(Refusal("ziyang.executive_meeting",
                                    "以市政府名义签署的投资协议，须先经市政府常务会议审议通过"))
    return refusals


# The dated signing records: (attribute, date key, Chinese name of the date).
SIGNING_DATES = (("legal_review", "reviewed_on", "合法性审查日期"),
                 ("executive_meeting", "held_on", "市政府常务会议日期"))


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def signing_date_bounds(project: Project, field: str) -> list[DateBound]:
    """Signing comes after its legal review and the executive meeting (``date_bounds``)."""
    if field != "signed_on":
        return []
    attributes = project.attributes or {}
    bounds = []
    for key, date_key, label in SIGNING_DATES:
        on = _date((attributes.get(key) or {}).get(date_key))
        if on is not None:
            bounds.append(DateBound(on, label, f"ziyang.{key}.after_signing"))
    return bounds


def signing_date_problems(city: City, data: dict[str, Any],
                          project: Project | None) -> list[FieldProblem]:
    """A review or meeting date sent in ``attributes``: not in the future, and for a project
    already signed not after its signing (a legal review dated after the signing is refused)."""
    attributes = data.get("attributes")
    if not isinstance(attributes, dict):
        return []
    signed_on = project.signed_on if project is not None else None
    problems = []
    for key, date_key, label in SIGNING_DATES:
        record = attributes.get(key)
        on = _date(record.get(date_key)) if isinstance(record, dict) else None
        field = f"attributes.{key}.{date_key}"
        for problem in (not_in_future(city, field, on, label),
                        not_before(field, signed_on, on, label="签约日期", other_label=label,
                                   code=f"ziyang.{key}.after_signing")):
            if problem is not None:
                problems.append(problem)
    return problems


def signing_records(city: City, project: Project) -> list[dict[str, Any]]:
    """The three signing records of Seed 五 as rows for the project page (what is recorded, and
    whether it allows signing): read with the refusals' own rules, so the two never disagree."""
    attributes = project.attributes or {}
    open_rules = {refusal.rule for refusal in signing_refusals(city, project)}
    review = attributes.get("legal_review") or {}
    meeting = attributes.get("executive_meeting") or {}
    signatory = attributes.get("signatory")
    review_text = ("；".join(filter(None, (
        LEGAL_CONCLUSIONS.get(review.get("conclusion"), ""), review.get("reviewer"),
        str(review.get("reviewed_on") or ""),
        "审查范围：" + "、".join(LEGAL_SCOPES.get(code, code) for code in review.get("scope", []))
        if review.get("scope") else ""))) if review else "未登记")
    meeting_text = ("；".join(filter(None, (meeting.get("session"), str(meeting.get("held_on") or ""),
                                           MEETING_DECISIONS.get(meeting.get("decision"), ""))))
                    if meeting else "未登记")
    needs_meeting = signatory == "city_government"
    return [
        {"item": "合法性审查", "record": review_text,
         "ready": not any(rule.startswith("ziyang.legal_review") for rule in open_rules)},
        {"item": "签署主体", "record": SIGNATORIES.get(signatory, "未登记"),
         "ready": "ziyang.signatory.missing" not in open_rules},
        {"item": "市政府常务会议", "record": meeting_text if needs_meeting or meeting else "不涉及",
         "ready": "ziyang.executive_meeting" not in open_rules},
    ]
