"""milestones keep their agreed date; re-planning is approved by the office

Revision ID: 0009
Revises: 0008
Written by hand.
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
