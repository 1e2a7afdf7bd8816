"""Year-end tax settlement of a transferred project (Seed 三(二)11, POLICIES.md § sanming 6).

A project referred by one county (招商方) to land in another (落户方) pays its local tax
where it lands; at year end, once both sides confirm, the tax is split — 3:7 unless the two
sides agreed another ratio on the transfer — but only from the project's first tax
(``attributes.first_tax_on``): before that the landing side keeps it all. The split is the
core's credit rule (``credit_shares(kind="tax")``) as of 31 December.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import sqlalchemy as sa

from core.toolkit import (
    Problem,
    Project,
    Refusal,
    credit_shares,
    ensure_permission,
    record_event,
    refused,
)
from plugins.sanming.access import SETTLEMENT_SIDES
from plugins.sanming.models import TaxSettlement

CENTS = Decimal("0.0001")  # amounts in 万元 to one yuan


def settlement_event_data(settlement: TaxSettlement) -> dict[str, Any]:
    return {"settlement_id": settlement.id, "project_id": settlement.project_id,
            "year": settlement.year, "local_tax": settlement.local_tax,
            "from_unit": settlement.from_unit_code, "to_unit": settlement.to_unit_code,
            "from_share": settlement.from_share, "from_amount": settlement.from_amount,
            "to_amount": settlement.to_amount, "confirmed_by_from": settlement.confirmed_by_from,
            "confirmed_by_to": settlement.confirmed_by_to, "settled_on": settlement.settled_on}


def propose_settlement(session: Any, city: Any, project: Project, data: dict[str, Any],
                       actor: Any) -> TaxSettlement:
    """The landing side states the year's local tax; the split follows the transfer.

    Who may (the landing side's clerk or the office) is the operation's rule
    (``access.LANDING_SIDE``), enforced before this runs."""
    transfer = project.transfers[-1] if project.transfers else None
    if transfer is None or transfer.from_unit_id == transfer.to_unit_id:
        raise refused([Refusal("sanming.tax.not_transferred",
                               f"项目“{project.name}”未异地落户，税收无需分成")])
    year = data["year"]
    if session.scalar(sa.select(TaxSettlement).where(TaxSettlement.project_id == project.id,
                                                     TaxSettlement.year == year)):
        raise refused([Refusal("sanming.tax.exists", f"项目 {year} 年度税收分成已登记")])
    shares = credit_shares(project, dt.date(year, 12, 31), "tax")
    from_share = Decimal(shares.get(transfer.from_unit_id, 0))
    local_tax = data["local_tax"]
    from_amount = (local_tax * from_share).quantize(CENTS, ROUND_HALF_UP)
    settlement = TaxSettlement(
        project_id=project.id, year=year, local_tax=local_tax, from_unit_id=transfer.from_unit_id,
        to_unit_id=transfer.to_unit_id, from_share=from_share, from_amount=from_amount,
        to_amount=local_tax - from_amount, recorded_by=actor.user)
    session.add(settlement)
    session.flush()
    record_event(session, city, "sanming_tax_settlement", settlement.id, "proposed",
                 settlement_event_data(settlement))
    return settlement


def confirm_settlement(session: Any, city: Any, settlement: TaxSettlement, data: dict[str, Any],
                       actor: Any) -> TaxSettlement:
    """One side confirms (its own clerk); when both have, the settlement is made.

    The operation's rule (``access.SETTLEMENT_SIDES``) admits only the two sides' clerks; the
    side confirmed is the clerk's own."""
    ensure_permission(SETTLEMENT_SIDES, actor)
    side = {settlement.from_unit_code: "confirmed_by_from",
            settlement.to_unit_code: "confirmed_by_to"}.get(actor.unit or "")
    if side is None:
        raise Problem(403, "forbidden_unit", "无权操作", "税收分成须由招商方和落户方各自确认")
    if settlement.settled_on is not None:
        raise refused([Refusal("sanming.tax.settled", f"已于 {settlement.settled_on} 完成结算")])
    if getattr(settlement, side):
        raise refused([Refusal("sanming.tax.confirmed", "本单位已确认，等待对方确认")])
    setattr(settlement, side, actor.user)
    if settlement.confirmed_by_from and settlement.confirmed_by_to:
        settlement.settled_on = data["confirmed_on"]
    session.flush()
    fact = "settled" if settlement.settled_on else "confirmed"
    record_event(session, city, "sanming_tax_settlement", settlement.id, fact,
                 settlement_event_data(settlement) | {"confirmed_by_unit": actor.unit})
    return settlement
