"""One search box on the web's lists (issue 24): a two-character fragment of a Chinese name
finds the record through the list's ``q`` (core.search)."""

from __future__ import annotations

from tests.gateway.test_gateway_record_pages import api, text_of
from tests.gateway.test_gateway_versions import web_as


def test_the_projects_page_finds_a_project_by_two_characters(front, cities):
    found = api(front, "POST", "/projects", {
        "name": "麒麟湾冷链物流园", "amount": "900", "finding_unit": "east",
        "industry": "manufacturing",
        "enterprise": {"name": "甘肃麒麟湾投资有限公司", "origin_province": "广东省"}})
    api(front, "POST", "/projects", {
        "name": "白塔山文旅综合体", "amount": "900", "finding_unit": "east",
        "industry": "manufacturing",
        "enterprise": {"name": "白塔山文旅投资有限公司", "origin_province": "广东省"}})
    web, _ = web_as(front, "lanzhou-officer")
    html = web.get("/web/c/lanzhou/projects?q=麒麟").get_data(as_text=True)
    assert 'type="search" name="q" minlength="2" value="麒麟"' in html
    listed = text_of(html)
    assert found["name"] in listed and "白塔山文旅综合体" not in listed
