"""outbox request id: the X-Request-Id of the request that recorded each event

Revision ID: 0022
Revises: 0021
Written by hand. The relay sends it as the ``ce_requestid`` CloudEvents extension header so
the province's log line for an event names the request that caused it (docs/observability.md).
NULL for an event recorded outside a request (the scheduler, a CLI command) and for the rows
written before; the relay adds the header only when there is one.
"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A nullable column: added in place on SQLite and PostgreSQL alike, no table copy.
    op.add_column("outbox", sa.Column("request_id", sa.String(128), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("request_id")
