"""The contract of every hook, checked on what a city's own implementations return.

Only the city's plugins are asked (the core's defaults are the core's business): each
implementation is called with the arguments it declares and its answer is held to the
shape ``core/hookspecs.py`` and ``docs/hooks.md`` promise — types, Chinese labels and
messages, shares between 0 and 1, stages and levels the core knows. Every problem is a line
``hook (plugin): what is wrong``; an empty list means the city keeps its contracts.

Hooks with effects (``after_lead_*``, ``after_transition``, ``after_project_*``,
``demo_data``, ``assessment_metrics``, ``assessment_adjustments``) are not called here: the
kit's journey through the service and its mechanism runs exercise them where the core calls
them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from flask import Blueprint
from marshmallow import Schema

from core.city import City
from core.config import SHARING_STARTS, UnitSection
from core.lifecycle import Stage
from core.models.matters import DECISION_LEVELS
from core.policy import (
    AssessmentScheme,
    EvaluationForm,
    FieldProblem,
    Refusal,
    Report,
    RewardRule,
    TransferSharing,
    WarningRule,
)

CHINESE = re.compile(r"[\u4e00-\u9fff]")
PERIODS = ("week", "month", "quarter", "half_year", "year")
STAGES = tuple(stage.value for stage in Stage)
UNIT_KINDS = tuple(UnitSection().fields["kind"].validate.choices)
MILESTONES = ("start", "completion", "production")

Check = Callable[[Any], Iterable[str]]


def is_chinese(text: Any) -> bool:
    return isinstance(text, str) and bool(CHINESE.search(text))


def city_implementations(city: City, hook: str) -> list[tuple[str, Callable[..., Any], list[str]]]:
    """``(plugin, function, argument names)`` of the city's implementations of ``hook``: every
    registered plugin but the core's own defaults (``core.*``)."""
    caller = getattr(city.pm.hook, hook)
    return [(impl.plugin_name, impl.function, list(impl.argnames))
            for impl in caller.get_hookimpls() if not impl.plugin_name.startswith("core.")]


def implemented_hooks(city: City) -> set[str]:
    """Every hook at least one of the city's plugins implements."""
    return {name for name in vars(city.pm.hook) if not name.startswith("_")
            and city_implementations(city, name)}


# -- one check per return type ------------------------------------------------------------


def _listed(result: Any, kind: type, check: Callable[[Any], Iterable[str]] = lambda _: ()
            ) -> list[str]:
    if not isinstance(result, list | tuple):
        return [f"returns {type(result).__name__}, not a list of {kind.__name__}"]
    problems = []
    for item in result:
        if not isinstance(item, kind):
            problems.append(f"returns a {type(item).__name__} in its list, not a {kind.__name__}")
        else:
            problems.extend(check(item))
    return problems


def field_problems(result: Any) -> list[str]:
    def check(problem: FieldProblem) -> Iterable[str]:
        if not problem.field or not problem.code:
            yield f"a field problem without field or code: {problem}"
        if not is_chinese(problem.message):
            yield f"field problem {problem.code}: the message is not Chinese ({problem.message!r})"
    return _listed(result, FieldProblem, check)


def refusals(result: Any) -> list[str]:
    def check(refusal: Refusal) -> Iterable[str]:
        if not refusal.rule:
            yield f"a refusal without a rule name: {refusal}"
        if not is_chinese(refusal.message):
            yield f"refusal {refusal.rule}: the message is not Chinese ({refusal.message!r})"
    return _listed(result, Refusal, check)


def config_schema(result: Any) -> list[str]:
    if not (isinstance(result, tuple) and len(result) == 2 and isinstance(result[0], str)
            and isinstance(result[1], type) and issubclass(result[1], Schema)):
        return [f"returns {result!r}, not (section name, marshmallow Schema class)"]
    return []


def profile(result: Any) -> list[str]:
    if not isinstance(result, dict) or not all(isinstance(key, str) for key in result):
        return [f"returns {type(result).__name__}, not a dict with string keys"]
    return []


