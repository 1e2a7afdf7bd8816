"""A ledger imported in the background: the upload answers at once, the page polls progress.

A 5,000-row ledger takes tens of seconds; a request that long would outlive the gateway's
timeout and show the clerk nothing meanwhile. The job runs the same :func:`run_import` in a
thread of the city service, with the uploader's identity, and records rows done of rows in
the file; ``GET /imports/jobs/<id>`` answers it (to the uploader only).

Jobs are rows of the city's database (``import_jobs``, :class:`core.models.ImportJob`), not
the service's memory: a restarted service still has them (the uploader's ``import_review``
to-do and the reminder digest, core.todos, read the table), and with several replicas of a
city behind the gateway any replica answers a poll, a commit or a discard.

* Progress (at most every :data:`PROGRESS_SECONDS`) and a heartbeat (every
  :data:`HEARTBEAT_SECONDS`) are written in short transactions of their own, never the
  import's, which stays one all-or-nothing transaction.
* A commit and a discard are one conditional UPDATE each (``WHERE status = 'finished'``): of
  two clicks, or two replicas, exactly one commits a dry run; the other is refused (409).
* A job still ``running`` whose heartbeat is older than :data:`STALE_AFTER`, or whose runner
  is this very service instance but no longer runs it, belonged to a process that died: it is
  marked failed, telling the clerk to import again (nothing was half written).
* A dry run's file is kept until it is committed or discarded (then cleared); one with
  problems cannot be committed, so its file is not kept. Rows untouched for
  :data:`KEEP_DAYS` are deleted by the scheduler's daily run (:func:`prune`).

On SQLite the import's transaction holds the database's only write lock, so progress and the
heartbeat are kept in the runner's memory until the job ends (SQLite serves one process;
replicas need PostgreSQL). The runner writes the job's end whatever a poll concluded meanwhile:
it alone knows whether the import committed.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask import Flask, g

from core.clock import utcnow
from core.db import unit_of_work
from core.identity import Actor
from core.ledger_import.run import run_import
from core.models.imports import ImportJob

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger("zhaoshang.ledger_import")

PROGRESS_SECONDS = 1.0  # a progress row at most this often (every row would be a write per row)
HEARTBEAT_SECONDS = 30.0
# Generous: ten missed heartbeats. A job past it is shown failed; its runner, if somehow alive,
# still writes the true end.
STALE_AFTER = dt.timedelta(minutes=5)
KEEP_DAYS = 90  # jobs untouched this long are deleted (prune, the scheduler's daily run)
INTERRUPTED = "导入中断：处理该文件的服务已停止，未写入任何数据，请重新上传导入"

# The columns a job is read with: never its file (``content``), which only a commit reads.
_COLUMNS = (ImportJob.id, ImportJob.uploaded_by, ImportJob.role, ImportJob.unit, ImportJob.kind,
            ImportJob.file_name, ImportJob.dry_run, ImportJob.status, ImportJob.done,
            ImportJob.total, ImportJob.result, ImportJob.error, ImportJob.committed_by,
            ImportJob.runner, ImportJob.heartbeat_at)


@dataclass(frozen=True)
class ImportJobState:
    """A job as read from its row (what the API answers)."""

    id: int
    actor: Actor
    kind: str
    file_name: str
    dry_run: bool
    status: str  # running, finished, failed; a finished dry run then committed or discarded
    done: int
    total: int
    result: dict[str, Any] | None  # ImportResult.as_dict()
    error: str | None
    committed_by: int | None

    @classmethod
    def of(cls, row: Any) -> ImportJobState:
        return cls(row.id, Actor(row.uploaded_by, row.role, row.unit), row.kind, row.file_name,
                   row.dry_run, row.status, row.done, row.total, row.result, row.error,
                   row.committed_by)

    @property
    def problems(self) -> list[dict[str, Any]]:
        return list((self.result or {}).get("problems", []))

    @property
    def awaiting_review(self) -> bool:
        """A finished dry run neither committed nor discarded yet: it waits for its uploader,
        to commit it or to correct the ledger (the to-do ``import_review``, core.todos)."""
        return self.dry_run and self.status == "finished"

    @property
    def committable(self) -> bool:
        return self.awaiting_review and self.result is not None and not self.problems

    def as_dict(self) -> dict[str, Any]:
        body = {"id": self.id, "kind": self.kind, "file_name": self.file_name,
                "dry_run": self.dry_run, "status": self.status, "done": self.done,
                "total": self.total, "error": self.error, "committable": self.committable,
                "awaiting_review": self.awaiting_review, "committed_by": self.committed_by}
        if self.result is not None:
            body["result"] = self.result
        return body


def awaiting_review(session: Session, user: str) -> list[ImportJobState]:
    """``user``'s dry runs still awaiting review, oldest first (read by the to-do list in a
    request and by the reminder digest outside any service)."""
    rows = session.execute(sa.select(*_COLUMNS).where(
        ImportJob.uploaded_by == user, ImportJob.dry_run.is_(True),
        ImportJob.status == "finished").order_by(ImportJob.id))
    return [ImportJobState.of(row) for row in rows]


def prune(session: Session, now: dt.datetime | None = None) -> int:
    """Delete the jobs untouched for :data:`KEEP_DAYS`; how many were deleted."""
    cutoff = (now or utcnow()) - dt.timedelta(days=KEEP_DAYS)
    result = session.execute(sa.delete(ImportJob).where(ImportJob.updated_at < cutoff))
    return int(result.rowcount or 0)


class ImportJobs:
    """The import jobs as one service instance (app) sees and runs them."""

    def __init__(self, app: Flask) -> None:
        self._app = app
        # Which instance runs a job: a job of this instance it no longer runs has died with
        # its thread; a restarted service is a new instance.
        self.runner = uuid.uuid4().hex
        self._live: dict[int, tuple[int, int]] = {}  # job id: (done, total), while it runs
        self._lock = threading.Lock()

    @property
    def _sessions(self) -> sessionmaker[Session]:
        from core.api.support import EXTENSION

        return self._app.extensions[EXTENSION].sessions

    @property
    def _sqlite(self) -> bool:
        from core.api.support import EXTENSION

        return self._app.extensions[EXTENSION].engine.dialect.name == "sqlite"

    def start(self, app: Flask, actor: Actor, kind: str, file_name: str, content: bytes,
              dry_run: bool) -> ImportJobState:
        with unit_of_work(self._sessions) as session:
            row = self._new_row(actor, kind, file_name, dry_run, content)
            session.add(row)
            session.flush()
            job = ImportJobState.of(row)
        self._launch(app, job, content)
        return job

    def commit(self, app: Flask, job: ImportJobState) -> ImportJobState | None:
        """Import a finished dry run's file for real in a new job (None: not awaiting review —
        committed or discarded already, by this or another replica)."""
        session = self._sessions()
        try:
            # The claim first: a write, so on SQLite too the second of two commits waits for
            # the first and then finds the dry run no longer finished.
            claimed = session.execute(sa.update(ImportJob).where(
                ImportJob.id == job.id, ImportJob.dry_run.is_(True),
                ImportJob.status == "finished", ImportJob.content.is_not(None))
                .values(status="committed", updated_at=utcnow())).rowcount
            if claimed != 1:
                session.rollback()
                return None
            content = session.scalar(sa.select(ImportJob.content).where(ImportJob.id == job.id))
            row = self._new_row(job.actor, job.kind, job.file_name, False, content)
            session.add(row)
            session.flush()
            session.execute(sa.update(ImportJob).where(ImportJob.id == job.id).values(
                content=None, committed_by=row.id))
            started = ImportJobState.of(row)
            session.commit()
        finally:
            session.close()
        self._launch(app, started, content)
        return started

    def discard(self, job: ImportJobState) -> ImportJobState | None:
        """Drop a finished dry run's file: it is no longer to be committed (None: it was not
        awaiting review)."""
        with unit_of_work(self._sessions) as session:
            discarded = session.execute(sa.update(ImportJob).where(
                ImportJob.id == job.id, ImportJob.dry_run.is_(True),
                ImportJob.status == "finished").values(
                status="discarded", content=None, updated_at=utcnow())).rowcount
        return self.get(job.id, job.actor) if discarded == 1 else None

    def get(self, job_id: int, actor: Actor) -> ImportJobState | None:
        """The job if it is ``actor``'s; a running one whose process died is marked failed."""
        with unit_of_work(self._sessions) as session:
            row = session.execute(sa.select(*_COLUMNS).where(
                ImportJob.id == job_id, ImportJob.uploaded_by == actor.user)).one_or_none()
            if row is None:
                return None
            if row.status == "running":
                # Dead: this instance's job it no longer runs, or another's silent too long
                # (compared in SQL: SQLite hands back naive datetimes). Read before any write:
                # on SQLite a running import holds the write lock, and a poll must not wait.
                with self._lock:
                    lost = row.runner == self.runner and job_id not in self._live
                stale = lost or session.scalar(sa.select(sa.literal(True)).where(
                    ImportJob.id == job_id, ImportJob.runner != self.runner,
                    ImportJob.heartbeat_at < utcnow() - STALE_AFTER)) is not None
                if stale and session.execute(sa.update(ImportJob).where(
                        ImportJob.id == job_id, ImportJob.status == "running").values(
                        status="failed", error=INTERRUPTED, updated_at=utcnow())).rowcount:
                    row = session.execute(sa.select(*_COLUMNS)
                                          .where(ImportJob.id == job_id)).one()
        job = ImportJobState.of(row)
        with self._lock:
            live = self._live.get(job_id)
        if live is not None and job.status == "running":  # SQLite: progress not written yet
            done, total = live
            job = ImportJobState(job.id, job.actor, job.kind, job.file_name, job.dry_run,
                                 job.status, max(job.done, done), max(job.total, total),
                                 job.result, job.error, job.committed_by)
        return job

    def awaiting_review(self, user: str) -> list[ImportJobState]:
        with self._sessions() as session:
            return awaiting_review(session, user)

    def _new_row(self, actor: Actor, kind: str, file_name: str, dry_run: bool,
                 content: bytes) -> ImportJob:
        now = utcnow()
        return ImportJob(uploaded_by=actor.user, role=actor.role, unit=actor.unit, kind=kind,
                         file_name=file_name, dry_run=dry_run, status="running", done=0,
                         total=0, content=content if dry_run else None, runner=self.runner,
                         heartbeat_at=now, created_at=now, updated_at=now)

    def _launch(self, app: Flask, job: ImportJobState, content: bytes) -> None:
        with self._lock:
            self._live[job.id] = (0, 0)
        thread = threading.Thread(target=self._run, args=(app, job, content),
                                  name=f"ledger-import-{job.id}", daemon=True)
        thread.start()

    def _write(self, job_id: int, **values: Any) -> None:
        """One short transaction of the job's own (progress, heartbeat, end)."""
        now = utcnow()
        with unit_of_work(self._sessions) as session:
            session.execute(sa.update(ImportJob).where(ImportJob.id == job_id).values(
                heartbeat_at=now, updated_at=now, **values))

    def _beat(self, job_id: int, **values: Any) -> None:
        """A progress or heartbeat write; a failed one must not fail the import."""
        if self._sqlite:
            return  # the import holds SQLite's write lock until it ends (see the module)
        try:
            self._write(job_id, **values)
        except sa.exc.SQLAlchemyError:
            log.warning("import job %s: progress not recorded", job_id, exc_info=True)

    def _run(self, app: Flask, job: ImportJobState, content: bytes) -> None:
        from core.api.support import runtime

        written = time.monotonic()
        stopped = threading.Event()

        def progress(done: int, total: int) -> None:
            nonlocal written
            with self._lock:
                self._live[job.id] = (done, total)
            if time.monotonic() - written >= PROGRESS_SECONDS:
                written = time.monotonic()
                self._beat(job.id, done=done, total=total)

        def heartbeat() -> None:
            while not stopped.wait(HEARTBEAT_SECONDS):
                self._beat(job.id)

        threading.Thread(target=heartbeat, name=f"ledger-import-{job.id}-heartbeat",
                         daemon=True).start()
        # A request context with the uploader as its actor: the services and schemas read
        # the city and the actor the way they do in the upload's own request.
        try:
            with app.test_request_context():
                g.actor = job.actor
                state = runtime()
                try:
                    result = run_import(state.sessions, state.city, job.actor, job.kind,
                                        job.file_name, content, dry_run=job.dry_run,
                                        progress=progress)
                except Exception as exc:  # the job reports it; the thread has nobody to raise to
                    self._write(job.id, status="failed", error=f"导入失败：{exc}", content=None)
                    raise
            # A dry run with problems can never be committed: its file is not kept.
            values: dict[str, Any] = {"content": None} if result.problems else {}
            self._write(job.id, status="finished", result=result.as_dict(), done=result.rows,
                        total=result.rows, error=None, **values)
        finally:
            stopped.set()
            with self._lock:
                self._live.pop(job.id, None)


def jobs_of(app: Flask) -> ImportJobs:
    jobs = app.extensions.get("zhaoshang.import_jobs")
    if jobs is None:
        # The app itself, not ``current_app``: the job's threads use it outside any request.
        real = app._get_current_object() if hasattr(app, "_get_current_object") else app
        jobs = app.extensions.setdefault("zhaoshang.import_jobs", ImportJobs(real))
    return jobs
