"""Rewards (奖励) as a ledger: a run proposes lines, the office approves or rejects each, then
records its payment.

A rule proposes candidates (``RewardRule.candidates(context)``) with the amount its formula
gives, the basis in words, the projects and the items it rests on (tranches, a ranking …). The
core then, for each candidate, in one place for every city (``docs/mechanisms.md``, Rewards):

- drops the items already rewarded — in a line of the same rule and recipient that is approved
  or paid — so a rerun of the same or an overlapping period proposes only what is still due;
- refuses a state public official when the rule excludes them, and a candidate resting on a
  project the city withholds credit from (``credit_withheld``): amount 0, with the reason;
- caps the amount at the rule's cap less what is already approved or paid in the line's scope
  (rule, recipient, year — or the candidate's own scope, e.g. a ranking) and what this run
  already proposed there, recording each reduction in Chinese;
- supersedes the still-proposed lines of earlier runs in the same scope that rest on the same
  items (kept, marked ``superseded``).

Approving checks the cap and the items again against what is approved or paid by then, so no
order of decisions can exceed a cap or reward an item twice. Every change writes its history
row (``RewardChange``) and its event in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from core.clock import utcnow
from core.credit import withheld_credit
from core.events import record_event
from core.fund_rules import evidence_key, evidence_problem
from core.identity import Actor
from core.introducers import UNCONFIRMED_REASON, public_official_status
from core.models import FundTranche, Project, Reward, RewardChange, RewardRun
from core.policy import FieldProblem, Refusal, RewardCandidate, RewardRule
from core.problems import invalid_input, refused
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

    def arrived_tranches(self, project: Project) -> list[FundTranche]:
        """Tranches of ``project`` that arrived in the period and were verified by the office
        (已核实): pending or rejected tranches never earn a reward."""
        return [t for t in project.funds
                if t.verification == "verified" and self.start <= t.arrived_on <= self.end]

    def arrived_in_period(self, project: Project) -> Decimal:
        """Verified funds of ``project`` that arrived in the period (:meth:`arrived_tranches`)."""
        return sum((t.amount for t in self.arrived_tranches(project)), ZERO)

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
                 "rank": r.rank, "total": r.total, "run_id": run.id,
                 "ranking_key": ranking_key(run)} for r in run.results]


def ranking_key(run: Any) -> str:
    """The ranking an assessment run publishes — its scheme and period, whichever run of them
    is published — as a reward's item and scope: awarded once per rule and recipient."""
    return f"ranking:{run.scheme_code}:{run.period_start}:{run.period_end}"


def _first_withheld(candidate: RewardCandidate, withheld: dict[int, tuple[str, str]]
                    ) -> str | None:
    for project_id in candidate.project_ids:
        if project_id in withheld:
            name, reason = withheld[project_id]
            return f"项目“{name}”{reason}"
    return None


def _is_public_official(session: Session, candidate: RewardCandidate) -> str:
    """Whether the candidate is a state public official — ``yes``, ``no`` or ``unknown`` — the
    one place eligibility reads it (the introducer registry's confirmed status,
    :func:`core.introducers.public_official_status`)."""
    return public_official_status(session, candidate.recipient_type, candidate.recipient_id,
                                  candidate.is_public_official)


def money(value: Any) -> Decimal:
    return Decimal(value).quantize(AMOUNT_PLACES, ROUND_HALF_UP)


