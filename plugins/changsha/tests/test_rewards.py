"""Rule 5: rewards for bringing a major project — never to state public officials."""

from __future__ import annotations

from core.models import Intermediary
from core.testing.records import add_funds, advance
from plugins.changsha.tests.conftest import investor, major_body, new_project

YEAR = {"from": "2024-01-01", "to": "2024-12-31"}


def intermediary(app, name: str, official: bool = False) -> int:
    with app.extensions["zhaoshang"].sessions() as session:
        row = Intermediary(name=name, kind="ambassador", is_public_official=official)
        session.add(row)
        session.commit()
        return row.id


def landed(client, intermediary_id: int, arrived: str, **overrides) -> dict:
    """A project brought by ``intermediary_id``, started on 2024-04-01 with funds arrived."""
    project = new_project(client, intermediary_id=intermediary_id, **overrides)
    advance(client, project["id"], "started")
    add_funds(client, project["id"], arrived, "2024-05-10")
    return project


def rewards_by_name(client) -> dict:
    run = client.post("/rewards", json=YEAR)
    assert run.status_code == 201, run.json
    return {reward["recipient_name"]: reward for reward in run.json["rewards"]}


def test_an_ambassador_who_brought_a_major_project_earns_half_a_percent_of_its_funds(client, app):
    ambassador = intermediary(app, "长沙招商大使·陈思远")
    project = landed(client, ambassador, "6000", **major_body())
    reward = rewards_by_name(client)["长沙招商大使·陈思远"]
    assert reward["eligible"] is True
    assert reward["amount"] == "30.0000"  # 6000万元 × 0.5%
    assert reward["project_ids"] == [project["id"]]
    assert "按到位资金的 0.5% 奖励" in reward["basis"]


def test_a_state_public_official_is_refused_with_the_reason(client, app):
    official = intermediary(app, "王志刚", official=True)
    landed(client, official, "6000", **major_body())
    reward = rewards_by_name(client)["王志刚"]
    assert (reward["eligible"], reward["amount"], reward["uncapped_amount"]) == (
        False, "0.0000", "30.0000")
    assert reward["ineligible_reason"] == (
        "王志刚为国家公职人员，按规定不得领取“成功引进重大项目中介机构和个人奖励”（奖励不含国家公职人员）")


def test_the_reward_is_capped_at_one_million_yuan_per_recipient(client, app):
    firm = intermediary(app, "湖南中商投资咨询有限公司")
    landed(client, firm, "30000", **major_body())
    landed(client, firm, "5000", amount="8000", enterprise=investor(["中国500强"]),
           leader_name="李副市长",
           attributes={"task_force": {"name": "专班", "members": ["赵六"]}})
    reward = rewards_by_name(client)["湖南中商投资咨询有限公司"]
    assert (reward["uncapped_amount"], reward["amount"], reward["capped"]) == (
        "175.0000", "100.0000", True)
    assert len(reward["project_ids"]) == 2


def test_ordinary_projects_and_projects_landed_outside_the_period_earn_nothing(client, app):
    firm = intermediary(app, "某咨询公司")
    ambassador = intermediary(app, "长沙招商大使·刘建国")
    landed(client, firm, "6000", amount="20000")  # not major
    landed(client, ambassador, "6000", **major_body())
    assert list(rewards_by_name(client)) == ["长沙招商大使·刘建国"]
    assert client.post("/rewards", json={"from": "2025-01-01", "to": "2025-12-31"}).json[
        "rewards"] == []
