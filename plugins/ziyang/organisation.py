"""Organisation (Seed 一, 八): the leading group's meetings, its office, resident offices.

The leader (组长) chairs a regular meeting every quarter and the deputy in charge of
investment (分管副组长) a meeting-cum-scheduling session every month
(``leader_meeting_every_months`` = 3, ``deputy_meeting_every_months`` = 1); special meetings
are held as needed. :func:`meeting_cadence` shows, period by period, whether the meeting was
held. The office sits in 市经济合作外事局 (the city's ``office_unit``); the resident offices
(Beijing, Shanghai, Shenzhen, Chengdu) are units of kind ``resident_office``.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.toolkit import City, Project, record_event
from plugins.ziyang.models import Meeting
from plugins.ziyang.settings import settings

MEETING_KINDS = {
    "leader": "领导小组组长例会",
    "deputy": "分管副组长例会暨调度会",
    "special": "专题会议",
}


def record_meeting(city: City, session: Session, data: dict[str, Any], actor: str) -> Meeting:
    """Record a leading-group meeting and the projects it discussed."""
    meeting = Meeting(kind=data["kind"], held_on=data["held_on"], chair=data["chair"],
                      title=data.get("title") or MEETING_KINDS[data["kind"]],
                      topics=data.get("topics"), decisions=data.get("decisions"),
                      project_ids=sorted(set(data.get("project_ids") or [])), recorded_by=actor)
    session.add(meeting)
    session.flush()
    record_event(session, city, "ziyang_meeting", meeting.id, "held", {
        "meeting_id": meeting.id, "kind": meeting.kind, "held_on": meeting.held_on,
        "chair": meeting.chair, "title": meeting.title, "decisions": meeting.decisions,
        "project_ids": meeting.project_ids})
    return meeting


def unknown_projects(session: Session, project_ids: list[int]) -> list[int]:
    """The ids among ``project_ids`` that name no project."""
    if not project_ids:
        return []
    known = set(session.scalars(sa.select(Project.id).where(Project.id.in_(project_ids))))
    return sorted(set(project_ids) - known)


def _periods(year: int, months: int) -> list[tuple[str, dt.date, dt.date]]:
    periods = []
    for first in range(1, 13, months):
        last = min(12, first + months - 1)
        end = dt.date(year, last, calendar.monthrange(year, last)[1])
        label = f"{year}-{first:02d}" if months == 1 else f"{year}-{first:02d}至{last:02d}月"
        periods.append((label, dt.date(year, first, 1), end))
    return periods


def meeting_cadence(city: City, session: Session, year: int, today: dt.date) -> list[dict]:
    """Per period of each regular meeting kind: how many were held and whether one is missing."""
    config = settings(city)
    every = {"leader": config["leader_meeting_every_months"],
             "deputy": config["deputy_meeting_every_months"]}
    held = list(session.scalars(sa.select(Meeting).where(
        Meeting.held_on.between(dt.date(year, 1, 1), dt.date(year, 12, 31)))))
    rows = []
    for kind, months in every.items():
        for label, start, end in _periods(year, months):
            count = sum(1 for m in held if m.kind == kind and start <= m.held_on <= end)
            rows.append({"kind": kind, "kind_label": MEETING_KINDS[kind], "period": label,
                         "start": start, "end": end, "held": count,
                         "missing": count == 0 and end < today})
    return rows


def organisation_profile(city: City) -> dict[str, Any]:
    """The leading group's office and the resident offices, for the city profile."""
    units = city.config["units"]
    office = next((u for u in units if u["code"] == city.config["city"]["office_unit"]), None)
    return {
        "leading_group_office": office["name"] if office else None,
        "resident_offices": [{"code": u["code"], "name": u["name"]}
                             for u in units if u["kind"] == "resident_office"],
        "meeting_kinds": MEETING_KINDS,
    }
