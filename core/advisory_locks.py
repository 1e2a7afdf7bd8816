"""PostgreSQL advisory locks: one name, one stable key, for every process that needs it.

Processes of one deployment that must not do something at the same time (two relays
publishing a city's outbox, two replicas migrating one database on their first start) agree
on a name; the key is derived from it, so no registry of numbers is needed.
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from sqlalchemy.engine import Connection


def advisory_key(name: str) -> int:
    """A stable signed 64-bit key for ``name`` (what ``pg_advisory_lock`` takes)."""
    digest = hashlib.blake2b(name.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def hold_for_transaction(connection: Connection, name: str) -> None:
    """Wait for, then hold until the transaction ends, the lock called ``name``.

    SQLite needs none: its writer lock already lets one transaction write at a time.
    """
    if connection.dialect.name == "postgresql":
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"),
                           {"key": advisory_key(name)})
