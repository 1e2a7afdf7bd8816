"""A GET reads outside a transaction and cannot write; every other request writes in one
(``core.db.make_read_session_factory``, ``core.api.support.request_sessions``)."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from core.api.support import EXTENSION, transaction
from core.db import ReadOnlyViolation
from core.models import Enterprise
from tests.support.records import lead_body
from tests.support.transactions import statements_and_transactions


def investors(app: Any) -> int:
    with app.extensions[EXTENSION].sessions() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(Enterprise))


@pytest.mark.parametrize("path", ["/projects?per_page=5", "/leads?per_page=5",
                                  "/stats?from=2024-01-01&to=2024-12-31"])
def test_a_read_leaves_no_transaction_open(app, client, path):
    client.post("/leads", json=lead_body(1), as_=("clerk", "east"))
    with statements_and_transactions(app.extensions[EXTENSION].engine) as seen:
        assert client.get(path).status_code == 200
    assert seen and not [statement for statement, open_ in seen if open_]


def test_a_write_after_reads_still_runs_in_one_transaction(app, client):
    for _ in range(3):  # the pool's connections have all served reads
        assert client.get("/projects").status_code == 200
    with statements_and_transactions(app.extensions[EXTENSION].engine) as seen:
        response = client.post("/leads", json=lead_body(1), as_=("clerk", "east"))
    assert response.status_code == 201, response.json
    inserts = [open_ for statement, open_ in seen if statement.lstrip().startswith("INSERT")]
    assert inserts and all(inserts)
    # And it rolls back as one: a unit of work that fails after writing leaves nothing.
    before = investors(app)
    with app.test_request_context("/api/v1/leads", method="POST"), \
            pytest.raises(RuntimeError, match="after writing"), transaction() as session:
        session.add(Enterprise(name="半途企业", normalized_name="半途企业"))
        session.flush()
        raise RuntimeError("after writing")
    assert investors(app) == before


def test_a_read_that_tries_to_write_is_refused_and_writes_nothing(app):
    before = investors(app)
    for method in ("GET", "HEAD"):
        with app.test_request_context("/api/v1/projects", method=method):
            with pytest.raises(ReadOnlyViolation, match="read-only request tried to write"), \
                    transaction() as session:
                session.execute(sa.insert(Enterprise).values(
                    name="只读企业", normalized_name="只读企业", tags=[], version=1))
            with pytest.raises(ReadOnlyViolation), transaction() as session:
                session.add(Enterprise(name="只读企业", normalized_name="只读企业"))
                session.flush()
    assert investors(app) == before


def test_a_read_may_send_any_select_a_view_builds(app):
    """A union of limited selects comes parenthesised (PostgreSQL; SQLite has no such
    union); a CTE starts with WITH."""
    with app.test_request_context("/api/v1/projects", method="GET"), transaction() as session:
        if session.get_bind().dialect.name == "postgresql":
            limited = [sa.select(Enterprise.id).order_by(Enterprise.id).limit(1)] * 2
            assert session.execute(sa.union_all(*limited)).all() == []
        counted = sa.select(Enterprise.id).cte("known")
        assert session.scalar(sa.select(sa.func.count()).select_from(counted)) == 0


def test_work_outside_a_request_keeps_its_transaction(app):
    """A command or the scheduler (no request) writes in a transaction as before."""
    before = investors(app)
    with app.app_context():
        with pytest.raises(RuntimeError, match="rolled back"), transaction() as session:
            session.add(Enterprise(name="命令企业", normalized_name="命令企业"))
            session.flush()
            raise RuntimeError("rolled back")
        assert investors(app) == before
        with transaction() as session:
            session.add(Enterprise(name="命令企业", normalized_name="命令企业"))
    assert investors(app) == before + 1
