"""province store: inbox, projects, leads, city state, snapshots

Revision ID: p0001
Revises:
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "p0001"
down_revision = None
branch_labels = ("province",)
depends_on = None

POSITION = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
MONEY = sa.Numeric(precision=18, scale=4)


def upgrade() -> None:
    op.create_table(
        "province_inbox",
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("city", sa.String(length=32), nullable=False),
        sa.Column("type", sa.String(length=100), nullable=False),
        sa.Column("sequence", POSITION, nullable=True),
        sa.Column("event_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("topic", sa.String(length=200), nullable=False),
        sa.Column("partition", sa.Integer(), nullable=False),
        sa.Column("offset", POSITION, nullable=False),
        sa.PrimaryKeyConstraint("source", "id", name=op.f("pk_province_inbox")),
    )
    op.create_index("ix_province_inbox_city_sequence", "province_inbox", ["city", "sequence"])
    op.create_table(
        "province_projects",
        sa.Column("city", sa.String(length=32), nullable=False),
        sa.Column("project_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("industry", sa.String(length=64), nullable=True),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=True),
        sa.Column("out_of_province", sa.Boolean(), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=True),
        sa.Column("started_on", sa.Date(), nullable=True),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("arrived_amount", MONEY, nullable=False),
        sa.Column("funds", sa.JSON(), nullable=False),
        sa.Column("enterprise_name", sa.String(length=200), nullable=False),
        sa.Column("normalized_name", sa.String(length=200), nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=True),
        sa.Column("origin_province", sa.String(length=50), nullable=True),
        sa.Column("sequence", POSITION, nullable=True),
        sa.Column("event_time", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("city", "project_id", name=op.f("pk_province_projects")),
    )
    op.create_index(op.f("ix_province_projects_normalized_name"), "province_projects",
                    ["normalized_name"])
    op.create_index(op.f("ix_province_projects_credit_code"), "province_projects", ["credit_code"])
    op.create_table(
        "province_leads",
        sa.Column("city", sa.String(length=32), nullable=False),
        sa.Column("lead_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("industry", sa.String(length=64), nullable=True),
        sa.Column("intended_amount", MONEY, nullable=True),
        sa.Column("reported_on", sa.Date(), nullable=False),
        sa.Column("enterprise_name", sa.String(length=200), nullable=False),
        sa.Column("normalized_name", sa.String(length=200), nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=True),
        sa.Column("origin_province", sa.String(length=50), nullable=True),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("sequence", POSITION, nullable=True),
        sa.Column("event_time", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("city", "lead_id", name=op.f("pk_province_leads")),
    )
    op.create_index(op.f("ix_province_leads_normalized_name"), "province_leads",
                    ["normalized_name"])
    op.create_index(op.f("ix_province_leads_credit_code"), "province_leads", ["credit_code"])
    op.create_table(
        "province_cities",
        sa.Column("city", sa.String(length=32), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.Column("last_event_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_event_type", sa.String(length=100), nullable=True),
        sa.Column("last_received_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("city", name=op.f("pk_province_cities")),
    )
    op.create_table(
        "province_snapshots",
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("city", sa.String(length=32), nullable=False),
        sa.Column("sequence", POSITION, nullable=True),
        sa.Column("event_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_province_snapshots")),
    )
    op.create_index(op.f("ix_province_snapshots_city"), "province_snapshots", ["city"])


def downgrade() -> None:
    for table in ("province_snapshots", "province_cities", "province_leads",
                  "province_projects", "province_inbox"):
        op.drop_table(table)
