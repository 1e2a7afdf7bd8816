"""Transfers (流转): a project is credited once, split between 招商方 and 落户方, never doubled."""

from __future__ import annotations

from decimal import Decimal

from core.policy import TransferSharing
from tests.support.cities import make_city
from tests.support.records import add_funds, advance, create_project, events_of, row_counts

YEAR = "from=2024-01-01&to=2024-12-31"


def by_unit(client, query=YEAR):
    response = client.get(f"/stats?{query}&group_by=unit")
    assert response.status_code == 200, response.json
    return response.json["total"], {group["key"]: group for group in response.json["groups"]}


def transferred_project(client, **dates):
    """Found by east, landed in west, then signed and started in 2024."""
    project = create_project(client, amount="50000")
    response = client.post(f"/projects/{project['id']}/transfers",
                           json={"to_unit": "west", "agreed_on": "2024-01-20",
                                 "reason": "东区无用地指标"})
    assert response.status_code == 201, response.json
    advance(client, project["id"], "started", dates or None)
    return project["id"]


def test_a_transfer_records_both_units_and_the_citys_ratios(client, app):
    project_id = transferred_project(client)
    [transfer] = client.get(f"/projects/{project_id}/transfers").json
    assert (transfer["from_unit"], transfer["to_unit"]) == ("east", "west")
    # The test city: indicators 3:7, tax 1:9, both shared from signing.
    assert Decimal(transfer["indicator_share_from"]) == Decimal("0.3")
    assert Decimal(transfer["tax_share_from"]) == Decimal("0.1")
    assert (transfer["indicator_sharing_from"], transfer["tax_sharing_from"]) == (
        "signing", "signing")
    assert transfer["reason"] == "东区无用地指标"
    project = client.get(f"/projects/{project_id}").json
    assert (project["finding_unit"], project["host_unit"]) == ("east", "west")
    history = client.get(f"/projects/{project_id}/history").json
    assert {"action": "transfer", "changes": {"host_unit": ["east", "west"]}}.items() <= next(
        change for change in history if change["action"] == "transfer").items()
    [event] = events_of(app, "zhaoshang.project.transferred")
    assert event.data["transfer"]["indicator_share_from"] == "0.3"
    assert event.data["host_unit"] == "west"


def test_three_to_seven_splits_every_figure_and_keeps_the_city_total(client):
    project_id = transferred_project(client)
    add_funds(client, project_id, "20000", "2024-05-01")
    total, units = by_unit(client)
    assert Decimal(total["signed_count"]) == 1
    assert total["signed_amount"] == "50000.0000"
    assert total["arrived_amount"] == "20000.0000"
    assert (Decimal(units["east"]["signed_count"]), Decimal(units["west"]["signed_count"])) == (
        Decimal("0.3"), Decimal("0.7"))
    assert (units["east"]["signed_amount"], units["west"]["signed_amount"]) == (
        "15000.0000", "35000.0000")
    assert (Decimal(units["east"]["started_count"]), Decimal(units["west"]["started_count"])) == (
        Decimal("0.3"), Decimal("0.7"))
    assert (units["east"]["arrived_amount"], units["west"]["arrived_amount"]) == (
        "6000.0000", "14000.0000")
    # Split, never doubled: the two shares make exactly the city's 100%.
    for key in ("signed_count", "signed_amount", "started_count", "arrived_amount"):
        assert Decimal(units["east"][key]) + Decimal(units["west"][key]) == Decimal(total[key])
    assert set(units) == {"east", "west"}


def test_sharing_from_construction_start_waits_for_the_start(client_for):
    client = client_for(make_city(policy={"indicator_sharing_from": "start"}))
    project_id = transferred_project(client)  # signed 2024-03-01, started 2024-04-01
    add_funds(client, project_id, "10000", "2024-03-15")  # before the start: all to the host
    add_funds(client, project_id, "20000", "2024-05-01")  # after it: 3:7
    total, units = by_unit(client)
    assert Decimal(units["west"]["signed_count"]) == 1
    assert "east" not in units or Decimal(units["east"]["signed_count"]) == 0
    assert (Decimal(units["east"]["started_count"]), Decimal(units["west"]["started_count"])) == (
        Decimal("0.3"), Decimal("0.7"))
    assert units["east"]["arrived_amount"] == "6000.0000"
    assert units["west"]["arrived_amount"] == "24000.0000"
    assert total["arrived_amount"] == "30000.0000"
    # Before construction starts, the finding unit has nothing of the project at all.
    _, march = by_unit(client, "from=2024-03-01&to=2024-03-31")
    assert set(march) == {"west"}


def test_a_transfer_before_signing_shares_nothing_until_signing(client):
    project = create_project(client, amount="50000")
    client.post(f"/projects/{project['id']}/transfers", json={"to_unit": "west"})
    total, units = by_unit(client)
    assert Decimal(total["signed_count"]) == 0
    assert units == {}


def test_a_transfer_to_the_current_host_is_refused(client, app):
    project = create_project(client)
    before = row_counts(app, "transfers", "projects")
    response = client.post(f"/projects/{project['id']}/transfers", json={"to_unit": "east"})
    assert response.status_code == 400
    assert response.json["errors"][0]["code"] == "transfer.same_unit"
    response = client.post(f"/projects/{project['id']}/transfers", json={"to_unit": "atlantis"})
    assert response.json["errors"][0]["field"] == "to_unit"
    assert row_counts(app, "transfers", "projects") == before


def test_a_negotiated_ratio_needs_a_city_that_allows_it(client, client_for):
    project = create_project(client)
    response = client.post(f"/projects/{project['id']}/transfers",
                           json={"to_unit": "west", "indicator_ratio": "4:6"})
    assert response.status_code == 400
    assert response.json["errors"][0]["code"] == "transfer.not_negotiable"
    negotiable = client_for(make_city(policy={"transfer_negotiable": True}))
    project = create_project(negotiable, 2)
    response = negotiable.post(f"/projects/{project['id']}/transfers",
                               json={"to_unit": "west", "indicator_ratio": "4:6",
                                     "tax_ratio": "2:8"})
    assert response.status_code == 201
    assert Decimal(response.json["indicator_share_from"]) == Decimal("0.4")
    assert Decimal(response.json["tax_share_from"]) == Decimal("0.2")
    bad = negotiable.post(f"/projects/{project['id']}/transfers",
                          json={"to_unit": "park", "indicator_ratio": "四比六"})
    assert bad.status_code == 400
    assert bad.json["errors"][0] == {"field": "indicator_ratio", "code": "ratio.format",
                                     "message": "比例格式应为 m:n，例如 3:7"}


def test_sharing_defaults_come_from_the_citys_configuration(city):
    from core.defaults import transfer_sharing

    sharing = transfer_sharing(city=city, project=None, from_unit=None, to_unit=None)
    assert sharing == TransferSharing(indicator_share_from=Decimal("0.3"),
                                      tax_share_from=Decimal("0.1"),
                                      indicator_sharing_from="signing",
                                      tax_sharing_from="signing")
