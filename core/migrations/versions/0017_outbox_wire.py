"""outbox wire: each event's Kafka record value, encoded once when it is recorded

Revision ID: 0017
Revises: 0015
Written by hand. The relay published each row by parsing its stored ``data`` text and encoding
it again as compact JSON (the record value); that took a third of its time. ``wire`` holds the
value's bytes from the moment the event is recorded (core.events.wire_value). Rows written
before stay NULL: the relay encodes those from ``data`` as before, so nothing needs rewriting.
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
# 0016 is reserved by other work in progress: if it lands, this revises 0016.
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A nullable column: added in place on SQLite and PostgreSQL alike, no table copy.
    op.add_column("outbox", sa.Column("wire", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("wire")
