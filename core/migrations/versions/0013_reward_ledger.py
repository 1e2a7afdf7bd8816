"""rewards as a ledger: proposed, approved or rejected, paid; basis, uncapped amount, refusals

Revision ID: 0013
Revises: 0012
Written by hand. Rewards computed before the ledger stay ``proposed`` (nobody approved them);
their scope and items are unknown (NULL, empty), so they count towards no cap until the office
decides them. ``reward_changes`` keeps the history of each line.
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


COLUMNS = ("state", "scope_key", "year", "items", "reductions", "ranking_run_id",
           "superseded_by_id", "decided_by", "decided_at", "decision_reason", "voucher_ref",
           "voucher_key", "paid_on", "paid_by", "paid_at", "version")


def upgrade() -> None:
    with op.batch_alter_table("rewards") as batch_op:
        batch_op.add_column(sa.Column("state", sa.String(16), server_default="proposed",
                                      nullable=False))
        batch_op.add_column(sa.Column("scope_key", sa.String(300), nullable=True))
        batch_op.add_column(sa.Column("year", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("items", sa.JSON(), server_default="[]", nullable=False))
        batch_op.add_column(sa.Column("reductions", sa.JSON(), server_default="[]",
                                      nullable=False))
        batch_op.add_column(sa.Column("ranking_run_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("superseded_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("decided_by", sa.String(100), nullable=True))
        batch_op.add_column(sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("decision_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("voucher_ref", sa.String(200), nullable=True))
        batch_op.add_column(sa.Column("voucher_key", sa.String(200), nullable=True))
        batch_op.add_column(sa.Column("paid_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("paid_by", sa.String(100), nullable=True))
        batch_op.add_column(sa.Column("paid_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1",
                                      nullable=False))
        batch_op.create_index("ix_rewards_state", ["state"])
        batch_op.create_index("ix_rewards_scope_key", ["scope_key"])
        batch_op.create_index("ix_rewards_year", ["year"])
        batch_op.create_index("ix_rewards_voucher_key", ["voucher_key"], unique=True)
    op.create_table(
        "reward_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reward_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["reward_id"], ["rewards.id"],
                                name=op.f("fk_reward_changes_reward_id_rewards")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reward_changes")),
    )
    op.create_index("ix_reward_changes_reward_id", "reward_changes", ["reward_id"])


def downgrade() -> None:
    op.drop_index("ix_reward_changes_reward_id", table_name="reward_changes")
    op.drop_table("reward_changes")
    with op.batch_alter_table("rewards") as batch_op:
        for index in ("ix_rewards_voucher_key", "ix_rewards_year", "ix_rewards_scope_key",
                      "ix_rewards_state"):
            batch_op.drop_index(index)
        for column in reversed(COLUMNS):
            batch_op.drop_column(column)
