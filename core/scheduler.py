"""The daily recomputation, on a schedule in the city's time zone (``zhaoshang schedule``).

Time-based judgements change with the calendar, not only with writes: a milestone's agreed
date passes, a lead's first-talk deadline passes, a project stays silent for
``policy.no_progress_days``. Each city runs one scheduler process (``make up`` starts one per
city, :mod:`infra.suite`) built with APScheduler 3 (:func:`build_scheduler`): a
:class:`~apscheduler.triggers.cron.CronTrigger` in the city's zone (``city.clock.zone``), daily
at 00:30 city time by default, plus one run at start so a process started mid-day catches up.

Each run (:func:`run_daily`) does the jobs of :data:`DAILY_JOBS` as of the city's today, in one
transaction each: today the whole-city warning recomputation — every warning rule of the
city and the core, which is where overdue judgements (milestones against their agreed date,
first-talk judgements, Sanming's yearly checks, Pingliang's red/yellow/blue) and the no-progress
cadence live. Every raise, change and clear writes its warning row and outbox event as usual;
then the Idempotency-Keys older than their retention are deleted (``zhaoshang
prune-idempotency-keys`` does the same by hand), and the outbox rows sent more than ``[events]
outbox_keep_days`` ago are pruned (``zhaoshang relay prune``), and the ledger-import jobs untouched
for 90 days are deleted (core.ledger_import.jobs). Each job writes one log line
(``zhaoshang.scheduler``) saying what it did.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from core.db import unit_of_work

if TYPE_CHECKING:
    import datetime as dt

    from sqlalchemy.orm import Session, sessionmaker

    from core.city import City

log = logging.getLogger("zhaoshang.scheduler")

DAILY_HOUR = 0
DAILY_MINUTE = 30


@dataclass(frozen=True)
class ScheduledJob:
    """One daily job: ``run(session, city, today)`` answers what it did (for the log)."""

    code: str
    name: str
    run: Callable[[Session, City, dt.date], dict[str, Any]]


def recompute_warnings(session: Session, city: City, today: dt.date) -> dict[str, Any]:
    from core.services.warnings import recompute

    return recompute(session, city, today).as_dict()


def prune_idempotency_keys(session: Session, city: City, today: dt.date) -> dict[str, Any]:
    """Delete the Idempotency-Keys kept past their retention (core.api.idempotency.prune)."""
    from core.api.idempotency import prune

    return {"deleted": prune(session)}


def prune_sent_events(session: Session, city: City, today: dt.date) -> dict[str, Any]:
    """Delete the sent outbox rows older than ``[events] outbox_keep_days`` (core.outbox_pruning;
    ``zhaoshang relay prune`` does the same by hand)."""
    from core.clock import utcnow
    from core.outbox_pruning import prune_outbox

    return {"deleted": prune_outbox(session, city, utcnow())}


def prune_import_jobs(session: Session, city: City, today: dt.date) -> dict[str, Any]:
    """Delete the ledger-import jobs untouched for ``KEEP_DAYS`` (core.ledger_import.jobs)."""
    from core.ledger_import.jobs import prune

    return {"deleted": prune(session)}


DAILY_JOBS = (ScheduledJob("warnings", "预警与超期研判重算", recompute_warnings),
              ScheduledJob("idempotency_keys", "清理过期的幂等键", prune_idempotency_keys),
              ScheduledJob("outbox", "清理已发送的事件", prune_sent_events),
              ScheduledJob("import_jobs", "清理过期的导入任务", prune_import_jobs))


class SchedulerMetrics:
    """What ``zhaoshang schedule --metrics-port`` serves: runs by job and outcome, and each
    job's last success as a Unix time from the project's clock (core.clock), so an alert
    fires when a daily job has not succeeded for more than a day."""

    def __init__(self) -> None:
        from prometheus_client import CollectorRegistry, Counter, Gauge

        self.registry = CollectorRegistry()
        self.runs = Counter("zhaoshang_scheduler_runs", "Scheduled job runs, by job and outcome",
                            ("job", "outcome"), registry=self.registry)
        self.last_success = Gauge("zhaoshang_scheduler_last_success_timestamp_seconds",
                                  "When the job last succeeded (Unix time)", ("job",),
                                  registry=self.registry)

    def observed(self, job: str, run: Callable[[], Any]) -> Any:
        """``run()``, counted as a success or a failure (which is raised on)."""
        from core.clock import utcnow

        try:
            done = run()
        except Exception:
            self.runs.labels(job, "failure").inc()
            raise
        self.runs.labels(job, "success").inc()
        self.last_success.labels(job).set(utcnow().timestamp())
        return done


def run_daily(sessions: sessionmaker[Session], city: City,
              jobs: tuple[ScheduledJob, ...] = DAILY_JOBS,
              metrics: SchedulerMetrics | None = None) -> dict[str, dict[str, Any]]:
    """Run every daily job as of the city's today, each in its own transaction."""
    today = city.clock.today()
    done: dict[str, dict[str, Any]] = {}
    for job in jobs:
        def one(job: ScheduledJob = job) -> dict[str, Any]:
            with unit_of_work(sessions) as session:
                return job.run(session, city, today)

        done[job.code] = metrics.observed(job.code, one) if metrics else one()
        log.info("scheduled run city=%s today=%s job=%s %s", city.code, today, job.code,
                 " ".join(f"{key}={value}" for key, value in done[job.code].items()))
    return done


def daily_trigger(city: City, hour: int = DAILY_HOUR, minute: int = DAILY_MINUTE) -> CronTrigger:
    """Every day at ``hour:minute`` on the city's wall clock."""
    return CronTrigger(hour=hour, minute=minute, timezone=city.clock.zone)


def build_scheduler(city: City, run: Callable[[], Any], hour: int = DAILY_HOUR,
                    minute: int = DAILY_MINUTE,
                    reminders: Callable[[], Any] | None = None) -> BlockingScheduler:
    """A scheduler in the city's zone running ``run`` daily; a missed run (the process was
    down at 00:30) still happens once when it is back, never twice. ``reminders`` (a round of
    core.reminders) runs every ``[reminders] interval_minutes``: the digest, the immediate
    notices and the retries of deliveries that failed."""
    scheduler = BlockingScheduler(timezone=city.clock.zone)
    scheduler.add_job(run, daily_trigger(city, hour, minute), id=f"daily-{city.code}",
                      name=f"{city.code} daily recomputation", coalesce=True,
                      misfire_grace_time=6 * 3600, max_instances=1)
    if reminders is not None:
        scheduler.add_job(reminders, IntervalTrigger(
            minutes=city.config["reminders"]["interval_minutes"], timezone=city.clock.zone),
            id=f"reminders-{city.code}", name=f"{city.code} reminders", coalesce=True,
            max_instances=1)
    return scheduler
