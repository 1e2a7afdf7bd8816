"""Input and output of Pingliang's own API (``/api/v1/pingliang/…``)."""

from __future__ import annotations

from marshmallow import ValidationError, fields, validate, validates_schema

from core.toolkit import (
    BaseSchema,
    CodedMessage,
    CreditCode,
    DateRange,
    MoneyField,
    Name,
    Page,
    PeriodLabel,
    city_today,
)
from plugins.pingliang.models import (
    OPPORTUNITY_STATUSES,
    SERVICE_KINDS,
    SERVICE_STATUSES,
    SUPPORT_KINDS,
    SUPPORT_STATUSES,
    TARGET_METRICS,
    TARGET_STATUSES,
)


def _one_of(choices: dict[str, str]) -> validate.OneOf:
    return validate.OneOf(list(choices), error=f"应为以下之一：{'、'.join(choices)}")


class RangeQuery(DateRange):
    """``from`` and ``to``, both required, in order (the core's date range)."""


def this_month() -> str:
    """The city's current month (``2024-05``)."""
    return city_today().strftime("%Y-%m")


class MonthQuery(BaseSchema):
    # 月统计 is each month's running tally (当月指标): without a month, the month under way, so
    # the page opens on it (as Sanming's 每月战报 does).
    month = PeriodLabel("month", load_default=this_month)


class YearQuery(BaseSchema):
    year = fields.Integer(required=True, validate=validate.Range(min=1900, max=2100))


class ListQuery(Page):
    unit = fields.String(load_default=None)
    industry = fields.String(load_default=None)
    status = fields.String(load_default=None)
    task_force = fields.String(load_default=None)


# -- 投资机会清单 ---------------------------------------------------------------


class OpportunityInput(BaseSchema):
    name = Name(required=True, validate=validate.Length(min=2, max=200))
    industry = fields.String(load_default=None, allow_none=True)
    unit = fields.String(required=True, metadata={"description": "发布单位编码"})
    location = fields.String(load_default=None, allow_none=True)
    amount = MoneyField(load_default=None, allow_none=True, metadata={"description": "估算投资（万元）"})
    description = fields.String(load_default=None, allow_none=True)
    status = fields.String(load_default="open", validate=_one_of(OPPORTUNITY_STATUSES))
    project_id = fields.Integer(load_default=None, allow_none=True)
    published_on = fields.Date(load_default=city_today)


class OpportunitySchema(BaseSchema):
    id = fields.Integer()
    name = fields.String()
    industry = fields.String(allow_none=True)
    industry_name = fields.String(allow_none=True)
    task_force = fields.String(allow_none=True)
    task_force_name = fields.String(allow_none=True)
    unit = fields.String()
    unit_name = fields.String()
    location = fields.String(allow_none=True)
    amount = MoneyField(allow_none=True)
    description = fields.String(allow_none=True)
    status = fields.String()
    status_label = fields.String()
    project_id = fields.Integer(allow_none=True)
    published_on = fields.Date()
    recorded_by = fields.String()


# -- 目标企业清单 ---------------------------------------------------------------


class TargetEnterpriseInput(BaseSchema):
    name = Name(required=True, validate=validate.Length(min=2, max=200))
    credit_code = CreditCode(load_default=None, allow_none=True)
    origin_province = fields.String(load_default=None, allow_none=True)
    tags = fields.List(fields.String(), load_default=list)
    industry = fields.String(load_default=None, allow_none=True)
    unit = fields.String(required=True, metadata={"description": "对接单位编码"})
    leader_name = Name(load_default=None, allow_none=True,
                                metadata={"description": "包抓领导"})
    approach = fields.String(load_default=None, allow_none=True,
                             metadata={"description": "点对点对接方案"})
    status = fields.String(load_default="tracking", validate=_one_of(TARGET_STATUSES))
    last_contact_on = fields.Date(load_default=None, allow_none=True)


class TargetEnterpriseSchema(BaseSchema):
    id = fields.Integer()
    name = fields.String()
    credit_code = fields.String(allow_none=True)
    origin_province = fields.String(allow_none=True)
    tags = fields.List(fields.String())
    industry = fields.String(allow_none=True)
    industry_name = fields.String(allow_none=True)
    task_force = fields.String(allow_none=True)
    task_force_name = fields.String(allow_none=True)
    unit = fields.String()
    unit_name = fields.String()
    leader_name = fields.String(allow_none=True)
    approach = fields.String(allow_none=True)
    status = fields.String()
    status_label = fields.String()
    last_contact_on = fields.Date(allow_none=True)
    recorded_by = fields.String()


# -- 重点招商引资项目清单 ---------------------------------------------------------


