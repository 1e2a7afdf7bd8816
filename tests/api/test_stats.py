"""``/api/v1/stats``: the figures of DOMAIN.md over a date range, year on year, and grouped."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.support.records import figures_projects

ADDITIVE = ("signed_count", "signed_amount", "started_count", "arrived_amount",
            "previous_signed_amount", "fulfilling_count")
YEAR = "from=2024-01-01&to=2024-12-31"


@pytest.fixture
def figures_city(client):
    """The data set of :func:`tests.support.records.figures_projects`."""
    figures_projects(client)
    return client


def stats(client, query):
    response = client.get(f"/stats?{query}")
    assert response.status_code == 200, response.json
    return response.json


def test_the_city_figures_of_a_year(figures_city):
    body = stats(figures_city, YEAR)
    assert (body["from"], body["to"]) == ("2024-01-01", "2024-12-31")
    total = body["total"]
    assert Decimal(total["signed_count"]) == 2
    assert total["signed_amount"] == "100000.0000"
    assert total["signed_amount_yi"] == "10.00"
    assert Decimal(total["started_count"]) == 1  # project 3 started the year before
    assert total["start_rate"] == "0.5000"
    assert total["arrived_amount"] == "40000.0000"  # funds count in the year they arrive
    assert total["arrived_amount_yi"] == "4.00"
    assert total["arrival_rate"] == "0.4000"
    assert body["groups"] == []


def test_year_on_year_compares_the_same_period_of_last_year(figures_city):
    total = stats(figures_city, YEAR)["total"]
    assert total["previous_signed_amount"] == "50000.0000"
    assert total["signed_amount_growth"] == "1.0000"  # (100000 − 50000) ÷ 50000
    # A period with nothing a year before has no growth figure rather than an infinite one.
    early = stats(figures_city, "from=2024-03-01&to=2024-03-31")["total"]
    assert early["signed_amount"] == "60000.0000"
    assert early["signed_amount_growth"] is None


def test_out_of_province_figures(figures_city):
    outside = stats(figures_city, YEAR + "&out_of_province=true")
    assert outside["out_of_province"] is True
    total = outside["total"]
    assert (Decimal(total["signed_count"]), total["signed_amount"]) == (1, "60000.0000")
    assert total["arrived_amount"] == "40000.0000"
    assert total["arrival_rate"] == "0.6667"
    assert total["signed_amount_growth"] == "0.2000"  # (60000 − 50000) ÷ 50000
    inside = stats(figures_city, YEAR + "&out_of_province=false")["total"]
    assert inside["signed_amount"] == "40000.0000"


def test_an_empty_period_has_zeros_and_no_rates(figures_city):
    total = stats(figures_city, "from=2020-01-01&to=2020-12-31")["total"]
    assert Decimal(total["signed_count"]) == 0
    assert (total["start_rate"], total["arrival_rate"], total["signed_amount_growth"]) == (
        None, None, None)


def assert_groups_sum_to_total(body):
    for key in ADDITIVE:
        assert sum(Decimal(group[key]) for group in body["groups"]) == Decimal(
            body["total"][key]), key


def test_grouping_by_industry_labels_and_sums_to_the_total(figures_city):
    body = stats(figures_city, YEAR + "&group_by=industry")
    groups = {group["key"]: group for group in body["groups"]}
    assert {key: group["label"] for key, group in groups.items()} == {
        "agriculture": "现代农业", "manufacturing": "先进制造", "tourism": "文化旅游"}
    assert groups["manufacturing"]["signed_amount"] == "60000.0000"
    assert groups["manufacturing"]["arrived_amount"] == "30000.0000"
    assert groups["tourism"]["arrived_amount"] == "10000.0000"
    assert groups["tourism"]["previous_signed_amount"] == "50000.0000"
    assert_groups_sum_to_total(body)


@pytest.mark.parametrize("group_by", ["unit", "industry", "channel", "month"])
def test_every_grouping_sums_to_the_total(figures_city, group_by):
    assert_groups_sum_to_total(stats(figures_city, f"{YEAR}&group_by={group_by}"))


def test_grouping_by_channel_and_month(figures_city):
    channels = {g["key"]: g for g in stats(figures_city, YEAR + "&group_by=channel")["groups"]}
    assert channels["fair"]["label"] == "节会推介招"
    assert channels["fair"]["signed_amount"] == "60000.0000"
    assert channels["chain"]["signed_amount"] == "40000.0000"
    months = {g["key"]: g for g in stats(figures_city, YEAR + "&group_by=month")["groups"]}
    assert months["2024-03"]["signed_amount"] == "60000.0000"
    assert Decimal(months["2024-04"]["started_count"]) == 1
    assert months["2024-02"]["arrived_amount"] == "10000.0000"
    # Last year's May signing lines up with this year's May.
    assert months["2024-05"]["previous_signed_amount"] == "50000.0000"


def test_grouping_by_unit_credits_each_units_projects(figures_city):
    units = {g["key"]: g for g in stats(figures_city, YEAR + "&group_by=unit")["groups"]}
    assert units["east"]["label"] == "东区"
    assert units["east"]["signed_amount"] == "60000.0000"
    assert units["west"]["signed_amount"] == "40000.0000"


def test_a_rejected_tranche_leaves_the_figures(figures_city):
    client = figures_city
    project = client.get("/projects?sort=-amount&stage=started").json["items"][0]
    tranche = client.get(f"/projects/{project['id']}/funds").json[0]
    client.post(f"/projects/{project['id']}/funds/{tranche['id']}/verification",
                json={"verification": "rejected"})
    assert stats(client, YEAR)["total"]["arrived_amount"] == "10000.0000"


def test_a_lost_project_is_signed_but_not_fulfilling(figures_city):
    client = figures_city
    signed = client.get("/projects?stage=signed").json["items"][0]
    client.post(f"/projects/{signed['id']}/transitions",
                json={"target": "lost", "occurred_on": "2024-09-01", "reason": "投资方撤资"})
    total = stats(client, YEAR)["total"]
    assert Decimal(total["signed_count"]) == 2
    assert Decimal(total["fulfilling_count"]) == 1
    assert total["fulfilment_rate"] == "0.5000"
