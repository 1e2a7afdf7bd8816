"""province store: the figures' read model (sums per city, 省外 flag and day/month/year)

Revision ID: p0006
Revises: p0004
Written by hand. (p0005 is reserved and unused.)
"""

import sqlalchemy as sa
from alembic import op

revision = "p0006"
down_revision = "p0004"
branch_labels = None
depends_on = None

MEASURES = ("signed_count", "signed_amount", "fulfilling_count", "started_count",
            "arrived_amount", "pending_amount", "leads")


def upgrade() -> None:
    op.create_table(
        "province_figure_totals",
        sa.Column("grain", sa.String(1), nullable=False),
        sa.Column("bucket", sa.Date(), nullable=False),
        sa.Column("city", sa.String(32), nullable=False),
        sa.Column("out_of_province", sa.String(7), nullable=False),
        *(sa.Column(name, sa.BigInteger(), nullable=False) for name in MEASURES),
        sa.PrimaryKeyConstraint("grain", "bucket", "city", "out_of_province",
                                name=op.f("pk_province_figure_totals")),
    )
    with op.batch_alter_table("province_cities") as batch_op:
        batch_op.add_column(sa.Column("projects", sa.Integer(), nullable=False,
                                      server_default="0"))
    # Filled from the states already held, by the SQL that recomputes it.
    from sqlalchemy.orm import Session

    from province.figure_totals import refill

    with Session(bind=op.get_bind()) as session:  # joins the migration's transaction
        refill(session)


def downgrade() -> None:
    with op.batch_alter_table("province_cities") as batch_op:
        batch_op.drop_column("projects")
    op.drop_table("province_figure_totals")
