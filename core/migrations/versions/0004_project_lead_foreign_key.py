"""The foreign key projects.lead_id → leads.id, which 0001 left out on PostgreSQL.

0001 declared it ``use_alter`` (projects and leads refer to each other), and
``op.create_table`` skips such constraints; SQLite got it inline. Create it where
it is missing.

Revision ID: 0004_lead_fk
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_lead_fk"
down_revision = "0001"
branch_labels = None
depends_on = None

NAME = "fk_projects_lead_id_leads"


def _exists() -> bool:
    keys = sa.inspect(op.get_bind()).get_foreign_keys("projects")
    return any(key["referred_table"] == "leads" and key["constrained_columns"] == ["lead_id"]
               for key in keys)


def upgrade() -> None:
    if not _exists():
        with op.batch_alter_table("projects") as batch_op:
            batch_op.create_foreign_key(NAME, "leads", ["lead_id"], ["id"])


def downgrade() -> None:
    # The key belongs to the model since 0001; downgrading past this keeps it.
    pass
