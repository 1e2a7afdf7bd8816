"""9条重点产业链招商专班 the nine chain task forces (Seed 压实责任链条, POLICIES.md § pingliang 1).

> 建立煤炭清洁高效利用、平凉红牛等9条重点产业链招商专班，清单化靶向招引

Each task force (``[[plugins.pingliang.task_forces]]``) covers industries of the catalogue, has a
chain leader (链长) and a lead unit (链长单位). A list item, lead or project belongs to the task
force of its industry; the task force's page counts what its four lists hold and what its
projects achieved.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from core.toolkit import FieldProblem, Project
from plugins.pingliang.models import ListedProject, Opportunity, PolicySupport, TargetEnterprise
from plugins.pingliang.settings import settings


def task_force_covering(city: Any, industry: str | None) -> dict[str, Any] | None:
    """The task force (its configuration) that covers ``industry``, if any."""
    return next((force for force in settings(city)["task_forces"]
                 if industry in force["industries"]), None)


def task_force_of(city: Any, industry: str | None) -> str | None:
    """The code of the task force that covers ``industry``, if any."""
    force = task_force_covering(city, industry)
    return force["code"] if force else None


def industry_problems(city: Any, industry: str | None, field: str = "industry"
                      ) -> list[FieldProblem]:
    """An industry outside the city's catalogue is refused, naming the catalogue."""
    if industry is None or industry in city.industries:
        return []
    return [FieldProblem(field, "industry.unknown",
                         f"产业 {industry} 不在产业目录中，可选：{'、'.join(city.industries)}")]


def task_force_rows(city: Any, session: Any) -> list[dict[str, Any]]:
    """Each task force with what its lists hold and its projects' signed and arrived amounts."""
    lists: dict[str, Counter[str]] = {
        "opportunities": Counter(session.scalars(sa.select(Opportunity.industry))),
        "target_enterprises": Counter(session.scalars(sa.select(TargetEnterprise.industry))),
        "key_projects": Counter(session.scalars(
            sa.select(Project.industry).join(ListedProject, ListedProject.project_id == Project.id))),
        "policy_supports": Counter(session.scalars(
            sa.select(Project.industry).join(PolicySupport, PolicySupport.project_id == Project.id))),
    }
    signed: dict[str, tuple[int, Decimal]] = {}
    for industry, count, amount in session.execute(
            sa.select(Project.industry, sa.func.count(Project.id), sa.func.sum(Project.amount))
            .where(Project.signed_on.is_not(None)).group_by(Project.industry)):
        signed[industry] = (count, Decimal(amount or 0))
    rows = []
    for force in settings(city)["task_forces"]:
        industries = force["industries"]
        rows.append({
            "code": force["code"], "name": force["name"],
            "industries": [{"code": code, "name": city.industries.get(code, {}).get("name", code)}
                           for code in industries],
            "chain_leader": force["chain_leader"], "lead_unit": force["lead_unit"],
            **{key: sum(counts[i] for i in industries) for key, counts in lists.items()},
            "signed_projects": sum(signed.get(i, (0, 0))[0] for i in industries),
            "signed_amount": sum((signed.get(i, (0, Decimal(0)))[1] for i in industries),
                                 Decimal(0)),
        })
    return rows