def labels(result: Any) -> list[str]:
    if not isinstance(result, dict):
        return [f"returns {type(result).__name__}, not a dict of field path → Chinese label"]
    return [f"label of {path!r} is not Chinese ({label!r})" for path, label in result.items()
            if not isinstance(path, str) or not is_chinese(label)]


def list_paths(result: Any) -> list[str]:
    """``list_fields``: paths of the city's own fields (a ledger's column, an export's)."""
    if not isinstance(result, list | tuple):
        return [f"returns {type(result).__name__}, not a list of attributes.* paths"]
    return [f"{path!r} is not a path of the city's own fields (attributes.…)" for path in result
            if not isinstance(path, str) or not path.startswith("attributes.")]


def evaluation_forms(result: Any) -> list[str]:
    def check(form: EvaluationForm) -> Iterable[str]:
        where = f"form {form.code!r}"
        if not form.code or not is_chinese(form.name):
            yield f"{where}: needs a code and a Chinese name ({form.name!r})"
        if not form.dimensions:
            yield f"{where}: has no dimensions to score"
        for dimension in form.dimensions:
            if not is_chinese(dimension.name):
                yield f"{where}: dimension {dimension.code!r} has no Chinese name"
            if not isinstance(dimension.weight, Decimal) or dimension.weight <= 0:
                yield f"{where}: dimension {dimension.code!r} weight {dimension.weight!r} is not " \
                      "a positive Decimal"
        if not Decimal(0) <= Decimal(form.pass_score) <= Decimal(100):
            yield f"{where}: pass score {form.pass_score} is outside 0–100"
        if not form.steps or len(set(form.steps)) != len(form.steps):
            yield f"{where}: steps {form.steps!r} must be a non-empty sequence without repeats"
        if form.required_before is not None and form.required_before not in STAGES:
            yield f"{where}: required_before {form.required_before!r} is not a stage"
        if form.subject not in ("project", "enterprise"):
            yield f"{where}: subject {form.subject!r} is neither project nor enterprise"
        thresholds = [Decimal(minimum) for _, minimum in form.ratings]
        if thresholds != sorted(thresholds, reverse=True):
            yield f"{where}: ratings must go from the best (highest minimum) down"
    problems = _listed(result, EvaluationForm, check)
    codes = [form.code for form in result if isinstance(form, EvaluationForm)] \
        if isinstance(result, list | tuple) else []
    problems += [f"two forms share the code {code!r}" for code in sorted(set(codes))
                 if codes.count(code) > 1]
    return problems


def warning_rules(result: Any) -> list[str]:
    def check(rule: WarningRule) -> Iterable[str]:
        if not rule.code or not is_chinese(rule.name):
            yield f"warning rule {rule.code!r}: needs a code and a Chinese name ({rule.name!r})"
        if not callable(rule.evaluate):
            yield f"warning rule {rule.code!r}: evaluate is not callable"
    return _listed(result, WarningRule, check)


def assessment_schemes(result: Any) -> list[str]:
    def check(scheme: AssessmentScheme) -> Iterable[str]:
        where = f"scheme {scheme.code!r}"
        if not scheme.code or not is_chinese(scheme.name):
            yield f"{where}: needs a code and a Chinese name ({scheme.name!r})"
        if scheme.period not in PERIODS:
            yield f"{where}: period {scheme.period!r} is not one of {', '.join(PERIODS)}"
        unknown = [kind for kind in scheme.unit_kinds if kind not in UNIT_KINDS]
        if not scheme.unit_kinds or unknown:
            yield f"{where}: unit kinds {scheme.unit_kinds!r} (unknown: {unknown})"
        for indicator in scheme.indicators:
            if not is_chinese(indicator.name):
                yield f"{where}: indicator {indicator.code!r} has no Chinese name"
            if not isinstance(indicator.points, Decimal) or indicator.points <= 0:
                yield f"{where}: indicator {indicator.code!r} points {indicator.points!r} are " \
                      "not a positive Decimal"
    return _listed(result, AssessmentScheme, check)


