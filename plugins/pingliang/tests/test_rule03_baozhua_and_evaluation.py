"""Rule 3 (五项机制 1–2) and rule 7: a major or list project is owned by a leader (包抓) with a
service team (一套班子) and passes the project evaluation (项目评估) before signing."""

from __future__ import annotations

from plugins.pingliang.tests.conftest import (
    advance,
    call,
    list_project,
    new_project,
    pass_evaluation,
)


def _sign(client, project_id):
    return client.post(f"/projects/{project_id}/transitions",
                       json={"target": "signed", "occurred_on": "2024-03-01"})


def _to_negotiating_with_start(client, project_id):
    advance(client, project_id, "negotiating")
    call(client, "PUT", f"/projects/{project_id}/milestones",
         {"kind": "start", "planned_on": "2024-06-01"})


def test_a_major_project_cannot_sign_without_leader_team_and_evaluation(client):
    project = new_project(client, amount="120000", agreement_amount="120000")  # 12亿元
    assert "major" in project["tiers"]
    _to_negotiating_with_start(client, project["id"])
    response = _sign(client, project["id"])
    assert response.status_code == 409
    messages = " ".join(r["message"] for r in response.json["refusals"])
    assert "包抓领导" in messages and "服务专班（一套班子）" in messages and "项目评估" in messages
    call(client, "PATCH", f"/projects/{project['id']}", {
        "leader_name": "常务副市长", "attributes": {"service_team": ["市投资促进局专员", "崇信县招商局长"]}})
    assert _sign(client, project["id"]).status_code == 409  # the evaluation is still missing
    pass_evaluation(client, project["id"])
    assert _sign(client, project["id"]).status_code == 200


def test_a_list_project_is_owned_too_and_a_failed_evaluation_blocks_it(client):
    project = new_project(client, leader_name="分管农业副市长",
                          attributes={"service_team": ["崇信县招商局长"]})
    list_project(client, project["id"])
    _to_negotiating_with_start(client, project["id"])
    pass_evaluation(client, project["id"], score="50")
    response = _sign(client, project["id"])
    assert response.status_code == 409
    assert any("项目评估" in r["message"] for r in response.json["refusals"])


def test_a_project_neither_major_nor_listed_signs_without_them(client):
    project = new_project(client)
    _to_negotiating_with_start(client, project["id"])
    assert _sign(client, project["id"]).status_code == 200


def test_the_service_team_is_a_list_of_names(client):
    response = client.post("/projects", json={
        "name": "苹果精深加工项目", "enterprise": {"name": "某果业有限公司"}, "amount": "10000",
        "finding_unit": "jingning", "attributes": {"service_team": "张三"}})
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "attributes.service_team"


def test_each_leader_sees_the_projects_and_enterprises_they_own(client):
    project = new_project(client, leader_name="市委主要负责人",
                          attributes={"service_team": ["华亭市委书记"]})
    call(client, "POST", "/pingliang/target-enterprises", {
        "name": "东方希望集团有限公司", "unit": "huating", "leader_name": "市委主要负责人"}, 201)
    rows = {row["leader"]: row for row in call(client, "GET", "/pingliang/baozhua")}
    mine = rows["市委主要负责人"]
    assert [p["id"] for p in mine["projects"]] == [project["id"]]
    assert mine["projects"][0]["service_team"] == ["华亭市委书记"]
    assert [e["name"] for e in mine["enterprises"]] == ["东方希望集团有限公司"]
