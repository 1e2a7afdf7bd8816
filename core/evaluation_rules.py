"""How an evaluation form scores: the city's forms, their snapshot, the result.

Pure functions over :class:`core.policy.EvaluationForm`, no database: the
services and the stage gate call them, and they can be tested by hand.

The result of an evaluation, on a 0–100 scale:

1. per dimension, the average of the scores its reviewers gave;
2. each average scaled to 0–100 (``average × 100 / max_score``);
3. the weighted average of those, by the dimensions' weights, rounded half up
   to two decimals. It passes when it is at least the form's ``pass_score``.

A ticked hard refusal (一票否决) fails the evaluation whatever the scores.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from core.permissions import Permission
from core.policy import Dimension, EvaluationForm, HardRefusal, Refusal

if TYPE_CHECKING:
    from core.city import City

TWO_PLACES = Decimal("0.01")
SUBJECTS = {"project": "项目", "enterprise": "投资方"}
LEVELS = {"city": "市级", "county": "县级"}
DECISIONS = {"approved": "通过", "rejected": "不通过"}
DEFAULT_STEP_LABELS = {"created": "已创建", "submitted": "提交", "reviewed": "评审",
                       "opinion": "出具意见", "decided": "决定"}


class EvaluationFormError(ValueError):
    """A city's evaluation forms cannot be used (a plugin bug, reported at the first call)."""


def city_forms(city: City) -> dict[str, EvaluationForm]:
    """The city's evaluation forms by code, from the ``evaluation_forms`` hook."""
    forms: dict[str, EvaluationForm] = {}
    for form in city.call("evaluation_forms"):
        if form.code in forms:
            raise EvaluationFormError(f"evaluation form {form.code!r} is declared twice")
        if not form.dimensions or not form.steps:
            raise EvaluationFormError(f"evaluation form {form.code!r} needs dimensions and steps")
        if sum(d.weight for d in form.dimensions) <= 0:
            raise EvaluationFormError(f"evaluation form {form.code!r}: weights must sum above 0")
        if form.subject not in SUBJECTS:
            raise EvaluationFormError(f"evaluation form {form.code!r}: unknown subject")
        forms[form.code] = form
    return forms


def step_label(form: EvaluationForm, step: str) -> str:
    """The Chinese name of a workflow step."""
    return form.step_labels.get(step) or DEFAULT_STEP_LABELS.get(step, step)


def level_of(form: EvaluationForm, subject: Any) -> str:
    """The level (``city`` or ``county``) the form picks for a project or an enterprise."""
    level = form.level_for(subject) if form.level_for else "city"
    if level not in LEVELS:
        raise EvaluationFormError(f"evaluation form {form.code!r} chose unknown level {level!r}")
    return level


# -- snapshot -------------------------------------------------------------------


def form_rules(form: EvaluationForm) -> dict[str, Any]:
    """The form as JSON, kept with each evaluation so later edits never rewrite it."""
    return {
        "code": form.code,
        "name": form.name,
        "subject": form.subject,
        "pass_score": format(form.pass_score, "f"),
        "dimensions": [{"code": d.code, "name": d.name, "weight": format(d.weight, "f"),
                        "max_score": d.max_score} for d in form.dimensions],
        "hard_refusals": [{"code": h.code, "name": h.name} for h in form.hard_refusals],
        "steps": list(form.steps),
        "step_labels": {step: step_label(form, step) for step in form.steps},
        "required_before": form.required_before,
        "ratings": [[letter, format(minimum, "f")] for letter, minimum in form.ratings],
        "step_rules": {step: {"code": rule.code, "label": rule.label, "roles": sorted(rule.roles)}
                       for step, rule in form.step_rules.items()},
    }


def form_from_rules(rules: dict[str, Any]) -> EvaluationForm:
    """Rebuild the form an evaluation was created under from its snapshot."""
    return EvaluationForm(
        code=rules["code"],
        name=rules["name"],
        subject=rules["subject"],
        pass_score=Decimal(rules["pass_score"]),
        dimensions=tuple(Dimension(d["code"], d["name"], Decimal(d["weight"]), d["max_score"])
                         for d in rules["dimensions"]),
        hard_refusals=tuple(HardRefusal(h["code"], h["name"]) for h in rules["hard_refusals"]),
        steps=tuple(rules["steps"]),
        step_labels=dict(rules["step_labels"]),
        required_before=rules["required_before"],
        ratings=tuple((letter, Decimal(minimum)) for letter, minimum in rules["ratings"]),
        # Evaluations created before step rules existed have none.
        step_rules={step: Permission(rule["code"], rule["label"], frozenset(rule["roles"]))
                    for step, rule in rules.get("step_rules", {}).items()},
    )


# -- result ---------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What the scores and ticks so far add up to.

    ``result`` is None while a dimension has no score; ``passed`` is None then
    too, unless a hard refusal already failed it. ``failures`` name each reason.
    """

    result: Decimal | None
    averages: dict[str, Decimal]
    missing: tuple[str, ...]
    failures: tuple[Refusal, ...]
    passed: bool | None
    rating: str | None


def rating_for(form: EvaluationForm, score: Decimal) -> str | None:
    """The best rating whose minimum the score reaches (ratings are listed best first)."""
    return next((letter for letter, minimum in form.ratings if score >= minimum), None)


def hard_refusal_failure(form: EvaluationForm, code: str, note: str | None) -> Refusal:
    names = {h.code: h.name for h in form.hard_refusals}
    detail = f"（{note}）" if note else ""
    return Refusal(f"evaluation.{form.code}.hard_refusal.{code}",
                   f"《{form.name}》一票否决：{names.get(code, code)}{detail}")


def outcome(
    form: EvaluationForm,
    scores: Iterable[tuple[str, Decimal]],
    ticked: Iterable[tuple[str, str | None]] = (),
) -> Outcome:
    """Score an evaluation: ``scores`` are (dimension, score) pairs of every reviewer,
    ``ticked`` the (code, note) of each ticked hard refusal."""
    given: dict[str, list[Decimal]] = defaultdict(list)
    for dimension, score in scores:
        given[dimension].append(Decimal(score))
    averages = {code: sum(values, Decimal(0)) / len(values) for code, values in given.items()}
    missing = tuple(d.code for d in form.dimensions if d.code not in averages)
    failures = [hard_refusal_failure(form, code, note) for code, note in ticked]
    vetoed = bool(failures)
    result: Decimal | None = None
    if not missing:
        weighted = sum((d.weight * averages[d.code] * 100 / d.max_score for d in form.dimensions),
                       Decimal(0))
        total_weight = sum((d.weight for d in form.dimensions), Decimal(0))
        result = (weighted / total_weight).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
        if result < form.pass_score:
            failures.append(Refusal(f"evaluation.{form.code}.score",
                                    f"《{form.name}》得分 {result} 低于合格线 {form.pass_score}"))
    passed = False if failures else (None if result is None else True)
    rating = None
    if result is not None and form.ratings:
        # A vetoed investor gets the lowest rating, whatever its scores.
        rating = form.ratings[-1][0] if vetoed else rating_for(form, result)
    return Outcome(
        result=result,
        averages={code: value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
                  for code, value in averages.items()},
        missing=missing,
        failures=tuple(failures),
        passed=passed,
        rating=rating,
    )

