"""Request and response schemas of ``/api/v1/lanzhou/…`` (Chinese messages, English fields)."""

from __future__ import annotations

from decimal import Decimal

from marshmallow import fields, validate

from core.toolkit import BaseSchema, CreditCode, Name, city_today
from plugins.lanzhou.models import (
    APPROACH_STATUSES,
    EXEMPTION_CONDITIONS,
    REGISTRATION_STATUSES,
    TARGET_STATUSES,
)


def _this_year() -> int:
    return city_today().year


def _text(max_length: int, **kwargs: object) -> fields.String:
    return fields.String(validate=validate.Length(min=1, max=max_length), **kwargs)


class YearQuery(BaseSchema):
    year = fields.Integer(load_default=_this_year, validate=validate.Range(min=2019, max=2100))


# -- 报备认定 ------------------------------------------------------------------------------


class RegistrationCreate(BaseSchema):
    introducing_unit = fields.String(load_default=None, allow_none=True,
                                     metadata={"description": "引进单位编码，默认为项目的招商方"})
    intermediary_id = fields.Integer(allow_none=True,
                                     metadata={"description": "中介人，默认为项目登记的中介"})
    registered_on = fields.Date(load_default=None, allow_none=True)
    note = _text(1000, load_default=None, allow_none=True)


class RegistrationDecision(BaseSchema):
    recognised = fields.Boolean(required=True, truthy={True}, falsy={False},
                                metadata={"description": "true 认定；false 不予认定（须说明理由）"})
    decided_on = fields.Date(load_default=None, allow_none=True)
    note = _text(1000, load_default=None, allow_none=True)


class RegistrationQuery(BaseSchema):
    status = fields.String(load_default=None, validate=validate.OneOf(list(REGISTRATION_STATUSES)))
    unit = fields.String(load_default=None, metadata={"description": "引进单位编码"})


class RegistrationSchema(BaseSchema):
    id = fields.Integer()
    project_id = fields.Integer()
    project_name = fields.String()
    introducing_unit = fields.Function(lambda r: r.introducing_unit_code)
    introducing_unit_name = fields.Function(lambda r: r.introducing_unit.name)
    intermediary_id = fields.Integer(allow_none=True)
    intermediary_name = fields.String(allow_none=True)
    registered_on = fields.Date()
    registered_by = fields.String()
    note = fields.String(allow_none=True)
    status = fields.String()
    status_label = fields.String()
    decided_on = fields.Date(allow_none=True)
    decided_by = fields.String(allow_none=True)
    decision_note = fields.String(allow_none=True)


class RegistrationChangeCreate(BaseSchema):
    """变更认定 (the office): what changes — at least one — and why."""

    introducing_unit = fields.String(load_default=None, allow_none=True,
                                     metadata={"description": "改认定的引进单位编码"})
    intermediary_id = fields.Integer(allow_none=True, metadata={"description": "改认定的中介人"})
    recognised = fields.Boolean(load_default=None, allow_none=True, truthy={True}, falsy={False},
                                metadata={"description": "改变认定结论：true 认定，false 不予认定"})
    changed_on = fields.Date(load_default=None, allow_none=True)
    reason = _text(1000, required=True, metadata={"description": "变更理由（如争议的处理结论）"})


class RegistrationChangeQuery(BaseSchema):
    registration_id = fields.Integer(load_default=None)


class RegistrationChangeSchema(BaseSchema):
    id = fields.Integer()
    registration_id = fields.Integer()
    project_id = fields.Integer()
    project_name = fields.String()
    changed_on = fields.Date()
    changed_by = fields.String()
    reason = fields.String()
    before = fields.Dict()
    after = fields.Dict()
    summary = fields.Function(lambda c: "；".join(
        f"{CHANGE_LABELS[key]}：{c.before.get(key) or '无'} → {c.after.get(key) or '无'}"
        for key in c.after))


CHANGE_LABELS = {"introducing_unit": "引进单位", "intermediary_id": "中介人", "status": "认定状态"}


# -- 商业计划书深度 ----------------------------------------------------------------------------


class UnitCountSchema(BaseSchema):
    unit = fields.String()
    unit_name = fields.String()
    count = fields.Integer()


class DepthProjectSchema(BaseSchema):
    id = fields.Integer()
    name = fields.String()
    unit = fields.String()
    unit_name = fields.String()
    stage = fields.String()
    reached_on = fields.Date()
    document = fields.String()


class ReserveDepthSchema(BaseSchema):
    year = fields.Integer()
    target = fields.Integer()
    count = fields.Integer()
    shortfall = fields.Integer()
    met = fields.Boolean()
    by_unit = fields.List(fields.Nested(UnitCountSchema))
    projects = fields.List(fields.Nested(DepthProjectSchema))


# -- 容错免责 ------------------------------------------------------------------------------


class PenaltyCreate(BaseSchema):
    unit = fields.String(required=True)
    project_id = fields.Integer(load_default=None, allow_none=True)
    occurred_on = fields.Date(required=True)
    points = fields.Decimal(required=True, places=2, as_string=True,
                            validate=validate.Range(min=Decimal("0.01"), max=Decimal(100)),
                            metadata={"description": "扣分（正数）"})
    reason = _text(1000, required=True)


