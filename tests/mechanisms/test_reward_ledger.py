"""The reward ledger: caps hold across runs (against everything approved or paid in the rule's
scope), a rerun proposes only what is still due, and each line lives proposed → approved → paid
(or rejected, or superseded), audited, refused with reasons when out of order."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from core import hookimpl
from core.models import Intermediary
from core.policy import RewardCandidate, RewardRule
from tests.support.cities import make_city
from tests.support.records import add_funds, advance, create_project, events_of, row_counts

D = Decimal
TABLES = ("reward_runs", "rewards", "reward_changes")


def merit_candidates(context):
    """招商有功: 1‰ of the verified funds that arrived in the period, per intermediary, each
    tranche an item (Lanzhou's rule, in small)."""
    by_intermediary = {}
    for project in context.projects():
        if project.intermediary_id:
            by_intermediary.setdefault(project.intermediary_id, []).append(project)
    candidates = []
    for intermediary_id, projects in sorted(by_intermediary.items()):
        tranches = [t for p in projects for t in context.arrived_tranches(p)]
        if not tranches:
            continue
        total = sum((t.amount for t in tranches), D(0))
        candidates.append(RewardCandidate(
            "intermediary", intermediary_id, f"中介{intermediary_id}", total / 1000,
            f"期内已核实到位资金 {total} 万元 × 1‰", tuple(p.id for p in projects),
            items=tuple((f"tranche:{t.id}", t.amount / 1000) for t in tranches)))
    return candidates


class LedgerPlugin:
    @hookimpl
    def reward_rules(self, city):
        return [RewardRule("merit", "招商有功奖", merit_candidates, cap=D(40), scope="year")]


@pytest.fixture
def city():
    return make_city(extra_plugins=[("test_reward_ledger", LedgerPlugin())])


@pytest.fixture
def intermediary(app):
    with app.extensions["zhaoshang"].sessions() as session:
        row = Intermediary(name="华南招商顾问有限公司", kind="firm", is_public_official=False)
        session.add(row)
        session.commit()
        return row.id


@pytest.fixture
def project(client, intermediary):
    project = create_project(client, 1, intermediary_id=intermediary)
    advance(client, project["id"], "signed")
    return project


def compute(client, start="2024-01-01", end="2024-12-31"):
    response = client.post("/rewards", json={"from": start, "to": end})
    assert response.status_code == 201, response.json
    return response.json["rewards"]


def approve(client, reward_id, **kwargs):
    return client.post(f"/rewards/{reward_id}/approve", json={"reason": "经主任办公会审定"}, **kwargs)


def pay(client, reward_id, voucher="ZF-2026-0001", paid_on="2026-06-16", **kwargs):
    return client.post(f"/rewards/{reward_id}/payment",
                       json={"voucher_ref": voucher, "paid_on": paid_on}, **kwargs)


def granted_in_year(client, intermediary, year=2024):
    lines = client.get(f"/rewards?recipient_id={intermediary}&year={year}&per_page=100").json
    return sum((D(r["amount"]) for r in lines["items"] if r["state"] in ("approved", "paid")), D(0))


def test_overlapping_runs_never_grant_more_than_the_yearly_cap_on_verified_funds(
        client, app, intermediary, project):
    """The 320万元 case: one intermediary, 3.2 billion arrived in a year, run after run."""
    add_funds(client, project["id"], "3000000", "2024-03-10")  # 3000万元 → 1‰ = 3000 … capped
    add_funds(client, project["id"], "900000", "2024-04-10", verified=False)  # never counts
    [first] = compute(client, "2024-01-01", "2024-06-30")
    assert (first["uncapped_amount"], first["amount"], first["capped"]) == (
        "3000.0000", "40.0000", True)
    assert first["reductions"] == ["超过本年度上限 40 万元，本次核减 2960 万元"]
    assert len(first["tranche_ids"]) == 1  # the pending tranche is not in the basis
    assert approve(client, first["id"]).status_code == 200
    # An overlapping run with a new tranche: only the new tranche is due, and the cap is reached.
    add_funds(client, project["id"], "200000", "2024-08-01")
    [second] = compute(client, "2024-03-01", "2024-12-31")
    assert (second["uncapped_amount"], second["amount"]) == ("200.0000", "0.0000")
    assert second["reductions"] == [f"已核定过的依据 3000 万元（奖励 {first['id']}）不再计入",
                                    "已达本年度上限 40 万元，本次核减 200 万元"]
    assert approve(client, second["id"]).status_code == 200  # 0 万元: the cap still holds
    # The same year once more: everything is rewarded already, nothing is proposed.
    assert compute(client, "2024-01-01", "2024-12-31") == []
    assert granted_in_year(client, intermediary) == D(40)


def test_two_pending_runs_cannot_both_be_approved_past_the_cap(client, app, intermediary,
                                                              project):
    add_funds(client, project["id"], "300000", "2024-03-10")  # 300万元 → 40
    add_funds(client, project["id"], "100000", "2024-08-10")  # 100万元 → 40
    [spring] = compute(client, "2024-01-01", "2024-06-30")
    [autumn] = compute(client, "2024-07-01", "2024-12-31")
    assert (spring["state"], autumn["state"]) == ("proposed", "proposed")  # different tranches
    assert approve(client, spring["id"]).status_code == 200
    before = row_counts(app, *TABLES)
    refused = approve(client, autumn["id"])
    assert refused.status_code == 409
    [refusal] = refused.json["refusals"]
    assert refusal["rule"] == "reward.cap_exceeded"
    assert "将超过上限 40 万元" in refusal["message"]
    assert row_counts(app, *TABLES) == before
    assert client.get(f"/rewards/{autumn['id']}").json["state"] == "proposed"
    assert granted_in_year(client, intermediary) == D(40)


def test_a_rerun_proposes_only_what_is_still_due_and_supersedes_the_pending_proposal(
        client, app, intermediary, project):
    add_funds(client, project["id"], "20000", "2024-03-10")  # → 20万元
    [first] = compute(client)
    assert approve(client, first["id"]).status_code == 200
    add_funds(client, project["id"], "30000", "2024-05-10")  # → 30万元, only 20 left in the cap
    [second] = compute(client)
    assert (second["uncapped_amount"], second["amount"]) == ("30.0000", "20.0000")
    assert second["reductions"] == [
        f"已核定过的依据 20 万元（奖励 {first['id']}）不再计入",
        "本年度已核定 20 万元，上限 40 万元，本次核减 10 万元"]
    # Rerun while it is pending: the earlier proposal is kept, marked superseded.
    [third] = compute(client)
    assert third["amount"] == "20.0000"
    old = client.get(f"/rewards/{second['id']}").json
    assert (old["state"], old["superseded_by_id"]) == ("superseded", third["id"])
    assert [c["action"] for c in old["changes"]] == ["proposed", "superseded"]
    assert approve(client, old["id"]).status_code == 409
    assert len(events_of(app, "zhaoshang.reward.superseded")) == 1
    listed = client.get("/rewards?state=superseded").json
    assert [r["id"] for r in listed["items"]] == [second["id"]]


def test_a_line_is_approved_then_paid_with_its_history(client, app, intermediary, project):
    add_funds(client, project["id"], "100000", "2024-03-10")
    [line] = compute(client)
    approved = approve(client, line["id"])
    assert approved.status_code == 200
    assert approved.headers["ETag"] == f'"reward-{line["id"]}-2"'
    paid = pay(client, line["id"], voucher=" ZF-2026-0001 ")
    assert paid.status_code == 200, paid.json
    body = paid.json
    assert (body["state"], body["state_label"], body["voucher_ref"], body["paid_on"]) == (
        "paid", "已支付", "ZF-2026-0001", "2026-06-16")
    assert (body["decided_by"], body["decision_reason"]) == ("officer1", "经主任办公会审定")
    assert [c["action"] for c in body["changes"]] == ["proposed", "approved", "paid"]
    assert [e.data["state"] for e in events_of(app, "zhaoshang.reward.paid")] == ["paid"]
    assert client.get("/rewards?state=paid").json["total"] == 1
    assert pay(client, line["id"]).status_code == 409  # paid once


def test_payment_before_approval_is_refused(client, app, intermediary, project):
    add_funds(client, project["id"], "100000", "2024-03-10")
    [line] = compute(client)
    before = row_counts(app, *TABLES)
    response = pay(client, line["id"])
    assert response.status_code == 409
    assert response.json["refusals"][0]["rule"] == "reward.not_approved"
    assert "尚未批准" in response.json["refusals"][0]["message"]
    assert row_counts(app, *TABLES) == before


@pytest.mark.parametrize("voucher, paid_on, field, code", [
    ("无", "2026-06-16", "voucher_ref", "reward.voucher_placeholder"),
    ("ZF-2026-0009", "2026-06-17", "paid_on", "reward.paid_in_future"),
    ("ZF-2026-0009", "2026-06-15", "paid_on", "reward.paid_before_approval"),
])
def test_a_payment_needs_a_real_voucher_and_a_day_between_approval_and_today(
        client, app, intermediary, project, voucher, paid_on, field, code):
    add_funds(client, project["id"], "100000", "2024-03-10")
    [line] = compute(client)
    assert approve(client, line["id"]).status_code == 200  # approved on 2026-06-16
    before = row_counts(app, *TABLES)
    response = pay(client, line["id"], voucher=voucher, paid_on=paid_on)
    assert response.status_code == 422
    [error] = response.json["errors"]
    assert (error["field"], error["code"]) == (field, code)
    assert row_counts(app, *TABLES) == before
    assert client.get(f"/rewards/{line['id']}").json["state"] == "approved"


def test_a_voucher_pays_one_line_only(client, app, intermediary, project, today):
    other = create_project(client, 2, intermediary_id=intermediary)
    advance(client, other["id"], "signed")
    add_funds(client, project["id"], "10000", "2024-03-10")
    [first] = compute(client, "2024-01-01", "2024-06-30")
    add_funds(client, other["id"], "5000", "2024-08-10")
    [second] = compute(client, "2024-07-01", "2024-12-31")
    for line in (first, second):
        assert approve(client, line["id"]).status_code == 200
    assert pay(client, first["id"], voucher="ZF 2026 0001").status_code == 200
    response = pay(client, second["id"], voucher="zf  2026 0001")
    assert response.status_code == 422
    [error] = response.json["errors"]
    assert (error["field"], error["code"]) == ("voucher_ref", "reward.voucher_used")
    assert f"奖励 {first['id']}" in error["message"]


def test_a_rejected_line_needs_a_reason_and_stays_rejected(client, app, intermediary, project):
    add_funds(client, project["id"], "100000", "2024-03-10")
    [line] = compute(client)
    blank = client.post(f"/rewards/{line['id']}/reject", json={"reason": "  "})
    assert blank.status_code == 400
    assert blank.json["errors"][0]["field"] == "reason"
    rejected = client.post(f"/rewards/{line['id']}/reject", json={"reason": "引荐材料不实"})
    assert rejected.status_code == 200
    assert (rejected.json["state"], rejected.json["decision_reason"]) == ("rejected", "引荐材料不实")
    assert approve(client, line["id"]).status_code == 409
    assert len(events_of(app, "zhaoshang.reward.rejected")) == 1
    # A rejected line grants nothing: a rerun proposes the tranche again.
    [again] = compute(client)
    assert (again["uncapped_amount"], again["amount"]) == ("100.0000", "40.0000")
    assert again["tranche_ids"] == line["tranche_ids"]


def test_only_the_office_decides_and_pays(client, app, intermediary, project):
    add_funds(client, project["id"], "100000", "2024-03-10")
    [line] = compute(client)
    before = row_counts(app, *TABLES)
    for path, body in (("approve", {"reason": "同意"}), ("reject", {"reason": "不同意"}),
                       ("payment", {"voucher_ref": "ZF-2026-0001", "paid_on": "2026-06-16"})):
        response = client.post(f"/rewards/{line['id']}/{path}", json=body, as_=("clerk", "east"))
        assert response.status_code == 403, path
    assert row_counts(app, *TABLES) == before


def test_a_stale_if_match_refuses_a_decision(client, app, intermediary, project):
    add_funds(client, project["id"], "100000", "2024-03-10")
    [line] = compute(client)
    headers = {"X-Zhaoshang-User": "officer1", "X-Zhaoshang-Role": "officer"}
    tag = client.get(f"/rewards/{line['id']}").headers["ETag"]
    assert approve(client, line["id"]).status_code == 200
    response = client.flask.open(f"/api/v1/rewards/{line['id']}/payment", method="POST",
                                 json={"voucher_ref": "ZF-2026-0001", "paid_on": "2026-06-16"},
                                 headers=headers | {"If-Match": tag})
    assert response.status_code == 412
    assert client.get(f"/rewards/{line['id']}").json["state"] == "approved"


def test_a_run_across_two_years_counts_against_the_year_it_ends_in(client, app, intermediary,
                                                                   project):
    add_funds(client, project["id"], "300000", "2024-08-10")  # → 300万元
    [line] = compute(client, "2024-07-01", "2025-06-30")
    assert (line["year"], line["amount"]) == (2025, "40.0000")
    assert line["scope_key"].endswith("|year:2025")
    assert approve(client, line["id"]).status_code == 200
    assert compute(client, "2025-01-01", "2025-12-31") == []  # its tranche is rewarded


def test_the_ledger_exports_with_chinese_headings(client, intermediary, project):
    add_funds(client, project["id"], "100000", "2024-03-10")
    compute(client)
    response = client.get("/rewards?state=proposed&format=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    headings = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    for heading in ("领取人", "封顶前金额（万元）", "核定金额（万元）", "核减与不予奖励说明", "状态",
                    "支付凭证号"):
        assert heading in headings
