"""Rule 2: the investor evaluation — five aspects, a rating kept on the enterprise, required
before signing (Seed 三(二)4)."""

from __future__ import annotations

import pytest

from plugins.lanzhou.tests.conftest import advance, call, evaluate, new_project


@pytest.mark.parametrize(("score", "letter"), [("85", "A"), ("84.99", "B"), ("70", "B"),
                                               ("60", "C"), ("59.99", "D")])
def test_the_average_gives_the_rating_kept_on_the_enterprise(client, score, letter):
    project = new_project(client)
    enterprise = project["enterprise"]["id"]
    forms = {f["code"]: f for f in call(client, "GET", "/evaluation-forms")}
    assert [d["name"] for d in forms["lanzhou_investor"]["dimensions"]] == [
        "投资意愿", "履约能力", "市场预期", "技术实力", "资信情况"]
    decision = "approved" if letter != "D" else "rejected"
    evaluate(client, "lanzhou_investor", f"/enterprises/{enterprise}/evaluations", score,
             decision=decision)
    ratings = call(client, "GET", f"/enterprises/{enterprise}/ratings")
    [rating] = [r for r in ratings if r["form_code"] == "lanzhou_investor"]
    assert rating["rating"] == letter


def test_a_d_rated_investor_may_not_sign(client):
    project = new_project(client)
    evaluate(client, "lanzhou_admission", f"/projects/{project['id']}/evaluations", 90)
    evaluate(client, "lanzhou_investor", f"/enterprises/{project['enterprise']['id']}/evaluations",
             50, decision="rejected")
    call(client, "POST", f"/lanzhou/projects/{project['id']}/registration", {}, 201)
    advance(client, project["id"], "negotiating")
    call(client, "PUT", f"/projects/{project['id']}/milestones",
         {"kind": "start", "planned_on": "2026-06-01"})
    refused = client.post(f"/projects/{project['id']}/transitions", json={"target": "signed"})
    assert refused.status_code == 409
    assert [r["rule"] for r in refused.json["refusals"]] == ["evaluation.lanzhou_investor.score"]
    assert "投资企业综合评价" in refused.json["refusals"][0]["message"]
