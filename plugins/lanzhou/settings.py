"""Lanzhou's configuration section ``[plugins.lanzhou]``: every open number of 两真四有.

Seed values (the document states them: 100 reserve projects a year at business-plan depth,
40万元 at most per reward, ten best teams, fifty cadres, one promotion a month) and Defaults
(POLICIES.md § lanzhou leaves them open: the 5亿元 line between city and county evaluation,
0–100 scores with equal weights passing at 60, ratings A/B/C/D at 85/70/60, 1‰ of recognised
arrived funds) both live here with their default, so the city changes them in ``config.toml``
without code. Where neither the seed nor POLICIES.md gives a number (how many units get an
award, the assessment points), the default is ours and ``docs/cities/lanzhou.md`` says so.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from core.toolkit import BaseSchema

PLUGIN_NAME = "lanzhou"
CODE = validate.Regexp(r"^[a-z][a-z0-9_]{0,47}$")

# Seed 三(二)4: what the admission evaluation (准入评估) looks at.
ADMISSION_DIMENSIONS = [
    {"code": "land", "name": "土地"},
    {"code": "planning", "name": "规划"},
    {"code": "environment", "name": "环保"},
    {"code": "energy", "name": "节能"},
    {"code": "industry_level", "name": "产业层次"},
    {"code": "intensity", "name": "投资强度"},
    {"code": "tax", "name": "税收贡献"},
]
# Seed 三(二)4: projects that may not land, whatever their scores (一票否决).
HARD_REFUSALS = [
    {"code": "high_energy", "name": "高耗能"},
    {"code": "high_pollution", "name": "高污染"},
    {"code": "high_emission", "name": "高排放"},
    {"code": "low_output", "name": "低产出"},
    {"code": "restricted_category", "name": "属《产业结构调整指导目录》限制类"},
    {"code": "eliminated_category", "name": "属《产业结构调整指导目录》淘汰类"},
    {"code": "ecology", "name": "不符合生态环保要求"},
    {"code": "layout", "name": "不符合兰州市产业发展布局"},
]
# Seed 三(二)4: how the investor is judged (投资企业全面评价).
INVESTOR_DIMENSIONS = [
    {"code": "willingness", "name": "投资意愿"},
    {"code": "performance", "name": "履约能力"},
    {"code": "market", "name": "市场预期"},
    {"code": "technology", "name": "技术实力"},
    {"code": "credit", "name": "资信情况"},
]
RATINGS = [{"letter": "A", "minimum": "85"}, {"letter": "B", "minimum": "70"},
           {"letter": "C", "minimum": "60"}, {"letter": "D", "minimum": "0"}]
# Seed 三(二)3: whom the target enterprise library (重点目标企业信息库) holds, and where.
TARGET_CATEGORIES = ["世界500强", "中国500强", "民营500强", "行业100强", "央企", "上市公司"]
TARGET_REGIONS = ["长三角", "珠三角", "环渤海"]
# Seed 三(三)3: the named awards computed from the results.
AWARDS = {
    "advanced_unit": "招商引资先进单位奖",
    "big_investor": "招大引强突出贡献奖",
    "major_project": "重大产业项目引进奖",
    "landing_service": "项目落地优质服务奖",
    "best_teams": "十佳招商团队奖",
    "excellent_cadres": "五十名招商优秀干部奖",
}
# Default (ours): quality over quantity — scale, technology, tax and fixed assets carry 85 of
# the 100 points, the number of projects 15 (Seed 三(三)3: 从重数量向重质量调整).
ASSESSMENT_INDICATORS = [
    {"code": "scale", "name": "投资规模", "metric": "signed_amount", "points": "30"},
    {"code": "technology", "name": "科技含量", "metric": "lanzhou_technology", "points": "20"},
    {"code": "tax", "name": "税收贡献", "metric": "lanzhou_tax", "points": "20"},
    {"code": "fixed_assets", "name": "固投贡献", "metric": "lanzhou_fixed_assets",
     "points": "15"},
    {"code": "count", "name": "签约项目数", "metric": "signed_count", "points": "15"},
]
ASSESSED_KINDS = ["county", "district", "park", "industry_group", "department"]


def _decimal(default: Any) -> fields.Decimal:
    """A non-negative exact decimal (TOML strings such as "0.001" stay exact)."""
    return fields.Decimal(load_default=Decimal(default), validate=validate.Range(min=Decimal(0)))


def _count(default: int, minimum: int = 0) -> fields.Integer:
    return fields.Integer(load_default=default, validate=validate.Range(min=minimum))


def _doubled(values: list[str]) -> list[str]:
    return sorted({value for value in values if values.count(value) > 1})


class NamedItem(BaseSchema):
    code = fields.String(required=True, validate=CODE)
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))


class WeightedItem(NamedItem):
    weight = fields.Decimal(load_default=Decimal(1), validate=validate.Range(min=Decimal(0),
                                                                             min_inclusive=False))


class Rating(BaseSchema):
    letter = fields.String(required=True, validate=validate.Length(min=1, max=2))
    minimum = fields.Decimal(required=True, validate=validate.Range(min=Decimal(0),
                                                                    max=Decimal(100)))


def _items(schema: type[BaseSchema], defaults: list[dict[str, str]]) -> fields.List:
    return fields.List(fields.Nested(schema), validate=validate.Length(min=1),
                       load_default=lambda: schema(many=True).load(defaults))


class AdmissionSection(BaseSchema):
    """Rule 1: 准入评估 — seven dimensions, city or county level, hard refusals."""

    # Default: 5亿元 and above is evaluated by the city, below by the county.
    city_level_amount = _decimal(50000)  # 万元
    dimensions = _items(WeightedItem, ADMISSION_DIMENSIONS)
    hard_refusals = _items(NamedItem, HARD_REFUSALS)
    pass_score = _decimal(60)
    required_before = fields.String(load_default="signed",
                                    validate=validate.OneOf(["negotiating", "signed"]))


class InvestorSection(BaseSchema):
    """Rule 2: the investor evaluation — five aspects, a rating kept on the enterprise."""

    dimensions = _items(WeightedItem, INVESTOR_DIMENSIONS)
    ratings = _items(Rating, RATINGS)
    pass_score = _decimal(60)  # Default: a C or better may sign
    required_before = fields.String(load_default="signed",
                                    validate=validate.OneOf(["negotiating", "signed"]))


class ReserveSection(BaseSchema):
    """Rule 3: at least 100 reserve projects a year at business-plan depth (Seed)."""

    business_plan_target = _count(100, minimum=1)


class TargetsSection(BaseSchema):
    """Rule 5: the target enterprise library (Seed 三(二)3)."""

    categories = fields.List(fields.String(), validate=validate.Length(min=1),
                             load_default=lambda: list(TARGET_CATEGORIES))
    regions = fields.List(fields.String(), validate=validate.Length(min=1),
                          load_default=lambda: list(TARGET_REGIONS))


class RecognitionSection(BaseSchema):
    """Rule 6: 报备认定 — only recognised projects earn credit and rewards."""

    required_for_credit = fields.Boolean(load_default=True)
    # Ours: the introducing unit and intermediary are registered before the project is signed
    # (every project records them); null: no such gate.
    registered_before = fields.String(load_default="signed", allow_none=True,
                                      validate=validate.OneOf(["negotiating", "signed"]))


class RewardsSection(BaseSchema):
    """Rules 7 and 8: 招商有功 rewards and the awards computed from the annual results."""

    merit_rate = _decimal("0.001")  # Default: 1‰ of recognised arrived funds
    merit_cap = _decimal(40)  # Seed 三(三)1: 最高奖励40万元
    merit_excludes_public_officials = fields.Boolean(load_default=True)
    # Ours: how many units the unit awards go to (the seed names the awards, not the number).
    advanced_unit_top = _count(5, minimum=1)
    big_investor_top = _count(3, minimum=1)
    landing_service_top = _count(3, minimum=1)
    best_teams_top = _count(10, minimum=1)  # Seed: 十佳招商团队
    excellent_cadres_top = _count(50, minimum=1)  # Seed: 五十名招商优秀干部
    # Ours: the awards are honours (表扬奖励) unless the city sets an amount (万元).
    award_amount = _decimal(0)


class IndicatorItem(NamedItem):
    metric = fields.String(required=True)
    points = fields.Decimal(required=True, validate=validate.Range(min=Decimal(0)))


class AssessmentSection(BaseSchema):
    """Rule 8: the yearly assessment, weighted toward quality."""

    unit_kinds = fields.List(fields.String(), validate=validate.Length(min=1),
                             load_default=lambda: list(ASSESSED_KINDS))
    indicators = fields.List(fields.Nested(IndicatorItem), validate=validate.Length(min=1),
                             load_default=lambda: IndicatorItem(many=True).load(
                                 ASSESSMENT_INDICATORS))
    adjustment_cap = _decimal(10)  # Ours: penalties and bonuses within ±10 points


class FaultToleranceSection(BaseSchema):
    """Rule 9: 容错免责 — what an exemption must establish, who may grant it."""

    # Seed 三(三)4: 出于公心、没有谋取私利、法规未明令禁止或政策界限不明确 — all three.
    required_conditions = fields.List(
        fields.String(validate=validate.OneOf(["public_interest", "no_private_gain",
                                               "unclear_rules"])),
        load_default=lambda: ["public_interest", "no_private_gain", "unclear_rules"])


class KeyProjectsSection(BaseSchema):
    """Rule 10: key leads and 五定包抓 on key signed projects."""

    # Default (ours): a project of 5亿元 or more is a key project, or one the office marks.
    key_amount = _decimal(50000)  # 万元
    # The five fixed items (五定) required before a key project enters this stage.
    five_fixed_before = fields.String(load_default="signed",
                                      validate=validate.OneOf(["negotiating", "signed"]))


class MattersSection(BaseSchema):
    """Rule 11: major issues go to the city (市级层面综合协调、一事一议)."""

    city_level_tiers = fields.List(fields.String(), load_default=lambda: ["major", "key"])


class PromotionSection(BaseSchema):
    """Rule 12: one city-level out-of-town promotion event a month (Seed 三(六)3)."""

    per_month = _count(1, minimum=1)


def _section(schema: type[BaseSchema]) -> fields.Nested:
    return fields.Nested(schema, load_default=lambda: schema().load({}))


class LanzhouSettings(BaseSchema):
    """``[plugins.lanzhou]``: loaded at startup; an invalid value stops the service."""

    admission = _section(AdmissionSection)
    investor = _section(InvestorSection)
    reserve = _section(ReserveSection)
    targets = _section(TargetsSection)
    recognition = _section(RecognitionSection)
    rewards = _section(RewardsSection)
    assessment = _section(AssessmentSection)
    fault_tolerance = _section(FaultToleranceSection)
    key_projects = _section(KeyProjectsSection)
    matters = _section(MattersSection)
    promotion = _section(PromotionSection)

    @validates_schema
    def _consistent(self, data: dict[str, Any], **_: Any) -> None:
        for section, key in (("admission", "dimensions"), ("admission", "hard_refusals"),
                             ("investor", "dimensions")):
            items = data.get(section, {}).get(key, [])
            doubled = _doubled([item["code"] for item in items])
            if doubled:
                raise ValidationError(f"编码重复：{', '.join(doubled)}", f"{section}.{key}")
        minimums = [item["minimum"] for item in data.get("investor", {}).get("ratings", [])]
        if minimums != sorted(minimums, reverse=True) or (minimums and minimums[-1] != 0):
            raise ValidationError("评级须按最低分从高到低排列，最后一级最低分为0", "investor.ratings")


def settings(city: Any) -> dict[str, Any]:
    """Lanzhou's validated configuration (defaults applied) for ``city``."""
    return city.plugin_config(PLUGIN_NAME)
