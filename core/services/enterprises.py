"""Enterprises: one row per investor, matched by credit code or normalised name."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.credit_code import division_code
from core.direct_inserts import insert_persistent
from core.divisions import division_name, normalise_province, province_name, province_of_code
from core.models import Enterprise, Project
from core.names import normalise_enterprise_name
from core.policy import FieldProblem, Refusal
from core.problems import invalid_input, refused

if TYPE_CHECKING:
    from core.city import City
    from core.identity import Actor


def derive_origin(credit_code: str | None, typed: str | None,
                  field: str = "enterprise.origin_province") -> tuple[str | None, str | None]:
    """The investor's province code and the credit code's division: the credit code's division
    when the code is given and its division is a known province, else the typed province
    normalised, else unknown (``None``).

    A typed province nothing names (火星) or one the credit code contradicts is a field problem
    on ``field``; nothing is stored.
    """
    division = division_code(credit_code) if credit_code else None
    from_code = province_of_code(division)
    from_text = normalise_province(typed) if typed and typed.strip() else None
    if typed and typed.strip() and from_text is None:
        raise invalid_input([FieldProblem(
            field, "origin_province.unknown",
            f"来源省份“{typed.strip()}”不是可识别的省级行政区，请填写如“广东省”“北京市”")])
    if from_code and from_text and from_code != from_text:
        raise invalid_input([FieldProblem(
            field, "origin_province.contradicts_credit_code",
            f"来源省份“{typed.strip()}”（{province_name(from_text)}）与统一社会信用代码第3–8位"
            f"登记地“{division_name(division)}”（{province_name(from_code)}）不一致")])
    return from_code or from_text, division


def set_origin(enterprise: Enterprise, typed: str | None,
               field: str = "enterprise.origin_province") -> bool:
    """Derive the enterprise's province from its credit code and ``typed`` (its own stored text
    when ``None``: a province typed earlier gives way to the credit code); whether the
    province changed."""
    checked = typed if typed else None
    province, division = derive_origin(enterprise.credit_code, checked, field)
    if province is None and not checked:
        province = normalise_province(enterprise.origin_province)
    before = enterprise.province_code
    enterprise.province_code = province
    enterprise.division_code = division
    enterprise.origin_province = province_name(province) if province else None
    return before != province


def out_of_province(city: City, enterprise: Enterprise) -> bool | None:
    """省外: the investor's province is known and is not the city's; ``None`` when unknown."""
    if enterprise.province_code is None or city.province_code is None:
        return None
    return enterprise.province_code != city.province_code


def rederive_projects(session: Session, city: City, enterprise: Enterprise, actor: Actor,
                      changes: dict[str, list[Any]], reason: str | None = None) -> list[Project]:
    """Re-derive 省外 for every project of a corrected enterprise: each one gets a history row
    (``enterprise_corrected``) and an ``updated`` event, so the province's figures follow."""
    from core.events import record_event
    from core.services.history import record_change
    from core.services.projects import project_event_data

    projects = list(session.scalars(sa.select(Project).where(
        Project.enterprise_id == enterprise.id).order_by(Project.id)))
    for project in projects:
        flag = out_of_province(city, enterprise)
        project_changes = {f"enterprise.{key}": value for key, value in changes.items()}
        if reason:
            project_changes["reason"] = [None, reason]
        if project.out_of_province != flag:
            project_changes["out_of_province"] = [project.out_of_province, flag]
            project.out_of_province = flag
        session.flush()
        record_change(session, project, actor.user, "enterprise_corrected", project_changes)
        record_event(session, city, "project", project.id, "updated",
                     project_event_data(project) | {"changed": sorted(project_changes)})
    return projects


def rederive_origins(session: Session, city: City) -> list[int]:
    """Re-derive 省外 for every project of the city from its investor's province (after an
    upgrade: migration 0010 derives the investors' provinces but cannot know the city's).

    Idempotent: only a project whose stored flag differs changes, with a history row
    (``origin_rederived``) and an ``updated`` event so the province's figures follow; the ids
    of the changed projects are answered. Nothing happens while the city's province is unknown.
    """
    from core.events import record_event
    from core.identity import SYSTEM
    from core.services.history import record_change
    from core.services.projects import project_event_data

    if city.province_code is None:
        return []
    changed = []
    for project in session.scalars(sa.select(Project).order_by(Project.id)):
        flag = out_of_province(city, project.enterprise)
        if project.out_of_province == flag:
            continue
        before = project.out_of_province
        project.out_of_province = flag
        session.flush()
        record_change(session, project, SYSTEM.user, "origin_rederived",
                      {"out_of_province": [before, flag]})
        record_event(session, city, "project", project.id, "updated",
                     project_event_data(project) | {"changed": ["out_of_province"]})
        changed.append(project.id)
    return changed


# Built once per process: building the statement cost more than running it (a lead report).
_BY_NAME = (sa.select(Enterprise).where(Enterprise.normalized_name == sa.bindparam("name"))
            .order_by(Enterprise.id).limit(1))
# One statement for both questions: the code's record first, else the first uncoded one with
# the name.
_BY_CODE = (sa.select(Enterprise)
            .where(sa.or_(Enterprise.credit_code == sa.bindparam("code"),
                          sa.and_(Enterprise.normalized_name == sa.bindparam("name"),
                                  Enterprise.credit_code.is_(None))))
            .order_by(sa.case((Enterprise.credit_code == sa.bindparam("code"), 0), else_=1),
                      Enterprise.id).limit(1))


