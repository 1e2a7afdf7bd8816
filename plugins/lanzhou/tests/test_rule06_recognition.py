"""Rule 6: 报备认定 — every project records its introducing unit and intermediary; only
recognised projects earn credit (Seed 三(三)3)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from core.models import Intermediary
from plugins.lanzhou.tests.conftest import (
    admit,
    advance,
    call,
    new_project,
    recognise,
    signed_project,
)


def _intermediary(app, name="上海华信招商咨询有限公司"):
    with app.extensions["zhaoshang"].sessions() as session:
        row = Intermediary(name=name, kind="firm")
        session.add(row)
        session.commit()
        return row.id


def test_a_registration_records_the_introducing_unit_and_intermediary(app, client):
    firm = _intermediary(app)
    project = new_project(client, intermediary_id=firm)
    clerk = ("clerk", "chengguan")
    row = call(client, "POST", f"/lanzhou/projects/{project['id']}/registration",
               {"registered_on": "2024-02-10"}, 201, as_=clerk)
    assert (row["introducing_unit"], row["intermediary_id"], row["intermediary_name"],
            row["status"]) == ("chengguan", firm, "上海华信招商咨询有限公司", "registered")
    # The ledger page shows the unit's name, never its code (issue 25).
    assert row["introducing_unit_name"] == "城关区"
    again = client.post(f"/lanzhou/projects/{project['id']}/registration", json={}, as_=clerk)
    assert again.status_code == 409
    # Another unit's clerk may not register it; a clerk may not recognise it.
    other = new_project(client)
    assert client.post(f"/lanzhou/projects/{other['id']}/registration", json={},
                       as_=("clerk", "xigu")).status_code == 403
    assert client.post(f"/lanzhou/registrations/{row['id']}/decision",
                       json={"recognised": True}, as_=clerk).status_code == 403


def test_refusing_needs_a_reason_and_a_refused_project_may_register_again(client):
    project = new_project(client)
    row = call(client, "POST", f"/lanzhou/projects/{project['id']}/registration", {}, 201)
    bad = client.post(f"/lanzhou/registrations/{row['id']}/decision",
                      json={"recognised": False, "decided_on": "2020-01-01"})
    assert bad.status_code == 400
    assert {e["field"] for e in bad.json["errors"]} == {"note", "decided_on"}
    assert call(client, "GET", f"/lanzhou/projects/{project['id']}/registration")["status"] == (
        "registered")  # nothing changed
    refused = call(client, "POST", f"/lanzhou/registrations/{row['id']}/decision",
                   {"recognised": False, "note": "中介人无居间服务凭证"})
    assert refused["status_label"] == "不予认定"
    again = call(client, "POST", f"/lanzhou/projects/{project['id']}/registration",
                 {"note": "补充居间协议"}, 201)
    assert (again["id"], again["status"]) == (row["id"], "registered")


def test_only_recognised_projects_earn_their_unit_credit(client):
    signed_project(client, finding_unit="chengguan", amount="30000")
    signed_project(client, recognised=False, finding_unit="xigu", amount="20000")
    run = call(client, "POST", "/assessments/runs", {"scheme": "lanzhou_year", "period": "2024"},
               201)
    rows = {r["unit"]: r for r in call(client, "GET",
                                       f"/assessments/runs/{run['id']}/ranking")["rows"]}
    assert Decimal(rows["chengguan"]["values"]["signed_amount"]) == Decimal(30000)
    assert Decimal(rows["xigu"]["values"]["signed_amount"]) == 0
    # The city's figures still count what was signed.
    stats = call(client, "GET", "/stats?from=2024-01-01&to=2024-12-31")
    assert Decimal(stats["total"]["signed_amount"]) == Decimal(50000)


def test_a_project_is_signed_only_once_its_introducer_is_registered(client):
    project = new_project(client)
    admit(client, project)
    advance(client, project["id"], "negotiating")
    call(client, "PUT", f"/projects/{project['id']}/milestones",
         {"kind": "start", "planned_on": "2026-06-01"})
    refused = client.post(f"/projects/{project['id']}/transitions", json={"target": "signed"})
    assert refused.status_code == 409
    assert [(r["rule"], r["message"]) for r in refused.json["refusals"]] == [(
        "lanzhou.registration.missing", "须先报备项目的引进单位和中介人（报备认定）：尚未报备")]
    row = call(client, "POST", f"/lanzhou/projects/{project['id']}/registration", {}, 201)
    call(client, "POST", f"/lanzhou/registrations/{row['id']}/decision",
         {"recognised": False, "note": "引进单位不实"})
    again = client.post(f"/projects/{project['id']}/transitions", json={"target": "signed"})
    assert again.json["refusals"][0]["message"].endswith("报备未获认定，须重新报备")
    call(client, "POST", f"/lanzhou/projects/{project['id']}/registration", {}, 201)
    # Registered (not yet recognised) is enough to sign; credit waits for recognition.
    assert call(client, "POST", f"/projects/{project['id']}/transitions",
                {"target": "signed"})["stage"] == "signed"


def _ranking(client):
    run = call(client, "POST", "/assessments/runs", {"scheme": "lanzhou_year", "period": "2024"},
               201)
    return {r["unit"]: r for r in call(client, "GET",
                                       f"/assessments/runs/{run['id']}/ranking")["rows"]}


def test_the_recognised_introducing_unit_earns_the_credit_not_the_finding_unit(client):
    """规范招商引资项目报备认定程序,明确项目引进的中介人和引进单位,作为考核认定、评先选优和表彰奖励的重要依据。"""
    # Found (and hosted) by 城关区; the office recognised 七里河区 as the unit that introduced it.
    project = new_project(client, amount="30000", attributes={"annual_tax": "500",
                                                               "fixed_assets": "20000"})
    admit(client, project)
    recognise(client, project["id"], introducing_unit="qilihe")
    advance(client, project["id"], "signed")
    rows = _ranking(client)
    assert Decimal(rows["qilihe"]["values"]["signed_amount"]) == Decimal(30000)
    assert Decimal(rows["qilihe"]["values"]["lanzhou_tax"]) == Decimal(500)
    assert Decimal(rows["qilihe"]["values"]["lanzhou_fixed_assets"]) == Decimal(20000)
    assert Decimal(rows["chengguan"]["values"]["signed_amount"]) == 0
    assert Decimal(rows["chengguan"]["values"]["lanzhou_tax"]) == 0
    # The city's own figures by unit still show where it was found.
    stats = call(client, "GET", "/stats?from=2024-01-01&to=2024-12-31&group_by=unit")
    by_unit = {group["key"]: group for group in stats["groups"]}
    assert Decimal(by_unit["chengguan"]["signed_amount"]) == Decimal(30000)


def test_a_transferred_project_gives_the_introducer_the_finding_share_and_the_host_its_own(client):
    """明确项目引进的中介人和引进单位,作为考核认定……的重要依据。"""
    project = new_project(client, amount="10000", host_unit="xigu")  # 城关 → 西固, 3:7
    admit(client, project)
    recognise(client, project["id"], introducing_unit="qilihe")
    advance(client, project["id"], "signed")
    rows = _ranking(client)
    assert Decimal(rows["qilihe"]["values"]["signed_amount"]) == Decimal(3000)
    assert Decimal(rows["xigu"]["values"]["signed_amount"]) == Decimal(7000)
    assert Decimal(rows["chengguan"]["values"]["signed_amount"]) == 0


def test_a_clerk_registers_only_their_own_unit_as_introducer_and_a_refusal_writes_nothing(client):
    """明确项目引进的……引进单位: 报备 is the introducing unit's own, by its clerk."""
    project = new_project(client)  # 城关区's
    refused = client.post(f"/lanzhou/projects/{project['id']}/registration",
                          json={"introducing_unit": "chengguan"}, as_=("clerk", "qilihe"))
    assert refused.status_code == 403
    assert refused.json["code"] == "forbidden_unit"
    assert client.get(f"/lanzhou/projects/{project['id']}/registration").status_code == 404
    # Nor may the finding unit's clerk name another unit as the introducer.
    assert client.post(f"/lanzhou/projects/{project['id']}/registration",
                       json={"introducing_unit": "qilihe"},
                       as_=("clerk", "chengguan")).status_code == 403
    assert client.get(f"/lanzhou/projects/{project['id']}/registration").status_code == 404


