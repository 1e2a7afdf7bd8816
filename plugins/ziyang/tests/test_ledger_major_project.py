"""A major project (10亿元 or more) of Ziyang's ledger imports signed and started with its
signing records (签约前置记录) and its 重大招商项目评审 (the core's 评价记录 sheet): the review's
steps reserved to the group leader and the meeting are recorded by the office (补录); without
the review it is refused with the gate's reason, as by hand (docs/cities/ziyang.md)."""

from __future__ import annotations

from decimal import Decimal

from tests.support.ledgers import city_project_ledger, upload
from tests.support.records import credit_code, row_counts

TABLES = ("projects", "stage_transitions", "imported_records", "evaluations", "outbox")
SCORES = {"产业定位契合度": 80, "投资强度": 75, "经济效益与税收贡献": 70, "投资方实力": 85,
          "要素保障条件": 90}


def major(number: int, stage: str) -> dict:
    row = {"台账编号": f"ZY-{number}", "项目名称": f"资阳台账重大项目{number}号",
           "企业名称": f"资阳台账重大投资{number}号有限公司", "统一社会信用代码": credit_code(7600 + number),
           "产业": "先进制造", "计划总投资（万元）": Decimal(150000), "招商单位": "雁江区",
           "当前阶段": stage, "在谈日期": "2024-02-01", "签约日期": "2024-03-01",
           "协议投资额（万元）": Decimal(150000)}
    if stage == "开工":
        row["开工日期"] = "2024-04-01"
    return row


def signing(number: int) -> dict:
    return {"台账编号": f"ZY-{number}", "签署主体": "县（区）政府", "审查人": "市司法局 王律师",
            "审查日期": "2024-02-20", "审查结论": "审查通过",
            "审查范围": "投资协议合法性、优惠政策、投资方权利义务"}


def review(number: int) -> dict:
    return {"台账编号": f"ZY-{number}", "评价表": "重大招商项目评审", "评价结论": "通过",
            "评价人": "市先进制造产业招商小组", "决定日期": "2024-02-25", **SCORES}


def ledger(city, projects: list[dict], records: list[dict], reviews: list[dict]) -> bytes:
    return city_project_ledger(city, projects, {"签约前置记录": records, "评价记录": reviews},
                               milestone_kinds=("开工", "竣工", "投产"))


def test_a_major_project_imports_signed_and_started_with_its_records_and_review(
        client, app, city):
    content = ledger(city, [major(1, "签约"), major(2, "开工")], [signing(1), signing(2)],
                     [review(1), review(2)])
    result = upload(client, content, commit=True)
    assert result["problems"] == [] and result["created"] == 2 and result["committed"]
    imported = {p["name"]: p for p in client.get("/projects?per_page=50").json["items"]}
    signed = imported["资阳台账重大项目1号"]
    assert "major" in signed["tiers"]
    assert (signed["stage"], imported["资阳台账重大项目2号"]["stage"]) == ("signed", "started")
    decided = client.get(f"/projects/{signed['id']}/evaluations").json
    assert [(e["form_code"], e["level"], e["decision"], e["passed"]) for e in decided] == [
        ("ziyang_major_review", "city", "approved", True)]
    before = row_counts(app, *TABLES)
    again = upload(client, content, commit=True)
    assert again["problems"] == [] and again["unchanged"] == 2 and again["created"] == 0
    assert row_counts(app, *TABLES) == before


def test_without_its_review_a_major_project_is_refused_as_by_hand(client, city):
    problems = upload(client, ledger(city, [major(3, "签约")], [signing(3)], []))["problems"]
    assert [(p["row"], p["column"], p["code"]) for p in problems] == [
        (2, "当前阶段", "evaluation.ziyang_major_review.missing")]
    by_hand = client.post("/projects", json={
        "name": "资阳手工重大项目", "industry": "advanced_manufacturing", "amount": "150000",
        "agreement_amount": "150000", "finding_unit": "yanjiang",
        "enterprise": {"name": "资阳手工重大投资有限公司", "credit_code": credit_code(7698)}}).json
    client.post(f"/projects/{by_hand['id']}/transitions",
                json={"target": "negotiating", "occurred_on": "2024-02-01"})
    refused = client.post(f"/projects/{by_hand['id']}/transitions",
                          json={"target": "signed", "occurred_on": "2024-03-01"}).json
    assert problems[0]["message"] in [r["message"] for r in refused["refusals"]]


def test_a_clerk_may_not_record_the_leaders_and_meetings_decision(client, city):
    reserve = {key: value for key, value in major(4, "储备").items()
               if key not in ("在谈日期", "签约日期", "协议投资额（万元）")}
    content = ledger(city, [reserve], [], [review(4)])
    problems = upload(client, content, as_=("clerk", "yanjiang"))["problems"]
    assert [(p["sheet"], p["code"], p["message"]) for p in problems] == [
        ("评价记录", "forbidden_role",
         "《重大招商项目评审》的“组长、副组长确定是否上领导小组例会研究、领导小组例会研究决定"
         "（不上会的由组长、副组长决定）”须由市招商部门补录")]
