"""The province gives each city's out-of-province started, arrived and rates, as the city does.

Seed 002 (Gansu Daily, 2023-06-09) on Pingliang: "今年前5个月，新签约省外招商引资项目157项，签约总额
134亿元，同比增长102%；开工154项，开工率98%；到位资金73亿元，资金到位率54%。" Gansu publishes the
out-of-province figures apart; the province must show the same, computed from the events it
received, so a city's published figures can be checked at the province.

Pingliang's demo is loaded into a real city service; every event in its outbox is turned into
the Kafka message the relay would publish (:func:`core.relay.cloudevent_message`), read back
(:func:`province.records.read_event`) and applied by :func:`province.store.apply_events`.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest

from core.app import create_app
from core.cli import load_demo, prepare_database
from core.config import built_in_config_path
from tests.support.province import province_of

SPAN = "from=2023-01-01&to=2023-05-31"
FIGURES = ("signed_count", "signed_amount", "started_count", "start_rate", "arrived_amount",
           "arrival_rate", "arrived_pending_amount", "signed_amount_growth")


def percent(value: str) -> Decimal:
    return (Decimal(value) * 100).quantize(Decimal(1), ROUND_HALF_UP)


@pytest.fixture(scope="module")
def pingliang(tmp_path_factory):
    """Pingliang's city service with its demo, and the province that received its events."""
    folder = tmp_path_factory.mktemp("out-of-province")
    city = create_app(built_in_config_path("pingliang"),
                      database_url=f"sqlite:///{folder / 'pingliang.db'}")
    prepare_database(city)
    load_demo(city)
    runtime = city.extensions["zhaoshang"]
    assert runtime.city.topic.rsplit(".", 1)[0] == "zhaoshang"
    province = province_of(city, folder, names={"pingliang": "平凉市"})
    yield city.test_client(), province.test_client()
    runtime.engine.dispose()
    province.extensions["zhaoshang_province"].engine.dispose()


def test_the_province_shows_pingliangs_out_of_province_figures_as_the_city_publishes_them(
        pingliang):
    city, province = pingliang
    published = city.get(f"/api/v1/pingliang/out-of-province?{SPAN}")
    assert published.status_code == 200, published.json
    response = province.get(f"/api/v1/province/cities?{SPAN}")
    assert response.status_code == 200, response.json
    [row] = response.json["cities"]
    held = row["out_of_province"]
    for name in FIGURES:
        mine, theirs = held[name], published.json["out_of_province"][name]
        assert (mine if mine is None else Decimal(mine)) == (
            theirs if theirs is None else Decimal(theirs)), name
    # The seed's sentence, read at the province: 157 signed for 134亿元 (+102%), 154 started
    # (98%), 73亿元 arrived (54%).
    assert (Decimal(held["signed_count"]), held["signed_amount_yi"]) == (157, "134.00")
    assert percent(held["signed_amount_growth"]) == 102
    assert (Decimal(held["started_count"]), percent(held["start_rate"])) == (154, 98)
    assert (held["arrived_amount_yi"], percent(held["arrival_rate"])) == ("73.00", 54)
    # The flat signed figures the province gave before are the same projects.
    assert (row["out_of_province_signed_count"], row["out_of_province_signed_amount"]) == (
        held["signed_count"], held["signed_amount"])

