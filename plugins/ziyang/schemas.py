"""Input and output of Ziyang's own API (``/api/v1/ziyang/…``)."""

from __future__ import annotations

from marshmallow import fields, validate

from core.toolkit import BaseSchema, MoneyField, Name, city_today
from plugins.ziyang.fulfilment import OUTCOMES
from plugins.ziyang.organisation import MEETING_KINDS
from plugins.ziyang.six_ones import SIX_ONES


class GroupOneInput(BaseSchema):
    kind = fields.String(required=True, validate=validate.OneOf(list(SIX_ONES)),
                         metadata={"description": "六个一：leader 市级领导、lead_department 牵头部门、"
                                                  "functional_zone 产业功能区、team 招商队伍、"
                                                  "policy 招商支持政策、map 招商地图"})
    name = Name(required=True, validate=validate.Length(min=2, max=200))
    unit = fields.String(load_default=None, allow_none=True,
                         metadata={"description": "牵头部门或产业功能区对应的单位编码"})
    reference = fields.String(load_default=None, allow_none=True,
                              validate=validate.Length(max=200),
                              metadata={"description": "文号、版本等"})
    appointed_on = fields.Date(load_default=city_today)


class GroupOneEnd(BaseSchema):
    ended_on = fields.Date(load_default=city_today)


class GroupOneSchema(BaseSchema):
    id = fields.Integer()
    group = fields.String(attribute="group_code")
    kind = fields.String()
    kind_label = fields.Function(lambda one: SIX_ONES.get(one.kind))
    name = fields.String()
    unit = fields.String(attribute="unit_code", allow_none=True)
    reference = fields.String(allow_none=True)
    appointed_on = fields.Date()
    ended_on = fields.Date(allow_none=True)
    recorded_by = fields.String()


class GroupProblemSchema(BaseSchema):
    kind = fields.String()
    code = fields.String()
    message = fields.String()


class IndustrySchema(BaseSchema):
    code = fields.String()
    name = fields.String(allow_none=True)


class GroupSchema(BaseSchema):
    code = fields.String()
    name = fields.String()
    industries = fields.List(fields.Nested(IndustrySchema))
    ones = fields.List(fields.Nested(GroupOneSchema))
    problems = fields.List(fields.Nested(GroupProblemSchema))
    complete = fields.Boolean()


class RoutedProjectSchema(BaseSchema):
    id = fields.Integer()
    name = fields.String()
    industry = fields.String(allow_none=True)
    amount = MoneyField()
    stage = fields.String()
    status = fields.String()
    tiers = fields.List(fields.String())
    host_unit = fields.Function(lambda p: p.host_unit_code)


class RoutedLeadSchema(BaseSchema):
    id = fields.Integer()
    title = fields.String()
    industry = fields.String(allow_none=True)
    status = fields.String()
    reporting_unit = fields.Function(lambda lead: lead.reporting_unit_code)
    reported_on = fields.Date()
    first_talk_due = fields.Date(allow_none=True)
    assigned_on = fields.Date(allow_none=True)
    overdue = fields.Boolean(dump_only=True)


class IncentiveQuery(BaseSchema):
    industry = fields.String(load_default=None, metadata={"description": "只列出适用于该产业的政策"})


class IncentivePolicySchema(BaseSchema):
    code = fields.String()
    name = fields.String()
    family = fields.String(metadata={"description": "1、5+N、4+X、6+3+1"})
    industries = fields.List(fields.String())
    industry_names = fields.List(fields.String())


class FulfilmentInput(BaseSchema):
    outcome = fields.String(required=True, validate=validate.OneOf(list(OUTCOMES)),
                            metadata={"description": "fulfilling 严格履约、reattraction 二次招商、"
                                                     "clearance 清退"})
    evaluated_on = fields.Date(load_default=city_today)
    basis = fields.String(required=True, validate=validate.Length(min=2, max=4000),
                          metadata={"description": "评估依据与结论说明"})
    incentive_policy = fields.String(load_default=None, allow_none=True)
    incentive_amount = MoneyField(load_default=None, allow_none=True)
    paid_on = fields.Date(load_default=None, allow_none=True)
    partner = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200),
                            metadata={"description": "二次招商引入的合作伙伴"})


