"""Rule 4: the expert pool — an admission evaluation assigned to experts records their scores
(Seed 三(二)2: 招商项目咨询专家库)."""

from __future__ import annotations

from plugins.lanzhou.tests.conftest import call, new_project


def test_experts_of_the_pool_score_an_admission_evaluation(client):
    experts = [call(client, "POST", "/experts", {"name": name, "field": field}, 201)
               for name, field in (("陈国华", "生态环境"), ("刘建平", "产业经济"))]
    project = new_project(client)
    evaluation = call(client, "POST", f"/projects/{project['id']}/evaluations", {
        "form": "lanzhou_admission",
        "reviewers": [{"expert_id": e["id"], "role": "评审专家"} for e in experts]}, 201)
    forms = {f["code"]: f for f in call(client, "GET", "/evaluation-forms")}
    codes = [d["code"] for d in forms["lanzhou_admission"]["dimensions"]]
    for reviewer, score in zip(evaluation["reviewers"], ("70", "90"), strict=True):
        call(client, "POST", f"/evaluations/{evaluation['id']}/scores", {
            "reviewer_id": reviewer["id"],
            "scores": [{"dimension": code, "score": score} for code in codes]})
    detail = call(client, "GET", f"/evaluations/{evaluation['id']}")
    assert {r["name"] for r in detail["reviewers"]} == {"陈国华", "刘建平"}
    assert detail["current"]["result"] == "80.00"  # the experts' average
    assert len(detail["scores"]) == 14  # seven dimensions from each expert
