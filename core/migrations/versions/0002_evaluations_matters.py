"""evaluations, expert pool, enterprise ratings, matters

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SCORE = sa.Numeric(7, 2)
MONEY = sa.Numeric(18, 4)


def _when(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "experts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("field", sa.String(length=100), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=True),
        sa.Column("title", sa.String(length=100), nullable=True),
        sa.Column("contact", sa.String(length=200), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        _when("created_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_experts")),
    )
    op.create_index(op.f("ix_experts_field"), "experts", ["field"])

    op.create_table(
        "evaluations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("form_code", sa.String(length=64), nullable=False),
        sa.Column("form_name", sa.String(length=200), nullable=False),
        sa.Column("subject", sa.String(length=16), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("enterprise_id", sa.Integer(), nullable=True),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=64), nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("result", SCORE, nullable=True),
        sa.Column("passed", sa.Boolean(), nullable=True),
        sa.Column("failures", sa.JSON(), nullable=False),
        sa.Column("rating", sa.String(length=8), nullable=True),
        sa.Column("decision", sa.String(length=16), nullable=True),
        sa.Column("decided_by", sa.String(length=100), nullable=True),
        _when("decided_at", nullable=True),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        _when("created_at"),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"],
                                name=op.f("fk_evaluations_project_id_projects")),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprises.id"],
                                name=op.f("fk_evaluations_enterprise_id_enterprises")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluations")),
    )
    op.create_index(op.f("ix_evaluations_form_code"), "evaluations", ["form_code"])
    op.create_index(op.f("ix_evaluations_project_id"), "evaluations", ["project_id"])
    op.create_index(op.f("ix_evaluations_enterprise_id"), "evaluations", ["enterprise_id"])

    op.create_table(
        "evaluation_reviewers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("evaluation_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("expert_id", sa.Integer(), nullable=True),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=100), nullable=True),
        sa.Column("assigned_by", sa.String(length=100), nullable=False),
        _when("assigned_at"),
        sa.ForeignKeyConstraint(["evaluation_id"], ["evaluations.id"],
                                name=op.f("fk_evaluation_reviewers_evaluation_id_evaluations")),
        sa.ForeignKeyConstraint(["expert_id"], ["experts.id"],
                                name=op.f("fk_evaluation_reviewers_expert_id_experts")),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"],
                                name=op.f("fk_evaluation_reviewers_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluation_reviewers")),
        sa.UniqueConstraint("evaluation_id", "name",
                            name=op.f("uq_evaluation_reviewers_evaluation_id")),
    )
    op.create_index(op.f("ix_evaluation_reviewers_evaluation_id"), "evaluation_reviewers",
                    ["evaluation_id"])

    op.create_table(
        "evaluation_scores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("evaluation_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("dimension", sa.String(length=64), nullable=False),
        sa.Column("score", SCORE, nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        _when("recorded_at"),
        sa.ForeignKeyConstraint(["evaluation_id"], ["evaluations.id"],
                                name=op.f("fk_evaluation_scores_evaluation_id_evaluations")),
        sa.ForeignKeyConstraint(
            ["reviewer_id"], ["evaluation_reviewers.id"],
            name=op.f("fk_evaluation_scores_reviewer_id_evaluation_reviewers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluation_scores")),
        sa.UniqueConstraint("reviewer_id", "dimension",
                            name=op.f("uq_evaluation_scores_reviewer_id")),
    )
    op.create_index(op.f("ix_evaluation_scores_evaluation_id"), "evaluation_scores",
                    ["evaluation_id"])

    op.create_table(
        "evaluation_hard_refusals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("evaluation_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("ticked_by", sa.String(length=100), nullable=False),
        _when("ticked_at"),
        sa.ForeignKeyConstraint(
            ["evaluation_id"], ["evaluations.id"],
            name=op.f("fk_evaluation_hard_refusals_evaluation_id_evaluations")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluation_hard_refusals")),
        sa.UniqueConstraint("evaluation_id", "code",
                            name=op.f("uq_evaluation_hard_refusals_evaluation_id")),
    )
    op.create_index(op.f("ix_evaluation_hard_refusals_evaluation_id"),
                    "evaluation_hard_refusals", ["evaluation_id"])

    op.create_table(
        "evaluation_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("evaluation_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=64), nullable=False),
        sa.Column("opinion", sa.Text(), nullable=True),
        sa.Column("decision", sa.String(length=16), nullable=True),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        _when("completed_at"),
        sa.ForeignKeyConstraint(["evaluation_id"], ["evaluations.id"],
                                name=op.f("fk_evaluation_steps_evaluation_id_evaluations")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluation_steps")),
        sa.UniqueConstraint("evaluation_id", "step",
                            name=op.f("uq_evaluation_steps_evaluation_id")),
    )
    op.create_index(op.f("ix_evaluation_steps_evaluation_id"), "evaluation_steps",
                    ["evaluation_id"])

    op.create_table(
        "enterprise_ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("form_code", sa.String(length=64), nullable=False),
        sa.Column("rating", sa.String(length=8), nullable=False),
        sa.Column("score", SCORE, nullable=False),
        sa.Column("evaluation_id", sa.Integer(), nullable=False),
        _when("rated_at"),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprises.id"],
                                name=op.f("fk_enterprise_ratings_enterprise_id_enterprises")),
        sa.ForeignKeyConstraint(["evaluation_id"], ["evaluations.id"],
                                name=op.f("fk_enterprise_ratings_evaluation_id_evaluations")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enterprise_ratings")),
        sa.UniqueConstraint("enterprise_id", "form_code",
                            name=op.f("uq_enterprise_ratings_enterprise_id")),
    )
    op.create_index(op.f("ix_enterprise_ratings_enterprise_id"), "enterprise_ratings",
                    ["enterprise_id"])

    op.create_table(
        "matters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("request", sa.Text(), nullable=False),
        sa.Column("requested_amount", MONEY, nullable=True),
        sa.Column("requested_on", sa.Date(), nullable=False),
        sa.Column("owner_unit_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("decision_level", sa.String(length=32), nullable=False),
        sa.Column("proposal", sa.Text(), nullable=True),
        sa.Column("support_amount", MONEY, nullable=True),
        sa.Column("proposed_by", sa.String(length=100), nullable=True),
        _when("proposed_at", nullable=True),
        sa.Column("decision", sa.String(length=16), nullable=True),
        sa.Column("decision_text", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.String(length=100), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("meeting_ref", sa.String(length=200), nullable=True),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        _when("created_at"),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"],
                                name=op.f("fk_matters_project_id_projects")),
        sa.ForeignKeyConstraint(["owner_unit_id"], ["units.id"],
                                name=op.f("fk_matters_owner_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_matters")),
    )
    for column in ("project_id", "kind", "owner_unit_id", "status", "decision_level"):
        op.create_index(op.f(f"ix_matters_{column}"), "matters", [column])

    op.create_table(
        "matter_work_orders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("matter_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("task", sa.Text(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("due_estimated", sa.Boolean(), nullable=False),
        sa.Column("issued_by", sa.String(length=100), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("done_by", sa.String(length=100), nullable=True),
        sa.Column("done_note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["matter_id"], ["matters.id"],
                                name=op.f("fk_matter_work_orders_matter_id_matters")),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"],
                                name=op.f("fk_matter_work_orders_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_matter_work_orders")),
    )
    op.create_index(op.f("ix_matter_work_orders_matter_id"), "matter_work_orders", ["matter_id"])
    op.create_index(op.f("ix_matter_work_orders_unit_id"), "matter_work_orders", ["unit_id"])

    op.create_table(
        "matter_conditions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("matter_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("met", sa.Boolean(), nullable=True),
        sa.Column("checked_on", sa.Date(), nullable=True),
        sa.Column("checked_by", sa.String(length=100), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["matter_id"], ["matters.id"],
                                name=op.f("fk_matter_conditions_matter_id_matters")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_matter_conditions")),
    )
    op.create_index(op.f("ix_matter_conditions_matter_id"), "matter_conditions", ["matter_id"])


def downgrade() -> None:
    for table in ("matter_conditions", "matter_work_orders", "matters", "enterprise_ratings",
                  "evaluation_steps", "evaluation_hard_refusals", "evaluation_scores",
                  "evaluation_reviewers", "evaluations", "experts"):
        op.drop_table(table)
