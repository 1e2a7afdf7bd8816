"""Lanzhou's own fields on leads and projects (``attributes``), checked on every write.

A bad value is a field problem on ``attributes.<key>`` with a stable code and a Chinese
message; the write is refused (422) and nothing is stored. On an update a key set to null is
removed (the core merges attributes), so every field here accepts null.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from marshmallow import INCLUDE, Schema, ValidationError, fields, validate

from core.toolkit import (
    OFFICE_ONLY,
    CodedMessage,
    FieldProblem,
    MoneyField,
    Unit,
    field_problems,
)


def _must_be_boolean(value: Any) -> None:
    # Attributes are stored as sent, so "yes" or 1 must not pass for true.
    if not isinstance(value, bool):
        raise ValidationError(CodedMessage("boolean.strict", "应为 true 或 false"))


def _flag(**kwargs: Any) -> fields.Raw:
    return fields.Raw(allow_none=True, validate=_must_be_boolean, **kwargs)


def _text(max_length: int = 200) -> fields.String:
    return fields.String(allow_none=True, validate=validate.Length(min=1, max=max_length))


class LeadAttributes(Schema):
    """A key lead: 一个项目、一名领导、一套班子."""

    class Meta:
        unknown = INCLUDE  # the core's and other plugins' keys pass through untouched

    key_lead = _flag()
    leader = _text(100)
    team = _text()
    # 重点目标企业: the library's target this lead or project approaches (plugins.lanzhou.targets).
    target_enterprise_id = fields.Integer(allow_none=True, strict=True,
                                          metadata={"description": "所对接的重点目标企业"})


class BusinessPlan(Schema):
    """商业计划书深度: when the reserve project reached it and the document."""

    reached_on = fields.Date(required=True)
    document = fields.String(required=True, validate=validate.Length(min=1, max=200))


class ProjectAttributes(LeadAttributes):
    # Marked key by the office (重点签约项目); a clerk may neither set nor clear it, or a key
    # project could escape 五定包抓 (plugins.lanzhou.access).
    key_project = _flag(metadata={OFFICE_ONLY: True, "description": "重点项目标记"})
    # 五定包抓 (定领导 is the core's leader_name)
    responsible_unit = _text(64)
    responsible_person = _text(100)
    target = _text(500)
    deadline = fields.Date(allow_none=True)
    # What the quality-weighted assessment reads (Seed 三(三)3).
    high_tech = _flag()  # 科技含量: a high- and new-technology project
    annual_tax = MoneyField(allow_none=True)  # expected annual tax, 万元
    fixed_assets = MoneyField(allow_none=True)  # fixed-asset investment, 万元
    business_plan = fields.Nested(BusinessPlan, allow_none=True)


def attribute_problems(schema: type[Schema], given: dict[str, Any],
                       session: Any = None) -> list[FieldProblem]:
    """Problems of ``given`` attributes; a responsible unit must be one of the city's."""
    try:
        schema().load(given)
    except ValidationError as exc:
        return field_problems(exc.messages, "attributes")
    code = given.get("responsible_unit")
    if code and session is not None and session.scalar(
            sa.select(Unit.id).where(Unit.code == code)) is None:
        return [FieldProblem("attributes.responsible_unit", "unit.unknown",
                             f"责任单位编码 {code} 不存在")]
    return []
