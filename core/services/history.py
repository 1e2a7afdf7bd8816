"""The change history of projects: who changed what, when."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
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
    """Set attributes that differ and return ``{field: [old, new]}`` for the history.

    A changed foreign key (``intermediary_id``) leaves its relationship as loaded before; that
    relationship is expired, so what the record names (its introducer's name) is read anew.
    """
    changes: dict[str, list[Any]] = {}
    for key, new in values.items():
        old = getattr(target, key)
        if old != new:
            setattr(target, key, new)
            changes[key] = [old, new]
    state = sa.inspect(target)
    if changes and state.persistent:
        stale = [relation.key for relation in state.mapper.relationships
                 if any(column.key in changes for column in relation.local_columns)]
        if stale:
            state.session.expire(target, stale)
    return changes
