"""One OpenAPI document for the whole suite, and Schemathesis against it through the gateway."""

from __future__ import annotations

import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from gateway.openapi import merge_documents

GATEWAY_DOC = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
               "paths": {"/api/v1/auth/token": {"post": {"operationId": "gateway.issue_token",
                                                         "responses": {}}}},
               "components": {"schemas": {"Problem": {"type": "object"}}}}


def city_doc(extra_paths: dict | None = None, lead: dict | None = None) -> dict:
    return {"openapi": "3.1.0", "info": {"title": "c", "version": "1"},
            "paths": {"/api/v1/leads": {"get": {
                "operationId": "leads.list_leads",
                "responses": {"200": {"description": "ok", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Lead"}}}}}}},
                **(extra_paths or {})},
            "components": {"schemas": {"Problem": {"type": "object"},
                                       "Lead": lead or {"type": "object"}}}}


def test_shared_core_paths_are_templated_and_plugin_paths_stay_per_city():
    plugin = {"/api/v1/lanzhou/brief": {"get": {"operationId": "lanzhou.brief", "responses": {}}}}
    merged = merge_documents(GATEWAY_DOC, {"lanzhou": city_doc(plugin), "ziyang": city_doc(),
                                           "sanming": None},
                             None, {"lanzhou": "兰州市", "ziyang": "资阳市"})
    leads = merged["paths"]["/api/v1/cities/{city}/leads"]["get"]
    assert leads["parameters"][0]["schema"]["enum"] == ["lanzhou", "ziyang"]
    assert leads["operationId"] == "cities.leads.list_leads"
    assert {"401", "403", "429", "503"} <= set(leads["responses"])
    assert "/api/v1/cities/lanzhou/lanzhou/brief" in merged["paths"]
    assert "/api/v1/cities/{city}/lanzhou/brief" not in merged["paths"]
    assert merged["x-unavailable"] == ["sanming", "province"]
    assert merged["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert merged["security"] == [{"bearerAuth": []}]
    assert merged["paths"]["/api/v1/auth/token"]["post"]["security"] == []


def test_a_schema_that_differs_between_cities_is_renamed_with_its_references():
    ziyang_lead = {"type": "object", "properties": {"six_ones": {"type": "string"}}}
    merged = merge_documents(GATEWAY_DOC, {"lanzhou": city_doc(), "ziyang": city_doc(
        lead=ziyang_lead)}, None, {})
    schemas = merged["components"]["schemas"]
    assert schemas["Lead"] == {"type": "object"}
    assert schemas["ziyang_Lead"] == ziyang_lead
    ziyang = merged["paths"]["/api/v1/cities/ziyang/leads"]["get"]
    assert ziyang["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ziyang_Lead"}
    assert "/api/v1/cities/{city}/leads" not in merged["paths"]


def test_province_paths_are_merged_under_their_own_prefix():
    province = {"openapi": "3.1.0", "info": {"title": "p", "version": "1"}, "paths": {
        "/api/v1/province/figures": {"get": {"operationId": "figures", "responses": {}}},
        "/api/v1/internal": {"get": {"operationId": "internal", "responses": {}}}}}
    merged = merge_documents(GATEWAY_DOC, {"lanzhou": city_doc()}, province, {})
    assert merged["paths"]["/api/v1/province/figures"]["get"]["operationId"] == \
        "province.figures"
    assert "/api/v1/internal" not in merged["paths"]
    assert "x-unavailable" not in merged


def test_the_gateway_serves_the_merged_document_of_the_running_cities(front, cities):
    answer = requests.get(f"{front.url}/api/v1/openapi.json", timeout=30)
    assert answer.status_code == 200
    document = answer.json()
    leads = document["paths"]["/api/v1/cities/{city}/leads"]
    assert leads["post"]["parameters"][0]["schema"]["enum"] == sorted(cities)
    assert "/api/v1/auth/token" in document["paths"]
    assert document["paths"]["/api/v1/province/cities"]["get"]["operationId"].startswith(
        "province.")
    assert "x-unavailable" not in document
    # Sanming's plugin paths are Sanming's alone: listed under its literal prefix.
    own = [path for path in document["paths"] if path.startswith("/api/v1/cities/sanming/")]
    assert own and all(path.startswith("/api/v1/cities/sanming/sanming") for path in own)


CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance,
          content_type_conformance]
# Examples per operation and mode: bounded so the whole run stays well under two minutes.
EXAMPLES = {GenerationMode.POSITIVE: 6, GenerationMode.NEGATIVE: 3}


def exercise(operation, mode: GenerationMode, base_url: str, token: str) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES[mode], deadline=None, derandomize=True, database=None,
              phases=[Phase.explicit, Phase.generate, Phase.shrink],
              suppress_health_check=list(HealthCheck))
    def run(case) -> None:
        case.call_and_validate(base_url=base_url, headers={"Authorization": f"Bearer {token}"},
                               checks=CHECKS)

    run()


def test_no_operation_fails_or_breaks_its_documented_schema(front):
    """Schemathesis over every operation of the merged document, through the gateway.

    As an administrator, who may call every operation; valid and invalid input both.
    """
    document = requests.get(f"{front.url}/api/v1/openapi.json", timeout=30).json()
    schema = schemathesis.openapi.from_dict(document)
    failures = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 20
    for operation in operations:
        for mode in EXAMPLES:
            try:
                exercise(operation, mode, front.url, front.token("admin"))
            except Unsatisfiable:
                continue  # nothing invalid to send (no parameters, no body)
            except (Exception, BaseExceptionGroup) as exc:  # try all, report every failure
                failures.append(f"{operation.label} [{mode.value}]: {str(exc)[:1500]}")
    assert not failures, "\n\n".join(failures)
