"""帮办代办 agency service (POLICIES.md § pingliang 7; Seed 优化营商环境).

> 实行“一个企业、一个项目、一套班子、一抓到底”机制。成立招商引资帮办代办服务中心……推行“全程式、管家式、
> 套餐式、送上门”服务，有效解决企业的难点痛点

A service request (``pingliang_service_requests``) is raised for an enterprise's project — an
approval (审批), a licence (证照), water/power/gas (水电气), land (用地) or other — by the
project's own unit (its 包抓 team acts through the unit's clerk) or by the office, and assigned
to a service unit of the city. It is due ``agency.deadline_workdays`` working days (ours: 10; the
seed gives no figure) after it was raised, on the core's working-day calendar.

The assigned unit (its clerks, or the office) records the steps in order — 受理 ``accepted``,
办理中 ``in_progress`` (optional), then 办结 ``completed`` with its result or 退回 ``returned``
with its reason (退回 may come at any open step) — each dated by the city's clock: never in the
future, never before the request or the step before it. A step happens once: sent again it is
refused (409), as is a second open request for the same need.

An open request past its deadline raises the warning ``pingliang_service_overdue`` (超期) on the
project, answerable by the service unit. A request closed (办结) by its deadline earns the service
unit ``assessment.plus_per_service_on_time`` plus points in the period it was closed.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from core.toolkit import (
    OFFICE,
    Adjustment,
    FieldProblem,
    Refusal,
    TodoItem,
    Unit,
    WarningFinding,
    WarningRule,
    invalid_input,
    not_before,
    not_in_future,
    record_event,
    refresh_warnings,
    refused,
    todo_urgency,
    unit_by_code,
)
from plugins.pingliang.models import (
    SERVICE_KINDS,
    SERVICE_OPEN,
    SERVICE_STATUSES,
    ServiceRequest,
    ServiceStep,
)
from plugins.pingliang.settings import settings

ONE_DAY = dt.timedelta(days=1)
STEP_LABELS = {"accepted": "受理", "in_progress": "办理中", "completed": "办结", "returned": "退回"}
# The statuses each step may follow: 受理 → 办理中 → 办结, and 退回 from any open status.
STEP_AFTER = {"accepted": ("raised",), "in_progress": ("accepted",),
              "completed": ("accepted", "in_progress"), "returned": SERVICE_OPEN}
CLOSING = {"completed", "returned"}
OVERDUE_RULE = "pingliang_service_overdue"


def overdue_days(request: ServiceRequest, today: dt.date) -> int:
    """Days past the deadline: of today while open, of the closing day once closed."""
    end = request.closed_on if request.status not in SERVICE_OPEN else today
    return max((end - request.due_on).days, 0) if end is not None else 0


def on_time(request: ServiceRequest) -> bool:
    return request.status == "completed" and request.closed_on <= request.due_on


def _event_data(request: ServiceRequest) -> dict[str, Any]:
    return {"request_id": request.id, "project_id": request.project_id, "kind": request.kind,
            "need": request.need, "unit": request.unit.code,
            "raised_by_unit": request.raised_by_unit.code, "raised_on": request.raised_on,
            "due_on": request.due_on, "due_workdays": request.due_workdays,
            "status": request.status, "closed_on": request.closed_on,
            "outcome": request.outcome}


def raise_request(session: Any, city: Any, project: Any, data: dict[str, Any],
                  actor: Any) -> ServiceRequest:
    """A request for ``project``, due in the configured working days after it was raised."""
    unit = unit_by_code(session, data["unit"], "unit")
    raised_on = data["raised_on"]
    problem = not_in_future(city, "raised_on", raised_on, "提出日期")
    if problem:
        raise invalid_input([problem])
    duplicate = session.scalar(sa.select(ServiceRequest.id).where(
        ServiceRequest.project_id == project.id, ServiceRequest.kind == data["kind"],
        ServiceRequest.unit_id == unit.id, ServiceRequest.need == data["need"],
        ServiceRequest.status.in_(SERVICE_OPEN)))
    if duplicate is not None:
        raise refused([Refusal(
            "pingliang.service.duplicate",
            f"项目“{project.name}”已有相同的帮办代办事项（编号 {duplicate}）在办，不再重复提出")])
    # A clerk raises in their unit's name (the rule checked it is the project's); the office
    # in its own.
    raiser = unit_by_code(session, actor.unit if actor.role not in OFFICE.roles and actor.unit
                          else city.config["city"]["office_unit"], "unit")
    workdays = settings(city)["agency"]["deadline_workdays"]
    due = city.calendar.add_workdays(raised_on, workdays)
    request = ServiceRequest(
        project_id=project.id, kind=data["kind"], need=data["need"], raised_by_unit=raiser,
        unit=unit, raised_on=raised_on, due_workdays=workdays, due_on=due,
        due_estimated=city.calendar.is_estimated(due), status="raised", recorded_by=actor.user)
    session.add(request)
    session.flush()
    record_event(session, city, "pingliang_service_request", request.id, "raised",
                 _event_data(request) | {"actor": actor.user})
    refresh_warnings(session, city, "project", project.id)  # a back-dated one may be late
    return request


def record_step(session: Any, city: Any, request: ServiceRequest, data: dict[str, Any],
                actor: Any) -> ServiceRequest:
    """The service unit's next step, in order and dated; 办结 and 退回 close the request."""
    step, on = data["step"], data["occurred_on"]
    label = STEP_LABELS[step]
    if any(done.step == step for done in request.steps):
        raise refused([Refusal("pingliang.service.step_done",
                               f"帮办代办事项 {request.id} 已{label}，不能重复{label}")])
    if request.status not in STEP_AFTER[step]:
        status = SERVICE_STATUSES[request.status]
        raise refused([Refusal("pingliang.service.step_order",
                               f"帮办代办事项 {request.id} 当前为“{status}”，不能{label}")])
    last = request.steps[-1].occurred_on if request.steps else request.raised_on
    problems = [problem for problem in (
        not_in_future(city, "occurred_on", on, f"{label}日期"),
        not_before("occurred_on", on, last, label=f"{label}日期",
                   other_label="上一步骤（或提出）日期")) if problem]
    note = (data.get("note") or "").strip() or None
    if step in CLOSING and note is None:
        problems.append(FieldProblem("note", "required",
                                     "请填写办结结果" if step == "completed" else "请填写退回理由"))
    if problems:
        raise invalid_input(problems)
    session.add(ServiceStep(request_id=request.id, step=step, occurred_on=on, note=note,
                            recorded_by=actor.user))
    request.status = step
    if step in CLOSING:
        request.closed_on, request.outcome = on, note
    session.flush()
    session.refresh(request)
    record_event(session, city, "pingliang_service_request", request.id, step,
                 _event_data(request) | {"step": step, "occurred_on": on, "note": note,
                                         "actor": actor.user})
    refresh_warnings(session, city, "project", request.project_id)  # 办结 clears the warning
    return request


