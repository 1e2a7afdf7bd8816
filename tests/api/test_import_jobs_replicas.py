"""Ledger-import jobs are rows of the city's database (core.ledger_import.jobs): a job started
on one replica is polled, committed and discarded through another, survives a restart, is
committed once however many clicks or replicas try, a job whose process died shows failed, the
uploader's ``import_review`` reaches the reminder digest, and old jobs are pruned daily.

Two apps on one database stand for two replicas of a city behind the gateway."""

from __future__ import annotations

import datetime as dt
import io
import threading

import pytest
import sqlalchemy as sa

from core.clock import utcnow
from core.models import ImportJob
from core.testing.cities import ready_app
from core.testing.http import ApiClient
from tests.support.ledgers import project_ledger
from tests.support.records import row_counts


@pytest.fixture
def replicas(city, db_url):
    """Two replicas of the city on one database; a test may add more (a restart)."""
    apps = [ready_app(city, db_url), ready_app(city, db_url)]

    def another():
        apps.append(ready_app(city, db_url))
        return apps[-1]

    yield apps, another
    for app in apps:
        app.extensions["zhaoshang"].engine.dispose()


def client_of(app):
    return ApiClient(app.test_client())


def finished(job_id):
    for thread in threading.enumerate():
        if thread.name == f"ledger-import-{job_id}":
            thread.join()
    return job_id


def dry_run(client, content, name):
    response = client.post("/imports?kind=projects&dry_run=true&background=true",
                           data={"file": (io.BytesIO(content), name)},
                           content_type="multipart/form-data")
    assert response.status_code == 202, response.json
    return finished(response.json["id"])


def reviews(client):
    return [item["key"] for item in client.get("/todos").json["items"]
            if item["kind"] == "import_review"]


def test_a_job_is_polled_committed_and_discarded_through_another_replica_and_after_a_restart(
        replicas):
    (first, second), another = replicas
    one, two = client_of(first), client_of(second)
    clean = dry_run(one, project_ledger(5), "无误的台账.xlsx")
    refused = dry_run(one, project_ledger(5, {1: "unknown_unit"}), "有问题的台账.xlsx")

    polled = two.get(f"/imports/jobs/{clean}")
    assert polled.status_code == 200, polled.json
    assert (polled.json["status"], polled.json["done"], polled.json["total"],
            polled.json["committable"]) == ("finished", 5, 5, True)
    assert polled.json["result"]["problems"] == [] and polled.json["result"]["created"] == 5
    assert two.get(f"/imports/jobs/{clean}", as_=("clerk", "east")).status_code == 404
    assert reviews(two) == [f"import:{clean}", f"import:{refused}"]

    # A restart of the first replica: its successor still has both dry runs and the to-dos.
    first.extensions["zhaoshang"].engine.dispose()
    restarted = client_of(another())
    assert restarted.get(f"/imports/jobs/{refused}").json["result"]["problems"][0]["row"] == 3
    assert reviews(restarted) == [f"import:{clean}", f"import:{refused}"]

    committed = two.post(f"/imports/jobs/{clean}/commit")
    assert committed.status_code == 202, committed.json
    finished(committed.json["id"])
    # The second click, on the other replica, is refused: the file is imported once.
    again = restarted.post(f"/imports/jobs/{clean}/commit")
    assert again.status_code == 409 and again.json["code"] == "import.not_committable"
    real = restarted.get(f"/imports/jobs/{committed.json['id']}").json
    assert (real["status"], real["dry_run"], real["result"]["committed"]) == (
        "finished", False, True)
    assert row_counts(second, "projects")["projects"] == 5
    the_dry_run = restarted.get(f"/imports/jobs/{clean}").json
    assert (the_dry_run["status"], the_dry_run["committed_by"]) == ("committed",
                                                                    committed.json["id"])

    discarded = restarted.post(f"/imports/jobs/{refused}/discard")
    assert discarded.status_code == 200 and discarded.json["status"] == "discarded"
    assert two.post(f"/imports/jobs/{refused}/discard").status_code == 409
    assert two.post(f"/imports/jobs/{refused}/commit").status_code == 409
    assert reviews(two) == []
    # Committed and discarded dry runs keep no file.
    with second.extensions["zhaoshang"].sessions() as session:
        assert session.scalars(sa.select(ImportJob.content).where(
            ImportJob.id.in_([clean, refused]))).all() == [None, None]


