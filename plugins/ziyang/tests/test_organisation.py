"""Rule 9 (Seed 一, 八): the leading group meets quarterly (leader) and monthly (deputy); its
office sits in 市经济合作外事局; resident offices in Beijing, Shanghai, Shenzhen and Chengdu."""

from __future__ import annotations

import pytest

from plugins.ziyang.tests.conftest import call, new_lead, new_project, table_counts


def test_the_profile_names_the_office_and_the_four_resident_offices(client):
    profile = call(client, "GET", "/city")["extensions"]["ziyang"]

    assert profile["leading_group_office"] == "资阳市经济合作外事局"
    assert [office["name"] for office in profile["resident_offices"]] == [
        "资阳市驻北京联络处", "资阳市驻上海联络处", "资阳市驻深圳联络处", "资阳市驻成都联络处"]
    assert profile["target_regions"] == ["长三角", "珠三角", "京津冀", "成渝", "欧美日韩"]


def test_a_resident_office_reports_leads_with_their_target_region(client):
    lead = new_lead(client, reporting_unit="ro_shenzhen", attributes={"target_region": "珠三角"})
    assert (lead["reporting_unit"], lead["attributes"]["target_region"]) == ("ro_shenzhen", "珠三角")

    response = client.post("/leads", json={
        "title": "某项目信息", "enterprise": {"name": "某某有限公司"}, "reporting_unit": "ro_beijing",
        "attributes": {"target_region": "东北"}})
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "attributes.target_region"


def test_meetings_are_recorded_and_a_missed_one_shows_in_the_cadence(client, today):
    year = today.year - 1  # a year gone by
    project = new_project(client)
    call(client, "POST", "/ziyang/meetings", {
        "kind": "leader", "held_on": f"{year}-03-28", "chair": "市委副书记、市长（组长）",
        "decisions": "同意重大项目上会研究", "project_ids": [project["id"]]}, 201)
    for held_on in (f"{year}-01-25", f"{year}-02-27"):
        call(client, "POST", "/ziyang/meetings", {"kind": "deputy", "held_on": held_on,
                                                   "chair": "分管副市长（副组长）"}, 201)

    cadence = call(client, "GET", f"/ziyang/meetings/cadence?year={year}")
    meetings = call(client, "GET", f"/ziyang/meetings?year={year}")

    leader = [(row["period"], row["held"], row["missing"]) for row in cadence
              if row["kind"] == "leader"]
    assert leader[:2] == [(f"{year}-01至03月", 1, False), (f"{year}-04至06月", 0, True)]
    deputy = {row["period"]: row["missing"] for row in cadence if row["kind"] == "deputy"}
    assert (deputy[f"{year}-01"], deputy[f"{year}-02"], deputy[f"{year}-03"]) == (False, False, True)
    assert len(deputy) == 12 and sum(deputy.values()) == 10
    assert meetings[-1]["project_ids"] == [project["id"]]
    assert meetings[-1]["title"] == "领导小组组长例会"


@pytest.mark.hard_days
def test_this_years_periods_are_missing_only_once_they_have_ended(client, today):
    """This year (the default): the month and the quarter under way are not missing yet, even
    on their last day; every one before them without a meeting is."""
    call(client, "POST", "/ziyang/meetings", {"kind": "deputy", "held_on": today.isoformat(),
                                               "chair": "分管副市长（副组长）"}, 201)
    cadence = call(client, "GET", "/ziyang/meetings/cadence")
    deputy = [row for row in cadence if row["kind"] == "deputy"]
    assert [row["period"] for row in deputy if row["missing"]] == [
        f"{today.year}-{month:02d}" for month in range(1, today.month)]
    assert (deputy[today.month - 1]["held"], deputy[today.month - 1]["missing"]) == (1, False)
    quarter = (today.month - 1) // 3
    leader = [row for row in cadence if row["kind"] == "leader"]
    assert [row["missing"] for row in leader] == [True] * quarter + [False] * (4 - quarter)


def test_a_meeting_about_an_unknown_project_is_refused_and_writes_nothing(app, client):
    before = table_counts(app, "ziyang_meetings")

    unknown = client.post("/ziyang/meetings", json={"kind": "special", "held_on": "2024-05-01",
                                                    "chair": "组长", "project_ids": [999999]})
    by_clerk = client.post("/ziyang/meetings", json={"kind": "deputy", "held_on": "2024-05-01",
                                                     "chair": "副组长"}, as_=("clerk", "lezhi"))

    assert unknown.status_code == 400
    assert unknown.json["errors"][0]["code"] == "project.unknown"
    assert by_clerk.status_code == 403
    assert table_counts(app, "ziyang_meetings") == before