def test_a_recognition_changes_only_explicitly_with_a_reason_and_the_change_is_kept(client):
    """规范招商引资项目报备认定程序: a dispute over who introduced a project is settled by
    the office on the record, and the credit follows the change."""
    project = new_project(client, amount="20000")
    admit(client, project)
    row = recognise(client, project["id"])  # 城关区 recognised
    advance(client, project["id"], "signed")
    path = f"/lanzhou/registrations/{row['id']}/change"
    # A clerk may not change it; no reason, or nothing changed, is refused; nothing written.
    assert client.post(path, json={"introducing_unit": "qilihe", "reason": "争议处理"},
                       as_=("clerk", "qilihe")).status_code == 403
    assert {e["field"] for e in client.post(
        path, json={"introducing_unit": "qilihe"}).json["errors"]} == {"reason"}
    assert client.post(path, json={"introducing_unit": "chengguan",
                                   "reason": "复核"}).status_code == 400
    assert call(client, "GET", "/lanzhou/registration-changes") == []
    assert _ranking(client)["chengguan"]["values"]["signed_amount"] == "20000.0000"

    change = call(client, "POST", path, {"introducing_unit": "qilihe", "changed_on": "2024-06-01",
                                         "reason": "七里河区提出争议，经核实为七里河区驻沪招商组引进"},
                  201)
    assert (change["before"], change["after"]) == ({"introducing_unit": "chengguan"},
                                                   {"introducing_unit": "qilihe"})
    assert change["summary"] == "引进单位：chengguan → qilihe"
    assert [c["id"] for c in call(client, "GET", "/lanzhou/registration-changes")] == [change["id"]]
    registration = call(client, "GET", f"/lanzhou/projects/{project['id']}/registration")
    assert (registration["introducing_unit"], registration["decision_note"]) == (
        "qilihe", change["reason"])
    rows = _ranking(client)
    assert Decimal(rows["qilihe"]["values"]["signed_amount"]) == Decimal(20000)
    assert Decimal(rows["chengguan"]["values"]["signed_amount"]) == 0
    # Turning the decision (不予认定) withholds the credit altogether, on the record too.
    call(client, "POST", path, {"recognised": False, "reason": "中介协议系事后补签"}, 201)
    assert Decimal(_ranking(client)["qilihe"]["values"]["signed_amount"]) == 0


