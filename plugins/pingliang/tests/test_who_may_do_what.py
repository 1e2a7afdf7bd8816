"""Who may do what in Pingliang (issue 17): a county or department keeps its own list rows,
shares in its own name and follows up its own leads; the host county schedules its maturing
project; 帮办代办 matters are raised and closed by the units concerned; the key list, policy
supports, targets and points are the office's — and a refusal writes nothing."""

from __future__ import annotations

import pytest

from core.testing.records import row_counts
from plugins.pingliang.tests.conftest import call, list_project, new_project

KONGTONG = ("clerk", "kongtong")  # 崆峒区
CHONGXIN = ("clerk", "chongxin")  # 崇信县
COMMERCE = ("clerk", "dept_commerce")  # 平凉市商务局
LEADER = ("leader", None)


def refused(response, code: str) -> dict:
    assert response.status_code == 403, response.json
    assert response.json["code"] == code, response.json
    return response.json


# -- the four lists ----------------------------------------------------------------------


@pytest.mark.parametrize(("path", "table", "body"), [
    ("opportunities", "pingliang_opportunities",
     {"name": "崆峒区煤电冶一体化配套用地", "industry": "coal_clean", "unit": "kongtong"}),
    ("target-enterprises", "pingliang_target_enterprises",
     {"name": "某煤化工集团", "industry": "coal_clean", "unit": "kongtong"}),
])
def test_a_units_rows_are_kept_by_its_own_clerk_only(client, app, path, table, body):
    item = call(client, "POST", f"/pingliang/{path}", body, 201, as_=KONGTONG)
    before = row_counts(app, table)
    # Another county's clerk: not in kongtong's name, not on kongtong's row.
    answer = refused(client.post(f"/pingliang/{path}", json=body, as_=CHONGXIN), "forbidden_unit")
    assert "崇信县" in answer["detail"] and "崆峒区" in answer["detail"]
    refused(client.patch(f"/pingliang/{path}/{item['id']}", json={"name": "改名"}, as_=CHONGXIN),
            "forbidden_unit")
    refused(client.delete(f"/pingliang/{path}/{item['id']}", as_=CHONGXIN), "forbidden_unit")
    # Its own clerk cannot hand the row over to another unit either.
    refused(client.patch(f"/pingliang/{path}/{item['id']}", json={"unit": "chongxin"},
                         as_=KONGTONG), "forbidden_unit")
    assert row_counts(app, table) == before
    kept = call(client, "GET", f"/pingliang/{path}/{item['id']}")
    assert (kept["name"], kept["unit"]) == (body["name"], "kongtong")
    renamed = call(client, "PATCH", f"/pingliang/{path}/{item['id']}", {"name": "改名后的条目"},
                   as_=KONGTONG)
    assert renamed["name"] == "改名后的条目"
    assert client.delete(f"/pingliang/{path}/{item['id']}", as_=KONGTONG).status_code == 204


def test_the_key_list_and_policy_supports_are_the_offices(client, app):
    project = new_project(client)  # 崇信县's
    listed = list_project(client, project["id"])
    support = call(client, "POST", "/pingliang/policy-supports",
                   {"project_id": project["id"], "kind": "land", "content": "优先保障用地"}, 201)
    tables = ("pingliang_listed_projects", "pingliang_policy_supports")
    before = row_counts(app, *tables)
    for actor in (CHONGXIN, LEADER):  # not even the project's own county
        refused(client.post("/pingliang/key-projects", json={"project_id": project["id"]},
                            as_=actor), "forbidden_role")
        refused(client.patch(f"/pingliang/key-projects/{listed['id']}", json={"maturing": True},
                             as_=actor), "forbidden_role")
        refused(client.delete(f"/pingliang/key-projects/{listed['id']}", as_=actor),
                "forbidden_role")
        refused(client.post("/pingliang/policy-supports", as_=actor, json={
            "project_id": project["id"], "kind": "tax", "content": "税收返还"}), "forbidden_role")
        refused(client.patch(f"/pingliang/policy-supports/{support['id']}",
                             json={"status": "delivered"}, as_=actor), "forbidden_role")
    assert row_counts(app, *tables) == before
    assert call(client, "GET", f"/pingliang/key-projects/{listed['id']}")["maturing"] is False


# -- the five mechanisms -------------------------------------------------------------------


