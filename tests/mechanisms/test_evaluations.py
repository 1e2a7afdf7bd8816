"""Evaluations (评估/评审) with a throwaway plugin's forms, on both backends.

The ``admission`` form: land (weight 2), environment (1), tax (1, scored out of 50);
pass at 60; hard refusals 高污染 and 限制类; steps submitted → reviewed → decided;
county level below 5亿元 (50000万元), city level from it; required before signing.
The ``investor`` form rates an enterprise A/B/C/D at 85/70/60 and is required
before signing only for projects of 10亿元 or more.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from core import hookimpl
from core.evaluation_rules import outcome
from core.models import Evaluation, EvaluationScore, Expert, OutboxEvent
from core.policy import Dimension, EvaluationForm, HardRefusal
from tests.support.cities import make_city

ADMISSION = EvaluationForm(
    code="admission", name="准入评估",
    dimensions=(Dimension("land", "土地", Decimal(2)), Dimension("env", "环保"),
                Dimension("tax", "税收贡献", max_score=50)),
    pass_score=Decimal(60),
    hard_refusals=(HardRefusal("pollution", "高污染"), HardRefusal("restricted", "限制类产业")),
    steps=("submitted", "reviewed", "decided"),
    step_labels={"submitted": "提交", "reviewed": "专家评审", "decided": "决定"},
    required_before="signed",
    level_for=lambda project: "city" if project.amount >= 50000 else "county",
)
INVESTOR = EvaluationForm(
    code="investor", name="投资方评估", subject="enterprise",
    dimensions=(Dimension("will", "投资意愿"), Dimension("credit", "资信情况")),
    ratings=(("A", Decimal(85)), ("B", Decimal(70)), ("C", Decimal(60)), ("D", Decimal(0))),
    required_before="signed",
    applies_to=lambda project: project.amount >= 100000,
)


class FormsPlugin:
    @hookimpl
    def evaluation_forms(self, city):
        return [ADMISSION, INVESTOR]


@pytest.fixture
def city():
    return make_city(extra_plugins=[("test_forms", FormsPlugin())])


def negotiating_project(client, serial: int, amount: str = "30000") -> int:
    """A project in talks with everything the core's signing gate needs."""
    response = client.post("/projects", json={
        "name": f"测试产业项目{serial}", "enterprise": {"name": f"测试投资{serial}号有限公司"},
        "industry": "manufacturing", "amount": amount, "agreement_amount": amount,
        "finding_unit": "east"})
    assert response.status_code == 201, response.json
    project_id = response.json["id"]
    assert client.put(f"/projects/{project_id}/milestones",
                      json={"kind": "start", "planned_on": "2025-06-01"}).status_code == 200
    moved = client.post(f"/projects/{project_id}/transitions", json={"target": "negotiating"})
    assert moved.status_code == 200, moved.json
    return project_id


def start(client, project_id: int, reviewers=("张专家", "李专家"), form="admission", **kw):
    response = client.post(f"/projects/{project_id}/evaluations", json={
        "form": form, "reviewers": [{"name": name} for name in reviewers]}, **kw)
    assert response.status_code == 201, response.json
    return response.json


def score(client, evaluation: dict, reviewer_index: int, **scores):
    reviewer_id = evaluation["reviewers"][reviewer_index]["id"]
    response = client.post(f"/evaluations/{evaluation['id']}/scores", json={
        "reviewer_id": reviewer_id,
        "scores": [{"dimension": code, "score": value} for code, value in scores.items()]})
    assert response.status_code == 200, response.json
    return response.json


def step(client, evaluation_id: int, name: str, decision=None, opinion="同意"):
    body = {"step": name, "opinion": opinion}
    if decision:
        body["decision"] = decision
    return client.post(f"/evaluations/{evaluation_id}/steps", json=body)


def walk_to_decision(client, evaluation_id: int, decision: str = "approved"):
    assert step(client, evaluation_id, "submitted").status_code == 200
    assert step(client, evaluation_id, "reviewed").status_code == 200
    return step(client, evaluation_id, "decided", decision)


