"""The city's choices by their Chinese names: units, industries, channels, stages, kinds.

Pages and spreadsheets show names where the database keeps codes. One place answers both
ways — code → name for what is written (exports, templates), name → code for what is read
back (the ledger import) — so a name shown is always a name that is accepted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from core.introducers import INTERMEDIARY_KINDS
from core.lifecycle import STAGE_LABELS
from core.schemas.projects import MILESTONE_KINDS

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from core.city import City


@dataclass(frozen=True)
class Choice:
    """One list of choices: ``names`` maps each code to its Chinese name, in order."""

    label: str  # what the list is, in Chinese (招商单位, 产业 …)
    names: dict[str, str]

    def code_of(self, name: str) -> str | None:
        """The code named ``name`` (or ``name`` itself when it is a code), else None."""
        text = name.strip()
        for code, shown in self.names.items():
            if shown == text:
                return code
        return text if text in self.names else None

    def unknown_message(self, name: str, limit: int = 30) -> str:
        """The Chinese message for a name that is none of the choices, naming them."""
        listed = list(self.names.values())
        shown = "、".join(listed[:limit]) + ("等" if len(listed) > limit else "")
        return f"{self.label}“{name}”不在可选范围内；可选：{shown}"


def column_choice(column: Any) -> Choice:
    """The choices of a column that has its own (``Column.options``: a city's record sheet)."""
    return Choice(column.heading, dict(column.options))


def city_choices(session: Session, city: City) -> dict[str, Choice]:
    """Every list a ledger names by name: ``unit``, ``industry``, ``channel``, ``stage``,
    ``milestone``, ``introducer_kind``."""
    from core.models import Unit

    units = dict(session.execute(sa.select(Unit.code, Unit.name).order_by(Unit.id)).all())
    return {
        "unit": Choice("单位", units),
        "industry": Choice("产业", {code: item.get("name", code)
                                    for code, item in city.industries.items()}),
        "channel": Choice("招商方式", dict(city.vocabulary("lead_channels"))),
        "stage": Choice("阶段", {stage.value: label for stage, label in STAGE_LABELS.items()}),
        "milestone": Choice("节点", dict(MILESTONE_KINDS)),
        "introducer_kind": Choice("类别", dict(INTERMEDIARY_KINDS)),
    }
