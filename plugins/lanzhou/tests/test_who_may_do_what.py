"""Who may do what in Lanzhou (issue 17): 报备 is the introducing unit's, the key-project flag
is the office's, the office's own work is refused to clerks — and a refusal writes nothing."""

from __future__ import annotations

import pytest

from core.testing.records import row_counts
from plugins.lanzhou.tests.conftest import call, investor, new_project

CLERK = ("clerk", "chengguan")  # the finding unit of new_project's projects
OTHER_CLERK = ("clerk", "xigu")
TABLES = ("lanzhou_registrations", "lanzhou_penalties", "lanzhou_targets", "lanzhou_promotions",
          "projects", "project_changes")


def _names(client) -> dict[str, str]:
    return {unit["code"]: unit["name"] for unit in call(client, "GET", "/units")["items"]}


def _operation(client, method: str, path: str) -> dict:
    document = client.get("/openapi.json").json
    return document["paths"]["/api/v1/lanzhou" + path][method.lower()]


# -- 报备: the introducing unit's clerk, nobody else's --------------------------------------------


def test_the_introducing_unit_s_clerk_registers_its_project(app, client):
    project = new_project(client)
    before = row_counts(app, *TABLES)

    row = call(client, "POST", f"/lanzhou/projects/{project['id']}/registration", {}, 201,
               as_=CLERK)

    assert (row["introducing_unit"], row["registered_by"]) == ("chengguan", "clerk-chengguan")
    assert row_counts(app, "lanzhou_registrations")["lanzhou_registrations"] == (
        before["lanzhou_registrations"] + 1)


def test_another_unit_s_clerk_is_refused_and_told_which_unit_they_belong_to(app, client):
    project = new_project(client)
    names = _names(client)
    before = row_counts(app, *TABLES)

    response = client.post(f"/lanzhou/projects/{project['id']}/registration", json={},
                           as_=OTHER_CLERK)

    assert response.status_code == 403, response.json
    assert response.json["code"] == "forbidden_unit"
    assert response.json["detail"].startswith(f"您属于{names['xigu']}，")
    assert names["chengguan"] in response.json["detail"]
    assert row_counts(app, *TABLES) == before


def test_the_host_unit_s_clerk_may_not_register_the_finding_unit_s_project(app, client):
    # Found by 城关区, landed in 兰州新区: 城关区 introduced it and registers it.
    project = new_project(client, host_unit="lz_new_area")
    assert project["host_unit"] == "lz_new_area"
    before = row_counts(app, *TABLES)

    host = client.post(f"/lanzhou/projects/{project['id']}/registration", json={},
                       as_=("clerk", "lz_new_area"))
    as_introducer = client.post(f"/lanzhou/projects/{project['id']}/registration",
                                json={"introducing_unit": "xigu"}, as_=OTHER_CLERK)
    other_introducer = client.post(f"/lanzhou/projects/{project['id']}/registration",
                                   json={"introducing_unit": "xigu"}, as_=CLERK)

    assert [r.status_code for r in (host, as_introducer, other_introducer)] == [403] * 3
    assert {r.json["code"] for r in (host, as_introducer, other_introducer)} == {
        "forbidden_unit"}
    assert row_counts(app, *TABLES) == before
    assert call(client, "POST", f"/lanzhou/projects/{project['id']}/registration", {}, 201,
                as_=CLERK)["introducing_unit"] == "chengguan"


def test_the_office_registers_any_project_and_names_the_introducer(client):
    project = new_project(client, host_unit="lz_new_area")

    row = call(client, "POST", f"/lanzhou/projects/{project['id']}/registration",
               {"introducing_unit": "ind_manufacturing"}, 201)

    assert row["introducing_unit"] == "ind_manufacturing"


def test_registering_declares_its_rule_in_the_api_document(client):
    rule = _operation(client, "POST", "/projects/{project_id}/registration")["x-permission"]

    assert rule["rule"] == "lanzhou_introducer"
    assert set(rule["roles"]) == {"clerk", "officer", "admin", "system"}
    assert "引进单位" in rule["clerk_units"]


# -- the key-project flag is the office's ---------------------------------------------------------


