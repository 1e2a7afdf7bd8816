"""滚动生效考评 the 3-year rolling evaluation of landed projects (Seed 三(四)19).

Every project that started construction (落地开工) is checked once a year for ``years`` (3)
years, each check due on the anniversary of its start: is it in the statistics (有没有入统)?
does it pay tax (有没有税收)? is the investment as declared (投资额对不对)? Any "no" flags a
false report (弄虚作假): a red warning on the project, an accountability case against the unit
that reported it, and a penalty — or, when serious, disqualification — in the assessment of
the period the case was opened in (:mod:`assessment`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from core.toolkit import (
    FieldProblem,
    Project,
    Refusal,
    WarningFinding,
    invalid_input,
    record_event,
    refresh_warnings,
    refused,
)
from plugins.sanming.discipline import open_case
from plugins.sanming.models import AccountabilityCase, RollingCheck
from plugins.sanming.settings import settings

LANDED_STAGES = ("started", "completed")
CHECKS = {"in_statistics": "未入统", "paying_tax": "无税收", "investment_as_declared": "投资额不符"}


def anniversary(start: dt.date, years: int) -> dt.date:
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # started on 29 February
        return start.replace(year=start.year + years, day=28)


def due_dates(city: Any, project: Project) -> dict[int, dt.date]:
    """``{year: due date}`` of a landed project's checks; {} before it started."""
    if project.started_on is None:
        return {}
    years = settings(city)["rolling_evaluation"]["years"]
    return {year: anniversary(project.started_on, year) for year in range(1, years + 1)}


def failed_checks(check: RollingCheck) -> list[str]:
    """The Chinese names of the questions answered "no"."""
    return [label for name, label in CHECKS.items() if not getattr(check, name)]


def check_event_data(check: RollingCheck) -> dict[str, Any]:
    return {"check_id": check.id, "project_id": check.project_id, "year": check.year_index,
            "due_on": check.due_on, "checked_on": check.checked_on,
            "in_statistics": check.in_statistics, "paying_tax": check.paying_tax,
            "investment_as_declared": check.investment_as_declared,
            "declared_amount": check.declared_amount, "verified_amount": check.verified_amount,
            "false_report": check.false_report, "serious": check.serious}


def record_check(session: Any, city: Any, project: Project, data: dict[str, Any],
                 actor: Any) -> RollingCheck:
    """Record one year's check; a "no" opens a false-report case against the host unit."""
    dues = due_dates(city, project)
    if not dues:
        raise refused([Refusal("sanming.rolling.not_landed",
                               f"项目“{project.name}”尚未开工，不进行滚动考评")])
    year = data["year"]
    if year not in dues:
        raise invalid_input([FieldProblem("year", "rolling.year",
                                          f"滚动考评为期 {len(dues)} 年，年度应为 1–{len(dues)}")])
    if data["checked_on"] < project.started_on:
        raise invalid_input([FieldProblem("checked_on", "rolling.before_start",
                                          f"考评日期不能早于开工日期 {project.started_on}")])
    existing = session.scalar(sa.select(RollingCheck).where(
        RollingCheck.project_id == project.id, RollingCheck.year_index == year))
    if existing is not None:
        raise refused([Refusal("sanming.rolling.recorded",
                               f"项目第 {year} 年滚动考评已于 {existing.checked_on} 完成")])
    answers = {name: data[name] for name in CHECKS}
    false_report = not all(answers.values())
    if data.get("serious") and not false_report:
        raise invalid_input([FieldProblem("serious", "rolling.serious_without_finding",
                                          "三项考评均为“是”时不存在弄虚作假情节")])
    check = RollingCheck(
        project_id=project.id, year_index=year, due_on=dues[year], checked_on=data["checked_on"],
        declared_amount=project.agreement_amount or project.amount,
        verified_amount=data.get("verified_amount"), false_report=false_report,
        serious=bool(data.get("serious")), note=data.get("note"), checked_by=actor.user,
        **answers)
    session.add(check)
    session.flush()
    record_event(session, city, "sanming_rolling_check", check.id, "recorded",
                 check_event_data(check))
    if false_report:
        unit = project.host_unit
        open_case(session, city, kind="false_report", unit=unit, opened_on=check.checked_on,
                  actor=actor.user, project=project, serious=check.serious,
                  rolling_check_id=check.id,
                  detail=f"项目“{project.name}”第 {year} 年滚动考评："
                         f"{'、'.join(failed_checks(check))}，{unit.name}报送数据不实")
    refresh_warnings(session, city, "project", project.id)  # the flag shows at once
    return check


