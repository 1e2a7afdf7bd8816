"""Warnings (预警): lagging projects and missed deadlines found by the warning rules."""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.clock import utcnow
from core.db import Base


class WarningLevel(enum.StrEnum):
    RED = "red"
    YELLOW = "yellow"
    BLUE = "blue"
    OVERDUE = "overdue"


WARNING_LEVEL_LABELS = {
    WarningLevel.RED: "红色预警",
    WarningLevel.YELLOW: "黄色预警",
    WarningLevel.BLUE: "蓝色预警",
    WarningLevel.OVERDUE: "超期",
}
WARNING_SUBJECT_LABELS = {"project": "项目", "lead": "线索", "matter": "协调事项"}



class EarlyWarning(Base):
    """One warning about one subject from one rule, open until the rule stops finding it.

    A subject has at most one open warning per rule (a partial unique index on
    both backends); a cleared warning stays as history and a later finding opens
    a new one.
    """

    __tablename__ = "warnings"
    __table_args__ = (
        sa.Index("uq_warnings_open_subject_rule", "subject_type", "subject_id", "rule_code",
                 unique=True, sqlite_where=sa.text("cleared_at IS NULL"),
                 postgresql_where=sa.text("cleared_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_type: Mapped[str] = mapped_column(sa.String(16))
    subject_id: Mapped[int] = mapped_column(index=True)
    # The unit answerable for the subject (a project's host, a lead's judging unit).
    unit_code: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    rule_code: Mapped[str] = mapped_column(sa.String(64))
    rule_name: Mapped[str] = mapped_column(sa.String(200))
    level: Mapped[str] = mapped_column(sa.String(16), index=True)
    reason: Mapped[str] = mapped_column(sa.Text)
    since: Mapped[dt.date]
    raised_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    cleared_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime(timezone=True), index=True)

    @property
    def is_open(self) -> bool:
        return self.cleared_at is None
