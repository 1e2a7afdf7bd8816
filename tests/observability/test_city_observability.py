"""A city's /metrics, /livez, /readyz and its JSON request log (core.observability)."""

from __future__ import annotations

import json
import logging

import sqlalchemy as sa
from prometheus_client.parser import text_string_to_metric_families

from core.api.support import EXTENSION
from tests.support.records import lead_body


def scrape(app) -> dict[tuple[str, tuple], float]:
    """Every sample of the app's /metrics, parsed as Prometheus would: (name, labels) → value."""
    answer = app.test_client().get("/metrics")  # no token: the internal network scrapes
    assert answer.status_code == 200
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(answer.get_data(as_text=True))
            for sample in family.samples}


def test_metrics_count_requests_by_operation_and_show_the_outbox_backlog(client, app):
    created = client.post("/leads", json=lead_body(1))
    assert created.status_code == 201
    samples = scrape(app)
    key = ("zhaoshang_request_duration_seconds_count",
           (("operation", "leads.report_lead"), ("status", "201")))
    assert samples.get(key) == 1, sorted(k for k in samples if "count" in k[0])
    # The lead's event waits for the relay: the backlog counts it, its age is known.
    with app.extensions[EXTENSION].engine.connect() as connection:
        waiting = connection.execute(sa.text("SELECT count(*) FROM outbox WHERE sent_at IS NULL")).scalar()
    assert waiting >= 1
    assert samples[("zhaoshang_outbox_backlog", ())] == waiting
    assert samples[("zhaoshang_outbox_oldest_unsent_age_seconds", ())] >= 0


def test_one_json_log_line_per_request_with_the_gateways_request_id(client, app, caplog):
    caplog.set_level(logging.INFO, logger="zhaoshang.requests")
    answer = client.get("/projects", headers={"X-Request-Id": "req-from-gateway-1"})
    assert answer.status_code == 200
    assert answer.headers["X-Request-Id"] == "req-from-gateway-1"
    lines = [json.loads(record.getMessage()) for record in caplog.records
             if record.name == "zhaoshang.requests"]
    assert len(lines) == 1, lines
    line = lines[0]
    assert line["request_id"] == "req-from-gateway-1"
    assert line["status"] == 200 and line["method"] == "GET" and line["path"].endswith("/projects")
    assert line["operation"] == "projects.list_projects" and line["duration_ms"] >= 0
    assert line["service"] == "city-testcity" and line["event"] == "request"


def test_a_request_without_an_id_gets_one_in_the_answer_and_the_log(client, caplog):
    caplog.set_level(logging.INFO, logger="zhaoshang.requests")
    answer = client.get("/projects")
    logged = json.loads(next(r.getMessage() for r in caplog.records if r.name == "zhaoshang.requests"))
    assert answer.headers["X-Request-Id"] == logged["request_id"] and len(logged["request_id"]) == 32


def test_livez_and_readyz_answer_without_a_token(app):
    web = app.test_client()
    assert web.get("/livez").status_code == 200
    ready = web.get("/readyz")
    assert ready.status_code == 200, ready.get_data(as_text=True)


def test_readyz_is_503_while_the_schema_is_not_at_its_head(app):
    """What a migration half-way looks like to the probe: the version table differs."""
    engine = app.extensions[EXTENSION].engine
    with engine.begin() as connection:
        versions = list(connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalars())
        connection.execute(sa.text("DELETE FROM alembic_version"))
    try:
        answer = app.test_client().get("/readyz")
        assert answer.status_code == 503
        assert "migration pending" in answer.get_data(as_text=True)
        assert app.test_client().get("/livez").status_code == 200  # alive: do not restart it
    finally:
        with engine.begin() as connection:
            for version in versions:
                connection.execute(sa.text("INSERT INTO alembic_version VALUES (:v)"), {"v": version})


def test_readyz_is_503_when_the_database_is_unreachable(city, tmp_path):
    from core.app import create_app

    # A PostgreSQL URL nobody listens on: the service starts (no connection at build time).
    app = create_app(city, "postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=1")
    answer = app.test_client().get("/readyz")
    assert answer.status_code == 503
    assert "database unreachable" in answer.get_data(as_text=True)
    assert app.test_client().get("/livez").status_code == 200
