"""Sanming's own tables: park resources, rolling checks, accountability, tax settlements,
joint meetings. Core tables are only read (and written through the core's services)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.toolkit import Base, Money, Project, Unit, utcnow

# Seed 三(二)7: the five kinds of idle or bad resources a park inventories.
RESOURCE_KINDS = {
    "idle_land": "闲置土地",
    "idle_building": "闲置厂房",
    "idle_asset": "闲置资产",
    "bad_asset": "不良资产",
    "stalled_project": "烂尾项目",
}
RESOURCE_STATUSES = {"available": "待招引", "offered": "已推介", "taken": "已盘活"}


class ParkResource(Base):
    """要素资源库: one idle or bad resource of a park, offered to investors until taken."""

    __tablename__ = "sanming_park_resources"

    id: Mapped[int] = mapped_column(primary_key=True)
    park_unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(32), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    location: Mapped[str | None] = mapped_column(sa.String(200))
    area: Mapped[Decimal | None] = mapped_column(sa.Numeric(14, 2))
    area_unit: Mapped[str | None] = mapped_column(sa.String(16))  # 亩, 平方米
    reference_price: Mapped[Money | None]  # 万元
    description: Mapped[str | None] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(16), default="available", index=True)
    offered_to: Mapped[str | None] = mapped_column(sa.String(200))  # investor it was offered to
    offered_on: Mapped[dt.date | None]
    project_id: Mapped[int | None] = mapped_column(sa.ForeignKey("projects.id"))
    taken_on: Mapped[dt.date | None]
    recorded_by: Mapped[str] = mapped_column(sa.String(100))
    recorded_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    park: Mapped[Unit] = relationship(lazy="joined")

    __mapper_args__ = {"version_id_col": version}

    @property
    def park_code(self) -> str:
        return self.park.code


class RollingCheck(Base):
    """One year of the 3-year rolling evaluation (滚动生效考评) of a landed project."""

    __tablename__ = "sanming_rolling_checks"
    __table_args__ = (sa.UniqueConstraint("project_id", "year_index"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id"), index=True)
    year_index: Mapped[int]  # 1 … years after construction start
    due_on: Mapped[dt.date]
    checked_on: Mapped[dt.date]
    in_statistics: Mapped[bool]  # 有没有入统
    paying_tax: Mapped[bool]  # 有没有税收
    investment_as_declared: Mapped[bool]  # 投资额对不对
    declared_amount: Mapped[Money]  # what the project declared (agreement amount)
    verified_amount: Mapped[Money | None]  # what the check found, when measured
    false_report: Mapped[bool] = mapped_column(default=False, index=True)
    serious: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str | None] = mapped_column(sa.Text)
    checked_by: Mapped[str] = mapped_column(sa.String(100))
    recorded_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    project: Mapped[Project] = relationship(lazy="joined")


ACCOUNTABILITY_KINDS = {
    "non_objective_loss": "非客观原因导致意向项目无法落地",
    "moved_out": "项目迁出三明",
    "false_report": "弄虚作假",
}
MEASURES = {
    "effectiveness_accountability": "效能问责",
    "criticism": "通报批评",
    "disqualification": "取消考评资格",
    "no_action": "不予问责",
}


class AccountabilityCase(Base):
    """反向惩戒: a case for accountability, with the measure proposed and the one decided."""

    __tablename__ = "sanming_accountability_cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(32), index=True)
    project_id: Mapped[int | None] = mapped_column(sa.ForeignKey("projects.id"), index=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    rolling_check_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("sanming_rolling_checks.id"))
    opened_on: Mapped[dt.date] = mapped_column(index=True)
    detail: Mapped[str] = mapped_column(sa.Text)
    proposed_measure: Mapped[str] = mapped_column(sa.String(32))
    measure: Mapped[str | None] = mapped_column(sa.String(32))  # set when decided
    decision_note: Mapped[str | None] = mapped_column(sa.Text)
    decided_by: Mapped[str | None] = mapped_column(sa.String(100))
    decided_on: Mapped[dt.date | None]
    opened_by: Mapped[str] = mapped_column(sa.String(100))
    version: Mapped[int] = mapped_column(default=1)

    unit: Mapped[Unit] = relationship(lazy="joined")
    project: Mapped[Project | None] = relationship(lazy="joined")

    __mapper_args__ = {"version_id_col": version}

    @property
    def unit_code(self) -> str:
        return self.unit.code

    @property
    def effective_measure(self) -> str:
        """The decided measure, else the proposed one (what counts until the office decides)."""
        return self.measure or self.proposed_measure


class TaxSettlement(Base):
    """Seed 三(二)11: a year's local tax of a transferred project, split after both confirm."""

    __tablename__ = "sanming_tax_settlements"
    __table_args__ = (sa.UniqueConstraint("project_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id"), index=True)
    year: Mapped[int]
    local_tax: Mapped[Money]  # 地方级税收 collected where the project landed
    from_unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"))  # 招商方
    to_unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"))  # 落户方
    from_share: Mapped[Decimal] = mapped_column(sa.Numeric(5, 4))
    from_amount: Mapped[Money]
    to_amount: Mapped[Money]
    confirmed_by_from: Mapped[str | None] = mapped_column(sa.String(100))
    confirmed_by_to: Mapped[str | None] = mapped_column(sa.String(100))
    settled_on: Mapped[dt.date | None]
    recorded_by: Mapped[str] = mapped_column(sa.String(100))
    version: Mapped[int] = mapped_column(default=1)

    from_unit: Mapped[Unit] = relationship(foreign_keys=[from_unit_id], lazy="joined")
    to_unit: Mapped[Unit] = relationship(foreign_keys=[to_unit_id], lazy="joined")

    __mapper_args__ = {"version_id_col": version}

    @property
    def from_unit_code(self) -> str:
        return self.from_unit.code

    @property
    def to_unit_code(self) -> str:
        return self.to_unit.code


