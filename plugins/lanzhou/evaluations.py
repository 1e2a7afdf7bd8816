"""准入评估 and the investor evaluation (Seed 三(二)4, POLICIES.md § lanzhou 1 and 2).

Both are core evaluation forms and both gate signing (the core's evaluation gate refuses the
move naming the form and, when it failed, the rule that failed it):

* the admission evaluation scores a project on seven dimensions; a project of 5亿元 or more is
  evaluated at city level (the office), a smaller one at county level (its units' clerks may
  run it too); 高耗能、高污染、高排放、低产出 projects, projects in the restricted or eliminated
  categories of the national catalogue, or against the ecological requirements or Lanzhou's
  layout fail whatever their scores;
* the investor evaluation judges the enterprise on five aspects and keeps an A/B/C/D rating
  on it; the project may be signed once its investor passed.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from core.toolkit import Dimension, EvaluationForm, HardRefusal, Project
from plugins.lanzhou.settings import settings

ADMISSION_FORM = "lanzhou_admission"
INVESTOR_FORM = "lanzhou_investor"
STEPS = ("submitted", "decided")
STEP_LABELS = {"submitted": "评估意见汇总", "decided": "评估结论"}


def _dimensions(items: list[dict[str, Any]]) -> tuple[Dimension, ...]:
    return tuple(Dimension(item["code"], item["name"], Decimal(item["weight"])) for item in items)


def admission_level(city: Any, project: Project) -> str:
    """``city`` for a project at or above the configured amount, else ``county``."""
    threshold = settings(city)["admission"]["city_level_amount"]
    return "city" if Decimal(project.amount) >= threshold else "county"


def forms(city: Any) -> list[EvaluationForm]:
    admission, investor = settings(city)["admission"], settings(city)["investor"]
    return [
        EvaluationForm(
            code=ADMISSION_FORM, name="招商项目准入评估",
            dimensions=_dimensions(admission["dimensions"]),
            pass_score=admission["pass_score"],
            hard_refusals=tuple(HardRefusal(item["code"], item["name"])
                                for item in admission["hard_refusals"]),
            steps=STEPS, step_labels=STEP_LABELS,
            required_before=admission["required_before"],
            level_for=lambda project: admission_level(city, project)),
        EvaluationForm(
            code=INVESTOR_FORM, name="投资企业综合评价",
            dimensions=_dimensions(investor["dimensions"]),
            pass_score=investor["pass_score"], steps=STEPS, step_labels=STEP_LABELS,
            required_before=investor["required_before"], subject="enterprise",
            ratings=tuple((item["letter"], item["minimum"]) for item in investor["ratings"])),
    ]
