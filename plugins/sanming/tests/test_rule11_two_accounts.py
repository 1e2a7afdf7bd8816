"""Rule 11 — two accounts (Seed 三(五)29): every project records its economic account (tax,
jobs) and its legal account (environment, safety, land, forest) before signing; incentives out
of proportion to the tax are flagged (no buying projects with money)."""

from __future__ import annotations

import pytest

from plugins.sanming.tests.conftest import advance, call, new_project
from tests.support.records import row_counts


def test_no_signing_without_both_accounts(client):
    project = new_project(client, attributes={})
    advance(client, project["id"], "negotiating")
    call(client, "PATCH", f"/projects/{project['id']}", {"agreement_amount": "50000"})
    call(client, "PUT", f"/projects/{project['id']}/milestones",
         {"kind": "start", "planned_on": "2024-06-01"})
    body = call(client, "GET", f"/projects/{project['id']}")
    assert body["incomplete_fields"] == [
        "attributes.economic_account.tax", "attributes.economic_account.jobs",
        "attributes.legal_account.environment", "attributes.legal_account.safety",
        "attributes.legal_account.land", "attributes.legal_account.forest"]
    call(client, "PATCH", f"/projects/{project['id']}",
         {"attributes": {"economic_account": {"tax": "800", "jobs": 150}}})
    refused = call(client, "POST", f"/projects/{project['id']}/transitions",
                   {"target": "signed", "occurred_on": "2024-03-01"}, 409)
    assert {r["rule"] for r in refused["refusals"]} == {
        f"gate.attributes.legal_account.{item}" for item in ("environment", "safety", "land",
                                                             "forest")}
    # The clerk reads which account item is missing, in Chinese.
    assert "进入“签约”前须填写：法规账：用林" in {r["message"] for r in refused["refusals"]}
    checklist = call(client, "GET", f"/projects/{project['id']}")["checklist"]
    assert {"field": "attributes.legal_account.environment", "label": "法规账：环保"} in checklist
    call(client, "PATCH", f"/projects/{project['id']}", {"attributes": {"legal_account": {
        "environment": "符合环评", "safety": "安全评价通过", "land": "存量用地", "forest": "不涉及"}}})
    assert advance(client, project["id"], "signed")["stage"] == "signed"


@pytest.mark.parametrize(("account", "field", "code"), [
    ({"economic_account": {"tax": "８００", "jobs": 10}}, "attributes.economic_account.tax",
     "money.format"),
    ({"economic_account": {"tax": "800", "jobs": -3}}, "attributes.economic_account.jobs",
     "invalid"),
    ({"legal_account": {"noise": "达标"}}, "attributes.legal_account.noise", "unknown"),
])
def test_a_malformed_account_is_refused_and_nothing_written(client, app, account, field, code):
    project = new_project(client, attributes={})
    before = row_counts(app, "projects", "project_changes")
    response = client.patch(f"/projects/{project['id']}", json={"attributes": account})
    assert response.status_code == 422
    assert (response.json["errors"][0]["field"], response.json["errors"][0]["code"]) == (
        field, code)
    assert row_counts(app, "projects", "project_changes") == before


def test_incentives_above_five_years_of_tax_are_flagged(client):
    project = new_project(client)  # expected tax 1200 万元 a year
    call(client, "PATCH", f"/projects/{project['id']}", {"attributes": {"economic_account": {
        "tax": "1200", "jobs": 300, "incentives": "6000"}}})  # exactly 5 years: fine
    call(client, "POST", "/warnings/recompute", {})
    query = f"/warnings?rule=sanming_buying_project&subject_id={project['id']}"
    assert call(client, "GET", query)["items"] == []
    call(client, "PATCH", f"/projects/{project['id']}", {"attributes": {"economic_account": {
        "tax": "1200", "jobs": 300, "incentives": "6000.0001"}}})
    call(client, "POST", "/warnings/recompute", {})
    flagged = call(client, "GET", query)["items"]
    assert flagged[0]["level"] == "yellow" and "花钱买项目" in flagged[0]["reason"]
