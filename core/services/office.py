"""What only the city's investment office may do, and what only a record's own unit may do.

The rules themselves are the vocabulary of :mod:`core.permissions`; an operation's declaration
is enforced before its view. These service-level checks serve callers that are not requests
(commands, plugins' hooks) and say the same thing in the same words.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.identity import Actor, may_write_unit
from core.models import Unit
from core.permissions import OFFICE, forbidden_unit
from core.problems import Problem

OFFICE_ROLES = tuple(sorted(OFFICE.roles))


def ensure_office(actor: Actor, action: str) -> None:
    """Refuse (403) unless ``actor`` is the office (officers, admins, the system)."""
    if actor.role not in OFFICE.roles:
        raise Problem(403, "forbidden_role", "无权操作", f"只有市招商主管部门可以{action}")


def ensure_unit(session: Session, actor: Actor, units: Iterable[str]) -> None:
    """Refuse (403) unless ``actor`` may write for one of ``units``: the clerk is told which
    unit they belong to and which the record's are, by their Chinese names."""
    units = list(units)
    if any(may_write_unit(actor, code) for code in units):
        return
    if actor.role != "clerk":
        raise Problem(403, "forbidden_role", "无权操作", "此操作限记录所属单位的经办人或市招商部门办理")
    names = dict(session.execute(sa.select(Unit.code, Unit.name)).all())
    raise forbidden_unit(actor, units, names)
