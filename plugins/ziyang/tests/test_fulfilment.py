"""Rule 6 (Seed 六): after signing the host unit evaluates fulfilment; fulfilling projects are
paid their incentives (兑现), under-performing ones go to 二次招商, serious breach is 清退.
Rule 7 (Seed 七), the "1+N" list the incentives are paid under."""

from __future__ import annotations

from decimal import Decimal

from plugins.ziyang.tests.conftest import (
    call,
    new_project,
    pass_evaluation,
    ready_to_sign,
    sign,
    table_counts,
)


def signed_project(client, **overrides) -> dict:
    project = new_project(client, finding_unit="anyue", **overrides)
    ready_to_sign(client, project["id"])
    assert sign(client, project["id"]).status_code == 200
    return project


def fulfilment(client, project_id: int, body: dict, **kwargs):
    return client.post(f"/ziyang/projects/{project_id}/fulfilment",
                       json={"evaluated_on": "2025-03-01", "basis": "对照协议逐项核查"} | body,
                       **kwargs)


def test_the_one_plus_n_policies_apply_by_industry(client):
    everything = call(client, "GET", "/ziyang/incentive-policies")
    farming = call(client, "GET", "/ziyang/incentive-policies?industry=modern_agri")

    assert [p["family"] for p in everything] == ["1", "5+N", "4+X", "6+3+1"]
    assert [p["code"] for p in farming] == ["general", "agri_631"]
    assert everything[2]["industry_names"] == ["现代服务业", "医疗康养", "文旅教体"]


def test_a_fulfilling_project_is_paid_its_incentive(client):
    project = signed_project(client)
    evaluation = pass_evaluation(client, project["id"], "ziyang_fulfilment", score="85")

    response = fulfilment(client, project["id"], {
        "outcome": "fulfilling", "incentive_policy": "industry_5n", "incentive_amount": "200",
        "paid_on": "2025-03-20"}, as_=("clerk", "anyue"))

    assert response.status_code == 201, response.json
    body = response.json
    assert (body["outcome"], body["incentive_policy"], Decimal(body["incentive_amount"]),
            body["paid_on"], body["evaluation_id"], body["evaluating_unit"]) == (
        "fulfilling", "industry_5n", Decimal("200"), "2025-03-20", evaluation["id"], "anyue")
    assert call(client, "GET", f"/ziyang/projects/{project['id']}/fulfilment") == [body]


def test_an_incentive_must_be_one_that_applies_and_bad_input_writes_nothing(app, client):
    project = signed_project(client)
    pass_evaluation(client, project["id"], "ziyang_fulfilment", score="85")
    before = table_counts(app, "ziyang_fulfilment_results")

    response = fulfilment(client, project["id"], {"outcome": "fulfilling",
                                                  "incentive_policy": "agri_631"})

    assert response.status_code == 422
    codes = {problem["code"] for problem in response.json["errors"]}
    assert codes == {"fulfilment.policy_not_applicable", "fulfilment.amount_required",
                     "fulfilment.paid_on_required"}
    assert table_counts(app, "ziyang_fulfilment_results") == before


def test_below_the_agreed_terms_the_project_goes_to_reattraction(client):
    project = signed_project(client)
    pass_evaluation(client, project["id"], "ziyang_fulfilment", score="45", approve=False)

    refused = fulfilment(client, project["id"], {"outcome": "fulfilling",
                                                 "incentive_policy": "general",
                                                 "incentive_amount": "10", "paid_on": "2025-03-02"})
    assert refused.status_code == 409
    assert refused.json["refusals"][0]["rule"] == "ziyang.fulfilment.failed"

    response = fulfilment(client, project["id"], {"outcome": "reattraction",
                                                  "partner": "成都某新材料集团"})
    assert response.status_code == 201
    after = call(client, "GET", f"/projects/{project['id']}")
    assert (after["stage"], after["status"]) == ("signed", "reattraction")


def test_serious_breach_clears_the_project(client):
    project = signed_project(client)
    pass_evaluation(client, project["id"], "ziyang_fulfilment", score="20", approve=False)

    response = fulfilment(client, project["id"], {"outcome": "clearance",
                                                  "basis": "逾期两年未开工，严重违约"})

    assert response.status_code == 201
    after = call(client, "GET", f"/projects/{project['id']}")
    assert (after["stage"], after["cleared_on"]) == ("cleared", "2025-03-01")
    last = call(client, "GET", f"/projects/{project['id']}/transitions")[-1]
    assert last["to_stage"] == "cleared" and "严重违约" in last["reason"]


def test_an_outcome_needs_a_decided_evaluation_and_a_signed_project(client):
    unsigned = new_project(client)
    signed = signed_project(client)

    not_signed = fulfilment(client, unsigned["id"], {"outcome": "reattraction"})
    no_evaluation = fulfilment(client, signed["id"], {"outcome": "reattraction"})

    assert not_signed.json["refusals"][0]["rule"] == "ziyang.fulfilment.not_signed"
    assert no_evaluation.json["refusals"][0]["rule"] == "ziyang.fulfilment.no_evaluation"


def test_only_the_host_unit_records_the_outcome(client):
    project = signed_project(client)
    pass_evaluation(client, project["id"], "ziyang_fulfilment", score="85")

    response = fulfilment(client, project["id"], {"outcome": "reattraction"},
                          as_=("clerk", "lezhi"))

    assert response.status_code == 403
