"""Rewards (奖励): a formula's amount over the cap is cut to the cap, a public official gets
nothing with the reason, every reward names its projects and basis, and bad input writes
nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core import hookimpl
from core.models import Intermediary
from core.policy import RewardCandidate, RewardRule
from tests.support.cities import make_city
from tests.support.records import add_funds, advance, create_project, events_of, row_counts

D = Decimal
REWARD_TABLES = ("reward_runs", "rewards", "reward_changes")


def merit_candidates(context):
    """招商有功: 1‰ of the funds that arrived in the period, per introducing intermediary."""
    candidates = []
    for project in context.projects():
        arrived = context.arrived_in_period(project)
        if project.intermediary_id and arrived:
            intermediary = context.session.get(Intermediary, project.intermediary_id)
            candidates.append(RewardCandidate(
                "intermediary", intermediary.id, intermediary.name, arrived / 1000,
                f"项目“{project.name}”期内到位资金 {arrived} 万元 × 1‰", (project.id,)))
    return candidates


def introducer_candidates(context):
    """重大项目引荐奖: 10万元 per introducing intermediary, one a declared official."""
    candidates = [RewardCandidate("intermediary", p.intermediary_id, f"引荐人{p.intermediary_id}",
                                  D(10), f"引荐项目“{p.name}”签约", (p.id,))
                  for p in context.projects() if p.intermediary_id and p.signed_on]
    candidates.append(RewardCandidate("person", None, "王某（市直机关干部）", D(10), "引荐重大项目",
                                      is_public_official=True))
    return candidates


class RewardPlugin:
    @hookimpl
    def reward_rules(self, city):
        return [RewardRule("merit", "招商有功奖", merit_candidates, cap=D(40)),
                RewardRule("introducer", "重大项目引荐奖", introducer_candidates,
                           excludes_public_officials=True)]


@pytest.fixture
def city():
    return make_city(extra_plugins=[("test_rewards", RewardPlugin())])


@pytest.fixture
def intermediaries(app):
    sessions = app.extensions["zhaoshang"].sessions
    with sessions() as session:
        rows = [Intermediary(name="华南招商顾问有限公司", kind="firm", is_public_official=False),
                Intermediary(name="李某", kind="individual", is_public_official=False),
                Intermediary(name="张某（区发改局干部）", kind="individual", is_public_official=True)]
        session.add_all(rows)
        session.commit()
        return [row.id for row in rows]


def project_with_funds(client, serial, intermediary_id, arrived):
    project = create_project(client, serial, intermediary_id=intermediary_id)
    advance(client, project["id"], "signed")
    add_funds(client, project["id"], arrived, "2024-05-10")
    return project


def compute(client, **body):
    response = client.post("/rewards", json={"from": "2024-01-01", "to": "2024-12-31"} | body)
    assert response.status_code == 201, response.json
    return response.json


def test_a_reward_over_its_cap_is_cut_to_the_cap_and_keeps_its_basis(client, app, intermediaries):
    big = project_with_funds(client, 1, intermediaries[0], "500000")
    small = project_with_funds(client, 2, intermediaries[1], "20000")
    run = compute(client, rules=["merit"])
    by_name = {r["recipient_name"]: r for r in run["rewards"]}
    capped = by_name["华南招商顾问有限公司"]
    assert (capped["uncapped_amount"], capped["amount"], capped["cap"], capped["capped"]) == (
        "500.0000", "40.0000", "40.0000", True)
    assert capped["project_ids"] == [big["id"]]
    assert "500000" in capped["basis"]
    uncapped = by_name["李某"]
    assert (uncapped["amount"], uncapped["capped"]) == ("20.0000", False)
    assert uncapped["project_ids"] == [small["id"]]
    assert run["rules"] == [{"code": "merit", "name": "招商有功奖", "cap": "40",
                             "excludes_public_officials": False, "scope": "period"}]
    assert capped["state"] == "proposed"
    assert capped["reductions"] == ["超过本期上限 40 万元，本次核减 460 万元"]
    proposed = events_of(app, "zhaoshang.reward.proposed")
    assert sorted(e.data["amount"] for e in proposed) == ["20.0000", "40.0000"]


def test_an_ineligible_recipient_gets_none_with_the_reason(client, app, intermediaries):
    project_with_funds(client, 1, intermediaries[1], "20000")
    project_with_funds(client, 2, intermediaries[2], "20000")  # a public official in the DB
    run = compute(client, rules=["introducer"])
    refused = [r for r in run["rewards"] if not r["eligible"]]
    assert {r["recipient_name"] for r in refused} == {"王某（市直机关干部）", f"引荐人{intermediaries[2]}"}
    for reward in refused:
        assert reward["amount"] == "0.0000"
        assert reward["uncapped_amount"] == "10.0000"
        assert "国家公职人员" in reward["ineligible_reason"]
    [paid] = [r for r in run["rewards"] if r["eligible"]]
    assert (paid["recipient_id"], paid["amount"], paid["ineligible_reason"]) == (
        intermediaries[1], "10.0000", None)
    assert [e.data["eligible"] for e in events_of(app, "zhaoshang.reward.proposed")].count(
        False) == 2
    listed = client.get(f"/rewards?run={run['id']}&eligible=false").json
    assert listed["total"] == 2


def test_rewards_of_every_rule_are_listed_by_run(client, intermediaries):
    project_with_funds(client, 1, intermediaries[0], "100000")
    first = compute(client)
    second = compute(client)
    assert {r["rule_code"] for r in first["rewards"]} == {"merit", "introducer"}
    assert client.get(f"/rewards?run={second['id']}").json["total"] == len(second["rewards"])
    assert client.get("/rewards?rule=merit").json["total"] == 2


@pytest.mark.parametrize("body, field, code", [
    ({"from": "2024-01-01", "to": "2024-12-31", "rules": ["nope"]}, "rules", "reward.rule_unknown"),
    ({"from": "2024-12-31", "to": "2024-01-01"}, "from", "range.order"),
    ({"from": "2024-01-01"}, "to", "required"),
    ({"from": "2024-01-01", "to": "2024-12-31", "cap": "50"}, "cap", "unknown"),
])
def test_bad_input_gets_field_errors_and_writes_nothing(client, app, body, field, code):
    before = row_counts(app, *REWARD_TABLES)
    response = client.post("/rewards", json=body)
    assert response.status_code == 400
    [error] = response.json["errors"]
    assert (error["field"], error["code"]) == (field, code)
    assert row_counts(app, *REWARD_TABLES) == before


def test_only_the_office_computes_rewards(client, app):
    before = row_counts(app, *REWARD_TABLES)
    response = client.post("/rewards", json={"from": "2024-01-01", "to": "2024-12-31"},
                           as_=("clerk", "east"))
    assert response.status_code == 403
    assert row_counts(app, *REWARD_TABLES) == before
