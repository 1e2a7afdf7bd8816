"""outbox: no index on ``sent_at``

Revision ID: 0028
Revises: 0027
Written by hand. Every event paid for ``ix_outbox_sent_at`` when the relay marked it sent: an
``UPDATE`` of ``sent_at`` writes the index again (a new entry on PostgreSQL, a delete and an
insert on SQLite), about a third of the mark's cost on both (``python -m
benchmarks.outbox_rows``, docs/benchmarks.md). Nothing needs it: the relay reads by position
through ``ix_outbox_unsent`` (the unsent rows), pruning walks the primary key from the oldest
position, and the status's newest ``sent_at`` is taken in the pass over the whole outbox that
already counts its rows (``core.outbox_pruning.outbox_status``).
"""

from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_outbox_sent_at", table_name="outbox")


def downgrade() -> None:
    op.create_index("ix_outbox_sent_at", "outbox", ["sent_at"], unique=False)
