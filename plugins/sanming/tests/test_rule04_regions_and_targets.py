"""Rule 4 — five regions and six kinds of target enterprises (Seed 三(一)3–4); a lead from a
central state enterprise goes to the 央企省企 working group."""

from __future__ import annotations

from plugins.sanming.tests.conftest import call, investor, new_lead


def test_regions_and_targets_are_in_the_profile(client):
    profile = call(client, "GET", "/city")["extensions"]["sanming"]
    assert profile["regions"] == ["京津冀", "长三角", "粤港澳", "闽东南", "成渝汉"]
    assert profile["target_tags"] == ["世界500强", "央企", "中国500强", "台湾百大", "民营500强",
                                      "独角兽"]


def test_a_lead_names_one_of_the_five_regions(client):
    assert new_lead(client, attributes={"region": "gba"})["attributes"]["region"] == "gba"
    bad = client.post("/leads", json={
        "title": "东北线索", "enterprise": investor(), "reporting_unit": "yongan",
        "attributes": {"region": "northeast"}})
    assert bad.status_code == 422 and bad.json["errors"][0]["code"] == "region.unknown"


def test_a_target_enterprise_is_judged_by_its_working_group(client):
    soe = new_lead(client, enterprise=investor(tags=["央企"]))
    assert soe["routed_to_unit"] == "wg_soe"
    foreign = new_lead(client, enterprise=investor(tags=["外资"]))
    assert foreign["routed_to_unit"] == "wg_foreign"
    farming = new_lead(client, industry="seed_industry")
    assert farming["routed_to_unit"] == "wg_agri"
