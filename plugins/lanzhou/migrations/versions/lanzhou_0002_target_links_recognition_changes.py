"""lanzhou: a target's credit code (to match its leads and projects), changes of recognition

Revision ID: lanzhou_0002
Revises: lanzhou_0001
Written by hand.
"""

import sqlalchemy as sa
from alembic import op

revision = "lanzhou_0002"
down_revision = "lanzhou_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("lanzhou_targets") as batch_op:
        batch_op.add_column(sa.Column("credit_code", sa.String(length=18), nullable=True))
        batch_op.create_index(batch_op.f("ix_lanzhou_targets_credit_code"), ["credit_code"])
    op.create_table(
        "lanzhou_registration_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("changed_on", sa.Date(), nullable=False),
        sa.Column("changed_by", sa.String(length=100), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("before", sa.JSON(), nullable=False),
        sa.Column("after", sa.JSON(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["registration_id"], ["lanzhou_registrations.id"],
            name=op.f("fk_lanzhou_registration_changes_registration_id_lanzhou_registrations")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lanzhou_registration_changes")),
    )
    op.create_index(op.f("ix_lanzhou_registration_changes_registration_id"),
                    "lanzhou_registration_changes", ["registration_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_lanzhou_registration_changes_registration_id"),
                  table_name="lanzhou_registration_changes")
    op.drop_table("lanzhou_registration_changes")
    with op.batch_alter_table("lanzhou_targets") as batch_op:
        batch_op.drop_index(batch_op.f("ix_lanzhou_targets_credit_code"))
        batch_op.drop_column("credit_code")
