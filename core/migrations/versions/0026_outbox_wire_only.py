"""outbox: the event's data stored once, as its Kafka record value (``wire``)

Revision ID: 0026
Revises: 0025
Written by hand. Since 0017 every event was stored twice: as JSON (``data``) and as the compact
bytes the relay publishes (``wire``). The relay reads only ``wire``; the copy made each row twice
as wide, and marking a row sent rewrites the whole row (on SQLite 10.8 µs a row against 7.1 µs
without it, docs/benchmarks.md). Rows recorded before 0017 get their ``wire`` from ``data``
here, encoded exactly as the relay encoded them (``core.events.wire_value``); then ``data``
goes and ``wire`` is required. ``OutboxEvent.data`` decodes ``wire`` for readers.

The downgrade puts ``data`` back, decoded from ``wire``.
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None

BATCH = 1000

# As core.events.wire_value encodes (a migration keeps its own copy: the module may change).
_compact = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _rewrite(source: sa.Column, target: sa.Column, convert) -> None:
    """Fill ``target`` from ``source`` where it is NULL, ``BATCH`` rows at a time."""
    connection = op.get_bind()
    outbox = sa.table("outbox", sa.column("position", sa.Integer), source, target)
    last = 0
    while True:
        rows = connection.execute(
            sa.select(outbox.c.position, source)
            .where(target.is_(None), outbox.c.position > last)
            .order_by(outbox.c.position).limit(BATCH)).all()
        if not rows:
            return
        for position, value in rows:
            connection.execute(sa.update(outbox).where(outbox.c.position == position)
                               .values({target.name: convert(value)}))
        last = rows[-1][0]


def upgrade() -> None:
    _rewrite(sa.column("data", sa.JSON), sa.column("wire", sa.LargeBinary),
             lambda data: _compact(data).encode())
    # Both engines drop a column in place (SQLite since 3.35); only the NOT NULL needs SQLite's
    # table copy, which keeps the table's indexes (the relay's partial one included).
    op.drop_column("outbox", "data")
    with op.batch_alter_table("outbox") as batch:
        batch.alter_column("wire", existing_type=sa.LargeBinary(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.alter_column("wire", existing_type=sa.LargeBinary(), nullable=True)
    op.add_column("outbox", sa.Column("data", sa.JSON(), nullable=True))
    _rewrite(sa.column("wire", sa.LargeBinary), sa.column("data", sa.JSON),
             lambda wire: json.loads(bytes(wire)))
    with op.batch_alter_table("outbox") as batch:
        batch.alter_column("data", existing_type=sa.JSON(), nullable=False)