def reward_rules(result: Any) -> list[str]:
    def check(rule: RewardRule) -> Iterable[str]:
        if not rule.code or not is_chinese(rule.name):
            yield f"reward rule {rule.code!r}: needs a code and a Chinese name ({rule.name!r})"
        if rule.cap is not None and (not isinstance(rule.cap, Decimal) or rule.cap <= 0):
            yield f"reward rule {rule.code!r}: cap {rule.cap!r} is not a positive Decimal (万元)"
        if not callable(rule.candidates):
            yield f"reward rule {rule.code!r}: candidates is not callable"
    return _listed(result, RewardRule, check)


def reports(result: Any) -> list[str]:
    def check(report: Report) -> Iterable[str]:
        if not report.code or not is_chinese(report.name):
            yield f"report {report.code!r}: needs a code and a Chinese name ({report.name!r})"
        if not report.columns:
            yield f"report {report.code!r}: has no columns"
        for column in report.columns:
            if len(column) != 2 or not is_chinese(column[1]):
                yield f"report {report.code!r}: column {column!r} is not (key, Chinese heading)"
    return _listed(result, Report, check)


def blueprints(plugin: str) -> Check:
    def check(result: Any) -> list[str]:
        return _listed(result, Blueprint, lambda blueprint: [
            f"blueprint {blueprint.name!r} is not named after the plugin {plugin!r}"]
            if not blueprint.name.startswith(plugin) else [])
    return check


def tiers(result: Any) -> list[str]:
    if not isinstance(result, list | tuple) or not all(
            isinstance(tier, str) and re.fullmatch(r"[a-z][a-z0-9_]*", tier) for tier in result):
        return [f"returns {result!r}, not a list of tier codes (lower-case identifiers)"]
    return []


def field_paths(result: Any) -> list[str]:
    if not isinstance(result, list | tuple):
        return [f"returns {type(result).__name__}, not a list of field paths"]
    problems = []
    for path in result:
        head, _, rest = str(path).partition(".")
        if head == "milestones" and rest not in MILESTONES:
            problems.append(f"milestone path {path!r}: the kinds are {', '.join(MILESTONES)}")
        elif head == "attributes" and not rest:
            problems.append(f"path {path!r} names no attribute")
        elif head not in ("attributes", "milestones") and (rest or not head.isidentifier()):
            problems.append(f"path {path!r} is neither a column, attributes.x nor milestones.x")
    return problems


def unit_or_none(result: Any) -> list[str]:
    from core.models import Unit

    return [] if result is None or isinstance(result, Unit) else [
        f"returns {type(result).__name__}, not a Unit"]


def deadline_after(reported_on: dt.date) -> Check:
    def check(result: Any) -> list[str]:
        if result is None:
            return []
        if not isinstance(result, dt.date) or isinstance(result, dt.datetime):
            return [f"returns {type(result).__name__}, not a date"]
        return [] if result >= reported_on else [
            f"deadline {result} lies before the report date {reported_on}"]
    return check


def sharing(result: Any) -> list[str]:
    if result is None:
        return []
    if not isinstance(result, TransferSharing):
        return [f"returns {type(result).__name__}, not a TransferSharing"]
    problems = []
    for name in ("indicator_share_from", "tax_share_from"):
        share = getattr(result, name)
        # The two units' parts are share and 1 − share: both must be real parts of one project.
        if not isinstance(share, Decimal) or not Decimal(0) <= share <= Decimal(1):
            problems.append(f"{name} {share!r} is not a Decimal between 0 and 1")
    for name in ("indicator_sharing_from", "tax_sharing_from"):
        if getattr(result, name) not in SHARING_STARTS:
            problems.append(f"{name} {getattr(result, name)!r} is not one of "
                            f"{', '.join(SHARING_STARTS)}")
    return problems


def project_fields(result: Any) -> list[str]:
    if not isinstance(result, dict):
        return [f"returns {type(result).__name__}, not a dict of project fields"]
    if not isinstance(result.get("attributes", {}), dict):
        return ["attributes is not a dict"]
    return []


