"""outbox pruning: the count and last position of the sent rows pruning removed

Revision ID: 0015
Revises: 0014
Written by hand. Sent outbox rows are pruned on a schedule (core.outbox_pruning); this one-row
table keeps how many were removed, so the snapshot's ``events_before`` stays exact.
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

Position = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    op.create_table(
        "outbox_pruning",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pruned_count", Position, nullable=False),
        sa.Column("pruned_through_position", Position, nullable=True),
        sa.Column("pruned_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_pruning")),
    )
    # The one row exists from the start: two first prunes at once never race to insert it.
    op.execute("INSERT INTO outbox_pruning (id, pruned_count) VALUES (1, 0)")


def downgrade() -> None:
    op.drop_table("outbox_pruning")
