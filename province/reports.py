"""The province's cross-city views, computed over its own store.

City figures are the SQL definition the city service itself runs
(:func:`core.figure_queries.figure_rows`), over ``province_projects`` and
``province_tranches`` with the city as an extra key — one definition of every figure for the
city and the province, summed by the database: no view loads every project.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.figure_queries import (
    FigureTables,
    ProjectColumns,
    TrancheColumns,
    add_up,
    amount,
    figure_rows,
    money,
)
from core.figures import ZERO, Figures, ProjectFacts, holdings_of, rate
from province.config import ProvinceConfig
from province.figure_totals import period_figures, project_counts
from province.group_offsets import group_offsets, lag_of
from province.models import (
    CityLead,
    CityProject,
    CitySnapshot,
    CityState,
    CityTranche,
    DeadLetter,
    InboxEvent,
)

RANKABLE = ("signed_amount", "signed_count", "started_count", "start_rate", "arrived_amount",
            "arrival_rate", "signed_amount_growth", "out_of_province_share", "leads_reported")


def project_facts(row: CityProject) -> ProjectFacts:
    """A stored project as the figures see it: verified tranches count (已核实), pending ones
    (待核实) are carried beside them, rejected ones are left out."""
    def tranches(state: str) -> tuple[tuple[dt.date, Decimal], ...]:
        return tuple((dt.date.fromisoformat(t["arrived_on"]), Decimal(t["amount"]))
                     for t in row.funds or [] if t.get("verification") == state)

    return ProjectFacts(amount=row.amount, stage=row.stage, status=row.status,
                        out_of_province=row.out_of_province, signed_on=row.signed_on,
                        started_on=row.started_on, arrivals=tranches("verified"),
                        pending=tranches("pending"), industry=row.industry,
                        channel=row.channel)


PROVINCE = FigureTables(
    ProjectColumns(CityProject.__table__, CityProject.amount, CityProject.stage,
                   CityProject.status, CityProject.out_of_province, CityProject.signed_on,
                   CityProject.started_on, CityProject.industry, CityProject.channel),
    TrancheColumns(CityTranche.__table__, CityTranche.arrived_on, CityTranche.amount,
                   CityTranche.verification,
                   sa.and_(CityTranche.city == CityProject.city,
                           CityTranche.project_id == CityProject.project_id)))


def city_figures(session: Session, config: ProvinceConfig, start: dt.date,
                 end: dt.date) -> list[dict[str, Any]]:
    """Each collected city's figures over ``start``..``end`` (DOMAIN.md), side by side.

    Read from the figures' read model (:mod:`province.figure_totals`: sums per city, 省外 flag
    and day/month/year, kept by the store as it applies events) in one statement over whole
    years, months and edge days — the same figures :func:`core.figure_queries.figure_rows`
    gives over the raw tables (:func:`raw_figures`), without reading every project. A city's
    total is the sum of its three flags; the project counts are the store's counters."""
    by_city: dict[str, dict[bool | None, Figures]] = defaultdict(dict)
    summed, leads = period_figures(session, start, end)
    for (city, flag), figures in summed.items():
        by_city[city][flag] = figures
    counts = project_counts(session)
    rows = []
    for city in config.cities:
        flags = by_city.get(city, {})
        total = add_up(flags.values())
        outside = flags.get(True) or Figures()
        # An investor whose province is unknown is neither 省外 nor 省内: counted apart.
        unknown = flags.get(None) or Figures()
        figures = total.as_dict() | {"key": city, "label": config.city_name(city)}
        figures |= {
            # The city's own out-of-province figures (DOMAIN.md; Pingliang publishes them):
            # signed, started, arrived and their rates, defined as for the whole city.
            "out_of_province": outside.as_dict() | {"key": city, "label": config.city_name(city)},
            "out_of_province_signed_count": outside.signed_count,
            "out_of_province_signed_amount": outside.signed_amount,
            "out_of_province_share": rate(outside.signed_amount, total.signed_amount),
            "out_of_province_unknown_count": unknown.signed_count,
            "out_of_province_unknown_amount": unknown.signed_amount,
            "leads_reported": leads.get(city, 0),
            "projects": counts.get(city, 0),
        }
        rows.append(figures)
    return rows


def raw_figures(session: Session, start: dt.date, end: dt.date
                ) -> dict[tuple[str, bool | None], Figures]:
    """``{(city, 省外 flag): figures}`` summed over ``province_projects`` and
    ``province_tranches`` by the shared SQL definition: what the read model must equal."""
    return figure_rows(session, PROVINCE, start, end, (CityProject.city, "out_of_province"))


