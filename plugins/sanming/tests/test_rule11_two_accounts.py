"""Rule 11 — two accounts (Seed 三(五)29): every project records its economic account (tax,
jobs) and has its legal account (environment, safety, land, forest) reviewed item by item before
signing — a failed item refuses it; incentives out of proportion to the tax are flagged (no
buying projects with money)."""

from __future__ import annotations

import pytest

from core.testing.records import row_counts
from plugins.sanming.tests.conftest import advance, call, new_project


def ready(client, **attributes):
    project = new_project(client, **attributes)
    advance(client, project["id"], "negotiating")
    call(client, "PUT", f"/projects/{project['id']}/milestones",
         {"kind": "start", "planned_on": "2026-06-01"})
    return project


def sign(client, project_id, on="2024-03-01", status=200):
    return call(client, "POST", f"/projects/{project_id}/transitions",
                {"target": "signed", "occurred_on": on}, status)


def review(client, project_id, item, status=201, as_=None, **body):
    body = {"finding": "pass", "reviewer": "审查员林某", "reviewed_on": "2024-02-20"} | body
    return call(client, "POST", f"/sanming/projects/{project_id}/legal-review/{item}", body,
                status, as_=as_)


def test_signing_needs_every_item_of_the_legal_account_reviewed(client):
    """Seed 三(五)29: 既要算清税收贡献、就业带动等“经济帐”，也要依法依规算清环保安全与用地用林等
    “法规帐”. Each item has its finding and reviewing department; signing waits for all four."""
    project = ready(client, attributes={})
    body = call(client, "GET", f"/projects/{project['id']}")
    assert body["incomplete_fields"] == [
        "attributes.economic_account.tax", "attributes.economic_account.jobs"]
    call(client, "PATCH", f"/projects/{project['id']}",
         {"attributes": {"economic_account": {"tax": "800", "jobs": 150}}})
    refused = sign(client, project["id"], status=409)
    assert {r["rule"] for r in refused["refusals"]} == {
        f"gate.legal_review.{item}" for item in ("environment", "safety", "land", "forest")}
    # The clerk reads which item is missing and who reviews it, in Chinese.
    assert "进入“签约”前须完成法规账审查：林地（三明市林业局）" in {
        r["message"] for r in refused["refusals"]}
    for item in ("environment", "safety", "land"):
        review(client, project["id"], item, note="符合园区规划")
    refused = sign(client, project["id"], status=409)
    assert [r["rule"] for r in refused["refusals"]] == ["gate.legal_review.forest"]
    # Not applicable needs its reason.
    missing = review(client, project["id"], "forest", 422, finding="not_applicable")
    assert missing["errors"][0]["field"] == "reason"
    review(client, project["id"], "forest", finding="not_applicable", reason="项目用地不涉及林地")
    account = call(client, "GET", f"/sanming/legal-review?project_id={project['id']}")
    assert (account["status"], account["status_label"]) == ("passed", "已通过")
    assert [(i["item_name"], i["finding_label"], i["department"]) for i in account["items"]] == [
        ("环保", "通过", "三明市生态环境局"), ("安全", "通过", "三明市应急管理局"),
        ("用地", "通过", "三明市自然资源局"), ("林地", "不涉及", "三明市林业局")]
    assert sign(client, project["id"])["stage"] == "signed"


def test_a_project_failing_one_item_is_refused_and_a_correction_keeps_the_history(client):
    """Seed 三(五)29: 依法依规算清环保安全与用地用林等“法规帐” — a project whose forest use
    breaks the rules is not signed (坚决防止…招商形象工程: no project against the rules)."""
    project = ready(client)
    for item in ("environment", "safety", "land"):
        review(client, project["id"], item)
    review(client, project["id"], "forest", finding="fail", reason="占用生态公益林",
           department="三明市林业局")
    refused = sign(client, project["id"], status=409)
    [refusal] = refused["refusals"]
    assert refusal["rule"] == "sanming.legal_review.failed.forest"
    assert "法规账“林地”审查不通过" in refusal["message"] and "占用生态公益林" in refusal["message"]
    account = call(client, "GET", f"/sanming/legal-review?project_id={project['id']}")
    assert (account["status"], account["failed"]) == ("failed", ["林地"])
    # Recording again is a correction with its reason, never a silent overwrite.
    unexplained = review(client, project["id"], "forest", 422, finding="pass")
    assert unexplained["errors"][0]["field"] == "change_reason"
    review(client, project["id"], "forest", finding="pass", change_reason="调整选址，避让公益林")
    forest = call(client, "GET", f"/sanming/legal-review?project_id={project['id']}")["items"][3]
    assert forest["versions"] == 2
    assert [(h["finding"], h["change_reason"]) for h in forest["history"]] == [
        ("pass", "调整选址，避让公益林"), ("fail", None)]
    assert forest["history"][0]["supersedes_id"] == forest["history"][1]["id"]
    assert sign(client, project["id"])["stage"] == "signed"


def test_the_reviewing_department_or_the_office_records_an_item(client):
    project = ready(client)
    land_clerk = ("clerk", "dept_natural_resources")
    review(client, project["id"], "land", as_=land_clerk)
    refused = review(client, project["id"], "environment", 403, as_=land_clerk)
    assert refused["code"] == "forbidden_unit"
    review(client, project["id"], "land", 403, as_=("clerk", "yongan"), change_reason="复核")
    review(client, project["id"], "noise", 404)


def test_the_review_date_is_never_ahead_and_signing_follows_it(client):
    project = ready(client)
    ahead = review(client, project["id"], "land", 422, reviewed_on="2099-01-01")
    assert ahead["errors"][0]["code"] == "date.in_future"
    for item in ("environment", "safety", "land", "forest"):
        review(client, project["id"], item, reviewed_on="2024-03-05")
    early = sign(client, project["id"], on="2024-03-01", status=422)
    assert early["errors"][0]["code"] == "date.before_legal_review"
    assert sign(client, project["id"], on="2024-03-05")["stage"] == "signed"


def test_the_battle_report_counts_projects_refused_on_the_legal_account(client):
    project = ready(client, finding_unit="mingxi")
    review(client, project["id"], "environment", finding="fail", reason="位于饮用水源保护区",
           reviewed_on="2024-05-10")
    rows = {r["unit"]: r for r in call(client, "GET", "/sanming/battle-report?month=2024-05")["rows"]}
    assert rows["mingxi"]["legal_failed"] == 1 and rows[None]["legal_failed"] == 1
    review(client, project["id"], "environment", change_reason="复核后符合要求",
           reviewed_on="2024-05-20")
    rows = {r["unit"]: r for r in call(client, "GET", "/sanming/battle-report?month=2024-05")["rows"]}
    assert rows["mingxi"]["legal_failed"] == 0


def test_the_legal_account_is_no_longer_free_text(client):
    project = new_project(client)
    response = client.patch(f"/projects/{project['id']}", json={"attributes": {
        "legal_account": {"environment": "达标"}}})
    assert response.status_code == 422
    assert (response.json["errors"][0]["field"], response.json["errors"][0]["code"]) == (
        "attributes.legal_account", "legal_account.review")


@pytest.mark.parametrize(("account", "field", "code"), [
    ({"economic_account": {"tax": "８００", "jobs": 10}}, "attributes.economic_account.tax",
     "money.format"),
    ({"economic_account": {"tax": "800", "jobs": -3}}, "attributes.economic_account.jobs",
     "invalid"),
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
