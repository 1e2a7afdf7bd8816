"""An Alembic upgrade that two processes can start at once.

Two replicas of a service (a city, the gateway, the province) starting on one empty
PostgreSQL database both ran the migrations, and the second crashed on the first's tables
(``UniqueViolation``). The upgrade now runs in one transaction holding an advisory lock named
for the database's history: the second waits, then finds the schema at its heads and does
nothing.
"""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine

from core.advisory_locks import hold_for_transaction


def upgrade_one_at_a_time(engine: Engine, config: Config, history: str,
                          target: str = "heads") -> None:
    """Upgrade to ``target``, after any other process upgrading the same ``history``."""
    with engine.begin() as connection:
        hold_for_transaction(connection, f"zhaoshang-schema:{history}")
        config.attributes["connection"] = connection
        command.upgrade(config, target)
