"""Pingliang's pages of the web interface: the four lists (each with its export) and the
monthly statistics with its chart, read from the city's own reports."""

from __future__ import annotations

from decimal import Decimal

from core.testing.web_pages import served_pages
from plugins.pingliang.tests.conftest import advance, call, list_project, new_project


def test_the_four_lists_and_the_month_are_pages(client):
    project = new_project(client)
    advance(client, project["id"], "signed", {"signed": "2024-05-06"})
    list_project(client, project["id"])
    call(client, "POST", "/pingliang/opportunities", {"name": "静宁苹果冷链物流",
                                                      "unit": "jingning"}, 201)
    pages = served_pages(client, {"month": "2024-05"})
    assert list(pages) == ["pingliang_four_lists", "pingliang_monthly",
                           "pingliang_service_requests", "pingliang_my_service_requests"]
    sections = pages["pingliang_four_lists"]["sections"]
    assert [s["title"] for s in sections] == ["投资机会清单", "目标企业清单", "重点招商引资项目清单",
                                             "定制化政策支持清单"]
    assert sections[2]["export"] == "reports/pingliang_key_projects.xlsx"
    monthly = pages["pingliang_monthly"]
    assert monthly["filters"][0]["kind"] == "month"
    rows = client.get("/reports/pingliang_monthly_statistics?month=2024-05").json["rows"]
    assert Decimal({row["unit_name"]: row["signed_amount"] for row in rows}["崇信县"]) == 20000


def test_the_service_requests_are_a_list_of_their_own_and_a_section_of_each_project(client):
    """帮办代办 (rule 7): the service unit's list stays in the menu, and each project's page shows
    that project's requests (read with its id as the page's project_id filter) to the county's
    clerks, the office and the leaders."""
    first, second = new_project(client), new_project(client, name="平凉静宁苹果深加工项目")
    raised = {project["id"]: call(
        client, "POST", f"/pingliang/projects/{project['id']}/service-requests",
        {"kind": "approval", "need": "代办项目备案及节能审查", "unit": "dept_development",
         "raised_on": "2024-09-27"}, 201, as_=("clerk", "chongxin"))["id"]
        for project in (first, second)}
    pages = served_pages(client, {"project_id": str(first["id"]), "month": "2024-09"})
    page = pages["pingliang_service_requests"]
    assert page["shown_on"] == ["menu", "project"]
    assert {"clerk", "officer", "leader"} <= set(page["roles"])
    [section] = page["sections"]
    rows = client.get(f"/{section['source']}?project_id={first['id']}").json[section["rows"]]
    assert [row["id"] for row in rows] == [raised[first["id"]]]
    # The other pages are lists of their own only.
    assert {code: p["shown_on"] for code, p in pages.items() if code != page["code"]} == {
        "pingliang_four_lists": ["menu"], "pingliang_monthly": ["menu"],
        "pingliang_my_service_requests": ["menu"]}
