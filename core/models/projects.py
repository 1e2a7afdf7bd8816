"""Projects and what hangs off them: transitions, history, funds, milestones, transfers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.clock import utcnow
from core.db import Base, Money
from core.lifecycle import ProjectStatus, Stage
from core.models.enterprises import Enterprise
from core.models.organisation import Unit


class Project(Base):
    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("enterprises.id"))
    industry: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    amount: Mapped[Money]  # total investment, 万元
    stage: Mapped[str] = mapped_column(sa.String(16), default=Stage.RESERVE, index=True)
    status: Mapped[str] = mapped_column(sa.String(16), default=ProjectStatus.ONGOING)
    # Tiers from the city's classification (key, major, provincial_key, ...).
    tiers: Mapped[list] = mapped_column(default=list)
    # 招商方: the unit that found the project (first-talk location).
    finding_unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    # 落户方: the unit where it lands; equals the finding unit unless transferred.
    host_unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    intermediary_id: Mapped[int | None] = mapped_column(sa.ForeignKey("intermediaries.id"))
    lead_id: Mapped[int | None] = mapped_column(sa.ForeignKey("leads.id", use_alter=True))
    channel: Mapped[str] = mapped_column(sa.String(32), default="other")
    out_of_province: Mapped[bool] = mapped_column(default=False, index=True)
    signed_on: Mapped[dt.date | None] = mapped_column(index=True)
    started_on: Mapped[dt.date | None]
    completed_on: Mapped[dt.date | None]
    lost_on: Mapped[dt.date | None]
    cleared_on: Mapped[dt.date | None]
    agreement_amount: Mapped[Money | None]  # amount written in the signed agreement
    leader_name: Mapped[str | None] = mapped_column(sa.String(100))  # 包抓领导
    last_progress_on: Mapped[dt.date | None]
    progress_note: Mapped[str | None] = mapped_column(sa.Text)
    description: Mapped[str | None] = mapped_column(sa.Text)
    # City-specific fields, validated by the city's hooks (stage gates read them too).
    attributes: Mapped[dict] = mapped_column(default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(
        sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    version: Mapped[int] = mapped_column(default=1)

    enterprise: Mapped[Enterprise] = relationship(lazy="joined")
    finding_unit: Mapped[Unit] = relationship(foreign_keys=[finding_unit_id], lazy="joined")
    host_unit: Mapped[Unit] = relationship(foreign_keys=[host_unit_id], lazy="joined")
    funds: Mapped[list[FundTranche]] = relationship(
        back_populates="project", order_by="FundTranche.arrived_on"
    )
    milestones: Mapped[list[Milestone]] = relationship(back_populates="project")
    transfers: Mapped[list[Transfer]] = relationship(
        back_populates="project", order_by="Transfer.id"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def finding_unit_code(self) -> str:
        return self.finding_unit.code

    @property
    def host_unit_code(self) -> str:
        return self.host_unit.code

    def milestone(self, kind: str) -> Milestone | None:
        return next((m for m in self.milestones if m.kind == kind), None)

    @property
    def arrived_amount(self) -> Decimal:
        """Arrived funds counted in figures: every tranche not rejected on verification."""
        return sum((f.amount for f in self.funds if f.verification != "rejected"), Decimal(0))


class StageTransition(Base):
    __tablename__ = "stage_transitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id"), index=True)
    from_stage: Mapped[str] = mapped_column(sa.String(16))
    to_stage: Mapped[str] = mapped_column(sa.String(16))
    occurred_on: Mapped[dt.date]
    actor: Mapped[str] = mapped_column(sa.String(100))
    reason: Mapped[str | None] = mapped_column(sa.Text)
    recorded_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class ProjectChange(Base):
    """One field change of a project: the full history, who and when."""

    __tablename__ = "project_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id"), index=True)
    actor: Mapped[str] = mapped_column(sa.String(100))
    action: Mapped[str] = mapped_column(sa.String(32))
    changes: Mapped[dict] = mapped_column(default=dict)  # field -> [old, new]
    recorded_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class FundTranche(Base):
    """到位资金: one reported tranche of arrived funds with its evidence."""

    __tablename__ = "fund_tranches"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id"), index=True)
    arrived_on: Mapped[dt.date] = mapped_column(index=True)
    amount: Mapped[Money]
    evidence_ref: Mapped[str] = mapped_column(sa.String(200))
    verification: Mapped[str] = mapped_column(sa.String(16), default="pending")
    verified_by: Mapped[str | None] = mapped_column(sa.String(100))
    verified_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime(timezone=True))
    reported_by: Mapped[str | None] = mapped_column(sa.String(100))
    project: Mapped[Project] = relationship(back_populates="funds")


class Milestone(Base):
    """Planned and actual dates: start, completion, production, or a city's own kind."""

    __tablename__ = "milestones"
    __table_args__ = (sa.UniqueConstraint("project_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(32))
    planned_on: Mapped[dt.date]
    actual_on: Mapped[dt.date | None]
    project: Mapped[Project] = relationship(back_populates="milestones")


class Transfer(Base):
    """流转: a project moved from the unit that found it to the unit where it lands.

    ``indicator_share_from`` and ``tax_share_from`` are the finding unit's shares
    (0.3 for 3:7); the host unit gets the rest, so the project counts exactly once.
    """

    __tablename__ = "transfers"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id"), index=True)
    from_unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"))
    to_unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"))
    indicator_share_from: Mapped[Decimal] = mapped_column(sa.Numeric(5, 4))
    tax_share_from: Mapped[Decimal] = mapped_column(sa.Numeric(5, 4))
    indicator_sharing_from: Mapped[str] = mapped_column(sa.String(32))  # signing, start
    tax_sharing_from: Mapped[str] = mapped_column(sa.String(32))  # signing, first_tax
    agreed_on: Mapped[dt.date]
    reason: Mapped[str | None] = mapped_column(sa.Text)
    actor: Mapped[str] = mapped_column(sa.String(100))
    project: Mapped[Project] = relationship(back_populates="transfers")
    from_unit: Mapped[Unit] = relationship(foreign_keys=[from_unit_id], lazy="joined")
    to_unit: Mapped[Unit] = relationship(foreign_keys=[to_unit_id], lazy="joined")

    @property
    def from_unit_code(self) -> str:
        return self.from_unit.code

    @property
    def to_unit_code(self) -> str:
        return self.to_unit.code
