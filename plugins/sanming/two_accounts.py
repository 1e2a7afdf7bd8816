"""经济账与法规账 the two accounts (Seed 三(五)29, POLICIES.md § sanming 11).

Before a project is signed it records its economic account (经济账: expected annual tax in
万元, jobs) as ``attributes.economic_account``; the gate lists every item missing. Its legal
account (法规账: environment, safety, land, forest) is a review item by item, with a finding
and the reviewing department (:mod:`plugins.sanming.legal_review`). Incentives promised
(``attributes.economic_account.incentives``, 万元) above ``incentive_tax_years`` years of the
expected tax are flagged: no buying projects with money (坚决防止花钱买项目).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from core.toolkit import Clock, Project, WarningFinding
from plugins.sanming.settings import settings

ECONOMIC_LABELS = {"tax": "预计年税收（万元）", "jobs": "带动就业（人）",
                   "incentives": "优惠政策兑现（万元）"}
# Projects still being attracted or built: where a promise of incentives still matters.
OPEN_STAGES = ("reserve", "negotiating", "signed", "started")


def account_fields(city: Any, stage: str) -> list[str]:
    """The gate: every configured item of the economic account before ``required_before``
    (the legal account's gate is its review: ``legal_review.refusals``)."""
    config = settings(city)["two_accounts"]
    if stage != config["required_before"]:
        return []
    return [f"attributes.economic_account.{item}" for item in config["economic"]]


def account_labels() -> dict[str, str]:
    """Chinese names of the account's gate fields (``field_labels``)."""
    return {f"attributes.economic_account.{item}": f"经济账：{label}"
            for item, label in ECONOMIC_LABELS.items()}


def _amount(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except InvalidOperation:
        return None


def buying_findings(context: Any) -> list[WarningFinding]:
    """Warning rule ``sanming_buying_project``: incentives out of proportion to the tax."""
    years = settings(context.city)["two_accounts"]["incentive_tax_years"]
    findings = []
    for project in context.projects(OPEN_STAGES):
        account = (project.attributes or {}).get("economic_account") or {}
        tax, incentives = _amount(account.get("tax")), _amount(account.get("incentives"))
        if tax is None or incentives is None or incentives <= tax * years:
            continue
        findings.append(WarningFinding(
            "project", project.id, "yellow",
            f"项目“{project.name}”优惠政策兑现 {incentives} 万元，超过预计 {years} 年税收"
            f"（{tax * years} 万元），请核实是否花钱买项目", _since(project, context.city.clock)))
    return findings


def _since(project: Project, clock: Clock) -> dt.date:
    return clock.day_of(project.updated_at or project.created_at)
