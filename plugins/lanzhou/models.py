"""Lanzhou's own tables: registrations (报备认定), penalties and their exemptions (容错免责),
the target enterprise library and the monthly promotion events. Core tables are only read
(and written through the core's services)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.toolkit import Base, Intermediary, Project, Unit, utcnow

REGISTRATION_STATUSES = {"registered": "已报备，待认定", "recognised": "已认定",
                         "refused": "不予认定"}


class Registration(Base):
    """报备认定: who introduced a project (unit and intermediary), and the office's decision."""

    __tablename__ = "lanzhou_registrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id"), unique=True)
    introducing_unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    intermediary_id: Mapped[int | None] = mapped_column(sa.ForeignKey("intermediaries.id"))
    registered_on: Mapped[dt.date]
    registered_by: Mapped[str] = mapped_column(sa.String(100))
    note: Mapped[str | None] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(16), default="registered", index=True)
    decided_on: Mapped[dt.date | None]
    decided_by: Mapped[str | None] = mapped_column(sa.String(100))
    decision_note: Mapped[str | None] = mapped_column(sa.Text)
    version: Mapped[int] = mapped_column(default=1)

    project: Mapped[Project] = relationship(lazy="joined")
    introducing_unit: Mapped[Unit] = relationship(lazy="joined")
    intermediary: Mapped[Intermediary | None] = relationship(lazy="joined")

    __mapper_args__ = {"version_id_col": version}

    @property
    def introducing_unit_code(self) -> str:
        return self.introducing_unit.code

    @property
    def intermediary_name(self) -> str | None:
        return self.intermediary.name if self.intermediary is not None else None

    @property
    def project_name(self) -> str:
        return self.project.name

    @property
    def status_label(self) -> str:
        return REGISTRATION_STATUSES[self.status]


class RegistrationChange(Base):
    """变更认定: the office changed a decided registration (another introducing unit or
    intermediary, or the decision itself) — kept with the reason, who and what it was before,
    since the credit it moves is the basis of assessments and rewards."""

    __tablename__ = "lanzhou_registration_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(sa.ForeignKey("lanzhou_registrations.id"),
                                                 index=True)
    changed_on: Mapped[dt.date]
    changed_by: Mapped[str] = mapped_column(sa.String(100))
    reason: Mapped[str] = mapped_column(sa.Text)
    before: Mapped[dict] = mapped_column(default=dict)  # {field: value} it replaced
    after: Mapped[dict] = mapped_column(default=dict)
    recorded_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    registration: Mapped[Registration] = relationship(lazy="joined")

    @property
    def project_id(self) -> int:
        return self.registration.project_id

    @property
    def project_name(self) -> str:
        return self.registration.project_name


EXEMPTION_CONDITIONS = {
    "public_interest": "出于公心",
    "no_private_gain": "没有为个人或他人谋取私利",
    "unclear_rules": "法律法规未明令禁止或政策界限不明确",
}


class Penalty(Base):
    """A failure that costs a unit assessment points, and its exemption (容错免责) if granted.

    An exempted penalty stays on the record, with the reason and the approver, and counts
    nothing (the core's exempted adjustment)."""

    __tablename__ = "lanzhou_penalties"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    project_id: Mapped[int | None] = mapped_column(sa.ForeignKey("projects.id"))
    occurred_on: Mapped[dt.date] = mapped_column(index=True)
    points: Mapped[Decimal] = mapped_column(sa.Numeric(6, 2))  # deducted, positive
    reason: Mapped[str] = mapped_column(sa.Text)
    recorded_by: Mapped[str] = mapped_column(sa.String(100))
    recorded_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    exempted: Mapped[bool] = mapped_column(default=False)
    exemption_reason: Mapped[str | None] = mapped_column(sa.Text)
    exemption_conditions: Mapped[list] = mapped_column(default=list)
    approver: Mapped[str | None] = mapped_column(sa.String(100))
    exempted_on: Mapped[dt.date | None]
    version: Mapped[int] = mapped_column(default=1)

    unit: Mapped[Unit] = relationship(lazy="joined")

    __mapper_args__ = {"version_id_col": version}

    @property
    def unit_code(self) -> str:
        return self.unit.code


TARGET_STATUSES = {"tracking": "跟踪中", "contacted": "已对接", "landed": "已落地"}
# Where the approach stands, derived from the target's leads and projects (plugins.lanzhou.targets).
APPROACH_STATUSES = {"not_approached": "未接触", "approached": "已接触", "signed": "已签约",
                     "landed": "已落地"}


class Target(Base):
    """重点目标企业信息库: a target enterprise and its point-to-point approach plan."""

    __tablename__ = "lanzhou_targets"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    category: Mapped[str] = mapped_column(sa.String(32), index=True)
    region: Mapped[str] = mapped_column(sa.String(32), index=True)
    industry: Mapped[str | None] = mapped_column(sa.String(64))
    background: Mapped[str | None] = mapped_column(sa.Text)  # 背景、现状、战略布局、投资意愿
    approach_plan: Mapped[str] = mapped_column(sa.Text)  # 点对点对接方案
    # 统一社会信用代码: how a lead or project of the same enterprise is matched to it.
    credit_code: Mapped[str | None] = mapped_column(sa.String(18), index=True)
    responsible_unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"))
    status: Mapped[str] = mapped_column(sa.String(16), default="tracking")
    recorded_by: Mapped[str] = mapped_column(sa.String(100))
    recorded_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    responsible_unit: Mapped[Unit] = relationship(lazy="joined")

    @property
    def responsible_unit_code(self) -> str:
        return self.responsible_unit.code


class Promotion(Base):
    """A city-level out-of-town promotion event (赴外地专题招商推介活动)."""

    __tablename__ = "lanzhou_promotions"

    id: Mapped[int] = mapped_column(primary_key=True)
    held_on: Mapped[dt.date] = mapped_column(index=True)
    place: Mapped[str] = mapped_column(sa.String(100))
    theme: Mapped[str] = mapped_column(sa.String(200))
    industry: Mapped[str | None] = mapped_column(sa.String(64))
    organiser_unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"))
    recorded_by: Mapped[str] = mapped_column(sa.String(100))
    recorded_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    organiser: Mapped[Unit] = relationship(lazy="joined")

    @property
    def organiser_unit_code(self) -> str:
        return self.organiser.code
