"""Stage gates: the one source of truth for what a project needs before a stage.

The API's ``incomplete_fields``, the transition check and the web checklist all
call :func:`incomplete_fields`; the required fields come from the
``stage_required_fields`` hook (core defaults plus the city's own).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from core.lifecycle import MAIN_LINE, Stage, next_stage

if TYPE_CHECKING:
    from core.city import City
    from core.models import Project

FIELD_LABELS = {
    "name": "项目名称",
    "enterprise_id": "投资企业",
    "industry": "所属产业",
    "amount": "总投资",
    "finding_unit_id": "招商单位",
    "host_unit_id": "落户单位",
    "agreement_amount": "协议投资额",
    "leader_name": "包抓领导",
    "milestones.start": "计划开工日期",
    "milestones.completion": "计划竣工日期",
    "milestones.production": "计划投产日期",
    "milestones.completion.actual_on": "实际竣工日期",
}


def field_present(project: Project, path: str) -> bool:
    """Whether ``path`` (``amount``, ``attributes.x``, ``milestones.start``) has a value."""
    head, _, rest = path.partition(".")
    if head == "attributes" and rest:
        value: Any = project.attributes or {}
        for part in rest.split("."):
            if not isinstance(value, dict) or part not in value:
                return False
            value = value[part]
        return value not in (None, "", [], {})
    if head == "milestones" and rest:
        kind, _, column = rest.partition(".")  # milestones.completion.actual_on: its date
        return any(m.kind == kind and (not column or getattr(m, column, None) is not None)
                   for m in project.milestones)
    value = getattr(project, path, None)
    return value not in (None, "", [], {})


def required_fields(city: City, project: Project, stage: str) -> list[str]:
    seen: dict[str, None] = {}
    for path in city.call("stage_required_fields", project=project, stage=stage):
        seen.setdefault(path, None)
    return list(seen)


def incomplete_fields(city: City, project: Project, stage: str | None = None) -> list[str]:
    """Fields still missing for ``stage`` (default: the next stage on the main line)."""
    target = stage or next_stage(project.stage)
    if target is None:
        return []
    return [path for path in required_fields(city, project, target)
            if not field_present(project, path)]


def reached_stages(project: Project) -> list[Stage]:
    """The main-line stages a project has entered (after ``reserve``): up to its stage, or
    for a side exit (lost, cleared) up to the last stage it has a date for."""
    stage = Stage(project.stage)
    if stage in MAIN_LINE:
        return list(MAIN_LINE[1:MAIN_LINE.index(stage) + 1])
    last = (Stage.STARTED if project.started_on else Stage.SIGNED if project.signed_on else None)
    return list(MAIN_LINE[1:MAIN_LINE.index(last) + 1]) if last else []


def missing_held_fields(city: City, project: Project) -> dict[str, Stage]:
    """Fields a stage the project entered requires and that are missing now, with the stage
    that first requires each (Data Hub: a field required at a stage stays required)."""
    missing: dict[str, Stage] = {}
    for stage in reached_stages(project):
        for path in required_fields(city, project, stage):
            if path not in missing and not field_present(project, path):
                missing[path] = stage
    return missing


def field_labels(city: City) -> dict[str, str]:
    """Every gate field's Chinese name: the core's, overridden by the city's plugins."""
    labels: dict[str, str] = {}
    for city_labels in city.call("field_labels"):
        for path, label in city_labels.items():
            labels.setdefault(path, label)  # the plugin called first wins
    return FIELD_LABELS | labels


def list_fields(city: City) -> frozenset[str]:
    """The city's own fields that hold a list (the ``list_fields`` hook)."""
    return frozenset(city.call("list_fields"))


def tier_labels(city: City) -> dict[str, str]:
    """Every tier's Chinese name: the city's plugins first, then the core's default."""
    labels: dict[str, str] = {}
    for city_labels in city.call("tier_labels"):
        for code, label in city_labels.items():
            labels.setdefault(code, label)
    return labels


def field_label(city: City, path: str) -> str:
    """The Chinese name of a gate field, for messages and the checklist."""
    return field_labels(city).get(path, path)
