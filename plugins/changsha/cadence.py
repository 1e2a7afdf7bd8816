"""Tracking cadence of key projects (四(十三)): 周调度、月通报交办、半年度讲评、年观摩.

对招商引资重点项目进展情况实施“周调度、月通报交办、半年度讲评、年观摩”. Each is a
report (core ``reports`` hook, exported to .xlsx by the core):

- ``changsha_weekly`` 周调度清单 (``week=2024-W19``): major projects in talks or under
  way, their leader and task force, latest progress, open matters, late work
  orders, and what the week's scheduling should press on.
- ``changsha_monthly`` 月通报交办 (``month=2024-05``): each major project's moves in
  the month, praised (签约/开工/竣工) or pressed (督办), with the tasks assigned —
  work orders issued in the month, and a progress task for each lagging project
  due ``cadence.task_working_days`` working days after the month's end.
- ``changsha_half_year`` 半年度讲评 (``half=2024-H1``): units ranked by the major
  projects they signed, with their other figures.
- ``changsha_site_tour`` 年观摩清单 (``year=2024``): the largest major projects that
  started or were completed in the year, ``cadence.site_tour_size`` at most.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from core.toolkit import (
    STAGE_LABELS,
    City,
    FundTranche,
    Matter,
    Project,
    Report,
    Stage,
    StageTransition,
    Unit,
    WorkOrder,
    compute_figures,
    last_activity,
    overdue_date,
    overdue_milestones,
)
from plugins.changsha.major_metrics import major_metrics
from plugins.changsha.majors import is_major
from plugins.changsha.periods import judged_on, period_param
from plugins.changsha.settings import settings

OPEN_MATTER_STATUSES = ("requested", "proposed", "tracking")
ASSESSED_KINDS = ("county", "district", "city", "park")
TWO_PLACES = Decimal("0.01")
MILESTONE_LABELS = {"start": "开工", "completion": "竣工", "production": "投产"}


def major_projects(session: Session, city: City, stages: list[str] | tuple[str, ...]) -> list[Project]:
    """Major projects in ``stages``, the largest first."""
    projects = session.scalars(sa.select(Project).where(Project.stage.in_(stages))
                               .options(selectinload(Project.milestones))
                               .order_by(Project.amount.desc(), Project.id)).unique()
    return [project for project in projects if is_major(city, project)]


def project_matters(session: Session, project_ids: list[int]) -> dict[int, list[Matter]]:
    """Each project's matters with their work orders."""
    matters: dict[int, list[Matter]] = {pid: [] for pid in project_ids}
    if project_ids:
        for matter in session.scalars(sa.select(Matter).where(Matter.project_id.in_(project_ids))
                                      .order_by(Matter.id)).unique():
            matters[matter.project_id].append(matter)
    return matters


def late_orders(matters: list[Matter], on: dt.date) -> list[WorkOrder]:
    """Work orders still open after their due date, or done late, as of ``on``."""
    return [order for matter in matters for order in matter.work_orders
            if order.issued_on <= on and order.overdue_on(on)]


def task_force_name(project: Project) -> str | None:
    task_force = (project.attributes or {}).get("task_force")
    return task_force.get("name") if isinstance(task_force, dict) else None


def lagging_reasons(city: City, project: Project, matters: list[Matter], on: dt.date) -> list[str]:
    """Why a project needs pressing as of ``on``: stale progress, late milestones or orders."""
    reasons = []
    days = (on - last_activity(project, city.clock)).days
    # A completed project has nothing left to report; its last move is in the month's list.
    if project.stage != Stage.COMPLETED and days >= settings(city)["cadence"]["stale_days"]:
        reasons.append(f"已{days}天未报送进展")
    for milestone in overdue_milestones(project, on):
        reasons.append(f"计划{MILESTONE_LABELS.get(milestone.kind, milestone.kind)}日期"
                       f"{overdue_date(milestone, on)}已过")
    late = late_orders(matters, on)
    if late:
        reasons.append(f"{len(late)}项派单逾期")
    return reasons


# -- 周调度 ------------------------------------------------------------------------

WEEKLY_COLUMNS = (
    ("project", "项目名称"), ("host_unit", "落户单位"), ("industry", "所属产业"), ("stage", "阶段"),
    ("amount", "总投资（万元）"), ("leader", "包抓领导"), ("task_force", "工作专班"),
    ("last_progress", "最近进展日期"), ("progress", "最新进展"),
    ("open_matters", "在办一事一议事项"), ("scheduling", "调度意见"),
)


