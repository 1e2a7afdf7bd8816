"""What every built-in city's demo shows, whatever its plugin: the investment map with
enterprises present, targets and gaps, and the demo leader's own 包抓 projects."""

from __future__ import annotations

import datetime as dt

import pytest

from core.city import load_city
from core.config import built_in_config_path
from core.demo import demo_leader_name
from tests.support.demo import demo_client_for

TODAY = dt.date(2024, 11, 15)
CITIES = ["lanzhou", "ziyang", "sanming", "changsha", "pingliang"]


@pytest.fixture(scope="module", params=["sqlite"])
def demo_client(request, tmp_path_factory):
    """``demo_client(code)``: the city's demo, loaded once for the module."""
    loaded: dict[str, tuple] = {}

    def client_for(code):
        if code not in loaded:
            city = load_city(built_in_config_path(code))
            clients = demo_client_for(request, tmp_path_factory, city, TODAY)
            loaded[code] = (city, next(clients), clients)
        return loaded[code][:2]

    yield client_for
    for _, _, clients in loaded.values():
        next(clients, None)


@pytest.mark.parametrize("code", CITIES)
def test_the_demo_map_has_present_enterprises_targets_and_gaps(code, demo_client):
    _, client = demo_client(code)
    chains = client.get("/investment-map").json["chains"]
    assert len(chains) >= 3
    assert any(link["enterprises_present"] for chain in chains for link in chain["links"])
    assert all(chain["summary"]["targets"] >= 1 for chain in chains)
    assert any(chain["gaps"] for chain in chains)
    targeted = [gap for chain in chains for gap in chain["gaps"] if gap["targets"]]
    assert targeted  # the demo courts someone for a missing link


@pytest.mark.parametrize("code", CITIES)
def test_the_demo_leader_has_projects_of_their_own(code, demo_client):
    city, client = demo_client(code)
    leader = demo_leader_name(city.name)
    own = client.get("/projects", query_string={"leader": leader}).json["items"]
    assert own, f"{leader} leads no demo project"
    assert {project["leader_name"] for project in own} == {leader}
    assert {project["stage"] for project in own} <= {"signed", "started"}
