"""audit_log: the record a write touched, the path the service received, api or web

Revision ID: gateway_0003
Revises: gateway_0002
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "gateway_0003"
down_revision = "gateway_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("record", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("service_path", sa.String(length=2000), nullable=True))
        batch.add_column(sa.Column("via", sa.String(length=8), nullable=True))
        batch.create_index(batch.f("ix_audit_log_record"), ["record"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_index(batch.f("ix_audit_log_record"))
        batch.drop_column("via")
        batch.drop_column("service_path")
        batch.drop_column("record")