def sign(client, project_id: int):
    return client.post(f"/projects/{project_id}/transitions", json={"target": "signed"})


def rows(app, model) -> int:
    with app.extensions["zhaoshang"].sessions() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(model))


def event_types(app) -> list[str]:
    with app.extensions["zhaoshang"].sessions() as session:
        return list(session.scalars(sa.select(OutboxEvent.type).order_by(OutboxEvent.position)))


# -- the result, by hand ----------------------------------------------------------------


def test_weighted_result_is_the_weighted_average_of_the_reviewers_averages(client, app):
    project_id = negotiating_project(client, 1)
    evaluation = start(client, project_id)
    assert evaluation["level"] == "county"  # 3亿元 < 5亿元
    score(client, evaluation, 0, land=80, env=60, tax=40)
    score(client, evaluation, 1, land=70, env="65", tax=35)
    # land avg 75 → 75; env avg 62.5 → 62.5; tax avg 37.5/50 → 75.
    # (2×75 + 1×62.5 + 1×75) / 4 = 287.5 / 4 = 71.875 → 71.88 (half up).
    decided = walk_to_decision(client, evaluation["id"])
    assert decided.status_code == 200, decided.json
    body = decided.json
    assert body["result"] == "71.88"
    assert body["passed"] is True
    assert body["status"] == "decided" and body["decision"] == "approved"
    assert body["current"]["averages"] == {"land": "75.00", "env": "62.50", "tax": "37.50"}
    assert [s["step"] for s in body["steps"]] == ["submitted", "reviewed", "decided"]
    assert all(s["actor"] == "officer1" for s in body["steps"])
    types = [t for t in event_types(app) if ".evaluation." in t]
    assert types == ["zhaoshang.evaluation.created"] + ["zhaoshang.evaluation.scored"] * 2 + [
        "zhaoshang.evaluation.step_completed"] * 3 + ["zhaoshang.evaluation.decided"]


def test_a_score_again_replaces_the_reviewers_earlier_score(client):
    project_id = negotiating_project(client, 1)
    evaluation = start(client, project_id, reviewers=("张专家",))
    score(client, evaluation, 0, land=10, env=60, tax=30)
    body = score(client, evaluation, 0, land=60)
    assert body["current"]["result"] == "60.00"
    assert len(body["scores"]) == 3


def test_the_pass_score_itself_passes_and_a_hundredth_below_fails(client):
    at_threshold = start(client, negotiating_project(client, 1), reviewers=("张专家",))
    score(client, at_threshold, 0, land=60, env=60, tax=30)
    decided = walk_to_decision(client, at_threshold["id"])
    assert decided.json["result"] == "60.00" and decided.json["passed"] is True

    below = start(client, negotiating_project(client, 2), reviewers=("张专家",))
    score(client, below, 0, land=60, env="59.96", tax=30)  # (120 + 59.96 + 60) / 4 = 59.99
    refused = walk_to_decision(client, below["id"])
    assert refused.status_code == 409
    assert refused.json["refusals"] == [{
        "rule": "evaluation.admission.score", "message": "《准入评估》得分 59.99 低于合格线 60"}]
    rejected = step(client, below["id"], "decided", "rejected", "得分未达合格线")
    assert rejected.json["passed"] is False and rejected.json["result"] == "59.99"


def test_a_hard_refusal_fails_whatever_the_scores_and_the_gate_names_it(client):
    project_id = negotiating_project(client, 1)
    evaluation = start(client, project_id, reviewers=("张专家",))
    score(client, evaluation, 0, land=100, env=100, tax=50)
    ticked = client.post(f"/evaluations/{evaluation['id']}/scores", json={
        "hard_refusals": [{"code": "pollution", "note": "环评报告显示排放超标"}]})
    assert ticked.status_code == 200
    assert ticked.json["current"]["result"] == "100.00"
    assert ticked.json["current"]["passed"] is False

    approval = walk_to_decision(client, evaluation["id"])
    assert approval.status_code == 409
    assert approval.json["refusals"][0]["rule"] == "evaluation.admission.hard_refusal.pollution"
    assert "高污染" in approval.json["refusals"][0]["message"]
    assert step(client, evaluation["id"], "decided", "rejected").json["passed"] is False

    signing = sign(client, project_id)
    assert signing.status_code == 409
    [refusal] = signing.json["refusals"]
    assert refusal["rule"] == "evaluation.admission.hard_refusal.pollution"
    assert "准入评估" in refusal["message"] and "高污染" in refusal["message"]
    assert "环评报告显示排放超标" in refusal["message"]


