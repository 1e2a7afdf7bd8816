"""Who may do what in Ziyang (issue 17): the host unit's fulfilment, the office's gate evidence
and leading-group work, the county's review, the leader's step — and a refusal writes nothing."""

from __future__ import annotations

import pytest

from core.testing.records import row_counts
from plugins.ziyang.tests.conftest import (
    LEGAL_REVIEW,
    call,
    new_project,
    pass_evaluation,
    ready_to_sign,
    sign,
)

TABLES = ("projects", "project_changes", "stage_transitions", "evaluations", "evaluation_scores",
          "evaluation_steps", "ziyang_fulfilment_results", "ziyang_group_ones", "ziyang_meetings")
MEETING = {"kind": "deputy", "held_on": "2024-05-06", "chair": "副组长"}
EXECUTIVE_MEETING = {"session": "市政府第45次常务会议", "held_on": "2024-02-25",
                     "decision": "approved"}


def _names(client) -> dict[str, str]:
    return {unit["code"]: unit["name"] for unit in call(client, "GET", "/units")["items"]}


def _scores(client, evaluation: dict, form: str, as_=None) -> None:
    forms = {f["code"]: f for f in call(client, "GET", "/evaluation-forms")}
    response = client.post(f"/evaluations/{evaluation['id']}/scores", json={
        "reviewer_id": evaluation["reviewers"][0]["id"],
        "scores": [{"dimension": d["code"], "score": "80"} for d in forms[form]["dimensions"]]},
        as_=as_)
    assert response.status_code == 200, response.json


def _signed(client, **overrides) -> dict:
    project = new_project(client, **overrides)
    ready_to_sign(client, project["id"])
    assert sign(client, project["id"]).status_code == 200
    pass_evaluation(client, project["id"], "ziyang_fulfilment", score="85")
    return project


def _fulfilment(client, project_id: int, as_):
    return client.post(f"/ziyang/projects/{project_id}/fulfilment", json={
        "evaluated_on": "2025-03-01", "basis": "对照协议逐项核查", "outcome": "fulfilling",
        "incentive_policy": "industry_5n", "incentive_amount": "200", "paid_on": "2025-03-20"},
        as_=as_)


# -- fulfilment: the host unit's clerk, nobody else's ----------------------------------------------


def test_the_host_unit_s_clerk_records_the_fulfilment_outcome(client):
    # Found by 雁江区, landed in 安岳县: 安岳县 (the host) evaluates fulfilment.
    project = _signed(client, finding_unit="yanjiang", host_unit="anyue")
    assert project["host_unit"] == "anyue"

    response = _fulfilment(client, project["id"], ("clerk", "anyue"))

    assert response.status_code == 201, response.json
    assert response.json["evaluating_unit"] == "anyue"


@pytest.mark.parametrize("unit", ["lezhi", "yanjiang"])  # another county; the finding unit
def test_another_unit_s_clerk_may_not_and_is_told_which_unit_they_belong_to(app, client, unit):
    project = _signed(client, finding_unit="yanjiang", host_unit="anyue")
    names = _names(client)
    before = row_counts(app, *TABLES)

    response = _fulfilment(client, project["id"], ("clerk", unit))

    assert response.status_code == 403, response.json
    assert response.json["code"] == "forbidden_unit"
    assert response.json["detail"].startswith(f"您属于{names[unit]}，")
    assert names["anyue"] in response.json["detail"]
    assert row_counts(app, *TABLES) == before


# -- gate evidence a clerk may not attest alone ----------------------------------------------------


@pytest.mark.parametrize(("key", "value", "label"), [
    ("legal_review", LEGAL_REVIEW, "合法性审查"),
    ("legal_review", None, "合法性审查"),
    ("executive_meeting", EXECUTIVE_MEETING, "市政府常务会议审议"),
    ("executive_meeting", None, "市政府常务会议审议"),
], ids=["legal_review", "legal_review_cleared", "executive_meeting", "executive_meeting_cleared"])
def test_a_clerk_may_not_attest_the_gate_evidence(app, client, key, value, label):
    project = new_project(client, finding_unit="lezhi")
    call(client, "PATCH", f"/projects/{project['id']}",
         {"attributes": {"legal_review": LEGAL_REVIEW, "executive_meeting": EXECUTIVE_MEETING}})
    before = row_counts(app, *TABLES)

    response = client.patch(f"/projects/{project['id']}",
                            json={"attributes": {key: value, "signatory": "city_government"}},
                            as_=("clerk", "lezhi"))

    assert response.status_code == 403, response.json
    assert response.json["code"] == "forbidden_field"
    assert [(e["field"], e["code"]) for e in response.json["errors"]] == [
        (f"attributes.{key}", "field.office_only")]
    assert response.json["errors"][0]["message"].startswith(f"{label}由市招商部门填写")
    assert row_counts(app, *TABLES) == before
    attributes = call(client, "GET", f"/projects/{project['id']}")["attributes"]
    assert attributes == {"legal_review": LEGAL_REVIEW, "executive_meeting": EXECUTIVE_MEETING}


