"""Sanming's own fields on leads and projects (``attributes``), checked on every write.

A bad value is a field problem on ``attributes.<key>`` with a stable code and a Chinese
message, and the write is refused (422) with nothing stored. On an update a key set to null
is removed (the core merges attributes), so every field here accepts null.

The key-project flags (省重点, 市县认定) are the office's: the commerce bureau keeps the key list
(Seed 三(一)2). They carry ``OFFICE_ONLY`` like any office-only schema field, and a project
write by anyone else that sends one — even null, to clear it — is refused with a field-level
403 ``forbidden_field`` naming it, before anything is written (the core's ``refuse_office_only``).
"""

from __future__ import annotations

from typing import Any

from marshmallow import INCLUDE, Schema, ValidationError, fields, validate

from core.toolkit import (
    OFFICE_ONLY,
    CodedMessage,
    FieldProblem,
    MoneyField,
    field_problems,
)
from plugins.sanming.discipline import REASON_CATEGORIES
from plugins.sanming.settings import LINK_POSITIONS, settings


def _text(max_length: int = 500) -> fields.String:
    return fields.String(allow_none=True, validate=validate.Length(min=1, max=max_length))


class StrictBoolean(fields.Boolean):
    """true or false only: attributes are stored as sent, so "yes" or 1 must not pass."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise ValidationError(CodedMessage("boolean.strict", "应为 true 或 false"))
        return value


class EconomicAccount(Schema):
    """经济账: expected annual tax and incentives in 万元, jobs created."""

    tax = MoneyField(allow_none=True)
    jobs = fields.Integer(allow_none=True, strict=True, validate=validate.Range(min=0))
    incentives = MoneyField(allow_none=True)


class ReviewedElsewhere(fields.Field):
    """法规账 was free text here; it is now a review item by item with its reviewing department
    (``/sanming/projects/<id>/legal-review``), so a text sent here is refused (null clears)."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        raise ValidationError(CodedMessage(
            "legal_account.review", "法规账须逐项审查登记（环保、安全、用地、林地），不再以文字填写"))


class CommonAttributes(Schema):
    """Fields a lead and a project share: where it comes from and which map it serves."""

    class Meta:
        unknown = INCLUDE  # other plugins' and the core's keys pass through untouched

    region = fields.String(allow_none=True)
    method = fields.String(allow_none=True)
    chain = fields.String(allow_none=True)
    map = fields.String(allow_none=True)
    link = fields.String(allow_none=True, validate=validate.OneOf(list(LINK_POSITIONS)))


class ProjectAttributes(CommonAttributes):
    commissioner = _text(100)  # 招商专员
    provincial_key = StrictBoolean(allow_none=True, metadata={
        OFFICE_ONLY: True, "description": "省招商引资重点项目"})
    recognised_key = StrictBoolean(allow_none=True, metadata={
        OFFICE_ONLY: True, "description": "市、县认定重点招商项目"})
    recognised_by = fields.String(allow_none=True, validate=validate.OneOf(["city", "county"]),
                                  metadata={OFFICE_ONLY: True, "description": "认定层级"})
    first_tax_on = fields.Date(allow_none=True)  # the project's first tax: tax sharing starts
    reason_category = fields.String(allow_none=True,
                                    validate=validate.OneOf(list(REASON_CATEGORIES)))
    economic_account = fields.Nested(EconomicAccount, allow_none=True)
    legal_account = ReviewedElsewhere(allow_none=True)


# The Chinese names of the city's own project fields: exports head their columns with them.
ATTRIBUTE_LABELS = {
    "region": "招商片区", "method": "工作法", "chain": "产业链", "map": "招商地图",
    "link": "产业链环节", "commissioner": "招商专员", "provincial_key": "省招商引资重点项目",
    "recognised_key": "市、县认定重点招商项目", "recognised_by": "认定层级",
    "first_tax_on": "首次纳税日期", "reason_category": "终止原因类别", "economic_account": "经济账",
}


def office_only_attributes(schema: type[Schema]) -> dict[str, str]:
    """The attributes of ``schema`` only the office sets (key → Chinese label)."""
    return {key: str(declared.metadata.get("description") or key)
            for key, declared in schema().fields.items() if declared.metadata.get(OFFICE_ONLY)}


def _catalogue_problems(city: Any, merged: dict[str, Any]) -> list[FieldProblem]:
    """Region, method, chain and map must be the configured ones; a map must be its chain's."""
    config = settings(city)
    problems = []
    for key, section, label in (("region", "regions", "招商片区"), ("method", "methods", "工作法"),
                                ("chain", "chains", "产业链"), ("map", "maps", "招商地图")):
        value = merged.get(key)
        codes = {item["code"] for item in config[section]}
        if value is not None and value not in codes:
            problems.append(FieldProblem(f"attributes.{key}", f"{key}.unknown",
                                         f"{label} {value} 不在本市配置中"))
    maps = {item["code"]: item for item in config["maps"]}
    chosen = maps.get(merged.get("map") or "")
    if chosen is not None and merged.get("chain") not in (None, chosen["chain"]):
        problems.append(FieldProblem("attributes.map", "map.other_chain",
                                     f"招商地图 {chosen['code']} 属于产业链 {chosen['chain']}"))
    if merged.get("link") is not None and chosen is None:
        problems.append(FieldProblem("attributes.link", "link.without_map",
                                     "填写产业链环节时须同时填写招商地图"))
    return problems


def attribute_problems(city: Any, schema: type[Schema], given: dict[str, Any],
                       current: dict[str, Any] | None = None) -> list[FieldProblem]:
    """Problems of ``given`` attributes (merged over ``current`` ones on an update)."""
    try:
        schema().load(given)
    except ValidationError as exc:
        return field_problems(exc.messages, "attributes")
    merged = {key: value for key, value in {**(current or {}), **given}.items()
              if value is not None}
    return _catalogue_problems(city, merged)
