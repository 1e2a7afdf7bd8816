"""What only the city's investment office may do (run assessments, answer objections …)."""

from __future__ import annotations

from core.identity import Actor
from core.problems import Problem

OFFICE_ROLES = ("officer", "admin", "system")


def ensure_office(actor: Actor, action: str) -> None:
    """Refuse (403) unless ``actor`` is the office (officers, admins, the system)."""
    if actor.role not in OFFICE_ROLES:
        raise Problem(403, "forbidden_role", "无权操作", f"只有市招商主管部门可以{action}")
