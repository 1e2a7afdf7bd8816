"""Projects: create, update, move through the lifecycle, funds, milestones, transfers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, object_session

from core.clock import utcnow
from core.config import ratio_share
from core.events import record_event
from core.fund_rules import evidence_key, evidence_problem, over_agreement_ratio, percent
from core.gates import field_label, incomplete_fields, missing_held_fields
from core.identity import Actor
from core.introducers import check_intermediary
from core.lifecycle import ALLOWED_MOVES, STAGE_DATE_FIELD, STAGE_LABELS, Stage
from core.models import FundTranche, Lead, Milestone, Project, Transfer, Unit
from core.policy import FieldProblem, Refusal, TransferSharing
from core.problems import invalid_input, refused
from core.services.enterprises import out_of_province, upsert_enterprise
from core.services.history import apply_changes, record_change
from core.services.lookups import unit_by_code
from core.services.milestones import check_milestone
from core.services.office import ensure_office, ensure_unit
from core.services.warnings import refresh as refresh_warnings
from core.time_order import (
    STAGE_DATE_LABELS,
    bound_problems,
    business_date_problems,
    not_before,
    record_problems,
)

if TYPE_CHECKING:
    from core.city import City


def ensure_may_write(actor: Actor, project: Project) -> None:
    """The project's finding or host unit's clerk, or the office (core.permissions.OWN_UNIT)."""
    session = object_session(project)
    assert session is not None
    ensure_unit(session, actor, [project.finding_unit.code, project.host_unit.code])


def project_event_data(project: Project) -> dict[str, Any]:
    """The project as the province sees it: figures, units, investor, dates."""
    enterprise = project.enterprise
    return {
        "project_id": project.id,
        "name": project.name,
        "industry": project.industry,
        "amount": project.amount,
        "agreement_amount": project.agreement_amount,
        "stage": project.stage,
        "status": project.status,
        "tiers": list(project.tiers or []),
        "finding_unit": project.finding_unit.code,
        "host_unit": project.host_unit.code,
        "channel": project.channel,
        "out_of_province": project.out_of_province,
        "signed_on": project.signed_on,
        "started_on": project.started_on,
        "completed_on": project.completed_on,
        "lost_on": project.lost_on,
        "cleared_on": project.cleared_on,
        "arrived_amount": project.arrived_amount,  # verified (已核实) only
        "arrived_pending_amount": project.arrived_pending_amount,  # 待核实, never in figures
        # Every tranche with its date, so the province counts arrivals in a date range.
        "funds": [{"id": t.id, "arrived_on": t.arrived_on, "amount": t.amount,
                   "verification": t.verification} for t in project.funds],
        "enterprise": {
            "name": enterprise.name,
            "normalized_name": enterprise.normalized_name,
            "credit_code": enterprise.credit_code,
            "origin_province": enterprise.origin_province,
            "tags": list(enterprise.tags or []),
        },
    }


def classify(city: City, project: Project) -> None:
    tiers = sorted(set(city.call("classify_project", project=project)))
    if tiers != list(project.tiers or []):
        project.tiers = tiers


def _check_industry(city: City, industry: str | None) -> None:
    if industry is not None and industry not in city.industries:
        raise invalid_input([FieldProblem("industry", "industry.unknown",
                                          f"产业 {industry} 不在本市产业目录中")])


def _validate(city: City, data: dict[str, Any], project: Project | None, session: Session) -> None:
    problems = city.call("validate_project", data=data, project=project, session=session)
    if problems:
        raise invalid_input(problems, status=422)


def create_project(
    session: Session,
    city: City,
    data: dict[str, Any],
    actor: Actor,
    lead: Lead | None = None,
) -> Project:
    finding = unit_by_code(session, data["finding_unit"], "finding_unit")
    host = unit_by_code(session, data["host_unit"], "host_unit") if data.get("host_unit") else finding
    ensure_unit(session, actor, [finding.code])
    _check_industry(city, data.get("industry"))
    if lead is None or data.get("intermediary_id") != lead.intermediary_id:
        # Who introduced it is an active entry of the registry (a converted lead keeps its own).
        introducer = check_intermediary(session, data.get("intermediary_id"))
        if introducer:
            raise invalid_input(introducer)
    progress_on = data.get("last_progress_on")
    if progress_on is not None and progress_on > city.clock.today():
        raise invalid_input([FieldProblem("last_progress_on", "date.future",
                                          f"最近进展日期 {progress_on} 晚于今天（{city.clock.today()}）")])
    _validate(city, data, None, session)
    enterprise = upsert_enterprise(session, data["enterprise"], city, actor)
    project = Project(
        name=data["name"],
        enterprise=enterprise,
        industry=data.get("industry"),
        amount=data["amount"],
        finding_unit=finding,
        host_unit=finding,
        intermediary_id=data.get("intermediary_id"),
        lead_id=lead.id if lead else None,
        channel=data.get("channel", "other"),
        agreement_amount=data.get("agreement_amount"),
        leader_name=data.get("leader_name"),
        description=data.get("description"),
        last_progress_on=data.get("last_progress_on"),
        attributes=data.get("attributes") or {},
        out_of_province=out_of_province(city, enterprise),  # None: the province is unknown
        stage=Stage.RESERVE,
        # A new project has none yet: known empty, its event data and the steps that follow
        # (a ledger import's milestones, funds) read them without a select each.
        funds=[], milestones=[], transfers=[],
    )
    # Classified before its row is written (the tiers read its fields, never its id): one
    # INSERT at version 1 with its tiers, not an INSERT and an UPDATE that left the answer's
    # version one behind the stored one.
    classify(city, project)
    session.add(project)
    session.flush()
    record_change(session, project, actor.user, "created", {"name": [None, project.name]})
    record_event(session, city, "project", project.id, "created", project_event_data(project))
    if host.id != finding.id:
        # Part of the creation: plugins hear of one project created at its host, not of a change.
        _move_to_host(session, city, project, {"to_unit": host.code,
                                               "agreed_on": city.clock.today()}, actor)
    city.call("after_project_created", project=project, actor=actor.user, session=session)
    return project


UPDATABLE = ("name", "industry", "amount", "agreement_amount", "leader_name",
             "description", "status", "progress_note", "intermediary_id")


def update_project(
    session: Session, city: City, project: Project, data: dict[str, Any], actor: Actor
) -> Project:
    ensure_may_write(actor, project)
    _check_industry(city, data.get("industry"))
    if "intermediary_id" in data and data["intermediary_id"] != project.intermediary_id:
        # A new introducer is an active entry of the registry; the one it names stays valid.
        introducer = check_intermediary(session, data["intermediary_id"])
        if introducer:
            raise invalid_input(introducer)
    _validate(city, data, project, session)
    missing_before = missing_held_fields(city, project)
    values = {key: data[key] for key in UPDATABLE if key in data}
    if "progress_note" in data or "progress_on" in data:
        values["last_progress_on"] = data.get("progress_on") or city.clock.today()
    changes = apply_changes(project, values)
    if "attributes" in data:
        merged = dict(project.attributes or {})
        for key, value in data["attributes"].items():
            if value is None:
                merged.pop(key, None)
            else:
                merged[key] = value
        changes |= apply_changes(project, {"attributes": merged})
    if not changes:
        return project
    ensure_gates_held(city, project, missing_before)
    classify(city, project)
    session.flush()
    record_change(session, project, actor.user, "updated", changes)
    record_event(session, city, "project", project.id, "updated",
                 project_event_data(project) | {"changed": sorted(changes)})
    refresh_warnings(session, city, "project", project.id)
    city.call("after_project_changed", project=project,
              changes={field: tuple(pair) for field, pair in changes.items()},
              actor=actor.user, session=session)
    return project


def ensure_gates_held(city: City, project: Project, missing_before: dict[str, Stage]) -> None:
    """Refuse (409) a change that empties a field a stage the project entered requires: a field
    required at a stage stays required from then on. Fields already missing are left alone."""
    lost = {path: stage for path, stage in missing_held_fields(city, project).items()
            if path not in missing_before}
    if lost:
        raise refused([Refusal(f"gate.{path}", f"项目已进入“{STAGE_LABELS[stage]}”，"
                                              f"{field_label(city, path)}为该阶段必填项，不能清空")
                       for path, stage in lost.items()], f"项目 {project.id} 不能这样修改")


def transition_refusals(
    session: Session, city: City, project: Project, target: str, actor: Actor
) -> list[Refusal]:
    """Every reason the move to ``target`` is refused; empty when it may go ahead."""
    source = Stage(project.stage)
    target_stage = Stage(target)
    if target_stage not in ALLOWED_MOVES[source]:
        return [Refusal("stage.not_allowed",
                        f"项目不能从“{STAGE_LABELS[source]}”转到“{STAGE_LABELS[target_stage]}”")]
    refusals = [
        Refusal(f"gate.{path}", f"进入“{STAGE_LABELS[target_stage]}”前须填写：{field_label(city, path)}")
        for path in incomplete_fields(city, project, target)
    ]
    refusals += city.call("transition_guard", project=project, target=target,
                          actor=actor.user, session=session)
    return refusals


def transition_date_problems(session: Session, city: City, project: Project, target: str,
                             occurred_on: dt.date, actor: Actor) -> list[FieldProblem]:
    """The move's date: a bounded business date, not before the previous move, and not before
    what the stage's date depends on (``date_bounds``; docs/mechanisms.md, Time in order)."""
    from core.models import StageTransition

    label = f"“{STAGE_LABELS[Stage(target)]}”日期"
    problems = business_date_problems(city, "occurred_on", occurred_on, actor, label)
    # Without an autoflush: a move is flushed where it is added (``transition``), so none can
    # be pending; flushing the history and events pending meanwhile cost a ledger import a
    # flush per move (docs/benchmarks.md, "Importing a 5,000-project ledger").
    with session.no_autoflush:
        previous = session.scalar(
            sa.select(StageTransition).where(StageTransition.project_id == project.id)
            .order_by(StageTransition.id.desc()).limit(1))
    if previous is not None:
        problem = not_before("occurred_on", occurred_on, previous.occurred_on, label=label,
                             other_label=f"进入“{STAGE_LABELS[Stage(previous.to_stage)]}”日期",
                             code="date.before_previous_stage")
        problems += [problem] if problem else []
    if target in STAGE_DATE_FIELD:
        problems += [p for p in bound_problems(city, project, STAGE_DATE_FIELD[Stage(target)],
                                               occurred_on, session, "occurred_on")
                     if p not in problems]
    return problems


