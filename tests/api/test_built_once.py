"""What a request never rebuilds: schema instances and the figures' SQL statements are built once
per process and reused, whatever the request's values (``docs/mechanisms.md``, "A lean request
path")."""

from __future__ import annotations

import marshmallow

from core import figure_queries
from tests.api.test_request_cost import add_projects
from tests.support.records import lead_body

STATS = ("/stats?from=2024-01-01&to=2024-12-31", "/stats?from=2024-01-01&to=2024-12-31&group_by=industry",
         "/stats?from=2024-01-01&to=2024-12-31&out_of_province=true")


def requests(client, serial: int) -> None:
    """One of each path of the request-path benchmark, an officer's and a clerk's."""
    assert client.get("/city").status_code == 200
    assert client.get("/projects?per_page=20").status_code == 200
    assert client.get("/projects?per_page=5&stage=signed", as_=("clerk", "east")).status_code == 200
    for path in STATS:
        assert client.get(path).status_code == 200
    assert client.post("/leads", json=lead_body(serial), as_=("clerk", "east")).status_code == 201
    assert client.post("/leads", json=lead_body(serial + 1)).status_code == 201


def test_requests_build_no_schema_once_each_path_has_run(app, client, monkeypatch):
    add_projects(app, 3)
    requests(client, 1)  # the first of each builds its schemas (and their nested ones)
    built: list[str] = []
    original = marshmallow.Schema.__init__

    def counted(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        built.append(type(self).__name__)
        original(self, *args, **kwargs)

    monkeypatch.setattr(marshmallow.Schema, "__init__", counted)
    requests(client, 11)
    assert built == []


def test_figure_statements_are_built_once_and_answer_for_any_dates(app, client, monkeypatch):
    add_projects(app, 4)
    later = "/stats?from=2024-03-01&to=2025-02-28&group_by=industry"
    client.get("/stats?from=2023-01-01&to=2023-12-31&group_by=industry")
    built: list[tuple] = []
    original = figure_queries._build

    def counted(tables, keys, out_of_province, where):  # type: ignore[no-untyped-def]
        built.append(keys)
        return original(tables, keys, out_of_province, where)

    monkeypatch.setattr(figure_queries, "_build", counted)
    reused = client.get(later).json
    assert built == []  # other dates, the same statements
    assert reused["total"]["signed_count"] == "4"  # the later dates, not the first request's
    monkeypatch.setattr(figure_queries, "_BUILT", {})
    assert client.get(later).json == reused  # a fresh build answers the same
    # One statement: the figures grouped by the 省外 flag too, so the unknown-province count
    # comes from the same rows.
    assert built == [("out_of_province", "industry")]
