"""Changsha's pages of the web interface: the 一事一议 ledger and the cadence lists, read from
the city's own reports with their exports."""

from __future__ import annotations

from tests.support.web_pages import served_pages


def test_the_matters_ledger_and_cadence_lists_are_pages_of_the_office(client, today):
    year = today.year - 1  # periods gone by (a list is judged no earlier than its period's start)
    pages = served_pages(client, {"week": f"{year}-W19", "month": f"{year}-05", "half": f"{year}-H1",
                                  "year": str(year)})
    assert list(pages) == ["changsha_matters", "changsha_cadence", "changsha_review"]
    assert [s["source"] for s in pages["changsha_cadence"]["sections"]] == [
        "reports/changsha_weekly", "reports/changsha_monthly"]
    assert [f["name"] for f in pages["changsha_cadence"]["filters"]] == ["week", "month"]
    assert pages["changsha_matters"]["sections"][0]["title"] == "重大项目“一事一议”台账"
    assert all("clerk" not in page["roles"] for page in pages.values())
