"""待办: a project about to sign waits for its 法规账 review — the land item for the clerks of
the natural-resources bureau that reviews it, the items no unit is named for for the office —
and an item once recorded is gone from the list."""

from __future__ import annotations

from plugins.sanming.tests.conftest import advance, call, new_project

NATURAL_RESOURCES = ("clerk", "dept_natural_resources")


def legal_items(client, as_=None):
    return [item for item in client.get("/todos", as_=as_).json["items"]
            if item["kind"] == "sanming_legal_review"]


def test_legal_review_items_wait_for_the_reviewing_department(client):
    project = new_project(client)
    assert legal_items(client, NATURAL_RESOURCES) == []  # still in 储备
    advance(client, project["id"], "negotiating")
    [land] = legal_items(client, NATURAL_RESOURCES)
    assert land["key"] == f"sanming_legal_review:{project['id']}:land"
    assert "用地" in land["title"] and land["web_path"] == f"projects/{project['id']}"
    office = {item["key"].rsplit(":", 1)[1] for item in legal_items(client)}
    assert office == {"environment", "safety", "forest"}
    call(client, "POST", f"/sanming/projects/{project['id']}/legal-review/land",
         {"finding": "pass", "reviewer": "王审查"}, 201, as_=NATURAL_RESOURCES)
    assert legal_items(client, NATURAL_RESOURCES) == []