def plain(value: Decimal) -> str:
    """An amount as a person writes it: ``40.0000`` → ``40``, ``12.5000`` → ``12.5``."""
    text = format(Decimal(value).quantize(AMOUNT_PLACES), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def settle(rule: RewardRule, candidate: RewardCandidate, public_official: bool | str,
           withheld: str | None = None, uncapped: Decimal | None = None,
           already: Decimal = ZERO, scope_label: str = "") -> dict[str, Any]:
    """What a candidate is proposed under ``rule``: amount, whether capped, eligibility, and
    every reduction or refusal in Chinese.

    ``uncapped`` is what is still due (the candidate's amount when not given); ``already`` what
    is approved, paid or proposed earlier in this run within the same scope; ``withheld`` why a
    project the candidate rests on earns no credit (``credit_withheld``).
    """
    uncapped = money(candidate.amount if uncapped is None else uncapped)
    refusal = None
    if withheld is not None:
        refusal = f"{withheld}，不得领取“{rule.name}”"
    elif rule.excludes_public_officials and public_official in (True, "yes"):
        refusal = (f"{candidate.recipient_name}为国家公职人员，"
                   f"按规定不得领取“{rule.name}”（奖励不含国家公职人员）")
    elif rule.excludes_public_officials and public_official == "unknown":
        # Unknown is not "not an official": the office confirms it first (引荐人名录).
        refusal = (f"{candidate.recipient_name}{UNCONFIRMED_REASON}，暂不得领取“{rule.name}”"
                   "（奖励不含国家公职人员，须先由市招商部门在引荐人名录中确认身份）")
    if refusal is not None:
        return {"uncapped_amount": uncapped, "amount": ZERO, "capped": False, "eligible": False,
                "ineligible_reason": refusal, "reductions": [refusal]}
    reductions = []
    amount = uncapped
    if rule.cap is not None:
        room = max(money(rule.cap) - money(already), ZERO)
        if uncapped > room:
            amount = room
            cut = uncapped - room
            if already > 0:
                reductions.append(f"{scope_label}已核定 {plain(already)} 万元，上限 {plain(rule.cap)} "
                                  f"万元，本次核减 {plain(cut)} 万元")
            else:
                reductions.append(f"超过{scope_label}上限 {plain(rule.cap)} 万元，"
                                  f"本次核减 {plain(cut)} 万元")
            if room == 0:
                reductions[-1] = (f"已达{scope_label}上限 {plain(rule.cap)} 万元，"
                                  f"本次核减 {plain(cut)} 万元")
    return {"uncapped_amount": uncapped, "amount": amount, "capped": amount < uncapped,
            "eligible": True, "ineligible_reason": None, "reductions": reductions}


def reward_event_data(reward: Reward, run: RewardRun | None = None) -> dict[str, Any]:
    run = run or reward.run
    return {"reward_id": reward.id, "run_id": run.id, "period_start": run.period_start,
            "period_end": run.period_end, "rule_code": reward.rule_code,
            "rule_name": reward.rule_name, "recipient_type": reward.recipient_type,
            "recipient_id": reward.recipient_id, "recipient_name": reward.recipient_name,
            "uncapped_amount": reward.uncapped_amount, "amount": reward.amount,
            "cap": reward.cap, "capped": reward.capped, "eligible": reward.eligible,
            "ineligible_reason": reward.ineligible_reason, "basis": reward.basis,
            "project_ids": reward.project_ids, "state": reward.state,
            "scope_key": reward.scope_key, "items": reward.items,
            "reductions": reward.reductions, "ranking_run_id": reward.ranking_run_id,
            "superseded_by_id": reward.superseded_by_id, "decided_by": reward.decided_by,
            "decision_reason": reward.decision_reason, "voucher_ref": reward.voucher_ref,
            "paid_on": reward.paid_on}


def _audit(session: Session, city: City, reward: Reward, action: str, actor: str,
           reason: str | None = None, changes: dict[str, Any] | None = None) -> None:
    """The line's history row and its event (``reward.<action>``), in the caller's transaction."""
    session.add(RewardChange(reward_id=reward.id, action=action, actor=actor, at=utcnow(),
                             reason=reason, changes=changes or {}))
    record_event(session, city, "reward", reward.id, action, reward_event_data(reward))


# -- scopes ------------------------------------------------------------------------------------

GRANTED = ("approved", "paid")


def recipient_ref(recipient_type: str, recipient_id: int | None, recipient_name: str) -> str:
    return f"{recipient_type}:{recipient_id if recipient_id is not None else recipient_name}"


def _line_recipient(line: Reward) -> str:
    return recipient_ref(line.recipient_type, line.recipient_id, line.recipient_name)


def _scope_part(rule: RewardRule, candidate: RewardCandidate, start: dt.date, end: dt.date) -> str:
    if candidate.scope:
        return candidate.scope
    return f"year:{end.year}" if rule.scope == "year" else f"period:{start}:{end}"


def scope_label(scope_key: str) -> str:
    """The scope in words for a reduction: 本年度, 该排名, 本期."""
    part = scope_key.split("|", 2)[-1]
    return {"year": "本年度", "ranking": "该排名"}.get(part.split(":", 1)[0], "本期")


def _items(candidate: RewardCandidate, start: dt.date, end: dt.date) -> list[tuple[str, Decimal]]:
    if candidate.items:
        return [(key, Decimal(amount)) for key, amount in candidate.items]
    return [(f"period:{start}:{end}", Decimal(candidate.amount))]


@dataclass
class Ledger:
    """What is already approved or paid under one rule: item keys per recipient (with the line
    that took each), amounts per scope, and what this run proposed per scope."""

    taken: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))
    granted: dict[str, Decimal] = field(default_factory=lambda: defaultdict(lambda: ZERO))
    proposed: dict[str, Decimal] = field(default_factory=lambda: defaultdict(lambda: ZERO))

    @classmethod
    def of(cls, session: Session, rule_code: str, exclude: int | None = None) -> Ledger:
        ledger = cls()
        for line in session.scalars(sa.select(Reward).where(
                Reward.rule_code == rule_code, Reward.state.in_(GRANTED))):
            if line.id == exclude:
                continue
            for item in line.items or []:
                ledger.taken[_line_recipient(line)].setdefault(item["key"], line.id)
            if line.scope_key:
                ledger.granted[line.scope_key] += line.amount
        return ledger


