"""leads and projects: indexed by their investor

Revision ID: 0025
Revises: 0024
Written by hand. Every lead reported about a known investor looks for that investor's first
lead (``core.services.leads.earlier_lead_for``), the duplicate check lists its leads and
projects, and the lists filter by it; without an index each of these read every lead or
project of the city (3 ms a report at 5,000 leads, growing with the city's history).
"""

from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_leads_enterprise_id", "leads", ["enterprise_id"], unique=False)
    op.create_index("ix_projects_enterprise_id", "projects", ["enterprise_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_projects_enterprise_id", table_name="projects")
    op.drop_index("ix_leads_enterprise_id", table_name="leads")
