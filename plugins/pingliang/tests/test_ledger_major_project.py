"""A major project (10亿元 or more) of Pingliang's ledger imports signed and started with its
包抓 leader, its service team (a list field, one cell: ``list_fields``) and its project
evaluation (the core's 评价记录 sheet); without them it is refused as by hand
(docs/cities/pingliang.md, "Importing a ledger")."""

from __future__ import annotations

from decimal import Decimal

from tests.support.ledgers import city_project_ledger, upload
from tests.support.records import credit_code, row_counts

TABLES = ("projects", "stage_transitions", "imported_records", "evaluations", "project_changes",
          "outbox")
SCORES = {"要素完善（用地、能耗、环评等要素保障）": 80, "带动性（产业链、就业、税收带动）": 75,
          "吸引力（市场前景、投资回报）": 70, "投资方实力与信用": 85, "与重点产业链契合度": 90}
TEAM = "服务专班（一套班子）"


def major(number: int, stage: str, **cells) -> dict:
    row = {"台账编号": f"PL-{number}", "项目名称": f"平凉台账重大项目{number}号",
           "企业名称": f"平凉台账投资{number}号有限公司", "统一社会信用代码": credit_code(7500 + number),
           "产业": "煤炭清洁高效利用", "计划总投资（万元）": Decimal(120000), "招商单位": "崇信县",
           "项目负责人": "常务副市长", TEAM: "市投资促进局专员、崇信县招商局长",
           "当前阶段": stage, "在谈日期": "2024-02-01", "签约日期": "2024-03-01",
           "协议投资额（万元）": Decimal(120000)}
    if stage == "开工":
        row["开工日期"] = "2024-04-01"
    return row | cells


def evaluation(number: int) -> dict:
    return {"台账编号": f"PL-{number}", "评价表": "项目评估", "评价结论": "通过",
            "评价人": "市招商引资工作领导小组办公室", "决定日期": "2024-02-25", **SCORES}


def ledger(city, projects: list[dict], evaluations: list[dict]) -> bytes:
    return city_project_ledger(city, projects, {"评价记录": evaluations})


def test_a_major_project_imports_signed_and_started_with_team_and_evaluation(client, app, city):
    content = ledger(city, [major(1, "签约"), major(2, "开工")], [evaluation(1), evaluation(2)])
    result = upload(client, content, commit=True)
    assert result["problems"] == [] and result["created"] == 2 and result["committed"]
    imported = {p["name"]: p for p in client.get("/projects?per_page=50").json["items"]}
    signed = client.get(f"/projects/{imported['平凉台账重大项目1号']['id']}").json
    assert "major" in signed["tiers"] and signed["stage"] == "signed"
    assert imported["平凉台账重大项目2号"]["stage"] == "started"
    assert signed["leader_name"] == "常务副市长"
    assert signed["attributes"]["service_team"] == ["市投资促进局专员", "崇信县招商局长"]
    decided = client.get(f"/projects/{signed['id']}/evaluations").json
    assert [(e["form_code"], e["passed"]) for e in decided] == [
        ("pingliang_project_evaluation", True)]
    before = row_counts(app, *TABLES)
    again = upload(client, content, commit=True)
    assert again["problems"] == [] and again["unchanged"] == 2 and again["created"] == 0
    # The project list's export, its team joined by 、, read back changes nothing either.
    exported = client.get("/projects?format=xlsx").data
    back = upload(client, exported, commit=True, name="项目列表.xlsx")
    assert back["problems"] == [] and back["created"] == 0
    assert row_counts(app, *TABLES) == before


def test_without_its_team_or_evaluation_a_major_project_is_refused_as_by_hand(client, city):
    problems = upload(client, ledger(city, [major(3, "签约", **{TEAM: None})], []))["problems"]
    assert [(p["row"], p["column"], p["code"]) for p in problems] == [
        (2, TEAM, "gate.attributes.service_team"),
        (2, "当前阶段", "evaluation.pingliang_project_evaluation.missing")]
    by_hand = client.post("/projects", json={
        "name": "平凉手工重大项目", "industry": "coal_clean", "amount": "120000",
        "finding_unit": "chongxin", "leader_name": "常务副市长", "agreement_amount": "120000",
        "enterprise": {"name": "平凉手工投资有限公司", "credit_code": credit_code(7598)}}).json
    client.put(f"/projects/{by_hand['id']}/milestones", json={"kind": "start",
                                                             "planned_on": "2025-06-01"})
    client.post(f"/projects/{by_hand['id']}/transitions",
                json={"target": "negotiating", "occurred_on": "2024-02-01"})
    refused = client.post(f"/projects/{by_hand['id']}/transitions",
                          json={"target": "signed", "occurred_on": "2024-03-01"}).json
    assert [p["message"] for p in problems] == [r["message"] for r in refused["refusals"]]
