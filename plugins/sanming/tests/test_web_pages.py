"""Sanming's pages of the web interface: the monthly battle report with its charts and export,
the lead points table and the key-project list, read from the city's own reports."""

from __future__ import annotations

from plugins.sanming.tests.conftest import new_lead
from tests.support.web_pages import served_pages


def test_the_battle_report_page_reads_the_month_of_the_report(client):
    new_lead(client, reporting_unit="mingxi", reported_on="2024-05-06")
    pages = served_pages(client, {"month": "2024-05"})
    assert list(pages) == ["sanming_battle", "sanming_lead_points", "sanming_key_list"]
    battle = pages["sanming_battle"]
    assert battle["title"] == "每月战报"
    assert "clerk" in battle["roles"] and battle["filters"][0]["kind"] == "month"
    [section] = battle["sections"]
    assert section["source"] == "reports/sanming_battle"
    assert section["export"] == "reports/sanming_battle.xlsx"
    headings = {column["key"]: (column["heading"], column["format"]) for column in section["columns"]}
    assert headings["signed_amount"] == ("签约金额", "amount")
    rows = client.get("/reports/sanming_battle?month=2024-05").json["rows"]
    assert {row["unit"]: row["leads_reported"] for row in rows}["mingxi"] == 1
    assert pages["sanming_key_list"]["roles"] == ["officer", "leader", "admin"]