def test_the_clerk_records_the_signatory_and_the_office_the_legal_review(client):
    project = new_project(client, finding_unit="lezhi")

    by_clerk = client.patch(f"/projects/{project['id']}",
                            json={"attributes": {"signatory": "county_government"}},
                            as_=("clerk", "lezhi"))
    by_office = call(client, "PATCH", f"/projects/{project['id']}",
                     {"attributes": {"legal_review": LEGAL_REVIEW}})

    assert by_clerk.status_code == 200, by_clerk.json
    assert by_office["attributes"] == {"signatory": "county_government",
                                       "legal_review": LEGAL_REVIEW}


# -- the leading group's office -------------------------------------------------------------------


@pytest.mark.parametrize("who", [("clerk", "lezhi"), ("leader", None), ("province", None)])
def test_the_six_ones_and_the_meetings_are_the_office_s(app, client, who):
    before = row_counts(app, *TABLES)

    one = client.post("/ziyang/groups/g_health/ones", json={"kind": "team", "name": "医疗康养招商队"},
                      as_=who)
    meeting = client.post("/ziyang/meetings", json=MEETING, as_=who)

    assert [(r.status_code, r.json["code"]) for r in (one, meeting)] == [
        (403, "forbidden_role")] * 2
    assert "市招商部门" in one.json["detail"]
    assert row_counts(app, *TABLES) == before
    assert client.post("/ziyang/meetings", json=MEETING).status_code == 201


def test_every_reader_of_the_city_reads_the_plugin_s_pages(client):
    for who in (("clerk", "lezhi"), ("leader", None), ("province", None)):
        for path in ("/ziyang/groups", "/ziyang/groups/g_health", "/ziyang/groups/g_health/leads",
                     "/ziyang/groups/g_health/projects", "/ziyang/incentive-policies",
                     "/ziyang/transfers/split", "/ziyang/meetings", "/ziyang/meetings/cadence",
                     "/ziyang/arena"):
            assert client.get(path, as_=who).status_code == 200, (who, path)


# -- reviews: the county's clerk runs the county review; the leader's step is the leader's ---------


def test_another_county_s_clerk_may_not_start_the_county_review(app, client):
    project = new_project(client, finding_unit="lezhi")
    names = _names(client)
    before = row_counts(app, *TABLES)

    response = client.post(f"/projects/{project['id']}/evaluations",
                           json={"form": "ziyang_county_review"}, as_=("clerk", "anyue"))

    assert response.status_code == 403 and response.json["code"] == "forbidden_unit"
    assert response.json["detail"].startswith(f"您属于{names['anyue']}，")
    assert row_counts(app, *TABLES) == before


def test_the_county_s_clerk_runs_the_county_review_to_its_decision(client):
    clerk = ("clerk", "lezhi")
    project = new_project(client, finding_unit="lezhi")
    ready_to_sign(client, project["id"], review=None)
    started = client.post(f"/projects/{project['id']}/evaluations", json={
        "form": "ziyang_county_review", "reviewers": [{"name": "乐至县评审组"}]}, as_=clerk)
    assert started.status_code == 201, started.json
    evaluation = started.json

    _scores(client, evaluation, "ziyang_county_review", as_=clerk)
    for body in ({"step": "submitted", "opinion": "提交"},
                 {"step": "decided", "opinion": "同意", "decision": "approved"}):
        response = client.post(f"/evaluations/{evaluation['id']}/steps", json=body, as_=clerk)
        assert response.status_code == 200, response.json

    # Signed after the review was decided (today): a signing never precedes its review.
    assert sign(client, project["id"], "2026-06-16").status_code == 200


def test_an_officer_may_not_record_the_leader_s_step_of_the_major_review(app, client):
    project = new_project(client, amount="120000")
    evaluation = call(client, "POST", f"/projects/{project['id']}/evaluations",
                      {"form": "ziyang_major_review", "reviewers": [{"name": "行业专家 李工"}]},
                      201)
    _scores(client, evaluation, "ziyang_major_review")
    for step in ("group_review", "expert_review", "authority_opinion", "office_opinion"):
        call(client, "POST", f"/evaluations/{evaluation['id']}/steps",
             {"step": step, "opinion": "同意"})
    before = row_counts(app, *TABLES)

    by_officer = client.post(f"/evaluations/{evaluation['id']}/steps",
                             json={"step": "leader_decision", "opinion": "上会研究"})

    assert by_officer.status_code == 403, by_officer.json
    assert by_officer.json["code"] == "forbidden_role"
    assert row_counts(app, *TABLES) == before
    by_leader = client.post(f"/evaluations/{evaluation['id']}/steps",
                            json={"step": "leader_decision", "opinion": "上会研究"},
                            as_=("leader", None))
    assert by_leader.status_code == 200, by_leader.json
