"""Projects through the API: create, update with history, lifecycle, gates, funds, milestones."""

from __future__ import annotations

import pytest

from tests.support.records import (
    advance,
    create_project,
    enterprise,
    events_of,
    fund_body,
    item_ids,
    outbox_events,
    project_body,
    row_counts,
)

PROJECT_TABLES = ("projects", "stage_transitions", "project_changes", "fund_tranches",
                  "milestones", "transfers")


def test_a_new_project_starts_in_reserve_at_its_finding_unit(client, app):
    project = create_project(client)
    assert project["stage"] == "reserve"
    assert project["stage_label"] == "储备"
    assert project["status"] == "ongoing"
    assert project["finding_unit"] == project["host_unit"] == "east"
    assert project["amount"] == "50000.0000"
    assert project["out_of_province"] is True  # a 广东省 investor in 甘肃省
    assert project["tiers"] == []
    assert project["next_stage"] == "negotiating"
    assert project["incomplete_fields"] == []
    assert client.get(f"/projects/{project['id']}").json == project
    [change] = client.get(f"/projects/{project['id']}/history").json
    assert (change["action"], change["actor"]) == ("created", "officer1")
    [event] = events_of(app, "zhaoshang.project.created")
    assert event.data["project_id"] == project["id"]


def test_an_investor_from_the_citys_own_province_is_not_out_of_province(client):
    project = create_project(client, enterprise=enterprise(1, origin_province="甘肃省"))
    assert project["out_of_province"] is False


def test_a_project_at_the_major_threshold_is_classified_major(client):
    assert create_project(client, amount="100000")["tiers"] == ["major"]
    project = create_project(client, 2, amount="99999.9999")
    assert project["tiers"] == []
    updated = client.patch(f"/projects/{project['id']}", json={"amount": "250000"}).json
    assert updated["tiers"] == ["major"]


def test_a_project_created_for_another_host_is_transferred_at_once(client):
    project = create_project(client, host_unit="west")
    assert (project["finding_unit"], project["host_unit"]) == ("east", "west")
    [transfer] = client.get(f"/projects/{project['id']}/transfers").json
    assert (transfer["from_unit"], transfer["to_unit"]) == ("east", "west")


def test_updates_keep_a_history_of_who_changed_what(client, app):
    project = create_project(client)
    response = client.patch(f"/projects/{project['id']}",
                            json={"amount": "60000", "leader_name": "王副市长"},
                            as_=("clerk", "east"))
    assert response.status_code == 200
    assert response.json["version"] == project["version"] + 1
    history = client.get(f"/projects/{project['id']}/history").json
    assert history[-1]["action"] == "updated"
    assert history[-1]["actor"] == "clerk-east"
    assert history[-1]["changes"] == {"amount": ["50000.0000", "60000.0000"],
                                      "leader_name": [None, "王副市长"]}
    assert events_of(app, "zhaoshang.project.updated")[-1].data["changed"] == [
        "amount", "leader_name"]


def test_an_update_that_changes_nothing_records_nothing(client, app):
    project = create_project(client)
    before = row_counts(app, *PROJECT_TABLES)
    response = client.patch(f"/projects/{project['id']}", json={"amount": "50000"})
    assert response.status_code == 200
    assert row_counts(app, *PROJECT_TABLES) == before


def test_city_attributes_merge_and_null_removes_one(client):
    project = create_project(client, attributes={"land_acres": 120, "contact": "李经理"})
    updated = client.patch(f"/projects/{project['id']}",
                           json={"attributes": {"land_acres": 150, "contact": None}}).json
    assert updated["attributes"] == {"land_acres": 150}


def test_a_progress_report_dates_the_last_progress(client):
    project = create_project(client)
    updated = client.patch(f"/projects/{project['id']}",
                           json={"progress_note": "完成土地摘牌", "progress_on": "2024-05-10"}).json
    assert updated["progress_note"] == "完成土地摘牌"
    assert updated["last_progress_on"] == "2024-05-10"


