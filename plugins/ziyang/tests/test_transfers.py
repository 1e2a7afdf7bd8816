"""Rule 3 (Seed 三): a project the first-talk location cannot host is transferred; first-talk
location : registered location share signed funds, arrived funds and other indicators 3:7 and
tax 1:9 — both ratios configurable — and the figures are split, never doubled."""

from __future__ import annotations

from decimal import Decimal

from core.testing.records import add_funds
from plugins.ziyang.tests.conftest import call, new_project, ready_to_sign, sign, ziyang_city


def transferred_and_signed(client) -> dict:
    """Found by 雁江区, landed in 资阳高新区: 5亿元 signed, 1亿元 arrived, 500万元 tax paid."""
    project = new_project(client, finding_unit="yanjiang")
    transfer = call(client, "POST", f"/projects/{project['id']}/transfers",
                    {"to_unit": "hightech_zone", "agreed_on": "2024-02-10",
                     "reason": "首谈地不具备用地条件"}, 201)
    ready_to_sign(client, project["id"])
    assert sign(client, project["id"], "2024-03-01").status_code == 200
    add_funds(client, project["id"], "10000", "2024-04-15")
    call(client, "PATCH", f"/projects/{project['id']}", {"attributes": {"tax_paid": "500"}})
    return transfer


def test_a_transfer_records_3_7_for_indicators_and_1_9_for_tax(client):
    transfer = transferred_and_signed(client)

    assert (transfer["from_unit"], transfer["to_unit"]) == ("yanjiang", "hightech_zone")
    assert Decimal(transfer["indicator_share_from"]) == Decimal("0.3")
    assert Decimal(transfer["tax_share_from"]) == Decimal("0.1")


def test_a_transferred_projects_figures_split_3_7_and_tax_1_9_with_totals_unchanged(client):
    transferred_and_signed(client)

    [row] = call(client, "GET", "/ziyang/transfers/split?on=2024-12-31")

    for key, total, from_part, to_part in (("signed_amount", "50000", "15000", "35000"),
                                           ("arrived_amount", "10000", "3000", "7000"),
                                           ("tax_paid", "500", "50", "450")):
        parts = [Decimal(row[key]), Decimal(row[f"{key}_from"]), Decimal(row[f"{key}_to"])]
        assert parts == [Decimal(total), Decimal(from_part), Decimal(to_part)], key
        assert parts[1] + parts[2] == parts[0]


def test_the_citys_unit_figures_credit_each_side_once(client):
    transferred_and_signed(client)

    body = call(client, "GET", "/stats?from=2024-01-01&to=2024-12-31&group_by=unit")

    groups = {group["key"]: group for group in body["groups"]}
    assert Decimal(groups["yanjiang"]["signed_amount"]) == Decimal("15000")
    assert Decimal(groups["hightech_zone"]["signed_amount"]) == Decimal("35000")
    assert Decimal(groups["yanjiang"]["arrived_amount"]) == Decimal("3000")
    assert sum(Decimal(g["signed_amount"]) for g in body["groups"]) == Decimal(
        body["total"]["signed_amount"]) == Decimal("50000")


def test_the_tax_ratio_follows_configuration_when_the_province_rule_arrives(db_url):
    from core.testing.cities import ready_app
    from core.testing.http import ApiClient

    city = ziyang_city(policy={"transfer_tax_ratio": "2:8"})
    app = ready_app(city, db_url)
    try:
        transfer = transferred_and_signed(ApiClient(app.test_client()))
        assert Decimal(transfer["tax_share_from"]) == Decimal("0.2")
        assert Decimal(transfer["indicator_share_from"]) == Decimal("0.3")
    finally:
        app.extensions["zhaoshang"].engine.dispose()


def test_the_ratios_are_not_negotiable_per_project(client):
    project = new_project(client)
    response = client.post(f"/projects/{project['id']}/transfers",
                           json={"to_unit": "anyue", "indicator_ratio": "5:5"})
    assert response.status_code == 400
    assert response.json["errors"][0]["code"] == "transfer.not_negotiable"


def test_tax_paid_must_be_an_exact_amount(client):
    project = new_project(client)
    response = client.patch(f"/projects/{project['id']}", json={"attributes": {"tax_paid": "12.5e0"}})
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "attributes.tax_paid"
    assert response.json["errors"][0]["code"] == "money.format"
