"""线索积分制 lead points (Seed 三(四)19; Default, POLICIES.md § sanming 7).

Per investor, its owner (the unit whose report is credited, :mod:`first_contact`) earns:
``reported`` (1) when the report is made, ``valid`` (+2) when a report about the investor is
first judged valid (the office names its first-talk location), and for each project of the
investor ``signed`` (+5) and ``started`` (+10) on those dates. Linked reports earn nothing.
Points are computed from the records, so they are always what the records say; each entry is
dated, so a period (a month's battle report, a quarter, a year) takes the entries in it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from core.toolkit import Lead, Project
from plugins.sanming.first_contact import REJECTED, is_credited, ownership
from plugins.sanming.settings import settings

VALID_STATUSES = ("assigned", "converted")
EVENT_LABELS = {"reported": "报送线索", "valid": "研判有效", "signed": "项目签约",
                "started": "项目开工", "linked": "关联报送（不计分）"}


@dataclass(frozen=True)
class PointEntry:
    """One scoring event: who earns what, for which lead (and project), on which day."""

    unit_code: str
    lead_id: int
    enterprise: str
    event: str
    on: dt.date
    points: int
    project_id: int | None = None


def _valid_on(leads: list[Lead]) -> dt.date | None:
    days = [lead.assigned_on or lead.reported_on for lead in leads
            if lead.status in VALID_STATUSES]
    return min(days) if days else None


def point_entries(session: Any, city: Any, start: dt.date | None = None,
                  end: dt.date | None = None, include_linked: bool = False) -> list[PointEntry]:
    """Every scoring event (optionally within ``start``–``end``), in date order.

    With ``include_linked`` the linked reports are listed too, at 0 points, so a clerk sees
    why a report earned nothing.
    """
    weights = settings(city)["lead_points"]
    leads: dict[int, list[Lead]] = defaultdict(list)
    for lead in session.scalars(sa.select(Lead).order_by(Lead.id)):
        leads[lead.enterprise_id].append(lead)
    projects: dict[int, list[Project]] = defaultdict(list)
    for project in session.scalars(sa.select(Project).where(
            Project.enterprise_id.in_(list(leads))).order_by(Project.id)):
        projects[project.enterprise_id].append(project)
    entries: list[PointEntry] = []
    for enterprise_id, reports in leads.items():
        credited = [lead for lead in reports if is_credited(lead)]
        for lead in credited:
            entries.append(PointEntry(lead.reporting_unit.code, lead.id, lead.enterprise.name,
                                      "reported", lead.reported_on, weights["reported"]))
        if include_linked:
            entries.extend(
                PointEntry(lead.reporting_unit.code, lead.id, lead.enterprise.name, "linked",
                           lead.reported_on, 0)
                for lead in reports if not is_credited(lead) and ownership(lead))
        owners = [lead for lead in credited if lead.status != REJECTED]
        if not owners:
            continue
        owner = owners[-1]  # a rejected owner's successor holds the investor now
        unit, name = owner.reporting_unit.code, owner.enterprise.name
        valid_on = _valid_on(reports)
        if valid_on is not None:
            entries.append(PointEntry(unit, owner.id, name, "valid", valid_on, weights["valid"]))
        for project in projects[enterprise_id]:
            for event, day in (("signed", project.signed_on), ("started", project.started_on)):
                if day is not None and day >= owner.reported_on:
                    entries.append(PointEntry(unit, owner.id, name, event, day, weights[event],
                                              project.id))
    chosen = [entry for entry in entries
              if (start is None or entry.on >= start) and (end is None or entry.on <= end)]
    return sorted(chosen, key=lambda e: (e.on, e.lead_id, e.event))


def points_by_unit(entries: list[PointEntry]) -> dict[str, Decimal]:
    """``{unit_code: points}`` of the entries."""
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for entry in entries:
        totals[entry.unit_code] += entry.points
    return dict(totals)


def points_table(entries: list[PointEntry], unit_names: dict[str, str]) -> list[dict[str, Any]]:
    """One row per unit: points per event, in total, and how many of its reports were linked
    (not credited); the highest total first."""
    rows: dict[str, dict[str, Any]] = {}
    for entry in entries:
        row = rows.setdefault(entry.unit_code, {
            "unit": entry.unit_code, "unit_name": unit_names.get(entry.unit_code),
            "reported": 0, "valid": 0, "signed": 0, "started": 0, "linked_reports": 0,
            "points": 0})
        if entry.event == "linked":
            row["linked_reports"] += 1
        else:
            row[entry.event] += entry.points
            row["points"] += entry.points
    return sorted(rows.values(), key=lambda r: (-r["points"], r["unit"]))