def test_every_transition_is_logged_with_who_when_and_why(client, app):
    project = create_project(client)
    client.post(f"/projects/{project['id']}/transitions",
                json={"target": "negotiating", "occurred_on": "2024-02-01", "reason": "首次洽谈"},
                as_=("clerk", "east"))
    advance(client, project["id"], "completed")
    moves = client.get(f"/projects/{project['id']}/transitions").json
    assert [(m["from_stage"], m["to_stage"]) for m in moves] == [
        ("reserve", "negotiating"), ("negotiating", "signed"), ("signed", "started"),
        ("started", "completed")]
    assert (moves[0]["actor"], moves[0]["occurred_on"], moves[0]["reason"]) == (
        "clerk-east", "2024-02-01", "首次洽谈")
    assert moves[1]["actor"] == "officer1"
    # Recorded in UTC with the offset written out, on SQLite as on PostgreSQL.
    assert all(move["recorded_at"].endswith("+00:00") for move in moves)
    final = client.get(f"/projects/{project['id']}").json
    assert (final["signed_on"], final["started_on"], final["completed_on"]) == (
        "2024-03-01", "2024-04-01", "2024-11-01")
    assert final["next_stage"] is None
    events = events_of(app, "zhaoshang.project.stage_changed")
    assert [(e.data["from_stage"], e.data["to_stage"]) for e in events] == [
        (m["from_stage"], m["to_stage"]) for m in moves]
    assert events[0].data["reason"] == "首次洽谈"


def test_incomplete_fields_name_what_the_next_stage_needs(client):
    project = create_project(client)
    negotiating = advance(client, project["id"], "negotiating")
    assert negotiating["next_stage"] == "signed"
    assert negotiating["incomplete_fields"] == ["agreement_amount", "milestones.start"]
    client.patch(f"/projects/{project['id']}", json={"agreement_amount": "48000"})
    client.put(f"/projects/{project['id']}/milestones",
               json={"kind": "start", "planned_on": "2024-06-01"})
    assert client.get(f"/projects/{project['id']}").json["incomplete_fields"] == []


def test_a_transition_missing_gate_fields_lists_every_one(client, app):
    project = create_project(client)
    advance(client, project["id"], "negotiating")
    before = row_counts(app, *PROJECT_TABLES)
    response = client.post(f"/projects/{project['id']}/transitions", json={"target": "signed"})
    assert response.status_code == 409
    assert response.mimetype == "application/problem+json"
    assert response.json["code"] == "transition_refused"
    assert [r["rule"] for r in response.json["refusals"]] == [
        "gate.agreement_amount", "gate.milestones.start"]
    assert [r["message"] for r in response.json["refusals"]] == [
        "进入“签约”前须填写：协议投资额", "进入“签约”前须填写：计划开工日期"]
    assert row_counts(app, *PROJECT_TABLES) == before
    assert client.get(f"/projects/{project['id']}").json["stage"] == "negotiating"


@pytest.mark.parametrize(("stage", "target", "allowed"), [
    ("reserve", "signed", False),        # no skipping the talks
    ("reserve", "lost", True),
    ("negotiating", "reserve", True),    # talks may fall back to the reserve
    ("negotiating", "cleared", False),   # clearance needs a signed agreement
    ("signed", "cleared", True),
    ("started", "lost", True),
    ("completed", "lost", False),        # finished projects are closed
])
def test_the_lifecycle_allows_only_its_moves(client, stage, target, allowed):
    project = create_project(client)
    if stage != "reserve":
        advance(client, project["id"], stage)
    response = client.post(f"/projects/{project['id']}/transitions",
                           json={"target": target, "occurred_on": "2024-12-01"})
    assert (response.status_code == 200) is allowed, response.json
    if not allowed:
        assert response.json["refusals"][0]["rule"] == "stage.not_allowed"
    else:
        date_field = {"lost": "lost_on", "cleared": "cleared_on"}.get(target)
        if date_field:
            assert response.json[date_field] == "2024-12-01"


