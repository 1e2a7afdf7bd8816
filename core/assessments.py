"""Assessments (考核): each unit's metrics over a period, scored by the city's scheme.

The core computes the metrics in :data:`METRICS` for every assessed unit, with
transfer credit applied (:func:`core.credit.credit_shares`: a transferred
project counts once, split between the finding and the host unit by the city's
ratio). A plugin adds metrics through ``assessment_metrics`` and bonus or
penalty items through ``assessment_adjustments``; both receive the
:class:`AssessmentContext`.

Scoring (:func:`score_units`), per indicator: ``points × min(actual ÷ target, 1)``
with a target, else ``points × actual ÷ best actual`` (the best unit earns the
full points), capped at the indicator's ``cap``. Adjustments not exempted are
summed and the sum is held within ±``adjustment_cap``; exempted ones (容错免责)
are listed but not counted. The total is capped at ``total_cap``; units are
ranked by total, equal totals sharing a rank (1, 1, 3).

An item that cannot be computed says so (:class:`~core.policy.NotComputable`, with a Chinese
reason): a metric hook returns it for a unit's value or for a whole metric, an adjustment hook
among its items. The unit's result keeps the item as not computed — no value, no points — and
the run lists every item not computed (``not_computed``): its ranking is incomplete.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.credit import credited, credited_units
from core.figures import compute_figures
from core.models import Lead, Unit
from core.models.leads import LeadStatus
from core.policy import Adjustment, AssessmentScheme, Indicator, NotComputable
from core.services.leads import is_judgement_overdue

if TYPE_CHECKING:
    from core.city import City

ZERO = Decimal(0)
POINT_PLACES = Decimal("0.01")
VALUE_PLACES = Decimal("0.0001")


def _figures_metric(name: str) -> Callable[[AssessmentContext], dict[str, Decimal]]:
    def compute(context: AssessmentContext) -> dict[str, Decimal]:
        return {code: getattr(figures, name) for code, figures in context.unit_figures().items()}

    compute.__doc__ = f"``{name}`` of :mod:`core.figures`, credited by transfer shares."
    return compute


def _lead_metric(keep: Callable[[Lead, AssessmentContext], bool], unit_of: str
                 ) -> Callable[[AssessmentContext], dict[str, Decimal]]:
    def compute(context: AssessmentContext) -> dict[str, Decimal]:
        counts: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for lead in context.leads():
            unit = getattr(lead, unit_of)
            if unit is not None and keep(lead, context):
                counts[unit.code] += 1
        return dict(counts)

    return compute


def _reported_in_period(lead: Lead, context: AssessmentContext) -> bool:
    return context.start <= lead.reported_on <= context.end


def _judged_valid(lead: Lead, context: AssessmentContext) -> bool:
    return _reported_in_period(lead, context) and lead.status in (LeadStatus.ASSIGNED,
                                                                  LeadStatus.CONVERTED)


def _judgement_overdue(lead: Lead, context: AssessmentContext) -> bool:
    # A judgement due in the period counts against the judging unit when it came late
    # or is still missing at the period's end (or today, for a period not yet over).
    due = lead.first_talk_due
    if due is None or not context.start <= due <= context.end:
        return False
    return is_judgement_overdue(lead, min(context.end, context.today))


METRICS: dict[str, tuple[str, Callable[[AssessmentContext], dict[str, Decimal]]]] = {
    "signed_count": ("签约项目数", _figures_metric("signed_count")),
    "signed_amount": ("签约总额（万元）", _figures_metric("signed_amount")),
    "started_count": ("开工项目数", _figures_metric("started_count")),
    "arrived_amount": ("到位资金（万元）", _figures_metric("arrived_amount")),
    "fulfilling_count": ("履约项目数", _figures_metric("fulfilling_count")),
    "leads_reported": ("报送线索数", _lead_metric(_reported_in_period, "reporting_unit")),
    "leads_valid": ("有效线索数", _lead_metric(_judged_valid, "reporting_unit")),
    "overdue_judgements": ("首谈地研判超期数", _lead_metric(_judgement_overdue, "routed_to_unit")),
}
"""The metrics the core computes per unit: ``{code: (Chinese name, compute(context))}``."""


@dataclass
class AssessmentContext:
    """What metric and adjustment hooks read for one run.

    ``units`` are the assessed units (the scheme's unit kinds); ``metrics`` holds
    ``{metric: {unit_code: value}}`` computed so far — the core's, then the
    plugins' — so an adjustment can be derived from a metric.
    """

    session: Session
    city: City
    scheme: AssessmentScheme
    start: dt.date
    end: dt.date
    units: list[Unit]
    today: dt.date = field(default_factory=dt.date.today)
    metrics: dict[str, dict[str, Decimal]] = field(default_factory=dict)
    # {metric: {unit_code: NotComputable}}: values a metric could not compute.
    not_computed: dict[str, dict[str, NotComputable]] = field(default_factory=dict)
    _cache: dict[str, Any] = field(default_factory=dict)

    @property
    def unit_codes(self) -> list[str]:
        return [unit.code for unit in self.units]

    def unit_figures(self) -> dict[str, Any]:
        """:mod:`core.figures` for the period grouped by unit (transfer credit applied; projects
        the city withholds credit from, through ``credit_withheld``, left out; the 招商方 a
        city credits in place of the finding unit, through ``credited_unit``)."""
        if "figures" not in self._cache:
            _, groups = compute_figures(
                self.session, self.start, self.end, "unit",
                keep=lambda projects: credited(self.city, self.session, projects),
                finders=lambda projects: credited_units(self.city, self.session, projects))
            self._cache["figures"] = {group.key: group for group in groups}
        return self._cache["figures"]

    def leads(self) -> list[Lead]:
        """Leads reported up to the end of the period."""
        if "leads" not in self._cache:
            self._cache["leads"] = list(self.session.scalars(
                sa.select(Lead).where(Lead.reported_on <= self.end).order_by(Lead.id)))
        return self._cache["leads"]


def exact(value: Any) -> Decimal:
    """A metric value as an exact decimal (a float by its shortest repr, not its binary value)."""
    return Decimal(str(value)) if isinstance(value, float) else Decimal(value)


def needed_metrics(scheme: AssessmentScheme) -> list[str]:
    return list(dict.fromkeys(indicator.metric for indicator in scheme.indicators))


def compute_metrics(context: AssessmentContext) -> dict[str, dict[str, Decimal]]:
    """Every metric the scheme names, per assessed unit (0 where a unit has none).

    The core's metrics first, then ``assessment_metrics`` (a plugin may also
    replace a core metric by returning the same name). Raises ``KeyError`` naming
    a metric nobody computes.
    """
    wanted = needed_metrics(context.scheme)
    for name in wanted:
        if name in METRICS:
            _store_metric(context, name, METRICS[name][1](context))
    for extra in context.city.call("assessment_metrics", context=context):
        for name, values in extra.items():
            _store_metric(context, name, values)
    missing = [name for name in wanted if name not in context.metrics]
    if missing:
        raise KeyError(", ".join(missing))
    codes = context.unit_codes
    return {name: {code: Decimal(context.metrics[name].get(code, ZERO)) for code in codes}
            for name in wanted}


def _store_metric(context: AssessmentContext, name: str,
                  values: dict[str, Any] | NotComputable) -> None:
    """Keep a metric's values; a :class:`NotComputable` (for a unit, or for the whole metric)
    is kept apart, with its reason, and gives no value."""
    if isinstance(values, NotComputable):
        context.metrics[name] = {}
        context.not_computed[name] = {code: values for code in context.unit_codes}
        return
    context.metrics[name] = {}
    context.not_computed.pop(name, None)
    for code, value in values.items():
        if isinstance(value, NotComputable):
            context.not_computed.setdefault(name, {})[code] = value
        else:
            context.metrics[name][code] = exact(value)


@dataclass
class UnitScore:
    """One unit's scored result before it is stored."""

    unit_code: str
    values: dict[str, Decimal]
    points: dict[str, Decimal]
    adjustments: list[Adjustment]
    # Items not computed: {item code: {"name": …, "reason": …}}.
    not_computed: dict[str, dict[str, str]] = field(default_factory=dict)
    indicator_total: Decimal = ZERO
    adjustment_uncapped: Decimal = ZERO
    adjustment_total: Decimal = ZERO
    total: Decimal = ZERO
    rank: int = 0