def transition(
    session: Session, city: City, project: Project, data: dict[str, Any], actor: Actor
) -> Project:
    ensure_may_write(actor, project)
    source, target = project.stage, data["target"]
    refusals = transition_refusals(session, city, project, target, actor)
    if refusals:
        raise refused(refusals, f"项目 {project.id} 不能转入“{STAGE_LABELS[Stage(target)]}”")
    occurred_on: dt.date = data["occurred_on"]
    problems = transition_date_problems(session, city, project, target, occurred_on, actor)
    if problems:
        raise invalid_input(problems, status=422)
    project.stage = target
    if target in STAGE_DATE_FIELD:
        setattr(project, STAGE_DATE_FIELD[target], occurred_on)
    from core.models import StageTransition

    session.add(StageTransition(project_id=project.id, from_stage=source, to_stage=target,
                                occurred_on=occurred_on, actor=actor.user,
                                reason=data.get("reason")))
    city.call("after_transition", project=project, source=source, target=target,
              actor=actor.user, session=session)
    classify(city, project)
    session.flush()
    record_change(session, project, actor.user, "transition",
                  {"stage": [source, target], "occurred_on": [None, occurred_on]})
    record_event(session, city, "project", project.id, "stage_changed",
                 project_event_data(project) | {"from_stage": source, "to_stage": target,
                                                "occurred_on": occurred_on,
                                                "reason": data.get("reason")})
    refresh_warnings(session, city, "project", project.id)
    city.call("after_project_moved", project=project, from_stage=source, to_stage=target,
              actor=actor.user, session=session)
    return project


