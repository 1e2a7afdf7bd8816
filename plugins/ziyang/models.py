"""Ziyang's own tables (Alembic branch ``ziyang``): the six ones, meetings, fulfilment."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.toolkit import Base, Money, utcnow


class GroupOne(Base):
    """One of a group's 六个一 (Seed 二): its leader, lead department, zone, team, policy or map.

    A group should hold exactly one active row of each kind; ending a row (``ended_on``)
    keeps the history when a leader or a map is replaced.
    """

    __tablename__ = "ziyang_group_ones"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_code: Mapped[str] = mapped_column(sa.String(64), index=True)
    kind: Mapped[str] = mapped_column(sa.String(32))
    name: Mapped[str] = mapped_column(sa.String(200))
    # The unit a lead department or a functional zone is, when it is one of the city's units.
    unit_code: Mapped[str | None] = mapped_column(sa.String(64))
    # A document number or address: the policy's 文号, the map's edition.
    reference: Mapped[str | None] = mapped_column(sa.String(200))
    appointed_on: Mapped[dt.date]
    ended_on: Mapped[dt.date | None]
    recorded_by: Mapped[str] = mapped_column(sa.String(100))
    recorded_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class Meeting(Base):
    """A meeting of the economic cooperation leading group (Seed 一) and what it decided."""

    __tablename__ = "ziyang_meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(32), index=True)
    held_on: Mapped[dt.date] = mapped_column(index=True)
    chair: Mapped[str] = mapped_column(sa.String(100))
    title: Mapped[str] = mapped_column(sa.String(200))
    topics: Mapped[str | None] = mapped_column(sa.Text)
    decisions: Mapped[str | None] = mapped_column(sa.Text)
    project_ids: Mapped[list] = mapped_column(default=list)
    recorded_by: Mapped[str] = mapped_column(sa.String(100))
    recorded_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class FulfilmentResult(Base):
    """The outcome of a fulfilment evaluation (履约评估, Seed 六) and what followed from it.

    ``fulfilling`` pays the agreed incentives (兑现: policy, amount, date); ``reattraction``
    puts the project in 二次招商; ``clearance`` clears it (清退).
    """

    __tablename__ = "ziyang_fulfilment_results"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id"), index=True)
    evaluated_on: Mapped[dt.date]
    evaluating_unit: Mapped[str] = mapped_column(sa.String(64))
    outcome: Mapped[str] = mapped_column(sa.String(16))
    # The decided 履约评估 (core evaluation, form ``ziyang_fulfilment``) the outcome rests on.
    evaluation_id: Mapped[int] = mapped_column(sa.ForeignKey("evaluations.id"))
    basis: Mapped[str] = mapped_column(sa.Text)
    incentive_policy: Mapped[str | None] = mapped_column(sa.String(32))
    incentive_amount: Mapped[Money | None]
    paid_on: Mapped[dt.date | None]
    partner: Mapped[str | None] = mapped_column(sa.String(200))  # 二次招商: the partner sought
    recorded_by: Mapped[str] = mapped_column(sa.String(100))
    recorded_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
