"""Every operation of every built-in city, through the real gateway, as every kind of user."""

from __future__ import annotations

from typing import Any

import pytest

from core.conformance.matrix import Answer, Persona, answer_of, run_matrix
from core.identity import Actor
from tests.permission_matrix.conftest import BUILT_IN


def personas(city: str) -> dict[str, Persona]:
    other = next(code for code in BUILT_IN if code != city)
    return {
        "anonymous": Persona("anonymous", None),
        "officer": Persona("officer", "officer", city=city),
        "leader": Persona("leader", "leader", city=city),
        "province": Persona("province", "province"),
        "admin": Persona("admin", "admin"),
        "other_city": Persona("other_city", "officer", city=other),
    }


def username(persona: Persona) -> str | None:
    if persona.role is None:
        return None
    if persona.role in ("province", "admin"):
        return persona.role
    if persona.role == "clerk":
        return f"{persona.city}-clerk-{persona.unit}"
    return f"{persona.city}-{persona.role}"


@pytest.mark.parametrize("city", BUILT_IN)
def test_every_operation_is_allowed_or_refused_as_declared(city, five_cities, matrix_front):
    service = five_cities[city]
    document = service.direct("GET", "/api/v1/openapi.json", Actor("matrix", "system")).json()

    def send(persona: Persona, method: str, path: str, body: dict[str, Any]) -> Answer:
        answer = matrix_front.call(username(persona), method, f"/cities/{city}{path}",
                                   json=body if method not in ("GET", "HEAD") else None)
        try:
            payload = answer.json()
        except ValueError:
            payload = None
        return answer_of(answer.status_code, payload)

    result = run_matrix(
        document, send, personas(city),
        clerk_of=lambda unit: Persona("clerk", "clerk", unit=unit, city=city),
        units=service.units,
        written=lambda: service.query("SELECT count(*) FROM outbox")[0][0])
    assert result.mismatches == [], "\n".join(result.mismatches[:40])
    # The matrix exercised the city's unit-scoped duties, not only the role checks.
    assert result.unit_checked >= 10 and result.checked > 300


DOCUMENT = {"paths": {
    "/api/v1/leads/{lead_id}/assign": {"post": {"x-permission": {
        "rule": "office", "roles": ["admin", "officer", "system"]}}},
    "/api/v1/leads": {"post": {"x-permission": {
        "rule": "own_unit", "roles": ["admin", "clerk", "officer", "system"],
        "clerk_units": "请求中的 reporting_unit", "unit_fields": ["reporting_unit"]}}},
    "/api/v1/projects/{project_id}": {"patch": {"x-permission": {
        "rule": "own_unit", "roles": ["admin", "clerk", "officer", "system"],
        "clerk_units": "项目的招商单位和落户单位"}}},
}}


def declared_service(persona: Persona, method: str, path: str, body: dict[str, Any]) -> Answer:
    """A service that does exactly what DOCUMENT declares (project 1 belongs to east)."""
    if persona.role is None:
        return answer_of(401, {"code": "unauthenticated"})
    if persona.name == "other_city":
        return answer_of(403, {"code": "forbidden_city"})
    if persona.role == "province" and method != "GET":
        return answer_of(403, {"code": "read_only"})
    if path.endswith("/assign"):
        allowed = persona.role in ("officer", "admin")
        return answer_of(400 if allowed else 403, None if allowed else {"code": "forbidden_role"})
    if persona.role == "leader":
        return answer_of(403, {"code": "forbidden_role"})
    units = [body.get("reporting_unit")] if path == "/leads" else ["east"]
    if persona.role == "clerk" and persona.unit not in units:
        return answer_of(403, {"code": "forbidden_unit", "units": units})
    return answer_of(400, None)


def unit_clerk(unit: str) -> Persona:
    return Persona("clerk", "clerk", unit=unit, city="test")


def matrix_of(send) -> list[str]:
    return run_matrix(DOCUMENT, send, personas("lanzhou"), unit_clerk, ["west", "east"],
                      lambda: 0).mismatches


def test_the_matrix_passes_a_service_that_does_what_it_declares():
    assert matrix_of(declared_service) == []


def test_the_matrix_catches_a_clerk_judging_a_lead_and_a_clerk_of_another_unit():
    def lax_assign(persona, method, path, body):
        if path.endswith("/assign") and persona.role == "clerk":
            return answer_of(200, {})
        return declared_service(persona, method, path, body)

    def lax_units(persona, method, path, body):
        if persona.role == "clerk" and path.startswith("/projects"):
            return answer_of(200, {})
        return declared_service(persona, method, path, body)

    def refusing_own_clerk(persona, method, path, body):
        if persona.role == "clerk" and path == "/leads":
            return answer_of(403, {"code": "forbidden_role"})
        return declared_service(persona, method, path, body)

    assert any("assign as clerk" in line for line in matrix_of(lax_assign))
    assert any("clerk of every unit was let through" in line for line in matrix_of(lax_units))
    assert any("/leads" in line and "should be allowed" in line or "expected allowed" in line
               for line in matrix_of(refusing_own_clerk))


def test_the_matrix_catches_a_refusal_that_writes():
    rows = [0]

    def writes_on_refusal(persona, method, path, body):
        answer = declared_service(persona, method, path, body)
        if answer.status == 403:
            rows[0] += 1
        return answer

    mismatches = run_matrix(DOCUMENT, writes_on_refusal, personas("lanzhou"), unit_clerk,
                            ["west", "east"], lambda: rows[0]).mismatches
    assert any("refused but wrote" in line for line in mismatches)
