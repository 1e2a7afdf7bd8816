"""Input no database can hold is a field problem or a 404, never a 500 (found by Schemathesis
through the gateway): huge integers, lone surrogates, amounts beyond NUMERIC(18,4); and every
time the API writes out carries its UTC offset, on SQLite too."""

from __future__ import annotations

import json

from tests.support.records import create_project, lead_body, row_counts

TABLES = ("enterprises", "leads", "projects", "outbox")


def test_a_page_number_beyond_64_bits_is_a_field_problem(client):
    response = client.get("/projects?page=1943025356874802475827200")
    assert response.status_code == 400
    [problem] = response.json["errors"]
    assert (problem["field"], problem["code"], problem["message"]) == ("page", "too_large",
                                                                        "数值过大")


def test_a_page_whose_rows_could_not_be_counted_to_is_a_field_problem(client):
    response = client.get("/projects?page=4308687024314725376&per_page=162")
    assert response.status_code == 400
    assert [e["field"] for e in response.json["errors"]] == ["page"]
    assert client.get("/projects?page=10000000&per_page=500").json["items"] == []


def test_a_date_outside_1900_to_2100_is_a_field_problem(client):
    response = client.get("/stats?from=0001-01-01&to=0001-01-01")
    assert response.status_code == 400
    assert {(e["field"], e["code"]) for e in response.json["errors"]} == {
        ("from", "date.out_of_range"), ("to", "date.out_of_range")}
    assert client.post("/leads", json=lead_body(reported_on="9999-12-31")).json["errors"] == [{
        "field": "reported_on", "code": "date.out_of_range",
        "message": "日期应在 1900-01-01 至 2100-12-31 之间"}]


def test_an_id_beyond_64_bits_is_not_found_for_every_method(client):
    huge = "14560596390409765528797184"
    assert client.get(f"/projects/{huge}").status_code == 404
    assert client.patch(f"/projects/{huge}", json={"name": "不存在"}).status_code == 404
    assert client.get(f"/projects/{huge}/transitions").status_code == 404


def test_a_body_with_a_lone_surrogate_is_refused_and_writes_nothing(client, app):
    before = row_counts(app, *TABLES)
    body = json.dumps(lead_body(title="线索\ud800标题"))  # json escapes it as "\ud800"
    response = client.post("/leads", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.json["errors"] == [{"field": "_body", "code": "invalid_utf8",
                                        "message": "不是有效的文本"}]
    assert row_counts(app, *TABLES) == before


def test_an_amount_too_large_for_its_column_is_refused(client, app):
    before = row_counts(app, *TABLES)
    response = client.post("/leads", json=lead_body(intended_amount="100000000000000"))
    assert response.status_code == 400
    assert [(e["field"], e["code"]) for e in response.json["errors"]] == [
        ("intended_amount", "too_large")]
    assert row_counts(app, *TABLES) == before
    assert client.post("/leads", json=lead_body(intended_amount="99999999999999.9999")
                       ).status_code == 201


def test_times_written_out_carry_their_utc_offset(client):
    project = create_project(client)
    [change] = client.get(f"/projects/{project['id']}/history").json
    assert change["recorded_at"].endswith("+00:00")