def correct_date(
    session: Session, city: City, project: Project, data: dict[str, Any], actor: Actor
) -> Project:
    """更正阶段日期: the office corrects a stage date with a reason, under the same order rules;
    history ``date_corrected``, event ``project.date_corrected``, signal ``date_correction``."""
    ensure_office(actor, "更正项目阶段日期")
    field, on = data["field"], data["date"]
    label = STAGE_DATE_LABELS[field]
    before = getattr(project, field)
    if before is None:
        raise refused([Refusal("date_correction.no_date", f"项目尚无{label}，无从更正")],
                      f"项目 {project.id} 的{label}不能更正")
    if before == on:
        raise invalid_input([FieldProblem("date", "date_correction.unchanged",
                                          f"更正后的{label}与原日期 {before} 相同")])
    setattr(project, field, on)
    problems = record_problems(city, project, session, "date")
    if problems:
        raise invalid_input(problems, status=422)
    session.flush()
    record_change(session, project, actor.user, "date_corrected",
                  {field: [before, on], "reason": [None, data["reason"]]})
    record_event(session, city, "project", project.id, "date_corrected",
                 project_event_data(project) | {"correction": {
                     "field": field, "before": before, "after": on, "reason": data["reason"]}})
    refresh_warnings(session, city, "project", project.id)
    city.call("after_project_changed", project=project, changes={field: (before, on)},
              actor=actor.user, session=session)
    return project


