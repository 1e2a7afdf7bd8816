"""Assessments (考核): frozen runs of a scheme over a period, their results and objections."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.clock import utcnow
from core.db import Base

# Points keep four places; shown with two.
Points = sa.Numeric(12, 4)



class AssessmentRun(Base):
    """One computation of a scheme over one period: a snapshot that never changes.

    ``scheme`` is a JSON copy of the rules used (``rules_year`` names their
    version); a later run of the same period is a new row. Publishing opens the
    objection window, which closes on ``objection_deadline`` (working days).
    """

    __tablename__ = "assessment_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    scheme_code: Mapped[str] = mapped_column(sa.String(64), index=True)
    scheme_name: Mapped[str] = mapped_column(sa.String(200))
    period_kind: Mapped[str] = mapped_column(sa.String(16))
    period_label: Mapped[str] = mapped_column(sa.String(16))
    period_start: Mapped[dt.date]
    period_end: Mapped[dt.date]
    rules_year: Mapped[int]
    scheme: Mapped[dict] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(sa.String(16), default="draft", index=True)
    computed_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    computed_by: Mapped[str] = mapped_column(sa.String(100))
    published_on: Mapped[dt.date | None]
    published_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime(timezone=True))
    published_by: Mapped[str | None] = mapped_column(sa.String(100))
    objection_deadline: Mapped[dt.date | None]
    # Items that could not be computed: [{item, name, reason, units}] (core.assessments.NotComputable).
    not_computed: Mapped[list] = mapped_column(sa.JSON, default=list, server_default="[]")
    # Supersession: one published run per scheme and period; publishing a corrected run marks the
    # previous one superseded (kept, readable) with who, when and why.
    supersedes_run_id: Mapped[int | None] = mapped_column(sa.ForeignKey("assessment_runs.id"))
    superseded_by_run_id: Mapped[int | None] = mapped_column(sa.ForeignKey("assessment_runs.id"))
    superseded_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime(timezone=True))
    superseded_by: Mapped[str | None] = mapped_column(sa.String(100))
    supersession_reason: Mapped[str | None] = mapped_column(sa.Text)
    # Optimistic locking: the API's ETag; a stale If-Match is refused (core.api.versions).
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    results: Mapped[list[AssessmentResult]] = relationship(
        back_populates="run", order_by="AssessmentResult.position")
    adjustments: Mapped[list[AssessmentAdjustment]] = relationship(
        back_populates="run", order_by="AssessmentAdjustment.id")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        # One published result per scheme and period (a superseded run keeps its rows).
        sa.Index("uq_assessment_runs_published", "scheme_code", "period_start", "period_end",
                 unique=True, sqlite_where=sa.text("status = 'published'"),
                 postgresql_where=sa.text("status = 'published'")),
    )

    @property
    def complete(self) -> bool:
        """Every item of every unit was computed."""
        return not self.not_computed


class AssessmentResult(Base):
    """One unit's frozen result: metric values, points per indicator, adjustments, rank."""

    __tablename__ = "assessment_results"
    __table_args__ = (sa.UniqueConstraint("run_id", "unit_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(sa.ForeignKey("assessment_runs.id"), index=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"))
    unit_code: Mapped[str] = mapped_column(sa.String(64))
    unit_name: Mapped[str] = mapped_column(sa.String(200))
    position: Mapped[int]  # order in the ranking (ties broken by unit code)
    rank: Mapped[int]
    values: Mapped[dict] = mapped_column(default=dict)  # metric -> value (string)
    points: Mapped[dict] = mapped_column(default=dict)  # indicator -> points (string)
    indicator_total: Mapped[Decimal] = mapped_column(Points)
    adjustment_uncapped: Mapped[Decimal] = mapped_column(Points)
    adjustment_total: Mapped[Decimal] = mapped_column(Points)
    total: Mapped[Decimal] = mapped_column(Points)
    # Items not computed for this unit: {item code: {name, reason}}; no value, no points.
    not_computed: Mapped[dict] = mapped_column(sa.JSON, default=dict, server_default="{}")

    run: Mapped[AssessmentRun] = relationship(back_populates="results")


class AssessmentAdjustment(Base):
    """A bonus or penalty item of a run; an exempted one is kept but not counted (容错免责)."""

    __tablename__ = "assessment_adjustments"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(sa.ForeignKey("assessment_runs.id"), index=True)
    unit_code: Mapped[str] = mapped_column(sa.String(64))
    points: Mapped[Decimal] = mapped_column(Points)
    reason: Mapped[str] = mapped_column(sa.Text)
    source: Mapped[str] = mapped_column(sa.String(200))
    exempted: Mapped[bool] = mapped_column(default=False)
    exemption_reason: Mapped[str | None] = mapped_column(sa.Text)
    approver: Mapped[str | None] = mapped_column(sa.String(100))

    run: Mapped[AssessmentRun] = relationship(back_populates="adjustments")

    @property
    def counted(self) -> bool:
        return not self.exempted


class AssessmentObjection(Base):
    """异议: a unit disputes its published result within the window; the office answers."""

    __tablename__ = "assessment_objections"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(sa.ForeignKey("assessment_runs.id"), index=True)
    unit_code: Mapped[str] = mapped_column(sa.String(64))
    text: Mapped[str] = mapped_column(sa.Text)
    filed_on: Mapped[dt.date]
    filed_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    filed_by: Mapped[str] = mapped_column(sa.String(100))
    status: Mapped[str] = mapped_column(sa.String(16), default="open")
    answer: Mapped[str | None] = mapped_column(sa.Text)
    answered_by: Mapped[str | None] = mapped_column(sa.String(100))
    answered_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # Optimistic locking: the API's ETag; a stale If-Match is refused (core.api.versions).
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    run: Mapped[AssessmentRun] = relationship()

    __mapper_args__ = {"version_id_col": version}
