"""Supervision and assessment (Seed 十): the monthly arena, the year-end item, departments.

* 擂台赛 ``ziyang_arena`` — every month the counties and zones (``arena_unit_kinds``) are scored
  on ``arena_indicators`` (Default: signed amount 30, arrived funds 30, projects started 20,
  leads 20 — the best unit of the month earns the full points) and ranked; the office
  publishes each month's ranking (the core's assessment runs). The leads indicator counts only
  valid, non-duplicate leads (``valid_unique_leads``): a rejected lead, one still waiting for
  its judgement, or a repeat of an earlier valid lead about the same investor earns nothing,
  and the indicator's basis (说明) says so.
* 年度目标绩效考核专项 ``ziyang_county_year`` — the county/zone investment item is worth
  ``county_assessment_points`` (20): the year's published arena scores are carried in as their
  average (``arena_average``), scaled from the arena's full marks to the 20 points.
* 市级部门加减分 ``ziyang_department_year`` — departments get bonus or deduction items only,
  held within ±``department_adjustment_cap`` (3): a bonus for each lead a department reported
  that was signed in the year, a deduction for each first-talk judgement its industry group
  made late (a department is answerable as its group's lead department, 六个一). In a year
  when no lead department was in office at all, the deduction cannot be computed and the run
  says so (``NotComputable``); a group with late judgements but no lead department at the
  year's end says so too, rather than dropping them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.toolkit import (
    ASSESSMENT_METRICS,
    Adjustment,
    AssessmentRun,
    AssessmentScheme,
    City,
    Indicator,
    NotComputable,
    Project,
)
from plugins.ziyang.models import GroupOne
from plugins.ziyang.settings import settings
from plugins.ziyang.six_ones import industry_groups

ARENA = "ziyang_arena"
COUNTY_YEAR = "ziyang_county_year"
DEPARTMENT_YEAR = "ziyang_department_year"
ARENA_AVERAGE = "arena_average"
TWO_PLACES = Decimal("0.01")


def arena_full_marks(city: City) -> Decimal:
    return sum((Decimal(item["points"]) for item in settings(city)["arena_indicators"]),
               Decimal(0))


def assessment_schemes(city: City) -> list[AssessmentScheme]:
    """The arena, the county/zone year item and the department bonus/deduction scheme."""
    config = settings(city)
    kinds = tuple(config["arena_unit_kinds"])
    points = config["county_assessment_points"]
    return [
        AssessmentScheme(
            code=ARENA, name="招商引资擂台赛（月度排名）", period="month", unit_kinds=kinds,
            indicators=tuple(Indicator(item["code"], item["name"], item["metric"],
                                       Decimal(item["points"]), basis=item.get("basis"))
                             for item in config["arena_indicators"])),
        AssessmentScheme(
            code=COUNTY_YEAR, name="县（区）、园区招商引资目标绩效考核专项", period="year",
            unit_kinds=kinds,
            indicators=(Indicator("arena", "擂台赛月度得分（全年平均）", ARENA_AVERAGE, points,
                                  target=arena_full_marks(city)),),
            total_cap=points),
        AssessmentScheme(
            code=DEPARTMENT_YEAR, name="市级部门招商引资工作加减分", period="year",
            unit_kinds=("department",), indicators=(),
            adjustment_cap=config["department_adjustment_cap"]),
    ]


# -- the arena carried into the year ------------------------------------------------------------


def published_arena_months(session: Session, year: int) -> list[AssessmentRun]:
    """The latest published arena run of each month of ``year``, in month order."""
    runs = session.scalars(sa.select(AssessmentRun).where(
        AssessmentRun.scheme_code == ARENA, AssessmentRun.status == "published",
        AssessmentRun.period_start >= dt.date(year, 1, 1),
        AssessmentRun.period_end <= dt.date(year, 12, 31)).order_by(AssessmentRun.id))
    latest: dict[str, AssessmentRun] = {}
    for run in runs:
        latest[run.period_label] = run  # a re-run month replaces the earlier publication
    return [latest[label] for label in sorted(latest)]


def arena_average(session: Session, year: int) -> dict[str, Decimal]:
    """Each unit's average arena total over the months of ``year`` whose ranking was published."""
    months = published_arena_months(session, year)
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for run in months:
        for result in run.results:
            totals[result.unit_code] += result.total
    if not months:
        return {}
    return {code: (total / len(months)).quantize(TWO_PLACES, ROUND_HALF_UP)
            for code, total in totals.items()}


def arena_year(session: Session, year: int) -> dict[str, Any]:
    """The year's published monthly rankings and the average each unit carries into the year."""
    months = published_arena_months(session, year)
    average = arena_average(session, year)
    return {
        "year": year,
        "months": [{"period": run.period_label, "run_id": run.id,
                    "published_on": run.published_on,
                    "ranking": [{"unit": r.unit_code, "unit_name": r.unit_name, "rank": r.rank,
                                 "total": r.total} for r in run.results]} for run in months],
        "average": [{"unit": code, "average": value}
                    for code, value in sorted(average.items(), key=lambda kv: (-kv[1], kv[0]))],
    }