def claim_project(project: Project) -> None:
    """Bump the project's version for a change to its child rows (funds, milestones).

    The event written with the change carries the project's whole state; two such changes
    committed at once would each publish a state without the other's row, and the province
    keeps the newest state. The version check makes the later writer fail (409, retry) instead.
    """
    project.updated_at = utcnow()


def _fund_problems(session: Session, city: City, project: Project,
                   data: dict[str, Any]) -> list[FieldProblem]:
    """What makes a reported tranche unacceptable, field by field (docs/mechanisms.md, Funds)."""
    problems = []
    today = city.clock.today()
    if data["arrived_on"] > today:
        problems.append(FieldProblem("arrived_on", "funds.in_future",
                                     f"到位日期不能晚于今天（{today}）"))
    elif data["arrived_on"] < project.signed_on:  # type: ignore[operator]
        problems.append(FieldProblem("arrived_on", "funds.before_signing",
                                     f"到位日期不能早于签约日期 {project.signed_on}"))
    not_evidence = evidence_problem(data["evidence_ref"])
    if not_evidence is not None:
        problems.append(FieldProblem("evidence_ref", "funds.evidence_placeholder", not_evidence))
    else:
        with session.no_autoflush:  # a tranche is flushed where it is added (``add_funds``)
            holder = session.execute(
                sa.select(FundTranche.id, Project.id, Project.name)
                .join(Project, FundTranche.project_id == Project.id)
                .where(FundTranche.evidence_key == evidence_key(data["evidence_ref"]))).first()
        if holder is not None:
            problems.append(FieldProblem(
                "evidence_ref", "funds.evidence_used",
                f"凭证编号“{data['evidence_ref'].strip()}”已用于项目“{holder[2]}”"
                f"（项目编号 {holder[1]}）的到位资金，同一凭证不能重复填报"))
    return problems


def add_funds(
    session: Session, city: City, project: Project, data: dict[str, Any], actor: Actor
) -> FundTranche:
    ensure_may_write(actor, project)
    if project.signed_on is None:
        raise refused([Refusal("funds.not_signed", "项目尚未签约，不能填报到位资金")])
    problems = _fund_problems(session, city, project, data)
    if problems:
        raise invalid_input(problems)
    # Over the agreement: the project's arrived total (verified + pending) with this tranche.
    base = project.agreement_amount or project.amount
    total = project.arrived_amount + project.arrived_pending_amount + data["amount"]
    ratio = over_agreement_ratio(total, base)
    limit: Decimal = city.policy["funds_over_agreement_ratio"]
    over = bool(base) and total > base * limit
    tranche = FundTranche(project_id=project.id, arrived_on=data["arrived_on"],
                          amount=data["amount"], evidence_ref=data["evidence_ref"].strip(),
                          evidence_key=evidence_key(data["evidence_ref"]),
                          payer_name=data["payer_name"],
                          payer_credit_code=data.get("payer_credit_code"),
                          over_agreement=over, over_agreement_ratio=ratio if over else None,
                          reported_by=actor.user, reported_at=utcnow())
    session.add(tranche)
    # Into the collection read above (``arrived_amount``), in its order (by date), instead of
    # reading it again: the version claimed below refuses a concurrent writer's tranche anyway.
    project.funds.append(tranche)
    project.funds.sort(key=lambda held: held.arrived_on)
    claim_project(project)
    session.flush()
    record_change(session, project, actor.user, "funds",
                  {"arrived": [None, data["amount"]], "evidence_ref": [None, tranche.evidence_ref],
                   "payer_name": [None, tranche.payer_name]}
                  | ({"over_agreement": [None, str(ratio)]} if over else {}))
    record_event(session, city, "project", project.id, "funds_reported",
                 project_event_data(project) | {"tranche": tranche_event_data(tranche)})
    refresh_warnings(session, city, "project", project.id)
    return tranche


