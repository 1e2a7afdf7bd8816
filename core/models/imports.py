"""Imported ledger rows: which record each row of a city's ledger (台账) became.

A row is keyed by the ledger's own number (台账编号) or, for an enterprise, its credit code
(or normalised name): importing the same row again finds its key here and changes nothing
(``core.ledger_import``). The file's name, SHA-256 and row say where the record came from.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.clock import utcnow
from core.db import Base


class ImportedRecord(Base):
    __tablename__ = "imported_records"
    __table_args__ = (sa.UniqueConstraint("kind", "ledger_key",
                                          name="uq_imported_records_kind_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(16))  # leads, projects, enterprises, introducers
    ledger_key: Mapped[str] = mapped_column(sa.String(200))
    record_id: Mapped[int]
    # SHA-256 of the row as read (and, for a project, its funds and milestones rows): the same
    # digest is the same row, a different one a row changed since it was imported.
    row_digest: Mapped[str] = mapped_column(sa.String(64))
    file_name: Mapped[str] = mapped_column(sa.String(255))
    file_sha256: Mapped[str] = mapped_column(sa.String(64))
    row: Mapped[int]
    imported_by: Mapped[str] = mapped_column(sa.String(200))
    imported_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