class ListedProjectInput(BaseSchema):
    project_id = fields.Integer(required=True)
    listed_on = fields.Date(load_default=city_today)
    maturing = fields.Boolean(load_default=False, metadata={"description": "趋熟项目"})
    expected_signing_on = fields.Date(load_default=None, allow_none=True)
    note = fields.String(load_default=None, allow_none=True)


class ListedProjectSchema(BaseSchema):
    id = fields.Integer()
    project_id = fields.Integer()
    name = fields.String()
    enterprise = fields.String()
    out_of_province = fields.Boolean()
    industry = fields.String(allow_none=True)
    industry_name = fields.String(allow_none=True)
    task_force = fields.String(allow_none=True)
    task_force_name = fields.String(allow_none=True)
    amount = MoneyField()
    stage = fields.String()
    stage_label = fields.String()
    unit = fields.String(metadata={"description": "落户单位"})
    unit_name = fields.String()
    leader_name = fields.String(allow_none=True, metadata={"description": "包抓领导"})
    major = fields.Boolean()
    listed_on = fields.Date()
    maturing = fields.Boolean()
    expected_signing_on = fields.Date(allow_none=True)
    last_progress_on = fields.Date(allow_none=True)
    arrived_amount = MoneyField()
    warning_level = fields.String(allow_none=True, metadata={"description": "red/yellow/blue"})
    warning_label = fields.String(allow_none=True)
    note = fields.String(allow_none=True)
    recorded_by = fields.String()


# -- 定制化政策支持清单 -----------------------------------------------------------


class PolicySupportInput(BaseSchema):
    project_id = fields.Integer(load_default=None, allow_none=True)
    target_enterprise_id = fields.Integer(load_default=None, allow_none=True)
    kind = fields.String(required=True, validate=_one_of(SUPPORT_KINDS))
    content = fields.String(required=True, validate=validate.Length(min=2))
    amount = MoneyField(load_default=None, allow_none=True)
    status = fields.String(load_default="proposed", validate=_one_of(SUPPORT_STATUSES))
    delivered_on = fields.Date(load_default=None, allow_none=True)


class PolicySupportSchema(BaseSchema):
    id = fields.Integer()
    project_id = fields.Integer(allow_none=True)
    target_enterprise_id = fields.Integer(allow_none=True)
    beneficiary = fields.String(metadata={"description": "支持对象（项目或目标企业）"})
    kind = fields.String()
    kind_label = fields.String()
    content = fields.String()
    amount = MoneyField(allow_none=True)
    status = fields.String()
    status_label = fields.String()
    delivered_on = fields.Date(allow_none=True)
    recorded_by = fields.String()


# -- targets, scheduling, information sharing, points --------------------------------


class TargetInput(BaseSchema):
    year = fields.Integer(required=True, validate=validate.Range(min=1900, max=2100))
    unit = fields.String(load_default=None, allow_none=True)
    leader_name = Name(load_default=None, allow_none=True)
    metric = fields.String(required=True, validate=_one_of(TARGET_METRICS))
    target = MoneyField(required=True, metadata={"description": "目标值（金额为万元）"})

    @validates_schema
    def _one_assignee(self, data: dict, **_: object) -> None:
        if data.get("target") == 0:
            raise ValidationError(CodedMessage("target.zero", "目标值应大于 0"), "target")
        if bool(data.get("unit")) == bool(data.get("leader_name")):
            raise ValidationError(CodedMessage("target.assignee", "须填写责任单位或市级领导（二选一）"),
                                  "unit")


class TargetProgressSchema(BaseSchema):
    id = fields.Integer()
    year = fields.Integer()
    assignee = fields.String()
    assignee_kind = fields.String()
    assignee_name = fields.String()
    metric = fields.String()
    metric_label = fields.String()
    target = fields.Decimal(as_string=True)
    actual = fields.Decimal(as_string=True)
    completion = fields.Decimal(as_string=True, metadata={"description": "完成率"})


class SchedulingInput(BaseSchema):
    scheduled_on = fields.Date(load_default=city_today)
    progress = fields.String(required=True, validate=validate.Length(min=2))
    problems = fields.String(load_default=None, allow_none=True)
    next_steps = fields.String(load_default=None, allow_none=True)


class SchedulingSchema(BaseSchema):
    id = fields.Integer()
    project_id = fields.Integer()
    scheduled_on = fields.Date()
    progress = fields.String()
    problems = fields.String(allow_none=True)
    next_steps = fields.String(allow_none=True)
    recorded_by = fields.String()


class MaturingSchema(BaseSchema):
    project_id = fields.Integer()
    name = fields.String()
    unit = fields.String()
    leader_name = fields.String(allow_none=True)
    stage_label = fields.String()
    expected_signing_on = fields.Date(allow_none=True)
    last_scheduled_on = fields.Date(allow_none=True)
    next_due_on = fields.Date()
    due = fields.Boolean(metadata={"description": "已到调度时间"})
    schedulings = fields.List(fields.Nested(SchedulingSchema))