def moved_out_ids(session: Any) -> set[int]:
    """Projects that moved out of Sanming (an accountability case): nothing left to check."""
    return set(session.scalars(sa.select(AccountabilityCase.project_id).where(
        AccountabilityCase.kind == "moved_out", AccountabilityCase.project_id.is_not(None))))


def checks_of(session: Any, project_ids: list[int] | None = None) -> dict[int, list[RollingCheck]]:
    query = sa.select(RollingCheck).order_by(RollingCheck.project_id, RollingCheck.year_index)
    if project_ids is not None:
        query = query.where(RollingCheck.project_id.in_(project_ids))
    found: dict[int, list[RollingCheck]] = {}
    for check in session.scalars(query):
        found.setdefault(check.project_id, []).append(check)
    return found


def year_status(check: RollingCheck | None, due_on: dt.date, today: dt.date) -> str:
    if check is not None:
        return "false_report" if check.false_report else "passed"
    return "overdue" if today > due_on else "pending"


STATUS_LABELS = {"passed": "通过", "false_report": "弄虚作假", "overdue": "逾期未考评",
                 "pending": "未到期"}


def schedule(session: Any, city: Any, today: dt.date) -> list[dict[str, Any]]:
    """Every landed project with its yearly checks: done, flagged, overdue or pending."""
    gone = moved_out_ids(session)
    projects = [project for project in session.scalars(sa.select(Project).where(
        Project.started_on.is_not(None)).order_by(Project.started_on, Project.id))
        if project.id not in gone]
    done = checks_of(session, [p.id for p in projects])
    rows = []
    for project in projects:
        by_year = {check.year_index: check for check in done.get(project.id, [])}
        years = []
        for year, due_on in due_dates(city, project).items():
            check = by_year.get(year)
            status = year_status(check, due_on, today)
            years.append({"year": year, "due_on": due_on, "status": status,
                          "status_label": STATUS_LABELS[status],
                          "check_id": check.id if check else None,
                          "failed": failed_checks(check) if check else []})
        rows.append({"project_id": project.id, "name": project.name,
                     "host_unit": project.host_unit.code, "started_on": project.started_on,
                     "years": years})
    return rows


def false_report_findings(context: Any) -> list[WarningFinding]:
    """Warning rule ``sanming_false_report``: a landed project with a flagged check (red)."""
    projects = context.projects(LANDED_STAGES)
    done = checks_of(context.session, [p.id for p in projects])
    findings = []
    for project in projects:
        flagged = [check for check in done.get(project.id, []) if check.false_report]
        if flagged:
            first = flagged[0]
            findings.append(WarningFinding(
                "project", project.id, "red",
                f"项目“{project.name}”第 {first.year_index} 年滚动考评："
                f"{'、'.join(failed_checks(first))}，涉嫌弄虚作假", first.checked_on))
    return findings


def overdue_findings(context: Any) -> list[WarningFinding]:
    """Warning rule ``sanming_rolling_overdue``: a yearly check past its due date."""
    gone = moved_out_ids(context.session)
    projects = [p for p in context.projects(LANDED_STAGES) if p.id not in gone]
    done = checks_of(context.session, [p.id for p in projects])
    findings = []
    for project in projects:
        checked = {check.year_index for check in done.get(project.id, [])}
        late = [(year, due) for year, due in due_dates(context.city, project).items()
                if year not in checked and context.today > due]
        if late:
            year, due = late[0]
            findings.append(WarningFinding(
                "project", project.id, "overdue",
                f"项目“{project.name}”第 {year} 年滚动考评应于 {due} 前完成，尚未考评",
                due + dt.timedelta(days=1)))
    return findings
