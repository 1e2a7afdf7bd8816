"""Projects: create, update, move through the lifecycle, funds, milestones, transfers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session, object_session

from core.clock import utcnow
from core.config import ratio_share
from core.events import record_event
from core.gates import field_label, incomplete_fields
from core.identity import Actor
from core.lifecycle import ALLOWED_MOVES, STAGE_DATE_FIELD, STAGE_LABELS, Stage
from core.models import FundTranche, Lead, Milestone, Project, Transfer, Unit
from core.policy import FieldProblem, Refusal, TransferSharing
from core.problems import invalid_input, refused
from core.services.enterprises import upsert_enterprise
from core.services.history import apply_changes, record_change
from core.services.lookups import unit_by_code
from core.services.office import ensure_office, ensure_unit
from core.services.warnings import refresh as refresh_warnings

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
        "arrived_amount": project.arrived_amount,
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
    _validate(city, data, None, session)
    enterprise = upsert_enterprise(session, data["enterprise"])
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
        attributes=data.get("attributes") or {},
        out_of_province=bool(enterprise.origin_province)
        and enterprise.origin_province != city.province,
        stage=Stage.RESERVE,
    )
    session.add(project)
    session.flush()
    classify(city, project)
    record_change(session, project, actor.user, "created", {"name": [None, project.name]})
    record_event(session, city, "project", project.id, "created", project_event_data(project))
    if host.id != finding.id:
        transfer_project(session, city, project, {"to_unit": host.code,
                                                  "agreed_on": city.clock.today()}, actor)
    return project


UPDATABLE = ("name", "industry", "amount", "agreement_amount", "leader_name",
             "description", "status", "progress_note")


def update_project(
    session: Session, city: City, project: Project, data: dict[str, Any], actor: Actor
) -> Project:
    ensure_may_write(actor, project)
    _check_industry(city, data.get("industry"))
    _validate(city, data, project, session)
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
    classify(city, project)
    session.flush()
    record_change(session, project, actor.user, "updated", changes)
    record_event(session, city, "project", project.id, "updated",
                 project_event_data(project) | {"changed": sorted(changes)})
    refresh_warnings(session, city, "project", project.id)
    return project


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


def transition(
    session: Session, city: City, project: Project, data: dict[str, Any], actor: Actor
) -> Project:
    ensure_may_write(actor, project)
    source, target = project.stage, data["target"]
    refusals = transition_refusals(session, city, project, target, actor)
    if refusals:
        raise refused(refusals, f"项目 {project.id} 不能转入“{STAGE_LABELS[Stage(target)]}”")
    occurred_on: dt.date = data["occurred_on"]
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
    return project


def claim_project(project: Project) -> None:
    """Bump the project's version for a change to its child rows (funds, milestones).

    The event written with the change carries the project's whole state; two such changes
    committed at once would each publish a state without the other's row, and the province
    keeps the newest state. The version check makes the later writer fail (409, retry) instead.
    """
    project.updated_at = utcnow()


def add_funds(
    session: Session, city: City, project: Project, data: dict[str, Any], actor: Actor
) -> FundTranche:
    ensure_may_write(actor, project)
    if project.signed_on is None:
        raise refused([Refusal("funds.not_signed", "项目尚未签约，不能填报到位资金")])
    if data["arrived_on"] < project.signed_on:
        raise invalid_input([FieldProblem("arrived_on", "funds.before_signing",
                                          f"到位日期不能早于签约日期 {project.signed_on}")])
    tranche = FundTranche(project_id=project.id, arrived_on=data["arrived_on"],
                          amount=data["amount"], evidence_ref=data["evidence_ref"],
                          reported_by=actor.user)
    session.add(tranche)
    claim_project(project)
    session.flush()
    session.refresh(project, ["funds"])
    record_change(session, project, actor.user, "funds",
                  {"arrived": [None, data["amount"]], "evidence_ref": [None, data["evidence_ref"]]})
    record_event(session, city, "project", project.id, "funds_reported",
                 project_event_data(project) | {"tranche": {
                     "id": tranche.id, "arrived_on": tranche.arrived_on, "amount": tranche.amount,
                     "evidence_ref": tranche.evidence_ref}})
    refresh_warnings(session, city, "project", project.id)
    return tranche


def verify_funds(
    session: Session, city: City, tranche: FundTranche, data: dict[str, Any], actor: Actor
) -> FundTranche:
    ensure_office(actor, "核实到位资金")
    tranche.verification = data["verification"]
    tranche.verified_by = actor.user
    tranche.verified_at = utcnow()
    project = tranche.project
    claim_project(project)
    session.flush()
    session.refresh(project, ["funds"])
    record_change(session, project, actor.user, "funds_verified",
                  {"tranche": [tranche.id, tranche.verification]})
    record_event(session, city, "project", project.id, "funds_verified",
                 project_event_data(project) | {"tranche_id": tranche.id,
                                                "verification": tranche.verification})
    refresh_warnings(session, city, "project", project.id)
    return tranche


def set_milestone(
    session: Session, city: City, project: Project, data: dict[str, Any], actor: Actor
) -> Milestone:
    ensure_may_write(actor, project)
    milestone = project.milestone(data["kind"])
    if milestone is None:
        milestone = Milestone(project_id=project.id, kind=data["kind"],
                              planned_on=data["planned_on"], actual_on=data.get("actual_on"))
        session.add(milestone)
        changes = {data["kind"]: [None, [data["planned_on"], data.get("actual_on")]]}
    else:
        before = [milestone.planned_on, milestone.actual_on]
        milestone.planned_on = data["planned_on"]
        milestone.actual_on = data.get("actual_on")
        changes = {data["kind"]: [before, [milestone.planned_on, milestone.actual_on]]}
    claim_project(project)
    session.flush()
    session.refresh(project, ["milestones"])
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
