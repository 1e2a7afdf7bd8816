"""Pingliang's own tables: the four lists, targets, scheduling, shared information, points.

Core tables are only read (and written through the core's services).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.toolkit import Base, Money, Project, Unit, utcnow


class _Recorded:
    """Who recorded a row and when; the version guards concurrent edits."""

    recorded_by: Mapped[str] = mapped_column(sa.String(100))
    recorded_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


OPPORTUNITY_STATUSES = {"open": "待招引", "matched": "已对接项目", "closed": "已撤销"}
TARGET_STATUSES = {"tracking": "跟踪中", "contacted": "已对接", "negotiating": "洽谈中",
                   "signed": "已签约", "dropped": "已放弃"}
SUPPORT_KINDS = {"finance": "财政", "land": "土地", "tax": "税收", "talent": "人才",
                 "factors": "要素保障（水电气运）", "other": "其他"}
SUPPORT_STATUSES = {"proposed": "拟定", "approved": "已批准", "delivered": "已兑现"}
TARGET_METRICS = {"signed_count": "签约项目数", "signed_amount": "签约额（万元）",
                  "started_count": "开工项目数", "arrived_amount": "到位资金（万元）"}


class Opportunity(_Recorded, Base):
    """投资机会清单: an opportunity a county offers investors (resources, sites, gaps)."""

    __tablename__ = "pingliang_opportunities"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    industry: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    location: Mapped[str | None] = mapped_column(sa.String(200))
    amount: Mapped[Money | None]  # estimated investment, 万元
    description: Mapped[str | None] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(16), default="open", index=True)
    project_id: Mapped[int | None] = mapped_column(sa.ForeignKey("projects.id"))
    published_on: Mapped[dt.date]
    version: Mapped[int] = mapped_column(default=1)

    unit: Mapped[Unit] = relationship(lazy="joined")
    __mapper_args__ = {"version_id_col": version}


class TargetEnterprise(_Recorded, Base):
    """目标企业清单: an investor to court, with the unit and leader who court it (包抓)."""

    __tablename__ = "pingliang_target_enterprises"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    credit_code: Mapped[str | None] = mapped_column(sa.String(18))
    origin_province: Mapped[str | None] = mapped_column(sa.String(32))
    tags: Mapped[list] = mapped_column(default=list)
    industry: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    leader_name: Mapped[str | None] = mapped_column(sa.String(100))
    approach: Mapped[str | None] = mapped_column(sa.Text)  # 点对点对接方案
    status: Mapped[str] = mapped_column(sa.String(16), default="tracking", index=True)
    last_contact_on: Mapped[dt.date | None]
    version: Mapped[int] = mapped_column(default=1)

    unit: Mapped[Unit] = relationship(lazy="joined")
    __mapper_args__ = {"version_id_col": version}


class ListedProject(_Recorded, Base):
    """重点招商引资项目清单: a core project on the key list (warned red/yellow/blue)."""

    __tablename__ = "pingliang_listed_projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id"), unique=True)
    listed_on: Mapped[dt.date]
    # 趋熟: talks are advanced enough that the office schedules the project (五项机制 3).
    maturing: Mapped[bool] = mapped_column(default=False, index=True)
    expected_signing_on: Mapped[dt.date | None]
    note: Mapped[str | None] = mapped_column(sa.Text)
    version: Mapped[int] = mapped_column(default=1)

    project: Mapped[Project] = relationship(lazy="joined")
    __mapper_args__ = {"version_id_col": version}


class PolicySupport(_Recorded, Base):
    """定制化政策支持清单: support tailored to one project or one target enterprise."""

    __tablename__ = "pingliang_policy_supports"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int | None] = mapped_column(sa.ForeignKey("projects.id"), index=True)
    target_enterprise_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("pingliang_target_enterprises.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    content: Mapped[str] = mapped_column(sa.Text)
    amount: Mapped[Money | None]  # 万元, where the support has a value
    status: Mapped[str] = mapped_column(sa.String(16), default="proposed", index=True)
    delivered_on: Mapped[dt.date | None]
    version: Mapped[int] = mapped_column(default=1)

    project: Mapped[Project | None] = relationship(lazy="joined")
    target_enterprise: Mapped[TargetEnterprise | None] = relationship(lazy="joined")
    __mapper_args__ = {"version_id_col": version}


class Target(_Recorded, Base):
    """量化任务目标: a year's target of a city leader or of a unit on one figure."""

    __tablename__ = "pingliang_targets"
    __table_args__ = (sa.UniqueConstraint("year", "assignee", "metric"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(index=True)
    # ``unit:<code>`` for a county or department, ``leader:<name>`` for a city leader.
    assignee: Mapped[str] = mapped_column(sa.String(120))
    metric: Mapped[str] = mapped_column(sa.String(32))
    target: Mapped[Decimal] = mapped_column(sa.Numeric(18, 4))


class Scheduling(_Recorded, Base):
    """趋熟项目调度: one scheduling of a maturing project — progress, problems, next steps."""

    __tablename__ = "pingliang_schedulings"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id"), index=True)
    scheduled_on: Mapped[dt.date] = mapped_column(index=True)
    progress: Mapped[str] = mapped_column(sa.Text)
    problems: Mapped[str | None] = mapped_column(sa.Text)
    next_steps: Mapped[str | None] = mapped_column(sa.Text)


class SharedInformation(_Recorded, Base):
    """招商信息共享: investment information a unit shares with every other unit."""

    __tablename__ = "pingliang_shared_information"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    content: Mapped[str] = mapped_column(sa.Text)
    enterprise_name: Mapped[str | None] = mapped_column(sa.String(200))
    industry: Mapped[str | None] = mapped_column(sa.String(64))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    shared_on: Mapped[dt.date] = mapped_column(index=True)
    # The lead a unit reported from it (who followed the information up).
    lead_id: Mapped[int | None] = mapped_column(sa.ForeignKey("leads.id"))

    unit: Mapped[Unit] = relationship(lazy="joined")


class PointItem(_Recorded, Base):
    """正向加分、反向扣分: a bonus (+) or deduction (−) the office records against a unit."""

    __tablename__ = "pingliang_point_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    occurred_on: Mapped[dt.date] = mapped_column(index=True)
    points: Mapped[Decimal] = mapped_column(sa.Numeric(8, 2))
    reason: Mapped[str] = mapped_column(sa.Text)

    unit: Mapped[Unit] = relationship(lazy="joined")


# 帮办代办 agency service (POLICIES.md § pingliang 7, ``agency.py``).
SERVICE_KINDS = {"approval": "审批", "licence": "证照", "utility": "水电气", "land": "用地",
                 "other": "其他"}
SERVICE_STATUSES = {"raised": "待受理", "accepted": "已受理", "in_progress": "办理中",
                    "completed": "办结", "returned": "退回"}
SERVICE_OPEN = ("raised", "accepted", "in_progress")


class ServiceRequest(_Recorded, Base):
    """帮办代办: what a project's enterprise needs done, assigned to a service unit with a deadline."""

    __tablename__ = "pingliang_service_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    need: Mapped[str] = mapped_column(sa.Text)  # what the enterprise needs done
    # Who raised it: the project's unit (its 包抓 team through the unit's clerk) or the office.
    raised_by_unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)  # service unit
    raised_on: Mapped[dt.date]
    due_workdays: Mapped[int]
    due_on: Mapped[dt.date] = mapped_column(index=True)
    # True when the deadline was counted through a year with no official holiday notice.
    due_estimated: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(sa.String(16), default="raised", index=True)
    closed_on: Mapped[dt.date | None]
    outcome: Mapped[str | None] = mapped_column(sa.Text)  # the result, or why it was returned
    version: Mapped[int] = mapped_column(default=1)

    project: Mapped[Project] = relationship(lazy="joined")
    unit: Mapped[Unit] = relationship(lazy="joined", foreign_keys=[unit_id])
    raised_by_unit: Mapped[Unit] = relationship(lazy="joined", foreign_keys=[raised_by_unit_id])
    steps: Mapped[list[ServiceStep]] = relationship(order_by="ServiceStep.id", lazy="selectin")
    __mapper_args__ = {"version_id_col": version}


class ServiceStep(_Recorded, Base):
    """One dated step of a service request: 受理, 办理中, 办结 or 退回."""

    __tablename__ = "pingliang_service_steps"
    # Each step happens once per request: a step sent twice is refused, never stored twice.
    __table_args__ = (sa.UniqueConstraint("request_id", "step"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("pingliang_service_requests.id"),
                                            index=True)
    step: Mapped[str] = mapped_column(sa.String(16))
    occurred_on: Mapped[dt.date]
    note: Mapped[str | None] = mapped_column(sa.Text)
