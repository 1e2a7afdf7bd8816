"""Rule 1 (Seed 二): seven industry groups, each with exactly one of each of its six ones;
leads and projects routed to their group by industry."""

from __future__ import annotations

from plugins.ziyang.tests.conftest import call, new_lead, new_project, table_counts

SEVEN_GROUPS = ["先进制造", "生物医药食品饮料", "现代服务业", "医疗康养", "文旅教体", "现代农业",
                "基础设施"]
FULL_SET = [
    {"kind": "leader", "name": "副市长 张某某"},
    {"kind": "lead_department", "name": "市经济和信息化局", "unit": "dept_economy"},
    {"kind": "functional_zone", "name": "资阳高新区口腔装备材料产业功能区", "unit": "hightech_zone"},
    {"kind": "team", "name": "先进制造产业招商专班"},
    {"kind": "policy", "name": "先进制造产业招商支持政策", "reference": "资府发〔2024〕3号"},
    {"kind": "map", "name": "先进制造产业招商地图（2024版）"},
]


def group(client, code: str) -> dict:
    return call(client, "GET", f"/ziyang/groups/{code}")


def test_the_seven_groups_serve_their_industries(client):
    groups = call(client, "GET", "/ziyang/groups")

    assert [g["name"].removesuffix("产业招商小组") for g in groups] == SEVEN_GROUPS
    assert groups[0]["industries"] == [{"code": "advanced_manufacturing", "name": "先进制造"}]


def test_a_group_with_its_six_ones_is_complete(client):
    for item in FULL_SET:
        call(client, "POST", "/ziyang/groups/g_manufacturing/ones", item, 201)

    body = group(client, "g_manufacturing")

    assert body["complete"] is True
    assert body["problems"] == []
    assert sorted(one["kind"] for one in body["ones"]) == sorted(item["kind"] for item in FULL_SET)


def test_an_incomplete_group_is_reported_kind_by_kind(client):
    for item in FULL_SET[:-1]:  # no investment map
        call(client, "POST", "/ziyang/groups/g_infra/ones", item, 201)

    body = group(client, "g_infra")

    assert body["complete"] is False
    assert body["problems"] == [{"kind": "map", "code": "six_ones.missing", "message": "缺少招商地图"}]
    others = {g["code"]: g["complete"] for g in call(client, "GET", "/ziyang/groups")}
    assert others["g_agri"] is False  # nothing recorded yet: every one missing


def test_a_doubled_one_is_reported_and_ending_one_completes_the_group(client):
    for item in FULL_SET:
        call(client, "POST", "/ziyang/groups/g_culture/ones", item, 201)
    second = call(client, "POST", "/ziyang/groups/g_culture/ones",
                  {"kind": "leader", "name": "副市长 李某某", "appointed_on": "2024-03-01"}, 201)

    problems = group(client, "g_culture")["problems"]
    assert [(p["kind"], p["code"]) for p in problems] == [("leader", "six_ones.doubled")]
    assert "现有2个" in problems[0]["message"]

    early = client.post(f"/ziyang/groups/g_culture/ones/{second['id']}/end",
                        json={"ended_on": "2024-02-01"})
    assert early.status_code == 400
    assert early.json["errors"][0]["code"] == "six_ones.end_before_start"
    call(client, "POST", f"/ziyang/groups/g_culture/ones/{second['id']}/end",
         {"ended_on": "2024-05-01"})
    assert group(client, "g_culture")["complete"] is True


def test_a_lead_department_must_be_a_department_and_bad_input_writes_nothing(app, client):
    before = table_counts(app, "ziyang_group_ones")

    wrong_kind = client.post("/ziyang/groups/g_health/ones", json={
        "kind": "lead_department", "name": "乐至县", "unit": "lezhi"})
    unknown_kind = client.post("/ziyang/groups/g_health/ones", json={"kind": "mascot", "name": "熊猫"})
    unknown_group = client.post("/ziyang/groups/g_space/ones", json={"kind": "team", "name": "某队"})

    assert wrong_kind.status_code == 400
    assert wrong_kind.json["errors"][0]["code"] == "six_ones.unit_kind"
    assert unknown_kind.status_code == 400
    assert unknown_kind.json["errors"][0]["field"] == "kind"
    assert unknown_group.status_code == 404
    assert table_counts(app, "ziyang_group_ones") == before


def test_only_the_office_keeps_the_six_ones(client):
    response = client.post("/ziyang/groups/g_health/ones", json={"kind": "team", "name": "某队"},
                           as_=("clerk", "lezhi"))
    assert response.status_code == 403


def test_a_lead_is_routed_to_the_group_of_its_industry(client):
    food = new_lead(client, industry="bio_food")
    no_industry = new_lead(client, industry=None)

    assert food["routed_to_unit"] == "g_bio_food"
    assert no_industry["routed_to_unit"] == "office"  # the leading-group office alone
    worklist = call(client, "GET", "/ziyang/groups/g_bio_food/leads")
    assert [lead["id"] for lead in worklist] == [food["id"]]


def test_projects_are_listed_with_the_group_of_their_industry(client):
    farm = new_project(client, industry="modern_agri", finding_unit="anyue")
    new_project(client, industry="health_care", finding_unit="lingang_zone")

    rows = call(client, "GET", "/ziyang/groups/g_agri/projects")

    assert [row["id"] for row in rows] == [farm["id"]]
