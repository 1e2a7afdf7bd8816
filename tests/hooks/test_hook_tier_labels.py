"""``tier_labels``: a city names the tiers it gives projects."""

from __future__ import annotations

from core import hookimpl
from tests.support.cities import make_city
from tests.support.records import create_project


class ProvincialKey:
    @hookimpl
    def classify_project(self, city, project):
        return ["provincial_key"]

    @hookimpl
    def tier_labels(self, city):
        return {"provincial_key": "省重点项目"}


def test_hook_tier_labels_name_each_tier_in_the_order_of_tiers(client_for):
    client = client_for(make_city(extra_plugins=[("provincial", ProvincialKey())]))
    project = create_project(client, amount="150000")  # over the core's 10亿元: also major
    body = client.get(f"/projects/{project['id']}").json
    assert body["tiers"] == ["major", "provincial_key"]
    assert body["tier_names"] == ["重大项目", "省重点项目"]


def test_hook_tier_labels_core_default_names_major(client):
    project = create_project(client, amount="150000")
    assert client.get(f"/projects/{project['id']}").json["tier_names"] == ["重大项目"]