def test_two_replicas_committing_the_same_dry_run_at_once_commit_it_once(replicas):
    (first, second), _ = replicas
    clean = dry_run(client_of(first), project_ledger(4), "台账.xlsx")
    start = threading.Barrier(2)
    answers = {}

    def click(name, app):
        client = client_of(app)
        start.wait()
        answers[name] = client.post(f"/imports/jobs/{clean}/commit")

    clicks = [threading.Thread(target=click, args=(name, app))
              for name, app in (("first", first), ("second", second))]
    for thread in clicks:
        thread.start()
    for thread in clicks:
        thread.join()
    assert sorted(answer.status_code for answer in answers.values()) == [202, 409]
    winner = next(answer for answer in answers.values() if answer.status_code == 202)
    finished(winner.json["id"])
    assert row_counts(first, "projects")["projects"] == 4
    with first.extensions["zhaoshang"].sessions() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(ImportJob).where(
            ImportJob.dry_run.is_(False))) == 1


def running_job(app, runner, heartbeat_at):
    with app.extensions["zhaoshang"].sessions() as session:
        job = ImportJob(uploaded_by="officer1", role="officer", unit=None, kind="projects",
                        file_name="大台账.xlsx", dry_run=False, status="running", done=40,
                        total=5000, runner=runner, heartbeat_at=heartbeat_at,
                        created_at=heartbeat_at, updated_at=heartbeat_at)
        session.add(job)
        session.commit()
        return job.id


def test_a_job_whose_process_died_is_shown_failed_telling_the_clerk_to_import_again(replicas):
    (first, second), _ = replicas
    client = client_of(first)
    alive = running_job(second, "another-replica", utcnow() - dt.timedelta(seconds=20))
    silent = running_job(second, "another-replica", utcnow() - dt.timedelta(hours=1))
    # Run by this very instance, which no longer runs it (its thread died without a word).
    lost = running_job(first, jobs_runner(first), utcnow())

    assert client.get(f"/imports/jobs/{alive}").json["status"] == "running"
    for job_id in (silent, lost):
        job = client.get(f"/imports/jobs/{job_id}").json
        assert job["status"] == "failed", job
        assert "未写入任何数据" in job["error"] and "重新上传导入" in job["error"]
    # Every replica now answers the same.
    assert client_of(second).get(f"/imports/jobs/{silent}").json["status"] == "failed"


def jobs_runner(app):
    from core.ledger_import.jobs import jobs_of

    return jobs_of(app).runner


def test_a_dry_run_awaiting_review_is_in_the_reminder_digest(replicas):
    from core import reminders

    (first, _), _ = replicas
    client = client_of(first)
    subscribed = client.post("/reminders/subscriptions", json={
        "channel": "email", "address": "officer1@zs.example", "mode": "digest"})
    assert subscribed.status_code == 201, subscribed.json
    dry_run(client, project_ledger(3, {1: "unknown_unit"}), "待修改的台账.xlsx")

    # The reminder run is no request of the service: it reads the jobs from the database.
    state = first.extensions["zhaoshang"]
    evening = state.city.clock.now().replace(hour=23, minute=0)
    with state.sessions() as session:
        assert reminders.queue_reminders(session, state.city, evening) == 1
        body = session.scalar(sa.select(reminders.ReminderDelivery.body))
        session.commit()
    assert "项目台账“待修改的台账.xlsx”试导入发现 1 个问题" in body


def test_the_daily_run_deletes_jobs_untouched_past_their_retention(replicas):
    from core.ledger_import.jobs import KEEP_DAYS
    from core.scheduler import DAILY_JOBS, run_daily

    (first, _), _ = replicas
    state = first.extensions["zhaoshang"]
    old = running_job(first, "gone", utcnow() - dt.timedelta(days=KEEP_DAYS + 1))
    recent = running_job(first, "gone", utcnow() - dt.timedelta(days=KEEP_DAYS - 1))
    jobs = tuple(job for job in DAILY_JOBS if job.code == "import_jobs")
    assert run_daily(state.sessions, state.city, jobs)["import_jobs"] == {"deleted": 1}
    with state.sessions() as session:
        assert session.scalars(sa.select(ImportJob.id)).all() == [recent] != [old]
