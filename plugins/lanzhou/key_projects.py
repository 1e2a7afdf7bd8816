"""招商有责: key leads, 五定包抓 on key projects, city-level matters, 一企一策一团队
(Seed 三(四)3 and 4, POLICIES.md § lanzhou 10 and 11).

* A key lead (``attributes.key_lead``) gets 一个项目、一名领导、一套班子、一抓到底: it is refused
  unless it names its leader (``attributes.leader``) and its team (``attributes.team``).
  Its project keeps the leader (as 定领导) and the team, and is a key project.
* A key project — the office marks it (``attributes.key_project``), or its amount reaches
  ``key_amount`` — may not be signed before the five fixed items of 五定包抓 are all filled:
  定领导 (``leader_name``), 定责任单位, 定责任人, 定目标, 定时限.
* A matter on a major or key project is decided at city level (a leader): 市级层面综合协调、一事一议.
* Major projects (the core's ``major`` tier: 省市列重大招商引资项目) are watched on 履约率、开工率、
  资金到位率 with their 一企一策 team, in the report ``lanzhou_major_projects``.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import sqlalchemy as sa

from core.toolkit import STAGE_LABELS, FieldProblem, Project, Report, Stage, is_fulfilling
from plugins.lanzhou.settings import settings

KEY_TIER = "key"
FIVE_FIXED = {
    "leader_name": "定领导（包抓市级领导）",
    "attributes.responsible_unit": "定责任单位",
    "attributes.responsible_person": "定责任人",
    "attributes.target": "定目标",
    "attributes.deadline": "定时限",
}
KEY_LEAD_FIELDS = {"leader": "一名领导（包抓领导）", "team": "一套班子（工作专班）"}


def is_key(city: Any, project: Project) -> bool:
    attributes = project.attributes or {}
    if attributes.get("key_project") is True:
        return True
    return Decimal(project.amount) >= settings(city)["key_projects"]["key_amount"]


def five_fixed_fields(city: Any, project: Project, stage: str) -> list[str]:
    """The five fixed items, before a key project enters the configured stage."""
    if stage != settings(city)["key_projects"]["five_fixed_before"] or not is_key(city, project):
        return []
    return list(FIVE_FIXED)


def key_lead_problems(data: dict[str, Any]) -> list[FieldProblem]:
    """A key lead without its leader or team is refused, each missing one named."""
    attributes = data.get("attributes") or {}
    if attributes.get("key_lead") is not True:
        return []
    return [FieldProblem(f"attributes.{key}", f"key_lead.{key}_missing",
                         f"重点线索须明确{label}：一个项目、一名领导、一套班子、一抓到底")
            for key, label in KEY_LEAD_FIELDS.items() if not attributes.get(key)]


def from_key_lead(attributes: dict[str, Any]) -> dict[str, Any] | None:
    """一抓到底: a key lead's leader and team stay with the project it becomes, and the
    project is key (so 五定包抓 is asked before signing, with 定领导 already filled)."""
    if attributes.get("key_lead") is not True:
        return None
    return {"leader_name": attributes.get("leader"),
            "attributes": {"key_project": True, "key_lead": True,
                           "leader": attributes.get("leader"), "team": attributes.get("team")}}


def decision_level(city: Any, project: Project) -> str | None:
    tiers = set(project.tiers or []) | ({KEY_TIER} if is_key(city, project) else set())
    return "leader" if tiers & set(settings(city)["matters"]["city_level_tiers"]) else None


def _rate(part: Decimal, whole: Decimal) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), ROUND_HALF_UP)


MAJOR_COLUMNS = (
    ("name", "项目名称"), ("stage", "阶段"), ("host_unit", "落户单位"),
    ("leader_name", "包抓领导"), ("team", "项目建设管理团队（一企一策一团队）"),
    ("amount", "总投资（万元）"), ("signed_on", "签约日期"), ("fulfilling", "履约"),
    ("started", "已开工"), ("arrived_amount", "到位资金（万元）"), ("arrival_rate", "资金到位率"),
)


def major_rows(context: Any, params: dict[str, Any]) -> list[dict[str, Any]]:
    """Signed major projects with the three rates; the last row is the total."""
    projects = [p for p in context.session.scalars(sa.select(Project).order_by(Project.id))
                if "major" in (p.tiers or []) and p.signed_on is not None]
    rows = []
    for project in projects:
        fulfilling = is_fulfilling(project)
        rows.append({
            "name": project.name, "stage": STAGE_LABELS[Stage(project.stage)],
            "host_unit": project.host_unit.name, "leader_name": project.leader_name,
            "team": (project.attributes or {}).get("team"), "amount": project.amount,
            "signed_on": project.signed_on, "fulfilling": "是" if fulfilling else "否",
            "started": "是" if project.started_on else "否",
            "arrived_amount": project.arrived_amount,
            "arrival_rate": _rate(project.arrived_amount, project.amount)})
    signed = Decimal(len(rows))
    amount = sum((Decimal(p.amount) for p in projects), Decimal(0))
    arrived = sum((p.arrived_amount for p in projects), Decimal(0))
    rows.append({
        "name": f"合计：履约率 {_rate(sum(r['fulfilling'] == '是' for r in rows), signed)}，"
                f"开工率 {_rate(sum(r['started'] == '是' for r in rows), signed)}",
        "stage": None, "host_unit": None, "leader_name": None, "team": None, "amount": amount,
        "signed_on": None, "fulfilling": None, "started": None, "arrived_amount": arrived,
        "arrival_rate": _rate(arrived, amount)})
    return rows


def reports() -> list[Report]:
    return [Report("lanzhou_major_projects", "省市列重大招商引资项目履约、开工、资金到位情况",
                   MAJOR_COLUMNS, major_rows)]
