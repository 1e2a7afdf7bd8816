"""province store: a project's 省外 may be unknown (NULL) when its investor's province is

Revision ID: p0002
Revises: p0001
Written by hand.
"""

import sqlalchemy as sa
from alembic import op

revision = "p0002"
down_revision = "p0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The cities re-derive each project's flag after their own upgrade and publish the changed
    # ones (core.migrate.after_upgrade): rows held as false for an unknown investor follow.
    with op.batch_alter_table("province_projects") as batch_op:
        batch_op.alter_column("out_of_province", existing_type=sa.Boolean(), nullable=True)


def downgrade() -> None:
    op.execute("UPDATE province_projects SET out_of_province = false "
               "WHERE out_of_province IS NULL")
    with op.batch_alter_table("province_projects") as batch_op:
        batch_op.alter_column("out_of_province", existing_type=sa.Boolean(), nullable=False)
