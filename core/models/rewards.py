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
    """One recipient's reward under one rule, traceable to its projects and figures.

    ``uncapped_amount`` is what the formula gave; ``amount`` what is paid (cut to
    the rule's cap, or 0 when the recipient is not eligible, with the reason).
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

    run: Mapped[RewardRun] = relationship(back_populates="rewards")
