"""chain targets of the investment map

Revision ID: 0005
Revises: 0001
Written by hand: the core's target list of the investment map (招商目标企业).
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "chain_targets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chain", sa.String(length=64), nullable=False),
        sa.Column("link", sa.String(length=64), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=True),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chain_targets")),
    )
    op.create_index(op.f("ix_chain_targets_chain"), "chain_targets", ["chain"])


def downgrade() -> None:
    op.drop_index(op.f("ix_chain_targets_chain"), table_name="chain_targets")
    op.drop_table("chain_targets")
