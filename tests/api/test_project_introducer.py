"""Who introduced a project can be set or corrected later (``PATCH /projects/{id}``), from the
registry only: an unknown or deactivated entry is a field problem and changes nothing; the
change is in the project's history and its event."""

from __future__ import annotations

from tests.support.records import create_project, events_of

ADVISOR = {"name": "项目引荐顾问", "kind": "advisor", "phone": "13909311234"}


def register(client, body=ADVISOR) -> int:
    response = client.post("/intermediaries", json=body)
    assert response.status_code == 201, response.json
    return response.json["id"]


def test_a_project_names_its_introducer_from_the_registry_only(client, app):
    project = create_project(client)
    active = register(client)
    retired = register(client, {"name": "停用的引荐人", "kind": "individual",
                                "phone": "13909315678"})
    assert client.post(f"/intermediaries/{retired}/status",
                       json={"status": "inactive", "reason": "协议到期"}).status_code == 200

    for chosen, gist in ((retired, "已停用"), (2147483000, "不在引荐人名录中"),
                         (99999999999999, "不在引荐人名录中")):
        response = client.patch(f"/projects/{project['id']}", json={"intermediary_id": chosen})
        assert response.status_code == 400, response.json
        [error] = response.json["errors"]
        assert error["field"] == "intermediary_id" and gist in error["message"]
    assert client.get(f"/projects/{project['id']}").json["intermediary_id"] is None

    response = client.patch(f"/projects/{project['id']}", json={"intermediary_id": active},
                            as_=("clerk", "east"))
    assert response.status_code == 200, response.json
    assert (response.json["intermediary_id"], response.json["intermediary_name"]) == (
        active, ADVISOR["name"])
    history = client.get(f"/projects/{project['id']}/history").json
    assert history[-1]["changes"]["intermediary_id"] == [None, active]
    [event] = [e for e in events_of(app, "zhaoshang.project.updated")
               if "intermediary_id" in e.data["changed"]]
    assert event.data["project_id"] == project["id"]

    # Another introducer instead: the answer names the new one.
    other = register(client, {"name": "另一位引荐顾问", "kind": "advisor", "phone": "13909316666"})
    response = client.patch(f"/projects/{project['id']}", json={"intermediary_id": other})
    assert (response.json["intermediary_id"], response.json["intermediary_name"]) == (
        other, "另一位引荐顾问")
    response = client.patch(f"/projects/{project['id']}", json={"intermediary_id": active})
    assert response.json["intermediary_name"] == ADVISOR["name"]

    # Deactivating the entry later leaves the project naming it; clearing it is allowed.
    assert client.post(f"/intermediaries/{active}/status",
                       json={"status": "inactive", "reason": "协议到期"}).status_code == 200
    assert client.patch(f"/projects/{project['id']}",
                        json={"name": "改名后的项目"}).status_code == 200
    response = client.patch(f"/projects/{project['id']}", json={"intermediary_id": None})
    assert response.status_code == 200 and response.json["intermediary_id"] is None
