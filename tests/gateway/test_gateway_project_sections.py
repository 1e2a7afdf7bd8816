"""A city's own pages shown on a project's or a lead's page (``WebPage.shown_on``), read for
that record only, through the real gateway and city services: Sanming's 法规账 review (project
page only), Pingliang's 帮办代办 (menu and project page), Lanzhou's target enterprise (menu,
project and lead pages)."""

from __future__ import annotations

import re

from plugins.lanzhou.tests.conftest import investor as lanzhou_investor
from plugins.pingliang.tests.conftest import investor as pingliang_investor
from tests.gateway.test_gateway_record_pages import text_of
from tests.gateway.test_gateway_versions import web_as


def test_a_clerk_sees_the_legal_account_review_on_the_project_page(front, cities):
    """Seed 三(五)29 (三明): 依法依规算清环保安全与用地用林等“法规帐”."""
    answer = front.call("sanming-officer", "GET", "/cities/sanming/projects?stage=signed")
    assert answer.status_code == 200, answer.text
    project = answer.json()["items"][0]

    web, _ = web_as(front, "sanming-clerk")
    page = web.get(f"/web/c/sanming/projects/{project['id']}")
    assert page.status_code == 200
    text = text_of(page.get_data(as_text=True))
    assert "法规账审查（环保、安全、用地、林地）" in text
    for shown in ("环保", "林地", "不涉及", "三明市林业局", "审查部门"):
        assert shown in text, shown
    # Declared for the project page only: not in the menu, it has no meaning without its project.
    assert "/web/c/sanming/pages/sanming_legal_review" not in page.get_data(as_text=True)


# -- pages declared for the project and lead pages (WebPage.shown_on), Pingliang and Lanzhou ------

def _api(front, username: str, method: str, path: str, body=None, status: int = 201):
    answer = front.call(username, method, path, json=body)
    assert answer.status_code == status, answer.text
    return answer.json()


def _pingliang_project(front, name: str) -> dict:
    return _api(front, "pingliang-officer", "POST", "/cities/pingliang/projects", {
        "name": name, "enterprise": pingliang_investor(), "industry": "red_cattle",
        "amount": "20000", "finding_unit": "chongxin", "agreement_amount": "20000",
        "channel": "chain"})


def _city_page_ids(html: str) -> set[str]:
    return set(re.findall(r'id="city-([a-z_]+)"', html))


def test_a_menu_and_project_page_shows_in_the_menu_and_each_projects_own_requests(plugin_front):
    """Pingliang's 帮办代办 (Seed 优化营商环境: 一个企业、一个项目、一套班子、一抓到底): the list
    stays in the menu, and each project's page shows that project's requests only, to the
    clerks, the office and the leaders — not to the province, whose role the page does not name."""
    first = _pingliang_project(plugin_front, "平凉红牛肉食品加工项目")
    second = _pingliang_project(plugin_front, "平凉静宁苹果深加工项目")
    for project, need in ((first, "代办项目备案及节能审查"), (second, "代办冷库用地预审")):
        _api(plugin_front, "pingliang-clerk", "POST",
             f"/cities/pingliang/pingliang/projects/{project['id']}/service-requests",
             {"kind": "approval", "need": need, "unit": "dept_development"})

    for username in ("pingliang-clerk", "pingliang-officer", "pingliang-leader"):
        web, _ = web_as(plugin_front, username)
        html = web.get(f"/web/c/pingliang/projects/{first['id']}").get_data(as_text=True)
        assert "pingliang_service_requests" in _city_page_ids(html), username
        text = text_of(html)
        assert "代办项目备案及节能审查" in text and "代办冷库用地预审" not in text, username
        # Still a page of its own in the menu, and linked from the project's section.
        assert 'href="/web/c/pingliang/pages/pingliang_service_requests"' in html, username
        assert f"/web/c/pingliang/pages/pingliang_service_requests?project_id={first['id']}" in html

    web, _ = web_as(plugin_front, "province")
    page = web.get(f"/web/c/pingliang/projects/{first['id']}")
    assert page.status_code == 200
    assert "pingliang_service_requests" not in _city_page_ids(page.get_data(as_text=True))


def test_the_lead_page_and_the_project_page_show_the_target_enterprise_they_approach(plugin_front):
    """Lanzhou's 目标企业对接详情 (Seed: 建立重点目标企业信息库……实施“点对点”精准对接) on the lead's
    page and the project's page, and still in the menu to look a target up."""
    target = _api(plugin_front, "lanzhou-officer", "POST", "/cities/lanzhou/lanzhou/targets", {
        "name": "宁德时代新能源科技股份有限公司", "category": "上市公司", "region": "长三角",
        "industry": "clean_energy", "responsible_unit": "lz_new_area",
        "approach_plan": "市级领导带队登门拜访，对接储能电池配套"})
    named = {"attributes": {"target_enterprise_id": target["id"]}}
    lead = _api(plugin_front, "lanzhou-officer", "POST", "/cities/lanzhou/leads", {
        "title": "储能电池配套线索", "enterprise": lanzhou_investor(), "industry": "clean_energy",
        "intended_amount": "50000", "reporting_unit": "chengguan", "channel": "leader_led",
        **named})
    project = _api(plugin_front, "lanzhou-officer", "POST", "/cities/lanzhou/projects", {
        "name": "储能电池配套项目", "enterprise": lanzhou_investor(), "amount": "30000",
        "industry": "clean_energy", "finding_unit": "chengguan", **named})
    other = _api(plugin_front, "lanzhou-officer", "POST", "/cities/lanzhou/projects", {
        "name": "高端数控机床项目", "enterprise": lanzhou_investor(), "amount": "30000",
        "industry": "advanced_manufacturing", "finding_unit": "chengguan"})

    web, _ = web_as(plugin_front, "lanzhou-clerk")
    lead_html = web.get(f"/web/c/lanzhou/leads/{lead['id']}").get_data(as_text=True)
    assert "lanzhou_target" in _city_page_ids(lead_html)
    assert "市级领导带队登门拜访，对接储能电池配套" in text_of(lead_html)
    assert f"/web/c/lanzhou/pages/lanzhou_target?lead_id={lead['id']}" in lead_html
    project_html = web.get(f"/web/c/lanzhou/projects/{project['id']}").get_data(as_text=True)
    assert "lanzhou_target" in _city_page_ids(project_html)
    text = text_of(project_html)
    assert "宁德时代新能源科技股份有限公司" in text and "储能电池配套项目" in text
    # A project approaching no target: the section is there, with nothing in it.
    other_html = web.get(f"/web/c/lanzhou/projects/{other['id']}").get_data(as_text=True)
    assert "宁德时代新能源科技股份有限公司" not in text_of(other_html)
    # The lookup by target stays in the menu (it has a project_id filter, and a menu place).
    assert 'href="/web/c/lanzhou/pages/lanzhou_target"' in project_html
    # A page the city did not declare for the lead page is not on it.
    assert _city_page_ids(lead_html) == {"lanzhou_target"}
