"""Refused and invalid requests: problem+json with stable codes and Chinese messages, and
nothing written — no row and no outbox event (issue 2's "done when")."""

from __future__ import annotations

import re

import pytest

from tests.support.records import advance, create_project, lead_body, project_body, row_counts

ALL_TABLES = ("enterprises", "leads", "projects", "stage_transitions", "project_changes",
              "fund_tranches", "milestones", "transfers")
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def test_a_refused_transition_is_409_with_its_reasons_and_writes_nothing(client, app):
    project = create_project(client)
    advance(client, project["id"], "negotiating")
    before = row_counts(app, *ALL_TABLES)
    response = client.post(f"/projects/{project['id']}/transitions",
                           json={"target": "signed", "occurred_on": "2024-03-01",
                                 "reason": "签约仪式"})
    assert response.status_code == 409
    assert response.mimetype == "application/problem+json"
    body = response.json
    assert body["status"] == 409
    assert body["code"] == "transition_refused"
    assert body["type"].endswith("/transition_refused")
    assert body["refusals"] and all(CHINESE.search(r["message"]) for r in body["refusals"])
    assert all(r["message"] in body["detail"] for r in body["refusals"])
    assert row_counts(app, *ALL_TABLES) == before
    after = client.get(f"/projects/{project['id']}").json
    assert (after["stage"], after["signed_on"]) == ("negotiating", None)


@pytest.mark.parametrize("path, body", [
    ("/leads", lead_body()),
    ("/projects", project_body()),
])
@pytest.mark.parametrize("bad_code", [
    "91110105TC00000137",   # wrong check character (…136 is right)
    "9111010",              # too short
    "9I110105TC00000136",   # I is not in the code's alphabet
])
def test_a_malformed_credit_code_is_400_naming_the_field_and_writes_nothing(
        client, app, path, body, bad_code):
    body = {**body, "enterprise": {**body["enterprise"], "credit_code": bad_code}}
    before = row_counts(app, *ALL_TABLES)
    response = client.post(path, json=body)
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert response.json["code"] == "invalid_input"
    [error] = response.json["errors"]
    assert error["field"] == "enterprise.credit_code"
    assert error["code"].startswith("credit_code.")
    assert CHINESE.search(error["message"]) and "统一社会信用代码" in error["message"]
    assert row_counts(app, *ALL_TABLES) == before


def test_an_amount_in_scientific_notation_is_refused_and_a_json_decimal_is_exact(client, app):
    before = row_counts(app, *ALL_TABLES)
    response = client.post("/projects", json=project_body(amount="5e4"))
    assert response.status_code == 400
    [error] = response.json["errors"]
    assert (error["field"], error["code"]) == ("amount", "money.format")
    assert "万元" in error["message"]
    # JSON numbers are read as exact decimals (core.input_rules), never as floats.
    assert client.post("/projects", json=project_body(amount=50000.1)).json["amount"] == "50000.1000"
    assert client.post("/projects", json=project_body(2, amount=50000)).status_code == 201
    assert row_counts(app, "projects")["projects"] == before["projects"] + 2


def test_amounts_are_exact_to_four_places_and_never_negative(client):
    response = client.post("/projects", json=project_body(amount="-5"))
    assert response.status_code == 400
    assert response.json["errors"][0]["field"] == "amount"
    response = client.post("/projects", json=project_body(amount="1.23456"))
    assert response.status_code == 400
    assert response.json["errors"][0]["field"] == "amount"


def test_an_unknown_field_is_refused_not_dropped(client, app):
    before = row_counts(app, *ALL_TABLES)
    response = client.post("/leads", json={**lead_body(), "amout": "1000"})
    assert response.status_code == 400
    [error] = response.json["errors"]
    assert (error["field"], error["code"], error["message"]) == ("amout", "unknown", "不认识的字段")
    nested = client.post("/leads", json=lead_body(enterprise={"name": "某某有限公司", "tel": "1"}))
    assert nested.json["errors"][0]["field"] == "enterprise.tel"
    assert row_counts(app, *ALL_TABLES) == before


def test_every_bad_field_is_reported_at_once(client):
    response = client.post("/leads", json={"enterprise": {}, "channel": "telepathy"})
    assert response.status_code == 400
    fields = {error["field"]: error for error in response.json["errors"]}
    assert set(fields) == {"title", "enterprise.name", "reporting_unit", "channel"}
    assert fields["title"]["code"] == "required"
    assert fields["title"]["message"] == "此项为必填项"
    assert "应为以下取值之一" in fields["channel"]["message"]


def test_a_body_that_is_not_json_is_a_problem(client):
    response = client.post("/leads", data="title=x", content_type="text/plain")
    assert response.status_code == 400
    assert response.json["errors"][0]["code"] == "body.not_json"
    response = client.post("/leads", json=["a", "list"])
    assert response.status_code == 400
    assert response.json["errors"][0]["message"] == "请求体应为 JSON 对象"


def test_unknown_routes_and_methods_are_problems_too(client):
    response = client.get("/nothing-here")
    assert (response.status_code, response.mimetype) == (404, "application/problem+json")
    assert response.json["title"] == "未找到"
    response = client.request("DELETE", "/leads")
    assert response.status_code == 405
    assert response.json["code"] == "http_405"


def test_a_stats_range_backwards_is_named(client):
    response = client.get("/stats?from=2024-06-01&to=2024-01-01")
    assert response.status_code == 400
    assert response.json["errors"][0] == {"field": "from", "code": "range.order",
                                           "message": "起始日期不能晚于截止日期"}
