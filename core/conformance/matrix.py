"""The permission matrix: every operation of a city, as every kind of user, allowed or refused.

Generated from the city's own OpenAPI document (each operation's ``x-permission``), it sends
each operation as anonymous, the clerk of the record's unit, the clerk of another unit, an
officer, a leader, a province user, an administrator and a user of another city, and checks the
answer against the declaration:

* allowed means the permission check let the request through: any status but 401 and 403 (the
  bodies are empty or name only the units, so an allowed write mostly stops at validation);
* a refusal has the right status and code (401; 403 ``forbidden_role``, ``forbidden_unit``,
  ``forbidden_city`` or the province's ``read_only``) and writes nothing (``written()`` — the
  city's outbox rows — is the same before and after).

The record's units are learned from the service itself: a clerk of another unit is refused with
``forbidden_unit`` and the record's ``units``; a body-scoped rule names its ``unit_fields``.

The same function runs through the real gateway (``tests/permission_matrix``) and, in the
conformance kit, against a new city's service with signed identities.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

PATH_PARAMETER = re.compile(r"\{(\w+)\}")
READ_METHODS = {"get", "head", "options"}


@dataclass(frozen=True)
class Persona:
    """Who sends: a role with its unit and city (``role=None``: nobody signed in)."""

    name: str
    role: str | None
    unit: str | None = None
    city: str | None = None


@dataclass(frozen=True)
class Answer:
    status: int
    code: str | None
    body: Any


Send = Callable[[Persona, str, str, dict[str, Any]], Answer]


def answer_of(status: int, body: Any) -> Answer:
    code = body.get("code") if isinstance(body, dict) else None
    return Answer(status, code, body)


def _concrete(path: str) -> str:
    """A path with every parameter filled: ids 1 (the demo's first records), codes ``x``."""
    return PATH_PARAMETER.sub(lambda m: "1" if m.group(1).endswith("id") else "x", path)


def operations(document: dict[str, Any], prefix: str = "/api/v1") -> list[tuple[str, str, dict]]:
    """``(method, path below prefix, x-permission)`` of every operation in the document."""
    found = []
    for path, methods in sorted(document["paths"].items()):
        for method, item in sorted(methods.items()):
            if not isinstance(item, dict) or "x-permission" not in item:
                continue
            found.append((method.upper(), _concrete(path).removeprefix(prefix),
                          item["x-permission"]))
    return found


def _refusal(expected_code: str | tuple[str, ...], status: int = 403) -> tuple[int, tuple[str, ...]]:
    return status, (expected_code,) if isinstance(expected_code, str) else expected_code


def expectation(persona: Persona, method: str, rule: dict[str, Any]
                ) -> tuple[int, tuple[str, ...]] | None:
    """``None`` when ``persona`` may perform it, else the refusal's status and codes."""
    reading = method.lower() in READ_METHODS
    if persona.role is None:
        return _refusal(("unauthenticated", "token_missing", "unsigned_request"), 401)
    if persona.name == "other_city":
        return _refusal("forbidden_city")
    if persona.role == "province" and not reading:
        return _refusal(("read_only", "forbidden_role"))
    if persona.role not in rule["roles"]:
        return _refusal("forbidden_role")
    return None


@dataclass
class MatrixResult:
    checked: int
    mismatches: list[str]
    unit_checked: int


def run_matrix(document: dict[str, Any], send: Send, personas: dict[str, Persona],
               clerk_of: Callable[[str], Persona], units: list[str],
               written: Callable[[], int]) -> MatrixResult:
    """Drive every operation of ``document`` as every persona; list what disagrees."""
    mismatches: list[str] = []
    checked = unit_checked = 0

    def check(persona: Persona, method: str, path: str, body: dict[str, Any],
              expected: tuple[int, tuple[str, ...]] | None) -> Answer:
        nonlocal checked
        before = written() if expected is not None and method != "GET" else None
        answer = send(persona, method, path, body)
        checked += 1
        where = f"{method} {path} as {persona.name} ({persona.role}, {persona.unit})"
        if expected is None:
            if answer.status in (401, 403):
                mismatches.append(f"{where}: refused {answer.status} {answer.code}, "
                                  f"should be allowed")
        else:
            status, codes = expected
            if answer.status != status or answer.code not in codes:
                mismatches.append(f"{where}: got {answer.status} {answer.code}, "
                                  f"expected {status} {'/'.join(codes)}")
            if before is not None and written() != before:
                mismatches.append(f"{where}: refused but wrote")
        return answer

    for method, path, rule in operations(document):
        for persona in personas.values():
            check(persona, method, path, {}, expectation(persona, method, rule))
        if "clerk" not in rule["roles"]:
            for unit in units[:2]:
                check(clerk_of(unit), method, path, {}, _refusal("forbidden_role"))
            continue
        if "clerk_units" not in rule:
            for unit in units[:2]:
                check(clerk_of(unit), method, path, {}, None)
            continue
        fields = rule.get("unit_fields", [])
        if fields:
            # The body names the unit: its own unit's clerk may, another unit's clerk may not.
            own, other = units[0], units[1]
            check(clerk_of(own), method, path, {name: own for name in fields}, None)
            check(clerk_of(other), method, path, {name: own for name in fields},
                  _refusal("forbidden_unit"))
            unit_checked += 1
            continue
        # The record decides: find a clerk it refuses, which names the record's units. A record
        # named in the body is the first of its kind (id 1), like a record in the path.
        record = {name: 1 for name in rule.get("record_fields", [])}
        record_units = None
        for unit in units:
            answer = send(clerk_of(unit), method, path, record)
            if answer.status == 404:
                break  # no such record in this city's data: nothing to scope
            if answer.status == 403 and answer.code == "forbidden_unit":
                record_units = answer.body.get("units") or []
                check(clerk_of(unit), method, path, record, _refusal("forbidden_unit"))
                break
            if answer.status in (401, 403):
                mismatches.append(f"{method} {path} as clerk of {unit}: refused {answer.status} "
                                  f"{answer.code}, expected allowed or forbidden_unit")
                break
        else:
            mismatches.append(f"{method} {path}: the clerk of every unit was let through; a "
                              f"record belongs to its own units only")
        if record_units:
            check(clerk_of(record_units[0]), method, path, record, None)
            unit_checked += 1
    return MatrixResult(checked, mismatches, unit_checked)
