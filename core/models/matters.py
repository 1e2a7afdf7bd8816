"""Matters (协调事项/一事一议): a project's request, its work orders, decision and conditions."""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.clock import utcnow
from core.db import Base, Money
from core.models.organisation import Unit


class MatterStatus(enum.StrEnum):
    REQUESTED = "requested"
    PROPOSED = "proposed"
    DECIDED = "decided"  # decided with nothing left to track
    TRACKING = "tracking"  # approved with conditions not all checked yet
    CLOSED = "closed"  # every condition checked


MATTER_STATUS_LABELS = {
    MatterStatus.REQUESTED: "已提出",
    MatterStatus.PROPOSED: "已拟定意见",
    MatterStatus.DECIDED: "已决定",
    MatterStatus.TRACKING: "跟踪落实条件",
    MatterStatus.CLOSED: "已办结",
}
MATTER_KINDS = {"finance": "财政", "land": "土地", "tax": "税收", "talent": "人才", "other": "其他"}
# Who decides, lowest first; the ``matter_decision_level`` hook picks one.
DECISION_LEVELS = {"office": "招商主管部门", "leader": "市领导", "executive_meeting": "市政府常务会议"}
AWAITING_DECISION = (MatterStatus.REQUESTED, MatterStatus.PROPOSED)


class Matter(Base):
    __tablename__ = "matters"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    request: Mapped[str] = mapped_column(sa.Text)
    requested_amount: Mapped[Money | None]  # 万元 asked for, when the request is about money
    requested_on: Mapped[dt.date]
    # 首问负责: the unit first asked owns the matter until it is settled.
    owner_unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    status: Mapped[str] = mapped_column(sa.String(16), default=MatterStatus.REQUESTED, index=True)
    decision_level: Mapped[str] = mapped_column(sa.String(32), index=True)
    proposal: Mapped[str | None] = mapped_column(sa.Text)
    support_amount: Mapped[Money | None]  # 万元 the proposal offers
    proposed_by: Mapped[str | None] = mapped_column(sa.String(100))
    proposed_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime(timezone=True))
    decision: Mapped[str | None] = mapped_column(sa.String(16))  # approved | rejected
    decision_text: Mapped[str | None] = mapped_column(sa.Text)
    decided_by: Mapped[str | None] = mapped_column(sa.String(100))
    decided_on: Mapped[dt.date | None]
    meeting_ref: Mapped[str | None] = mapped_column(sa.String(200))  # e.g. 市政府常务会议纪要
    created_by: Mapped[str] = mapped_column(sa.String(100))
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    owner_unit: Mapped[Unit] = relationship(lazy="joined")
    work_orders: Mapped[list[WorkOrder]] = relationship(
        order_by="WorkOrder.id", cascade="all, delete-orphan")
    conditions: Mapped[list[MatterCondition]] = relationship(
        order_by="MatterCondition.id", cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}

    @property
    def owner_unit_code(self) -> str:
        return self.owner_unit.code

    @property
    def conditions_met(self) -> bool | None:
        """True when every condition was met, False when one was not, None while any is open."""
        if any(c.met is False for c in self.conditions):
            return False
        if self.conditions and all(c.met for c in self.conditions):
            return True
        return None


class WorkOrder(Base):
    """工作派单: a task dispatched to a unit with a deadline."""

    __tablename__ = "matter_work_orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    matter_id: Mapped[int] = mapped_column(sa.ForeignKey("matters.id"), index=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    task: Mapped[str] = mapped_column(sa.Text)
    issued_on: Mapped[dt.date]
    due_on: Mapped[dt.date]
    # True when the deadline was counted through a year with no official holiday notice.
    due_estimated: Mapped[bool] = mapped_column(default=False)
    issued_by: Mapped[str] = mapped_column(sa.String(100))
    done_on: Mapped[dt.date | None]
    done_by: Mapped[str | None] = mapped_column(sa.String(100))
    done_note: Mapped[str | None] = mapped_column(sa.Text)
    # Optimistic locking: the API's ETag; a stale If-Match is refused (core.api.versions).
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    unit: Mapped[Unit] = relationship(lazy="joined")

    __mapper_args__ = {"version_id_col": version}

    @property
    def unit_code(self) -> str:
        return self.unit.code

    def overdue_on(self, today: dt.date) -> bool:
        """Late: still open after its due date, or done after it."""
        return (self.done_on or today) > self.due_on


class MatterCondition(Base):
    """A condition attached to a decision, and whether it was met."""

    __tablename__ = "matter_conditions"

    id: Mapped[int] = mapped_column(primary_key=True)
    matter_id: Mapped[int] = mapped_column(sa.ForeignKey("matters.id"), index=True)
    text: Mapped[str] = mapped_column(sa.Text)
    due_on: Mapped[dt.date | None]
    met: Mapped[bool | None]
    checked_on: Mapped[dt.date | None]
    checked_by: Mapped[str | None] = mapped_column(sa.String(100))
    note: Mapped[str | None] = mapped_column(sa.Text)
    # Optimistic locking: the API's ETag; a stale If-Match is refused (core.api.versions).
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}