def tranche_event_data(tranche: FundTranche) -> dict[str, Any]:
    """A tranche as its events carry it (core.event_catalogue, ``funds_reported``)."""
    return {"id": tranche.id, "arrived_on": tranche.arrived_on, "amount": tranche.amount,
            "evidence_ref": tranche.evidence_ref, "payer_name": tranche.payer_name,
            "payer_credit_code": tranche.payer_credit_code,
            "over_agreement": tranche.over_agreement,
            "over_agreement_ratio": tranche.over_agreement_ratio}


def verify_funds(
    session: Session, city: City, tranche: FundTranche, data: dict[str, Any], actor: Actor
) -> FundTranche:
    """The office verifies or rejects a tranche; the time and officer are the server's.

    A tranche reported over the agreement is verified only with ``confirm_over_agreement``
    and a reason (refused otherwise, naming the percentage).
    """
    ensure_office(actor, "核实到位资金")
    reason = (data.get("reason") or "").strip() or None
    confirmed = bool(data.get("confirm_over_agreement"))
    if data["verification"] == "verified" and tranche.over_agreement:
        limit: Decimal = city.policy["funds_over_agreement_ratio"]
        if not confirmed:
            raise refused([Refusal(
                "funds.over_agreement",
                f"该笔资金填报后项目累计到位资金达协议投资额的 "
                f"{percent(tranche.over_agreement_ratio or Decimal(0))}，超过本市规定的 "
                f"{percent(limit)}；确需认定的，请勾选“确认超出协议”并说明理由")])
        if reason is None:
            raise invalid_input([FieldProblem("reason", "funds.over_agreement_reason",
                                              "确认超出协议投资额的到位资金，须说明理由")])
    before = tranche.verification
    tranche.verification = data["verification"]
    tranche.verified_by = actor.user
    tranche.verified_at = utcnow()
    tranche.verification_reason = reason
    tranche.over_agreement_confirmed = (tranche.over_agreement and confirmed
                                        and tranche.verification == "verified")
    project = tranche.project
    claim_project(project)
    session.flush()
    session.refresh(project, ["funds"])
    record_change(session, project, actor.user, "funds_verified",
                  {"tranche": [tranche.id, tranche.verification],
                   "verification": [before, tranche.verification]}
                  | ({"reason": [None, reason]} if reason else {})
                  | ({"over_agreement_confirmed": [False, True]}
                     if tranche.over_agreement_confirmed else {}))
    record_event(session, city, "project", project.id, "funds_verified",
                 project_event_data(project) | {"tranche_id": tranche.id,
                                                "verification": tranche.verification,
                                                "reason": reason,
                                                "over_agreement_confirmed":
                                                    tranche.over_agreement_confirmed})
    refresh_warnings(session, city, "project", project.id)
    return tranche


