"""Who may do what in Ziyang's own API (the gateway checked the identity; we check the role)."""

from __future__ import annotations

from core.toolkit import Actor, Problem, Project, may_write_unit

OFFICE_ROLES = ("officer", "leader", "admin", "system")


def require_office(actor: Actor, what: str) -> None:
    """The leading-group office's work (六个一, meetings) is done by city roles only."""
    if actor.role not in OFFICE_ROLES:
        raise Problem(403, "forbidden_role", "无权操作", f"{what}由市经济合作工作领导小组办公室负责")


def require_host(actor: Actor, project: Project) -> None:
    """Fulfilment is the host county or zone's work (or the city's)."""
    if not may_write_unit(actor, project.host_unit.code):
        raise Problem(403, "forbidden_unit", "无权操作",
                      f"项目 {project.id} 的履约评估由载体单位 {project.host_unit.name} 负责")
