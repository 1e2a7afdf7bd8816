"""Who may do what in Lanzhou (issue 17): the plugin's own rule and its office-only fields.

The city service enforces each operation's ``who=`` before the view runs (the core's
vocabulary: ``READER``, ``OWN_UNIT``, ``OFFICE`` …); what Lanzhou adds is here:

* ``INTRODUCER`` — 报备 is the introducing unit's (引进单位) duty: its clerk registers, and only
  as the introducing unit of a project of their own (the finding or the host unit); nobody
  else's clerk. The office registers any project.
* The office marks a key project (``attributes.key_project``, 重点签约项目): a key project must
  have 五定包抓 before signing, so a clerk who could clear the flag would escape it. A clerk who
  sends the key at all (true, false or null) is refused with 403 ``forbidden_field`` naming
  ``attributes.key_project``, and nothing is written.
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
    Permission,
    Problem,
    Project,
    current_actor,
)

ROLE_NAMES = {"clerk": "经办人", "leader": "市领导", "province": "省级用户"}


def introducing_unit(request: AccessRequest) -> list[str] | None:
    """报备的引进单位（默认为项目的招商单位；经办人只能报备本单位为引进单位，且须为项目的招商单位或落户单位）"""
    project_id = request.view_args.get("project_id")
    project = request.session.get(Project, project_id) if isinstance(project_id, int) else None
    if project is None:
        return None
    named = request.body.get("introducing_unit") or project.finding_unit.code
    own = {project.finding_unit.code, project.host_unit.code}
    return [named] if isinstance(named, str) and named in own else []


INTRODUCER = Permission(
    "lanzhou_introducer", "引进单位的经办人或市招商部门", OWN_UNIT.roles, unit_scoped=True,
).of(introducing_unit, "报备的引进单位（默认为项目的招商单位），须为项目的招商单位或落户单位")


def office_only_attributes(schema: type[Schema]) -> dict[str, str]:
    """The office-only keys of an ``attributes`` schema (key → Chinese name)."""
    return {declared.data_key or name: str(declared.metadata.get("description") or name)
            for name, declared in schema().fields.items() if declared.metadata.get(OFFICE_ONLY)}


def refuse_office_only_attributes(schema: type[Schema], attributes: Any) -> None:
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
