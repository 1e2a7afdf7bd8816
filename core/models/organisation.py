"""Units (the tree inside a city), persons and intermediaries."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base

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
    __tablename__ = "intermediaries"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(32))  # firm, advisor, ambassador, individual
    is_public_official: Mapped[bool] = mapped_column(default=False)
    contact: Mapped[str | None] = mapped_column(sa.String(200))
