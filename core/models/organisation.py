"""Units (the tree inside a city), persons and intermediaries."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from core.clock import utcnow
from core.db import Base
from core.search import INTERMEDIARIES, trigram_indexes

UNIT_KINDS = {
    "office": "招商主管部门",
    "county": "县",
    "district": "区",
    "city": "县级市",
    "park": "园区/开发区",
    "department": "市直部门",
    "industry_group": "产业招商小组/产业链专班",
    "resident_office": "驻外机构",
}
PARK_LEVELS = {"national": "国家级", "provincial": "省级"}


class Unit(Base):
    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(32))
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"))
    park_level: Mapped[str | None] = mapped_column(sa.String(16))
    # Industry codes a park is designated for (两主一特 etc.); empty for other units.
    designated_industries: Mapped[list] = mapped_column(default=list)
    parent: Mapped[Unit | None] = relationship(remote_side=[id])


class Person(Base):
    __tablename__ = "persons"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"))
    title: Mapped[str | None] = mapped_column(sa.String(100))
    # Rewards for bringing projects never go to state public officials (Changsha rule 5).
    is_public_official: Mapped[bool] = mapped_column(default=False)
    is_leader: Mapped[bool] = mapped_column(default=False)


class Intermediary(Base):
    """引荐人名录: a person or organisation who introduces investment (core.introducers).

    The table keeps its first name (``intermediaries``) so every ``intermediary_id`` of leads,
    projects and plugin tables keeps pointing at it.
    """

    __tablename__ = "intermediaries"
    # Searched by any fragment (core.search, migration 0019).
    __table_args__ = trigram_indexes(INTERMEDIARIES)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    # The matching key of the name (core.names): a likely duplicate is the same key and phone.
    name_key: Mapped[str] = mapped_column(sa.String(200), index=True, default="", server_default="")
    kind: Mapped[str] = mapped_column(sa.String(32))  # firm, advisor, ambassador, individual
    credit_code: Mapped[str | None] = mapped_column(sa.String(18), unique=True)
    contact_person: Mapped[str | None] = mapped_column(sa.String(100))
    phone: Mapped[str | None] = mapped_column(sa.String(32))
    email: Mapped[str | None] = mapped_column(sa.String(200))
    address: Mapped[str | None] = mapped_column(sa.String(300))
    notes: Mapped[str | None] = mapped_column(sa.String(200))
    # Codes of the roles the city declares (``[[introducer_roles]]``): 金牌顾问, 招商大使…
    roles: Mapped[list] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(sa.String(16), default="active", server_default="active")
    # 是否国家公职人员: yes, no or unknown; only the office's confirmation sets yes or no.
    public_official: Mapped[str] = mapped_column(sa.String(8), default="unknown",
                                                 server_default="unknown")
    public_official_basis: Mapped[str | None] = mapped_column(sa.String(500))
    public_official_confirmed_by: Mapped[str | None] = mapped_column(sa.String(100))
    public_official_confirmed_at: Mapped[dt.datetime | None] = mapped_column(
        sa.DateTime(timezone=True))
    registered_by: Mapped[str | None] = mapped_column(sa.String(100))
    registered_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime(timezone=True),
                                                              default=utcnow)
    # Optimistic locking: the API's ETag; a stale If-Match is refused (core.api.versions).
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_public_official(self) -> bool:
        """Confirmed a state public official. False also when unknown: a rule that must not
        pay officials reads :func:`core.introducers.public_official_status` instead."""
        return self.public_official == "yes"

    @is_public_official.setter
    def is_public_official(self, value: bool | None) -> None:
        # Older code and tests build rows with the flag: True/False is a stated status.
        self.public_official = {True: "yes", False: "no"}.get(value, "unknown")


class Introduced:
    """A record that names who introduced it (``intermediary_id``, the 引荐人名录): its
    introducer, loaded when read (a list joins it), and the name shown where the id is stored."""

    intermediary_id: Mapped[int | None]

    @declared_attr
    def intermediary(cls) -> Mapped[Intermediary | None]:  # noqa: N805 - SQLAlchemy's cls
        return relationship(Intermediary)

    @property
    def intermediary_name(self) -> str | None:
        return self.intermediary.name if self.intermediary_id is not None else None


class IntermediaryChange(Base):
    """One change of a registry entry: who, when, what (``{field: [old, new]}``) and why."""

    __tablename__ = "intermediary_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    intermediary_id: Mapped[int] = mapped_column(sa.ForeignKey("intermediaries.id"), index=True)
    actor: Mapped[str] = mapped_column(sa.String(100))
    action: Mapped[str] = mapped_column(sa.String(32))
    changes: Mapped[dict] = mapped_column(default=dict)
    reason: Mapped[str | None] = mapped_column(sa.String(500))
    recorded_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
