"""A key project (10亿元 or more) of Sanming's ledger imports signed or started with its
前期评价 on the core's 评价记录 sheet: the decision is recorded with its own past date before
the signing it allows; a key project without it is refused with the gate's reason, as by hand
(docs/cities/sanming.md, "Importing a ledger")."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from core.ledger_import.layout import sheets_of
from plugins.sanming.tests.test_ledger_legal_review_sheet import listed, project, reviews, upload
from tests.support.ledgers import workbook
from tests.support.records import credit_code, row_counts

TABLES = ("projects", "stage_transitions", "imported_records", "evaluations", "outbox")
SCORES = {"产业链契合度": 80, "经济账（税收贡献、就业带动）": 75, "技术创新": 70,
          "法规账（环保安全、用地用林）": 85, "投资方实力": 90}


def key_project(number: int, stage: str) -> dict:
    return project(number, stage, **{"计划总投资（万元）": Decimal(120000), "招商专员": "林晓峰",
                                     "协议投资额（万元）": Decimal(120000)})


def evaluation(number: int, on: str = "2024-02-25") -> dict:
    return {"台账编号": f"SM-{number}", "评价表": "重大招商项目前期评价", "评价结论": "通过",
            "评价人": "市重大项目评价组", "决定日期": on, **SCORES}


def ledger(city, projects: list[dict], legal: list[dict], evaluations: list[dict]) -> bytes:
    main, _funds, _milestones, legal_sheet, sheet = sheets_of(city, "projects")
    milestones = [{"台账编号": row["台账编号"], "节点": kind, "计划日期": on}
                  for row in projects for kind, on in (("开工", "2024-06-01"), ("竣工", "2025-06-01"))]
    return workbook([
        (main.title, [column.heading for column in main.columns], projects),
        ("节点", ["台账编号", "节点", "计划日期", "实际日期"], milestones),
        (legal_sheet.title, [column.heading for column in legal_sheet.columns], legal),
        (sheet.title, [column.heading for column in sheet.columns], evaluations)])


def test_key_projects_import_signed_and_started_with_their_dated_evaluation(client, app, city):
    content = ledger(city, [key_project(11, "签约"), key_project(12, "开工")],
                     reviews(11) + reviews(12), [evaluation(11), evaluation(12)])
    result = upload(client, content, commit=True)
    assert result["problems"] == [] and result["created"] == 2 and result["committed"]
    imported = {p["name"]: p for p in client.get("/projects?per_page=50").json["items"]}
    signed = imported["三明台账项目11号"]
    assert (signed["stage"], imported["三明台账项目12号"]["stage"]) == ("signed", "started")
    decided = client.get(f"/projects/{signed['id']}/evaluations").json
    assert [(e["form_code"], e["decision"], e["passed"], e["result"]) for e in decided] == [
        ("sanming_pre_evaluation", "approved", True, "80.00")]
    decided_at = dt.datetime.fromisoformat(decided[0]["decided_at"])
    assert city.clock.day_of(decided_at) == dt.date(2024, 2, 25)
    before = row_counts(app, *TABLES)
    again = upload(client, content, commit=True)
    assert again["problems"] == [] and again["unchanged"] == 2 and again["created"] == 0
    assert row_counts(app, *TABLES) == before


def test_a_key_project_without_its_evaluation_is_refused_as_by_hand(client, city):
    result = upload(client, ledger(city, [key_project(13, "签约")], reviews(13), []))
    problems = listed(result)
    assert [(p[0], p[1], p[2]) for p in problems] == [("项目", 2, "当前阶段")]
    assert problems[0][4] == "进入“签约”前，项目须通过《重大招商项目前期评价》"
    # An evaluation decided after the signing date does not let it sign: it is recorded after
    # the move, as by hand, and the move is refused for want of it.
    late = upload(client, ledger(city, [key_project(14, "签约")], reviews(14),
                                 [evaluation(14, on="2024-03-05")]))
    assert [(p[2], p[3], p[4]) for p in listed(late)] == [
        ("当前阶段", "evaluation.sanming_pre_evaluation.missing", problems[0][4])]


def test_a_decision_by_hand_may_carry_its_own_past_date_never_a_future_one(client, city):
    body = {"name": "三明手工评价项目", "industry": "new_materials", "amount": "120000",
            "finding_unit": "yongan",
            "enterprise": {"name": "三明手工评价投资有限公司", "credit_code": credit_code(7198)}}
    made = client.post("/projects", json=body).json
    form = next(f for f in client.get("/evaluation-forms").json
                if f["code"] == "sanming_pre_evaluation")
    started = client.post(f"/projects/{made['id']}/evaluations", json={
        "form": form["code"], "reviewers": [{"name": "市重大项目评价组"}]}).json
    client.post(f"/evaluations/{started['id']}/scores", json={
        "reviewer_id": started["reviewers"][0]["id"],
        "scores": [{"dimension": d["code"], "score": "80"} for d in form["dimensions"]]})
    client.post(f"/evaluations/{started['id']}/steps", json={"step": "submitted"})
    tomorrow = city.clock.today() + dt.timedelta(days=1)
    ahead = client.post(f"/evaluations/{started['id']}/steps", json={
        "step": "decided", "decision": "approved", "decided_on": tomorrow.isoformat()})
    assert ahead.status_code == 400, ahead.json
    assert [e["code"] for e in ahead.json["errors"]] == ["date.in_future"]
    decided = client.post(f"/evaluations/{started['id']}/steps", json={
        "step": "decided", "decision": "approved", "decided_on": "2024-02-25"})
    assert decided.status_code == 200, decided.json
    at = dt.datetime.fromisoformat(decided.json["decided_at"])
    assert city.clock.day_of(at) == dt.date(2024, 2, 25)
