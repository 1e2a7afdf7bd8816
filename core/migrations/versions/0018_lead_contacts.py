"""lead contacts: a contact person and phone on each lead

Revision ID: 0018
Revises: 0017
Written by hand. Leads carried their contact in free ``attributes``; they are fields now
(core.schemas.contacts validates the phone), empty on the leads reported before.
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
# 0016 is reserved by other work in progress (0017, the outbox's wire column, revises it
# if it lands).
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable columns: added in place on SQLite and PostgreSQL alike, no table copy.
    op.add_column("leads", sa.Column("contact_name", sa.String(length=50), nullable=True))
    op.add_column("leads", sa.Column("contact_phone", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("leads") as batch:
        batch.drop_column("contact_phone")
        batch.drop_column("contact_name")
