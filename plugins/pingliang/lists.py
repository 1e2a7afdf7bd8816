"""四张清单 the four lists (Seed 压实责任链条, POLICIES.md § pingliang 2).

> 制定招商引资方案和投资机会、目标企业、重点招商引资项目、定制化政策支持“四张清单”，谋划储备132个……招商项目

Each list is a table of its own, kept through the same five operations (list, add, read,
change, remove) and exported to ``.xlsx`` under Chinese headings (report ``pingliang_<list>``).
A :class:`ListSpec` says what differs: the table, how an input becomes columns (checked against
the city's units, industries and projects), who may write it, and how a row is shown. Every
add, change and removal writes a ``pingliang_list_item`` event; a change to the key list
refreshes that project's red/yellow/blue warnings at once.

Who keeps what: a county or department keeps its own opportunities and target enterprises
(a clerk writes only their unit's rows); the key list and the customised policies are the
city's (the office). The operations declare it (``access.list_rules``) and the city service
enforces it before these functions run; a change is checked once more here, so that a clerk
cannot hand their row over to another unit either.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from core.toolkit import (
    STAGE_LABELS,
    EarlyWarning,
    FieldProblem,
    Problem,
    Project,
    Unit,
    invalid_input,
    may_write_unit,
    record_event,
    refresh_warnings,
    unit_by_code,
)
from plugins.pingliang.models import (
    OPPORTUNITY_STATUSES,
    SUPPORT_KINDS,
    SUPPORT_STATUSES,
    TARGET_STATUSES,
    ListedProject,
    Opportunity,
    PolicySupport,
    TargetEnterprise,
)
from plugins.pingliang.schemas import (
    ListedProjectInput,
    ListedProjectSchema,
    OpportunityInput,
    OpportunitySchema,
    PolicySupportInput,
    PolicySupportSchema,
    TargetEnterpriseInput,
    TargetEnterpriseSchema,
)
from plugins.pingliang.task_forces import industry_problems, task_force_covering, task_force_of

WARNING_LABELS = {"red": "红色预警", "yellow": "黄色预警", "blue": "蓝色预警", "overdue": "超期"}
SEVERITY = ("red", "overdue", "yellow", "blue")


@dataclass(frozen=True)
class ListSpec:
    """One of the four lists: its table, input, output and what it takes to write it."""

    code: str  # report and event name: opportunities, target_enterprises …
    path: str  # under /api/v1/pingliang/
    name: str  # 投资机会清单 …
    model: type
    input_schema: type
    item_schema: type
    columns: tuple[tuple[str, str], ...]
    # (session, city, data, row or None) -> column values; raises 400 on bad references
    prepare: Callable[[Any, Any, dict[str, Any], Any], dict[str, Any]]
    # (city, row, context) -> the row as shown (dict with every item_schema key)
    show: Callable[[Any, Any, dict[str, Any]], dict[str, Any]]
    owner_unit: Callable[[Any], str]  # the unit code whose clerk may write the row
    office_only: bool = False
    filters: Callable[[sa.Select, dict[str, Any]], sa.Select] | None = None


def _project(session: Any, project_id: int | None, field: str = "project_id") -> Project | None:
    if project_id is None:
        return None
    project = session.get(Project, project_id)
    if project is None:
        raise invalid_input([FieldProblem(field, "project.unknown", f"项目 {project_id} 不存在")])
    return project


def _checked(city: Any, data: dict[str, Any]) -> None:
    problems = industry_problems(city, data.get("industry"))
    if problems:
        raise invalid_input(problems)


def _industry_columns(city: Any, industry: str | None) -> dict[str, Any]:
    # Codes for filtering and matching, names for people (the page and the workbook).
    force = task_force_covering(city, industry)
    return {"industry": industry,
            "industry_name": city.industries.get(industry, {}).get("name") if industry else None,
            "task_force": force["code"] if force else None,
            "task_force_name": force["name"] if force else None}


# -- 投资机会 ------------------------------------------------------------------------


def _prepare_opportunity(session: Any, city: Any, data: dict[str, Any], row: Any
                         ) -> dict[str, Any]:
    _checked(city, data)
    values = {key: value for key, value in data.items() if key != "unit"}
    if "unit" in data:
        values["unit_id"] = unit_by_code(session, data["unit"], "unit").id
    if data.get("project_id") is not None:
        _project(session, data["project_id"])
    return values


def _show_opportunity(city: Any, row: Opportunity, context: dict[str, Any]) -> dict[str, Any]:
    return {"id": row.id, "name": row.name, **_industry_columns(city, row.industry),
            "unit": row.unit.code, "unit_name": row.unit.name, "location": row.location,
            "amount": row.amount, "description": row.description, "status": row.status,
            "status_label": OPPORTUNITY_STATUSES[row.status], "project_id": row.project_id,
            "published_on": row.published_on, "recorded_by": row.recorded_by}


# -- 目标企业 ------------------------------------------------------------------------


def _prepare_target(session: Any, city: Any, data: dict[str, Any], row: Any) -> dict[str, Any]:
    _checked(city, data)
    values = {key: value for key, value in data.items() if key != "unit"}
    if "unit" in data:
        values["unit_id"] = unit_by_code(session, data["unit"], "unit").id
    return values


def _show_target(city: Any, row: TargetEnterprise, context: dict[str, Any]) -> dict[str, Any]:
    return {"id": row.id, "name": row.name, "credit_code": row.credit_code,
            "origin_province": row.origin_province, "tags": list(row.tags or []),
            **_industry_columns(city, row.industry), "unit": row.unit.code,
            "unit_name": row.unit.name, "leader_name": row.leader_name, "approach": row.approach,
            "status": row.status, "status_label": TARGET_STATUSES[row.status],
            "last_contact_on": row.last_contact_on, "recorded_by": row.recorded_by}


# -- 重点招商引资项目 -------------------------------------------------------------------


def _prepare_listed(session: Any, city: Any, data: dict[str, Any], row: Any) -> dict[str, Any]:
    if "project_id" in data:
        project = _project(session, data["project_id"])
        if row is not None and project.id != row.project_id:
            raise invalid_input([FieldProblem("project_id", "key_project.project_fixed",
                                              "清单条目对应的项目不能更换，请移出后重新列入")])
        taken = session.scalar(sa.select(ListedProject).where(
            ListedProject.project_id == project.id))
        if taken is not None and taken is not row:
            raise invalid_input([FieldProblem("project_id", "key_project.already_listed",
                                              f"项目“{project.name}”已在重点招商引资项目清单中")])
    return dict(data)


def open_warning_levels(session: Any, project_ids: list[int]) -> dict[int, str]:
    """The gravest open warning of each project."""
    levels: dict[int, str] = {}
    if not project_ids:
        return levels
    for subject_id, level in session.execute(sa.select(EarlyWarning.subject_id, EarlyWarning.level)
                                             .where(EarlyWarning.subject_type == "project",
                                                    EarlyWarning.cleared_at.is_(None),
                                                    EarlyWarning.subject_id.in_(project_ids))):
        kept = levels.get(subject_id)
        if kept is None or SEVERITY.index(level) < SEVERITY.index(kept):
            levels[subject_id] = level
    return levels


def _show_listed(city: Any, row: ListedProject, context: dict[str, Any]) -> dict[str, Any]:
    project = row.project
    level = context.get("warnings", {}).get(project.id)
    return {"id": row.id, "project_id": project.id, "name": project.name,
            "enterprise": project.enterprise.name, "out_of_province": project.out_of_province,
            **_industry_columns(city, project.industry), "amount": project.amount,
            "stage": project.stage, "stage_label": STAGE_LABELS[project.stage],
            "unit": project.host_unit.code, "unit_name": project.host_unit.name,
            "leader_name": project.leader_name, "major": "major" in (project.tiers or []),
            "listed_on": row.listed_on, "maturing": row.maturing,
            "expected_signing_on": row.expected_signing_on,
            "last_progress_on": project.last_progress_on,
            "arrived_amount": project.arrived_amount, "warning_level": level,
            "warning_label": WARNING_LABELS.get(level) if level else None, "note": row.note,
            "recorded_by": row.recorded_by}


def _filter_listed(query: sa.Select, params: dict[str, Any]) -> sa.Select:
    query = query.join(Project, Project.id == ListedProject.project_id)
    if params.get("unit"):
        query = query.join(Unit, Unit.id == Project.host_unit_id).where(
            Unit.code == params["unit"])
    if params.get("industry"):
        query = query.where(Project.industry == params["industry"])
    if params.get("status"):  # the project's stage
        query = query.where(Project.stage == params["status"])
    return query


# -- 定制化政策支持 ---------------------------------------------------------------------


def _prepare_support(session: Any, city: Any, data: dict[str, Any], row: Any) -> dict[str, Any]:
    merged = {"project_id": getattr(row, "project_id", None),
              "target_enterprise_id": getattr(row, "target_enterprise_id", None)} | data
    if (merged["project_id"] is None) == (merged["target_enterprise_id"] is None):
        raise invalid_input([FieldProblem("project_id", "support.beneficiary",
                                          "须指定支持的项目或目标企业（二选一）")])
    _project(session, merged["project_id"])
    if (merged["target_enterprise_id"] is not None
            and session.get(TargetEnterprise, merged["target_enterprise_id"]) is None):
        raise invalid_input([FieldProblem("target_enterprise_id", "target_enterprise.unknown",
                                          f"目标企业 {merged['target_enterprise_id']} 不存在")])
    status = data.get("status", getattr(row, "status", "proposed"))
    delivered_on = data.get("delivered_on", getattr(row, "delivered_on", None))
    if status == "delivered" and delivered_on is None:
        raise invalid_input([FieldProblem("delivered_on", "support.delivered_on",
                                          "已兑现的政策支持须填写兑现日期")])
    return dict(data)


def _show_support(city: Any, row: PolicySupport, context: dict[str, Any]) -> dict[str, Any]:
    beneficiary = (f"项目：{row.project.name}" if row.project is not None
                   else f"目标企业：{row.target_enterprise.name}")
    return {"id": row.id, "project_id": row.project_id,
            "target_enterprise_id": row.target_enterprise_id, "beneficiary": beneficiary,
            "kind": row.kind, "kind_label": SUPPORT_KINDS[row.kind], "content": row.content,
            "amount": row.amount, "status": row.status,
            "status_label": SUPPORT_STATUSES[row.status], "delivered_on": row.delivered_on,
            "recorded_by": row.recorded_by}


def _support_owner(row: PolicySupport) -> str:
    return row.project.host_unit.code if row.project is not None else row.target_enterprise.unit.code


LISTS: dict[str, ListSpec] = {spec.code: spec for spec in (
    ListSpec("opportunities", "opportunities", "投资机会清单", Opportunity, OpportunityInput,
             OpportunitySchema, (
                 ("id", "编号"), ("name", "投资机会"), ("industry_name", "产业"),
                 ("task_force_name", "产业链专班"), ("unit_name", "发布单位"), ("location", "地点"),
                 ("amount", "估算投资（万元）"), ("status_label", "状态"),
                 ("project_id", "对接项目编号"), ("published_on", "发布日期"),
                 ("description", "说明")),
             _prepare_opportunity, _show_opportunity, lambda row: row.unit.code),
    ListSpec("target_enterprises", "target-enterprises", "目标企业清单", TargetEnterprise,
             TargetEnterpriseInput, TargetEnterpriseSchema, (
                 ("id", "编号"), ("name", "企业名称"), ("credit_code", "统一社会信用代码"),
                 ("origin_province", "所在省份"), ("tags", "企业类别"), ("industry_name", "产业"),
                 ("task_force_name", "产业链专班"), ("unit_name", "对接单位"),
                 ("leader_name", "包抓领导"), ("approach", "对接方案"), ("status_label", "状态"),
                 ("last_contact_on", "最近对接日期")),
             _prepare_target, _show_target, lambda row: row.unit.code),
    ListSpec("key_projects", "key-projects", "重点招商引资项目清单", ListedProject,
             ListedProjectInput, ListedProjectSchema, (
                 ("project_id", "项目编号"), ("name", "项目名称"), ("enterprise", "投资方"),
                 ("industry_name", "产业"), ("task_force_name", "产业链专班"),
                 ("amount", "总投资（万元）"), ("stage_label", "阶段"), ("unit_name", "落户单位"),
                 ("leader_name", "包抓领导"), ("listed_on", "列入日期"), ("maturing", "趋熟项目"),
                 ("expected_signing_on", "预计签约日期"), ("last_progress_on", "最近进展日期"),
                 ("arrived_amount", "到位资金（万元）"), ("warning_label", "预警")),
             _prepare_listed, _show_listed, lambda row: row.project.host_unit.code,
             office_only=True, filters=_filter_listed),
    ListSpec("policy_supports", "policy-supports", "定制化政策支持清单", PolicySupport,
             PolicySupportInput, PolicySupportSchema, (
                 ("id", "编号"), ("beneficiary", "支持对象"), ("kind_label", "支持类别"),
                 ("content", "支持内容"), ("amount", "金额（万元）"), ("status_label", "状态"),
                 ("delivered_on", "兑现日期")),
             _prepare_support, _show_support, _support_owner, office_only=True),
)}


def list_query(spec: ListSpec, params: dict[str, Any], city: Any) -> sa.Select:
    """The rows of a list, filtered by ``unit``, ``industry``, ``status`` and ``task_force``."""
    query = sa.select(spec.model)
    if spec.filters is not None:
        return spec.filters(query, params)
    if params.get("unit") and hasattr(spec.model, "unit_id"):
        query = query.join(Unit, Unit.id == spec.model.unit_id).where(Unit.code == params["unit"])
    if params.get("industry") and hasattr(spec.model, "industry"):
        query = query.where(spec.model.industry == params["industry"])
    if params.get("task_force") and hasattr(spec.model, "industry"):
        industries = [i for i in city.industries if task_force_of(city, i) == params["task_force"]]
        query = query.where(spec.model.industry.in_(industries))
    if params.get("status") and hasattr(spec.model, "status"):
        query = query.where(spec.model.status == params["status"])
    return query


def shown(session: Any, city: Any, spec: ListSpec, rows: list[Any]) -> list[dict[str, Any]]:
    """Rows as the API and the export show them."""
    context: dict[str, Any] = {}
    if spec.model is ListedProject:
        context["warnings"] = open_warning_levels(session, [row.project_id for row in rows])
    return [spec.show(city, row, context) for row in rows]


def _ensure_kept_by_writer(spec: ListSpec, actor: Any, unit_code: str) -> None:
    """After a change: a clerk may not hand a row over to another unit."""
    if not spec.office_only and not may_write_unit(actor, unit_code):
        raise Problem(403, "forbidden_unit", "无权操作",
                      f"只能维护本单位的{spec.name}条目，不能把条目转给其他单位（{unit_code}）")


def _event(session: Any, city: Any, spec: ListSpec, row: Any, fact: str) -> None:
    item = shown(session, city, spec, [row])[0]
    record_event(session, city, "pingliang_list_item", f"{spec.code}:{row.id}", fact,
                 {"list": spec.code, "item_id": row.id,
                  "name": item.get("name") or item.get("beneficiary"),
                  "unit": spec.owner_unit(row), "item": item})


def _refresh(session: Any, city: Any, row: Any) -> None:
    if isinstance(row, ListedProject):
        refresh_warnings(session, city, "project", row.project_id)


def add_item(session: Any, city: Any, spec: ListSpec, data: dict[str, Any], actor: Any) -> Any:
    values = spec.prepare(session, city, data, None)
    row = spec.model(**values, recorded_by=actor.user)
    session.add(row)
    session.flush()
    session.refresh(row)
    _refresh(session, city, row)
    _event(session, city, spec, row, "added")
    return row


def update_item(session: Any, city: Any, spec: ListSpec, row: Any, data: dict[str, Any],
                actor: Any) -> Any:
    for key, value in spec.prepare(session, city, data, row).items():
        setattr(row, key, value)
    session.flush()
    session.refresh(row)
    _ensure_kept_by_writer(spec, actor, spec.owner_unit(row))
    _refresh(session, city, row)
    _event(session, city, spec, row, "updated")
    return row


def remove_item(session: Any, city: Any, spec: ListSpec, row: Any, actor: Any) -> None:
    if isinstance(row, TargetEnterprise) and session.scalar(sa.select(PolicySupport.id).where(
            PolicySupport.target_enterprise_id == row.id).limit(1)) is not None:
        raise Problem(409, "target_enterprise.has_supports", "不能移出",
                      f"目标企业“{row.name}”仍有定制化政策支持，请先处理相关政策支持条目")
    _event(session, city, spec, row, "removed")
    project_id = getattr(row, "project_id", None)
    session.delete(row)
    session.flush()
    if isinstance(row, ListedProject):
        refresh_warnings(session, city, "project", project_id)
