"""Matters (一事一议): request, proposal, work orders, decision at the right level, conditions.

The ``matter_decision_level`` hook says who decides (office, leader or the
executive meeting); it is asked when the matter is requested and again when a
proposal is made, and a rise is an escalation (``matter.escalated``). Every
change writes its event in the caller's transaction; bad input writes nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from core.clock import utcnow
from core.events import record_event
from core.identity import Actor
from core.models import Matter, MatterCondition, Project, WorkOrder
from core.models.matters import (
    AWAITING_DECISION,
    DECISION_LEVELS,
    MATTER_STATUS_LABELS,
    MatterStatus,
)
from core.permissions import DECIDER
from core.policy import FieldProblem, Refusal
from core.problems import Problem, invalid_input, not_found, refused
from core.services.lookups import unit_by_code
from core.services.projects import ensure_may_write
from core.services.warnings import refresh as refresh_warnings

if TYPE_CHECKING:
    from core.city import City

# The office and the city's leaders, who run every matter (core.permissions.DECIDER).
OFFICE_ROLES = DECIDER.roles
# Who may record a decision at each level. A meeting's decision is recorded by
# the office or a leader, and always with the meeting's reference.
DECIDERS: dict[str, tuple[str, ...]] = {
    "office": ("officer", "leader"),
    "leader": ("leader",),
    "executive_meeting": ("officer", "leader"),
}
ROLE_LABELS = {"clerk": "县区（单位）经办人", "officer": "招商主管部门", "leader": "市领导",
               "province": "省级用户", "admin": "系统管理员", "system": "系统"}
LEVEL_RANK = {level: rank for rank, level in enumerate(DECISION_LEVELS)}


class DecisionLevelError(ValueError):
    """A plugin's ``matter_decision_level`` returned something that is not a level."""


def decision_level(city: City, matter: Matter, project: Project) -> str:
    """Who decides ``matter``, from the ``matter_decision_level`` hook."""
    level = city.hook.matter_decision_level(city=city, matter=matter, project=project)
    if level not in DECISION_LEVELS:
        raise DecisionLevelError(f"matter_decision_level returned {level!r}; "
                                 f"expected one of {', '.join(DECISION_LEVELS)}")
    return level


def _ensure_office_or_owner(actor: Actor, matter: Matter) -> None:
    if actor.role in OFFICE_ROLES:
        return
    if actor.role == "clerk" and actor.unit == matter.owner_unit_code:
        return
    raise Problem(403, "forbidden_role", "无权操作",
                  f"本事项由首问负责单位 {matter.owner_unit_code} 或市招商部门办理")


def _ensure_stage(matter: Matter, allowed: tuple[str, ...], what: str) -> None:
    if matter.status not in allowed:
        label = MATTER_STATUS_LABELS[MatterStatus(matter.status)]
        raise refused([Refusal("matter.status", f"事项当前状态为“{label}”，不能{what}")])


def _event(session: Session, city: City, matter: Matter, fact: str, **extra: Any) -> None:
    record_event(session, city, "matter", matter.id, fact, {
        "matter_id": matter.id, "project_id": matter.project_id, "kind": matter.kind,
        "title": matter.title, "status": matter.status, "decision_level": matter.decision_level,
        "owner_unit": matter.owner_unit_code, "requested_amount": matter.requested_amount,
        "support_amount": matter.support_amount} | extra)


def request_matter(session: Session, city: City, data: dict[str, Any], actor: Actor) -> Matter:
    """A project's request to the city; the first unit asked owns it (首问负责)."""
    project = session.get(Project, data["project_id"])
    if project is None:
        raise invalid_input([FieldProblem("project_id", "project.unknown",
                                          f"项目 {data['project_id']} 不存在")])
    owner_code = data.get("owner_unit") or actor.unit
    if not owner_code and actor.role in OFFICE_ROLES:
        owner_code = city.config["city"]["office_unit"]  # city staff asked first: the office
    if not owner_code:
        raise invalid_input([FieldProblem("owner_unit", "required", "请填写首问负责单位")])
    owner = unit_by_code(session, owner_code, "owner_unit")
    ensure_may_write(actor, project)
    problems = city.call("validate_matter", data=data, project=project, session=session)
    if problems:
        raise invalid_input(problems, status=422)
    matter = Matter(
        project_id=project.id, kind=data["kind"], title=data["title"], request=data["request"],
        requested_amount=data.get("requested_amount"), requested_on=data["requested_on"],
        owner_unit=owner, status=MatterStatus.REQUESTED, created_by=actor.user,
    )
    matter.decision_level = decision_level(city, matter, project)
    session.add(matter)
    session.flush()
    _event(session, city, matter, "requested", request=matter.request,
           requested_on=matter.requested_on, actor=actor.user)
    if matter.decision_level != "office":
        _event(session, city, matter, "escalated", from_level=None, to_level=matter.decision_level)
    return matter