def _pending_in_scope(session: Session, scope_key: str, run_id: int) -> list[Reward]:
    return list(session.scalars(sa.select(Reward).where(
        Reward.scope_key == scope_key, Reward.state == "proposed", Reward.run_id != run_id)
        .order_by(Reward.id)))


# -- a run -------------------------------------------------------------------------------------


def _check_run(rules: dict[str, RewardRule], chosen: list[str], data: dict[str, Any]) -> None:
    unknown = [code for code in chosen if code not in rules]
    if unknown:
        raise invalid_input([FieldProblem(
            "rules", "reward.rule_unknown",
            f"奖励规则 {', '.join(unknown)} 不存在，可选：{', '.join(rules) or '（本市未配置奖励规则）'}")])


def compute_rewards(session: Session, city: City, data: dict[str, Any], actor: Actor) -> RewardRun:
    """Run the reward rules (all, or ``data["rules"]``) for ``date_from``–``date_to``: propose
    what is still due, within every cap, superseding earlier proposals of the same items."""
    ensure_office(actor, "核定奖励")
    rules = {rule.code: rule for rule in city.call("reward_rules")}
    chosen = data.get("rules") or list(rules)
    _check_run(rules, chosen, data)
    context = RewardContext(session=session, city=city, start=data["date_from"],
                            end=data["date_to"])
    run = RewardRun(period_start=context.start, period_end=context.end, computed_by=actor.user,
                    rules=[{"code": code, "name": rules[code].name,
                            "cap": None if rules[code].cap is None else format(rules[code].cap, "f"),
                            "excludes_public_officials": rules[code].excludes_public_officials,
                            "scope": rules[code].scope}
                           for code in chosen])
    session.add(run)
    session.flush()
    for code in chosen:
        rule = rules[code]
        candidates = rule.candidates(context) or []
        withheld = context.withheld(candidates)
        ledger = Ledger.of(session, rule.code)
        for candidate in candidates:
            _propose(session, city, run, rule, candidate, ledger, actor,
                     _first_withheld(candidate, withheld))
    session.refresh(run, ["rewards"])
    return run


