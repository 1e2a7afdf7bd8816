"""Pingliang's promotion fund (100万元 to the top county) is granted once per ranking: a rerun of
the same or an overlapping period proposes it again only while it is undecided (the earlier
proposal superseded), and never once it is approved."""

from __future__ import annotations

from plugins.pingliang.tests.conftest import call
from plugins.pingliang.tests.test_rule04_assessment import _run, _season


def county_fund(run):
    return [r for r in run["rewards"] if r["rule_code"] == "pingliang_county_fund"]


def test_the_promotion_fund_is_granted_once_per_ranking(client):
    _season(client)
    counties = _run(client, "pingliang_county_year", "2024")
    top = next(row for row in counties.values() if row["rank"] == 1)
    [first] = county_fund(call(client, "POST", "/rewards",
                               {"from": "2024-01-01", "to": "2024-12-31"}, 201))
    assert (first["recipient_name"], first["amount"]) == (top["unit_name"], "100.0000")
    assert first["ranking_run_id"] is not None
    assert first["scope_key"].endswith("ranking:pingliang_county_year:2024-01-01:2024-12-31")
    # Computed again before a decision: the same grant, the first proposal superseded.
    [second] = county_fund(call(client, "POST", "/rewards",
                                {"from": "2024-01-01", "to": "2024-12-31"}, 201))
    assert call(client, "GET", f"/rewards/{first['id']}")["state"] == "superseded"
    call(client, "POST", f"/rewards/{second['id']}/approve", {"reason": "年度考核第一名"})
    # Approved: neither the same period nor an overlapping one grants it again.
    for period in ({"from": "2024-01-01", "to": "2024-12-31"},
                   {"from": "2024-06-01", "to": "2024-12-31"}):
        assert county_fund(call(client, "POST", "/rewards", period, 201)) == []
    granted = call(client, "GET", "/rewards?rule=pingliang_county_fund&state=approved")
    assert granted["total"] == 1
    # The superseded proposal cannot be approved behind the ledger's back.
    refused = client.post(f"/rewards/{first['id']}/approve", json={"reason": "重复批准"})
    assert refused.status_code == 409