def propose(session: Session, city: City, matter: Matter, data: dict[str, Any],
            actor: Actor) -> Matter:
    """Record (or revise) the proposal; the decision level is asked again and may rise."""
    _ensure_office_or_owner(actor, matter)
    _ensure_stage(matter, AWAITING_DECISION, "拟定意见")
    matter.proposal = data["proposal"]
    matter.support_amount = data.get("support_amount")
    matter.proposed_by = actor.user
    matter.proposed_at = utcnow()
    matter.status = MatterStatus.PROPOSED
    before = matter.decision_level
    matter.decision_level = decision_level(city, matter, session.get(Project, matter.project_id))
    session.flush()
    _event(session, city, matter, "proposed", proposal=matter.proposal, actor=actor.user)
    if LEVEL_RANK[matter.decision_level] > LEVEL_RANK[before]:
        _event(session, city, matter, "escalated", from_level=before,
               to_level=matter.decision_level)
    return matter


def _due(city: City, start: dt.date, data: dict[str, Any]) -> tuple[dt.date | None, bool]:
    """A deadline from a date or from working days after ``start``; and whether it is estimated."""
    if data.get("due_workdays") is not None:
        due = city.calendar.add_workdays(start, data["due_workdays"])
        return due, city.calendar.is_estimated(due)
    due = data.get("due_on")
    return due, bool(due and city.calendar.is_estimated(due))


def issue_work_order(session: Session, city: City, matter: Matter, data: dict[str, Any],
                     actor: Actor) -> WorkOrder:
    """工作派单: dispatch a task to a unit, due on a date or in working days."""
    _ensure_office_or_owner(actor, matter)
    _ensure_stage(matter, (*AWAITING_DECISION, MatterStatus.TRACKING), "派单")
    unit = unit_by_code(session, data["unit"], "unit")
    due, estimated = _due(city, data["issued_on"], data)
    assert due is not None  # the schema requires a date or working days
    if due < data["issued_on"]:
        raise invalid_input([FieldProblem("due_on", "due.before_issue", "截止日期不能早于派单日期")])
    order = WorkOrder(unit=unit, task=data["task"], issued_on=data["issued_on"], due_on=due,
                      due_estimated=estimated, issued_by=actor.user)
    matter.work_orders.append(order)
    session.flush()
    _event(session, city, matter, "work_order_issued", work_order={
        "id": order.id, "unit": unit.code, "task": order.task, "issued_on": order.issued_on,
        "due_on": order.due_on, "due_estimated": estimated})
    return order


def complete_work_order(session: Session, city: City, matter: Matter, order_id: int,
                        data: dict[str, Any], actor: Actor) -> WorkOrder:
    """The unit reports its task done; done after the due date stays visible as overdue."""
    order = next((o for o in matter.work_orders if o.id == order_id), None)
    if order is None:
        raise not_found("派单", order_id)
    if actor.role not in OFFICE_ROLES and not (actor.role == "clerk"
                                               and actor.unit == order.unit_code):
        raise Problem(403, "forbidden_role", "无权操作", f"只有承办单位 {order.unit_code} 可办结此派单")
    if order.done_on is not None:
        raise refused([Refusal("work_order.done", f"派单 {order.id} 已于 {order.done_on} 办结")])
    if data["done_on"] < order.issued_on:
        raise invalid_input([FieldProblem("done_on", "work_order.before_issue",
                                          "办结日期不能早于派单日期")])
    order.done_on, order.done_by, order.done_note = data["done_on"], actor.user, data.get("note")
    session.flush()
    _event(session, city, matter, "work_order_done", work_order={
        "id": order.id, "unit": order.unit_code, "done_on": order.done_on,
        "due_on": order.due_on, "overdue": order.overdue_on(order.done_on)})
    return order


