"""招商信息共享 investment information sharing (五项机制 4, POLICIES.md § pingliang 3).

> 推行……招商信息共享……“五项机制”

A county or department shares what it learned (an investor's plans, a trip's findings) with
every unit: everyone reads the feed (``GET /api/v1/pingliang/information``), a unit's clerk
shares in its own unit's name, and the unit that reports a lead from a piece of information
records the follow-up (``…/<id>/follow-up``), so the city sees which information became leads.
Who may is the operations' rules (``access.SHARING``, ``access.FOLLOW_UP``), checked before
these functions run.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from core.toolkit import (
    FieldProblem,
    Lead,
    Refusal,
    Unit,
    contains,
    invalid_input,
    record_event,
    refused,
    unit_by_code,
)
from plugins.pingliang.models import SharedInformation
from plugins.pingliang.task_forces import industry_problems


def _event_data(item: SharedInformation) -> dict[str, Any]:
    return {"information_id": item.id, "title": item.title, "unit": item.unit.code,
            "industry": item.industry, "enterprise_name": item.enterprise_name,
            "shared_on": item.shared_on, "lead_id": item.lead_id}


def share(session: Any, city: Any, data: dict[str, Any], actor: Any) -> SharedInformation:
    problems = industry_problems(city, data.get("industry"))
    if problems:
        raise invalid_input(problems)
    unit = unit_by_code(session, data["unit"], "unit")
    values = {key: value for key, value in data.items() if key != "unit"}
    item = SharedInformation(unit_id=unit.id, recorded_by=actor.user, **values)
    session.add(item)
    session.flush()
    session.refresh(item)
    record_event(session, city, "pingliang_information", item.id, "shared", _event_data(item))
    return item


def follow_up(session: Any, city: Any, item: SharedInformation, lead_id: int,
              actor: Any) -> SharedInformation:
    lead = session.get(Lead, lead_id)
    if lead is None:
        raise invalid_input([FieldProblem("lead_id", "lead.unknown", f"线索 {lead_id} 不存在")])
    if item.lead_id is not None:
        raise refused([Refusal("pingliang.information.followed",
                               f"该信息已由线索 {item.lead_id} 跟进")])
    item.lead_id = lead.id
    session.flush()
    record_event(session, city, "pingliang_information", item.id, "followed_up",
                 _event_data(item))
    return item


def information_query(params: dict[str, Any]) -> sa.Select:
    query = sa.select(SharedInformation)
    if params.get("industry"):
        query = query.where(SharedInformation.industry == params["industry"])
    if params.get("unit"):
        query = query.join(Unit, Unit.id == SharedInformation.unit_id).where(
            Unit.code == params["unit"])
    if params.get("q"):
        query = query.where(sa.or_(contains(SharedInformation.title, params["q"]),
                                   contains(SharedInformation.content, params["q"]),
                                   contains(SharedInformation.enterprise_name, params["q"])))
    return query
