"""凝炼储备 reserve projects at business-plan depth (Seed 三(二)2, POLICIES.md § lanzhou 3).

A reserve project reaches 商业计划书深度 when its unit records ``attributes.business_plan``
(the date it reached it and the document). The count for a year is every project that reached
that depth in the year — whatever stage it has moved on to since — against the yearly target
(Seed: 每年100个以上).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import sqlalchemy as sa

from core.toolkit import STAGE_LABELS, Project, Stage
from plugins.lanzhou.settings import settings


def reached_on(project: Project) -> dt.date | None:
    plan = (project.attributes or {}).get("business_plan") or {}
    return dt.date.fromisoformat(plan["reached_on"]) if plan.get("reached_on") else None


def depth_report(city: Any, session: Any, year: int) -> dict[str, Any]:
    target = settings(city)["reserve"]["business_plan_target"]
    reached = [p for p in session.scalars(sa.select(Project).order_by(Project.id))
               if (day := reached_on(p)) is not None and day.year == year]
    by_unit = Counter((p.finding_unit.code, p.finding_unit.name) for p in reached)
    return {
        "year": year, "target": target, "count": len(reached),
        "shortfall": max(0, target - len(reached)), "met": len(reached) >= target,
        "by_unit": [{"unit": code, "unit_name": name, "count": count}
                    for (code, name), count in sorted(by_unit.items(), key=lambda i: i[0][1])],
        "projects": [{"id": p.id, "name": p.name, "unit": p.finding_unit.code,
                      "unit_name": p.finding_unit.name,
                      "stage": STAGE_LABELS[Stage(p.stage)], "reached_on": reached_on(p),
                      "document": p.attributes["business_plan"]["document"]} for p in reached],
    }
