"""三明市: hook implementations of 大招商招好商攻坚战役 (POLICIES.md § sanming).

Thin on purpose: each hook hands over to the module named for the rule it carries.
``docs/cities/sanming.md`` maps every rule to its seed paragraph and its configuration.
"""

from __future__ import annotations

from typing import Any

from core.toolkit import WarningRule, hookimpl, refuse_office_only
from plugins.sanming import (
    assessment,
    chains,
    discipline,
    evaluations,
    first_contact,
    key_projects,
    ledger_sheets,
    legal_review,
    organisation,
    rewards,
    rolling_evaluation,
    two_accounts,
)
from plugins.sanming import demo as sanming_demo
from plugins.sanming import events as sanming_events
from plugins.sanming import pages as sanming_pages
from plugins.sanming import (
    reports as sanming_reports,
)
from plugins.sanming.api import blueprint
from plugins.sanming.attributes import (
    ATTRIBUTE_LABELS,
    CommonAttributes,
    ProjectAttributes,
    attribute_problems,
)
from plugins.sanming.settings import PLUGIN_NAME, SanmingSettings, settings

# -- configuration ----------------------------------------------------------------------


@hookimpl
def plugin_config_schema() -> tuple[str, type]:
    return PLUGIN_NAME, SanmingSettings


@hookimpl
def city_profile(city: Any) -> dict[str, Any]:
    config = settings(city)
    return {"sanming": {
        "campaign": {"name": city.config["city"]["policy_name"],
                     "start": config["campaign_start"].isoformat(),
                     "methods": [m["name"] for m in config["methods"]]},
        "industry_system": chains.industry_system(city),
        "chains": len(config["chains"]), "maps": len(config["maps"]),
        "key_projects_target": config["key_projects"]["target_count"],
        "regions": [r["name"] for r in config["regions"]],
        "target_tags": list(config["target_tags"]),
    }}


# -- leads: first-contact responsibility, working groups ------------------------------------


@hookimpl
def validate_lead(city: Any, data: dict[str, Any], session: Any) -> list:
    given = data.get("attributes") or {}
    return (first_contact.reporter_may_not_claim(data)
            + attribute_problems(city, CommonAttributes, given))


@hookimpl
def route_lead(city: Any, lead: Any, session: Any) -> Any:
    return organisation.route(city, lead, session)


@hookimpl
def after_lead_reported(city: Any, lead: Any, session: Any) -> None:
    first_contact.claim_or_link(city, lead, session)


# -- projects: key tier, gates, guards, effects ------------------------------------------------


@hookimpl
def validate_project(city: Any, data: dict[str, Any], project: Any, session: Any) -> list:
    refuse_office_only(ProjectAttributes, data.get("attributes"), "attributes.")
    problems = attribute_problems(city, ProjectAttributes, data.get("attributes") or {},
                                  project.attributes if project is not None else None)
    if project is None:
        problems += first_contact.finding_unit_problems(session, data)
    return problems


@hookimpl
def classify_project(city: Any, project: Any) -> list[str]:
    return [key_projects.KEY_TIER] if key_projects.key_basis(city, project) else []


@hookimpl
def stage_required_fields(city: Any, project: Any, stage: str) -> list[str]:
    return (key_projects.commissioner_fields(city, project, stage)
            + two_accounts.account_fields(city, stage) + discipline.lost_fields(stage))


@hookimpl
def tier_labels(city: Any) -> dict[str, str]:
    return {key_projects.KEY_TIER: "重点招商项目"}


@hookimpl
def field_labels(city: Any) -> dict[str, str]:
    return ({f"attributes.{key}": label for key, label in ATTRIBUTE_LABELS.items()}
            | two_accounts.account_labels()
            | {"attributes.commissioner": "招商专员", discipline.REASON_FIELD: "终止原因类别"})


@hookimpl
def transition_guard(city: Any, project: Any, target: str, actor: str, session: Any) -> list:
    return (discipline.lost_refusals(project, target)
            + legal_review.refusals(city, project, target, session))


@hookimpl
def date_bounds(city: Any, project: Any, field: str, session: Any) -> list:
    return legal_review.signing_bounds(city, project, field, session)


@hookimpl
def ledger_record_sheets(city: Any) -> list:
    return ledger_sheets.sheets(city)


@hookimpl
def after_transition(city: Any, project: Any, source: str, target: str, actor: str,
                     session: Any) -> None:
    discipline.after_lost(city, project, target, actor, session)


# -- evaluations and matters ---------------------------------------------------------------


@hookimpl
def evaluation_forms(city: Any) -> list:
    return evaluations.forms(city)


@hookimpl
def validate_matter(city: Any, data: dict[str, Any], project: Any, session: Any) -> list:
    return key_projects.matter_problems(city, project)


@hookimpl
def matter_decision_level(city: Any, matter: Any, project: Any) -> str | None:
    # 一事一议/一企一策 for key projects is decided at city level (市级层面).
    return "leader" if key_projects.is_key(project) else None


# -- warnings, assessments, rewards, reports -------------------------------------------------


@hookimpl
def warning_rules(city: Any) -> list:
    return [
        WarningRule("sanming_false_report", "滚动考评发现弄虚作假",
                    rolling_evaluation.false_report_findings),
        WarningRule("sanming_rolling_overdue", "滚动考评逾期", rolling_evaluation.overdue_findings),
        WarningRule("sanming_buying_project", "优惠政策超过税收贡献（花钱买项目）",
                    two_accounts.buying_findings),
    ]


@hookimpl
def assessment_schemes(city: Any) -> list:
    return assessment.schemes(city)


@hookimpl
def assessment_metrics(city: Any, context: Any) -> dict:
    return assessment.metrics(city, context)


@hookimpl
def assessment_adjustments(city: Any, context: Any) -> list:
    return assessment.adjustments(city, context)


@hookimpl
def reward_rules(city: Any) -> list:
    return rewards.rules(city)


@hookimpl
def reports(city: Any) -> list:
    return sanming_reports.reports(city)


@hookimpl
def event_types() -> list:
    """Sanming's own event types (plugins/sanming/events.py)."""
    return sanming_events.EVENT_TYPES


@hookimpl
def register_blueprints(city: Any) -> list:
    return [blueprint]


@hookimpl
def web_pages(city: Any) -> list:
    return sanming_pages.web_pages(city)


@hookimpl
def demo_data(city: Any, session: Any, demo: Any) -> None:
    sanming_demo.load(demo)


# -- to-dos (core.todos) ---------------------------------------------------------------


@hookimpl
def todo_items(city: Any, session: Any, identity: Any) -> list:
    return legal_review.todo_items(city, session, identity)