MEETING_KINDS = {
    "joint": "联席会议（市委主要领导听取汇报）",
    "working_group": "工作组推进会",
}


class Meeting(Base):
    """Seed 三(五)23: a joint meeting (quarterly) or a working group's meeting (monthly)."""

    __tablename__ = "sanming_meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(16), index=True)
    group_unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"), index=True)
    held_on: Mapped[dt.date] = mapped_column(index=True)
    chair: Mapped[str] = mapped_column(sa.String(100))
    topics: Mapped[str | None] = mapped_column(sa.Text)
    decisions: Mapped[str | None] = mapped_column(sa.Text)
    recorded_by: Mapped[str] = mapped_column(sa.String(100))
    recorded_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    group_unit: Mapped[Unit | None] = relationship(lazy="joined")

    @property
    def group_code(self) -> str | None:
        return self.group_unit.code if self.group_unit else None


LEGAL_FINDINGS = {"pass": "通过", "fail": "不通过", "not_applicable": "不涉及"}


class LegalReview(Base):
    """One recorded finding of a project's 法规账 on one item (环保, 安全, 用地, 林地).

    Never overwritten: recording an item again adds a row that supersedes the previous one
    (``supersedes_id``, with the reason for the change), so the review's history stays.
    """

    __tablename__ = "sanming_legal_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id"), index=True)
    item: Mapped[str] = mapped_column(sa.String(32))
    finding: Mapped[str] = mapped_column(sa.String(16))  # LEGAL_FINDINGS
    reason: Mapped[str | None] = mapped_column(sa.Text)  # why it fails or does not apply
    department: Mapped[str] = mapped_column(sa.String(100))
    reviewer: Mapped[str] = mapped_column(sa.String(100))
    reviewed_on: Mapped[dt.date]
    note: Mapped[str | None] = mapped_column(sa.Text)
    supersedes_id: Mapped[int | None] = mapped_column(sa.ForeignKey("sanming_legal_reviews.id"))
    change_reason: Mapped[str | None] = mapped_column(sa.Text)
    recorded_by: Mapped[str] = mapped_column(sa.String(100))
    recorded_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
