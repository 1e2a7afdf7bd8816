"""Rules 5 and 6: out-of-province projects and funds reported apart; results per channel."""

from __future__ import annotations

from decimal import Decimal

from core.testing.records import add_funds
from plugins.pingliang.tests.conftest import advance, call, investor, new_project


def _signed(client, channel, province, amount, arrived=None):
    project = new_project(client, channel=channel, amount=amount, agreement_amount=amount,
                          enterprise=investor(origin_province=province))
    advance(client, project["id"], "started", {"signed": "2024-03-01", "started": "2024-04-01"})
    if arrived:
        add_funds(client, project["id"], arrived, "2024-05-01")
    return project


def test_out_of_province_figures_stand_apart_from_in_province_ones(client):
    _signed(client, "chain", "陕西省", "30000", "12000")
    _signed(client, "fair", "甘肃省", "10000")
    body = call(client, "GET", "/pingliang/out-of-province?from=2024-01-01&to=2024-12-31")
    assert (Decimal(body["out_of_province"]["signed_count"]),
            body["out_of_province"]["signed_amount"],
            body["out_of_province"]["arrived_amount"]) == (1, "30000.0000", "12000.0000")
    assert body["in_province"]["signed_amount"] == "10000.0000"
    assert body["all"]["signed_amount"] == "40000.0000"
    assert Decimal(body["out_of_province_share"]) == Decimal("0.75")
    stats = call(client, "GET", "/stats?from=2024-01-01&to=2024-12-31&out_of_province=true")
    assert stats["total"]["signed_amount"] == body["out_of_province"]["signed_amount"]
    rows = call(client, "GET", "/reports/pingliang_out_of_province?from=2024-01-01&to=2024-12-31")
    assert rows["rows"][-1]["label"] == "全市省外合计"


def test_each_channel_shows_its_leads_and_projects_and_they_add_up(client):
    _signed(client, "returning_natives", "陕西省", "30000")
    _signed(client, "online_signing", "陕西省", "10000")
    _signed(client, "commissioned", "陕西省", "5000")
    call(client, "POST", "/leads", {
        "title": "归雁工程返乡投资", "enterprise": investor(), "reporting_unit": "zhuanglang",
        "channel": "returning_natives", "reported_on": "2024-02-01"}, 201)
    rows = {row["channel"]: row
            for row in call(client, "GET", "/pingliang/channels?from=2024-01-01&to=2024-12-31")}
    assert list(rows) == ["leader_led", "chain", "fair", "intermediary", "resident_office",
                          "ambassador", "online_signing", "returning_natives", "other"]
    natives = rows["returning_natives"]
    assert (natives["label"], natives["leads_reported"], natives["signed_amount"]) == (
        "归雁工程", 1, "30000.0000")
    assert rows["other"]["signed_amount"] == "5000.0000"  # 委托招商 is not one of the eight
    assert sum(Decimal(row["signed_amount"]) for row in rows.values()) == 45000
    bad = client.get("/pingliang/channels?from=2024-12-31&to=2024-01-01")
    assert bad.status_code == 400 and bad.json["errors"][0]["field"] == "from"