def decision_level(result: Any) -> list[str]:
    return [] if result is None or result in DECISION_LEVELS else [
        f"returns {result!r}, not one of {', '.join(DECISION_LEVELS)}"]


# -- running the checks --------------------------------------------------------------------

# Hooks whose only argument is the city: their contract is checked without any records.
CITY_ONLY_CHECKS: dict[str, Check] = {
    "plugin_config_schema": config_schema,
    "city_profile": profile,
    "field_labels": labels,
    "tier_labels": labels,
    "list_fields": list_paths,
    "evaluation_forms": evaluation_forms,
    "warning_rules": warning_rules,
    "assessment_schemes": assessment_schemes,
    "reward_rules": reward_rules,
    "reports": reports,
}


def _answers(city: City, hook: str, arguments: dict[str, Any], check: Check | None,
             ) -> list[str]:
    problems = []
    for plugin, function, names in city_implementations(city, hook):
        missing = [name for name in names if name not in arguments]
        if missing:
            problems.append(f"{hook} ({plugin}): declares arguments the hook does not pass: "
                            f"{', '.join(missing)}")
            continue
        try:
            result = function(**{name: arguments[name] for name in names})
        except Exception as exc:  # a contract check reports, it does not stop at the first
            problems.append(f"{hook} ({plugin}): raised {type(exc).__name__}: {exc}")
            continue
        if result is not None and check is not None:
            problems += [f"{hook} ({plugin}): {line}" for line in check(result)]
    return problems


def city_only_problems(city: City) -> list[str]:
    """Contract problems of the hooks that take nothing but the city."""
    problems = []
    for hook, check in CITY_ONLY_CHECKS.items():
        problems += _answers(city, hook, {"city": city}, check)
    for plugin, _function, _names in city_implementations(city, "register_blueprints"):
        problems += [line for line in _answers(city, "register_blueprints", {"city": city},
                                               blueprints(plugin)) if f"({plugin})" in line]
    return problems


def record_problems(city: City, session: Any, lead: Any, project: Any, other_unit: Any,
                    actor: str = "conformance") -> list[str]:
    """Contract problems of the hooks that judge a lead or a project, asked about real records.

    Run inside ``session``, which the caller rolls back: guards and checks must not write,
    and nothing they might add survives.
    """
    from core.models.matters import Matter

    lead_data = {"title": lead.title, "industry": lead.industry,
                 "intended_amount": lead.intended_amount, "channel": lead.channel,
                 "reported_on": lead.reported_on, "attributes": dict(lead.attributes or {})}
    project_data = {"name": project.name, "industry": project.industry, "amount": project.amount,
                    "attributes": dict(project.attributes or {})}
    base = {"city": city, "session": session, "lead": lead, "project": project, "actor": actor}
    problems = _answers(city, "validate_lead", base | {"data": lead_data}, field_problems)
    problems += _answers(city, "route_lead", base, unit_or_none)
    problems += _answers(city, "lead_first_talk_deadline", base, deadline_after(lead.reported_on))
    problems += _answers(city, "project_from_lead", base, project_fields)
    problems += _answers(city, "validate_project", base | {"data": project_data}, field_problems)
    problems += _answers(city, "classify_project", base, tiers)
    for stage in STAGES:
        problems += _answers(city, "stage_required_fields", base | {"stage": stage}, field_paths)
        problems += _answers(city, "transition_guard", base | {"target": stage}, refusals)
    if other_unit is not None:
        problems += _answers(city, "transfer_sharing",
                             base | {"from_unit": project.finding_unit, "to_unit": other_unit},
                             sharing)
    matter_data = {"kind": "land", "title": "用地保障协调", "request": "请求协调用地指标",
                   "requested_amount": None, "requested_on": city.clock.today()}
    problems += _answers(city, "validate_matter", base | {"data": matter_data}, field_problems)
    matter = Matter(project_id=project.id, **matter_data)  # transient: never added
    problems += _answers(city, "matter_decision_level", base | {"matter": matter}, decision_level)
    return problems
