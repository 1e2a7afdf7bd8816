"""Lanzhou's pages of the web interface, each section read from the plugin's own API with
rows in it: registrations, reserve depth, penalties, major projects, promotions, targets."""

from __future__ import annotations

from core.testing.web_pages import served_pages
from plugins.lanzhou.tests.conftest import call, new_project, signed_project


def test_every_page_reads_the_citys_api_with_the_declared_columns(client):
    signed_project(client, amount="100000", attributes={"team": "一企一策项目团队"})
    new_project(client, attributes={"business_plan": {"reached_on": "2024-05-10",
                                                      "document": "商业计划书"}})
    call(client, "POST", "/lanzhou/penalties", {"unit": "xigu", "occurred_on": "2024-08-20",
                                                "points": "3", "reason": "项目流失"}, 201)
    call(client, "POST", "/lanzhou/promotions", {"held_on": "2024-03-16", "place": "上海",
                                                 "theme": "兰州市专题招商推介会"}, 201)
    call(client, "POST", "/lanzhou/targets", {
        "name": "中国中车", "category": "央企", "region": "环渤海", "responsible_unit": "lz_econ",
        "approach_plan": "登门拜访"}, 201)
    pages = served_pages(client, {"year": "2024"})
    assert list(pages) == ["lanzhou_registrations", "lanzhou_reserve_depth", "lanzhou_penalties",
                           "lanzhou_major_projects", "lanzhou_promotions", "lanzhou_targets",
                           "lanzhou_target"]
    assert "clerk" in pages["lanzhou_target"]["roles"]
    # The target enterprise a project or lead approaches is shown on its page, and the lookup by
    # target stays in the menu; the other pages are lists of their own.
    assert {code: page["shown_on"] for code, page in pages.items()} == {
        **{code: ["menu"] for code in pages}, "lanzhou_target": ["menu", "project", "lead"]}
    assert "clerk" in pages["lanzhou_registrations"]["roles"]
    assert "clerk" not in pages["lanzhou_penalties"]["roles"]
    assert pages["lanzhou_major_projects"]["sections"][0]["export"] == (
        "reports/lanzhou_major_projects.xlsx")
