"""Major projects (重大项目): who they are, and the leader and task force they need.

三(十一): major projects get 一事一议/一企一策 support; the policy's default makes a
project major at ≥ 10亿元 (``[policy] major_project_threshold``, 万元) or when its
investor is tagged 世界500强/中国500强/民营500强/行业前20强 (``major_investor_tags``).
四(十三): 重大招商项目领导负责和专班落实制 — before signing, a major project names its
responsible leader (``leader_name``) and its task force (``attributes.task_force``).
"""

from __future__ import annotations

from typing import Any

from core.toolkit import City, FieldProblem, Project
from plugins.changsha.settings import settings
from plugins.changsha.wording import amount_text

MAJOR = "major"
SIGNING_FIELDS = ("leader_name", "attributes.task_force")


def major_reasons(city: City, project: Project) -> list[str]:
    """Why a project is major, in Chinese; empty when it is not."""
    reasons = []
    threshold = city.policy["major_project_threshold"]
    if project.amount is not None and project.amount >= threshold:
        reasons.append(f"总投资{amount_text(project.amount)}，达到{amount_text(threshold)}")
    tags = set(project.enterprise.tags or []) if project.enterprise else set()
    matched = [tag for tag in settings(city)["major_investor_tags"] if tag in tags]
    if matched:
        reasons.append(f"投资方为{'、'.join(matched)}企业")
    return reasons


def is_major(city: City, project: Project) -> bool:
    """Whether the project is major under Changsha's definition."""
    return bool(major_reasons(city, project))


def signing_fields(city: City, project: Project, stage: str) -> list[str]:
    """The leader and task force a major project needs before it is signed."""
    if stage == "signed" and is_major(city, project):
        return list(SIGNING_FIELDS)
    return []


def task_force_problems(attributes: dict[str, Any]) -> list[FieldProblem]:
    """Check ``attributes.task_force``: ``{"name": 专班名称, "members": [成员, …]}``."""
    if "task_force" not in attributes or attributes["task_force"] is None:
        return []
    value = attributes["task_force"]
    field = "attributes.task_force"
    if not isinstance(value, dict):
        return [FieldProblem(field, "changsha.task_force.shape",
                             "工作专班应为对象：{\"name\": 专班名称, \"members\": [成员姓名]}")]
    problems = []
    name = value.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.append(FieldProblem(f"{field}.name", "changsha.task_force.name",
                                     "请填写工作专班名称"))
    members = value.get("members")
    if (not isinstance(members, list) or not members
            or not all(isinstance(m, str) and m.strip() for m in members)):
        problems.append(FieldProblem(f"{field}.members", "changsha.task_force.members",
                                     "工作专班至少要有一名成员（姓名）"))
    unknown = sorted(set(value) - {"name", "members", "lead_unit"})
    if unknown:
        problems.append(FieldProblem(field, "changsha.task_force.unknown",
                                     f"工作专班不认识的字段：{', '.join(unknown)}"))
    return problems
