"""容错免责 fault tolerance (Seed 三(三)4, POLICIES.md § lanzhou 9).

The office records a failure that costs a unit assessment points (a penalty). Where the staff
acted for the public good (出于公心), sought no private gain (没有为个人或他人谋取私利) and the
rules did not forbid it or were unclear (法律法规未明令禁止、政策界限不明确), the failure may be
exempted: the exemption names its reason and its approver (the discipline commission or the
organisation department decide it; the office records their decision). An exempted penalty is
kept and shown on the assessment, and counts nothing (the core's exempted adjustment).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from core.toolkit import (
    Adjustment,
    FieldProblem,
    Project,
    Refusal,
    invalid_input,
    record_event,
    refused,
    unit_by_code,
)
from plugins.lanzhou.models import EXEMPTION_CONDITIONS, Penalty
from plugins.lanzhou.settings import settings


def penalty_event_data(row: Penalty) -> dict[str, Any]:
    return {"penalty_id": row.id, "unit": row.unit_code, "project_id": row.project_id,
            "occurred_on": row.occurred_on, "points": row.points, "reason": row.reason,
            "exempted": row.exempted, "exemption_reason": row.exemption_reason,
            "exemption_conditions": list(row.exemption_conditions or []),
            "approver": row.approver, "exempted_on": row.exempted_on}


def record_penalty(session: Any, city: Any, data: dict[str, Any], actor: Any) -> Penalty:
    unit = unit_by_code(session, data["unit"], "unit")
    if data.get("project_id") is not None and session.get(Project, data["project_id"]) is None:
        raise invalid_input([FieldProblem("project_id", "project.unknown",
                                          f"项目 {data['project_id']} 不存在")])
    row = Penalty(unit=unit, project_id=data.get("project_id"), occurred_on=data["occurred_on"],
                  points=data["points"], reason=data["reason"], recorded_by=actor.user,
                  exemption_conditions=[])
    session.add(row)
    session.flush()
    record_event(session, city, "lanzhou_penalty", row.id, "recorded", penalty_event_data(row))
    return row


def exempt(session: Any, city: Any, row: Penalty, data: dict[str, Any], actor: Any) -> Penalty:
    """Exempt a penalty: every configured condition established, a reason and an approver."""
    if row.exempted:
        raise refused([Refusal("lanzhou.exemption.done",
                               f"该扣分已于 {row.exempted_on} 予以容错免责（{row.approver}）")])
    required = settings(city)["fault_tolerance"]["required_conditions"]
    missing = [EXEMPTION_CONDITIONS[code] for code in required
               if code not in data["conditions"]]
    if missing:
        raise invalid_input([FieldProblem(
            "conditions", "exemption.conditions_missing",
            f"容错免责须同时认定：{'、'.join(missing)}")], status=422)
    row.exempted = True
    row.exemption_reason = data["reason"]
    row.exemption_conditions = sorted(set(data["conditions"]))
    row.approver = data["approver"]
    row.exempted_on = data.get("exempted_on") or city.clock.today()
    session.flush()
    record_event(session, city, "lanzhou_penalty", row.id, "exempted", penalty_event_data(row))
    return row


def penalties(session: Any, start: dt.date | None = None, end: dt.date | None = None,
              unit: str | None = None) -> list[Penalty]:
    query = sa.select(Penalty).order_by(Penalty.occurred_on, Penalty.id)
    if start is not None:
        query = query.where(Penalty.occurred_on >= start)
    if end is not None:
        query = query.where(Penalty.occurred_on <= end)
    if unit:
        query = query.where(Penalty.unit_id == unit_by_code(session, unit, "unit").id)
    return list(session.scalars(query))


def adjustments(context: Any) -> list[Adjustment]:
    """Each penalty of the period as a deduction; an exempted one recorded but not counted."""
    return [Adjustment(unit_code=row.unit_code, points=-row.points, reason=row.reason,
                       source=f"lanzhou_penalty:{row.id}", exempted=row.exempted,
                       exemption_reason=row.exemption_reason, approver=row.approver)
            for row in penalties(context.session, context.start, context.end)]
