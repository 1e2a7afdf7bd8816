"""The figures summed by the database (core.figure_queries) are ``tally``'s, to the digit.

Seeded random projects — every stage and status, dates over four years with 29 February,
transfers with fractional credit (sharing from signing or from the start), verified, pending
and rejected tranches, investors in and out of the province or unknown — on SQLite and
PostgreSQL: the totals and every grouping equal the reference definition over every project.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest
import sqlalchemy as sa

from core.db import Base, make_engine, make_session_factory
from core.figure_queries import city_figures, city_stats
from core.figures import city_projects, tally
from core.lifecycle import ProjectStatus, Stage
from core.models import Enterprise, FundTranche, Project, Transfer, Unit

UNITS = ("east", "west", "north")
INDUSTRIES = ("manufacturing", "agriculture", "tourism", None)
CHANNELS = ("fair", "chain", "other")
FIRST = dt.date(2022, 1, 1)
SPECIAL_DAYS = (dt.date(2024, 2, 29), dt.date(2023, 2, 28), dt.date(2025, 2, 28),
                dt.date(2024, 12, 31), dt.date(2024, 1, 1))
PERIODS = (
    (dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
    (dt.date(2024, 2, 29), dt.date(2024, 2, 29)),
    (dt.date(2023, 3, 1), dt.date(2024, 2, 29)),
    (dt.date(2025, 2, 1), dt.date(2025, 3, 31)),
    (dt.date(2022, 6, 1), dt.date(2025, 5, 31)),  # longer than a year: overlaps last year's
)


def _day(rng: random.Random) -> dt.date:
    if rng.random() < 0.2:
        return rng.choice(SPECIAL_DAYS)
    return FIRST + dt.timedelta(days=rng.randrange(4 * 365))


def _money(rng: random.Random) -> Decimal:
    return rng.choice((Decimal("0.0001"), Decimal("9876543210.9876"),
                       Decimal(rng.randrange(1, 10 ** 8)).scaleb(-4),
                       Decimal(rng.randrange(1, 10 ** 6))))


@pytest.fixture
def session(db_url):
    engine = make_engine(db_url)
    Base.metadata.create_all(engine)
    factory = make_session_factory(engine)
    with factory() as session:
        yield session
    engine.dispose()


def seed(session, projects: int = 80, seed_value: int = 21) -> None:
    rng = random.Random(seed_value)
    units = [Unit(code=code, name=code.upper(), kind="district") for code in UNITS]
    session.add_all(units)
    session.flush()
    for number in range(projects):
        enterprise = Enterprise(name=f"企业{number}", normalized_name=f"企业{number}")
        finding, host = rng.choice(units), rng.choice(units)
        signed_on = _day(rng) if rng.random() < 0.8 else None
        started_on = None
        if signed_on is not None and rng.random() < 0.6:
            started_on = min(signed_on + dt.timedelta(days=rng.randrange(400)),
                             dt.date(2025, 12, 31))
        project = Project(
            name=f"项目{number}", enterprise=enterprise, industry=rng.choice(INDUSTRIES),
            amount=_money(rng), stage=rng.choice(list(Stage)).value,
            status=rng.choice(list(ProjectStatus)).value, finding_unit_id=finding.id,
            host_unit_id=host.id, channel=rng.choice(CHANNELS),
            out_of_province=rng.choice((True, False, None)), signed_on=signed_on,
            started_on=started_on)
        session.add(project)
        session.flush()
        for tranche in range(rng.randrange(4)):
            session.add(FundTranche(
                project_id=project.id, arrived_on=_day(rng), amount=_money(rng),
                evidence_ref=f"{number}-{tranche}",
                verification=rng.choice(("verified", "pending", "rejected"))))
        if rng.random() < 0.4:
            session.add(Transfer(
                project_id=project.id, from_unit_id=finding.id, to_unit_id=host.id,
                indicator_share_from=rng.choice((Decimal("0.3"), Decimal("0.3333"),
                                                 Decimal("0.5"))),
                tax_share_from=Decimal("0.5"),
                indicator_sharing_from=rng.choice(("signing", "start")),
                tax_sharing_from="signing", agreed_on=dt.date(2022, 1, 1), actor="test"))
    session.commit()


def as_text(figures) -> dict:
    """Every value as the API writes it (``str``): equal to the digit and the exponent."""
    return {key: None if value is None else str(value)
            for key, value in figures.as_dict().items()}


@pytest.mark.parametrize("group_by", [None, "unit", "industry", "channel", "month"])
def test_sql_figures_equal_the_reference_definition(session, group_by):
    seed(session)
    labels = {"east": "东区"}
    for out_of_province in (None, True, False, "unknown"):
        facts = city_projects(session, out_of_province, by_unit=group_by == "unit")
        for start, end in PERIODS:
            expected_total, expected_groups = tally(facts, start, end, group_by, labels)
            total, groups = city_figures(session, start, end, group_by, out_of_province, labels)
            context = (group_by, out_of_province, start, end)
            assert as_text(total) == as_text(expected_total), context
            assert [as_text(g) for g in groups] == [as_text(g) for g in expected_groups], context


def test_sums_of_money_are_exact(session):
    """Sums a float would round (SQLite keeps numerics as floats) are exact to 0.0001."""
    unit = Unit(code="east", name="东区", kind="district")
    session.add(unit)
    session.flush()
    amounts = [Decimal("99999999999.9999")] * 9 + [Decimal("0.0001")] * 7
    for number, amount in enumerate(amounts):
        project = Project(name=f"项目{number}", amount=amount, finding_unit_id=unit.id,
                          host_unit_id=unit.id, stage="signed", out_of_province=True,
                          signed_on=dt.date(2024, 3, 1),
                          enterprise=Enterprise(name=f"企业{number}", normalized_name=f"{number}"))
        session.add(project)
        session.flush()
        session.add(FundTranche(project_id=project.id, arrived_on=dt.date(2024, 4, 1),
                                amount=amount, evidence_ref=str(number), verification="verified"))
    session.commit()
    total, _ = city_figures(session, dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    assert total.signed_amount == total.arrived_amount == Decimal("899999999999.9998")
    assert str(total.signed_amount) == "899999999999.9998"
    assert session.scalar(sa.select(sa.func.count()).select_from(Project)) == len(amounts)


@pytest.mark.parametrize("group_by", [None, "unit", "industry", "channel", "month"])
def test_stats_equal_the_reference_definition_with_the_unknown_count(session, group_by):
    """``/stats``' figures (any 省外 filter) and its count of projects of unknown province."""
    seed(session)
    labels = {"east": "东区"}
    facts_of = {flag: city_projects(session, flag, by_unit=group_by == "unit")
                for flag in (None, True, False, "unknown")}
    for out_of_province in (None, True, False, "unknown"):
        for start, end in PERIODS:
            expected_total, expected_groups = tally(facts_of[out_of_province], start, end,
                                                    group_by, labels)
            unknown, _ = tally(facts_of["unknown"], start, end)
            total, groups, unknown_count = city_stats(session, start, end, group_by,
                                                      out_of_province, labels)
            context = (group_by, out_of_province, start, end)
            assert as_text(total) == as_text(expected_total), context
            assert [as_text(g) for g in groups] == [as_text(g) for g in expected_groups], context
            assert str(unknown_count) == str(unknown.signed_count), context


