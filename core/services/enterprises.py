"""Enterprises: one row per investor, matched by credit code or normalised name."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.models import Enterprise
from core.names import normalise_enterprise_name


def find_enterprise(session: Session, credit_code: str | None, name: str) -> Enterprise | None:
    """The known enterprise with this credit code, else with this normalised name.

    Two different credit codes are two enterprises even when their names normalise
    alike (中国建筑集团 and 中国建筑股份 are different legal persons); a name alone
    only matches a record that has no code, or is matched when no code is given.
    """
    query = sa.select(Enterprise).where(
        Enterprise.normalized_name == normalise_enterprise_name(name))
    if credit_code:
        found = session.scalar(sa.select(Enterprise).where(Enterprise.credit_code == credit_code))
        if found is not None:
            return found
        query = query.where(Enterprise.credit_code.is_(None))
    return session.scalar(query.order_by(Enterprise.id).limit(1))


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


def upsert_enterprise(session: Session, data: dict[str, Any]) -> Enterprise:
    """Return the matching enterprise (filling in what it lacked) or a new one."""
    enterprise = find_enterprise(session, data.get("credit_code"), data["name"])
    if enterprise is None:
        enterprise = Enterprise(
            name=data["name"],
            normalized_name=normalise_enterprise_name(data["name"]),
            credit_code=data.get("credit_code"),
            origin_region=data.get("origin_region"),
            origin_province=data.get("origin_province"),
            tags=list(data.get("tags") or []),
        )
        session.add(enterprise)
        session.flush()
        return enterprise
    if data.get("credit_code") and not enterprise.credit_code:
        enterprise.credit_code = data["credit_code"]
    for key in ("origin_region", "origin_province"):
        if data.get(key) and not getattr(enterprise, key):
            setattr(enterprise, key, data[key])
    if data.get("tags"):
        enterprise.tags = sorted(set(enterprise.tags or []) | set(data["tags"]))
    return enterprise
