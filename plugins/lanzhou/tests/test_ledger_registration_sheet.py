"""Lanzhou's project ledger imports signed and started projects with their 报备认定 (the
``ledger_record_sheets`` hook) and their evaluations (the core's 评价记录 sheet): each recorded
as by hand, before the signing it allows; a project without its registration is refused with
the reason the transition gives by hand (docs/cities/lanzhou.md, "Importing a ledger")."""

from __future__ import annotations

from decimal import Decimal

from tests.support.ledgers import WITH_MESSAGE, city_project_ledger, upload
from tests.support.ledgers import listed as listed_problems
from tests.support.records import credit_code, row_counts

TABLES = ("projects", "stage_transitions", "imported_records", "evaluations",
          "lanzhou_registrations", "outbox")
ADMISSION = {name: 80 for name in ("土地", "规划", "环保", "节能", "产业层次", "投资强度", "税收贡献")}
INVESTOR = {name: 80 for name in ("投资意愿", "履约能力", "市场预期", "技术实力", "资信情况")}


def project(number: int, stage: str) -> dict:
    row = {"台账编号": f"LZ-{number}", "项目名称": f"兰州台账项目{number}号",
           "企业名称": f"兰州台账投资{number}号有限公司", "统一社会信用代码": credit_code(7300 + number),
           "产业": "先进制造", "计划总投资（万元）": Decimal(30000), "招商单位": "城关区",
           "当前阶段": stage, "在谈日期": "2024-02-01", "签约日期": "2024-03-01",
           "协议投资额（万元）": Decimal(30000)}
    if stage == "开工":
        row["开工日期"] = "2024-04-01"
    return row


def registration(number: int, **cells) -> dict:
    return {"台账编号": f"LZ-{number}", "报备日期": "2024-02-20", "认定结论": "认定",
            "认定日期": "2024-03-05"} | cells


def evaluations(number: int) -> list[dict]:
    decided = {"台账编号": f"LZ-{number}", "评价结论": "通过", "评价人": "市工信局",
               "决定日期": "2024-02-25"}
    return [decided | {"评价表": "招商项目准入评估"} | ADMISSION,
            decided | {"评价表": "投资企业综合评价"} | INVESTOR]


def ledger(city, projects: list[dict], registrations: list[dict], evaluated: list[dict]) -> bytes:
    return city_project_ledger(city, projects, {"报备认定": registrations, "评价记录": evaluated})


def listed(result):
    return listed_problems(result, WITH_MESSAGE)


def test_signed_and_started_projects_import_with_registration_and_evaluations(client, app, city):
    content = ledger(city, [project(1, "签约"), project(2, "开工")],
                     [registration(1), registration(2, 认定结论=None, 认定日期=None)],
                     evaluations(1) + evaluations(2))
    result = upload(client, content, commit=True)
    assert result["problems"] == [] and result["created"] == 2 and result["committed"]
    imported = {p["name"]: p for p in client.get("/projects?per_page=50").json["items"]}
    signed, started = imported["兰州台账项目1号"], imported["兰州台账项目2号"]
    assert (signed["stage"], started["stage"]) == ("signed", "started")
    recognised = client.get(f"/lanzhou/projects/{signed['id']}/registration").json
    assert (recognised["introducing_unit"], recognised["registered_on"], recognised["status"],
            recognised["decided_on"]) == ("chengguan", "2024-02-20", "recognised", "2024-03-05")
    waiting = client.get(f"/lanzhou/projects/{started['id']}/registration").json
    assert (waiting["status"], waiting["decided_on"]) == ("registered", None)
    forms = [(e["form_code"], e["passed"])
             for e in client.get(f"/projects/{signed['id']}/evaluations").json]
    assert forms == [("lanzhou_admission", True)]
    investor = client.get(f"/enterprises/{signed['enterprise']['id']}/evaluations").json
    assert [(e["form_code"], e["passed"]) for e in investor] == [("lanzhou_investor", True)]
    before = row_counts(app, *TABLES)
    again = upload(client, content, commit=True)
    assert again["problems"] == [] and again["unchanged"] == 2 and again["created"] == 0
    assert row_counts(app, *TABLES) == before