def test_funds_need_a_signed_project(client, app):
    project = create_project(client)
    before = row_counts(app, "fund_tranches")
    response = client.post(f"/projects/{project['id']}/funds",
                           json=fund_body(project["id"], "100", "2024-04-01"))
    assert response.status_code == 409
    assert response.json["refusals"][0]["rule"] == "funds.not_signed"
    assert row_counts(app, "fund_tranches") == before


def test_the_funds_ledger_records_each_tranche_and_its_verification(client, app):
    project = create_project(client)
    advance(client, project["id"], "signed")  # signed 2024-03-01
    early = client.post(f"/projects/{project['id']}/funds",
                        json=fund_body(project["id"], "100", "2024-02-28"))
    assert early.status_code == 400
    assert early.json["errors"][0]["field"] == "arrived_on"
    first = client.post(f"/projects/{project['id']}/funds",
                        json=fund_body(project["id"], "12000.5", "2024-04-01",
                                       evidence_ref="YH-001"), as_=("clerk", "east"))
    assert first.status_code == 201
    assert first.json["verification"] == "pending"
    assert first.json["reported_by"] == "clerk-east"
    second = client.post(f"/projects/{project['id']}/funds",
                         json=fund_body(project["id"], "3000", "2024-05-01",
                                        evidence_ref="YH-002")).json
    fund_url = f"/projects/{project['id']}/funds"
    # Only the city office verifies.
    assert client.post(f"{fund_url}/{first.json['id']}/verification",
                       json={"verification": "verified"}, as_=("clerk", "east")).status_code == 403
    verified = client.post(f"{fund_url}/{first.json['id']}/verification",
                           json={"verification": "verified"}).json
    assert (verified["verification"], verified["verified_by"]) == ("verified", "officer1")
    assert verified["verified_at"]
    client.post(f"{fund_url}/{second['id']}/verification", json={"verification": "rejected"})
    ledger = client.get(fund_url).json
    assert [(t["evidence_ref"], t["amount"], t["verification"]) for t in ledger] == [
        ("YH-001", "12000.5000", "verified"), ("YH-002", "3000.0000", "rejected")]
    # A rejected tranche does not count as arrived.
    assert client.get(f"/projects/{project['id']}").json["arrived_amount"] == "12000.5000"
    types = [e.type for e in outbox_events(app)]
    assert types.count("zhaoshang.project.funds_reported") == 2
    assert types.count("zhaoshang.project.funds_verified") == 2


def test_a_tranche_is_verified_only_under_its_own_project(client):
    one, other = create_project(client, 1), create_project(client, 2)
    advance(client, one["id"], "signed")
    tranche = client.post(f"/projects/{one['id']}/funds",
                          json=fund_body(one["id"], "10", "2024-04-01")).json
    response = client.post(f"/projects/{other['id']}/funds/{tranche['id']}/verification",
                           json={"verification": "verified"})
    assert response.status_code == 404


def test_milestones_are_set_then_reached_with_history(client):
    project = create_project(client)
    url = f"/projects/{project['id']}/milestones"
    assert client.put(url, json={"kind": "start", "planned_on": "2024-06-01"}).status_code == 200
    # The agreed date stays; the actual date is added (planned_on may be left out).
    reached = client.put(url, json={"kind": "start", "actual_on": "2024-06-20"})
    assert reached.status_code == 200
    client.put(url, json={"kind": "production", "planned_on": "2025-10-01"})
    milestones = {m["kind"]: m for m in client.get(url).json}
    assert (milestones["start"]["planned_on"], milestones["start"]["original_planned_on"],
            milestones["start"]["actual_on"]) == ("2024-06-01", "2024-06-01", "2024-06-20")
    assert milestones["production"]["planned_on"] == "2025-10-01"
    history = client.get(f"/projects/{project['id']}/history").json
    assert history[-2]["changes"] == {"start": [["2024-06-01", None], ["2024-06-01", "2024-06-20"]]}
    response = client.put(url, json={"kind": "groundbreaking_party", "planned_on": "2024-06-01"})
    assert response.status_code == 400
    assert response.json["errors"][0]["field"] == "kind"