def ranking(session: Session, config: ProvinceConfig, start: dt.date, end: dt.date,
            by: str) -> list[dict[str, Any]]:
    """Cities ordered by one figure, highest first (a city without the figure comes last);
    ties share a rank."""
    if by not in RANKABLE:
        raise ValueError(by)
    rows = city_figures(session, config, start, end)
    rows.sort(key=lambda r: (r[by] is None, -(r[by] or 0), r["key"]))
    ranked, previous, rank = [], object(), 0
    for position, row in enumerate(rows, start=1):
        if row[by] != previous:
            rank, previous = position, row[by]
        ranked.append({"rank": rank if row[by] is not None else None, "city": row["key"],
                       "city_name": row["label"], "value": row[by], "figures": row})
    return ranked


# --------------------------------------------------------------------------- investors


@dataclass
class _Sighting:
    city: str
    kind: str  # project or lead
    id: int
    title: str
    stage_or_status: str
    amount: Decimal | None
    name: str
    normalized_name: str
    credit_code: str | None


def _shared_sightings(session: Session, min_cities: int) -> list[tuple[str, str, _Sighting]]:
    """``(match, key, sighting)`` for the records of the groups seen in ``min_cities`` cities
    or more: the groups are formed and counted in SQL, only their members are loaded."""
    def records(kind: str, model: Any, id_: Any, title: Any, state: Any, amount_: Any) -> Any:
        return sa.select(model.city, sa.literal(kind, sa.String).label("kind"),
                         id_.label("id"), title.label("title"), state.label("state"),
                         amount_.label("amount"), model.enterprise_name.label("name"),
                         model.normalized_name.label("normalized_name"),
                         # An empty code is no code (as ``if s.credit_code`` read it).
                         sa.func.nullif(model.credit_code, "").label("credit_code"))

    sightings = sa.union_all(
        records("project", CityProject, CityProject.project_id, CityProject.name,
                CityProject.stage, CityProject.amount),
        records("lead", CityLead, CityLead.lead_id, CityLead.title, CityLead.status,
                CityLead.intended_amount)).cte("sightings")
    s = sightings.c
    codes = (sa.select(s.normalized_name, sa.func.count(sa.distinct(s.credit_code)).label("n"),
                       sa.func.min(s.credit_code).label("code"))
             .where(s.credit_code.is_not(None)).group_by(s.normalized_name).cte("codes"))
    # A record without a code joins the one code its normalised name has, else its name's group.
    by_code = sa.or_(s.credit_code.is_not(None), codes.c.n == 1)
    keyed = (sa.select(sightings, sa.case((by_code, "credit_code"), else_="name").label("match"),
                       sa.case((s.credit_code.is_not(None), s.credit_code),
                               (codes.c.n == 1, codes.c.code),
                               else_=s.normalized_name).label("key"))
             .select_from(sightings.outerjoin(codes, codes.c.normalized_name == s.normalized_name))
             .cte("keyed"))
    k = keyed.c
    shared = (sa.select(k.match, k.key).group_by(k.match, k.key)
              .having(sa.func.count(sa.distinct(k.city)) >= min_cities).subquery("shared"))
    members = (sa.select(k.match, k.key, k.city, k.kind, k.id, k.title, k.state, k.amount,
                         k.name, k.normalized_name, k.credit_code)
               .join(shared, sa.and_(k.match == shared.c.match, k.key == shared.c.key))
               .order_by(k.match, k.key, k.city, k.kind, k.id))
    return [(row.match, row.key, _Sighting(row.city, row.kind, row.id, row.title, row.state,
                                           row.amount, row.name, row.normalized_name,
                                           row.credit_code))
            for row in session.execute(members)]


