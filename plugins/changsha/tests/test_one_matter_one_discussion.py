"""Rule 1: 一事一议/一企一策 for major projects — request, proposal, decision, conditions."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.clock import travel
from core.models import Enterprise, Project
from core.testing.records import row_counts
from plugins.changsha import matters
from plugins.changsha.tests.conftest import changsha_city, investor, major_body, new_project

LEADER = ("leader", None)


def ask(client, project_id: int, kind: str = "land", **overrides):
    body = {"project_id": project_id, "kind": kind, "title": "一期用地保障",
            "request": "请求统筹保障工业用地800亩", "owner_unit": "cs_econ_zone"} | overrides
    return client.post("/matters", json=body)


def test_a_matter_for_an_ordinary_project_is_refused_with_the_reason(client, app):
    project = new_project(client, amount="30000", name="汽车零部件项目")
    before = row_counts(app, "matters")
    response = ask(client, project["id"])
    assert response.status_code == 422
    [problem] = response.json["errors"]
    assert problem["code"] == "changsha.matter.not_major"
    assert problem["message"] == (
        "“一事一议”“一企一策”只适用于重大项目（总投资10亿元以上，或投资方为世界500强、中国500强、"
        "民营500强、行业前20强企业）；项目“汽车零部件项目”总投资3亿元，不属于重大项目")
    assert row_counts(app, "matters") == before


def test_support_is_asked_in_finance_land_tax_or_talent_only(client):
    project = new_project(client, **major_body())
    for kind in ("finance", "land", "tax", "talent"):
        assert ask(client, project["id"], kind).status_code == 201
    response = ask(client, project["id"], "other")
    assert response.status_code == 422
    assert response.json["errors"][0]["message"] == "“一事一议”支持限于财政、土地、税收、人才方面"


def test_a_top_list_investor_makes_a_small_project_eligible(client):
    project = new_project(client, amount="5000", enterprise=investor(["世界500强"]))
    assert ask(client, project["id"]).status_code == 201


def test_a_major_project_is_decided_by_a_city_leader_with_conditions_tracked(client):
    project = new_project(client, **major_body())  # 15亿元
    matter = ask(client, project["id"], "talent", requested_amount="3000").json
    assert matter["decision_level"] == "leader"
    client.post(f"/matters/{matter['id']}/proposal",
                json={"proposal": "按高层次人才政策给予认定", "support_amount": "2000"})
    decision = {"decision": "approved", "decision_text": "同意", "decided_on": "2024-05-06",
                "conditions": [{"text": "三年内引进博士不少于30人", "due_on": "2027-05-06"},
                               {"text": "研发投入不低于销售收入5%", "due_on": "2025-05-06"}]}
    refused = client.post(f"/matters/{matter['id']}/decision", json=decision)
    assert refused.status_code == 409  # an officer may not decide a leader's matter
    decided = client.post(f"/matters/{matter['id']}/decision", json=decision, as_=LEADER).json
    assert decided["status"] == "tracking"
    first, second = decided["conditions"]
    client.post(f"/matters/{matter['id']}/conditions/{first['id']}/check",
                json={"met": True, "checked_on": "2025-06-01"})
    client.post(f"/matters/{matter['id']}/conditions/{second['id']}/check",
                json={"met": False, "checked_on": "2025-06-01"})
    closed = client.get(f"/matters/{matter['id']}").json
    assert (closed["status"], closed["conditions_met"]) == ("closed", False)
    [row] = client.get("/reports/changsha_matters").json["rows"]
    assert row["level"] == "市领导"
    assert row["conditions"] == "三年内引进博士不少于30人（已落实）；研发投入不低于销售收入5%（未落实）"
    assert row["conditions_met"] == "未落实"


def test_the_largest_projects_go_to_the_executive_meeting_with_its_minutes(client):
    project = new_project(client, **major_body(amount="500000"))  # 50亿元
    matter = ask(client, project["id"], "finance").json
    assert matter["decision_level"] == "executive_meeting"
    client.post(f"/matters/{matter['id']}/proposal", json={"proposal": "给予产业发展资金支持"})
    decision = {"decision": "approved", "decision_text": "同意", "decided_on": "2024-05-06",
                "conditions": []}
    response = client.post(f"/matters/{matter['id']}/decision", json=decision)
    assert response.json["errors"][0]["code"] == "matter.meeting_ref_required"
    response = client.post(f"/matters/{matter['id']}/decision",
                           json=decision | {"meeting_ref": "市政府常务会议纪要〔2024〕第8号"})
    assert response.json["status"] == "decided"


@pytest.mark.parametrize(("threshold", "amount", "level"), [
    ("500000", "499999", "leader"), ("500000", "500000", "executive_meeting"),
    ("100000", "150000", "executive_meeting"),
])
def test_the_executive_meeting_threshold_is_configuration(threshold, amount, level):
    city = changsha_city(executive_meeting_amount=threshold)
    project = Project(amount=Decimal(amount), enterprise=Enterprise(name="x", tags=[]))
    assert matters.decision_level(city, project) == level


def test_an_unmet_condition_raises_a_red_warning_for_the_owner(client):
    project = new_project(client, **major_body())
    matter = ask(client, project["id"], "tax").json
    client.post(f"/matters/{matter['id']}/proposal", json={"proposal": "地方留成部分奖励50%"})
    decided = client.post(f"/matters/{matter['id']}/decision", as_=LEADER, json={
        "decision": "approved", "decision_text": "同意", "decided_on": "2024-05-06",
        "conditions": [{"text": "2025年底前投产", "due_on": "2025-12-31"}]}).json
    with travel("2026-01-10T10:00:00+08:00"):  # the daily run of that day (a `today` is a dry run)
        client.post("/warnings/recompute", json={})
    [late] = client.get("/warnings?rule=changsha_matter_conditions").json["items"]
    assert (late["level"], late["unit"]) == ("overdue", "cs_econ_zone")
    assert late["since"] == "2026-01-01"
    condition = decided["conditions"][0]["id"]
    client.post(f"/matters/{matter['id']}/conditions/{condition}/check",
                json={"met": False, "checked_on": "2026-01-12"})
    with travel("2026-01-15T10:00:00+08:00"):
        client.post("/warnings/recompute", json={})
    [unmet] = client.get("/warnings?rule=changsha_matter_conditions").json["items"]
    assert unmet["level"] == "red"
    assert unmet["reason"] == "“一期用地保障”的支持条件未落实：2025年底前投产"
