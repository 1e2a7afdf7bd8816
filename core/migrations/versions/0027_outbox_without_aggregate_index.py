"""outbox: no index on ``aggregate_id``

Revision ID: 0027
Revises: 0026
Written by hand. ``ix_outbox_aggregate_id`` came with the first outbox (0001) and no query ever
used it: the relay reads by position, pruning and the status by position and ``sent_at``, and
a consumer keys by the record's key, not this table. Every event paid for it twice: its
INSERT, and its mark as sent (an ``UPDATE`` of ``sent_at``, never a heap-only one on
PostgreSQL, so each index gets a new entry). Without it, marking a row sent on PostgreSQL costs
the server about a third less (``python -m benchmarks.outbox_rows --backend postgresql``,
docs/benchmarks.md).
"""

from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_outbox_aggregate_id", table_name="outbox")


def downgrade() -> None:
    op.create_index("ix_outbox_aggregate_id", "outbox", ["aggregate_id"], unique=False)
