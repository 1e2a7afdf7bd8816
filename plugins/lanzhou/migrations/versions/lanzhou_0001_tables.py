"""lanzhou tables: registrations, penalties with exemptions, target enterprises, promotions

Revision ID: lanzhou_0001
Revises:
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "lanzhou_0001"
down_revision = None
branch_labels = ("lanzhou",)
depends_on = "0001"


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"],
                                   name=op.f(f"fk_{table}_{column}_{target}"))


def _recorded_at() -> sa.Column:
    return sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False)


def upgrade() -> None:
    op.create_table(
        "lanzhou_registrations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("introducing_unit_id", sa.Integer(), nullable=False),
        sa.Column("intermediary_id", sa.Integer(), nullable=True),
        sa.Column("registered_on", sa.Date(), nullable=False),
        sa.Column("registered_by", sa.String(length=100), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("decided_by", sa.String(length=100), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        _fk("lanzhou_registrations", "project_id", "projects"),
        _fk("lanzhou_registrations", "introducing_unit_id", "units"),
        _fk("lanzhou_registrations", "intermediary_id", "intermediaries"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lanzhou_registrations")),
        sa.UniqueConstraint("project_id", name=op.f("uq_lanzhou_registrations_project_id")),
    )
    for column in ("introducing_unit_id", "status"):
        op.create_index(op.f(f"ix_lanzhou_registrations_{column}"), "lanzhou_registrations",
                        [column])

    op.create_table(
        "lanzhou_penalties",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("points", sa.Numeric(6, 2), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        _recorded_at(),
        sa.Column("exempted", sa.Boolean(), nullable=False),
        sa.Column("exemption_reason", sa.Text(), nullable=True),
        sa.Column("exemption_conditions", sa.JSON(), nullable=False),
        sa.Column("approver", sa.String(length=100), nullable=True),
        sa.Column("exempted_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        _fk("lanzhou_penalties", "unit_id", "units"),
        _fk("lanzhou_penalties", "project_id", "projects"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lanzhou_penalties")),
    )
    for column in ("unit_id", "occurred_on"):
        op.create_index(op.f(f"ix_lanzhou_penalties_{column}"), "lanzhou_penalties", [column])

    op.create_table(
        "lanzhou_targets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("region", sa.String(length=32), nullable=False),
        sa.Column("industry", sa.String(length=64), nullable=True),
        sa.Column("background", sa.Text(), nullable=True),
        sa.Column("approach_plan", sa.Text(), nullable=False),
        sa.Column("responsible_unit_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        _recorded_at(),
        _fk("lanzhou_targets", "responsible_unit_id", "units"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lanzhou_targets")),
    )
    for column in ("category", "region"):
        op.create_index(op.f(f"ix_lanzhou_targets_{column}"), "lanzhou_targets", [column])

    op.create_table(
        "lanzhou_promotions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("place", sa.String(length=100), nullable=False),
        sa.Column("theme", sa.String(length=200), nullable=False),
        sa.Column("industry", sa.String(length=64), nullable=True),
        sa.Column("organiser_unit_id", sa.Integer(), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        _recorded_at(),
        _fk("lanzhou_promotions", "organiser_unit_id", "units"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lanzhou_promotions")),
    )
    op.create_index(op.f("ix_lanzhou_promotions_held_on"), "lanzhou_promotions", ["held_on"])


def downgrade() -> None:
    for table in ("lanzhou_promotions", "lanzhou_targets", "lanzhou_penalties",
                  "lanzhou_registrations"):
        op.drop_table(table)
