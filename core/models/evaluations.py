"""Evaluations (评估/评审) of projects and investors, the expert pool, investor ratings.

An evaluation keeps a snapshot of the form it was run under (``rules``): the
dimensions, weights, pass score, hard refusals, steps and ratings. A form a city
changes later never rewrites an evaluation already under way or decided.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.clock import utcnow
from core.db import Base

# Scores and results: two decimals are plenty for a 0–100 scale and stay exact.
Score = sa.Numeric(7, 2)



class Expert(Base):
    """专家库: an expert who advises, evaluates and judges feasibility."""

    __tablename__ = "experts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    field: Mapped[str] = mapped_column(sa.String(100), index=True)  # 专业领域
    organisation: Mapped[str | None] = mapped_column(sa.String(200))
    title: Mapped[str | None] = mapped_column(sa.String(100))
    contact: Mapped[str | None] = mapped_column(sa.String(200))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class Evaluation(Base):
    """One run of an evaluation form on a project or an enterprise.

    ``status`` is ``created`` until the first step is completed, then the code of
    the last completed step. ``decision`` (approved/rejected) closes it; only then
    are ``result``, ``passed`` and ``rating`` final.
    """

    __tablename__ = "evaluations"

    id: Mapped[int] = mapped_column(primary_key=True)
    form_code: Mapped[str] = mapped_column(sa.String(64), index=True)
    form_name: Mapped[str] = mapped_column(sa.String(200))
    subject: Mapped[str] = mapped_column(sa.String(16))  # project | enterprise
    project_id: Mapped[int | None] = mapped_column(sa.ForeignKey("projects.id"), index=True)
    enterprise_id: Mapped[int | None] = mapped_column(sa.ForeignKey("enterprises.id"), index=True)
    level: Mapped[str] = mapped_column(sa.String(16))  # city | county
    status: Mapped[str] = mapped_column(sa.String(64), default="created")
    rules: Mapped[dict] = mapped_column(default=dict)  # the form as it was when created
    result: Mapped[Decimal | None] = mapped_column(Score)
    passed: Mapped[bool | None]
    failures: Mapped[list] = mapped_column(default=list)  # [{rule, message}] when failed
    rating: Mapped[str | None] = mapped_column(sa.String(8))
    decision: Mapped[str | None] = mapped_column(sa.String(16))  # approved | rejected
    decided_by: Mapped[str | None] = mapped_column(sa.String(100))
    decided_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(sa.String(100))
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    reviewers: Mapped[list[EvaluationReviewer]] = relationship(
        order_by="EvaluationReviewer.id", cascade="all, delete-orphan")
    scores: Mapped[list[EvaluationScore]] = relationship(
        order_by="EvaluationScore.id", cascade="all, delete-orphan")
    hard_refusals: Mapped[list[EvaluationHardRefusal]] = relationship(
        order_by="EvaluationHardRefusal.id", cascade="all, delete-orphan")
    steps: Mapped[list[EvaluationStep]] = relationship(
        order_by="EvaluationStep.id", cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}

    @property
    def closed(self) -> bool:
        return self.decision is not None


class EvaluationReviewer(Base):
    """Who scores: an expert from the pool, a unit (department, county) or a named person."""

    __tablename__ = "evaluation_reviewers"
    __table_args__ = (sa.UniqueConstraint("evaluation_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(sa.ForeignKey("evaluations.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16))  # expert | unit | person
    expert_id: Mapped[int | None] = mapped_column(sa.ForeignKey("experts.id"))
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"))
    name: Mapped[str] = mapped_column(sa.String(200))
    role: Mapped[str | None] = mapped_column(sa.String(100))  # e.g. 行业主管部门
    assigned_by: Mapped[str] = mapped_column(sa.String(100))
    assigned_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class EvaluationScore(Base):
    """One reviewer's score on one dimension; scoring again replaces it."""

    __tablename__ = "evaluation_scores"
    __table_args__ = (sa.UniqueConstraint("reviewer_id", "dimension"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(sa.ForeignKey("evaluations.id"), index=True)
    reviewer_id: Mapped[int] = mapped_column(sa.ForeignKey("evaluation_reviewers.id"))
    dimension: Mapped[str] = mapped_column(sa.String(64))
    score: Mapped[Decimal] = mapped_column(Score)
    note: Mapped[str | None] = mapped_column(sa.Text)
    recorded_by: Mapped[str] = mapped_column(sa.String(100))
    recorded_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class EvaluationHardRefusal(Base):
    """A ticked hard refusal (一票否决): fails the evaluation whatever the scores."""

    __tablename__ = "evaluation_hard_refusals"
    __table_args__ = (sa.UniqueConstraint("evaluation_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(sa.ForeignKey("evaluations.id"), index=True)
    code: Mapped[str] = mapped_column(sa.String(64))
    note: Mapped[str] = mapped_column(sa.Text)
    ticked_by: Mapped[str] = mapped_column(sa.String(100))
    ticked_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class EvaluationStep(Base):
    """A completed step of the review workflow with its opinion, who and when."""

    __tablename__ = "evaluation_steps"
    __table_args__ = (sa.UniqueConstraint("evaluation_id", "step"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(sa.ForeignKey("evaluations.id"), index=True)
    step: Mapped[str] = mapped_column(sa.String(64))
    opinion: Mapped[str | None] = mapped_column(sa.Text)
    decision: Mapped[str | None] = mapped_column(sa.String(16))  # approved | rejected
    actor: Mapped[str] = mapped_column(sa.String(100))
    role: Mapped[str] = mapped_column(sa.String(16))
    completed_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class EnterpriseRating(Base):
    """An investor's current rating under one form (A/B/C/D), from its latest decided evaluation."""

    __tablename__ = "enterprise_ratings"
    __table_args__ = (sa.UniqueConstraint("enterprise_id", "form_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("enterprises.id"), index=True)
    form_code: Mapped[str] = mapped_column(sa.String(64))
    rating: Mapped[str] = mapped_column(sa.String(8))
    score: Mapped[Decimal] = mapped_column(Score)
    evaluation_id: Mapped[int] = mapped_column(sa.ForeignKey("evaluations.id"))
    rated_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