def _propose(session: Session, city: City, run: RewardRun, rule: RewardRule,
             candidate: RewardCandidate, ledger: Ledger, actor: Actor,
             withheld: str | None) -> Reward | None:
    """One line for ``candidate``: what is still due, refused or capped; ``None`` when every
    item it rests on is already approved or paid (nothing is due)."""
    who = recipient_ref(candidate.recipient_type, candidate.recipient_id, candidate.recipient_name)
    scope_key = (f"{rule.code}|{who}|"
                 f"{_scope_part(rule, candidate, run.period_start, run.period_end)}")
    items = _items(candidate, run.period_start, run.period_end)
    taken = ledger.taken[who]
    due = [(key, amount) for key, amount in items if key not in taken]
    if not due:
        return None
    done = [(key, amount) for key, amount in items if key in taken]
    outcome = settle(rule, candidate, _is_public_official(session, candidate), withheld,
                     uncapped=sum((amount for _, amount in due), ZERO),
                     already=ledger.granted[scope_key] + ledger.proposed[scope_key],
                     scope_label=scope_label(scope_key))
    if done:
        lines = sorted({taken[key] for key, _ in done})
        outcome["reductions"].insert(0, (
            f"已核定过的依据 {plain(money(sum((a for _, a in done), ZERO)))} 万元"
            f"（奖励 {'、'.join(str(i) for i in lines)}）不再计入"))
    reward = Reward(run_id=run.id, rule_code=rule.code, rule_name=rule.name,
                    recipient_type=candidate.recipient_type, recipient_id=candidate.recipient_id,
                    recipient_name=candidate.recipient_name, cap=rule.cap,
                    basis=candidate.basis, project_ids=list(candidate.project_ids),
                    state="proposed", scope_key=scope_key, year=run.period_end.year,
                    items=[{"key": key, "amount": format(money(amount), "f")} for key, amount in due],
                    ranking_run_id=candidate.ranking_run_id, **outcome)
    session.add(reward)
    session.flush()
    if reward.eligible:
        ledger.proposed[scope_key] += reward.amount
    keys = {key for key, _ in due}
    for earlier in _pending_in_scope(session, scope_key, run.id):
        if keys & {item["key"] for item in earlier.items or []}:
            earlier.state = "superseded"
            earlier.superseded_by_id = reward.id
            session.flush()
            _audit(session, city, earlier, "superseded", actor.user,
                   f"第 {run.id} 次核定（奖励 {reward.id}）重新核定了同一依据",
                   {"state": ["proposed", "superseded"], "superseded_by_id": [None, reward.id]})
    _audit(session, city, reward, "proposed", actor.user, None,
           {"amount": format(reward.amount, "f"), "reductions": reward.reductions})
    return reward


# -- decisions and payment ---------------------------------------------------------------------

STATE_LABELS = {"proposed": "待审批", "approved": "已批准", "rejected": "已驳回", "paid": "已支付",
                "superseded": "已被重新核定取代"}


def _reason(data: dict[str, Any], what: str) -> str:
    reason = (data.get("reason") or "").strip()
    if not reason:
        raise invalid_input([FieldProblem("reason", "required", f"请填写{what}理由")])
    return reason


def _must_be(reward: Reward, state: str, action: str) -> None:
    if reward.state != state:
        raise refused([Refusal(f"reward.{reward.state}",
                               f"奖励 {reward.id} {STATE_LABELS.get(reward.state, reward.state)}，"
                               f"不能{action}")])


def approve(session: Session, city: City, reward: Reward, data: dict[str, Any],
            actor: Actor) -> Reward:
    """The office approves a proposed line: checked again against everything approved or paid
    by now (its items are rewarded once, its scope's cap holds)."""
    ensure_office(actor, "审批奖励")
    reason = _reason(data, "批准")
    _must_be(reward, "proposed", "批准")
    if reward.scope_key and session.get_bind().dialect.name == "postgresql":
        # Two approvals in one scope are decided one after the other: the second sees the first.
        session.execute(sa.select(Reward.id).where(Reward.scope_key == reward.scope_key)
                        .with_for_update())
    problems = []
    if not reward.eligible:
        problems.append(Refusal("reward.ineligible",
                                f"奖励 {reward.id} 不符合领取条件：{reward.ineligible_reason}"))
    ledger = Ledger.of(session, reward.rule_code, exclude=reward.id)
    taken = ledger.taken[_line_recipient(reward)]
    twice = sorted({taken[item["key"]] for item in reward.items or [] if item["key"] in taken})
    if twice:
        problems.append(Refusal("reward.already_granted",
                                f"奖励 {reward.id} 的依据已在奖励 {'、'.join(map(str, twice))} "
                                f"中批准或支付，不能重复奖励，请重新核定"))
    if reward.cap is not None and reward.scope_key:
        already = ledger.granted[reward.scope_key]
        if already + reward.amount > reward.cap:
            problems.append(Refusal(
                "reward.cap_exceeded",
                f"{scope_label(reward.scope_key)}已批准或支付 {plain(already)} 万元，再批准 "
                f"{plain(reward.amount)} 万元将超过上限 {plain(reward.cap)} 万元，请重新核定"))
    if problems:
        raise refused(problems, "不能批准")
    return _decide(session, city, reward, "approved", actor, reason)


