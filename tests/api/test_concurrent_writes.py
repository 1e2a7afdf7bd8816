"""Two people changing one project or lead at the same moment: the later writer is refused —
never published with a state that misses the other's change (the province keeps the newest
state), never turning one lead into two projects."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy.orm.exc import StaleDataError

from core.api.support import EXTENSION
from core.identity import Actor
from core.models import Lead, Project
from core.services.leads import convert_lead
from core.services.projects import add_funds
from tests.support.records import advance, create_project, events_of, lead_body, row_counts

OFFICER = Actor("officer-a", role="officer")


def tranche(amount: str, evidence: str) -> dict:
    return {"arrived_on": dt.date(2024, 7, 1), "amount": Decimal(amount), "evidence_ref": evidence,
            "payer_name": "测试投资集团有限公司"}


def test_two_fund_reports_at_once_cannot_both_publish_a_stale_project(app, client):
    project_id = create_project(client)["id"]
    advance(client, project_id, "signed")
    runtime = app.extensions[EXTENSION]
    first, second = runtime.sessions(), runtime.sessions()
    try:
        seen_by_first = first.get(Project, project_id)
        assert seen_by_first.funds == []  # both read the project before either writes
        seen_by_second = second.get(Project, project_id)
        add_funds(second, runtime.city, seen_by_second, tranche("3000", "YH-2024-B"), OFFICER)
        second.commit()
        before = row_counts(app, "fund_tranches")
        with pytest.raises(StaleDataError):
            add_funds(first, runtime.city, seen_by_first, tranche("2000", "YH-2024-A"), OFFICER)
        first.rollback()
    finally:
        first.close()
        second.close()
    assert row_counts(app, "fund_tranches") == before  # the refused report left nothing
    reported = events_of(app, "zhaoshang.project.funds_reported")
    # Reported, not yet verified: pending (待核实), not yet arrived in the figures.
    assert [Decimal(event.data["arrived_pending_amount"]) for event in reported] == [Decimal(3000)]
    # Retried on the fresh state, the report's event carries both tranches.
    retried = client.post(f"/projects/{project_id}/funds", json={
        "arrived_on": "2024-07-01", "amount": "2000", "evidence_ref": "YH-2024-A",
        "payer_name": "测试投资集团有限公司"})
    assert retried.status_code == 201, retried.json
    latest = events_of(app, "zhaoshang.project.funds_reported")[-1]
    assert Decimal(latest.data["arrived_pending_amount"]) == Decimal(5000)
    assert sorted(Decimal(t["amount"]) for t in latest.data["funds"]) == [2000, 3000]


def test_one_lead_converted_twice_at_once_becomes_one_project(app, client):
    lead = client.post("/leads", json=lead_body()).json
    assigned = client.post(f"/leads/{lead['id']}/assign", json={"first_talk_unit": "east"})
    assert assigned.status_code == 200, assigned.json
    runtime = app.extensions[EXTENSION]
    first, second = runtime.sessions(), runtime.sessions()
    try:
        seen_by_first = first.get(Lead, lead["id"])
        seen_by_second = second.get(Lead, lead["id"])
        assert seen_by_first.status == seen_by_second.status == "assigned"
        convert_lead(second, runtime.city, seen_by_second, {"amount": Decimal(20000)}, OFFICER)
        second.commit()
        before = row_counts(app, "projects")
        with pytest.raises(StaleDataError):
            convert_lead(first, runtime.city, seen_by_first, {"amount": Decimal(20000)}, OFFICER)
        first.rollback()
    finally:
        first.close()
        second.close()
    assert row_counts(app, "projects") == before
    assert client.get("/projects").json["total"] == 1
    assert len(events_of(app, "zhaoshang.lead.converted")) == 1


def test_a_stale_write_is_answered_409_with_a_readable_reason(app, client):
    def stale():
        raise StaleDataError("UPDATE statement on table 'projects' expected to update 1 row")

    app.add_url_rule("/api/v1/_stale", "stale", stale)
    response = client.get("/_stale")
    assert response.status_code == 409
    assert response.mimetype == "application/problem+json"
    assert response.json["code"] == "conflict.stale"
    assert response.json["detail"] == "该记录刚被他人修改，请刷新后重试"