class AsOfQuery(BaseSchema):
    as_of = fields.Date(load_default=city_today)


class InformationInput(BaseSchema):
    title = Name(required=True, validate=validate.Length(min=2, max=200))
    content = fields.String(required=True, validate=validate.Length(min=2))
    enterprise_name = Name(load_default=None, allow_none=True)
    industry = fields.String(load_default=None, allow_none=True)
    unit = fields.String(required=True, metadata={"description": "共享单位编码"})
    shared_on = fields.Date(load_default=city_today)


class FollowUpInput(BaseSchema):
    lead_id = fields.Integer(required=True)


class InformationSchema(BaseSchema):
    id = fields.Integer()
    title = fields.String()
    content = fields.String()
    enterprise_name = fields.String(allow_none=True)
    industry = fields.String(allow_none=True)
    unit = fields.String()
    unit_name = fields.String()
    shared_on = fields.Date()
    lead_id = fields.Integer(allow_none=True)
    recorded_by = fields.String()


class InformationQuery(Page):
    industry = fields.String(load_default=None)
    unit = fields.String(load_default=None)
    q = fields.String(load_default=None)


class PointItemInput(BaseSchema):
    unit = fields.String(required=True)
    occurred_on = fields.Date(load_default=city_today)
    points = fields.Decimal(required=True, places=2, as_string=True,
                            metadata={"description": "正数加分、负数扣分，-100 到 100，不为 0"})
    reason = fields.String(required=True, validate=validate.Length(min=2))

    @validates_schema
    def _not_zero(self, data: dict, **_: object) -> None:
        points = data.get("points")
        if points == 0:
            raise ValidationError(CodedMessage("points.zero", "加减分不能为 0"), "points")
        if points is not None and not -100 <= points <= 100:
            raise ValidationError(CodedMessage("points.range", "加减分应在 -100 到 100 之间"),
                                  "points")


class PointItemSchema(BaseSchema):
    id = fields.Integer()
    unit = fields.String()
    unit_name = fields.String()
    occurred_on = fields.Date()
    points = fields.Decimal(as_string=True)
    reason = fields.String()
    recorded_by = fields.String()


class PointQuery(BaseSchema):
    date_from = fields.Date(load_default=None, data_key="from")
    date_to = fields.Date(load_default=None, data_key="to")
    unit = fields.String(load_default=None)


class SchemeQuery(BaseSchema):
    scheme = fields.String(load_default=None)


# -- 帮办代办 agency service ------------------------------------------------------------------


class ServiceRequestInput(BaseSchema):
    kind = fields.String(required=True, validate=_one_of(SERVICE_KINDS))
    need = fields.String(required=True, validate=validate.Length(min=2, max=2000))
    unit = fields.String(required=True, metadata={"description": "承办的服务单位编码"})
    raised_on = fields.Date(load_default=city_today)


class ServiceStepInput(BaseSchema):
    step = fields.String(required=True, validate=validate.OneOf(
        ["accepted", "in_progress", "completed", "returned"],
        error="应为以下之一：accepted（受理）、in_progress（办理中）、completed（办结）、returned（退回）"))
    occurred_on = fields.Date(load_default=city_today)
    note = fields.String(load_default=None, allow_none=True,
                         metadata={"description": "办结结果或退回理由（办结、退回时必填）"})


class ServiceRequestQuery(Page):
    project_id = fields.Integer(load_default=None)
    unit = fields.String(load_default=None)
    status = fields.String(load_default=None, validate=_one_of(SERVICE_STATUSES))
    open = fields.Boolean(load_default=False)


class ServiceStepSchema(BaseSchema):
    step = fields.String()
    step_label = fields.String()
    occurred_on = fields.Date()
    note = fields.String(allow_none=True)
    recorded_by = fields.String()


class ServiceRequestSchema(BaseSchema):
    id = fields.Integer()
    project_id = fields.Integer()
    project_name = fields.String()
    kind = fields.String()
    kind_label = fields.String()
    need = fields.String()
    raised_by_unit = fields.String()
    raised_by_unit_name = fields.String()
    unit = fields.String()
    unit_name = fields.String()
    raised_on = fields.Date()
    due_workdays = fields.Integer()
    due_on = fields.Date()
    due_estimated = fields.Boolean()
    status = fields.String()
    status_label = fields.String()
    closed_on = fields.Date(allow_none=True)
    outcome = fields.String(allow_none=True)
    overdue = fields.Boolean()
    overdue_days = fields.Integer()
    on_time = fields.Boolean()
    recorded_by = fields.String()
    steps = fields.List(fields.Nested(ServiceStepSchema))
