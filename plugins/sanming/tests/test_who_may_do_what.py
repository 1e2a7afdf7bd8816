"""Who may do what in Sanming (issue 17): each operation's declared rule, enforced by the city
before the view runs — the key flags are the office's, a park's clerk keeps its own inventory,
both sides' clerks confirm a tax settlement, a working group records its own meetings — and a
refusal writes nothing."""

from __future__ import annotations

import pytest

from core.testing.records import row_counts
from plugins.sanming.tests.conftest import advance, call, new_project

LAND = {"park": "sm_hitech", "kind": "idle_land", "name": "金沙园闲置工业用地", "area": "86",
        "area_unit": "亩", "reference_price": "3440"}
HITECH = ("clerk", "sm_hitech")  # 三明高新技术产业开发区
ETDZ = ("clerk", "sm_etdz")  # 三明经济开发区
YONGAN = ("clerk", "yongan")  # 永安市


def refused(response, code: str) -> dict:
    assert response.status_code == 403, response.json
    assert response.json["code"] == code, response.json
    return response.json


# -- the key flags are the office's (Seed 三(一)2: the commerce bureau keeps the key list) ------


@pytest.mark.parametrize(("attributes", "field"), [
    ({"provincial_key": True}, "attributes.provincial_key"),
    ({"recognised_key": True, "recognised_by": "county"}, "attributes.recognised_key"),
])
def test_a_clerk_cannot_register_a_project_as_key(client, app, attributes, field):
    tables = ("projects", "enterprises", "project_changes")
    before = row_counts(app, *tables)
    response = client.post("/projects", as_=YONGAN, json={
        "name": "石墨烯新材料项目", "enterprise": {"name": "深圳三测科技有限公司"},
        "industry": "new_materials", "amount": "60000", "finding_unit": "yongan",
        "attributes": attributes})
    body = refused(response, "forbidden_field")
    assert field in {error["field"] for error in body["errors"]}
    assert {error["code"] for error in body["errors"]} == {"field.office_only"}
    assert "市招商部门" in body["errors"][0]["message"]
    assert row_counts(app, *tables) == before


def test_a_clerk_can_neither_set_nor_clear_the_provincial_flag_but_keeps_the_rest(client, app):
    project = new_project(client, amount="60000")  # 永安市's, not key
    path = f"/projects/{project['id']}"
    before = row_counts(app, "project_changes")
    body = refused(client.patch(path, json={"attributes": {"provincial_key": True}}, as_=YONGAN),
                   "forbidden_field")
    assert body["errors"][0]["field"] == "attributes.provincial_key"
    assert "key" not in call(client, "GET", path)["tiers"]
    # The office lists it as a provincial key project; the clerk cannot clear that either.
    assert "key" in call(client, "PATCH", path, {"attributes": {"provincial_key": True}})["tiers"]
    before = row_counts(app, "project_changes")
    body = refused(client.patch(path, json={"attributes": {"provincial_key": None}}, as_=YONGAN),
                   "forbidden_field")
    assert body["errors"][0]["field"] == "attributes.provincial_key"
    assert row_counts(app, "project_changes") == before
    kept = call(client, "GET", path)
    assert kept["attributes"]["provincial_key"] is True and "key" in kept["tiers"]
    # Everything else on its own project stays the clerk's.
    changed = call(client, "PATCH", path, {"attributes": {"commissioner": "林晓峰"}}, as_=YONGAN)
    assert changed["attributes"]["commissioner"] == "林晓峰"


# -- a park's clerk keeps its own inventory (Seed 三(二)7) ----------------------------------


def test_a_parks_clerk_keeps_its_own_inventory_from_entry_to_take_up(client):
    land = call(client, "POST", "/sanming/park-resources", LAND, 201, as_=HITECH)
    assert land["park"] == "sm_hitech"
    offered = call(client, "POST", f"/sanming/park-resources/{land['id']}/offer",
                   {"offered_to": "厦门瑞丰新能源有限公司", "offered_on": "2024-05-01"}, as_=HITECH)
    assert offered["status"] == "offered"
    project = new_project(client, finding_unit="sm_hitech")
    taken = call(client, "POST", f"/sanming/park-resources/{land['id']}/take",
                 {"project_id": project["id"], "taken_on": "2024-06-01"}, as_=HITECH)
    assert (taken["status"], taken["project_id"]) == ("taken", project["id"])


@pytest.mark.parametrize("stranger", [ETDZ, YONGAN], ids=["another_park", "a_county"])
def test_another_units_clerk_cannot_touch_a_parks_inventory(client, app, stranger):
    land = call(client, "POST", "/sanming/park-resources", LAND, 201)
    project = new_project(client)
    before = row_counts(app, "sanming_park_resources")
    body = refused(client.post("/sanming/park-resources", json=LAND, as_=stranger),
                   "forbidden_unit")
    assert "三明高新技术产业开发区" in body["detail"]  # the park, by its Chinese name
    refused(client.post(f"/sanming/park-resources/{land['id']}/offer",
                        json={"offered_to": "某投资方"}, as_=stranger), "forbidden_unit")
    refused(client.post(f"/sanming/park-resources/{land['id']}/take",
                        json={"project_id": project["id"]}, as_=stranger), "forbidden_unit")
    assert row_counts(app, "sanming_park_resources") == before
    [row] = call(client, "GET", "/sanming/park-resources")["items"]
    assert (row["status"], row["offered_to"], row["project_id"]) == ("available", None, None)


