"""项目评估 project evaluation (五项机制 2, POLICIES.md § pingliang 3).

> 推行重大招商引资项目包抓、项目评估……“五项机制”

One form, ``pingliang_project_evaluation``, on the dimensions of ``[plugins.pingliang.
evaluation]`` (ours: the seed's 要素完善、带动性强、吸引力高 plus the investor and the chain fit),
pass mark 60. Major and list projects cannot enter ``required_before`` (signing) without a
passed evaluation; the core runs it (reviewers, scores, steps) and gates the move.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from core.toolkit import Dimension, EvaluationForm
from plugins.pingliang.baozhua import is_owned_project
from plugins.pingliang.settings import settings

FORM_CODE = "pingliang_project_evaluation"


def forms(city: Any) -> list[EvaluationForm]:
    config = settings(city)["evaluation"]
    return [EvaluationForm(
        code=FORM_CODE, name="项目评估",
        dimensions=tuple(Dimension(d["code"], d["name"], Decimal(d["weight"]))
                         for d in config["dimensions"]),
        pass_score=Decimal(config["pass_score"]),
        step_labels={"submitted": "评估组提交意见", "decided": "市招商引资工作领导小组办公室决定"},
        required_before=config["required_before"], applies_to=is_owned_project)]
