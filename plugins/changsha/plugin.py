"""长沙市 hook implementations: 一事一议、园区定位、招商奖励、跟踪督办.

Thin on purpose: each hook hands over to the module that holds the rule
(see ``docs/cities/changsha.md`` for the rules and their seed paragraphs).
"""

from __future__ import annotations

from typing import Any

from core.toolkit import City, FieldProblem, Project, Refusal, hookimpl
from plugins.changsha import api, majors, parks
from plugins.changsha import demo as changsha_demo
from plugins.changsha.settings import PLUGIN, ChangshaSettings


@hookimpl
def plugin_config_schema() -> tuple[str, type]:
    return PLUGIN, ChangshaSettings


@hookimpl
def city_profile(city: City) -> dict[str, Any]:
    attention = [row["unit"] for row in parks.positioning_report(city) if row["status"] != "complete"]
    return {"changsha": {"parks_needing_attention": attention}}


@hookimpl
def classify_project(city: City, project: Project) -> list[str]:
    tiers = []
    if majors.is_major(city, project):
        tiers.append(majors.MAJOR)
    if parks.park_mismatch(city, project):
        tiers.append(parks.PARK_MISMATCH)
    return tiers


@hookimpl
def validate_project(city: City, data: dict[str, Any], project: Project | None,
                     session: Any) -> list[FieldProblem]:
    attributes = data.get("attributes") or {}
    return majors.task_force_problems(attributes) + parks.justification_problems(attributes)


@hookimpl
def stage_required_fields(city: City, project: Project, stage: str) -> list[str]:
    return majors.signing_fields(city, project, stage)


@hookimpl
def transition_guard(city: City, project: Project, target: str, actor: str,
                     session: Any) -> list[Refusal]:
    return parks.signing_refusals(city, project, target)


@hookimpl
def register_blueprints(city: City) -> list[Any]:
    return [api.blueprint]


@hookimpl
def demo_data(city: City, session: Any, demo: Any) -> None:
    changsha_demo.load(city, session, demo)
