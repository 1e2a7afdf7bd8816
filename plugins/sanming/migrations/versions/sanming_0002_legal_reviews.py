"""sanming: the 法规账 review, item by item (sanming_legal_reviews)

Revision ID: sanming_0002
Revises: sanming_0001
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "sanming_0002"
down_revision = "sanming_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sanming_legal_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("item", sa.String(length=32), nullable=False),
        sa.Column("finding", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("department", sa.String(length=100), nullable=False),
        sa.Column("reviewer", sa.String(length=100), nullable=False),
        sa.Column("reviewed_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("supersedes_id", sa.Integer(), nullable=True),
        sa.Column("change_reason", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"],
                                name=op.f("fk_sanming_legal_reviews_project_id_projects")),
        sa.ForeignKeyConstraint(["supersedes_id"], ["sanming_legal_reviews.id"],
                                name=op.f("fk_sanming_legal_reviews_supersedes_id_sanming_legal_reviews")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sanming_legal_reviews")),
    )
    with op.batch_alter_table("sanming_legal_reviews", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sanming_legal_reviews_project_id"), ["project_id"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sanming_legal_reviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sanming_legal_reviews_project_id"))
    op.drop_table("sanming_legal_reviews")
