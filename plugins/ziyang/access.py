"""Who may do what in Ziyang (issue 17): the units of its records and its office-only fields.

Each operation declares its rule with the core's vocabulary (``READER``, ``OWN_UNIT``,
``OFFICE`` …) and the city service enforces it before the view runs; what Ziyang adds is here:

* ``HOST_UNIT`` — fulfilment (履约评估结论) is the host county or zone's duty (载体单位, Seed 六):
  its clerk records it, nobody else's; the office may too.
* Gate evidence a clerk must not attest alone (Seed 五): the legal review of the agreement
  (``attributes.legal_review``, 合法性审查) and the city government's executive meeting
  (``attributes.executive_meeting``, 市政府常务会议审议). Both open the way to signing, so the
  office records them; a clerk who sends either key at all (even null, to clear it) is refused
  with 403 ``forbidden_field`` naming the field, and nothing is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import has_request_context
from marshmallow import Schema

from core.toolkit import (
    OFFICE,
    OFFICE_ONLY,
    OWN_UNIT,
    AccessRequest,
    FieldProblem,
    Problem,
    Project,
    current_actor,
)

ROLE_NAMES = {"clerk": "经办人", "leader": "市领导", "province": "省级用户"}


def host_unit(request: AccessRequest) -> list[str] | None:
    """项目的载体（落户）单位"""
    project_id = request.view_args.get("project_id")
    project = request.session.get(Project, project_id) if isinstance(project_id, int) else None
    return None if project is None else [project.host_unit.code]


HOST_UNIT = OWN_UNIT.of(host_unit)


def office_only_attributes(schema: Schema) -> dict[str, str]:
    """The office-only keys of an ``attributes`` schema (key → Chinese name)."""
    return {declared.data_key or name: str(declared.metadata.get("description") or name)
            for name, declared in schema.fields.items() if declared.metadata.get(OFFICE_ONLY)}


def refuse_office_only_attributes(schema: Schema, attributes: Any) -> None:
    """403 ``forbidden_field`` when a non-office actor sends an office-only attribute.

    Outside a request (the demo, the command line) the caller is the system itself.
    """
    if not has_request_context() or not isinstance(attributes, Mapping):
        return
    actor = current_actor()
    if actor.role in OFFICE.roles:
        return
    who = ROLE_NAMES.get(actor.role, "该账号")
    problems = [FieldProblem(f"attributes.{key}", "field.office_only",
                             f"{label}由市招商部门填写，{who}不能填写或清除")
                for key, label in office_only_attributes(schema).items() if key in attributes]
    if problems:
        raise Problem(403, "forbidden_field", "无权填写",
                      "；".join(f"{p.field}：{p.message}" for p in problems), problems)
