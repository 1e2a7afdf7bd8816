"""Project reviews (评审, Seed 四) and the fulfilment evaluation (履约评估, Seed 六) as core forms.

* 重大项目评审 ``ziyang_major_review`` — for major projects (tier ``major``: total investment
  at or above ``[policy] major_project_threshold``, 10亿元): the industry group organises the
  review with counties, zones, departments and experts → the industry authority issues its
  opinion → the leading-group office adds its opinion → the group leader or deputy decides
  whether the project goes to the leading group's meeting → the meeting decides. When the
  leader decides it need not go to the meeting, the leader records the last step's decision
  and says so in the opinion. City level. Required before signing.
* 县（区）、园区评审 ``ziyang_county_review`` — every other project, reviewed by its county or
  zone: submitted → decided. County level. Required before signing.
* 履约评估 ``ziyang_fulfilment`` — the host unit scores a signed project against its agreement;
  its decided result backs the outcome recorded in :mod:`plugins.ziyang.fulfilment`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from core.toolkit import DECIDER, LEADER, City, Dimension, EvaluationForm
from plugins.ziyang.settings import settings

MAJOR_REVIEW = "ziyang_major_review"
COUNTY_REVIEW = "ziyang_county_review"
FULFILMENT = "ziyang_fulfilment"

MAJOR_REVIEW_STEPS = {
    "group_review": "产业招商小组组织评审（县区、园区、市级部门参加）",
    "expert_review": "行业专家评审",
    "authority_opinion": "市级产业主管部门出具评审意见",
    "office_opinion": "领导小组办公室提出意见建议",
    "leader_decision": "组长、副组长确定是否上领导小组例会研究",
    "meeting_decision": "领导小组例会研究决定（不上会的由组长、副组长决定）",
}
COUNTY_REVIEW_STEPS = {"submitted": "提交县（区）、园区评审", "decided": "县（区）、园区作出评审决定"}
FULFILMENT_STEPS = {"evaluated": "载体单位履约评估", "decided": "载体单位确定履约评估结论"}


def is_major(project: Any) -> bool:
    return "major" in (project.tiers or [])


def _dimensions(items: list[dict[str, Any]]) -> tuple[Dimension, ...]:
    return tuple(Dimension(item["code"], item["name"], Decimal(item["weight"])) for item in items)


def review_forms(city: City) -> list[EvaluationForm]:
    """The three forms, with dimensions and pass scores from configuration."""
    config = settings(city)
    review_dimensions = _dimensions(config["review_dimensions"])
    return [
        EvaluationForm(
            code=MAJOR_REVIEW, name="重大招商项目评审", dimensions=review_dimensions,
            pass_score=config["review_pass_score"], steps=tuple(MAJOR_REVIEW_STEPS),
            step_labels=dict(MAJOR_REVIEW_STEPS), required_before="signed",
            applies_to=is_major, level_for=lambda project: "city",
            # 组长、副组长确定: the leader's own step; the meeting's decision is recorded by the
            # office (its minutes) or by the leader when it does not go to the meeting.
            step_rules={"leader_decision": LEADER, "meeting_decision": DECIDER}),
        EvaluationForm(
            code=COUNTY_REVIEW, name="县（区）、园区招商项目评审", dimensions=review_dimensions,
            pass_score=config["review_pass_score"], steps=tuple(COUNTY_REVIEW_STEPS),
            step_labels=dict(COUNTY_REVIEW_STEPS), required_before="signed",
            applies_to=lambda project: not is_major(project),
            level_for=lambda project: "county"),
        EvaluationForm(
            code=FULFILMENT, name="项目履约评估",
            dimensions=_dimensions(config["fulfilment_dimensions"]),
            pass_score=config["fulfilment_pass_score"], steps=tuple(FULFILMENT_STEPS),
            step_labels=dict(FULFILMENT_STEPS), level_for=lambda project: "county"),
    ]
