"""``credit_withheld``: a city keeps some projects out of its units' credit and rewards."""

from __future__ import annotations

from decimal import Decimal

from core import hookimpl
from core.policy import AssessmentScheme, Indicator, RewardCandidate, RewardRule
from tests.support.cities import make_city
from tests.support.records import advance, create_project

SIGNED = AssessmentScheme("signed", "签约考核", "year", ("district", "county"),
                          (Indicator("amount", "签约额", "signed_amount", Decimal(100)),))


def per_project(context):
    """10万元 to the finding unit of every project signed in the period."""
    return [RewardCandidate("unit", p.finding_unit_id, p.finding_unit.name, Decimal(10),
                            f"签约项目“{p.name}”", (p.id,))
            for p in context.projects() if p.signed_on and context.start <= p.signed_on]


class OnlyConfirmed:
    """Credit only projects whose unit confirmed them (``attributes.confirmed``)."""

    @hookimpl
    def credit_withheld(self, city, projects, session):
        return {p.id: "未经确认" for p in projects if not (p.attributes or {}).get("confirmed")}

    @hookimpl
    def assessment_schemes(self, city):
        return [SIGNED]

    @hookimpl
    def reward_rules(self, city):
        return [RewardRule("signing", "签约奖", per_project)]


def test_hook_credit_withheld_keeps_a_project_out_of_units_credit_and_rewards(client_for):
    client = client_for(make_city(extra_plugins=[("confirmed", OnlyConfirmed())]))
    confirmed = create_project(client, 1, finding_unit="east", attributes={"confirmed": True})
    unconfirmed = create_project(client, 2, finding_unit="west")
    for project in (confirmed, unconfirmed):
        advance(client, project["id"], "signed", {"signed": "2024-05-01"})

    run = client.post("/assessments/runs", json={"scheme": "signed", "period": "2024"}).json
    rows = {r["unit"]: r for r in client.get(f"/assessments/runs/{run['id']}/ranking").json["rows"]}
    assert Decimal(rows["east"]["values"]["signed_amount"]) == Decimal(50000)
    assert Decimal(rows["west"]["values"]["signed_amount"]) == 0  # withheld: no credit
    # The city's own figures still count both projects.
    stats = client.get("/stats?from=2024-01-01&to=2024-12-31").json
    assert Decimal(stats["total"]["signed_amount"]) == Decimal(100000)

    rewards = client.post("/rewards", json={"from": "2024-01-01", "to": "2024-12-31"}).json
    outcome = {r["recipient_name"]: r for r in rewards["rewards"]}
    assert (outcome["东区"]["eligible"], outcome["东区"]["amount"]) == (True, "10.0000")
    assert (outcome["西县"]["eligible"], outcome["西县"]["amount"]) == (False, "0.0000")
    assert outcome["西县"]["ineligible_reason"] == (
        f"项目“{unconfirmed['name']}”未经确认，不得领取“签约奖”")


def test_hook_credit_withheld_changes_nothing_where_no_city_answers(client_for):
    client = client_for(make_city(extra_plugins=[("plain", type("Plain", (), {
        "assessment_schemes": hookimpl(lambda self, city: [SIGNED])})())]))
    project = create_project(client, 1, finding_unit="west")
    advance(client, project["id"], "signed", {"signed": "2024-05-01"})
    run = client.post("/assessments/runs", json={"scheme": "signed", "period": "2024"}).json
    rows = {r["unit"]: r for r in client.get(f"/assessments/runs/{run['id']}/ranking").json["rows"]}
    assert Decimal(rows["west"]["values"]["signed_amount"]) == Decimal(50000)
