"""assessment publication: one published result per scheme and period, supersession, server publication time

Revision ID: 0014
Revises: 0013
Written by hand. A run can be superseded by a corrected run of the same scheme and period
(who, when, why, by which run); at most one run per scheme and period is ``published`` (a
partial unique index). Items that could not be computed are kept with their reason, on the run
and on each unit's result. A database already holding several published runs of one scheme and
period keeps the latest one published and marks the earlier ones superseded by it.
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

MIGRATION_REASON = "系统升级：同一考核方案同一考核期只保留最后一次公布的结果"


def _supersede_duplicates() -> None:
    connection = op.get_bind()
    runs = sa.table("assessment_runs", sa.column("id", sa.Integer), sa.column("scheme_code"),
                    sa.column("period_start"), sa.column("period_end"), sa.column("status"),
                    sa.column("published_at"), sa.column("superseded_by_run_id", sa.Integer),
                    sa.column("superseded_at"), sa.column("superseded_by"),
                    sa.column("supersession_reason"), sa.column("supersedes_run_id", sa.Integer))
    rows = connection.execute(sa.select(runs.c.id, runs.c.scheme_code, runs.c.period_start,
                                        runs.c.period_end, runs.c.published_at)
                              .where(runs.c.status == "published").order_by(runs.c.id)).all()
    latest: dict[tuple, tuple] = {}
    for row in rows:
        key = (row.scheme_code, row.period_start, row.period_end)
        previous = latest.get(key)
        latest[key] = row
        if previous is None:
            continue
        connection.execute(runs.update().where(runs.c.id == previous.id).values(
            status="superseded", superseded_by_run_id=row.id, superseded_at=row.published_at,
            superseded_by="system", supersession_reason=MIGRATION_REASON))
        connection.execute(runs.update().where(runs.c.id == row.id).values(
            supersedes_run_id=previous.id))


def upgrade() -> None:
    with op.batch_alter_table("assessment_runs") as batch_op:
        batch_op.add_column(sa.Column("not_computed", sa.JSON(), server_default="[]",
                                      nullable=False))
        batch_op.add_column(sa.Column("supersedes_run_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("superseded_by_run_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("superseded_by", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("supersession_reason", sa.Text(), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_assessment_runs_supersedes_run_id_assessment_runs"), "assessment_runs",
            ["supersedes_run_id"], ["id"])
        batch_op.create_foreign_key(
            op.f("fk_assessment_runs_superseded_by_run_id_assessment_runs"), "assessment_runs",
            ["superseded_by_run_id"], ["id"])
    with op.batch_alter_table("assessment_results") as batch_op:
        batch_op.add_column(sa.Column("not_computed", sa.JSON(), server_default="{}",
                                      nullable=False))
    _supersede_duplicates()
    op.create_index("uq_assessment_runs_published", "assessment_runs",
                    ["scheme_code", "period_start", "period_end"], unique=True,
                    sqlite_where=sa.text("status = 'published'"),
                    postgresql_where=sa.text("status = 'published'"))


def downgrade() -> None:
    op.drop_index("uq_assessment_runs_published", table_name="assessment_runs")
    with op.batch_alter_table("assessment_results") as batch_op:
        batch_op.drop_column("not_computed")
    op.execute("UPDATE assessment_runs SET status = 'published' WHERE status = 'superseded'")
    with op.batch_alter_table("assessment_runs") as batch_op:
        batch_op.drop_constraint(
            op.f("fk_assessment_runs_superseded_by_run_id_assessment_runs"), type_="foreignkey")
        batch_op.drop_constraint(
            op.f("fk_assessment_runs_supersedes_run_id_assessment_runs"), type_="foreignkey")
        for column in ("supersession_reason", "superseded_by", "superseded_at",
                       "superseded_by_run_id", "supersedes_run_id", "not_computed"):
            batch_op.drop_column(column)
