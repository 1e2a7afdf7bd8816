"""A city's own sections about one project on the project's page (pages with a ``project_id``
filter): Sanming's 法规账 review, item by item, through the real gateway and city service."""

from __future__ import annotations

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
    # A page about one project is not in the menu: it has no meaning without its project.
    menu = web.get("/web/c/sanming/dashboard").get_data(as_text=True)
    assert "/web/c/sanming/pages/sanming_legal_review" not in menu
