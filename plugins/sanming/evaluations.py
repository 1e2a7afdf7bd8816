"""重大招商项目前期评价和后期评价 (Seed 三(四)19, POLICIES.md § sanming 7).

Key projects are evaluated before signing (前期评价, a gate: no signing without a passed
one) and after they produce (后期评价), so each is judged "from planning to production"
(从谋划到投产全周期评价). The forms' dimensions and pass scores are configuration.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from core.toolkit import Dimension, EvaluationForm, Project
from plugins.sanming.key_projects import key_basis
from plugins.sanming.settings import settings

PRE_FORM = "sanming_pre_evaluation"
POST_FORM = "sanming_post_evaluation"


def _dimensions(items: list[dict[str, Any]]) -> tuple[Dimension, ...]:
    return tuple(Dimension(item["code"], item["name"], Decimal(item["weight"])) for item in items)


def forms(city: Any) -> list[EvaluationForm]:
    """The two forms, both for key projects only."""
    config = settings(city)["evaluation"]

    def for_key_projects(project: Project) -> bool:
        return bool(key_basis(city, project))

    return [
        EvaluationForm(code=PRE_FORM, name="重大招商项目前期评价",
                       dimensions=_dimensions(config["pre_dimensions"]),
                       pass_score=Decimal(config["pre_pass_score"]),
                       required_before=config["pre_required_before"],
                       applies_to=for_key_projects),
        EvaluationForm(code=POST_FORM, name="重大招商项目后期评价",
                       dimensions=_dimensions(config["post_dimensions"]),
                       pass_score=Decimal(config["post_pass_score"]),
                       applies_to=for_key_projects),
    ]
