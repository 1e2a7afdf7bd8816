"""``assessment_schemes``: the schemes a city assesses by, versioned by year."""

from __future__ import annotations

from decimal import Decimal

from core import hookimpl
from core.policy import AssessmentScheme, Indicator
from tests.support.cities import make_city
from tests.support.records import advance, create_project, row_counts


def arena(year, points):
    return AssessmentScheme(
        code="arena", name=f"擂台赛（{year}版）", period="quarter", unit_kinds=("district", "county"),
        indicators=(Indicator("signed", "签约额", "signed_amount", Decimal(points)),), year=year)


class VersionedSchemes:
    @hookimpl
    def assessment_schemes(self, city):
        return [arena(2023, 10), arena(2024, 20),
                AssessmentScheme("departments", "市直部门考核", "year", ("department",),
                                 (Indicator("leads", "报送线索", "leads_reported", Decimal(3)),))]


def test_hook_assessment_schemes_are_listed_with_their_rules(client_for):
    client = client_for(make_city(extra_plugins=[("schemes", VersionedSchemes())]))
    schemes = client.get("/assessments/schemes").json
    assert [(s["code"], s["year"], s["period_label"]) for s in schemes] == [
        ("arena", 2023, "季度"), ("arena", 2024, "季度"), ("departments", None, "年")]
    assert schemes[1]["indicators"] == [{"code": "signed", "name": "签约额",
                                         "metric": "signed_amount", "points": "20",
                                         "target": None, "cap": None, "basis": None}]


def test_hook_assessment_schemes_a_run_uses_and_keeps_the_version_of_its_year(client_for):
    client = client_for(make_city(extra_plugins=[("schemes", VersionedSchemes())]))
    project = create_project(client)
    advance(client, project["id"], "signed", {"signed": "2024-02-01"})
    run_2024 = client.post("/assessments/runs", json={"scheme": "arena", "period": "2024-Q1"}).json
    assert (run_2024["rules_year"], run_2024["scheme_name"]) == (2024, "擂台赛（2024版）")
    assert run_2024["scheme"]["indicators"][0]["points"] == "20"
    top = client.get(f"/assessments/runs/{run_2024['id']}/ranking").json["rows"][0]
    assert (top["unit"], top["total"]) == ("east", "20.0000")
    run_2023 = client.post("/assessments/runs", json={"scheme": "arena", "period": "2023-Q4"}).json
    assert (run_2023["rules_year"], run_2023["scheme"]["indicators"][0]["points"]) == (2023, "10")
    app = client.flask.application
    before = row_counts(app, "assessment_runs")
    missing = client.post("/assessments/runs", json={"scheme": "arena", "period": "2025-Q1"})
    assert missing.status_code == 400
    assert [(e["field"], e["code"]) for e in missing.json["errors"]] == [
        ("period", "scheme.no_version")]
    assert row_counts(app, "assessment_runs") == before


def test_hook_assessment_schemes_assess_only_the_named_unit_kinds(client_for):
    client = client_for(make_city(extra_plugins=[("schemes", VersionedSchemes())]))
    run = client.post("/assessments/runs", json={"scheme": "departments", "period": "2024"}).json
    assert (run["period_start"], run["period_end"]) == ("2024-01-01", "2024-12-31")
    rows = client.get(f"/assessments/runs/{run['id']}/ranking").json["rows"]
    assert [row["unit"] for row in rows] == ["dept"]
