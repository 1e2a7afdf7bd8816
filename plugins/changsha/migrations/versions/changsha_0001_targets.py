"""changsha: target-investor library

Revision ID: changsha_0001
Revises:
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "changsha_0001"
down_revision = None
branch_labels = ("changsha",)
depends_on = "0001"


def upgrade() -> None:
    op.create_table(
        "changsha_targets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("library", sa.String(length=32), nullable=True),
        sa.Column("headquarters_type", sa.String(length=32), nullable=True),
        sa.Column("xiangshang", sa.Boolean(), nullable=False),
        sa.Column("chain", sa.String(length=64), nullable=True),
        sa.Column("link", sa.String(length=16), nullable=True),
        sa.Column("segment", sa.String(length=100), nullable=True),
        sa.Column("industry", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("intermediary_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["intermediary_id"], ["intermediaries.id"],
                                name=op.f("fk_changsha_targets_intermediary_id_intermediaries")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_changsha_targets")),
    )
    op.create_index(op.f("ix_changsha_targets_library"), "changsha_targets", ["library"])
    op.create_index(op.f("ix_changsha_targets_chain"), "changsha_targets", ["chain"])


def downgrade() -> None:
    op.drop_index(op.f("ix_changsha_targets_chain"), table_name="changsha_targets")
    op.drop_index(op.f("ix_changsha_targets_library"), table_name="changsha_targets")
    op.drop_table("changsha_targets")
