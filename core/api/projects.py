"""``/api/v1/projects``: projects and their transitions, funds, milestones, transfers, history."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint, jsonify
from sqlalchemy.orm import lazyload, selectinload

from core import search
from core.api import project_filters, project_rows
from core.api.record_units import FUND, PROJECT, project_units
from core.api.registry import operation
from core.api.support import (
    city,
    current_actor,
    dumper,
    load_body,
    load_query,
    page_window,
    respond,
    transaction,
)
from core.gates import field_labels, incomplete_fields, tier_labels
from core.lifecycle import next_stage
from core.models import (
    Enterprise,
    FundTranche,
    Milestone,
    MilestoneReplan,
    Project,
    ProjectChange,
    StageTransition,
    Transfer,
)
from core.permissions import OFFICE, OWN_UNIT, READER, body_units
from core.schemas.projects import (
    ChangeSchema,
    DateCorrectionCreate,
    FundCreate,
    FundSchema,
    FundVerify,
    MilestoneInput,
    MilestoneSchema,
    ProjectCreate,
    ProjectQuery,
    ProjectSchema,
    ProjectUpdate,
    ReplanCreate,
    ReplanDecision,
    ReplanSchema,
    TransferCreate,
    TransferSchema,
    TransitionCreate,
    TransitionSchema,
)
from core.schemas.transition_check import TransitionCheckQuery, TransitionCheckSchema
from core.services import milestones as milestone_service
from core.services import projects as project_service
from core.services.lookups import child_or_404, get_or_404
from core.transition_check import check_transitions

blueprint = Blueprint("projects", __name__)

# What ProjectSchema dumps beyond a record and its joined enterprise and units, for loading
# records to dump (the list itself reads rows: core.api.project_rows): every project's funds
# (the arrived totals) and milestones, one statement each rather than two per project. The
# milestones' re-plans are not dumped, so they load only if read.
PROJECT_LOADS = (selectinload(Project.funds),
                 selectinload(Project.milestones).options(lazyload(Milestone.replans)))


def project_body(project: Project) -> dict[str, Any]:
    """The project with what its next stage still needs (the gates' one source of truth)."""
    body = dumper(ProjectSchema).dump(project)
    upcoming = next_stage(project.stage)
    body["next_stage"] = upcoming.value if upcoming else None
    missing = incomplete_fields(city(), project)
    labels = field_labels(city())
    body["incomplete_fields"] = missing
    body["checklist"] = [{"field": path, "label": labels.get(path, path)} for path in missing]
    names = tier_labels(city())
    body["tier_names"] = [names.get(tier, tier) for tier in body.get("tiers") or []]
    return body


@operation(blueprint, "/projects", "POST", summary="登记项目", body=ProjectCreate,
           response=ProjectSchema, status=201, errors=(400, 403, 422),
           who=OWN_UNIT.of(body_units("finding_unit")))
def create_project():
    data = load_body(ProjectCreate)
    with transaction() as session:
        project = project_service.create_project(session, city(), data, current_actor())
        return jsonify(project_body(project)), 201

@operation(blueprint, "/projects", summary="项目列表", query=ProjectQuery, response=ProjectSchema,
           many=True, who=READER)
def list_projects():
    params = load_query(ProjectQuery)
    values = project_filters.filter_values(params)
    names, sort = frozenset(values), params.get("sort")
    with transaction() as session:
        if params.get("q"):
            # A search's matches and ranking depend on its words: its statements are built
            # for this request (the filters' part as every other list's).
            text = params["q"]
            counted = project_filters.filtered(names).where(sa.or_(
                Project.id.in_(search.matching_ids(session, search.PROJECTS, text)),
                Project.enterprise_id.in_(search.matching_ids(session, search.ENTERPRISES,
                                                              text))))
            page = project_filters.page_statement(counted)
            if not sort:  # a sort asked for wins over the ranking
                page = page.order_by(search.rank(text, (Project.name, Enterprise.name),
                                                 (Enterprise.credit_code,)),
                                     Project.updated_at.desc(), Project.id.desc())
            count, page = project_filters.total_statement(counted), project_filters.paged(
                page, sort)
        else:  # built once per process for these filters and this sort
            count, page = project_filters.list_statements(names, sort)
        # A number, then rows (not ORM records, core.api.project_rows): through the session's
        # connection, without the ORM's execution layer.
        total = session.connection().scalar(count, values)
        page_number, per_page = page_window(total, params)
        items = project_rows.page_items(session, page, values | {
            project_filters.LIMIT: per_page,
            project_filters.OFFSET: (page_number - 1) * per_page})
        return jsonify({"items": items, "total": total, "page": page_number,
                        "per_page": per_page})


@operation(blueprint, "/projects/<int:project_id>", summary="项目详情（含下一阶段待补字段）",
           response=ProjectSchema, errors=(404,), record=PROJECT,
           who=READER)
def get_project(project_id: int):
    with transaction() as session:
        # Held until the transaction ends: the ETag reads it from the session's identity map,
        # which keeps no row nobody references (it would be selected again).
        project = get_or_404(session, Project, project_id)
        return jsonify(project_body(project))


@operation(blueprint, "/projects/<int:project_id>", "PATCH", summary="修改项目或填报进展",
           body=ProjectUpdate, response=ProjectSchema, errors=(400, 403, 404, 422),
           record=PROJECT,
           who=OWN_UNIT.of(project_units))
def update_project(project_id: int):
    data = load_body(ProjectUpdate)
    with transaction() as session:
        project = get_or_404(session, Project, project_id)
        project_service.update_project(session, city(), project, data, current_actor())
        return jsonify(project_body(project))


@operation(blueprint, "/projects/<int:project_id>/transitions", "POST", summary="项目阶段流转",
           body=TransitionCreate, response=ProjectSchema, errors=(400, 403, 404, 409),
           record=PROJECT,
           who=OWN_UNIT.of(project_units))
def transition_project(project_id: int):
    """Moves the project; 409 lists every reason when the city's rules refuse the move."""
    data = load_body(TransitionCreate)
    with transaction() as session:
        project = get_or_404(session, Project, project_id)
        project_service.transition(session, city(), project, data, current_actor())
        return jsonify(project_body(project))


@operation(blueprint, "/projects/<int:project_id>/transitions/check",
           summary="阶段流转预检（列出全部不满足事项及登记之处，不作流转）",
           query=TransitionCheckQuery, response=TransitionCheckSchema, errors=(400, 404),
           who=READER)
def check_transition(project_id: int):
    """A dry-run of the move: every refusal the move would meet now, none written."""
    from core.api.web_pages import city_web_pages

    params = load_query(TransitionCheckQuery)
    with transaction() as session:
        project = get_or_404(session, Project, project_id)
        answer = check_transitions(session, city(), project, current_actor(), params["on"],
                                   city_web_pages(city()), params.get("to"))
        return jsonify(TransitionCheckSchema().dump(answer))


@operation(blueprint, "/projects/<int:project_id>/date-corrections", "POST",
           summary="更正阶段日期（市招商主管部门，须说明原因）", body=DateCorrectionCreate,
           response=ProjectSchema, errors=(400, 403, 404, 409, 422), record=PROJECT, who=OFFICE)
def correct_project_date(project_id: int):
    """An audited correction of a stage date, checked against the same order rules."""
    data = load_body(DateCorrectionCreate)
    with transaction() as session:
        project = get_or_404(session, Project, project_id)
        project_service.correct_date(session, city(), project, data, current_actor())
        return jsonify(project_body(project))


@operation(blueprint, "/projects/<int:project_id>/transitions", summary="阶段流转记录",
           response=TransitionSchema, many=True, errors=(404,), who=READER)
def list_transitions(project_id: int):
    with transaction() as session:
        get_or_404(session, Project, project_id)
        rows = session.scalars(sa.select(StageTransition).where(
            StageTransition.project_id == project_id).order_by(StageTransition.id)).all()
        return jsonify(TransitionSchema(many=True).dump(rows))


@operation(blueprint, "/projects/<int:project_id>/funds", "POST", summary="填报到位资金",
           body=FundCreate, response=FundSchema, status=201, errors=(400, 403, 404, 409),
           record=PROJECT,
           who=OWN_UNIT.of(project_units))
def add_funds(project_id: int):
    data = load_body(FundCreate)
    with transaction() as session:
        project = get_or_404(session, Project, project_id)
        tranche = project_service.add_funds(session, city(), project, data, current_actor())
        return respond(FundSchema, tranche, 201)


@operation(blueprint, "/projects/<int:project_id>/funds", summary="到位资金台账",
           response=FundSchema, many=True, errors=(404,), who=READER)
def list_funds(project_id: int):
    with transaction() as session:
        return jsonify(FundSchema(many=True).dump(get_or_404(session, Project, project_id).funds))


@operation(blueprint, "/projects/<int:project_id>/funds/<int:fund_id>/verification", "POST",
           summary="核实到位资金", body=FundVerify, response=FundSchema, errors=(400, 403, 404, 409),
           record=FUND,
           who=OFFICE)
def verify_funds(project_id: int, fund_id: int):
    data = load_body(FundVerify)
    with transaction() as session:
        tranche = child_or_404(session, FundTranche, fund_id, project_id)
        return respond(FundSchema, project_service.verify_funds(session, city(), tranche, data,
                                                                current_actor()))


@operation(blueprint, "/projects/<int:project_id>/milestones", "PUT",
           summary="设置节点（计划与实际日期）", body=MilestoneInput, response=MilestoneSchema,
           errors=(400, 403, 404), record=PROJECT,
           who=OWN_UNIT.of(project_units))
def set_milestone(project_id: int):
    data = load_body(MilestoneInput)
    with transaction() as session:
        project = get_or_404(session, Project, project_id)
        return respond(MilestoneSchema,
                       project_service.set_milestone(session, city(), project, data,
                                                     current_actor()))


@operation(blueprint, "/projects/<int:project_id>/milestones", summary="项目节点",
           response=MilestoneSchema, many=True, errors=(404,), who=READER)
def list_milestones(project_id: int):
    with transaction() as session:
        project = get_or_404(session, Project, project_id)
        return jsonify(MilestoneSchema(many=True).dump(project.milestones))


@operation(blueprint, "/projects/<int:project_id>/milestones/<kind>/replans", "POST",
           summary="申请节点调整（改期，须说明理由）", body=ReplanCreate, response=ReplanSchema,
           status=201, errors=(400, 403, 404, 409), record=PROJECT,
           who=OWN_UNIT.of(project_units))
def request_replan(project_id: int, kind: str):
    """The agreed date moves only when the office approves; until then nothing changes."""
    data = load_body(ReplanCreate)
    with transaction() as session:
        project = get_or_404(session, Project, project_id)
        replan = milestone_service.request_replan(session, city(), project, kind, data,
                                                  current_actor())
        return respond(ReplanSchema, replan, 201)


@operation(blueprint, "/projects/<int:project_id>/milestone-replans", summary="节点调整申请及审批记录",
           response=ReplanSchema, many=True, errors=(404,), who=READER)
def list_replans(project_id: int):
    with transaction() as session:
        get_or_404(session, Project, project_id)
        rows = session.scalars(sa.select(MilestoneReplan).where(
            MilestoneReplan.project_id == project_id).order_by(MilestoneReplan.id)).all()
        return jsonify(ReplanSchema(many=True).dump(rows))


@operation(blueprint, "/projects/<int:project_id>/milestone-replans/<int:replan_id>/decision", "POST",
           summary="审批节点调整（批准后约定日期才变更）", body=ReplanDecision, response=ReplanSchema,
           errors=(400, 403, 404, 409), record=PROJECT, who=OFFICE)
def decide_replan(project_id: int, replan_id: int):
    data = load_body(ReplanDecision)
    with transaction() as session:
        project = get_or_404(session, Project, project_id)
        replan = child_or_404(session, MilestoneReplan, replan_id, project_id)
        return respond(ReplanSchema, milestone_service.decide_replan(
            session, city(), project, replan, data, current_actor()))


@operation(blueprint, "/projects/<int:project_id>/transfers", "POST", summary="项目流转（异地落户）",
           body=TransferCreate, response=TransferSchema, status=201, errors=(400, 403, 404),
           record=PROJECT,
           who=OWN_UNIT.of(project_units))
def transfer_project(project_id: int):
    data = load_body(TransferCreate)
    with transaction() as session:
        project = get_or_404(session, Project, project_id)
        project_service.ensure_may_write(current_actor(), project)
        transfer = project_service.transfer_project(session, city(), project, data,
                                                    current_actor())
        return respond(TransferSchema, transfer, 201)


@operation(blueprint, "/projects/<int:project_id>/transfers", summary="项目流转记录",
           response=TransferSchema, many=True, errors=(404,), who=READER)
def list_transfers(project_id: int):
    with transaction() as session:
        get_or_404(session, Project, project_id)
        rows = session.scalars(sa.select(Transfer).where(Transfer.project_id == project_id)
                               .order_by(Transfer.id)).all()
        return jsonify(TransferSchema(many=True).dump(rows))


@operation(blueprint, "/projects/<int:project_id>/history", summary="项目变更历史",
           response=ChangeSchema, many=True, errors=(404,), who=READER)
def project_history(project_id: int):
    with transaction() as session:
        get_or_404(session, Project, project_id)
        rows = session.scalars(sa.select(ProjectChange).where(
            ProjectChange.project_id == project_id).order_by(ProjectChange.id)).all()
        return jsonify(ChangeSchema(many=True).dump(rows))
