"""reminders: subscriptions, the once-per-day delivery outbox and its attempts (core.reminders)

Revision ID: 0021
Revises: 0020
Written by hand. ``reminders_sent`` is unique per subscription, item and day: the row that
says a reminder was decided is the row the sender delivers from (an outbox), so a restart
never sends a reminder twice on the same day and a receiver that is down loses nothing.
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reminder_subscriptions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("scope", sa.String(16), nullable=False),
        sa.Column("user", sa.String(100), nullable=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("unit_code", sa.String(64), nullable=True),
        sa.Column("leader_name", sa.String(100), nullable=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("address", sa.String(500), nullable=False),
        sa.Column("secret_env", sa.String(100), nullable=True),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_reminder_subscriptions_user", "reminder_subscriptions", ["user"])
    op.create_index("ix_reminder_subscriptions_unit_code", "reminder_subscriptions",
                    ["unit_code"])
    op.create_table(
        "reminders_sent",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("subscription_id", sa.Integer(),
                  sa.ForeignKey("reminder_subscriptions.id"), nullable=False),
        sa.Column("item_key", sa.String(120), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("recipient", sa.String(200), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("subscription_id", "item_key", "day",
                            name="uq_reminders_sent_item_day"),
    )
    op.create_index("ix_reminders_sent_subscription_id", "reminders_sent", ["subscription_id"])
    op.create_index("ix_reminders_sent_status", "reminders_sent", ["status"])
    op.create_table(
        "reminder_attempts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("delivery_id", sa.Integer(), sa.ForeignKey("reminders_sent.id"),
                  nullable=False),
        sa.Column("attempted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
    )
    op.create_index("ix_reminder_attempts_delivery_id", "reminder_attempts", ["delivery_id"])


def downgrade() -> None:
    op.drop_table("reminder_attempts")
    op.drop_table("reminders_sent")
    op.drop_table("reminder_subscriptions")
