"""``classify_project``: tiers a project belongs to, recomputed on every write."""

from __future__ import annotations

from core import hookimpl
from tests.support.cities import make_city
from tests.support.records import create_project, item_ids


class ProvincialList:
    @hookimpl
    def classify_project(self, city, project):
        if (project.attributes or {}).get("provincial_list"):
            return ["provincial_key"]
        return None


def test_hook_classify_project_adds_the_citys_tier_to_the_cores(client_for):
    client = client_for(make_city(extra_plugins=[("province", ProvincialList())]))
    listed = create_project(client, amount="200000", attributes={"provincial_list": True})
    assert listed["tiers"] == ["major", "provincial_key"]
    plain = create_project(client, 2, amount="1000")
    assert plain["tiers"] == []
    assert item_ids(client, "/projects?tier=provincial_key") == [listed["id"]]


def test_hook_classify_project_is_recomputed_when_the_project_changes(client_for):
    client = client_for(make_city(extra_plugins=[("province", ProvincialList())]))
    project = create_project(client, amount="1000")
    updated = client.patch(f"/projects/{project['id']}",
                           json={"attributes": {"provincial_list": True}}).json
    assert updated["tiers"] == ["provincial_key"]
    removed = client.patch(f"/projects/{project['id']}",
                           json={"attributes": {"provincial_list": None}}).json
    assert removed["tiers"] == []
