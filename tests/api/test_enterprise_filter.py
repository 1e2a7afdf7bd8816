"""The project and lead lists filter by investor id (the investor page lists its records)."""

from __future__ import annotations

from tests.support.records import create_project


def test_the_project_list_filters_by_investor(client):
    first = create_project(client, 1)
    create_project(client, 2)
    enterprise_id = first["enterprise"]["id"]
    listed = client.get(f"/projects?enterprise_id={enterprise_id}")
    assert listed.status_code == 200
    assert [p["id"] for p in listed.json["items"]] == [first["id"]]
    assert client.get("/leads?enterprise_id=0").status_code == 400
