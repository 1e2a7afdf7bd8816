"""Time in order: the dates of a project's record against each other and against today.

* No business date is after the city's today (``city.clock.today()``).
* A business date a clerk enters (a transition's ``occurred_on``, a lead's ``reported_on``) is
  not older than ``policy.max_backdate_days`` unless the office enters it; within that bound,
  one older than ``policy.backdate_days`` shows as a back-dating signal (``core.signals``).
* A stage date is not before the dates it depends on: the ``date_bounds`` hook collects them —
  the core's default here (negotiation began and the evaluations required before signing for
  ``signed_on``; ``signed_on`` for ``started_on``; ``started_on``, strictly, and the actual
  completion for ``completed_on``; the latest stage date for ``lost_on``/``cleared_on``), a
  city's own (a legal review, a meeting) through the same hook.

Plugins check their own dated records with :func:`not_in_future` and :func:`not_before`.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import sqlalchemy as sa

from core import hookimpl
from core.lifecycle import STAGE_DATE_FIELD, Stage
from core.policy import DateBound, FieldProblem

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from core.city import City
    from core.identity import Actor
    from core.models import Project

# The stage dates a project carries, with their Chinese names, in lifecycle order.
STAGE_DATE_LABELS = {
    "signed_on": "签约日期",
    "started_on": "开工日期",
    "completed_on": "竣工投产日期",
    "lost_on": "终止日期",
    "cleared_on": "清退日期",
}
DATE_STAGE = {field: stage for stage, field in STAGE_DATE_FIELD.items()}


def not_in_future(city: City, field: str, on: dt.date | None, label: str) -> FieldProblem | None:
    """A problem when ``on`` is after the city's today (a business date cannot be ahead)."""
    today = city.clock.today()
    if on is None or on <= today:
        return None
    return FieldProblem(field, "date.in_future", f"{label} {on} 晚于今天（{today}），不能填写将来的日期")


def not_before(field: str, on: dt.date | None, other: dt.date | None, *, label: str,
               other_label: str, code: str = "date.out_of_order",
               strict: bool = False) -> FieldProblem | None:
    """A problem when ``on`` (``label``) is before ``other`` (``other_label``), or on the same
    day when ``strict``; nothing when either date is missing."""
    if on is None or other is None:
        return None
    if on > other or (on == other and not strict):
        return None
    rule = "须晚于" if strict else "不能早于"
    return FieldProblem(field, code, f"{label} {on} {rule}{other_label} {other}")


def business_date_problems(city: City, field: str, on: dt.date, actor: Actor,
                           label: str) -> list[FieldProblem]:
    """A clerk-entered business date: not in the future, not older than ``max_backdate_days``
    unless the office enters it."""
    from core.permissions import OFFICE

    problems = [p for p in [not_in_future(city, field, on, label)] if p]
    limit = city.policy["max_backdate_days"]
    earliest = city.clock.today() - dt.timedelta(days=limit)
    if on < earliest and actor.role not in OFFICE.roles:
        problems.append(FieldProblem(
            field, "date.too_old",
            f"{label} {on} 早于 {earliest}（超过 {limit} 天），补录须由市招商主管部门办理"))
    return problems


def bound_problems(city: City, project: Project, field: str, on: dt.date, session: Session,
                   input_field: str) -> list[FieldProblem]:
    """``on`` as the project's ``field`` against every ``date_bounds`` of that field."""
    label = STAGE_DATE_LABELS.get(field, field)
    problems = []
    for bound in city.call("date_bounds", project=project, field=field, session=session):
        problem = not_before(input_field, on, bound.on, label=label, other_label=bound.label,
                             code=bound.code, strict=bound.strict)
        if problem is not None:
            problems.append(problem)
    return problems


def record_problems(city: City, project: Project, session: Session,
                    input_field: str) -> list[FieldProblem]:
    """Every stage date the project holds against its bounds and today (a date correction)."""
    problems = []
    for field, label in STAGE_DATE_LABELS.items():
        on = getattr(project, field)
        if on is None:
            continue
        future = not_in_future(city, input_field, on, label)
        problems += [future] if future else []
        problems += bound_problems(city, project, field, on, session, input_field)
    return problems


def _negotiation_began(project: Project, session: Session) -> dt.date | None:
    from core.models import StageTransition

    with session.no_autoflush:  # a move is flushed where it is added (services.transition)
        return session.scalar(
            sa.select(StageTransition.occurred_on)
            .where(StageTransition.project_id == project.id,
                   StageTransition.to_stage == Stage.NEGOTIATING)
            .order_by(StageTransition.id.desc()).limit(1))


def _evaluation_bounds(city: City, project: Project, stage: str,
                       session: Session) -> list[DateBound]:
    """The day each evaluation required before ``stage`` was decided (passed)."""
    from core.evaluation_rules import city_forms
    from core.services.evaluations import latest_decided

    bounds = []
    for form in city_forms(city).values():
        if form.required_before != stage:
            continue
        if form.applies_to is not None and not form.applies_to(project):
            continue
        keys = ({"enterprise_id": project.enterprise_id} if form.subject == "enterprise"
                else {"project_id": project.id})
        decided = latest_decided(session, form.code, **keys)
        if decided is not None and decided.passed and decided.decided_at is not None:
            bounds.append(DateBound(city.clock.day_of(decided.decided_at),
                                    f"《{form.name}》决定日期", f"date.before_evaluation.{form.code}"))
    return bounds


@hookimpl(trylast=True)
def date_bounds(city: City, project: Project, field: str, session: Session) -> list[DateBound]:
    bounds: list[DateBound] = []
    if field in DATE_STAGE:
        bounds += _evaluation_bounds(city, project, DATE_STAGE[field], session)
    if field == "signed_on":
        began = _negotiation_began(project, session)
        if began is not None:
            bounds.append(DateBound(began, "进入在谈日期", "date.before_negotiation"))
    elif field == "started_on" and project.signed_on is not None:
        bounds.append(DateBound(project.signed_on, "签约日期", "date.before_signing"))
    elif field == "completed_on":
        if project.started_on is not None:
            bounds.append(DateBound(project.started_on, "开工日期", "date.not_after_start",
                                    strict=True))
        completion = project.milestone("completion")
        if completion is not None and completion.actual_on is not None:
            bounds.append(DateBound(completion.actual_on, "实际竣工日期",
                                    "date.before_actual_completion"))
    elif field in ("lost_on", "cleared_on"):
        earlier = [(getattr(project, name), label) for name, label in STAGE_DATE_LABELS.items()
                   if name in ("signed_on", "started_on", "completed_on")
                   and getattr(project, name) is not None]
        if earlier:
            on, label = max(earlier)
            bounds.append(DateBound(on, label, "date.before_last_stage"))
    return bounds
