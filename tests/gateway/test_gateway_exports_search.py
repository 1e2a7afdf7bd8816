"""Exports and search in the web (issue 24), through the real gateway, city and province
services: the dashboard's and the province page's ``.xlsx`` links hand over the services'
workbooks; the header's search box finds leads, projects, enterprises and introducers of the
city by a two-character fragment on one page."""

from __future__ import annotations

import html
import io
import re

from openpyxl import load_workbook

from tests.gateway.test_gateway_record_pages import api, text_of
from tests.gateway.test_gateway_versions import web_as

YEAR = "from=2024-01-01&to=2024-12-31"


def link(page: str, prefix: str) -> str:
    found = re.search(rf'href="({re.escape(prefix)}[^"]*)"', page)
    assert found, prefix
    return html.unescape(found.group(1))


def workbook(response):
    assert response.status_code == 200, response.data[:300]
    assert "attachment" in response.headers["Content-Disposition"]
    return load_workbook(io.BytesIO(response.data))


def test_the_dashboard_exports_every_chart_for_its_period(front, cities):
    web, _ = web_as(front, "lanzhou-leader")
    page = web.get(f"/web/c/lanzhou/dashboard?{YEAR}").get_data(as_text=True)
    href = link(page, "/web/c/lanzhou/export/stats.xlsx")
    assert "from=2024-01-01" in href and "to=2024-12-31" in href
    book = workbook(web.get(href))
    assert book.sheetnames == ["合计", "按月", "按单位", "按产业", "按招商方式", "说明"]
    assert dict(book["说明"].iter_rows(values_only=True))["统计期间"] == "2024-01-01 至 2024-12-31"


def test_the_province_page_exports_comparison_ranking_and_shared_investors(front, cities):
    web, _ = web_as(front, "province")
    page = web.get(f"/web/province?{YEAR}&by=start_rate").get_data(as_text=True)
    cities_book = workbook(web.get(link(page, "/web/province/export/cities")))
    assert cities_book.sheetnames == ["各市指标", "省外项目", "说明"]
    names = [row[0] for row in cities_book["各市指标"].iter_rows(min_row=2, values_only=True)]
    assert "兰州市" in names and "lanzhou" not in names
    ranking = workbook(web.get(link(page, "/web/province/export/ranking")))
    assert ranking.worksheets[0].title == "按开工率排名"
    shared = workbook(web.get(link(page, "/web/province/export/shared-investors")))
    assert shared.sheetnames == ["多市洽谈的客商", "说明"]


def test_a_city_officer_may_not_export_the_provinces_tables(front, cities):
    web, _ = web_as(front, "lanzhou-officer")
    refused = web.get(f"/web/province/export/cities?{YEAR}")
    assert refused.status_code == 303 and not refused.data.startswith(b"PK")


def test_the_header_search_finds_all_four_lists_by_two_characters(front, cities):
    api(front, "POST", "/projects", {
        "name": "鸿鹄智造产业园", "amount": "900", "finding_unit": "east",
        "industry": "manufacturing",
        "enterprise": {"name": "鸿鹄智造科技有限公司", "origin_province": "广东省"}})
    api(front, "POST", "/leads", {"title": "鸿鹄新材料线索", "reporting_unit": "east",
                                  "enterprise": {"name": "鸿鹄新材料有限公司"}},
        user="lanzhou-clerk")
    api(front, "POST", "/intermediaries", {"name": "鸿鹄招商顾问", "kind": "advisor",
                                           "phone": "13909310999", "contact_person": "李顾问"})
    web, _ = web_as(front, "lanzhou-clerk")
    home = web.get("/web/c/lanzhou/leads").get_data(as_text=True)
    assert 'class="inline header-search"' in home  # the box is in every city page's header
    page = web.get("/web/c/lanzhou/search?q=鸿鹄").get_data(as_text=True)
    shown = text_of(page)
    for heading in ("线索", "项目", "企业", "引荐人"):
        assert re.search(rf"<h2>{heading}（\d+）</h2>", page), heading
    for name in ("鸿鹄新材料线索", "鸿鹄智造产业园", "鸿鹄智造科技有限公司", "鸿鹄招商顾问"):
        assert name in shown, name
    assert "白塔山" not in shown
    assert "请至少输入两个字" in web.get("/web/c/lanzhou/search?q=鸿").get_data(as_text=True)


def test_no_one_searches_another_citys_records(front, cities):
    web, _ = web_as(front, "ziyang-officer")
    page = web.get("/web/c/lanzhou/search?q=鸿鹄").get_data(as_text=True)
    assert "无权查看本市" in page and "鸿鹄智造产业园" not in page
    assert "header-search" not in page  # no header box for a city not one's own