def weekly_rows(context: Any, params: dict[str, Any]) -> list[dict[str, Any]]:
    """The week's scheduling list of major projects in the configured stages."""
    city, session = context.city, context.session
    today = city.clock.today()
    _, start, end = period_param(params, "week", "week", today)
    on = judged_on(params, start, end, today)
    projects = major_projects(session, city, settings(city)["cadence"]["weekly_stages"])
    matters = project_matters(session, [p.id for p in projects])
    rows = []
    for project in projects:
        last = last_activity(project, city.clock)
        reasons = lagging_reasons(city, project, matters[project.id], on)
        open_matters = [m for m in matters[project.id] if m.status in OPEN_MATTER_STATUSES]
        if start <= last <= end and not reasons:
            advice = "本周已报送进展，正常推进"
        elif reasons:
            advice = "列入督办：" + "；".join(reasons)
        else:
            advice = "正常推进"
        rows.append({
            "project": project.name, "host_unit": project.host_unit.name,
            "industry": city.industry_name(project.industry), "stage": STAGE_LABELS[Stage(project.stage)],
            "amount": project.amount, "leader": project.leader_name,
            "task_force": task_force_name(project), "last_progress": last,
            "progress": project.progress_note, "open_matters": len(open_matters),
            "scheduling": advice,
        })
    return rows


# -- 月通报交办 --------------------------------------------------------------------

MONTHLY_COLUMNS = (
    ("project", "项目名称"), ("host_unit", "落户单位"), ("stage", "阶段"), ("moves", "本月进展"),
    ("arrived", "本月到位资金（万元）"), ("notice", "通报"), ("reasons", "通报事由"),
    ("tasks", "交办事项"),
)
PRAISED_MOVES = {Stage.SIGNED: "签约", Stage.STARTED: "开工", Stage.COMPLETED: "竣工投产"}


def monthly_rows(context: Any, params: dict[str, Any]) -> list[dict[str, Any]]:
    """The month's report: praise for moves, pressing for lagging projects, assigned tasks."""
    city, session = context.city, context.session
    today = city.clock.today()
    _, start, end = period_param(params, "month", "month", today)
    on = judged_on(params, start, end, today)
    cadence = settings(city)["cadence"]
    moves: dict[int, list[StageTransition]] = {}
    for move in session.scalars(sa.select(StageTransition).where(
            StageTransition.occurred_on.between(start, end)).order_by(StageTransition.id)):
        moves.setdefault(move.project_id, []).append(move)
    tracked = {p.id: p for p in major_projects(session, city, cadence["weekly_stages"])}
    for project in major_projects(session, city, [s.value for s in PRAISED_MOVES]):
        if project.id in moves:
            tracked.setdefault(project.id, project)
    matters = project_matters(session, list(tracked))
    task_due = city.calendar.add_workdays(end, cadence["task_working_days"])
    rows = []
    for project in sorted(tracked.values(), key=lambda p: (-p.amount, p.id)):
        own_moves = moves.get(project.id, [])
        praised = [f"{PRAISED_MOVES[Stage(m.to_stage)]}（{m.occurred_on}）" for m in own_moves
                   if Stage(m.to_stage) in PRAISED_MOVES]
        reasons = lagging_reasons(city, project, matters[project.id], on)
        tasks = [f"{order.unit.name}：{order.task}（{order.due_on}前）"
                 for matter in matters[project.id] for order in matter.work_orders
                 if start <= order.issued_on <= end]
        if reasons:
            notice = "通报督办"
            tasks.append(f"{project.host_unit.name}：报送项目进展并说明滞后原因（{task_due}前）")
        elif praised:
            notice = "通报表扬"
        else:
            notice = "正常推进"
        arrived = session.scalar(sa.select(sa.func.coalesce(sa.func.sum(FundTranche.amount), 0))
                                 .where(FundTranche.project_id == project.id,
                                        FundTranche.verification == "verified",
                                        FundTranche.arrived_on.between(start, end)))
        rows.append({
            "project": project.name, "host_unit": project.host_unit.name,
            "stage": STAGE_LABELS[Stage(project.stage)],
            "moves": "；".join(f"{STAGE_LABELS[Stage(m.from_stage)]}→{STAGE_LABELS[Stage(m.to_stage)]}"
                              f"（{m.occurred_on}）" for m in own_moves) or "无",
            "arrived": Decimal(arrived), "notice": notice,
            "reasons": "；".join(reasons or praised) or None, "tasks": "；".join(tasks) or None,
        })
    return rows


