"""import jobs: background ledger imports kept in the city's database (core.ledger_import.jobs)

Revision ID: 0023
Revises: 0022
Written by hand. Jobs were kept in the service process's memory: a restart forgot them and a
second replica answered 404 to a poll. One row per job: its uploader, progress, heartbeat,
result, a dry run's file until committed or discarded, and the job that committed it.
"""

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "import_jobs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("uploaded_by", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("unit", sa.String(50), nullable=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("dry_run", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.Column("runner", sa.String(64), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("committed_by", sa.Integer(),
                  sa.ForeignKey("import_jobs.id", name="fk_import_jobs_committed_by_import_jobs",
                                ondelete="SET NULL"),
                  nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_import_jobs_uploaded_by", "import_jobs", ["uploaded_by"])
    op.create_index("ix_import_jobs_updated_at", "import_jobs", ["updated_at"])


def downgrade() -> None:
    op.drop_table("import_jobs")
