"""A transfer re-classifies the project: tiers may depend on the unit where it lands."""

from __future__ import annotations

import pytest

from core import hookimpl
from tests.support.cities import make_city
from tests.support.records import create_project


class ParkTier:
    """Tier ``in_park`` for projects hosted by a park."""

    @hookimpl
    def classify_project(self, city, project):
        return ["in_park"] if project.host_unit.kind == "park" else []


@pytest.fixture
def city():
    return make_city(extra_plugins=[("park_tier", ParkTier())])


def test_a_project_created_for_a_park_is_classified_by_the_park(client):
    assert create_project(client, host_unit="park")["tiers"] == ["in_park"]


def test_a_transfer_re_classifies(client):
    project = create_project(client)
    assert project["tiers"] == []
    client.post(f"/projects/{project['id']}/transfers", json={"to_unit": "park"})
    assert client.get(f"/projects/{project['id']}").json["tiers"] == ["in_park"]
