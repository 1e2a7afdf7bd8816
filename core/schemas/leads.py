"""Lead input, actions and output."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from core.api.support import city_today
from core.lifecycle import STAGE_LABELS, Stage
from core.models.leads import LEAD_STATUS_LABELS
from core.problems import CodedMessage
from core.schemas.base import BaseSchema, CreditCode, Money, Name, Page, SearchText, SortKey
from core.schemas.contacts import contact_name, contact_phone
from core.schemas.organisation import EnterpriseInput, EnterpriseSchema
from core.vocabularies import InVocabulary, label_of


def _working_days_left(lead: Any) -> int | None:
    # The city's official calendar is the running service's; the schema only dumps in a request.
    from core.api.support import city
    from core.services.leads import first_talk_working_days_left

    return first_talk_working_days_left(lead, city().calendar, city_today())


class LeadCreate(BaseSchema):
    title = Name(required=True, validate=validate.Length(min=2, max=200))
    enterprise = fields.Nested(EnterpriseInput, required=True)
    industry = fields.String(load_default=None, allow_none=True)
    intended_amount = Money(load_default=None, allow_none=True)
    reporting_unit = fields.String(required=True, metadata={"description": "报送单位编码"})
    intermediary_id = fields.Integer(load_default=None, allow_none=True)
    channel = fields.String(load_default="other", validate=InVocabulary("lead_channels"),
                            metadata={"description": "招商方式编码：核心默认值加本市配置（GET /labels）"})
    reported_on = fields.Date(load_default=city_today)
    description = fields.String(load_default=None, allow_none=True)
    contact_name = contact_name(load_default=None, allow_none=True)
    contact_phone = contact_phone(load_default=None, allow_none=True)
    attributes = fields.Dict(keys=fields.String(), load_default=dict)

    @validates_schema
    def _phone_where_the_city_requires_it(self, data: dict[str, Any], **_: Any) -> None:
        # The city's [leads] phone_required_channels: e.g. an online lead is worthless unless
        # someone can call back.
        from core.api.support import city

        channel = data.get("channel")
        if not data.get("contact_phone") and channel in city().config.get(
                "leads", {}).get("phone_required_channels", ()):
            raise ValidationError(CodedMessage(
                "lead.phone_required",
                f"招商方式为“{label_of('lead_channels', channel)}”的线索须填写联系电话"),
                "contact_phone")


class LeadAssign(BaseSchema):
    # The judgement's date and instant are the server's (judged_at); a client cannot set them.
    first_talk_unit = fields.String(required=True, metadata={"description": "首谈地单位编码"})


class LeadConvert(BaseSchema):
    name = Name(load_default=None, validate=validate.Length(min=2, max=200))
    amount = Money(required=True)
    industry = fields.String(load_default=None, allow_none=True)
    host_unit = fields.String(load_default=None, allow_none=True)
    attributes = fields.Dict(keys=fields.String(), load_default=dict)


class LeadReject(BaseSchema):
    reason = fields.String(required=True, validate=validate.Length(min=2, max=2000))


class LeadSchema(BaseSchema):
    id = fields.Integer()
    version = fields.Integer(dump_only=True)  # the ETag's version (core.api.versions)
    title = fields.String(metadata={"title": "线索名称"})
    enterprise = fields.Nested(EnterpriseSchema)
    industry = fields.String(allow_none=True)
    intended_amount = Money(allow_none=True)
    reporting_unit = fields.Function(lambda lead: lead.reporting_unit_code)
    routed_to_unit = fields.Function(lambda lead: lead.routed_to_unit_code)
    first_talk_unit = fields.Function(lambda lead: lead.first_talk_unit_code)
    intermediary_id = fields.Integer(allow_none=True)
    intermediary_name = fields.Function(lambda lead: lead.intermediary_name, allow_none=True,
                                        metadata={"title": "引荐人"})
    channel = fields.String()
    channel_label = fields.Function(lambda lead: label_of("lead_channels", lead.channel))
    contact_name = fields.String(allow_none=True, metadata={"title": "联系人"})
    contact_phone = fields.String(allow_none=True, metadata={"title": "联系电话"})
    status = fields.String()
    status_label = fields.Function(lambda lead: LEAD_STATUS_LABELS.get(lead.status))
    reported_on = fields.Date()
    first_talk_due = fields.Date(allow_none=True)
    first_talk_due_estimated = fields.Boolean()
    first_talk_working_days_left = fields.Function(_working_days_left, allow_none=True, metadata={
        "description": "距首谈地研判期限的工作日数（官方日历），当天为 0，逾期为负数；已研判的为空"})
    assigned_on = fields.Date(allow_none=True)
    judged_at = fields.DateTime(allow_none=True, metadata={
        "description": "研判（明确首谈地或退回）时间，服务器记录"})
    judged_on = fields.Date(allow_none=True, metadata={"description": "研判日期（本市日期）"})
    rejected_reason = fields.String(allow_none=True)
    duplicate_of_id = fields.Integer(allow_none=True)
    project_id = fields.Integer(allow_none=True)
    description = fields.String(allow_none=True)
    attributes = fields.Dict()


class LeadQuery(Page):
    sort = SortKey("title", "intended_amount", "status", "reported_on", "first_talk_due")
    status = fields.String(validate=validate.OneOf(list(LEAD_STATUS_LABELS)))
    enterprise_id = fields.Integer(validate=validate.Range(min=1), metadata={"description": "投资企业编号"})
    reporting_unit = fields.String()
    channel = fields.String(validate=InVocabulary("lead_channels"))
    overdue = fields.Boolean(metadata={"description": "首谈地研判已逾期"})
    q = SearchText(metadata={"description": "搜索：线索名称、企业名称、联系人或电话的任意片段（至少2个字），"
                                            "或信用代码开头"})


class DuplicateQuery(BaseSchema):
    enterprise_name = Name(validate=validate.Length(min=2, max=200),
                                    metadata={"description": "正在填写的企业名称"})
    credit_code = CreditCode(metadata={"description": "统一社会信用代码（18位）"})

    @validates_schema
    def _something_to_match(self, data: dict[str, Any], **_: Any) -> None:
        if not data.get("enterprise_name") and not data.get("credit_code"):
            raise ValidationError(CodedMessage("duplicates.nothing_to_match",
                                               "请填写企业名称或统一社会信用代码"), "enterprise_name")


MATCHED_BY = {"credit_code": "统一社会信用代码相同", "name": "企业名称相同"}


class DuplicateLead(BaseSchema):
    id = fields.Integer()
    title = fields.String()
    enterprise = fields.Function(lambda lead: lead.enterprise.name)
    matched_by = fields.String(metadata={"description": "credit_code 或 name"})
    matched_by_label = fields.Function(lambda lead: MATCHED_BY[lead.matched_by])
    reporting_unit = fields.Function(lambda lead: lead.reporting_unit.code)
    reporting_unit_name = fields.Function(lambda lead: lead.reporting_unit.name)
    reported_on = fields.Date()
    status = fields.String()
    status_label = fields.Function(lambda lead: LEAD_STATUS_LABELS.get(lead.status))
    project_id = fields.Integer(allow_none=True)


class DuplicateProject(BaseSchema):
    id = fields.Integer()
    name = fields.String()
    enterprise = fields.Function(lambda project: project.enterprise.name)
    matched_by = fields.String(metadata={"description": "credit_code 或 name"})
    matched_by_label = fields.Function(lambda project: MATCHED_BY[project.matched_by])
    finding_unit = fields.Function(lambda project: project.finding_unit.code)
    host_unit = fields.Function(lambda project: project.host_unit.code)
    host_unit_name = fields.Function(lambda project: project.host_unit.name)
    stage = fields.String()
    stage_label = fields.Function(lambda project: STAGE_LABELS[Stage(project.stage)])
    amount = Money()


class DuplicateCheck(BaseSchema):
    leads = fields.List(fields.Nested(DuplicateLead), metadata={"description": "同一企业的线索"})
    projects = fields.List(fields.Nested(DuplicateProject),
                           metadata={"description": "同一企业的项目"})
