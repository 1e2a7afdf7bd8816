"""联席会议制度 joint meetings (Seed 三(五)22–23, POLICIES.md § sanming 10).

The leading group has one command HQ (指挥部) and 8 working groups (units of kind
``industry_group`` under the HQ). The party secretary hears a report at a joint meeting every
quarter; every working group meets at least once a month. The compliance report shows, for a
year, each required meeting period and whether it was held.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from core.toolkit import FieldProblem, Unit, invalid_input, record_event, unit_by_code
from plugins.sanming.models import MEETING_KINDS, Meeting
from plugins.sanming.organisation import working_groups
from plugins.sanming.settings import settings


def record_meeting(session: Any, city: Any, data: dict[str, Any], actor: Any) -> Meeting:
    """Record a joint meeting, or a working group's meeting (``group`` required).

    The office records any; a working group's clerk its own group's (``access.GROUP_BODY``)."""
    group = None
    if data["kind"] == "working_group":
        if not data.get("group"):
            raise invalid_input([FieldProblem("group", "required", "工作组推进会须填写工作组")])
        group = unit_by_code(session, data["group"], "group")
        if group.id not in {unit.id for unit in working_groups(session, city)}:
            raise invalid_input([FieldProblem("group", "group.not_working_group",
                                              f"{group.name} 不是市领导小组的工作组")])
    elif data.get("group"):
        raise invalid_input([FieldProblem("group", "group.not_allowed",
                                          "联席会议由市委主要领导听取汇报，不属于某个工作组")])
    meeting = Meeting(kind=data["kind"], group_unit=group, held_on=data["held_on"],
                      chair=data["chair"], topics=data.get("topics"),
                      decisions=data.get("decisions"), recorded_by=actor.user)
    session.add(meeting)
    session.flush()
    record_event(session, city, "sanming_meeting", meeting.id, "recorded",
                 {"meeting_id": meeting.id, "kind": meeting.kind, "group": meeting.group_code,
                  "held_on": meeting.held_on, "chair": meeting.chair})
    return meeting


def _windows(year: int, every: int) -> list[tuple[dt.date, dt.date]]:
    """The year cut in windows of ``every`` months (3 → quarters)."""
    windows = []
    for first in range(1, 13, every):
        last = min(first + every - 1, 12)
        end = (dt.date(year + (last == 12), 1 if last == 12 else last + 1, 1)
               - dt.timedelta(days=1))
        windows.append((dt.date(year, first, 1), end))
    return windows


def compliance_rows(session: Any, city: Any, year: int, today: dt.date) -> list[dict[str, Any]]:
    """Each required meeting window of ``year``: held (how many), missed, or not over yet."""
    config = settings(city)["organisation"]
    meetings = list(session.scalars(sa.select(Meeting).where(
        Meeting.held_on.between(dt.date(year, 1, 1), dt.date(year, 12, 31)))))
    bodies: list[tuple[str, Unit | None, int]] = [
        ("joint", None, config["joint_meeting_every_months"])]
    bodies += [("working_group", group, config["group_meeting_every_months"])
               for group in working_groups(session, city)]
    rows = []
    for kind, group, every in bodies:
        for start, end in _windows(year, every):
            held = [m for m in meetings if m.kind == kind and start <= m.held_on <= end
                    and (group is None or m.group_unit_id == group.id)]
            status = "held" if held else ("missed" if end < today else "open")
            rows.append({"kind": MEETING_KINDS[kind], "body": group.name if group else "市领导小组",
                         "period_start": start, "period_end": end, "held": len(held),
                         "status": {"held": "已召开", "missed": "未召开", "open": "期间未结束"}[status]})
    return rows


COMPLIANCE_COLUMNS = (
    ("kind", "会议"), ("body", "召开单位"), ("period_start", "起"), ("period_end", "止"),
    ("held", "召开次数"), ("status", "情况"),
)
