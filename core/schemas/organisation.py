"""Units, persons, intermediaries and enterprises."""

from __future__ import annotations

from marshmallow import fields, validate

from core.models.enterprises import ENTERPRISE_TAGS
from core.models.organisation import UNIT_KINDS
from core.schemas.base import BaseSchema, CreditCode, Name, Page, SearchText, SortKey


class UnitSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    code = fields.String()
    name = fields.String()
    kind = fields.String(validate=validate.OneOf(list(UNIT_KINDS)))
    kind_label = fields.Function(lambda unit: UNIT_KINDS.get(unit.kind), dump_only=True)
    parent_code = fields.Function(lambda u: u.parent.code if u.parent else None, dump_only=True)
    park_level = fields.String(allow_none=True)
    designated_industries = fields.List(fields.String())


class UnitQuery(Page):
    sort = SortKey("code", "name")
    kind = fields.String(validate=validate.OneOf(list(UNIT_KINDS)))


class EnterpriseInput(BaseSchema):
    """An investor as a clerk reports it; matched to an existing one by credit code or name."""

    name = Name(required=True, validate=validate.Length(min=2, max=200))
    credit_code = CreditCode(load_default=None, allow_none=True,
                             metadata={"description": "统一社会信用代码（18位）"})
    origin_region = fields.String(load_default=None, allow_none=True)
    origin_province = fields.String(load_default=None, allow_none=True)
    tags = fields.List(fields.String(validate=validate.OneOf(ENTERPRISE_TAGS)), load_default=list)


class EnterpriseSchema(EnterpriseInput):
    id = fields.Integer(dump_only=True)
    province_code = fields.String(dump_only=True, allow_none=True, metadata={
        "description": "投资方省份的行政区划代码（GB/T 2260，如 620000）；null 为未知"})
    division_code = fields.String(dump_only=True, allow_none=True, metadata={
        "description": "统一社会信用代码第3–8位：登记机关的行政区划代码"})
    version = fields.Integer(dump_only=True, metadata={
        "description": "记录版本（ETag）；更正时以 If-Match 发送"})


class EnterpriseCorrection(BaseSchema):
    """The office corrects an investor's credit code or province, with a reason."""

    credit_code = CreditCode(allow_none=True, metadata={"description": "统一社会信用代码（18位）"})
    origin_province = fields.String(allow_none=True, validate=validate.Length(max=50))
    origin_region = fields.String(allow_none=True, validate=validate.Length(max=100))
    reason = fields.String(required=True, validate=validate.Length(min=2, max=500),
                           metadata={"description": "更正原因"})


class EnterpriseQuery(Page):
    sort = SortKey("name", "credit_code")
    q = SearchText(metadata={"description": "搜索：企业名称的任意片段（至少2个字），或信用代码开头"})
    tag = fields.String()
