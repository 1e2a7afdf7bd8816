"""The figures of DOMAIN.md over a date range, for the city and grouped.

签约 counts projects whose signing date falls in the range; 开工 those whose start
date does; 到位资金 sums the tranches (not rejected) that arrived in the range.
Rates: start rate = started ÷ signed, arrival rate = arrived ÷ signed amount,
fulfilment rate = fulfilling ÷ signed, growth = (this − last year) ÷ last year.
Grouping by unit credits each project through :func:`core.credit.credit_shares`,
so the groups always add up to the city total.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from core.credit import credit_shares
from core.lifecycle import ProjectStatus, Stage
from core.models import FundTranche, Project, Unit

ZERO = Decimal(0)
RATE_PLACES = Decimal("0.0001")
YI = Decimal(10000)  # 万元 per 亿元


def rate(part: Decimal, whole: Decimal) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(RATE_PLACES, ROUND_HALF_UP)


def shift_year(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@dataclass
class Figures:
    key: str | None = None
    label: str | None = None
    signed_count: Decimal = ZERO
    signed_amount: Decimal = ZERO
    started_count: Decimal = ZERO
    arrived_amount: Decimal = ZERO
    previous_signed_amount: Decimal = ZERO
    fulfilling_count: Decimal = ZERO
    project_ids: set[int] = field(default_factory=set)

    def as_dict(self) -> dict[str, Any]:
        growth = None
        if self.previous_signed_amount:
            growth = rate(self.signed_amount - self.previous_signed_amount,
                          self.previous_signed_amount)
        return {
            "key": self.key,
            "label": self.label,
            "signed_count": self.signed_count,
            "signed_amount": self.signed_amount,
            "signed_amount_yi": (self.signed_amount / YI).quantize(Decimal("0.01")),
            "started_count": self.started_count,
            "start_rate": rate(self.started_count, self.signed_count),
            "arrived_amount": self.arrived_amount,
            "arrived_amount_yi": (self.arrived_amount / YI).quantize(Decimal("0.01")),
            "arrival_rate": rate(self.arrived_amount, self.signed_amount),
            "previous_signed_amount": self.previous_signed_amount,
            "signed_amount_growth": growth,
            "fulfilling_count": self.fulfilling_count,
            "fulfilment_rate": rate(self.fulfilling_count, self.signed_count),
        }


def in_range(day: dt.date | None, start: dt.date, end: dt.date) -> bool:
    return day is not None and start <= day <= end


def is_fulfilling(project: Project) -> bool:
    return project.stage not in (Stage.LOST, Stage.CLEARED) and project.status not in (
        ProjectStatus.REATTRACTION, ProjectStatus.STALLED)


Grouper = Callable[[Project, dt.date], dict[str | None, Decimal]]


def _projects(session: Session, out_of_province: bool | None) -> Iterable[Project]:
    query = sa.select(Project).options(selectinload(Project.funds),
                                       selectinload(Project.transfers))
    if out_of_province is not None:
        query = query.where(Project.out_of_province == out_of_province)
    return session.scalars(query)


def compute_figures(
    session: Session,
    start: dt.date,
    end: dt.date,
    group_by: str | None = None,
    out_of_province: bool | None = None,
    labels: dict[str, str] | None = None,
) -> tuple[Figures, list[Figures]]:
    """The city total and, if ``group_by`` is set, the groups (which sum to the total)."""
    previous_start, previous_end = shift_year(start, -1), shift_year(end, -1)
    unit_codes = dict(session.execute(sa.select(Unit.id, Unit.code)).all())
    total = Figures()
    groups: dict[str | None, Figures] = defaultdict(Figures)

    def keys(project: Project, on: dt.date) -> dict[str | None, Decimal]:
        if group_by == "unit":
            return {unit_codes[unit]: share for unit, share in credit_shares(project, on).items()}
        if group_by == "industry":
            return {project.industry: Decimal(1)}
        if group_by == "channel":
            return {project.channel: Decimal(1)}
        if group_by == "month":
            return {on.strftime("%Y-%m"): Decimal(1)}
        return {}

    def add(project: Project, on: dt.date, apply: Callable[[Figures, Decimal], None]) -> None:
        apply(total, Decimal(1))
        for key, share in keys(project, on).items():
            apply(groups[key], share)

    for project in _projects(session, out_of_province):
        if in_range(project.signed_on, start, end):
            signed_on = project.signed_on

            def _signed(f: Figures, s: Decimal, p: Project = project) -> None:
                f.signed_count += s
                f.signed_amount += p.amount * s
                if is_fulfilling(p):
                    f.fulfilling_count += s

            add(project, signed_on, _signed)
        if in_range(project.started_on, start, end):
            add(project, project.started_on,
                lambda f, s: setattr(f, "started_count", f.started_count + s))
        if in_range(project.signed_on, previous_start, previous_end):
            # Last year's figure is grouped by this period's keys (a month maps to its
            # month this year) so year-on-year lines up.
            on = shift_year(project.signed_on, 1)

            def _previous(f: Figures, s: Decimal, p: Project = project) -> None:
                f.previous_signed_amount += p.amount * s

            add(project, on, _previous)
        for tranche in project.funds:
            if tranche.verification != "rejected" and in_range(tranche.arrived_on, start, end):

                def _arrived(f: Figures, s: Decimal, t: FundTranche = tranche) -> None:
                    f.arrived_amount += t.amount * s

                add(project, tranche.arrived_on, _arrived)
    ordered = []
    for key in sorted(groups, key=lambda k: (k is None, k or "")):
        figures = groups[key]
        figures.key = key
        figures.label = (labels or {}).get(key or "", key)
        ordered.append(figures)
    return total, ordered
