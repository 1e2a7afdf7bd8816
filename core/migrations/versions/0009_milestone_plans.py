"""milestones keep their agreed date; re-planning is approved by the office

Revision ID: 0009
Revises: 0008
Written by hand.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("milestones") as batch_op:
        batch_op.add_column(sa.Column("original_planned_on", sa.Date(), nullable=True))
    # Every milestone so far was agreed once: its planned date is its original one.
    op.execute("UPDATE milestones SET original_planned_on = planned_on")
    with op.batch_alter_table("milestones") as batch_op:
        batch_op.alter_column("original_planned_on", existing_type=sa.Date(), nullable=False)
    op.create_table(
        "milestone_replans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("milestone_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("previous_on", sa.Date(), nullable=False),
        sa.Column("planned_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("requested_by", sa.String(length=100), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(length=100), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["milestone_id"], ["milestones.id"],
                                name=op.f("fk_milestone_replans_milestone_id_milestones")),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"],
                                name=op.f("fk_milestone_replans_project_id_projects")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_milestone_replans")),
    )
    op.create_index(op.f("ix_milestone_replans_project_id"), "milestone_replans", ["project_id"])
    op.create_index(op.f("ix_milestone_replans_milestone_id"), "milestone_replans", ["milestone_id"])
    op.create_index(op.f("ix_milestone_replans_status"), "milestone_replans", ["status"])


def downgrade() -> None:
    op.drop_index(op.f("ix_milestone_replans_status"), table_name="milestone_replans")
    op.drop_index(op.f("ix_milestone_replans_milestone_id"), table_name="milestone_replans")
    op.drop_index(op.f("ix_milestone_replans_project_id"), table_name="milestone_replans")
    op.drop_table("milestone_replans")
    with op.batch_alter_table("milestones") as batch_op:
        batch_op.drop_column("original_planned_on")
