"""``reward_rules``: a city's reward formula, here paid from a published ranking."""

from __future__ import annotations

from decimal import Decimal

from core import hookimpl
from core.policy import AssessmentScheme, Indicator, RewardCandidate, RewardRule
from tests.support.cities import make_city
from tests.support.records import advance, create_project

ANNUAL = AssessmentScheme("annual", "年度考核", "year", ("district", "county"),
                          (Indicator("signed", "签约额", "signed_amount", Decimal(100)),))


def top_county(context):
    """招商引资先进县区: 100万元 of promotion funds to the first of the year's ranking."""
    return [RewardCandidate("unit", row["unit_id"], row["unit_name"], Decimal(100),
                            f"{context.start.year}年度考核第{row['rank']}名（总分 {row['total']}）")
            for row in context.latest_ranking("annual") if row["rank"] == 1]


class TopCounty:
    @hookimpl
    def assessment_schemes(self, city):
        return [ANNUAL]

    @hookimpl
    def reward_rules(self, city):
        return [RewardRule("top_county", "招商引资先进县区奖", top_county, cap=Decimal(100))]


def test_hook_reward_rules_pays_the_first_of_the_published_ranking(client_for):
    client = client_for(make_city(extra_plugins=[("top", TopCounty())]))
    project = create_project(client, finding_unit="west")
    advance(client, project["id"], "signed", {"signed": "2024-05-01"})
    run = client.post("/assessments/runs", json={"scheme": "annual", "period": "2024"}).json
    nothing = client.post("/rewards", json={"from": "2024-01-01", "to": "2024-12-31"}).json
    assert nothing["rewards"] == []  # a draft ranking pays nothing
    client.post(f"/assessments/runs/{run['id']}/publish", json={})
    granted = client.post("/rewards", json={"from": "2024-01-01", "to": "2024-12-31"}).json
    [reward] = granted["rewards"]
    assert (reward["recipient_type"], reward["recipient_name"], reward["amount"]) == (
        "unit", "西县", "100.0000")
    assert reward["basis"] == "2024年度考核第1名（总分 100.0000）"
