"""Rule 1 — the campaign (Seed 一, 二): from August 2021, with the investment-map, project and
legwork methods; a lead or project may say which method brought it."""

from __future__ import annotations

from core.testing.records import row_counts
from plugins.sanming.tests.conftest import call, new_lead, new_project


def test_the_profile_names_the_campaign_and_its_methods(client):
    profile = call(client, "GET", "/city")
    campaign = profile["extensions"]["sanming"]["campaign"]
    assert campaign == {"name": "大招商招好商攻坚战役", "start": "2021-08-01",
                        "methods": ["招商地图工作法", "项目工作法", "脚底板工作法"]}


def test_a_record_names_a_configured_method_or_is_refused(client, app):
    lead = new_lead(client, attributes={"method": "legwork"})
    assert lead["attributes"]["method"] == "legwork"
    project = new_project(client, attributes={"method": "investment_map"})
    assert project["attributes"]["method"] == "investment_map"
    before = row_counts(app, "leads", "projects")
    bad = client.post("/projects", json={
        "name": "无名工作法项目", "enterprise": {"name": "某某科技有限公司"}, "amount": "100",
        "finding_unit": "yongan", "attributes": {"method": "guesswork"}})
    assert bad.status_code == 422
    assert bad.json["errors"][0] == {"field": "attributes.method", "code": "method.unknown",
                                     "message": "工作法 guesswork 不在本市配置中"}
    assert row_counts(app, "leads", "projects") == before
