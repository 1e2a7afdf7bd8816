"""Sanming's configuration section ``[plugins.sanming]``: every open number of the policy.

Seed values (the document states them: 10亿元, 5亿元, 3:7, 3 years, 16 chains, 21 maps, 220
projects) and Defaults (POLICIES.md § sanming leaves them open: the lead points 1/2/5/10) both
live here with their default, so the city changes them in ``config.toml`` without code. Where
neither the seed nor POLICIES.md gives a number (a penalty, how many rewards), the default is
ours and ``docs/cities/sanming.md`` says so.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from core.toolkit import BaseSchema

PLUGIN_NAME = "sanming"

# Seed 二: the three working methods of the campaign.
METHODS = [
    {"code": "investment_map", "name": "招商地图工作法"},
    {"code": "project", "name": "项目工作法"},
    {"code": "legwork", "name": "脚底板工作法"},
]
# Seed 三(一)3: the five regions where investment teams are stationed.
REGIONS = [
    {"code": "jjj", "name": "京津冀"},
    {"code": "yrd", "name": "长三角"},
    {"code": "gba", "name": "粤港澳"},
    {"code": "southeast_fujian", "name": "闽东南"},
    {"code": "chengyuhan", "name": "成渝汉"},
]
# Seed 三(一)4: the kinds of target enterprises (enterprise tags of the core's catalogue).
TARGET_TAGS = ["世界500强", "央企", "中国500强", "台湾百大", "民营500强", "独角兽"]
LINK_POSITIONS = {"upstream": "上游", "midstream": "中游", "downstream": "下游"}
# Default: who reviews each item of the 法规账 (Seed 三(五)29 names 环保安全与用地用林). Only the
# natural resources bureau is one of the city's units; the other items are recorded by the office.
LEGAL_ITEMS = [
    {"code": "environment", "name": "环保", "department": "三明市生态环境局"},
    {"code": "safety", "name": "安全", "department": "三明市应急管理局"},
    {"code": "land", "name": "用地", "department": "三明市自然资源局", "unit": "dept_natural_resources"},
    {"code": "forest", "name": "林地", "department": "三明市林业局"},
]

# Default: how the units are scored every month (每月战报), quarter (每季联席) and year
# (年终考核), Seed 三(四)19. Lead points are the seed's 线索积分制; the rest are the
# figures of DOMAIN.md, credited through transfers.
ASSESSMENT_INDICATORS = [
    {"code": "signed_amount", "name": "签约项目投资额", "metric": "signed_amount", "points": "30"},
    {"code": "started_count", "name": "开工项目数", "metric": "started_count", "points": "20"},
    {"code": "arrived_amount", "name": "实际到位资金", "metric": "arrived_amount", "points": "30"},
    {"code": "lead_points", "name": "线索积分", "metric": "sanming_lead_points", "points": "20"},
]
ASSESSED_KINDS = ["county", "district", "city", "park", "department"]

# Default: the dimensions of the pre- and post-evaluation of major projects (Seed 三(四)19
# names the mechanism, 三(一)2 and 三(五)29 what a good project contributes); each 0–100.
PRE_EVALUATION_DIMENSIONS = [
    {"code": "chain_fit", "name": "产业链契合度", "weight": "1"},
    {"code": "economic_account", "name": "经济账（税收贡献、就业带动）", "weight": "1"},
    {"code": "innovation", "name": "技术创新", "weight": "1"},
    {"code": "legal_account", "name": "法规账（环保安全、用地用林）", "weight": "1"},
    {"code": "investor_strength", "name": "投资方实力", "weight": "1"},
]
POST_EVALUATION_DIMENSIONS = [
    {"code": "investment", "name": "投资到位", "weight": "1"},
    {"code": "statistics_tax", "name": "入统与税收", "weight": "1"},
    {"code": "jobs", "name": "就业带动", "weight": "1"},
    {"code": "innovation", "name": "技术创新", "weight": "1"},
    {"code": "agreement", "name": "协议履行", "weight": "1"},
]


def _decimal(**kwargs: Any) -> fields.Decimal:
    """A non-negative exact decimal (TOML strings such as "0.5" stay exact)."""
    return fields.Decimal(validate=validate.Range(min=Decimal(0)), **kwargs)


def _count(default: int, minimum: int = 0) -> fields.Integer:
    return fields.Integer(load_default=default, validate=validate.Range(min=minimum))


def _doubled(values: list[str]) -> list[str]:
    return sorted({value for value in values if values.count(value) > 1})


class NamedCode(BaseSchema):
    code = fields.String(required=True, validate=validate.Regexp(r"^[a-z][a-z0-9_]{0,47}$"))
    name = fields.String(required=True)


class ChainSection(NamedCode):
    """One of the 16 百亿特色产业链, under an industry of the "433" system."""

    industry = fields.String(required=True)


class LinkSection(BaseSchema):
    """A link of an investment map: who is there, whom to attract, what is missing."""

    position = fields.String(required=True, validate=validate.OneOf(list(LINK_POSITIONS)))
    name = fields.String(required=True)
    present = fields.List(fields.String(), load_default=list)
    targets = fields.List(fields.String(), load_default=list)
    gaps = fields.List(fields.String(), load_default=list)


class MapSection(NamedCode):
    """One of the 21 招商地图 (招商地图工作法)."""

    chain = fields.String(required=True)
    links = fields.List(fields.Nested(LinkSection), required=True,
                        validate=validate.Length(min=1))


class KeyProjectSection(BaseSchema):
    """Seed 三(一)2: what makes a project a key project (重点招商项目)."""

    amount_threshold = _decimal(load_default=Decimal(100000))  # 万元 = 10亿元
    excluded_industries = fields.List(fields.String(),
                                      load_default=lambda: ["real_estate", "characteristic_town"])
    provincial_threshold = _decimal(load_default=Decimal(50000))  # 万元 = 5亿元
    # The commissioner (招商专员) must be named before a key project enters this stage.
    commissioner_required_before = fields.String(
        load_default="signed", validate=validate.OneOf(["negotiating", "signed", "started"]))
    target_count = _count(220)  # Seed 三(一)1: 220 重点产业项目
    # Seed 三(一)2: 一事一议/一企一策 is offered to key projects; others get no matter.
    matters_key_only = fields.Boolean(load_default=True)


class LeadPointsSection(BaseSchema):
    """Default (POLICIES.md § sanming 7): 线索积分制."""

    reported = _count(1)
    valid = _count(2)
    signed = _count(5)
    started = _count(10)


class RollingSection(BaseSchema):
    """Seed 三(四)19 and 21: the rolling evaluation of landed projects and false reports."""

    years = _count(3, minimum=1)
    # Ours: what a false report costs the unit that reported it (谁提供、谁负责), in points.
    false_report_penalty = _decimal(load_default=Decimal(5))
    # Seed 三(四)21: a serious case takes the unit out of the assessment (取消考评资格).
    serious_disqualifies = fields.Boolean(load_default=True)


class LegalItemSection(BaseSchema):
    """One item of the 法规账 review: who reviews it and which unit's clerks may record it."""

    code = fields.String(required=True, validate=validate.Regexp(r"^[a-z][a-z0-9_]{0,31}$"))
    name = fields.String(required=True)
    department = fields.String(required=True)  # the reviewing department, as shown
    # The unit whose clerks record this item (besides the office); none: the office only.
    unit = fields.String(load_default=None, allow_none=True)


