"""Rule 3 (五项机制 3–4): maturing list projects are scheduled; units share information."""

from __future__ import annotations

import datetime as dt

import pytest

from plugins.pingliang.tests.conftest import call, list_project, new_project


def test_a_maturing_project_is_due_every_fifteen_days_and_a_scheduling_is_progress(client):
    project = new_project(client)
    list_project(client, project["id"], maturing=True, listed_on="2024-01-10",
                 expected_signing_on="2024-03-01")
    rows = call(client, "GET", "/pingliang/maturing?as_of=2024-01-24")
    assert [(r["project_id"], r["next_due_on"], r["due"]) for r in rows] == [
        (project["id"], "2024-01-25", False)]
    assert call(client, "GET", "/pingliang/maturing?as_of=2024-01-25")[0]["due"] is True
    call(client, "POST", f"/pingliang/projects/{project['id']}/schedulings", {
        "scheduled_on": "2024-01-26", "progress": "完成尽职调查", "problems": "用地指标待落实",
        "next_steps": "报市政府专题会"}, 201, as_=("clerk", "chongxin"))
    row = call(client, "GET", "/pingliang/maturing?as_of=2024-02-01")[0]
    assert (row["last_scheduled_on"], row["next_due_on"], row["due"]) == (
        "2024-01-26", "2024-02-10", False)
    assert call(client, "GET", f"/projects/{project['id']}")["last_progress_on"] == "2024-01-26"


@pytest.mark.hard_days
def test_only_maturing_list_projects_are_scheduled_and_only_by_their_county(client, today):
    project = new_project(client)
    response = client.post(f"/pingliang/projects/{project['id']}/schedulings",
                           json={"progress": "洽谈中"})
    assert response.status_code == 409
    list_project(client, project["id"], maturing=True)
    response = client.post(f"/pingliang/projects/{project['id']}/schedulings",
                           json={"progress": "洽谈中"}, as_=("clerk", "kongtong"))
    assert response.status_code == 403
    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    response = client.post(f"/pingliang/projects/{project['id']}/schedulings",
                           json={"progress": "洽谈中", "scheduled_on": tomorrow})
    assert response.status_code == 400 and response.json["errors"][0]["field"] == "scheduled_on"
    # Today's (the default) is the latest a scheduling may be dated; the next is due 15 days on.
    scheduling = call(client, "POST", f"/pingliang/projects/{project['id']}/schedulings",
                      {"progress": "洽谈中"}, 201, as_=("clerk", "chongxin"))
    assert scheduling["scheduled_on"] == today.isoformat()
    [row] = call(client, "GET", "/pingliang/maturing")
    assert (row["last_scheduled_on"], row["next_due_on"], row["due"]) == (
        today.isoformat(), (today + dt.timedelta(days=15)).isoformat(), False)


def test_shared_information_is_read_by_all_and_followed_up_by_a_lead(client):
    item = call(client, "POST", "/pingliang/information", {
        "title": "光伏组件企业拟在西北布局", "content": "关注绿电和用地", "industry": "new_energy",
        "unit": "kongtong"}, 201, as_=("clerk", "kongtong"))
    response = client.post("/pingliang/information", json={
        "title": "冒名共享", "content": "以他县名义", "unit": "jingning"}, as_=("clerk", "kongtong"))
    assert response.status_code == 403
    feed = call(client, "GET", "/pingliang/information?q=光伏", as_=("clerk", "chongxin"))
    assert [row["id"] for row in feed["items"]] == [item["id"]]
    lead = call(client, "POST", "/leads", {
        "title": "光伏组件生产基地", "enterprise": {"name": "某光伏科技有限公司"},
        "reporting_unit": "chongxin", "channel": "chain"}, 201,  # reported today
        as_=("clerk", "chongxin"))
    followed = call(client, "POST", f"/pingliang/information/{item['id']}/follow-up",
                    {"lead_id": lead["id"]}, as_=("clerk", "chongxin"))
    assert followed["lead_id"] == lead["id"]
    response = client.post(f"/pingliang/information/{item['id']}/follow-up",
                           json={"lead_id": lead["id"]})
    assert response.status_code == 409
