"""Enterprises (企业/客商): investors, identified by their unified social credit code."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base
from core.search import ENTERPRISES, trigram_indexes

ENTERPRISE_TAGS = (
    "世界500强", "中国500强", "民营500强", "央企", "省属国企", "上市公司",
    "行业龙头", "行业前20强", "行业100强", "独角兽", "台湾百大", "外资",
)


class Enterprise(Base):
    __tablename__ = "enterprises"
    # Searched by any fragment of the name, the credit code by prefix (core.search, 0019).
    __table_args__ = trigram_indexes(ENTERPRISES)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    normalized_name: Mapped[str] = mapped_column(sa.String(200), index=True)
    credit_code: Mapped[str | None] = mapped_column(sa.String(18), unique=True)
    origin_region: Mapped[str | None] = mapped_column(sa.String(100))
    # The canonical name of the investor's province (core.divisions), derived with the code.
    origin_province: Mapped[str | None] = mapped_column(sa.String(50))
    # GB/T 2260: the province (XX0000) derived from the credit code's division, else from the
    # typed province; NULL when unknown (core.services.enterprises.derive_origin).
    province_code: Mapped[str | None] = mapped_column(sa.String(6))
    # Positions 3–8 of the credit code: the registering office's division.
    division_code: Mapped[str | None] = mapped_column(sa.String(6))
    tags: Mapped[list] = mapped_column(default=list)
    # Optimistic locking: the API's ETag; a stale If-Match is refused (core.api.versions).
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}
