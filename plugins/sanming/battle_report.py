"""每月战报 the monthly battle report (Seed 三(四)19, POLICIES.md § sanming 7).

For one month of the campaign, one row per assessed unit: the leads it reported (and how many
of them were linked to another unit's earlier report), its lead points, and the DOMAIN.md
figures credited to it (a transferred project split 3:7, never doubled), the projects it found
whose 法规账 was found failing that month (Seed 三(五)29: refused, not signed), then a city total.
Units are ranked by signed amount, then lead points. The same rows are the ``sanming_battle``
report, so the core exports them to ``.xlsx``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from core.toolkit import (
    FieldProblem,
    Lead,
    Project,
    Unit,
    compute_figures,
    invalid_input,
    period_bounds,
)
from plugins.sanming.first_contact import is_credited
from plugins.sanming.key_projects import is_key
from plugins.sanming.lead_points import point_entries, points_by_unit
from plugins.sanming.legal_review import failed_by_unit
from plugins.sanming.settings import settings

ZERO = Decimal(0)
COLUMNS = (
    ("rank", "排名"), ("unit", "单位编码"), ("unit_name", "单位"),
    ("leads_reported", "报送线索"), ("leads_linked", "其中关联线索（不计分）"),
    ("lead_points", "线索积分"), ("signed_count", "签约项目"), ("signed_amount", "签约金额（万元）"),
    ("key_signed", "其中重点项目"), ("started_count", "开工项目"),
    ("arrived_amount", "到位资金（万元）"), ("legal_failed", "法规账不通过项目"),
)
FIGURES = ("signed_count", "signed_amount", "started_count", "arrived_amount")


def month_bounds(city: Any, label: str | None, today: dt.date | None = None
                 ) -> tuple[str, dt.date, dt.date]:
    """The month ``label`` (``2024-05``; default this month) and its first and last day.

    A month before the campaign started (Seed 二: 2021年8月起) has no battle report.
    """
    label = (label or (today or city.clock.today()).strftime("%Y-%m")).strip()
    try:
        start, end = period_bounds("month", label)
    except ValueError as exc:
        raise invalid_input([FieldProblem("month", "period.format", str(exc))]) from None
    campaign = settings(city)["campaign_start"]
    if end < campaign:
        raise invalid_input([FieldProblem(
            "month", "campaign.not_started",
            f"攻坚战役自 {campaign.year}年{campaign.month}月起开展，{label} 没有战报")])
    return label, start, end


def assessed_units(session: Any, city: Any) -> list[Unit]:
    kinds = settings(city)["assessment"]["unit_kinds"]
    return list(session.scalars(sa.select(Unit).where(Unit.kind.in_(kinds)).order_by(Unit.code)))


def battle_rows(session: Any, city: Any, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """The units' rows for ``start``–``end``, ranked, followed by the city total (no rank)."""
    units = assessed_units(session, city)
    rows = {unit.code: {"unit": unit.code, "unit_name": unit.name, "leads_reported": 0,
                        "leads_linked": 0, "lead_points": ZERO, "key_signed": 0, "legal_failed": 0,
                        **{name: ZERO for name in FIGURES}} for unit in units}
    for lead in session.scalars(sa.select(Lead).where(Lead.reported_on.between(start, end))):
        row = rows.get(lead.reporting_unit.code)
        if row is not None:
            row["leads_reported"] += 1
            row["leads_linked"] += 0 if is_credited(lead) else 1
    for code, points in points_by_unit(point_entries(session, city, start, end)).items():
        if code in rows:
            rows[code]["lead_points"] = points
    city_total, groups = compute_figures(session, start, end, "unit")
    for group in groups:
        if group.key in rows:
            for name in FIGURES:
                rows[group.key][name] = getattr(group, name)
    for project in session.scalars(sa.select(Project).where(
            Project.signed_on.between(start, end))):
        if is_key(project) and project.finding_unit.code in rows:
            rows[project.finding_unit.code]["key_signed"] += 1
    for code, count in failed_by_unit(session, start, end).items():
        if code in rows:
            rows[code]["legal_failed"] = count
    ranked = sorted(rows.values(), key=lambda r: (-r["signed_amount"], -r["lead_points"],
                                                  r["unit"]))
    for position, row in enumerate(ranked, start=1):
        row["rank"] = position
    total: dict[str, Any] = {"rank": None, "unit": None, "unit_name": f"{city.name}合计"}
    for key in ("leads_reported", "leads_linked", "lead_points", "key_signed", "legal_failed"):
        total[key] = sum(row[key] for row in ranked)
    # The city's own figures, not the units' sum: a project credited to a unit outside the
    # assessment (the office) still counts for the city.
    total.update({name: getattr(city_total, name) for name in FIGURES})
    return [*ranked, total]


def build_battle_report(context: Any, params: dict[str, Any]) -> list[dict[str, Any]]:
    """The ``sanming_battle`` report: ``params["month"]`` (default this month)."""
    _, start, end = month_bounds(context.city, params.get("month"))
    return battle_rows(context.session, context.city, start, end)