def set_milestone(
    session: Session, city: City, project: Project, data: dict[str, Any], actor: Actor
) -> Milestone:
    ensure_may_write(actor, project)
    # The agreed date is set once; moving it is a re-plan (core.services.milestones).
    check_milestone(city, project, data)
    milestone = project.milestone(data["kind"])
    if milestone is None:
        milestone = Milestone(project_id=project.id, kind=data["kind"],
                              planned_on=data["planned_on"], original_planned_on=data["planned_on"],
                              actual_on=data.get("actual_on"), replans=[])
        session.add(milestone)
        # Into the collection ``project.milestone`` read, instead of reading it again (two
        # selects per milestone of a ledger import); the claimed version guards concurrency.
        project.milestones.append(milestone)
        changes = {data["kind"]: [None, [data["planned_on"], data.get("actual_on")]]}
    else:
        before = [milestone.planned_on, milestone.actual_on]
        milestone.actual_on = data.get("actual_on")
        changes = {data["kind"]: [before, [milestone.planned_on, milestone.actual_on]]}
    claim_project(project)
    session.flush()
    record_change(session, project, actor.user, "milestone", changes)
    record_event(session, city, "project", project.id, "milestone_set",
                 project_event_data(project) | {"milestone": {
                     "kind": milestone.kind, "planned_on": milestone.planned_on,
                     "actual_on": milestone.actual_on}})
    refresh_warnings(session, city, "project", project.id)
    return milestone


def _negotiated_share(data: dict[str, Any], key: str) -> Decimal | None:
    ratio = data.get(key)
    if ratio is None:
        return None
    try:
        return ratio_share(ratio)
    except ValueError:
        raise invalid_input([FieldProblem(key, "ratio.format", "比例格式应为 m:n，例如 3:7")]) from None


def transfer_project(
    session: Session, city: City, project: Project, data: dict[str, Any], actor: Actor
) -> Transfer:
    """Move a project to the unit where it lands; figures split, never double."""
    before = project.host_unit.code
    transfer = _move_to_host(session, city, project, data, actor)
    city.call("after_project_changed", project=project,
              changes={"host_unit": (before, transfer.to_unit.code)}, actor=actor.user,
              session=session)
    return transfer


def _move_to_host(
    session: Session, city: City, project: Project, data: dict[str, Any], actor: Actor
) -> Transfer:
    """The transfer itself, its history and event (``transfer_project`` without the hook)."""
    to_unit: Unit = unit_by_code(session, data["to_unit"], "to_unit")
    if to_unit.id == project.host_unit_id:
        raise invalid_input([FieldProblem("to_unit", "transfer.same_unit", "落户单位与当前单位相同")])
    from_unit = project.finding_unit
    sharing: TransferSharing = city.hook.transfer_sharing(
        city=city, project=project, from_unit=from_unit, to_unit=to_unit)
    indicator = _negotiated_share(data, "indicator_ratio")
    tax = _negotiated_share(data, "tax_ratio")
    if (indicator is not None or tax is not None) and not city.policy["transfer_negotiable"]:
        raise invalid_input([FieldProblem("indicator_ratio", "transfer.not_negotiable",
                                          "本市流转分成比例不可协商，请按规定比例执行")])
    transfer = Transfer(
        project_id=project.id, from_unit=from_unit, to_unit=to_unit,
        indicator_share_from=indicator if indicator is not None else sharing.indicator_share_from,
        tax_share_from=tax if tax is not None else sharing.tax_share_from,
        indicator_sharing_from=sharing.indicator_sharing_from,
        tax_sharing_from=sharing.tax_sharing_from,
        agreed_on=data["agreed_on"], reason=data.get("reason"), actor=actor.user,
    )
    session.add(transfer)
    before = project.host_unit.code
    project.host_unit = to_unit
    # Tiers may depend on where the project lands (a park's positioning, a county's list).
    classify(city, project)
    session.flush()
    session.refresh(project, ["transfers"])
    record_change(session, project, actor.user, "transfer", {"host_unit": [before, to_unit.code]})
    record_event(session, city, "project", project.id, "transferred",
                 project_event_data(project) | {"transfer": {
                     "from_unit": from_unit.code, "to_unit": to_unit.code,
                     "indicator_share_from": transfer.indicator_share_from,
                     "tax_share_from": transfer.tax_share_from,
                     "indicator_sharing_from": transfer.indicator_sharing_from,
                     "tax_sharing_from": transfer.tax_sharing_from}})
    return transfer