@pytest.mark.parametrize(("method", "suffix", "body"), [
    ("PATCH", "", {"amount": "1"}),
    ("POST", "/transitions", {"target": "negotiating"}),
    ("PUT", "/milestones", {"kind": "start", "planned_on": "2024-06-01"}),
    ("POST", "/transfers", {"to_unit": "west"}),
])
def test_a_clerk_cannot_write_another_units_project(client, app, method, suffix, body):
    project = create_project(client, finding_unit="east")
    before = row_counts(app, *PROJECT_TABLES)
    response = client.request(method, f"/projects/{project['id']}{suffix}", json=body,
                              as_=("clerk", "west"))
    assert response.status_code == 403
    assert response.json["code"] == "forbidden_unit"
    assert row_counts(app, *PROJECT_TABLES) == before


def test_a_clerk_cannot_register_a_project_for_another_unit(client, app):
    before = row_counts(app, *PROJECT_TABLES)
    response = client.post("/projects", json=project_body(finding_unit="east"),
                           as_=("clerk", "west"))
    assert response.status_code == 403
    assert row_counts(app, *PROJECT_TABLES) == before


def test_a_clerk_of_the_host_unit_may_report_progress(client):
    project = create_project(client, host_unit="west")
    response = client.patch(f"/projects/{project['id']}", json={"progress_note": "已开工建设"},
                            as_=("clerk", "west"))
    assert response.status_code == 200


def test_missing_projects_are_404(client):
    assert client.get("/projects/404").status_code == 404
    response = client.patch("/projects/404", json={"amount": "1"})
    assert response.status_code == 404
    assert response.json["detail"] == "项目 404 不存在"


@pytest.fixture
def portfolio(client):
    """Four projects over two units, industries, stages and investor origins."""
    ids = {
        "big_east": create_project(client, 1, amount="300000")["id"],
        "small_east": create_project(client, 2, amount="8000", industry="agriculture",
                                     name="高原夏菜基地")["id"],
        "west_local": create_project(client, 3, amount="20000", finding_unit="west",
                                     enterprise=enterprise(3, origin_province="甘肃省"))["id"],
        "moved": create_project(client, 4, amount="50000", host_unit="park",
                                industry="tourism")["id"],
    }
    advance(client, ids["small_east"], "signed")
    return ids



def test_project_lists_filter(client, portfolio):
    assert item_ids(client, "/projects?stage=signed") == [portfolio["small_east"]]
    assert item_ids(client, "/projects?industry=agriculture") == [portfolio["small_east"]]
    assert item_ids(client, "/projects?tier=major") == [portfolio["big_east"]]
    assert item_ids(client, "/projects?out_of_province=false") == [portfolio["west_local"]]
    assert item_ids(client, "/projects?unit=park") == [portfolio["moved"]]  # by its host
    assert set(item_ids(client, "/projects?unit=east")) == {portfolio["big_east"],
                                                     portfolio["small_east"], portfolio["moved"]}
    assert item_ids(client, "/projects?q=夏菜") == [portfolio["small_east"]]


def test_project_lists_sort_and_paginate(client, portfolio):
    assert item_ids(client, "/projects?sort=-amount") == [
        portfolio["big_east"], portfolio["moved"], portfolio["west_local"],
        portfolio["small_east"]]
    page = client.get("/projects?sort=amount&per_page=2&page=2").json
    assert page["total"] == 4
    assert [item["id"] for item in page["items"]] == [portfolio["moved"], portfolio["big_east"]]
