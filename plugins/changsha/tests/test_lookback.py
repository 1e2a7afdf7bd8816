"""Rule 6: 回头看 — landed projects checked for conditions met and investment as agreed."""

from __future__ import annotations

from types import SimpleNamespace

from core.testing.records import add_funds, advance
from plugins.changsha.lookback import lookback_rows
from plugins.changsha.tests.conftest import changsha_city, major_body, new_project

LEADER = ("leader", None)


def landed(client, name: str, started: str, arrived: str, completion: str = "2026-01-01") -> dict:
    """A major project (agreement 5亿元) started on ``started`` with ``arrived`` 万元 arrived."""
    project = new_project(client, **major_body(name=name))
    advance(client, project["id"], "signed", {"negotiating": "2024-01-10", "signed": "2024-02-01"})
    # The completion date is agreed before the start (a later PUT cannot move it: a re-plan).
    for path, payload in (("/milestones", {"kind": "completion", "planned_on": completion}),
                          ("/transitions", {"target": "started", "occurred_on": started})):
        response = client.request("PUT" if path == "/milestones" else "POST",
                                  f"/projects/{project['id']}{path}", json=payload)
        assert response.status_code == 200, response.json
    add_funds(client, project["id"], arrived, started)
    return project


def decide_with_conditions(client, project_id: int, conditions: list[dict]) -> dict:
    matter = client.post("/matters", json={
        "project_id": project_id, "kind": "tax", "title": "税收奖励", "request": "请求税收奖励",
        "owner_unit": "cs_econ_zone"}).json
    client.post(f"/matters/{matter['id']}/proposal", json={"proposal": "地方留成部分奖励50%"})
    return client.post(f"/matters/{matter['id']}/decision", as_=LEADER, json={
        "decision": "approved", "decision_text": "同意", "decided_on": "2024-02-15",
        "conditions": conditions}).json


def test_look_back_checks_conditions_investment_and_completion(client):
    kept = landed(client, "守约项目", "2024-04-01", "45000")  # 90% of the 5亿元 agreed
    matter = decide_with_conditions(client, kept["id"], [
        {"text": "2025年3月底前投产", "due_on": "2025-03-31"},
        {"text": "年纳税不低于5000万元", "due_on": "2026-12-31"}])
    client.post(f"/matters/{matter['id']}/conditions/{matter['conditions'][0]['id']}/check",
                json={"met": True, "checked_on": "2025-04-02"})

    broken = landed(client, "违约项目", "2024-05-01", "10000", completion="2025-06-01")  # 20%
    matter = decide_with_conditions(client, broken["id"], [
        {"text": "2025年3月底前投产", "due_on": "2025-03-31"},
        {"text": "2025年5月前引进配套企业5家", "due_on": "2025-05-01"}])
    client.post(f"/matters/{matter['id']}/conditions/{matter['conditions'][0]['id']}/check",
                json={"met": False, "checked_on": "2025-04-02"})

    landed(client, "新近开工项目", "2024-09-01", "1000")  # under 12 months before as_of

    response = client.get("/reports/changsha_lookback", query_string={"as_of": "2025-06-30"})
    rows = {row["project"]: row for row in response.json["rows"]}
    assert list(rows) == ["守约项目", "违约项目"]
    good, bad = rows["守约项目"], rows["违约项目"]
    assert (good["verdict"], good["findings"], good["arrival_share"]) == ("履约良好", None, "0.9000")
    assert (good["conditions"], good["conditions_met"], good["conditions_open"]) == (2, 1, 1)
    assert bad["verdict"] == "需督办"
    assert bad["findings"] == ("1项一事一议条件未落实；1项一事一议条件已到期未核查；"
                               "资金到位20%，低于协议投资的80%；未按计划竣工")


def test_the_look_back_window_and_tolerance_are_configuration(client, app):
    landed(client, "开工九个月项目", "2024-09-01", "35000")  # 70% of the agreement
    city = changsha_city(cadence={"lookback_months": 6, "lookback_tolerance": "0.6"})
    with app.extensions["zhaoshang"].sessions() as session:
        [row] = lookback_rows(SimpleNamespace(session=session, city=city), {"as_of": "2025-06-30"})
    assert (row["project"], row["verdict"]) == ("开工九个月项目", "履约良好")
