"""引荐人名录: input and output of the registry of those who introduce investment."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validate

from core.introducers import (
    INTERMEDIARY_KINDS,
    PHONE_MESSAGE,
    PUBLIC_OFFICIAL,
    STATUSES,
    normalise_phone,
)
from core.problems import CodedMessage
from core.schemas.base import BaseSchema, CreditCode, Name, Page, SearchText, SortKey


class Phone(fields.String):
    """A Chinese mobile (11 digits), a landline with its area code, or a 400/800 number."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        phone = normalise_phone(text)
        if phone is None:
            raise ValidationError(CodedMessage("intermediary.phone", PHONE_MESSAGE))
        return phone


class IntermediaryInput(BaseSchema):
    """An entry as the office registers it (every field) or corrects it (the fields sent)."""

    name = Name(required=True, validate=validate.Length(min=2, max=200),
                metadata={"description": "机构名称或姓名"})
    kind = fields.String(required=True, validate=validate.OneOf(
        list(INTERMEDIARY_KINDS), error="类别应为 firm（中介机构）、advisor（顾问）、"
                                        "ambassador（招商大使）或 individual（个人）"))
    credit_code = CreditCode(load_default=None, allow_none=True,
                             metadata={"description": "统一社会信用代码（中介机构必填）"})
    contact_person = Name(load_default=None, allow_none=True,
                          validate=validate.Length(min=2, max=100))
    phone = Phone(required=True, allow_none=False, metadata={"description": "手机或固定电话"})
    email = fields.Email(load_default=None, allow_none=True, validate=validate.Length(max=200),
                         error_messages={"invalid": "电子邮箱格式不正确"})
    address = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=300))
    notes = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    roles = fields.List(fields.String(), load_default=list,
                        metadata={"description": "本市角色编码（见本市配置 introducer_roles）"})


class IntermediaryUpdate(IntermediaryInput):
    reason = fields.String(load_default=None, allow_none=True,
                           validate=validate.Length(max=500), metadata={"description": "修改原因"})


class PublicOfficialInput(BaseSchema):
    public_official = fields.String(required=True, validate=validate.OneOf(
        ["yes", "no"], error="应选择是否为国家公职人员（是或否）"))
    basis = fields.String(required=True, validate=validate.Length(min=2, max=500),
                          metadata={"description": "确认依据（如 组织人事部门函、本人承诺书）"})


class StatusInput(BaseSchema):
    status = fields.String(required=True, validate=validate.OneOf(
        list(STATUSES), error="应为 active（在册）或 inactive（停用）"))
    reason = fields.String(required=True, validate=validate.Length(min=2, max=500))


class IntermediaryChangeSchema(BaseSchema):
    actor = fields.String()
    action = fields.String()
    changes = fields.Dict()
    reason = fields.String(allow_none=True)
    recorded_at = fields.DateTime()


class IntermediarySchema(BaseSchema):
    id = fields.Integer(metadata={"title": "引荐人编号"})
    name = fields.String(metadata={"title": "引荐人"})
    kind = fields.String()
    kind_label = fields.Function(lambda row: INTERMEDIARY_KINDS.get(row.kind, row.kind))
    credit_code = fields.String(allow_none=True)
    contact_person = fields.String(allow_none=True, metadata={"title": "联系人"})
    phone = fields.String(allow_none=True, metadata={"title": "联系电话"})
    email = fields.String(allow_none=True, metadata={"title": "电子邮箱"})
    address = fields.String(allow_none=True, metadata={"title": "地址"})
    notes = fields.String(allow_none=True, metadata={"title": "备注"})
    roles = fields.List(fields.String(), metadata={"title": "角色代码"})
    role_names = fields.Function(lambda row: _role_names(row.roles), metadata={"title": "本市角色"})
    status = fields.String()
    status_label = fields.Function(lambda row: STATUSES.get(row.status, row.status))
    public_official = fields.String(metadata={
        "title": "公职人员身份代码", "description": "yes、no 或 unknown（未确认）"})
    public_official_label = fields.Function(
        lambda row: PUBLIC_OFFICIAL.get(row.public_official), metadata={"title": "是否国家公职人员"})
    public_official_basis = fields.String(allow_none=True, metadata={"title": "身份确认依据"})
    public_official_confirmed_by = fields.String(allow_none=True, metadata={"title": "身份确认人"})
    public_official_confirmed_at = fields.DateTime(allow_none=True,
                                                   metadata={"title": "身份确认时间"})
    registered_by = fields.String(allow_none=True, metadata={"title": "登记人"})
    registered_at = fields.DateTime(allow_none=True, metadata={"title": "登记时间"})
    version = fields.Integer(dump_only=True)


class IntermediaryDetail(IntermediarySchema):
    history = fields.List(fields.Nested(IntermediaryChangeSchema), metadata={"title": "变更记录"})


class IntermediaryQuery(Page):
    sort = SortKey("name", "kind", "contact_person", "public_official", "status", "registered_at")
    kind = fields.String(validate=validate.OneOf(list(INTERMEDIARY_KINDS)))
    role = fields.String(metadata={"description": "本市角色编码"})
    status = fields.String(validate=validate.OneOf(list(STATUSES)))
    public_official = fields.String(validate=validate.OneOf(list(PUBLIC_OFFICIAL)))
    q = SearchText()


def _role_names(codes: list[str] | None) -> list[str]:
    from core.api.support import city
    from core.introducers import declared_roles

    roles = declared_roles(city())
    return [roles[code]["name"] if code in roles else code for code in codes or []]
