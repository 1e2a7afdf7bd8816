"""资阳市 — 六个一 (seeds/001, POLICIES.md § ziyang): hook implementations.

Thin on purpose: each hook hands over to the module holding its rule.

=====================  ===========================================================
rule (POLICIES.md)     module
=====================  ===========================================================
1 groups, six ones     :mod:`plugins.ziyang.six_ones` (``route_lead``, API)
2 first talk, 2 days   ``[policy] first_talk_working_days``; core warning and
                       metric; :mod:`plugins.ziyang.arena` (department deduction)
3 transfers 3:7, 1:9   ``[policy]`` ratios; :mod:`plugins.ziyang.transfers`
4 reviews              :mod:`plugins.ziyang.review` (``evaluation_forms``)
5 signing              :mod:`plugins.ziyang.signing` (``transition_guard``)
6 fulfilment           :mod:`plugins.ziyang.signing` (timetable gate),
                       :mod:`plugins.ziyang.fulfilment`
7 incentives           :mod:`plugins.ziyang.incentives` (``reward_rules``)
8 arena, assessment    :mod:`plugins.ziyang.arena`
9 organisation         :mod:`plugins.ziyang.organisation`
=====================  ===========================================================
"""

from __future__ import annotations

from typing import Any

from core.toolkit import hookimpl
from plugins.ziyang import (
    arena,
    incentives,
    ledger_sheets,
    organisation,
    project_fields,
    review,
    signing,
    six_ones,
)
from plugins.ziyang import demo as demo_records
from plugins.ziyang import events as ziyang_events
from plugins.ziyang import pages as ziyang_pages
from plugins.ziyang import reports as report_tables
from plugins.ziyang.settings import PLUGIN_NAME, ZiyangSettings, settings


@hookimpl
def plugin_config_schema() -> tuple[str, type]:
    return PLUGIN_NAME, ZiyangSettings


@hookimpl
def city_profile(city: Any) -> dict[str, Any]:
    return {PLUGIN_NAME: organisation.organisation_profile(city) | {
        "industry_groups": [{"code": group.code, "name": group.name,
                             "industries": list(group.industries)}
                            for group in six_ones.industry_groups(city)],
        "six_ones": six_ones.SIX_ONES,
        "target_regions": settings(city)["target_regions"],
    }}


@hookimpl
def validate_lead(city: Any, data: dict[str, Any], session: Any) -> list:
    return project_fields.attribute_problems(city, data, for_project=False)


@hookimpl
def route_lead(city: Any, lead: Any, session: Any) -> Any:
    return six_ones.route_to_group(city, lead, session)


@hookimpl
def validate_project(city: Any, data: dict[str, Any], project: Any, session: Any) -> list:
    return (project_fields.attribute_problems(city, data, for_project=True)
            or signing.signing_date_problems(city, data, project))


@hookimpl
def date_bounds(city: Any, project: Any, field: str, session: Any) -> list:
    return signing.signing_date_bounds(project, field)


@hookimpl
def stage_required_fields(city: Any, project: Any, stage: str) -> list[str]:
    return signing.timetable_fields(stage)


@hookimpl
def transition_guard(city: Any, project: Any, target: str, actor: str, session: Any) -> list:
    return signing.signing_refusals(city, project) if target == "signed" else []


@hookimpl
def evaluation_forms(city: Any) -> list:
    return review.review_forms(city)


@hookimpl
def ledger_record_sheets(city: Any) -> list:
    return ledger_sheets.sheets(city)


@hookimpl
def assessment_schemes(city: Any) -> list:
    return arena.assessment_schemes(city)


@hookimpl
def assessment_metrics(city: Any, context: Any) -> dict | None:
    return arena.assessment_metrics(city, context)


@hookimpl
def assessment_adjustments(city: Any, context: Any) -> list:
    return arena.department_adjustments(city, context)


@hookimpl
def reward_rules(city: Any) -> list:
    return incentives.reward_rules(city)


@hookimpl
def event_types() -> list:
    """Ziyang's own event types (plugins/ziyang/events.py)."""
    return ziyang_events.EVENT_TYPES


@hookimpl
def register_blueprints(city: Any) -> list:
    from plugins.ziyang.api import blueprint

    return [blueprint]


@hookimpl
def reports(city: Any) -> list:
    return report_tables.ziyang_reports()


@hookimpl
def web_pages(city: Any) -> list:
    return ziyang_pages.web_pages()


@hookimpl
def demo_data(city: Any, session: Any, demo: Any) -> None:
    demo_records.load(demo)
