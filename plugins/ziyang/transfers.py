"""Transfers (流转, Seed 三): what the first-talk location and the registered location each get.

When the first-talk location cannot host a project, the office arranges a transfer (the core's
``POST /projects/<id>/transfers``). The ratios come from ``[policy]``: signed funds, arrived funds
and the other indicators 3:7, tax 1:9 (first-talk : registered). :func:`transfer_split` shows a
transferred project's figures split between the two units through the core's crediting
(:func:`core.toolkit.credit_shares`), so the two parts always add up to the project's total.
Tax is the cumulative tax the project has paid, ``attributes.tax_paid`` (万元).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from core.toolkit import Project, Transfer, credit_shares

CENT = Decimal("0.0001")


def tax_paid(project: Project) -> Decimal:
    """The cumulative tax a project has paid, 万元 (0 until reported)."""
    return Decimal((project.attributes or {}).get("tax_paid") or 0)


def _split(
    total: Decimal, shares: dict[int, Decimal], from_id: int, to_id: int
) -> tuple[Decimal, Decimal]:
    # The registered location takes what rounding leaves, so the parts add up exactly.
    part_from = (total * shares.get(from_id, Decimal(0))).quantize(CENT)
    return part_from, total - part_from


def transfer_split(project: Project, on: dt.date) -> dict[str, Any] | None:
    """A transferred project's figures as of ``on``, split first-talk : registered location."""
    if not project.transfers:
        return None
    transfer: Transfer = project.transfers[-1]
    indicator = credit_shares(project, on, "indicator")
    tax = credit_shares(project, on, "tax")
    ids = transfer.from_unit_id, transfer.to_unit_id
    signed = project.amount if project.signed_on and project.signed_on <= on else Decimal(0)
    arrived = sum((t.amount for t in project.funds
                   if t.verification == "verified" and t.arrived_on <= on), Decimal(0))
    row: dict[str, Any] = {
        "project_id": project.id, "project": project.name,
        "from_unit": transfer.from_unit.name, "to_unit": transfer.to_unit.name,
        "indicator_share_from": transfer.indicator_share_from,
        "tax_share_from": transfer.tax_share_from,
    }
    for key, total, shares in (("signed_amount", signed, indicator),
                               ("arrived_amount", arrived, indicator),
                               ("tax_paid", tax_paid(project), tax)):
        part_from, part_to = _split(total, shares, *ids)
        row |= {key: total, f"{key}_from": part_from, f"{key}_to": part_to}
    return row


def transferred_projects(session: Session) -> list[Project]:
    return list(session.scalars(
        sa.select(Project).where(Project.id.in_(sa.select(Transfer.project_id)))
        .options(selectinload(Project.transfers), selectinload(Project.funds))
        .order_by(Project.id)))


TRANSFER_COLUMNS = (
    ("project", "项目"), ("from_unit", "首谈地"), ("to_unit", "注册落户地"),
    ("signed_amount", "签约资金（万元）"), ("signed_amount_from", "签约资金·首谈地"),
    ("signed_amount_to", "签约资金·落户地"), ("arrived_amount", "到位资金（万元）"),
    ("arrived_amount_from", "到位资金·首谈地"), ("arrived_amount_to", "到位资金·落户地"),
    ("tax_paid", "税收（万元）"), ("tax_paid_from", "税收·首谈地"), ("tax_paid_to", "税收·落户地"),
)
