"""Rule 8 — rewards (Seed 三(四)20): 金牌顾问 and 金线索奖 for advisors, a 荣誉市民 nomination
list (no money) for advisors who brought key projects, 金牌服务单位 for units serving projects."""

from __future__ import annotations

from core.clock import travel
from core.toolkit import Intermediary
from plugins.sanming.tests.conftest import (
    ACCOUNTS,
    advance,
    call,
    investor,
    new_lead,
    new_project,
    pass_pre_evaluation,
)


def advisors(app, *names):
    with app.extensions["zhaoshang"].sessions.begin() as session:
        rows = [Intermediary(name=name, kind="advisor") for name in names]
        session.add_all(rows)
        session.flush()
        return [row.id for row in rows]


def by_rule(run):
    found: dict[str, list] = {}
    for reward in run["rewards"]:
        found.setdefault(reward["rule_code"], []).append(reward)
    return found


def test_the_four_honours(client, app):
    li, wang = advisors(app, "招商顾问 李国栋", "招商顾问 王思远")
    key = new_project(client, amount="150000", intermediary_id=li,
                      attributes=dict(ACCOUNTS, commissioner="林晓峰"))
    pass_pre_evaluation(client, key["id"])
    advance(client, key["id"], "signed", {"signed": "2024-05-01"})
    small = new_project(client, amount="20000", intermediary_id=wang)
    advance(client, small["id"], "signed", {"signed": "2024-06-01"})
    lead = new_lead(client, enterprise=investor(), intermediary_id=wang, reported_on="2024-04-01")
    with travel("2024-04-03T10:00:00+08:00"):  # the assignment's date is the server's
        call(client, "POST", f"/leads/{lead['id']}/assign", {"first_talk_unit": "yongan"})
    matter = call(client, "POST", "/matters", {
        "project_id": key["id"], "kind": "land", "title": "用地保障", "request": "新增用地",
        "owner_unit": "yongan", "requested_on": "2024-05-02"}, 201)
    order = call(client, "POST", f"/matters/{matter['id']}/work-orders", {
        "unit": "dept_natural_resources", "task": "核实用地指标", "issued_on": "2024-05-03",
        "due_on": "2024-05-10"}, 201)
    call(client, "POST", f"/matters/{matter['id']}/work-orders/{order['id']}/done",
         {"done_on": "2024-05-08"})
    run = call(client, "POST", "/rewards", {"from": "2024-01-01", "to": "2024-12-31"}, 201)
    rules = by_rule(run)
    # 金牌顾问: ranked by the signed amount they brought.
    assert [(r["recipient_id"], r["project_ids"]) for r in rules["sanming_gold_advisor"]] == [
        (li, [key["id"]]), (wang, [small["id"]])]
    # 金线索奖: the advisor's lead that earned points (1 reported + 2 judged valid).
    gold_lead = rules["sanming_gold_lead"]
    assert [(r["recipient_id"], r["basis"].endswith("本期积分 3 分")) for r in gold_lead] == [
        (wang, True)]
    # 荣誉市民: a nomination, no money, only for the advisor who brought a key project.
    citizens = rules["sanming_honorary_citizen"]
    assert [(r["recipient_name"], r["amount"]) for r in citizens] == [
        ("招商顾问 李国栋", "0.0000")]
    assert "按程序报批" in citizens[0]["basis"]
    # 金牌服务单位: work orders done on time.
    service = rules["sanming_gold_service_unit"]
    assert [(r["recipient_type"], r["recipient_name"]) for r in service] == [
        ("unit", "三明市自然资源局")]