# -- 半年度讲评 --------------------------------------------------------------------

HALF_YEAR_COLUMNS = (
    ("rank", "排名"), ("unit", "单位"), ("major_signed", "重大项目签约数"),
    ("major_signed_amount", "重大项目签约额（万元）"), ("major_started", "重大项目开工数"),
    ("signed_count", "签约项目数"), ("signed_amount", "签约总额（万元）"),
    ("started_count", "开工项目数"), ("arrived_amount", "到位资金（万元）"), ("comment", "讲评意见"),
)


def half_year_rows(context: Any, params: dict[str, Any]) -> list[dict[str, Any]]:
    """Units ranked by major projects signed, then their amount, then all signed amounts."""
    city, session = context.city, context.session
    _, start, end = period_param(params, "half", "half_year", city.clock.today())
    majors = major_metrics(session, city, start, end)
    _, groups = compute_figures(session, start, end, "unit")
    figures = {group.key: group for group in groups}
    units = session.scalars(sa.select(Unit).where(Unit.kind.in_(ASSESSED_KINDS))
                            .order_by(Unit.id)).all()
    rows = []
    for unit in units:
        group = figures.get(unit.code)
        row = {"unit": unit.name,
               "signed_count": group.signed_count if group else Decimal(0),
               "signed_amount": group.signed_amount if group else Decimal(0),
               "started_count": group.started_count if group else Decimal(0),
               "arrived_amount": group.arrived_amount if group else Decimal(0)}
        for metric, key in (("changsha_major_signed", "major_signed"),
                            ("changsha_major_signed_amount", "major_signed_amount"),
                            ("changsha_major_started", "major_started")):
            row[key] = majors[metric].get(unit.code, Decimal(0))
        rows.append({key: value.quantize(TWO_PLACES) if isinstance(value, Decimal) else value
                     for key, value in row.items()})
    rows.sort(key=lambda r: (-r["major_signed"], -r["major_signed_amount"], -r["signed_amount"]))
    for index, row in enumerate(rows):
        row["rank"] = index + 1
        if row["major_signed"] and index < 3:
            row["comment"] = "讲评表扬：重大项目引进成效显著"
        elif not row["signed_count"]:
            row["comment"] = "讲评督促：半年无签约项目"
        elif not row["major_signed"]:
            row["comment"] = "讲评提醒：重大项目尚未突破"
        else:
            row["comment"] = None
    return rows


# -- 年观摩 ----------------------------------------------------------------------

SITE_TOUR_COLUMNS = (
    ("number", "序号"), ("project", "项目名称"), ("host_unit", "落户单位"), ("industry", "所属产业"),
    ("amount", "总投资（万元）"), ("stage", "阶段"), ("started_on", "开工日期"),
    ("completed_on", "竣工日期"), ("leader", "包抓领导"), ("highlight", "观摩看点"),
)


def site_tour_rows(context: Any, params: dict[str, Any]) -> list[dict[str, Any]]:
    """The year's site-tour list: major projects started or completed in the year."""
    city, session = context.city, context.session
    _, start, end = period_param(params, "year", "year", city.clock.today())

    def in_year(day: dt.date | None) -> bool:
        return day is not None and start <= day <= end

    chosen = [p for p in major_projects(session, city, (Stage.STARTED, Stage.COMPLETED))
              if in_year(p.started_on) or in_year(p.completed_on)]
    rows = []
    for number, project in enumerate(chosen[:settings(city)["cadence"]["site_tour_size"]], 1):
        rows.append({
            "number": number, "project": project.name, "host_unit": project.host_unit.name,
            "industry": city.industry_name(project.industry), "amount": project.amount,
            "stage": STAGE_LABELS[Stage(project.stage)], "started_on": project.started_on,
            "completed_on": project.completed_on, "leader": project.leader_name,
            "highlight": "当年竣工投产" if in_year(project.completed_on) else "当年开工建设",
        })
    return rows


def cadence_reports() -> list[Report]:
    """The four reports of the tracking cadence."""
    return [
        Report("changsha_weekly", "重点招商项目周调度清单", WEEKLY_COLUMNS, weekly_rows),
        Report("changsha_monthly", "重点招商项目月通报交办", MONTHLY_COLUMNS, monthly_rows),
        Report("changsha_half_year", "招商引资半年度讲评", HALF_YEAR_COLUMNS, half_year_rows),
        Report("changsha_site_tour", "重大招商项目年度观摩清单", SITE_TOUR_COLUMNS, site_tour_rows),
    ]
