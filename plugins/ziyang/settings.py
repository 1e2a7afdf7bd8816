"""Ziyang's configuration section ``[plugins.ziyang]``: every open number of the policy.

Seed values (the document states them) and Defaults (POLICIES.md § ziyang leaves them open)
both live here with their default, so the city changes them in ``config.toml`` without code.
``docs/cities/ziyang.md`` lists every key.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from core.toolkit import BaseSchema

PLUGIN_NAME = "ziyang"

# Seed 二: the regions and countries the industry groups aim at.
TARGET_REGIONS = ["长三角", "珠三角", "京津冀", "成渝", "欧美日韩"]

# Seed 七: one general policy plus N industry policies (industry 5+N, services 4+X,
# agriculture 6+3+1). ``industries`` lists the industry codes a policy applies to; empty
# means every industry (the general, 普惠性 policy).
INCENTIVE_POLICIES: list[dict[str, Any]] = [
    {"code": "general", "name": "资阳市招商引资普惠性优惠政策", "family": "1", "industries": []},
    {"code": "industry_5n", "name": "工业“5+N”产业招商优惠政策", "family": "5+N",
     "industries": ["advanced_manufacturing", "bio_food"]},
    {"code": "services_4x", "name": "服务业“4+X”产业招商优惠政策", "family": "4+X",
     "industries": ["modern_services", "health_care", "culture_sports"]},
    {"code": "agri_631", "name": "农业“6+3+1”产业招商优惠政策", "family": "6+3+1",
     "industries": ["modern_agri"]},
]

# Default: the dimensions of the major-project review (Seed 四 names the steps, not the
# criteria); each scored 0–100.
REVIEW_DIMENSIONS: list[dict[str, Any]] = [
    {"code": "industry_fit", "name": "产业定位契合度", "weight": "1"},
    {"code": "investment_intensity", "name": "投资强度", "weight": "1"},
    {"code": "economic_benefit", "name": "经济效益与税收贡献", "weight": "1"},
    {"code": "investor_strength", "name": "投资方实力", "weight": "1"},
    {"code": "factor_support", "name": "要素保障条件", "weight": "1"},
]

# Default: the dimensions of the fulfilment evaluation (Seed 六: each host unit sets its own
# system; these are the city's template).
FULFILMENT_DIMENSIONS: list[dict[str, Any]] = [
    {"code": "schedule", "name": "开工竣工投产时序", "weight": "1"},
    {"code": "investment", "name": "投资到位", "weight": "1"},
    {"code": "economic_terms", "name": "协议经济条款（产值、税收）", "weight": "1"},
]

# Default: how the monthly arena (擂台赛, Seed 十) scores a county or zone; points sum to 100.
ARENA_INDICATORS: list[dict[str, Any]] = [
    {"code": "signed_amount", "name": "签约项目投资额", "metric": "signed_amount", "points": "30"},
    {"code": "arrived_amount", "name": "到位资金", "metric": "arrived_amount", "points": "30"},
    {"code": "started_count", "name": "新开工项目", "metric": "started_count", "points": "20"},
    {"code": "leads_reported", "name": "报送招商项目信息（有效、不重复）",
     "metric": "valid_unique_leads", "points": "20",
     "basis": "只计当月报送、经研判有效（已明确首谈地或已转为项目）且不重复的招商项目信息；被退回的、"
              "尚待研判的，以及同一投资方此前已有有效信息的重复报送，均不计入"},
]


def _decimal(maximum: int | None = None, **kwargs: Any) -> fields.Decimal:
    """A non-negative decimal (TOML strings such as "0.5" stay exact)."""
    bound = validate.Range(min=Decimal(0), max=None if maximum is None else Decimal(maximum))
    return fields.Decimal(validate=bound, **kwargs)


class IncentivePolicySection(BaseSchema):
    code = fields.String(required=True, validate=validate.Regexp(r"^[a-z][a-z0-9_]{0,31}$"))
    name = fields.String(required=True)
    family = fields.String(required=True)
    industries = fields.List(fields.String(), load_default=list)


class DimensionSection(BaseSchema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    weight = _decimal(load_default=Decimal(1))


class IndicatorSection(BaseSchema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    metric = fields.String(required=True)
    points = _decimal(required=True)
    basis = fields.String(load_default=None, allow_none=True)  # 说明: what the indicator counts


def _loaded(schema: type[BaseSchema], items: list[dict[str, Any]]) -> Any:
    """A default list as the schema would load it from the file (decimals, defaults applied)."""
    return lambda: schema(many=True).load(items)


class ZiyangSettings(BaseSchema):
    """``[plugins.ziyang]``: loaded at startup; an invalid value stops the service."""

    target_regions = fields.List(fields.String(), load_default=lambda: list(TARGET_REGIONS))
    # Seed 四: who reviews. At or above the major threshold ([policy]) the industry group's
    # six-step review; below it the host county or zone reviews.
    review_dimensions = fields.List(fields.Nested(DimensionSection),
                                    load_default=_loaded(DimensionSection, REVIEW_DIMENSIONS))
    review_pass_score = _decimal(100, load_default=Decimal(60))
    fulfilment_dimensions = fields.List(
        fields.Nested(DimensionSection),
        load_default=_loaded(DimensionSection, FULFILMENT_DIMENSIONS))
    fulfilment_pass_score = _decimal(100, load_default=Decimal(60))
    # Seed 七 — "1+N".
    incentive_policies = fields.List(
        fields.Nested(IncentivePolicySection),
        load_default=_loaded(IncentivePolicySection, INCENTIVE_POLICIES))
    # Default: 委托招商 reward = rate × verified arrived funds, capped per intermediary (万元).
    commission_reward_rate = _decimal(load_default=Decimal("0.001"))
    commission_reward_cap = _decimal(load_default=Decimal(50))
    # Seed 十 — the arena and the year-end assessment.
    arena_unit_kinds = fields.List(fields.String(), load_default=lambda: ["county", "district",
                                                                          "park"])
    arena_indicators = fields.List(fields.Nested(IndicatorSection),
                                   load_default=_loaded(IndicatorSection, ARENA_INDICATORS))
    county_assessment_points = _decimal(load_default=Decimal(20))
    department_adjustment_cap = _decimal(load_default=Decimal(3))
    # Default: what moves a department's score inside the ±3 band.
    department_bonus_per_signed_lead = _decimal(load_default=Decimal("0.5"))
    department_deduction_per_overdue_judgement = _decimal(load_default=Decimal("0.5"))
    # Seed 一: the leader chairs a meeting every quarter, the deputy every month.
    leader_meeting_every_months = fields.Integer(load_default=3, validate=validate.Range(1, 12))
    deputy_meeting_every_months = fields.Integer(load_default=1, validate=validate.Range(1, 12))

    @validates_schema
    def _codes_unique(self, data: dict[str, Any], **_: Any) -> None:
        for key in ("incentive_policies", "review_dimensions", "fulfilment_dimensions",
                    "arena_indicators"):
            codes = [item["code"] for item in data.get(key, [])]
            doubled = sorted({code for code in codes if codes.count(code) > 1})
            if doubled:
                raise ValidationError(f"编码重复：{', '.join(doubled)}", key)
        if not data.get("review_dimensions"):
            raise ValidationError("至少需要一个评审维度", "review_dimensions")
        if not data.get("fulfilment_dimensions"):
            raise ValidationError("至少需要一个履约评估维度", "fulfilment_dimensions")
        if not data.get("arena_indicators") or not sum(
                item["points"] for item in data["arena_indicators"]):
            raise ValidationError("擂台赛至少需要一个有分值的指标", "arena_indicators")


def settings(city: Any) -> dict[str, Any]:
    """Ziyang's validated configuration (defaults applied) for ``city``."""
    return city.plugin_config(PLUGIN_NAME)