def request_row(request: ServiceRequest, today: dt.date) -> dict[str, Any]:
    return {
        "id": request.id, "project_id": request.project_id, "project_name": request.project.name,
        "kind": request.kind, "kind_label": SERVICE_KINDS[request.kind], "need": request.need,
        "raised_by_unit": request.raised_by_unit.code,
        "raised_by_unit_name": request.raised_by_unit.name,
        "unit": request.unit.code, "unit_name": request.unit.name,
        "raised_on": request.raised_on, "due_workdays": request.due_workdays,
        "due_on": request.due_on, "due_estimated": request.due_estimated,
        "status": request.status, "status_label": SERVICE_STATUSES[request.status],
        "closed_on": request.closed_on, "outcome": request.outcome,
        "overdue": overdue_days(request, today) > 0,
        "overdue_days": overdue_days(request, today), "on_time": on_time(request),
        "recorded_by": request.recorded_by,
        "steps": [{"step": s.step, "step_label": STEP_LABELS[s.step],
                   "occurred_on": s.occurred_on, "note": s.note, "recorded_by": s.recorded_by}
                  for s in request.steps],
    }


def request_query(params: dict[str, Any]) -> sa.Select:
    query = sa.select(ServiceRequest)
    if params.get("project_id"):
        query = query.where(ServiceRequest.project_id == params["project_id"])
    if params.get("unit"):
        query = query.where(ServiceRequest.unit.has(code=params["unit"]))
    if params.get("status"):
        query = query.where(ServiceRequest.status == params["status"])
    if params.get("open"):
        query = query.where(ServiceRequest.status.in_(SERVICE_OPEN))
    return query.order_by(ServiceRequest.due_on, ServiceRequest.id)


