"""Rewards for bringing a major project (三(十一)), never to state public officials.

对成功引进重大项目的中介机构、个人（不含国家公职人员）给予奖励. A major project
whose intermediary (firm, individual or 长沙招商大使) brought it counts once it has
landed — reached ``rewards.landed_stage`` within the period. The reward is
``rewards.rate_of_arrived`` of the funds arrived by the period's end, summed per
recipient and capped at ``rewards.cap`` per recipient and year (the core counts what is
already approved or paid, and rewards each tranche once); the core refuses public
officials with the reason (``excludes_public_officials``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from core.toolkit import City, Intermediary, Project, RewardCandidate, RewardRule
from plugins.changsha.majors import is_major
from plugins.changsha.settings import settings
from plugins.changsha.wording import amount_text, plain

CODE = "changsha_major_project_introduction"
LANDED_ON = {"signed": "signed_on", "started": "started_on", "completed": "completed_on"}
ZERO = Decimal(0)


def tranches_by(project: Project, end: Any) -> list[Any]:
    """Tranches arrived and verified by the office (已核实) up to ``end``."""
    return [t for t in project.funds if t.verification == "verified" and t.arrived_on <= end]


def arrived_by(project: Project, end: Any) -> Decimal:
    """Funds arrived and verified by the office (已核实) up to ``end``."""
    return sum((t.amount for t in tranches_by(project, end)), ZERO)


def candidates(city: City, context: Any) -> list[RewardCandidate]:
    """One candidate per intermediary, over the major projects it brought that landed."""
    config = settings(city)["rewards"]
    landed_on = LANDED_ON[config["landed_stage"]]
    by_recipient: dict[int, list[Project]] = {}
    for project in context.projects():
        landed = getattr(project, landed_on)
        if (project.intermediary_id is None or landed is None
                or not context.start <= landed <= context.end or not is_major(city, project)):
            continue
        by_recipient.setdefault(project.intermediary_id, []).append(project)
    result = []
    for intermediary_id, projects in by_recipient.items():
        intermediary = context.session.get(Intermediary, intermediary_id)
        arrived = sum((arrived_by(p, context.end) for p in projects), ZERO)
        names = "、".join(f"“{p.name}”（到位{amount_text(arrived_by(p, context.end))}）"
                         for p in projects)
        result.append(RewardCandidate(
            recipient_type="intermediary", recipient_id=intermediary_id,
            recipient_name=intermediary.name, amount=arrived * config["rate_of_arrived"],
            basis=f"引进重大项目{names}，按到位资金的 {plain(config['rate_of_arrived'] * 100)}% 奖励",
            project_ids=tuple(p.id for p in projects),
            # Each verified tranche is rewarded once, whichever runs overlap (the core).
            items=tuple((f"tranche:{t.id}", t.amount * config["rate_of_arrived"])
                        for p in projects for t in tranches_by(p, context.end)),
            is_public_official=intermediary.is_public_official))
    return result


def reward_rules(city: City) -> list[RewardRule]:
    """Changsha's one reward rule, with its cap and the public-official exclusion."""
    return [RewardRule(code=CODE, name="成功引进重大项目中介机构和个人奖励",
                       candidates=lambda context: candidates(city, context),
                       cap=settings(city)["rewards"]["cap"], excludes_public_officials=True,
                       scope="year")]