# -- both sides' clerks confirm a year-end tax settlement (Seed 三(二)11) ----------------------


def settlement(client) -> dict:
    """永安市 found the project and referred it to 三明高新区: a 2025 settlement of 860 万元."""
    project = new_project(client)
    call(client, "POST", f"/projects/{project['id']}/transfers",
         {"to_unit": "sm_hitech", "agreed_on": "2024-02-15"}, 201)
    advance(client, project["id"], "started")
    call(client, "PATCH", f"/projects/{project['id']}",
         {"attributes": {"first_tax_on": "2025-03-01"}})
    return call(client, "POST", f"/sanming/projects/{project['id']}/tax-settlements",
                {"year": 2025, "local_tax": "860"}, 201, as_=HITECH)


def test_only_the_landing_sides_clerk_states_the_years_tax(client, app):
    project = new_project(client)
    call(client, "POST", f"/projects/{project['id']}/transfers",
         {"to_unit": "sm_hitech", "agreed_on": "2024-02-15"}, 201)
    path = f"/sanming/projects/{project['id']}/tax-settlements"
    before = row_counts(app, "sanming_tax_settlements")
    for stranger in (YONGAN, ETDZ):  # the referring side, a third unit
        refused(client.post(path, json={"year": 2024, "local_tax": "500"}, as_=stranger),
                "forbidden_unit")
    assert row_counts(app, "sanming_tax_settlements") == before
    call(client, "POST", path, {"year": 2024, "local_tax": "500"}, 201, as_=HITECH)


def test_each_sides_clerk_confirms_its_own_side_and_the_second_settles_it(client):
    found = settlement(client)
    path = f"/sanming/tax-settlements/{found['id']}/confirmation"
    landing = call(client, "POST", path, {"confirmed_on": "2026-01-10"}, as_=HITECH)
    assert (landing["confirmed_by_to"], landing["confirmed_by_from"]) == ("clerk-sm_hitech", None)
    assert landing["settled_on"] is None
    both = call(client, "POST", path, {"confirmed_on": "2026-01-12"}, as_=YONGAN)
    assert both["confirmed_by_from"] == "clerk-yongan" and both["settled_on"] == "2026-01-12"


@pytest.mark.parametrize(("actor", "code"), [
    (ETDZ, "forbidden_unit"),  # a third unit's clerk
    (("officer", None), "forbidden_role"),  # the office does not confirm for a county
    (("leader", None), "forbidden_role"),
])
def test_nobody_else_confirms_a_settlement(client, app, actor, code):
    found = settlement(client)
    before = row_counts(app, "sanming_tax_settlements")
    refused(client.post(f"/sanming/tax-settlements/{found['id']}/confirmation",
                        json={"confirmed_on": "2026-01-10"}, as_=actor), code)
    assert row_counts(app, "sanming_tax_settlements") == before
    [kept] = call(client, "GET", f"/sanming/projects/{found['project_id']}/tax-settlements")
    assert (kept["confirmed_by_from"], kept["confirmed_by_to"]) == (None, None)


def test_the_settlement_rule_is_declared_in_the_api_document(client):
    paths = call(client, "GET", "/openapi.json")["paths"]
    rule = paths["/api/v1/sanming/tax-settlements/{settlement_id}/confirmation"]["post"][
        "x-permission"]
    assert rule["rule"] == "sanming_settlement_sides" and rule["roles"] == ["clerk"]
    assert rule["clerk_units"] == "税收分成的招商方和落户方"
    park = paths["/api/v1/sanming/park-resources"]["post"]["x-permission"]
    assert park["rule"] == "own_unit" and "park" in park["clerk_units"]


# -- a working group records its own meetings; joint meetings and judgements are the office's ---


def test_a_working_group_records_its_own_meetings_only(client, app):
    meeting = {"kind": "working_group", "group": "wg_agri", "held_on": "2024-01-18",
               "chair": "分管副市长"}
    call(client, "POST", "/sanming/meetings", meeting, 201, as_=("clerk", "wg_agri"))
    before = row_counts(app, "sanming_meetings")
    refused(client.post("/sanming/meetings", json=meeting, as_=("clerk", "wg_industry")),
            "forbidden_unit")
    refused(client.post("/sanming/meetings", json=meeting, as_=YONGAN), "forbidden_unit")
    refused(client.post("/sanming/meetings", as_=("clerk", "wg_agri"), json={
        "kind": "joint", "held_on": "2024-03-28", "chair": "市委书记"}), "forbidden_unit")
    assert row_counts(app, "sanming_meetings") == before


@pytest.mark.parametrize(("method", "path", "body"), [
    ("POST", "/sanming/accountability-cases", {"kind": "moved_out", "project_id": 1,
                                               "opened_on": "2024-05-01", "detail": "迁出"}),
    ("POST", "/sanming/accountability-cases/1/decision", {"measure": "no_action"}),
    ("POST", "/sanming/projects/1/rolling-evaluations", {"year": 1}),
])
def test_judgements_are_the_offices(client, app, method, path, body):
    tables = ("sanming_accountability_cases", "sanming_rolling_checks")
    before = row_counts(app, *tables)
    for actor in (YONGAN, ("leader", None)):
        refused(client.request(method, path, json=body, as_=actor), "forbidden_role")
    assert row_counts(app, *tables) == before
