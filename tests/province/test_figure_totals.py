"""The province's figures read model (province.figure_totals): always equal to the figures of the
shared SQL definition over the raw tables, for any sequence of events and any period.

Random event sequences (hypothesis) change projects every way a city can — stage, status,
amount, dates, 省外 flag, tranches verified or rejected — with stale redeliveries, leads whose
report day moves, batches of any size and events applied one by one in savepoints; after each
sequence, the read model's figures for several periods equal ``figure_rows`` over
``province_projects``/``province_tranches`` exactly, and recomputing the table finds no drift.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.db import make_engine, make_session_factory, unit_of_work
from core.lifecycle import ProjectStatus, Stage
from province.figure_totals import drift, period_figures, pieces, project_counts, refill
from province.migrate import upgrade
from province.models import CityLead, CityProject, CityState, FigureTotal
from province.rebuild import empty_tables
from province.reports import city_figures, raw_figures
from province.store import ReceivedEvent, apply_events
from tests.province.test_province_sql_figures import CITIES, MOMENT, config, project_event  # noqa: F401

PERIODS = ((dt.date(2024, 1, 1), dt.date(2024, 12, 31)), (dt.date(2024, 2, 29), dt.date(2025, 2, 28)),
           (dt.date(2023, 11, 17), dt.date(2024, 3, 2)), (dt.date(2024, 3, 1), dt.date(2024, 3, 1)),
           (dt.date(2022, 1, 1), dt.date(2025, 12, 31)), (dt.date(2023, 12, 31), dt.date(2025, 1, 1)))
DAYS = st.one_of(st.sampled_from((dt.date(2024, 2, 29), dt.date(2023, 2, 28), dt.date(2024, 12, 31),
                                  dt.date(2024, 1, 1), dt.date(2023, 12, 31))),
                 st.dates(dt.date(2022, 1, 1), dt.date(2025, 12, 31)))
AMOUNTS = st.sampled_from(("0.0001", "9876543210.9876", "55.5", "300", "12.3456"))


@pytest.fixture
def engine(db_url):
    engine = make_engine(db_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@st.composite
def project_states(draw: st.DrawFn, number: int) -> dict:
    signed = draw(st.none() | DAYS)
    funds = [{"id": number * 10 + t, "arrived_on": draw(DAYS).isoformat(), "amount": draw(AMOUNTS),
              "verification": draw(st.sampled_from(("verified", "pending", "rejected")))}
             for t in range(draw(st.integers(0, 3)))]
    started = draw(st.none() | DAYS) if signed else None
    return {"amount": draw(AMOUNTS), "stage": draw(st.sampled_from(list(Stage))).value,
            "status": draw(st.sampled_from(list(ProjectStatus))).value,
            "out_of_province": draw(st.sampled_from((True, False, None))),
            "signed_on": signed and signed.isoformat(),
            "started_on": started and started.isoformat(), "funds": funds}


def lead_event(city: str, lead_id: int, sequence: int, reported_on: dt.date) -> ReceivedEvent:
    data = {"lead_id": lead_id, "title": f"线索{lead_id}", "status": "reported",
            "industry": None, "intended_amount": "10", "reported_on": reported_on.isoformat(),
            "enterprise": {"name": "企业", "normalized_name": "企业", "credit_code": None,
                           "origin_province": None}}
    return ReceivedEvent(id=f"{city}-lead-{lead_id}-{sequence}", source=f"/cities/{city}",
                         type="zhaoshang.lead.updated", city=city, time=MOMENT, data=data,
                         sequence=sequence)


@st.composite
def event_sequences(draw: st.DrawFn) -> list[list[ReceivedEvent]]:
    """Batches of events: new and changed states of a few projects and leads (sequence numbers
    per aggregate, sometimes delivered out of order: a stale state must change nothing)."""
    events = []
    for sequence in range(1, draw(st.integers(1, 14)) + 1):
        city = draw(st.sampled_from(CITIES))
        if draw(st.booleans()) or not events:
            number = draw(st.integers(1, 5))
            events.append(project_event(city, number, sequence, **draw(project_states(number))))
        else:
            events.append(lead_event(city, draw(st.integers(1, 3)), sequence, draw(DAYS)))
        if len(events) > 1 and draw(st.integers(0, 4)) == 0:  # a late (stale) delivery
            events[-1], events[-2] = events[-2], events[-1]
    cuts = sorted(draw(st.sets(st.integers(1, len(events)), max_size=4)) | {len(events)})
    return [events[a:b] for a, b in zip([0, *cuts], cuts, strict=False) if events[a:b]]


def read_model(session, start, end) -> dict:
    return period_figures(session, start, end)[0]


def raw_leads(session, start, end) -> dict:
    return dict(session.execute(
        sa.select(CityLead.city, sa.func.count()).where(CityLead.reported_on.between(start, end))
        .group_by(CityLead.city)).all())


def dump(rows: dict) -> dict:
    """Figures without the all-zero combinations (the read model keeps a row whose contributions
    were all taken away again; the raw tables have nothing there)."""
    return {key: figures.as_dict() for key, figures in rows.items()
            if any(v for k, v in figures.as_dict().items() if k not in ("key", "label"))}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batches=event_sequences(), one_by_one=st.booleans())
def test_the_read_model_equals_the_sql_definition_for_any_events_and_period(
        engine, batches, one_by_one):
    sessions = make_session_factory(engine)
    empty_tables(sessions)  # each example starts from an empty province (as a rebuild does)
    for batch in batches:
        with unit_of_work(sessions) as session:
            if one_by_one:  # as the consumer retries a failed batch: each event in a savepoint
                for event in batch:
                    with session.begin_nested():
                        apply_events(session, [event])
            else:
                apply_events(session, batch)
    with unit_of_work(sessions) as session:
        assert drift(session) == []
        for start, end in PERIODS:
            assert dump(read_model(session, start, end)) == dump(raw_figures(session, start, end))
            assert period_figures(session, start, end)[1] == raw_leads(session, start, end)
        assert project_counts(session) == dict(session.execute(
            sa.select(CityProject.city, sa.func.count()).group_by(CityProject.city)).all())


def test_a_changed_project_moves_its_contribution_and_leaves_no_trace(engine, config):  # noqa: F811
    """Signed in March with a verified tranche, then moved to a new signing day, 省外 unknown,
    a lost stage and the tranche rejected: March's figures are back to nothing."""
    sessions = make_session_factory(engine)
    march = (dt.date(2024, 3, 1), dt.date(2024, 3, 31))
    funds = [{"id": 1, "arrived_on": "2024-03-05", "amount": "300", "verification": "verified"}]
    with unit_of_work(sessions) as session:
        apply_events(session, [project_event("alpha", 1, 1, amount="1000.5", funds=funds)])
    with unit_of_work(sessions) as session:
        [row] = [r for r in city_figures(session, config, *march) if r["key"] == "alpha"]
        assert (row["signed_count"], row["signed_amount"], row["fulfilling_count"]) == (
            Decimal(1), Decimal("1000.5000"), Decimal(1))
        assert (row["arrived_amount"], row["out_of_province_signed_amount"], row["projects"]) == (
            Decimal("300.0000"), Decimal("1000.5000"), 1)
        rejected = [funds[0] | {"verification": "rejected"}]
        apply_events(session, [project_event("alpha", 1, 2, signed_on="2024-05-02", stage="lost",
                                             out_of_province=None, funds=rejected)])
    with unit_of_work(sessions) as session:
        [row] = [r for r in city_figures(session, config, *march) if r["key"] == "alpha"]
        assert (row["signed_count"], row["arrived_amount"], row["projects"]) == (0, 0, 1)
        [may] = [r for r in city_figures(session, config, dt.date(2024, 5, 1), dt.date(2024, 5, 31))
                 if r["key"] == "alpha"]
        assert (may["signed_count"], may["fulfilling_count"], may["out_of_province_unknown_count"]
                ) == (1, 0, 1)
        assert drift(session) == []


