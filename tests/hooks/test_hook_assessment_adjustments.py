"""``assessment_adjustments``: bonus and penalty items, exempted ones listed but not counted."""

from __future__ import annotations

from decimal import Decimal

from core import hookimpl
from core.policy import Adjustment, AssessmentScheme, Indicator
from tests.support.cities import make_city
from tests.support.records import lead_body

DEPARTMENTS = AssessmentScheme(
    code="plus_minus", name="正向加分、反向扣分", period="month", unit_kinds=("district", "county"),
    indicators=(Indicator("leads", "报送线索", "leads_reported", Decimal(20), target=Decimal(1)),),
    adjustment_cap=Decimal(3))


class PlusMinus:
    @hookimpl
    def assessment_schemes(self, city):
        return [DEPARTMENTS]

    @hookimpl
    def assessment_adjustments(self, city, context):
        reported = context.metrics["leads_reported"]  # the core's metric, computed first
        items = [Adjustment(code, Decimal(-1), "本月未报送线索", "system:leads_reported")
                 for code in context.unit_codes if not reported.get(code)]
        items += [
            Adjustment("east", Decimal(2), "引进世界500强企业", "市委督查室"),
            Adjustment("east", Decimal(2), "获评营商环境示范", "市营商办"),
            Adjustment("west", Decimal(-4), "签约项目流失", "市招商局", exempted=True,
                       exemption_reason="先行先试、无私利，经批准容错", approver="市长"),
            Adjustment("dept", Decimal(5), "不在本方案考核范围", "市招商局"),
        ]
        return items


def test_hook_assessment_adjustments_count_capped_and_exempted_items_are_listed(client_for):
    client = client_for(make_city(extra_plugins=[("plus_minus", PlusMinus())]))
    client.post("/leads", json=lead_body(1, reporting_unit="east", reported_on="2024-03-04"))
    run = client.post("/assessments/runs", json={"scheme": "plus_minus", "period": "2024-03"}).json
    rows = {r["unit"]: r for r in client.get(f"/assessments/runs/{run['id']}/ranking").json["rows"]}
    assert set(rows) == {"east", "west"}
    # East: 20 + (2 + 2 held at the cap of 3) = 23.
    assert (rows["east"]["adjustment_uncapped"], rows["east"]["adjustment_total"],
            rows["east"]["total"]) == ("4.0000", "3.0000", "23.0000")
    # West: no lead → 0 and −1; the exempted −4 is listed, not counted.
    assert (rows["west"]["adjustment_total"], rows["west"]["total"]) == ("-1.0000", "-1.0000")
    reasons = {item["reason"]: item for item in rows["west"]["adjustments"]}
    assert set(reasons) == {"本月未报送线索", "签约项目流失"}
    assert (reasons["签约项目流失"]["counted"], reasons["签约项目流失"]["approver"]) == (False, "市长")
    assert reasons["本月未报送线索"]["counted"] is True
