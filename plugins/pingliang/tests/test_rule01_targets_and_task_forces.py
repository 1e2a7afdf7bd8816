"""Rule 1: quantified targets for leaders, counties and departments; nine chain task forces."""

from __future__ import annotations

from decimal import Decimal

from plugins.pingliang.tests.conftest import advance, call, investor, new_project


def test_a_targets_progress_is_the_units_credited_figure_and_the_leaders_projects(client):
    call(client, "POST", "/pingliang/targets", {"year": 2024, "unit": "chongxin",
                                                "metric": "signed_amount", "target": "40000"}, 201)
    call(client, "POST", "/pingliang/targets", {"year": 2024, "leader_name": "常务副市长",
                                                "metric": "signed_count", "target": "2"}, 201)
    project = new_project(client, leader_name="常务副市长")
    advance(client, project["id"], "signed", {"signed": "2024-03-01"})
    rows = {row["assignee"]: row for row in call(client, "GET", "/pingliang/targets?year=2024")}
    county = rows["unit:chongxin"]
    assert (county["assignee_name"], county["metric_label"]) == ("崇信县", "签约额（万元）")
    assert Decimal(county["actual"]) == 20000 and Decimal(county["completion"]) == Decimal("0.5")
    leader = rows["leader:常务副市长"]
    assert Decimal(leader["actual"]) == 1 and Decimal(leader["completion"]) == Decimal("0.5")


def test_a_target_names_one_assignee_is_the_offices_and_is_set_once(client):
    response = client.post("/pingliang/targets", json={
        "year": 2024, "unit": "chongxin", "leader_name": "常务副市长", "metric": "signed_count",
        "target": "3"})
    assert response.status_code == 400 and response.json["errors"][0]["field"] == "unit"
    body = {"year": 2024, "unit": "chongxin", "metric": "signed_count", "target": "3"}
    assert client.post("/pingliang/targets", json=body,
                       as_=("clerk", "chongxin")).status_code == 403
    call(client, "POST", "/pingliang/targets", body, 201)
    assert client.post("/pingliang/targets", json=body).status_code == 409
    assert len(call(client, "GET", "/pingliang/targets?year=2024")) == 1


def test_each_task_force_counts_its_lists_and_signed_projects(client):
    call(client, "POST", "/pingliang/opportunities",
         {"name": "红牛屠宰加工园区", "industry": "red_cattle", "unit": "jingchuan"}, 201)
    project = new_project(client, industry="red_cattle", enterprise=investor())
    advance(client, project["id"], "signed", {"signed": "2024-03-01"})
    rows = {row["code"]: row for row in call(client, "GET", "/pingliang/task-forces")}
    assert len(rows) == 9
    cattle = rows["red_cattle"]
    assert (cattle["name"], cattle["opportunities"], cattle["signed_projects"]) == (
        "平凉红牛产业链招商专班", 1, 1)
    assert Decimal(cattle["signed_amount"]) == 20000
    assert rows["coal_clean"]["opportunities"] == 0
    profile = call(client, "GET", "/city")["extensions"]["pingliang"]
    assert len(profile["task_forces"]) == 9 and profile["reserve_target"] == 132
