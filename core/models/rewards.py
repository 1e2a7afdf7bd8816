"""Rewards (奖励): what each reward rule grants for a period, capped and checked."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.clock import utcnow
from core.db import Base, Money


class RewardRun(Base):
    """One computation of the reward rules for a period, with the rules as they were."""

    __tablename__ = "reward_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    period_start: Mapped[dt.date]
    period_end: Mapped[dt.date]
    rules: Mapped[list] = mapped_column(default=list)  # [{code, name, cap, excludes_…}]
    computed_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    computed_by: Mapped[str] = mapped_column(sa.String(100))

    rewards: Mapped[list[Reward]] = relationship(back_populates="run", order_by="Reward.id")


class Reward(Base):
    """One line of the reward ledger: a recipient's reward under one rule, with its life.

    ``uncapped_amount`` is what the formula gave for what is still due (its ``items``: the
    tranches, ranking, period … it rests on, each rewarded once); ``amount`` what is proposed
    after the cap and everything already approved or paid in the same ``scope_key`` (rule,
    recipient, year or ranking), with each reduction or refusal in ``reductions`` (Chinese).
    ``state``: proposed → approved → paid, proposed → rejected, or proposed → superseded (a
    later run proposed it again; ``superseded_by_id``). Every change has a ``RewardChange``.
    """

    __tablename__ = "rewards"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(sa.ForeignKey("reward_runs.id"), index=True)
    rule_code: Mapped[str] = mapped_column(sa.String(64), index=True)
    rule_name: Mapped[str] = mapped_column(sa.String(200))
    recipient_type: Mapped[str] = mapped_column(sa.String(16))
    recipient_id: Mapped[int | None]
    recipient_name: Mapped[str] = mapped_column(sa.String(200))
    uncapped_amount: Mapped[Money]
    amount: Mapped[Money]
    cap: Mapped[Decimal | None] = mapped_column(sa.Numeric(18, 4))
    capped: Mapped[bool] = mapped_column(default=False)
    eligible: Mapped[bool] = mapped_column(default=True)
    ineligible_reason: Mapped[str | None] = mapped_column(sa.Text)
    basis: Mapped[str] = mapped_column(sa.Text)
    project_ids: Mapped[list] = mapped_column(default=list)
    # The ledger (migration 0013).
    state: Mapped[str] = mapped_column(sa.String(16), default="proposed",
                                       server_default="proposed", index=True)
    scope_key: Mapped[str | None] = mapped_column(sa.String(300), index=True)
    year: Mapped[int | None] = mapped_column(index=True)
    items: Mapped[list] = mapped_column(default=list)  # [{key, amount}] what it rests on
    reductions: Mapped[list] = mapped_column(default=list)  # Chinese reasons, in order
    ranking_run_id: Mapped[int | None]
    superseded_by_id: Mapped[int | None]
    decided_by: Mapped[str | None] = mapped_column(sa.String(100))
    decided_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime(timezone=True))
    decision_reason: Mapped[str | None] = mapped_column(sa.Text)
    voucher_ref: Mapped[str | None] = mapped_column(sa.String(200))
    # The voucher reference normalised (core.fund_rules.evidence_key): unique in the city.
    voucher_key: Mapped[str | None] = mapped_column(sa.String(200), unique=True, index=True)
    paid_on: Mapped[dt.date | None]
    paid_by: Mapped[str | None] = mapped_column(sa.String(100))
    paid_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # Optimistic locking: the API's ETag; a stale If-Match is refused (core.api.versions).
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    run: Mapped[RewardRun] = relationship(back_populates="rewards")
    changes: Mapped[list[RewardChange]] = relationship(order_by="RewardChange.id")

    __mapper_args__ = {"version_id_col": version}


class RewardChange(Base):
    """The history of a reward line: proposed, approved, rejected, paid, superseded."""

    __tablename__ = "reward_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    reward_id: Mapped[int] = mapped_column(sa.ForeignKey("rewards.id"), index=True)
    action: Mapped[str] = mapped_column(sa.String(32))
    actor: Mapped[str] = mapped_column(sa.String(100))
    at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    reason: Mapped[str | None] = mapped_column(sa.Text)
    changes: Mapped[dict] = mapped_column(default=dict)