def shared_investors(session: Session, config: ProvinceConfig,
                     min_cities: int = 2) -> list[dict[str, Any]]:
    """Investors courted by several cities: one group per credit code; a record without a
    code joins the one code group with its normalised name, else a group of that name.

    Two different codes are two investors even when their names normalise alike (the rule
    of :func:`core.services.enterprises.find_enterprise`).
    """
    groups: dict[tuple[str, str], list[_Sighting]] = defaultdict(list)
    for match, key, sighting in _shared_sightings(session, min_cities):
        groups[(match, key)].append(sighting)
    result = []
    for (match, key), members in groups.items():
        cities = sorted({m.city for m in members})
        result.append({
            "match": match,
            "key": key,
            "credit_code": key if match == "credit_code" else None,
            "names": sorted({m.name for m in members}),
            "matched_by_name": match == "name" or any(not m.credit_code for m in members),
            "city_count": len(cities),
            "cities": [{
                "city": city, "city_name": config.city_name(city),
                "records": [{"kind": m.kind, "id": m.id, "title": m.title,
                             "state": m.stage_or_status, "amount": m.amount, "name": m.name}
                            for m in sorted(members, key=lambda m: (m.kind, m.id))
                            if m.city == city],
            } for city in cities],
        })
    result.sort(key=lambda g: (-g["city_count"], g["names"][0], g["match"], g["key"]))
    return result


# --------------------------------------------------------------------------- freshness


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def freshness(session: Session, config: ProvinceConfig, now: dt.datetime | None = None,
              consumer_lag: dict[str, int | None] | None = None) -> list[dict[str, Any]]:
    """Per city: the newest event time, how old it is, (when given) the consumer lag in
    records still to read from the city's topic, and apart from the applied events the
    records set aside: ``dead_letters`` still held and when the newest dead letter (any
    status) arrived."""
    now = now or config.clock.utcnow()
    states = {s.city: s for s in session.scalars(sa.select(CityState))}
    held = dict(session.execute(sa.select(DeadLetter.city, sa.func.count())
                                .where(DeadLetter.status == "held")
                                .group_by(DeadLetter.city)).all())
    newest_letter = dict(session.execute(sa.select(DeadLetter.city,
                                                   sa.func.max(DeadLetter.received_at))
                                         .group_by(DeadLetter.city)).all())
    rows = []
    for city in config.cities:
        state = states.get(city)
        last = _aware(state.last_event_time) if state else None
        rows.append({
            "city": city, "city_name": config.city_name(city),
            "events": state.events if state else 0,
            "last_event_time": last,
            "last_event_type": state.last_event_type if state else None,
            "last_received_at": _aware(state.last_received_at) if state else None,
            "lag_seconds": round((now - last).total_seconds(), 3) if last else None,
            "consumer_lag": (consumer_lag or {}).get(config.topic(city)),
            "dead_letters": held.get(city, 0),
            "last_dead_letter_at": _aware(newest_letter.get(city)),
        })
    return rows


def consumer_lag(config: ProvinceConfig, timeout_ms: int = 3000) -> dict[str, int | None]:
    """Records not yet consumed by the province's group, per city topic (needs the broker)."""
    return lag_of(group_offsets(config, timeout_ms))


# --------------------------------------------------------------------------- completeness


def _comparable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _comparable(v) for k, v in value.items()}
    if isinstance(value, str):
        try:
            return Decimal(value)
        except ArithmeticError:
            return value
    if isinstance(value, int | Decimal):
        return Decimal(value)
    return value


COMPARED = ("projects", "projects_by_stage", "signed_amount", "arrived_amount", "leads")


