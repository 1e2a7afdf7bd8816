"""New rows written by a Core ``INSERT … RETURNING`` instead of the ORM's unit of work.

A flush costs about half a millisecond of CPU for its machinery alone (the unit of work's
dependency sort, the cascades, each attribute's history) whatever it writes, and a lead report
paid it twice: once for the investor and the lead, once at the commit for its two events.
Nothing in that request needs the machinery: the rows are new, their order is the code's.

:func:`insert_rows` writes new mapped objects through the session's connection (its
transaction, its savepoint), giving each the columns the database or a column default
generated (its id, its outbox position, ``created_at``, ``version``); they stay transient,
for rows nothing reads back as ORM records in the transaction that writes them (outbox events,
history rows, warnings). :func:`insert_persistent` then attaches one to the session as if a
flush had inserted it — in the identity map, its ``version`` known to the optimistic lock — so
the rest of the request (hooks, the answer's schema, a later update) sees an ordinary record.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import (
    Mapper,
    Session,
    SessionTransaction,
    make_transient,
    make_transient_to_detached,
)
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.interfaces import MANYTOONE


class _Shape:
    """What :func:`insert_rows` needs of a mapped class, worked out once per process."""

    def __init__(self, mapper: Mapper[Any]) -> None:
        table = mapper.local_table
        if mapper.inherits is not None or not isinstance(table, sa.Table):
            raise TypeError(f"{mapper.class_.__name__}: only a class mapped to one table is "
                            f"inserted directly")
        self.table = table
        # Attribute key → column, for the columns the class maps (one column per attribute).
        self.columns = {prop.key: prop.columns[0] for prop in mapper.column_attrs
                        if prop.columns[0].table is table}
        # None left out (as the ORM leaves it out) where the database or a default gives the
        # value: a generated key, a default, unless the type stores None itself (JSON's null).
        self.generated_unless_given = {
            key for key, column in self.columns.items()
            if (column.primary_key or column.default is not None
                or column.server_default is not None) and not column.type.should_evaluate_none}
        # A many-to-one set as an object (``lead.enterprise = investor``) fills its foreign key
        # from that object's primary key, as the ORM's flush would.
        self.references = [
            (relationship.key, [(mapper.get_property_by_column(local).key,
                                 relationship.mapper.get_property_by_column(remote).key)
                                for local, remote in relationship.local_remote_pairs])
            for relationship in mapper.relationships if relationship.direction is MANYTOONE]
        self.attribute_of = {column.key: key for key, column in self.columns.items()}
        self._statements: dict[tuple[str, ...], tuple[sa.Insert, list[str]]] = {}

    def statement(self, given: tuple[str, ...]) -> tuple[sa.Insert, list[str]]:
        """The INSERT of rows giving these columns (sorted: one statement per set of columns,
        whatever order a row's attributes were set in), returning the others (what the database
        or a default filled in), and the attribute keys of what it returns."""
        known = self._statements.get(given)
        if known is None:
            returned = [column for column in self.table.c if column.key not in given]
            known = (self.table.insert().returning(*returned, sort_by_parameter_order=True),
                     [self.attribute_of[column.key] for column in returned])
            self._statements[given] = known
        return known


@functools.cache
def _shape(cls: type) -> _Shape:
    return _Shape(sa.inspect(cls))


def _values(shape: _Shape, row: Any) -> dict[str, Any]:
    state = row.__dict__
    for key, pairs in shape.references:
        target = state.get(key)
        if target is None:
            continue
        for local, remote in pairs:
            value = getattr(target, remote)
            if value is None:
                raise ValueError(f"{type(row).__name__}.{key} refers to a row not yet inserted")
            set_committed_value(row, local, value)
    # What was set: a column left unset, or None where a default fills it, takes its default,
    # as in the ORM's INSERT.
    return {shape.columns[key].key: value for key, value in state.items()
            if key in shape.columns and (value is not None
                                         or key not in shape.generated_unless_given)}


def insert_rows(session: Session, rows: Sequence[Any]) -> None:
    """Insert ``rows`` (new objects of one mapped class, in this order: an outbox's positions
    follow it) and give each the columns the INSERT generated. One statement for rows that set
    the same attributes; several rows go as one multi-row INSERT."""
    if not rows:
        return
    shape = _shape(type(rows[0]))
    batch: list[Any] = []
    batch_values: list[dict[str, Any]] = []
    for row in rows:
        if type(row) is not type(rows[0]):
            raise TypeError("insert_rows takes rows of one class")
        values = _values(shape, row)
        if batch_values and values.keys() != batch_values[0].keys():
            _execute(session, shape, batch, batch_values)
            batch, batch_values = [], []
        batch.append(row)
        batch_values.append(values)
    _execute(session, shape, batch, batch_values)


def _execute(session: Session, shape: _Shape, rows: list[Any],
             values: list[dict[str, Any]]) -> None:
    statement, returned = shape.statement(tuple(sorted(values[0])))
    # Through the session's connection, not the ORM's execution layer (nothing to load); one
    # row as a plain INSERT, not through executemany's batching.
    result = session.connection().execute(statement, values if len(values) > 1 else values[0])
    for row, generated in zip(rows, result, strict=True):
        for key, value in zip(returned, generated, strict=True):
            set_committed_value(row, key, value)


def insert_persistent(session: Session, *objects: Any) -> None:
    """Insert each object (in order: one referring to an earlier one gets its key) and attach
    it to ``session`` as a record loaded from the database.

    As for a flushed object, a rollback of the transaction or savepoint that inserted it takes
    it out of the session (:func:`_forget_rolled_back`): its row is gone, and on SQLite its id
    may be given to the next row inserted (a ledger's dry run, a refused row's savepoint)."""
    for obj in objects:
        insert_rows(session, [obj])  # begins the session's transaction if none was under way
        inserted_in = session.get_nested_transaction() or session.get_transaction()
        make_transient_to_detached(obj)
        session.add(obj)
        _attached(session).append((inserted_in, obj))


# The records insert_persistent attached in the session's transaction under way, each with the
# transaction or savepoint that inserted it, under the session's root transaction.
_ATTACHED = "zhaoshang.direct_inserts.attached"


def _attached(session: Session) -> list[tuple[SessionTransaction | None, Any]]:
    root = session.get_transaction()
    held = session.info.get(_ATTACHED)
    if held is None or held[0] is not root:  # an earlier transaction's, over: nothing to undo
        held = session.info[_ATTACHED] = (root, [])
    return held[1]


def _within(transaction: SessionTransaction | None, ended: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is ended:
            return True
        transaction = transaction.parent
    return False


@event.listens_for(Session, "after_soft_rollback")
def _forget_rolled_back(session: Session, previous_transaction: SessionTransaction) -> None:
    held = session.info.get(_ATTACHED)
    if not held:
        return
    kept = []
    for inserted_in, obj in held[1]:
        if not _within(inserted_in, previous_transaction):
            kept.append((inserted_in, obj))
            continue
        if obj in session:
            session.expunge(obj)
        make_transient(obj)
    held[1][:] = kept


def insert_by_class(session: Session, rows: Iterable[Any]) -> None:
    """Insert rows of several classes, each class's in the order given (an outbox's positions
    follow it), one statement per class in the order the classes first appear — as the ORM's
    flush writes a chunk of a ledger's history rows, outbox events and import marks."""
    by_class: dict[type, list[Any]] = {}
    for row in rows:
        by_class.setdefault(type(row), []).append(row)
    for same in by_class.values():
        insert_rows(session, same)
