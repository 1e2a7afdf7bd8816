"""Imported ledger rows: which record each row of a city's ledger (台账) became.

A row is keyed by the ledger's own number (台账编号) or, for an enterprise, its credit code
(or normalised name): importing the same row again finds its key here and changes nothing
(``core.ledger_import``). The file's name, SHA-256 and row say where the record came from.

Import jobs: a ledger imported in the background, kept here so every replica and a restarted
service answer it (``core.ledger_import.jobs``).
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


class ImportJob(Base):
    """A ledger import run in the background (core.ledger_import.jobs): its progress, its
    result and, for a dry run awaiting review, the file to commit.

    Kept in the city's database, not a service's memory, so a restarted service still has its
    jobs and any replica answers a poll, a commit or a discard. Progress and the heartbeat are
    written in short transactions of their own, never the import's.
    """

    __tablename__ = "import_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The uploader, as the import's Actor: the job runs with their rights, only they see it.
    uploaded_by: Mapped[str] = mapped_column(sa.String(200), index=True)
    role: Mapped[str] = mapped_column(sa.String(20))
    unit: Mapped[str | None] = mapped_column(sa.String(50))
    kind: Mapped[str] = mapped_column(sa.String(16))
    file_name: Mapped[str] = mapped_column(sa.String(255))
    dry_run: Mapped[bool]
    # running, then finished or failed; a finished dry run then committed or discarded.
    status: Mapped[str] = mapped_column(sa.String(16))
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    result: Mapped[dict | None]  # ImportResult.as_dict()
    error: Mapped[str | None] = mapped_column(sa.Text)
    # A dry run's file until it is committed or discarded (then NULL): the commit imports what
    # the clerk saw checked, not a file sent again. Deferred: listing jobs never loads files.
    content: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    # The service instance running the job, and when it last said it is alive: a running job
    # whose heartbeat stopped belongs to a process that died (shown failed, core.ledger_import.jobs).
    runner: Mapped[str | None] = mapped_column(sa.String(64))
    heartbeat_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    # The job that imported this dry run's file for real.
    committed_by: Mapped[int | None] = mapped_column(sa.ForeignKey("import_jobs.id",
                                                                       ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow,
                                                    index=True)
