"""Incentives (Seed 七): the "1+N" policy list and rewards for commissioned attraction.

"1+N": one general policy for every project (普惠性) and N industry policies — industry
"5+N", services "4+X", agriculture "6+3+1" — configured in ``incentive_policies``. A project's
applicable policies are the general ones plus those naming its industry; a fulfilling project
is paid under one of them (see :mod:`plugins.ziyang.fulfilment`).

委托招商: investment-promotion agencies, chambers and intermediaries commissioned by the city
are rewarded for projects they bring (channel ``commissioned``). Default formula:
``commission_reward_rate`` × verified arrived funds, capped at ``commission_reward_cap`` 万元
per intermediary and year — the core applies the cap (against what is already approved or
paid) and keeps each candidate traceable to its projects.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from core.toolkit import City, Intermediary, Project, RewardCandidate, RewardRule
from plugins.ziyang.settings import settings

COMMISSIONED_CHANNEL = "commissioned"


def incentive_policies(city: City) -> list[dict[str, Any]]:
    """The configured "1+N" policies, each with the names of the industries it covers."""
    return [policy | {"industry_names": [city.industry_name(code) or code
                                         for code in policy["industries"]]}
            for policy in settings(city)["incentive_policies"]]


def applicable_policies(city: City, industry: str | None) -> list[dict[str, Any]]:
    """The general policies plus the industry policies covering ``industry``."""
    return [policy for policy in incentive_policies(city)
            if not policy["industries"] or industry in policy["industries"]]


def commission_candidates(context: Any) -> list[RewardCandidate]:
    """One candidate per commissioned intermediary: rate × its projects' verified funds that
    arrived in the reward period."""
    rate = settings(context.city)["commission_reward_rate"]
    by_intermediary: dict[int, list[Project]] = defaultdict(list)
    for project in context.projects():
        if project.channel == COMMISSIONED_CHANNEL and project.intermediary_id is not None:
            by_intermediary[project.intermediary_id].append(project)
    candidates = []
    for intermediary_id, own in sorted(by_intermediary.items()):
        base = sum((context.arrived_in_period(project) for project in own), Decimal(0))
        if not base:
            continue
        intermediary = context.session.get(Intermediary, intermediary_id)
        candidates.append(RewardCandidate(
            recipient_type="intermediary", recipient_id=intermediary_id,
            recipient_name=intermediary.name, amount=base * rate,
            basis=f"委托招商：期内已核实到位资金 {base} 万元 × {rate}",
            project_ids=tuple(project.id for project in own),
            # Each verified tranche is rewarded once, whichever runs overlap (the core).
            items=tuple((f"tranche:{t.id}", t.amount * rate)
                        for project in own for t in context.arrived_tranches(project)),
            is_public_official=intermediary.is_public_official,
        ))
    return candidates


def reward_rules(city: City) -> list[RewardRule]:
    """The 委托招商 reward as a core reward rule (capped per intermediary)."""
    return [RewardRule(code="ziyang_commissioned_attraction", name="委托招商奖励",
                       candidates=commission_candidates,
                       cap=settings(city)["commission_reward_cap"], scope="year")]