def test_no_signing_without_a_passed_evaluation_then_it_passes(client):
    project_id = negotiating_project(client, 1)
    missing = sign(client, project_id)
    assert missing.status_code == 409
    assert missing.json["refusals"] == [{"rule": "evaluation.admission.missing",
                                         "message": "进入“签约”前，项目须通过《准入评估》"}]
    evaluation = start(client, project_id, reviewers=("张专家",))
    pending = sign(client, project_id)
    assert pending.status_code == 409
    assert pending.json["refusals"][0]["rule"] == "evaluation.admission.pending"
    score(client, evaluation, 0, land=70, env=70, tax=35)
    assert walk_to_decision(client, evaluation["id"]).status_code == 200
    signed = sign(client, project_id)
    assert signed.status_code == 200, signed.json
    assert signed.json["stage"] == "signed"


def test_the_level_is_chosen_by_the_form_from_the_amount(client):
    county = start(client, negotiating_project(client, 1, amount="49999"), as_=("clerk", "east"))
    assert county["level"] == "county" and county["level_label"] == "县级"
    big = negotiating_project(client, 2, amount="50000")
    refused = client.post(f"/projects/{big}/evaluations", json={"form": "admission"},
                          as_=("clerk", "east"))
    assert refused.status_code == 403  # a city-level evaluation is the city's to run
    assert start(client, big)["level"] == "city"


def test_steps_go_in_the_forms_order(client, app):
    evaluation = start(client, negotiating_project(client, 1), reviewers=("张专家",))
    skipped = step(client, evaluation["id"], "decided", "approved")
    assert skipped.status_code == 409
    assert skipped.json["refusals"] == [{"rule": "evaluation.step_order",
                                         "message": "须先完成“提交”，不能直接进行“决定”"}]
    assert step(client, evaluation["id"], "submitted").status_code == 200
    again = step(client, evaluation["id"], "submitted")
    assert again.status_code == 409 and "已完成" in again.json["refusals"][0]["message"]
    unknown = step(client, evaluation["id"], "approved_by_mayor")
    assert unknown.status_code == 400
    assert unknown.json["errors"][0]["field"] == "step"
    assert unknown.json["errors"][0]["code"] == "evaluation.step_unknown"
    no_decision = step(client, evaluation["id"], "reviewed")
    assert no_decision.status_code == 200
    undecided = step(client, evaluation["id"], "decided")
    assert undecided.status_code == 400
    assert undecided.json["errors"][0]["code"] == "evaluation.decision_required"


def test_a_rejection_at_an_intermediate_step_closes_the_evaluation(client):
    evaluation = start(client, negotiating_project(client, 1), reviewers=("张专家",))
    assert step(client, evaluation["id"], "submitted").status_code == 200
    closed = step(client, evaluation["id"], "reviewed", "rejected", "产业层次不符合规划")
    assert closed.status_code == 200
    assert closed.json["status"] == "reviewed" and closed.json["decision"] == "rejected"
    assert closed.json["passed"] is False and closed.json["next_step"] is None
    assert "产业层次不符合规划" in closed.json["failures"][0]["message"]
    late = client.post(f"/evaluations/{evaluation['id']}/scores", json={
        "reviewer_id": evaluation["reviewers"][0]["id"],
        "scores": [{"dimension": "land", "score": 90}]})
    assert late.status_code == 409
    assert late.json["refusals"][0]["rule"] == "evaluation.closed"


