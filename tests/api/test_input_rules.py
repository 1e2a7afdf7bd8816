"""Input that cannot crash a request (``core.input_rules``): deep JSON, odd bodies and number
literals, periods outside 1900–2100, money strings Decimal() would take, invisible characters
in names, NUL anywhere (PostgreSQL stores none), and search words with % and _ — each a 400
with a Chinese message naming the field, and nothing written. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest

from tests.support.records import create_project, lead_body, project_body, row_counts

TABLES = ("enterprises", "leads", "projects", "outbox")


def post_raw(client, path: str, body: str | bytes):
    return client.post(path, data=body, content_type="application/json")


def only_error(response) -> tuple[str, str, str]:
    assert response.status_code == 400, response.json
    [error] = response.json["errors"]
    return error["field"], error["code"], error["message"]


@pytest.mark.parametrize("depth", [33, 100, 100_000])
def test_json_nested_beyond_32_levels_is_refused_not_a_crash(client, app, depth):
    before = row_counts(app, *TABLES)
    nested = "[" * depth + "]" * depth
    body = json.dumps(lead_body())[:-1] + f', "attributes": {{"x": {nested}}}}}'
    field, code, message = only_error(post_raw(client, "/leads", body))
    assert (field, code) == ("_body", "body.too_deep")
    assert "嵌套过深" in message
    assert row_counts(app, *TABLES) == before


def test_json_nested_32_levels_deep_still_reaches_the_schema(client):
    nested = '{"a":' * 31 + "1" + "}" * 31  # 31 levels under the body's own object: 32 in all
    response = post_raw(client, "/leads", json.dumps(lead_body())[:-1] + f', "attributes": {nested}}}')
    assert response.status_code == 201, response.json


@pytest.mark.parametrize(("body", "code", "gist"), [
    ('["a", "list"]', "body.not_object", "JSON 对象"),
    ('"text"', "body.not_object", "JSON 对象"),
    (b'{"title": "\xff\xfe"}', "invalid_utf8", "UTF-8"),
    ('{"intended_amount": 1' + "0" * 5000 + "}", "body.number", "数值"),
    ('{"intended_amount": 1e999999}', "body.number", "数值"),
    ('{"intended_amount": NaN}', "body.number", "数值无效"),
    ('{"title": ', "body.not_json", "JSON"),
])
def test_a_body_that_is_no_json_object_is_a_chinese_400(client, app, body, code, gist):
    before = row_counts(app, *TABLES)
    field, got, message = only_error(post_raw(client, "/leads", body))
    assert (field, got) == ("_body", code)
    assert gist in message
    assert row_counts(app, *TABLES) == before


@pytest.mark.parametrize(("amount", "code"), [
    ("1e10", "money.format"), ("1E3", "money.format"), (" 12 ", "money.format"),
    ("１２", "money.format"), ("١٢", "money.format"), ("NaN", "money.format"),
    ("Infinity", "money.format"), ("+12", "money.format"), ("12.", "money.format"),
    ("-0", "money.negative"), ("-12.5", "money.negative"), ("12.00001", "money.places"),
    ("100000000000000", "too_large"),
])
def test_money_strings_decimal_would_take_are_refused(client, app, amount, code):
    before = row_counts(app, *TABLES)
    field, got, message = only_error(client.post("/leads", json=lead_body(intended_amount=amount)))
    assert (field, got) == ("intended_amount", code)
    assert message and not message.isascii()
    assert row_counts(app, *TABLES) == before


@pytest.mark.parametrize(("literal", "stored"), [
    ('"12"', "12.0000"), ('"12.50"', "12.5000"), ("12", "12.0000"), ("12.5", "12.5000"),
    ("0.1", "0.1000"), ("1234567.8901", "1234567.8901"),
])
def test_plain_amounts_and_exact_json_numbers_are_kept_exactly(client, literal, stored):
    body = json.dumps(lead_body())[:-1] + f', "intended_amount": {literal}}}'
    body = body.replace('"intended_amount": "20000", ', "")
    response = post_raw(client, "/leads", body)
    assert response.status_code == 201, response.json
    assert response.json["intended_amount"] == stored


def test_a_json_number_in_exponent_form_is_no_amount(client):
    body = json.dumps(lead_body())[:-1] + ', "intended_amount": 1e3}'
    field, code, _ = only_error(post_raw(client, "/leads", body.replace(
        '"intended_amount": "20000", ', "")))
    assert (field, code) == ("intended_amount", "money.format")


@pytest.mark.parametrize(("char", "code"), [
    ("\x00", "text.nul"), ("\n", "name.control"), ("\t", "name.control"),
    ("\x85", "name.control"), ("\u202e", "name.bidi"), ("\u2066", "name.bidi"),
    ("\u200b", "name.invisible"), ("\u2060", "name.invisible"), ("\ufeff", "name.invisible"),
])
def test_names_refuse_control_bidi_and_zero_width_characters(client, app, char, code):
    before = row_counts(app, *TABLES)
    for path, body, field in (
        ("/projects", project_body(name=f"智能装备{char}产业园"), "name"),
        ("/leads", lead_body(title=f"新材料{char}线索"), "title"),
        ("/leads", lead_body(enterprise={"name": f"测试{char}有限公司"}), "enterprise.name"),
        ("/projects", project_body(leader_name=f"张{char}三"), "leader_name"),
    ):
        got_field, got, message = only_error(client.post(path, json=body))
        assert (got_field, got) == (field, code)
        assert "名称" in message or "空字符" in message
    assert row_counts(app, *TABLES) == before


def test_nul_is_refused_in_free_text_and_free_form_attributes_but_newlines_stay(client, app):
    before = row_counts(app, *TABLES)
    for body, field in ((project_body(description="第一段\x00第二段"), "description"),
                        (project_body(attributes={"note": "备\x00注"}), "attributes.note")):
        got_field, code, message = only_error(client.post("/projects", json=body))
        assert (got_field, code) == (field, "text.nul")
        assert "空字符" in message
    assert row_counts(app, *TABLES) == before
    project = create_project(client, description="第一段\n\t第二段")
    assert project["description"] == "第一段\n\t第二段"


def test_nul_in_a_query_is_a_field_problem(client):
    field, code, _ = only_error(client.get("/projects", query_string={"q": "项目\x00"}))
    assert (field, code) == ("q", "text.nul")


def test_percent_and_underscore_in_a_search_match_themselves(client):
    create_project(client, 1, name="达产率100%项目")
    create_project(client, 2, name="智能装备项目")
    create_project(client, 3, name="A_B 合作项目")

    def names(q: str) -> set[str]:
        response = client.get("/projects", query_string={"q": q})
        assert response.status_code == 200, response.json
        return {item["name"] for item in response.json["items"]}

    # A search needs two characters (core.search): each wildcard is tried beside another.
    assert names("0%") == {"达产率100%项目"}
    assert names("A_") == {"A_B 合作项目"}
    assert names("%%") == set()
    assert names("智能_备") == set()
    assert names("\\\\") == set()
    leads = client.get("/leads", query_string={"q": "%%"})
    assert leads.status_code == 200 and leads.json["total"] == 0
    enterprises = client.get("/enterprises", query_string={"q": "__"})
    assert enterprises.status_code == 200 and enterprises.json["total"] == 0


def test_a_period_or_date_outside_1900_to_2100_is_a_field_problem(client):
    for query in ("from=0000-01-01&to=2026-01-01", "from=2026-01-01&to=9999-12-31"):
        response = client.get(f"/stats?{query}")
        assert response.status_code == 400
        assert {e["code"] for e in response.json["errors"]} <= {"invalid", "date.out_of_range"}
