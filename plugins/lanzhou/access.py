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

from core.toolkit import (
    OWN_UNIT,
    AccessRequest,
    Permission,
    Project,
    path_record,
)


def introducing_unit(request: AccessRequest) -> list[str]:
    """报备的引进单位（默认为项目的招商单位；经办人只能报备本单位为引进单位，且须为项目的招商单位或落户单位）"""
    project = path_record(request, Project, "project_id", "项目")
    named = request.body.get("introducing_unit") or project.finding_unit.code
    own = {project.finding_unit.code, project.host_unit.code}
    return [named] if isinstance(named, str) and named in own else []


INTRODUCER = Permission(
    "lanzhou_introducer", "引进单位的经办人或市招商部门", OWN_UNIT.roles, unit_scoped=True,
).of(introducing_unit, "报备的引进单位（默认为项目的招商单位），须为项目的招商单位或落户单位")
