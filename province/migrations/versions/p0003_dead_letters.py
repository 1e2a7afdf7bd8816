"""province store: dead letters, partition positions, pruned inbox counts

Revision ID: p0003
Revises: p0002
Written by hand.
"""

import sqlalchemy as sa
from alembic import op

revision = "p0003"
down_revision = "p0002"
branch_labels = None
depends_on = None

Position = sa.BigInteger().with_variant(sa.Integer, "sqlite")
Moment = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("province_cities") as batch_op:
        batch_op.add_column(sa.Column("pruned_events", sa.Integer(), nullable=False,
                                      server_default="0"))
        batch_op.add_column(sa.Column("pruned_through_sequence", Position, nullable=True))
    op.create_table(
        "province_partitions",
        sa.Column("topic", sa.String(200), nullable=False),
        sa.Column("partition", sa.Integer(), nullable=False),
        sa.Column("next_offset", Position, nullable=False),
        sa.Column("updated_at", Moment, nullable=False),
        sa.PrimaryKeyConstraint("topic", "partition", name=op.f("pk_province_partitions")),
    )
    op.create_table(
        "province_dead_letters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(200), nullable=False),
        sa.Column("partition", sa.Integer(), nullable=False),
        sa.Column("offset", Position, nullable=False),
        sa.Column("city", sa.String(32), nullable=False),
        sa.Column("key", sa.LargeBinary(), nullable=True),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.Column("value", sa.LargeBinary(), nullable=True),
        sa.Column("record_time", Moment, nullable=True),
        sa.Column("reason", sa.String(64), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("event_id", sa.String(200), nullable=True),
        sa.Column("event_type", sa.String(200), nullable=True),
        sa.Column("sequence", Position, nullable=True),
        sa.Column("received_at", Moment, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("resolved_at", Moment, nullable=True),
        sa.Column("resolved_by", sa.String(100), nullable=True),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.Column("published_at", Moment, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_province_dead_letters")),
        sa.UniqueConstraint("topic", "partition", "offset",
                            name=op.f("uq_province_dead_letters_topic")),
    )
    op.create_index("ix_province_dead_letters_city_status", "province_dead_letters",
                    ["city", "status"])
    op.create_index(op.f("ix_province_dead_letters_published_at"), "province_dead_letters",
                    ["published_at"])


def downgrade() -> None:
    op.drop_table("province_dead_letters")
    op.drop_table("province_partitions")
    with op.batch_alter_table("province_cities") as batch_op:
        batch_op.drop_column("pruned_through_sequence")
        batch_op.drop_column("pruned_events")
