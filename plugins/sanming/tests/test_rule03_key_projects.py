"""Rule 3 — key projects (Seed 三(一)2): ≥ 10亿元, or a provincial key project ≥ 5亿元, or
recognised by the city or a county — never real estate or a 特色小镇, on any route ("下同");
a commissioner before signing, a passed pre-evaluation, matters decided at city level, the
commerce bureau's list."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest

from core.testing.records import row_counts
from plugins.sanming.key_projects import key_basis
from plugins.sanming.tests.conftest import ACCOUNTS, advance, call, new_project, pass_pre_evaluation


def project(amount: str, industry: str = "new_materials", **attributes: object):
    return SimpleNamespace(amount=Decimal(amount), industry=industry, attributes=attributes)


@pytest.mark.parametrize(("candidate", "basis"), [
    (project("100000"), ["amount"]),  # exactly 10亿元
    (project("99999.9999"), []),
    (project("200000", "real_estate"), []),  # 房地产 excluded
    (project("150000", "characteristic_town"), []),  # 特色小镇 excluded
    (project("50000", provincial_key=True), ["provincial"]),  # 省重点 ≥ 5亿元
    (project("49999", provincial_key=True), []),
    (project("20000", recognised_key=True), ["recognised"]),  # 市、县认定
])
def test_what_makes_a_key_project(sanming, candidate, basis):
    assert key_basis(sanming, candidate) == basis


# Seed 三(一)2: "投资总额在10亿元以上的重点项目(不含房地产、特色小镇等,下同),被列为省招商引资重点项目
# (投资5亿元以上)及市、县认定的其他重点招商项目" — "下同" carries the exclusion to every route.
@pytest.mark.parametrize("candidate", [
    project("60000", "real_estate", provincial_key=True),  # 6亿元 provincial key, real estate
    project("60000", "characteristic_town", provincial_key=True),
    project("120000", "real_estate", recognised_key=True),
    project("20000", "characteristic_town", recognised_key=True),
])
def test_real_estate_and_characteristic_towns_are_never_key_on_any_route(sanming, candidate):
    assert key_basis(sanming, candidate) == []


def test_the_key_tier_follows_the_project(client):
    small = new_project(client, amount="60000")
    assert "key" not in small["tiers"]
    listed = call(client, "PATCH", f"/projects/{small['id']}",
                  {"attributes": {"provincial_key": True}})
    assert "key" in listed["tiers"]
    assert "重点招商项目" in listed["tier_names"]
    estate = new_project(client, amount="200000", industry="real_estate")
    assert "key" not in estate["tiers"]
    provincial_estate = new_project(client, amount="60000", industry="real_estate")
    listed_estate = call(client, "PATCH", f"/projects/{provincial_estate['id']}",
                         {"attributes": {"provincial_key": True}})
    assert "key" not in listed_estate["tiers"]
    bad = client.patch(f"/projects/{small['id']}", json={"attributes": {"provincial_key": "yes"}})
    assert bad.status_code == 422
    assert bad.json["errors"][0] == {"field": "attributes.provincial_key",
                                     "code": "boolean.strict", "message": "应为 true 或 false"}


def test_a_key_project_signs_only_with_a_commissioner_and_a_passed_pre_evaluation(client):
    key = new_project(client, amount="150000")
    advance(client, key["id"], "negotiating")
    refused = client.post(f"/projects/{key['id']}/transitions",
                          json={"target": "signed", "occurred_on": "2024-03-01"})
    assert refused.status_code == 409
    rules = {r["rule"] for r in refused.json["refusals"]}
    assert "gate.attributes.commissioner" in rules
    assert "evaluation.sanming_pre_evaluation.missing" in rules
    call(client, "PATCH", f"/projects/{key['id']}", {"attributes": {"commissioner": "林晓峰"}})
    pass_pre_evaluation(client, key["id"])
    signed = advance(client, key["id"], "signed")
    assert signed["stage"] == "signed"
    # A project that is not key needs neither.
    plain = new_project(client)
    assert advance(client, plain["id"], "signed")["stage"] == "signed"


def test_the_key_list_names_basis_commissioner_and_matters(client, app):
    key = new_project(client, amount="150000",
                      attributes=dict(ACCOUNTS, commissioner="陈丽华"))
    recognised = new_project(client, amount="20000",
                             attributes={"recognised_key": True, "recognised_by": "county"})
    new_project(client, amount="200000", industry="real_estate")
    matter = call(client, "POST", "/matters", {
        "project_id": key["id"], "kind": "land", "title": "用地指标", "request": "一事一议：新增用地",
        "owner_unit": "yongan", "requested_on": "2024-03-02"}, 201)
    # 一事一议 for a key project is decided at city level.
    assert matter["decision_level"] == "leader"
    # A project that is not key gets no 一事一议 (and nothing is written).
    plain = new_project(client)
    before = row_counts(app, "matters")
    other = call(client, "POST", "/matters", {
        "project_id": plain["id"], "kind": "land", "title": "用地", "request": "用地协调",
        "owner_unit": "yongan", "requested_on": "2024-03-02"}, 422)
    assert other["errors"][0]["code"] == "matter.not_key_project"
    assert row_counts(app, "matters") == before
    rows = call(client, "GET", "/sanming/key-projects")
    assert [(r["project_id"], r["basis"], r["commissioner"], r["matters"]) for r in rows] == [
        (key["id"], "总投资10亿元以上", "陈丽华", 1),
        (recognised["id"], "市、县认定", None, 0)]
    report = call(client, "GET", "/reports/sanming_key_list")
    assert report["name"] == "重点招商项目推介清单"
    assert [row["project_id"] for row in report["rows"]] == [key["id"], recognised["id"]]