def _decide(session: Session, city: City, reward: Reward, state: str, actor: Actor,
            reason: str) -> Reward:
    """Record the office's decision on a proposed line: who, when, why; audited."""
    reward.state = state
    reward.decided_by, reward.decided_at, reward.decision_reason = actor.user, utcnow(), reason
    session.flush()
    _audit(session, city, reward, state, actor.user, reason, {"state": ["proposed", state]})
    return reward


def reject(session: Session, city: City, reward: Reward, data: dict[str, Any],
           actor: Actor) -> Reward:
    """The office rejects a proposed line, with the reason."""
    ensure_office(actor, "审批奖励")
    reason = _reason(data, "驳回")
    _must_be(reward, "proposed", "驳回")
    return _decide(session, city, reward, "rejected", actor, reason)


def pay(session: Session, city: City, reward: Reward, data: dict[str, Any], actor: Actor) -> Reward:
    """The office records the payment of an approved line: its voucher (unique in the city, not
    a placeholder) and the day it was paid (not in the future, not before the approval)."""
    ensure_office(actor, "登记奖励支付")
    if reward.state == "proposed":
        raise refused([Refusal("reward.not_approved",
                               f"奖励 {reward.id} 尚未批准，不能登记支付（须先批准）")])
    _must_be(reward, "approved", "登记支付")
    if reward.amount <= 0:
        raise refused([Refusal("reward.nothing_to_pay",
                               f"奖励 {reward.id} 核定金额为 0，无需登记支付")])
    problems = []
    voucher = data["voucher_ref"].strip()
    not_voucher = evidence_problem(voucher)
    if not_voucher is not None:
        problems.append(FieldProblem("voucher_ref", "reward.voucher_placeholder",
                                     not_voucher.replace("凭证编号", "支付凭证号")
                                     .replace("银行回单号等", "付款凭证号等")))
    else:
        holder = session.scalar(sa.select(Reward.id).where(
            Reward.voucher_key == evidence_key(voucher), Reward.id != reward.id))
        if holder is not None:
            problems.append(FieldProblem(
                "voucher_ref", "reward.voucher_used",
                f"支付凭证号“{voucher}”已用于奖励 {holder}，同一凭证不能重复登记"))
    today = city.clock.today()
    approved_on = city.clock.day_of(reward.decided_at) if reward.decided_at else None
    if data["paid_on"] > today:
        problems.append(FieldProblem("paid_on", "reward.paid_in_future",
                                     f"支付日期不能晚于今天（{today}）"))
    elif approved_on is not None and data["paid_on"] < approved_on:
        problems.append(FieldProblem("paid_on", "reward.paid_before_approval",
                                     f"支付日期不能早于批准日期 {approved_on}"))
    if problems:
        raise invalid_input(problems, 422)
    reward.state = "paid"
    reward.voucher_ref, reward.voucher_key = voucher, evidence_key(voucher)
    reward.paid_on, reward.paid_by, reward.paid_at = data["paid_on"], actor.user, utcnow()
    session.flush()
    _audit(session, city, reward, "paid", actor.user, None,
           {"state": ["approved", "paid"], "voucher_ref": voucher,
            "paid_on": data["paid_on"].isoformat()})
    return reward
