"""兰州市: hook implementations of 两真四有 (POLICIES.md § lanzhou).

Thin on purpose: each hook hands over to the module named for the rule it carries.
``docs/cities/lanzhou.md`` maps every rule to its seed paragraph and its configuration.
"""

from __future__ import annotations

from typing import Any

from core.toolkit import hookimpl, refuse_office_only
from plugins.lanzhou import (
    assessment,
    evaluations,
    fault_tolerance,
    key_projects,
    ledger_sheets,
    pages,
    recognition,
    rewards,
    targets,
)
from plugins.lanzhou import demo as lanzhou_demo
from plugins.lanzhou import events as lanzhou_events
from plugins.lanzhou.api import blueprint
from plugins.lanzhou.attributes import LeadAttributes, ProjectAttributes, attribute_problems
from plugins.lanzhou.settings import AWARDS, PLUGIN_NAME, LanzhouSettings, settings

FIELD_LABELS = {**key_projects.FIVE_FIXED, "attributes.business_plan": "商业计划书"}

# -- configuration ----------------------------------------------------------------------


@hookimpl
def plugin_config_schema() -> tuple[str, type]:
    return PLUGIN_NAME, LanzhouSettings


@hookimpl
def city_profile(city: Any) -> dict[str, Any]:
    config = settings(city)
    return {"lanzhou": {
        "policy": city.config["city"]["policy_name"],
        "ecological_industries": [item["name"] for item in city.industries.values()],
        "platforms": [unit["name"] for unit in city.config["units"] if unit["kind"] == "park"],
        "admission_city_level_amount": config["admission"]["city_level_amount"],
        "reserve_business_plan_target": config["reserve"]["business_plan_target"],
        "merit_cap": config["rewards"]["merit_cap"],
        "awards": list(AWARDS.values()),
        "target_regions": config["targets"]["regions"],
    }}


# -- leads and projects --------------------------------------------------------------------


@hookimpl
def validate_lead(city: Any, data: dict[str, Any], session: Any) -> list:
    attributes = data.get("attributes") or {}
    return (attribute_problems(LeadAttributes, attributes)
            or targets.target_problems(session, attributes)
            or key_projects.key_lead_problems(data))


@hookimpl
def validate_project(city: Any, data: dict[str, Any], project: Any, session: Any) -> list:
    refuse_office_only(ProjectAttributes, data.get("attributes"), "attributes.")
    attributes = data.get("attributes") or {}
    return (attribute_problems(ProjectAttributes, attributes, session)
            or targets.target_problems(session, attributes))


@hookimpl
def project_from_lead(city: Any, lead: Any) -> dict[str, Any] | None:
    attributes = lead.attributes or {}
    carried = key_projects.from_key_lead(attributes) or {}
    named = targets.carried_target(attributes)
    if named:
        carried["attributes"] = {**carried.get("attributes", {}), **named}
    return carried or None


@hookimpl
def classify_project(city: Any, project: Any) -> list[str]:
    return [key_projects.KEY_TIER] if key_projects.is_key(city, project) else []


@hookimpl
def tier_labels(city: Any) -> dict[str, str]:
    return {key_projects.KEY_TIER: "重点项目"}


@hookimpl
def stage_required_fields(city: Any, project: Any, stage: str) -> list[str]:
    return key_projects.five_fixed_fields(city, project, stage)


@hookimpl
def field_labels(city: Any) -> dict[str, str]:
    return dict(FIELD_LABELS)


# -- evaluations, matters, credit ------------------------------------------------------------


@hookimpl
def transition_guard(city: Any, project: Any, target: str, actor: str, session: Any) -> list:
    return recognition.registration_refusals(city, session, project, target)


@hookimpl
def evaluation_forms(city: Any) -> list:
    return evaluations.forms(city)


@hookimpl
def ledger_record_sheets(city: Any) -> list:
    return ledger_sheets.sheets(city)


@hookimpl
def matter_decision_level(city: Any, matter: Any, project: Any) -> str | None:
    return key_projects.decision_level(city, project)


@hookimpl
def credit_withheld(city: Any, projects: list, session: Any) -> dict[int, str]:
    return recognition.withheld(city, session, projects)


@hookimpl
def credited_unit(city: Any, projects: list, session: Any) -> dict[int, int]:
    return recognition.credited_units(city, session, projects)


# -- assessments, rewards, reports, API, demo ---------------------------------------------------


@hookimpl
def assessment_schemes(city: Any) -> list:
    return assessment.schemes(city)


@hookimpl
def assessment_metrics(city: Any, context: Any) -> dict:
    return assessment.metrics(city, context)


@hookimpl
def assessment_adjustments(city: Any, context: Any) -> list:
    return fault_tolerance.adjustments(context)


@hookimpl
def reward_rules(city: Any) -> list:
    return rewards.rules(city)


@hookimpl
def reports(city: Any) -> list:
    return key_projects.reports()


@hookimpl
def event_types() -> list:
    """Lanzhou's own event types (plugins/lanzhou/events.py)."""
    return lanzhou_events.EVENT_TYPES


@hookimpl
def register_blueprints(city: Any) -> list:
    return [blueprint]


@hookimpl
def web_pages(city: Any) -> list:
    return pages.web_pages(city)


@hookimpl
def demo_data(city: Any, session: Any, demo: Any) -> None:
    lanzhou_demo.load(demo)
