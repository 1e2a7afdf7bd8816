"""The figures of DOMAIN.md over a date range, for a city or for the province.

签约 counts projects whose signing date falls in the range; 开工 those whose start
date does; 到位资金 sums the tranches (not rejected) that arrived in the range.
Rates: start rate = started ÷ signed, arrival rate = arrived ÷ signed amount,
fulfilment rate = fulfilling ÷ signed, growth = (this − last year) ÷ last year.
Grouping by unit credits each project through :func:`core.credit.credit_shares`,
so the groups always add up to the city total.

One function, :func:`tally`, computes them over plain :class:`ProjectFacts`: the
city builds the facts from its database (:func:`compute_figures`), the province
from the project states it received as events — so both count the same way.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from core.credit import credit_shares
from core.lifecycle import ProjectStatus, Stage
from core.models import Project, Unit

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
    # Reported in the period but not yet verified (待核实): shown beside the figures, never in them.
    arrived_pending_amount: Decimal = ZERO
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
            "arrived_pending_amount": self.arrived_pending_amount,
            "previous_signed_amount": self.previous_signed_amount,
            "signed_amount_growth": growth,
            "fulfilling_count": self.fulfilling_count,
            "fulfilment_rate": rate(self.fulfilling_count, self.signed_count),
        }


@dataclass(frozen=True)
class ProjectFacts:
    """One project as the figures see it, whoever holds it (a city database, the province).

    ``arrivals`` are the tranches that count (verified by the office, 已核实), as
    ``(arrived_on, amount)``; ``pending`` those still awaiting verification (待核实),
    shown beside the figures and never counted in them; ``credit`` answers
    ``{unit code: share}`` on a day and is only needed to group by unit.
    """

    amount: Decimal
    stage: str
    status: str
    out_of_province: bool | None  # None: the investor's province is unknown (not 省外)
    signed_on: dt.date | None = None
    started_on: dt.date | None = None
    arrivals: tuple[tuple[dt.date, Decimal], ...] = ()
    pending: tuple[tuple[dt.date, Decimal], ...] = ()
    industry: str | None = None
    channel: str | None = None
    credit: Callable[[dt.date], dict[str, Decimal]] | None = None


class _Staged(Protocol):
    stage: str
    status: str


def in_range(day: dt.date | None, start: dt.date, end: dt.date) -> bool:
    return day is not None and start <= day <= end


def is_fulfilling(project: _Staged) -> bool:
    """A project (or its facts) still honouring its agreement."""
    return project.stage not in (Stage.LOST, Stage.CLEARED) and project.status not in (
        ProjectStatus.REATTRACTION, ProjectStatus.STALLED)


GROUPINGS = ("unit", "industry", "channel", "month")


def _group_keys(facts: ProjectFacts, on: dt.date, group_by: str | None) -> dict[str | None, Decimal]:
    if group_by == "unit":
        if facts.credit is None:
            raise ValueError("grouping by unit needs each project's credit")
        return dict(facts.credit(on))
    if group_by == "industry":
        return {facts.industry: Decimal(1)}
    if group_by == "channel":
        return {facts.channel: Decimal(1)}
    if group_by == "month":
        return {on.strftime("%Y-%m"): Decimal(1)}
    return {}


def tally(
    projects: Iterable[ProjectFacts],
    start: dt.date,
    end: dt.date,
    group_by: str | None = None,
    labels: dict[str, str] | None = None,
) -> tuple[Figures, list[Figures]]:
    """The total over ``projects`` and, if ``group_by`` is set, the groups (summing to it)."""
    previous_start, previous_end = shift_year(start, -1), shift_year(end, -1)
    total = Figures()
    groups: dict[str | None, Figures] = defaultdict(Figures)

    def add(facts: ProjectFacts, on: dt.date, apply: Callable[[Figures, Decimal], None]) -> None:
        apply(total, Decimal(1))
        for key, share in _group_keys(facts, on, group_by).items():
            apply(groups[key], share)

    for facts in projects:
        if in_range(facts.signed_on, start, end):

            def _signed(f: Figures, s: Decimal, p: ProjectFacts = facts) -> None:
                f.signed_count += s
                f.signed_amount += p.amount * s
                if is_fulfilling(p):
                    f.fulfilling_count += s

            add(facts, facts.signed_on, _signed)  # type: ignore[arg-type]
        if in_range(facts.started_on, start, end):
            add(facts, facts.started_on,  # type: ignore[arg-type]
                lambda f, s: setattr(f, "started_count", f.started_count + s))
        if in_range(facts.signed_on, previous_start, previous_end):
            # Last year's figure is grouped by this period's keys (a month maps to its
            # month this year) so year-on-year lines up.
            on = shift_year(facts.signed_on, 1)  # type: ignore[arg-type]

            def _previous(f: Figures, s: Decimal, p: ProjectFacts = facts) -> None:
                f.previous_signed_amount += p.amount * s

            add(facts, on, _previous)
        for arrived_on, amount in facts.arrivals:
            if in_range(arrived_on, start, end):

                def _arrived(f: Figures, s: Decimal, a: Decimal = amount) -> None:
                    f.arrived_amount += a * s

                add(facts, arrived_on, _arrived)
        for arrived_on, amount in facts.pending:
            if in_range(arrived_on, start, end):

                def _pending(f: Figures, s: Decimal, a: Decimal = amount) -> None:
                    f.arrived_pending_amount += a * s

                add(facts, arrived_on, _pending)
    ordered = []
    for key in sorted(groups, key=lambda k: (k is None, k or "")):
        figures = groups[key]
        figures.key = key
        figures.label = (labels or {}).get(key or "", key)
        ordered.append(figures)
    return total, ordered


def project_facts(project: Project, unit_codes: dict[int, str] | None = None,
                  finder: int | None = None) -> ProjectFacts:
    """A city project's facts; with ``unit_codes`` (unit id → code) it can be grouped by unit
    (``finder``: the unit credited as its 招商方 in place of the finding unit)."""
    credit = None
    if unit_codes is not None:
        def credit(on: dt.date, p: Project = project) -> dict[str, Decimal]:
            return {unit_codes[unit]: share
                    for unit, share in credit_shares(p, on, finder=finder).items()}

    return ProjectFacts(
        amount=project.amount, stage=project.stage, status=project.status,
        out_of_province=project.out_of_province, signed_on=project.signed_on,
        started_on=project.started_on,
        arrivals=tuple((t.arrived_on, t.amount) for t in project.funds
                       if t.verification == "verified"),
        pending=tuple((t.arrived_on, t.amount) for t in project.funds
                      if t.verification == "pending"),
        industry=project.industry, channel=project.channel, credit=credit,
    )


def city_projects(session: Session, out_of_province: bool | str | None = None,
                  by_unit: bool = False,
                  keep: Callable[[list[Project]], list[Project]] | None = None,
                  where: Any = None,
                  finders: Callable[[list[Project]], dict[int, int]] | None = None,
                  ) -> list[ProjectFacts]:
    """Every project of the city database as facts (optionally only (not) out of province, or
    ``"unknown"``: those whose investor's province is unknown; ``keep`` narrows the projects,
    e.g. to those that earn credit; ``where``, a SQL criterion, before they are loaded;
    ``finders`` names the unit credited as a project's 招商方, :func:`core.credit.credited_units`)."""
    query = sa.select(Project).options(selectinload(Project.funds),
                                       selectinload(Project.transfers))
    if where is not None:
        query = query.where(where)
    if out_of_province == "unknown":
        query = query.where(Project.out_of_province.is_(None))
    elif out_of_province is not None:
        query = query.where(Project.out_of_province == out_of_province)
    unit_codes = dict(session.execute(sa.select(Unit.id, Unit.code)).all()) if by_unit else None
    projects = list(session.scalars(query))
    if keep is not None:
        projects = keep(projects)
    found = finders(projects) if finders is not None and by_unit else {}
    return [project_facts(project, unit_codes, found.get(project.id)) for project in projects]


def compute_figures(
    session: Session,
    start: dt.date,
    end: dt.date,
    group_by: str | None = None,
    out_of_province: bool | str | None = None,
    labels: dict[str, str] | None = None,
    keep: Callable[[list[Project]], list[Project]] | None = None,
    finders: Callable[[list[Project]], dict[int, int]] | None = None,
) -> tuple[Figures, list[Figures]]:
    """The city total and, if ``group_by`` is set, the groups (which sum to the total).

    Summed by the database (:func:`core.figure_queries.city_figures`); a ``keep`` callable
    (assessments: only the projects that earn credit) or ``finders`` (the unit credited as
    each project's 招商方) needs the projects loaded, so it runs :func:`tally` over them."""
    if keep is None and finders is None:
        from core.figure_queries import city_figures

        return city_figures(session, start, end, group_by, out_of_province, labels)
    projects = city_projects(session, out_of_province, by_unit=group_by == "unit", keep=keep,
                             finders=finders)
    return tally(projects, start, end, group_by, labels)


def holdings(projects: Iterable[ProjectFacts], leads: int) -> dict[str, Any]:
    """What a city holds, all time: projects by stage, signed and arrived amounts, leads.

    The city publishes it as its periodic snapshot event; the province computes the same
    over what it received, and a difference shows an incomplete or divergent copy.
    """
    by_stage: Counter[str] = Counter()
    signed_amount = arrived_amount = ZERO
    for facts in projects:
        by_stage[facts.stage] += 1
        if facts.signed_on is not None:
            signed_amount += facts.amount
        arrived_amount += sum((amount for _, amount in facts.arrivals), ZERO)
    return holdings_of(by_stage, signed_amount, arrived_amount, leads)


def holdings_of(by_stage: Counter[str], signed_amount: Decimal, arrived_amount: Decimal,
                leads: int) -> dict[str, Any]:
    """:func:`holdings` from its sums (the province sums them in SQL)."""
    return {
        "projects": sum(by_stage.values()),
        "projects_by_stage": {stage.value: by_stage.get(stage.value, 0) for stage in Stage},
        "signed_amount": signed_amount,
        "arrived_amount": arrived_amount,
        "leads": leads,
    }
