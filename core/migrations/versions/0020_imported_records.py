"""imported ledger rows: the record each row of a city's ledger became (core.ledger_import)

Revision ID: 0020
Revises: 0019
Written by hand. One row per imported ledger row, keyed by kind and the ledger's own number
(or an enterprise's credit code): a second import of the same row finds it and changes nothing.
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "imported_records",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("ledger_key", sa.String(200), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("row_digest", sa.String(64), nullable=False),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("file_sha256", sa.String(64), nullable=False),
        sa.Column("row", sa.Integer(), nullable=False),
        sa.Column("imported_by", sa.String(200), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("kind", "ledger_key", name="uq_imported_records_kind_key"),
    )


def downgrade() -> None:
    op.drop_table("imported_records")
