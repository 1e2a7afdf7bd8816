"""奖励台账: the reward ledger of every city — proposed, approved, paid (and rejected,
superseded) lines with their basis, reductions and history; the office computes a run, approves
or rejects each line with a reason and records its payment; every list exports to Excel."""

from __future__ import annotations

from flask import url_for

from gateway.web.base import api, blueprint, check_city, done, filters, form_value, render
from gateway.web.sorting import sorting

STATE_TABS = {"proposed": "待审批", "approved": "已批准", "paid": "已支付", "rejected": "已驳回",
              "superseded": "已取代"}
REWARD_COLUMNS = [
    {"key": "id", "heading": "编号", "sort": "id"},
    {"key": "rule_name", "heading": "奖励规则"},
    {"key": "recipient_name", "heading": "领取人", "sort": "recipient_name"},
    {"key": "year", "heading": "年度", "sort": "year"},
    {"key": "uncapped_amount", "heading": "封顶前金额", "format": "amount"},
    {"key": "amount", "heading": "核定金额", "format": "amount", "sort": "amount"},
    {"key": "reductions_text", "heading": "核减与不予奖励说明"},
    {"key": "state_label", "heading": "状态", "sort": "state"},
    {"key": "voucher_ref", "heading": "支付凭证号"},
    {"key": "paid_on", "heading": "支付日期", "format": "date", "sort": "paid_on"},
]


@blueprint.route("/c/<city>/rewards")
def rewards(city: str):
    check_city(city)
    params = filters("state", "year", "recipient", "run", "page", "sort")
    params.setdefault("state", "proposed")
    query = {key: value for key, value in params.items() if not (key == "state" and value == "all")}
    answer = api().city(city, "GET", "rewards", {"sort": "-id", **query})
    rows = answer.items()
    for row in rows:
        row["reductions_text"] = "；".join(row.get("reductions") or [])
    export = {key: value for key, value in query.items() if key != "page"}
    return render("rewards.html", city=city, answer=answer, rows=rows, params=params,
                  columns=REWARD_COLUMNS, tabs=STATE_TABS,
                  sort=sorting("web.rewards", params, city=city),
                  export_url=url_for("web.export", city=city, rest="rewards", **export))


@blueprint.route("/c/<city>/rewards", methods=["POST"])
def compute_rewards(city: str):
    check_city(city)
    answer = api().city(city, "POST", "rewards", body={
        "from": form_value("from") or "", "to": form_value("to") or ""})
    if answer.ok:
        return done(answer, f"已核定奖励，提出 {len(answer.body['rewards'])} 条待审批",
                    "web.rewards", city=city, run=answer.body["id"], state="all")
    return done(answer, "", "web.rewards", city=city)


@blueprint.route("/c/<city>/rewards/<int:reward_id>")
def reward(city: str, reward_id: int):
    check_city(city)
    answer = api().city(city, "GET", f"rewards/{reward_id}")
    return render("reward.html", 200 if answer.ok else answer.status, city=city, answer=answer,
                  reward=answer.body if answer.ok else None)


@blueprint.route("/c/<city>/rewards/<int:reward_id>/decision", methods=["POST"])
def decide_reward(city: str, reward_id: int):
    check_city(city)
    action = "approve" if form_value("decision") == "approve" else "reject"
    answer = api().city(city, "POST", f"rewards/{reward_id}/{action}",
                        body={"reason": form_value("reason") or ""})
    return done(answer, "已批准" if action == "approve" else "已驳回", "web.reward", city=city,
                reward_id=reward_id)


@blueprint.route("/c/<city>/rewards/<int:reward_id>/payment", methods=["POST"])
def pay_reward(city: str, reward_id: int):
    check_city(city)
    answer = api().city(city, "POST", f"rewards/{reward_id}/payment", body={
        "voucher_ref": form_value("voucher_ref") or "", "paid_on": form_value("paid_on") or ""})
    return done(answer, "已登记支付", "web.reward", city=city, reward_id=reward_id)