def test_the_host_county_schedules_its_maturing_project(client, app):
    """Found by the commerce bureau, landed in 崇信县: the host county's clerk schedules it."""
    project = new_project(client, finding_unit="dept_commerce")
    call(client, "POST", f"/projects/{project['id']}/transfers",
         {"to_unit": "chongxin", "agreed_on": "2024-01-05"}, 201)
    list_project(client, project["id"], maturing=True)
    path = f"/pingliang/projects/{project['id']}/schedulings"
    before = row_counts(app, "pingliang_schedulings", "project_changes")
    for stranger in (COMMERCE, KONGTONG, LEADER):
        response = client.post(path, json={"progress": "洽谈中"}, as_=stranger)
        refused(response, "forbidden_role" if stranger == LEADER else "forbidden_unit")
    assert row_counts(app, "pingliang_schedulings", "project_changes") == before
    call(client, "POST", path, {"progress": "完成尽职调查"}, 201, as_=CHONGXIN)


def test_information_is_shared_in_ones_own_name_and_followed_up_by_the_reporting_unit(client, app):
    item = call(client, "POST", "/pingliang/information", {
        "title": "光伏组件企业拟在西北布局", "content": "关注绿电和用地", "unit": "kongtong"}, 201,
        as_=KONGTONG)
    before = row_counts(app, "pingliang_shared_information")
    refused(client.post("/pingliang/information", as_=CHONGXIN, json={
        "title": "冒名共享", "content": "以他县名义", "unit": "kongtong"}), "forbidden_unit")
    assert row_counts(app, "pingliang_shared_information") == before
    lead = call(client, "POST", "/leads", {
        "title": "光伏组件生产基地", "enterprise": {"name": "某光伏科技有限公司"},
        "reporting_unit": "chongxin", "channel": "chain"}, 201,  # reported today
        as_=CHONGXIN)
    path = f"/pingliang/information/{item['id']}/follow-up"
    before = row_counts(app, "pingliang_shared_information")
    refused(client.post(path, json={"lead_id": lead["id"]}, as_=KONGTONG), "forbidden_unit")
    assert row_counts(app, "pingliang_shared_information") == before
    assert call(client, "GET", "/pingliang/information")["items"][0]["lead_id"] is None
    followed = call(client, "POST", path, {"lead_id": lead["id"]}, as_=CHONGXIN)
    assert followed["lead_id"] == lead["id"]


def test_agency_service_matters_are_raised_and_closed_by_the_units_concerned(client, app):
    """帮办代办 runs on the core's matters: the project's county asks, the assigned unit closes."""
    project = new_project(client)
    matter = call(client, "POST", "/matters", {
        "project_id": project["id"], "kind": "land", "title": "代办用地手续",
        "request": "请帮办建设用地审批"}, 201, as_=CHONGXIN)
    assert matter["owner_unit"] == "chongxin"
    order = call(client, "POST", f"/matters/{matter['id']}/work-orders", {
        "unit": "dept_commerce", "task": "协调办理用地预审", "due_workdays": 5}, 201, as_=CHONGXIN)
    done_path = f"/matters/{matter['id']}/work-orders/{order['id']}/done"
    before = row_counts(app, "matters", "matter_work_orders")
    refused(client.post("/matters", as_=KONGTONG, json={
        "project_id": project["id"], "kind": "land", "title": "代办用地手续",
        "request": "替别县提出"}), "forbidden_unit")
    refused(client.post(done_path, json={}, as_=KONGTONG), "forbidden_unit")
    assert row_counts(app, "matters", "matter_work_orders") == before
    done = call(client, "POST", done_path, {"note": "已办结"}, as_=COMMERCE)
    assert done["done_by"] == "clerk-dept_commerce"


# -- targets and points are the office's -----------------------------------------------------


@pytest.mark.parametrize(("path", "body", "table"), [
    ("/pingliang/targets", {"year": 2024, "unit": "kongtong", "metric": "signed_count",
                            "target": "10"}, "pingliang_targets"),
    ("/pingliang/points", {"unit": "kongtong", "points": "3", "reason": "自评加分"},
     "pingliang_point_items"),
])
def test_targets_and_points_are_set_by_the_office(client, app, path, body, table):
    before = row_counts(app, table)
    for actor in (KONGTONG, LEADER, ("province", None)):
        refused(client.post(path, json=body, as_=actor), "forbidden_role")
    assert row_counts(app, table) == before
    call(client, "POST", path, body, 201)


def test_the_rules_are_declared_in_the_api_document(client):
    paths = call(client, "GET", "/openapi.json")["paths"]
    rule = paths["/api/v1/pingliang/projects/{project_id}/schedulings"]["post"]["x-permission"]
    assert (rule["rule"], rule["clerk_units"]) == ("own_unit", "项目的落户单位")
    assert paths["/api/v1/pingliang/opportunities/{item_id}"]["patch"]["x-permission"][
        "clerk_units"] == "投资机会清单条目所属单位"
    assert paths["/api/v1/pingliang/key-projects"]["post"]["x-permission"]["rule"] == "office"
