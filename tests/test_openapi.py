"""``zhaoshang openapi --city <code>``: a valid OpenAPI 3.1 document of everything the city serves."""

from __future__ import annotations

import json
import warnings

import pytest
from click.testing import CliRunner
from openapi_spec_validator import validate

from core.api.openapi import _schema_name
from core.api.registry import openapi_path, operations_of
from core.app import create_app
from core.cli import main as cli
from core.config import built_in_config_path

BUILT_IN = ("lanzhou", "ziyang", "sanming", "changsha", "pingliang")


def printed_document(code: str, tmp_path) -> dict:
    result = CliRunner().invoke(cli, ["openapi", "--city", code],
                                env={"DATABASE_URL": f"sqlite:///{tmp_path / 'unused.db'}"})
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.fixture(scope="module")
def pingliang(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("openapi")
    app = create_app(built_in_config_path("pingliang"),
                     database_url=f"sqlite:///{tmp_path / 'unused.db'}")
    yield app, printed_document("pingliang", tmp_path)
    app.extensions["zhaoshang"].engine.dispose()


def registered_operations(app):
    prefixes = app.config["ZHAOSHANG_BLUEPRINT_PREFIXES"]
    for name, blueprint in app.blueprints.items():
        for op in operations_of(blueprint):
            path, _ = openapi_path(prefixes[name] + op.rule)
            yield path, op.method.lower(), op


def test_the_document_is_valid_openapi_3_1(pingliang):
    _, document = pingliang
    assert document["openapi"] == "3.1.0"
    assert "平凉市" in document["info"]["title"]
    validate(document)


def test_every_registered_operation_appears(pingliang):
    app, document = pingliang
    operations = list(registered_operations(app))
    assert len(operations) > 20
    for path, method, op in operations:
        assert method in document["paths"].get(path, {}), f"{method.upper()} {path} missing"
        assert document["paths"][path][method]["summary"] == op.summary
    core_paths = {"/api/v1/leads", "/api/v1/leads/{lead_id}/assign", "/api/v1/projects",
                  "/api/v1/projects/{project_id}/transitions", "/api/v1/stats", "/api/v1/city"}
    assert core_paths <= set(document["paths"])


def test_request_bodies_reference_their_marshmallow_schemas(pingliang):
    app, document = pingliang
    schemas = document["components"]["schemas"]
    with_body = [(path, method, op) for path, method, op in registered_operations(app) if op.body]
    assert with_body
    for path, method, op in with_body:
        body = document["paths"][path][method]["requestBody"]
        reference = body["content"]["application/json"]["schema"]["$ref"]
        name = _schema_name(op.body)
        assert reference == f"#/components/schemas/{name}"
        loaded = {field.data_key or key for key, field in op.body().fields.items()
                  if not field.dump_only}
        assert loaded <= set(schemas[name]["properties"]), (path, method)


def test_problem_responses_are_declared(pingliang):
    app, document = pingliang
    assert document["components"]["schemas"]["Problem"]["required"] == [
        "type", "title", "status", "code"]
    for path, method, op in registered_operations(app):
        responses = document["paths"][path][method]["responses"]
        expected = set(op.errors) | ({400} if op.body or op.query else set())
        for status in expected:
            content = responses[str(status)]["content"]["application/problem+json"]
            assert content["schema"] == {"$ref": "#/components/schemas/Problem"}
    refused = document["paths"]["/api/v1/projects/{project_id}/transitions"]["post"]
    assert {"400", "404", "409"} <= set(refused["responses"])


def test_amounts_are_documented_as_exact_decimal_strings(pingliang):
    _, document = pingliang
    amount = document["components"]["schemas"]["ProjectCreate"]["properties"]["amount"]
    assert (amount["type"], amount["format"]) == ("string", "decimal")
    assert "万元" in amount["description"]


def test_the_service_serves_the_same_document(pingliang):
    app, document = pingliang
    assert app.test_client().get("/api/v1/openapi.json").json == document


@pytest.mark.parametrize("code", BUILT_IN)
def test_every_built_in_city_prints_a_valid_document(code, tmp_path):
    with warnings.catch_warnings():
        # apispec renames a schema whose name another already took ("…1"): a client
        # generated from the document would get a meaningless type name.
        warnings.simplefilter("error", UserWarning)
        document = printed_document(code, tmp_path)
    validate(document)
    assert document["paths"]
    assert not [name for name in document["components"]["schemas"] if name[-1].isdigit()]


def test_versions_and_idempotency_keys_are_declared(pingliang):
    """core.api.versions / core.api.idempotency: If-Match and its 412 on a record's writes, the
    ETag on its answers, Idempotency-Key (and its 422) on every write."""
    app, document = pingliang
    patch = document["paths"]["/api/v1/projects/{project_id}"]["patch"]
    headers = {param["name"] for param in patch["parameters"] if param.get("in") == "header"}
    assert {"If-Match", "Idempotency-Key"} <= headers
    assert patch["responses"]["412"]["content"]["application/problem+json"]["schema"] == {
        "$ref": "#/components/schemas/Problem"}
    assert "ETag" in patch["responses"]["200"]["headers"]
    assert "ETag" in document["paths"]["/api/v1/projects/{project_id}"]["get"]["responses"][
        "200"]["headers"]
    for path, method, op in registered_operations(app):
        item = document["paths"][path][method]
        names = {param["name"] for param in item["parameters"] if param.get("in") == "header"}
        assert ("Idempotency-Key" in names) == op.writes, (method, path)
        if op.writes:
            assert {"409", "422"} <= set(item["responses"]), (method, path)
        if op.writes and op.record is not None:
            assert "If-Match" in names and "412" in item["responses"], (method, path)
    funds = document["paths"]["/api/v1/projects/{project_id}/funds"]["post"]
    assert "Idempotent-Replayed" in funds["responses"]["201"]["headers"]
