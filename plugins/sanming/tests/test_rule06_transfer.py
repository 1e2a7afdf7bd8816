"""Rule 6 — transfer (Seed 三(二)11): 招商方 : 落户方 = 3:7, negotiable per project;
indicators split from construction start, tax from the project's first tax, settled at year
end once both sides confirm."""

from __future__ import annotations

from decimal import Decimal

from core.testing.records import add_funds, row_counts
from plugins.sanming.tests.conftest import advance, call, new_project


def by_unit(client, date_from="2024-01-01", date_to="2024-12-31"):
    body = call(client, "GET", f"/stats?from={date_from}&to={date_to}&group_by=unit")
    return {group["key"]: group for group in body["groups"]}


def shares(transfer):
    return Decimal(transfer["indicator_share_from"]), Decimal(transfer["tax_share_from"])


def transferred(client, ratio=None, **overrides):
    project = new_project(client, **overrides)
    body = {"to_unit": "sm_hitech", "agreed_on": "2024-02-15"}
    if ratio:
        body |= {"indicator_ratio": ratio, "tax_ratio": ratio}
    transfer = call(client, "POST", f"/projects/{project['id']}/transfers", body, 201)
    return project, transfer


def test_default_is_3_7_and_a_negotiated_4_6_is_kept(client):
    _, default = transferred(client)
    assert shares(default) == (Decimal("0.3"), Decimal("0.3"))
    assert default["indicator_sharing_from"] == "start"
    assert default["tax_sharing_from"] == "first_tax"
    _, negotiated = transferred(client, "4:6")
    assert shares(negotiated) == (Decimal("0.4"), Decimal("0.4"))


def test_indicators_stay_with_the_landing_side_until_construction_starts(client):
    project, _ = transferred(client, "4:6")
    advance(client, project["id"], "signed", {"signed": "2024-03-01"})
    before = by_unit(client)
    # Signed before the start: the landing side (高新区) reports and holds all of it.
    assert Decimal(before["sm_hitech"]["signed_count"]) == 1
    assert Decimal(before["sm_hitech"]["signed_amount"]) == 50000
    assert "yongan" not in before
    advance(client, project["id"], "started", {"started": "2024-04-01"})
    add_funds(client, project["id"], "10000", "2024-05-02")
    after = by_unit(client)
    # From the start on, the negotiated 4:6: 0.4 of a start and of the funds to 永安市.
    assert Decimal(after["yongan"]["started_count"]) == Decimal("0.4")
    assert Decimal(after["sm_hitech"]["started_count"]) == Decimal("0.6")
    assert Decimal(after["yongan"]["arrived_amount"]) == 4000
    assert Decimal(after["sm_hitech"]["arrived_amount"]) == 6000
    total = call(client, "GET", "/stats?from=2024-01-01&to=2024-12-31")["total"]
    assert Decimal(total["started_count"]) == 1 and Decimal(total["arrived_amount"]) == 10000


def test_tax_is_shared_from_the_first_tax_after_both_sides_confirm(client):
    project, _ = transferred(client)
    advance(client, project["id"], "started")
    no_tax_yet = call(client, "POST", f"/sanming/projects/{project['id']}/tax-settlements",
                      {"year": 2024, "local_tax": "500"}, 201, as_=("clerk", "sm_hitech"))
    assert (no_tax_yet["from_amount"], no_tax_yet["to_amount"]) == ("0.0000", "500.0000")
    call(client, "PATCH", f"/projects/{project['id']}",
         {"attributes": {"first_tax_on": "2025-03-01"}})
    settlement = call(client, "POST", f"/sanming/projects/{project['id']}/tax-settlements",
                      {"year": 2025, "local_tax": "860"}, 201, as_=("clerk", "sm_hitech"))
    assert Decimal(settlement["from_share"]) == Decimal("0.3")
    assert (settlement["from_amount"], settlement["to_amount"]) == ("258.0000", "602.0000")
    path = f"/sanming/tax-settlements/{settlement['id']}/confirmation"
    call(client, "POST", path, {}, 403)  # the office cannot confirm for a county
    first = call(client, "POST", path, {"confirmed_on": "2026-01-10"}, as_=("clerk", "yongan"))
    assert first["settled_on"] is None
    call(client, "POST", path, {}, 409, as_=("clerk", "yongan"))
    both = call(client, "POST", path, {"confirmed_on": "2026-01-12"}, as_=("clerk", "sm_hitech"))
    assert both["settled_on"] == "2026-01-12"


def test_a_project_that_did_not_move_has_no_tax_to_share(client, app):
    project = new_project(client)
    before = row_counts(app, "sanming_tax_settlements")
    refused = client.post(f"/sanming/projects/{project['id']}/tax-settlements",
                          json={"year": 2024, "local_tax": "100"})
    assert refused.status_code == 409
    assert refused.json["refusals"][0]["rule"] == "sanming.tax.not_transferred"
    floated = client.post(f"/sanming/projects/{project['id']}/tax-settlements",
                          json={"year": 2024, "local_tax": "1e2"})
    assert floated.status_code == 400
    assert floated.json["errors"][0]["code"] == "money.format"
    assert row_counts(app, "sanming_tax_settlements") == before
