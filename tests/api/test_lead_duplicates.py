"""``GET /leads/duplicates``: while a clerk types the enterprise, what is already held about it."""

from __future__ import annotations

from tests.support.records import create_project, credit_code, enterprise, lead_body


def report(client, serial, **overrides):
    response = client.post("/leads", json=lead_body(serial, **overrides),
                           as_=("clerk", overrides.get("reporting_unit", "east")))
    assert response.status_code == 201, response.json
    return response.json


def test_the_same_credit_code_finds_leads_and_projects_with_unit_and_stage(client):
    lead = report(client, 1, reporting_unit="west")
    project = create_project(client, 1, finding_unit="east")
    report(client, 2)  # another investor

    response = client.get(f"/leads/duplicates?credit_code={credit_code(1)}")
    assert response.status_code == 200, response.json
    [found_lead] = response.json["leads"]
    assert found_lead["id"] == lead["id"]
    assert (found_lead["reporting_unit"], found_lead["reporting_unit_name"]) == ("west", "西县")
    assert (found_lead["status"], found_lead["status_label"]) == ("reported", "待研判")
    assert found_lead["matched_by"] == "credit_code"
    [found_project] = response.json["projects"]
    assert found_project["id"] == project["id"]
    assert (found_project["host_unit"], found_project["stage_label"]) == ("east", "储备")
    assert found_project["amount"] == "50000.0000"


def test_another_spelling_of_the_name_is_found_by_its_normalised_form(client):
    lead = report(client, 1, enterprise={"name": "华为技术（深圳）有限公司"})
    response = client.get("/leads/duplicates?enterprise_name= 华为技术(深圳)股份有限公司")
    assert [row["id"] for row in response.json["leads"]] == [lead["id"]]
    assert response.json["leads"][0]["matched_by_label"] == "企业名称相同"
    assert client.get("/leads/duplicates?enterprise_name=华为终端有限公司").json == {
        "leads": [], "projects": []}


def test_a_name_under_another_credit_code_is_another_investor(client):
    report(client, 1, enterprise=enterprise(1, name="中国建筑集团有限公司"))
    response = client.get(f"/leads/duplicates?enterprise_name=中国建筑集团&credit_code={credit_code(2)}")
    assert response.json == {"leads": [], "projects": []}


def test_nothing_to_match_or_a_bad_code_is_a_field_problem(client):
    response = client.get("/leads/duplicates")
    assert response.status_code == 400
    assert response.json["errors"][0]["field"] == "enterprise_name"
    assert "企业名称" in response.json["errors"][0]["message"]
    response = client.get("/leads/duplicates?credit_code=91620100MA00000000")
    assert response.status_code == 400
    assert response.json["errors"][0]["field"] == "credit_code"