@pytest.mark.parametrize("value", [False, None, True])
def test_a_clerk_may_neither_set_nor_clear_the_key_project_flag(app, client, value):
    project = new_project(client, attributes={"key_project": True})
    assert project["tiers"] == ["key"]
    before = row_counts(app, *TABLES)

    response = client.patch(f"/projects/{project['id']}",
                            json={"attributes": {"key_project": value, "team": "专班"}},
                            as_=CLERK)

    assert response.status_code == 403, response.json
    assert response.json["code"] == "forbidden_field"
    assert [(e["field"], e["code"]) for e in response.json["errors"]] == [
        ("attributes.key_project", "field.office_only")]
    assert "重点项目标记由市招商部门填写" in response.json["errors"][0]["message"]
    assert row_counts(app, *TABLES) == before
    after = call(client, "GET", f"/projects/{project['id']}")
    assert (after["tiers"], after["attributes"]) == (["key"], {"key_project": True})


def test_a_clerk_may_not_register_a_project_with_the_key_flag(app, client):
    before = row_counts(app, *TABLES)

    response = client.post("/projects", json={
        "name": "数据中心项目", "enterprise": investor(),
        "industry": "data_info", "amount": "80000", "finding_unit": "chengguan",
        "attributes": {"key_project": False}}, as_=CLERK)

    assert response.status_code == 403, response.json
    assert [e["field"] for e in response.json["errors"]] == ["attributes.key_project"]
    assert row_counts(app, *TABLES) == before


def test_the_clerk_fills_the_five_fixed_items_and_the_office_keeps_the_flag(client):
    project = new_project(client, attributes={"key_project": True})

    filled = call(client, "PATCH", f"/projects/{project['id']}", {
        "leader_name": "市政府分管副市长",
        "attributes": {"responsible_unit": "chengguan", "responsible_person": "张立新",
                       "target": "2025年6月底前开工", "deadline": "2025-06-30"}}, as_=CLERK)
    assert filled["attributes"]["responsible_person"] == "张立新"

    cleared = call(client, "PATCH", f"/projects/{project['id']}",
                   {"attributes": {"key_project": None}})
    assert "key_project" not in cleared["attributes"] and cleared["tiers"] == []


# -- the office's own work -------------------------------------------------------------------------

OFFICE_WRITES = [
    ("POST", "/lanzhou/penalties", {"unit": "chengguan", "occurred_on": "2024-05-01",
                                    "points": "1", "reason": "虚报签约项目"}),
    ("POST", "/lanzhou/targets", {"name": "某央企", "category": "央企", "region": "长三角",
                                  "approach_plan": "点对点对接", "responsible_unit": "chengguan"}),
    ("POST", "/lanzhou/promotions", {"held_on": "2024-05-10", "place": "上海",
                                     "theme": "先进制造专题推介", "organiser_unit": "chengguan"}),
]


@pytest.mark.parametrize(("method", "path", "body"), OFFICE_WRITES)
@pytest.mark.parametrize("who", [CLERK, ("leader", None), ("province", None)])
def test_the_office_s_work_is_refused_to_clerks_leaders_and_the_province(app, client, method,
                                                                          path, body, who):
    before = row_counts(app, *TABLES)

    response = client.request(method, path, json=body, as_=who)

    assert response.status_code == 403, response.json
    assert response.json["code"] == "forbidden_role"
    assert "市招商部门" in response.json["detail"]
    assert row_counts(app, *TABLES) == before


def test_a_clerk_may_not_recognise_nor_exempt(app, client):
    project = new_project(client)
    row = call(client, "POST", f"/lanzhou/projects/{project['id']}/registration", {}, 201,
               as_=CLERK)
    penalty = call(client, "POST", "/lanzhou/penalties", {
        "unit": "chengguan", "occurred_on": "2024-05-01", "points": "1", "reason": "迟报"}, 201)
    before = row_counts(app, *TABLES)

    recognised = client.post(f"/lanzhou/registrations/{row['id']}/decision",
                             json={"recognised": True}, as_=CLERK)
    exempted = client.post(f"/lanzhou/penalties/{penalty['id']}/exemption", json={
        "conditions": ["public_interest", "no_private_gain", "unclear_rules"],
        "reason": "政策界限不明确", "approver": "市委组织部"}, as_=CLERK)

    assert [(r.status_code, r.json["code"]) for r in (recognised, exempted)] == [
        (403, "forbidden_role")] * 2
    assert row_counts(app, *TABLES) == before
    assert call(client, "GET", f"/lanzhou/projects/{project['id']}/registration")["status"] == (
        "registered")


def test_every_reader_of_the_city_reads_the_ledgers(client):
    new_project(client)
    for who in (CLERK, ("leader", None), ("province", None)):
        for path in ("/lanzhou/registrations", "/lanzhou/penalties?year=2024",
                     "/lanzhou/targets", "/lanzhou/promotions?year=2024",
                     "/lanzhou/reserve-depth?year=2024"):
            assert client.get(path, as_=who).status_code == 200, (who, path)