def test_drift_is_found_and_refill_repairs_it(engine):
    sessions = make_session_factory(engine)
    with unit_of_work(sessions) as session:
        apply_events(session, [project_event("alpha", 1, 1), lead_event("beta", 1, 1,
                                                                         dt.date(2024, 4, 1))])
    with unit_of_work(sessions) as session:  # a row changed behind the store's back
        session.execute(sa.update(FigureTotal).where(FigureTotal.grain == "m")
                        .values(signed_count=FigureTotal.signed_count + 1))
        session.execute(sa.update(CityState).values(projects=7))
    with unit_of_work(sessions) as session:
        found = drift(session)
        assert {(d.get("grain"), d["city"]) for d in found} == {("m", "alpha"), (None, "alpha"),
                                                                 (None, "beta")}
        refill(session)
    with unit_of_work(sessions) as session:
        assert drift(session) == []
        assert project_counts(session) == {"alpha": 1}


def test_migration_p0006_fills_the_read_model_from_the_states_held(db_url):
    engine = make_engine(db_url)
    try:
        upgrade(engine, "p0004")
        with engine.begin() as connection:
            connection.execute(sa.insert(CityProject.__table__).values(
                city="alpha", project_id=1, name="项目", amount=Decimal("10.5"), stage="signed",
                status="ongoing", out_of_province=True, signed_on=dt.date(2024, 2, 29),
                arrived_amount=Decimal(0), funds=[], enterprise_name="企业",
                normalized_name="企业", event_time=MOMENT))
            cities = sa.table("province_cities", sa.column("city"), sa.column("events"),
                              sa.column("pruned_events"))  # as p0004 left it
            connection.execute(sa.insert(cities).values(city="alpha", events=1, pruned_events=0))
        upgrade(engine)
        with make_session_factory(engine)() as session:
            assert drift(session) == []
            assert project_counts(session) == {"alpha": 1}
            [(key, figures)] = read_model(session, dt.date(2024, 1, 1), dt.date(2024, 12, 31)).items()
            assert (key, figures.signed_amount) == (("alpha", True), Decimal("10.5000"))
    finally:
        engine.dispose()


