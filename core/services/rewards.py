"""Rewards (奖励): run the city's reward rules for a period, cap and check each candidate.

A rule proposes candidates (``RewardRule.candidates(context)``) with the amount
its formula gives, the basis in words and the projects it came from. The core
then, for each candidate: refuses a state public official when the rule excludes
them (recorded as ineligible, amount 0, with the reason), refuses a candidate
resting on a project the city withholds credit from (``credit_withheld``), and cuts
an amount over the rule's cap to the cap (recording the uncapped amount). Every reward is
kept with the rules as they were, and writes an event.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from core.credit import withheld_credit
from core.events import record_event
from core.identity import Actor
from core.models import Intermediary, Person, Project, Reward, RewardRun
from core.policy import FieldProblem, RewardCandidate, RewardRule
from core.problems import invalid_input
from core.services.assessments import latest_published_run
from core.services.office import ensure_office

if TYPE_CHECKING:
    from core.city import City

ZERO = Decimal(0)
AMOUNT_PLACES = Decimal("0.0001")
RECIPIENT_TYPES = {"unit": "单位", "team": "团队", "person": "个人", "intermediary": "中介/顾问",
                   "enterprise": "企业"}


@dataclass
class RewardContext:
    """What a reward rule reads: the session, the city and the period."""

    session: Session
    city: City
    start: dt.date
    end: dt.date
    _cache: dict[str, Any] = field(default_factory=dict)

    def projects(self) -> list[Project]:
        """Every project, with funds and transfers loaded."""
        if "projects" not in self._cache:
            self._cache["projects"] = list(self.session.scalars(
                sa.select(Project).options(selectinload(Project.funds),
                                           selectinload(Project.transfers)).order_by(Project.id)))
        return self._cache["projects"]

    def arrived_in_period(self, project: Project, verified_only: bool = True) -> Decimal:
        """Funds of ``project`` that arrived in the period, verified by the office (已核实).

        Pending tranches never earn a reward; ``verified_only`` stays for rules written when
        they did, and no longer changes anything.
        """
        del verified_only
        return sum((t.amount for t in project.funds
                    if t.verification == "verified" and self.start <= t.arrived_on <= self.end), ZERO)

    def withheld(self, candidates: list[RewardCandidate]) -> dict[int, tuple[str, str]]:
        """``{project_id: (name, reason)}`` of the candidates' projects that earn no credit."""
        ids = {project_id for candidate in candidates for project_id in candidate.project_ids}
        projects = [project for project in self.projects() if project.id in ids]
        reasons = withheld_credit(self.city, self.session, projects)
        return {project.id: (project.name, reasons[project.id]) for project in projects
                if project.id in reasons}

    def latest_ranking(self, scheme_code: str) -> list[dict[str, Any]]:
        """The ranking of the latest published run of ``scheme_code`` ending in the period."""
        run = latest_published_run(self.session, scheme_code, self.start, self.end)
        if run is None:
            return []
        return [{"unit": r.unit_code, "unit_name": r.unit_name, "unit_id": r.unit_id,
                 "rank": r.rank, "total": r.total, "run_id": run.id} for r in run.results]


def _first_withheld(candidate: RewardCandidate, withheld: dict[int, tuple[str, str]]
                    ) -> str | None:
    for project_id in candidate.project_ids:
        if project_id in withheld:
            name, reason = withheld[project_id]
            return f"项目“{name}”{reason}"
    return None


def _is_public_official(session: Session, candidate: RewardCandidate) -> bool:
    if candidate.is_public_official:
        return True
    model = {"person": Person, "intermediary": Intermediary}.get(candidate.recipient_type)
    if model is None or candidate.recipient_id is None:
        return False
    row = session.get(model, candidate.recipient_id)
    return bool(row and row.is_public_official)


def settle(rule: RewardRule, candidate: RewardCandidate, public_official: bool,
           withheld: str | None = None) -> dict[str, Any]:
    """What a candidate is paid under ``rule``: amount, whether capped, eligibility and why.

    ``withheld`` is why a project the candidate rests on earns no credit (``credit_withheld``).
    """
    uncapped = Decimal(candidate.amount).quantize(AMOUNT_PLACES, ROUND_HALF_UP)
    if withheld is not None:
        return {"uncapped_amount": uncapped, "amount": ZERO, "capped": False, "eligible": False,
                "ineligible_reason": f"{withheld}，不得领取“{rule.name}”"}
    if rule.excludes_public_officials and public_official:
        return {"uncapped_amount": uncapped, "amount": ZERO, "capped": False, "eligible": False,
                "ineligible_reason": f"{candidate.recipient_name}为国家公职人员，"
                                     f"按规定不得领取“{rule.name}”（奖励不含国家公职人员）"}
    capped = rule.cap is not None and uncapped > rule.cap
    amount = Decimal(rule.cap).quantize(AMOUNT_PLACES) if capped else uncapped
    return {"uncapped_amount": uncapped, "amount": amount,
            "capped": capped, "eligible": True, "ineligible_reason": None}


def reward_event_data(reward: Reward, run: RewardRun) -> dict[str, Any]:
    return {"reward_id": reward.id, "run_id": run.id, "period_start": run.period_start,
            "period_end": run.period_end, "rule_code": reward.rule_code,
            "rule_name": reward.rule_name, "recipient_type": reward.recipient_type,
            "recipient_id": reward.recipient_id, "recipient_name": reward.recipient_name,
            "uncapped_amount": reward.uncapped_amount, "amount": reward.amount,
            "cap": reward.cap, "capped": reward.capped, "eligible": reward.eligible,
            "ineligible_reason": reward.ineligible_reason, "basis": reward.basis,
            "project_ids": reward.project_ids}


def compute_rewards(session: Session, city: City, data: dict[str, Any], actor: Actor) -> RewardRun:
    """Run the reward rules (all, or ``data["rules"]``) for ``date_from``–``date_to``."""
    ensure_office(actor, "核定奖励")
    rules = {rule.code: rule for rule in city.call("reward_rules")}
    chosen = data.get("rules") or list(rules)
    unknown = [code for code in chosen if code not in rules]
    if unknown:
        raise invalid_input([FieldProblem(
            "rules", "reward.rule_unknown",
            f"奖励规则 {', '.join(unknown)} 不存在，可选：{', '.join(rules) or '（本市未配置奖励规则）'}")])
    context = RewardContext(session=session, city=city, start=data["date_from"],
                            end=data["date_to"])
    run = RewardRun(period_start=context.start, period_end=context.end, computed_by=actor.user,
                    rules=[{"code": code, "name": rules[code].name,
                            "cap": None if rules[code].cap is None else format(rules[code].cap, "f"),
                            "excludes_public_officials": rules[code].excludes_public_officials}
                           for code in chosen])
    session.add(run)
    session.flush()
    for code in chosen:
        rule = rules[code]
        candidates = rule.candidates(context) or []
        withheld = context.withheld(candidates)
        for candidate in candidates:
            outcome = settle(rule, candidate, _is_public_official(session, candidate),
                             _first_withheld(candidate, withheld))
            reward = Reward(run_id=run.id, rule_code=rule.code, rule_name=rule.name,
                            recipient_type=candidate.recipient_type,
                            recipient_id=candidate.recipient_id,
                            recipient_name=candidate.recipient_name, cap=rule.cap,
                            basis=candidate.basis, project_ids=list(candidate.project_ids),
                            **outcome)
            session.add(reward)
            session.flush()
            record_event(session, city, "reward", reward.id,
                         "granted" if reward.eligible else "refused",
                         reward_event_data(reward, run))
    session.refresh(run, ["rewards"])
    return run
