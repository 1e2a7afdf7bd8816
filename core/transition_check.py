"""The dry-run of a stage transition: every reason a move would be refused now, each with what
would put it right, and nothing moved.

It runs what :func:`core.services.projects.transition` runs — the lifecycle, the gates
(``stage_required_fields``), the plugins' ``transition_guard`` and the move's date
(``date_bounds``) — but collects every refusal instead of stopping at the first kind, so the
web's checklist never says "complete" while the move would be refused.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from core.gates import field_label
from core.identity import Actor
from core.lifecycle import ALLOWED_MOVES, STAGE_LABELS, Stage
from core.policy import WebPage

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from core.city import City
    from core.models import Project

STAGE_ORDER = list(Stage)
DATE = {"kind": "date", "field": "occurred_on", "title": "流转日期", "path": None}


def reachable_stages(stage: str) -> list[Stage]:
    """The stages the lifecycle allows a project at ``stage`` to move to, in lifecycle order."""
    return sorted(ALLOWED_MOVES[Stage(stage)], key=STAGE_ORDER.index)


def _remedy(city: City, rule: str, pages: list[WebPage], project_id: int) -> dict[str, Any] | None:
    """Where the web records what ``rule`` asks for: a city's declared form first (it knows its
    own rules), then the core's own places (the checklist, the evaluation card)."""
    for page in pages:
        for form in page.forms:
            if form.remedies(rule):
                return {"kind": "form", "page": page.code, "form": form.code, "title": form.title,
                        "path": form.target.replace("{project_id}", str(project_id))}
    head, _, rest = rule.partition(".")
    if head == "gate" and rest:
        return {"kind": "field", "field": rest, "title": field_label(city, rest),
                "path": f"projects/{project_id}"}
    if head == "evaluation" and rest:
        return {"kind": "evaluation", "form": rest.split(".")[0], "title": "评估",
                "path": f"projects/{project_id}/evaluations"}
    return None


def check_move(session: Session, city: City, project: Project, target: str, actor: Actor,
               occurred_on: dt.date, pages: list[WebPage]) -> dict[str, Any]:
    """One target's dry-run: ``allowed`` and every refusal (``rule``, ``message``, ``remedy``)."""
    from core.services.projects import transition_date_problems, transition_refusals

    refusals = [{"rule": r.rule, "message": r.message, "field": None,
                 "remedy": _remedy(city, r.rule, pages, project.id)}
                for r in transition_refusals(session, city, project, target, actor)]
    if not any(item["rule"] == "stage.not_allowed" for item in refusals):
        # The move's date is what a date problem asks to change (whatever rule bounds it).
        refusals += [{"rule": p.code, "message": p.message, "field": p.field, "remedy": DATE}
                     for p in transition_date_problems(session, city, project, target,
                                                       occurred_on, actor)]
    return {"target": target, "label": STAGE_LABELS[Stage(target)], "allowed": not refusals,
            "refusals": refusals}


def check_transitions(session: Session, city: City, project: Project, actor: Actor,
                      occurred_on: dt.date, pages: list[WebPage],
                      target: str | None = None) -> dict[str, Any]:
    """The dry-run of the move to ``target``, or of every move the lifecycle allows now."""
    targets = [target] if target else [stage.value for stage in reachable_stages(project.stage)]
    return {"project_id": project.id, "stage": project.stage, "occurred_on": occurred_on,
            "targets": [check_move(session, city, project, to, actor, occurred_on, pages)
                        for to in targets]}
