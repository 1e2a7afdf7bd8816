"""Rule 7: 招商有功 rewards — 1‰ of recognised arrived funds, at most 40万元 each
(Seed 三(三)1, 《兰州市招商引资鼓励政策》)."""

from __future__ import annotations

from core.models import Intermediary
from core.testing.records import add_funds
from plugins.lanzhou.tests.conftest import call, signed_project


def _intermediaries(app, *rows):
    with app.extensions["zhaoshang"].sessions() as session:
        made = [Intermediary(name=name, kind=kind, is_public_official=official)
                for name, kind, official in rows]
        session.add_all(made)
        session.commit()
        return [row.id for row in made]


def _merit(client):
    run = call(client, "POST", "/rewards", {"from": "2024-01-01", "to": "2024-12-31",
                                            "rules": ["lanzhou_merit"]}, 201)
    return {r["recipient_name"]: r for r in run["rewards"]}


def test_one_per_mille_of_arrived_funds_capped_at_40_wan(app, client):
    firm, person = _intermediaries(app, ("上海华信招商咨询有限公司", "firm", False),
                                   ("王建国", "individual", False))
    big = signed_project(client, intermediary_id=firm, amount="300000")
    add_funds(client, big["id"], "60000", "2024-06-30")  # 6亿元 → 60万元 → 40万元
    small = signed_project(client, intermediary_id=person)
    add_funds(client, small["id"], "20000", "2024-07-15")  # 2亿元 → 20万元
    rewards = _merit(client)
    capped = rewards["上海华信招商咨询有限公司"]
    assert (capped["uncapped_amount"], capped["amount"], capped["cap"], capped["capped"]) == (
        "60.0000", "40.0000", "40.0000", True)
    assert (rewards["王建国"]["amount"], rewards["王建国"]["capped"]) == ("20.0000", False)
    assert rewards["王建国"]["project_ids"] == [small["id"]]


def test_funds_of_an_unrecognised_project_earn_no_reward_and_say_why(app, client):
    [person] = _intermediaries(app, ("王建国", "individual", False))
    recognised = signed_project(client, intermediary_id=person, name="认定项目")
    add_funds(client, recognised["id"], "10000", "2024-06-30")
    pending = signed_project(client, recognised=False, intermediary_id=person, name="未认定项目")
    add_funds(client, pending["id"], "30000", "2024-06-30")
    run = call(client, "POST", "/rewards", {"from": "2024-01-01", "to": "2024-12-31",
                                            "rules": ["lanzhou_merit"]}, 201)
    paid, refused = sorted(run["rewards"], key=lambda r: not r["eligible"])
    assert (paid["amount"], paid["project_ids"]) == ("10.0000", [recognised["id"]])
    assert (refused["eligible"], refused["amount"], refused["uncapped_amount"]) == (
        False, "0.0000", "30.0000")
    assert refused["ineligible_reason"] == ("项目“未认定项目”未经报备认定（已报备，待市招商部门认定），"
                                            "不得领取“招商有功奖励（《兰州市招商引资鼓励政策》）”")


def test_a_public_official_gets_no_merit_reward(app, client):
    [official] = _intermediaries(app, ("李某（区商务局干部）", "individual", True))
    project = signed_project(client, intermediary_id=official)
    add_funds(client, project["id"], "10000", "2024-06-30")
    reward = _merit(client)["李某（区商务局干部）"]
    assert (reward["eligible"], reward["amount"]) == (False, "0.0000")
    assert "国家公职人员" in reward["ineligible_reason"]
