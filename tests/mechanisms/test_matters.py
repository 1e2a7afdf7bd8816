"""Matters (协调事项/一事一议) with a throwaway decision-level rule, on both backends.

The test rule: support (or the request when no support is proposed yet) of
1亿元 (10000万元) or more goes to the executive meeting, 1000万元 or more to a
leader; anything smaller falls through to the core's default, the office.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from core import hookimpl
from core.models import Matter, MatterCondition, OutboxEvent, WorkOrder
from tests.support.cities import make_city


class LevelPlugin:
    @hookimpl
    def matter_decision_level(self, city, matter, project):
        amount = matter.support_amount or matter.requested_amount or 0
        if amount >= 10000:
            return "executive_meeting"
        if amount >= 1000:
            return "leader"
        return None


@pytest.fixture
def city():
    return make_city(extra_plugins=[("test_levels", LevelPlugin())])


def project(client, serial: int = 1, unit: str = "east") -> int:
    response = client.post("/projects", json={
        "name": f"测试产业项目{serial}", "enterprise": {"name": f"测试投资{serial}号有限公司"},
        "industry": "manufacturing", "amount": "120000", "finding_unit": unit})
    assert response.status_code == 201, response.json
    return response.json["id"]


def request(client, project_id: int, amount: str | None = None, kind: str = "land", **kw):
    body = {"project_id": project_id, "kind": kind, "title": "用地指标协调",
            "request": "申请协调新增建设用地指标200亩", "requested_on": "2024-09-02"}
    if amount is not None:
        body["requested_amount"] = amount
    response = client.post("/matters", json=body, **kw)
    assert response.status_code == 201, response.json
    return response.json


def propose(client, matter_id: int, support: str | None = None):
    body = {"proposal": "建议由自然资源局优先保障用地指标"}
    if support is not None:
        body["support_amount"] = support
    response = client.post(f"/matters/{matter_id}/proposal", json=body)
    assert response.status_code == 200, response.json
    return response.json


def decide(client, matter_id: int, as_=("leader", None), **extra):
    body = {"decision": "approved", "decision_text": "同意按一事一议给予支持",
            "decided_on": "2024-09-10"} | extra
    return client.post(f"/matters/{matter_id}/decision", json=body, as_=as_)


def events(app, fact_prefix: str = "zhaoshang.matter.") -> list[str]:
    with app.extensions["zhaoshang"].sessions() as session:
        types = session.scalars(sa.select(OutboxEvent.type).order_by(OutboxEvent.position))
        return [t.removeprefix(fact_prefix) for t in types if t.startswith(fact_prefix)]


def counts(app) -> tuple[int, ...]:
    with app.extensions["zhaoshang"].sessions() as session:
        return tuple(session.scalar(sa.select(sa.func.count()).select_from(model))
                     for model in (Matter, WorkOrder, MatterCondition, OutboxEvent))


def test_an_office_matter_runs_from_request_to_closed_conditions(client, app):
    matter = request(client, project(client), as_=("clerk", "east"))
    assert matter["owner_unit"] == "east"  # 首问负责: the unit that was asked first
    assert matter["decision_level"] == "office" and matter["status"] == "requested"

    early = decide(client, matter["id"], as_=("officer", None))
    assert early.status_code == 409
    assert early.json["refusals"][0]["rule"] == "matter.status"
    propose(client, matter["id"])
    # Deciding is the office's or a leader's (the DECIDER rule): a clerk is refused before the
    # matter is even read, and nothing changes.
    before = counts(app)
    clerk = decide(client, matter["id"], as_=("clerk", "east"))
    assert clerk.status_code == 403 and clerk.json["code"] == "forbidden_role"
    assert clerk.json["permission"] == "decider"
    assert counts(app) == before

    decided = decide(client, matter["id"], as_=("officer", None), conditions=[
        {"text": "2024年底前取得施工许可", "due_on": "2024-12-31"},
        {"text": "投产后三年内累计纳税不少于5000万元", "due_workdays": 10}])
    assert decided.status_code == 200, decided.json
    body = decided.json
    assert body["status"] == "tracking" and body["decided_by"] == "officer-None"
    # Ten working days from Tuesday 09-10: Saturday 09-14 is a make-up working day and
    # 09-15..17 the Mid-Autumn holiday, so the tenth is Wednesday 09-25.
    assert [c["due_on"] for c in body["conditions"]] == ["2024-12-31", "2024-09-25"]
    first, second = (c["id"] for c in body["conditions"])

    met = client.post(f"/matters/{matter['id']}/conditions/{first}/check",
                      json={"met": True, "checked_on": "2024-12-20"})
    assert met.status_code == 200 and met.json["met"] is True
    assert client.get(f"/matters/{matter['id']}").json["status"] == "tracking"
    unmet = client.post(f"/matters/{matter['id']}/conditions/{second}/check",
                        json={"met": False, "checked_on": "2025-01-06", "note": "纳税未达约定"})
    assert unmet.status_code == 200
    final = client.get(f"/matters/{matter['id']}").json
    assert final["status"] == "closed" and final["conditions_met"] is False
    assert events(app) == ["requested", "proposed", "decided", "condition_checked",
                           "condition_checked"]


def test_the_decision_level_comes_from_the_hook_and_a_rise_is_an_escalation(client, app):
    matter = request(client, project(client), amount="500")
    assert matter["decision_level"] == "office"  # the plugin has no answer: the core default
    assert matter["owner_unit"] == "office"  # asked first by city staff: the office owns it
    raised = propose(client, matter["id"], support="2000")
    assert raised["decision_level"] == "leader"
    assert events(app) == ["requested", "proposed", "escalated"]
    officer = decide(client, matter["id"], as_=("officer", None))
    assert officer.status_code == 409
    assert "须由市领导决定" in officer.json["refusals"][0]["message"]
    assert decide(client, matter["id"]).json["status"] == "decided"


def test_an_executive_meeting_decision_records_the_meeting(client, app):
    matter = request(client, project(client), amount="20000", kind="finance")
    assert matter["decision_level"] == "executive_meeting"
    assert matter["decision_level_label"] == "市政府常务会议"
    assert events(app) == ["requested", "escalated"]
    propose(client, matter["id"], support="15000")
    before = counts(app)
    no_minutes = decide(client, matter["id"])
    assert no_minutes.status_code == 422
    assert no_minutes.json["errors"] == [{"field": "meeting_ref",
                                          "code": "matter.meeting_ref_required",
                                          "message": "常务会议决定的事项须填写会议纪要编号"}]
    assert counts(app) == before
    decided = decide(client, matter["id"], as_=("officer", None),
                     meeting_ref="市政府第12次常务会议纪要")
    assert decided.status_code == 200
    assert decided.json["meeting_ref"] == "市政府第12次常务会议纪要"
    assert decided.json["status"] == "decided"
    assert client.get("/matters?level=executive_meeting&awaiting_decision=false").json[
        "total"] == 1


def test_a_work_order_is_due_in_official_working_days(client, app):
    matter = request(client, project(client))
    # Issued Friday 2024-09-27: Sunday 09-29 is a make-up working day, 10-01..07 is the
    # National Day holiday, so three working days end on Tuesday 2024-10-08.
    order = client.post(f"/matters/{matter['id']}/work-orders", json={
        "unit": "dept", "task": "出具用地预审意见", "issued_on": "2024-09-27", "due_workdays": 3})
    assert order.status_code == 201, order.json
    assert order.json["due_on"] == "2024-10-08" and order.json["due_estimated"] is False
    assert order.json["overdue"] is True  # still open long after its due date

    other = client.post(f"/matters/{matter['id']}/work-orders", json={
        "unit": "west", "task": "核实项目选址", "issued_on": "2024-09-27", "due_on": "2024-10-10"})
    stranger = client.post(f"/matters/{matter['id']}/work-orders/{other.json['id']}/done",
                           json={"done_on": "2024-10-09"}, as_=("clerk", "east"))
    assert stranger.status_code == 403
    on_time = client.post(f"/matters/{matter['id']}/work-orders/{other.json['id']}/done",
                          json={"done_on": "2024-10-09"}, as_=("clerk", "west"))
    assert on_time.status_code == 200 and on_time.json["overdue"] is False
    late = client.post(f"/matters/{matter['id']}/work-orders/{order.json['id']}/done",
                       json={"done_on": "2024-10-09", "note": "已出具"})
    assert late.json["overdue"] is True and late.json["done_by"] == "officer1"
    twice = client.post(f"/matters/{matter['id']}/work-orders/{order.json['id']}/done", json={})
    assert twice.status_code == 409
    assert events(app) == ["requested", "work_order_issued", "work_order_issued",
                           "work_order_done", "work_order_done"]


def test_bad_input_is_a_field_error_and_writes_nothing(client, app):
    project_id = project(client)
    before = counts(app)
    missing = client.post("/matters", json={"project_id": project_id, "kind": "housing"})
    assert missing.status_code == 400
    assert {(e["field"], e["code"]) for e in missing.json["errors"]} == {
        ("kind", "vocabulary.unknown"), ("title", "required"), ("request", "required")}
    unknown = client.post("/matters", json={"project_id": 999, "kind": "tax", "title": "税收返还",
                                            "request": "申请税收地方留成部分奖励"})
    assert unknown.json["errors"][0]["field"] == "project_id"
    no_owner = client.post("/matters", json={"project_id": project_id, "kind": "tax",
                                             "title": "税收返还", "request": "申请税收奖励",
                                             "owner_unit": "nowhere"})
    assert no_owner.json["errors"][0] == {"field": "owner_unit", "code": "unit.unknown",
                                          "message": "单位编码 nowhere 不存在"}
    money = client.post("/matters", json={"project_id": project_id, "kind": "finance",
                                          "title": "设备补助", "request": "申请设备补助",
                                          "owner_unit": "east", "requested_amount": "1e2"})
    assert money.json["errors"][0]["code"] == "money.format"
    assert counts(app) == before

    matter = request(client, project_id)
    before = counts(app)
    both = client.post(f"/matters/{matter['id']}/work-orders", json={
        "unit": "dept", "task": "出具意见", "due_on": "2024-10-10", "due_workdays": 3})
    assert both.json["errors"][0]["code"] == "due.twice"
    neither = client.post(f"/matters/{matter['id']}/work-orders", json={
        "unit": "nowhere", "task": "出具意见"})
    assert {e["code"] for e in neither.json["errors"]} == {"due.missing"}
    propose(client, matter["id"])
    before = counts(app)
    backwards = decide(client, matter["id"], as_=("officer", None), conditions=[
        {"text": "开工", "due_on": "2024-01-01"}])
    assert backwards.status_code == 422
    assert backwards.json["errors"][0]["field"] == "conditions.0.due_on"
    assert counts(app) == before
    assert client.get(f"/matters/{matter['id']}").json["status"] == "proposed"


def test_only_the_projects_units_or_the_office_may_raise_a_matter(client):
    project_id = project(client, unit="east")
    refused = client.post("/matters", json={
        "project_id": project_id, "kind": "talent", "title": "人才公寓",
        "request": "申请配套人才公寓50套"}, as_=("clerk", "west"))
    assert refused.status_code == 403


def test_matters_are_listed_by_project_kind_level_and_awaiting_decision(client):
    first, second = project(client, 1), project(client, 2)
    land = request(client, first)
    request(client, second, amount="3000", kind="finance")
    propose(client, land["id"])
    decide(client, land["id"], as_=("officer", None))

    def ids(query):
        return [m["id"] for m in client.get(f"/matters?{query}").json["items"]]

    assert ids(f"project_id={first}") == [land["id"]]
    assert len(ids("awaiting_decision=true")) == 1 and ids("kind=finance") != []
    assert ids("level=leader") == ids("kind=finance")
    assert ids("status=decided") == [land["id"]]
    assert client.get("/matters?level=mayor").status_code == 400