def completeness(session: Session, config: ProvinceConfig) -> list[dict[str, Any]]:
    """Each city's newest snapshot event against what the province holds.

    The city's ``events_before`` (events it wrote before the snapshot) are accounted for
    as ``received_before`` (applied: inbox rows below the snapshot's sequence plus the inbox
    rows pruned, all of which were below it) and ``dead_letters_before_snapshot`` (held dead
    letters of the city below the snapshot's sequence whose sequence was never applied, each
    sequence once); ``missing_events`` is what is left after those and the discarded letters
    below the snapshot (never below 0): events neither applied nor set aside.
    ``differences``: totals that disagree. The status, first match:

    ``no_snapshot``; ``behind`` (``missing_events`` > 0: events still on the way);
    ``dead_letters`` (nothing missing, but records before the snapshot are set aside: the
    shortfall is exactly them, and any difference may be theirs — replay or discard them);
    ``complete`` (totals agree); ``changed_since_snapshot`` (totals differ but newer events
    arrived, so compare with the next snapshot); ``mismatch`` (totals differ with nothing
    missing, nothing set aside and nothing newer: the copies diverged).
    """
    holdings = _holdings(session)
    leads = dict(session.execute(sa.select(CityLead.city, sa.func.count())
                                 .group_by(CityLead.city)).all())
    pruned = dict(session.execute(sa.select(CityState.city, CityState.pruned_events)).all())
    rows = []
    for city in config.cities:
        snapshot = session.scalars(
            sa.select(CitySnapshot).where(CitySnapshot.city == city)
            .order_by(CitySnapshot.sequence.desc().nulls_last(), CitySnapshot.event_time.desc())
            .limit(1)).first()
        by_stage, signed, arrived = holdings.get(city, (Counter(), ZERO, ZERO))
        held = holdings_of(by_stage, signed, arrived, leads.get(city, 0))
        row: dict[str, Any] = {"city": city, "city_name": config.city_name(city),
                               "province": {k: held[k] for k in COMPARED}}
        if snapshot is None:
            rows.append(row | {"status": "no_snapshot", "snapshot": None, "differences": [],
                               "missing_events": None, "events_after_snapshot": None,
                               "received_before_snapshot": None,
                               "dead_letters_before_snapshot": None,
                               "discarded_before_snapshot": None})
            continue
        inbox = sa.select(sa.func.count()).select_from(InboxEvent).where(InboxEvent.city == city)
        received_before = (session.scalar(inbox.where(InboxEvent.sequence < snapshot.sequence))
                           or 0) + (pruned.get(city) or 0)
        after = session.scalar(inbox.where(InboxEvent.sequence > snapshot.sequence))
        set_aside = _dead_letters_before(session, city, snapshot.sequence, "held")
        # Discarded: an operator accepted the gap; not missing, not waiting either.
        discarded = _dead_letters_before(session, city, snapshot.sequence, "discarded")
        missing = max(0, int(snapshot.data.get("events_before", 0)) - received_before - set_aside
                      - discarded)
        differences = [
            {"field": name, "city": snapshot.data.get(name), "province": held[name]}
            for name in COMPARED
            if _comparable(snapshot.data.get(name)) != _comparable(held[name])
        ]
        if missing:
            status = "behind"
        elif set_aside:
            status = "dead_letters"
        elif not differences:
            status = "complete"
        elif after:
            status = "changed_since_snapshot"
        else:
            status = "mismatch"
        rows.append(row | {
            "status": status, "differences": differences, "missing_events": missing,
            "events_after_snapshot": after, "received_before_snapshot": received_before,
            "dead_letters_before_snapshot": set_aside, "discarded_before_snapshot": discarded,
            "snapshot": {"event_id": snapshot.event_id, "sequence": snapshot.sequence,
                         "taken_at": snapshot.data.get("taken_at"),
                         **{k: snapshot.data.get(k) for k in COMPARED}},
        })
    return rows


def _holdings(session: Session) -> dict[str, tuple[Counter[str], Any, Any]]:
    """Per city: projects by stage, signed amount, arrived (verified) amount — summed in SQL,
    exactly as :func:`core.figures.holdings` sums them."""
    found: dict[str, tuple[Counter[str], Any, Any]] = {}
    signed = sa.func.sum(sa.case((CityProject.signed_on.is_not(None), money(CityProject.amount))))
    for city, stage, count, signed_sum in session.execute(
            sa.select(CityProject.city, CityProject.stage, sa.func.count(), signed)
            .group_by(CityProject.city, CityProject.stage)):
        by_stage, signed_amount, arrived = found.setdefault(city, (Counter(), ZERO, ZERO))
        by_stage[stage] = count
        found[city] = (by_stage, signed_amount + amount(signed_sum), arrived)
    for city, arrived_sum in session.execute(
            sa.select(CityTranche.city, sa.func.sum(money(CityTranche.amount)))
            .select_from(CityTranche.__table__.join(CityProject.__table__, PROVINCE.tranches.project))
            .where(CityTranche.verification == "verified").group_by(CityTranche.city)):
        by_stage, signed_amount, _ = found.get(city, (Counter(), ZERO, ZERO))
        found[city] = (by_stage, signed_amount, amount(arrived_sum))
    return found


def _dead_letters_before(session: Session, city: str, sequence: int | None,
                         status: str) -> int:
    """Dead letters of ``city`` in ``status`` below ``sequence``: each sequence once, and none
    the province applied anyway (a bad copy of a record whose good copy arrived)."""
    if sequence is None:
        return 0
    applied = sa.select(InboxEvent.sequence).where(InboxEvent.city == city,
                                                   InboxEvent.sequence.is_not(None))
    return session.scalar(
        sa.select(sa.func.count(sa.distinct(DeadLetter.sequence)))
        .where(DeadLetter.city == city, DeadLetter.status == status,
               DeadLetter.sequence < sequence, DeadLetter.sequence.not_in(applied))) or 0
