"""Milestones keep their agreed date; moving it is a re-plan the office approves (节点调整).

- A milestone's planned date, once set, is its **agreed date**. ``PUT .../milestones`` sets a
  new milestone or its actual date; a different ``planned_on`` for an existing milestone is
  refused (``planned_on``: apply for a re-plan). ``original_planned_on`` keeps the first date.
- The owning unit requests a re-plan with a reason; the office approves or rejects it. Only an
  approval moves the agreed date. Each step writes the project's history and an outbox event.
- Overdue is judged against the agreed date (:meth:`core.models.Milestone.overdue_from`): a
  re-plan approved after the agreed date had passed does not end the overdue episode.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from core.clock import utcnow
from core.events import record_event
from core.identity import Actor
from core.models import Milestone, MilestoneReplan, Project
from core.policy import FieldProblem, Refusal
from core.problems import invalid_input, refused
from core.schemas.projects import MILESTONE_KINDS
from core.services.history import record_change
from core.services.office import ensure_office
from core.services.warnings import refresh as refresh_warnings

if TYPE_CHECKING:
    from core.city import City


def actual_start(project: Project) -> dt.date | None:
    start = project.milestone("start")
    if start is not None and start.actual_on is not None:
        return start.actual_on
    return project.started_on


def actual_date_problems(city: City, project: Project, kind: str,
                         actual_on: dt.date | None) -> list[FieldProblem]:
    """An actual date is not in the future, a start not before signing, the rest not before
    the actual start."""
    if actual_on is None:
        return []
    label = MILESTONE_KINDS.get(kind, kind)
    today = city.clock.today()
    if actual_on > today:
        return [FieldProblem("actual_on", "date.future",
                             f"实际{label}日期 {actual_on} 晚于今天（{today}），不能填报未来日期")]
    if kind == "start" and project.signed_on is not None and actual_on < project.signed_on:
        return [FieldProblem("actual_on", "milestone.before_signing",
                             f"实际开工日期 {actual_on} 不能早于签约日期 {project.signed_on}")]
    if kind != "start":
        started = actual_start(project)
        if started is not None and actual_on < started:
            return [FieldProblem("actual_on", "milestone.before_start",
                                 f"实际{label}日期 {actual_on} 不能早于实际开工日期 {started}")]
    return []


def milestone_data(milestone: Milestone) -> dict[str, Any]:
    return {"kind": milestone.kind, "planned_on": milestone.planned_on,
            "original_planned_on": milestone.original_planned_on or milestone.planned_on,
            "actual_on": milestone.actual_on}


def check_milestone(city: City, project: Project, data: dict[str, Any]) -> None:
    """Refuse a changed agreed date, a missing one for a new milestone, a bad actual date."""
    milestone = project.milestone(data["kind"])
    label = MILESTONE_KINDS.get(data["kind"], data["kind"])
    problems = []
    planned_on = data.get("planned_on")
    if milestone is None and planned_on is None:
        problems.append(FieldProblem("planned_on", "required", f"新设{label}节点须填写计划日期"))
    elif milestone is not None and planned_on is not None and planned_on != milestone.planned_on:
        problems.append(FieldProblem(
            "planned_on", "milestone.replan_required",
            f"计划{label}日期已约定为 {milestone.planned_on}，不能直接修改；"
            f"如需调整，请提交节点调整申请（说明理由，经市招商主管部门批准）"))
    problems += actual_date_problems(city, project, data["kind"], data.get("actual_on"))
    if problems:
        raise invalid_input(problems, status=422)


def replan_event_data(replan: MilestoneReplan) -> dict[str, Any]:
    return {"replan_id": replan.id, "kind": replan.kind,
            "original_planned_on": replan.milestone.original_planned_on,
            "previous_on": replan.previous_on, "planned_on": replan.planned_on,
            "reason": replan.reason, "status": replan.status,
            "requested_by": replan.requested_by, "decided_by": replan.decided_by,
            "decided_on": replan.decided_on, "decision_reason": replan.decision_reason,
            "late": replan.late}


def request_replan(session: Session, city: City, project: Project, kind: str,
                   data: dict[str, Any], actor: Actor) -> MilestoneReplan:
    """The owning unit asks to move a milestone's agreed date; nothing moves yet."""
    from core.services.projects import ensure_may_write, project_event_data

    ensure_may_write(actor, project)
    milestone = project.milestone(kind)
    label = MILESTONE_KINDS.get(kind, kind)
    if milestone is None:
        raise refused([Refusal("replan.no_milestone", f"项目尚未约定{label}节点，请先设置计划日期")])
    if milestone.actual_on is not None:
        raise refused([Refusal("replan.reached",
                               f"{label}节点已于 {milestone.actual_on} 实际完成，不能调整")])
    if any(r.status == "pending" for r in milestone.replans):
        raise refused([Refusal("replan.pending", f"{label}节点已有待审批的调整申请，请等待审批结果")])
    if data["planned_on"] == milestone.planned_on:
        raise invalid_input([FieldProblem("planned_on", "replan.same_date",
                                          f"申请日期与现约定日期 {milestone.planned_on} 相同")])
    reason = (data.get("reason") or "").strip()
    if len(reason) < 2:
        raise invalid_input([FieldProblem("reason", "required", "请说明调整理由")])
    replan = MilestoneReplan(project_id=project.id, milestone=milestone, kind=kind,
                             previous_on=milestone.planned_on, planned_on=data["planned_on"],
                             reason=reason, status="pending", requested_by=actor.user,
                             requested_at=utcnow())
    session.add(replan)
    session.flush()
    record_change(session, project, actor.user, "replan_requested",
                  {kind: [milestone.planned_on, data["planned_on"]], "reason": [None, reason]})
    record_event(session, city, "project", project.id, "milestone_replan_requested",
                 project_event_data(project) | {"replan": replan_event_data(replan)})
    return replan


def decide_replan(session: Session, city: City, project: Project, replan: MilestoneReplan,
                  data: dict[str, Any], actor: Actor) -> MilestoneReplan:
    """The office approves (the agreed date moves) or rejects a pending re-plan."""
    from core.services.projects import project_event_data

    ensure_office(actor, "审批节点调整")
    if replan.status != "pending":
        done = "批准" if replan.status == "approved" else "驳回"
        raise refused([Refusal("replan.decided", f"该调整申请已{done}，不能重复审批")])
    milestone = replan.milestone
    reason = (data.get("reason") or "").strip() or None
    if data["decision"] == "rejected" and reason is None:
        raise invalid_input([FieldProblem("reason", "required", "驳回调整申请须说明理由")])
    replan.status = data["decision"]
    replan.decided_by = actor.user
    replan.decided_at = utcnow()
    replan.decided_on = city.clock.today()
    replan.decision_reason = reason
    changes: dict[str, Any] = {"replan": [replan.id, replan.status]}
    if replan.status == "approved":
        if milestone.actual_on is not None:
            raise refused([Refusal("replan.reached", "节点已实际完成，不能调整")])
        replan.previous_on = milestone.planned_on
        changes[replan.kind] = [milestone.planned_on, replan.planned_on]
        milestone.planned_on = replan.planned_on
        project.updated_at = utcnow()  # the project's state (its milestones) changed
    session.flush()
    record_change(session, project, actor.user, f"replan_{replan.status}", changes)
    record_event(session, city, "project", project.id, f"milestone_replan_{replan.status}",
                 project_event_data(project) | {"milestone": milestone_data(milestone),
                                                "replan": replan_event_data(replan)})
    refresh_warnings(session, city, "project", project.id)
    return replan
