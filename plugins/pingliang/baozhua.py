"""重大招商引资项目包抓 and 一个企业、一个项目、一套班子、一抓到底 (五项机制 1; POLICIES.md §
pingliang 3 and 7).

> 推行重大招商引资项目包抓……落实领导干部包抓联企业……实行“一个企业、一个项目、一套班子、一抓到底”机制

A major project (the core's ``major`` tier: ``policy.major_project_threshold``, 10亿元) and
every project on the key list needs, before ``baozhua.required_before`` (signing), its 包抓
leader (``leader_name``) and its service team (``attributes.service_team``: the 一套班子, at
least one name). Leaders 包抓 target enterprises too (``leader_name`` on the list).
``GET /api/v1/pingliang/baozhua`` shows each leader's projects and enterprises with the gravest
open warning of each project.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import object_session

from core.toolkit import STAGE_LABELS, FieldProblem, Project
from plugins.pingliang.models import ListedProject, TargetEnterprise
from plugins.pingliang.settings import settings

TEAM_FIELD = "attributes.service_team"
FIELD_LABELS = {TEAM_FIELD: "服务专班（一套班子）"}


def is_listed(project: Any) -> bool:
    """Whether the project is on the key list (重点招商引资项目清单)."""
    session = object_session(project)
    if session is None or project.id is None:
        return False
    return session.scalar(sa.select(ListedProject.id).where(
        ListedProject.project_id == project.id)) is not None


def is_owned_project(project: Any) -> bool:
    """Major and list projects are the ones a leader 包抓s."""
    return "major" in (project.tiers or []) or is_listed(project)


def required_fields(city: Any, project: Any, stage: str) -> list[str]:
    if stage == settings(city)["baozhua"]["required_before"] and is_owned_project(project):
        return ["leader_name", TEAM_FIELD]
    return []


def team_problems(data: dict[str, Any]) -> list[FieldProblem]:
    """``attributes.service_team`` is a list of at least one name."""
    attributes = data.get("attributes") or {}
    if "service_team" not in attributes or attributes["service_team"] is None:
        return []
    team = attributes["service_team"]
    if (not isinstance(team, list) or not team
            or not all(isinstance(name, str) and name.strip() for name in team)):
        return [FieldProblem(TEAM_FIELD, "service_team.invalid",
                             "服务专班应为成员姓名列表，至少一人，例如 [\"张三\", \"李四\"]")]
    return []


def leader_rows(session: Any, warning_levels: Any) -> list[dict[str, Any]]:
    """Each 包抓 leader with their projects (and warnings) and target enterprises."""
    projects = list(session.scalars(sa.select(Project).where(Project.leader_name.is_not(None))
                                    .order_by(Project.id)))
    levels = warning_levels(session, [p.id for p in projects])
    leaders: dict[str, dict[str, Any]] = defaultdict(lambda: {"projects": [], "enterprises": []})
    for project in projects:
        leaders[project.leader_name]["projects"].append({
            "id": project.id, "name": project.name, "amount": project.amount,
            "stage_label": STAGE_LABELS[project.stage], "unit": project.host_unit.code,
            "major": "major" in (project.tiers or []),
            "service_team": (project.attributes or {}).get("service_team") or [],
            "warning_level": levels.get(project.id)})
    for target in session.scalars(sa.select(TargetEnterprise).where(
            TargetEnterprise.leader_name.is_not(None)).order_by(TargetEnterprise.id)):
        leaders[target.leader_name]["enterprises"].append(
            {"id": target.id, "name": target.name, "status": target.status})
    return [{"leader": name, **leaders[name],
             "red_projects": sum(1 for p in leaders[name]["projects"]
                                 if p["warning_level"] == "red")}
            for name in sorted(leaders)]