def test_an_investor_rating_follows_the_average_and_is_kept_on_the_enterprise(client):
    project_id = negotiating_project(client, 1, amount="120000")
    enterprise_id = client.get(f"/projects/{project_id}").json["enterprise"]["id"]
    wrong_subject = client.post(f"/projects/{project_id}/evaluations", json={"form": "investor"})
    assert wrong_subject.status_code == 400
    assert wrong_subject.json["errors"][0]["code"] == "evaluation.form_subject"

    def rate(will, credit, decision="approved"):
        response = client.post(f"/enterprises/{enterprise_id}/evaluations", json={
            "form": "investor", "reviewers": [{"name": "资信评审组"}]})
        assert response.status_code == 201, response.json
        score(client, response.json, 0, will=will, credit=credit)
        assert step(client, response.json["id"], "submitted").status_code == 200
        return step(client, response.json["id"], "decided", decision).json

    assert rate(90, 80)["rating"] == "A"  # 85.00: A's minimum is reached
    ratings = client.get(f"/enterprises/{enterprise_id}/ratings").json
    assert [(r["form_code"], r["rating"], r["score"]) for r in ratings] == [
        ("investor", "A", "85.00")]
    assert rate(72, "69.98")["rating"] == "B"  # (72 + 69.98) / 2 = 70.99: B from 70
    ratings = client.get(f"/enterprises/{enterprise_id}/ratings").json
    assert [(r["rating"], r["score"]) for r in ratings] == [("B", "70.99")]  # the latest counts
    low = rate(60, "59.98", "rejected")  # 59.99: below C's 60 and below the pass score
    assert low["rating"] == "D" and low["passed"] is False



def test_an_investor_form_gates_only_the_projects_it_applies_to(client):
    project_id = negotiating_project(client, 1, amount="120000")
    admission = start(client, project_id, reviewers=("张专家",))
    score(client, admission, 0, land=80, env=80, tax=40)
    walk_to_decision(client, admission["id"])
    refused = sign(client, project_id)
    assert [r["rule"] for r in refused.json["refusals"]] == ["evaluation.investor.missing"]
    assert "投资方须通过《投资方评估》" in refused.json["refusals"][0]["message"]

    small = negotiating_project(client, 2, amount="30000")
    evaluation = start(client, small, reviewers=("张专家",))
    score(client, evaluation, 0, land=80, env=80, tax=40)
    walk_to_decision(client, evaluation["id"])
    assert sign(client, small).status_code == 200


def test_bad_scores_are_field_errors_and_write_nothing(client, app):
    evaluation = start(client, negotiating_project(client, 1), reviewers=("张专家",))
    before = (rows(app, EvaluationScore), len(event_types(app)))
    response = client.post(f"/evaluations/{evaluation['id']}/scores", json={
        "reviewer_id": evaluation["reviewers"][0]["id"],
        "scores": [{"dimension": "land", "score": 80}, {"dimension": "beauty", "score": 80},
                   {"dimension": "env", "score": 101}, {"dimension": "tax", "score": 51}],
        "hard_refusals": [{"code": "ugly", "note": "x"}, {"code": "restricted"}]})
    assert response.status_code == 400
    problems = {(e["field"], e["code"]) for e in response.json["errors"]}
    assert problems == {
        ("scores.1.dimension", "evaluation.dimension_unknown"),
        ("scores.2.score", "evaluation.score_range"),
        ("scores.3.score", "evaluation.score_range"),
        ("hard_refusals.0.code", "evaluation.hard_refusal_unknown"),
        ("hard_refusals.1.note", "required"),
    }
    assert all(e["message"] for e in response.json["errors"])
    stranger = client.post(f"/evaluations/{evaluation['id']}/scores", json={
        "reviewer_id": 999, "scores": [{"dimension": "land", "score": 80}]})
    assert stranger.json["errors"][0]["code"] == "evaluation.reviewer_unknown"
    places = client.post(f"/evaluations/{evaluation['id']}/scores", json={
        "reviewer_id": evaluation["reviewers"][0]["id"],
        "scores": [{"dimension": "land", "score": "80.125"}]})
    assert places.status_code == 400
    assert places.json["errors"][0] == {"field": "scores.0.score", "code": "score.places",
                                        "message": "评分最多保留两位小数"}
    assert (rows(app, EvaluationScore), len(event_types(app))) == before


