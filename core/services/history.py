"""The change history of projects: who changed what, when."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from core import deferred_rows
from core.events import to_json_value
from core.models import Project, ProjectChange


def record_change(
    session: Session, project: Project, actor: str, action: str, changes: dict[str, Any]
) -> None:
    deferred_rows.add(session, ProjectChange(project_id=project.id, actor=actor, action=action,
                                             changes=to_json_value(changes)))


def apply_changes(target: Any, values: dict[str, Any]) -> dict[str, list[Any]]:
    """Set attributes that differ and return ``{field: [old, new]}`` for the history."""
    changes: dict[str, list[Any]] = {}
    for key, new in values.items():
        old = getattr(target, key)
        if old != new:
            setattr(target, key, new)
            changes[key] = [old, new]
    return changes
