"""Leads (招商线索): information about an investor, reported by a unit."""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.clock import utcnow
from core.db import Base, Money
from core.models.enterprises import Enterprise
from core.models.organisation import Introduced, Unit
from core.search import LEADS, trigram_indexes


class LeadStatus(enum.StrEnum):
    REPORTED = "reported"
    ASSIGNED = "assigned"
    CONVERTED = "converted"
    REJECTED = "rejected"


LEAD_STATUS_LABELS = {
    LeadStatus.REPORTED: "待研判",
    LeadStatus.ASSIGNED: "已明确首谈地",
    LeadStatus.CONVERTED: "已转项目",
    LeadStatus.REJECTED: "已退回",
}

LEAD_CHANNELS = {
    "leader_led": "领导带头招",
    "chain": "延链补链招",
    "fair": "节会推介招",
    "intermediary": "中介招商",
    "resident_office": "驻外机构招商",
    "ambassador": "招商大使",
    "online_signing": "云签约",
    "returning_natives": "归雁工程",
    "commissioned": "委托招商",
    "other": "其他",
}


class Lead(Introduced, Base):
    __tablename__ = "leads"
    # Searched by any fragment (core.search, migration 0019).
    __table_args__ = trigram_indexes(LEADS)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    # Indexed: the investor's leads and projects are looked up on every report (migration 0025).
    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("enterprises.id"), index=True)
    industry: Mapped[str | None] = mapped_column(sa.String(64))
    intended_amount: Mapped[Money | None]
    reporting_unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    intermediary_id: Mapped[int | None] = mapped_column(sa.ForeignKey("intermediaries.id"))
    channel: Mapped[str] = mapped_column(sa.String(32), default="other")
    status: Mapped[str] = mapped_column(sa.String(16), default=LeadStatus.REPORTED, index=True)
    reported_on: Mapped[dt.date] = mapped_column(index=True)
    reported_by: Mapped[str | None] = mapped_column(sa.String(100))
    routed_to_unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"))
    first_talk_due: Mapped[dt.date | None]
    first_talk_due_estimated: Mapped[bool] = mapped_column(default=False)
    first_talk_unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"))
    assigned_on: Mapped[dt.date | None]
    # When the lead was judged (assigned or rejected), recorded by the server: the instant and
    # its business date in the city's zone (core.services.leads.record_judgement).
    judged_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime(timezone=True))
    judged_on: Mapped[dt.date | None]
    rejected_reason: Mapped[str | None] = mapped_column(sa.Text)
    # Another lead about the same investor reported earlier (by credit code or name).
    duplicate_of_id: Mapped[int | None] = mapped_column(sa.ForeignKey("leads.id"))
    project_id: Mapped[int | None] = mapped_column(sa.ForeignKey("projects.id"))
    description: Mapped[str | None] = mapped_column(sa.Text)
    # Whom to call about the lead at the investor: a person and a mainland mobile or landline
    # number (core.schemas.contacts); a city may require the phone for some channels.
    contact_name: Mapped[str | None] = mapped_column(sa.String(50))
    contact_phone: Mapped[str | None] = mapped_column(sa.String(32))
    # City-specific fields, validated by the city's ``validate_lead`` hook.
    attributes: Mapped[dict] = mapped_column(default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(
        sa.DateTime(timezone=True), default=utcnow
    )
    # Checked on every write: of two officers judging or converting the same lead at once,
    # the later is refused (409) — one lead never becomes two projects.
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    enterprise: Mapped[Enterprise] = relationship(lazy="joined")
    reporting_unit: Mapped[Unit] = relationship(foreign_keys=[reporting_unit_id], lazy="joined")
    routed_to_unit: Mapped[Unit | None] = relationship(foreign_keys=[routed_to_unit_id])
    first_talk_unit: Mapped[Unit | None] = relationship(foreign_keys=[first_talk_unit_id])

    __mapper_args__ = {"version_id_col": version}

    @property
    def reporting_unit_code(self) -> str:
        return self.reporting_unit.code

    @property
    def routed_to_unit_code(self) -> str | None:
        return self.routed_to_unit.code if self.routed_to_unit else None

    @property
    def first_talk_unit_code(self) -> str | None:
        return self.first_talk_unit.code if self.first_talk_unit else None

