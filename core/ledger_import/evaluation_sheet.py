"""The 评价记录 sheet of a project ledger: decided evaluations, so a project a city's evaluation
gate guards (准入评估, 重大项目评审, 前期评价 …) can be imported signed or started.

One row is one decided evaluation of the project (or, for an investor form, of its enterprise)
under one of the city's declared forms: the evaluator, a score per dimension (a column per
dimension the forms declare, headed by its name), the decision and its date. It is recorded by
``evaluations.record_decided`` — the same start, scoring and steps as by hand, the decision
dated ``decided_on`` — before the project's stage moves dated on or after that date, so the
gate (and the signing date's bound on the decision) is honoured exactly as by hand.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from marshmallow import fields, validate

from core.evaluation_rules import DECISIONS, SUBJECTS, city_forms
from core.ledger_import.layout import LEDGER_NO, OPTIONS, Column, RecordSheet
from core.schemas.base import BaseSchema
from core.schemas.evaluations import ScoreValue

if TYPE_CHECKING:
    from core.city import City

TITLE = "评价记录"


class EvaluationRow(BaseSchema):
    """A row: the form, its subject (defaults to the form's), scores by dimension code, the
    evaluator, the decision and its date."""

    form = fields.String(required=True, metadata={"description": "评价表"})
    subject = fields.String(load_default=None, allow_none=True,
                            validate=validate.OneOf(list(SUBJECTS)))
    scores = fields.Dict(keys=fields.String(), values=ScoreValue(), load_default=dict)
    evaluator = fields.String(required=True, validate=validate.Length(min=2, max=200))
    decision = fields.String(required=True, validate=validate.OneOf(list(DECISIONS)))
    decided_on = fields.Date(required=True)
    opinion = fields.String(load_default=None, allow_none=True,
                            validate=validate.Length(max=5000))


def record_row(session: Any, city: City, project: Any, data: dict[str, Any], actor: Any) -> Any:
    from core.services.evaluations import record_decided

    form = city_forms(city).get(data["form"])
    subject = data.get("subject") or (form.subject if form is not None else "project")
    target = ({"enterprise": project.enterprise} if subject == "enterprise"
              else {"project": project})
    return record_decided(session, city, data, actor, **target)


def dimension_columns(city: City) -> tuple[Column, ...]:
    """A column per dimension of the city's forms, headed by its name (two forms' dimension of
    one code share it; a name two codes bear is told apart by its form's name)."""
    columns: dict[str, Column] = {}
    headings: set[str] = set()
    for form in city_forms(city).values():
        for dimension in form.dimensions:
            if dimension.code in columns:
                continue
            heading = dimension.name if dimension.name not in headings else (
                f"{dimension.name}（{form.name}）")
            headings.add(heading)
            columns[dimension.code] = Column(
                heading, f"scores.{dimension.code}",
                note=f"《{form.name}》评分，0–{dimension.max_score}")
    return tuple(columns.values())


def sheets(city: City) -> list[RecordSheet]:
    forms = city_forms(city)
    if not forms:
        return []
    return [RecordSheet(TITLE, (
        Column("台账编号", LEDGER_NO, required=True, note="所属项目在“项目”表中的台账编号"),
        Column("评价表", "form", OPTIONS, required=True,
               options=tuple((code, form.name) for code, form in forms.items()),
               note="每次评价一行；签约（开工）前须通过本市规定的评价"),
        Column("评价对象", "subject", OPTIONS, options=tuple(SUBJECTS.items()),
               note="空缺时为评价表所评对象（投资方评价评项目的企业）"),
        *dimension_columns(city),
        Column("评价结论", "decision", OPTIONS, required=True, options=tuple(DECISIONS.items())),
        Column("评价人", "evaluator", required=True, note="评审专家、单位或负责人"),
        Column("决定日期", "decided_on", "date", required=True, note="不晚于今天，不晚于签约日期"),
        Column("评价意见", "opinion"),
    ), schema=EvaluationRow, record=record_row, dated_by="decided_on")]
