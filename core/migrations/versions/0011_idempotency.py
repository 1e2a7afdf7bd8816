"""idempotency keys for writes that may be retried, and versions of the records changed in place

Revision ID: 0011
Revises: 0010
Written by hand. ``idempotent_requests`` keeps the first answer to a write sent with an
``Idempotency-Key`` (core.api.idempotency); fund tranches, work orders, matter conditions,
assessment runs and objections get the ``version`` column the API shows as their ETag
(core.api.versions). Existing rows start at version 1.
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

VERSIONED = ("fund_tranches", "matter_work_orders", "matter_conditions", "assessment_runs",
             "assessment_objections")


def upgrade() -> None:
    op.create_table(
        "idempotent_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("method", sa.String(10), nullable=False),
        sa.Column("path", sa.String(500), nullable=False),
        sa.Column("request_digest", sa.String(64), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("content_type", sa.String(100), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_idempotent_requests"),
        sa.UniqueConstraint("actor", "key", name="uq_idempotent_requests_actor_key"),
    )
    op.create_index("ix_idempotent_requests_created_at", "idempotent_requests", ["created_at"])
    for table in VERSIONED:
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1",
                                          nullable=False))


def downgrade() -> None:
    for table in reversed(VERSIONED):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("version")
    op.drop_index("ix_idempotent_requests_created_at", table_name="idempotent_requests")
    op.drop_table("idempotent_requests")
