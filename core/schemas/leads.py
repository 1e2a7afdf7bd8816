"""Lead input, actions and output."""

from __future__ import annotations

import datetime as dt

from marshmallow import fields, validate

from core.models.leads import LEAD_CHANNELS, LEAD_STATUS_LABELS
from core.schemas.base import BaseSchema, Money, Page
from core.schemas.organisation import EnterpriseInput, EnterpriseSchema


def _today() -> dt.date:
    return dt.date.today()


class LeadCreate(BaseSchema):
    title = fields.String(required=True, validate=validate.Length(min=2, max=200))
    enterprise = fields.Nested(EnterpriseInput, required=True)
    industry = fields.String(load_default=None, allow_none=True)
    intended_amount = Money(load_default=None, allow_none=True)
    reporting_unit = fields.String(required=True, metadata={"description": "报送单位编码"})
    intermediary_id = fields.Integer(load_default=None, allow_none=True)
    channel = fields.String(load_default="other", validate=validate.OneOf(list(LEAD_CHANNELS)))
    reported_on = fields.Date(load_default=_today)
    description = fields.String(load_default=None, allow_none=True)
    attributes = fields.Dict(keys=fields.String(), load_default=dict)


class LeadAssign(BaseSchema):
    first_talk_unit = fields.String(required=True, metadata={"description": "首谈地单位编码"})
    assigned_on = fields.Date(load_default=_today)


class LeadConvert(BaseSchema):
    name = fields.String(load_default=None, validate=validate.Length(min=2, max=200))
    amount = Money(required=True)
    industry = fields.String(load_default=None, allow_none=True)
    host_unit = fields.String(load_default=None, allow_none=True)
    attributes = fields.Dict(keys=fields.String(), load_default=dict)


class LeadReject(BaseSchema):
    reason = fields.String(required=True, validate=validate.Length(min=2, max=2000))


class LeadSchema(BaseSchema):
    id = fields.Integer()
    title = fields.String()
    enterprise = fields.Nested(EnterpriseSchema)
    industry = fields.String(allow_none=True)
    intended_amount = Money(allow_none=True)
    reporting_unit = fields.Function(lambda lead: lead.reporting_unit_code)
    routed_to_unit = fields.Function(lambda lead: lead.routed_to_unit_code)
    first_talk_unit = fields.Function(lambda lead: lead.first_talk_unit_code)
    intermediary_id = fields.Integer(allow_none=True)
    channel = fields.String()
    status = fields.String()
    status_label = fields.Function(lambda lead: LEAD_STATUS_LABELS.get(lead.status))
    reported_on = fields.Date()
    first_talk_due = fields.Date(allow_none=True)
    first_talk_due_estimated = fields.Boolean()
    assigned_on = fields.Date(allow_none=True)
    rejected_reason = fields.String(allow_none=True)
    duplicate_of_id = fields.Integer(allow_none=True)
    project_id = fields.Integer(allow_none=True)
    description = fields.String(allow_none=True)
    attributes = fields.Dict()


class LeadQuery(Page):
    status = fields.String(validate=validate.OneOf(list(LEAD_STATUS_LABELS)))
    reporting_unit = fields.String()
    channel = fields.String(validate=validate.OneOf(list(LEAD_CHANNELS)))
    overdue = fields.Boolean(metadata={"description": "首谈地研判已逾期"})
    q = fields.String()
