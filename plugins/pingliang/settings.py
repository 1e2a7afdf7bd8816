"""Pingliang's configuration section ``[plugins.pingliang]``: every open number of the policy.

Seed values (the report states them: 9 chain task forces, 132 reserve projects, 100万元 to the
top counties, 20万元 to the top departments, the eight methods) and Defaults (POLICIES.md §
pingliang leaves them open: the red/yellow/blue thresholds) both live here with their default,
so the city changes them in ``config.toml`` without code. Where neither gives a number (points,
evaluation dimensions, how often maturing projects are scheduled), the default is ours and
``docs/cities/pingliang.md`` says so.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from core.toolkit import LEAD_CHANNELS, BaseSchema

PLUGIN_NAME = "pingliang"
STAGES = ["reserve", "negotiating", "signed", "started"]

# Seed 多点发力: 领导带头招, 延链补链招, 节会推介招, 借力聚智招 (中介、驻外、招商大使、云签约),
# 归雁工程 — the core's channel codes.
CHANNELS = ["leader_led", "chain", "fair", "intermediary", "resident_office", "ambassador",
            "online_signing", "returning_natives"]

# Ours: what a project evaluation (项目评估) looks at — the seed's "要素完善、带动性强、吸引力高".
EVALUATION_DIMENSIONS = [
    {"code": "factors", "name": "要素完善（用地、能耗、环评等要素保障）", "weight": "1"},
    {"code": "driving", "name": "带动性（产业链、就业、税收带动）", "weight": "1"},
    {"code": "attraction", "name": "吸引力（市场前景、投资回报）", "weight": "1"},
    {"code": "investor", "name": "投资方实力与信用", "weight": "1"},
    {"code": "chain_fit", "name": "与重点产业链契合度", "weight": "1"},
]

# Ours: 全过程跟踪考评 — 项目落地成效 (signed, started, arrived) and 招商活动开展 (valid leads);
# 重大项目引进 earns plus points (assessment.plus_per_major_project).
ASSESSMENT_INDICATORS = [
    {"code": "signed_amount", "name": "签约项目投资额", "metric": "signed_amount", "points": "30"},
    {"code": "started_count", "name": "开工项目数", "metric": "started_count", "points": "20"},
    {"code": "arrived_amount", "name": "到位资金", "metric": "arrived_amount", "points": "30"},
    {"code": "leads_valid", "name": "有效招商线索", "metric": "leads_valid", "points": "20"},
]


def _decimal(default: str) -> fields.Decimal:
    """A non-negative exact decimal (TOML strings such as "0.3" stay exact)."""
    return fields.Decimal(load_default=Decimal(default), validate=validate.Range(min=Decimal(0)))


def _count(default: int, minimum: int = 0) -> fields.Integer:
    return fields.Integer(load_default=default, validate=validate.Range(min=minimum))


def _doubled(values: list[str]) -> list[str]:
    return sorted({value for value in values if values.count(value) > 1})


class TaskForceSection(BaseSchema):
    """One of the 9 重点产业链招商专班 (Seed 压实责任链条)."""

    code = fields.String(required=True, validate=validate.Regexp(r"^[a-z][a-z0-9_]{0,47}$"))
    name = fields.String(required=True)
    industries = fields.List(fields.String(), required=True, validate=validate.Length(min=1))
    chain_leader = fields.String(load_default=None, allow_none=True)  # 链长 (a city leader)
    lead_unit = fields.String(load_default=None, allow_none=True)  # 链长单位


class BaozhuaSection(BaseSchema):
    """五项机制 1 and 一个企业、一个项目、一套班子、一抓到底: who owns a major or list project."""

    # The 包抓 leader (leader_name) and the service team must be named before this stage.
    required_before = fields.String(load_default="signed", validate=validate.OneOf(STAGES[1:]))


class DimensionSection(BaseSchema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    weight = _decimal("1")


class EvaluationSection(BaseSchema):
    """五项机制 2: 项目评估 of list and major projects (dimensions and pass mark are ours)."""

    dimensions = fields.List(fields.Nested(DimensionSection), validate=validate.Length(min=1),
                             load_default=lambda: [dict(d) for d in EVALUATION_DIMENSIONS])
    pass_score = _decimal("60")
    required_before = fields.String(load_default="signed",
                                    validate=validate.OneOf(["negotiating", "signed"]))


class SchedulingSection(BaseSchema):
    """五项机制 3: 趋熟项目调度 — maturing list projects are scheduled at this interval (ours)."""

    every_days = _count(15, minimum=1)


class WarningsSection(BaseSchema):
    """五项机制 5: 红黄蓝预警 on list projects (Defaults of POLICIES.md § pingliang 3)."""

    blue_after_days = _count(30, minimum=1)  # no progress report for 30 days
    red_after_overdue_days = _count(60, minimum=1)  # overdue up to 60 days yellow, beyond red
    red_arrival_rate = fields.Decimal(load_default=Decimal("0.3"),
                                      validate=validate.Range(min=Decimal(0), max=Decimal(1)))
    red_arrival_after_days = _count(365, minimum=1)  # a year after signing


class AgencySection(BaseSchema):
    """Rule 7: 帮办代办 agency service. The seed gives no deadline; ten working days is ours."""

    deadline_workdays = _count(10, minimum=1)  # working days from raising to 办结


class IndicatorSection(BaseSchema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    metric = fields.String(required=True)
    points = fields.Decimal(required=True, validate=validate.Range(min=Decimal(0)))


class AssessmentSection(BaseSchema):
    """考核: 正向加分、反向扣分; 月统计、季评价、年考核 (periods, kinds, points are ours)."""

    periods = fields.List(fields.String(validate=validate.OneOf(["month", "quarter", "year"])),
                          load_default=lambda: ["quarter", "year"])
    county_kinds = fields.List(fields.String(), load_default=lambda: ["county", "district",
                                                                       "city"])
    department_kinds = fields.List(fields.String(), load_default=lambda: ["department"])
    indicators = fields.List(fields.Nested(IndicatorSection), validate=validate.Length(min=1),
                             load_default=lambda: [dict(i) for i in ASSESSMENT_INDICATORS])
    adjustment_cap = _decimal("10")
    # 正向加分: each major project a unit signed in the period.
    plus_per_major_project = _decimal("2")
    # 反向扣分: each red warning raised in the period on a unit's list projects.
    minus_per_red_warning = _decimal("1")
    # 正向加分 for the service unit: each 帮办代办 request it closed (办结) by its deadline.
    plus_per_service_on_time = _decimal("0.5")
    # 排名靠后的约谈问责: how many from the bottom of the rankings of ``summons_period``.
    summons_bottom = _count(1)
    summons_period = fields.String(load_default="year",
                                   validate=validate.OneOf(["month", "quarter", "year"]))


class PromotionFundsSection(BaseSchema):
    """Seed: 排名靠前的县（市、区）补助招商经费100万元、市直部门补助20万元并通报表扬."""

    scheme_period = fields.String(load_default="year",
                                  validate=validate.OneOf(["quarter", "year"]))
    top_counties = _count(1, minimum=1)
    county_amount = _decimal("100")  # 万元
    top_departments = _count(1, minimum=1)
    department_amount = _decimal("20")  # 万元


def _section(schema: type[BaseSchema]) -> fields.Nested:
    return fields.Nested(schema, load_default=lambda: schema().load({}))


class PingliangSettings(BaseSchema):
    """``[plugins.pingliang]``: loaded at startup; an invalid value stops the service."""

    task_forces = fields.List(fields.Nested(TaskForceSection), load_default=list)
    reserve_target = _count(132)  # Seed: 谋划储备132个招商项目
    channels = fields.List(fields.String(validate=validate.OneOf(list(LEAD_CHANNELS))),
                           load_default=lambda: list(CHANNELS))
    baozhua = _section(BaozhuaSection)
    evaluation = _section(EvaluationSection)
    scheduling = _section(SchedulingSection)
    warnings = _section(WarningsSection)
    agency = _section(AgencySection)
    assessment = _section(AssessmentSection)
    promotion_funds = _section(PromotionFundsSection)

    @validates_schema
    def _consistent(self, data: dict[str, Any], **_: Any) -> None:
        doubled = _doubled([force["code"] for force in data.get("task_forces", [])])
        if doubled:
            raise ValidationError(f"专班编码重复：{', '.join(doubled)}", "task_forces")
        industries = [i for force in data.get("task_forces", []) for i in force["industries"]]
        doubled = _doubled(industries)
        if doubled:
            raise ValidationError(f"产业 {', '.join(doubled)} 归属多个专班", "task_forces")
        periods = data["assessment"]["periods"]
        for path, period in (("promotion_funds.scheme_period",
                              data["promotion_funds"]["scheme_period"]),
                             ("assessment.summons_period", data["assessment"]["summons_period"])):
            if period not in periods:
                raise ValidationError(f"考核周期（{'、'.join(periods)}）中没有 {period}", path)


def settings(city: Any) -> dict[str, Any]:
    """Pingliang's validated configuration (defaults applied) for ``city``."""
    return city.plugin_config(PLUGIN_NAME)
