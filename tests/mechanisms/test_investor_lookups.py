"""An investor's leads and projects are found through its index: a lead reported about a known
investor, and the duplicate check a clerk sees while typing, read that investor's rows, never
every lead or project of the city (whose history grows by 20,000 leads a year)."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from benchmarks.side_by_side import city_app
from core.models import Enterprise
from core.services.leads import duplicates_of, earlier_lead_for
from tests.support.query_plans import plan_steps, rows_read, sent_statements

pytestmark = pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)


def most_rows_read(engine: sa.Engine, call: Any) -> list[int]:
    """``call(session)``'s statements on ``projects`` and ``leads``, re-run under EXPLAIN
    ANALYZE: the most rows any scan of those two tables read (returned or filtered out), for
    each statement."""
    with sent_statements(engine) as sent, sa.orm.Session(engine) as session:
        call(session)
    with engine.connect() as connection:
        return [max(rows_read(step) for step in plan_steps(connection, statement, parameters)
                    if step.get("Relation Name") in ("leads", "projects"))
                for statement, parameters in sent
                if "FROM leads" in statement or "FROM projects" in statement]


def test_a_known_investors_leads_and_projects_are_read_through_its_index(db_url):
    app = city_app(db_url, units=5, projects=4000)  # as many leads, one investor each
    engine = app.extensions["zhaoshang"].engine
    with sa.orm.Session(engine) as session:
        investor = session.scalars(sa.select(Enterprise).order_by(Enterprise.id)
                                   .offset(2000).limit(1)).one()

    assert most_rows_read(engine, lambda s: earlier_lead_for(s, investor.id)) == [1]
    read = most_rows_read(engine, lambda s: duplicates_of(s, None, investor.normalized_name))
    assert len(read) == 2 and max(read) <= 1  # its lead, then its project
    engine.dispose()