def test_a_project_without_its_registration_is_refused_as_by_hand(client, city):
    problems = listed(upload(client, ledger(city, [project(3, "签约")], [], evaluations(3))))
    assert [(p[0], p[1], p[2], p[3]) for p in problems] == [
        ("项目", 2, "当前阶段", "lanzhou.registration.missing")]
    by_hand = client.post("/projects", json={
        "name": "兰州手工项目", "industry": "advanced_manufacturing", "amount": "30000",
        "finding_unit": "chengguan",
        "enterprise": {"name": "兰州手工投资有限公司", "credit_code": credit_code(7398)}}).json
    client.post(f"/projects/{by_hand['id']}/transitions",
                json={"target": "negotiating", "occurred_on": "2024-02-01"})
    refused = client.post(f"/projects/{by_hand['id']}/transitions",
                          json={"target": "signed", "occurred_on": "2024-03-01"}).json
    assert problems[0][4] in [r["message"] for r in refused.get("refusals", [])]


def test_the_office_decides_what_it_could_decide_by_hand_and_nobody_else(client, city):
    no_reason = upload(client, ledger(city, [project(4, "签约")],
                                      [registration(4, 认定结论="不予认定")], evaluations(4)))
    assert ("报备认定", 2, "认定意见", "registration.reason_missing") in [
        p[:4] for p in listed(no_reason)]
    early = upload(client, ledger(city, [project(5, "签约")],
                                  [registration(5, 认定日期="2024-02-10")], evaluations(5)))
    assert ("报备认定", 2, "认定日期", "registration.decided_before_registered") in [
        p[:4] for p in listed(early)]
    # A unit's clerk may register its own project, never recognise it nor register another's.
    clerk = upload(client, ledger(city, [project(6, "储备")], [registration(6)], []),
                   as_=("clerk", "chengguan"))
    assert {p[2:4] for p in listed(clerk)} >= {("认定结论", "field.office_only"),
                                               ("认定日期", "field.office_only")}
    # Nor name another unit, not the project's, as its introducing unit (the form's rule).
    named = registration(7, 引进单位="西固区", 认定结论=None, 认定日期=None)
    other = listed(upload(client, ledger(city, [project(7, "储备")], [named], []),
                          as_=("clerk", "chengguan")))
    assert [(p[0], p[1], p[3]) for p in other] == [("报备认定", 2, "forbidden_unit")]


def test_a_registration_names_its_intermediary_else_takes_the_projects(client, city):
    """The sheet's 中介人 names a registry entry as the 项目 sheet's 引荐人 does; empty, the
    registration keeps the project's introducer; unknown, it is refused on its cell."""
    ids = {}
    for name, phone in (("兰州联创咨询", "13909318888"), ("兰州招商顾问王", "13909319999")):
        response = client.post("/intermediaries", json={"name": name, "kind": "advisor",
                                                        "phone": phone})
        assert response.status_code == 201, response.json
        ids[name] = response.json["id"]
    unknown = upload(client, ledger(city, [project(8, "签约")],
                                    [registration(8, 中介人="无此中介")], evaluations(8)))
    assert [p[:4] for p in listed(unknown)] == [("报备认定", 2, "中介人", "introducer.unknown")]

    introduced = project(9, "签约") | {"引荐人": "兰州招商顾问王"}
    result = upload(client, ledger(
        city, [project(8, "签约"), introduced],
        [registration(8, 中介人="兰州联创咨询"), registration(9)],
        evaluations(8) + evaluations(9)), commit=True)
    assert result["problems"] == [] and result["created"] == 2
    imported = {p["name"]: p for p in client.get("/projects?per_page=50").json["items"]}
    named = client.get(f"/lanzhou/projects/{imported['兰州台账项目8号']['id']}/registration").json
    kept = client.get(f"/lanzhou/projects/{imported['兰州台账项目9号']['id']}/registration").json
    assert (named["intermediary_id"], named["intermediary_name"]) == (
        ids["兰州联创咨询"], "兰州联创咨询")
    assert (kept["intermediary_id"], imported["兰州台账项目9号"]["intermediary_name"]) == (
        ids["兰州招商顾问王"], "兰州招商顾问王")