class TwoAccountsSection(BaseSchema):
    """Seed 三(五)29: 经济账 and 法规账 recorded before signing."""

    required_before = fields.String(load_default="signed",
                                    validate=validate.OneOf(["negotiating", "signed"]))
    economic = fields.List(fields.String(), load_default=lambda: ["tax", "jobs"])
    # Seed: 环保安全与用地用林 — the items every project's 法规账 is reviewed on.
    legal = fields.List(fields.String(),
                        load_default=lambda: ["environment", "safety", "land", "forest"])
    # Default: the department reviewing each item (the seed names the items, not who reviews).
    legal_items = fields.List(fields.Nested(LegalItemSection),
                              load_default=lambda: [dict(item) for item in LEGAL_ITEMS])
    # Ours: incentives above this many years of the expected annual tax are flagged as
    # buying a project with money (花钱买项目).
    incentive_tax_years = _count(5, minimum=1)

    @validates_schema
    def _legal_items_known(self, data: dict[str, Any], **_: Any) -> None:
        codes = [item["code"] for item in data.get("legal_items", [])]
        doubled = _doubled(codes)
        if doubled:
            raise ValidationError(f"编码重复：{', '.join(doubled)}", "legal_items")
        unknown = [code for code in data.get("legal", []) if code not in codes]
        if unknown:
            raise ValidationError(f"法规账审查事项未配置：{', '.join(unknown)}", "legal")


