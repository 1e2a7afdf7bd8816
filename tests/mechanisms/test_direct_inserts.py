"""New rows written by their own ``INSERT … RETURNING`` (``core.direct_inserts``) end as the
ORM's flush would leave them: defaults and keys filled in, foreign keys taken from the objects
they refer to, JSON's null stored as null, an attached record in the identity map whose version
the optimistic lock knows, and an outbox's positions in the order the events were recorded."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError

from core.db import Base, make_engine, make_session_factory
from core.direct_inserts import insert_by_class, insert_persistent, insert_rows
from core.events import wire_value
from core.models import EarlyWarning, Enterprise, Lead, OutboxEvent, Unit
from tests.support.query_plans import sent_statements


@pytest.fixture
def session(db_url):
    engine = make_engine(db_url)
    Base.metadata.create_all(engine)
    with make_session_factory(engine)() as session:
        yield session
    engine.dispose()


def new_lead(unit: Unit, investor: Enterprise, **values) -> Lead:
    return Lead(title="直接写入的线索", enterprise=investor, reporting_unit=unit,
                reported_on=dt.date(2026, 3, 2), intended_amount=Decimal("1234.5678"), **values)


def event(number: int) -> OutboxEvent:
    return OutboxEvent(id=f"00000000-0000-0000-0000-{number:012d}", source="/zhaoshang/cities/t",
                       type="zhaoshang.lead.reported", subject=f"lead/{number}",
                       time=dt.datetime(2026, 3, 2, tzinfo=dt.UTC), city="t",
                       aggregate_type="lead", aggregate_id=f"t:lead:{number}",
                       wire=wire_value({"n": number}))


def test_an_attached_record_is_what_a_flush_would_have_left(session):
    unit = Unit(code="east", name="东区", kind="district")
    session.add(unit)
    session.flush()
    investor = Enterprise(name="直接写入企业", normalized_name="直接写入企业")
    lead = new_lead(unit, investor, attributes={"note": None})
    with sent_statements(session.get_bind()) as sent:
        insert_persistent(session, investor, lead)
        # Defaults and keys came back with the INSERT: reading them sends nothing.
        assert (lead.status, lead.channel, lead.version, lead.first_talk_due_estimated) == (
            "reported", "other", 1, False)
        assert lead.created_at is not None and lead.enterprise_id == investor.id
        assert lead.reporting_unit_id == unit.id
        assert session.get(Lead, lead.id) is lead  # in the identity map
    assert [statement.split()[:3] for statement, _ in sent] == [
        ["INSERT", "INTO", "enterprises"], ["INSERT", "INTO", "leads"]]
    assert lead in session and not session.new and not session.dirty
    session.commit()
    session.expire_all()
    stored = session.get(Lead, lead.id)
    assert (stored.enterprise.name, stored.intended_amount, stored.attributes) == (
        "直接写入企业", Decimal("1234.5678"), {"note": None})


def test_an_attached_record_is_updated_under_its_version(session):
    unit = Unit(code="east", name="东区", kind="district")
    investor = Enterprise(name="版本企业", normalized_name="版本企业")
    session.add(unit)
    session.flush()
    lead = new_lead(unit, investor)
    insert_persistent(session, investor, lead)
    lead.title = "改过的标题"
    session.flush()
    assert lead.version == 2
    # Another writer moved it on: the next update of the stale record is refused.
    session.execute(sa.update(Lead.__table__).where(Lead.__table__.c.id == lead.id)
                    .values(version=3))
    lead.title = "再改"
    with pytest.raises(StaleDataError):
        session.flush()


def test_a_reference_to_a_row_not_yet_inserted_is_refused(session):
    unit = Unit(code="east", name="东区", kind="district")
    session.add(unit)
    session.flush()
    lead = new_lead(unit, Enterprise(name="未写入", normalized_name="未写入"))
    with pytest.raises(ValueError, match="enterprise refers to a row not yet inserted"):
        insert_rows(session, [lead])


def test_rows_keep_their_order_and_get_their_generated_keys(session):
    events = [event(number) for number in range(5)]
    insert_rows(session, events[:2])
    insert_rows(session, events[2:3])
    insert_rows(session, events[3:])
    positions = [item.position for item in events]
    assert positions == sorted(positions) and len(set(positions)) == 5
    assert session.scalars(sa.select(OutboxEvent.id).order_by(OutboxEvent.position)).all() == [
        item.id for item in events]
    # Transient: nothing of the session's own was touched, the rows are read like any other.
    assert not session.new and all(item not in session for item in events)


def test_several_classes_go_one_statement_each_in_order(session):
    moment = dt.datetime(2026, 3, 2, tzinfo=dt.UTC)
    rows = []
    for number in range(3):
        rows.append(EarlyWarning(subject_type="lead", subject_id=number, unit_code=None,
                                 rule_code="late", rule_name="迟报", level="yellow",
                                 reason=f"第{number}条", since=moment.date(), raised_at=moment,
                                 updated_at=moment, cleared_at=None))
        rows.append(event(number))
    with sent_statements(session.get_bind()) as sent:
        insert_by_class(session, rows)
    # The rows of a class share their columns (unit_code and cleared_at given as NULL): one
    # multi-row statement each on PostgreSQL (SQLite's driver sends a row a statement).
    each = 1 if session.get_bind().dialect.name == "postgresql" else 3
    assert [statement.split()[2] for statement, _ in sent] == (
        ["warnings"] * each + ["outbox"] * each)
    assert all(row.id for row in rows if isinstance(row, EarlyWarning))
    assert [event.data for event in session.scalars(
        sa.select(OutboxEvent).order_by(OutboxEvent.position))] == [{"n": 0}, {"n": 1}, {"n": 2}]


def test_a_rolled_back_insert_leaves_the_session_as_a_flushed_one_would(session):
    unit = Unit(code="east", name="东区", kind="district")
    session.add(unit)
    session.commit()
    savepoint = session.begin_nested()
    first = Enterprise(name="回滚企业", normalized_name="回滚企业")
    insert_persistent(session, first)
    savepoint.rollback()
    # Out of the session and transient again: on SQLite the next row may take its id.
    assert first not in session and sa.inspect(first).transient
    second = Enterprise(name="之后的企业", normalized_name="之后的企业")
    lead = new_lead(unit, second)
    insert_persistent(session, second, lead)
    # A savepoint released keeps its records; the transaction's rollback takes them out.
    with session.begin_nested():
        kept = Enterprise(name="保留企业", normalized_name="保留企业")
        insert_persistent(session, kept)
    assert kept in session
    session.rollback()
    assert [(record in session, sa.inspect(record).transient) for record in (second, lead, kept)
            ] == [(False, True)] * 3
    assert session.scalar(sa.select(sa.func.count()).select_from(Enterprise)) == 0
