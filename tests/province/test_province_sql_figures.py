"""The province's views summed by its database: the same figures, without loading every project.

The reference is the definition the province used before (``tally`` over every stored project's
facts), dumped as ``/province/cities`` writes it; the store keeps ``province_tranches`` in step
with each project's newest state; migration p0004 fills it from the states already held.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest
import sqlalchemy as sa

from core.db import make_engine, make_session_factory, unit_of_work
from core.figures import rate, tally
from core.lifecycle import ProjectStatus, Stage
from province.config import build_config
from province.migrate import upgrade
from province.models import CityLead, CityProject, CityTranche
from province.reports import city_figures, completeness, project_facts, shared_investors
from province.schemas import CitiesSchema
from province.store import ReceivedEvent, apply_events

CITIES = ("alpha", "beta", "gamma")
MOMENT = dt.datetime(2024, 6, 1, tzinfo=dt.UTC)
PERIODS = ((dt.date(2024, 1, 1), dt.date(2024, 12, 31)), (dt.date(2024, 2, 29), dt.date(2025, 2, 28)),
           (dt.date(2022, 1, 1), dt.date(2025, 12, 31)))


@pytest.fixture
def sessions(db_url):
    engine = make_engine(db_url)
    upgrade(engine)
    yield make_session_factory(engine)
    engine.dispose()


@pytest.fixture
def config():
    return build_config({"cities": {"collect": list(CITIES), "names": {"alpha": "甲市"}}})


def project_event(city: str, project_id: int, sequence: int, **fields) -> ReceivedEvent:
    data = {"project_id": project_id, "name": f"项目{project_id}", "industry": "manufacturing",
            "amount": "1000.0000", "stage": "signed", "status": "ongoing", "channel": "fair",
            "out_of_province": True, "signed_on": "2024-03-01", "started_on": None,
            "completed_on": None, "funds": [],
            "enterprise": {"name": f"企业{project_id}", "normalized_name": f"企业{project_id}",
                           "credit_code": None, "origin_province": None}} | fields
    return ReceivedEvent(id=f"{city}-{project_id}-{sequence}", source=f"/cities/{city}",
                         type="zhaoshang.project.updated", city=city, time=MOMENT, data=data,
                         sequence=sequence)


def _day(rng: random.Random) -> str:
    if rng.random() < 0.2:
        return rng.choice(("2024-02-29", "2023-02-28", "2025-02-28", "2024-12-31"))
    return (dt.date(2022, 1, 1) + dt.timedelta(days=rng.randrange(4 * 365))).isoformat()


def random_events(count: int, seed: int = 21) -> list[ReceivedEvent]:
    rng = random.Random(seed)
    events = []
    for number in range(count):
        signed = _day(rng) if rng.random() < 0.8 else None
        funds = [{"id": number * 10 + t, "arrived_on": _day(rng),
                  "amount": rng.choice(("0.0001", "9876543210.9876", "12.5", "300")),
                  "verification": rng.choice(("verified", "pending", "rejected"))}
                 for t in range(rng.randrange(4))]
        events.append(project_event(
            rng.choice(CITIES), number, 1, amount=rng.choice(("0.0001", "9876543210.9876", "55.5")),
            stage=rng.choice(list(Stage)).value, status=rng.choice(list(ProjectStatus)).value,
            out_of_province=rng.choice((True, False, None)), signed_on=signed,
            started_on=_day(rng) if signed and rng.random() < 0.5 else None,
            industry=rng.choice(("manufacturing", None)), funds=funds))
    return events


def reference_rows(session, config, start, end) -> list[dict]:
    """``/province/cities`` as the province computed it before: tally over every project."""
    facts: dict[str, list] = {}
    for row in session.scalars(sa.select(CityProject)):
        facts.setdefault(row.city, []).append(project_facts(row))
    rows = []
    for city in config.cities:
        held = facts.get(city, [])
        total, _ = tally(held, start, end)
        outside, _ = tally([f for f in held if f.out_of_province is True], start, end)
        unknown, _ = tally([f for f in held if f.out_of_province is None], start, end)
        rows.append(total.as_dict() | {"key": city, "label": config.city_name(city)} | {
            "out_of_province": outside.as_dict() | {"key": city, "label": config.city_name(city)},
            "out_of_province_signed_count": outside.signed_count,
            "out_of_province_signed_amount": outside.signed_amount,
            "out_of_province_share": rate(outside.signed_amount, total.signed_amount),
            "out_of_province_unknown_count": unknown.signed_count,
            "out_of_province_unknown_amount": unknown.signed_amount,
            "leads_reported": 0, "projects": len(held)})
    return rows


def dumped(rows) -> list:
    return CitiesSchema().dump({"date_from": dt.date(2024, 1, 1), "date_to": dt.date(2024, 1, 1),
                                "cities": rows})["cities"]


def test_province_figures_equal_the_reference_definition(sessions, config):
    with unit_of_work(sessions) as session:
        apply_events(session, random_events(90))
    with unit_of_work(sessions) as session:
        for start, end in PERIODS:
            assert dumped(city_figures(session, config, start, end)) == dumped(
                reference_rows(session, config, start, end)), (start, end)


def test_city_figures_take_the_same_statements_whatever_the_number_of_projects(sessions,
                                                                               config):
    statements: list[str] = []
    engine = sessions.kw["bind"]

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        seen = []
        for events in (random_events(3, seed=1), random_events(120, seed=2)):
            with unit_of_work(sessions) as session:
                apply_events(session, events)
            statements.clear()
            with unit_of_work(sessions) as session:
                city_figures(session, config, dt.date(2024, 1, 1), dt.date(2024, 12, 31))
                completeness(session, config)
            seen.append(len(statements))
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    assert seen[0] == seen[1]
    assert seen[0] <= 30  # a few per view and city, never one per project


def tranches(session, city="alpha", project_id=1) -> list[tuple]:
    return [tuple(row) for row in session.execute(
        sa.select(CityTranche.tranche_id, CityTranche.arrived_on, CityTranche.amount,
                  CityTranche.verification)
        .where(CityTranche.city == city, CityTranche.project_id == project_id)
        .order_by(CityTranche.tranche_id))]


def test_the_store_keeps_each_projects_tranches_as_its_newest_state(sessions):
    first = [{"id": 7, "arrived_on": "2024-05-01", "amount": "300.0000",
              "verification": "pending"},
             {"id": 8, "arrived_on": "2024-06-01", "amount": "0.0001", "verification": "verified"}]
    newer = [{"id": 7, "arrived_on": "2024-05-01", "amount": "300.0000",
              "verification": "verified"}]
    with unit_of_work(sessions) as session:
        apply_events(session, [project_event("alpha", 1, 1, funds=first)])
    with unit_of_work(sessions) as session:
        assert tranches(session) == [(7, dt.date(2024, 5, 1), Decimal("300"), "pending"),
                                     (8, dt.date(2024, 6, 1), Decimal("0.0001"), "verified")]
        apply_events(session, [project_event("alpha", 1, 3, funds=newer)])
    with unit_of_work(sessions) as session:
        assert tranches(session) == [(7, dt.date(2024, 5, 1), Decimal("300"), "verified")]
        # A stale redelivery (older sequence) changes neither the project nor its tranches.
        apply_events(session, [project_event("alpha", 1, 2, funds=first)])
    with unit_of_work(sessions) as session:
        assert tranches(session) == [(7, dt.date(2024, 5, 1), Decimal("300"), "verified")]
        assert session.get(CityProject, ("alpha", 1)).arrived_amount == Decimal("300")


def test_migration_p0004_fills_the_tranches_from_the_states_held(db_url):
    engine = make_engine(db_url)
    try:
        upgrade(engine, "p0003")
        funds = [{"id": 4, "arrived_on": "2024-02-29", "amount": "12.3456",
                  "verification": "verified"},
                 {"id": 5, "arrived_on": "2024-03-01", "amount": "1", "verification": "rejected"}]
        with engine.begin() as connection:
            for project_id in (1, 2):
                connection.execute(sa.insert(CityProject.__table__).values(
                    city="alpha", project_id=project_id, name="项目", amount=Decimal("10"),
                    stage="signed", status="ongoing", arrived_amount=Decimal("12.3456"),
                    funds=funds if project_id == 1 else [], enterprise_name="企业",
                    normalized_name="企业", event_time=MOMENT))
        upgrade(engine)
        with make_session_factory(engine)() as session:
            assert tranches(session) == [
                (4, dt.date(2024, 2, 29), Decimal("12.3456"), "verified"),
                (5, dt.date(2024, 3, 1), Decimal("1"), "rejected")]
            assert tranches(session, project_id=2) == []
    finally:
        engine.dispose()


def lead(city: str, lead_id: int, name: str, code: str | None) -> CityLead:
    return CityLead(city=city, lead_id=lead_id, title=f"线索{lead_id}", status="new",
                    reported_on=dt.date(2024, 1, 1), enterprise_name=name, normalized_name=name,
                    credit_code=code, event_time=MOMENT)


def test_shared_investors_are_grouped_in_sql_as_defined(sessions, config):
    with unit_of_work(sessions) as session:
        apply_events(session, [project_event("alpha", 1, 1, enterprise={
            "name": "甲公司", "normalized_name": "甲", "credit_code": "CODE1",
            "origin_province": None})])
        session.add_all([
            lead("beta", 1, "甲", None),  # no code: joins 甲's one code
            lead("gamma", 2, "甲", ""),  # an empty code is no code
            lead("alpha", 3, "乙", "CODE2"), lead("beta", 4, "乙", "CODE3"),  # two codes
            lead("gamma", 5, "乙", None), lead("alpha", 6, "乙", None),  # 乙 by name: 2 cities
            lead("alpha", 7, "丙", None), lead("alpha", 8, "丙", None),  # one city only
        ])
    with unit_of_work(sessions) as session:
        groups = {(g["match"], g["key"]): g for g in shared_investors(session, config)}
        assert set(groups) == {("credit_code", "CODE1"), ("name", "乙")}
        code = groups[("credit_code", "CODE1")]
        assert (code["city_count"], code["matched_by_name"]) == (3, True)
        assert code["names"] == ["甲", "甲公司"]
        assert [[(r["kind"], r["id"]) for r in c["records"]] for c in code["cities"]] == [
            [("project", 1)], [("lead", 1)], [("lead", 2)]]
        named = groups[("name", "乙")]
        assert [c["city"] for c in named["cities"]] == ["alpha", "gamma"]
        assert list(groups) == [("credit_code", "CODE1"), ("name", "乙")]  # most cities first
        assert [g["key"] for g in shared_investors(session, config, min_cities=3)] == ["CODE1"]
