"""No silent overwrite, no double count: ETag / If-Match on every versioned record, and an
``Idempotency-Key`` on every write (core.api.versions, core.api.idempotency)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.support.records import advance, create_project, fund_body, lead_body, row_counts

OFFICER_A = {"X-Zhaoshang-User": "officer-a", "X-Zhaoshang-Role": "officer"}
OFFICER_B = {"X-Zhaoshang-User": "officer-b", "X-Zhaoshang-Role": "officer"}


def send(client, method: str, path: str, body=None, who=None, **headers):
    """A request as ``who`` (an officer by default) with extra headers (``If_Match=…``)."""
    sent = dict(who or OFFICER_A)
    sent.update({name.replace("_", "-"): value for name, value in headers.items()})
    return client.flask.open("/api/v1" + path, method=method, json=body, headers=sent)


def test_a_record_answers_with_its_version_as_etag(client):
    project = create_project(client)
    read = send(client, "GET", f"/projects/{project['id']}")
    assert read.status_code == 200
    assert read.headers["ETag"] == f'"project-{project["id"]}-{read.json["version"]}"'
    changed = send(client, "PATCH", f"/projects/{project['id']}", {"description": "新的说明"},
                   If_Match=read.headers["ETag"])
    assert changed.status_code == 200, changed.json
    assert changed.json["version"] == read.json["version"] + 1
    assert changed.headers["ETag"] == f'"project-{project["id"]}-{changed.json["version"]}"'
    # A list is not one record: no ETag.
    assert "ETag" not in send(client, "GET", "/projects").headers


def test_the_second_officer_editing_an_old_version_is_refused_and_changes_nothing(client):
    project_id = create_project(client)["id"]
    seen = send(client, "GET", f"/projects/{project_id}")
    seen_by_both = seen.headers["ETag"]
    first = send(client, "PATCH", f"/projects/{project_id}", {"description": "甲的修改"},
                 If_Match=seen_by_both)
    assert first.status_code == 200, first.json
    second = send(client, "PATCH", f"/projects/{project_id}", {"description": "乙的修改"},
                  who=OFFICER_B, If_Match=seen_by_both)
    assert second.status_code == 412
    assert second.mimetype == "application/problem+json"
    assert second.json["code"] == "precondition_failed"
    assert "已被他人修改" in second.json["detail"] and "刷新" in second.json["detail"]
    assert f"当前版本 {first.json['version']}" in second.json["detail"]
    assert second.headers["ETag"] == first.headers["ETag"]
    now = send(client, "GET", f"/projects/{project_id}").json
    assert now["description"] == "甲的修改"
    assert now["version"] == first.json["version"]
    # The bare version number is accepted too; the current one goes through.
    third = send(client, "PATCH", f"/projects/{project_id}", {"description": "乙重新修改"},
                 who=OFFICER_B, If_Match=f'"{now["version"]}"')
    assert third.status_code == 200, third.json


def test_a_stale_if_match_refuses_a_transition_and_a_lead_decision(client, app):
    project_id = create_project(client)["id"]
    stale = send(client, "GET", f"/projects/{project_id}").headers["ETag"]
    send(client, "PATCH", f"/projects/{project_id}", {"description": "先改一下"})
    before = row_counts(app, "stage_transitions", "outbox")
    moved = send(client, "POST", f"/projects/{project_id}/transitions",
                 {"target": "negotiating", "occurred_on": "2024-01-10"}, If_Match=stale)
    assert moved.status_code == 412
    assert row_counts(app, "stage_transitions", "outbox") == before
    lead = send(client, "POST", "/leads", lead_body()).json
    rejected = send(client, "POST", f"/leads/{lead['id']}/reject", {"reason": "重复"},
                    If_Match=f'"lead-{lead["id"]}-{lead["version"] + 5}"')
    assert rejected.status_code == 412
    assert send(client, "GET", f"/leads/{lead['id']}").json["status"] == lead["status"]


def test_without_if_match_a_write_still_goes_through(client):
    project_id = create_project(client)["id"]
    changed = send(client, "PATCH", f"/projects/{project_id}", {"description": "无版本的修改"})
    assert changed.status_code == 200, changed.json
    assert changed.headers["ETag"].startswith(f'"project-{project_id}-')


def _funds(client, project_id):
    return send(client, "GET", f"/projects/{project_id}/funds").json


def test_the_same_tranche_posted_twice_with_one_key_counts_once(client, app):
    project_id = create_project(client)["id"]
    advance(client, project_id, "signed")
    tranche = fund_body(project_id, "100", "2024-07-01")
    first = send(client, "POST", f"/projects/{project_id}/funds", tranche,
                 Idempotency_Key="fund-retry-1")
    assert first.status_code == 201, first.json
    assert "Idempotent-Replayed" not in first.headers
    before = row_counts(app, "fund_tranches", "outbox", "idempotent_requests")
    retried = send(client, "POST", f"/projects/{project_id}/funds", tranche,
                   Idempotency_Key="fund-retry-1")
    assert retried.status_code == 201
    assert retried.headers["Idempotent-Replayed"] == "true"
    assert retried.json == first.json
    assert row_counts(app, "fund_tranches", "outbox", "idempotent_requests") == before
    funds = _funds(client, project_id)
    assert [Decimal(fund["amount"]) for fund in funds] == [Decimal("100")]


def test_the_same_key_with_another_body_is_refused(client, app):
    project_id = create_project(client)["id"]
    advance(client, project_id, "signed")
    first = send(client, "POST", f"/projects/{project_id}/funds",
                 fund_body(project_id, "100", "2024-07-01"), Idempotency_Key="k-1")
    assert first.status_code == 201, first.json
    before = row_counts(app, "fund_tranches")
    other = send(client, "POST", f"/projects/{project_id}/funds",
                 fund_body(project_id, "200", "2024-07-02"), Idempotency_Key="k-1")
    assert other.status_code == 422
    assert other.json["code"] == "idempotency.key_reused"
    assert "幂等键已用于另一请求" in other.json["title"]
    elsewhere = send(client, "POST", "/leads", lead_body(), Idempotency_Key="k-1")
    assert elsewhere.status_code == 422
    assert row_counts(app, "fund_tranches") == before
    assert len(_funds(client, project_id)) == 1


def test_keys_are_per_user(client, app):
    first = send(client, "POST", "/leads", lead_body(1), Idempotency_Key="same-key")
    assert first.status_code == 201, first.json
    other_user = send(client, "POST", "/leads", lead_body(2), who=OFFICER_B,
                      Idempotency_Key="same-key")
    assert other_user.status_code == 201, other_user.json
    assert "Idempotent-Replayed" not in other_user.headers
    assert other_user.json["id"] != first.json["id"]
    assert row_counts(app, "leads")["leads"] == 2


def test_a_refused_write_keeps_no_key_and_may_be_retried(client, app):
    refused = send(client, "POST", "/projects", {"name": ""}, Idempotency_Key="retry-me")
    assert refused.status_code in (400, 422)
    assert row_counts(app, "idempotent_requests")["idempotent_requests"] == 0
    created = send(client, "POST", "/leads", lead_body(), Idempotency_Key="retry-me")
    assert created.status_code == 201, created.json


@pytest.mark.parametrize("key", ["", "带中文的键", "x" * 201, "has space"])
def test_a_malformed_key_is_refused(client, key):
    answer = send(client, "POST", "/leads", lead_body(), Idempotency_Key=key)
    assert answer.status_code == 400
    assert answer.json["errors"][0]["field"] == "Idempotency-Key"


def test_a_key_used_at_the_same_moment_writes_once(client, app):
    """Two requests with one key, both past the lookup before either commits: the unique key
    rolls the second one's write back and it answers with the first one's result."""
    from core.api import idempotency

    lookups = []
    original = idempotency._stored

    def nothing_yet(session, key):
        lookups.append(key)
        # The replay lookup (first call of each request) sees nothing, as if both arrived at
        # once; the lookup after the conflict sees the winner's answer.
        return None if len(lookups) <= 2 else original(session, key)

    idempotency._stored = nothing_yet
    try:
        first = send(client, "POST", "/leads", lead_body(), Idempotency_Key="together")
        second = send(client, "POST", "/leads", lead_body(), Idempotency_Key="together")
    finally:
        idempotency._stored = original
    assert first.status_code == 201, first.json
    assert second.status_code == 201, second.json
    assert second.headers["Idempotent-Replayed"] == "true"
    assert second.json["id"] == first.json["id"]
    assert row_counts(app, "leads")["leads"] == 1


def test_prune_deletes_expired_keys_only(client, app):
    import datetime as dt

    from core.api.idempotency import RETENTION, prune
    from core.api.support import EXTENSION
    from core.clock import utcnow

    send(client, "POST", "/leads", lead_body(), Idempotency_Key="kept")
    runtime = app.extensions[EXTENSION]
    with runtime.sessions() as session:
        assert prune(session, utcnow()) == 0
        assert prune(session, utcnow() + RETENTION + dt.timedelta(minutes=1)) == 1
        session.commit()
    assert row_counts(app, "idempotent_requests")["idempotent_requests"] == 0
