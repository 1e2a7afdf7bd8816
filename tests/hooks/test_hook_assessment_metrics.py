"""``assessment_metrics``: per-unit metrics a city adds to (or replaces in) an assessment."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from core import hookimpl
from core.policy import AssessmentScheme, Indicator
from tests.support.cities import make_city
from tests.support.records import lead_body, row_counts

POINTS = AssessmentScheme(
    code="lead_points", name="线索积分", period="month", unit_kinds=("district", "county"),
    indicators=(Indicator("points", "线索积分", "lead_points", Decimal(10), target=Decimal(6)),
                Indicator("reported", "报送线索", "leads_reported", Decimal(5))))


class LeadPoints:
    """线索积分制: 1 point per lead reported in the period, +2 once judged valid."""

    def __init__(self):
        self.seen = []

    @hookimpl
    def assessment_schemes(self, city):
        return [POINTS, AssessmentScheme("broken", "缺指标", "month", ("county",),
                                         (Indicator("x", "不存在的指标", "nobody_computes", Decimal(1)),))]

    @hookimpl
    def assessment_metrics(self, city, context):
        self.seen.append((context.scheme.code, context.start, context.end, context.unit_codes))
        points = Counter()
        for lead in context.leads():
            if context.start <= lead.reported_on <= context.end:
                valid = lead.status in ("assigned", "converted")
                points[lead.reporting_unit_code] += 3 if valid else 1
        # Returning a core metric's name replaces the core's figures for it.
        return {"lead_points": dict(points), "leads_reported": {"west": 4}}


def test_hook_assessment_metrics_adds_and_replaces_metrics_of_a_run(client_for):
    plugin = LeadPoints()
    client = client_for(make_city(extra_plugins=[("points", plugin)]))
    for serial in (1, 2, 3):
        client.post("/leads", json=lead_body(serial, reporting_unit="east", reported_on="2024-03-04"))
    lead = client.post("/leads", json=lead_body(4, reporting_unit="west",
                                                reported_on="2024-03-05")).json
    client.post(f"/leads/{lead['id']}/assign", json={"first_talk_unit": "west"})
    run = client.post("/assessments/runs", json={"scheme": "lead_points", "period": "2024-03"}).json
    rows = {r["unit"]: r for r in client.get(f"/assessments/runs/{run['id']}/ranking").json["rows"]}
    # East: 3 points of a target of 6 → 5; the plugin's leads_reported gives east nothing → 0.
    assert (rows["east"]["values"]["lead_points"], rows["east"]["points"]) == (
        "3.0000", {"points": "5.00", "reported": "0.00"})
    # West: 3 points → 5; its replaced leads_reported (4) is the best → 5.
    assert (rows["west"]["values"]["leads_reported"], rows["west"]["points"]) == (
        "4.0000", {"points": "5.00", "reported": "5.00"})
    scheme, start, end, units = plugin.seen[-1]
    assert (scheme, str(start), str(end), units) == ("lead_points", "2024-03-01", "2024-03-31",
                                                     ["east", "west"])


def test_hook_assessment_metrics_a_metric_nobody_computes_refuses_the_run(client_for):
    client = client_for(make_city(extra_plugins=[("points", LeadPoints())]))
    app = client.flask.application
    before = row_counts(app, "assessment_runs", "assessment_results")
    response = client.post("/assessments/runs", json={"scheme": "broken", "period": "2024-03"})
    assert response.status_code == 422
    [error] = response.json["errors"]
    assert (error["field"], error["code"]) == ("scheme", "scheme.unknown_metric")
    assert "nobody_computes" in error["message"]
    assert row_counts(app, "assessment_runs", "assessment_results") == before
