"""待办: an open 帮办代办 request is on the to-do list of its service unit's clerks, by deadline,
linked to the city's page of the unit's requests; once completed it is gone."""

from __future__ import annotations

from plugins.pingliang.tests.conftest import call, new_project

DEVELOPMENT = ("clerk", "dept_development")  # 发展改革委: the service unit


def test_a_service_request_waits_for_its_service_units_clerk(client, today):
    project = new_project(client)
    request = call(client, "POST", f"/pingliang/projects/{project['id']}/service-requests",
                   {"kind": "approval", "need": "代办项目备案及节能审查", "unit": "dept_development",
                    "raised_on": today.isoformat()}, 201)
    items = [item for item in client.get("/todos", as_=DEVELOPMENT).json["items"]
             if item["kind"] == "pingliang_service_request"]
    assert [(item["key"], item["due"], item["web_path"]) for item in items] == [
        (f"pingliang_service_request:{request['id']}", request["due_on"],
         "pages/pingliang_my_service_requests")]
    assert "代办项目备案及节能审查" in items[0]["title"] and items[0]["kind_label"] == "帮办代办"
    assert not [item for item in client.get("/todos", as_=("clerk", "kongtong")).json["items"]
                if item["kind"] == "pingliang_service_request"]
