"""Every built-in city's demo shows its investment map with enterprises present, targets and gaps."""

from __future__ import annotations

import datetime as dt

import pytest

from core.city import load_city
from core.config import built_in_config_path
from tests.support.demo import demo_client_for

TODAY = dt.date(2024, 11, 15)


@pytest.fixture(scope="module", params=["sqlite"])
def demo_clients(request, tmp_path_factory):
    return request, tmp_path_factory


@pytest.mark.parametrize("code", ["lanzhou", "ziyang", "sanming", "changsha", "pingliang"])
def test_the_demo_map_has_present_enterprises_targets_and_gaps(code, demo_clients):
    request, tmp_path_factory = demo_clients
    clients = demo_client_for(request, tmp_path_factory, load_city(built_in_config_path(code)),
                              TODAY)
    client = next(clients)
    try:
        body = client.get("/investment-map").json
        chains = body["chains"]
        assert len(chains) >= 3
        assert any(link["enterprises_present"] for chain in chains for link in chain["links"])
        assert all(chain["summary"]["targets"] >= 1 for chain in chains)
        assert any(chain["gaps"] for chain in chains)
        targeted = [gap for chain in chains for gap in chain["gaps"] if gap["targets"]]
        assert targeted  # the demo courts someone for a missing link
    finally:
        next(clients, None)
