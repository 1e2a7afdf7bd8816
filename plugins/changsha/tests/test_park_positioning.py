"""Rule 2: 国家级园区“两主一特”、省级园区“一主一特”; a misfit project needs a justification."""

from __future__ import annotations

import pytest

from core.config import ConfigError
from core.testing.records import row_counts
from plugins.changsha.parks import positioning_report
from plugins.changsha.tests.conftest import changsha_city, new_project, sign, to_negotiating

NATIONAL_PARKS = ("cs_econ_zone", "cs_hitech", "liuyang_econ", "ningxiang_econ", "wangcheng_econ")


def by_unit(city) -> dict:
    return {row["unit"]: row for row in positioning_report(city)}


def test_the_default_deployment_positions_national_parks_two_plus_one(changsha):
    rows = by_unit(changsha)
    for code in NATIONAL_PARKS:
        assert rows[code]["status"] == "complete"
        assert (len(rows[code]["leading"]), len(rows[code]["specialty"])) == (2, 1)
        assert rows[code]["required"] == {"leading": 2, "specialty": 1}
    assert rows["yuhua_econ"]["required"] == {"leading": 1, "specialty": 1}
    assert rows["yuhua_econ"]["status"] == "complete"


def test_a_provincial_park_without_its_specialty_is_reported_incomplete(changsha):
    row = by_unit(changsha)["jinxia_econ"]
    assert row["status"] == "incomplete"
    assert row["problems"] == [{"code": "incomplete", "message": "特色产业应为 1 个，只配置了 0 个"}]


def test_a_park_with_more_industries_than_its_level_allows_is_reported_doubled():
    city = changsha_city(parks=[{"unit": "yuhua_econ", "leading": ["robotics", "auto"],
                                 "specialty": ["culture_creative"]}])
    row = by_unit(city)["yuhua_econ"]
    assert row["status"] == "doubled"
    assert row["problems"][0]["message"] == "主导产业应为 1 个，配置了 2 个"
    # A park left out of the positioning is reported too, as is an unknown industry.
    assert by_unit(city)["cs_hitech"]["status"] == "unconfigured"


def test_positioning_for_a_unit_that_is_not_a_park_or_with_unknown_industries_is_reported():
    city = changsha_city(parks=[{"unit": "furong", "leading": ["auto"], "specialty": ["food"]},
                                {"unit": "yuhua_econ", "leading": ["spaceships"],
                                 "specialty": ["auto"]}])
    rows = by_unit(city)
    assert rows["furong"]["status"] == "not_a_park"
    assert rows["yuhua_econ"]["status"] == "unknown_industry"


def test_the_counts_per_level_are_configuration():
    city = changsha_city(positioning={"national": {"leading": 3, "specialty": 1},
                                      "provincial": {"leading": 1, "specialty": 1}})
    assert by_unit(city)["cs_hitech"]["status"] == "incomplete"


def test_shared_leading_industries_are_shown_as_a_homogeneity_hint(changsha):
    assert by_unit(changsha)["cs_hitech"]["shared"] == {
        "electronic_info": ["liuyang_econ"], "biomedicine": ["liuyang_econ"]}


@pytest.mark.parametrize("parks", [
    [{"unit": "yuhua_econ", "leading": ["auto"], "specialty": ["auto"]}],
    [{"unit": "yuhua_econ", "leading": ["auto"]}, {"unit": "yuhua_econ", "leading": ["food"]}],
    [{"unit": "yuhua_econ", "leading": ["auto", "auto"]}],
])
def test_contradictory_positioning_stops_startup(parks):
    with pytest.raises(ConfigError, match="plugins.changsha.parks"):
        changsha_city(parks=parks)


def test_the_parks_endpoint_lists_every_park_with_its_status(client):
    rows = {row["unit"]: row for row in client.get("/changsha/parks").json}
    assert rows["jinxia_econ"]["status"] == "incomplete"
    assert rows["cs_econ_zone"]["leading"] == ["construction_machinery", "auto"]
    assert client.get("/city").json["extensions"]["changsha"] == {
        "parks_needing_attention": ["jinxia_econ"]}


def test_a_project_outside_its_parks_industries_is_flagged_and_needs_a_justification(client):
    # 长沙经开区 leads 工程机械、汽车及零部件 with 电子信息 as specialty; 生物医药 does not fit.
    project = new_project(client, industry="biomedicine")
    assert project["tiers"] == ["park_mismatch"]
    to_negotiating(client, project["id"])
    response = sign(client, project["id"])
    assert response.status_code == 409
    [refusal] = response.json["refusals"]
    assert refusal["rule"] == "changsha.park_mismatch"
    assert refusal["message"] == (
        "长沙经济技术开发区（国家级园区）的产业定位为主导产业工程机械、汽车及零部件、特色产业电子信息，"
        "项目所属产业“生物医药”不在其中；签约前须记录落户理由")

    reason = "项目为工程机械配套的医用特种车辆生产线，依托经开区整机企业就近配套"
    response = client.patch(f"/projects/{project['id']}",
                            json={"attributes": {"park_justification": reason}})
    assert response.json["tiers"] == ["park_mismatch"]  # still flagged, now justified
    assert sign(client, project["id"]).status_code == 200


def test_projects_in_a_leading_or_specialty_industry_or_outside_parks_are_not_flagged(client):
    assert new_project(client, industry="auto")["tiers"] == []
    assert new_project(client, industry="electronic_info")["tiers"] == []
    assert new_project(client, industry="biomedicine", finding_unit="furong")["tiers"] == []
    # A project found elsewhere and landed in the park is judged by the park.
    assert new_project(client, industry="biomedicine", finding_unit="furong",
                       host_unit="cs_econ_zone")["tiers"] == ["park_mismatch"]
    # An industry change re-classifies.
    project = new_project(client, industry="auto")
    changed = client.patch(f"/projects/{project['id']}", json={"industry": "food"}).json
    assert changed["tiers"] == ["park_mismatch"]


def test_a_blank_justification_is_refused_and_writes_nothing(client, app):
    project = new_project(client, industry="biomedicine")
    before = row_counts(app, "project_changes")
    response = client.patch(f"/projects/{project['id']}",
                            json={"attributes": {"park_justification": "  "}})
    assert response.status_code == 422
    assert response.json["errors"][0]["code"] == "changsha.park_justification.blank"
    assert row_counts(app, "project_changes") == before
