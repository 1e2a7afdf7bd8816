"""长沙市 hook implementations: 一事一议、园区定位、招商奖励、跟踪督办.

Thin on purpose: each hook hands over to the module that holds the rule
(see ``docs/cities/changsha.md`` for the rules and their seed paragraphs).
"""

from __future__ import annotations

from typing import Any

from core.toolkit import (
    AssessmentScheme,
    City,
    FieldProblem,
    Project,
    Refusal,
    Report,
    RewardRule,
    WarningRule,
    hookimpl,
)
from plugins.changsha import (
    api,
    assessment,
    cadence,
    chain_map,
    lookback,
    majors,
    matters,
    pages,
    parks,
    rewards,
)
from plugins.changsha import demo as changsha_demo
from plugins.changsha import events as changsha_events
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
def tier_labels(city: City) -> dict[str, str]:
    return {majors.MAJOR: "重大招商项目", parks.PARK_MISMATCH: "不符园区产业定位"}


@hookimpl
def field_labels(city: City) -> dict[str, str]:
    # The park justification is named too: it is the record a mismatched project's signing
    # needs, and a labelled attribute is a column of the project ledger (core.ledger_import).
    return {"attributes.task_force": "工作专班", f"attributes.{parks.JUSTIFICATION}": "落户理由"}


@hookimpl
def transition_guard(city: City, project: Project, target: str, actor: str,
                     session: Any) -> list[Refusal]:
    return parks.signing_refusals(city, project, target)


@hookimpl
def validate_matter(city: City, data: dict[str, Any], project: Project,
                    session: Any) -> list[FieldProblem]:
    return matters.matter_problems(city, data, project)


@hookimpl
def matter_decision_level(city: City, matter: Any, project: Project) -> str:
    return matters.decision_level(city, project)


@hookimpl
def warning_rules(city: City) -> list[WarningRule]:
    return matters.warning_rules()


@hookimpl
def reward_rules(city: City) -> list[RewardRule]:
    return rewards.reward_rules(city)


@hookimpl
def assessment_schemes(city: City) -> list[AssessmentScheme]:
    return [assessment.annual_scheme(city)]


@hookimpl
def assessment_metrics(city: City, context: Any) -> dict[str, dict[str, Any]]:
    return assessment.unit_metrics(city, context)


@hookimpl
def reports(city: City) -> list[Report]:
    return [*cadence.cadence_reports(), lookback.lookback_report(), matters.ledger_report(),
            parks.positioning_report_definition()]


@hookimpl
def investment_map_targets(city: City, session: Any) -> list[Any]:
    return chain_map.map_targets(session, city)


@hookimpl
def event_types() -> list:
    """Changsha's own event types (plugins/changsha/events.py)."""
    return changsha_events.EVENT_TYPES


@hookimpl
def register_blueprints(city: City) -> list[Any]:
    return [api.blueprint]


@hookimpl
def web_pages(city: City) -> list[Any]:
    return pages.web_pages()


@hookimpl
def demo_data(city: City, session: Any, demo: Any) -> None:
    changsha_demo.load(city, session, demo)
