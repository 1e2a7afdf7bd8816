"""The core's warning rules, registered ``trylast``: deadlines every city has.

- ``first_talk_overdue``: a lead still waiting for its first-talk judgement after
  its due date (``policy.first_talk_working_days``) — level ``overdue``.
- ``milestone_overdue``: an agreed start, completion or production date has passed
  with no actual date — level ``overdue`` (a late re-plan does not end it).
- ``no_progress``: a project being negotiated, signed or under construction with
  no progress report for ``policy.no_progress_days`` days — level ``blue``.

A city replaces one of these by returning a rule with the same code from its
own ``warning_rules`` (Pingliang grades overdue milestones yellow and red), or
silences it with a rule of that code that finds nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import object_session

from core import hookimpl
from core.clock import Clock
from core.lifecycle import Stage
from core.models import StageTransition
from core.models.leads import LeadStatus
from core.policy import WarningFinding, WarningRule
from core.schemas.projects import MILESTONE_KINDS

if TYPE_CHECKING:
    from core.city import City
    from core.models import Milestone, Project
    from core.services.warnings import WarningContext

ONE_DAY = dt.timedelta(days=1)
# Reserve projects are ideas on a list; progress is expected once talks begin.
PROGRESS_STAGES = (Stage.NEGOTIATING, Stage.SIGNED, Stage.STARTED)


def first_talk_overdue(context: WarningContext) -> list[WarningFinding]:
    """Leads still ``reported`` after their first-talk due date."""
    findings = []
    for lead in context.leads([LeadStatus.REPORTED]):
        due = lead.first_talk_due
        if due is not None and context.today > due:
            findings.append(WarningFinding(
                "lead", lead.id, "overdue",
                f"线索“{lead.title}”于 {lead.reported_on} 报送，应于 {due} 前研判并明确首谈地，至今未研判",
                due + ONE_DAY))
    return findings


def milestone_reached(project: Project, milestone: Milestone) -> bool:
    """A milestone counts as reached when its actual date is set or the stage shows it."""
    if milestone.actual_on is not None:
        return True
    if milestone.kind == "start":
        return project.started_on is not None
    return project.completed_on is not None and milestone.kind in ("completion", "production")


def overdue_milestones(project: Project, today: dt.date) -> list[Milestone]:
    """The project's milestones overdue as of ``today`` and not reached, earliest first.

    Judged against the agreed date (:meth:`Milestone.overdue_from`): a re-plan approved
    after the agreed date had passed keeps the milestone overdue from that date until reached.
    """
    late = [m for m in project.milestones
            if m.overdue_from(today) is not None and not milestone_reached(project, m)]
    return sorted(late, key=lambda m: overdue_date(m, today))


def overdue_date(milestone: Milestone, today: dt.date) -> dt.date:
    """The agreed date an overdue milestone is judged from (its agreed date if not overdue)."""
    return milestone.overdue_from(today) or milestone.agreed_on(today)


def replanned_note(milestone: Milestone, today: dt.date) -> str:
    """For a warning's reason: the agreed date moved after it had passed, and still counts."""
    judged = overdue_date(milestone, today)
    agreed = milestone.agreed_on(today)
    return f"（已调整为 {agreed}，原约定日期超期照计）" if agreed != judged else ""


def milestone_overdue(context: WarningContext) -> list[WarningFinding]:
    """Open projects with a planned date passed and no actual date."""
    findings = []
    for project in context.projects():
        late = overdue_milestones(project, context.today)
        if late:
            first = late[0]
            label = MILESTONE_KINDS.get(first.kind, first.kind)
            others = f"（另有 {len(late) - 1} 个节点超期）" if len(late) > 1 else ""
            due = overdue_date(first, context.today)
            findings.append(WarningFinding(
                "project", project.id, "overdue",
                f"项目“{project.name}”计划{label}日期 {due} 已过"
                f"{replanned_note(first, context.today)}，尚未{label}{others}",
                due + ONE_DAY))
    return findings


def last_stage_change(project: Project) -> dt.date | None:
    """The business date of the project's latest stage change, if it ever moved."""
    session = object_session(project)
    if session is None or project.id is None:
        return None
    return session.scalar(sa.select(sa.func.max(StageTransition.occurred_on))
                          .where(StageTransition.project_id == project.id))


def last_activity(project: Project, clock: Clock) -> dt.date:
    """The date of its last progress report or stage change (their business dates).

    The record's creation (the city's day) counts only when nothing was ever reported: a
    project loaded today whose last report was a month ago has been silent for a month.
    """
    dates = [project.last_progress_on, project.signed_on, project.started_on,
             project.completed_on, last_stage_change(project)]
    reported = [d for d in dates if d is not None]
    return max(reported) if reported else clock.day_of(project.created_at)


def no_progress(context: WarningContext) -> list[WarningFinding]:
    """Projects in talks or under way with no progress report for ``no_progress_days``."""
    days = context.city.policy["no_progress_days"]
    findings = []
    for project in context.projects(PROGRESS_STAGES):
        last = last_activity(project, context.city.clock)
        if (context.today - last).days >= days:
            findings.append(WarningFinding(
                "project", project.id, "blue",
                f"项目“{project.name}”自 {last} 起已 {days} 天以上未报送进展",
                last + dt.timedelta(days=days)))
    return findings


CORE_WARNING_RULES = (
    WarningRule("first_talk_overdue", "首谈地研判超期", first_talk_overdue),
    WarningRule("milestone_overdue", "项目节点超期", milestone_overdue),
    WarningRule("no_progress", "长期未报送进展", no_progress),
)


@hookimpl(trylast=True)
def warning_rules(city: City) -> list[WarningRule]:
    return list(CORE_WARNING_RULES)
