"""平凉市: hook implementations of 大招商、招大商、招好商 — 四张清单、五项机制 (POLICIES.md § pingliang).

Thin on purpose: each hook hands over to the module named for the rule it carries.
``docs/cities/pingliang.md`` maps every rule to its seed paragraph and its configuration.
"""

from __future__ import annotations

from typing import Any

from core.toolkit import LEAD_CHANNELS, hookimpl
from plugins.pingliang import agency, assessment, baozhua, evaluation, lists, pages, rgb_warnings
from plugins.pingliang import demo as pingliang_demo
from plugins.pingliang import events as pingliang_events
from plugins.pingliang import reports as pingliang_reports
from plugins.pingliang.api import blueprint
from plugins.pingliang.settings import PLUGIN_NAME, PingliangSettings, settings

# -- configuration ----------------------------------------------------------------------


@hookimpl
def plugin_config_schema() -> tuple[str, type]:
    return PLUGIN_NAME, PingliangSettings


@hookimpl
def city_profile(city: Any) -> dict[str, Any]:
    config = settings(city)
    return {"pingliang": {
        "policy": city.config["city"]["policy_name"],
        "four_lists": {spec.code: spec.name for spec in lists.LISTS.values()},
        "five_mechanisms": ["重大招商引资项目包抓", "项目评估", "趋熟项目调度", "招商信息共享",
                            "清单项目红黄蓝预警"],
        "task_forces": [{"code": f["code"], "name": f["name"]} for f in config["task_forces"]],
        "reserve_target": config["reserve_target"],
        "channels": [{"code": code, "name": LEAD_CHANNELS[code]} for code in config["channels"]],
        "warnings": {key: format(value, "f") if not isinstance(value, int) else value
                     for key, value in config["warnings"].items()},
    }}


# -- projects: 包抓 and 一套班子 before signing, project evaluation ------------------------------


@hookimpl
def validate_project(city: Any, data: dict[str, Any], project: Any, session: Any) -> list:
    return baozhua.team_problems(data)


@hookimpl
def stage_required_fields(city: Any, project: Any, stage: str) -> list[str]:
    return baozhua.required_fields(city, project, stage)


@hookimpl
def field_labels(city: Any) -> dict[str, str]:
    return dict(baozhua.FIELD_LABELS)


@hookimpl
def list_fields(city: Any) -> list[str]:
    return [baozhua.TEAM_FIELD]


@hookimpl
def evaluation_forms(city: Any) -> list:
    return evaluation.forms(city)


# -- warnings, assessments, rewards, reports, pages --------------------------------------------


@hookimpl
def warning_rules(city: Any) -> list:
    return rgb_warnings.rules()


@hookimpl
def assessment_schemes(city: Any) -> list:
    return assessment.schemes(city)


@hookimpl
def assessment_adjustments(city: Any, context: Any) -> list:
    return assessment.adjustments(city, context)


@hookimpl
def reward_rules(city: Any) -> list:
    return assessment.reward_rules(city)


@hookimpl
def reports(city: Any) -> list:
    return pingliang_reports.reports(city)


@hookimpl
def web_pages(city: Any) -> list:
    return pages.pages()


@hookimpl
def event_types() -> list:
    """Pingliang's own event types (plugins/pingliang/events.py)."""
    return pingliang_events.EVENT_TYPES


@hookimpl
def register_blueprints(city: Any) -> list:
    return [blueprint]


@hookimpl
def demo_data(city: Any, session: Any, demo: Any) -> None:
    """The seed's Jan–May 2023 figures, last year's base, and every rule at work."""
    pingliang_demo.load(demo)


# -- to-dos (core.todos) ---------------------------------------------------------------


@hookimpl
def todo_items(city: Any, session: Any, identity: Any) -> list:
    return agency.todo_items(city, session, identity)