def _points(value: Decimal, amount: Decimal) -> Decimal:
    return (value * amount).quantize(POINT_PLACES, ROUND_HALF_UP)


def indicator_points(indicator: Indicator, actual: Decimal, best: Decimal) -> Decimal:
    """The points one unit earns on one indicator (see the module docstring)."""
    cap = indicator.cap if indicator.cap is not None else indicator.points
    if actual <= 0:
        share = ZERO
    elif indicator.target is not None:
        share = min(actual / indicator.target, Decimal(1)) if indicator.target > 0 else Decimal(1)
    else:
        share = actual / best if best > 0 else ZERO
    return min(_points(indicator.points, share), _points(cap, Decimal(1)))


def _clamp(value: Decimal, cap: Decimal | None) -> Decimal:
    if cap is None:
        return value
    return max(-cap, min(cap, value))


def rank_scores(scores: Iterable[UnitScore]) -> list[UnitScore]:
    """Order by total (highest first) and give equal totals the same rank (1, 1, 3)."""
    ordered = sorted(scores, key=lambda s: (-s.total, s.unit_code))
    previous: Decimal | None = None
    for position, score in enumerate(ordered, start=1):
        score.rank = ordered[position - 2].rank if previous == score.total else position
        previous = score.total
    return ordered


def score_units(
    scheme: AssessmentScheme,
    metrics: dict[str, dict[str, Decimal]],
    unit_codes: list[str],
    adjustments: Iterable[Adjustment | NotComputable] = (),
    not_computed: dict[str, dict[str, NotComputable]] | None = None,
) -> list[UnitScore]:
    """Score and rank ``unit_codes`` by ``scheme`` from their metric values.

    ``not_computed`` (``{metric: {unit: NotComputable}}``) and :class:`NotComputable` items
    among ``adjustments`` are kept on each unit's score as items not computed: no value, no
    points, the reason said.
    """
    blocked = not_computed or {}
    items: dict[str, list[Adjustment]] = defaultdict(list)
    missing: dict[str, dict[str, dict[str, str]]] = defaultdict(dict)
    for item in adjustments:
        if isinstance(item, NotComputable):
            for code in [item.unit_code] if item.unit_code else unit_codes:
                missing[code][item.item or "adjustments"] = {
                    "name": item.name or item.item or "加减分", "reason": item.reason}
            continue
        items[item.unit_code].append(item)

    def computed(metric: str, code: str) -> bool:
        return code not in blocked.get(metric, {})

    best = {indicator.code: max((metrics[indicator.metric].get(code, ZERO) for code in unit_codes
                                 if computed(indicator.metric, code)), default=ZERO)
            for indicator in scheme.indicators}
    scores = []
    for code in unit_codes:
        values = {name: metrics[name].get(code, ZERO).quantize(VALUE_PLACES, ROUND_HALF_UP)
                  for name in metrics if computed(name, code)}
        points = {}
        for indicator in scheme.indicators:
            if not computed(indicator.metric, code):
                missing[code][indicator.code] = {
                    "name": indicator.name, "reason": blocked[indicator.metric][code].reason}
                continue
            points[indicator.code] = indicator_points(
                indicator, metrics[indicator.metric].get(code, ZERO), best[indicator.code])
        score = UnitScore(unit_code=code, values=values, points=points, adjustments=items[code],
                          not_computed=dict(missing[code]))
        score.indicator_total = sum(points.values(), ZERO)
        score.adjustment_uncapped = sum((exact(item.points) for item in items[code]
                                         if not item.exempted), ZERO)
        score.adjustment_total = _clamp(score.adjustment_uncapped, scheme.adjustment_cap)
        total = score.indicator_total + score.adjustment_total
        score.total = min(total, scheme.total_cap) if scheme.total_cap is not None else total
        scores.append(score)
    return rank_scores(scores)