class ExemptionCreate(BaseSchema):
    conditions = fields.List(fields.String(validate=validate.OneOf(list(EXEMPTION_CONDITIONS))),
                             required=True,
                             metadata={"description": "认定的情形：public_interest 出于公心，"
                                                      "no_private_gain 未谋取私利，"
                                                      "unclear_rules 法规未明令禁止或政策界限不明确"})
    reason = _text(1000, required=True)
    approver = _text(100, required=True, metadata={"description": "批准机关或批准人"})
    exempted_on = fields.Date(load_default=None, allow_none=True)


class PenaltyQuery(YearQuery):
    unit = fields.String(load_default=None)


class PenaltySchema(BaseSchema):
    id = fields.Integer()
    unit = fields.Function(lambda p: p.unit_code)
    unit_name = fields.Function(lambda p: p.unit.name)
    project_id = fields.Integer(allow_none=True)
    occurred_on = fields.Date()
    points = fields.Decimal(as_string=True)
    reason = fields.String()
    recorded_by = fields.String()
    exempted = fields.Boolean()
    counted = fields.Function(lambda p: not p.exempted)
    exemption_reason = fields.String(allow_none=True)
    exemption_conditions = fields.Function(
        lambda p: [EXEMPTION_CONDITIONS[c] for c in p.exemption_conditions or []])
    approver = fields.String(allow_none=True)
    exempted_on = fields.Date(allow_none=True)


# -- 重点目标企业 --------------------------------------------------------------------------


class TargetCreate(BaseSchema):
    name = Name(required=True, validate=validate.Length(min=1, max=200))
    category = fields.String(required=True, metadata={"description": "如 世界500强、央企"})
    region = fields.String(required=True, metadata={"description": "长三角、珠三角、环渤海"})
    industry = fields.String(load_default=None, allow_none=True)
    background = _text(2000, load_default=None, allow_none=True)
    approach_plan = _text(2000, required=True, metadata={"description": "点对点对接方案"})
    responsible_unit = fields.String(required=True)
    credit_code = CreditCode(load_default=None, allow_none=True,
                             metadata={"description": "统一社会信用代码：据此关联该企业的线索和项目"})


class TargetStatus(BaseSchema):
    status = fields.String(required=True, validate=validate.OneOf(list(TARGET_STATUSES)))


class TargetQuery(BaseSchema):
    category = fields.String(load_default=None)
    region = fields.String(load_default=None)
    approach_status = fields.String(load_default=None,
                                    validate=validate.OneOf(list(APPROACH_STATUSES)))


class TargetApproachQuery(BaseSchema):
    """Whose page: a target's, or the target a lead or a project approaches."""

    target_id = fields.Integer(load_default=None)
    lead_id = fields.Integer(load_default=None)
    project_id = fields.Integer(load_default=None)


class TargetSchema(BaseSchema):
    id = fields.Integer()
    name = fields.String()
    category = fields.String()
    region = fields.String()
    industry = fields.String(allow_none=True)
    background = fields.String(allow_none=True)
    approach_plan = fields.String()
    responsible_unit = fields.Function(lambda t: t.responsible_unit_code)
    responsible_unit_name = fields.Function(lambda t: t.responsible_unit.name)
    status = fields.String()
    status_label = fields.Function(lambda t: TARGET_STATUSES[t.status])
    credit_code = fields.String(allow_none=True)
    # Derived from the leads and projects that approach it (plugins.lanzhou.targets).
    approach_status = fields.Function(lambda t: t.approach.status)
    approach_status_label = fields.Function(lambda t: APPROACH_STATUSES[t.approach.status])
    lead_count = fields.Function(lambda t: len(t.approach.leads))
    project_count = fields.Function(lambda t: len(t.approach.projects))


class ApproachLeadSchema(BaseSchema):
    id = fields.Integer()
    title = fields.String()
    status = fields.String()
    reported_on = fields.Date()
    matched_by = fields.String()


class ApproachProjectSchema(BaseSchema):
    id = fields.Integer()
    name = fields.String()
    stage = fields.String()
    amount = fields.Decimal(as_string=True)
    signed_on = fields.Date(allow_none=True)
    started_on = fields.Date(allow_none=True)
    matched_by = fields.String()


class TargetApproachSchema(BaseSchema):
    """One target's page: the target, and the leads and projects approaching it."""

    targets = fields.List(fields.Nested(TargetSchema))  # one, or none
    leads = fields.List(fields.Nested(ApproachLeadSchema))
    projects = fields.List(fields.Nested(ApproachProjectSchema))


# -- 专题推介 ------------------------------------------------------------------------------


class PromotionCreate(BaseSchema):
    held_on = fields.Date(required=True)
    place = _text(100, required=True, metadata={"description": "举办地（外地城市）"})
    theme = _text(200, required=True)
    industry = fields.String(load_default=None, allow_none=True)
    organiser_unit = fields.String(load_default=None, allow_none=True)


class PromotionSchema(BaseSchema):
    id = fields.Integer()
    held_on = fields.Date()
    place = fields.String()
    theme = fields.String()
    industry = fields.String(allow_none=True)
    organiser_unit = fields.Function(lambda p: p.organiser_unit_code)


class PromotionMonthSchema(BaseSchema):
    month = fields.String()
    held = fields.Integer()
    required = fields.Integer()
    short = fields.Boolean()


class PromotionCalendarSchema(BaseSchema):
    year = fields.Integer()
    per_month = fields.Integer()
    months = fields.List(fields.Nested(PromotionMonthSchema))
    short_months = fields.List(fields.String())
    events = fields.List(fields.Nested(PromotionSchema))
