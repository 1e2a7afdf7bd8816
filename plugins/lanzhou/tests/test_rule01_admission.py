"""Rule 1: 准入评估 — seven dimensions, city or county level, hard refusals; no signing without
a pass (Seed 三(二)4)."""

from __future__ import annotations

from plugins.lanzhou.tests.conftest import admit, call, evaluate, investor, new_project


def _sign(client, project_id):
    call(client, "PUT", f"/projects/{project_id}/milestones",
         {"kind": "start", "planned_on": "2026-06-01"})
    for target in ("negotiating", "signed"):
        response = client.post(f"/projects/{project_id}/transitions",
                               json={"target": target, "occurred_on": "2024-03-01"})
    return response


def test_the_form_has_seven_equal_dimensions_and_the_hard_refusals(client):
    forms = {f["code"]: f for f in call(client, "GET", "/evaluation-forms")}
    admission = forms["lanzhou_admission"]
    assert [d["name"] for d in admission["dimensions"]] == [
        "土地", "规划", "环保", "节能", "产业层次", "投资强度", "税收贡献"]
    assert {d["weight"] for d in admission["dimensions"]} == {"1"}
    assert {"高耗能", "高污染", "高排放", "低产出"} <= {r["name"] for r in admission["hard_refusals"]}
    assert admission["required_before"] == "signed"


def test_no_signing_without_a_passing_admission_evaluation(client):
    project = new_project(client)
    refused = _sign(client, project["id"])
    assert refused.status_code == 409
    rules = {r["rule"] for r in refused.json["refusals"]}
    assert {"evaluation.lanzhou_admission.missing", "evaluation.lanzhou_investor.missing"} <= rules


def test_60_passes_and_59_fails_naming_the_score_rule(client):
    failing = new_project(client)
    evaluate(client, "lanzhou_investor", f"/enterprises/{failing['enterprise']['id']}/evaluations")
    decided = evaluate(client, "lanzhou_admission", f"/projects/{failing['id']}/evaluations", 59,
                       decision="rejected")
    assert decided["passed"] is False
    refused = _sign(client, failing["id"])
    assert refused.status_code == 409
    assert "evaluation.lanzhou_admission.score" in {r["rule"] for r in refused.json["refusals"]}

    passing = new_project(client)
    admit(client, passing, score=60)
    call(client, "POST", f"/lanzhou/projects/{passing['id']}/registration", {}, 201)
    assert _sign(client, passing["id"]).status_code == 200


def test_a_hard_refusal_fails_whatever_the_scores_and_says_which_rule(client):
    coking = new_project(client, name="焦化扩能项目", industry="clean_production")
    evaluate(client, "lanzhou_investor", f"/enterprises/{coking['enterprise']['id']}/evaluations")
    decided = evaluate(client, "lanzhou_admission", f"/projects/{coking['id']}/evaluations", 95,
                       refusals=(("high_pollution", "新增颗粒物排放超出区域环境容量"),),
                       decision="rejected")
    assert decided["passed"] is False
    refused = _sign(client, coking["id"])
    assert refused.status_code == 409
    [refusal] = [r for r in refused.json["refusals"] if "admission" in r["rule"]]
    assert refusal["rule"] == "evaluation.lanzhou_admission.hard_refusal.high_pollution"
    assert "高污染" in refusal["message"] and "新增颗粒物排放超出区域环境容量" in refusal["message"]


def test_5_yi_and_above_is_city_level_below_is_county_level(client):
    big = new_project(client, amount="50000", agreement_amount="50000")
    small = new_project(client, amount="49999", agreement_amount="49999")
    clerk = ("clerk", "chengguan")
    # A county clerk may run the county-level evaluation of their own project …
    evaluation = call(client, "POST", f"/projects/{small['id']}/evaluations",
                      {"form": "lanzhou_admission", "reviewers": [{"unit": "chengguan"}]}, 201,
                      as_=clerk)
    assert evaluation["level"] == "county"
    # … not the city-level one, which the office runs.
    refused = client.post(f"/projects/{big['id']}/evaluations",
                          json={"form": "lanzhou_admission"}, as_=clerk)
    assert refused.status_code == 403
    assert call(client, "POST", f"/projects/{big['id']}/evaluations",
                {"form": "lanzhou_admission"}, 201)["level"] == "city"


def test_the_county_level_can_be_moved_by_configuration(client_for):
    from plugins.lanzhou.tests.conftest import lanzhou_city

    client = client_for(lanzhou_city(admission={"city_level_amount": "100000"}))
    project = call(client, "POST", "/projects", {
        "name": "冷链物流项目", "enterprise": investor(), "industry": "logistics",
        "amount": "60000", "finding_unit": "xigu"}, 201)
    assert call(client, "POST", f"/projects/{project['id']}/evaluations",
                {"form": "lanzhou_admission"}, 201)["level"] == "county"
