"""The newest writes of issue 18 carry versions too, the investor's 省外 is re-derived after an
upgrade, and the daily scheduler prunes Idempotency-Keys."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from core.clock import utcnow
from tests.support.records import (
    advance,
    create_project,
    enterprise,
    events_of,
    project_body,
    row_counts,
)

DATES = {"negotiating": "2026-05-20", "signed": "2026-06-01", "started": "2026-06-05"}
OFFICER = {"X-Zhaoshang-User": "officer-a", "X-Zhaoshang-Role": "officer"}


def send(client, method: str, path: str, body=None, if_match: str | None = None):
    headers = dict(OFFICER) | ({"If-Match": if_match} if if_match else {})
    return client.flask.open("/api/v1" + path, method=method, json=body, headers=headers)


def stale_project_etag(client, project_id: int) -> str:
    """The project's ETag as a form showed it, then changed by someone else."""
    seen = send(client, "GET", f"/projects/{project_id}")
    changed = send(client, "PATCH", f"/projects/{project_id}",
                   {"description": f"他人的第{seen.json['version']}次修改"})
    assert changed.status_code == 200 and changed.json["version"] > seen.json["version"]
    return seen.headers["ETag"]


def test_a_date_correction_with_a_stale_version_is_refused_and_changes_nothing(client):
    project = create_project(client)
    advance(client, project["id"], "started", DATES)
    stale = stale_project_etag(client, project["id"])
    path = f"/projects/{project['id']}/date-corrections"
    body = {"field": "signed_on", "date": "2026-06-02", "reason": "合同落款日期核对有误"}
    before = row_counts(client.flask.application, "project_changes")
    refused = send(client, "POST", path, body, if_match=stale)
    assert refused.status_code == 412 and "已被他人修改" in refused.json["detail"]
    assert row_counts(client.flask.application, "project_changes") == before
    assert send(client, "GET", f"/projects/{project['id']}").json["signed_on"] == "2026-06-01"
    current = send(client, "GET", f"/projects/{project['id']}").headers["ETag"]
    done = send(client, "POST", path, body, if_match=current)
    assert done.status_code == 200, done.json
    assert done.headers["ETag"] == f'"project-{project["id"]}-{done.json["version"]}"'


def test_a_replan_request_and_its_decision_check_the_projects_version(client, today):
    project = create_project(client)
    advance(client, project["id"], "started", DATES)
    # Starting set the completion milestone (the gate); its agreed date is to be moved.
    stale = stale_project_etag(client, project["id"])
    url = f"/projects/{project['id']}/milestones/completion/replans"
    body = {"planned_on": (today + dt.timedelta(days=90)).isoformat(), "reason": "环评批复延后"}
    before = row_counts(client.flask.application, "milestone_replans")
    assert send(client, "POST", url, body, if_match=stale).status_code == 412
    assert row_counts(client.flask.application, "milestone_replans") == before
    current = send(client, "GET", f"/projects/{project['id']}").headers["ETag"]
    replan = send(client, "POST", url, body, if_match=current)
    assert replan.status_code == 201, replan.json
    decision = f"/projects/{project['id']}/milestone-replans/{replan.json['id']}/decision"
    stale = stale_project_etag(client, project["id"])
    refused = send(client, "POST", decision, {"decision": "approved"}, if_match=stale)
    assert refused.status_code == 412
    assert send(client, "GET", f"/projects/{project['id']}/milestone-replans").json[0][
        "status"] == "pending"
    current = send(client, "GET", f"/projects/{project['id']}").headers["ETag"]
    approved = send(client, "POST", decision, {"decision": "approved"}, if_match=current)
    assert approved.status_code == 200 and approved.json["status"] == "approved"


def test_an_investor_has_a_version_and_a_stale_correction_is_refused(client):
    project = create_project(client, enterprise=enterprise(1, credit_code=None,
                                                           origin_province=None))
    investor = project["enterprise"]
    assert investor["version"] == 1
    path = f"/enterprises/{investor['id']}"
    first = send(client, "PATCH", path, {"origin_province": "陕西省", "reason": "补录省份"},
                 if_match=f'"enterprise-{investor["id"]}-1"')
    assert first.status_code == 200, first.json
    assert first.json["version"] == 2
    assert first.headers["ETag"] == f'"enterprise-{investor["id"]}-2"'
    # A second officer still holding version 1 is refused: the province stays 陕西省.
    second = send(client, "PATCH", path, {"origin_province": "甘肃省", "reason": "据称在兰州"},
                  if_match='"1"')
    assert second.status_code == 412 and "当前版本 2" in second.json["detail"]
    shown = send(client, "GET", f"/projects/{project['id']}").json
    assert shown["enterprise"]["origin_province"] == "陕西省"
    assert shown["out_of_province"] is True


def test_an_upgrade_re_derives_every_projects_out_of_province_once(client, app):
    """Migration 0010 cannot know the city's province: the upgrade's last step re-derives each
    project's flag, writing history and an ``updated`` event only where it changed."""
    from core.migrate import upgrade

    state = app.extensions["zhaoshang"]
    unknown = create_project(client, 1, enterprise=enterprise(1, credit_code=None,
                                                             origin_province=None))
    local = create_project(client, 2, enterprise=enterprise(2, origin_province="甘肃省"))
    outside = create_project(client, 3)
    # As a database upgraded from before 0010 holds them: unknown counted as 省内, a Gansu
    # investor's flag typed as 省外.
    with state.engine.begin() as connection:
        connection.execute(sa.text("UPDATE projects SET out_of_province = :flag WHERE id = :id"),
                           [{"flag": False, "id": unknown["id"]},
                            {"flag": True, "id": local["id"]}])
    before = len(events_of(app, "zhaoshang.project.updated"))
    upgrade(state.city, state.engine)
    flags = {p["id"]: p["out_of_province"] for p in client.get("/projects").json["items"]}
    assert flags == {unknown["id"]: None, local["id"]: False, outside["id"]: True}
    updated = events_of(app, "zhaoshang.project.updated")[before:]
    assert sorted(e.data["project_id"] for e in updated) == sorted([unknown["id"], local["id"]])
    assert all(e.data["changed"] == ["out_of_province"] for e in updated)
    history = client.get(f"/projects/{local['id']}/history").json
    assert [h["changes"] for h in history if h["action"] == "origin_rederived"] == [
        {"out_of_province": [True, False]}]
    # Upgrading again changes nothing.
    counts = row_counts(app, "project_changes")
    upgrade(state.city, state.engine)
    assert row_counts(app, "project_changes") == counts


def test_the_daily_run_prunes_expired_idempotency_keys(app, client):
    from core.models.idempotency import IdempotentRequest
    from core.scheduler import DAILY_JOBS, run_daily

    assert "idempotency_keys" in [job.code for job in DAILY_JOBS]
    created = client.flask.open("/api/v1/projects", method="POST", json=project_body(5),
                                headers=OFFICER | {"Idempotency-Key": "fresh-key"})
    assert created.status_code == 201, created.json
    state = app.extensions["zhaoshang"]
    with state.sessions() as session:
        session.execute(sa.update(IdempotentRequest).values(
            created_at=utcnow() - dt.timedelta(days=2)))
        session.commit()
    done = run_daily(state.sessions, state.city)
    assert done["idempotency_keys"] == {"deleted": 1}
    assert row_counts(app, "idempotent_requests")["idempotent_requests"] == 0