def find_enterprise(session: Session, credit_code: str | None, name: str) -> Enterprise | None:
    """The known enterprise with this credit code, else with this normalised name.

    Two different credit codes are two enterprises even when their names normalise
    alike (中国建筑集团 and 中国建筑股份 are different legal persons); a name alone
    only matches a record that has no code, or is matched when no code is given.
    """
    key = normalise_enterprise_name(name)
    query, values = (_BY_CODE, {"code": credit_code, "name": key}) if credit_code else (
        _BY_NAME, {"name": key})
    # The query reads enterprises only: it autoflushes for a pending one, not for whatever
    # else is pending (a ledger import's history and events: a flush per row).
    pending = any(isinstance(held, Enterprise) for held in (*session.new, *session.dirty))
    with contextlib.nullcontext() if pending else session.no_autoflush:
        return session.scalar(query, values)


def matching_enterprises(session: Session, credit_code: str | None,
                         name: str | None) -> list[tuple[Enterprise, str]]:
    """Every known enterprise that may be the one being typed, with why: ``credit_code``
    (the same code) or ``name`` (the same normalised name).

    As in :func:`find_enterprise`, a name does not match an enterprise registered under
    another credit code than the one given: they are different legal persons.
    """
    found: dict[int, tuple[Enterprise, str]] = {}
    if credit_code:
        for enterprise in session.scalars(sa.select(Enterprise).where(
                Enterprise.credit_code == credit_code)):
            found[enterprise.id] = (enterprise, "credit_code")
    key = normalise_enterprise_name(name) if name else ""
    if key:
        query = sa.select(Enterprise).where(Enterprise.normalized_name == key)
        if credit_code:
            query = query.where(sa.or_(Enterprise.credit_code.is_(None),
                                       Enterprise.credit_code == credit_code))
        for enterprise in session.scalars(query.order_by(Enterprise.id)):
            found.setdefault(enterprise.id, (enterprise, "name"))
    return list(found.values())


def upsert_enterprise(session: Session, data: dict[str, Any], city: City | None = None,
                      actor: Actor | None = None) -> Enterprise:
    """Return the matching enterprise (filling in what it lacked) or a new one
    (:func:`enterprise_for`)."""
    return enterprise_for(session, data, city, actor)[0]


def enterprise_for(session: Session, data: dict[str, Any], city: City | None = None,
                   actor: Actor | None = None) -> tuple[Enterprise, bool]:
    """The matching enterprise (filling in what it lacked) or a new one, and whether it is new:
    no record can refer to an enterprise inserted just now by this transaction. A new one is
    inserted at once, by its own ``INSERT`` rather than a flush (:mod:`core.direct_inserts`).

    Its province is derived (:func:`derive_origin`): a typed one is checked against the credit
    code. When a credit code or province it lacked changes its province, its projects are
    re-derived (:func:`rederive_projects`, given ``city`` and ``actor``).
    """
    typed = data.get("origin_province")
    enterprise = find_enterprise(session, data.get("credit_code"), data["name"])
    if enterprise is None:
        province, division = derive_origin(data.get("credit_code"), typed)
        enterprise = Enterprise(
            name=data["name"],
            normalized_name=normalise_enterprise_name(data["name"]),
            credit_code=data.get("credit_code"),
            origin_region=data.get("origin_region"),
            origin_province=province_name(province) if province else None,
            province_code=province,
            division_code=division,
            tags=list(data.get("tags") or []),
        )
        insert_persistent(session, enterprise)
        return enterprise, True
    before = {"credit_code": enterprise.credit_code, "origin_province": enterprise.origin_province}
    if data.get("credit_code") and not enterprise.credit_code:
        enterprise.credit_code = data["credit_code"]
    if data.get("origin_region") and not enterprise.origin_region:
        enterprise.origin_region = data["origin_region"]
    # A typed province is checked against the (possibly just filled) credit code either way;
    # it replaces the stored one only when that one was unknown.
    derive_origin(enterprise.credit_code, typed)
    changed = set_origin(enterprise, typed if enterprise.province_code is None else None)
    if data.get("tags"):
        enterprise.tags = sorted(set(enterprise.tags or []) | set(data["tags"]))
    changes = {key: [old, getattr(enterprise, key)] for key, old in before.items()
               if getattr(enterprise, key) != old}
    if changed and city is not None and actor is not None:
        rederive_projects(session, city, enterprise, actor, changes)
    return enterprise, False


def correct_enterprise(session: Session, city: City, enterprise: Enterprise,
                       data: dict[str, Any], actor: Actor) -> Enterprise:
    """The office corrects an investor's credit code or province (``reason`` required): the
    province is derived again and every project's 省外 with it."""
    before = {key: getattr(enterprise, key)
              for key in ("credit_code", "origin_province", "origin_region")}
    if "credit_code" in data and data["credit_code"] != enterprise.credit_code:
        code = data["credit_code"]
        if code and session.scalar(sa.select(Enterprise.id).where(
                Enterprise.credit_code == code, Enterprise.id != enterprise.id)):
            raise refused([Refusal("enterprise.credit_code_taken",
                                   f"统一社会信用代码 {code} 已属于另一家企业")])
        enterprise.credit_code = code
    if "origin_region" in data:
        enterprise.origin_region = data["origin_region"]
    typed = data.get("origin_province") if "origin_province" in data else None
    if "origin_province" in data and not typed:
        enterprise.origin_province = None  # cleared: the credit code alone decides
    set_origin(enterprise, typed, "origin_province")
    changes = {key: [old, getattr(enterprise, key)] for key, old in before.items()
               if getattr(enterprise, key) != old}
    if changes:
        session.flush()
        rederive_projects(session, city, enterprise, actor, changes, data["reason"].strip())
    return enterprise
