"""ziyang tables: the six ones of the industry groups, leading-group meetings, fulfilment results

Revision ID: ziyang_0001
Revises:
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "ziyang_0001"
down_revision = None
branch_labels = ("ziyang",)
depends_on = "0002"  # core evaluations (a fulfilment result names its evaluation)


def upgrade() -> None:
    op.create_table(
        "ziyang_group_ones",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_code", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("unit_code", sa.String(length=64), nullable=True),
        sa.Column("reference", sa.String(length=200), nullable=True),
        sa.Column("appointed_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ziyang_group_ones")),
    )
    op.create_index(op.f("ix_ziyang_group_ones_group_code"), "ziyang_group_ones", ["group_code"])
    op.create_table(
        "ziyang_meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("chair", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("topics", sa.Text(), nullable=True),
        sa.Column("decisions", sa.Text(), nullable=True),
        sa.Column("project_ids", sa.JSON(), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ziyang_meetings")),
    )
    op.create_index(op.f("ix_ziyang_meetings_kind"), "ziyang_meetings", ["kind"])
    op.create_index(op.f("ix_ziyang_meetings_held_on"), "ziyang_meetings", ["held_on"])
    op.create_table(
        "ziyang_fulfilment_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("evaluated_on", sa.Date(), nullable=False),
        sa.Column("evaluating_unit", sa.String(length=64), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("evaluation_id", sa.Integer(), nullable=False),
        sa.Column("basis", sa.Text(), nullable=False),
        sa.Column("incentive_policy", sa.String(length=32), nullable=True),
        sa.Column("incentive_amount", sa.Numeric(18, 4), nullable=True),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("partner", sa.String(length=200), nullable=True),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"],
                                name=op.f("fk_ziyang_fulfilment_results_project_id_projects")),
        sa.ForeignKeyConstraint(["evaluation_id"], ["evaluations.id"],
                                name=op.f("fk_ziyang_fulfilment_results_evaluation_id_evaluations")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ziyang_fulfilment_results")),
    )
    op.create_index(op.f("ix_ziyang_fulfilment_results_project_id"),
                    "ziyang_fulfilment_results", ["project_id"])


def downgrade() -> None:
    op.drop_table("ziyang_fulfilment_results")
    op.drop_table("ziyang_meetings")
    op.drop_table("ziyang_group_ones")
