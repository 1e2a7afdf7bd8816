"""Whether a statement ran inside a transaction, as the driver itself says."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa


def transaction_open(dbapi_connection: Any) -> bool:
    """Whether the driver's connection is inside a transaction right now."""
    info = getattr(dbapi_connection, "info", None)
    if info is not None and hasattr(info, "transaction_status"):  # psycopg
        from psycopg.pq import TransactionStatus

        return info.transaction_status != TransactionStatus.IDLE
    return dbapi_connection.in_transaction  # sqlite3


@contextlib.contextmanager
def statements_and_transactions(engine: sa.Engine) -> Iterator[list[tuple[str, bool]]]:
    """Each statement sent on ``engine`` while the block runs, and whether a transaction was
    open once it had run."""
    seen: list[tuple[str, bool]] = []

    def note(conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
        seen.append((statement, transaction_open(conn.connection.dbapi_connection)))

    sa.event.listen(engine, "after_cursor_execute", note)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "after_cursor_execute", note)
