"""Rule 8: the yearly assessment weighted toward scale, technology, tax and fixed assets, and
the awards computed from the results — top 10 teams, 50 cadres and the others (Seed 三(三)3)."""

from __future__ import annotations

from decimal import Decimal

from core.testing.records import advance as core_advance
from plugins.lanzhou.tests.conftest import call, investor, lanzhou_city, signed_project


def _run(client):
    run = call(client, "POST", "/assessments/runs", {"scheme": "lanzhou_year", "period": "2024"},
               201)
    call(client, "POST", f"/assessments/runs/{run['id']}/publish", {})
    return {r["unit"]: r for r in call(client, "GET",
                                       f"/assessments/runs/{run['id']}/ranking")["rows"]}


def test_quality_indicators_carry_most_of_the_points(client):
    [scheme] = [s for s in call(client, "GET", "/assessments/schemes")
                if s["code"] == "lanzhou_year"]
    points = {i["name"]: Decimal(i["points"]) for i in scheme["indicators"]}
    assert points == {"投资规模": 30, "科技含量": 20, "税收贡献": 20, "固投贡献": 15, "签约项目数": 15}
    assert scheme["period"] == "year"


def test_technology_tax_and_fixed_assets_are_credited_per_unit(client):
    signed_project(client, finding_unit="chengguan", amount="30000",
                   attributes={"high_tech": True, "annual_tax": "900", "fixed_assets": "25000"})
    signed_project(client, finding_unit="xigu", amount="40000",
                   attributes={"annual_tax": "300", "fixed_assets": "35000"})
    signed_project(client, recognised=False, finding_unit="anning", amount="45000",
                   attributes={"high_tech": True, "annual_tax": "2000", "fixed_assets": "40000"})
    rows = _run(client)
    chengguan, xigu = rows["chengguan"], rows["xigu"]
    assert chengguan["values"]["lanzhou_technology"] == "30000.0000"
    assert (chengguan["values"]["lanzhou_tax"], chengguan["values"]["lanzhou_fixed_assets"]) == (
        "900.0000", "25000.0000")
    assert xigu["values"]["lanzhou_technology"] == "0.0000"
    assert Decimal(rows["anning"]["total"]) == 0  # not recognised: nothing counts
    # 科技含量 and 税收贡献 go to chengguan in full; xigu leads on scale and fixed assets.
    assert chengguan["rank"] == 1


def _awards(client, rule):
    run = call(client, "POST", "/rewards", {"from": "2024-01-01", "to": "2024-12-31",
                                            "rules": [rule]}, 201)
    return run["rewards"]


def test_the_awards_go_to_the_best_of_the_year(client_for):
    client = client_for(lanzhou_city(rewards={"best_teams_top": 2, "excellent_cadres_top": 2,
                                              "advanced_unit_top": 1}))
    for index, (unit, amount, tags) in enumerate((
            ("chengguan", "60000", ["央企"]), ("xigu", "40000", []),
            ("anning", "30000", ["上市公司"]))):
        signed_project(client, finding_unit=unit, amount=amount,
                       enterprise=investor(name=f"兰测奖项{index}号有限公司", tags=tags),
                       attributes={"team": f"专班{index}", "responsible_person": f"干部{index}"})
    rows = _run(client)
    [unit] = _awards(client, "lanzhou_advanced_unit")  # the first; units at 0 points get nothing
    assert unit["recipient_name"] == "城关区" and unit["basis"].startswith("年度招商引资目标考核第 1 名")
    assert [r["recipient_name"] for r in _awards(client, "lanzhou_best_teams")] == ["专班0", "专班1"]
    # The 6亿元 project is key: its 五定 named 张立新 the responsible cadre.
    assert [r["recipient_name"] for r in _awards(client, "lanzhou_excellent_cadres")] == [
        "张立新", "干部1"]
    assert [r["recipient_name"] for r in _awards(client, "lanzhou_big_investor")] == [
        "城关区", "安宁区"]
    [major] = _awards(client, "lanzhou_major_project")  # 6亿元 ≥ 5亿元: a major project
    assert major["recipient_name"] == "城关区"
    assert rows["chengguan"]["rank"] == 1


def test_ten_teams_and_fifty_cadres_by_default(client):
    for index in range(12):
        signed_project(client, amount=str(10000 + index),
                       attributes={"team": f"专班{index:02d}", "responsible_person": f"干部{index:02d}"})
    teams = _awards(client, "lanzhou_best_teams")
    assert len(teams) == 10
    assert teams[0]["recipient_name"] == "专班11"  # the largest signed amount first
    assert len(_awards(client, "lanzhou_excellent_cadres")) == 12  # fewer than 50: all of them


def test_landing_service_counts_projects_started_where_they_landed(client):
    project = signed_project(client, finding_unit="lz_hitech")
    core_advance(client, project["id"], "started", {"started": "2024-05-01"})
    [award] = _awards(client, "lanzhou_landing_service")
    assert (award["recipient_name"], award["basis"]) == ("兰州高新区", "本期落地开工认定项目 1 个")


def test_units_without_points_get_no_advanced_unit_award(client):
    signed_project(client, finding_unit="chengguan")
    _run(client)  # one unit scored; the others share the last rank at 0
    assert [r["recipient_name"] for r in _awards(client, "lanzhou_advanced_unit")] == ["城关区"]
