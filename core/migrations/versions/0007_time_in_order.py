"""stage dates and lead judgement times recorded by the server, date corrections

Revision ID: 0007
Revises: 0006
Written by hand.
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
