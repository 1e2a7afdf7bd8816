"""``make bench`` section ``search``: a list's ``q`` (core.search) at 20,000 projects and leads,
on PostgreSQL (pg_trgm GIN) and SQLite (FTS5 trigram; LIKE under three characters), against the
same list unfiltered (one page, same sort). The goal: a search costs about what a page does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from benchmarks.measure import Row, median_seconds

RECORDS = 20_000
# A fragment inside a name (基准项目12345 → "项目123"), two characters, a credit code's start.
QUERIES = (("three+ characters", "/api/v1/projects?q=项目1234"),
           ("two characters", "/api/v1/leads?q=投资"),
           ("enterprise name fragment", "/api/v1/enterprises?q=投资1999"))
BASELINE = "/api/v1/projects?per_page=50"


def rows_for(app: Any, database: str, headers: dict[str, str], repeat: int,
             records: int = RECORDS) -> list[Row]:
    client = app.test_client()

    def timed(path: str) -> float:
        def call() -> None:
            response = client.get(path, headers=headers)
            assert response.status_code == 200, response.get_json()

        return median_seconds(call, repeat)

    baseline = timed(BASELINE)
    rows = []
    for what, path in QUERIES:
        seconds = timed(path)
        rows.append(Row("search", f"{database}: q, {what}, {records:,} records", seconds,
                        baseline, "the list's first page, no q", goal="≤ 3×",
                        met=seconds <= 3 * baseline))
    return rows


def run(server: Any, work: Path, units: int, repeat: int) -> list[Row]:
    """The rows for PostgreSQL (a database on ``server``) and for SQLite (a file in ``work``)."""
    from benchmarks.side_by_side import city_app, identity_headers

    rows: list[Row] = []
    for database, url in (("PostgreSQL", server.create_database("bench_search")),
                          ("SQLite", f"sqlite:///{work / 'search.db'}")):
        app = city_app(url, units, RECORDS)
        try:
            rows += rows_for(app, database, identity_headers(), repeat)
        finally:
            app.extensions["zhaoshang"].engine.dispose()
    return rows
