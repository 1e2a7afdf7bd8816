"""leads.version (optimistic locking), and one head for the core branch again

Revision ID: 0006
Revises: 0002, 0003, 0004_lead_fk, 0005
Written by hand. 0002–0005 each grew from 0001; this merges them, so the core branch has a
single head that later revisions build on.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = ("0002", "0003", "0004_lead_fk", "0005")
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("leads") as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("leads") as batch_op:
        batch_op.drop_column("version")
