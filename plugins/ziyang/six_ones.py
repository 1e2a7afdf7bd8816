"""The seven industry groups and their 六个一 (Seed 二), and routing work to them by industry.

A group is a configured unit of kind ``industry_group``; the industries it serves are those
whose ``group`` names it. Its six ones are rows of :class:`~plugins.ziyang.models.GroupOne`;
:func:`group_problems` reports a group whose six are incomplete or doubled.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.toolkit import City, FieldProblem, Lead, Project, Unit, record_event
from plugins.ziyang.models import GroupOne

# Seed 二: 一名市级领导、一个牵头部门、一个产业功能区、一支招商队伍、一套招商支持政策、一本招商地图.
SIX_ONES: dict[str, str] = {
    "leader": "市级领导",
    "lead_department": "牵头部门",
    "functional_zone": "产业功能区",
    "team": "招商队伍",
    "policy": "招商支持政策",
    "map": "招商地图",
}
# The unit kind a row must name when it names one of the city's units.
UNIT_KIND_OF = {"lead_department": ("department",),
                "functional_zone": ("park", "county", "district")}
UNIT_KIND_WORDS = {"lead_department": "市级部门", "functional_zone": "园区或县（区）"}


@dataclass(frozen=True)
class IndustryGroup:
    code: str
    name: str
    industries: tuple[str, ...]


def industry_groups(city: City) -> list[IndustryGroup]:
    """The city's industry groups in configuration order, with the industries each serves."""
    groups = []
    for unit in city.config["units"]:
        if unit["kind"] == "industry_group":
            industries = tuple(code for code, item in city.industries.items()
                               if item.get("group") == unit["code"])
            groups.append(IndustryGroup(unit["code"], unit["name"], industries))
    return groups


def group_for_industry(city: City, industry: str | None) -> str | None:
    """The code of the group an industry is routed to, or None."""
    if not industry:
        return None
    return city.industries.get(industry, {}).get("group")


def route_to_group(city: City, lead: Lead, session: Session) -> Unit | None:
    """The industry group that judges ``lead`` with the office (None: the office alone)."""
    code = group_for_industry(city, lead.industry)
    if code is None:
        return None
    return session.scalar(sa.select(Unit).where(Unit.code == code))


def group_projects_query(city: City, group_code: str) -> sa.Select:
    """Projects routed to a group: those in the industries it serves."""
    industries = [code for code, item in city.industries.items() if item.get("group") == group_code]
    return sa.select(Project).where(Project.industry.in_(industries)).order_by(Project.id)


def active_ones(session: Session, group_code: str | None = None) -> list[GroupOne]:
    query = sa.select(GroupOne).where(GroupOne.ended_on.is_(None)).order_by(GroupOne.id)
    if group_code is not None:
        query = query.where(GroupOne.group_code == group_code)
    return list(session.scalars(query))


def group_problems(ones: list[GroupOne]) -> list[dict[str, str]]:
    """What is wrong with one group's active six ones: each kind missing or held twice."""
    problems = []
    for kind, label in SIX_ONES.items():
        held = [one for one in ones if one.kind == kind]
        if not held:
            problems.append({"kind": kind, "code": "six_ones.missing",
                             "message": f"缺少{label}"})
        elif len(held) > 1:
            names = "、".join(one.name for one in held)
            problems.append({"kind": kind, "code": "six_ones.doubled",
                             "message": f"{label}应为一个，现有{len(held)}个：{names}"})
    return problems


def group_status(city: City, session: Session) -> list[dict[str, Any]]:
    """Every group with its six ones, its problems and whether it is complete."""
    ones = active_ones(session)
    rows = []
    for group in industry_groups(city):
        held = [one for one in ones if one.group_code == group.code]
        problems = group_problems(held)
        rows.append({
            "code": group.code,
            "name": group.name,
            "industries": [{"code": code, "name": city.industry_name(code)}
                           for code in group.industries],
            "ones": held,
            "problems": problems,
            "complete": not problems,
        })
    return rows


def check_one(
    city: City, session: Session, group_code: str, data: dict[str, Any]
) -> list[FieldProblem]:
    """Field problems of a new six-ones row (unknown group, unit of the wrong kind …)."""
    problems = []
    if group_code not in {group.code for group in industry_groups(city)}:
        problems.append(FieldProblem("group", "group.unknown", f"产业招商小组 {group_code} 不存在"))
    unit_code = data.get("unit")
    if unit_code:
        unit = session.scalar(sa.select(Unit).where(Unit.code == unit_code))
        allowed = UNIT_KIND_OF.get(data["kind"])
        if unit is None:
            problems.append(FieldProblem("unit", "unit.unknown", f"单位编码 {unit_code} 不存在"))
        elif allowed is None:
            problems.append(FieldProblem("unit", "six_ones.unit_not_expected",
                                         f"{SIX_ONES[data['kind']]}不对应单位，请勿填写单位编码"))
        elif unit.kind not in allowed:
            problems.append(FieldProblem("unit", "six_ones.unit_kind",
                                         f"{SIX_ONES[data['kind']]}应为{UNIT_KIND_WORDS[data['kind']]}，"
                                         f"{unit.name} 不是"))
    return problems


def one_event_data(one: GroupOne) -> dict[str, Any]:
    return {"id": one.id, "group": one.group_code, "kind": one.kind, "name": one.name,
            "unit": one.unit_code, "reference": one.reference,
            "appointed_on": one.appointed_on, "ended_on": one.ended_on}


def add_one(city: City, session: Session, group_code: str, data: dict[str, Any],
            actor: str) -> GroupOne:
    """Record one of a group's six ones (a doubled kind is allowed here and reported)."""
    one = GroupOne(group_code=group_code, kind=data["kind"], name=data["name"],
                   unit_code=data.get("unit"), reference=data.get("reference"),
                   appointed_on=data["appointed_on"], recorded_by=actor)
    session.add(one)
    session.flush()
    record_event(session, city, "ziyang_industry_group", group_code, "six_one_added", one_event_data(one))
    return one


def end_one(city: City, session: Session, one: GroupOne, ended_on: dt.date,
            actor: str) -> GroupOne:
    """End a row (a leader replaced, a map superseded); the history stays."""
    one.ended_on = ended_on
    session.flush()
    record_event(session, city, "ziyang_industry_group", one.group_code, "six_one_ended",
                 one_event_data(one) | {"actor": actor})
    return one