def assessment_metrics(city: City, context: Any) -> dict[str, dict[str, Decimal]] | None:
    if context.scheme.code == ARENA:
        return {VALID_UNIQUE_LEADS: valid_unique_leads(context)}
    if context.scheme.code != COUNTY_YEAR:
        return None
    return {ARENA_AVERAGE: arena_average(context.session, context.start.year)}


# -- leads that count in the arena -----------------------------------------------------------

VALID_UNIQUE_LEADS = "valid_unique_leads"
JUDGED_VALID = ("assigned", "converted")  # the core's lead statuses after a valid judgement


def valid_unique_leads(context: Any) -> dict[str, Decimal]:
    """Per reporting unit, its leads reported in the period that were judged valid (a first-talk
    location named, or converted) and are the first valid lead about their investor: a rejected
    or unjudged lead, or a repeat report of an investor already validly reported, earns nothing
    (the arena rewards information, not reports)."""
    first_valid: dict[int, int] = {}
    for lead in sorted(context.leads(), key=lambda lead: (lead.reported_on, lead.id)):
        if lead.status in JUDGED_VALID:
            first_valid.setdefault(lead.enterprise_id, lead.id)
    counts: dict[str, Decimal] = defaultdict(Decimal)
    for lead in context.leads():
        if (first_valid.get(lead.enterprise_id) == lead.id
                and context.start <= lead.reported_on <= context.end):
            counts[lead.reporting_unit.code] += 1
    return dict(counts)


# -- departments: bonus and deduction -------------------------------------------------------------


def lead_departments(session: Session, on: dt.date) -> dict[str, str]:
    """``{group code: lead department unit code}`` from the six ones in force on ``on``."""
    rows = session.scalars(sa.select(GroupOne).where(
        GroupOne.kind == "lead_department", GroupOne.unit_code.is_not(None),
        GroupOne.appointed_on <= on,
        sa.or_(GroupOne.ended_on.is_(None), GroupOne.ended_on > on)).order_by(GroupOne.id))
    departments: dict[str, str] = {}
    for row in rows:
        departments.setdefault(row.group_code, row.unit_code)
    return departments


DEPARTMENT_DEDUCTION = "department_deduction"
NO_LEAD_DEPARTMENT = "该年度未任命牵头部门（六个一），无法计算部门扣分"


def lead_department_appointed(session: Session, start: dt.date, end: dt.date) -> bool:
    """Whether any group had a lead department in office at some time in ``start``–``end``."""
    return session.scalar(sa.select(sa.func.count()).select_from(GroupOne).where(
        GroupOne.kind == "lead_department", GroupOne.unit_code.is_not(None),
        GroupOne.appointed_on <= end,
        sa.or_(GroupOne.ended_on.is_(None), GroupOne.ended_on > start))) > 0


def department_adjustments(city: City, context: Any) -> list[Adjustment | NotComputable]:
    """Bonus for departments' signed leads, deduction for their groups' late judgements."""
    if context.scheme.code != DEPARTMENT_YEAR:
        return []
    config = settings(city)
    bonus = config["department_bonus_per_signed_lead"]
    deduction = config["department_deduction_per_overdue_judgement"]
    departments = set(context.unit_codes)
    items: list[Adjustment] = []
    for lead in context.leads():
        if lead.reporting_unit.code not in departments or lead.project_id is None:
            continue
        project = context.session.get(Project, lead.project_id)
        if project.signed_on is not None and context.start <= project.signed_on <= context.end:
            items.append(Adjustment(
                lead.reporting_unit.code, bonus,
                f"报送的招商项目信息“{lead.title}”于 {project.signed_on} 签约", f"lead:{lead.id}"))
    if not lead_department_appointed(context.session, context.start, context.end):
        items.append(NotComputable(NO_LEAD_DEPARTMENT, DEPARTMENT_DEDUCTION, "部门扣分"))
        return items
    overdue = ASSESSMENT_METRICS["overdue_judgements"][1](context)
    leads_by = lead_departments(context.session, context.end)
    names = {group.code: group.name for group in industry_groups(city)}
    for group_code, count in sorted(overdue.items()):
        department = leads_by.get(group_code)
        if department is None and count and group_code in names:
            group_name = names[group_code]
            items.append(NotComputable(
                f"{group_name}年末未任命牵头部门（六个一），其首谈地研判超期 {count} 条无法计入部门扣分",
                f"{DEPARTMENT_DEDUCTION}:{group_code}", f"部门扣分（{group_name}）"))
        elif department in departments and count:
            items.append(Adjustment(
                department, -deduction * Decimal(count),
                f"牵头的{names.get(group_code, group_code)}首谈地研判超期 {count} 条"
                f"（每条扣 {deduction} 分）", f"overdue_judgements:{group_code}"))
    return items
