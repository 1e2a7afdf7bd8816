"""Rule 4 (Seed 四): major projects (≥ 10亿元) go through the industry group's review → the
industry authority's opinion → the office's opinion → the leader decides on the leading-group
meeting → the meeting decides; other projects are reviewed by their county or zone."""

from __future__ import annotations

from core.clock import travel
from plugins.ziyang.tests.conftest import (
    REVIEW_DECIDED,
    call,
    new_project,
    pass_evaluation,
    ready_to_sign,
    sign,
)

MAJOR_STEPS = ["group_review", "expert_review", "authority_opinion", "office_opinion",
               "leader_decision", "meeting_decision"]


def test_the_major_review_has_the_seeds_six_steps_in_order(client):
    forms = {form["code"]: form for form in call(client, "GET", "/evaluation-forms")}

    major = forms["ziyang_major_review"]
    assert major["steps"] == MAJOR_STEPS
    assert major["required_before"] == "signed"
    assert [major["step_labels"][s] for s in MAJOR_STEPS] == [
        "产业招商小组组织评审（县区、园区、市级部门参加）", "行业专家评审", "市级产业主管部门出具评审意见",
        "领导小组办公室提出意见建议", "组长、副组长确定是否上领导小组例会研究",
        "领导小组例会研究决定（不上会的由组长、副组长决定）"]
    assert forms["ziyang_county_review"]["steps"] == ["submitted", "decided"]


def test_ten_yi_is_major_and_needs_the_major_review_before_signing(client):
    project = new_project(client, amount="100000", agreement_amount="100000")  # 10亿元
    assert project["tiers"] == ["major"]
    ready_to_sign(client, project["id"], review="ziyang_county_review")

    response = sign(client, project["id"])

    assert response.status_code == 409
    assert [r["rule"] for r in response.json["refusals"]] == ["evaluation.ziyang_major_review.missing"]
    with travel(REVIEW_DECIDED):  # decided before the signing it allows
        pass_evaluation(client, project["id"], "ziyang_major_review")
    assert sign(client, project["id"]).status_code == 200


def test_just_under_ten_yi_is_reviewed_by_its_county(client):
    project = new_project(client, amount="99999.9999")
    assert project["tiers"] == []
    ready_to_sign(client, project["id"], review=None)

    response = sign(client, project["id"])
    assert [r["rule"] for r in response.json["refusals"]] == [
        "evaluation.ziyang_county_review.missing"]

    with travel(REVIEW_DECIDED):
        evaluation = pass_evaluation(client, project["id"], "ziyang_county_review")
    assert evaluation["level"] == "county"
    assert sign(client, project["id"]).status_code == 200


def test_the_steps_cannot_be_skipped(client):
    project = new_project(client, amount="200000")
    evaluation = call(client, "POST", f"/projects/{project['id']}/evaluations",
                      {"form": "ziyang_major_review"}, 201)

    response = client.post(f"/evaluations/{evaluation['id']}/steps",
                           json={"step": "office_opinion", "opinion": "同意"})

    assert response.status_code == 409
    assert "产业招商小组组织评审" in response.json["detail"]


def test_a_meeting_that_rejects_the_project_blocks_signing(client):
    project = new_project(client, amount="150000")
    ready_to_sign(client, project["id"], review=None)
    pass_evaluation(client, project["id"], "ziyang_major_review", approve=False)

    response = sign(client, project["id"])

    assert response.status_code == 409
    assert "领导小组例会研究决定" in response.json["detail"]


def test_a_county_clerk_runs_the_county_review_but_not_the_major_one(client):
    small = new_project(client, finding_unit="lezhi")
    big = new_project(client, finding_unit="lezhi", amount="120000")

    county = client.post(f"/projects/{small['id']}/evaluations",
                         json={"form": "ziyang_county_review"}, as_=("clerk", "lezhi"))
    major = client.post(f"/projects/{big['id']}/evaluations",
                        json={"form": "ziyang_major_review"}, as_=("clerk", "lezhi"))

    assert county.status_code == 201
    assert major.status_code == 403
