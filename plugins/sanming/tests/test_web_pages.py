"""Sanming's pages of the web interface: the monthly battle report with its charts and export,
the lead points table and the key-project list, read from the city's own reports."""

from __future__ import annotations

from core.testing.web_pages import served_pages
from plugins.sanming.tests.conftest import new_lead, new_project, review_legal_account


def test_the_battle_report_page_reads_the_month_of_the_report(client):
    new_lead(client, reporting_unit="mingxi", reported_on="2024-05-06")
    project = new_project(client)
    pages = served_pages(client, {"month": "2024-05", "project_id": str(project["id"])})
    assert list(pages) == ["sanming_battle", "sanming_lead_points", "sanming_key_list",
                           "sanming_legal_review"]
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


def test_the_legal_account_review_is_a_section_of_the_project_page_for_every_reader(client):
    """Seed 三(五)29: 依法依规算清环保安全与用地用林等“法规帐” — shown on each project's page
    (shown_on "project", read with its project_id filter) to clerks, the office and leaders."""
    project = new_project(client)
    review_legal_account(client, project["id"], forest="fail")
    pages = served_pages(client, {"project_id": str(project["id"])})
    page = pages["sanming_legal_review"]
    assert page["filters"][0]["name"] == "project_id"
    # On the project's page only: the review means nothing without its project.
    assert page["shown_on"] == ["project"]
    assert all(pages[code]["shown_on"] == ["menu"] for code in pages if code != page["code"])
    assert {"clerk", "officer", "leader"} <= set(page["roles"])
    [section] = page["sections"]
    rows = client.get(f"/{section['source']}?project_id={project['id']}").json[section["rows"]]
    assert [(row["item_name"], row["finding_label"]) for row in rows] == [
        ("环保", "通过"), ("安全", "通过"), ("用地", "通过"), ("林地", "不通过")]
