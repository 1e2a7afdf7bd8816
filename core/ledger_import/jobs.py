"""A ledger imported in the background: the upload answers at once, the page polls progress.

A 5,000-row ledger takes tens of seconds; a request that long would outlive the gateway's
timeout and show the clerk nothing meanwhile. The job runs the same :func:`run_import` in a
thread of the city service, with the uploader's identity, and records rows done of rows in
the file; ``GET /imports/jobs/<id>`` answers it (to the uploader only). Jobs live in the
process's memory: a restarted service forgets them, and the import either committed in full
or not at all (its one transaction), which the clerk sees by importing again (all rows
``unchanged``, or the dry run's list).
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, g

from core.identity import Actor
from core.ledger_import.run import ImportResult, run_import

KEPT_JOBS = 50  # finished jobs remembered, oldest forgotten first


@dataclass
class ImportJob:
    id: int
    actor: Actor
    kind: str
    file_name: str
    dry_run: bool
    done: int = 0
    total: int = 0
    status: str = "running"  # running, finished, failed
    result: ImportResult | None = None
    error: str | None = None
    # A dry run keeps its file until it is committed (``commit``): the page's commit button
    # imports what the clerk saw checked, not a file sent again.
    content: bytes | None = field(default=None, repr=False)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def awaiting_review(self) -> bool:
        """A finished dry run neither committed nor discarded yet (its file still kept): it
        waits for its uploader, to commit it or to correct the ledger (the to-do
        ``import_review``, core.todos)."""
        return self.dry_run and self.status == "finished" and self.content is not None

    def as_dict(self) -> dict[str, Any]:
        with self.lock:
            body = {"id": self.id, "kind": self.kind, "file_name": self.file_name,
                    "dry_run": self.dry_run, "status": self.status, "done": self.done,
                    "total": self.total, "error": self.error,
                    "committable": self.content is not None and self.status == "finished"
                    and self.result is not None and not self.result.problems,
                    "awaiting_review": self.awaiting_review}
            if self.result is not None:
                body["result"] = self.result.as_dict()
        return body


class ImportJobs:
    """The city service's import jobs (one registry per app)."""

    def __init__(self) -> None:
        self._jobs: dict[int, ImportJob] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def start(self, app: Flask, actor: Actor, kind: str, file_name: str, content: bytes,
              dry_run: bool) -> ImportJob:
        with self._lock:
            job = ImportJob(next(self._ids), actor, kind, file_name, dry_run,
                            content=content if dry_run else None)
            self._jobs[job.id] = job
            for old in sorted(self._jobs)[:-KEPT_JOBS]:
                if self._jobs[old].status != "running":
                    del self._jobs[old]
        thread = threading.Thread(target=self._run, args=(app, job, content),
                                  name=f"ledger-import-{job.id}", daemon=True)
        thread.start()
        return job

    def commit(self, app: Flask, job: ImportJob) -> ImportJob | None:
        """Import a finished dry run's file for real (None: not a dry run, or not finished)."""
        with job.lock:
            content, job.content = (job.content, None) if job.status == "finished" else (None,
                                                                                         None)
        if content is None:
            return None
        return self.start(app, job.actor, job.kind, job.file_name, content, dry_run=False)

    def discard(self, job: ImportJob) -> bool:
        """Forget a finished dry run's file: it is no longer to be committed (False: it was
        not awaiting review)."""
        with job.lock:
            if not job.awaiting_review:
                return False
            job.content = None
        return True

    def get(self, job_id: int, actor: Actor) -> ImportJob | None:
        job = self._jobs.get(job_id)
        return job if job is not None and job.actor.user == actor.user else None

    def awaiting_review(self, user: str) -> list[ImportJob]:
        """``user``'s dry runs still awaiting review, oldest first."""
        with self._lock:
            jobs = sorted(self._jobs.values(), key=lambda job: job.id)
        return [job for job in jobs if job.actor.user == user and job.awaiting_review]

    def _run(self, app: Flask, job: ImportJob, content: bytes) -> None:
        from core.api.support import runtime

        def progress(done: int, total: int) -> None:
            with job.lock:
                job.done, job.total = done, total

        # A request context with the uploader as its actor: the services and schemas read
        # the city and the actor the way they do in the upload's own request.
        with app.test_request_context():
            g.actor = job.actor
            state = runtime()
            try:
                result = run_import(state.sessions, state.city, job.actor, job.kind,
                                    job.file_name, content, dry_run=job.dry_run,
                                    progress=progress)
            except Exception as exc:  # the job reports it; the thread has nobody to raise to
                with job.lock:
                    job.status, job.error = "failed", f"导入失败：{exc}"
                raise
            with job.lock:
                job.result, job.status = result, "finished"
                job.done = job.total = result.rows


def jobs_of(app: Flask) -> ImportJobs:
    return app.extensions.setdefault("zhaoshang.import_jobs", ImportJobs())
