"""Rule 7 (Seed 七): commissioned attraction (委托招商) is rewarded — Default: 1‰ of the
verified funds that arrived in the period, at most 50万元 per intermediary."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.orm import Session

from core.testing.records import add_funds
from core.toolkit import Intermediary
from plugins.ziyang.tests.conftest import call, new_project, ready_to_sign, sign


def intermediary(app, name: str) -> int:
    # Intermediaries are reference data with no API of their own yet; the test files one.
    with Session(app.extensions["zhaoshang"].engine) as session:
        row = Intermediary(name=name, kind="firm")
        session.add(row)
        session.commit()
        return row.id


def commissioned_project(client, intermediary_id: int, funds: list[tuple[str, bool]]) -> int:
    project = new_project(client, channel="commissioned", intermediary_id=intermediary_id)
    ready_to_sign(client, project["id"])
    assert sign(client, project["id"], "2024-03-01").status_code == 200
    for index, (amount, verified) in enumerate(funds):
        add_funds(client, project["id"], amount, "2024-05-10", verified=verified,
                  evidence_ref=f"YH-{project['id']}-{index:04d}")
    return project["id"]


def test_commissioned_attraction_earns_one_per_mille_of_verified_funds_capped_at_50(app, client):
    chamber = intermediary(app, "深圳市四川商会")
    agency = intermediary(app, "上海某投资促进咨询有限公司")
    big = commissioned_project(client, chamber, [("80000", True)])             # 8亿 → 80万
    small = commissioned_project(client, agency, [("20000", True), ("5000", False)])
    new_project(client, channel="fair")  # not commissioned: no reward

    run = call(client, "POST", "/rewards", {"from": "2024-01-01", "to": "2024-12-31"}, 201)

    rewards = {r["recipient_name"]: r for r in run["rewards"]
               if r["rule_code"] == "ziyang_commissioned_attraction"}
    assert set(rewards) == {"深圳市四川商会", "上海某投资促进咨询有限公司"}
    capped = rewards["深圳市四川商会"]
    assert (Decimal(capped["uncapped_amount"]), Decimal(capped["amount"]), capped["capped"]) == (
        Decimal("80"), Decimal("50"), True)
    assert capped["project_ids"] == [big]
    uncapped = rewards["上海某投资促进咨询有限公司"]
    assert Decimal(uncapped["amount"]) == Decimal("20")  # the unverified 5000 is not counted
    assert uncapped["project_ids"] == [small]
