"""引荐人名录: the office registers who introduces investment; leads and projects name them;
a rule that never pays state public officials does not pay an unconfirmed one either."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from core import hookimpl
from core.clock import travel
from core.credit_code import make_credit_code, organisation_check_character
from core.models import Intermediary
from core.policy import RewardCandidate, RewardRule
from tests.support.cities import make_city
from tests.support.records import create_project, events_of, row_counts

CLERK = ("clerk", "east")
ROLES = [{"code": "gold_advisor", "name": "金牌顾问", "kinds": ["advisor"]},
         {"code": "ambassador", "name": "招商大使", "kinds": ["ambassador", "individual"]}]


def code(body: str) -> str:
    return make_credit_code("91440300" + body + organisation_check_character(body))


def introducer_candidates(context):
    """One 10万元 candidate per introducer of a project, under a rule excluding officials."""
    return [RewardCandidate("intermediary", p.intermediary_id, f"引荐人{p.intermediary_id}",
                            Decimal(10), f"引荐项目“{p.name}”", (p.id,))
            for p in context.projects() if p.intermediary_id]


class RulePlugin:
    @hookimpl
    def reward_rules(self, city):
        return [RewardRule("introducer", "重大项目引荐奖", introducer_candidates,
                           excludes_public_officials=True)]


@pytest.fixture
def city():
    return make_city(extra_plugins=[("test_introducers", RulePlugin())], introducer_roles=ROLES)


FIRM = {"name": "华南招商顾问有限公司", "kind": "firm", "credit_code": code("MA000001"),
        "contact_person": "李明", "phone": "0755-83456789", "email": "li@example.com",
        "address": "深圳市福田区"}


def register(client, body=None, status=201, **kw):
    response = client.post("/intermediaries", json=body or FIRM, **kw)
    assert response.status_code == status, response.json
    return response.json


def test_the_office_registers_an_intermediary_with_its_contacts_and_history(client, app):
    row = register(client, FIRM | {"phone": "0755 8345 6789"})
    assert (row["kind_label"], row["status"], row["public_official"]) == ("中介机构", "active",
                                                                          "unknown")
    assert row["phone"] == "0755-83456789" or row["phone"] == "075583456789"
    assert row["public_official_label"] == "未确认" and row["registered_by"] == "officer1"
    assert [h["action"] for h in row["history"]] == ["registered"]
    assert events_of(app, "zhaoshang.intermediary.registered")
    got = client.get(f"/intermediaries/{row['id']}")
    assert got.headers["ETag"] == f'"intermediary-{row["id"]}-1"'


@pytest.mark.parametrize(("change", "field", "gist"), [
    ({"phone": "12345"}, "phone", "11位手机号"),
    ({"credit_code": None}, "credit_code", "中介机构须填写统一社会信用代码"),
    ({"credit_code": "91440300MA0000010X"}, "credit_code", "统一社会信用代码"),
    ({"kind": "broker"}, "kind", "类别应为"),
    ({"email": "not-an-email"}, "email", "电子邮箱格式不正确"),
    ({"roles": ["gold_advisor"]}, "roles", "只能由顾问担任"),
    ({"roles": ["mayor"]}, "roles", "本市没有“mayor”这一角色"),
    ({"name": "华南\u202e顾问"}, "name", ""),
])
def test_each_bad_field_is_named_and_nothing_is_written(client, app, change, field, gist):
    before = row_counts(app, "intermediaries", "intermediary_changes")
    response = client.post("/intermediaries", json=FIRM | change)
    assert response.status_code in (400, 422), response.json
    problems = {e["field"]: e["message"] for e in response.json["errors"]}
    assert field in problems and gist in problems[field]
    assert row_counts(app, "intermediaries", "intermediary_changes") == before


def test_a_clerk_may_not_register_edit_or_confirm(client):
    row = register(client)
    assert client.post("/intermediaries", json=FIRM, as_=CLERK).status_code == 403
    assert client.patch(f"/intermediaries/{row['id']}", json={"phone": "13912345678"},
                        as_=CLERK).status_code == 403
    refused = client.post(f"/intermediaries/{row['id']}/public-official",
                          json={"public_official": "no", "basis": "本人承诺"}, as_=CLERK)
    assert refused.status_code == 403
    assert client.get(f"/intermediaries/{row['id']}").json["public_official"] == "unknown"
    # Readers list it.
    assert client.get("/intermediaries", as_=CLERK).json["total"] == 1


def test_duplicates_are_refused_naming_the_entry_already_registered(client):
    first = register(client)
    again = client.post("/intermediaries", json=FIRM | {"name": "另一家顾问公司"})
    assert again.status_code == 422
    [problem] = again.json["errors"]
    assert problem["field"] == "credit_code" and f"编号 {first['id']}" in problem["message"]
    person = {"name": "王建国", "kind": "individual", "phone": "13919312345"}
    register(client, person)
    twice = client.post("/intermediaries", json=person | {"name": "王 建国"})
    assert twice.status_code == 422
    assert twice.json["errors"][0]["code"] == "intermediary.duplicate_name_phone"
    # The same name with another phone is another person.
    register(client, person | {"phone": "13919312346"})


def test_confirmation_records_who_and_when_and_keeps_the_history(client, app):
    row = register(client)
    # The server's clock, not the client, stamps the confirmation (UTC in the API).
    with travel("2026-06-17T09:30+08:00"):
        confirmed = client.post(f"/intermediaries/{row['id']}/public-official",
                                json={"public_official": "yes", "basis": "区组织部函复：在编干部"})
    assert confirmed.status_code == 200, confirmed.json
    body = confirmed.json
    assert (body["public_official"], body["public_official_confirmed_by"]) == ("yes", "officer1")
    assert body["public_official_confirmed_at"].startswith("2026-06-17T01:30")
    assert body["history"][-1]["changes"] == {"public_official": ["unknown", "yes"]}
    assert body["history"][-1]["reason"] == "区组织部函复：在编干部"
    assert events_of(app, "zhaoshang.intermediary.public_official_confirmed")
    # Not settable by an edit.
    sneaky = client.patch(f"/intermediaries/{row['id']}", json={"public_official": "no"})
    assert sneaky.status_code == 400


def test_an_edit_with_a_stale_version_is_refused(client):
    row = register(client)
    path = f"/api/v1/intermediaries/{row['id']}"
    first = client.flask.patch(path, json={"contact_person": "张华"},
                               headers=client.headers() | {"If-Match": '"1"'})
    assert first.status_code == 200, first.json
    assert first.json["history"][-1]["changes"] == {"contact_person": ["李明", "张华"]}
    stale = client.flask.patch(path, json={"contact_person": "赵强"},
                               headers=client.headers() | {"If-Match": '"1"'})
    assert stale.status_code == 412
    assert client.get(f"/intermediaries/{row['id']}").json["contact_person"] == "张华"


def test_list_filters_search_and_export_headings(client):
    register(client)
    register(client, {"name": "招商大使·刘建国", "kind": "ambassador", "phone": "13807310001",
                      "roles": ["ambassador"]})
    assert [r["name"] for r in client.get("/intermediaries?role=ambassador").json["items"]] == [
        "招商大使·刘建国"]
    assert client.get("/intermediaries?kind=firm").json["total"] == 1
    assert client.get("/intermediaries?q=刘建").json["total"] == 1
    assert client.get("/intermediaries?q=%25%25").json["total"] == 0  # % matched literally
    assert client.get("/intermediaries?public_official=unknown").json["total"] == 2
    export = client.get("/intermediaries?format=xlsx")
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.data)).worksheets[0]
    headings = [cell.value for cell in sheet[1]]
    assert {"引荐人", "类别", "联系电话", "本市角色", "是否国家公职人员", "身份确认时间"} <= set(headings)
    assert sheet.max_row == 3


def test_unknown_or_inactive_introducer_on_a_lead_or_project_is_a_field_problem(client, app):
    lead = {"title": "某企业投资项目", "enterprise": {"name": "测试投资有限公司"},
            "reporting_unit": "east", "intermediary_id": 999}
    before = row_counts(app, "leads", "projects")
    response = client.post("/leads", json=lead, as_=CLERK)
    assert response.status_code == 400, response.json
    assert response.json["errors"][0]["field"] == "intermediary_id"
    assert "不在引荐人名录中" in response.json["errors"][0]["message"]
    project = client.post("/projects", json={
        "name": "测试产业项目", "enterprise": {"name": "测试投资二号有限公司"},
        "industry": "manufacturing", "amount": "1000", "finding_unit": "east",
        "intermediary_id": 2**40})
    assert project.status_code == 400 and project.json["errors"][0]["field"] == "intermediary_id"
    assert row_counts(app, "leads", "projects") == before
    row = register(client)
    off = client.post(f"/intermediaries/{row['id']}/status",
                      json={"status": "inactive", "reason": "协议到期"})
    assert off.status_code == 200 and off.json["status_label"] == "已停用"
    inactive = client.post("/leads", json=lead | {"intermediary_id": row["id"]}, as_=CLERK)
    assert inactive.status_code == 400 and "已停用" in inactive.json["errors"][0]["message"]
    client.post(f"/intermediaries/{row['id']}/status", json={"status": "active", "reason": "续约"})
    assert client.post("/leads", json=lead | {"intermediary_id": row["id"]},
                       as_=CLERK).status_code == 201


def test_a_reward_excluding_officials_is_blocked_until_the_status_is_confirmed(client, app):
    unknown = register(client, {"name": "李某", "kind": "individual", "phone": "13900000001"})
    official = register(client, {"name": "张某", "kind": "individual", "phone": "13900000002"})
    cleared = register(client, {"name": "赵某", "kind": "individual", "phone": "13900000003"})
    for row, status in ((official, "yes"), (cleared, "no")):
        client.post(f"/intermediaries/{row['id']}/public-official",
                    json={"public_official": status, "basis": "组织人事部门函复"})
    for serial, row in enumerate((unknown, official, cleared), start=1):
        create_project(client, serial, intermediary_id=row["id"])
    run = client.post("/rewards", json={"from": "2026-01-01", "to": "2026-06-30"})
    assert run.status_code == 201, run.json
    rewards = {r["recipient_id"]: r for r in run.json["rewards"]}
    assert rewards[unknown["id"]]["eligible"] is False
    assert "公职人员身份未确认" in rewards[unknown["id"]]["ineligible_reason"]
    assert "为国家公职人员" in rewards[official["id"]]["ineligible_reason"]
    assert rewards[cleared["id"]]["eligible"] is True


def test_old_rows_built_with_the_flag_keep_their_meaning(app):
    with app.extensions["zhaoshang"].sessions() as session:
        row = Intermediary(name="旧数据", kind="individual", is_public_official=False)
        session.add(row)
        session.commit()
        assert row.public_official == "no" and row.is_public_official is False
