"""Finding rows by their public keys, with 404/field problems in Chinese."""

from __future__ import annotations

import weakref
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.util import identity_key

from core.db import Base
from core.models import Unit
from core.policy import FieldProblem
from core.problems import invalid_input, not_found

ModelT = TypeVar("ModelT", bound=Base)

LABELS = {"Lead": "线索", "Project": "项目", "Unit": "单位", "Enterprise": "企业",
          "FundTranche": "到位资金记录", "MilestoneReplan": "节点调整申请"}
LABELS |= {"Evaluation": "评估", "Expert": "专家", "Matter": "事项"}
LABELS |= {"Intermediary": "引荐人"}
# Record ids are 32-bit integer columns: a larger number names no record, and PostgreSQL refuses
# to compare it with one (integer out of range). Path ids beyond it match no route (core.app).
MAX_ID = 2**31 - 1


def is_record_id(ident: object) -> bool:
    """Whether ``ident`` could be a record's id (a positive integer within the id columns)."""
    return isinstance(ident, int) and not isinstance(ident, bool) and 0 < ident <= MAX_ID


def get_or_404(session: Session, model: type[ModelT], ident: int, what: str | None = None
               ) -> ModelT:
    """The row, or a 404 naming it in Chinese (``what``, e.g. a plugin's own model)."""
    row = session.get(model, ident) if is_record_id(ident) else None
    if row is None:
        raise not_found(what or LABELS.get(model.__name__, model.__name__), ident)
    return row


def child_or_404(session: Session, model: type[ModelT], ident: int, project_id: int,
                 what: str | None = None) -> ModelT:
    """A project's own row (a tranche, a re-plan): a 404 when it belongs to another project."""
    row = get_or_404(session, model, ident, what)
    if row.project_id != project_id:  # type: ignore[attr-defined]
        raise not_found(what or LABELS.get(model.__name__, model.__name__), ident)
    return row


# Per engine (one per city service and database): unit code → id. Units are configuration,
# synced by their code (core.reference_data.sync_units): a code keeps its id for good, never
# re-keyed nor deleted, so what is kept here needs no invalidation. A code not yet known is
# looked up (a unit a later sync added is found); everything else of a unit (name, kind,
# parent …) is loaded from the database when read, as current as before.
_UNIT_IDS: weakref.WeakKeyDictionary[Any, dict[str, int]] = weakref.WeakKeyDictionary()


def unit_with_code(session: Session, code: str) -> Unit | None:
    """The unit with ``code`` in ``session``: without a statement once its id is known."""
    known = _UNIT_IDS.setdefault(session.get_bind().engine, {})
    unit_id = known.get(code)
    if unit_id is None:
        unit = session.scalar(sa.select(Unit).where(Unit.code == code))
        if unit is not None:
            known[code] = unit.id
        return unit
    unit = session.identity_map.get(identity_key(Unit, unit_id))
    if unit is None:
        # The row as a query would have given it, but with only its id and code loaded: the
        # rest loads on first read.
        unit = Unit(id=unit_id, code=code)
        make_transient_to_detached(unit)
        session.add(unit)
    return unit


def unit_by_code(session: Session, code: str | None, field: str) -> Unit:
    """The unit with ``code``, or a 400 naming ``field``."""
    unit = unit_with_code(session, code) if code else None
    if unit is None:
        raise invalid_input([FieldProblem(field, "unit.unknown", f"单位编码 {code} 不存在")])
    return unit