@pytest.mark.parametrize("group_by", [None, "industry", "channel", "month"])
def test_stats_take_one_statement_whatever_the_filter(session, group_by):
    """The figures and the unknown-province count come from one statement: the pass over the
    projects (by month: one per date they are read by) and the one over the tranches, sent
    as one ``UNION ALL``."""
    seed(session, projects=20)
    statements: list[str] = []
    engine = session.get_bind()
    listen = sa.event.listens_for(engine, "before_cursor_execute")
    listen(lambda *args: statements.append(args[2]))
    for out_of_province in (None, True, "unknown"):
        statements.clear()
        city_stats(session, dt.date(2024, 1, 1), dt.date(2024, 12, 31), group_by,
                   out_of_province)
        assert len(statements) == 1, statements


def test_postgresql_scales_each_sum_of_money_once(session):
    """On PostgreSQL (exact NUMERIC sums) a group's money is summed as stored and scaled to
    ten-thousandths once, not rounded and cast row by row (a fifth of ``/stats``' SQL time);
    SQLite, which adds floats, keeps the per-row integers. The figures are the same either way
    (:func:`test_sums_of_money_are_exact`, :func:`test_sql_figures_equal_the_reference_definition`)."""
    seed(session, projects=5)
    statements: list[str] = []
    engine = session.get_bind()
    sa.event.listens_for(engine, "before_cursor_execute")(
        lambda *args: statements.append(args[2]))
    city_stats(session, dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    (statement,) = statements
    per_row = statement.count("round(")
    assert per_row == (0 if engine.dialect.name == "postgresql" else 4), statement
