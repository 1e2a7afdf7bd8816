"""Pingliang's demo reproduces the seed's January–May 2023 figures through ``/api/v1/stats``.

Seed 002 (Gansu Daily, 2023-06-09), out-of-province projects: 157 signed for 134亿元 (+102% year
on year), 154 started (98%), 73亿元 arrived (54%). The demo is loaded once per backend.
"""

from __future__ import annotations

import os
from decimal import ROUND_HALF_UP, Decimal

import pytest

from core.app import create_app
from core.cli import load_demo, prepare_database
from core.config import built_in_config_path
from core.testing.databases import BACKENDS

PERIOD = "from=2023-01-01&to=2023-05-31&out_of_province=true"


def percent(rate: str) -> Decimal:
    """A rate as the newspaper prints it: a whole percentage, half up."""
    return (Decimal(rate) * 100).quantize(Decimal(1), ROUND_HALF_UP)


@pytest.fixture(scope="module", params=BACKENDS)
def pingliang(request, tmp_path_factory):
    server = None
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('pingliang') / 'pingliang.db'}"
    else:
        server = request.getfixturevalue("postgres_server")
        url = server.create_database(f"pingliang_{os.getpid()}")
    app = create_app(built_in_config_path("pingliang"), database_url=url)
    prepare_database(app)
    counts = load_demo(app)
    assert counts["projects"] > 157
    yield app.test_client()
    app.extensions["zhaoshang"].engine.dispose()
    if server is not None:
        server.drop_database(f"pingliang_{os.getpid()}")


@pytest.fixture(scope="module")
def figures(pingliang):
    response = pingliang.get(f"/api/v1/stats?{PERIOD}")
    assert response.status_code == 200, response.json
    return response.json["total"]


def test_157_projects_signed_for_134_yi(figures):
    assert Decimal(figures["signed_count"]) == 157
    assert figures["signed_amount"] == "1340000.0000"  # 万元
    assert figures["signed_amount_yi"] == "134.00"


def test_154_started_a_start_rate_of_98_percent(figures):
    assert Decimal(figures["started_count"]) == 154
    assert percent(figures["start_rate"]) == 98


def test_73_yi_arrived_an_arrival_rate_of_54_percent(figures):
    assert figures["arrived_amount"] == "730000.0000"
    assert figures["arrived_amount_yi"] == "73.00"
    assert percent(figures["arrival_rate"]) == 54


def test_signed_amount_grew_102_percent_year_on_year(figures):
    assert percent(figures["signed_amount_growth"]) == 102


def test_the_counties_add_up_to_the_city(pingliang, figures):
    body = pingliang.get(f"/api/v1/stats?{PERIOD}&group_by=unit").json
    assert len(body["groups"]) > 1
    for key in ("signed_count", "signed_amount", "started_count", "arrived_amount"):
        assert sum(Decimal(g[key]) for g in body["groups"]) == Decimal(figures[key])