@given(start=DAYS, length=st.integers(0, 1200))
def test_a_period_is_cut_into_whole_years_months_and_days_covering_it_once(start, length):
    end = start + dt.timedelta(days=length)
    ranges = pieces(start, end)
    assert len(ranges) <= 5 and sum(1 for grain, *_ in ranges if grain == "d") <= 2
    covered = []
    for grain, first, last in ranges:
        bucket = first
        while bucket <= last:
            if grain == "d":
                following = bucket + dt.timedelta(days=1)
            elif grain == "m":
                following = (bucket + dt.timedelta(days=32)).replace(day=1)
            else:
                following = bucket.replace(year=bucket.year + 1)
            covered += [bucket + dt.timedelta(days=n) for n in range((following - bucket).days)]
            bucket = following
    assert covered == [start + dt.timedelta(days=n) for n in range(length + 1)]



def test_the_check_command_reports_drift_and_repairs_it(tmp_path):
    from click.testing import CliRunner

    from core.toml_writer import toml_text
    from province.cli import province_group

    url = f"sqlite:///{tmp_path / 'province.db'}"
    path = tmp_path / "province.toml"
    path.write_text(toml_text({"cities": {"collect": list(CITIES)}, "database": {"url": url}}),
                    encoding="utf-8")
    engine = make_engine(url)
    upgrade(engine)
    with unit_of_work(make_session_factory(engine)) as session:
        apply_events(session, [project_event("alpha", 1, 1)])
    runner = CliRunner()

    def check(*args: str):
        return runner.invoke(province_group, ["check-figures", "--config", str(path), *args])

    assert (check().exit_code, json.loads(check().output)["drift"]) == (0, 0)
    with engine.begin() as connection:
        connection.execute(sa.update(FigureTotal).values(signed_count=5))
    engine.dispose()
    drifted = check()
    assert drifted.exit_code == 1 and json.loads(drifted.output)["drift"] == 3  # day, month, year
    repaired = check("--repair")
    assert (repaired.exit_code, json.loads(repaired.output)["repaired"]) == (0, True)
    assert json.loads(check().output)["drift"] == 0