class FulfilmentSchema(BaseSchema):
    id = fields.Integer()
    project_id = fields.Integer()
    evaluated_on = fields.Date()
    evaluating_unit = fields.String()
    outcome = fields.String()
    outcome_label = fields.Function(lambda r: OUTCOMES.get(r.outcome))
    basis = fields.String()
    incentive_policy = fields.String(allow_none=True)
    incentive_amount = MoneyField(allow_none=True)
    paid_on = fields.Date(allow_none=True)
    partner = fields.String(allow_none=True)
    evaluation_id = fields.Integer(allow_none=True)
    recorded_by = fields.String()


class TransferSplitQuery(BaseSchema):
    on = fields.Date(load_default=city_today, metadata={"description": "截至日期"})


class TransferSplitSchema(BaseSchema):
    project_id = fields.Integer()
    project = fields.String()
    from_unit = fields.String()
    to_unit = fields.String()
    indicator_share_from = fields.Decimal(as_string=True)
    tax_share_from = fields.Decimal(as_string=True)
    signed_amount = MoneyField()
    signed_amount_from = MoneyField()
    signed_amount_to = MoneyField()
    arrived_amount = MoneyField()
    arrived_amount_from = MoneyField()
    arrived_amount_to = MoneyField()
    tax_paid = MoneyField()
    tax_paid_from = MoneyField()
    tax_paid_to = MoneyField()


class MeetingInput(BaseSchema):
    kind = fields.String(required=True, validate=validate.OneOf(list(MEETING_KINDS)),
                         metadata={"description": "leader 组长例会（每季度）、deputy 副组长例会暨调度会"
                                                  "（每月）、special 专题会议"})
    held_on = fields.Date(required=True)
    chair = Name(required=True, validate=validate.Length(min=2, max=100))
    title = Name(load_default=None, allow_none=True, validate=validate.Length(max=200))
    topics = fields.String(load_default=None, allow_none=True)
    decisions = fields.String(load_default=None, allow_none=True)
    project_ids = fields.List(fields.Integer(), load_default=list)


class MeetingSchema(BaseSchema):
    id = fields.Integer()
    kind = fields.String()
    kind_label = fields.Function(lambda m: MEETING_KINDS.get(m.kind))
    held_on = fields.Date()
    chair = fields.String()
    title = fields.String()
    topics = fields.String(allow_none=True)
    decisions = fields.String(allow_none=True)
    project_ids = fields.List(fields.Integer())
    recorded_by = fields.String()


class YearQuery(BaseSchema):
    year = fields.Integer(load_default=lambda: city_today().year,
                          validate=validate.Range(min=2000, max=2100))


class CadenceSchema(BaseSchema):
    kind = fields.String()
    kind_label = fields.String()
    period = fields.String()
    start = fields.Date()
    end = fields.Date()
    held = fields.Integer()
    missing = fields.Boolean()


class ArenaRankSchema(BaseSchema):
    unit = fields.String()
    unit_name = fields.String()
    rank = fields.Integer()
    total = fields.Decimal(as_string=True)


class ArenaMonthSchema(BaseSchema):
    period = fields.String()
    run_id = fields.Integer()
    published_on = fields.Date(allow_none=True)
    ranking = fields.List(fields.Nested(ArenaRankSchema))


class ArenaAverageSchema(BaseSchema):
    unit = fields.String()
    average = fields.Decimal(as_string=True)


class ArenaYearSchema(BaseSchema):
    year = fields.Integer()
    months = fields.List(fields.Nested(ArenaMonthSchema))
    average = fields.List(fields.Nested(ArenaAverageSchema))


class SigningRecordsQuery(BaseSchema):
    project_id = fields.Integer(required=True, validate=validate.Range(min=1))


class SigningRecordSchema(BaseSchema):
    item = fields.String(metadata={"description": "合法性审查、签署主体、市政府常务会议"})
    record = fields.String(metadata={"description": "已登记的内容"})
    ready = fields.Boolean(metadata={"description": "是否已满足签约要求"})
