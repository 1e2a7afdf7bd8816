"""The city fields Ziyang keeps on leads and projects (``attributes``), checked on every write.

Projects: the signing records of :mod:`plugins.ziyang.signing` (the legal review and the
executive meeting are the office's to record), the target region the investor comes from
(Seed 二) and the cumulative tax paid (``tax_paid``, 万元, shared 1:9 on a transfer).
Leads: the target region. A malformed value is a field problem and nothing is written.
"""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validate

from core.toolkit import (
    OFFICE_ONLY,
    BaseSchema,
    City,
    FieldProblem,
    MoneyField,
    field_problems,
    refuse_office_only,
)
from plugins.ziyang.settings import settings
from plugins.ziyang.signing import SIGNATORIES, ExecutiveMeeting, LegalReview


def _attribute_schema(city: City, for_project: bool) -> BaseSchema:
    regions = settings(city)["target_regions"]
    declared: dict[str, fields.Field] = {
        "target_region": fields.String(allow_none=True, validate=validate.OneOf(regions),
                                       metadata={"description": "重点招商区域"}),
    }
    if for_project:
        declared |= {
            # Gate evidence the office records (plugins.ziyang.access): a clerk may not attest it.
            "legal_review": fields.Nested(LegalReview, allow_none=True, metadata={
                OFFICE_ONLY: True, "description": "合法性审查"}),
            "signatory": fields.String(allow_none=True,
                                       validate=validate.OneOf(list(SIGNATORIES))),
            "executive_meeting": fields.Nested(ExecutiveMeeting, allow_none=True, metadata={
                OFFICE_ONLY: True, "description": "市政府常务会议审议"}),
            "tax_paid": MoneyField(allow_none=True),
        }
    schema_class = BaseSchema.from_dict(declared, name="ZiyangAttributes")
    # Other keys belong to other rules (or other plugins); only ours are checked here.
    return schema_class(unknown="exclude")


def attribute_problems(city: City, data: dict[str, Any], for_project: bool) -> list[FieldProblem]:
    """Field problems of Ziyang's keys in ``data["attributes"]`` (None values delete a key).

    An office-only key sent by anyone but the office is refused first (403, nothing written).
    """
    attributes = data.get("attributes")
    if not isinstance(attributes, dict):
        return []
    schema = _attribute_schema(city, for_project)
    refuse_office_only(schema, attributes, "attributes.")
    try:
        schema.load(attributes)
    except ValidationError as exc:
        return field_problems(exc.messages, "attributes")
    return []
