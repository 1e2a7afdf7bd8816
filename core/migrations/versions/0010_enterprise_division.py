"""the investor's administrative division, derived from the credit code or normalised text

Revision ID: 0010
Revises: 0009
Written by hand.
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
