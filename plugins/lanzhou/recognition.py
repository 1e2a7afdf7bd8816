"""报备认定 registration and recognition (Seed 三(三)3, POLICIES.md § lanzhou 6).

The introducing unit (引进单位, by default the unit that found the project) registers (报备)
itself and the intermediary (中介人, by default the project's) — its clerk, or the office; a
project is not signed before it is registered (``recognition.registered_before``). The city office
recognises the registration (认定) or refuses it with a reason. Recognition is the basis of
credit and rewards: through the core's ``credit_withheld`` hook, a project without a
recognised registration counts for no unit in the assessment and earns nobody a reward; through
``credited_unit``, the recognised introducing unit — not the finding unit — is the one the
assessment credits (the finding side's share; the host keeps its own share of a transfer).
A decided registration is changed only by the office, explicitly (变更认定, :func:`change`):
with a reason, and kept with what it replaced.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from core.toolkit import (
    FieldProblem,
    Project,
    Refusal,
    check_intermediary,
    invalid_input,
    not_in_future,
    record_event,
    refused,
    unit_by_code,
)
from plugins.lanzhou.models import Registration, RegistrationChange
from plugins.lanzhou.settings import settings

NOT_REGISTERED = "未经报备认定（未报备）"
NOT_DECIDED = "未经报备认定（已报备，待市招商部门认定）"
REFUSED = "经报备不予认定"


def registration_event_data(row: Registration) -> dict[str, Any]:
    return {"registration_id": row.id, "project_id": row.project_id,
            "introducing_unit": row.introducing_unit_code, "intermediary_id": row.intermediary_id,
            "registered_on": row.registered_on, "status": row.status,
            "decided_on": row.decided_on, "decided_by": row.decided_by}


def registration_of(session: Any, project_id: int) -> Registration | None:
    return session.scalar(sa.select(Registration).where(Registration.project_id == project_id))


def register(session: Any, city: Any, project: Project, data: dict[str, Any],
             actor: Any) -> Registration:
    """报备: record the introducing unit and intermediary; a refused one may be registered again.

    Who may (the introducing unit's clerk, or the office) is the operation's rule,
    :data:`plugins.lanzhou.access.INTRODUCER`, enforced before this runs.
    """
    introducing = unit_by_code(session, data.get("introducing_unit") or project.finding_unit.code,
                               "introducing_unit")
    intermediary_id = data.get("intermediary_id", project.intermediary_id)
    if intermediary_id != project.intermediary_id:
        # Another introducer than the project's: an active entry of the registry (引荐人名录).
        problems = check_intermediary(session, intermediary_id)
        if problems:
            raise invalid_input(problems)
    registered_on = data.get("registered_on") or city.clock.today()
    future = not_in_future(city, "registered_on", registered_on, "报备日期")
    if future:
        raise invalid_input([future])
    row = registration_of(session, project.id)
    if row is not None and row.status != "refused":
        raise refused([Refusal("lanzhou.registration.exists",
                               f"项目“{project.name}”已于 {row.registered_on} 报备"
                               f"（{row.status_label}），不能重复报备")])
    if row is None:
        row = Registration(project_id=project.id)
        session.add(row)
    row.introducing_unit = introducing
    row.intermediary_id = intermediary_id
    row.registered_on = registered_on
    row.registered_by = actor.user
    row.note = data.get("note")
    row.status, row.decided_on, row.decided_by, row.decision_note = "registered", None, None, None
    session.flush()
    session.refresh(row)
    record_event(session, city, "lanzhou_registration", row.id, "registered",
                 registration_event_data(row))
    return row


def decide(session: Any, city: Any, row: Registration, data: dict[str, Any],
           actor: Any) -> Registration:
    """认定: the office recognises the registration, or refuses it with a reason."""
    if row.status != "registered":
        raise refused([Refusal("lanzhou.registration.decided",
                               f"该报备已于 {row.decided_on} 作出认定（{row.status_label}）")])
    problems = []
    if not data["recognised"] and not data.get("note"):
        problems.append(FieldProblem("note", "registration.reason_missing", "不予认定须说明理由"))
    decided_on = data.get("decided_on") or city.clock.today()
    problems += [p for p in [not_in_future(city, "decided_on", decided_on, "认定日期")] if p]
    if decided_on < row.registered_on:
        problems.append(FieldProblem("decided_on", "registration.decided_before_registered",
                                     f"认定日期不能早于报备日期（{row.registered_on}）"))
    if problems:
        raise invalid_input(problems)
    row.status = "recognised" if data["recognised"] else "refused"
    row.decided_on = decided_on
    row.decided_by = actor.user
    row.decision_note = data.get("note")
    session.flush()
    record_event(session, city, "lanzhou_registration", row.id, row.status,
                 registration_event_data(row))
    return row


def registration_refusals(city: Any, session: Any, project: Project,
                          target: str) -> list[Refusal]:
    """No signing (by default) before the project's introducer is registered."""
    if target != settings(city)["recognition"]["registered_before"]:
        return []
    row = registration_of(session, project.id)
    if row is not None and row.status != "refused":
        return []
    detail = "报备未获认定，须重新报备" if row is not None else "尚未报备"
    return [Refusal("lanzhou.registration.missing",
                    f"须先报备项目的引进单位和中介人（报备认定）：{detail}")]


def withheld(city: Any, session: Any, projects: list[Project]) -> dict[int, str]:
    """``credit_withheld``: why each project without a recognised registration earns nothing."""
    if not settings(city)["recognition"]["required_for_credit"] or not projects:
        return {}
    ids = [project.id for project in projects]
    statuses = dict(session.execute(sa.select(Registration.project_id, Registration.status)
                                    .where(Registration.project_id.in_(ids))).all())
    reasons = {"registered": NOT_DECIDED, "refused": REFUSED}
    return {project_id: reasons.get(statuses.get(project_id), NOT_REGISTERED)
            for project_id in ids if statuses.get(project_id) != "recognised"}


def credited_units(city: Any, session: Any, projects: list[Project]) -> dict[int, int]:
    """``credited_unit``: each recognised project's introducing unit is its credited 招商方."""
    if not projects:
        return {}
    return dict(session.execute(
        sa.select(Registration.project_id, Registration.introducing_unit_id)
        .where(Registration.project_id.in_([project.id for project in projects]),
               Registration.status == "recognised")).all())


CHANGEABLE = ("introducing_unit", "intermediary_id", "status")


def _changeable(row: Registration) -> dict[str, Any]:
    return {"introducing_unit": row.introducing_unit_code, "intermediary_id": row.intermediary_id,
            "status": row.status}


def change(session: Any, city: Any, row: Registration, data: dict[str, Any],
           actor: Any) -> RegistrationChange:
    """变更认定: the office changes a decided registration — another introducing unit or
    intermediary, or the decision turned — with a reason; the change is kept with what it
    replaced, so a dispute over who introduced a project is settled on the record."""
    if row.status == "registered":
        raise refused([Refusal("lanzhou.registration.undecided",
                               "该报备尚未认定，请先作出认定；变更只适用于已作出的认定")])
    before = _changeable(row)
    wanted = dict(before)
    if data.get("introducing_unit"):
        wanted["introducing_unit"] = unit_by_code(session, data["introducing_unit"],
                                                  "introducing_unit").code
    if "intermediary_id" in data:
        wanted["intermediary_id"] = data["intermediary_id"]
    if data.get("recognised") is not None:
        wanted["status"] = "recognised" if data["recognised"] else "refused"
    problems = []
    if wanted == before:
        problems.append(FieldProblem("introducing_unit", "registration.change_nothing",
                                     "变更认定须改变引进单位、中介人或认定结论中的至少一项"))
    if wanted["intermediary_id"] not in (before["intermediary_id"], None):
        problems += check_intermediary(session, wanted["intermediary_id"])
    changed_on = data.get("changed_on") or city.clock.today()
    if row.decided_on is not None and changed_on < row.decided_on:
        problems.append(FieldProblem("changed_on", "registration.changed_before_decided",
                                     f"变更日期不能早于原认定日期（{row.decided_on}）"))
    if problems:
        raise invalid_input(problems)
    if wanted["introducing_unit"] != before["introducing_unit"]:
        row.introducing_unit = unit_by_code(session, wanted["introducing_unit"],
                                            "introducing_unit")
    row.intermediary_id = wanted["intermediary_id"]
    row.status = wanted["status"]
    row.decided_on, row.decided_by, row.decision_note = changed_on, actor.user, data["reason"]
    fields = [key for key in CHANGEABLE if wanted[key] != before[key]]
    record = RegistrationChange(registration=row, changed_on=changed_on, changed_by=actor.user,
                                reason=data["reason"],
                                before={key: before[key] for key in fields},
                                after={key: wanted[key] for key in fields})
    session.add(record)
    session.flush()
    session.refresh(row)
    record_event(session, city, "lanzhou_registration", row.id, "changed",
                 registration_event_data(row) | {"change": {
                     "reason": record.reason, "before": record.before, "after": record.after}})
    return record


def changes(session: Any, registration_id: int | None = None) -> list[RegistrationChange]:
    query = sa.select(RegistrationChange).order_by(RegistrationChange.id)
    if registration_id is not None:
        query = query.where(RegistrationChange.registration_id == registration_id)
    return list(session.scalars(query))


def recognised_ids(session: Any) -> set[int]:
    return set(session.scalars(sa.select(Registration.project_id)
                               .where(Registration.status == "recognised")))


def registrations(session: Any, status: str | None = None,
                  unit: str | None = None) -> list[Registration]:
    query = sa.select(Registration).order_by(Registration.id)
    if status:
        query = query.where(Registration.status == status)
    if unit:
        query = query.where(Registration.introducing_unit_id == unit_by_code(session, unit,
                                                                              "unit").id)
    return list(session.scalars(query))
