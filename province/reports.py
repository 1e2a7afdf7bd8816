"""The province's cross-city views, computed over its own store.

City figures use the same :func:`core.figures.tally` as the city service itself, over
:class:`core.figures.ProjectFacts` built from the project states the events carried —
one definition of every figure for the city and the province.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.figures import ProjectFacts, holdings, rate, tally
from province.config import ProvinceConfig
from province.models import CityLead, CityProject, CitySnapshot, CityState, DeadLetter, InboxEvent

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


def _projects_by_city(session: Session) -> dict[str, list[ProjectFacts]]:
    grouped: dict[str, list[ProjectFacts]] = defaultdict(list)
    for row in session.scalars(sa.select(CityProject)):
        grouped[row.city].append(project_facts(row))
    return grouped


def city_figures(session: Session, config: ProvinceConfig, start: dt.date,
                 end: dt.date) -> list[dict[str, Any]]:
    """Each collected city's figures over ``start``..``end`` (DOMAIN.md), side by side."""
    projects = _projects_by_city(session)
    leads = dict(session.execute(
        sa.select(CityLead.city, sa.func.count()).where(CityLead.reported_on.between(start, end))
        .group_by(CityLead.city)).all())
    rows = []
    for city in config.cities:
        facts = projects.get(city, [])
        total, _ = tally(facts, start, end)
        outside, _ = tally([f for f in facts if f.out_of_province is True], start, end)
        # An investor whose province is unknown is neither 省外 nor 省内: counted apart.
        unknown, _ = tally([f for f in facts if f.out_of_province is None], start, end)
        figures = total.as_dict() | {"key": city, "label": config.city_name(city)}
        figures |= {
            "out_of_province_signed_count": outside.signed_count,
            "out_of_province_signed_amount": outside.signed_amount,
            "out_of_province_share": rate(outside.signed_amount, total.signed_amount),
            "out_of_province_unknown_count": unknown.signed_count,
            "out_of_province_unknown_amount": unknown.signed_amount,
            "leads_reported": leads.get(city, 0),
            "projects": len(facts),
        }
        rows.append(figures)
    return rows


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


def _sightings(session: Session) -> list[_Sighting]:
    found = [
        _Sighting(p.city, "project", p.project_id, p.name, p.stage, p.amount, p.enterprise_name,
                  p.normalized_name, p.credit_code)
        for p in session.scalars(sa.select(CityProject))
    ]
    found += [
        _Sighting(lead.city, "lead", lead.lead_id, lead.title, lead.status,
                  lead.intended_amount, lead.enterprise_name, lead.normalized_name,
                  lead.credit_code)
        for lead in session.scalars(sa.select(CityLead))
    ]
    return found


def shared_investors(session: Session, config: ProvinceConfig,
                     min_cities: int = 2) -> list[dict[str, Any]]:
    """Investors courted by several cities: one group per credit code; a record without a
    code joins the one code group with its normalised name, else a group of that name.

    Two different codes are two investors even when their names normalise alike (the rule
    of :func:`core.services.enterprises.find_enterprise`).
    """
    sightings = _sightings(session)
    codes_by_name: dict[str, set[str]] = defaultdict(set)
    for s in sightings:
        if s.credit_code:
            codes_by_name[s.normalized_name].add(s.credit_code)
    groups: dict[tuple[str, str], list[_Sighting]] = defaultdict(list)
    for s in sightings:
        if s.credit_code:
            groups[("credit_code", s.credit_code)].append(s)
        elif len(codes_by_name.get(s.normalized_name, ())) == 1:
            (code,) = codes_by_name[s.normalized_name]
            groups[("credit_code", code)].append(s)
        else:
            groups[("name", s.normalized_name)].append(s)
    result = []
    for (match, key), members in groups.items():
        cities = sorted({m.city for m in members})
        if len(cities) < min_cities:
            continue
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
    result.sort(key=lambda g: (-g["city_count"], g["names"][0]))
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
    from kafka import KafkaConsumer, TopicPartition

    consumer = KafkaConsumer(bootstrap_servers=config.bootstrap_servers, group_id=config.group_id,
                             enable_auto_commit=False, bootstrap_timeout_ms=timeout_ms,
                             request_timeout_ms=max(timeout_ms, 5000),
                             client_id=f"zhaoshang-{config.code}-lag")
    try:
        lag: dict[str, int | None] = {}
        for topic in config.topics:
            partitions = consumer.partitions_for_topic(topic)
            if not partitions:
                lag[topic] = None
                continue
            tps = [TopicPartition(topic, p) for p in sorted(partitions)]
            ends = consumer.end_offsets(tps)
            lag[topic] = sum(ends[tp] - (consumer.committed(tp) or 0) for tp in tps)
        return lag
    finally:
        consumer.close(autocommit=False)


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
    projects = _projects_by_city(session)
    leads = dict(session.execute(sa.select(CityLead.city, sa.func.count())
                                 .group_by(CityLead.city)).all())
    pruned = dict(session.execute(sa.select(CityState.city, CityState.pruned_events)).all())
    rows = []
    for city in config.cities:
        snapshot = session.scalars(
            sa.select(CitySnapshot).where(CitySnapshot.city == city)
            .order_by(CitySnapshot.sequence.desc().nulls_last(), CitySnapshot.event_time.desc())
            .limit(1)).first()
        held = holdings(projects.get(city, []), leads.get(city, 0))
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