def not_computed_summary(scores: Iterable[UnitScore]) -> list[dict[str, Any]]:
    """The run's items not computed: ``[{item, name, reason, units}]``, one per item and reason."""
    summary: dict[tuple[str, str], dict[str, Any]] = {}
    for score in scores:
        for item, entry in score.not_computed.items():
            row = summary.setdefault((item, entry["reason"]), {
                "item": item, "name": entry["name"], "reason": entry["reason"], "units": []})
            row["units"].append(score.unit_code)
    return [summary[key] for key in sorted(summary)]


def scheme_snapshot(scheme: AssessmentScheme) -> dict[str, Any]:
    """The scheme as JSON, kept with a run so its rules are known forever after."""

    def number(value: Decimal | None) -> str | None:
        return None if value is None else format(value, "f")

    return {
        "code": scheme.code,
        "name": scheme.name,
        "period": scheme.period,
        "unit_kinds": list(scheme.unit_kinds),
        "indicators": [{"code": i.code, "name": i.name, "metric": i.metric,
                        "points": number(i.points), "target": number(i.target),
                        "cap": number(i.cap), "basis": i.basis} for i in scheme.indicators],
        "adjustment_cap": number(scheme.adjustment_cap),
        "total_cap": number(scheme.total_cap),
        "year": scheme.year,
    }


def find_scheme(city: City, code: str, year: int) -> AssessmentScheme | None:
    """The city's scheme ``code`` in force in ``year``: that year's version, else the undated one."""
    candidates = [s for s in city.call("assessment_schemes") if s.code == code]
    dated = [s for s in candidates if s.year == year]
    undated = [s for s in candidates if s.year is None]
    return (dated or undated or [None])[0]