def test_an_unknown_form_is_a_field_error_and_writes_nothing(client, app):
    project_id = negotiating_project(client, 1)
    before = len(event_types(app))
    response = client.post(f"/projects/{project_id}/evaluations", json={"form": "beauty"})
    assert response.status_code == 400
    assert response.json["errors"][0]["field"] == "form"
    assert "admission" in response.json["errors"][0]["message"]
    duplicate = client.post(f"/projects/{project_id}/evaluations", json={
        "form": "admission", "reviewers": [{"name": "张专家"}, {"name": "张专家"}]})
    assert duplicate.json["errors"] == [{"field": "reviewers.1.name", "code": "reviewer.duplicate",
                                         "message": "评审人 张专家 已在本次评估中"}]
    assert rows(app, Evaluation) == 0 and len(event_types(app)) == before


def test_experts_join_the_pool_and_are_assigned_to_an_evaluation(client, app):
    refused = client.post("/experts", json={"name": "王工", "field": "环境工程"},
                          as_=("clerk", "east"))
    assert refused.status_code == 403
    bad = client.post("/experts", json={"name": "王"})
    assert bad.status_code == 400
    assert {e["field"] for e in bad.json["errors"]} == {"name", "field"}
    assert rows(app, Expert) == 0
    added = client.post("/experts", json={"name": "王工", "field": "环境工程",
                                          "organisation": "省环境科学研究院"})
    assert added.status_code == 201
    listed = client.get("/experts?field=环境工程").json
    assert [e["name"] for e in listed["items"]] == ["王工"]

    evaluation = start(client, negotiating_project(client, 1), reviewers=())
    assigned = client.post(f"/evaluations/{evaluation['id']}/reviewers", json={"reviewers": [
        {"expert_id": added.json["id"], "role": "环保专家"}, {"unit": "dept"}]})
    assert assigned.status_code == 200, assigned.json
    assert [(r["kind"], r["name"]) for r in assigned.json["reviewers"]] == [
        ("expert", "王工"), ("unit", "市商务局")]
    unknown = client.post(f"/evaluations/{evaluation['id']}/reviewers", json={"reviewers": [
        {"expert_id": 404}, {"unit": "nowhere"}]})
    assert {(e["field"], e["code"]) for e in unknown.json["errors"]} == {
        ("reviewers.0.expert_id", "expert.unknown"), ("reviewers.1.unit", "unit.unknown")}
    assert "zhaoshang.evaluation.reviewers_assigned" in event_types(app)


# -- the arithmetic alone, without a database -----------------------------------------------


def test_outcome_is_incomplete_until_every_dimension_has_a_score():
    partial = outcome(ADMISSION, [("land", Decimal(80))])
    assert partial.result is None and partial.passed is None
    assert partial.missing == ("env", "tax")
    vetoed = outcome(ADMISSION, [("land", Decimal(80))], [("restricted", "淘汰类")])
    assert vetoed.passed is False
    assert vetoed.failures[0].message == "《准入评估》一票否决：限制类产业（淘汰类）"


def test_a_vetoed_investor_gets_the_lowest_rating():
    rated = outcome(INVESTOR, [("will", Decimal(95)), ("credit", Decimal(95))])
    assert rated.rating == "A" and rated.passed is True
    form = EvaluationForm(code="inv", name="投资方", dimensions=INVESTOR.dimensions,
                          hard_refusals=(HardRefusal("fraud", "失信"),), ratings=INVESTOR.ratings)
    assert outcome(form, [("will", Decimal(95)), ("credit", Decimal(95))],
                   [("fraud", "列入失信名单")]).rating == "D"
