"""What PostgreSQL did for a statement a test caught: the statements an engine sends, and the
steps of a statement's plan as it ran (``EXPLAIN (ANALYZE, FORMAT JSON)``)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa


@contextlib.contextmanager
def sent_statements(engine: sa.Engine) -> Iterator[list[tuple[str, Any]]]:
    """Every ``(statement, parameters)`` the engine sends inside the block, in order."""
    sent: list[tuple[str, Any]] = []

    def note(_connection, _cursor, statement, parameters, *_rest) -> None:  # type: ignore[no-untyped-def]
        sent.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", note)
    try:
        yield sent
    finally:
        sa.event.remove(engine, "before_cursor_execute", note)


def plan_steps(connection: sa.Connection, statement: str, parameters: Any) -> list[dict[str, Any]]:
    """Every step (node) of ``statement``'s plan, run on ``connection``, with its actual rows."""
    plan = connection.exec_driver_sql(f"EXPLAIN (ANALYZE, FORMAT JSON) {statement}",
                                      parameters).scalar()

    def steps(node: dict[str, Any]) -> list[dict[str, Any]]:
        return [node, *(step for child in node.get("Plans", []) for step in steps(child))]

    return steps(plan[0]["Plan"])


def rows_read(step: dict[str, Any]) -> int:
    """The rows a scan step read: those it returned and those its filter removed."""
    return step["Actual Rows"] + step.get("Rows Removed by Filter", 0)
