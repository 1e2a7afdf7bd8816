"""Rule 6: 报备认定 — every project records its introducing unit and intermediary; only
recognised projects earn credit (Seed 三(三)3)."""

from __future__ import annotations

from decimal import Decimal

from core.models import Intermediary
from plugins.lanzhou.tests.conftest import admit, advance, call, new_project, signed_project


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
