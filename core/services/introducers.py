"""引荐人名录: register, correct, confirm the public-official status of, and (de)activate the
people and organisations who introduce investment. Every change writes its history row
(``intermediary_changes``) and its event in the same transaction; only the office changes it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.clock import utcnow
from core.events import record_event
from core.identity import Actor
from core.introducers import INTERMEDIARY_KINDS, role_problems
from core.models import Intermediary, IntermediaryChange
from core.names import normalise_enterprise_name
from core.policy import FieldProblem, Refusal
from core.problems import invalid_input, refused
from core.services.history import apply_changes
from core.services.office import ensure_office

if TYPE_CHECKING:
    from core.city import City

EDITABLE = ("name", "kind", "credit_code", "contact_person", "phone", "email", "address", "notes",
            "roles")


def event_data(row: Intermediary) -> dict[str, Any]:
    """What the province may know of an entry: no phone, e-mail or address."""
    return {"intermediary_id": row.id, "name": row.name, "kind": row.kind,
            "credit_code": row.credit_code, "roles": list(row.roles or []), "status": row.status,
            "public_official": row.public_official,
            "public_official_confirmed_at": row.public_official_confirmed_at}


def _history(session: Session, row: Intermediary, actor: Actor, action: str,
             changes: dict[str, Any], reason: str | None = None) -> None:
    from core.events import to_json_value

    session.add(IntermediaryChange(intermediary_id=row.id, actor=actor.user, action=action,
                                   changes=to_json_value(changes), reason=reason))


def _label(row: Intermediary) -> str:
    return f"“{row.name}”（编号 {row.id}）"


def _check(session: Session, city: City, values: dict[str, Any],
           current: Intermediary | None = None) -> None:
    """Field problems of an entry as it would be: kind and credit code, roles, duplicates."""
    problems: list[FieldProblem] = []
    kind = values["kind"]
    if kind == "firm" and not values.get("credit_code"):
        problems.append(FieldProblem("credit_code", "intermediary.credit_code_required",
                                     "中介机构须填写统一社会信用代码"))
    if kind in ("individual",) and values.get("credit_code"):
        problems.append(FieldProblem("credit_code", "intermediary.credit_code_individual",
                                     "个人没有统一社会信用代码，请留空"))
    problems += role_problems(city, kind, list(values.get("roles") or []))
    others = sa.select(Intermediary)
    if current is not None:
        others = others.where(Intermediary.id != current.id)
    if values.get("credit_code"):
        same = session.scalar(others.where(Intermediary.credit_code == values["credit_code"]))
        if same is not None:
            problems.append(FieldProblem(
                "credit_code", "intermediary.duplicate_credit_code",
                f"统一社会信用代码 {values['credit_code']} 已登记为引荐人{_label(same)}，请勿重复登记"))
    if values.get("phone"):
        same = session.scalar(others.where(
            Intermediary.name_key == normalise_enterprise_name(values["name"]),
            Intermediary.phone == values["phone"]))
        if same is not None:
            problems.append(FieldProblem(
                "name", "intermediary.duplicate_name_phone",
                f"名称与电话均与已登记的引荐人{_label(same)}相同，疑似重复登记"))
    if problems:
        raise invalid_input(problems, 422)


def register(session: Session, city: City, data: dict[str, Any], actor: Actor) -> Intermediary:
    """The office registers a person or organisation; the public-official status starts unknown."""
    ensure_office(actor, "登记引荐人")
    values = {key: data.get(key) for key in EDITABLE}
    values["roles"] = list(values["roles"] or [])
    _check(session, city, values)
    row = Intermediary(**values, name_key=normalise_enterprise_name(values["name"]),
                       status="active", public_official="unknown", registered_by=actor.user,
                       registered_at=utcnow())
    session.add(row)
    session.flush()
    _history(session, row, actor, "registered",
             {key: [None, value] for key, value in values.items() if value not in (None, [])})
    record_event(session, city, "intermediary", row.id, "registered", event_data(row))
    return row


def update(session: Session, city: City, row: Intermediary, data: dict[str, Any],
           actor: Actor) -> Intermediary:
    """The office corrects an entry's kind, name, credit code, contacts or roles."""
    ensure_office(actor, "修改引荐人")
    values = {key: getattr(row, key) for key in EDITABLE} | {
        key: data[key] for key in EDITABLE if key in data}
    values["roles"] = list(values["roles"] or [])
    _check(session, city, values, row)
    changes = apply_changes(row, {key: values[key] for key in EDITABLE if key in data})
    if not changes:
        return row
    row.name_key = normalise_enterprise_name(row.name)
    session.flush()
    _history(session, row, actor, "updated", changes, data.get("reason"))
    record_event(session, city, "intermediary", row.id, "updated", event_data(row))
    return row


def confirm_public_official(session: Session, city: City, row: Intermediary,
                            data: dict[str, Any], actor: Actor) -> Intermediary:
    """The office states whether the entry is a state public official (是否国家公职人员), on what
    basis; who and when are the server's."""
    ensure_office(actor, "确认公职人员身份")
    before = row.public_official
    row.public_official = data["public_official"]
    row.public_official_basis = data["basis"].strip()
    row.public_official_confirmed_by = actor.user
    row.public_official_confirmed_at = utcnow()
    session.flush()
    _history(session, row, actor, "public_official_confirmed",
             {"public_official": [before, row.public_official]}, row.public_official_basis)
    record_event(session, city, "intermediary", row.id, "public_official_confirmed",
                 event_data(row))
    return row


def set_status(session: Session, city: City, row: Intermediary, data: dict[str, Any],
               actor: Actor) -> Intermediary:
    """The office deactivates an entry (no new lead or project may name it) or restores it."""
    ensure_office(actor, "停用或恢复引荐人")
    status = data["status"]
    if row.status == status:
        word = "已停用" if status == "inactive" else "在册"
        raise refused([Refusal("intermediary.status_unchanged", f"引荐人{_label(row)}{word}")])
    before, row.status = row.status, status
    session.flush()
    _history(session, row, actor, "status_changed", {"status": [before, status]},
             data["reason"].strip())
    record_event(session, city, "intermediary", row.id, "status_changed", event_data(row))
    return row


def history(session: Session, row: Intermediary) -> list[IntermediaryChange]:
    return list(session.scalars(sa.select(IntermediaryChange).where(
        IntermediaryChange.intermediary_id == row.id).order_by(IntermediaryChange.id)))


__all__ = ["INTERMEDIARY_KINDS", "confirm_public_official", "history", "register", "set_status",
           "update"]
