"""Crediting a project to units: one project, shares that always make exactly one."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from core.credit import credit_shares, sharing_started

EAST, WEST = 1, 2


def project(*, transfers=(), signed_on=None, started_on=None, first_tax_on=None):
    attributes = {"first_tax_on": first_tax_on} if first_tax_on else {}
    host = transfers[-1].to_unit_id if transfers else EAST
    return SimpleNamespace(transfers=list(transfers), host_unit_id=host, signed_on=signed_on,
                           started_on=started_on, attributes=attributes)


def transfer(indicator="0.3", tax="0.1", indicator_from="signing", tax_from="signing"):
    return SimpleNamespace(from_unit_id=EAST, to_unit_id=WEST,
                           indicator_share_from=Decimal(indicator), tax_share_from=Decimal(tax),
                           indicator_sharing_from=indicator_from, tax_sharing_from=tax_from)


DAY = dt.date(2024, 6, 1)


def test_an_untransferred_project_belongs_wholly_to_its_host():
    assert credit_shares(project(signed_on=DAY), DAY) == {EAST: Decimal(1)}


def test_a_transferred_signed_project_splits_three_to_seven():
    shares = credit_shares(project(transfers=[transfer()], signed_on=DAY), DAY)
    assert shares == {EAST: Decimal("0.3"), WEST: Decimal("0.7")}
    assert sum(shares.values()) == 1


def test_tax_uses_its_own_ratio():
    shares = credit_shares(project(transfers=[transfer()], signed_on=DAY), DAY, kind="tax")
    assert shares == {EAST: Decimal("0.1"), WEST: Decimal("0.9")}


def test_before_sharing_starts_the_host_holds_everything():
    before = DAY - dt.timedelta(days=1)
    assert credit_shares(project(transfers=[transfer()], signed_on=DAY), before) == {
        WEST: Decimal(1)}


@pytest.mark.parametrize(("starts", "facts", "started"), [
    ("signing", {"signed_on": DAY}, True),
    ("signing", {}, False),
    ("start", {"signed_on": DAY}, False),
    ("start", {"signed_on": DAY, "started_on": DAY}, True),
    ("first_tax", {"signed_on": DAY}, False),
    ("first_tax", {"first_tax_on": "2024-05-31"}, True),
    ("first_tax", {"first_tax_on": "2024-06-02"}, False),
])
def test_when_sharing_starts(starts, facts, started):
    assert sharing_started(project(**facts), starts, DAY) is started


def test_an_unknown_start_is_a_programming_error():
    with pytest.raises(ValueError):
        sharing_started(project(), "whenever", DAY)


def test_the_latest_transfer_decides():
    later = SimpleNamespace(from_unit_id=EAST, to_unit_id=3, indicator_share_from=Decimal("0.4"),
                            tax_share_from=Decimal("0.4"), indicator_sharing_from="signing",
                            tax_sharing_from="signing")
    shares = credit_shares(project(transfers=[transfer(), later], signed_on=DAY), DAY)
    assert shares == {EAST: Decimal("0.4"), 3: Decimal("0.6")}
