"""The core's target list of the investment map (招商目标企业): who the city courts, per link.

Chains and their links are configuration (``[[chains]]``); a target names a chain and, when
known, the link it would fill. Plugins with target lists of their own feed the map through
the ``investment_map_targets`` hook instead of writing here.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.clock import utcnow
from core.db import Base

TARGET_STATUSES = {"tracking": "跟踪研究", "contacted": "已对接", "negotiating": "在谈",
                   "landed": "已落地", "dropped": "已放弃"}



class ChainTarget(Base):
    """One enterprise the city courts for a chain (and a link of it)."""

    __tablename__ = "chain_targets"

    id: Mapped[int] = mapped_column(primary_key=True)
    chain: Mapped[str] = mapped_column(sa.String(64), index=True)
    link: Mapped[str | None] = mapped_column(sa.String(64))  # None: the chain as a whole
    name: Mapped[str] = mapped_column(sa.String(200))
    credit_code: Mapped[str | None] = mapped_column(sa.String(18))
    tags: Mapped[list] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(sa.String(16), default="tracking")
    note: Mapped[str | None] = mapped_column(sa.Text)
    created_by: Mapped[str] = mapped_column(sa.String(100))
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