class DimensionSection(BaseSchema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    weight = _decimal(load_default=Decimal(1))


def _dimensions(defaults: list[dict[str, str]]) -> fields.List:
    return fields.List(fields.Nested(DimensionSection), validate=validate.Length(min=1),
                       load_default=lambda: [dict(d) for d in defaults])


class EvaluationSection(BaseSchema):
    """Seed 三(四)19: 重大招商项目前期评价和后期评价 — of key projects."""

    pre_dimensions = _dimensions(PRE_EVALUATION_DIMENSIONS)
    pre_pass_score = _decimal(load_default=Decimal(60))
    pre_required_before = fields.String(load_default="signed",
                                        validate=validate.OneOf(["negotiating", "signed"]))
    post_dimensions = _dimensions(POST_EVALUATION_DIMENSIONS)
    post_pass_score = _decimal(load_default=Decimal(60))


class IndicatorSection(BaseSchema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    metric = fields.String(required=True)
    points = _decimal(required=True)


class AssessmentSection(BaseSchema):
    """Seed 三(四)19: 每月战报、每季联席、年终考核 — one scheme per period."""

    periods = fields.List(fields.String(validate=validate.OneOf(["month", "quarter", "year"])),
                          load_default=lambda: ["month", "quarter", "year"])
    unit_kinds = fields.List(fields.String(), load_default=lambda: list(ASSESSED_KINDS))
    indicators = fields.List(fields.Nested(IndicatorSection),
                             load_default=lambda: [dict(i) for i in ASSESSMENT_INDICATORS])
    # Ours: how many of the lowest-ranked units are listed for a summons (约谈), Seed 三(四)21.
    summons_bottom = _count(3)


class RewardsSection(BaseSchema):
    """Seed 三(四)20: honours; how many per year and the money (none unless set) are ours."""

    gold_advisor_top = _count(10, minimum=1)
    gold_advisor_amount = _decimal(load_default=Decimal(0))
    gold_lead_top = _count(10, minimum=1)
    gold_lead_amount = _decimal(load_default=Decimal(0))
    honorary_citizen_min_key_projects = _count(1, minimum=1)
    gold_service_unit_top = _count(5, minimum=1)
    gold_service_unit_amount = _decimal(load_default=Decimal(0))


class OrganisationSection(BaseSchema):
    """Seed 三(五)22–23: 1 command HQ, 8 working groups and their joint meetings."""

    hq_unit = fields.String(load_default="hq")
    joint_meeting_every_months = fields.Integer(load_default=3, validate=validate.Range(1, 12))
    group_meeting_every_months = fields.Integer(load_default=1, validate=validate.Range(1, 12))


def _section(schema: type[BaseSchema]) -> fields.Nested:
    return fields.Nested(schema, load_default=lambda: schema().load({}))


class SanmingSettings(BaseSchema):
    """``[plugins.sanming]``: loaded at startup; an invalid value stops the service."""

    campaign_start = fields.Date(load_default=dt.date(2021, 8, 1))  # Seed 二: 2021年8月起
    methods = fields.List(fields.Nested(NamedCode), load_default=lambda: [dict(m) for m in METHODS])
    regions = fields.List(fields.Nested(NamedCode), load_default=lambda: [dict(r) for r in REGIONS])
    target_tags = fields.List(fields.String(), load_default=lambda: list(TARGET_TAGS))
    chains = fields.List(fields.Nested(ChainSection), load_default=list)
    maps = fields.List(fields.Nested(MapSection), load_default=list)
    key_projects = _section(KeyProjectSection)
    lead_points = _section(LeadPointsSection)
    evaluation = _section(EvaluationSection)
    rolling_evaluation = _section(RollingSection)
    two_accounts = _section(TwoAccountsSection)
    assessment = _section(AssessmentSection)
    rewards = _section(RewardsSection)
    organisation = _section(OrganisationSection)

    @validates_schema
    def _consistent(self, data: dict[str, Any], **_: Any) -> None:
        for key in ("methods", "regions", "chains", "maps"):
            doubled = _doubled([item["code"] for item in data.get(key, [])])
            if doubled:
                raise ValidationError(f"编码重复：{', '.join(doubled)}", key)
        chains = {chain["code"] for chain in data.get("chains", [])}
        for index, item in enumerate(data.get("maps", [])):
            if item["chain"] not in chains:
                raise ValidationError(f"招商地图 {item['code']} 的产业链 {item['chain']} 未配置",
                                      f"maps.{index}.chain")
            doubled = _doubled([link["position"] for link in item["links"]])
            if doubled:
                raise ValidationError(f"招商地图 {item['code']} 的环节重复：{', '.join(doubled)}",
                                      f"maps.{index}.links")


def settings(city: Any) -> dict[str, Any]:
    """Sanming's validated configuration (defaults applied) for ``city``."""
    return city.plugin_config(PLUGIN_NAME)
