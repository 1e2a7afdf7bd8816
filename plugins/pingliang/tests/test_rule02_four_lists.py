"""Rule 2: the four lists (四张清单) — kept through the API, exported with Chinese headings,
each unit keeping its own rows and the office the city's."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from plugins.pingliang.tests.conftest import call, list_project, new_project

CLERK = ("clerk", "kongtong")


def test_an_opportunity_is_added_changed_listed_and_removed_by_its_county(client):
    body = {"name": "崆峒区煤电冶一体化配套用地", "industry": "coal_clean", "unit": "kongtong",
            "amount": "300000", "published_on": "2024-03-01"}
    item = call(client, "POST", "/pingliang/opportunities", body, 201, as_=CLERK)
    assert (item["task_force"], item["status_label"], item["amount"]) == (
        "coal_clean", "待招引", "300000.0000")
    # The list shows the task force by its name, never its code (issue 25).
    assert item["task_force_name"] == "煤炭清洁高效利用产业链招商专班"
    changed = call(client, "PATCH", f"/pingliang/opportunities/{item['id']}",
                   {"status": "closed"}, as_=CLERK)
    assert changed["status_label"] == "已撤销" and changed["name"] == body["name"]
    page = call(client, "GET", "/pingliang/opportunities?task_force=coal_clean")
    assert [row["id"] for row in page["items"]] == [item["id"]]
    assert call(client, "GET", "/pingliang/opportunities?task_force=apple")["items"] == []
    assert client.delete(f"/pingliang/opportunities/{item['id']}", as_=CLERK).status_code == 204
    assert client.get(f"/pingliang/opportunities/{item['id']}").status_code == 404


def test_a_clerk_keeps_only_their_own_units_rows(client):
    body = {"name": "静宁苹果冷链物流", "industry": "apple", "unit": "jingning"}
    response = client.post("/pingliang/opportunities", json=body, as_=CLERK)
    assert response.status_code == 403
    item = call(client, "POST", "/pingliang/opportunities", body, 201)  # the office may
    response = client.patch(f"/pingliang/opportunities/{item['id']}", json={"name": "改名"},
                            as_=CLERK)
    assert response.status_code == 403
    assert call(client, "GET", f"/pingliang/opportunities/{item['id']}")["name"] == body["name"]


def test_bad_input_names_the_field_in_chinese_and_writes_nothing(client):
    response = client.post("/pingliang/target-enterprises", json={
        "name": "某企业", "unit": "kongtong", "industry": "steel", "credit_code": "123"})
    assert response.status_code == 400
    fields = {error["field"] for error in response.json["errors"]}
    assert "credit_code" in fields
    response = client.post("/pingliang/target-enterprises",
                           json={"name": "某企业", "unit": "kongtong", "industry": "steel"})
    assert response.status_code == 400
    assert response.json["errors"][0]["field"] == "industry"
    assert "产业目录" in response.json["errors"][0]["message"]
    assert call(client, "GET", "/pingliang/target-enterprises")["total"] == 0


def test_the_key_list_is_the_offices_and_a_project_is_listed_once(client):
    project = new_project(client)
    response = client.post("/pingliang/key-projects", json={"project_id": project["id"]},
                           as_=("clerk", "chongxin"))
    assert response.status_code == 403
    listed = list_project(client, project["id"], maturing=True)
    assert (listed["name"], listed["stage_label"], listed["unit"]) == (
        project["name"], "储备", "chongxin")
    response = client.post("/pingliang/key-projects", json={"project_id": project["id"]})
    assert response.status_code == 400
    assert response.json["errors"][0]["code"] == "key_project.already_listed"


def test_a_policy_support_names_one_beneficiary_and_a_delivery_date(client):
    project = new_project(client)
    response = client.post("/pingliang/policy-supports", json={
        "kind": "land", "content": "优先保障用地"})
    assert response.status_code == 400
    assert response.json["errors"][0]["code"] == "support.beneficiary"
    response = client.post("/pingliang/policy-supports", json={
        "project_id": project["id"], "kind": "finance", "content": "设备贴息",
        "amount": "500", "status": "delivered"})
    assert response.status_code == 400
    assert response.json["errors"][0]["field"] == "delivered_on"
    support = call(client, "POST", "/pingliang/policy-supports", {
        "project_id": project["id"], "kind": "finance", "content": "设备贴息", "amount": "500",
        "status": "delivered", "delivered_on": "2024-05-01"}, 201)
    assert support["beneficiary"] == f"项目：{project['name']}"
    assert support["kind_label"] == "财政" and support["status_label"] == "已兑现"


def test_each_list_exports_to_excel_with_chinese_headings(client):
    project = new_project(client)
    list_project(client, project["id"])
    call(client, "POST", "/pingliang/target-enterprises", {
        "name": "东方希望集团有限公司", "unit": "huating", "industry": "materials",
        "leader_name": "市委主要负责人", "tags": ["民营500强"]}, 201)
    headings = {"pingliang_opportunities": "投资机会",
                "pingliang_target_enterprises": "企业名称",
                "pingliang_key_projects": "包抓领导",
                "pingliang_policy_supports": "支持内容"}
    for code, heading in headings.items():
        response = client.get(f"/reports/{code}.xlsx")
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.data)).active
        assert heading in [cell.value for cell in sheet[1]]
    sheet = load_workbook(io.BytesIO(client.get(
        "/reports/pingliang_target_enterprises.xlsx").data)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert rows[0][1] == "东方希望集团有限公司" and "市委主要负责人" in rows[0]


def test_every_change_to_a_list_writes_its_event(client, app):
    import sqlalchemy as sa

    from core.models import OutboxEvent

    item = call(client, "POST", "/pingliang/opportunities",
                {"name": "泾川文旅康养综合体", "unit": "jingchuan"}, 201)
    call(client, "PATCH", f"/pingliang/opportunities/{item['id']}", {"amount": "80000"})
    client.delete(f"/pingliang/opportunities/{item['id']}")
    with app.extensions["zhaoshang"].sessions() as session:
        types = list(session.scalars(sa.select(OutboxEvent.type).where(
            OutboxEvent.aggregate_type == "pingliang_list_item").order_by(OutboxEvent.time)))
    assert types == ["zhaoshang.pingliang_list_item.added",
                     "zhaoshang.pingliang_list_item.updated",
                     "zhaoshang.pingliang_list_item.removed"]
