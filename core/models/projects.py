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
from core.models.organisation import Introduced, Unit
from core.search import PROJECTS, trigram_indexes


class Project(Introduced, Base):
    __tablename__ = "projects"
    # Searched by any fragment (core.search, migration 0019).
    __table_args__ = trigram_indexes(PROJECTS)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    # Indexed: the investor's leads and projects are looked up on every report (migration 0025).
    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("enterprises.id"), index=True)
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
    # 省外: derived from the investor's province and the city's (core.services.enterprises);
    # NULL while the investor's province is unknown (shown as 未知, never counted as 省外).
    out_of_province: Mapped[bool | None] = mapped_column(index=True)
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
        """Arrived funds counted in figures: the tranches the office verified (已核实)."""
        return sum((f.amount for f in self.funds if f.verification == "verified"), Decimal(0))

    @property
    def arrived_pending_amount(self) -> Decimal:
        """Reported funds still awaiting the office's verification (待核实); never in figures."""
        return sum((f.amount for f in self.funds if f.verification == "pending"), Decimal(0))


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
    # When the tranche was entered (the server's time; a late entry raises a back-dating signal).
    reported_at: Mapped[dt.datetime | None] = mapped_column(
        sa.DateTime(timezone=True), default=utcnow)
    # The evidence reference normalised (core.fund_rules): unique in the city's database.
    evidence_key: Mapped[str | None] = mapped_column(sa.String(200), unique=True, index=True)
    # Who paid: the investing enterprise or its parent (required for new tranches).
    payer_name: Mapped[str | None] = mapped_column(sa.String(200))
    payer_credit_code: Mapped[str | None] = mapped_column(sa.String(18))
    # Reported beyond agreement × policy.funds_over_agreement_ratio: verified only when confirmed.
    over_agreement: Mapped[bool] = mapped_column(default=False)
    # The project's arrived total (verified + pending) over its agreement when reported.
    over_agreement_ratio: Mapped[Decimal | None] = mapped_column(sa.Numeric(12, 4))
    over_agreement_confirmed: Mapped[bool] = mapped_column(default=False)
    verification_reason: Mapped[str | None] = mapped_column(sa.Text)
    # Optimistic locking: the API's ETag; a stale If-Match is refused (core.api.versions).
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    project: Mapped[Project] = relationship(back_populates="funds")

    __mapper_args__ = {"version_id_col": version}


class Milestone(Base):
    """Planned and actual dates: start, completion, production, or a city's own kind."""

    __tablename__ = "milestones"
    __table_args__ = (sa.UniqueConstraint("project_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(32))
    # The agreed date: set once, moved only by a re-plan the office approved.
    planned_on: Mapped[dt.date]
    # The first agreed date, kept forever whatever re-plans follow.
    original_planned_on: Mapped[dt.date] = mapped_column(
        default=lambda context: context.get_current_parameters()["planned_on"])
    actual_on: Mapped[dt.date | None]
    project: Mapped[Project] = relationship(back_populates="milestones")
    replans: Mapped[list[MilestoneReplan]] = relationship(
        back_populates="milestone", order_by="MilestoneReplan.id", lazy="selectin")

    def agreed_on(self, as_of: dt.date | None = None) -> dt.date:
        """The agreed date as of ``as_of`` (now by default): the last approved re-plan's."""
        agreed = self.original_planned_on or self.planned_on
        if as_of is None:
            return self.planned_on
        for replan in self.approved_replans():
            if replan.decided_on is not None and replan.decided_on <= as_of:
                agreed = replan.planned_on
        return agreed

    def approved_replans(self) -> list[MilestoneReplan]:
        return [r for r in self.replans if r.status == "approved"]

    def overdue_from(self, as_of: dt.date) -> dt.date | None:
        """The agreed date the milestone is judged overdue from as of ``as_of``, if any.

        Past its agreed date as of that day, or re-planned after the agreed date had already
        passed: a late re-plan never ends the overdue episode, only reaching the milestone does.
        """
        dates = [replan.previous_on for replan in self.approved_replans()
                 if replan.decided_on is not None and replan.decided_on <= as_of
                 and replan.previous_on < replan.decided_on]
        agreed = self.agreed_on(as_of)
        if agreed < as_of:
            dates.append(agreed)
        return min(dates) if dates else None


REPLAN_STATUS_LABELS = {"pending": "待审批", "approved": "已批准", "rejected": "已驳回"}


class MilestoneReplan(Base):
    """A request to move a milestone's agreed date, decided by the office (节点调整)."""

    __tablename__ = "milestone_replans"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id"), index=True)
    milestone_id: Mapped[int] = mapped_column(sa.ForeignKey("milestones.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(32))
    # The agreed date it replaces (as of the request; as of the approval once approved).
    previous_on: Mapped[dt.date]
    planned_on: Mapped[dt.date]  # the date asked for
    reason: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(16), default="pending", index=True)
    requested_by: Mapped[str] = mapped_column(sa.String(100))
    requested_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    decided_by: Mapped[str | None] = mapped_column(sa.String(100))
    decided_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime(timezone=True))
    decided_on: Mapped[dt.date | None]  # the city's day of the decision
    decision_reason: Mapped[str | None] = mapped_column(sa.Text)
    milestone: Mapped[Milestone] = relationship(back_populates="replans")

    @property
    def original_planned_on(self) -> dt.date:
        return self.milestone.original_planned_on

    @property
    def late(self) -> bool:
        """Approved after the date it replaced had already passed."""
        return self.decided_on is not None and self.previous_on < self.decided_on


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
