"""History and outbox rows held back from a session's flushes, then added together.

A ledger import runs thousands of service calls in one transaction, each flushing its record
(a project's version, a stage move) and writing a history row (``record_change``) and an
outbox event (``record_event``) that nothing reads before the commit. Added to the session at
once, each went out with the next call's flush: an INSERT each, a round trip each on
PostgreSQL. While :func:`rows_deferred` is open they are held instead, and :func:`release`
(a chunk's end) adds them all in the order they were recorded: one flush, a multi-row INSERT
per table, the outbox positions in the same order as before. Rows held when the caller rolls
back are dropped with :func:`discard`. Outside :func:`rows_deferred`, :func:`add` is
``session.add``: a form's request is unchanged.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from sqlalchemy.orm import Session

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
    the commit's flush, one multi-row INSERT, instead of each pending row being flushed by
    the next read or write of the request."""
    if session.info.get(_HELD) is not None:
        yield
        return
    with rows_deferred(session):
        yield
        release(session)


def release(session: Session) -> None:
    """Add the rows held so far to the session (the next flush writes them)."""
    held = session.info.get(_HELD)
    if held:
        session.add_all(held)
        held.clear()


def discard(session: Session) -> None:
    """Drop the rows held so far: the changes they describe were rolled back."""
    held = session.info.get(_HELD)
    if held:
        held.clear()