# -- overdue handling: the warnings ---------------------------------------------------------


def overdue_findings(context: Any) -> list[WarningFinding]:
    """超期: an open request past its deadline, on its project, for its service unit.

    A project holds one warning per rule: with several late requests the warning names them
    all and is answerable by the unit of the longest overdue.
    """
    query = sa.select(ServiceRequest).where(ServiceRequest.status.in_(SERVICE_OPEN),
                                            ServiceRequest.due_on < context.today)
    if context.subject is not None:
        if context.subject[0] != "project":
            return []
        query = query.where(ServiceRequest.project_id == context.subject[1])
    late: dict[int, list[ServiceRequest]] = {}
    for request in context.session.scalars(query.order_by(ServiceRequest.due_on,
                                                          ServiceRequest.id)):
        late.setdefault(request.project_id, []).append(request)
    findings = []
    for project_id, requests in late.items():
        first = requests[0]
        reason = "；".join(
            f"帮办代办事项“{r.need}”（{SERVICE_KINDS[r.kind]}，{r.unit.name}承办）应于 {r.due_on} 前办结，"
            f"已超期 {(context.today - r.due_on).days} 天" for r in requests)
        findings.append(WarningFinding("project", project_id, "overdue", reason,
                                       first.due_on + ONE_DAY, unit_code=first.unit.code))
    return findings


def warning_rules() -> list[WarningRule]:
    return [WarningRule(OVERDUE_RULE, "帮办代办事项超期未办结", overdue_findings)]


# -- the service unit credited in the assessment ----------------------------------------------


def on_time_adjustments(city: Any, context: Any) -> list[Adjustment]:
    """正向加分: each request the unit closed (办结) in the period, on or before its deadline."""
    points = settings(city)["assessment"]["plus_per_service_on_time"]
    if not points:
        return []
    items = []
    for request in context.session.scalars(sa.select(ServiceRequest).where(
            ServiceRequest.status == "completed",
            ServiceRequest.closed_on.between(context.start, context.end),
            ServiceRequest.closed_on <= ServiceRequest.due_on).order_by(ServiceRequest.id)):
        items.append(Adjustment(
            unit_code=request.unit.code, points=Decimal(points),
            reason=f"帮办代办按期办结：项目“{request.project.name}”{SERVICE_KINDS[request.kind]}"
                   f"事项（{request.closed_on} 办结，期限 {request.due_on}）",
            source=f"pingliang_service_request:{request.id}"))
    return items


def todo_items(city: Any, session: Any, identity: Any) -> list[TodoItem]:
    """待办 of a service unit's clerk: the open 帮办代办 requests assigned to their unit, by
    deadline (overdue, due today, due within one working day first)."""
    if identity.role != "clerk" or not identity.unit:
        return []
    unit = session.scalar(sa.select(Unit).where(Unit.code == identity.unit))
    if unit is None:
        return []
    today = city.clock.today()
    within = city.calendar.add_workdays(today, 1)
    rows = session.scalars(sa.select(ServiceRequest).where(
        ServiceRequest.unit_id == unit.id, ServiceRequest.status.in_(SERVICE_OPEN))
        .order_by(ServiceRequest.due_on, ServiceRequest.id))
    return [TodoItem(
        kind="pingliang_service_request", kind_label="帮办代办",
        key=f"pingliang_service_request:{row.id}",
        title=f"帮办代办“{row.need[:40]}”（{row.project.name}，{SERVICE_STATUSES[row.status]}）",
        due=row.due_on, urgency=todo_urgency(row.due_on, today, within),
        api_path=f"pingliang/service-requests/{row.id}",
        web_path="pages/pingliang_my_service_requests") for row in rows]
