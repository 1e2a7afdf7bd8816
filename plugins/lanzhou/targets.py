"""重点目标企业信息库 the target enterprise library (Seed 三(二)3, POLICIES.md § lanzhou 5).

The office keeps the enterprises Lanzhou goes after — 三个500强、行业100强、央企、上市公司 —
from the key regions 长三角、珠三角、环渤海, each with its background and a point-to-point
approach plan (点对点精准对接) owned by a unit. Category and region must be configured ones.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from core.toolkit import FieldProblem, invalid_input, record_event, unit_by_code
from plugins.lanzhou.models import Target
from plugins.lanzhou.settings import settings


def target_event_data(row: Target) -> dict[str, Any]:
    return {"target_id": row.id, "name": row.name, "category": row.category,
            "region": row.region, "industry": row.industry,
            "responsible_unit": row.responsible_unit_code, "status": row.status}


def add_target(session: Any, city: Any, data: dict[str, Any], actor: Any) -> Target:
    config = settings(city)["targets"]
    problems = [FieldProblem(key, f"target.{key}_unknown",
                             f"{label}“{data[key]}”不在本市配置中，可选：{'、'.join(config[options])}")
                for key, label, options in (("category", "企业类别", "categories"),
                                            ("region", "重点区域", "regions"))
                if data[key] not in config[options]]
    if data.get("industry") and data["industry"] not in city.industries:
        problems.append(FieldProblem("industry", "industry.unknown",
                                     f"产业 {data['industry']} 不在本市产业目录中"))
    if problems:
        raise invalid_input(problems)
    unit = unit_by_code(session, data["responsible_unit"], "responsible_unit")
    row = Target(name=data["name"], category=data["category"], region=data["region"],
                 industry=data.get("industry"), background=data.get("background"),
                 approach_plan=data["approach_plan"], responsible_unit=unit, status="tracking",
                 recorded_by=actor.user)
    session.add(row)
    session.flush()
    record_event(session, city, "lanzhou_target", row.id, "added", target_event_data(row))
    return row


def targets(session: Any, category: str | None = None, region: str | None = None
            ) -> list[Target]:
    query = sa.select(Target).order_by(Target.id)
    if category:
        query = query.where(Target.category == category)
    if region:
        query = query.where(Target.region == region)
    return list(session.scalars(query))


def change_status(session: Any, city: Any, row: Target, status: str, actor: Any) -> Target:
    """跟踪中 → 已对接 → 已落地 (or back): where the point-to-point approach stands."""
    row.status = status
    session.flush()
    record_event(session, city, "lanzhou_target", row.id, "status_changed",
                 target_event_data(row))
    return row