def test_neither_a_registration_nor_its_recognition_may_be_dated_in_the_future(app, client):
    """A registration dated ahead would pass the signing gate on a day it had not happened."""
    today = app.extensions["zhaoshang"].city.clock.today()
    tomorrow = (today + timedelta(days=1)).isoformat()
    project = new_project(client)
    ahead = client.post(f"/lanzhou/projects/{project['id']}/registration",
                        json={"registered_on": tomorrow})
    assert ahead.status_code == 400
    assert [(e["field"], e["code"]) for e in ahead.json["errors"]] == [
        ("registered_on", "date.in_future")]
    assert "不能填写将来的日期" in ahead.json["errors"][0]["message"]
    assert client.get(f"/lanzhou/projects/{project['id']}/registration").status_code == 404
    row = call(client, "POST", f"/lanzhou/projects/{project['id']}/registration", {}, 201)
    decided = client.post(f"/lanzhou/registrations/{row['id']}/decision",
                          json={"recognised": True, "decided_on": tomorrow})
    assert decided.status_code == 400
    assert [(e["field"], e["code"]) for e in decided.json["errors"]] == [
        ("decided_on", "date.in_future")]
    assert call(client, "GET", f"/lanzhou/projects/{project['id']}/registration")["status"] == (
        "registered")
