"""An Alembic upgrade that two processes can start at once, and that costs nothing when done.

Two replicas of a service (a city, the gateway, the province) starting on one empty
PostgreSQL database both ran the migrations, and the second crashed on the first's tables
(``UniqueViolation``). The upgrade now runs in one transaction holding an advisory lock named
for the database's history: the second waits, then finds the schema at its heads and does
nothing.

Finding the schema at its heads used to mean Alembic's whole upgrade: reading and executing
every migration script to build the revision map, then running ``env.py`` to learn there was
nothing to do — about 40 ms of CPU for a city, on every start, on every test's app. The heads a
history's scripts define are now read once per process (:func:`script_heads`: the scripts do
not change under a running process), and a database whose ``alembic_version`` names exactly
those heads is left as it is without Alembic's command being run.
"""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine

from core.advisory_locks import hold_for_transaction

# The options that say which scripts a history has, and the heads read for each such place.
_WHERE_SCRIPTS_ARE = ("script_location", "version_locations", "path_separator")
_heads_read: dict[tuple[str, ...], frozenset[str]] = {}


def upgrade_one_at_a_time(engine: Engine, config: Config, history: str,
                          target: str = "heads") -> None:
    """Upgrade to ``target``, after any other process upgrading the same ``history``."""
    with engine.begin() as connection:
        hold_for_transaction(connection, f"zhaoshang-schema:{history}")
        if target == "heads" and at_heads(connection, config):
            return
        config.attributes["connection"] = connection
        command.upgrade(config, target)


def at_heads(connection: Connection, config: Config) -> bool:
    """Whether the database behind ``connection`` is at the heads of ``config``'s history."""
    current = MigrationContext.configure(connection).get_current_heads()
    return set(current) == script_heads(config)


def script_heads(config: Config) -> frozenset[str]:
    """The heads the migration scripts of ``config`` define (where its script location and
    version locations point), read once per process."""
    where = tuple(config.get_main_option(option) or "" for option in _WHERE_SCRIPTS_ARE)
    heads = _heads_read.get(where)
    if heads is None:
        heads = _heads_read[where] = frozenset(ScriptDirectory.from_config(config).get_heads())
    return heads

