"""Changsha's configuration ``[plugins.changsha]``: every default of POLICIES.md § changsha.

The schema is declared through the ``plugin_config_schema`` hook; its ``load_default``
values are the policy's defaults, so a deployment file only names what it changes.
Where the seed (长政发〔2017〕30号) gives no number, the default is ours and
``docs/cities/changsha.md`` says so.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from core.toolkit import City

PLUGIN = "changsha"

# 三(十一)/二(五): the investors that make a project major, and the target libraries.
TOP_LIBRARIES = ("世界500强", "中国500强", "民营500强", "行业前20强")
# 二(六): headquarters economy — 总部、区域总部及研发中心、技术中心、采购中心、结算中心.
HEADQUARTERS_TYPES = ("总部", "区域总部", "研发中心", "技术中心", "采购中心", "结算中心")
# 三(十一): 一事一议 support in 财政、土地、税收、人才.
SUPPORT_KINDS = {"finance": "财政", "land": "土地", "tax": "税收", "talent": "人才"}
# 一(三): 强链、补链、延链、育链.
CHAIN_LINKS = {"strengthen": "强链", "fill": "补链", "extend": "延链", "grow": "育链"}
PARK_LEVELS = {"national": "国家级", "provincial": "省级"}
STAGES = ("reserve", "negotiating", "signed", "started", "completed")


def _unique(values: list[str]) -> None:
    doubled = sorted({value for value in values if values.count(value) > 1})
    if doubled:
        raise ValidationError(f"重复：{', '.join(doubled)}")


class PositioningCount(Schema):
    """How many leading (主导) and specialty (特色) industries a park of one level has."""

    leading = fields.Integer(required=True, validate=validate.Range(min=1, max=5))
    specialty = fields.Integer(required=True, validate=validate.Range(min=0, max=5))


class ParkPositioning(Schema):
    """One park's positioning: its leading and specialty industries (industry codes)."""

    unit = fields.String(required=True)
    leading = fields.List(fields.String(), load_default=list, validate=_unique)
    specialty = fields.List(fields.String(), load_default=list, validate=_unique)


class ChainLinks(Schema):
    """The segments of a chain under each of 强链、补链、延链、育链."""

    strengthen = fields.List(fields.String(), load_default=list)
    fill = fields.List(fields.String(), load_default=list)
    extend = fields.List(fields.String(), load_default=list)
    grow = fields.List(fields.String(), load_default=list)


class Chain(Schema):
    """A chain of the digital map (产业数字地图) seen through 强链、补链、延链、育链.

    ``code`` names a chain of the deployment's ``[[chains]]``: its name, chain office
    (产业链推进办公室) and industries are the core chain's, so the investment map and the
    digital map never disagree.
    """

    code = fields.String(required=True, validate=validate.Regexp(r"^[a-z][a-z0-9_]{1,63}$"))
    links = fields.Nested(ChainLinks, load_default=lambda: ChainLinks().load({}))
    gaps = fields.List(fields.String(), load_default=list,
                       metadata={"description": "缺失环节（待补链）"})


class Rewards(Schema):
    """Rewards to intermediaries and individuals who bring a major project (三(十一))."""

    # Our numbers (the seed gives none): 0.5% of the arrived funds, at most 100万元 each.
    rate_of_arrived = fields.Decimal(load_default=Decimal("0.005"),
                                     validate=validate.Range(min=0, max=1))
    cap = fields.Decimal(load_default=Decimal(100), allow_none=True,
                         validate=validate.Range(min=0))
    landed_stage = fields.String(load_default="started",
                                 validate=validate.OneOf(["signed", "started", "completed"]))


class Cadence(Schema):
    """Tracking cadence (四(十三)): 周调度、月通报交办、半年度讲评、年观摩、回头看."""

    weekly_stages = fields.List(fields.String(validate=validate.OneOf(STAGES)),
                                load_default=lambda: ["negotiating", "signed", "started"])
    stale_days = fields.Integer(load_default=14, validate=validate.Range(min=1, max=365))
    task_working_days = fields.Integer(load_default=10, validate=validate.Range(min=1, max=60))
    site_tour_size = fields.Integer(load_default=20, validate=validate.Range(min=1, max=500))
    lookback_months = fields.Integer(load_default=12, validate=validate.Range(min=1, max=120))
    lookback_tolerance = fields.Decimal(load_default=Decimal("0.8"),
                                        validate=validate.Range(min=0, max=1))


class Assessment(Schema):
    """The leading group's yearly assessment, centred on major projects (四(十四))."""

    major_signed_points = fields.Decimal(load_default=Decimal(40), validate=validate.Range(min=0))
    major_amount_points = fields.Decimal(load_default=Decimal(30), validate=validate.Range(min=0))
    major_started_points = fields.Decimal(load_default=Decimal(20), validate=validate.Range(min=0))
    signed_points = fields.Decimal(load_default=Decimal(10), validate=validate.Range(min=0))


def _default_positioning() -> dict[str, dict[str, int]]:
    # 一(三): 国家级园区“两主一特”、省级园区“一主一特”.
    return {"national": {"leading": 2, "specialty": 1},
            "provincial": {"leading": 1, "specialty": 1}}


class ChangshaSettings(Schema):
    """``[plugins.changsha]`` of the deployment file."""

    major_investor_tags = fields.List(fields.String(), load_default=lambda: list(TOP_LIBRARIES))
    support_kinds = fields.List(fields.String(validate=validate.OneOf(list(SUPPORT_KINDS))),
                                load_default=lambda: list(SUPPORT_KINDS),
                                validate=validate.Length(min=1))
    executive_meeting_amount = fields.Decimal(load_default=Decimal(500000),
                                              validate=validate.Range(min=0))
    positioning = fields.Dict(keys=fields.String(validate=validate.OneOf(list(PARK_LEVELS))),
                              values=fields.Nested(PositioningCount),
                              load_default=_default_positioning)
    parks = fields.List(fields.Nested(ParkPositioning), load_default=list)
    target_libraries = fields.List(fields.String(), load_default=lambda: list(TOP_LIBRARIES))
    headquarters_types = fields.List(fields.String(),
                                     load_default=lambda: list(HEADQUARTERS_TYPES))
    chains = fields.List(fields.Nested(Chain), load_default=list)
    rewards = fields.Nested(Rewards, load_default=lambda: Rewards().load({}))
    cadence = fields.Nested(Cadence, load_default=lambda: Cadence().load({}))
    assessment = fields.Nested(Assessment, load_default=lambda: Assessment().load({}))

    @validates_schema
    def _one_entry_per_park_and_chain(self, data: dict[str, Any], **_: Any) -> None:
        parks = [park["unit"] for park in data.get("parks", [])]
        doubled = sorted({code for code in parks if parks.count(code) > 1})
        if doubled:
            raise ValidationError(f"园区产业定位重复配置：{', '.join(doubled)}", "parks")
        for park in data.get("parks", []):
            both = sorted(set(park["leading"]) & set(park["specialty"]))
            if both:
                raise ValidationError(
                    f"园区 {park['unit']} 的 {', '.join(both)} 既是主导产业又是特色产业", "parks")
        chains = [chain["code"] for chain in data.get("chains", [])]
        doubled = sorted({code for code in chains if chains.count(code) > 1})
        if doubled:
            raise ValidationError(f"产业链编码重复：{', '.join(doubled)}", "chains")


def settings(city: City) -> dict[str, Any]:
    """The validated ``[plugins.changsha]`` section (defaults applied)."""
    return city.plugin_config(PLUGIN) or ChangshaSettings().load({})
