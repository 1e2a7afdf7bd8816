"""Who may do what: every operation declares it, the service enforces it, the docs show it."""

from __future__ import annotations

import pytest
from flask import Blueprint, jsonify

from core.api.access import UndeclaredOperation
from core.api.registry import operation
from core.permissions import OFFICE_ONLY, OWN_UNIT, VOCABULARY, body_units, office_only_fields
from core.permissions_doc import DOC_PATH, render
from core.toolkit import hookimpl
from tests.support.cities import make_city
from tests.support.records import lead_body, row_counts


def test_docs_permissions_md_is_generated_from_the_declarations():
    assert DOC_PATH.read_text(encoding="utf-8") == render(), (
        "docs/permissions.md is stale: run python -m core.permissions_doc")


def test_every_rule_of_the_vocabulary_has_a_distinct_code_and_a_chinese_label():
    codes = [rule.code for rule in VOCABULARY]
    assert len(set(codes)) == len(codes)
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in rule.label) for rule in VOCABULARY)


def test_an_operation_that_declares_nobody_stops_the_service():
    undeclared = Blueprint("undeclared_city", __name__)

    @operation(undeclared, "/things", "POST", summary="无人可办的操作")
    def make_thing():
        return jsonify({})

    class Plugin:
        @hookimpl
        def register_blueprints(self, city):
            return [undeclared]

    from core.app import create_app

    with pytest.raises(UndeclaredOperation, match="POST /things"):
        create_app(make_city(extra_plugins=[("undeclared", Plugin())]), "sqlite://")


def test_each_operation_of_the_openapi_document_carries_its_rule(client):
    document = client.get("/openapi.json").json
    operations = [item for methods in document["paths"].values() for item in methods.values()]
    assert operations and all("x-permission" in item for item in operations)
    assign = document["paths"]["/api/v1/leads/{lead_id}/assign"]["post"]["x-permission"]
    assert assign["rule"] == "office" and "clerk" not in assign["roles"]
    report = document["paths"]["/api/v1/leads"]["post"]["x-permission"]
    assert report["rule"] == "own_unit" and report["clerk_units"] == "请求中的 reporting_unit"


def test_a_clerk_cannot_judge_a_lead_of_any_unit(app, client):
    lead = client.post("/leads", json=lead_body()).json
    before = row_counts(app, "leads", "projects")
    for action, body in (("assign", {"first_talk_unit": "east"}), ("reject", {"reason": "不实"}),
                         ("convert", {"name": "项目", "amount": "20000"})):
        response = client.post(f"/leads/{lead['id']}/{action}", json=body, as_=("clerk", "east"))
        assert response.status_code == 403, (action, response.json)
        assert response.json["code"] == "forbidden_role"
        assert "市招商部门" in response.json["detail"]
    assert row_counts(app, "leads", "projects") == before


def test_a_clerk_reports_only_for_their_own_unit_and_is_told_which_unit_that_is(app, client):
    clerk = ("clerk", "east")
    assert client.post("/leads", json=lead_body(1, reporting_unit="east"),
                       as_=clerk).status_code == 201
    before = row_counts(app, "leads")
    response = client.post("/leads", json=lead_body(2, reporting_unit="west"), as_=clerk)
    assert response.status_code == 403 and response.json["code"] == "forbidden_unit"
    names = {unit["code"]: unit["name"] for unit in client.get("/units").json["items"]}
    assert response.json["detail"].startswith(f"您属于{names['east']}")
    assert names["west"] in response.json["detail"]
    assert row_counts(app, "leads") == before


def test_office_only_fields_are_found_in_nested_schemas():
    from marshmallow import Schema, fields

    class Inner(Schema):
        flag = fields.Boolean(metadata={OFFICE_ONLY: True, "description": "重点标记"})

    class Outer(Schema):
        name = fields.String()
        inner = fields.Nested(Inner)

    assert office_only_fields(Outer) == {"inner.flag": "重点标记"}


def test_a_unit_rule_needs_the_record_s_units():
    bound = OWN_UNIT.of(body_units("unit"))
    assert bound.unit_scoped and bound.unit_source == "请求中的 unit"
    with pytest.raises(ValueError):
        VOCABULARY[0].of(body_units("unit"))  # READER is not unit-scoped
