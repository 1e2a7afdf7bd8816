"""History and outbox rows held back from a session's flushes, then added together.

A ledger import runs thousands of service calls in one transaction, each flushing its record
(a project's version, a stage move) and writing a history row (``record_change``) and an
outbox event (``record_event``) that nothing reads before the commit. Added to the session at
once, each went out with the next call's flush: an INSERT each, a round trip each on
PostgreSQL. While :func:`rows_deferred` is open they are held instead, and :func:`release`
(a chunk's end) writes them all in the order they were recorded: a multi-row INSERT per
table, the outbox positions in the same order as before. Rows held when the caller rolls
back are dropped with :func:`discard`. Outside :func:`rows_deferred`, :func:`add` is
``session.add``: a form's request is unchanged.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from sqlalchemy.orm import Session

from core.direct_inserts import insert_by_class

_HELD = "zhaoshang.deferred_rows"


def add(session: Session, row: Any) -> None:
    held = session.info.get(_HELD)
    if held is None:
        session.add(row)
    else:
        held.append(row)


@contextlib.contextmanager
def rows_deferred(session: Session) -> Iterator[None]:
    session.info[_HELD] = []
    try:
        yield
    finally:
        session.info.pop(_HELD, None)


@contextlib.contextmanager
def held_to_the_end(session: Session) -> Iterator[None]:
    """Hold the rows recorded in the block and add them to the session when it ends without
    error (inside an open :func:`rows_deferred`, that one's holding goes on).

    A single write's events (a lead report and the warning it raises) then go out together in
    one multi-row INSERT at its end, instead of each pending row being flushed by the next
    read or write of the request."""
    if session.info.get(_HELD) is not None:
        yield
        return
    with rows_deferred(session):
        yield
        release(session)


def release(session: Session) -> None:
    """Write the rows held so far, each table's in the order they were recorded, by one
    ``INSERT`` per table (:mod:`core.direct_inserts`: no unit of work for rows nothing reads
    back as records). Whatever the session holds pending goes first, so an event recorded
    before the block keeps its earlier outbox position."""
    held = session.info.get(_HELD)
    if held:
        session.flush()
        insert_by_class(session, held)
        held.clear()


def discard(session: Session) -> None:
    """Drop the rows held so far: the changes they describe were rolled back."""
    held = session.info.get(_HELD)
    if held:
        held.clear()
