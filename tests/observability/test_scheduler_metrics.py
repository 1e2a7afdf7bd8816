"""The scheduler's /metrics (``zhaoshang schedule --metrics-port``): runs by job and outcome, and
each job's last success by the project's clock."""

from __future__ import annotations

import pytest

from core import clock
from core.loopback_ports import free_port
from core.observability import serve_metrics
from core.scheduler import DAILY_JOBS, ScheduledJob, SchedulerMetrics, run_daily
from tests.events.test_request_id_and_consumer_metrics import scrape


def broken(_session, _city, _today):
    raise RuntimeError("the database said no")


def test_runs_are_counted_by_outcome_and_the_last_success_is_the_clocks(app):
    state = app.extensions["zhaoshang"]
    metrics = SchedulerMetrics()
    outbox = tuple(job for job in DAILY_JOBS if job.code == "outbox")
    run_daily(state.sessions, state.city, outbox, metrics=metrics)
    before = clock.utcnow().timestamp()
    run_daily(state.sessions, state.city, outbox, metrics=metrics)
    after = clock.utcnow().timestamp()
    with pytest.raises(RuntimeError):  # a failing job still fails the run, and is counted
        run_daily(state.sessions, state.city, (ScheduledJob("warnings", "预警", broken),),
                  metrics=metrics)
    port = free_port()
    server = serve_metrics(metrics.registry, port)
    try:
        samples = scrape(port)
    finally:
        server.shutdown()
    assert samples[("zhaoshang_scheduler_runs_total", (("job", "outbox"), ("outcome", "success")))] == 2
    assert samples[("zhaoshang_scheduler_runs_total",
                    (("job", "warnings"), ("outcome", "failure")))] == 1
    last = samples[("zhaoshang_scheduler_last_success_timestamp_seconds", (("job", "outbox"),))]
    assert before <= last <= after  # the second run's, by the tests' clock (not the host's)
    assert ("zhaoshang_scheduler_last_success_timestamp_seconds", (("job", "warnings"),)) \
        not in samples
