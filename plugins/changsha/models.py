"""Changsha's own table: the target-investor library (招商目标企业库, 客商库).

二(五)(六) name who Changsha courts — 世界500强、中国500强、民营500强、行业前20强,
headquarters and functional centres, 湘商回归 — and 一(三) places each target on a
chain link (强链、补链、延链、育链). The core's enterprises are investors already in
touch; a target is one the city still has to win.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.toolkit import Base, utcnow

TARGET_STATUSES = {"tracking": "跟踪研究", "contacted": "已对接", "negotiating": "在谈",
                   "landed": "已落地"}


class ChangshaTarget(Base):
    """One enterprise on Changsha's target list."""

    __tablename__ = "changsha_targets"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    # 世界500强/中国500强/民营500强/行业前20强 (``target_libraries``), or none.
    library: Mapped[str | None] = mapped_column(sa.String(32), index=True)
    # 总部/区域总部/研发中心/… sought from it (``headquarters_types``), or none.
    headquarters_type: Mapped[str | None] = mapped_column(sa.String(32))
    # 湘商回归: a Hunan-born enterprise invited home.
    xiangshang: Mapped[bool] = mapped_column(default=False)
    chain: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    link: Mapped[str | None] = mapped_column(sa.String(16))  # strengthen, fill, extend, grow
    segment: Mapped[str | None] = mapped_column(sa.String(100))  # the chain segment it fills
    industry: Mapped[str | None] = mapped_column(sa.String(64))
    status: Mapped[str] = mapped_column(sa.String(16), default="tracking")
    # The ambassador or intermediary following it (长沙招商大使).
    intermediary_id: Mapped[int | None] = mapped_column(sa.ForeignKey("intermediaries.id"))
    note: Mapped[str | None] = mapped_column(sa.Text)
    created_by: Mapped[str | None] = mapped_column(sa.String(100))
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
