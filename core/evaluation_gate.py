"""The evaluation gate: a default ``transition_guard`` registered ``trylast``.

A form with ``required_before`` set to a stage makes that stage unreachable
until the form's latest decided evaluation passed — on the project itself, or on
its enterprise for an investor form. ``applies_to`` narrows which projects need
it (default: all). The refusal names the form and, when it failed, why.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from core import hookimpl
from core.evaluation_rules import city_forms
from core.services.evaluations import gate_refusals

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from core.city import City
    from core.ledger_import.layout import RecordSheet
    from core.models import Project
    from core.policy import Refusal


@hookimpl(trylast=True)
def transition_guard(
    city: City, project: Project, target: str, actor: str, session: Session
) -> list[Refusal]:
    refusals: list[Refusal] = []
    for form in city_forms(city).values():
        if form.required_before != target:
            continue
        if form.applies_to is not None and not form.applies_to(project):
            continue
        refusals.extend(gate_refusals(session, form, project, target))
    return refusals


@hookimpl(trylast=True)
def ledger_record_sheets(city: City) -> list[RecordSheet]:
    """The gate's records in a project ledger: every city with evaluation forms gets the
    评价记录 sheet (``core.ledger_import.evaluation_sheet``), so a new city needs nothing."""
    from core.ledger_import.evaluation_sheet import sheets

    return sheets(city)
