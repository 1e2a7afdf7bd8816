"""stage dates and lead judgement times recorded by the server, date corrections

Revision ID: 0007
Revises: 0006
Written by hand.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The judgement of a lead (assigned or rejected), recorded by the server.
    with op.batch_alter_table("leads") as batch:
        batch.add_column(sa.Column("judged_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("judged_on", sa.Date(), nullable=True))
    # Judgements made before: an assignment's date is its judgement date.
    op.execute("UPDATE leads SET judged_on = assigned_on WHERE assigned_on IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table("leads") as batch:
        batch.drop_column("judged_on")
        batch.drop_column("judged_at")
