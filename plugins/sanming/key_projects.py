"""Key projects 重点招商项目 (Seed 三(一)2, POLICIES.md § sanming 3).

A project is key when its total investment is at least 10亿元; or it is listed as a provincial
key project (省招商引资重点项目) of at least 5亿元; or the city or a county recognised it
(市、县认定). Real estate and 特色小镇 are excluded from every route: the seed's exclusion
"(不含房地产、特色小镇等,下同)" carries "下同" (the same below), so it reaches the provincial and
the recognised routes too. Key projects may get 一事一议 /
一企一策 support (the core's matters) and must have a commissioner (招商专员) before signing;
the commerce bureau keeps the key list (重点推介清单, a report).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from core.toolkit import STAGE_LABELS, FieldProblem, Project, Stage
from plugins.sanming.settings import settings

KEY_TIER = "key"
BASIS_LABELS = {
    "amount": "总投资10亿元以上",
    "provincial": "省招商引资重点项目",
    "recognised": "市、县认定",
}


def key_basis(city: Any, project: Project) -> list[str]:
    """Why ``project`` is a key project (``amount``, ``provincial``, ``recognised``); [] if not."""
    rules = settings(city)["key_projects"]
    attributes = project.attributes or {}
    amount = project.amount
    if project.industry in rules["excluded_industries"]:
        return []  # 不含房地产、特色小镇等, 下同: no route makes them key
    basis = []
    if amount is not None and amount >= rules["amount_threshold"]:
        basis.append("amount")
    if attributes.get("provincial_key") is True and amount is not None \
            and amount >= rules["provincial_threshold"]:
        basis.append("provincial")
    if attributes.get("recognised_key") is True:
        basis.append("recognised")
    return basis


def is_key(project: Project) -> bool:
    return KEY_TIER in (project.tiers or [])


def commissioner_fields(city: Any, project: Project, stage: str) -> list[str]:
    """The gate: a key project names its commissioner before the configured stage."""
    if stage == settings(city)["key_projects"]["commissioner_required_before"] and \
            key_basis(city, project):
        return ["attributes.commissioner"]
    return []


def matter_problems(city: Any, project: Project) -> list[FieldProblem]:
    """``validate_matter``: 一事一议/一企一策 only for key projects (when so configured)."""
    if settings(city)["key_projects"]["matters_key_only"] and not key_basis(city, project):
        return [FieldProblem("project_id", "matter.not_key_project",
                             f"项目“{project.name}”不是重点招商项目，"
                             "“一事一议”“一企一策”仅适用于重点招商项目")]
    return []


def key_projects(session: Any) -> list[Project]:
    """Every key project, the largest first (the tier is kept on the project by the core)."""
    rows = session.scalars(sa.select(Project).order_by(Project.amount.desc(), Project.id))
    return [project for project in rows if is_key(project)]


def key_list_rows(city: Any, session: Any, matter_counts: dict[int, int]) -> list[dict[str, Any]]:
    """The commerce bureau's key list (重点推介清单): one row per key project."""
    rows = []
    for project in key_projects(session):
        attributes = project.attributes or {}
        rows.append({
            "project_id": project.id,
            "name": project.name,
            "enterprise": project.enterprise.name,
            "industry": city.industry_name(project.industry),
            "amount": project.amount,
            "basis": "、".join(BASIS_LABELS[b] for b in key_basis(city, project)),
            "commissioner": attributes.get("commissioner"),
            "stage": STAGE_LABELS[Stage(project.stage)],
            "finding_unit": project.finding_unit.name,
            "host_unit": project.host_unit.name,
            "matters": matter_counts.get(project.id, 0),
        })
    return rows


KEY_LIST_COLUMNS = (
    ("project_id", "项目编号"), ("name", "项目名称"), ("enterprise", "投资企业"),
    ("industry", "所属产业"), ("amount", "总投资（万元）"), ("basis", "认定依据"),
    ("commissioner", "招商专员"), ("stage", "阶段"), ("finding_unit", "招商单位"),
    ("host_unit", "落户单位"), ("matters", "一事一议事项数"),
)
