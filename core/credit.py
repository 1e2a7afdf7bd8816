"""Crediting a project to units: once, split by its transfer, never doubled.

A project found by one unit and landed in another gives the finding unit its
share (0.3 for 3:7) and the host the rest, once sharing has started (at signing,
at construction start, or for tax at the first tax). Before that, the host
unit — which reports the project — holds all of it. Shares always sum to 1.

A city may withhold credit from a project altogether (``credit_withheld``: Lanzhou
credits only projects its office recognised): such a project counts for no unit in
assessments and carries no reward; it may also credit another unit as a project's 招商方
(``credited_unit``: Lanzhou credits the introducing unit its office recognised).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING

from core.models import Project

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from core.city import City

ONE = Decimal(1)


def sharing_started(project: Project, starts: str, on: dt.date) -> bool:
    if starts == "signing":
        return project.signed_on is not None and project.signed_on <= on
    if starts == "start":
        return project.started_on is not None and project.started_on <= on
    if starts == "first_tax":
        first_tax = (project.attributes or {}).get("first_tax_on")
        return first_tax is not None and dt.date.fromisoformat(first_tax) <= on
    raise ValueError(starts)


def credit_shares(project: Project, on: dt.date, kind: str = "indicator",
                  finder: int | None = None) -> dict[int, Decimal]:
    """``{unit_id: share}`` of a project's ``indicator`` or ``tax`` figures as of ``on``.

    ``finder`` is the unit a city credits as the 招商方 in place of the finding unit
    (:func:`credited_units`): it takes the finding side's share, the host keeps its own."""
    transfer = project.transfers[-1] if project.transfers else None
    if transfer is None or transfer.from_unit_id == transfer.to_unit_id:
        return {finder or project.host_unit_id: ONE}
    if kind == "tax":
        share, starts = transfer.tax_share_from, transfer.tax_sharing_from
    else:
        share, starts = transfer.indicator_share_from, transfer.indicator_sharing_from
    if not sharing_started(project, starts, on):
        return {transfer.to_unit_id: ONE}
    from_unit = finder or transfer.from_unit_id
    if from_unit == transfer.to_unit_id:  # the host introduced it: one unit, never doubled
        return {from_unit: ONE}
    return {from_unit: Decimal(share), transfer.to_unit_id: ONE - Decimal(share)}


def withheld_credit(city: City, session: Session, projects: Iterable[Project]) -> dict[int, str]:
    """``{project_id: reason}`` for the ``projects`` the city's plugins withhold credit from."""
    projects = list(projects)
    found: dict[int, str] = {}
    if not projects:
        return found
    for answer in city.call("credit_withheld", projects=projects, session=session):
        for project_id, reason in answer.items():
            found.setdefault(project_id, reason)
    return found


def credited_units(city: City, session: Session, projects: Iterable[Project]) -> dict[int, int]:
    """``{project_id: unit_id}``: the unit the city credits as each project's 招商方 in place of
    its finding unit (``credited_unit``); a project left out keeps its finding unit."""
    projects = list(projects)
    found: dict[int, int] = {}
    if not projects:
        return found
    for answer in city.call("credited_unit", projects=projects, session=session):
        for project_id, unit_id in answer.items():
            found.setdefault(project_id, unit_id)
    return found


def credited(city: City, session: Session, projects: Iterable[Project]) -> list[Project]:
    """The ``projects`` that earn credit (none withheld by the city)."""
    projects = list(projects)
    withheld = withheld_credit(city, session, projects)
    return [project for project in projects if project.id not in withheld]
