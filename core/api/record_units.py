"""Which units a record belongs to: what a unit-scoped rule (``OWN_UNIT``) checks a clerk against.

Each resolver reads the request and answers the unit codes. A record named in the path that does
not exist is a 404 at once (nobody learns more by being refused); a record named in the body
that is missing or unknown answers ``None``, and the view's validation says what is wrong.
A resolver that reads record ids from the body names them in ``record_fields`` (shown in
``x-permission``, used by the permission matrix).
"""

from __future__ import annotations

from typing import Any

from core.api.registry import RecordRef
from core.models import (
    AssessmentObjection,
    AssessmentRun,
    Enterprise,
    FundTranche,
    Intermediary,
    Lead,
    Project,
    Reward,
)
from core.models.evaluations import Evaluation
from core.models.matters import Matter, MatterCondition, WorkOrder
from core.permissions import AccessRequest
from core.problems import not_found
from core.services.lookups import is_record_id

# The versioned records the core's paths name (``operation(..., record=…)``: ETag, If-Match).
PROJECT = RecordRef(Project, "project_id", "project")
FUND = RecordRef(FundTranche, "fund_id", "fund")
LEAD = RecordRef(Lead, "lead_id", "lead")
MATTER = RecordRef(Matter, "matter_id", "matter")
WORK_ORDER = RecordRef(WorkOrder, "order_id", "work-order")
CONDITION = RecordRef(MatterCondition, "condition_id", "condition")
EVALUATION = RecordRef(Evaluation, "evaluation_id", "evaluation")
ASSESSMENT_RUN = RecordRef(AssessmentRun, "run_id", "assessment-run")
OBJECTION = RecordRef(AssessmentObjection, "objection_id", "objection")
ENTERPRISE = RecordRef(Enterprise, "enterprise_id", "enterprise")
REWARD = RecordRef(Reward, "reward_id", "reward")
INTERMEDIARY = RecordRef(Intermediary, "intermediary_id", "intermediary")


def path_record(request: AccessRequest, model: type, key: str, label: str) -> Any:
    """The record the path names by ``key``; 404 when there is none."""
    ident = request.view_args.get(key)
    record = request.session.get(model, ident) if is_record_id(ident) else None
    if record is None:
        raise not_found(label, request.view_args.get(key))
    return record


def project_units(request: AccessRequest) -> list[str] | None:
    """项目的招商单位和落户单位"""
    if "project_id" in request.view_args:
        project = path_record(request, Project, "project_id", "项目")
    else:
        project_id = request.body.get("project_id")
        if not is_record_id(project_id):
            return None
        project = request.session.get(Project, project_id)
        if project is None:
            return None
    return [project.finding_unit.code, project.host_unit.code]


project_units.record_fields = ("project_id",)  # type: ignore[attr-defined]


def project_host_unit(request: AccessRequest) -> list[str]:
    """项目的落户单位"""
    return [path_record(request, Project, "project_id", "项目").host_unit.code]


def matter_owner(request: AccessRequest) -> list[str]:
    """协调事项的首问负责单位"""
    return [path_record(request, Matter, "matter_id", "协调事项").owner_unit_code]


def work_order_unit(request: AccessRequest) -> list[str]:
    """派单的承办单位"""
    return [path_record(request, WorkOrder, "order_id", "派单").unit_code]


def evaluation_units(request: AccessRequest) -> list[str]:
    """县级评估：项目的招商单位和落户单位（市级评估、投资方评估由市里办理）"""
    evaluation = path_record(request, Evaluation, "evaluation_id", "评估")
    if evaluation.level != "county" or not evaluation.project_id:
        return []
    project = request.session.get(Project, evaluation.project_id)
    return [project.finding_unit.code, project.host_unit.code] if project is not None else []
