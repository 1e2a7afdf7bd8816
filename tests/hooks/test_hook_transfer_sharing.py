"""``transfer_sharing``: how a transfer splits a project between the two units."""

from __future__ import annotations

from decimal import Decimal

from core import hookimpl
from core.policy import TransferSharing
from tests.support.cities import make_city
from tests.support.records import advance, create_project


class HalfToParks:
    @hookimpl
    def transfer_sharing(self, city, project, from_unit, to_unit):
        if to_unit.kind == "park":
            return TransferSharing(indicator_share_from=Decimal("0.5"),
                                   tax_share_from=Decimal("0.2"), indicator_sharing_from="start",
                                   tax_sharing_from="first_tax")
        return None


def test_hook_transfer_sharing_sets_the_split_of_a_transfer(client_for):
    client = client_for(make_city(extra_plugins=[("parks", HalfToParks())]))
    project = create_project(client, host_unit="park")
    [transfer] = client.get(f"/projects/{project['id']}/transfers").json
    assert (Decimal(transfer["indicator_share_from"]), Decimal(transfer["tax_share_from"])) == (
        Decimal("0.5"), Decimal("0.2"))
    assert (transfer["indicator_sharing_from"], transfer["tax_sharing_from"]) == (
        "start", "first_tax")
    other = create_project(client, 2, host_unit="west")
    [configured] = client.get(f"/projects/{other['id']}/transfers").json
    assert Decimal(configured["indicator_share_from"]) == Decimal("0.3")  # the city's 3:7


def test_hook_transfer_sharing_drives_the_figures(client_for):
    client = client_for(make_city(extra_plugins=[("parks", HalfToParks())]))
    project = create_project(client, amount="50000", host_unit="park")
    advance(client, project["id"], "started")
    groups = {g["key"]: g for g in client.get(
        "/stats?from=2024-01-01&to=2024-12-31&group_by=unit").json["groups"]}
    # Signed before the start: the host holds the signing; the start itself is shared 1:1.
    assert groups["park"]["signed_amount"] == "50000.0000"
    assert Decimal(groups["east"]["started_count"]) == Decimal(groups["park"]["started_count"]) == (
        Decimal("0.5"))
