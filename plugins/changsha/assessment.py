"""The leading group's yearly assessment, centred on major projects (四(十四)).

由市招商引资领导小组牵头负责全市招商引资工作考核评价……重点考核重大招商项目的引进情况.
Counties, districts, county-level cities and parks are scored on the major projects
they signed (count and amount) and started, and on all signed projects; each
indicator's points are configuration (``[plugins.changsha.assessment]``), the best
unit earning the full points of an indicator.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from core.toolkit import AssessmentScheme, City, Indicator
from plugins.changsha.major_metrics import MAJOR_METRICS, major_metrics
from plugins.changsha.settings import settings

SCHEME_CODE = "changsha_annual"
ASSESSED_KINDS = ("county", "district", "city", "park")


def annual_scheme(city: City) -> AssessmentScheme:
    """The yearly scheme with the configured points."""
    points = settings(city)["assessment"]
    return AssessmentScheme(
        code=SCHEME_CODE, name="长沙市招商引资年度考核（重大招商项目）", period="year",
        unit_kinds=ASSESSED_KINDS,
        indicators=(
            Indicator("major_signed", MAJOR_METRICS["changsha_major_signed"],
                      "changsha_major_signed", points["major_signed_points"]),
            Indicator("major_amount", MAJOR_METRICS["changsha_major_signed_amount"],
                      "changsha_major_signed_amount", points["major_amount_points"]),
            Indicator("major_started", MAJOR_METRICS["changsha_major_started"],
                      "changsha_major_started", points["major_started_points"]),
            Indicator("signed", "签约项目数", "signed_count", points["signed_points"]),
        ))


def unit_metrics(city: City, context: Any) -> dict[str, dict[str, Decimal]]:
    """Changsha's major-project metrics for a run that asks for them."""
    wanted = {indicator.metric for indicator in context.scheme.indicators}
    if not wanted & set(MAJOR_METRICS):
        return {}
    return major_metrics(context.session, city, context.start, context.end)
