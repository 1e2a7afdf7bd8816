"""sanming tables: park resources, rolling checks, accountability cases, tax settlements, meetings

Revision ID: sanming_0001
Revises:
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "sanming_0001"
down_revision = None
branch_labels = ("sanming",)
depends_on = "0001"

MONEY = sa.Numeric(18, 4)


def _now_column(name: str) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def upgrade() -> None:
    op.create_table(
        "sanming_park_resources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("park_unit_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=True),
        sa.Column("area", sa.Numeric(14, 2), nullable=True),
        sa.Column("area_unit", sa.String(length=16), nullable=True),
        sa.Column("reference_price", MONEY, nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("offered_to", sa.String(length=200), nullable=True),
        sa.Column("offered_on", sa.Date(), nullable=True),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("taken_on", sa.Date(), nullable=True),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        _now_column("recorded_at"),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["park_unit_id"], ["units.id"],
                                name=op.f("fk_sanming_park_resources_park_unit_id_units")),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"],
                                name=op.f("fk_sanming_park_resources_project_id_projects")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sanming_park_resources")),
    )
    for column in ("park_unit_id", "kind", "status"):
        op.create_index(op.f(f"ix_sanming_park_resources_{column}"), "sanming_park_resources",
                        [column])

    op.create_table(
        "sanming_rolling_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("year_index", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("checked_on", sa.Date(), nullable=False),
        sa.Column("in_statistics", sa.Boolean(), nullable=False),
        sa.Column("paying_tax", sa.Boolean(), nullable=False),
        sa.Column("investment_as_declared", sa.Boolean(), nullable=False),
        sa.Column("declared_amount", MONEY, nullable=False),
        sa.Column("verified_amount", MONEY, nullable=True),
        sa.Column("false_report", sa.Boolean(), nullable=False),
        sa.Column("serious", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("checked_by", sa.String(length=100), nullable=False),
        _now_column("recorded_at"),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"],
                                name=op.f("fk_sanming_rolling_checks_project_id_projects")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sanming_rolling_checks")),
        sa.UniqueConstraint("project_id", "year_index",
                            name=op.f("uq_sanming_rolling_checks_project_id")),
    )
    for column in ("project_id", "false_report"):
        op.create_index(op.f(f"ix_sanming_rolling_checks_{column}"), "sanming_rolling_checks",
                        [column])

    op.create_table(
        "sanming_accountability_cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("rolling_check_id", sa.Integer(), nullable=True),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("proposed_measure", sa.String(length=32), nullable=False),
        sa.Column("measure", sa.String(length=32), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.String(length=100), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("opened_by", sa.String(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"],
                                name=op.f("fk_sanming_accountability_cases_project_id_projects")),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"],
                                name=op.f("fk_sanming_accountability_cases_unit_id_units")),
        sa.ForeignKeyConstraint(
            ["rolling_check_id"], ["sanming_rolling_checks.id"],
            name=op.f("fk_sanming_accountability_cases_rolling_check_id_sanming_rolling_checks")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sanming_accountability_cases")),
    )
    for column in ("kind", "project_id", "unit_id", "opened_on"):
        op.create_index(op.f(f"ix_sanming_accountability_cases_{column}"),
                        "sanming_accountability_cases", [column])

    op.create_table(
        "sanming_tax_settlements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("local_tax", MONEY, nullable=False),
        sa.Column("from_unit_id", sa.Integer(), nullable=False),
        sa.Column("to_unit_id", sa.Integer(), nullable=False),
        sa.Column("from_share", sa.Numeric(5, 4), nullable=False),
        sa.Column("from_amount", MONEY, nullable=False),
        sa.Column("to_amount", MONEY, nullable=False),
        sa.Column("confirmed_by_from", sa.String(length=100), nullable=True),
        sa.Column("confirmed_by_to", sa.String(length=100), nullable=True),
        sa.Column("settled_on", sa.Date(), nullable=True),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"],
                                name=op.f("fk_sanming_tax_settlements_project_id_projects")),
        sa.ForeignKeyConstraint(["from_unit_id"], ["units.id"],
                                name=op.f("fk_sanming_tax_settlements_from_unit_id_units")),
        sa.ForeignKeyConstraint(["to_unit_id"], ["units.id"],
                                name=op.f("fk_sanming_tax_settlements_to_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sanming_tax_settlements")),
        sa.UniqueConstraint("project_id", "year",
                            name=op.f("uq_sanming_tax_settlements_project_id")),
    )
    op.create_index(op.f("ix_sanming_tax_settlements_project_id"), "sanming_tax_settlements",
                    ["project_id"])

    op.create_table(
        "sanming_meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("group_unit_id", sa.Integer(), nullable=True),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("chair", sa.String(length=100), nullable=False),
        sa.Column("topics", sa.Text(), nullable=True),
        sa.Column("decisions", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        _now_column("recorded_at"),
        sa.ForeignKeyConstraint(["group_unit_id"], ["units.id"],
                                name=op.f("fk_sanming_meetings_group_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sanming_meetings")),
    )
    for column in ("kind", "group_unit_id", "held_on"):
        op.create_index(op.f(f"ix_sanming_meetings_{column}"), "sanming_meetings", [column])


def downgrade() -> None:
    for table in ("sanming_meetings", "sanming_tax_settlements", "sanming_accountability_cases",
                  "sanming_rolling_checks", "sanming_park_resources"):
        op.drop_table(table)