def decide(session: Session, city: City, matter: Matter, data: dict[str, Any],
           actor: Actor) -> Matter:
    """Record the decision at the matter's level, with its conditions.

    The level says who may decide (409 otherwise); an executive-meeting decision
    must carry the meeting's reference. Approved with conditions → tracking;
    otherwise decided.
    """
    level = matter.decision_level
    if actor.role not in DECIDERS[level]:
        raise refused([Refusal("matter.decider",
                               f"本事项须由{DECISION_LEVELS[level]}决定，"
                               f"{ROLE_LABELS.get(actor.role, actor.role)}不能作出决定")],
                      f"事项 {matter.id} 不能由当前身份决定")
    _ensure_stage(matter, (MatterStatus.PROPOSED,), "作出决定（须先拟定意见）")
    problems: list[FieldProblem] = []
    if level == "executive_meeting" and not data.get("meeting_ref"):
        problems.append(FieldProblem("meeting_ref", "matter.meeting_ref_required",
                                     "常务会议决定的事项须填写会议纪要编号"))
    if data["decision"] == "rejected" and data["conditions"]:
        problems.append(FieldProblem("conditions", "matter.conditions_on_rejection",
                                     "不予支持的事项不能附加条件"))
    conditions = []
    for index, item in enumerate(data["conditions"]):
        due, _ = _due(city, data["decided_on"], item)
        if due is not None and due < data["decided_on"]:
            problems.append(FieldProblem(f"conditions.{index}.due_on", "due.before_decision",
                                         "条件的期限不能早于决定日期"))
        conditions.append(MatterCondition(text=item["text"], due_on=due))
    if problems:
        raise invalid_input(problems, status=422)
    matter.decision = data["decision"]
    matter.decision_text = data["decision_text"]
    matter.decided_by = actor.user
    matter.decided_on = data["decided_on"]
    matter.meeting_ref = data.get("meeting_ref")
    matter.conditions.extend(conditions)
    matter.status = MatterStatus.TRACKING if conditions else MatterStatus.DECIDED
    session.flush()
    _event(session, city, matter, "decided", decision=matter.decision,
           decision_text=matter.decision_text, decided_by=actor.user,
           decided_on=matter.decided_on, meeting_ref=matter.meeting_ref,
           conditions=[{"id": c.id, "text": c.text, "due_on": c.due_on} for c in conditions])
    # A city's rules may warn about a matter's conditions; they are raised on change.
    refresh_warnings(session, city, "matter", matter.id)
    return matter


def check_condition(session: Session, city: City, matter: Matter, condition_id: int,
                    data: dict[str, Any], actor: Actor) -> MatterCondition:
    """Record whether a condition was met; the matter closes when every one is checked."""
    condition = next((c for c in matter.conditions if c.id == condition_id), None)
    if condition is None:
        raise not_found("事项条件", condition_id)
    if actor.role not in OFFICE_ROLES:
        raise Problem(403, "forbidden_role", "无权操作", "条件落实情况由市招商部门核查")
    _ensure_stage(matter, (MatterStatus.TRACKING, MatterStatus.CLOSED), "核查条件")
    if data["checked_on"] < (matter.decided_on or data["checked_on"]):
        raise invalid_input([FieldProblem("checked_on", "condition.before_decision",
                                          "核查日期不能早于决定日期")])
    condition.met = data["met"]
    condition.checked_on, condition.checked_by = data["checked_on"], actor.user
    condition.note = data.get("note")
    if all(c.met is not None for c in matter.conditions):
        matter.status = MatterStatus.CLOSED
    session.flush()
    _event(session, city, matter, "condition_checked", condition={
        "id": condition.id, "text": condition.text, "met": condition.met,
        "checked_on": condition.checked_on, "due_on": condition.due_on},
        conditions_met=matter.conditions_met)
    refresh_warnings(session, city, "matter", matter.id)
    return condition

