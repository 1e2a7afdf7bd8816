"""考核督办 assessment (Seed 三(四)19 and 21, POLICIES.md § sanming 7 and 9).

Three schemes with the same indicators: every month (每月战报), every quarter (每季联席, for
the joint meeting) and every year (年终考核); the core runs, freezes, publishes and ranks them.
The plugin adds the ``sanming_lead_points`` metric (线索积分制) and, from accountability cases
for false reporting opened in the period, a penalty (通报批评) or the loss of the whole score
(取消考评资格) — the measure the office decided, else the one proposed.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from core.toolkit import Adjustment, AssessmentScheme, Indicator
from plugins.sanming.discipline import cases
from plugins.sanming.lead_points import point_entries, points_by_unit
from plugins.sanming.settings import settings

LEAD_POINTS_METRIC = "sanming_lead_points"
SCHEME_NAMES = {"month": "每月战报考评", "quarter": "每季联席考评", "year": "年终考核"}


def scheme_code(period: str) -> str:
    return f"sanming_{period}"


def schemes(city: Any) -> list[AssessmentScheme]:
    """One scheme per configured period, built from ``[plugins.sanming.assessment]``."""
    config = settings(city)["assessment"]
    indicators = tuple(Indicator(code=item["code"], name=item["name"], metric=item["metric"],
                                 points=Decimal(item["points"]))
                       for item in config["indicators"])
    return [AssessmentScheme(code=scheme_code(period), name=SCHEME_NAMES[period], period=period,
                             unit_kinds=tuple(config["unit_kinds"]), indicators=indicators)
            for period in config["periods"]]


def metrics(city: Any, context: Any) -> dict[str, dict[str, Decimal]]:
    """``assessment_metrics``: each unit's lead points earned in the period."""
    entries = point_entries(context.session, city, context.start, context.end)
    return {LEAD_POINTS_METRIC: points_by_unit(entries)}


def adjustments(city: Any, context: Any) -> list[Adjustment]:
    """``assessment_adjustments``: false reports found in the period cost their unit."""
    penalty = settings(city)["rolling_evaluation"]["false_report_penalty"]
    full_score = sum((indicator.points for indicator in context.scheme.indicators), Decimal(0))
    items = []
    for case in cases(context.session, "false_report", start=context.start, end=context.end):
        measure = case.effective_measure
        if measure == "criticism" and penalty:
            items.append(Adjustment(unit_code=case.unit_code, points=-penalty,
                                    reason=f"弄虚作假，通报批评：{case.detail}",
                                    source=f"sanming_accountability:{case.id}"))
        elif measure == "disqualification":
            # The core has no notion of a unit out of the ranking: losing every point the
            # scheme can give puts it last, with the reason on the record.
            items.append(Adjustment(unit_code=case.unit_code, points=-(full_score + penalty),
                                    reason=f"弄虚作假情节严重，取消考评资格：{case.detail}",
                                    source=f"sanming_accountability:{case.id}"))
    return items
